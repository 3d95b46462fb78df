/*
 * Area h: xsseg and supervisor mode (KSU = 1). Code runs in the user page
 * (VA_USER, useg, reachable in every mode); xsseg goes through the TLB
 * (SX = 1) or is an address error (SX = 0), and kseg0/kseg1/xkphys are
 * address errors. Under disco the guest's kernel direct map (the cached
 * window, in xsseg) exists only in kernel mode: each test first uses the
 * kernel's direct map of the address it then tries from supervisor mode,
 * so a translation left over from kernel mode would show (the window is
 * 0x4000000000000000 + physical, the very address a supervisor program
 * names; the bare build's kernel direct map is kseg0). Entries 2 and 3 map
 * xsseg and CKSSEG.
 */
#include "unit.h"

#define XSSEG		0x4000000000000000UL
#define PHYS_WIN	PHYS_SUP		/* used through the kernel's direct map */
#define PHYS_HIDDEN	(PHYS_SUP + 0x10000)	/* xsseg there is mapped elsewhere: */
#define PHYS_OTHER	(PHYS_SUP + 0x20000)	/*   to this page */
#define VA_XSSEG_HIGH	0x4000020000800000UL	/* xsseg past disco's windows */
#define TLB_XSSEG	2
#define TLB_CKSSEG	3
#define ST_SUP		(1UL << 3)
#define ST_CU0		(1UL << 28)

#define VAL_WIN		0x5757575700000001UL
#define VAL_HIDDEN	0x5757575700000002UL
#define VAL_OTHER	0x5757575700000003UL

/*
 * Enter a mode at VA_USER with registers from *a0: the kernel first loads
 * from a3 (its direct map), then erets with EPC, Status; the snippet finds
 * a2 (the address to try), a3, a4 (a second Status), a5 (a routine that
 * writes Status = a4) and a6 (the shared area).
 */
struct enter_args {
	u64 epc, status, addr, kaddr, status2, set_status, area;
};
UNIT_ASM_FN(v_enter_args,
	"ld $a2, 16($a0)\n ld $a3, 24($a0)\n ld $a4, 32($a0)\n ld $a5, 40($a0)\n"
	"ld $a6, 48($a0)\n ld $t1, 0($a3)\n ld $t0, 0($a0)\n ld $t1, 8($a0)\n"
	"dmtc0 $t0, $14\n mtc0 $t1, $12\n ehb\n eret\n nop");

/* load a2 into v0 */
UNIT_USER_FN(s_ld, "ld $v0, 0($a2)\n syscall");
/* kernel mode: use a3, write Status = a4, then load a2 */
UNIT_USER_FN(s_mtc0_ld, "ld $t1, 0($a3)\n mtc0 $a4, $12\n ehb\n ld $v0, 0($a2)\n syscall");
/* supervisor mode with CU0: load a2 into v1, Status = a4, load a3 into v0 */
UNIT_USER_FN(s_ld_mtc0_ld,
	"ld $v1, 0($a2)\n mtc0 $a4, $12\n ehb\n ld $v0, 0($a3)\n syscall");
/* kernel mode: use a3, call a5 (Status = a4), then load a2 */
UNIT_USER_FN(s_call_ld, "ld $t1, 0($a3)\n jalr $a5\n nop\n ld $v0, 0($a2)\n syscall");
/* Status = a4, two ways: mtc0 (the bare machine), or a disco guest's
 * shared area (status_next at 64, status_set at 72), which the next trap
 * applies before anything else; here an rdhwr of CC (it always traps under
 * disco, and HWREna lets it run in the new mode) */
UNIT_USER_FN(s_status_mtc0, "mtc0 $a4, $12\n ehb\n jr $ra\n nop");
UNIT_USER_FN(s_status_shared,
	"sd $a4, 64($a6)\n li $t2, 1\n sw $t2, 72($a6)\n rdhwr $t2, $2\n jr $ra\n nop");

static u64 shared_area;

static u64 kmap(u64 pa)
{
	return (u64)plat_phys_to_virt(pa);
}

/* Runs snippet fn in the mode status gives (with EXL for the eret). */
static void enter(const void *fn, u64 status, u64 addr, u64 kaddr, u64 status2)
{
	static struct enter_args args;

	args.epc = user_va(fn);
	args.status = status | ST_EXL;
	args.addr = addr;
	args.kaddr = kaddr;
	args.status2 = status2;
	args.set_status = user_va(shared_area ? s_status_shared : s_status_mtc0);
	args.area = shared_area;
	map_user_page();
	t_call(v_enter_args, (u64)&args, 0);
	tlb_inval(TLB_USER);
}

/* The exception that ended a snippet: its vector, ExcCode and BadVAddr,
 * or the value it loaded into v0 (a syscall). */
static void outcome(u64 want_vec, u64 want_exc, u64 want_bva)
{
	t_dec("ksu", (trap.status >> 3) & 3);
	if (trap_count == 1 && CA_EXC(trap.cause) == EXC_SYS) {
		t_str("exc", "none");
		t_hex("v0", trap.regs[2]);
	} else {
		t_hex("vec", trap.vec);
		t_dec("exc", CA_EXC(trap.cause));
		t_hex("bva", trap.badvaddr);
	}
	t_trap_is(want_vec, want_exc);
	t_check(trap.badvaddr == want_bva);
}

/* Through the uncached direct map: the cached one stays unused until the
 * kernel reads PHYS_HIDDEN after supervisor mode mapped its xsseg address. */
static void set_values(void)
{
	*(volatile u64 *)plat_phys_to_uncached(PHYS_HIDDEN) = VAL_HIDDEN;
	*(volatile u64 *)plat_phys_to_uncached(PHYS_OTHER) = VAL_OTHER;
	*(volatile u64 *)plat_phys_to_uncached(PHYS_WIN) = VAL_WIN;
}

/* xsseg mapped by the TLB in supervisor mode, where disco's kernel has its
 * window; then kernel mode's direct map of the same physical page: its own
 * data, not the supervisor mapping's. */
static void test_mapped(void)
{
	u64 va = XSSEG + PHYS_HIDDEN, flags = ENTRYLO_C(3) | ENTRYLO_V | ENTRYLO_G;

	tlb_set(TLB_XSSEG, va, ENTRYLO_PFN(PHYS_OTHER) | flags, ENTRYLO_G, PM_4K);
	enter(s_ld, ST_BASE | ST_SUP, va, kmap(PHYS_DATA), 0);
	t_begin("sup-ld-xsseg-mapped");
	t_dec("ksu", (trap.status >> 3) & 3);
	t_hex("v0", trap.regs[2]);
	t_trap_is(0x180, EXC_SYS);
	t_check(trap.regs[2] == VAL_OTHER);
	t_end();

	t_begin("sup-then-kernel-direct-map");
	t_hex("value", *phys64(PHYS_HIDDEN));
	t_check(*phys64(PHYS_HIDDEN) == VAL_HIDDEN);
	t_end();

	/* the same the other way: supervisor (with CU0) writes Status itself */
	enter(s_ld_mtc0_ld, ST_BASE | ST_SUP | ST_CU0, va, kmap(PHYS_HIDDEN), ST_BASE | ST_CU0);
	t_begin("sup-mtc0-kernel-direct-map");
	t_dec("ksu", (trap.status >> 3) & 3);
	t_hex("sup", trap.regs[3]);
	t_hex("kernel", trap.regs[2]);
	t_trap_is(0x180, EXC_SYS);
	t_check(trap.regs[3] == VAL_OTHER && trap.regs[2] == VAL_HIDDEN);
	t_check(((trap.status >> 3) & 3) == 0);
	t_end();
	tlb_inval(TLB_XSSEG);
}

static void sup_access(const char *name, const void *fn, u64 status, u64 va,
		       u64 want_vec, u64 want_exc)
{
	enter(fn, status, va, kmap(PHYS_WIN), ST_BASE | ST_SUP);
	t_begin(name);
	outcome(want_vec, want_exc, va);
	t_end();
}

/* Unmapped xsseg, the kernel's segments, CKSSEG, from supervisor mode:
 * never the kernel's direct map. */
static void test_segments(void)
{
	u64 win = XSSEG + PHYS_WIN;

	sup_access("sup-ld-xsseg-refill", s_ld, ST_BASE | ST_SUP, win, 0x080, EXC_TLBL);
	sup_access("sup-mtc0-ld-xsseg-refill", s_mtc0_ld, ST_BASE, win, 0x080, EXC_TLBL);
	write_c0_hwrena(1 << 2);
	sup_access("sup-shared-ld-xsseg-refill", s_call_ld, ST_BASE, win, 0x080, EXC_TLBL);
	write_c0_hwrena(0);
	sup_access("sup-ld-xsseg-sx0", s_ld, (ST_BASE & ~ST_SX) | ST_SUP, win, 0x180, EXC_ADEL);
	sup_access("sup-ld-kseg0", s_ld, ST_BASE | ST_SUP, 0xffffffff80000000UL + PHYS_WIN,
		   0x180, EXC_ADEL);
	sup_access("sup-ld-kseg1", s_ld, ST_BASE | ST_SUP, 0xffffffffa0000000UL + PHYS_WIN,
		   0x180, EXC_ADEL);
	sup_access("sup-ld-xkphys", s_ld, ST_BASE | ST_SUP, 0x9800000000000000UL + PHYS_WIN,
		   0x180, EXC_ADEL);
	sup_access("sup-ld-cksseg-refill", s_ld, ST_BASE | ST_SUP, VA_CKSSEG, 0x080, EXC_TLBL);
	sup_access("sup-ld-cksseg-refill-kx0", s_ld, (ST_BASE & ~ST_KX) | ST_SUP, VA_CKSSEG,
		   0x000, EXC_TLBL);

	tlb_set(TLB_CKSSEG, VA_CKSSEG & ~0x1fffUL,
		ENTRYLO_PFN(PHYS_OTHER) | ENTRYLO_C(3) | ENTRYLO_V | ENTRYLO_G, ENTRYLO_G, PM_4K);
	enter(s_ld, ST_BASE | ST_SUP, VA_CKSSEG & ~0xfffUL, kmap(PHYS_WIN), 0);
	t_begin("sup-ld-cksseg-mapped");
	t_hex("v0", trap.regs[2]);
	t_trap_is(0x180, EXC_SYS);
	t_check(trap.regs[2] == VAL_OTHER);
	t_end();
	tlb_inval(TLB_CKSSEG);

	t_begin("sup-then-kernel-direct-map-again");
	t_hex("value", *phys64(PHYS_WIN));
	t_check(*phys64(PHYS_WIN) == VAL_WIN);
	t_end();
}

/* Kernel mode: xsseg past disco's windows through the TLB with SX = 1,
 * then with SX = 0 an address error although the translation was used. */
static void test_kernel_sx(void)
{
	u64 flags = ENTRYLO_C(3) | ENTRYLO_V | ENTRYLO_G;

	tlb_set(TLB_XSSEG, VA_XSSEG_HIGH, ENTRYLO_PFN(PHYS_OTHER) | flags, ENTRYLO_G, PM_4K);
	t_begin("kernel-xsseg-sx1-then-sx0");
	t_hex("sx1", *(volatile u64 *)VA_XSSEG_HIGH);
	t_check(*(volatile u64 *)VA_XSSEG_HIGH == VAL_OTHER);
	t_call(v_ld_st, VA_XSSEG_HIGH, ST_BASE & ~ST_SX);
	if (trap_count) {
		t_dec("sx0-exc", CA_EXC(trap.cause));
		t_hex("bva", trap.badvaddr);
	} else {
		t_str("sx0-exc", "none");
	}
	t_trap_is(0x180, EXC_ADEL);
	t_check(trap.badvaddr == VA_XSSEG_HIGH);
	t_end();
	tlb_inval(TLB_XSSEG);
}

void tests_xsseg(void)
{
	shared_area = plat_shared_area();	/* from here on, in a VM */
	set_values();
	test_mapped();
	test_segments();
	test_kernel_sx();
	tlb_scratch_clear();
}
