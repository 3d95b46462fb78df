/*
 * Host unit tests for mmu/l2tlb.c: lookups under an ASID and global,
 * pair granularity, replacement in a slot, every drop, the counters, and
 * the slot arithmetic the assembly fast path repeats.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tests/host/helpers.h"

#include "mmu/l2tlb.h"

#define ORDER   10
#define N       (1u << ORDER)
#define SHIFT16 15              /* pairs of 16 KiB pages */

static struct l2tlb_entry table[N];
static struct l2tlb t;

/* EntryLo as MIPS has it: PFN << 6, C, D, V (bit 1); frames from PFN 0. */
static uint64_t lo_of(uint32_t frame)
{
	return (uint64_t)frame << 6 | 0x1e;
}

static uint32_t frame_of(uint64_t lo)
{
	return (lo & 2) ? (uint32_t)(lo >> 6) : L2TLB_NO_FRAME;
}

static int setup(void **state)
{
	memset(table, 0x5a, sizeof(table));     /* garbage: init must empty it */
	l2tlb_init(&t, table, ORDER, SHIFT16, frame_of);
	return 0;
}

/* va's pair under asid (or global): machine frames frame and frame + 4,
 * guest pages the same numbers. */
static void put(uint64_t va, uint8_t asid, bool global, uint32_t frame)
{
	uint64_t lo[2] = { lo_of(frame), lo_of(frame + 4) };
	uint32_t gp[2] = { frame, frame + 4 };

	l2tlb_insert(&t, va, asid, global, lo, gp);
}

/* The guest page of the first half of what va under asid finds, or -1. */
static int64_t get(uint64_t va, uint8_t asid)
{
	const struct l2tlb_entry *e = l2tlb_lookup(&t, va, asid);

	return e ? (int64_t)e->gpage[0] : -1;
}

static void test_empty_misses(void **state)
{
	assert_int_equal(get(0, 0), -1);
	assert_int_equal(get(0x120000000, 5), -1);
	assert_int_equal(t.stats.misses, 2);
	assert_int_equal(t.stats.hits, 0);
}

static void test_insert_lookup_asid(void **state)
{
	const struct l2tlb_entry *e;

	put(0x120004000, 5, false, 100);
	e = l2tlb_lookup(&t, 0x120004000, 5);
	assert_non_null(e);
	assert_int_equal(e->lo[0], (100u << 6) | 0x1e);
	assert_int_equal(e->lo[1], (104u << 6) | 0x1e);
	assert_int_equal(e->gpage[1], 104);
	assert_ptr_equal(l2tlb_peek(&t, 0x120000000, 5), e);
	assert_null(l2tlb_peek(&t, 0x120000000, 4));
	assert_int_equal(t.stats.hits, 1);      /* peeks are not counted */
	/* the whole 32 KiB pair, not the next one, not another ASID */
	assert_int_equal(get(0x120000000, 5), 100);
	assert_int_equal(get(0x120007ffc, 5), 100);
	assert_int_equal(get(0x120008000, 5), -1);
	assert_int_equal(get(0x11fff8000, 5), -1);
	assert_int_equal(get(0x120004000, 6), -1);
	assert_int_equal(get(0x120004000, 0), -1);
	assert_int_equal(t.stats.inserts, 1);
}

static void test_global_matches_any_asid(void **state)
{
	put(0xc00003ffc0010000, 0, true, 200);
	for (unsigned int a = 0; a < 256; a++)
		assert_int_equal(get(0xc00003ffc0010000, (uint8_t)a), 200);
	assert_int_equal(get(0xc00003ffc0018000, 3), -1);
	assert_true(l2tlb_is_global(l2tlb_peek(&t, 0xc00003ffc0010000, 3)));
	/* an ASID entry for the pair is found before the global one, but
	 * entering one replaces the other */
	put(0xc00003ffc0010000, 7, false, 300);
	assert_int_equal(get(0xc00003ffc0010000, 7), 300);
	assert_false(l2tlb_is_global(l2tlb_peek(&t, 0xc00003ffc0010000, 7)));
	assert_int_equal(get(0xc00003ffc0010000, 8), -1);
	put(0xc00003ffc0010000, 7, true, 400);
	assert_int_equal(get(0xc00003ffc0010000, 7), 400);
	assert_int_equal(get(0xc00003ffc0010000, 9), 400);
}

static void test_high_segments_are_keys(void **state)
{
	/* xsseg and csseg pairs: keys never look like a free slot */
	put(0x4000000000100000, 1, false, 10);
	put(0xc00003ffdfff8000, 1, false, 11);
	put(0x000003ffffff0000, 1, false, 12);
	assert_int_equal(get(0x4000000000100000, 1), 10);
	assert_int_equal(get(0xc00003ffdfff8000, 1), 11);
	assert_int_equal(get(0x000003ffffff0000, 1), 12);
	assert_int_equal(get(0x0000000000100000, 1), -1);
}

/* Two pairs whose keys share a slot: the later replaces the earlier. */
static void test_slot_replacement(void **state)
{
	uint64_t a = 0x120000000, b = a + ((uint64_t)N << SHIFT16);

	put(a, 5, false, 1);
	put(b, 5, false, 2);
	assert_int_equal(get(b, 5), 2);
	assert_int_equal(get(a, 5), -1);
}

/* The same addresses under many ASIDs spread over the table. */
static void test_asids_spread(void **state)
{
	bool used[N] = { false };
	unsigned int distinct = 0;

	for (unsigned int a = 1; a < 256; a++) {
		uint64_t key = (0x120000000ull >> SHIFT16) ^ l2tlb_mix(&t, a);
		unsigned int slot = (unsigned int)(key & (N - 1));

		distinct += !used[slot];
		used[slot] = true;
	}
	assert_true(distinct > 200);
	/* and as many are kept at once */
	for (unsigned int a = 1; a < 256; a++)
		put(0x120000000, (uint8_t)a, false, a);
	for (unsigned int a = 1; a < 256; a++)
		distinct -= get(0x120000000, (uint8_t)a) == a;
	assert_int_equal(distinct, 0);
}

/* What l2tlb_refill.S computes: key = (va >> shift) ^ mix; slot address
 * = entries + ((key << 5) & ((N - 1) << 5)); a hit if slot.key == key. */
static void test_assembly_arithmetic(void **state)
{
	uint64_t va = 0x7fff4000c123, key = (va >> SHIFT16) ^ l2tlb_mix(&t, 9);
	uintptr_t slot = (uintptr_t)table + (uintptr_t)((key << 5) & ((uint64_t)(N - 1) << 5));
	const struct l2tlb_entry *e;

	put(va, 9, false, 77);
	e = l2tlb_lookup(&t, va, 9);
	assert_ptr_equal(e, (const struct l2tlb_entry *)slot);
	assert_int_equal(e->key, key);
	assert_int_equal(offsetof(struct l2tlb_entry, lo), 8);
	/* a global entry's key (the C path looks it up) */
	put(va, 0, true, 78);
	key = (va >> SHIFT16) ^ l2tlb_mix(&t, L2TLB_GLOBAL);
	assert_int_equal(((va >> SHIFT16) ^ l2tlb_mix(&t, 9)) ^ (l2tlb_mix(&t, 9) ^ l2tlb_mix(&t, L2TLB_GLOBAL)), key);
	assert_int_equal(table[key & (N - 1)].key, key);
}

static void test_drop_range(void **state)
{
	put(0x120000000, 5, false, 1);
	put(0x120008000, 5, false, 2);
	put(0x120010000, 5, false, 3);
	put(0x120008000, 6, false, 4);
	put(0xc00003ffc0008000, 0, true, 5);
	/* [0x120008000, 0x120010000) under ASID 5: one pair */
	l2tlb_drop_range(&t, 0x120008000, 0x120010000, 5);
	assert_int_equal(get(0x120000000, 5), 1);
	assert_int_equal(get(0x120008000, 5), -1);
	assert_int_equal(get(0x120010000, 5), 3);
	assert_int_equal(get(0x120008000, 6), 4);
	/* a byte of a pair drops the pair; global entries go whatever the ASID */
	l2tlb_drop_range(&t, 0x120017fff, 0x120018000, 5);
	assert_int_equal(get(0x120010000, 5), -1);
	l2tlb_drop_range(&t, 0xc00003ffc0008000, 0xc00003ffc000a000, 77);
	assert_int_equal(get(0xc00003ffc0008000, 0), -1);
	assert_int_equal(t.stats.drops, 3);
	l2tlb_drop_range(&t, 5, 5, 5);          /* empty range */
	assert_int_equal(get(0x120000000, 5), 1);
}

/* A range of more pairs than the table holds: scanned, same meaning. */
static void test_drop_large_range(void **state)
{
	put(0x120000000, 5, false, 1);
	put(0x7ff0000000, 5, false, 2);
	put(0x120000000, 6, false, 3);
	put(0xc00003ffc0008000, 0, true, 4);
	put(0x8000000000, 5, false, 5);
	l2tlb_drop_range(&t, 0, 0x8000000000, 5);
	assert_int_equal(get(0x120000000, 5), -1);
	assert_int_equal(get(0x7ff0000000, 5), -1);
	assert_int_equal(get(0x120000000, 6), 3);
	assert_int_equal(get(0xc00003ffc0008000, 1), 4);
	assert_int_equal(get(0x8000000000, 5), 5);
	l2tlb_drop_range(&t, 0xc00003ffc0000000, 0xc00003ffe0000000, 2);
	assert_int_equal(get(0xc00003ffc0008000, 1), -1);
	assert_int_equal(get(0x120000000, 6), 3);
}

static void test_drop_asid_and_all(void **state)
{
	put(0x120000000, 5, false, 1);
	put(0x120008000, 5, false, 2);
	put(0x120000000, 6, false, 3);
	put(0xc00003ffc0008000, 0, true, 4);
	l2tlb_drop_asid(&t, 5);
	assert_int_equal(get(0x120000000, 5), -1);
	assert_int_equal(get(0x120008000, 5), -1);
	assert_int_equal(get(0x120000000, 6), 3);
	assert_int_equal(get(0xc00003ffc0008000, 5), 4);
	l2tlb_drop_all(&t, true);
	assert_int_equal(get(0x120000000, 6), -1);
	assert_int_equal(get(0xc00003ffc0008000, 5), 4);
	l2tlb_drop_all(&t, false);
	assert_int_equal(get(0xc00003ffc0008000, 5), -1);
	assert_int_equal(t.stats.drops, 4);
}

static void test_drop_frame(void **state)
{
	uint64_t la[2] = { lo_of(1000), 0 }, lb[2] = { lo_of(2000), lo_of(2004) };
	uint32_t ga[2] = { 7, L2TLB_NO_FRAME }, gb[2] = { 1003, 1004 };

	/* 16 KiB halves: machine frames 1000..1003 and 2000..2007 (whatever
	 * their guest pages) */
	l2tlb_insert(&t, 0x10000, 1, false, la, ga);
	l2tlb_insert(&t, 0x18000, 1, false, lb, gb);
	l2tlb_drop_frames(&t, 1004, 1);
	l2tlb_drop_frames(&t, 999, 1);
	assert_int_not_equal(get(0x10000, 1), -1);
	l2tlb_drop_frames(&t, 1003, 1);
	assert_int_equal(get(0x10000, 1), -1);
	l2tlb_drop_frames(&t, 2008, 1);
	assert_int_not_equal(get(0x18000, 1), -1);
	l2tlb_drop_frames(&t, 2005, 1);
	assert_int_equal(get(0x18000, 1), -1);
	l2tlb_drop_frames(&t, L2TLB_NO_FRAME, 1);   /* an invalid half is no frame */
	assert_int_equal(t.stats.drops, 2);
}

static void test_drop_gpage(void **state)
{
	uint64_t la[2] = { lo_of(1000), 0 }, lb[2] = { lo_of(2000), lo_of(2004) };
	uint32_t ga[2] = { 7, L2TLB_NO_FRAME }, gb[2] = { 1003, 1004 };

	/* 16 KiB halves: guest pages 7..10, and 1003..1006 and 1004..1007
	 * (whatever their machine frames) */
	l2tlb_insert(&t, 0x10000, 1, false, la, ga);
	l2tlb_insert(&t, 0x18000, 1, false, lb, gb);
	l2tlb_drop_gpages(&t, 11, 1);
	l2tlb_drop_gpages(&t, 6, 1);
	l2tlb_drop_gpages(&t, 1000, 1);     /* a machine frame of a, not a guest page */
	assert_int_not_equal(get(0x10000, 1), -1);
	l2tlb_drop_gpages(&t, 10, 1);
	assert_int_equal(get(0x10000, 1), -1);
	l2tlb_drop_gpages(&t, 1008, 1);
	assert_int_not_equal(get(0x18000, 1), -1);
	l2tlb_drop_gpages(&t, 1007, 1);     /* the second half only */
	assert_int_equal(get(0x18000, 1), -1);
	l2tlb_drop_gpages(&t, L2TLB_NO_FRAME, 1);   /* an invalid half is no page */
	assert_int_equal(t.stats.drops, 2);
	/* ranges: [11, 1003) misses both, [0, 8) takes a, [1006, 1040) takes b */
	l2tlb_insert(&t, 0x10000, 1, false, la, ga);
	l2tlb_insert(&t, 0x18000, 1, false, lb, gb);
	l2tlb_drop_gpages(&t, 11, 1003 - 11);
	assert_int_not_equal(get(0x10000, 1), -1);
	assert_int_not_equal(get(0x18000, 1), -1);
	l2tlb_drop_gpages(&t, 0, 8);
	assert_int_equal(get(0x10000, 1), -1);
	assert_int_not_equal(get(0x18000, 1), -1);
	l2tlb_drop_gpages(&t, 1006, 34);
	assert_int_equal(get(0x18000, 1), -1);
	l2tlb_drop_gpages(&t, UINT32_MAX - 1, 2);   /* to the top: no wrap */
	assert_int_equal(t.stats.drops, 4);
	/* several ranges in one pass: only the ranges that touch a half */
	l2tlb_insert(&t, 0x10000, 1, false, la, ga);
	l2tlb_insert(&t, 0x18000, 1, false, lb, gb);
	{
		struct l2tlb_range miss[2] = { { 0, 7 }, { 11, 1003 - 11 } };
		struct l2tlb_range hit[3] = { { 0, 1 }, { 1007, 1 }, { 9, 1 } };

		l2tlb_drop_gpage_ranges(&t, miss, 2);
		assert_int_not_equal(get(0x10000, 1), -1);
		assert_int_not_equal(get(0x18000, 1), -1);
		l2tlb_drop_gpage_ranges(&t, hit, 3);
		assert_int_equal(get(0x10000, 1), -1);
		assert_int_equal(get(0x18000, 1), -1);
	}
}

static void test_pair_shift_change_empties(void **state)
{
	put(0x120000000, 5, false, 1);
	l2tlb_set_pair_shift(&t, 13);
	assert_int_equal(get(0x120000000, 5), -1);
	put(0x120002000, 5, false, 2);
	assert_int_equal(get(0x120003fff, 5), 2);
	assert_int_equal(get(0x120001fff, 5), -1);
	assert_int_equal(get(0x120004000, 5), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_empty_misses, setup),
		cmocka_unit_test_setup(test_insert_lookup_asid, setup),
		cmocka_unit_test_setup(test_global_matches_any_asid, setup),
		cmocka_unit_test_setup(test_high_segments_are_keys, setup),
		cmocka_unit_test_setup(test_slot_replacement, setup),
		cmocka_unit_test_setup(test_asids_spread, setup),
		cmocka_unit_test_setup(test_assembly_arithmetic, setup),
		cmocka_unit_test_setup(test_drop_range, setup),
		cmocka_unit_test_setup(test_drop_large_range, setup),
		cmocka_unit_test_setup(test_drop_asid_and_all, setup),
		cmocka_unit_test_setup(test_drop_frame, setup),
		cmocka_unit_test_setup(test_drop_gpage, setup),
		cmocka_unit_test_setup(test_pair_shift_change_empties, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
