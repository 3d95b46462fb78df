/*
 * The per-CPU tick: Count/Compare, interrupt line IP7.
 */
#ifndef ARCH_TIMER_H
#define ARCH_TIMER_H

/* Before the monitor sets a tick rate, a waiting CPU wakes every 100 us
 * (16667 Count ticks at 166.67 MHz) to look for work. */
#define TIMER_BOOT_POLL_TICKS 16667

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

/* Starts this CPU's periodic tick, every period Count ticks. */
void arch_timer_start(uint32_t period);

/* Acknowledges the timer interrupt and schedules the next event. True if
 * it was the periodic tick (else only a deadline passed). */
bool arch_timer_ack(void);

/* Asks for a timer interrupt no later than Count = count (one-shot), or at
 * once if the tick is due. False if Count had reached count before it was
 * programmed: no interrupt comes for it, the caller acts now. Never moves
 * the tick. */
bool arch_timer_deadline(uint32_t count);

/* Re-arms the timer if the tick's interrupt is a period overdue: it was
 * lost (QEMU, see arch/compare.h) and would come only when Count wraps.
 * Call it before waiting for the tick. */
void arch_timer_check(void);

/* Whether a timer interrupt is sure to end a `wait` begun now (with
 * interrupts off until then): false while the tick or deadline is due but
 * its interrupt not raised, as when QEMU lost it (arch/compare.h,
 * compare_wakes); the caller must then poll rather than sleep. Re-arms a
 * tick a period overdue first (arch_timer_check). */
bool arch_timer_wakes(void);

/* The CPU's Count now. */
static inline uint32_t arch_timer_count(void)
{
	uint32_t v;
	__asm__ volatile("mfc0\t%0, $9" : "=r"(v));
	return v;
}

#endif /* __ASSEMBLER__ */
#endif
