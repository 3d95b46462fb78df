/*
 * Host unit tests for monitor/elf.c (elf_parse).
 *
 * Real executables are built at run time in a mkdtemp directory with the
 * cross toolchain (mips64el-linux-gnuabi64-gcc) and the host gcc; the
 * program headers are cross-checked with the host's <elf.h>. Corrupt
 * variants are patched copies or made by hand. Every image handed to
 * elf_parse sits in a heap block of exactly its size, so AddressSanitizer
 * reports any read past its end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tests/host/helpers.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "monitor/elf.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "the test writes ELF structures in host byte order");

#define TEXT_BASE 0x4000000000100000ull

struct image {
	uint8_t *data;
	size_t size;
};

static struct {
	char dir[64];
	struct image mips;      /* the MIPS64 little-endian executable */
	struct image mips32;    /* ELF32 MIPS */
	struct image mipsbe;    /* ELF64 big-endian MIPS */
	struct image mipsrel;   /* a relocatable object (ET_REL) */
	struct image mipsso;    /* a shared object (ET_DYN) */
	struct image host;      /* x86-64 executable, -no-pie (ET_EXEC) */
	struct image hostpie;   /* x86-64 PIE (ET_DYN) */
	uint64_t start;         /* __start, from nm */
	uint64_t helper;        /* helper, from nm */
} fx;

static const char source[] =
	"\t.text\n"
	"\t.set noreorder\n"
	"\t.globl helper\n"
	"helper:\n"
	"\tjr $ra\n"
	"\tnop\n"
	"\t.globl __start\n"
	"__start:\n"
	"\tjal helper\n"
	"\tnop\n"
	"1:\tb 1b\n"
	"\tnop\n"
	"\t.data\n"
	"\t.globl value\n"
	"value:\t.quad 42\n"
	"\t.bss\n"
	"buf:\t.space 4096\n";

static int run(const char *cmd)
{
	int rc = system(cmd);

	if (rc != 0)
		fprintf(stderr, "failed (%d): %s\n", rc, cmd);
	return rc;
}

static int read_image(const char *name, struct image *img)
{
	char path[128];
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", fx.dir, name);
	f = fopen(path, "rb");
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	img->data = malloc(n > 0 ? (size_t)n : 1);
	img->size = (size_t)n;
	if (n <= 0 || !img->data || fread(img->data, 1, img->size, f) != img->size) {
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

/* The address of a symbol, from the cross nm. */
static int nm_lookup(const char *sym, uint64_t *addr)
{
	char cmd[256], line[256], name[128], type;
	unsigned long long a;
	int found = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "mips64el-linux-gnuabi64-nm '%s/x.elf'", fx.dir);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p))
		if (sscanf(line, "%llx %c %127s", &a, &type, name) == 3 &&
		    strcmp(name, sym) == 0) {
			*addr = a;
			found = 1;
		}
	if (pclose(p) != 0 || !found)
		return -1;
	return 0;
}

static int group_setup(void **state)
{
	static const char *mips_cc =
		"mips64el-linux-gnuabi64-gcc -nostdlib -static -mno-abicalls -fno-pic";
	char path[128], cmd[1024];
	FILE *f;

	snprintf(fx.dir, sizeof(fx.dir), "/tmp/test_elf.XXXXXX");
	if (!mkdtemp(fx.dir))
		return -1;
	snprintf(path, sizeof(path), "%s/x.S", fx.dir);
	f = fopen(path, "w");
	if (!f || fputs(source, f) < 0 || fclose(f) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/h.c", fx.dir);
	f = fopen(path, "w");
	if (!f || fputs("int main(void) { return 0; }\n", f) < 0 || fclose(f) != 0)
		return -1;

	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && %s -march=mips64r2 -mabi=64 -Wl,-Ttext=0x%llx -o x.elf x.S"
		 " && %s -march=mips32r2 -mabi=32 -Wl,-Ttext=0x80100000 -o x32.elf x.S"
		 " && %s -EB -march=mips64r2 -mabi=64 -Wl,-Ttext=0x%llx -o xbe.elf x.S"
		 " && %s -march=mips64r2 -mabi=64 -c -o x.o x.S"
		 " && mips64el-linux-gnuabi64-gcc -nostdlib -shared -fPIC -mabi=64 -o x.so x.S"
		 " && gcc -no-pie -o host h.c && gcc -pie -fPIE -o hostpie h.c",
		 fx.dir, mips_cc, TEXT_BASE, mips_cc, mips_cc, TEXT_BASE, mips_cc);
	if (run(cmd) != 0)
		return -1;
	if (read_image("x.elf", &fx.mips) || read_image("x32.elf", &fx.mips32) ||
	    read_image("xbe.elf", &fx.mipsbe) || read_image("x.o", &fx.mipsrel) ||
	    read_image("x.so", &fx.mipsso) || read_image("host", &fx.host) ||
	    read_image("hostpie", &fx.hostpie))
		return -1;
	if (nm_lookup("__start", &fx.start) || nm_lookup("helper", &fx.helper))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[128];

	free(fx.mips.data);
	free(fx.mips32.data);
	free(fx.mipsbe.data);
	free(fx.mipsrel.data);
	free(fx.mipsso.data);
	free(fx.host.data);
	free(fx.hostpie.data);
	if (fx.dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx.dir);
		return run(cmd) == 0 ? 0 : -1;
	}
	return 0;
}

/* ---- helpers ---- */


static Elf64_Ehdr get_ehdr(const uint8_t *img)
{
	Elf64_Ehdr eh;

	memcpy(&eh, img, sizeof(eh));
	return eh;
}

static void put_ehdr(uint8_t *img, const Elf64_Ehdr *eh)
{
	memcpy(img, eh, sizeof(*eh));
}

static Elf64_Phdr get_phdr(const uint8_t *img, unsigned int i)
{
	Elf64_Ehdr eh = get_ehdr(img);
	Elf64_Phdr ph;

	memcpy(&ph, img + eh.e_phoff + (size_t)i * sizeof(ph), sizeof(ph));
	return ph;
}

static void put_phdr(uint8_t *img, unsigned int i, const Elf64_Phdr *ph)
{
	Elf64_Ehdr eh = get_ehdr(img);

	memcpy(img + eh.e_phoff + (size_t)i * sizeof(*ph), ph, sizeof(*ph));
}

/* The program header index of the k-th PT_LOAD, or -1. */
static int load_index(const uint8_t *img, unsigned int k)
{
	Elf64_Ehdr eh = get_ehdr(img);

	for (unsigned int i = 0; i < eh.e_phnum; i++)
		if (get_phdr(img, i).p_type == PT_LOAD && k-- == 0)
			return (int)i;
	return -1;
}

/* elf_parse on an exact heap copy; returns its result, err filled. */
static int parse_exact(const void *img, size_t size, struct elf_image *out,
		       char *err, size_t err_size)
{
	uint8_t *d = dup_exact(img, size);
	int r;

	memset(err, 'Q', err_size);
	r = elf_parse(d, size, out, err, err_size);
	free(d);
	return r;
}

/* elf_parse must fail with a message containing each of the words. */
static void expect_fail(const void *img, size_t size, const char *word1,
			const char *word2)
{
	struct elf_image out;
	char err[128];

	assert_int_equal(parse_exact(img, size, &out, err, sizeof(err)), -1);
	assert_non_null(memchr(err, '\0', sizeof(err)));
	assert_true(strlen(err) > 0);
	if (!strstr(err, word1))
		fail_msg("error '%s' lacks '%s'", err, word1);
	if (word2 && !strstr(err, word2))
		fail_msg("error '%s' lacks '%s'", err, word2);
}

static void expect_ok(const void *img, size_t size, struct elf_image *out)
{
	char err[128];

	if (parse_exact(img, size, out, err, sizeof(err)) != 0)
		fail_msg("elf_parse failed: %s", err);
}

/* A working copy of the MIPS executable. */
static uint8_t *mips_copy(void)
{
	return dup_exact(fx.mips.data, fx.mips.size);
}

/* Checks out against the program headers as the host's <elf.h> reads them. */
static void check_against_phdrs(const uint8_t *img, size_t size,
				const struct elf_image *out)
{
	Elf64_Ehdr eh = get_ehdr(img);
	unsigned int k = 0;

	assert_int_equal(out->entry, eh.e_entry);
	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph = get_phdr(img, i);
		if (ph.p_type != PT_LOAD)
			continue;
		assert_true(k < out->nsegs);
		assert_int_equal(out->seg[k].vaddr, ph.p_vaddr);
		assert_int_equal(out->seg[k].offset, ph.p_offset);
		assert_int_equal(out->seg[k].filesz, ph.p_filesz);
		assert_int_equal(out->seg[k].memsz, ph.p_memsz);
		k++;
	}
	assert_int_equal(out->nsegs, k);
	for (unsigned int s = 0; s < out->nsegs; s++) {
		assert_true(out->seg[s].offset <= size);
		assert_true(out->seg[s].filesz <= size - out->seg[s].offset);
		assert_true(out->seg[s].filesz <= out->seg[s].memsz);
	}
}

/* ---- the real executable ---- */

static void test_real_mips_executable(void **state)
{
	struct elf_image out;
	int has_entry = 0, has_bss = 0;

	memset(&out, 0xa5, sizeof(out));
	expect_ok(fx.mips.data, fx.mips.size, &out);
	/* __start follows helper (8 bytes), so the entry is not just the text base. */
	assert_int_equal(fx.helper, TEXT_BASE);
	assert_int_equal(fx.start, TEXT_BASE + 8);
	assert_int_equal(out.entry, fx.start);
	assert_true(out.nsegs >= 1 && out.nsegs <= ELF_MAX_SEGMENTS);
	check_against_phdrs(fx.mips.data, fx.mips.size, &out);
	for (unsigned int s = 0; s < out.nsegs; s++) {
		const struct elf_segment *g = &out.seg[s];
		if (g->vaddr <= out.entry && out.entry < g->vaddr + g->memsz) {
			has_entry = 1;
			/* The code at the entry: jal helper (0x0c000000 | target >> 2). */
			uint64_t off = g->offset + (out.entry - g->vaddr);
			uint32_t insn;
			assert_true(off + 4 <= g->offset + g->filesz);
			memcpy(&insn, fx.mips.data + off, 4);
			assert_int_equal(insn >> 26, 3);
			assert_int_equal(insn & 0x3ffffff, (fx.helper >> 2) & 0x3ffffff);
		}
		if (g->memsz > g->filesz)
			has_bss = 1;
	}
	assert_true(has_entry);
	assert_true(has_bss);   /* .bss: 4096 bytes not in the file */
}

/* The image may sit at any alignment (inside a cpio archive). */
static void test_unaligned_image(void **state)
{
	struct elf_image ref, out;

	expect_ok(fx.mips.data, fx.mips.size, &ref);
	for (size_t shift = 1; shift < 8; shift++) {
		uint8_t *buf = malloc(fx.mips.size + shift);
		char err[64];
		assert_non_null(buf);
		memcpy(buf + shift, fx.mips.data, fx.mips.size);
		memset(&out, 0, sizeof(out));
		assert_int_equal(elf_parse(buf + shift, fx.mips.size, &out, err,
					   sizeof(err)), 0);
		assert_memory_equal(&out, &ref, sizeof(out));
		free(buf);
	}
}

/* Cut just after the last loadable byte: still fine; one byte less: not. */
static void test_truncated_after_segments(void **state)
{
	struct elf_image out;
	uint64_t end = 0;

	expect_ok(fx.mips.data, fx.mips.size, &out);
	for (unsigned int s = 0; s < out.nsegs; s++)
		if (out.seg[s].offset + out.seg[s].filesz > end)
			end = out.seg[s].offset + out.seg[s].filesz;
	assert_true(end < fx.mips.size);        /* section headers follow */
	expect_ok(fx.mips.data, end, &out);
	check_against_phdrs(fx.mips.data, end, &out);
	expect_fail(fx.mips.data, end - 1, "segment", NULL);
}

/* ---- not an ELF64 LE MIPS executable ---- */

static void test_too_short(void **state)
{
	for (size_t n = 0; n < 64; n++)
		expect_fail(fx.mips.data, n, "not an ELF", NULL);
}

static void test_bad_magic(void **state)
{
	static const char garbage[80] = "#!/bin/sh\necho this is not an ELF file\n";
	uint8_t *img;

	for (int i = 0; i < 4; i++) {
		img = mips_copy();
		img[i] ^= 0x20;
		expect_fail(img, fx.mips.size, "not an ELF", NULL);
		free(img);
	}
	expect_fail(garbage, sizeof(garbage), "not an ELF", NULL);
	img = calloc(1, 4096);
	assert_non_null(img);
	expect_fail(img, 4096, "not an ELF", NULL);
	free(img);
}

static void test_not_64bit(void **state)
{
	static const uint8_t classes[] = { ELFCLASSNONE, ELFCLASS32, 3, 0xff };
	uint8_t *img;

	/* A real ELF32 MIPS executable. */
	assert_int_equal(fx.mips32.data[EI_CLASS], ELFCLASS32);
	expect_fail(fx.mips32.data, fx.mips32.size, "64-bit", NULL);
	for (unsigned int i = 0; i < sizeof(classes); i++) {
		img = mips_copy();
		img[EI_CLASS] = classes[i];
		expect_fail(img, fx.mips.size, "64-bit", NULL);
		free(img);
	}
}

static void test_big_endian(void **state)
{
	uint8_t *img;

	/* A real big-endian MIPS64 executable. */
	assert_int_equal(fx.mipsbe.data[EI_DATA], ELFDATA2MSB);
	expect_fail(fx.mipsbe.data, fx.mipsbe.size, "little-endian", NULL);
	img = mips_copy();
	img[EI_DATA] = ELFDATA2MSB;
	expect_fail(img, fx.mips.size, "little-endian", NULL);
	img[EI_DATA] = ELFDATANONE;
	expect_fail(img, fx.mips.size, "little-endian", NULL);
	free(img);
}

static void test_wrong_machine(void **state)
{
	Elf64_Ehdr eh;
	uint8_t *img;

	/* The host's own x86-64 executable. */
	eh = get_ehdr(fx.host.data);
	assert_int_equal(eh.e_type, ET_EXEC);
	assert_int_equal(eh.e_machine, EM_X86_64);
	expect_fail(fx.host.data, fx.host.size, "MIPS", "machine 62");

	/* A MIPS file claiming another machine. */
	img = mips_copy();
	eh = get_ehdr(img);
	eh.e_machine = EM_AARCH64;
	put_ehdr(img, &eh);
	expect_fail(img, fx.mips.size, "MIPS", "machine 183");
	eh.e_machine = EM_MIPS_RS3_LE;
	put_ehdr(img, &eh);
	expect_fail(img, fx.mips.size, "MIPS", "machine 10");
	eh.e_machine = EM_MIPS | 0x100;
	put_ehdr(img, &eh);
	expect_fail(img, fx.mips.size, "MIPS", "machine 264");
	free(img);
}

static void test_not_executable(void **state)
{
	Elf64_Ehdr eh;
	uint8_t *img;

	/* Real ones: a relocatable object, a shared object, a host PIE. */
	assert_int_equal(get_ehdr(fx.mipsrel.data).e_type, ET_REL);
	expect_fail(fx.mipsrel.data, fx.mipsrel.size, "MIPS", "type 1");
	assert_int_equal(get_ehdr(fx.mipsso.data).e_type, ET_DYN);
	expect_fail(fx.mipsso.data, fx.mipsso.size, "MIPS", "type 3");
	assert_int_equal(get_ehdr(fx.hostpie.data).e_type, ET_DYN);
	expect_fail(fx.hostpie.data, fx.hostpie.size, "MIPS", "type 3");

	/* The executable patched to ET_DYN, ET_CORE, ET_EXEC | 0x100. */
	img = mips_copy();
	eh = get_ehdr(img);
	eh.e_type = ET_DYN;
	put_ehdr(img, &eh);
	expect_fail(img, fx.mips.size, "MIPS", "type 3");
	eh.e_type = ET_CORE;
	put_ehdr(img, &eh);
	expect_fail(img, fx.mips.size, "MIPS", "type 4");
	eh.e_type = ET_EXEC | 0x100;
	put_ehdr(img, &eh);
	expect_fail(img, fx.mips.size, "MIPS", "type 258");
	free(img);
}

/* ---- program headers ---- */

static void test_bad_phentsize(void **state)
{
	static const uint16_t sizes[] = { 0, 32, 55, 57, 64, 0x3800 };
	uint8_t *img = mips_copy();
	Elf64_Ehdr eh = get_ehdr(img);

	assert_int_equal(eh.e_phentsize, sizeof(Elf64_Phdr));
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		eh.e_phentsize = sizes[i];
		put_ehdr(img, &eh);
		expect_fail(img, fx.mips.size, "program headers", NULL);
	}
	free(img);
}

static void test_phdrs_past_end(void **state)
{
	uint8_t *img = mips_copy();
	Elf64_Ehdr eh = get_ehdr(img), bad;
	size_t size = fx.mips.size;
	uint64_t table = (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr);

	/* The table ending one byte past the end. */
	bad = eh;
	bad.e_phoff = size - table + 1;
	put_ehdr(img, &bad);
	expect_fail(img, size, "program headers", NULL);
	/* Starting at, or past, the end. */
	bad.e_phoff = size;
	put_ehdr(img, &bad);
	expect_fail(img, size, "program headers", NULL);
	bad.e_phoff = size + 1000;
	put_ehdr(img, &bad);
	expect_fail(img, size, "program headers", NULL);
	/* Offsets that overflow when added to. */
	bad.e_phoff = UINT64_MAX;
	put_ehdr(img, &bad);
	expect_fail(img, size, "program headers", NULL);
	bad.e_phoff = UINT64_MAX - 8;
	put_ehdr(img, &bad);
	expect_fail(img, size, "program headers", NULL);
	bad.e_phoff = (uint64_t)1 << 63;
	put_ehdr(img, &bad);
	expect_fail(img, size, "program headers", NULL);
	/* Too many of them. */
	bad = eh;
	bad.e_phnum = 0xffff;
	put_ehdr(img, &bad);
	expect_fail(img, size, "program headers", NULL);
	/* The file cut inside the table. */
	put_ehdr(img, &eh);
	expect_fail(img, eh.e_phoff + table - 1, "program headers", NULL);
	expect_fail(img, 64, "program headers", NULL);
	free(img);
}

static void test_segment_past_end(void **state)
{
	size_t size = fx.mips.size;
	struct elf_image out;

	expect_ok(fx.mips.data, size, &out);
	for (unsigned int k = 0; k < out.nsegs; k++) {
		int i = load_index(fx.mips.data, k);
		uint8_t *img = mips_copy();
		Elf64_Phdr ph = get_phdr(img, (unsigned int)i), bad;

		assert_true(i >= 0);
		/* Moved to end exactly at the end of the file: fine. */
		bad = ph;
		bad.p_offset = size - ph.p_filesz;
		put_phdr(img, (unsigned int)i, &bad);
		expect_ok(img, size, &out);
		assert_int_equal(out.seg[k].offset, size - ph.p_filesz);
		/* One byte further: not. */
		bad.p_offset = size - ph.p_filesz + 1;
		put_phdr(img, (unsigned int)i, &bad);
		expect_fail(img, size, "segment", NULL);
		/* Wholly past the end, or overflowing. */
		bad.p_offset = size + 4096;
		put_phdr(img, (unsigned int)i, &bad);
		expect_fail(img, size, "segment", NULL);
		bad.p_offset = UINT64_MAX - 2;
		bad.p_filesz = bad.p_memsz = 16;
		put_phdr(img, (unsigned int)i, &bad);
		expect_fail(img, size, "segment", NULL);
		/* More bytes than the file has. */
		bad = ph;
		bad.p_filesz = size - ph.p_offset + 1;
		bad.p_memsz = bad.p_filesz + 0x1000;
		put_phdr(img, (unsigned int)i, &bad);
		expect_fail(img, size, "segment", NULL);
		bad.p_filesz = bad.p_memsz = UINT64_MAX;
		put_phdr(img, (unsigned int)i, &bad);
		expect_fail(img, size, "segment", NULL);
		free(img);
	}
}

static void test_filesz_above_memsz(void **state)
{
	size_t size = fx.mips.size;
	struct elf_image out;

	expect_ok(fx.mips.data, size, &out);
	for (unsigned int k = 0; k < out.nsegs; k++) {
		int i = load_index(fx.mips.data, k);
		uint8_t *img = mips_copy();
		Elf64_Phdr ph = get_phdr(img, (unsigned int)i);

		assert_true(ph.p_filesz > 0);
		ph.p_memsz = ph.p_filesz;               /* equal: fine */
		put_phdr(img, (unsigned int)i, &ph);
		expect_ok(img, size, &out);
		assert_int_equal(out.seg[k].memsz, ph.p_filesz);
		ph.p_memsz = ph.p_filesz - 1;           /* one less: not */
		put_phdr(img, (unsigned int)i, &ph);
		expect_fail(img, size, "segment", NULL);
		ph.p_memsz = 0;
		put_phdr(img, (unsigned int)i, &ph);
		expect_fail(img, size, "segment", NULL);
		free(img);
	}
}

static void test_vaddr_wraps(void **state)
{
	int i = load_index(fx.mips.data, 0);
	uint8_t *img = mips_copy();
	Elf64_Phdr ph = get_phdr(img, (unsigned int)i);
	struct elf_image out;

	assert_true(ph.p_memsz > 1);
	ph.p_vaddr = UINT64_MAX - ph.p_memsz;   /* ends just below the top */
	put_phdr(img, (unsigned int)i, &ph);
	expect_ok(img, fx.mips.size, &out);
	assert_int_equal(out.seg[0].vaddr, UINT64_MAX - ph.p_memsz);
	ph.p_vaddr = UINT64_MAX - ph.p_memsz + 2;       /* wraps past zero */
	put_phdr(img, (unsigned int)i, &ph);
	expect_fail(img, fx.mips.size, "segment", NULL);
	ph.p_vaddr = UINT64_MAX;
	put_phdr(img, (unsigned int)i, &ph);
	expect_fail(img, fx.mips.size, "segment", NULL);
	free(img);
}

static void test_no_loadable_segment(void **state)
{
	uint8_t *img = mips_copy();
	Elf64_Ehdr eh = get_ehdr(img), bad;

	/* Every PT_LOAD turned into PT_NULL (or PT_NOTE). */
	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph = get_phdr(img, i);
		if (ph.p_type == PT_LOAD) {
			ph.p_type = (i & 1) ? PT_NULL : PT_NOTE;
			put_phdr(img, i, &ph);
		}
	}
	expect_fail(img, fx.mips.size, "no loadable", NULL);
	free(img);

	/* No program headers at all. */
	img = mips_copy();
	bad = eh;
	bad.e_phnum = 0;
	put_ehdr(img, &bad);
	expect_fail(img, fx.mips.size, "no loadable", NULL);
	bad.e_phoff = 0;
	put_ehdr(img, &bad);
	expect_fail(img, fx.mips.size, "no loadable", NULL);
	free(img);
}

/* ---- hand-made executables ---- */

/*
 * An ELF64 LE MIPS executable with the program headers of the given types
 * at phoff; each segment has its file bytes at 0..0x40. Returns the size.
 */
static size_t craft(uint8_t *buf, const uint32_t *types, unsigned int n,
		    uint64_t phoff)
{
	Elf64_Ehdr eh;
	size_t size = phoff + (size_t)n * sizeof(Elf64_Phdr);

	if (size < 0x40)
		size = 0x40;
	memset(buf, 0, size);
	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_MIPS;
	eh.e_version = EV_CURRENT;
	eh.e_entry = 0xffffffff80100040ull;
	eh.e_phoff = phoff;
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = (uint16_t)n;
	memcpy(buf, &eh, sizeof(eh));
	for (unsigned int i = 0; i < n; i++) {
		Elf64_Phdr ph;
		memset(&ph, 0, sizeof(ph));
		ph.p_type = types[i];
		ph.p_offset = 0;
		ph.p_vaddr = 0xffffffff80100000ull + 0x10000ull * i;
		ph.p_paddr = ph.p_vaddr;
		ph.p_filesz = 0x40;
		ph.p_memsz = 0x1000 + i;
		ph.p_align = 0x10000;
		memcpy(buf + phoff + i * sizeof(ph), &ph, sizeof(ph));
	}
	return size;
}

static void test_crafted_one_segment(void **state)
{
	static const uint32_t one[] = { PT_LOAD };
	uint8_t buf[512];
	struct elf_image out;
	size_t size;

	size = craft(buf, one, 1, 64);
	assert_int_equal(size, 64 + 56);
	expect_ok(buf, size, &out);
	assert_int_equal(out.entry, 0xffffffff80100040ull);
	assert_int_equal(out.nsegs, 1);
	assert_int_equal(out.seg[0].vaddr, 0xffffffff80100000ull);
	assert_int_equal(out.seg[0].offset, 0);
	assert_int_equal(out.seg[0].filesz, 0x40);
	assert_int_equal(out.seg[0].memsz, 0x1000);
	/* The table at an odd offset, at the very end of the file. */
	size = craft(buf, one, 1, 101);
	assert_int_equal(size, 101 + 56);
	expect_ok(buf, size, &out);
	assert_int_equal(out.nsegs, 1);
	assert_int_equal(out.seg[0].memsz, 0x1000);
	expect_fail(buf, size - 1, "program headers", NULL);
}

static void test_max_segments(void **state)
{
	uint32_t types[12];
	uint8_t buf[1024];
	struct elf_image out;
	size_t size;

	for (unsigned int i = 0; i < 12; i++)
		types[i] = PT_LOAD;

	/* Exactly ELF_MAX_SEGMENTS: fine, all listed in order. */
	size = craft(buf, types, ELF_MAX_SEGMENTS, 64);
	expect_ok(buf, size, &out);
	assert_int_equal(out.nsegs, ELF_MAX_SEGMENTS);
	for (unsigned int i = 0; i < ELF_MAX_SEGMENTS; i++) {
		assert_int_equal(out.seg[i].vaddr, 0xffffffff80100000ull + 0x10000ull * i);
		assert_int_equal(out.seg[i].memsz, 0x1000 + i);
	}

	/* One more. */
	size = craft(buf, types, ELF_MAX_SEGMENTS + 1, 64);
	expect_fail(buf, size, "more than 8", "segment");
	size = craft(buf, types, 12, 64);
	expect_fail(buf, size, "more than 8", "segment");

	/* Nine headers of which one is not PT_LOAD: fine. */
	types[4] = PT_NOTE;
	size = craft(buf, types, ELF_MAX_SEGMENTS + 1, 64);
	expect_ok(buf, size, &out);
	assert_int_equal(out.nsegs, ELF_MAX_SEGMENTS);
	assert_int_equal(out.seg[4].vaddr, 0xffffffff80100000ull + 0x10000ull * 5);
	assert_int_equal(out.seg[7].memsz, 0x1000 + 8);

	/* Only non-loadable headers. */
	for (unsigned int i = 0; i < 12; i++)
		types[i] = (i & 1) ? PT_PHDR : PT_GNU_STACK;
	size = craft(buf, types, 12, 64);
	expect_fail(buf, size, "no loadable", NULL);
}

/* The message is cut to fit err_size and NUL-terminated; nothing past it. */
static void test_small_error_buffer(void **state)
{
	struct elf_image out;
	char *err;

	err = malloc(5);
	assert_non_null(err);
	assert_int_equal(parse_exact(fx.mips.data, 10, &out, err, 5), -1);
	assert_string_equal(err, "not ");
	free(err);

	err = malloc(1);
	assert_non_null(err);
	assert_int_equal(parse_exact(fx.mips32.data, fx.mips32.size, &out, err, 1), -1);
	assert_string_equal(err, "");
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_mips_executable),
		cmocka_unit_test(test_unaligned_image),
		cmocka_unit_test(test_truncated_after_segments),
		cmocka_unit_test(test_too_short),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_not_64bit),
		cmocka_unit_test(test_big_endian),
		cmocka_unit_test(test_wrong_machine),
		cmocka_unit_test(test_not_executable),
		cmocka_unit_test(test_bad_phentsize),
		cmocka_unit_test(test_phdrs_past_end),
		cmocka_unit_test(test_segment_past_end),
		cmocka_unit_test(test_filesz_above_memsz),
		cmocka_unit_test(test_vaddr_wraps),
		cmocka_unit_test(test_no_loadable_segment),
		cmocka_unit_test(test_crafted_one_segment),
		cmocka_unit_test(test_max_segments),
		cmocka_unit_test(test_small_error_buffer),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
