/*
 * Periodic tick from Count/Compare. Writing Compare clears the interrupt;
 * the next deadline advances by whole periods so ticks do not drift, and
 * skips ahead if the CPU missed some (e.g. with interrupts off).
 */
#include <stdint.h>
#include "arch/cpu.h"
#include "arch/timer.h"
#include "monitor/percpu.h"

void arch_timer_start(uint32_t period)
{
	struct percpu *c = this_cpu();

	c->tick_period = period;
	c->next_compare = read_c0_count() + period;
	write_c0_compare(c->next_compare);
	change_c0_status(0, ST0_IM7);
}

void arch_timer_ack(void)
{
	struct percpu *c = this_cpu();
	uint32_t now = read_c0_count();
	uint32_t period = c->tick_period ? c->tick_period : TIMER_BOOT_POLL_TICKS;

	c->next_compare += period;
	/* deadline already passed (signed distance): restart from now */
	if ((int32_t)(c->next_compare - now) <= 0)
		c->next_compare = now + period;
	write_c0_compare(c->next_compare);
}
