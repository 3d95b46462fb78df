/*
 * Host unit tests for devices/disk_store.c: the header and table of the
 * disk store (the format in devices/disk_store.h), through RAM disks
 * (devices/blk_ram.c), and one image as a blk_backend. Every malformed
 * store must be refused with a message naming the problem; a random run of
 * mutated tables must never be accepted with an image outside the store or
 * two images overlapping.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include "tests/host/helpers.h"

#include "devices/blk_ram.h"
#include "devices/disk_store.h"
#include "devices/le.h"

#define DISK_SECTORS 256
#define SCRATCH_SECTORS (1 + DISK_STORE_MAX_IMAGES / DISK_STORE_PER_SECTOR)

static uint8_t *bytes;                  /* the disk, exactly DISK_SECTORS */
static struct blk_ram ram;
static struct blk_backend disk;
static struct disk_store store;
static uint8_t scratch[SCRATCH_SECTORS * BLK_SECTOR_SIZE];
static char err[160];

static uint8_t *entry(unsigned int i)
{
	return bytes + BLK_SECTOR_SIZE + (size_t)i * DISK_STORE_ENTRY_BYTES;
}

static void put_entry(unsigned int i, const char *name, uint64_t first, uint64_t sectors,
		      uint32_t flags)
{
	uint8_t *e = entry(i);

	memset(e, 0, DISK_STORE_ENTRY_BYTES);
	memcpy(e + DS_ENT_NAME, name, strlen(name));
	le64_put(e + DS_ENT_FIRST, first);
	le64_put(e + DS_ENT_SECTORS, sectors);
	le32_put(e + DS_ENT_FLAGS, flags);
}

static void put_header(uint32_t count, uint64_t size)
{
	memset(bytes, 0, BLK_SECTOR_SIZE);
	memcpy(bytes, DISK_STORE_MAGIC, 8);
	le32_put(bytes + DS_HDR_VERSION, DISK_STORE_VERSION);
	le32_put(bytes + DS_HDR_COUNT, count);
	le32_put(bytes + DS_HDR_TABLE, (count + 7) / 8);
	le64_put(bytes + DS_HDR_DISK_SECTORS, size);
}

/* A good store: base "root" at 8 (16 sectors), persistent "data" at 24
 * (8), base "swap.img" at 40 (100); every sector's bytes name it. */
static int setup(void **state)
{
	bytes = calloc(DISK_SECTORS, BLK_SECTOR_SIZE);
	for (unsigned int s = 8; s < DISK_SECTORS; s++)
		memset(bytes + (size_t)s * BLK_SECTOR_SIZE, (int)s, BLK_SECTOR_SIZE);
	memset(bytes + BLK_SECTOR_SIZE, 0, BLK_SECTOR_SIZE);
	put_header(3, DISK_SECTORS);
	put_entry(0, "root", 8, 16, DISK_STORE_F_BASE);
	put_entry(1, "data", 24, 8, DISK_STORE_F_PERSISTENT);
	put_entry(2, "swap.img", 40, 100, DISK_STORE_F_BASE);
	blk_ram_init(&ram, &disk, bytes, (uint64_t)DISK_SECTORS * BLK_SECTOR_SIZE, false, "test");
	memset(&store, 0xa5, sizeof(store));
	err[0] = 0;
	return 0;
}

static int teardown(void **state)
{
	free(bytes);
	return 0;
}

static enum disk_store_result open_store(void)
{
	return disk_store_open(&store, &disk, scratch, err, sizeof(err));
}

/* The store must be refused as malformed with a message containing want. */
static void expect_bad(const char *want)
{
	assert_int_equal(open_store(), DISK_STORE_BAD);
	if (!strstr(err, want))
		fail_msg("message \"%s\" does not contain \"%s\"", err, want);
	assert_int_equal(store.count, 0);
}

static void test_good_store(void **state)
{
	const struct disk_image *img;

	assert_int_equal(open_store(), DISK_STORE_OK);
	assert_int_equal(store.count, 3);
	assert_int_equal(store.disk_sectors, DISK_SECTORS);
	img = disk_store_find(&store, "swap.img");
	assert_non_null(img);
	assert_int_equal(img->first, 40);
	assert_int_equal(img->sectors, 100);
	assert_int_equal(img->flags, DISK_STORE_F_BASE);
	assert_string_equal(store.image[1].name, "data");
	assert_null(disk_store_find(&store, "swap"));
	assert_null(disk_store_find(&store, ""));
}

static void test_backend_bounds(void **state)
{
	struct disk_region region;
	struct blk_backend b;
	uint8_t buf[3 * BLK_SECTOR_SIZE];

	assert_int_equal(open_store(), DISK_STORE_OK);
	assert_false(disk_store_backend(&store, "nope", &region, &b));
	assert_true(disk_store_backend(&store, "root", &region, &b));
	assert_int_equal(b.sectors, 16);
	assert_true(b.read_only);
	assert_memory_equal(b.id, "root\0", 5);
	assert_true(b.read(b.ctx, 0, buf, 1));
	assert_int_equal(buf[0], 8);
	assert_true(b.read(b.ctx, 13, buf, 3));
	assert_int_equal(buf[0], 21);
	assert_int_equal(buf[2 * BLK_SECTOR_SIZE], 23);
	assert_false(b.read(b.ctx, 14, buf, 3));        /* past the end by one */
	assert_false(b.read(b.ctx, 16, buf, 1));
	assert_false(b.read(b.ctx, 0, buf, 0));
	assert_false(b.read(b.ctx, UINT64_MAX, buf, 2)); /* wraps */
	assert_false(b.write(b.ctx, 0, buf, 1));        /* a base image */
	assert_int_equal(bytes[8 * BLK_SECTOR_SIZE], 8);
	assert_true(b.flush(b.ctx));
}

static void test_backend_persistent_write(void **state)
{
	struct disk_region region;
	struct blk_backend b;
	uint8_t buf[2 * BLK_SECTOR_SIZE];

	assert_int_equal(open_store(), DISK_STORE_OK);
	assert_true(disk_store_backend(&store, "data", &region, &b));
	assert_false(b.read_only);
	memset(buf, 0x77, sizeof(buf));
	assert_true(b.write(b.ctx, 6, buf, 2));
	assert_false(b.write(b.ctx, 7, buf, 2));
	assert_int_equal(bytes[30 * BLK_SECTOR_SIZE], 0x77);
	assert_int_equal(bytes[31 * BLK_SECTOR_SIZE + 511], 0x77);
	assert_int_equal(bytes[32 * BLK_SECTOR_SIZE], 32);     /* the next region untouched */
	assert_int_equal(bytes[29 * BLK_SECTOR_SIZE], 29);
	assert_true(b.flush(b.ctx));
	assert_int_equal(ram.flushes, 1);
}

static void test_read_only_disk(void **state)
{
	struct disk_region region;
	struct blk_backend b;
	uint8_t buf[BLK_SECTOR_SIZE] = { 0 };

	blk_ram_init(&ram, &disk, bytes, (uint64_t)DISK_SECTORS * BLK_SECTOR_SIZE, true, "ro");
	assert_int_equal(open_store(), DISK_STORE_OK);
	assert_true(disk_store_backend(&store, "data", &region, &b));
	assert_true(b.read_only);
	assert_false(b.write(b.ctx, 0, buf, 1));
}

static void test_no_store(void **state)
{
	bytes[0] = 'X';
	assert_int_equal(open_store(), DISK_STORE_NO_STORE);
	memset(bytes, 0, BLK_SECTOR_SIZE);
	assert_int_equal(open_store(), DISK_STORE_NO_STORE);
}

static bool fail_read(void *ctx, uint64_t s, void *b, uint32_t n)
{
	return false;
}

static void test_io_error(void **state)
{
	disk.read = fail_read;
	assert_int_equal(open_store(), DISK_STORE_IO);
	assert_non_null(strstr(err, "sector 0"));
}

static void test_empty_store(void **state)
{
	put_header(0, 8);
	memset(bytes + BLK_SECTOR_SIZE, 0, BLK_SECTOR_SIZE);  /* not the table now */
	assert_int_equal(open_store(), DISK_STORE_OK);
	assert_int_equal(store.count, 0);
}

static void test_bad_header(void **state)
{
	le32_put(bytes + DS_HDR_VERSION, 2);
	expect_bad("version 2");
	teardown(state);
	setup(state);
	le32_put(bytes + DS_HDR_COUNT, 65);
	le32_put(bytes + DS_HDR_TABLE, 9);
	expect_bad("65 images, at most 64");
	le32_put(bytes + DS_HDR_COUNT, 3);
	le32_put(bytes + DS_HDR_TABLE, 2);
	expect_bad("table of 2 sectors for 3 images, want 1");
	le32_put(bytes + DS_HDR_TABLE, 1);
	le32_put(bytes + DS_HDR_RESERVED, 1);
	expect_bad("reserved");
	le32_put(bytes + DS_HDR_RESERVED, 0);
	bytes[511] = 1;
	expect_bad("reserved");
	bytes[511] = 0;
	le64_put(bytes + DS_HDR_DISK_SECTORS, DISK_SECTORS + 1);
	expect_bad("store of 257 sectors on a disk of 256");
	le64_put(bytes + DS_HDR_DISK_SECTORS, 1);
	expect_bad("store of 1 sectors");
	le64_put(bytes + DS_HDR_DISK_SECTORS, DISK_SECTORS);
	assert_int_equal(open_store(), DISK_STORE_OK);
}

static void test_overlap(void **state)
{
	put_entry(2, "swap.img", 16, 8, DISK_STORE_F_BASE);
	expect_bad("images root and swap.img overlap");
	put_entry(2, "swap.img", 24, 8, DISK_STORE_F_BASE);  /* exactly data's */
	expect_bad("images data and swap.img overlap");
	put_entry(2, "swap.img", 0x10, 200, DISK_STORE_F_BASE); /* covers both */
	expect_bad("overlap");
	put_entry(2, "swap.img", 32, 8, DISK_STORE_F_BASE);  /* touching is fine */
	assert_int_equal(open_store(), DISK_STORE_OK);
}

static void test_past_end(void **state)
{
	put_entry(2, "swap.img", 248, 9, DISK_STORE_F_BASE);
	expect_bad("swap.img: sectors 248+9 past the store's end (256)");
	put_entry(2, "swap.img", 256, 1, DISK_STORE_F_BASE);
	expect_bad("past the store's end");
	put_entry(2, "swap.img", 0xfffffffffffffff8ull, 16, DISK_STORE_F_BASE);  /* wraps */
	expect_bad("past the store's end");
	put_entry(2, "swap.img", 40, UINT64_MAX, DISK_STORE_F_BASE);
	expect_bad("past the store's end");
	le64_put(bytes + DS_HDR_DISK_SECTORS, 100);          /* a store smaller than the disk */
	put_entry(2, "swap.img", 40, 61, DISK_STORE_F_BASE);
	expect_bad("past the store's end (100)");
	put_entry(2, "swap.img", 40, 60, DISK_STORE_F_BASE);
	assert_int_equal(open_store(), DISK_STORE_OK);
}

static void test_bad_placement(void **state)
{
	put_entry(0, "root", 12, 4, DISK_STORE_F_BASE);
	expect_bad("root: first sector 12 not a multiple of 8");
	put_entry(0, "root", 0, 8, DISK_STORE_F_BASE);
	expect_bad("root: first sector 0 inside the header or table");
	put_entry(0, "root", 8, 0, DISK_STORE_F_BASE);
	expect_bad("root: 0 sectors");
}

static void test_bad_names(void **state)
{
	static const char *const names[] = { "", ".hidden", "-x", "a/b", "a b", "caf\xc3\xa9",
		"a\nb", "12345678901234567890123456789012" };

	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		teardown(state);
		setup(state);
		put_entry(1, "", 24, 8, DISK_STORE_F_PERSISTENT);
		memcpy(entry(1) + DS_ENT_NAME, names[i], strlen(names[i]));
		expect_bad("image 1:");
	}
	put_entry(1, "data", 24, 8, DISK_STORE_F_PERSISTENT);
	entry(1)[10] = 'x';                     /* garbage after the NUL */
	expect_bad("image 1: name not NUL-terminated");
	put_entry(1, "1234567890123456789012345678901", 24, 8, DISK_STORE_F_PERSISTENT);
	assert_int_equal(open_store(), DISK_STORE_OK);  /* 31 characters: fine */
	assert_true(disk_store_name_ok("A-z_0.9"));
	assert_false(disk_store_name_ok("_a"));
}

static void test_duplicate_name(void **state)
{
	put_entry(2, "root", 40, 100, DISK_STORE_F_BASE);
	expect_bad("image root: name used twice");
}

static void test_bad_flags(void **state)
{
	static const uint32_t flags[] = { 0, 3, 4, 0x80000001u };

	for (unsigned int i = 0; i < 4; i++) {
		put_entry(1, "data", 24, 8, flags[i]);
		expect_bad("image data: flags");
	}
}

static void test_reserved_bytes(void **state)
{
	entry(1)[63] = 1;
	expect_bad("image data: reserved bytes not zero");
	entry(1)[63] = 0;
	entry(3)[0] = 'z';                      /* after the last entry */
	expect_bad("table: bytes after the last entry not zero");
}

/* Two full tables of 64 entries (8 table sectors; images from 16 on). */
static void test_full_table(void **state)
{
	char name[8];

	free(bytes);
	bytes = calloc(16 + 64 * 2, BLK_SECTOR_SIZE);
	blk_ram_init(&ram, &disk, bytes, (16 + 64 * 2) * BLK_SECTOR_SIZE, false, "t");
	put_header(64, 16 + 64 * 2);
	for (unsigned int i = 0; i < 64; i++) {
		snprintf(name, sizeof(name), "d%u", i);
		put_entry(i, name, 16 + 2 * (uint64_t)i - (i & 1), 1, DISK_STORE_F_PERSISTENT);
	}
	expect_bad("image d1: first sector 17 not a multiple of 8");
	for (unsigned int i = 0; i < 64; i++) {
		snprintf(name, sizeof(name), "d%u", i);
		put_entry(i, name, 16 + 8 * (uint64_t)(i / 4) + 0, 1, DISK_STORE_F_PERSISTENT);
	}
	expect_bad("overlap");
	free(bytes);
	bytes = calloc(16 + 64 * 8, BLK_SECTOR_SIZE);
	blk_ram_init(&ram, &disk, bytes, (16 + 64 * 8) * BLK_SECTOR_SIZE, false, "t");
	put_header(64, 16 + 64 * 8);
	for (unsigned int i = 0; i < 64; i++) {
		snprintf(name, sizeof(name), "d%u", i);
		put_entry(i, name, 16 + 8 * (uint64_t)(63 - i), 8, DISK_STORE_F_PERSISTENT);
	}
	assert_int_equal(open_store(), DISK_STORE_OK);
	assert_int_equal(store.count, 64);
	assert_int_equal(disk_store_find(&store, "d0")->first, 16 + 8 * 63);
}

/* Random corruption of the good store's header and table: whatever is
 * accepted keeps every image inside the store, aligned, non-empty and
 * apart from the others; whatever is refused says why. */
static void test_random_tables(void **state)
{
	uint32_t seed = 12345;
	unsigned int accepted = 0, refused = 0;
	uint8_t good[2 * BLK_SECTOR_SIZE];

	memcpy(good, bytes, sizeof(good));
	for (unsigned int iter = 0; iter < 20000; iter++) {
		unsigned int flips = 1 + iter % 4;

		memcpy(bytes, good, sizeof(good));
		for (unsigned int k = 0; k < flips; k++) {
			seed = seed * 1103515245u + 12345u;
			unsigned int pos = (seed >> 8) % (8 + 3 * 64 + 16);
			seed = seed * 1103515245u + 12345u;
			uint8_t v = (uint8_t)(seed >> 16);

			if (pos < 8)
				bytes[8 + pos * 3] = v;         /* version, count, table, size */
			else
				bytes[BLK_SECTOR_SIZE + pos - 8] = v;
		}
		enum disk_store_result r = open_store();

		if (r == DISK_STORE_OK) {
			accepted++;
			for (unsigned int i = 0; i < store.count; i++) {
				const struct disk_image *a = &store.image[i];

				assert_true(a->sectors > 0 && a->first % 8 == 0 && a->first >= 8);
				assert_true(a->first + a->sectors <= DISK_SECTORS);
				assert_true(a->first + a->sectors > a->first);
				for (unsigned int j = 0; j < i; j++)
					assert_true(a->first >= store.image[j].first + store.image[j].sectors ||
						    store.image[j].first >= a->first + a->sectors);
			}
		} else {
			assert_true(r == DISK_STORE_BAD || r == DISK_STORE_NO_STORE);
			assert_true(r == DISK_STORE_NO_STORE || strlen(err) > 0);
			refused++;
		}
	}
	assert_true(accepted > 100 && refused > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backend_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backend_persistent_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only_disk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_io_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_past_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_placement, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserved_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_tables, setup, teardown),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
