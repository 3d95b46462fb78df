/*
 * Periodic tick from Count/Compare. Writing Compare clears the interrupt;
 * the next deadline advances by whole periods so ticks do not drift, and
 * skips ahead if the CPU missed some (e.g. with interrupts off).
 *
 * A Compare value that Count has already passed fires only after Count
 * wraps, 25.8 s later. QEMU can stop this CPU between reading Count and
 * writing Compare for longer than a period (all CPUs share one host
 * thread), so every write is checked afterwards and pushed ahead if late:
 * without this an idle CPU slept for seconds and cross-calls hung.
 */
#include <stdint.h>
#include "arch/cpu.h"
#include "arch/timer.h"
#include "monitor/percpu.h"

/*
 * Sets Compare to c->next_compare, or later if Count passed it meanwhile,
 * doubling the step each time: every Compare write makes QEMU run the other
 * CPUs, and while they spin with interrupts off each round costs far more
 * than a period (measured: 26 ms per write with 3 such CPUs), so retrying
 * with a fixed step never caught up.
 */
static void program_compare(struct percpu *c, uint32_t period)
{
	uint32_t step = period;

	for (;;) {
		uint32_t now;
		write_c0_compare(c->next_compare);
		now = read_c0_count();
		if ((int32_t)(c->next_compare - now) > 0)
			return;
		if (step < (1u << 30))
			step *= 2;
		c->next_compare = now + step;
	}
}

void arch_timer_start(uint32_t period)
{
	struct percpu *c = this_cpu();

	c->tick_period = period;
	c->next_compare = read_c0_count() + period;
	program_compare(c, period);
	change_c0_status(0, ST0_IM7);
}

void arch_timer_ack(void)
{
	struct percpu *c = this_cpu();
	uint32_t period = c->tick_period ? c->tick_period : TIMER_BOOT_POLL_TICKS;
	uint32_t late = read_c0_count() - c->next_compare;   /* it has fired */

	/* Unsigned: after interrupts were off for more than 2^31 ticks
	 * (12.9 s) a signed test would take the old deadline for a future one. */
	if (late >= period)
		c->next_compare = read_c0_count() + period;
	else
		c->next_compare += period;
	program_compare(c, period);
}
