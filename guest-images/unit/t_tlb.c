/*
 * Area d: TLB instructions and translation. Mappings only in useg/xuseg and
 * CKSSEG; big pages use physical 16..48 MiB. Entries 0..15 are written with
 * tlbwi and made invalid again after each test; tlbwr tests run with Wired
 * above them and reinitialise the random part afterwards.
 */
#include "unit.h"

#define VA_T		0x0000000010000000UL
#define VA_BIG		0x0000000040000000UL	/* 32 MiB aligned */
#define VA_BIG_CK	0xffffffffc2000000UL	/* CKSSEG, 32 MiB aligned */
#define VA_RAND		0x000000007f000000UL	/* tlbwr entries, never accessed */
#define FLAGS		(ENTRYLO_C(3) | ENTRYLO_D | ENTRYLO_V)
#define IDX		5

static u64 pat(u64 size, int n)
{
	return 0x5a00000000000000UL | (size << 8) | n;
}

static void test_probe(void)
{
	tlb_set(IDX, VA_T, ENTRYLO_PFN(PHYS_DATA) | FLAGS | ENTRYLO_G,
		ENTRYLO_PFN(PHYS_DATA + 0x1000) | FLAGS | ENTRYLO_G, PM_4K);
	u64 hit = tlb_probe(VA_T);
	u64 odd = tlb_probe(VA_T + 0x1000);
	write_c0_index(5);
	u64 miss5 = tlb_probe(VA_T + 0x2000);
	write_c0_index(0);
	u64 miss0 = tlb_probe(VA_T + 0x2000);
	u64 d = dread_c0_index();
	t_begin("tlbp-hit");
	t_want("index", hit, IDX);
	t_want("odd-page", odd, IDX);
	t_end();
	t_begin("tlbp-miss");
	t_hex("index(was5)", miss5);
	t_hex("index(was0)", miss0);
	t_hex("dmfc0", d);
	t_check((miss5 & 0x80000000) && (miss0 & 0x80000000));
	t_end();

	tlb_set(IDX, VA_T | 3, ENTRYLO_PFN(PHYS_DATA) | FLAGS, ENTRYLO_PFN(PHYS_DATA) | FLAGS, PM_4K);
	u64 other = tlb_probe(VA_T | 4), same = tlb_probe(VA_T | 3);
	t_begin("tlbp-asid");
	t_hex("asid4", other);
	t_want("asid3", same, IDX);
	t_check(other & 0x80000000);
	t_end();

	tlb_set(IDX, VA_T | 3, ENTRYLO_PFN(PHYS_DATA) | FLAGS | ENTRYLO_G,
		ENTRYLO_PFN(PHYS_DATA) | FLAGS | ENTRYLO_G, PM_4K);
	t_begin("tlbp-global");
	t_want("asid77", tlb_probe(VA_T | 0x77), IDX);
	t_end();

	tlb_set(IDX, VA_BIG, ENTRYLO_PFN(PHYS_BIG_EVEN) | FLAGS | ENTRYLO_G,
		ENTRYLO_PFN(PHYS_BIG_ODD) | FLAGS | ENTRYLO_G, PM_16M);
	t_begin("tlbp-16m-page");
	t_want("inside", tlb_probe(VA_BIG + 0x1abc000), IDX);
	t_hex("outside", tlb_probe(VA_BIG + 0x2000000));
	t_end();
	tlb_inval(IDX);
}

/* write an entry at IDX, read it back with tlbr into res[0..3] and print */
static void show_entry(const char *name, u64 hi, u64 lo0, u64 lo1, u64 pm)
{
	u64 rhi, rlo0, rlo1, rpm;

	tlb_set(IDX, hi, lo0, lo1, pm);
	tlb_get(IDX, &rhi, &rlo0, &rlo1, &rpm);
	tlb_inval(IDX);
	res[0] = rhi;
	res[1] = rlo0;
	res[2] = rlo1;
	res[3] = rpm;
	t_begin(name);
	t_hex("ehi", rhi);
	t_hex("lo0", rlo0);
	t_hex("lo1", rlo1);
	t_hex("pm", rpm);
}

static void test_tlbr(void)
{
	u64 lo0 = ENTRYLO_PFN(PHYS_DATA) | ENTRYLO_C(3) | ENTRYLO_D | ENTRYLO_V;
	u64 lo1 = ENTRYLO_PFN(PHYS_DATA + 0x1000) | ENTRYLO_C(2) | ENTRYLO_V;

	show_entry("tlbr-roundtrip", 0xa0c000 | 0x42, lo0, lo1, PM_4K);
	t_check(res[0] == (0xa0c000 | 0x42) && res[1] == lo0 && res[2] == lo1 && res[3] == 0);
	t_end();
	/* G is stored once: both EntryLo read back with G */
	show_entry("tlbr-global", 0xa0c000 | 0x42, lo0 | ENTRYLO_G, lo1 | ENTRYLO_G, PM_4K);
	t_check(res[1] == (lo0 | ENTRYLO_G) && res[2] == (lo1 | ENTRYLO_G));
	t_end();
	/* G = EntryLo0.G & EntryLo1.G */
	show_entry("tlbr-g-is-and", 0xa0c000, lo0 | ENTRYLO_G, lo1, PM_4K);
	t_check(res[1] == lo0 && res[2] == lo1);
	t_end();
	show_entry("tlbr-g-is-and-64k", 0xa00000 | 0x42, lo0, lo0 | ENTRYLO_G, PM_64K);
	t_check(res[0] == (0xa00000 | 0x42) && res[1] == lo0 && res[2] == lo0 && res[3] == PM_64K);
	t_end();
	show_entry("tlbr-16k-unaligned", 0x10002000, ENTRYLO_PFN(PHYS_DATA + 0x1000) | ENTRYLO_V,
		   ENTRYLO_PFN(PHYS_DATA + 0x7000) | ENTRYLO_V, PM_16K);
	t_check(res[3] == PM_16K);
	t_end();
	show_entry("tlbr-ckseg-1m", 0xffffffffc0a0c000UL | 7, lo0, lo1, PM_1M);
	t_check(res[3] == PM_1M && (res[0] & 0xff) == 7);
	t_end();

	u64 hi, l0, l1, pm;
	tlb_get(63, &hi, &l0, &l1, &pm);
	t_begin("tlbr-init-entry63");
	t_hex("ehi", hi);
	t_hex("lo0", l0);
	t_hex("lo1", l1);
	t_hex("pm", pm);
	t_check(l0 == 0 && l1 == 0 && pm == 0 && (hi & ASID_MASK) == 0);
	t_end();

	/* tlbr loads EntryHi.ASID: the current ASID changes with it */
	tlb_set(IDX, VA_T | 0x42, lo0, lo1, PM_4K);
	write_c0_index(IDX);
	tlbr();
	u64 asid = dread_c0_entryhi() & ASID_MASK;
	dwrite_c0_entryhi(0);
	tlb_inval(IDX);
	t_begin("tlbr-sets-asid");
	t_want("asid", asid, 0x42);
	t_end();
}

/* the random part of the TLB back to unique invalid entries, shadows gone */
static void tlb_random_reset(void)
{
	set_asid(1);
	set_asid(0);
	write_c0_wired(0);
	for (int i = TLB_SCRATCH; i < TLB_ENTRIES; i++)
		tlb_inval(i);
}

static int tlbwr_at(u64 va)
{
	u64 old = dread_c0_entryhi();

	dwrite_c0_entryhi(va);
	dwrite_c0_entrylo0(0);
	dwrite_c0_entrylo1(0);
	write_c0_pagemask(0);
	tlbwr();
	dwrite_c0_entryhi(old);
	return (int)tlb_probe(va);
}

static void test_tlbwr(void)
{
	int ok = 1;

	write_c0_wired(60);
	for (int i = 0; i < 32; i++) {
		int idx = tlbwr_at(VA_RAND + i * 0x2000UL);
		if (idx < 60 || idx > 63)
			ok = 0;
	}
	t_begin("tlbwr-range-wired60");
	t_yes("all-in-[60,63]", ok);
	t_check(ok);
	t_end();
	tlb_random_reset();

	write_c0_wired(63);
	int idx = tlbwr_at(VA_RAND);
	u64 r = read_c0_random();
	t_begin("tlbwr-wired63");
	t_dec("index", idx);
	t_dec("random", r);
	t_check(idx == 63 && r == 63);
	t_end();
	tlb_random_reset();

	/* entries below Wired survive many tlbwr */
	write_c0_wired(TLB_SCRATCH);
	tlb_set(3, VA_T, ENTRYLO_PFN(PHYS_DATA) | FLAGS, 0, PM_4K);
	for (int i = 0; i < 128; i++)
		tlbwr_at(VA_RAND + i * 0x2000UL);
	u64 still = tlb_probe(VA_T);
	t_begin("tlbwr-spares-wired");
	t_want("index", still, 3);
	t_end();
	tlb_inval(3);
	tlb_random_reset();

	ok = 1;
	write_c0_wired(40);
	for (int i = 0; i < 100; i++) {
		u64 v = read_c0_random();
		if (v < 40 || v > 63)
			ok = 0;
	}
	write_c0_wired(0);
	t_begin("random-range-wired40");
	t_yes("all-in-[40,63]", ok);
	t_check(ok);
	t_end();
}

/* through a mapping at va: write four dwords, read two written via the window */
static void page_touch(u64 va, u64 size)
{
	volatile u64 *even = (volatile u64 *)va, *odd = (volatile u64 *)(va + size);

	even[0] = pat(size, 1);
	even[size / 8 - 1] = pat(size, 2);
	odd[0] = pat(size, 3);
	odd[size / 8 - 1] = pat(size, 4);
	res[0] = even[size / 16];
	res[1] = odd[size / 16];
}

static void page_size(const char *name, u64 va, u64 size, u64 pm)
{
	u64 e = PHYS_BIG_EVEN, o = PHYS_BIG_ODD;

	*phys64(e) = *phys64(e + size - 8) = *phys64(o) = *phys64(o + size - 8) = 0;
	*phys64(e + size / 2) = pat(size, 5);
	*phys64(o + size / 2) = pat(size, 6);
	tlb_set(IDX, va, ENTRYLO_PFN(e) | FLAGS | ENTRYLO_G, ENTRYLO_PFN(o) | FLAGS | ENTRYLO_G, pm);
	res[0] = res[1] = 0;
	t_call(page_touch, va, size);
	tlb_inval(IDX);
	t_begin(name);
	t_hex("pm", pm);
	if (trap_count) {
		T_TRAP(page_touch);
		t_check(0);
		t_end();
		return;
	}
	int via_tlb = *phys64(e) == pat(size, 1) && *phys64(e + size - 8) == pat(size, 2) &&
		      *phys64(o) == pat(size, 3) && *phys64(o + size - 8) == pat(size, 4);
	int via_win = res[0] == pat(size, 5) && res[1] == pat(size, 6);
	t_yes("stores-land", via_tlb);
	t_yes("loads-see", via_win);
	t_hex("odd-last", *phys64(o + size - 8));
	t_check(via_tlb && via_win);
	t_end();
}

static void test_page_sizes(void)
{
	page_size("tlb-page-4k", VA_BIG, 0x1000, PM_4K);
	page_size("tlb-page-16k", VA_BIG, 0x4000, PM_16K);
	page_size("tlb-page-64k", VA_BIG, 0x10000, PM_64K);
	page_size("tlb-page-256k", VA_BIG, 0x40000, PM_256K);
	page_size("tlb-page-1m", VA_BIG, 0x100000, PM_1M);
	page_size("tlb-page-4m", VA_BIG, 0x400000, PM_4M);
	page_size("tlb-page-16m", VA_BIG, 0x1000000, PM_16M);
	page_size("tlb-page-1m-ckseg", VA_BIG_CK, 0x100000, PM_1M);
	page_size("tlb-page-16m-ckseg", VA_BIG_CK, 0x1000000, PM_16M);
}

UNIT_ASM_FN(v_ldres, "ld $t0, 0($a0)\n sd $t0, 0($a1)\n jr $ra\n nop");
UNIT_ASM_FN(v_sdres, "sd $a1, 0($a0)\n jr $ra\n nop");

/* load through va with the current ASID: value or exception */
static void load_show(const char *key, u64 va)
{
	res[0] = 0;
	t_call(v_ldres, va, (u64)res);
	if (trap_count)
		t_printf(" %s=exc%d@%lx", key, (int)CA_EXC(trap.cause), trap.vec);
	else
		t_hex(key, res[0]);
}

static void test_asid(void)
{
	*phys64(PHYS_DATA + 0x4000) = 0xa5a5;
	*phys64(PHYS_DATA + 0x5000) = 0xb6b6;
	tlb_set(IDX, VA_T | 5, ENTRYLO_PFN(PHYS_DATA + 0x4000) | FLAGS, 0, PM_4K);
	t_begin("tlb-asid-match");
	set_asid(5);
	load_show("asid5", VA_T);
	t_check(trap_count == 0 && res[0] == 0xa5a5);
	set_asid(6);
	load_show("asid6", VA_T);
	t_check(trap_count == 1 && CA_EXC(trap.cause) == EXC_TLBL && trap.vec == 0x80);
	set_asid(0);
	t_end();

	tlb_set(IDX, VA_T | 5, ENTRYLO_PFN(PHYS_DATA + 0x4000) | FLAGS | ENTRYLO_G, ENTRYLO_G, PM_4K);
	t_begin("tlb-global-any-asid");
	set_asid(6);
	load_show("asid6", VA_T);
	t_check(trap_count == 0 && res[0] == 0xa5a5);
	set_asid(0);
	t_end();

	/* the same VA for two ASIDs, two entries */
	tlb_set(IDX, VA_T | 5, ENTRYLO_PFN(PHYS_DATA + 0x4000) | FLAGS, 0, PM_4K);
	tlb_set(IDX + 1, VA_T | 6, ENTRYLO_PFN(PHYS_DATA + 0x5000) | FLAGS, 0, PM_4K);
	t_begin("tlb-asid-switch");
	set_asid(5);
	load_show("asid5", VA_T);
	int a = res[0] == 0xa5a5;
	set_asid(6);
	load_show("asid6", VA_T);
	int b = res[0] == 0xb6b6;
	set_asid(5);
	load_show("asid5", VA_T);
	int c = res[0] == 0xa5a5;
	set_asid(0);
	t_check(a && b && c);
	t_end();
	tlb_inval(IDX + 1);

	/* rewriting an entry in place with tlbwi: the old translation is gone */
	tlb_set(IDX, VA_T, ENTRYLO_PFN(PHYS_DATA + 0x4000) | FLAGS | ENTRYLO_G, ENTRYLO_G, PM_4K);
	t_begin("tlb-tlbwi-replaces");
	load_show("before", VA_T);
	tlb_set(IDX, VA_T, ENTRYLO_PFN(PHYS_DATA + 0x5000) | FLAGS | ENTRYLO_G, ENTRYLO_G, PM_4K);
	load_show("after", VA_T);
	t_check(res[0] == 0xb6b6);
	tlb_inval(IDX);
	load_show("inval", VA_T);
	t_check(trap_count == 1 && trap.vec == 0x80);
	t_end();
}

static void test_bits(void)
{
	u64 even = ENTRYLO_PFN(PHYS_DATA + 0x4000) | FLAGS | ENTRYLO_G;

	tlb_set(IDX, VA_T, even, ENTRYLO_PFN(PHYS_DATA + 0x5000) | ENTRYLO_C(3) | ENTRYLO_G, PM_4K);
	t_begin("tlb-odd-invalid");
	load_show("even", VA_T);
	t_check(trap_count == 0 && res[0] == 0xa5a5);
	load_show("odd", VA_T + 0x1000);
	t_check(trap_count == 1 && CA_EXC(trap.cause) == EXC_TLBL && trap.vec == 0x180);
	t_end();

	tlb_set(IDX, VA_T, ENTRYLO_PFN(PHYS_DATA + 0x4000) | ENTRYLO_C(3) | ENTRYLO_V | ENTRYLO_G,
		ENTRYLO_G, PM_4K);
	t_begin("tlb-d0");
	load_show("load", VA_T);
	t_check(trap_count == 0 && res[0] == 0xa5a5);
	t_call(v_sdres, VA_T + 8, 1);
	t_printf(" store=exc%d@%lx", (int)CA_EXC(trap.cause), trap.vec);
	t_check(trap_count == 1 && CA_EXC(trap.cause) == EXC_MOD);
	t_end();

	/* uncached attribute: stores reach memory seen by both windows */
	tlb_set(IDX, VA_T, ENTRYLO_PFN(PHYS_DATA + 0x4000) | ENTRYLO_C(2) | ENTRYLO_D | ENTRYLO_V |
		ENTRYLO_G, ENTRYLO_G, PM_4K);
	t_call(v_sdres, VA_T + 16, 0x77aa);
	t_begin("tlb-uncached-c2");
	t_str("exc", trap_count ? "taken" : "none");
	u64 unc = *(volatile u64 *)plat_phys_to_uncached(PHYS_DATA + 0x4010);
	t_want("cached-window", *phys64(PHYS_DATA + 0x4010), 0x77aa);
	t_want("uncached-window", unc, 0x77aa);
	t_end();
	tlb_inval(IDX);

	/* UX=0: a 64-bit user address is an address error, not a refill */
	t_call(v_ld_st, VA_UNMAPPED, ST_BASE & ~ST_UX);
	t_begin("tlb-ux0-xuseg-adel");
	T_TRAP(v_ld_st);
	t_hex("bva", trap.badvaddr);
	t_trap_is(0x180, EXC_ADEL);
	t_end();
}

void tests_tlb(void)
{
	test_probe();
	test_tlbr();
	test_tlbwr();
	test_page_sizes();
	test_asid();
	test_bits();
	tlb_scratch_clear();
}
