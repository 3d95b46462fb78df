/*
 * The per-CPU tick from Count/Compare, plus an optional one-shot deadline
 * (a vCPU's virtual Compare) that may come before it: the decisions are
 * arch/mips64/compare.c's (see arch/compare.h for why each Compare write is
 * checked and what a late one does); this file gives them the registers.
 */
#include <stdint.h>
#include "arch/compare.h"
#include "arch/cpu.h"
#include "arch/timer.h"
#include "monitor/percpu.h"

static void hw_write(void *ctx, uint32_t compare)
{
	write_c0_compare(compare);
}

static uint32_t hw_count(void *ctx)
{
	return read_c0_count();
}

static bool hw_matched(void *ctx)
{
	return read_c0_cause() & CAUSE_TI;
}

static bool hw_raised(void *ctx)
{
	return read_c0_cause() & CAUSE_IP7;
}

static const struct compare_hw hw = {
	.write = hw_write,
	.count = hw_count,
	.matched = hw_matched,
	.raised = hw_raised,
};

/* Before arch_timer_start (a secondary's boot wait) the tick is the boot
 * poll's. */
static uint32_t period_of(const struct percpu *c)
{
	return c->tick_period ? c->tick_period : TIMER_BOOT_POLL_TICKS;
}

void arch_timer_start(uint32_t period)
{
	struct percpu *c = this_cpu();

	c->tick_period = period;
	compare_start(&c->timer, &hw, period);
	change_c0_status(0, ST0_IM7);
}

bool arch_timer_ack(void)
{
	struct percpu *c = this_cpu();

	return compare_ack(&c->timer, &hw, period_of(c));
}

bool arch_timer_deadline(uint32_t count)
{
	struct percpu *c = this_cpu();

	return compare_deadline(&c->timer, &hw, period_of(c), count);
}

void arch_timer_check(void)
{
	struct percpu *c = this_cpu();

	/* The usual case (every return to a guest), without compare.c's
	 * calls through hw: the tick is not due yet, so compare_check would
	 * do nothing. */
	if ((int32_t)(read_c0_count() - c->timer.next_compare) < 0)
		return;
	compare_check(&c->timer, &hw, period_of(c));
}

bool arch_timer_wakes(void)
{
	struct percpu *c = this_cpu();

	if (!c->tick_period)
		return true;            /* no tick yet: start.S's boot poll */
	arch_timer_check();
	return compare_wakes(&c->timer, &hw);
}
