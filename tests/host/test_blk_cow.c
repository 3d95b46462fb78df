/*
 * Host unit tests for devices/blk_cow.c, the copy-on-write overlay.
 *
 * The oracle is a plain copy of the disk that every write also goes to:
 * after any sequence of writes and reads the overlay reads exactly what
 * the copy holds, and the base image is byte-identical to what it was.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include "devices/blk_cow.h"
#include "devices/blk_ram.h"

#define SECTORS 4099    /* 512 blocks and a short one of 3 sectors */
#define BIG_SECTORS (BLK_COW_PER_LEAF * BLK_COW_BLOCK_SECTORS * 2 + 13) /* three leaves */

struct counting_alloc {
	long live;              /* allocations not freed */
	long limit;             /* allocations allowed in all, -1: any */
	long made;
};

static void *cow_test_alloc(void *ctx, uint64_t bytes)
{
	struct counting_alloc *a = ctx;

	if (a->limit >= 0 && a->made >= a->limit)
		return NULL;
	a->made++;
	a->live++;
	void *p = malloc(bytes);
	memset(p, 0xcc, bytes);         /* garbage: the module must clear */
	return p;
}

static void cow_test_free(void *ctx, void *p, uint64_t bytes)
{
	struct counting_alloc *a = ctx;

	(void)bytes;
	a->live--;
	free(p);
}

struct fixture {
	uint8_t *base_bytes, *pristine, *model;
	uint64_t sectors;
	struct blk_ram ram;
	struct blk_backend base, disk;
	struct blk_cow cow;
	struct counting_alloc a;
};

static void setup(struct fixture *f, uint64_t sectors, long limit)
{
	uint64_t bytes = sectors * BLK_SECTOR_SIZE;
	struct blk_cow_alloc mem;

	memset(f, 0, sizeof(*f));
	f->sectors = sectors;
	f->base_bytes = malloc(bytes);
	f->pristine = malloc(bytes);
	f->model = malloc(bytes);
	srand(7);
	for (uint64_t i = 0; i < bytes; i++)
		f->base_bytes[i] = (uint8_t)rand();
	memcpy(f->pristine, f->base_bytes, bytes);
	memcpy(f->model, f->base_bytes, bytes);
	blk_ram_init(&f->ram, &f->base, f->base_bytes, bytes, true, "base-image");
	f->a.limit = limit;
	mem.ctx = &f->a;
	mem.alloc = cow_test_alloc;
	mem.free = cow_test_free;
	assert_true(blk_cow_init(&f->cow, &f->disk, &f->base, &mem));
}

static void teardown(struct fixture *f)
{
	blk_cow_destroy(&f->cow);
	assert_int_equal(f->a.live, 0);
	free(f->base_bytes);
	free(f->pristine);
	free(f->model);
}

static void check_all(struct fixture *f)
{
	uint8_t *buf = malloc(f->sectors * BLK_SECTOR_SIZE);

	assert_true(f->disk.read(f->disk.ctx, 0, buf, (uint32_t)f->sectors));
	assert_memory_equal(buf, f->model, f->sectors * BLK_SECTOR_SIZE);
	assert_memory_equal(f->base_bytes, f->pristine, f->sectors * BLK_SECTOR_SIZE);
	free(buf);
}

static void test_fresh_overlay_reads_base(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f, SECTORS, -1);
	assert_int_equal(f.disk.sectors, SECTORS);
	assert_false(f.disk.read_only);
	assert_memory_equal(f.disk.id, "base-image", 10);
	check_all(&f);
	assert_int_equal(f.cow.count.blocks, 0);
	assert_int_equal(f.cow.count.base_reads, 1);   /* one run, one read */
	teardown(&f);
}

static void test_writes_stay_in_overlay(void **state)
{
	struct fixture f;
	uint8_t sector[BLK_SECTOR_SIZE];

	(void)state;
	setup(&f, SECTORS, -1);
	memset(sector, 0x5a, sizeof(sector));
	/* one sector in the middle of a block: the block's other 7 come from the base */
	assert_true(f.disk.write(f.disk.ctx, 13, sector, 1));
	memcpy(f.model + 13 * BLK_SECTOR_SIZE, sector, BLK_SECTOR_SIZE);
	assert_int_equal(f.cow.count.blocks, 1);
	assert_int_equal(f.cow.count.copied_in, 1);
	assert_non_null(blk_cow_block(&f.cow, 1));
	assert_null(blk_cow_block(&f.cow, 0));
	check_all(&f);
	/* a whole block written: the base is not read for it */
	{
		uint8_t block[BLK_COW_BLOCK];
		uint64_t reads = f.cow.count.base_reads;

		memset(block, 0x3c, sizeof(block));
		assert_true(f.disk.write(f.disk.ctx, 5 * BLK_COW_BLOCK_SECTORS, block,
					 BLK_COW_BLOCK_SECTORS));
		memcpy(f.model + 5 * BLK_COW_BLOCK, block, BLK_COW_BLOCK);
		assert_int_equal(f.cow.count.copied_in, 1);
		assert_int_equal(f.cow.count.blocks, 2);
		assert_int_equal(f.cow.count.base_reads, reads);
	}
	check_all(&f);
	/* the short last block (4099 = 512 * 8 + 3) */
	assert_true(f.disk.write(f.disk.ctx, SECTORS - 1, sector, 1));
	memcpy(f.model + (SECTORS - 1) * BLK_SECTOR_SIZE, sector, BLK_SECTOR_SIZE);
	check_all(&f);
	teardown(&f);
}

static void test_random_against_model(void **state)
{
	struct fixture f;
	static uint8_t buf[64 * BLK_SECTOR_SIZE];

	(void)state;
	setup(&f, BIG_SECTORS, -1);
	srand(1234);
	for (int i = 0; i < 3000; i++) {
		uint32_t count = 1 + (uint32_t)rand() % 64;
		uint64_t sector = (uint64_t)rand() % (f.sectors - count + 1);

		if (rand() % 2) {
			for (uint32_t b = 0; b < count * BLK_SECTOR_SIZE; b++)
				buf[b] = (uint8_t)rand();
			assert_true(f.disk.write(f.disk.ctx, sector, buf, count));
			memcpy(f.model + sector * BLK_SECTOR_SIZE, buf, count * BLK_SECTOR_SIZE);
		} else {
			assert_true(f.disk.read(f.disk.ctx, sector, buf, count));
			assert_memory_equal(buf, f.model + sector * BLK_SECTOR_SIZE,
					    count * BLK_SECTOR_SIZE);
		}
	}
	check_all(&f);
	assert_true(f.disk.flush(f.disk.ctx));
	assert_true(f.cow.count.blocks > 100);
	teardown(&f);
}

static void test_no_memory_refuses_write(void **state)
{
	struct fixture f;
	uint8_t sectors[2 * BLK_COW_BLOCK];

	(void)state;
	/* the directory, a leaf and one block: the second block fails */
	setup(&f, SECTORS, 3);
	memset(sectors, 0x77, sizeof(sectors));
	assert_true(f.disk.write(f.disk.ctx, 0, sectors, BLK_COW_BLOCK_SECTORS));
	memcpy(f.model, sectors, BLK_COW_BLOCK);
	assert_false(f.disk.write(f.disk.ctx, 3 * BLK_COW_BLOCK_SECTORS, sectors, 1));
	assert_int_equal(f.cow.count.no_memory, 1);
	assert_int_equal(f.cow.count.blocks, 1);
	assert_null(blk_cow_block(&f.cow, 3));
	check_all(&f);
	teardown(&f);
}

static void test_no_directory(void **state)
{
	struct counting_alloc a = { .live = 0, .limit = 0, .made = 0 };
	struct blk_cow_alloc mem = { &a, cow_test_alloc, cow_test_free };
	uint8_t bytes[8 * BLK_SECTOR_SIZE] = { 0 };
	struct blk_ram ram;
	struct blk_backend base, disk;
	struct blk_cow cow;

	(void)state;
	blk_ram_init(&ram, &base, bytes, sizeof(bytes), true, "x");
	assert_false(blk_cow_init(&cow, &disk, &base, &mem));
	assert_int_equal(a.live, 0);
}

/* Two overlays on one base: each sees its own writes only. */
static void test_two_overlays_share_base(void **state)
{
	struct fixture f;
	struct blk_backend disk2;
	struct blk_cow cow2;
	struct blk_cow_alloc mem = { &f.a, cow_test_alloc, cow_test_free };
	uint8_t one[BLK_SECTOR_SIZE], two[BLK_SECTOR_SIZE], got[BLK_SECTOR_SIZE];

	(void)state;
	setup(&f, SECTORS, -1);
	assert_true(blk_cow_init(&cow2, &disk2, &f.base, &mem));
	memset(one, 1, sizeof(one));
	memset(two, 2, sizeof(two));
	assert_true(f.disk.write(f.disk.ctx, 100, one, 1));
	assert_true(disk2.write(disk2.ctx, 100, two, 1));
	assert_true(f.disk.read(f.disk.ctx, 100, got, 1));
	assert_memory_equal(got, one, sizeof(got));
	assert_true(disk2.read(disk2.ctx, 100, got, 1));
	assert_memory_equal(got, two, sizeof(got));
	assert_memory_equal(f.base_bytes, f.pristine, SECTORS * BLK_SECTOR_SIZE);
	blk_cow_destroy(&cow2);
	memcpy(f.model + 100 * BLK_SECTOR_SIZE, one, BLK_SECTOR_SIZE);
	check_all(&f);
	teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_overlay_reads_base),
		cmocka_unit_test(test_writes_stay_in_overlay),
		cmocka_unit_test(test_random_against_model),
		cmocka_unit_test(test_no_memory_refuses_write),
		cmocka_unit_test(test_no_directory),
		cmocka_unit_test(test_two_overlays_share_base),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
