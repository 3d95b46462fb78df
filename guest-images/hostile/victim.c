/*
 * The victim of the hostile-guest suite (tests/hostile.sh): a VM that holds
 * known values everywhere it can and checks them while an attacker VM runs
 * beside it, usually on the same CPU.
 *  - memory: every word from 2 MiB to the end of its 8 MiB is
 *    VICTIM_WORD(its address); three of those page pairs are also mapped
 *    through its TLB under ASID 0x42 (useg, CKSSEG, xuseg) and rewritten
 *    through the mappings every round;
 *  - CP0: every plain-storage register (hostile.h) holds its mark;
 *  - HI, LO, s0..s7 (during its spin) and the 32 FPU registers hold marks,
 *    FCSR a rounding mode of its own;
 *  - LLAddr: an ll on its own memory every round.
 * It runs ROUNDS rounds of fixed work, printing "victim: round N", then
 * checks every word and prints one verdict line and the Count ticks from
 * its start to its last round (tests/hostile.sh compares them with a run
 * alone), and powers off (status 0 if intact).
 */
#include "hostile.h"

#define ROUNDS		20
#define SPIN_PER_ROUND	5000000UL	/* about 10 ms of instructions */
#define LL_PA		(VICTIM_MEM - 4096)

void unit_main(void);

#define VICTIM_FCSR	0x01000002	/* FS, round towards +infinity */

static u64 cp0_want[CP0_NSLOTS];	/* each slot as it read back */
static u32 fcsr_want;
static struct {
	const char *what;		/* the first problem found, or NULL */
	u64 where, got, want;
} bad;

static volatile u64 *window(u64 pa)
{
	return (volatile u64 *)plat_phys_to_virt(pa);
}

/* Keeps the first problem for the verdict line. */
static void corrupt(const char *what, u64 where, u64 got, u64 want)
{
	if (bad.what)
		return;
	bad.what = what;
	bad.where = where;
	bad.got = got;
	bad.want = want;
}

static void map_pair(int index, u64 va, u64 pa)
{
	u64 flags = ENTRYLO_C(3) | ENTRYLO_D | ENTRYLO_V;

	tlb_set(index, va | VICTIM_ASID, ENTRYLO_PFN(pa) | flags,
		ENTRYLO_PFN(pa + 4096) | flags, PM_4K);
}

static void setup(void)
{
	write_c0_ebase(plat_ebase(img_phys(unit_vectors)));
	write_c0_status(ST_BASE | FPU_ON);
	write_c0_cause(0);
	write_c0_intctl(0);
	write_c0_wired(0);
	write_c0_pagemask(0);
	tlb_init();
	map_pair(8, VICTIM_VA_USEG, VICTIM_FILL_START);
	map_pair(9, VICTIM_VA_CKSSEG, 3 * MIB);
	map_pair(10, VICTIM_VA_XUSEG, 4 * MIB);
	for (int i = 0; i < CP0_NSLOTS; i++)
		cp0_write_any(CP0_INDEX(cp0_slots[i].reg, cp0_slots[i].sel),
			      MAGIC24(VICTIM_MAGIC) << cp0_slots[i].shift);
	set_asid(VICTIM_ASID);
	for (int i = 0; i < CP0_NSLOTS; i++)
		cp0_want[i] = cp0_read_any(CP0_INDEX(cp0_slots[i].reg, cp0_slots[i].sel));
	fpu_fill(VICTIM_MAGIC << 32);
	write_fcsr(VICTIM_FCSR);
	fcsr_want = read_fcsr();
}

static void fill(void)
{
	for (u64 pa = VICTIM_FILL_START; pa < VICTIM_MEM; pa += 8)
		*window(pa) = VICTIM_WORD(pa);
}

/* The mapped pairs: read, check and rewrite every 64th word. */
static void check_mapped(void)
{
	static const u64 va[3] = { VICTIM_VA_USEG, VICTIM_VA_CKSSEG, VICTIM_VA_XUSEG };
	static const u64 pa[3] = { VICTIM_FILL_START, 3 * MIB, 4 * MIB };

	for (int m = 0; m < 3; m++)
		for (u64 off = 0; off < 8192; off += 512) {
			volatile u64 *p = (volatile u64 *)(va[m] + off);
			u64 want = VICTIM_WORD(pa[m] + off);

			if (*p != want)
				corrupt("mapped va", va[m] + off, *p, want);
			*p = want;
		}
}

static void check_cpu(void)
{
	u64 fpr[32];

	for (int i = 0; i < CP0_NSLOTS; i++) {
		u64 v = cp0_read_any(CP0_INDEX(cp0_slots[i].reg, cp0_slots[i].sel));
		if (v != cp0_want[i])
			corrupt("cp0 reg*8+sel", CP0_INDEX(cp0_slots[i].reg, cp0_slots[i].sel),
				v, cp0_want[i]);
	}
	fpu_dump(fpr);
	for (int n = 0; n < 32; n++)
		if (fpr[n] != (VICTIM_MAGIC << 32) + n)
			corrupt("fpr", n, fpr[n], (VICTIM_MAGIC << 32) + n);
	if (read_fcsr() != fcsr_want)
		corrupt("fcsr", 31, read_fcsr(), fcsr_want);
}

/* Every word, through the cached window and every 512th through the
 * uncached one; returns the number checked. */
static u64 verify(void)
{
	u64 words = 0;

	for (u64 pa = VICTIM_FILL_START; pa < VICTIM_MEM; pa += 8, words++) {
		u64 v = *window(pa);
		if (v != VICTIM_WORD(pa))
			corrupt("gpa", pa, v, VICTIM_WORD(pa));
		if ((pa & 4095) == 0) {
			v = *(volatile u64 *)plat_phys_to_uncached(pa);
			if (v != VICTIM_WORD(pa))
				corrupt("uncached gpa", pa, v, VICTIM_WORD(pa));
		}
	}
	return words;
}

void unit_main(void)
{
	u32 start = read_c0_count();
	u64 hz = hcall(HC_TIMER_HZ, 0, 0, 0), elapsed, words;

	setup();
	fill();
	for (int round = 1; round <= ROUNDS; round++) {
		u32 ll;

		if (spin_marked(SPIN_PER_ROUND, VICTIM_MAGIC << 32 | round))
			corrupt("registers (HI, LO, s0-s7) in round", round, 0, 0);
		check_mapped();
		check_cpu();
		__asm__ volatile("ll %0, 0(%1)" : "=r"(ll) : "r"(window(LL_PA)) : "memory");
		t_printf("victim: round %d\n", round);
	}
	elapsed = (u32)(read_c0_count() - start);       /* under 25 s: no wrap */
	words = verify();
	check_cpu();
	if (bad.what)
		t_printf("victim: CORRUPTED at %s %lx: got %lx, want %lx\n",
			 bad.what, bad.where, bad.got, bad.want);
	else
		t_printf("victim: intact, %d rounds, %lu words checked\n", ROUNDS, words);
	t_printf("victim: elapsed %lu ticks (%lu ms)\n", elapsed, elapsed * 1000 / hz);
	plat_exit(bad.what ? 1 : 0);
}
