/*
 * The per-CPU tick: Count/Compare, interrupt line IP7.
 */
#ifndef ARCH_TIMER_H
#define ARCH_TIMER_H

/* Before the monitor sets a tick rate, a waiting CPU wakes every 100 us
 * (16667 Count ticks at 166.67 MHz) to look for work. */
#define TIMER_BOOT_POLL_TICKS 16667

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Starts this CPU's periodic tick, every period Count ticks. */
void arch_timer_start(uint32_t period);

/* Acknowledges the tick and schedules the next one. */
void arch_timer_ack(void);

#endif /* __ASSEMBLER__ */
#endif
