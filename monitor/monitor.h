/*
 * Monitor-wide services: the command line, halting, panics and the tick.
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include <stdbool.h>
#include "monitor/cmdline.h"
#include "numa/topology.h"

extern struct cmdline monitor_cmdline;
extern struct numa_topology monitor_topology;
extern uint32_t monitor_hz;     /* timer ticks a second on every CPU */   /* set once the CPUs are counted */

/*
 * Ends the machine with a status for the host: through semihosting when the
 * command line says QEMU runs with it ("semihosting"), else by printing the
 * status and powering off.
 */
void monitor_halt(int status) __attribute__((noreturn));

/* Prints "PANIC" with the CPU and message, then halts with status 1. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Starts a panic: stops other output from blocking us, prints the header. */
void panic_begin(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Called on every timer tick of every CPU, interrupts off. */
void monitor_tick(void);

/* Called on every entry into the monitor from an exception. */
void monitor_entry_poll(void);

/* Instruction-count benchmarks put a marker here (a plugin watches it). */
void bench_mark(unsigned int id);

#endif
