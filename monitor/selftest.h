/*
 * Built-in self-tests and benchmarks, chosen with test=NAME on the command
 * line. Each prints its findings and halts the machine with status 0 on
 * success (see monitor_halt()).
 */
#ifndef MONITOR_SELFTEST_H
#define MONITOR_SELFTEST_H

/* Runs the named test and halts; returns only if there is no such test. */
void selftest_run(const char *name);

#endif
