/*
 * Cross-CPU calls. malta has no inter-processor interrupt for this CPU
 * model, so each CPU has a mailbox in shared memory that it checks on every
 * entry into the monitor and every timer tick (and in its idle loop). A
 * call therefore reaches an idle CPU within one tick at most.
 *
 * Callbacks run on the target with interrupts off, and so does the caller
 * while it waits. Callbacks may make xcalls themselves: a CPU waiting for
 * a call to finish keeps serving its own mailbox, so two CPUs calling each
 * other do not deadlock. But a spinlock waiter does not serve its mailbox:
 * never make a call while holding a lock its target may be waiting for.
 */
#ifndef MONITOR_XCALL_H
#define MONITOR_XCALL_H

#include <stdbool.h>
#include <stdint.h>

typedef void (*xcall_fn)(void *arg);

/* Runs fn(arg) on cpu and waits for it to finish. False if cpu is offline. */
bool xcall_run(unsigned int cpu, xcall_fn fn, void *arg);

/* Runs fn(arg) on every online CPU (this one too) and waits for all. */
void xcall_run_all(xcall_fn fn, void *arg);

/*
 * Posts fn(arg) to another online CPU without waiting (panics if cpu is
 * this one or not online); returns a ticket for xcall_finish().
 */
uint32_t xcall_start(unsigned int cpu, xcall_fn fn, void *arg);
void xcall_finish(unsigned int cpu, uint32_t ticket);

/* Serves this CPU's mailbox: runs every callback posted to it. */
void xcall_poll(void);

/*
 * For a CPU waiting on another's work (a page being moved): serves the
 * mailbox, then sleeps with interrupts on until the next one (a tick at
 * the latest), and restores the interrupt state. A waiter that spun
 * instead would take QEMU's one emulation thread from the CPU it waits
 * for (measured: three CPUs spinning on a moving page held the mover for
 * seconds). Call it with no lock held.
 */
void xcall_sleep(void);

/* The word that is not 0 while cpu's mailbox holds calls (for the fast
 * trap paths, which must not skip them). */
volatile uint32_t *xcall_pending_word(unsigned int cpu);

#endif
