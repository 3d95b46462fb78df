/*
 * Host unit tests for vcpu/decode.c (insn_decode, insn_branch_taken,
 * insn_branch_target).
 *
 * The oracle for every encoding is the real cross assembler: each test
 * writes its instructions into a .S file in a mkdtemp directory, assembles
 * it with mips64el-linux-gnuabi64-gcc (mips64r2, n64, with nomacro and
 * fatal warnings so that each line is exactly one instruction word) and
 * reads back the .text bytes as little-endian words. j/jal targets are
 * checked against images linked at chosen addresses, with the label
 * addresses taken from the cross nm. A missing toolchain fails the tests.
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
#include "vcpu/decode.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_WORDS 70000

static struct {
	char dir[64];
	uint32_t *w;            /* the .text words of the last build */
	size_t n;               /* how many */
} fx;

/* The case at hand, for failure messages (cleared by every build). */
static char ctx[256];

static const char prologue[] =
	"\t.text\n"
	"\t.set noreorder\n"
	"\t.set nomacro\n"
	"\t.set noat\n"
	"\t.set mips64r2\n"
	"\t.globl __start\n"
	"__start:\n";

#define CROSS "mips64el-linux-gnuabi64-"
#define CROSS_CC CROSS "gcc -march=mips64r2 -mabi=64 -mno-abicalls -fno-pic " \
	"-Wa,--fatal-warnings"

static int run(const char *cmd)
{
	int rc = system(cmd);

	if (rc != 0)
		fprintf(stderr, "failed (%d): %s\n", rc, cmd);
	return rc;
}

static int group_setup(void **state)
{
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/test_decode.XXXXXX");
	if (!mkdtemp(fx.dir)) {
		fx.dir[0] = '\0';
		return -1;
	}
	fx.w = malloc(MAX_WORDS * sizeof(*fx.w));
	return fx.w ? 0 : -1;
}

static int group_teardown(void **state)
{
	char cmd[128];

	free(fx.w);
	if (fx.dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx.dir);
		return run(cmd) == 0 ? 0 : -1;
	}
	return 0;
}

/*
 * Assembles prologue + body. With base == 0 into a relocatable object
 * (which must need no relocation, so every field is final); otherwise
 * linked with .text at base. Leaves the words in fx.w, fx.n.
 */
static void build(const char *body, uint64_t base)
{
	char path[128], cmd[1024];
	uint8_t *bytes;
	FILE *f;
	long size;
	size_t i;

	ctx[0] = '\0';
	snprintf(path, sizeof(path), "%s/x.S", fx.dir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(prologue, f) >= 0);
	assert_true(fputs(body, f) >= 0);
	assert_int_equal(fclose(f), 0);

	if (base == 0)
		snprintf(cmd, sizeof(cmd),
			 "cd '%s' && rm -f x.o x.elf x.bin"
			 " && " CROSS_CC " -c -o x.o x.S"
			 " && ! " CROSS "objdump -r x.o | grep -q R_MIPS"
			 " && " CROSS "objcopy -O binary -j .text x.o x.bin",
			 fx.dir);
	else
		snprintf(cmd, sizeof(cmd),
			 "cd '%s' && rm -f x.o x.elf x.bin"
			 " && " CROSS_CC " -nostdlib -static -Wl,--build-id=none"
			 " -Wl,-Ttext=0x%llx -o x.elf x.S"
			 " && " CROSS "objcopy -O binary -j .text x.elf x.bin",
			 fx.dir, (unsigned long long)base);
	assert_int_equal(run(cmd), 0);

	snprintf(path, sizeof(path), "%s/x.bin", fx.dir);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	rewind(f);
	assert_true(size > 0 && size % 4 == 0 && size / 4 <= MAX_WORDS);
	bytes = malloc((size_t)size);
	assert_non_null(bytes);
	assert_int_equal(fread(bytes, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	fx.n = (size_t)size / 4;
	for (i = 0; i < fx.n; i++)
		fx.w[i] = (uint32_t)bytes[4 * i] | (uint32_t)bytes[4 * i + 1] << 8 |
			  (uint32_t)bytes[4 * i + 2] << 16 |
			  (uint32_t)bytes[4 * i + 3] << 24;
	free(bytes);
}

/* Checks that the build gave exactly n words (plus zero padding). */
static void expect_words(size_t n)
{
	size_t i;

	assert_true(fx.n >= n);
	assert_true(fx.n - n < 4);      /* .text is padded to 16 bytes */
	for (i = n; i < fx.n; i++)
		assert_int_equal(fx.w[i], 0);
}

/*
 * Assembles n lines, each exactly one instruction, into a relocatable
 * object; the label "back" is at word 0 (the first line) and "fwd" at word
 * n (just past the last line). Returns the words, one per line.
 */
static const uint32_t *assemble_lines(const char *const *lines, size_t n)
{
	static char body[8192];
	size_t len = 0, i;

	len += (size_t)snprintf(body, sizeof(body), "back:\n");
	for (i = 0; i < n; i++) {
		assert_true(len < sizeof(body));
		len += (size_t)snprintf(body + len, sizeof(body) - len, "\t%s\n",
					lines[i]);
	}
	assert_true(len < sizeof(body));
	len += (size_t)snprintf(body + len, sizeof(body) - len, "fwd:\n");
	assert_true(len < sizeof(body));
	build(body, 0);
	expect_words(n);
	return fx.w;
}

/* One instruction line assembled and decoded. */
static uint32_t assemble_one(const char *line)
{
	return assemble_lines(&line, 1)[0];
}

/* The address of a symbol of the last linked build, from the cross nm. */
static uint64_t nm_lookup(const char *sym)
{
	char cmd[256], line[256], name[128], type;
	unsigned long long a, addr = 0;
	int found = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), CROSS "nm '%s/x.elf'", fx.dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p))
		if (sscanf(line, "%llx %c %127s", &a, &type, name) == 3 &&
		    strcmp(name, sym) == 0) {
			addr = a;
			found++;
		}
	assert_int_equal(pclose(p), 0);
	if (found != 1)
		fail_msg("nm: %d symbols named %s", found, sym);
	return addr;
}

/* Decodes word into a struct first filled with junk; checks raw. */
static struct insn decode(uint32_t word)
{
	struct insn in;

	memset(&in, 0xa5, sizeof(in));
	insn_decode(word, &in);
	assert_int_equal(in.raw, word);
	return in;
}

/* A register file with junk of both signs everywhere but $0. */
static void junk_regs(uint64_t regs[32])
{
	unsigned int i;

	for (i = 0; i < 32; i++)
		regs[i] = (i & 1) ? 0xa5a5a5a5a5a5a5a5ull : 0x5a5a5a5a5a5a5a5aull;
	regs[0] = 0;
}

/* Checks whose failure messages name the case at hand (ctx). */
#define CTX(...) snprintf(ctx, sizeof(ctx), __VA_ARGS__)
#define expect_eq(got, want) do { \
	unsigned long long got_ = (unsigned long long)(got); \
	unsigned long long want_ = (unsigned long long)(want); \
	if (got_ != want_) \
		fail_msg("%s: %s is 0x%llx, expected 0x%llx", ctx, #got, \
			 got_, want_); \
} while (0)
#define expect_true(x) expect_eq(!!(x), 1)
#define expect_false(x) expect_eq(!!(x), 0)

/* ---- COP0 register moves ---- */

struct move_case {
	const char *line;
	unsigned int rt, rd, sel;
};

static void check_moves(const struct move_case *c, size_t n, enum insn_kind kind)
{
	const char *lines[16];
	const uint32_t *w;
	size_t i;

	assert_true(n <= ARRAY_SIZE(lines));
	for (i = 0; i < n; i++)
		lines[i] = c[i].line;
	w = assemble_lines(lines, n);
	for (i = 0; i < n; i++) {
		struct insn in = decode(w[i]);

		CTX("%s", c[i].line);
		expect_eq(in.kind, kind);
		expect_eq(in.rt, c[i].rt);
		expect_eq(in.rd, c[i].rd);
		expect_eq(in.sel, c[i].sel);
		expect_false(in.link);
	}
}

static void test_mfc0(void **state)
{
	static const struct move_case c[] = {
		{ "mfc0 $2, $12, 0", 2, 12, 0 },
		{ "mfc0 $2, $12", 2, 12, 0 },
		{ "mfc0 $31, $9", 31, 9, 0 },
		{ "mfc0 $0, $16, 7", 0, 16, 7 },
		{ "mfc0 $17, $31, 3", 17, 31, 3 },
		{ "mfc0 $5, $15, 1", 5, 15, 1 },
		{ "mfc0 $1, $0", 1, 0, 0 },
	};
	check_moves(c, ARRAY_SIZE(c), INSN_MFC0);
}

static void test_dmfc0(void **state)
{
	static const struct move_case c[] = {
		{ "dmfc0 $8, $15, 1", 8, 15, 1 },
		{ "dmfc0 $2, $14", 2, 14, 0 },
		{ "dmfc0 $31, $10, 7", 31, 10, 7 },
		{ "dmfc0 $0, $4, 2", 0, 4, 2 },
		{ "dmfc0 $26, $8", 26, 8, 0 },
	};
	check_moves(c, ARRAY_SIZE(c), INSN_DMFC0);
}

static void test_mtc0(void **state)
{
	static const struct move_case c[] = {
		{ "mtc0 $0, $11", 0, 11, 0 },
		{ "mtc0 $9, $12, 0", 9, 12, 0 },
		{ "mtc0 $31, $16, 1", 31, 16, 1 },
		{ "mtc0 $4, $5, 7", 4, 5, 7 },
		{ "mtc0 $27, $0", 27, 0, 0 },
	};
	check_moves(c, ARRAY_SIZE(c), INSN_MTC0);
}

static void test_dmtc0(void **state)
{
	static const struct move_case c[] = {
		{ "dmtc0 $31, $10, 0", 31, 10, 0 },
		{ "dmtc0 $4, $14", 4, 14, 0 },
		{ "dmtc0 $1, $4, 2", 1, 4, 2 },
		{ "dmtc0 $0, $31, 7", 0, 31, 7 },
		{ "dmtc0 $16, $2", 16, 2, 0 },
	};
	check_moves(c, ARRAY_SIZE(c), INSN_DMTC0);
}

/* ---- other privileged instructions ---- */

struct kind_case {
	const char *line;
	enum insn_kind kind;
};

static void check_kinds(const struct kind_case *c, size_t n)
{
	const char *lines[40];
	const uint32_t *w;
	size_t i;

	assert_true(n <= ARRAY_SIZE(lines));
	for (i = 0; i < n; i++)
		lines[i] = c[i].line;
	w = assemble_lines(lines, n);
	for (i = 0; i < n; i++) {
		struct insn in = decode(w[i]);

		CTX("%s (0x%08x)", c[i].line, w[i]);
		expect_eq(in.kind, c[i].kind);
		expect_false(in.link);
		expect_false(in.likely);
	}
}

static void test_tlb_ops(void **state)
{
	static const struct kind_case c[] = {
		{ "tlbr", INSN_TLBR },
		{ "tlbwi", INSN_TLBWI },
		{ "tlbwr", INSN_TLBWR },
		{ "tlbp", INSN_TLBP },
	};
	check_kinds(c, ARRAY_SIZE(c));
}

static void test_eret_wait(void **state)
{
	static const struct kind_case c[] = {
		{ "eret", INSN_ERET },
		{ "wait", INSN_WAIT },
		{ "wait 5", INSN_WAIT },        /* implementation-defined code */
		{ "wait 0x7ffff", INSN_WAIT },
	};
	check_kinds(c, ARRAY_SIZE(c));
}

static void test_di_ei(void **state)
{
	static const struct move_case c[] = {
		{ "di", 0, 12, 0 },
		{ "di $5", 5, 12, 0 },
		{ "di $31", 31, 12, 0 },
		{ "ei", 0, 12, 0 },
		{ "ei $0", 0, 12, 0 },
		{ "ei $17", 17, 12, 0 },
	};
	static const enum insn_kind kind[] = {
		INSN_DI, INSN_DI, INSN_DI, INSN_EI, INSN_EI, INSN_EI,
	};
	const char *lines[ARRAY_SIZE(c)];
	const uint32_t *w;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++)
		lines[i] = c[i].line;
	w = assemble_lines(lines, ARRAY_SIZE(c));
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct insn in = decode(w[i]);

		CTX("%s", c[i].line);
		expect_eq(in.kind, kind[i]);
		expect_eq(in.rt, c[i].rt);
		expect_eq(in.rd, 12);
	}
}

static void test_hypercall(void **state)
{
	struct insn in;
	uint32_t w;

	/* the guest ABI word, written by hand */
	w = assemble_one(".word 0x42000028");
	expect_eq(w, INSN_HYPERCALL_WORD);
	in = decode(w);
	expect_eq(in.kind, INSN_HYPERCALL);

	/* and as the assembler spells it (the VZ hypcall encoding) */
	build("\t.set virt\n\thypcall\n", 0);
	expect_words(1);
	expect_eq(fx.w[0], INSN_HYPERCALL_WORD);
	in = decode(fx.w[0]);
	expect_eq(in.kind, INSN_HYPERCALL);
	expect_false(in.link);

	/* the refill write, the next function */
	w = assemble_one(".word 0x42000029");
	expect_eq(w, INSN_TLB_REFILL_WORD);
	in = decode(w);
	expect_eq(in.kind, INSN_TLB_REFILL);
}

static void test_cop0_reserved(void **state)
{
	static const struct kind_case c[] = {
		{ ".word 0x4200002a", INSN_COP0_RESERVED },
		{ ".word 0x42000030", INSN_COP0_RESERVED },
		{ ".word 0x42000000", INSN_COP0_RESERVED },     /* CO, function 0 */
		{ ".word 0x4200003f", INSN_COP0_RESERVED },
		{ ".word 0x42000028 | (1 << 6)", INSN_COP0_RESERVED },
		{ ".word 0x43e00028", INSN_COP0_RESERVED },     /* CO, other rs */
		{ "deret", INSN_COP0_RESERVED },
		{ "rdpgpr $2, $3", INSN_COP0_RESERVED },
		{ "wrpgpr $2, $3", INSN_COP0_RESERVED },
		/* mfc0 & co with nonzero bits 10:3 */
		{ ".word 0x40026008 | 0x40", INSN_COP0_RESERVED },
		{ ".word 0x40026008", INSN_COP0_RESERVED },
		{ ".word 0x40026400", INSN_COP0_RESERVED },
		{ ".word 0x40287801 | 0x100", INSN_COP0_RESERVED },
		{ ".word 0x40805800 | 0x8", INSN_COP0_RESERVED },
		{ ".word 0x40bf5000 | 0x400", INSN_COP0_RESERVED },
		/* unused rs values */
		{ ".word 0x40400000", INSN_COP0_RESERVED },
		{ ".word 0x40c00000", INSN_COP0_RESERVED },
		{ ".word 0x41000000", INSN_COP0_RESERVED },
		{ ".word 0x41e00000", INSN_COP0_RESERVED },
		/* MFMC0 that is not di/ei: rd != 12 or stray low bits */
		{ ".word 0x41605800", INSN_COP0_RESERVED },
		{ ".word 0x41606820", INSN_COP0_RESERVED },
		{ ".word 0x41606001", INSN_COP0_RESERVED },
		{ ".word 0x41606004", INSN_COP0_RESERVED },
		{ ".word 0x41606010", INSN_COP0_RESERVED },
		{ ".word 0x41606040", INSN_COP0_RESERVED },
		{ ".word 0x41606400", INSN_COP0_RESERVED },
		/* the valid neighbours, for contrast */
		{ ".word 0x40026000", INSN_MFC0 },
		{ ".word 0x41606000", INSN_DI },
		{ ".word 0x41606020", INSN_EI },
	};
	check_kinds(c, ARRAY_SIZE(c));
}

static void test_cache(void **state)
{
	static const struct {
		const char *line;
		unsigned int op, base;
	} c[] = {
		{ "cache 0x15, 0($4)", 0x15, 4 },
		{ "cache 0, -8($31)", 0, 31 },
		{ "cache 0x1f, 0x7ff0($0)", 0x1f, 0 },
		{ "cache 0x1c, 32($29)", 0x1c, 29 },
	};
	const char *lines[ARRAY_SIZE(c)];
	const uint32_t *w;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++)
		lines[i] = c[i].line;
	w = assemble_lines(lines, ARRAY_SIZE(c));
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct insn in = decode(w[i]);

		CTX("%s", c[i].line);
		expect_eq(in.kind, INSN_CACHE);
		expect_eq(in.rs, c[i].base);
		expect_eq(in.rt, c[i].op);
	}
}

static void test_rdhwr(void **state)
{
	static const char *const lines[] = {
		"rdhwr $3, $29", "rdhwr $8, $0", "rdhwr $31, $2",
		/* other SPECIAL3 functions */
		"ext $2, $3, 4, 8", "ins $2, $3, 4, 8", "seb $2, $3", "wsbh $2, $3",
		"dext $2, $3, 0, 32",
	};
	const uint32_t *w = assemble_lines(lines, ARRAY_SIZE(lines));
	struct insn in;
	size_t i;

	in = decode(w[0]);
	expect_eq(in.kind, INSN_RDHWR);
	expect_eq(in.rt, 3);
	expect_eq(in.rd, 29);
	in = decode(w[1]);
	expect_eq(in.kind, INSN_RDHWR);
	expect_eq(in.rt, 8);
	expect_eq(in.rd, 0);
	in = decode(w[2]);
	expect_eq(in.kind, INSN_RDHWR);
	expect_eq(in.rt, 31);
	expect_eq(in.rd, 2);
	for (i = 3; i < ARRAY_SIZE(lines); i++) {
		CTX("%s", lines[i]);
		expect_eq(decode(w[i]).kind, INSN_OTHER);
	}
}

static void test_loads_stores(void **state)
{
	static const struct {
		const char *line;
		enum insn_kind kind;
		unsigned int size, rt, base;
		bool sign;
		int64_t offset;
	} c[] = {
		{ "lb $2, 5($4)", INSN_LOAD, 1, 2, 4, true, 5 },
		{ "lbu $3, -1($5)", INSN_LOAD, 1, 3, 5, false, -1 },
		{ "lh $6, 0x7ffe($7)", INSN_LOAD, 2, 6, 7, true, 0x7ffe },
		{ "lhu $8, -0x8000($9)", INSN_LOAD, 2, 8, 9, false, -0x8000 },
		{ "lw $10, 4($11)", INSN_LOAD, 4, 10, 11, true, 4 },
		{ "lwu $12, 8($13)", INSN_LOAD, 4, 12, 13, false, 8 },
		{ "ld $14, 16($15)", INSN_LOAD, 8, 14, 15, false, 16 },
		{ "sb $16, 0($17)", INSN_STORE, 1, 16, 17, false, 0 },
		{ "sh $18, 2($19)", INSN_STORE, 2, 18, 19, false, 2 },
		{ "sw $20, -4($21)", INSN_STORE, 4, 20, 21, false, -4 },
		{ "sd $31, -16($29)", INSN_STORE, 8, 31, 29, false, -16 },
	};
	const char *lines[ARRAY_SIZE(c)];
	const uint32_t *w;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++)
		lines[i] = c[i].line;
	w = assemble_lines(lines, ARRAY_SIZE(c));
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct insn in = decode(w[i]);

		CTX("%s", c[i].line);
		expect_eq(in.kind, c[i].kind);
		expect_eq(in.size, c[i].size);
		expect_eq(in.rt, c[i].rt);
		expect_eq(in.rs, c[i].base);
		expect_eq(in.sign_extend, c[i].sign);
		expect_eq(in.offset, c[i].offset);
	}
}

static void test_other_instructions(void **state)
{
	static const struct kind_case c[] = {
		{ "nop", INSN_OTHER },
		{ "addu $2, $3, $4", INSN_OTHER },
		{ "lwl $5, 8($29)", INSN_OTHER },
		{ "sdr $31, -16($29)", INSN_OTHER },
		{ "syscall", INSN_OTHER },
		{ "syscall 0x1234", INSN_OTHER },
		{ "break", INSN_OTHER },
		{ "break 7", INSN_OTHER },
		{ "sync", INSN_OTHER },
		{ "ssnop", INSN_OTHER },
		{ "ehb", INSN_OTHER },
		{ "lui $4, 0x8000", INSN_OTHER },
		{ "daddiu $29, $29, -32", INSN_OTHER },
		{ "dsll32 $2, $3, 4", INSN_OTHER },
		{ "mfhi $3", INSN_OTHER },
		{ "movz $2, $3, $4", INSN_OTHER },
		{ "teq $4, $5", INSN_OTHER },
		{ "scd $2, 0($4)", INSN_OTHER },
		{ "pref 0, 0($4)", INSN_OTHER },
		/* REGIMM encodings that are not branches */
		{ "teqi $4, 5", INSN_OTHER },
		{ "tgei $4, -1", INSN_OTHER },
		{ "synci 0($4)", INSN_OTHER },
	};
	check_kinds(c, ARRAY_SIZE(c));
}

/* ---- branches: decoding ---- */

struct branch_case {
	const char *mnemonic;
	const char *ops;        /* operands before the label, with the comma */
	enum branch_cond cond;
	bool likely, link;
	unsigned int rs, rt;    /* rt checked only for EQ/NE */
};

static const struct branch_case branches[] = {
	{ "beq", "$4, $5,", BR_EQ, false, false, 4, 5 },
	{ "bne", "$6, $7,", BR_NE, false, false, 6, 7 },
	{ "blez", "$8,", BR_LEZ, false, false, 8, 0 },
	{ "bgtz", "$9,", BR_GTZ, false, false, 9, 0 },
	{ "bltz", "$10,", BR_LTZ, false, false, 10, 0 },
	{ "bgez", "$11,", BR_GEZ, false, false, 11, 0 },
	{ "bltzal", "$12,", BR_LTZ, false, true, 12, 0 },
	{ "bgezal", "$13,", BR_GEZ, false, true, 13, 0 },
	{ "beql", "$14, $15,", BR_EQ, true, false, 14, 15 },
	{ "bnel", "$16, $17,", BR_NE, true, false, 16, 17 },
	{ "blezl", "$18,", BR_LEZ, true, false, 18, 0 },
	{ "bgtzl", "$19,", BR_GTZ, true, false, 19, 0 },
	{ "bltzl", "$20,", BR_LTZ, true, false, 20, 0 },
	{ "bgezl", "$21,", BR_GEZ, true, false, 21, 0 },
	{ "bltzall", "$22,", BR_LTZ, true, true, 22, 0 },
	{ "bgezall", "$23,", BR_GEZ, true, true, 23, 0 },
	/* assembler aliases */
	{ "b", "", BR_EQ, false, false, 0, 0 },
	{ "bal", "", BR_GEZ, false, true, 0, 0 },
	{ "beqz", "$24,", BR_EQ, false, false, 24, 0 },
	{ "bnez", "$25,", BR_NE, false, false, 25, 0 },
	{ "beqzl", "$30,", BR_EQ, true, false, 30, 0 },
	{ "bnezl", "$1,", BR_NE, true, false, 1, 0 },
	{ "beq", "$31, $2,", BR_EQ, false, false, 31, 2 },
	{ "blez", "$0,", BR_LEZ, false, false, 0, 0 },
};

static void check_branch(const struct insn *in, const struct branch_case *c,
			 int64_t offset)
{
	expect_eq(in->kind, INSN_BRANCH);
	expect_eq(in->cond, c->cond);
	expect_eq(in->likely, c->likely);
	expect_eq(in->link, c->link);
	if (c->link)
		expect_eq(in->link_reg, 31);
	expect_eq(in->rs, c->rs);
	if (c->cond == BR_EQ || c->cond == BR_NE)
		expect_eq(in->rt, c->rt);
	expect_eq(in->offset, offset);
}

/* Every branch, each to "back" (word 0) and to "fwd" (word n). */
static void test_branch_decode(void **state)
{
	enum { NC = ARRAY_SIZE(branches), N = 2 * NC };
	char text[N][64];
	const char *lines[N];
	const uint32_t *w;
	size_t i;

	for (i = 0; i < N; i++) {
		snprintf(text[i], sizeof(text[i]), "%s %s %s", branches[i / 2].mnemonic,
			 branches[i / 2].ops, (i & 1) ? "fwd" : "back");
		lines[i] = text[i];
	}
	w = assemble_lines(lines, N);
	for (i = 0; i < N; i++) {
		struct insn in = decode(w[i]);
		/* relative to the delay slot, word i + 1 */
		int64_t want = (i & 1) ? 4 * ((int64_t)N - (int64_t)i - 1)
				       : -4 * ((int64_t)i + 1);

		CTX("%s (0x%08x)", lines[i], w[i]);
		check_branch(&in, &branches[i / 2], want);
	}
}

/* The smallest and largest 16-bit offsets, and small ones around 0. */
static void test_branch_offset_extremes(void **state)
{
	static const struct branch_case beq = { "beq", "", BR_EQ, false, false, 0, 0 };
	static const struct branch_case bne = { "bne", "", BR_NE, false, false, 1, 2 };
	static const struct branch_case bgezl = { "", "", BR_GEZ, true, false, 3, 0 };
	static const struct branch_case bltzal = { "", "", BR_LTZ, false, true, 4, 0 };
	struct insn in;

	/*
	 * word 0: top, 32767 words of nop; 32767: beq back by 0x8000 words
	 * from its slot; 32768: nop; 32769: bne forward by 0x7fff words from
	 * its slot 32770, to end = 65537; then a branch to itself (-1 word)
	 * and one to its own delay slot (0).
	 */
	build("top:\n"
	      "\t.fill 32767, 4, 0\n"
	      "\tbeq $0, $0, top\n"
	      "\tnop\n"
	      "\tbne $1, $2, end\n"
	      "\tnop\n"
	      "\t.fill 32766, 4, 0\n"
	      "end:\n"
	      "self:\tbgezl $3, self\n"
	      "\tbltzal $4, slot\n"
	      "slot:\tnop\n", 0);
	expect_words(65540);

	expect_eq(fx.w[32767] & 0xffff, 0x8000);
	in = decode(fx.w[32767]);
	check_branch(&in, &beq, -131072);
	expect_eq(fx.w[32769] & 0xffff, 0x7fff);
	in = decode(fx.w[32769]);
	check_branch(&in, &bne, 131068);
	in = decode(fx.w[65537]);
	check_branch(&in, &bgezl, -4);
	in = decode(fx.w[65538]);
	check_branch(&in, &bltzal, 0);
}

/* ---- jumps: decoding ---- */

static void test_j_jal_decode(void **state)
{
	static const struct {
		const char *line;
		bool link;
		uint64_t index;
	} c[] = {
		{ "j 0x1234568", false, 0x1234568 },
		{ "j 0", false, 0 },
		{ "j 0x0ffffffc", false, 0x0ffffffc },
		{ "jal 0x4", true, 0x4 },
		{ "jal 0x0ffffffc", true, 0x0ffffffc },
		{ "jal 0x8000000", true, 0x8000000 },
	};
	const char *lines[ARRAY_SIZE(c)];
	const uint32_t *w;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++)
		lines[i] = c[i].line;
	w = assemble_lines(lines, ARRAY_SIZE(c));
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct insn in = decode(w[i]);

		CTX("%s", c[i].line);
		expect_eq(in.kind, INSN_JUMP);
		expect_eq(in.link, c[i].link);
		if (c[i].link)
			expect_eq(in.link_reg, 31);
		expect_false(in.likely);
		expect_eq(in.target_index, c[i].index);
	}
}

static void test_jr_jalr_decode(void **state)
{
	static const struct {
		const char *line;
		unsigned int rs;
		bool link;
		unsigned int link_reg;
	} c[] = {
		{ "jr $31", 31, false, 0 },
		{ "jr $4", 4, false, 0 },
		{ "jr $0", 0, false, 0 },
		{ "jalr $4", 4, true, 31 },
		{ "jalr $7, $4", 4, true, 7 },
		{ "jalr $31, $25", 25, true, 31 },
		{ "jalr $2, $3", 3, true, 2 },
		{ "jr.hb $31", 31, false, 0 },
		{ "jalr.hb $4", 4, true, 31 },
		{ "jalr.hb $9, $8", 8, true, 9 },
	};
	const char *lines[ARRAY_SIZE(c)];
	const uint32_t *w;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++)
		lines[i] = c[i].line;
	w = assemble_lines(lines, ARRAY_SIZE(c));
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct insn in = decode(w[i]);

		CTX("%s", c[i].line);
		expect_eq(in.kind, INSN_JUMP_REG);
		expect_eq(in.rs, c[i].rs);
		expect_eq(in.link, c[i].link);
		if (c[i].link)
			expect_eq(in.link_reg, c[i].link_reg);
		expect_false(in.likely);
	}
}

/* A decode leaves nothing of the previous one behind. */
static void test_decode_overwrites(void **state)
{
	static const char *const lines[] = { "jalr $7, $4", "nop", "beql $1, $2, back" };
	const uint32_t *w = assemble_lines(lines, ARRAY_SIZE(lines));
	struct insn in;

	memset(&in, 0xff, sizeof(in));
	insn_decode(w[0], &in);
	expect_eq(in.kind, INSN_JUMP_REG);
	insn_decode(w[1], &in);
	expect_eq(in.kind, INSN_OTHER);
	expect_eq(in.raw, 0);
	expect_false(in.link);
	expect_false(in.likely);
	insn_decode(w[2], &in);
	expect_eq(in.kind, INSN_BRANCH);
	expect_true(in.likely);
	expect_false(in.link);
	insn_decode(w[1], &in);
	expect_eq(in.kind, INSN_OTHER);
	expect_false(in.likely);
	expect_false(in.link);
}

/* ---- insn_branch_taken ---- */

/* Values for the compare-with-zero conditions, with their sign. */
static const struct {
	uint64_t v;
	int sign;               /* -1, 0, 1 */
} zvals[] = {
	{ 0, 0 },
	{ 1, 1 },
	{ UINT64_MAX, -1 },                             /* -1 */
	{ (uint64_t)INT64_MIN, -1 },
	{ (uint64_t)INT64_MAX, 1 },
	{ 0x0000000080000000ull, 1 },                   /* negative as 32 bits */
	{ 0x00000000ffffffffull, 1 },                   /* -1 as 32 bits */
	{ 0xffffffff00000000ull, -1 },                  /* 0 as 32 bits */
	{ 0x8000000000000001ull, -1 },
	{ 0x0000000100000000ull, 1 },
	{ 0x7fffffff00000000ull, 1 },
};

static bool cond_holds(enum branch_cond cond, int sign)
{
	switch (cond) {
	case BR_LEZ: return sign <= 0;
	case BR_GTZ: return sign > 0;
	case BR_LTZ: return sign < 0;
	case BR_GEZ: return sign >= 0;
	default: fail(); return false;
	}
}

/* Each line a compare-with-zero branch on $9; checked on every value. */
static void check_taken_zero(const char *const *lines, size_t n,
			     const enum branch_cond *conds)
{
	const uint32_t *w = assemble_lines(lines, n);
	uint64_t regs[32];
	size_t i, j, k;

	for (i = 0; i < n; i++) {
		struct insn in = decode(w[i]);

		expect_eq(in.kind, INSN_BRANCH);
		expect_eq(in.cond, conds[i]);
		expect_eq(in.rs, 9);
		for (k = 0; k < 2; k++) {
			junk_regs(regs);
			if (k)  /* the other registers with the opposite signs */
				for (j = 1; j < 32; j++)
					regs[j] = ~regs[j];
			for (j = 0; j < ARRAY_SIZE(zvals); j++) {
				regs[9] = zvals[j].v;
				CTX("%s with $9 = 0x%llx", lines[i],
					      (unsigned long long)zvals[j].v);
				expect_eq(insn_branch_taken(&in, regs),
						 cond_holds(conds[i], zvals[j].sign));
			}
		}
	}
}

static void test_taken_lez_gtz(void **state)
{
	static const char *const lines[] = {
		"blez $9, back", "bgtz $9, fwd", "blezl $9, fwd", "bgtzl $9, back",
	};
	static const enum branch_cond conds[] = { BR_LEZ, BR_GTZ, BR_LEZ, BR_GTZ };

	check_taken_zero(lines, ARRAY_SIZE(lines), conds);
}

static void test_taken_ltz_gez(void **state)
{
	static const char *const lines[] = {
		"bltz $9, back", "bgez $9, fwd", "bltzl $9, back", "bgezl $9, fwd",
		"bltzal $9, fwd", "bgezal $9, back", "bltzall $9, back",
		"bgezall $9, fwd",
	};
	static const enum branch_cond conds[] = {
		BR_LTZ, BR_GEZ, BR_LTZ, BR_GEZ, BR_LTZ, BR_GEZ, BR_LTZ, BR_GEZ,
	};

	check_taken_zero(lines, ARRAY_SIZE(lines), conds);
}

/* The zero-compare branches on $0 see 0. */
static void test_taken_zero_register(void **state)
{
	static const char *const lines[] = {
		"blez $0, back", "bgtz $0, back", "bltz $0, back", "bgez $0, back",
		"bal back", "b back",
	};
	static const bool want[] = { true, false, false, true, true, true };
	const uint32_t *w = assemble_lines(lines, ARRAY_SIZE(lines));
	uint64_t regs[32];
	size_t i;

	junk_regs(regs);
	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		struct insn in = decode(w[i]);

		CTX("%s", lines[i]);
		expect_eq(in.kind, INSN_BRANCH);
		expect_eq(insn_branch_taken(&in, regs), want[i]);
	}
}

static void test_taken_eq_ne(void **state)
{
	static const struct {
		uint64_t a, b;
	} pairs[] = {
		{ 0, 0 },
		{ 1, 1 },
		{ 1, 2 },
		{ 0, 0x0000000100000000ull },           /* differ in the upper half only */
		{ 0xffffffff00000005ull, 5 },
		{ (uint64_t)INT64_MIN, 0 },
		{ (uint64_t)INT64_MIN, (uint64_t)INT64_MIN },
		{ UINT64_MAX, UINT64_MAX },
		{ 0x00000000ffffffffull, UINT64_MAX },  /* equal as 32 bits */
		{ 0x8000000000000000ull, 0x0000000080000000ull },
		{ 0x123456789abcdef0ull, 0x123456789abcdef0ull },
	};
	static const char *const lines[] = {
		"beq $4, $5, back", "bne $4, $5, fwd", "beql $4, $5, fwd",
		"bnel $4, $5, back", "beq $5, $4, back", "bne $5, $4, back",
	};
	static const bool eq[] = { true, false, true, false, true, false };
	const uint32_t *w = assemble_lines(lines, ARRAY_SIZE(lines));
	uint64_t regs[32];
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		struct insn in = decode(w[i]);

		for (j = 0; j < ARRAY_SIZE(pairs); j++) {
			junk_regs(regs);
			regs[4] = pairs[j].a;
			regs[5] = pairs[j].b;
			CTX("%s with $4 = 0x%llx, $5 = 0x%llx", lines[i],
				      (unsigned long long)pairs[j].a,
				      (unsigned long long)pairs[j].b);
			expect_eq(insn_branch_taken(&in, regs),
					 (pairs[j].a == pairs[j].b) == eq[i]);
		}
	}
}

/* Comparisons of a register with itself and with $0. */
static void test_taken_eq_ne_special(void **state)
{
	static const struct {
		const char *line;
		int when;       /* 1: always taken, 0: never, 2: if $6 == 0, 3: if not */
	} c[] = {
		{ "beq $6, $6, back", 1 }, { "bne $6, $6, back", 0 },
		{ "beqz $6, back", 2 }, { "bnez $6, back", 3 },
		{ "beq $0, $6, back", 2 }, { "bnel $6, $0, fwd", 3 },
		{ "b back", 1 }, { "bnel $0, $0, back", 0 },
	};
	static const uint64_t vals[] = { 0, 1, UINT64_MAX, 0x100000000ull };
	const char *lines[ARRAY_SIZE(c)];
	const uint32_t *w;
	uint64_t regs[32];
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(c); i++)
		lines[i] = c[i].line;
	w = assemble_lines(lines, ARRAY_SIZE(c));
	junk_regs(regs);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct insn in = decode(w[i]);

		for (j = 0; j < ARRAY_SIZE(vals); j++) {
			bool zero = vals[j] == 0;

			regs[6] = vals[j];
			CTX("%s with $6 = 0x%llx", c[i].line, (unsigned long long)vals[j]);
			expect_eq(insn_branch_taken(&in, regs),
				  c[i].when == 1 || (c[i].when == 2 && zero) ||
				  (c[i].when == 3 && !zero));
		}
	}
}

static void test_taken_jumps_always(void **state)
{
	static const char *const lines[] = {
		"j 0x1000", "jal 0x2000", "jr $31", "jr $0", "jalr $4", "jalr $7, $4",
		"jr.hb $5",
	};
	const uint32_t *w = assemble_lines(lines, ARRAY_SIZE(lines));
	uint64_t zero[32] = { 0 }, junk[32], neg[32];
	size_t i;

	junk_regs(junk);
	for (i = 0; i < 32; i++)
		neg[i] = i ? (uint64_t)INT64_MIN : 0;
	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		struct insn in = decode(w[i]);

		CTX("%s", lines[i]);
		expect_true(in.kind == INSN_JUMP || in.kind == INSN_JUMP_REG);
		expect_true(insn_branch_taken(&in, zero));
		expect_true(insn_branch_taken(&in, junk));
		expect_true(insn_branch_taken(&in, neg));
	}
}

/* ---- insn_branch_target ---- */

static void test_target_branch(void **state)
{
	static const char *const lines[] = {
		"beq $4, $5, back",             /* word 0: to itself */
		"nop",
		"beq $4, $5, back",             /* word 2 */
		"nop",
		"bne $2, $3, fwd",              /* word 4 */
		"nop",
		"beq $4, $5, fwd",              /* word 6 */
		"bgezall $4, back",             /* word 7 */
		"nop",
	};
	enum { N = ARRAY_SIZE(lines) };
	static const struct {
		size_t word;
		bool fwd;
	} br[] = { { 0, false }, { 2, false }, { 4, true }, { 6, true }, { 7, false } };
	static const uint64_t bases[] = {
		0x0000000000400000ull, 0xffffffff80100000ull, 0x4000000000100000ull,
		0x00000000fffffff0ull,  /* fwd crosses 4 GiB */
		0x0000000100000000ull,
		0x9800000000200000ull,  /* xkphys */
		0xffffffffffff0000ull,
	};
	const uint32_t *w = assemble_lines(lines, N);
	uint64_t regs[32];
	size_t i, j;

	junk_regs(regs);
	for (i = 0; i < ARRAY_SIZE(br); i++) {
		struct insn in = decode(w[br[i].word]);

		expect_eq(in.kind, INSN_BRANCH);
		for (j = 0; j < ARRAY_SIZE(bases); j++) {
			uint64_t pc = bases[j] + 4 * br[i].word;
			uint64_t want = bases[j] + (br[i].fwd ? 4 * N : 0);

			CTX("%s at 0x%llx", lines[br[i].word],
				      (unsigned long long)pc);
			expect_eq(insn_branch_target(&in, pc, regs), want);
		}
	}

	/* the extremes of the offset */
	build("top:\n"
	      "\t.fill 32767, 4, 0\n"
	      "\tbeq $0, $0, top\n"
	      "\tnop\n"
	      "\tbne $1, $2, end\n"
	      "\tnop\n"
	      "\t.fill 32766, 4, 0\n"
	      "end:\n", 0);
	expect_words(65537);
	for (j = 0; j < ARRAY_SIZE(bases); j++) {
		struct insn back = decode(fx.w[32767]), fwd = decode(fx.w[32769]);
		uint64_t b = bases[j] + 0x100000;

		expect_eq(insn_branch_target(&back, b + 4 * 32767, regs), b);
		expect_eq(insn_branch_target(&fwd, b + 4 * 32769, regs),
				 b + 4 * 65537);
	}
}

/*
 * Links "nop; nop; nop; jmp1: j tgt; nop; tgt: jal tgt2; nop; tgt2: j tgt;
 * nop" with .text at base and checks each jump, at the address it was
 * linked at, against the target address nm reports.
 */
static void check_linked_jumps(uint64_t base, uint64_t want_jmp1)
{
	static const struct {
		const char *from, *to;
		bool link;
	} jumps[] = {
		{ "jmp1", "tgt", false },
		{ "tgt", "tgt2", true },
		{ "tgt2", "tgt", false },
	};
	uint64_t regs[32];
	size_t i;

	build("\tnop\n"
	      "\tnop\n"
	      "\tnop\n"
	      "jmp1:\tj tgt\n"
	      "\tnop\n"
	      "tgt:\tjal tgt2\n"
	      "\tnop\n"
	      "tgt2:\tj tgt\n"
	      "\tnop\n", base);
	expect_words(9);
	expect_eq(nm_lookup("__start"), base);
	expect_eq(nm_lookup("jmp1"), want_jmp1);

	junk_regs(regs);
	for (i = 0; i < ARRAY_SIZE(jumps); i++) {
		uint64_t from = nm_lookup(jumps[i].from), to = nm_lookup(jumps[i].to);
		struct insn in = decode(fx.w[(from - base) / 4]);

		CTX("%s at 0x%llx to %s at 0x%llx", jumps[i].from,
			      (unsigned long long)from, jumps[i].to,
			      (unsigned long long)to);
		expect_eq(in.kind, INSN_JUMP);
		expect_eq(in.link, jumps[i].link);
		expect_eq(in.target_index, to & 0x0ffffffc);
		expect_true(insn_branch_taken(&in, regs));
		expect_eq(insn_branch_target(&in, from, regs), to);
	}
}

/* A j whose delay slot is the first word of the next 256 MiB region. */
static void test_target_jump_region_crossing(void **state)
{
	check_linked_jumps(0x0ffffff0ull, 0x0ffffffcull);
	/* jmp1 at 0x0ffffffc jumps to 0x10000004: not in the region of pc */
	expect_eq(nm_lookup("tgt"), 0x10000004ull);
}

static void test_target_jump_xsseg(void **state)
{
	check_linked_jumps(0x4000000000100000ull, 0x400000000010000cull);
	check_linked_jumps(0x400000000ffffff0ull, 0x400000000ffffffcull);
	expect_eq(nm_lookup("tgt"), 0x4000000010000004ull);
}

static void test_target_jump_ckseg0(void **state)
{
	check_linked_jumps(0xffffffff80100000ull, 0xffffffff8010000cull);
	check_linked_jumps(0xffffffff8ffffff0ull, 0xffffffff8ffffffcull);
	expect_eq(nm_lookup("tgt"), 0xffffffff90000004ull);
}

/* j/jal from the object file, at chosen pcs (worked by hand). */
static void test_target_jump_by_hand(void **state)
{
	static const char *const lines[] = { "j 0x1234568", "jal 0x4", "j 0x0ffffffc" };
	static const struct {
		size_t word;
		uint64_t pc, want;
	} c[] = {
		{ 0, 0x0000000000400000ull, 0x0000000001234568ull },
		{ 0, 0x4000000000100000ull, 0x4000000001234568ull },
		{ 0, 0x4000000010000000ull, 0x4000000011234568ull },
		{ 0, 0x400000000ffffffcull, 0x4000000011234568ull },
		{ 0, 0xffffffff8ffffff8ull, 0xffffffff81234568ull },
		{ 1, 0x0ffffffcull, 0x10000004ull },
		{ 1, 0xffffffff8ffffffcull, 0xffffffff90000004ull },
		{ 1, 0xfffffffffffffff8ull, 0xfffffffff0000004ull },
		{ 2, 0x9800000000000000ull, 0x980000000ffffffcull },
		{ 2, 0x980000001ffffffcull, 0x980000002ffffffcull },
	};
	const uint32_t *w = assemble_lines(lines, ARRAY_SIZE(lines));
	uint64_t regs[32];
	size_t i;

	junk_regs(regs);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct insn in = decode(w[c[i].word]);

		CTX("%s at 0x%llx", lines[c[i].word],
			      (unsigned long long)c[i].pc);
		expect_eq(in.kind, INSN_JUMP);
		expect_eq(insn_branch_target(&in, c[i].pc, regs), c[i].want);
	}
}

static void test_target_jump_reg(void **state)
{
	static const char *const lines[] = {
		"jr $4", "jalr $7, $4", "jalr $4", "jr $31", "jr.hb $31",
		"jalr $31, $25", "jr $0",
	};
	static const unsigned int src[] = { 4, 4, 4, 31, 31, 25, 0 };
	static const uint64_t vals[] = {
		0xffffffff80123456ull, 0x4000000000100020ull, 0x0000000000400000ull,
		0x9800000000000000ull, 1, UINT64_MAX,
	};
	static const uint64_t pcs[] = { 0xffffffff80001000ull, 0x0ffffffcull, 0 };
	const uint32_t *w = assemble_lines(lines, ARRAY_SIZE(lines));
	uint64_t regs[32];
	size_t i, j, k;

	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		struct insn in = decode(w[i]);

		expect_eq(in.kind, INSN_JUMP_REG);
		for (j = 0; j < ARRAY_SIZE(vals); j++)
			for (k = 0; k < ARRAY_SIZE(pcs); k++) {
				junk_regs(regs);
				if (src[i])
					regs[src[i]] = vals[j];
				regs[7] = 0x1111111111111110ull;
				CTX("%s with $%u = 0x%llx", lines[i], src[i],
					      (unsigned long long)vals[j]);
				expect_true(insn_branch_taken(&in, regs));
				expect_eq(insn_branch_target(&in, pcs[k], regs),
						 src[i] ? vals[j] : 0);
			}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mfc0),
		cmocka_unit_test(test_dmfc0),
		cmocka_unit_test(test_mtc0),
		cmocka_unit_test(test_dmtc0),
		cmocka_unit_test(test_tlb_ops),
		cmocka_unit_test(test_eret_wait),
		cmocka_unit_test(test_di_ei),
		cmocka_unit_test(test_hypercall),
		cmocka_unit_test(test_cop0_reserved),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_rdhwr),
		cmocka_unit_test(test_loads_stores),
		cmocka_unit_test(test_other_instructions),
		cmocka_unit_test(test_branch_decode),
		cmocka_unit_test(test_branch_offset_extremes),
		cmocka_unit_test(test_j_jal_decode),
		cmocka_unit_test(test_jr_jalr_decode),
		cmocka_unit_test(test_decode_overwrites),
		cmocka_unit_test(test_taken_lez_gtz),
		cmocka_unit_test(test_taken_ltz_gez),
		cmocka_unit_test(test_taken_zero_register),
		cmocka_unit_test(test_taken_eq_ne),
		cmocka_unit_test(test_taken_eq_ne_special),
		cmocka_unit_test(test_taken_jumps_always),
		cmocka_unit_test(test_target_branch),
		cmocka_unit_test(test_target_jump_region_crossing),
		cmocka_unit_test(test_target_jump_xsseg),
		cmocka_unit_test(test_target_jump_ckseg0),
		cmocka_unit_test(test_target_jump_by_hand),
		cmocka_unit_test(test_target_jump_reg),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
