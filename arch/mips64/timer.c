/*
 * Periodic tick from Count/Compare, plus an optional one-shot deadline
 * (a vCPU's virtual Compare) that may come before the next tick. Writing
 * Compare clears the interrupt; the tick's deadline advances by whole
 * periods so ticks do not drift, and skips ahead if the CPU missed some
 * (e.g. with interrupts off).
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

/* The earlier of the next tick and the one-shot deadline. */
static uint32_t next_event(const struct percpu *c)
{
	if (c->has_deadline && (int32_t)(c->deadline - c->next_compare) < 0)
		return c->deadline;
	return c->next_compare;
}

/*
 * Sets Compare to the next event, or later if Count passed it meanwhile,
 * doubling the step each time: every Compare write makes QEMU run the other
 * CPUs, and while they spin with interrupts off each round costs far more
 * than a period (measured: 26 ms per write with 3 such CPUs), so retrying
 * with a fixed step never caught up.
 */
static void program_compare(struct percpu *c, uint32_t period)
{
	uint32_t step = period, target = next_event(c);

	for (;;) {
		uint32_t now;
		write_c0_compare(target);
		now = read_c0_count();
		if ((int32_t)(target - now) > 0)
			return;
		if (step < (1u << 30))
			step *= 2;
		target = now + step;
		if ((int32_t)(target - c->next_compare) > 0)
			c->next_compare = target;
	}
}

static uint32_t period_of(const struct percpu *c)
{
	return c->tick_period ? c->tick_period : TIMER_BOOT_POLL_TICKS;
}

void arch_timer_start(uint32_t period)
{
	struct percpu *c = this_cpu();

	c->tick_period = period;
	c->next_compare = read_c0_count() + period;
	program_compare(c, period);
	change_c0_status(0, ST0_IM7);
}

bool arch_timer_ack(void)
{
	struct percpu *c = this_cpu();
	uint32_t period = period_of(c), now = read_c0_count();
	uint32_t late = now - c->next_compare;
	bool tick = (int32_t)late >= 0;

	if (c->has_deadline && (int32_t)(now - c->deadline) >= 0)
		c->has_deadline = false;
	/* Unsigned: after interrupts were off for more than 2^31 ticks
	 * (12.9 s) a signed test would take the old deadline for a future one. */
	if (tick && late >= period)
		c->next_compare = now + period;
	else if (tick)
		c->next_compare += period;
	program_compare(c, period);
	return tick;
}

void arch_timer_deadline(uint32_t count)
{
	struct percpu *c = this_cpu();

	if (c->has_deadline && (int32_t)(c->deadline - count) <= 0 &&
	    (int32_t)(c->deadline - read_c0_count()) > 0)
		return;                 /* an earlier one is already set */
	c->deadline = count;
	c->has_deadline = true;
	program_compare(c, period_of(c));
}
