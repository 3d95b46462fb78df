/*
 * What a CPU's Count/Compare timer does (arch/mips64/timer.c): a periodic
 * tick, plus an optional one-shot deadline (a vCPU's virtual Compare) that
 * may come before the next tick. Pure C: the registers are reached through
 * a struct compare_hw, so the host tests (tests/host/test_compare.c) can
 * play the machine, QEMU's scheduling included.
 *
 * Writing Compare clears the timer interrupt (Cause.TI); the interrupt is
 * raised when Count reaches Compare, so a Compare that Count has already
 * passed fires only after Count wraps, 25.8 s later. Every write is
 * therefore checked by reading Count back, and there are three outcomes:
 *   ahead   Count has not reached it: the interrupt will come;
 *   met     Count has reached it since the write: the interrupt came and is
 *           pending (Cause.TI). QEMU runs its other CPUs right after a
 *           Compare write that brings its next timer event nearer (with
 *           -icount it stops the writer at once) and can keep this one
 *           away for a tick period or more; Count alone cannot tell this
 *           from a late write, and taking it for one threw the interrupt
 *           away and asked for the tick periods later;
 *   missed  Count had passed it before the write landed (the CPU was kept
 *           away between reading Count and writing Compare): no interrupt.
 * A write after which Cause.TI is set but the line is down was undone by
 * QEMU's timer callback for the Compare before it (see set_compare in
 * compare.c), and is made again.
 *
 * A deadline that is not ahead is dropped and reported (false): the guest's
 * timer is due, its caller delivers it now, without waiting for an
 * interrupt that it could miss between enabling interrupts and `wait`.
 * A missed tick is asked for again a little ahead, the step doubling while
 * writes keep missing (QEMU can keep a CPU away for milliseconds between
 * any two instructions), and compare_ack then finds the tick late.
 * Nothing a guest asks for moves the tick (next_compare), which only
 * compare_ack advances: pushing it for a late deadline let a guest that set
 * its Compare just behind Count keep the tick, and so every other vCPU,
 * away for good.
 *
 * While the tick is due its interrupt is pending (met, or Compare was at or
 * before it and ahead when written) or on its way (after a missed write),
 * so only compare_ack writes Compare then: any other write would clear it.
 * Unless it has been due for a whole period: then the interrupt was lost
 * (QEMU's timer callback can re-arm its timer from a stale Compare, see
 * compare.c), and compare_deadline or compare_check write Compare again.
 */
#ifndef ARCH_COMPARE_H
#define ARCH_COMPARE_H

#include <stdbool.h>
#include <stdint.h>

/* The first step ahead of Count after a missed tick: 1/32 of a period
 * (31 us at 1000 Hz), doubled while writes keep missing. */
#define COMPARE_RETRY_DIV 32

/* How many times in a row a write undone by QEMU's timer callback is made
 * again (a callback runs once per match; the bound keeps a TI that never
 * clears from holding the CPU). */
#define COMPARE_REDO_MAX 4

/* The registers, for one CPU. */
struct compare_hw {
	void *ctx;
	void (*write)(void *ctx, uint32_t compare);     /* also clears Cause.TI */
	uint32_t (*count)(void *ctx);
	bool (*matched)(void *ctx);     /* Cause.TI: Count met Compare since it was written */
	bool (*raised)(void *ctx);      /* the timer's interrupt line (Cause.IP7) is up */
};

/* One CPU's timer state. */
struct compare_timer {
	uint32_t next_compare;          /* Compare value of the next tick */
	uint32_t deadline;              /* a one-shot event, if has_deadline */
	uint32_t programmed;            /* what Compare holds (the last write) */
	bool has_deadline;
};

/* Starts the tick: the first one period from now. */
void compare_start(struct compare_timer *t, const struct compare_hw *hw, uint32_t period);

/* After a timer interrupt: drops a deadline that passed, advances the tick
 * by whole periods (to a period from now if it is a period or more late)
 * and programs the next event. True if it was the tick. */
bool compare_ack(struct compare_timer *t, const struct compare_hw *hw, uint32_t period);

/* Asks for an interrupt no later than Count = count, or at once if the
 * tick is due. False if Count reached count before it was programmed: no
 * interrupt comes for it, the caller acts now. Never moves the tick. */
bool compare_deadline(struct compare_timer *t, const struct compare_hw *hw,
		      uint32_t period, uint32_t count);

/* Re-arms the timer if the tick has been due for a period or more: its
 * interrupt was lost (see tick_pending in compare.c) and would otherwise
 * come only when Count wraps. Cheap when nothing is wrong (one Count read). */
void compare_check(struct compare_timer *t, const struct compare_hw *hw, uint32_t period);

/*
 * Whether an interrupt is sure to end a `wait` begun now: the event
 * programmed (the tick, or a deadline before it) is still ahead of Count,
 * or its interrupt is raised. False while it is due
 * but not raised: QEMU's callback may just be late, or may have re-armed
 * QEMU's timer from a stale Compare (the interrupt is then lost), and a
 * CPU asleep in `wait` has nothing else to wake it (no inter-processor
 * interrupt on this board) until Count wraps, 25.8 s later. The caller
 * polls instead; compare_check re-arms a tick a period overdue.
 */
bool compare_wakes(const struct compare_timer *t, const struct compare_hw *hw);

#endif
