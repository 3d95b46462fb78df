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
 * thread), so every write is checked afterwards. A late tick is asked for
 * again further ahead: without this an idle CPU slept for seconds and
 * cross-calls hung. A late deadline is dropped and reported instead: the
 * guest's timer is due, its caller delivers it now. Nothing a guest asks
 * for moves the tick (next_compare), which only arch_timer_ack advances:
 * pushing it for a late deadline let a guest that set its Compare just
 * behind Count keep the tick, and so every other vCPU, away for good.
 *
 * While the tick is due its interrupt is pending (Compare was at or before
 * it, and still ahead when written) or, after a late write, on its way, so
 * only arch_timer_ack writes Compare then: any other write would clear it.
 */
#include <stdint.h>
#include "arch/cpu.h"
#include "arch/timer.h"
#include "monitor/percpu.h"

/* Writes Compare; true if Count had not reached it by then (the interrupt
 * will come), false if the write came too late. */
static bool set_compare(uint32_t target)
{
	write_c0_compare(target);
	return (int32_t)(target - read_c0_count()) > 0;
}

/*
 * Sets Compare to the earlier of the deadline and the next tick. A deadline
 * Count passed first is dropped (false: the caller acts on it now). A tick
 * Count passed first is due: Compare goes further ahead, doubling the step
 * each time, until a write is in time, and arch_timer_ack then finds the
 * tick late: every Compare write makes QEMU run the other CPUs, and while
 * they spin with interrupts off each round costs far more than a period
 * (measured: 26 ms per write with 3 such CPUs), so retrying with a fixed
 * step never caught up.
 */
static bool program_compare(struct percpu *c, uint32_t period)
{
	bool deadline_met = true;
	uint32_t step = period;

	if (c->has_deadline && (int32_t)(c->deadline - c->next_compare) < 0) {
		if (set_compare(c->deadline))
			return true;
		c->has_deadline = false;
		deadline_met = false;
	}
	if (set_compare(c->next_compare))
		return deadline_met;
	do {
		if (step < (1u << 30))
			step *= 2;
	} while (!set_compare(read_c0_count() + step));
	return deadline_met;
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

bool arch_timer_deadline(uint32_t count)
{
	struct percpu *c = this_cpu();
	uint32_t now = read_c0_count();

	if ((int32_t)(count - now) <= 0)
		return false;           /* passed already */
	if (c->has_deadline && (int32_t)(c->deadline - count) <= 0 &&
	    (int32_t)(c->deadline - now) > 0)
		return true;            /* an earlier one is already set */
	c->deadline = count;
	c->has_deadline = true;
	if ((int32_t)(now - c->next_compare) >= 0)
		return true;            /* the tick is due: its interrupt comes
					 * first, and arch_timer_ack programs this */
	return program_compare(c, period_of(c));
}
