/*
 * Host unit tests for mmu/memmap.c: a frame's users as pages are backed,
 * shared by several VMs and given up; the pool of further users growing a
 * page at a time and running dry without losing anything; the lookups.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "mmu/memmap.h"

#define NFRAMES 4096

static struct memmap_user table[NFRAMES];
static struct memmap mm;
static unsigned int pages_given, pages_allowed;
static void *pages[MEMMAP_POOL_PAGES];

static void *get_page(void)
{
	if (pages_given == pages_allowed)
		return NULL;
	return pages[pages_given++] = calloc(1, 4096);
}

static int setup(void **state)
{
	pages_given = 0;
	pages_allowed = MEMMAP_POOL_PAGES;
	memmap_init(&mm, table, NFRAMES, get_page);
	return 0;
}

static int teardown(void **state)
{
	for (unsigned int i = 0; i < pages_given; i++)
		free(pages[i]);
	return 0;
}

/* Whether frame's users are exactly the n (vm, gpage) pairs, any order. */
static void check_users(uint32_t frame, const uint16_t *vm, const uint32_t *gpage,
			unsigned int n)
{
	struct memmap_user u[16];
	unsigned int got = memmap_users(&mm, frame, u, 16);

	assert_int_equal(got, n);
	for (unsigned int i = 0; i < n; i++) {
		bool found = false;

		for (unsigned int j = 0; j < got; j++)
			found |= u[j].vm == vm[i] && u[j].gpage == gpage[i];
		assert_true(found);
	}
}

static void test_private_range(void **state)
{
	uint16_t vm = 3;
	uint32_t g;

	assert_int_equal(memmap_users(&mm, 100, NULL, 0), 0);
	assert_true(memmap_add(&mm, 100, 64, 3, 1000));
	for (uint32_t f = 100; f < 164; f++) {
		g = 1000 + (f - 100);
		check_users(f, &vm, &g, 1);
		assert_int_equal(memmap_gpage_of(&mm, f, 3), g);
		assert_int_equal(memmap_gpage_of(&mm, f, 4), UINT32_MAX);
	}
	assert_int_equal(memmap_users(&mm, 99, NULL, 0), 0);
	assert_int_equal(memmap_users(&mm, 164, NULL, 0), 0);
	assert_int_equal(pages_given, 0);       /* private pages take no pool */
	memmap_remove(&mm, 100, 64, 3, 1000);
	for (uint32_t f = 100; f < 164; f++)
		assert_int_equal(memmap_users(&mm, f, NULL, 0), 0);
}

/* A shared frame: one user per VM; removing the head keeps the others. */
static void test_shared_frame(void **state)
{
	uint16_t vms[4] = { 1, 2, 3, 4 };
	uint32_t gp[4] = { 7, 7, 9, 7 };

	for (unsigned int i = 0; i < 4; i++)
		assert_true(memmap_add(&mm, 50, 1, vms[i], gp[i]));
	check_users(50, vms, gp, 4);
	assert_int_equal(mm.extra_users, 3);
	assert_int_equal(memmap_gpage_of(&mm, 50, 3), 9);
	memmap_remove(&mm, 50, 1, 1, 7);        /* the head */
	check_users(50, vms + 1, gp + 1, 3);
	memmap_remove(&mm, 50, 1, 3, 9);        /* the middle */
	{
		uint16_t v2[2] = { 2, 4 };
		uint32_t g2[2] = { 7, 7 };

		check_users(50, v2, g2, 2);
	}
	memmap_remove(&mm, 50, 1, 3, 9);        /* again: ignored */
	memmap_remove(&mm, 50, 1, 2, 8);        /* not a user: ignored */
	assert_int_equal(memmap_users(&mm, 50, NULL, 0), 2);
	memmap_remove(&mm, 50, 1, 4, 7);
	memmap_remove(&mm, 50, 1, 2, 7);
	assert_int_equal(memmap_users(&mm, 50, NULL, 0), 0);
	assert_int_equal(mm.extra_users, 0);
}

/* A dry pool: the add fails whole, what was there stays. */
static void test_pool_runs_dry(void **state)
{
	unsigned int per_page = 4096 / sizeof(struct memmap_user);
	uint16_t vm = 1;
	uint32_t g;

	pages_allowed = 1;
	assert_true(memmap_add(&mm, 0, NFRAMES, 1, 0));         /* heads */
	/* the first pool page has per_page - 1 records (index 0 is "none") */
	assert_true(memmap_add(&mm, 0, per_page - 1, 2, 0));
	assert_int_equal(mm.extra_users, per_page - 1);
	assert_false(memmap_add(&mm, 1000, 10, 3, 0));
	assert_int_equal(mm.extra_users, per_page - 1);
	for (uint32_t f = 1000; f < 1010; f++) {
		g = f;
		check_users(f, &vm, &g, 1);
	}
	/* a record given back is used again */
	memmap_remove(&mm, 5, 1, 2, 5);
	assert_true(memmap_add(&mm, 2000, 1, 3, 42));
	assert_int_equal(memmap_gpage_of(&mm, 2000, 3), 42);
	assert_int_equal(pages_given, 1);
}

/* 8 VMs sharing a page cache need more than a 16-bit pool index: 20 users
 * of each of 4096 frames (81,920 extra records), all found, all removed,
 * in an order unlike the adds'. */
static void test_pool_beyond_16_bits(void **state)
{
	const uint16_t users = 21;

	for (uint16_t vm = 1; vm <= users; vm++)
		assert_true(memmap_add(&mm, 0, NFRAMES, vm, vm * 100000u));
	assert_int_equal(mm.extra_users, (uint64_t)(users - 1) * NFRAMES);
	assert_true(mm.extra_users > 65535);
	for (uint32_t f = 0; f < NFRAMES; f += 511) {
		assert_int_equal(memmap_users(&mm, f, NULL, 0), users);
		for (uint16_t vm = 1; vm <= users; vm++)
			assert_int_equal(memmap_gpage_of(&mm, f, vm), vm * 100000u + f);
	}
	for (uint16_t k = 0; k < users; k++) {
		uint16_t vm = (uint16_t)(1 + (k * 8) % users);       /* 8 is prime to 21 */

		memmap_remove(&mm, 0, NFRAMES, vm, vm * 100000u);
		assert_int_equal(memmap_gpage_of(&mm, 77, vm), UINT32_MAX);
		assert_int_equal(memmap_users(&mm, 77, NULL, 0), users - 1 - k);
	}
	assert_int_equal(mm.extra_users, 0);
	assert_false(memmap_add(&mm, 0, 1, MEMMAP_VM_MAX + 1, 0));
	assert_true(memmap_add(&mm, 0, 1, MEMMAP_VM_MAX, 7));
	assert_int_equal(memmap_gpage_of(&mm, 0, MEMMAP_VM_MAX), 7);
}

static void test_bounds(void **state)
{
	assert_false(memmap_add(&mm, NFRAMES, 1, 1, 0));
	assert_false(memmap_add(&mm, NFRAMES - 1, 2, 1, 0));
	assert_false(memmap_add(&mm, 0, 1, MEMMAP_NO_VM, 0));
	assert_false(memmap_add(&mm, UINT32_MAX, 2, 1, 0));
	memmap_remove(&mm, NFRAMES, 5, 1, 0);
	assert_int_equal(memmap_gpage_of(&mm, NFRAMES, 1), UINT32_MAX);
	assert_true(memmap_add(&mm, NFRAMES - 1, 1, 1, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_private_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_frame, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_runs_dry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_beyond_16_bits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
