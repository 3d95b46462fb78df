/*
 * The Count/Compare timer's decisions (see arch/compare.h). Pure C.
 */
#include "arch/compare.h"

/* What a Compare write found when Count was read back. */
enum compare_write {
	COMPARE_AHEAD,          /* the interrupt will come */
	COMPARE_MET,            /* it came after the write and is pending */
	COMPARE_MISSED,         /* Count had passed target first: none comes */
};

/*
 * Writes target to Compare and tells what the write found. QEMU 7.2 runs
 * the timer callback of a match (the Compare before, just past) on its
 * main-loop thread, under its big lock: one that read the old Compare
 * before this write re-arms QEMU's timer from it after this write armed
 * it, so nothing comes until Count wraps (25.8 s), then sets TI and raises
 * the line, which this write (waiting for the lock to lower it) lowers.
 * So TI set with the line down, right after a write that cleared TI, says
 * the write was undone (a callback for the new value sets TI and raises
 * the line after the write), and it is made again, up to COMPARE_REDO_MAX
 * times (the undoing callback is over by then).
 */
static enum compare_write set_compare(struct compare_timer *t, const struct compare_hw *hw,
				       uint32_t target)
{
	int32_t ahead;
	unsigned int redo = 0;

	t->programmed = target;
	do
		hw->write(hw->ctx, target);
	while (hw->matched(hw->ctx) && !hw->raised(hw->ctx) && redo++ < COMPARE_REDO_MAX);
	ahead = (int32_t)(target - hw->count(hw->ctx));
	if (ahead > 0)
		return COMPARE_AHEAD;
	/* Count equal to Compare is the match itself (QEMU may raise it a
	 * few nanoseconds later); past it, the match was seen or never was */
	if (ahead == 0 || hw->matched(hw->ctx))
		return COMPARE_MET;
	return COMPARE_MISSED;
}

/*
 * Sets Compare to the earlier of the deadline and the next tick. A deadline
 * not ahead when written is dropped (false: the caller acts on it now). A
 * tick whose write missed is due: Compare goes a little ahead of Count,
 * the step doubling each time a write misses again, and compare_ack then
 * finds the tick late.
 */
static bool program(struct compare_timer *t, const struct compare_hw *hw, uint32_t period)
{
	bool deadline_met = true;
	uint32_t step = period / COMPARE_RETRY_DIV;

	if (t->has_deadline && (int32_t)(t->deadline - t->next_compare) < 0) {
		if (set_compare(t, hw, t->deadline) == COMPARE_AHEAD)
			return true;
		t->has_deadline = false;
		deadline_met = false;
	}
	if (set_compare(t, hw, t->next_compare) != COMPARE_MISSED)
		return deadline_met;
	if (!step)
		step = 1;
	while (set_compare(t, hw, hw->count(hw->ctx) + step) == COMPARE_MISSED)
		if (step < (1u << 30))
			step *= 2;
	return deadline_met;
}

/*
 * The tick is due at now and its interrupt can be trusted to come: it has
 * been due for less than a period. An interrupt that should have come a
 * period ago was lost: QEMU 7.2's timer callback runs on its main-loop
 * thread, and one that read the old Compare, then was kept away by the
 * host while this CPU wrote a new one, re-arms QEMU's timer for the old
 * value's wrap after the write (and its read-back) were done: nothing comes
 * for 25.8 s, though the write looked ahead. Only a new write re-arms it.
 */
static bool tick_pending(const struct compare_timer *t, uint32_t now, uint32_t period)
{
	uint32_t late = now - t->next_compare;

	return (int32_t)late >= 0 && late < period;
}

void compare_start(struct compare_timer *t, const struct compare_hw *hw, uint32_t period)
{
	t->next_compare = hw->count(hw->ctx) + period;
	program(t, hw, period);
}

bool compare_ack(struct compare_timer *t, const struct compare_hw *hw, uint32_t period)
{
	uint32_t now = hw->count(hw->ctx);
	uint32_t late = now - t->next_compare;
	bool tick = (int32_t)late >= 0;

	if (t->has_deadline && (int32_t)(now - t->deadline) >= 0)
		t->has_deadline = false;
	/* Unsigned: after interrupts were off for more than 2^31 ticks
	 * (12.9 s) a signed test would take the old deadline for a future one. */
	if (tick && late >= period)
		t->next_compare = now + period;
	else if (tick)
		t->next_compare += period;
	program(t, hw, period);
	return tick;
}

bool compare_deadline(struct compare_timer *t, const struct compare_hw *hw,
		      uint32_t period, uint32_t count)
{
	uint32_t now = hw->count(hw->ctx);

	if ((int32_t)(count - now) <= 0)
		return false;           /* passed already */
	if (t->has_deadline && (int32_t)(t->deadline - count) <= 0 &&
	    (int32_t)(t->deadline - now) > 0)
		return true;            /* an earlier one is already set */
	t->deadline = count;
	t->has_deadline = true;
	if (tick_pending(t, now, period))
		return true;            /* the tick is due: its interrupt comes
					 * first, and compare_ack programs this */
	return program(t, hw, period);
}

void compare_check(struct compare_timer *t, const struct compare_hw *hw, uint32_t period)
{
	uint32_t now = hw->count(hw->ctx);

	if ((int32_t)(now - t->next_compare) >= 0 && !tick_pending(t, now, period))
		program(t, hw, period);
}

bool compare_wakes(const struct compare_timer *t, const struct compare_hw *hw)
{
	return (int32_t)(t->programmed - hw->count(hw->ctx)) > 0 || hw->raised(hw->ctx);
}
