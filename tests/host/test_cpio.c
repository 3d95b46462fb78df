/*
 * Host unit tests for monitor/cpio.c (cpio_next, cpio_find).
 *
 * Real archives are made at run time with Debian's GNU cpio
 * (`cpio -o -H newc`) from a tree written into a mkdtemp directory;
 * malformed archives are built by hand. Every archive handed to the reader
 * sits in a heap block of exactly its size, so AddressSanitizer reports any
 * read past its end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tests/host/helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "monitor/cpio.h"

#define HDR 110

/* ---- helpers ---- */


static void write_file(const char *dir, const char *name, const void *data,
		       size_t size, mode_t mode)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	if (size)
		assert_int_equal(fwrite(data, 1, size, f), size);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void make_dir(const char *dir, const char *name, mode_t mode)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static uint8_t *read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

/*
 * Writes a newc header at buf: mode, file size and name size as given
 * (upper-case hex like the kernel's gen_init_cpio, or lower-case).
 */
static void put_header(uint8_t *buf, unsigned int ino, unsigned int mode,
		       unsigned int filesize, unsigned int namesize, int lower)
{
	char h[HDR + 1];

	snprintf(h, sizeof(h),
		 lower ? "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x"
		       : "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ino, mode, 0u, 0u, 1u, 0x5f5e1000u, filesize, 0u, 0u, 0u, 0u,
		 namesize, 0u);
	assert_int_equal(strlen(h), HDR);
	memcpy(buf, h, HDR);
}

/* Appends a well-formed entry at buf + off; returns the new offset. */
static size_t put_entry(uint8_t *buf, size_t off, const char *name,
			unsigned int mode, const void *data, size_t size)
{
	size_t namesize = strlen(name) + 1;

	put_header(buf + off, (unsigned int)off + 1, mode, (unsigned int)size,
		   (unsigned int)namesize, 0);
	off += HDR;
	memcpy(buf + off, name, namesize);
	off += namesize;
	while (off % 4)
		buf[off++] = 0;
	if (size)
		memcpy(buf + off, data, size);
	off += size;
	while (off % 4)
		buf[off++] = 0;
	return off;
}

static size_t put_trailer(uint8_t *buf, size_t off)
{
	return put_entry(buf, off, "TRAILER!!!", 0, NULL, 0);
}

/* Overwrites header field i (0 = c_ino ... 12 = c_check) with 8 chars. */
static void set_field(uint8_t *hdr, int i, const char *eight)
{
	assert_int_equal(strlen(eight), 8);
	memcpy(hdr + 6 + 8 * i, eight, 8);
}

/* cpio_next on an exact heap copy of a[0..size) from offset 0. */
static enum cpio_result next_exact(const void *a, size_t size)
{
	uint8_t *d = dup_exact(a, size);
	struct cpio_entry e;
	size_t off = 0;
	enum cpio_result r = cpio_next(d, size, &off, &e);

	free(d);
	return r;
}

/* Walks a[0..size) (an exact heap block); returns the entry count, *last. */
static unsigned int walk(const uint8_t *a, size_t size, enum cpio_result *last)
{
	struct cpio_entry e;
	size_t off = 0;
	unsigned int n = 0;
	enum cpio_result r;

	while ((r = cpio_next(a, size, &off, &e)) == CPIO_OK) {
		const uint8_t *name = (const uint8_t *)e.name;
		const uint8_t *data = e.data;
		/* Everything it hands out lies inside the archive. */
		assert_true(name >= a + HDR && name < a + size);
		assert_true(name + strlen(e.name) < a + size);
		assert_true(data >= a && e.size <= size && data + e.size <= a + size);
		assert_int_equal(off % 4, 0);
		n++;
		assert_true(n < 100000);
	}
	*last = r;
	return n;
}

/* ---- a real archive made by GNU cpio ---- */

#define BIG_SIZE 70001u

struct want {
	const char *name;       /* without the "./" that find prints */
	unsigned int type;      /* S_IFREG or S_IFDIR */
	unsigned int perm;
	const void *data;
	size_t size;
};

static const char odd_txt[] = "hello, world\n";          /* 13 bytes */
static const uint8_t four_bin[8] = { 0, 1, 2, 3, 0xff, 0xfe, 0, 'x' };
static const char inner_dat[] = "12345";
static uint8_t big_bin[BIG_SIZE];

static const struct want want[] = {
	{ ".",             S_IFDIR, 0755, NULL, 0 },
	{ "big.bin",       S_IFREG, 0644, big_bin, BIG_SIZE },
	{ "empty",         S_IFREG, 0600, NULL, 0 },
	{ "four.bin",      S_IFREG, 0444, four_bin, sizeof(four_bin) },
	{ "odd.txt",       S_IFREG, 0640, odd_txt, 13 },
	{ "sub",           S_IFDIR, 0750, NULL, 0 },
	{ "sub/inner.dat", S_IFREG, 0604, inner_dat, 5 },
	{ "sub/nested",    S_IFDIR, 0711, NULL, 0 },
};
#define NWANT (sizeof(want) / sizeof(want[0]))

static struct {
	char root[64];
	uint8_t *full;          /* find . | sort | cpio -o -H newc */
	size_t full_size;
	uint8_t *small;         /* the same without big.bin */
	size_t small_size;
} fx;

static int group_setup(void **state)
{
	char tree[128], cmd[512], path[128];

	for (size_t i = 0; i < BIG_SIZE; i++)
		big_bin[i] = (uint8_t)(i * 7 + 3);
	snprintf(fx.root, sizeof(fx.root), "/tmp/test_cpio.XXXXXX");
	if (!mkdtemp(fx.root))
		return -1;
	snprintf(tree, sizeof(tree), "%s/tree", fx.root);
	if (mkdir(tree, 0755) != 0 || chmod(tree, 0755) != 0)
		return -1;
	write_file(tree, "big.bin", big_bin, BIG_SIZE, 0644);
	write_file(tree, "empty", NULL, 0, 0600);
	write_file(tree, "four.bin", four_bin, sizeof(four_bin), 0444);
	write_file(tree, "odd.txt", odd_txt, 13, 0640);
	make_dir(tree, "sub", 0750);
	write_file(tree, "sub/inner.dat", inner_dat, 5, 0604);
	make_dir(tree, "sub/nested", 0711);

	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && find . | LC_ALL=C sort | cpio -o -H newc --quiet > '%s/full.cpio'",
		 tree, fx.root);
	if (system(cmd) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && find . ! -name big.bin | LC_ALL=C sort | "
		 "cpio -o -H newc --quiet > '%s/small.cpio'", tree, fx.root);
	if (system(cmd) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/full.cpio", fx.root);
	fx.full = read_all(path, &fx.full_size);
	snprintf(path, sizeof(path), "%s/small.cpio", fx.root);
	fx.small = read_all(path, &fx.small_size);
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[128];

	free(fx.full);
	free(fx.small);
	if (fx.root[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx.root);
		if (system(cmd) != 0)
			return -1;
	}
	return 0;
}

/* The name in the archive is NAME, or ./NAME for a cpio that keeps it. */
static void assert_name(const char *got, const char *name)
{
	if (strncmp(got, "./", 2) == 0 && strcmp(name, ".") != 0)
		got += 2;
	assert_string_equal(got, name);
}

static void check_real_walk(const uint8_t *a, size_t size, int with_big)
{
	struct cpio_entry e;
	size_t off = 0, prev = 0;
	unsigned int i;

	for (i = 0; i < NWANT; i++) {
		const struct want *w = &want[i];
		if (!with_big && strcmp(w->name, "big.bin") == 0)
			continue;
		memset(&e, 0x5a, sizeof(e));
		assert_int_equal(cpio_next(a, size, &off, &e), CPIO_OK);
		assert_name(e.name, w->name);
		assert_int_equal(e.mode & S_IFMT, w->type);
		assert_int_equal(e.mode & 07777, w->perm);
		assert_int_equal(e.size, w->size);
		if (w->size)
			assert_memory_equal(e.data, w->data, w->size);
		/* Header, name + NUL, padding, data, padding. */
		assert_ptr_equal(e.name, (const char *)a + prev + HDR);
		assert_int_equal(((const uint8_t *)e.data - a) % 4, 0);
		assert_true((const uint8_t *)e.data >= (const uint8_t *)e.name + strlen(e.name) + 1);
		assert_true((const uint8_t *)e.data - (const uint8_t *)e.name - strlen(e.name) - 1 < 4);
		assert_int_equal(off % 4, 0);
		assert_true(off >= (size_t)((const uint8_t *)e.data - a) + e.size);
		assert_true(off < (size_t)((const uint8_t *)e.data - a) + e.size + 4);
		prev = off;
	}
	assert_int_equal(cpio_next(a, size, &off, &e), CPIO_END);
	assert_string_equal(e.name, "TRAILER!!!");
	assert_int_equal(e.size, 0);
}

static void test_real_archive_walk(void **state)
{
	check_real_walk(fx.full, fx.full_size, 1);
	check_real_walk(fx.small, fx.small_size, 0);
}

/* Looks up name; checks the data found. */
static void check_find(const uint8_t *a, size_t size, const char *name,
		       const void *data, size_t len)
{
	struct cpio_entry e;

	memset(&e, 0, sizeof(e));
	assert_int_equal(cpio_find(a, size, name, &e), 0);
	assert_int_equal(e.mode & S_IFMT, S_IFREG);
	assert_int_equal(e.size, len);
	if (len)
		assert_memory_equal(e.data, data, len);
}

static void check_not_found(const uint8_t *a, size_t size, const char *name)
{
	struct cpio_entry e;

	assert_int_equal(cpio_find(a, size, name, &e), -1);
}

static void test_real_archive_find(void **state)
{
	const uint8_t *a = fx.full;
	size_t n = fx.full_size;

	check_find(a, n, "odd.txt", odd_txt, 13);
	check_find(a, n, "./odd.txt", odd_txt, 13);
	check_find(a, n, "././odd.txt", odd_txt, 13);
	check_find(a, n, "empty", NULL, 0);
	check_find(a, n, "./empty", NULL, 0);
	check_find(a, n, "four.bin", four_bin, 8);
	check_find(a, n, "big.bin", big_bin, BIG_SIZE);
	check_find(a, n, "sub/inner.dat", inner_dat, 5);
	check_find(a, n, "./sub/inner.dat", inner_dat, 5);

	check_not_found(a, n, "sub");               /* directories */
	check_not_found(a, n, "./sub");
	check_not_found(a, n, "sub/nested");
	check_not_found(a, n, ".");
	check_not_found(a, n, "missing");           /* missing names */
	check_not_found(a, n, "inner.dat");
	check_not_found(a, n, "odd");
	check_not_found(a, n, "odd.txt.");
	check_not_found(a, n, "Odd.txt");
	check_not_found(a, n, "sub/inner.dat/");
	check_not_found(a, n, "");
	check_not_found(a, n, "TRAILER!!!");        /* the trailer is no file */

	check_not_found(fx.small, fx.small_size, "big.bin");
	check_find(fx.small, fx.small_size, "./odd.txt", odd_txt, 13);
}

/*
 * Every truncation of the small archive, each in an exact heap block: the
 * entries wholly present come out, then CPIO_MALFORMED, unless the trailer
 * (header, name, padding) is complete.
 */
static void check_truncations(const uint8_t *full, size_t full_size,
			      size_t step)
{
	size_t ends[32], trailer_end, off = 0;
	unsigned int nents = 0;
	struct cpio_entry e;
	enum cpio_result r;

	while ((r = cpio_next(full, full_size, &off, &e)) == CPIO_OK) {
		assert_true(nents < 32);
		ends[nents++] = (size_t)((const uint8_t *)e.data - full) + e.size;
	}
	assert_int_equal(r, CPIO_END);
	trailer_end = off + HDR + 11 + 3;       /* "TRAILER!!!\0", pad to 4 */
	assert_true(trailer_end <= full_size);

	for (size_t len = 0; len <= trailer_end + 8; len++) {
		unsigned int want_n = 0, got_n;
		uint8_t *d;

		if (step > 1 && len % step) {
			/* Sample: only lengths near an entry boundary. */
			int near = len + 130 >= trailer_end;
			for (unsigned int i = 0; i < nents && !near; i++)
				near = len + 130 >= ends[i] && len <= ends[i] + 130;
			if (!near)
				continue;
		}
		for (unsigned int i = 0; i < nents; i++)
			if (ends[i] <= len)
				want_n++;
		d = dup_exact(full, len);
		got_n = walk(d, len, &r);
		free(d);
		if (len >= trailer_end) {
			assert_int_equal(got_n, nents);
			assert_int_equal(r, CPIO_END);
		} else {
			assert_int_equal(got_n, want_n);
			assert_int_equal(r, CPIO_MALFORMED);
		}
	}
}

static void test_real_archive_truncated(void **state)
{
	check_truncations(fx.small, fx.small_size, 1);
	check_truncations(fx.full, fx.full_size, 997);
}

/* ---- hand-made archives ---- */

/* Exact offsets for names and data of every length mod 4. */
static void test_handmade_layout(void **state)
{
	static const char *names[] = { "a", "ab", "abc", "abcd", "abcde" };
	static const char data[] = "0123456789";
	uint8_t buf[8192];
	size_t off = 0, len, expect_name, expect_data, expect_next;
	struct cpio_entry e;
	uint8_t *a;

	for (unsigned int i = 0; i < 5; i++)
		for (unsigned int s = 0; s <= 5; s++)
			off = put_entry(buf, off, names[i], 0100644, data, s);
	len = put_trailer(buf, off);
	a = dup_exact(buf, len);

	off = 0;
	for (unsigned int i = 0; i < 5; i++) {
		for (unsigned int s = 0; s <= 5; s++) {
			size_t start = off;
			expect_name = start + HDR;
			expect_data = (expect_name + strlen(names[i]) + 1 + 3) & ~(size_t)3;
			expect_next = (expect_data + s + 3) & ~(size_t)3;
			assert_int_equal(cpio_next(a, len, &off, &e), CPIO_OK);
			assert_string_equal(e.name, names[i]);
			assert_ptr_equal(e.name, (const char *)a + expect_name);
			assert_ptr_equal(e.data, a + expect_data);
			assert_int_equal(e.size, s);
			assert_int_equal(e.mode, 0100644);
			assert_memory_equal(e.data, data, s);
			assert_int_equal(off, expect_next);
		}
	}
	assert_int_equal(cpio_next(a, len, &off, &e), CPIO_END);
	free(a);
}

/* Names as `find .` prints them: "./" prefixes, in the archive this time. */
static void test_handmade_dot_slash(void **state)
{
	uint8_t buf[2048];
	size_t off = 0;
	struct cpio_entry e;
	uint8_t *a;

	off = put_entry(buf, off, ".", 040755, NULL, 0);
	off = put_entry(buf, off, "./odd.txt", 0100640, odd_txt, 13);
	off = put_entry(buf, off, "./sub", 040755, NULL, 0);
	off = put_entry(buf, off, "./sub/inner.dat", 0100644, inner_dat, 5);
	off = put_entry(buf, off, "././twice", 0100644, "tw", 2);
	off = put_entry(buf, off, "./link", 0120777, "odd.txt", 7);
	off = put_entry(buf, off, "./dev", 020644, NULL, 0);
	off = put_trailer(buf, off);
	a = dup_exact(buf, off);

	check_find(a, off, "odd.txt", odd_txt, 13);
	check_find(a, off, "./odd.txt", odd_txt, 13);
	check_find(a, off, "sub/inner.dat", inner_dat, 5);
	check_find(a, off, "./sub/inner.dat", inner_dat, 5);
	check_find(a, off, "twice", "tw", 2);
	check_find(a, off, "./twice", "tw", 2);
	check_not_found(a, off, "sub");
	check_not_found(a, off, "./sub");
	check_not_found(a, off, ".");
	check_not_found(a, off, "link");            /* a symlink, not a regular file */
	check_not_found(a, off, "dev");             /* a character device */
	check_not_found(a, off, "./missing");
	check_not_found(a, off, "/odd.txt");
	check_not_found(a, off, ".odd.txt");

	/* The walk gives the names as stored. */
	{
		static const char *names[] = {
			".", "./odd.txt", "./sub", "./sub/inner.dat",
			"././twice", "./link", "./dev",
		};
		size_t len = off, pos = 0;
		for (unsigned int i = 0; i < 7; i++) {
			assert_int_equal(cpio_next(a, len, &pos, &e), CPIO_OK);
			assert_string_equal(e.name, names[i]);
		}
		assert_int_equal(cpio_next(a, len, &pos, &e), CPIO_END);
	}
	free(a);
}

static void test_hex_case(void **state)
{
	uint8_t buf[512];
	size_t off, len;
	struct cpio_entry e;

	/* Upper case (put_entry) and lower case header digits read the same. */
	for (int lower = 0; lower < 2; lower++) {
		put_header(buf, 1, 0100755, 11, 6, lower);
		memcpy(buf + HDR, "init\0\0", 6);          /* namesize 6 incl. NUL */
		memcpy(buf + 116, "#!/bin/sh\n!", 11);
		len = put_trailer(buf, 128);
		off = 0;
		assert_int_equal(cpio_next(buf, len, &off, &e), CPIO_OK);
		assert_int_equal(e.mode, 0100755);
		assert_int_equal(e.size, 11);
		assert_string_equal(e.name, "init");
		assert_ptr_equal(e.data, buf + 116);
		assert_int_equal(off, 128);
		assert_int_equal(cpio_next(buf, len, &off, &e), CPIO_END);
	}
	/* Mixed case, all hex letters in the file size: 0xaBcDeF bytes. */
	put_header(buf, 1, 0100644, 0, 2, 0);
	set_field(buf, 6, "00aBcDeF");
	memcpy(buf + HDR, "x", 2);
	{
		size_t big = 112 + 0xabcdef;
		uint8_t *a = calloc(1, big);
		assert_non_null(a);
		memcpy(a, buf, 112);
		off = 0;
		assert_int_equal(cpio_next(a, big, &off, &e), CPIO_OK);
		assert_int_equal(e.size, 0xabcdef);
		assert_int_equal(off, (big + 3) & ~(size_t)3);
		/* One byte short of the data: malformed. */
		off = 0;
		assert_int_equal(cpio_next(a, big - 1, &off, &e), CPIO_MALFORMED);
		free(a);
	}
}

/* A small valid archive: one file "f" with 5 bytes, then the trailer. */
static size_t small_valid(uint8_t *buf)
{
	size_t off = put_entry(buf, 0, "f", 0100644, "hello", 5);

	return put_trailer(buf, off);
}

static void test_small_valid_baseline(void **state)
{
	uint8_t buf[512];
	size_t len = small_valid(buf);
	uint8_t *a = dup_exact(buf, len);
	struct cpio_entry e;
	size_t off = 0;

	assert_int_equal(len, 120 + 124);
	assert_int_equal(cpio_next(a, len, &off, &e), CPIO_OK);
	assert_int_equal(off, 120);
	assert_int_equal(cpio_next(a, len, &off, &e), CPIO_END);
	check_find(a, len, "f", "hello", 5);
	free(a);
}

static void test_bad_magic(void **state)
{
	static const char *magics[] = {
		"070702",       /* newc with CRC */
		"070707",       /* old portable ASCII */
		"070700", "170701", "07070 ", "\0\0\0\0\0\0",
	};
	uint8_t buf[512];
	size_t len;

	for (unsigned int i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		len = small_valid(buf);
		memcpy(buf, magics[i], 6);
		assert_int_equal(next_exact(buf, len), CPIO_MALFORMED);
	}
	/* A bad magic on the second entry (the trailer). */
	len = small_valid(buf);
	memcpy(buf + 120, "070707", 6);
	{
		uint8_t *a = dup_exact(buf, len);
		struct cpio_entry e;
		size_t off = 0;
		assert_int_equal(cpio_next(a, len, &off, &e), CPIO_OK);
		assert_int_equal(cpio_next(a, len, &off, &e), CPIO_MALFORMED);
		free(a);
	}
	/* A binary cpio archive ("-H bin"): octal 070707 as a short. */
	memset(buf, 0, sizeof(buf));
	buf[0] = 0xc7;
	buf[1] = 0x71;
	assert_int_equal(next_exact(buf, 512), CPIO_MALFORMED);
}

static void test_truncated_header(void **state)
{
	uint8_t buf[512];

	small_valid(buf);
	for (size_t len = 0; len < HDR; len++)
		assert_int_equal(next_exact(buf, len), CPIO_MALFORMED);
	/* Header complete, name missing. */
	assert_int_equal(next_exact(buf, HDR), CPIO_MALFORMED);
	assert_int_equal(next_exact(buf, HDR + 1), CPIO_MALFORMED);
}

static void test_namesize_zero(void **state)
{
	uint8_t buf[512];
	size_t len = small_valid(buf);

	set_field(buf, 11, "00000000");
	assert_int_equal(next_exact(buf, len), CPIO_MALFORMED);
	/* Even with no data either. */
	set_field(buf, 6, "00000000");
	assert_int_equal(next_exact(buf, len), CPIO_MALFORMED);
	/* Even when the byte before the name happens to be a NUL. */
	memcpy(buf + 6 + 8 * 12, "0000000\0", 8);
	assert_int_equal(next_exact(buf, len), CPIO_MALFORMED);
}

static void test_name_not_nul_terminated(void **state)
{
	uint8_t buf[512];
	size_t len = small_valid(buf);

	/* namesize 1 covers only "f", no NUL */
	buf[HDR] = 'f';
	buf[HDR + 1] = 'g';
	set_field(buf, 11, "00000001");
	assert_int_equal(next_exact(buf, len), CPIO_MALFORMED);

	/* A name of "abc" (namesize 4) whose 4th byte is not NUL. */
	len = small_valid(buf);
	set_field(buf, 11, "00000004");
	memcpy(buf + HDR, "abcd", 4);
	assert_int_equal(next_exact(buf, len), CPIO_MALFORMED);

	/* The trailer's name without its NUL. */
	len = small_valid(buf);
	buf[120 + HDR + 10] = '!';
	{
		uint8_t *a = dup_exact(buf, len);
		struct cpio_entry e;
		size_t off = 0;
		assert_int_equal(cpio_next(a, len, &off, &e), CPIO_OK);
		assert_int_equal(cpio_next(a, len, &off, &e), CPIO_MALFORMED);
		free(a);
	}
}

static void test_name_past_end(void **state)
{
	uint8_t buf[512];
	size_t len;

	/* The name (without NUL) running to the very end. */
	put_header(buf, 1, 0100644, 0, 9, 0);
	memcpy(buf + HDR, "abcdefgh", 8);
	assert_int_equal(next_exact(buf, HDR + 8), CPIO_MALFORMED);
	/* The same with its NUL just fits. */
	buf[HDR + 8] = '\0';
	assert_int_equal(next_exact(buf, HDR + 9), CPIO_MALFORMED);  /* pad missing */
	assert_int_equal(next_exact(buf, HDR + 10), CPIO_OK);
	/* Huge name sizes. */
	len = small_valid(buf);
	set_field(buf, 11, "00001000");
	assert_int_equal(next_exact(buf, len), CPIO_MALFORMED);
	set_field(buf, 11, "FFFFFFFF");
	assert_int_equal(next_exact(buf, len), CPIO_MALFORMED);
	set_field(buf, 11, "80000000");
	assert_int_equal(next_exact(buf, len), CPIO_MALFORMED);
}

static void test_data_past_end(void **state)
{
	uint8_t buf[512];
	size_t len = small_valid(buf);

	/* The file "f" claims more data than the archive has. */
	set_field(buf, 6, "00001000");
	assert_int_equal(next_exact(buf, len), CPIO_MALFORMED);
	set_field(buf, 6, "FFFFFFFF");
	assert_int_equal(next_exact(buf, len), CPIO_MALFORMED);
	/* Exactly the bytes left after the name: fits. */
	set_field(buf, 6, "00000000");
	{
		char f[9];
		snprintf(f, sizeof(f), "%08zX", len - 112);
		set_field(buf, 6, f);
		assert_int_equal(next_exact(buf, len), CPIO_OK);
		snprintf(f, sizeof(f), "%08zX", len - 112 + 1);
		set_field(buf, 6, f);
		assert_int_equal(next_exact(buf, len), CPIO_MALFORMED);
	}
	/* Cut in the middle of the data: "f" has 5 bytes at 112..117. */
	len = small_valid(buf);
	for (size_t cut = 112; cut < 117; cut++)
		assert_int_equal(next_exact(buf, cut), CPIO_MALFORMED);
	assert_int_equal(next_exact(buf, 117), CPIO_OK);
}

static void test_non_hex_fields(void **state)
{
	static const char *bad[] = {
		"0000000G", "0000000g", "000000 5", " 0000005", "-0000005",
		"+0000005", "0x000005", "0000000\0", "0000:005", "0000@005",
		"0000`005", "0000/005",
	};
	static const int fields[] = { 1, 6, 11 };      /* mode, filesize, namesize */
	uint8_t buf[512];
	size_t len;

	for (unsigned int f = 0; f < 3; f++) {
		for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			len = small_valid(buf);
			memcpy(buf + 6 + 8 * fields[f], bad[i], 8);
			assert_int_equal(next_exact(buf, len), CPIO_MALFORMED);
		}
	}
	/* A non-hex name size in the trailer. */
	len = small_valid(buf);
	memcpy(buf + 120 + 6 + 8 * 11, "0000000z", 8);
	{
		uint8_t *a = dup_exact(buf, len);
		struct cpio_entry e;
		size_t off = 0;
		assert_int_equal(cpio_next(a, len, &off, &e), CPIO_OK);
		assert_int_equal(cpio_next(a, len, &off, &e), CPIO_MALFORMED);
		free(a);
	}
}

/* An archive that stops (no trailer) after an entry: malformed next. */
static void test_missing_trailer(void **state)
{
	uint8_t buf[512];
	size_t len = put_entry(buf, 0, "f", 0100644, "hello", 5);
	uint8_t *a = dup_exact(buf, len);
	struct cpio_entry e;
	size_t off = 0;

	assert_int_equal(cpio_next(a, len, &off, &e), CPIO_OK);
	assert_int_equal(off, len);
	assert_int_equal(cpio_next(a, len, &off, &e), CPIO_MALFORMED);
	check_find(a, len, "f", "hello", 5);
	check_not_found(a, len, "g");
	free(a);
	/* Data ending at the very end, its padding missing. */
	a = dup_exact(buf, 117);
	off = 0;
	assert_int_equal(cpio_next(a, 117, &off, &e), CPIO_OK);
	assert_int_equal(e.size, 5);
	assert_int_equal(cpio_next(a, 117, &off, &e), CPIO_MALFORMED);
	free(a);
}

static void test_offset_out_of_range(void **state)
{
	uint8_t buf[512];
	size_t len = small_valid(buf);
	uint8_t *a = dup_exact(buf, len);
	struct cpio_entry e;
	size_t off;

	off = len;
	assert_int_equal(cpio_next(a, len, &off, &e), CPIO_MALFORMED);
	off = len + 1;
	assert_int_equal(cpio_next(a, len, &off, &e), CPIO_MALFORMED);
	off = len + 3;
	assert_int_equal(cpio_next(a, len, &off, &e), CPIO_MALFORMED);
	off = len - HDR + 1;
	assert_int_equal(cpio_next(a, len, &off, &e), CPIO_MALFORMED);
	off = SIZE_MAX;
	assert_int_equal(cpio_next(a, len, &off, &e), CPIO_MALFORMED);
	off = SIZE_MAX - 100;
	assert_int_equal(cpio_next(a, len, &off, &e), CPIO_MALFORMED);
	free(a);
}

/* cpio_find stops at damage: files before it are found, after it not. */
static void test_find_in_damaged(void **state)
{
	uint8_t buf[1024];
	size_t off = 0, len;
	uint8_t *a;

	off = put_entry(buf, off, "first", 0100644, "1", 1);
	len = off;
	off = put_entry(buf, off, "second", 0100644, "22", 2);
	off = put_entry(buf, off, "third", 0100644, "333", 3);
	off = put_trailer(buf, off);
	memcpy(buf + len, "07070X", 6);
	a = dup_exact(buf, off);
	check_find(a, off, "first", "1", 1);
	check_not_found(a, off, "second");
	check_not_found(a, off, "third");
	free(a);
}

/*
 * Every header byte of the small real archive's first two entries replaced
 * by a few values: no crash, no read out of bounds, and whatever comes back
 * lies inside the archive.
 */
static void test_mutations(void **state)
{
	static const uint8_t vals[] = { 0, '0', '9', 'f', 'F', 'g', 0xff, ' ' };
	size_t n = fx.small_size;
	uint8_t *a = dup_exact(fx.small, n);
	size_t limit = n < 512 ? n : 512;

	for (size_t i = 0; i < limit; i++) {
		uint8_t saved = a[i];
		for (unsigned int v = 0; v < sizeof(vals); v++) {
			enum cpio_result r;
			struct cpio_entry e;
			a[i] = vals[v];
			walk(a, n, &r);
			assert_true(r == CPIO_END || r == CPIO_MALFORMED);
			(void)cpio_find(a, n, "sub/inner.dat", &e);
		}
		a[i] = saved;
	}
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_archive_walk),
		cmocka_unit_test(test_real_archive_find),
		cmocka_unit_test(test_real_archive_truncated),
		cmocka_unit_test(test_handmade_layout),
		cmocka_unit_test(test_handmade_dot_slash),
		cmocka_unit_test(test_hex_case),
		cmocka_unit_test(test_small_valid_baseline),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_namesize_zero),
		cmocka_unit_test(test_name_not_nul_terminated),
		cmocka_unit_test(test_name_past_end),
		cmocka_unit_test(test_data_past_end),
		cmocka_unit_test(test_non_hex_fields),
		cmocka_unit_test(test_missing_trailer),
		cmocka_unit_test(test_offset_out_of_range),
		cmocka_unit_test(test_find_in_damaged),
		cmocka_unit_test(test_mutations),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
