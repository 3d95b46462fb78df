/*
 * Host unit tests for arch/mips64/compare.c: the Count/Compare timer's
 * decisions, on a model of the registers that raises Cause.TI when Count
 * reaches Compare, as QEMU does, and that can keep the CPU away for a
 * while after a Compare write (QEMU runs its other CPUs then) or between
 * a read of Count and the next write.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>
#include "arch/compare.h"

#define PERIOD 1000u
#define MAX_EVENTS 16

struct machine {
	uint32_t count, compare;
	bool ti;                /* Cause.TI */
	bool ip;                /* the line (Cause.IP7) */
	bool armed;             /* Count has yet to reach Compare */
	unsigned int writes, reads;
	uint32_t written[MAX_EVENTS];
	uint32_t hold_after_write[MAX_EVENTS];  /* by write, from 0 */
	uint32_t hold_after_read[MAX_EVENTS];   /* by read of Count, from 0 */
	bool undo_write[MAX_EVENTS];    /* by write: a stale callback undoes it */
};

/* Count moves on by n: the match fires if Compare is in (count, count + n]. */
static void advance(struct machine *m, uint32_t n)
{
	if (m->armed && (uint32_t)(m->compare - m->count - 1) < n) {
		m->ti = m->ip = true;
		m->armed = false;
	}
	m->count += n;
}

static void hw_write(void *ctx, uint32_t compare)
{
	struct machine *m = ctx;
	unsigned int i = m->writes++;

	if (i < MAX_EVENTS)
		m->written[i] = compare;
	m->compare = compare;
	m->ti = m->ip = compare == m->count;    /* a write clears TI; equal matches */
	m->armed = (int32_t)(compare - m->count) > 0;
	if (i < MAX_EVENTS && m->undo_write[i]) {
		/* QEMU 7.2's callback for the match just past read the old
		 * Compare before the write and re-armed from it after: its
		 * timer waits for Count to wrap; it set TI and raised the
		 * line, which the write then lowered */
		m->armed = false;
		m->ti = true;
		m->ip = false;
	}
	if (i < MAX_EVENTS)
		advance(m, m->hold_after_write[i]);
}

static uint32_t hw_count(void *ctx)
{
	struct machine *m = ctx;
	unsigned int i = m->reads++;
	uint32_t now = m->count;

	if (i < MAX_EVENTS)
		advance(m, m->hold_after_read[i]);
	return now;
}

static bool hw_matched(void *ctx)
{
	return ((struct machine *)ctx)->ti;
}

static bool hw_raised(void *ctx)
{
	return ((struct machine *)ctx)->ip;
}

static struct machine m;
static struct compare_hw hw = { &m, hw_write, hw_count, hw_matched, hw_raised };
static struct compare_timer t;

static int reset(void **state)
{
	memset(&m, 0, sizeof(m));
	memset(&t, 0, sizeof(t));
	return 0;
}

/* A machine at count whose tick, a period away, is programmed. */
static void started(uint32_t count)
{
	m.count = count;
	compare_start(&t, &hw, PERIOD);
	assert_int_equal(m.compare, count + PERIOD);
	m.writes = m.reads = 0;
	memset(m.written, 0, sizeof(m.written));
}

/* ---- the tick ---- */

static void test_tick_on_time(void **state)
{
	started(0);
	advance(&m, PERIOD);
	assert_true(m.ti);
	assert_true(compare_ack(&t, &hw, PERIOD));
	assert_int_equal(t.next_compare, 2 * PERIOD);
	assert_int_equal(m.compare, 2 * PERIOD);
	assert_false(m.ti);
	assert_int_equal(m.writes, 1);
}

/* The regression: QEMU kept the CPU away after the tick's write until
 * past it. The interrupt came and waits; the old check (Count alone) took
 * the write for a late one, wrote Compare again (throwing the pending
 * interrupt away) two periods ahead, and the tick came periods late. */
static void test_tick_held_past_after_write(void **state)
{
	started(0);
	advance(&m, PERIOD);
	m.hold_after_write[0] = PERIOD + PERIOD / 2;
	assert_true(compare_ack(&t, &hw, PERIOD));
	assert_int_equal(m.writes, 1);
	assert_int_equal(m.compare, 2 * PERIOD);
	assert_true(m.ti);              /* the next tick is pending */
	assert_int_equal(t.next_compare, 2 * PERIOD);
	/* taken as soon as the CPU runs: half a period late, no more */
	assert_true(compare_ack(&t, &hw, PERIOD));
	assert_int_equal(t.next_compare, 3 * PERIOD);
	assert_int_equal(m.compare, 3 * PERIOD);
}

/* Count passed the tick between the read and the write: nothing comes
 * for that write, so Compare goes a little ahead, doubling while writes
 * keep missing. */
static void test_tick_missed_retries_soon(void **state)
{
	started(0);
	advance(&m, PERIOD);
	m.hold_after_read[0] = PERIOD + 500;    /* in compare_ack, before any write */
	m.hold_after_read[2] = 100;             /* the first retry's Count: missed again */
	assert_true(compare_ack(&t, &hw, PERIOD));
	assert_int_equal(m.writes, 3);
	assert_int_equal(m.written[0], 2 * PERIOD);
	assert_int_equal(m.written[1], 2 * PERIOD + 500 + PERIOD / COMPARE_RETRY_DIV);
	assert_int_equal(m.written[2], 2 * PERIOD + 600 + 2 * (PERIOD / COMPARE_RETRY_DIV));
	assert_false(m.ti);
	assert_true((int32_t)(m.compare - m.count) > 0);
	assert_int_equal(t.next_compare, 2 * PERIOD);  /* the tick is due */
	advance(&m, m.compare - m.count);
	assert_true(m.ti);
	assert_true(compare_ack(&t, &hw, PERIOD));
	assert_int_equal(t.next_compare, 3 * PERIOD);
}

static void test_tick_late_by_periods(void **state)
{
	started(0);
	advance(&m, 3 * PERIOD + 500);
	assert_true(compare_ack(&t, &hw, PERIOD));
	assert_int_equal(t.next_compare, 4 * PERIOD + 500);
	assert_int_equal(m.compare, 4 * PERIOD + 500);
}

/* ---- deadlines ---- */

static void test_deadline_before_tick(void **state)
{
	started(0);
	advance(&m, 100);
	assert_true(compare_deadline(&t, &hw, PERIOD, 300));
	assert_int_equal(m.compare, 300);
	advance(&m, 200);
	assert_true(m.ti);
	assert_false(compare_ack(&t, &hw, PERIOD));     /* not the tick */
	assert_false(t.has_deadline);
	assert_int_equal(m.compare, PERIOD);
	assert_int_equal(t.next_compare, PERIOD);
}

static void test_deadline_passed_already(void **state)
{
	started(0);
	advance(&m, 100);
	assert_false(compare_deadline(&t, &hw, PERIOD, 100));
	assert_false(compare_deadline(&t, &hw, PERIOD, 50));
	assert_int_equal(m.writes, 0);
}

static void test_deadline_earlier_kept(void **state)
{
	started(0);
	assert_true(compare_deadline(&t, &hw, PERIOD, 300));
	assert_true(compare_deadline(&t, &hw, PERIOD, 500));
	assert_int_equal(m.writes, 1);
	assert_int_equal(m.compare, 300);
	assert_true(compare_deadline(&t, &hw, PERIOD, 200));   /* earlier: taken */
	assert_int_equal(m.compare, 200);
}

static void test_deadline_after_tick_waits_for_it(void **state)
{
	started(0);
	assert_true(compare_deadline(&t, &hw, PERIOD, PERIOD + 300));
	assert_int_equal(m.compare, PERIOD);
	advance(&m, PERIOD);
	assert_true(compare_ack(&t, &hw, PERIOD));
	assert_int_equal(m.compare, PERIOD + 300);
}

/* Held past the deadline after its write: dropped and reported, the
 * caller acts now (rather than sleep until an interrupt it may take
 * between enabling interrupts and wait); the tick is programmed. */
static void test_deadline_held_past_it(void **state)
{
	started(0);
	advance(&m, 100);
	m.hold_after_write[0] = 400;
	assert_false(compare_deadline(&t, &hw, PERIOD, 300));
	assert_false(t.has_deadline);
	assert_int_equal(m.writes, 2);
	assert_int_equal(m.compare, PERIOD);
	assert_false(m.ti);
	assert_int_equal(t.next_compare, PERIOD);
}

/* Held past the deadline and the tick: the tick's write misses, and it is
 * asked for a little ahead, not periods later. */
static void test_deadline_held_past_tick(void **state)
{
	started(0);
	advance(&m, PERIOD - 100);
	m.hold_after_write[0] = 300;
	assert_false(compare_deadline(&t, &hw, PERIOD, PERIOD - 50));
	assert_int_equal(m.written[1], PERIOD);         /* missed */
	assert_int_equal(m.writes, 3);
	assert_int_equal(m.compare, m.count + PERIOD / COMPARE_RETRY_DIV);
	assert_int_equal(t.next_compare, PERIOD);
}

/* A tick that is due has its interrupt pending: nothing but compare_ack
 * writes Compare, which would clear it. */
static void test_tick_due_no_write(void **state)
{
	started(0);
	advance(&m, PERIOD + 10);
	assert_true(m.ti);
	assert_true(compare_deadline(&t, &hw, PERIOD, PERIOD + 50));
	assert_int_equal(m.writes, 0);
	assert_true(m.ti);
	assert_true(compare_ack(&t, &hw, PERIOD));
	assert_int_equal(m.compare, PERIOD + 50);       /* the deadline, now */
}

/* A guest setting its Compare just ahead of Count, over and over, with
 * every write held past it, never moves the tick: it comes on time, or a
 * step after it when a held write carried Count past it. */
static void test_storm_keeps_tick(void **state)
{
	started(0);
	for (int i = 0; i < 200 && !m.ti; i++) {
		memset(m.hold_after_write, 0, sizeof(m.hold_after_write));
		m.writes = 0;
		m.hold_after_write[0] = 20;
		compare_deadline(&t, &hw, PERIOD, m.count + 5);
		assert_int_equal(t.next_compare, PERIOD);
		if ((int32_t)(m.count - PERIOD) < 0)
			assert_int_equal(m.compare, PERIOD);
		advance(&m, 10);
	}
	assert_true(m.ti);              /* the tick's interrupt, taken now */
	assert_true(m.count - PERIOD <= 2 * (PERIOD / COMPARE_RETRY_DIV));
	assert_true(compare_ack(&t, &hw, PERIOD));
	assert_int_equal(t.next_compare, 2 * PERIOD);
}

/* ---- a lost interrupt ---- */

/* QEMU 7.2's timer callback, run on its main-loop thread for the Compare
 * that just passed and kept away by the host, re-armed QEMU's timer for
 * that old value's wrap after this CPU's write of the next one: Compare
 * reads back ahead, TI stays clear, and nothing comes for 2^32 ticks. */
static void lose_interrupt(void)
{
	m.armed = false;
}

/* The old logic took a tick due for one whose interrupt is on its way, for
 * good: every deadline was swallowed ("the tick comes first") and an idle
 * CPU slept until Count wrapped (25.8 s; the Linux guest's nanosleep of
 * 20 ms took seconds, its busy loops got no tick). A period overdue, the
 * tick is asked for again, a step ahead. */
static void test_lost_tick_deadline_rearms(void **state)
{
	started(0);
	lose_interrupt();
	advance(&m, PERIOD + 10);
	assert_false(m.ti);
	assert_true(compare_deadline(&t, &hw, PERIOD, m.count + 50));
	assert_int_equal(m.writes, 0);  /* less than a period late: trusted */
	advance(&m, PERIOD);
	assert_false(m.ti);
	assert_true(compare_deadline(&t, &hw, PERIOD, m.count + 50));
	assert_true(m.writes > 0);
	assert_true(m.armed);
	assert_true((int32_t)(m.compare - m.count) > 0);
	assert_true(m.compare - m.count <= PERIOD / COMPARE_RETRY_DIV);
	advance(&m, m.compare - m.count);
	assert_true(m.ti);
	assert_true(compare_ack(&t, &hw, PERIOD));
	assert_int_equal(t.next_compare, m.count + PERIOD);
}

/* The same with no deadline to ask for (an idle CPU whose vCPU's timer is
 * far, a guest that traps with its Compare far ahead): compare_check. */
static void test_lost_tick_check_rearms(void **state)
{
	started(0);
	compare_check(&t, &hw, PERIOD);
	assert_int_equal(m.writes, 0);  /* nothing due */
	lose_interrupt();
	advance(&m, PERIOD + PERIOD / 2);
	compare_check(&t, &hw, PERIOD);
	assert_int_equal(m.writes, 0);  /* due, not overdue */
	advance(&m, PERIOD);
	compare_check(&t, &hw, PERIOD);
	assert_true(m.writes > 0);
	assert_true(m.armed);
	advance(&m, PERIOD / COMPARE_RETRY_DIV);
	assert_true(m.ti);
	assert_true(compare_ack(&t, &hw, PERIOD));
}

/* A tick whose interrupt is pending but was not taken for a period (the
 * CPU was kept in the monitor): re-armed too, and it still comes. */
static void test_pending_tick_check_keeps_it(void **state)
{
	started(0);
	advance(&m, 2 * PERIOD + 5);
	assert_true(m.ti);
	compare_check(&t, &hw, PERIOD);
	advance(&m, PERIOD / COMPARE_RETRY_DIV);
	assert_true(m.ti);
	assert_true(compare_ack(&t, &hw, PERIOD));
	assert_int_equal(t.next_compare, m.count + PERIOD);
}

/* A write after which TI is set with the line down was undone by a stale
 * callback: made again, the tick comes on time instead of when Count
 * wraps. */
static void test_undone_write_made_again(void **state)
{
	started(0);
	advance(&m, PERIOD);
	m.undo_write[0] = true;
	assert_true(compare_ack(&t, &hw, PERIOD));
	assert_int_equal(m.writes, 2);
	assert_int_equal(m.written[1], 2 * PERIOD);
	assert_true(m.armed);
	assert_false(m.ti);
	advance(&m, PERIOD);
	assert_true(m.ti);
	assert_true(compare_ack(&t, &hw, PERIOD));
}

/* Undone, and Count passed the value while the write waited for QEMU's
 * lock (the callback held it): TI alone would pass for a match, the line
 * down tells. Made again, it misses, and the tick is asked for a step
 * ahead. */
static void test_undone_write_held_past(void **state)
{
	started(0);
	advance(&m, PERIOD);
	m.undo_write[0] = true;
	m.hold_after_write[0] = PERIOD + 10;
	assert_true(compare_ack(&t, &hw, PERIOD));
	assert_int_equal(m.writes, 3);
	assert_int_equal(m.written[1], 2 * PERIOD);
	assert_true(m.armed);
	assert_true((int32_t)(m.compare - m.count) > 0);
	advance(&m, m.compare - m.count);
	assert_true(m.ip);
}

/* The same for a deadline. */
static void test_undone_deadline_made_again(void **state)
{
	started(0);
	advance(&m, 100);
	m.undo_write[0] = true;
	assert_true(compare_deadline(&t, &hw, PERIOD, 300));
	assert_int_equal(m.writes, 2);
	assert_int_equal(m.compare, 300);
	assert_true(m.armed);
	advance(&m, 200);
	assert_true(m.ti);
}

/* A CPU may sleep in `wait` while the event programmed is ahead, or due
 * with its interrupt raised; not while it is due and not raised (QEMU may
 * have lost it, and nothing else wakes the CPU before Count wraps). A
 * period overdue, the tick is asked for again and sleeping is safe. */
static void test_wakes_only_when_sure(void **state)
{
	started(0);
	assert_true(compare_wakes(&t, &hw));            /* the tick, ahead */
	assert_true(compare_deadline(&t, &hw, PERIOD, 300));
	assert_true(compare_wakes(&t, &hw));            /* the deadline, ahead */
	advance(&m, 300);
	assert_true(m.ti);
	assert_true(compare_wakes(&t, &hw));            /* due and raised */
	assert_false(compare_ack(&t, &hw, PERIOD));
	lose_interrupt();
	advance(&m, PERIOD - 300 + 10);
	assert_false(compare_wakes(&t, &hw));           /* due, not raised: poll */
	compare_check(&t, &hw, PERIOD);
	assert_int_equal(m.compare, PERIOD);            /* not yet overdue */
	advance(&m, PERIOD);
	compare_check(&t, &hw, PERIOD);
	assert_true(m.armed);
	assert_true(compare_wakes(&t, &hw));            /* asked for again */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_tick_on_time, reset),
		cmocka_unit_test_setup(test_tick_held_past_after_write, reset),
		cmocka_unit_test_setup(test_tick_missed_retries_soon, reset),
		cmocka_unit_test_setup(test_tick_late_by_periods, reset),
		cmocka_unit_test_setup(test_deadline_before_tick, reset),
		cmocka_unit_test_setup(test_deadline_passed_already, reset),
		cmocka_unit_test_setup(test_deadline_earlier_kept, reset),
		cmocka_unit_test_setup(test_deadline_after_tick_waits_for_it, reset),
		cmocka_unit_test_setup(test_deadline_held_past_it, reset),
		cmocka_unit_test_setup(test_deadline_held_past_tick, reset),
		cmocka_unit_test_setup(test_tick_due_no_write, reset),
		cmocka_unit_test_setup(test_storm_keeps_tick, reset),
		cmocka_unit_test_setup(test_lost_tick_deadline_rearms, reset),
		cmocka_unit_test_setup(test_lost_tick_check_rearms, reset),
		cmocka_unit_test_setup(test_pending_tick_check_keeps_it, reset),
		cmocka_unit_test_setup(test_undone_write_made_again, reset),
		cmocka_unit_test_setup(test_undone_write_held_past, reset),
		cmocka_unit_test_setup(test_undone_deadline_made_again, reset),
		cmocka_unit_test_setup(test_wakes_only_when_sure, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
