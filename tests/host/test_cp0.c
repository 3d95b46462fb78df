/*
 * Host unit tests for vcpu/cp0.c: reset state, write masks, read-only bits,
 * mfc0/dmfc0 sign extension, unimplemented registers, Count/Compare and
 * the timer, Random, the TLB-fault and eret helpers.
 *
 * The oracle is QEMU 7.2's MIPS64R2-generic (target/mips/cpu-defs.c.inc,
 * tcg/translate.c, tcg/sysemu/cp0_helper.c, sysemu/cp0_timer.c, cpu.c):
 * the expected values below are written out from those sources, not
 * computed with the module's own masks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tests/host/helpers.h"

#include "vcpu/cp0.h"

/* MIPS64R2-generic's identity (cpu-defs.c.inc), little-endian. */
#define PRID    0x00010000u
#define CONFIG0 (0x80000000u | 2u /* K0 */ | 1u << 10 /* AR */ | \
		 2u << 13 /* AT */ | 1u << 7 /* MT R4000 */)
#define CONFIG1 (0x80000000u | 63u << 25 | 2u << 22 | 4u << 19 | 3u << 16 | \
		 2u << 13 | 4u << 10 | 3u << 7 | 1u << 4 | 1u << 3 | 1u << 1 | 1u)
#define CONFIG2 0x80000000u
#define CONFIG3 0x00000080u     /* LPA */

static const struct cp0_identity ident = {
	.prid = PRID,
	.config = { CONFIG0, CONFIG1, CONFIG2, CONFIG3 },
	.tlb_entries = 64,
};

#define VCPU_ID 3
#define T0      1000u           /* real Count at reset */
#define ONES    0xffffffffffffffffull

static struct cp0 c;

static int setup(void **state)
{
	cp0_reset(&c, &ident, VCPU_ID, T0);
	return 0;
}

/* mfc0 (is64 false) or dmfc0 of an implemented register. */
static uint64_t rd(unsigned int reg, unsigned int sel, bool is64)
{
	uint64_t v = 0x5a5a;

	assert_true(cp0_read(&c, reg, sel, is64, T0, &v));
	return v;
}

static uint64_t mfc0(unsigned int reg, unsigned int sel)
{
	return rd(reg, sel, false);
}

static uint64_t dmfc0(unsigned int reg, unsigned int sel)
{
	return rd(reg, sel, true);
}

static void mtc0(unsigned int reg, unsigned int sel, uint64_t val)
{
	cp0_write(&c, reg, sel, false, T0, val);
}

static void dmtc0(unsigned int reg, unsigned int sel, uint64_t val)
{
	cp0_write(&c, reg, sel, true, T0, val);
}

/* --- reset --- */

static void test_reset_identity(void **state)
{
	assert_int_equal(CONFIG0, 0x80004482);
	assert_int_equal(CONFIG1, 0xfea3519b);
	assert_int_equal(mfc0(15, 0), PRID);
	assert_int_equal(mfc0(16, 0), 0xffffffff80004482ull);
	assert_int_equal(mfc0(16, 1), 0xfffffffffea3519bull);
	assert_int_equal(mfc0(16, 2), 0xffffffff80000000ull);
	assert_int_equal(mfc0(16, 3), CONFIG3);
}

static void test_reset_state_at_kernel_entry(void **state)
{
	assert_int_equal(mfc0(12, 0), 0x00400000);       /* BEV only */
	assert_int_equal(mfc0(13, 0), 0);
	assert_int_equal(mfc0(0, 0), 0);                 /* Index */
	assert_int_equal(mfc0(6, 0), 0);                 /* Wired */
	assert_int_equal(mfc0(10, 0), 0);                /* EntryHi */
	assert_int_equal(mfc0(5, 0), 0);                 /* PageMask */
	assert_int_equal(mfc0(11, 0), 0);                /* Compare */
	assert_int_equal(mfc0(12, 1), 0xffffffffe0000000ull);  /* IntCtl IPTI 7 */
	assert_int_equal(dmfc0(15, 1), 0xffffffff80000000ull | VCPU_ID);
	assert_int_equal(mfc0(23, 0), 0x02008000);       /* Debug CNT, VER 1 */
	assert_int_equal(dmfc0(19, 0), 0xffffffff80000000ull);  /* WatchHi0.M */
	assert_int_equal(dmfc0(19, 6), 0xffffffff80000000ull);
	assert_int_equal(dmfc0(19, 7), 0);
	assert_int_equal(dmfc0(30, 0), 0);               /* ErrorEPC */
	assert_int_equal(mfc0(9, 0), 1);                 /* Count = 1 at reset */
}

static void test_reset_config0_k0_is_uncached(void **state)
{
	struct cp0_identity k0_cached = ident;

	k0_cached.config[0] = (CONFIG0 & ~7u) | 3;
	cp0_reset(&c, &k0_cached, 0, T0);
	assert_int_equal(mfc0(16, 0) & 7, 2);
}

/* --- write masks and read-only bits --- */

static void test_status_mask(void **state)
{
	mtc0(12, 0, ONES);
	assert_int_equal(mfc0(12, 0), 0x36fbffff);      /* CU3 CU2 RP MX bit18 stay 0 */
	mtc0(12, 0, 0);
	assert_int_equal(mfc0(12, 0), 0);
}

static void test_cause_mask(void **state)
{
	c.cause = 0x80000000u | 0x40000000u | 0x8000u | (10u << 2);  /* BD TI IP7 RI */
	mtc0(13, 0, 0);
	assert_int_equal(mfc0(13, 0), 0xffffffffc0008028ull);
	c.cause = 0;
	mtc0(13, 0, ONES);
	/* IP1:0, WP, IV, DC (cpu_mips_store_cause, R2) */
	assert_int_equal(mfc0(13, 0), 0x08c00300);
}

static void test_entryhi_mask_and_sign_extension(void **state)
{
	dmtc0(10, 0, ONES);
	assert_int_equal(dmfc0(10, 0), 0xc00003ffffffe0ffull);
	assert_int_equal(mfc0(10, 0), 0xffffffffffffe0ffull);
	mtc0(10, 0, 0x0000040000002000ull);             /* bit 42: beyond SEGBITS */
	assert_int_equal(dmfc0(10, 0), 0x2000);
	mtc0(10, 0, 0x1fff);                            /* 12:8 are not writable */
	assert_int_equal(dmfc0(10, 0), 0xff);
}

static void test_entrylo_mask(void **state)
{
	mtc0(2, 0, ONES);
	dmtc0(3, 0, ONES);
	assert_int_equal(dmfc0(2, 0), 0x3fffffff);      /* PFN 29:6 (PABITS 36) C D V G */
	assert_int_equal(dmfc0(3, 0), 0x3fffffff);
	assert_int_equal(mfc0(2, 0), 0x3fffffff);
}

static void test_context_ptebase_only(void **state)
{
	cp0_set_tlb_fault(&c, 0x12345678);
	dmtc0(4, 0, ONES);
	assert_int_equal(dmfc0(4, 0), 0xffffffffff800000ull | 0x91a20);
	dmtc0(4, 0, 0);
	assert_int_equal(dmfc0(4, 0), 0x91a20);
}

static void test_xcontext_ptebase_only(void **state)
{
	dmtc0(20, 0, ONES);
	assert_int_equal(dmfc0(20, 0), 0xfffffff800000000ull);  /* 63:35 */
	assert_int_equal(mfc0(20, 0), 0);
}

static void test_pagemask_valid_sizes(void **state)
{
	static const uint32_t masks[] = {       /* 4K, 16K, ..., 256M */
		0x0, 0x6000, 0x1e000, 0x7e000, 0x1fe000, 0x7fe000,
		0x1ffe000, 0x7ffe000, 0x1fffe000,
	};
	size_t i;

	for (i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		mtc0(5, 0, masks[i]);
		assert_int_equal(mfc0(5, 0), masks[i]);
	}
	mtc0(5, 0, 0x2000);             /* one bit: refused, as the bare machine shows */
	assert_int_equal(mfc0(5, 0), 0);
	mtc0(5, 0, ONES);               /* only bits 28:13 count */
	assert_int_equal(mfc0(5, 0), 0x1fffe000);
}

static void test_pagemask_invalid_gives_4k(void **state)
{
	mtc0(5, 0, 0x6000);
	mtc0(5, 0, 0xa000);             /* 101: a zero below a one */
	assert_int_equal(mfc0(5, 0), 0);
	mtc0(5, 0, 0x6000);
	mtc0(5, 0, 0x4000);
	assert_int_equal(mfc0(5, 0), 0);
}

static void test_wired_modulo(void **state)
{
	mtc0(6, 0, 5);
	assert_int_equal(mfc0(6, 0), 5);
	mtc0(6, 0, 64);
	assert_int_equal(mfc0(6, 0), 0);
	mtc0(6, 0, 70);
	assert_int_equal(mfc0(6, 0), 6);
}

static void test_index_range_and_sticky_p(void **state)
{
	mtc0(0, 0, 5);
	assert_int_equal(mfc0(0, 0), 5);
	mtc0(0, 0, 64);                 /* beyond the TLB: ignored */
	assert_int_equal(mfc0(0, 0), 5);
	c.index = CP0_INDEX_P | 3;      /* as a failed tlbp leaves it */
	mtc0(0, 0, 7);                  /* P stays before R6 */
	assert_int_equal(mfc0(0, 0), 0xffffffff80000007ull);
	assert_int_equal(dmfc0(0, 0), 0xffffffff80000007ull);
	mtc0(0, 0, 0x80000009);         /* P is not writable */
	assert_int_equal(mfc0(0, 0), 0xffffffff80000009ull);
}

static void test_hwrena_mask(void **state)
{
	mtc0(7, 0, ONES);
	assert_int_equal(mfc0(7, 0), 0xf);              /* no ULR: Config3.ULRI = 0 */
}

static void test_ebase(void **state)
{
	mtc0(15, 1, 0x12345678);        /* WG = 0: bits 63:30 stay */
	assert_int_equal(dmfc0(15, 1), 0xffffffff92345000ull | VCPU_ID);
	mtc0(15, 1, 0x3ff);             /* CPUNum is read-only */
	assert_int_equal(dmfc0(15, 1) & 0x3ff, VCPU_ID);
	dmtc0(15, 1, 0x9800000012345800ull);    /* WG = 1: 63:30 writable */
	assert_int_equal(dmfc0(15, 1), 0x9800000012345800ull | VCPU_ID);
	assert_int_equal(mfc0(15, 1), 0x12345800 | VCPU_ID);
}

static void test_config_writes(void **state)
{
	mtc0(16, 0, ONES);
	assert_int_equal(mfc0(16, 0) & 0xffffffff, 0x80004487);    /* K0 only */
	mtc0(16, 0, 0);
	assert_int_equal(mfc0(16, 0) & 0xffffffff, 0x80004480);
	mtc0(16, 1, 0);
	mtc0(16, 2, 0);
	mtc0(16, 3, ONES);
	assert_int_equal(mfc0(16, 1) & 0xffffffff, CONFIG1);
	assert_int_equal(mfc0(16, 2) & 0xffffffff, CONFIG2);
	assert_int_equal(mfc0(16, 3), CONFIG3);
}

static void test_config4_to_7_read_zero(void **state)
{
	unsigned int sel;

	for (sel = 4; sel < 8; sel++) {
		mtc0(16, sel, ONES);
		assert_int_equal(mfc0(16, sel), 0);
	}
}

static void test_debug_mask(void **state)
{
	mtc0(23, 0, ONES);
	/* (Debug & 0x8c03fc1f) | (val & 0x13300120), DM from val */
	assert_int_equal(mfc0(23, 0), 0x53308120);
	mtc0(23, 0, 0);
	assert_int_equal(mfc0(23, 0), 0x00008000);
}

static void test_watch_registers(void **state)
{
	mtc0(18, 0, ONES);
	assert_int_equal(dmfc0(18, 0), 0xfffffffffffffff8ull);
	mtc0(18, 7, 0x1234567f);
	assert_int_equal(dmfc0(18, 7), 0x12345678);
	mtc0(19, 0, ONES);
	assert_int_equal(dmfc0(19, 0), 0xffffffffc0ff0ff8ull);
	mtc0(19, 0, 0);
	assert_int_equal(dmfc0(19, 0), 0xffffffff80000000ull);     /* M stays */
	mtc0(19, 7, ONES);
	assert_int_equal(dmfc0(19, 7), 0x40ff0ff8);
}

static void test_other_32bit_masks(void **state)
{
	mtc0(12, 1, ONES);
	assert_int_equal(mfc0(12, 1), 0xffffffffe00003e0ull);  /* IntCtl VS */
	mtc0(12, 2, ONES);
	assert_int_equal(mfc0(12, 2), 0xf3c0);                 /* SRSCtl ESS PSS */
	mtc0(12, 3, ONES);
	assert_int_equal(mfc0(12, 3), ONES);                   /* SRSMap */
	mtc0(26, 0, ONES);
	assert_int_equal(mfc0(26, 0), 0x30000000);             /* ErrCtl */
	mtc0(25, 0, ONES);
	assert_int_equal(mfc0(25, 0), 0x7ff);                  /* PerfCtl0 */
	mtc0(28, 0, ONES);
	assert_int_equal(dmfc0(28, 6), 0xfffffffffffffcf6ull); /* TagLo, any even sel */
	mtc0(28, 1, 0x7fffffff);
	assert_int_equal(dmfc0(28, 7), 0x7fffffff);            /* DataLo */
	mtc0(29, 2, 0x80000000);
	assert_int_equal(dmfc0(29, 0), 0xffffffff80000000ull); /* TagHi */
	mtc0(31, 0, 0x1234567887654321ull);
	assert_int_equal(dmfc0(31, 0), 0xffffffff87654321ull); /* DESAVE */
	mtc0(21, 0, 0xabcdef01);
	assert_int_equal(mfc0(21, 0), 0xffffffffabcdef01ull);  /* Framemask */
}

static void test_read_only_registers(void **state)
{
	cp0_set_tlb_fault(&c, 0x4000);
	c.lladdr = 0x1000;
	mtc0(8, 0, 0x1234);
	mtc0(15, 0, 0);
	mtc0(1, 0, 0);
	mtc0(17, 0, 0x5000);
	assert_int_equal(dmfc0(8, 0), 0x4000);
	assert_int_equal(mfc0(15, 0), PRID);
	assert_int_equal(dmfc0(17, 0), 0x1000);
}

/* --- what the CPU does not have --- */

static void test_unimplemented_read_all_ones(void **state)
{
	static const unsigned int absent[][2] = {
		{ 4, 2 },       /* UserLocal: Config3.ULRI = 0 */
		{ 0, 1 }, { 0, 4 }, { 1, 1 }, { 2, 1 }, { 3, 1 }, { 4, 1 }, { 4, 3 },
		{ 5, 2 }, { 8, 1 }, { 8, 3 }, { 9, 6 }, { 9, 7 }, { 10, 1 },
		{ 11, 6 }, { 12, 4 }, { 13, 1 }, { 14, 1 }, { 15, 2 }, { 15, 3 },
		{ 17, 1 }, { 20, 1 }, { 21, 1 }, { 23, 1 }, { 24, 1 }, { 25, 1 },
		{ 26, 1 }, { 27, 1 }, { 30, 1 }, { 31, 1 }, { 31, 2 }, { 31, 7 },
	};
	struct cp0 before;
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		v = 0;
		assert_false(cp0_read(&c, absent[i][0], absent[i][1], false, T0, &v));
		assert_int_equal(v, ONES);
		v = 0;
		assert_false(cp0_read(&c, absent[i][0], absent[i][1], true, T0, &v));
		assert_int_equal(v, ONES);
		memcpy(&before, &c, sizeof(c));
		mtc0(absent[i][0], absent[i][1], 0x1234);
		dmtc0(absent[i][0], absent[i][1], 0x1234);
		assert_memory_equal(&before, &c, sizeof(c));
		assert_false(cp0_raises_ri(absent[i][0], absent[i][1]));
	}
}

static void test_page_walker_registers_raise_ri(void **state)
{
	static const unsigned int ri[][2] = { { 5, 5 }, { 5, 6 }, { 5, 7 }, { 6, 6 } };
	struct cp0 before;
	uint64_t v;

	assert_true(cp0_raises_ri(5, 5));
	assert_true(cp0_raises_ri(5, 6));
	assert_true(cp0_raises_ri(5, 7));
	assert_true(cp0_raises_ri(6, 6));
	assert_false(cp0_raises_ri(5, 4));
	assert_false(cp0_raises_ri(6, 5));
	assert_false(cp0_raises_ri(6, 7));
	/* cp0_read and cp0_write find none of them (they rely on it) */
	for (size_t i = 0; i < sizeof(ri) / sizeof(ri[0]); i++) {
		v = 0;
		assert_false(cp0_read(&c, ri[i][0], ri[i][1], true, T0, &v));
		assert_int_equal(v, ONES);
		memcpy(&before, &c, sizeof(c));
		dmtc0(ri[i][0], ri[i][1], 0x1234);
		assert_memory_equal(&before, &c, sizeof(c));
	}
}

static void test_registers_reading_zero(void **state)
{
	unsigned int sel;

	for (sel = 0; sel < 8; sel++) {
		mtc0(22, sel, ONES);
		assert_int_equal(mfc0(22, sel), 0);     /* Diagnostic */
	}
	assert_int_equal(mfc0(27, 0), 0);               /* CacheErr */
	mtc0(5, 1, ONES);
	assert_int_equal(mfc0(5, 1), 0);                /* PageGrain */
	for (sel = 1; sel <= 5; sel++)
		assert_int_equal(mfc0(6, sel), 0);      /* SRSConf0-4 */
}

/* --- 64-bit registers: mtc0 keeps all 64 bits, mfc0 sign-extends --- */

static void test_epc_family_64bit(void **state)
{
	static const unsigned int regs[][2] = { { 14, 0 }, { 30, 0 }, { 24, 0 } };
	size_t i;

	for (i = 0; i < 3; i++) {
		mtc0(regs[i][0], regs[i][1], 0x9000000012345678ull);
		assert_int_equal(dmfc0(regs[i][0], regs[i][1]), 0x9000000012345678ull);
		assert_int_equal(mfc0(regs[i][0], regs[i][1]), 0x12345678);
		dmtc0(regs[i][0], regs[i][1], 0x80000000);
		assert_int_equal(mfc0(regs[i][0], regs[i][1]), 0xffffffff80000000ull);
		assert_int_equal(dmfc0(regs[i][0], regs[i][1]), 0x80000000);
	}
}

/* --- Count, Compare, the timer --- */

static void test_count_runs_and_rebases(void **state)
{
	uint64_t v;

	assert_int_equal(cp0_count(&c, T0 + 100), 101);
	cp0_write(&c, 9, 0, false, T0 + 100, 0xfffffff0);
	assert_int_equal(cp0_count(&c, T0 + 100), 0xfffffff0);
	assert_int_equal(cp0_count(&c, T0 + 120), 4);
	assert_true(cp0_read(&c, 9, 0, false, T0 + 100, &v));
	assert_int_equal(v, 0xfffffffffffffff0ull);     /* int32, sign-extended */
}

static void test_count_stopped_by_dc(void **state)
{
	cp0_write(&c, 13, 0, false, T0 + 10, CP0_CAUSE_DC);
	assert_int_equal(cp0_count(&c, T0 + 500), 11);
	cp0_write(&c, 9, 0, false, T0 + 600, 50);       /* stays stopped */
	assert_int_equal(cp0_count(&c, T0 + 700), 50);
	cp0_write(&c, 13, 0, false, T0 + 1000, 0);
	assert_int_equal(cp0_count(&c, T0 + 1000), 50);
	assert_int_equal(cp0_count(&c, T0 + 1007), 57);
}

static bool timer_pending(void)
{
	return (c.cause & (CP0_CAUSE_TI | CP0_CAUSE_IP_TIMER)) ==
	       (CP0_CAUSE_TI | CP0_CAUSE_IP_TIMER);
}

static void test_timer_fires_when_reached(void **state)
{
	cp0_write(&c, 11, 0, false, T0, 1 + 10);        /* Count is 1 */
	cp0_timer_update(&c, T0 + 9);
	assert_false(timer_pending());
	cp0_timer_update(&c, T0 + 10);
	assert_true(timer_pending());
	assert_int_equal(mfc0(13, 0), 0x40008000);
}

static void test_timer_fires_when_passed_between_updates(void **state)
{
	cp0_write(&c, 11, 0, false, T0, 100);
	cp0_timer_update(&c, T0 + 50);
	assert_false(timer_pending());
	cp0_timer_update(&c, T0 + 5000);
	assert_true(timer_pending());
}

static void test_compare_write_clears_timer(void **state)
{
	c.cause |= CP0_CAUSE_TI | CP0_CAUSE_IP_TIMER | 0x100;
	cp0_write(&c, 11, 0, false, T0, 12345);
	assert_int_equal(c.cause, 0x100);
	assert_int_equal(mfc0(11, 0), 12345);
}

static void test_timer_wraps(void **state)
{
	cp0_write(&c, 9, 0, false, T0, 0xfffffff0);
	cp0_write(&c, 11, 0, false, T0, 5);
	cp0_timer_update(&c, T0 + 0x10);                /* Count 0 */
	assert_false(timer_pending());
	cp0_timer_update(&c, T0 + 0x14);                /* Count 4 */
	assert_false(timer_pending());
	cp0_timer_update(&c, T0 + 0x16);                /* Count 6 */
	assert_true(timer_pending());
}

static void test_timer_compare_equal_to_count_fires(void **state)
{
	uint32_t now = cp0_count(&c, T0 + 40);

	/* QEMU arms its timer with a zero wait: it fires at once. */
	cp0_write(&c, 11, 0, false, T0 + 40, now);
	cp0_timer_update(&c, T0 + 40);
	assert_true(timer_pending());
	c.cause = 0;
	cp0_timer_update(&c, T0 + 41);
	assert_false(timer_pending());
}

static void test_timer_not_after_firing_until_wrap(void **state)
{
	cp0_write(&c, 11, 0, false, T0, 10);
	cp0_timer_update(&c, T0 + 20);
	assert_true(timer_pending());
	c.cause = 0;                                    /* as if acknowledged */
	cp0_timer_update(&c, T0 + 30);
	cp0_timer_update(&c, T0 + 0x80000000u);
	assert_false(timer_pending());
	cp0_timer_update(&c, T0 + 9);                   /* wrapped past 10 again */
	assert_true(timer_pending());
}

static void test_timer_silent_while_stopped(void **state)
{
	cp0_write(&c, 11, 0, false, T0, 3);
	cp0_write(&c, 13, 0, false, T0, CP0_CAUSE_DC);
	cp0_timer_update(&c, T0 + 100);
	assert_false(timer_pending());
	cp0_write(&c, 9, 0, false, T0 + 100, 3);        /* Count = Compare, stopped */
	cp0_timer_update(&c, T0 + 200);
	assert_false(timer_pending());
	cp0_write(&c, 13, 0, false, T0 + 300, 0);       /* restarts at Compare */
	cp0_timer_update(&c, T0 + 300);
	assert_true(timer_pending());
}

static void test_reading_cause_or_count_updates_timer(void **state)
{
	uint64_t v;

	cp0_write(&c, 11, 0, false, T0, 20);
	assert_true(cp0_read(&c, 13, 0, false, T0 + 30, &v));
	assert_int_equal(v, 0x40008000);
	cp0_write(&c, 11, 0, false, T0 + 30, 60);
	assert_true(cp0_read(&c, 9, 0, false, T0 + 70, &v));
	assert_true(timer_pending());
}

static void test_ticks_to_compare(void **state)
{
	cp0_write(&c, 11, 0, false, T0, 101);
	assert_int_equal(cp0_ticks_to_compare(&c, T0), 100);
	assert_int_equal(cp0_ticks_to_compare(&c, T0 + 99), 1);
	assert_int_equal(cp0_ticks_to_compare(&c, T0 + 100), 1ull << 32);
	assert_int_equal(cp0_ticks_to_compare(&c, T0 + 101), 0xffffffffull);
	cp0_write(&c, 9, 0, false, T0, 0xffffff00);
	cp0_write(&c, 11, 0, false, T0, 0x10);
	assert_int_equal(cp0_ticks_to_compare(&c, T0), 0x110);
	cp0_write(&c, 13, 0, false, T0, CP0_CAUSE_DC);
	assert_int_equal(cp0_ticks_to_compare(&c, T0), 1ull << 32);
}

/* --- Random --- */

static void test_random_range_and_no_repeat(void **state)
{
	unsigned int prev = 99, r, i, seen_low = 0;

	for (i = 0; i < 2000; i++) {
		r = cp0_random(&c);
		assert_true(r < 64);
		assert_int_not_equal(r, prev);
		seen_low |= r < 8;
		prev = r;
	}
	assert_true(seen_low);
	mtc0(6, 0, 10);
	for (i = 0; i < 2000; i++) {
		r = (unsigned int)mfc0(1, 0);
		assert_true(r >= 10 && r < 64);
	}
}

static void test_random_with_one_free_entry(void **state)
{
	unsigned int i;

	mtc0(6, 0, 63);
	for (i = 0; i < 10; i++)
		assert_int_equal(cp0_random(&c), 63);
}

static void test_random_per_vcpu_reproducible(void **state)
{
	struct cp0 other;
	unsigned int i;

	cp0_reset(&other, &ident, 7, 0);
	for (i = 0; i < 100; i++)
		assert_int_equal(cp0_random(&c), cp0_random(&other));
}

/* --- exception helpers --- */

static void test_tlb_fault_registers(void **state)
{
	const uint64_t va = 0xffffffffc0123456ull;

	dmtc0(4, 0, 0xffffffffff800000ull);             /* PTEBase */
	dmtc0(20, 0, 0xfffffff800000000ull);
	mtc0(10, 0, 0x42);                              /* ASID */
	cp0_set_tlb_fault(&c, va);
	assert_int_equal(dmfc0(8, 0), va);
	assert_int_equal(dmfc0(4, 0), 0xffffffffff800000ull | 0x600910);
	assert_int_equal(dmfc0(10, 0), 0xc00003ffc0122042ull);
	assert_int_equal(mfc0(10, 0), 0xffffffffc0122042ull);
	assert_int_equal(dmfc0(20, 0), 0xfffffff800000000ull | 0x7ffe00910ull);
}

static void test_tlb_fault_xuseg(void **state)
{
	cp0_set_tlb_fault(&c, 0x0000012345678000ull);
	assert_int_equal(dmfc0(4, 0), 0x22b3c0);
	assert_int_equal(dmfc0(20, 0), 0x91a2b3c0);
	assert_int_equal(dmfc0(10, 0), 0x0000012345678000ull);
}

static void test_eret(void **state)
{
	c.status = CP0_ST_EXL | CP0_ST_ERL | CP0_ST_IE;
	c.epc = 0x1000;
	c.errorepc = 0x2000;
	c.lladdr = 0x8000;
	assert_int_equal(cp0_eret(&c), 0x2000);
	assert_int_equal(c.status, CP0_ST_EXL | CP0_ST_IE);
	assert_int_equal(cp0_eret(&c), 0x1000);
	assert_int_equal(c.status, CP0_ST_IE);
	assert_int_equal(mfc0(17, 0), 1);               /* LLAddr = 1 */
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_reset_identity),
		T(test_reset_state_at_kernel_entry),
		T(test_reset_config0_k0_is_uncached),
		T(test_status_mask),
		T(test_cause_mask),
		T(test_entryhi_mask_and_sign_extension),
		T(test_entrylo_mask),
		T(test_context_ptebase_only),
		T(test_xcontext_ptebase_only),
		T(test_pagemask_valid_sizes),
		T(test_pagemask_invalid_gives_4k),
		T(test_wired_modulo),
		T(test_index_range_and_sticky_p),
		T(test_hwrena_mask),
		T(test_ebase),
		T(test_config_writes),
		T(test_config4_to_7_read_zero),
		T(test_debug_mask),
		T(test_watch_registers),
		T(test_other_32bit_masks),
		T(test_read_only_registers),
		T(test_unimplemented_read_all_ones),
		T(test_page_walker_registers_raise_ri),
		T(test_registers_reading_zero),
		T(test_epc_family_64bit),
		T(test_count_runs_and_rebases),
		T(test_count_stopped_by_dc),
		T(test_timer_fires_when_reached),
		T(test_timer_fires_when_passed_between_updates),
		T(test_compare_write_clears_timer),
		T(test_timer_wraps),
		T(test_timer_compare_equal_to_count_fires),
		T(test_timer_not_after_firing_until_wrap),
		T(test_timer_silent_while_stopped),
		T(test_reading_cause_or_count_updates_timer),
		T(test_ticks_to_compare),
		T(test_random_range_and_no_repeat),
		T(test_random_with_one_free_entry),
		T(test_random_per_vcpu_reproducible),
		T(test_tlb_fault_registers),
		T(test_tlb_fault_xuseg),
		T(test_eret),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
