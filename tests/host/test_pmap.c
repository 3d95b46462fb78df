/*
 * Host unit tests for the pure part of mmu/pmap.h: pmap_table_pages, the
 * machine pages a pmap's two tables take beside the VM's memory (part of
 * what a VM needs before it is accepted, monitor/vm.c). The oracle is
 * pmap_create's layout: frame[] holds a 4-byte frame number and
 * block_order[] one byte per guest page, each table a power-of-two block.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "mmu/pmap.h"

static void test_table_pages(void **state)
{
	static const struct { uint64_t mib, pages; } cases[] = {
		{ 1, 1 + 1 },           /* 256 pages: 1 KiB and 256 bytes */
		{ 4, 1 + 1 },           /* 1024 pages: 4 KiB and 1 KiB */
		{ 8, 2 + 1 },
		{ 16, 4 + 1 },
		{ 64, 16 + 4 },
		{ 96, 32 + 8 },         /* 96 KiB of frames: an order-5 block */
		{ 126, 32 + 8 },        /* the bundle-greedy test's VM */
		{ 128, 32 + 8 },
		{ 129, 64 + 16 },
		{ 2048, 512 + 128 },    /* 2 GiB: the most malta has */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(pmap_table_pages(cases[i].mib << 20), cases[i].pages);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_pages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
