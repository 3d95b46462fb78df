/*
 * Host unit tests for vcpu/vtlb.c: tlbwi/tlbwr/tlbr/tlbp on the vCPU's CP0
 * registers and vtlb_translate, against QEMU 7.2's R4000 MMU for
 * MIPS64R2-generic (target/mips/tcg/sysemu/tlb_helper.c: r4k_fill_tlb,
 * r4k_helper_tlb*, r4k_map_address, r4k_invalidate_tlb's shadow entries).
 * Registers are set with cp0_write, so the mtc0 masks apply as on the CPU.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tests/host/helpers.h"

#include "vcpu/vtlb.h"

static const struct cp0_identity ident = {
	.prid = 0x00010000,
	.config = { 0x80004482, 0xfea3519b, 0x80000000, 0x00000080 },
	.tlb_entries = 64,
};

static struct cp0 c;
static struct vtlb t;

static int setup(void **state)
{
	cp0_reset(&c, &ident, 0, 0);
	vtlb_reset(&t, 64);
	return 0;
}

/* EntryLo: PFN (4K frame number), C, D, V, G. */
static uint64_t lo(uint64_t pfn, unsigned int cca, bool d, bool v, bool g)
{
	return pfn << 6 | cca << 3 | (uint64_t)d << 2 | (uint64_t)v << 1 | g;
}

static uint64_t rd(unsigned int reg, bool is64)
{
	uint64_t v;

	assert_true(cp0_read(&c, reg, 0, is64, 0, &v));
	return v;
}

static void wr(unsigned int reg, uint64_t val)
{
	cp0_write(&c, reg, 0, true, 0, val);
}

static void set_regs(uint64_t entryhi, uint64_t pagemask, uint64_t lo0, uint64_t lo1)
{
	wr(10, entryhi);
	wr(5, pagemask);
	wr(2, lo0);
	wr(3, lo1);
}

/* tlbwi of the given registers at index. */
static void tlbwi(unsigned int index, uint64_t entryhi, uint64_t pagemask,
		  uint64_t lo0, uint64_t lo1)
{
	set_regs(entryhi, pagemask, lo0, lo1);
	wr(0, index);
	vtlb_write(&t, &c, (unsigned int)c.index);
}

static void clobber_regs(void)
{
	set_regs(0x7777e000 | 0x99, 0x1fffe000, lo(0x55, 7, 1, 1, 1), lo(0x66, 7, 1, 1, 1));
}

static enum vtlb_result xlate(uint64_t va, uint8_t asid, bool store, struct vtlb_map *m)
{
	return vtlb_translate(&t, va, asid, store, m);
}

/* --- reset --- */

static void test_reset_entries_are_zero(void **state)
{
	struct vtlb_map m;
	unsigned int i;

	for (i = 0; i < 64; i++) {
		assert_int_equal(t.e[i].vpn2, 0);
		assert_int_equal(t.e[i].lo[0] | t.e[i].lo[1], 0);
		assert_false(t.e[i].g);
	}
	/* QEMU's zeroed TLB: every entry maps va 0..0x1fff under ASID 0, invalid */
	assert_int_equal(xlate(0x1000, 0, false, &m), VTLB_INVALID);
	assert_int_equal(m.index, 0);
	assert_int_equal(xlate(0x1000, 1, false, &m), VTLB_REFILL);
	assert_int_equal(m.index, -1);
	assert_int_equal(xlate(0x2000, 0, false, &m), VTLB_REFILL);
	vtlb_probe(&t, &c);                     /* EntryHi 0: entry 0 */
	assert_int_equal(c.index, 0);
}

/* --- tlbwi and tlbr --- */

static void test_tlbr_round_trip(void **state)
{
	tlbwi(5, 0x12346000 | 0x17, 0, lo(0x1234, 3, 1, 1, 1), lo(0x5678, 2, 0, 1, 1));
	clobber_regs();
	wr(0, 5);
	vtlb_read(&t, &c);
	assert_int_equal(rd(10, true), 0x12346000 | 0x17);
	assert_int_equal(rd(5, true), 0);
	assert_int_equal(rd(2, true), lo(0x1234, 3, 1, 1, 1));
	assert_int_equal(rd(3, true), lo(0x5678, 2, 0, 1, 1));
}

static void test_tlbr_g_needs_both_halves(void **state)
{
	tlbwi(1, 0x4000, 0, lo(1, 3, 1, 1, 1), lo(2, 3, 1, 1, 0));
	wr(0, 1);
	vtlb_read(&t, &c);
	assert_int_equal(rd(2, true) & 1, 0);
	assert_int_equal(rd(3, true) & 1, 0);
	tlbwi(1, 0x4000, 0, lo(1, 3, 1, 1, 0), lo(2, 3, 1, 1, 1));
	vtlb_read(&t, &c);
	assert_int_equal(rd(2, true) & 1, 0);
	tlbwi(1, 0x4000, 0, lo(1, 3, 1, 1, 1), lo(2, 3, 1, 1, 1));
	vtlb_read(&t, &c);
	assert_int_equal(rd(2, true) & 1, 1);
	assert_int_equal(rd(3, true) & 1, 1);
}

static void test_tlbr_replaces_current_asid(void **state)
{
	tlbwi(2, 0x8000 | 0x17, 0, 0, 0);
	wr(10, 0x33);
	wr(0, 2);
	vtlb_read(&t, &c);
	assert_int_equal(rd(10, true), 0x8000 | 0x17);
}

static void test_tlbr_pfn_cleared_below_page_size(void **state)
{
	/* 16K pages: PFN bits 1:0 are inside the page (r4k_fill_tlb) */
	tlbwi(3, 0x10000, 0x6000, lo(0x12347, 3, 1, 1, 0), lo(0x1234b, 3, 1, 1, 0));
	wr(0, 3);
	vtlb_read(&t, &c);
	assert_int_equal(rd(2, true), lo(0x12344, 3, 1, 1, 0));
	assert_int_equal(rd(3, true), lo(0x12348, 3, 1, 1, 0));
	assert_int_equal(rd(5, true), 0x6000);
}

static void test_tlbr_vpn2_kept_as_written(void **state)
{
	/* EntryHi bit 13 is inside a 16K pair; QEMU keeps it in the entry */
	tlbwi(4, 0x12000, 0x6000, lo(1, 3, 1, 1, 0), 0);
	wr(0, 4);
	vtlb_read(&t, &c);
	assert_int_equal(rd(10, true), 0x12000);
}

static void test_tlbwi_index_masking(void **state)
{
	set_regs(0xa000, 0, lo(9, 3, 1, 1, 0), 0);
	vtlb_write(&t, &c, CP0_INDEX_P | 3);    /* P is ignored */
	assert_int_equal(t.e[3].vpn2, 0xa000);
	set_regs(0xc000, 0, lo(9, 3, 1, 1, 0), 0);
	vtlb_write(&t, &c, 64 + 7);             /* modulo the TLB size */
	assert_int_equal(t.e[7].vpn2, 0xc000);
}

static void test_tlbwi_segbits_masking(void **state)
{
	struct vtlb_map m;

	tlbwi(6, 0xffffffffc0000000ull | 0x21, 0, lo(0x100, 3, 1, 1, 0), 0);
	assert_int_equal(t.e[6].vpn2, 0xc00003ffc0000000ull);
	assert_int_equal(xlate(0xffffffffc0000abcull, 0x21, false, &m), VTLB_HIT);
	assert_int_equal(m.pa, 0x100abc);
	wr(0, 6);
	vtlb_read(&t, &c);
	assert_int_equal(rd(10, true), 0xc00003ffc0000021ull);
	assert_int_equal(rd(10, false), 0xffffffffc0000021ull);
}

static void test_xuseg_entry(void **state)
{
	struct vtlb_map m;

	tlbwi(8, 0x0000030000004000ull | 1, 0, lo(0x222, 3, 1, 1, 0), lo(0x333, 3, 1, 1, 0));
	assert_int_equal(xlate(0x0000030000005008ull, 1, false, &m), VTLB_HIT);
	assert_int_equal(m.pa, 0x333008);
	assert_int_equal(xlate(0x0000010000005008ull, 1, false, &m), VTLB_REFILL);
}

/* --- tlbp --- */

static void test_tlbp_hit(void **state)
{
	tlbwi(9, 0x20000 | 5, 0, lo(1, 3, 1, 1, 0), 0);
	c.index = CP0_INDEX_P | 1;
	wr(10, 0x21000 | 5);                    /* same pair, other half */
	vtlb_probe(&t, &c);
	assert_int_equal(rd(0, false), 9);
}

static void test_tlbp_miss_keeps_index_bits(void **state)
{
	wr(0, 7);
	wr(10, 0x7654000 | 5);
	vtlb_probe(&t, &c);
	assert_int_equal(rd(0, false), 0xffffffff80000007ull);
	assert_int_equal(rd(0, true), 0xffffffff80000007ull);
}

static void test_tlbp_asid(void **state)
{
	tlbwi(10, 0x30000 | 5, 0, lo(1, 3, 1, 1, 0), 0);
	wr(0, 0);
	wr(10, 0x30000 | 6);
	vtlb_probe(&t, &c);
	assert_int_equal(c.index, CP0_INDEX_P);
	wr(10, 0x30000 | 5);
	vtlb_probe(&t, &c);
	assert_int_equal(c.index, 10);
}

static void test_tlbp_global(void **state)
{
	tlbwi(11, 0x40000 | 5, 0, lo(1, 3, 1, 1, 1), lo(2, 3, 1, 1, 1));
	wr(10, 0x40000 | 0xee);
	vtlb_probe(&t, &c);
	assert_int_equal(c.index, 11);
}

static void test_tlbp_first_match_and_mask(void **state)
{
	tlbwi(20, 0x200000, 0x1fe000, lo(0x400, 3, 1, 1, 1), lo(0x500, 3, 1, 1, 1));
	tlbwi(30, 0x350000, 0, lo(1, 3, 1, 1, 1), lo(2, 3, 1, 1, 1));
	wr(10, 0x350000);                       /* inside the 1M pair of 20 */
	vtlb_probe(&t, &c);
	assert_int_equal(c.index, 20);
	wr(10, 0x400000);
	vtlb_probe(&t, &c);
	assert_true(c.index & CP0_INDEX_P);
}

/* --- translation --- */

static void test_translate_every_page_size(void **state)
{
	struct vtlb_map m;
	unsigned int n;

	for (n = 0; n <= 8; n++) {              /* 4K << 2n: 4K .. 256M */
		uint64_t size = 0x1000ull << (2 * n);
		uint64_t pagemask = ((1ull << (2 * n)) - 1) << 13;
		uint64_t base = 0x40000000ull;  /* aligned to every pair */
		uint64_t pfn0 = 0x10000000ull >> 12, pfn1 = 0x20000000ull >> 12;
		uint64_t offs[] = { 0, size - 1, 0x123 & (size - 1), size / 2 };
		unsigned int i;

		setup(NULL);
		tlbwi(12, base | 3, pagemask, lo(pfn0, 3, 1, 1, 0), lo(pfn1, 2, 1, 1, 0));
		for (i = 0; i < 4; i++) {
			assert_int_equal(xlate(base + offs[i], 3, false, &m), VTLB_HIT);
			assert_int_equal(m.pa, 0x10000000 + offs[i]);
			assert_int_equal(m.page_size, size);
			assert_int_equal(m.cca, 3);
			assert_int_equal(m.index, 12);
			assert_int_equal(xlate(base + size + offs[i], 3, true, &m), VTLB_HIT);
			assert_int_equal(m.pa, 0x20000000 + offs[i]);
			assert_int_equal(m.cca, 2);
		}
		assert_int_equal(xlate(base + 2 * size, 3, false, &m), VTLB_REFILL);
		assert_int_equal(xlate(base - 1, 3, false, &m), VTLB_REFILL);
	}
}

/* PageMask 0x2000 (8K pages) is refused by mtc0 as on the bare machine,
 * so the entry written is a 4K pair. */
static void test_translate_8k_pages(void **state)
{
	struct vtlb_map m;

	tlbwi(13, 0x8000, 0x2000, lo(0x100, 3, 1, 1, 1), lo(0x200, 3, 1, 1, 1));
	assert_int_equal(xlate(0x8ffc, 0, false, &m), VTLB_HIT);
	assert_int_equal(m.pa, 0x100ffc);
	assert_int_equal(m.page_size, 0x1000);
	assert_int_equal(xlate(0x9004, 0, false, &m), VTLB_HIT);
	assert_int_equal(m.pa, 0x200004);
	assert_int_equal(xlate(0xa004, 0, false, &m), VTLB_REFILL);
}

static void test_invalid_pagemask_is_4k(void **state)
{
	struct vtlb_map m;

	tlbwi(14, 0x50000, 0xa000, lo(0x100, 3, 1, 1, 1), lo(0x200, 3, 1, 1, 1));
	assert_int_equal(t.e[14].mask, 0);
	assert_int_equal(xlate(0x51008, 0, false, &m), VTLB_HIT);
	assert_int_equal(m.pa, 0x200008);
	assert_int_equal(xlate(0x52000, 0, false, &m), VTLB_REFILL);
}

static void test_translate_invalid_half(void **state)
{
	struct vtlb_map m;

	tlbwi(15, 0x60000 | 4, 0, lo(0x100, 3, 1, 1, 0), lo(0x200, 3, 1, 0, 0));
	assert_int_equal(xlate(0x60010, 4, false, &m), VTLB_HIT);
	assert_int_equal(xlate(0x61010, 4, false, &m), VTLB_INVALID);
	assert_int_equal(m.index, 15);
	assert_int_equal(xlate(0x61010, 4, true, &m), VTLB_INVALID);
}

static void test_translate_modified(void **state)
{
	struct vtlb_map m;

	tlbwi(16, 0x70000 | 4, 0, lo(0x100, 3, 0, 1, 0), lo(0x200, 3, 1, 1, 0));
	assert_int_equal(xlate(0x70010, 4, false, &m), VTLB_HIT);
	assert_false(m.dirty);
	assert_int_equal(xlate(0x70010, 4, true, &m), VTLB_MODIFIED);
	assert_int_equal(m.index, 16);
	assert_int_equal(xlate(0x71010, 4, true, &m), VTLB_HIT);
	assert_true(m.dirty);
	assert_int_equal(m.pa, 0x200010);
}

static void test_translate_refill_on_other_asid(void **state)
{
	struct vtlb_map m;

	tlbwi(17, 0x80000 | 4, 0, lo(0x100, 3, 1, 1, 0), lo(0x200, 3, 1, 1, 0));
	assert_int_equal(xlate(0x80000, 5, false, &m), VTLB_REFILL);
	assert_int_equal(m.index, -1);
	assert_int_equal(xlate(0x80000, 4, false, &m), VTLB_HIT);
}

static void test_translate_first_match(void **state)
{
	struct vtlb_map m;

	tlbwi(40, 0x90000, 0, lo(0x400, 3, 1, 1, 1), lo(0x400, 3, 1, 1, 1));
	tlbwi(35, 0x90000, 0, lo(0x300, 3, 1, 0, 1), lo(0x300, 3, 1, 0, 1));
	assert_int_equal(xlate(0x90000, 0, false, &m), VTLB_INVALID);
	assert_int_equal(m.index, 35);
}

static void test_matches(void **state)
{
	tlbwi(18, 0xa0000 | 9, 0x6000, 0, 0);
	assert_true(vtlb_matches(&t.e[18], 0xa7fff, 9));
	assert_false(vtlb_matches(&t.e[18], 0xa8000, 9));
	assert_false(vtlb_matches(&t.e[18], 0xa0000, 8));
}

/* --- tlbwr and shadow entries --- */

static void test_tlbwr_respects_wired(void **state)
{
	unsigned int i, r;

	for (i = 0; i < 10; i++)
		tlbwi(i, 0x1000000 + (i << 13), 0, lo(i, 3, 1, 1, 0), 0);
	wr(6, 10);
	set_regs(0x2000000, 0, lo(0x77, 3, 1, 1, 0), 0);
	for (i = 0; i < 300; i++) {
		r = vtlb_write_random(&t, &c, NULL);
		assert_true(r >= 10 && r < 64);
		assert_int_equal(t.e[r].vpn2, 0x2000000);
	}
	for (i = 0; i < 10; i++)
		assert_int_equal(t.e[i].vpn2, 0x1000000 + (i << 13));
}

static void test_tlbwr_last_entry_when_wired_63(void **state)
{
	unsigned int i;

	wr(6, 63);
	for (i = 0; i < 5; i++) {
		set_regs(0x3000000 + (i << 13), 0, lo(i, 3, 1, 1, 0), 0);
		assert_int_equal(vtlb_write_random(&t, &c, NULL), 63);
	}
}

/* tlbwr at entry 63 (Wired = 63) of va's pair under the current ASID. */
static void tlbwr_at_63(uint64_t va, uint64_t pfn)
{
	wr(6, 63);
	set_regs(va | (c.entryhi & 0xff), 0, lo(pfn, 3, 1, 1, 0), lo(pfn + 1, 3, 1, 1, 0));
	assert_int_equal(vtlb_write_random(&t, &c, NULL), 63);
}

static void test_shadow_keeps_replaced_entry(void **state)
{
	struct vtlb_map m;

	wr(10, 7);
	tlbwr_at_63(0x400000, 0x100);
	tlbwr_at_63(0x500000, 0x200);
	assert_int_equal(t.nr_shadow, 1);
	assert_int_equal(xlate(0x400010, 7, false, &m), VTLB_HIT);
	assert_int_equal(m.pa, 0x100010);
	assert_int_equal(m.index, 64);
	assert_int_equal(xlate(0x500010, 7, false, &m), VTLB_HIT);
	assert_int_equal(m.index, 63);
}

static void test_shadow_dropped_by_tlbp_miss(void **state)
{
	struct vtlb_map m;

	wr(10, 7);
	tlbwr_at_63(0x400000, 0x100);
	tlbwr_at_63(0x500000, 0x200);           /* shadow 0: 0x400000 */
	tlbwr_at_63(0x600000, 0x300);           /* shadow 1: 0x500000 */
	tlbwr_at_63(0x700000, 0x400);           /* shadow 2: 0x600000 */
	assert_int_equal(t.nr_shadow, 3);
	wr(10, 0x500000 | 7);
	vtlb_probe(&t, &c);                     /* misses the real entries */
	assert_true(c.index & CP0_INDEX_P);
	assert_int_equal(t.nr_shadow, 1);       /* that shadow and the later ones */
	assert_int_equal(xlate(0x500000, 7, false, &m), VTLB_REFILL);
	assert_int_equal(xlate(0x600000, 7, false, &m), VTLB_REFILL);
	assert_int_equal(xlate(0x400000, 7, false, &m), VTLB_HIT);
}

static void test_shadow_only_for_global_or_current_asid(void **state)
{
	struct vtlb_map m;

	wr(10, 7);
	tlbwr_at_63(0x400000, 0x100);
	wr(10, 8);                              /* the old entry is ASID 7's */
	tlbwr_at_63(0x500000, 0x200);
	assert_int_equal(t.nr_shadow, 0);
	assert_int_equal(xlate(0x400000, 7, false, &m), VTLB_REFILL);
	wr(6, 63);
	set_regs(0x800000 | 8, 0, lo(1, 3, 1, 1, 1), lo(2, 3, 1, 1, 1));
	vtlb_write_random(&t, &c, NULL);
	wr(10, 9);
	tlbwr_at_63(0x900000, 0x300);           /* replaces a global entry */
	assert_int_equal(t.nr_shadow, 2);       /* 0x500000 (ASID 8), 0x800000 */
	assert_int_equal(xlate(0x800000, 0x55, false, &m), VTLB_HIT);
}

static void test_shadow_dropped_by_tlbr(void **state)
{
	wr(10, 7);
	tlbwr_at_63(0x400000, 0x100);
	tlbwr_at_63(0x500000, 0x200);
	wr(0, 0);
	vtlb_read(&t, &c);
	assert_int_equal(t.nr_shadow, 0);
}

static void test_shadow_and_tlbwi(void **state)
{
	wr(10, 7);
	tlbwi(2, 0 | 7, 0, 0, 0);
	tlbwr_at_63(0x400000, 0x100);
	tlbwr_at_63(0x500000, 0x200);
	/* only adds V and D: a permission upgrade keeps the shadows */
	tlbwi(2, 0 | 7, 0, lo(0x50, 3, 1, 1, 0), lo(0x60, 2, 1, 1, 0));
	assert_int_equal(t.nr_shadow, 1);
	/* another PFN only: still kept (QEMU compares VPN, ASID, G, V, D) */
	tlbwi(2, 0 | 7, 0, lo(0x51, 3, 1, 1, 0), lo(0x61, 2, 1, 1, 0));
	assert_int_equal(t.nr_shadow, 1);
	/* dropping V discards them */
	tlbwi(2, 0 | 7, 0, lo(0x51, 3, 1, 0, 0), lo(0x61, 2, 1, 1, 0));
	assert_int_equal(t.nr_shadow, 0);
	tlbwr_at_63(0x600000, 0x300);
	assert_int_equal(t.nr_shadow, 1);
	tlbwi(2, 0x2000 | 7, 0, lo(0x51, 3, 1, 1, 0), 0);     /* another VPN2 */
	assert_int_equal(t.nr_shadow, 0);
}

static void test_shadow_capacity(void **state)
{
	unsigned int i;

	wr(10, 7);
	for (i = 0; i < 100; i++)
		tlbwr_at_63(0x1000000 + ((uint64_t)i << 13), i * 2);
	assert_int_equal(t.nr_shadow, 128 - 64);        /* QEMU's MIPS_TLB_MAX */
}

/* --- the index (vtlb.h): the same answers as a walk of every entry --- */

/* The walk the index replaces: the first matching entry in index order,
 * then the first live shadow (index size + k), else -1. */
static int walk(uint64_t va, uint8_t asid)
{
	for (unsigned int i = 0; i < t.size; i++)
		if (vtlb_matches(&t.e[i], va, asid))
			return (int)i;
	for (unsigned int k = 0; k < t.nr_shadow; k++)
		if (vtlb_matches(&t.shadow[k], va, asid))
			return (int)(t.size + k);
	return -1;
}

static uint64_t rand_state = 88172645463325252ull;

static uint64_t rnd(uint64_t n)
{
	rand_state ^= rand_state << 13;
	rand_state ^= rand_state >> 7;
	rand_state ^= rand_state << 17;
	return rand_state % n;
}

/* A va in a few crowded regions (so that entries overlap and buckets are
 * shared), of user or supervisor segments. */
static uint64_t random_va(void)
{
	static const uint64_t base[] = { 0, 0x400000, 0x7fff0000, 0x4000000000000000ull,
					 0xc000000000000000ull, 0x10000000000ull };

	return base[rnd(6)] + (rnd(64) << 13) + rnd(0x2000);
}

static void random_op(void)
{
	static const uint64_t masks[] = { 0, 0x6000, 0x1e000, 0x7e000, 0x1fe000, 0x1ffe000 };
	uint64_t hi = (random_va() & ~0x1fffull) | rnd(4);

	set_regs(hi, masks[rnd(6)], lo(rnd(0x1000), 3, rnd(2), rnd(2), rnd(2)),
		 lo(rnd(0x1000), 3, rnd(2), rnd(2), rnd(2)));
	switch (rnd(5)) {
	case 0:
		wr(0, rnd(64));
		vtlb_write(&t, &c, (unsigned int)c.index);
		break;
	case 1:
	case 2:
		wr(6, rnd(64));                 /* Wired: where tlbwr may go */
		vtlb_write_random(&t, &c, NULL);
		break;
	case 3:
		vtlb_probe(&t, &c);
		break;
	default:
		if (!rnd(8)) {
			wr(0, rnd(64));
			vtlb_read(&t, &c);
		}
	}
}

static void test_index_agrees_with_walk(void **state)
{
	struct vtlb_map m;
	unsigned int hits = 0, shadows = 0, probes_cut = 0;

	for (unsigned int op = 0; op < 20000; op++) {
		random_op();
		for (unsigned int q = 0; q < 8; q++) {
			uint64_t va = random_va();
			uint8_t asid = (uint8_t)rnd(4);
			int want = walk(va, asid);

			xlate(va, asid, false, &m);
			assert_int_equal(m.index, want);
			hits += want >= 0;
			shadows += want >= (int)t.size;
		}
		/* tlbp: Index and the shadows it keeps, as the walk says */
		if (!rnd(4)) {
			uint64_t va = random_va() & ~0x1fffull;
			uint8_t asid = (uint8_t)rnd(4);
			int want;

			wr(10, va | asid);
			want = walk(c.entryhi, asid);
			vtlb_probe(&t, &c);
			if (want >= 0 && want < (int)t.size) {
				assert_int_equal(c.index, want);
			} else {
				assert_true(c.index & CP0_INDEX_P);
				if (want >= 0) {
					assert_int_equal(t.nr_shadow, want - (int)t.size);
					probes_cut++;
				}
			}
		}
	}
	/* the run met every case: hits, shadow hits, and probes that cut
	 * the shadows */
	assert_true(hits > 1000);
	assert_true(shadows > 100);
	assert_true(probes_cut > 10);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_reset_entries_are_zero),
		T(test_tlbr_round_trip),
		T(test_tlbr_g_needs_both_halves),
		T(test_tlbr_replaces_current_asid),
		T(test_tlbr_pfn_cleared_below_page_size),
		T(test_tlbr_vpn2_kept_as_written),
		T(test_tlbwi_index_masking),
		T(test_tlbwi_segbits_masking),
		T(test_xuseg_entry),
		T(test_tlbp_hit),
		T(test_tlbp_miss_keeps_index_bits),
		T(test_tlbp_asid),
		T(test_tlbp_global),
		T(test_tlbp_first_match_and_mask),
		T(test_translate_every_page_size),
		T(test_translate_8k_pages),
		T(test_invalid_pagemask_is_4k),
		T(test_translate_invalid_half),
		T(test_translate_modified),
		T(test_translate_refill_on_other_asid),
		T(test_translate_first_match),
		T(test_matches),
		T(test_tlbwr_respects_wired),
		T(test_tlbwr_last_entry_when_wired_63),
		T(test_shadow_keeps_replaced_entry),
		T(test_shadow_dropped_by_tlbp_miss),
		T(test_shadow_only_for_global_or_current_asid),
		T(test_shadow_dropped_by_tlbr),
		T(test_shadow_and_tlbwi),
		T(test_shadow_capacity),
		T(test_index_agrees_with_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
