/*
 * The per-CPU tick: Count/Compare, interrupt line IP7.
 */
#ifndef ARCH_TIMER_H
#define ARCH_TIMER_H

#include <stdint.h>

/* Starts this CPU's periodic tick, every period Count ticks. */
void arch_timer_start(uint32_t period);

/* Acknowledges the tick and schedules the next one. */
void arch_timer_ack(void);

#endif
