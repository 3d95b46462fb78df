/*
 * Area f: user mode. eret to code in the user page, mapped at VA_USER
 * through the TLB (entry TLB_USER, global); every user snippet ends in an
 * exception that brings the CPU back to kernel mode (TRAP_ABORT restores
 * the kernel's Status). EPC values are user virtual addresses.
 */
#include "unit.h"

UNIT_ASM_FN(v_enter_user, "dmtc0 $a0, $14\n mtc0 $a1, $12\n ehb\n eret\n nop");

UNIT_USER_FN(u_syscall, "li $v0, 0x1234\n syscall");
UNIT_USER_FN(u_break, "break 9");
UNIT_USER_FN(u_ld_kseg0, "lui $t0, 0x8000\n lw $t1, 0($t0)");
UNIT_USER_FN(u_sd_kseg0, "lui $t0, 0x8000\n sw $t1, 0($t0)");
UNIT_USER_FN(u_ld_kseg1, "lui $t0, 0xa000\n lw $t1, 0($t0)");
UNIT_USER_FN(u_ld_ckseg, "lui $t0, 0xc000\n lw $t1, 0($t0)");
UNIT_USER_FN(u_ld_xsseg, "dli $t0, 0x4000000000100000\n ld $t1, 0($t0)");
UNIT_USER_FN(u_ld_xkphys, "dli $t0, 0x9000000000100000\n ld $t1, 0($t0)");
UNIT_USER_FN(u_mfc0, "mfc0 $t0, $12");
UNIT_USER_FN(u_mtc0, "mtc0 $zero, $14");
UNIT_USER_FN(u_tlbp, "tlbp");
UNIT_USER_FN(u_eret, "eret");
UNIT_USER_FN(u_di, "di $t0");
UNIT_USER_FN(u_wait, "wait");
UNIT_USER_FN(u_cache, "cache 0x15, 0($zero)");
UNIT_USER_FN(u_rdhwr_all,
	"rdhwr $v0, $0\n rdhwr $v1, $1\n rdhwr $a2, $2\n li $t0, 300\n"
	"1: bnez $t0, 1b\n addiu $t0, $t0, -1\n rdhwr $a3, $2\n rdhwr $t1, $3\n syscall");
UNIT_USER_FN(u_rdhwr0, "rdhwr $v0, $0\n syscall");
UNIT_USER_FN(u_rdhwr1, "rdhwr $v0, $1\n syscall");
UNIT_USER_FN(u_rdhwr2, "rdhwr $v0, $2\n syscall");
UNIT_USER_FN(u_rdhwr3, "rdhwr $v0, $3\n syscall");
UNIT_USER_FN(u_rdhwr29, "rdhwr $v0, $29\n syscall");
UNIT_USER_FN(u_dadd, "li $v0, 0x40000000\n daddu $v0, $v0, $v0\n syscall");
UNIT_USER_FN(u_unaligned, "lui $t0, 0x50\n lw $t1, 1($t0)");
UNIT_USER_FN(u_refill, "dli $t0, 0x123456008\n ld $t1, 0($t0)");
UNIT_USER_FN(u_refill32, "lui $t0, 0x60\n lw $t1, 8($t0)");
UNIT_USER_FN(u_jr_kseg0, "lui $t0, 0x8000\n jr $t0\n nop");
UNIT_USER_FN(u_jr_unmapped, "lui $t0, 0x70\n jr $t0\n nop");
UNIT_USER_FN(u_ds_syscall, "beq $zero, $zero, 1f\n syscall\n1: break 1");
UNIT_USER_FN(u_llsc,
	"lui $t0, 0x50\n ll $t1, 0x40($t0)\n addiu $t1, $t1, 1\n sc $t1, 0x40($t0)\n"
	"move $v0, $t1\n lw $v1, 0x40($t0)\n syscall");

#define ST_USER		(ST_BASE | ST_KSU_USER | ST_EXL)

/* run a user snippet with the given Status (KSU=user, EXL=1 for the eret) */
static void run_user(const void *fn, u64 status)
{
	map_user_page();
	map_data_pages();
	t_call(v_enter_user, user_va(fn), status);
	tlb_inval(TLB_USER);
	tlb_inval(TLB_DATA);
}

/* vec, exc, epc (user VA), Status.KSU and EXL as the exception left them */
static void user_trap(const char *name, const void *fn, u64 status, long want_exc)
{
	run_user(fn, status);
	t_begin(name);
	t_hex("vec", trap.vec);
	t_dec("exc", CA_EXC(trap.cause));
	t_hex("epc", trap.epc);
	t_dec("ksu", (trap.status >> 3) & 3);
	t_check(trap_count == 1 && CA_EXC(trap.cause) == (u64)want_exc);
	t_check(((trap.status >> 3) & 3) == 2 && (trap.status & ST_EXL));
}

static void test_basic(void)
{
	user_trap("user-syscall", u_syscall, ST_USER, EXC_SYS);
	t_hex("v0", trap.regs[2]);
	t_check(trap.regs[2] == 0x1234 && trap.epc == user_va(u_syscall) + 4 && trap.vec == 0x180);
	t_end();
	user_trap("user-break", u_break, ST_USER, EXC_BP);
	t_check(trap.epc == user_va(u_break));
	t_end();
	user_trap("user-ds-syscall", u_ds_syscall, ST_USER, EXC_SYS);
	t_dec("bd", CA_BD(trap.cause));
	t_check(CA_BD(trap.cause) && trap.epc == user_va(u_ds_syscall));
	t_end();
}

static void addr(const char *name, const void *fn, u64 bva, long exc)
{
	user_trap(name, fn, ST_USER, exc);
	t_hex("bva", trap.badvaddr);
	t_check(trap.badvaddr == bva && trap.vec == 0x180);
	t_end();
}

static void test_segments(void)
{
	addr("user-ld-kseg0", u_ld_kseg0, 0xffffffff80000000UL, EXC_ADEL);
	addr("user-sd-kseg0", u_sd_kseg0, 0xffffffff80000000UL, EXC_ADES);
	addr("user-ld-kseg1", u_ld_kseg1, 0xffffffffa0000000UL, EXC_ADEL);
	addr("user-ld-ckseg", u_ld_ckseg, 0xffffffffc0000000UL, EXC_ADEL);
	addr("user-ld-xsseg", u_ld_xsseg, 0x4000000000100000UL, EXC_ADEL);
	addr("user-ld-xkphys", u_ld_xkphys, 0x9000000000100000UL, EXC_ADEL);
	addr("user-unaligned", u_unaligned, VA_DATA + 1, EXC_ADEL);
	addr("user-jr-kseg0", u_jr_kseg0, 0xffffffff80000000UL, EXC_ADEL);

	user_trap("user-refill-xuseg", u_refill, ST_USER, EXC_TLBL);
	t_hex("bva", trap.badvaddr);
	t_trap_is(0x080, EXC_TLBL);
	t_end();
	user_trap("user-refill-useg-ux0", u_refill32, ST_USER & ~ST_UX, EXC_TLBL);
	t_hex("bva", trap.badvaddr);
	t_trap_is(0x000, EXC_TLBL);
	t_end();
	user_trap("user-fetch-unmapped", u_jr_unmapped, ST_USER, EXC_TLBL);
	t_hex("bva", trap.badvaddr);
	t_check(trap.epc == 0x700000 && trap.badvaddr == 0x700000 && trap.vec == 0x80);
	t_end();
}

static void cpu(const char *name, const void *fn)
{
	user_trap(name, fn, ST_USER, EXC_CPU);
	t_dec("ce", CA_CE(trap.cause));
	t_check(CA_CE(trap.cause) == 0 && trap.epc == user_va(fn));
	t_end();
}

static void test_privileged(void)
{
	cpu("user-mfc0", u_mfc0);
	cpu("user-mtc0", u_mtc0);
	cpu("user-tlbp", u_tlbp);
	cpu("user-eret", u_eret);
	cpu("user-di", u_di);
	cpu("user-wait", u_wait);
	cpu("user-cache", u_cache);
}

static void test_rdhwr(void)
{
	write_c0_hwrena(0xf);
	user_trap("user-rdhwr", u_rdhwr_all, ST_USER, EXC_SYS);
	write_c0_hwrena(0);
	t_dec("cpunum", trap.regs[2]);
	t_dec("synci_step", trap.regs[3]);
	t_dec("ccres", trap.regs[13]);
	t_yes("cc-advances", trap.regs[7] != trap.regs[6]);
	t_check(trap.regs[2] == 0 && trap.regs[7] != trap.regs[6]);
	t_end();

	static const char *const fns[4] = { u_rdhwr0, u_rdhwr1, u_rdhwr2, u_rdhwr3 };
	static const char *const keys[4] = { "hwr0", "hwr1", "hwr2", "hwr3" };
	t_begin("user-rdhwr-hwrena0");
	int all_ri = 1;
	for (int i = 0; i < 4; i++) {
		run_user(fns[i], ST_USER);
		t_dec(keys[i], CA_EXC(trap.cause));
		if (CA_EXC(trap.cause) != EXC_RI || trap.epc != user_va(fns[i]))
			all_ri = 0;
	}
	t_check(all_ri);
	t_end();

	write_c0_hwrena(1 << 2);
	t_begin("user-rdhwr-hwrena-cc-only");
	int ok = 1;
	for (int i = 0; i < 4; i++) {
		run_user(fns[i], ST_USER);
		t_dec(keys[i], CA_EXC(trap.cause));
		if (CA_EXC(trap.cause) != (i == 2 ? EXC_SYS : EXC_RI))
			ok = 0;
	}
	write_c0_hwrena(0);
	t_check(ok);
	t_end();

	write_c0_hwrena(~0UL);
	user_trap("user-rdhwr29", u_rdhwr29, ST_USER, EXC_RI);
	write_c0_hwrena(0);
	t_end();
}

static void test_64bit(void)
{
	user_trap("user-daddu-ux1", u_dadd, ST_USER, EXC_SYS);
	t_hex("v0", trap.regs[2]);
	t_check(trap.regs[2] == 0x80000000UL);
	t_end();
	user_trap("user-daddu-ux0", u_dadd, ST_USER & ~ST_UX, EXC_RI);
	t_check(trap.epc == user_va(u_dadd) + 4);
	t_end();
}

static void test_llsc(void)
{
	*(volatile u32 *)plat_phys_to_virt(PHYS_DATA + 0x40) = 41;
	user_trap("user-ll-sc", u_llsc, ST_USER, EXC_SYS);
	t_dec("sc", trap.regs[2]);
	t_dec("mem", trap.regs[3]);
	t_check(trap.regs[2] == 1 && trap.regs[3] == 42);
	t_end();
}

void tests_user(void)
{
	test_basic();
	test_segments();
	test_privileged();
	test_rdhwr();
	test_64bit();
	test_llsc();
	tlb_scratch_clear();
}
