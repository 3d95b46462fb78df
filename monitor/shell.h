/*
 * The monitor's interactive prompt on the console (what `make run` shows).
 */
#ifndef MONITOR_SHELL_H
#define MONITOR_SHELL_H

/* Reads and runs commands on CPU 0 until power-off. */
void shell_run(void) __attribute__((noreturn));

/* `numa` with its arguments (after the word): both prompts'. */
void shell_numa(const char *args);

#endif
