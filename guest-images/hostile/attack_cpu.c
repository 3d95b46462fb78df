/*
 * CPU-state attacks: what the victim left in the real CPU they share (CP0,
 * the TLB under the victim's ASID, HI/LO, the FPU), virtual supervisor
 * mode reaching the kernel's windows, the EJTAG instructions and
 * registers, Status.ERL/BEV, and a wait that never ends.
 */
#include "attack.h"

#define ROUNDS		25		/* yields to the victim */
#define ST_SUPERVISOR	(1UL << 3)
#define ST_BEV_BIT	(1UL << 22)

static void read_into(u64 index, u64 out)
{
	*(u64 *)out = cp0_read_any((unsigned int)index);
}

/* Every CP0 register (those that raise RI are skipped): the number that
 * hold the victim's mark, each reported as an escape if report. */
static int sweep_cp0(const char *when, int report)
{
	int hits = 0;

	for (unsigned int i = 0; i < 256; i++) {
		u64 v = 0;

		if (t_call(read_into, i, (u64)&v) || !has_mark(v, VICTIM_MAGIC))
			continue;
		hits++;
		if (report)
			ESCAPE("%s: cp0 (%u,%u) = %lx: the victim's mark", when, i / 8, i % 8, v);
	}
	return hits;
}

/* HI and LO across a yield: still the attacker's, never the victim's. */
static void hilo_across_yield(void)
{
	u64 mine = MAGIC24(ATTACK_MAGIC) << 8, hi, lo;
	register long v0 __asm__("$2") = HC_YIELD;

	__asm__ volatile("mthi %3\n mtlo %3\n .word 0x42000028\n mfhi %0\n mflo %1"
			 : "=&r"(hi), "=&r"(lo), "+r"(v0) : "r"(mine) : "memory");
	check_value("HI after a yield", hi);
	check_value("LO after a yield", lo);
	if (hi != mine || lo != mine)
		BROKEN("HI/LO changed across a yield: %lx %lx", hi, lo);
}

void case_cp0_leftover(void)
{
	sweep_cp0("first look", 1);
	/* the sweep sees a mark where there is one: its own DESAVE */
	cp0_write_any(CP0_INDEX(31, 0), MAGIC24(VICTIM_MAGIC) << 8);
	if (sweep_cp0("control", 0) != 1)
		BROKEN("the sweep did not find a mark planted in DESAVE");
	for (int i = 0; i < CP0_NSLOTS; i++)
		cp0_write_any(CP0_INDEX(cp0_slots[i].reg, cp0_slots[i].sel),
			      MAGIC24(ATTACK_MAGIC) << cp0_slots[i].shift);
	for (int r = 0; r < ROUNDS; r++) {
		hilo_across_yield();
		sweep_cp0("after a yield", 1);
	}
}

/* The victim's VAs under its ASID, with no TLB entry of the attacker's
 * own: its own refill every time, never the victim's page. */
void case_tlb_leftover(void)
{
	static const u64 va[] = { VICTIM_VA_USEG, VICTIM_VA_CKSSEG, VICTIM_VA_XUSEG };
	u64 hi, lo0, lo1, pm, v;

	set_asid(VICTIM_ASID);
	for (int r = 0; r < ROUNDS; r++) {
		yield();
		for (int i = 0; i < 3; i++) {
			int exc = try_load(va[i] + 4096 + 8, &v);

			if (exc < 0)
				ESCAPE("read %lx at the victim's va %lx (ASID %x)", v, va[i], VICTIM_ASID);
			else if (exc != EXC_TLBL || (trap.vec != 0 && trap.vec != 0x80))
				BROKEN("va %lx: exception %d at vector %lx, not a refill", va[i], exc, trap.vec);
			if (!(tlb_probe(va[i] | VICTIM_ASID) & 0x80000000UL))
				ESCAPE("tlbp finds the victim's va %lx", va[i]);
		}
	}
	for (int i = 0; i < TLB_ENTRIES; i++) {
		tlb_get(i, &hi, &lo0, &lo1, &pm);
		check_value("a TLB entry's EntryHi", hi);
		if ((hi & 0xff) == VICTIM_ASID && (lo0 | lo1))
			ESCAPE("TLB entry %d is the victim's: %lx %lx %lx", i, hi, lo0, lo1);
	}
	/* its own entry for the same va under another ASID: not 0x42's */
	tlb_set(5, VICTIM_VA_USEG | 0x43, ENTRYLO_PFN(6 * MIB) | ENTRYLO_C(3) | ENTRYLO_V,
		ENTRYLO_PFN(6 * MIB) | ENTRYLO_C(3) | ENTRYLO_V, PM_4K);
	if (try_load(VICTIM_VA_USEG, &v) != EXC_TLBL)
		ESCAPE("ASID 0x42 used an ASID 0x43 entry");
	set_asid(0x43);
	must_read("its own ASID 0x43 entry", VICTIM_VA_USEG, *(volatile u64 *)CACHED(6 * MIB));
	set_asid(0);
	tlb_init();
}

/* FCSR with every cause bit and every enable: FPE at once, and again in
 * the monitor each time it puts this FCSR back after a switch. */
static void set_fcsr_all(u64 unused0, u64 unused1)
{
	write_fcsr(0x0003ffff);
}

void case_fpu_leftover(void)
{
	u64 fpr[32];
	u32 fcsr = 0;

	write_c0_status(ST_BASE | FPU_ON);
	for (int r = 0; r <= ROUNDS; r++) {
		if (r)
			yield();
		fpu_dump(fpr);
		for (int n = 0; n < 32; n++)
			check_value("an FPU register", fpr[n]);
		check_value("FCSR", read_fcsr());
		if (r && read_fcsr() != fcsr)
			BROKEN("its FCSR changed across a yield: %x, was %x", read_fcsr(), fcsr);
		if (r == 0) {           /* the dump sees marks where there are */
			fpu_fill(VICTIM_MAGIC << 32);
			fpu_dump(fpr);
			if (!has_mark(fpr[0], VICTIM_MAGIC) || !has_mark(fpr[31], VICTIM_MAGIC))
				BROKEN("the FPU dump did not show the marks just filled in");
			fpu_fill(ATTACK_MAGIC << 32);
			if (t_call(set_fcsr_all, 0, 0))
				tally[CA_EXC(trap.cause)]++;
			fcsr = read_fcsr();
		}
	}
	write_c0_status(ST_BASE);
}

/* Virtual supervisor mode runs in the real supervisor mode, like virtual
 * kernel mode: the windows' real TLB entries must not answer it. */
UNIT_ASM_FN(a_enter, "dmtc0 $a0, $14\n mtc0 $a1, $12\n ehb\n eret\n nop");
UNIT_USER_FN(u_ld_window, "dli $t0, 0x4000000000600000\n ld $t1, 0($t0)\n syscall");
UNIT_USER_FN(u_ld_uncached, "dli $t0, 0x4000010000600000\n ld $t1, 0($t0)\n syscall");

static void from_supervisor(const char *what, const void *fn)
{
	u64 v;

	try_load(CACHED(6 * MIB), &v);          /* the window in the real TLB */
	try_load(UNCACHED(6 * MIB), &v);
	map_user_page();
	t_call(a_enter, user_va(fn), ST_BASE | ST_SUPERVISOR | ST_EXL);
	if (CA_EXC(trap.cause) == EXC_SYS)
		ESCAPE("supervisor mode read %lx through the kernel's %s window", trap.regs[9], what);
	else
		tally[CA_EXC(trap.cause)]++;
	tlb_inval(TLB_USER);
}

void case_supervisor_window(void)
{
	*(volatile u64 *)CACHED(6 * MIB) = ATTACK_MAGIC;
	from_supervisor("cached", u_ld_window);
	from_supervisor("uncached", u_ld_uncached);
}

/* EJTAG: Debug, DEPC and DESAVE are plain virtual registers, deret is a
 * Reserved Instruction outside debug mode. */
UNIT_ASM_FN(a_deret, "deret\n nop\n jr $ra\n nop");

void case_debug_regs(void)
{
	static const unsigned int regs[] = { CP0_INDEX(23, 0), CP0_INDEX(24, 0), CP0_INDEX(31, 0) };
	u64 v;

	for (int i = 0; i < 3; i++) {
		t_call(read_into, regs[i], (u64)&v);
		check_value("an EJTAG register", v);
		cp0_write_any(regs[i], ~0UL);
		t_call(read_into, regs[i], (u64)&v);
	}
	try_load(0x10000000, &v);               /* a TLB fault with Debug.DM set */
	cp0_write_any(CP0_INDEX(23, 0), 0);
	if (!t_call(a_deret, 0, 0))
		ESCAPE("deret in supervisor mode completed");
	else if (CA_EXC(trap.cause) != EXC_RI)
		ESCAPE("deret in supervisor mode: exception %lu, not RI", CA_EXC(trap.cause));
	else
		tally[EXC_RI]++;
	check_not_kernel("Debug.DM and deret");
}

/* sdbbp goes to the boot ROM's debug vector; the VM must stop alone. s8 is
 * the ROM's base register on the way: aimed at the monitor. */
void case_sdbbp_window(void)
{
	NOTE("sdbbp at a window address (the VM must stop)");
	verdict();
	__asm__ volatile("dli $30, 0xffffffff80100000\n sdbbp 0" : : : "$30", "memory");
	ESCAPE("sdbbp came back");
}

/* The same from a CKSSEG page it mapped itself (global, so the real TLB
 * still maps it in the ROM's kernel mode). */
UNIT_ASM_FN(a_sdbbp_stub, "sdbbp 0\n 1: b 1b\n nop");

void case_sdbbp_cksseg(void)
{
	u64 va = 0xffffffffc0100000UL, pa = 6 * MIB;

	for (int i = 0; i < 4; i++)
		((volatile u32 *)CACHED(pa))[i] = ((u32 *)a_sdbbp_stub)[i];
	tlb_set(5, va, ENTRYLO_PFN(pa) | ENTRYLO_C(3) | ENTRYLO_V | ENTRYLO_G,
		ENTRYLO_PFN(pa + 4096) | ENTRYLO_C(3) | ENTRYLO_V | ENTRYLO_G, PM_4K);
	NOTE("sdbbp at CKSSEG %lx (the VM must stop)", va);
	verdict();
	((void (*)(void))va)();
	ESCAPE("sdbbp came back");
}

/* ERL: eret goes to ErrorEPC and clears ERL; BEV and EBase's upper bits
 * toggled; last, an exception with BEV = 1, which must stop the VM. */
UNIT_ASM_FN(a_erl_eret,
	"dla $t0, 1f\n dmtc0 $t0, $30\n mfc0 $t1, $12\n ori $t1, $t1, 4\n mtc0 $t1, $12\n ehb\n"
	"eret\n nop\n 1: jr $ra\n nop");
UNIT_ASM_FN(a_syscall, "syscall\n jr $ra\n nop");

void case_erl_bev(void)
{
	u64 ebase = read_c0_ebase();

	t_call(a_erl_eret, 0, 0);
	if (read_c0_status() & ST_ERL)
		BROKEN("ERL still set after eret");
	write_c0_status(ST_BASE | ST_BEV_BIT);
	write_c0_status(ST_BASE);
	dwrite_c0_ebase(~0UL);
	dwrite_c0_ebase(ebase);
	if (!t_call(a_syscall, 0, 0) || CA_EXC(trap.cause) != EXC_SYS)
		BROKEN("a syscall after the EBase games was not caught");
	tally[EXC_SYS]++;
	check_not_kernel("ERL, BEV and EBase");
	NOTE("a syscall with Status.BEV = 1 (the VM must stop)");
	verdict();
	write_c0_status(ST_BASE | ST_BEV_BIT);
	t_call(a_syscall, 0, 0);
	ESCAPE("an exception with BEV = 1 came back");
}

/* wait with interrupts masked: a vCPU that never runs again. The operator
 * stops it from the monitor prompt (tests/hostile.sh). */
void case_wait_forever(void)
{
	NOTE("wait with interrupts off, forever");
	verdict();
	write_c0_status(ST_BASE);
	write_c0_compare(read_c0_count() - 1);
	for (;;)
		__asm__ volatile("wait");
}
