/*
 * Host unit tests for mmu/asid.c: real ASIDs per (vCPU, guest ASID),
 * recycled by generation.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tests/host/helpers.h"

#include "mmu/asid.h"

#define MAPS 64                 /* e.g. 16 VMs of 4 vCPUs on one CPU */

static struct asid_space s;
static struct asid_map map[MAPS];

static int setup(void **state)
{
	asid_space_init(&s);
	for (unsigned int i = 0; i < MAPS; i++)
		asid_map_forget(&map[i]);
	return 0;
}

static unsigned int get(unsigned int m, unsigned int guest, bool *gen)
{
	return asid_get(&s, &map[m], guest, gen);
}

static void test_first_use_hands_out_and_keeps(void **state)
{
	bool gen;

	assert_int_equal(asid_lookup(&s, &map[0], 7), ASID_NONE);
	assert_int_equal(get(0, 7, &gen), ASID_REAL_FIRST);
	assert_false(gen);
	assert_int_equal(asid_lookup(&s, &map[0], 7), ASID_REAL_FIRST);
	/* the same pair again: the same real ASID, nothing handed out */
	assert_int_equal(get(0, 7, &gen), ASID_REAL_FIRST);
	assert_int_equal(s.handed_out, 1);
	/* another guest ASID of the same vCPU, and the same guest ASID of
	 * another vCPU (another VM, or the same VM's other vCPU): new ones */
	assert_int_equal(get(0, 8, &gen), 2);
	assert_int_equal(get(1, 7, &gen), 3);
	assert_int_equal(get(0, 7, &gen), ASID_REAL_FIRST);
	assert_int_equal(get(1, 7, &gen), 3);
}

static void test_never_zero_never_twice_in_a_generation(void **state)
{
	bool seen[256] = { false }, gen;

	for (unsigned int i = 0; i < ASID_REAL_LAST; i++) {
		unsigned int r = get(i % MAPS, i / MAPS, &gen);

		assert_false(gen);
		assert_true(r >= ASID_REAL_FIRST && r <= ASID_REAL_LAST);
		assert_false(seen[r]);
		seen[r] = true;
	}
	assert_int_equal(s.generations, 0);
}

static void test_generation_wrap(void **state)
{
	bool gen;
	unsigned int r;

	for (unsigned int i = 0; i < ASID_REAL_LAST; i++)
		get(0, i, &gen);
	/* the 256th guest ASID: the 255 are gone, a new generation */
	r = get(0, 255, &gen);
	assert_true(gen);
	assert_int_equal(r, ASID_REAL_FIRST);
	assert_int_equal(s.generations, 1);
	/* every pair of the old generation is stale now... */
	for (unsigned int i = 0; i < ASID_REAL_LAST; i++)
		assert_int_equal(asid_lookup(&s, &map[0], i), ASID_NONE);
	/* ...and gets a new one without another flush */
	assert_int_equal(get(0, 0, &gen), 2);
	assert_false(gen);
	assert_int_equal(asid_lookup(&s, &map[0], 255), ASID_REAL_FIRST);
}

static void test_stale_pair_of_an_older_generation(void **state)
{
	bool gen;
	unsigned int old = get(5, 42, &gen);

	/* other vCPUs use up the space twice over */
	for (unsigned int round = 0; round < 2 * ASID_REAL_LAST; round++)
		get(1 + round % (MAPS - 1), round / (MAPS - 1), &gen);
	assert_int_equal(s.generations, 2);
	/* map 5's recorded real ASID may be another pair's now: not used */
	assert_int_equal(asid_lookup(&s, &map[5], 42), ASID_NONE);
	assert_int_not_equal(get(5, 42, &gen), ASID_NONE);
	(void)old;
}

static void test_forget_drops_every_pair(void **state)
{
	bool gen;
	unsigned int a = get(3, 1, &gen), b = get(3, 2, &gen);

	asid_map_forget(&map[3]);
	assert_int_equal(asid_lookup(&s, &map[3], 1), ASID_NONE);
	assert_int_equal(asid_lookup(&s, &map[3], 2), ASID_NONE);
	/* forgotten real ASIDs are not handed out again in this generation */
	unsigned int c = get(3, 1, &gen);
	assert_int_not_equal(c, a);
	assert_int_not_equal(c, b);
	assert_false(gen);
}

/* Many vCPUs of many VMs, each cycling through its guest ASIDs: within a
 * generation no two live pairs share a real ASID, a generation begins
 * exactly when the 255 are used up, and a pair keeps its real ASID until
 * then. */
static void test_many_vms(void **state)
{
	static unsigned int owner_map[256], owner_guest[256];
	unsigned int used = 0;
	uint64_t gens = 0;
	bool gen;

	for (unsigned int step = 0; step < 20000; step++) {
		unsigned int m = (step * 7) % MAPS, guest = (step * 13) % 256;
		unsigned int before = asid_lookup(&s, &map[m], guest);
		unsigned int r = get(m, guest, &gen);

		if (gen) {
			assert_int_equal(used, ASID_REAL_LAST);
			used = 0;
			gens++;
		}
		if (before != ASID_NONE) {
			assert_int_equal(r, before);
			assert_false(gen);
		} else {
			used++;
		}
		if (before == ASID_NONE) {
			owner_map[r] = m;
			owner_guest[r] = guest;
		}
		assert_int_equal(owner_map[r], m);
		assert_int_equal(owner_guest[r], guest);
	}
	assert_int_equal(s.generations, gens);
	assert_true(gens > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_first_use_hands_out_and_keeps, setup),
		cmocka_unit_test_setup(test_never_zero_never_twice_in_a_generation, setup),
		cmocka_unit_test_setup(test_generation_wrap, setup),
		cmocka_unit_test_setup(test_stale_pair_of_an_older_generation, setup),
		cmocka_unit_test_setup(test_forget_drops_every_pair, setup),
		cmocka_unit_test_setup(test_many_vms, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
