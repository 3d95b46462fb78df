/*
 * Area b: every exception a guest can cause, with the state the CPU sets:
 * vector offset, ExcCode, BD, CE, EPC (relative to the victim), BadVAddr,
 * Context, XContext, EntryHi, Status.EXL.
 */
#include "unit.h"

UNIT_ASM_FN(v_ld, "ld $t0, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_sd, "sd $a1, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_ld_st, "mtc0 $a1, $12\n ehb\n ld $t0, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_jump, "jr $a0\n nop");
UNIT_ASM_FN(v_lw, "lw $t0, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_lh, "lh $t0, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_sw, "sw $a1, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_sh, "sh $a1, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_syscall, "syscall\n jr $ra\n nop");
UNIT_ASM_FN(v_syscall_skip, "li $t0, 0\n syscall\n li $t0, 1\n sd $t0, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_break, "break 7\n jr $ra\n nop");
UNIT_ASM_FN(v_ri, "nop\n .word 0xec000000\n jr $ra\n nop");
UNIT_ASM_FN(v_ri_a, ".word 0x7c00003f\n jr $ra\n nop");
UNIT_ASM_FN(v_ri_b, ".word 0x7000003e\n jr $ra\n nop");
UNIT_ASM_FN(v_ri_c, ".word 0x00000028\n jr $ra\n nop");
UNIT_ASM_FN(v_ri_e, ".word 0x04050000\n jr $ra\n nop");
UNIT_ASM_FN(v_teq, "teq $zero, $zero\n jr $ra\n nop");
UNIT_ASM_FN(v_teqi_no, "teqi $a0, 1\n jr $ra\n nop");
UNIT_ASM_FN(v_tgeu, "tgeu $a0, $a1\n jr $ra\n nop");
UNIT_ASM_FN(v_add_ov,
	"li $t1, 0x7fffffff\n li $t2, 1\n li $t0, 0x55\n add $t0, $t1, $t2\n jr $ra\n nop");
UNIT_ASM_FN(v_sub_ov,
	"li $t1, 0x80000000\n li $t2, 1\n li $t0, 0x55\n sub $t0, $t1, $t2\n jr $ra\n nop");
UNIT_ASM_FN(v_addi_ov, "li $t1, 0x7fffffff\n li $t0, 0x55\n addi $t0, $t1, 1\n jr $ra\n nop");
UNIT_ASM_FN(v_dadd_ov,
	"dli $t1, 0x7fffffffffffffff\n li $t2, 1\n li $t0, 0x55\n dadd $t0, $t1, $t2\n jr $ra\n nop");
UNIT_ASM_FN(v_addu_no,
	"li $t1, 0x7fffffff\n li $t2, 1\n addu $t0, $t1, $t2\n sd $t0, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_mfc1, ".set hardfloat\n mfc1 $t0, $f0\n jr $ra\n nop");
UNIT_ASM_FN(v_lwc1, ".set hardfloat\n lwc1 $f0, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_lwxc1, ".set hardfloat\n lwxc1 $f0, $zero($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_lwc2, "lwc2 $0, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_mfc2, ".word 0x48080000\n jr $ra\n nop");	/* mfc2 t0, $0 */
UNIT_ASM_FN(v_cu1_on, "mtc0 $a1, $12\n ehb\n .set hardfloat\n mfc1 $t0, $f0\n jr $ra\n nop");
UNIT_ASM_FN(v_swint,
	"mtc0 $a0, $12\n ehb\n mtc0 $a1, $13\n ehb\n nop\n nop\n nop\n nop\n jr $ra\n nop");
UNIT_ASM_FN(v_nested_ld,
	"dmtc0 $a1, $14\n mfc0 $t1, $12\n ori $t1, $t1, 2\n mtc0 $t1, $12\n ehb\n"
	"ld $t0, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_nested_sys,
	"dmtc0 $a1, $14\n mfc0 $t1, $12\n ori $t1, $t1, 2\n mtc0 $t1, $12\n ehb\n"
	"syscall\n jr $ra\n nop");
UNIT_ASM_FN(v_exl_ksu,
	"mtc0 $a1, $12\n ehb\n mfc0 $t0, $12\n sd $t0, 0($a0)\n jr $ra\n nop");

#define VA_PROBE	0x0000000000580000UL	/* mapped by some tests */

/* One refill test: VA at the given Status, ASID 0x5a; two lines */
static void refill(const char *name, const void *fn, u64 va, u64 status, u64 want_vec, u64 want_exc)
{
	set_asid(0x5a);
	t_call(fn, va, status);
	set_asid(0);
	t_begin(name);
	t_hex("vec", trap.vec);
	t_dec("exc", CA_EXC(trap.cause));
	t_rel("epc", trap.epc, fn, fn == v_ld ? "v_ld" : fn == v_sd ? "v_sd" : "v_ld_st");
	t_hex("bva", trap.badvaddr);
	t_hex("ehi", trap.entryhi);
	/* BD=0 and EXL=1 checked, not printed (line length) */
	t_check(trap.badvaddr == va && (trap.status & ST_EXL) && !CA_BD(trap.cause));
	t_check(trap.entryhi == ((va & ~0x1fffUL & 0xc00003ffffffffffUL) | 0x5a));
	if (want_vec != ~0UL)
		t_trap_is(want_vec, want_exc);
	else
		t_check(trap_count == 1 && CA_EXC(trap.cause) == want_exc);
	t_end();

	/* Context.BadVPN2 = VA[31:13]; XContext: R = VA[63:62], BadVPN2 = VA[41:13] */
	t_begin2(name, "-ctx");
	t_hex("ctx", trap.context);
	t_hex("xctx", trap.xcontext);
	t_check(trap.context == ((va >> 9) & 0x7ffff0));
	t_check(trap.xcontext == ((va >> 62) << 33 | ((va >> 13) & 0x1fffffff) << 4));
	t_end();
}

static void test_refills(void)
{
	refill("exc-refill-xuseg-ld", v_ld, VA_UNMAPPED, 0, 0x080, EXC_TLBL);
	refill("exc-refill-xuseg-sd", v_sd, VA_UNMAPPED, 0, 0x080, EXC_TLBS);
	refill("exc-refill-useg-ux0", v_ld_st, VA_UNMAPPED32, ST_BASE & ~ST_UX, 0x000, EXC_TLBL);
	refill("exc-refill-useg-ux1", v_ld_st, VA_UNMAPPED32, ST_BASE, 0x080, EXC_TLBL);
	refill("exc-refill-ck-kx1", v_ld, VA_CKSSEG, 0, ~0UL, EXC_TLBL);
	refill("exc-refill-ck-kx0", v_ld_st, VA_CKSSEG, ST_BASE & ~ST_KX, ~0UL, EXC_TLBL);
}

static void test_refill_ifetch(void)
{
	t_call(v_jump, 0x700000, 0);
	t_begin("exc-refill-ifetch");
	t_hex("vec", trap.vec);
	t_dec("exc", CA_EXC(trap.cause));
	t_dec("bd", CA_BD(trap.cause));
	t_hex("epc", trap.epc);
	t_hex("bva", trap.badvaddr);
	t_trap_is(0x080, EXC_TLBL);
	t_check(trap.epc == 0x700000 && trap.badvaddr == 0x700000 && !CA_BD(trap.cause));
	t_end();
}

/* VA_PROBE mapped with the given EntryLo flags (both pages) */
static void map_probe(u64 flags)
{
	tlb_set(2, VA_PROBE, ENTRYLO_PFN(PHYS_DATA + 0x2000) | flags,
		ENTRYLO_PFN(PHYS_DATA + 0x3000) | flags, PM_4K);
}

static void tlb_fault(const char *name, const void *fn, const char *fname, u64 flags,
		      u64 va, u64 want_exc)
{
	map_probe(flags);
	t_call(fn, va, 0x77);
	tlb_inval(2);
	t_begin(name);
	t_trap(fn, fname);
	t_hex("bva", trap.badvaddr);
	t_hex("ehi", trap.entryhi);
	t_trap_is(0x180, want_exc);
	t_check(trap.badvaddr == va && trap.entryhi == (va & ~0x1fffUL));
	t_end();
}

static void test_tlb_faults(void)
{
	u64 c3 = ENTRYLO_C(3) | ENTRYLO_G;

	tlb_fault("exc-tlb-invalid-ld", v_ld, "v_ld", c3 | ENTRYLO_D, VA_PROBE + 0x10, EXC_TLBL);
	tlb_fault("exc-tlb-invalid-sd", v_sd, "v_sd", c3 | ENTRYLO_D, VA_PROBE + 0x1010, EXC_TLBS);
	tlb_fault("exc-tlb-modified", v_sd, "v_sd", c3 | ENTRYLO_V, VA_PROBE + 0x18, EXC_MOD);

	map_probe(c3);
	t_call(v_jump, VA_PROBE + 0x1000, 0);
	tlb_inval(2);
	t_begin("exc-tlb-invalid-ifetch");
	t_hex("vec", trap.vec);
	t_dec("exc", CA_EXC(trap.cause));
	t_hex("epc", trap.epc);
	t_hex("bva", trap.badvaddr);
	t_trap_is(0x180, EXC_TLBL);
	t_check(trap.epc == VA_PROBE + 0x1000 && trap.badvaddr == trap.epc);
	t_end();
}

static void addr_err(const char *name, const void *fn, const char *fname, u64 va, u64 want_exc)
{
	t_call(fn, va, 0x1234);
	t_begin(name);
	t_trap(fn, fname);
	t_hex("bva", trap.badvaddr);
	t_trap_is(0x180, want_exc);
	t_check(trap.badvaddr == va && trap.epc == (u64)fn);
	t_end();
}

static void test_address_errors(void)
{
	map_data_pages();
	addr_err("exc-adel-lw", v_lw, "v_lw", VA_DATA + 1, EXC_ADEL);
	addr_err("exc-adel-ld", v_ld, "v_ld", VA_DATA + 4, EXC_ADEL);
	addr_err("exc-adel-lh", v_lh, "v_lh", VA_DATA + 1, EXC_ADEL);
	addr_err("exc-ades-sw", v_sw, "v_sw", VA_DATA + 2, EXC_ADES);
	addr_err("exc-ades-sd", v_sd, "v_sd", VA_DATA + 0x1004, EXC_ADES);
	addr_err("exc-ades-sh", v_sh, "v_sh", VA_DATA + 3, EXC_ADES);
	addr_err("exc-adel-xuseg-segbits", v_ld, "v_ld", 0x0000040000000000UL, EXC_ADEL);
	addr_err("exc-ades-xuseg-segbits", v_sd, "v_sd", 0x0000040000000100UL, EXC_ADES);
	tlb_inval(TLB_DATA);

	map_user_page();
	t_call(v_jump, VA_USER + 2, 0);
	tlb_inval(TLB_USER);
	t_begin("exc-adel-ifetch");
	t_hex("vec", trap.vec);
	t_dec("exc", CA_EXC(trap.cause));
	t_hex("epc", trap.epc);
	t_hex("bva", trap.badvaddr);
	t_trap_is(0x180, EXC_ADEL);
	t_check(trap.epc == VA_USER + 2 && trap.badvaddr == VA_USER + 2);
	t_end();
}

static void simple(const char *name, const void *fn, const char *fname, u64 a0, u64 a1,
		   long want_exc)
{
	t_call(fn, a0, a1);
	t_begin(name);
	t_trap(fn, fname);
	if (want_exc < 0)
		t_check(trap_count == 0);
	else
		t_trap_is(0x180, want_exc);
}

static void test_simple(void)
{
	simple("exc-syscall", v_syscall, "v_syscall", 0, 0, EXC_SYS);
	t_check(trap.epc == (u64)v_syscall && !CA_BD(trap.cause));
	t_end();

	res[0] = 0;
	trap_mode = TRAP_SKIP;
	simple("exc-syscall-resume", v_syscall_skip, "v_syscall_skip", (u64)res, 0, EXC_SYS);
	t_dec("resumed", res[0]);
	t_check(res[0] == 1 && trap.epc == (u64)v_syscall_skip + 4);
	t_end();

	simple("exc-break", v_break, "v_break", 0, 0, EXC_BP);
	t_end();
	simple("exc-ri-opcode3b", v_ri, "v_ri", 0, 0, EXC_RI);
	t_check(trap.epc == (u64)v_ri + 4);
	t_end();
	simple("exc-ri-special3-3f", v_ri_a, "v_ri_a", 0, 0, EXC_RI);
	t_end();
	simple("exc-ri-special2-3e", v_ri_b, "v_ri_b", 0, 0, EXC_RI);
	t_end();
	simple("exc-ri-special-28", v_ri_c, "v_ri_c", 0, 0, EXC_RI);
	t_end();
	simple("exc-ri-regimm-05", v_ri_e, "v_ri_e", 0, 0, EXC_RI);
	t_end();
	simple("exc-trap-teq", v_teq, "v_teq", 0, 0, EXC_TR);
	t_end();
	simple("exc-trap-teqi-untaken", v_teqi_no, "v_teqi_no", 0, 0, -1);
	t_end();
	simple("exc-trap-tgeu", v_tgeu, "v_tgeu", 5, 3, EXC_TR);
	t_end();
}

static void overflow(const char *name, const void *fn, const char *fname, u64 off)
{
	simple(name, fn, fname, 0, 0, EXC_OV);
	t_hex("rd", trap.regs[12]);
	t_check(trap.regs[12] == 0x55 && trap.epc == (u64)fn + off);
	t_end();
}

static void test_overflow(void)
{
	overflow("exc-ov-add", v_add_ov, "v_add_ov", 16);
	overflow("exc-ov-sub", v_sub_ov, "v_sub_ov", 12);
	overflow("exc-ov-addi", v_addi_ov, "v_addi_ov", 12);
	overflow("exc-ov-dadd", v_dadd_ov, "v_dadd_ov", 16);

	res[0] = 0;
	simple("exc-addu-no-ov", v_addu_no, "v_addu_no", (u64)res, 0, -1);
	t_want("rd", res[0], 0xffffffff80000000UL);
	t_end();
}

static void test_cpu(void)
{
	map_data_pages();
	simple("exc-cpu-mfc1", v_mfc1, "v_mfc1", 0, 0, EXC_CPU);
	t_want("ce", CA_CE(trap.cause), 1);
	t_end();
	simple("exc-cpu-lwc1", v_lwc1, "v_lwc1", VA_DATA, 0, EXC_CPU);
	t_want("ce", CA_CE(trap.cause), 1);
	t_end();
	simple("exc-cpu-lwxc1", v_lwxc1, "v_lwxc1", VA_DATA, 0, EXC_CPU);
	t_want("ce", CA_CE(trap.cause), 1);
	t_end();
	simple("exc-cpu-lwc2", v_lwc2, "v_lwc2", VA_DATA, 0, EXC_CPU);
	t_want("ce", CA_CE(trap.cause), 2);
	t_end();
	/* QEMU decodes COP2 as Loongson MMI: print what it does */
	t_call(v_mfc2, 0, 0);
	t_begin("exc-mfc2");
	T_TRAP(v_mfc2);
	if (CA_EXC(trap.cause) == EXC_CPU)
		t_dec("ce", CA_CE(trap.cause));
	t_end();
	simple("exc-cu1-on-mfc1", v_cu1_on, "v_cu1_on", 0, ST_BASE | ST_CU1, -1);
	t_end();
	tlb_inval(TLB_DATA);
}

static void swint(const char *name, u64 iv, u64 ip, int n)
{
	write_c0_cause(iv);
	trap_mode = TRAP_SKIP;
	t_call(v_swint, ST_BASE | ST_IE | ST_IM(n), iv | ip);
	u64 cause_after = read_c0_cause();
	write_c0_cause(0);
	t_begin(name);
	t_hex("vec", trap.vec);
	t_dec("exc", CA_EXC(trap.cause));
	t_hex("ip1:0", (trap.cause >> 8) & 3);
	t_yes("epc-in-window", trap.epc >= (u64)v_swint + 8 && trap.epc <= (u64)v_swint + 28);
	t_hex("ip-after", (cause_after >> 8) & 3);
	t_trap_is(iv ? 0x200 : 0x180, EXC_INT);
	t_check(((trap.cause >> 8) & 3) == (ip >> 8) && ((cause_after >> 8) & 3) == 0);
	t_check(trap.epc >= (u64)v_swint + 8 && trap.epc <= (u64)v_swint + 28);
	t_end();
}

static void test_interrupts(void)
{
	swint("exc-int-sw0-180", 0, CA_IP(0), 0);
	swint("exc-int-sw1-200", CA_IV, CA_IP(1), 1);
	swint("exc-int-sw0-200", CA_IV, CA_IP(0), 0);
}

static void test_nested(void)
{
	t_call(v_nested_ld, VA_UNMAPPED, 0xabc000);
	t_begin("exc-nested-exl-refill");
	t_hex("vec", trap.vec);
	t_dec("exc", CA_EXC(trap.cause));
	t_hex("epc", trap.epc);
	t_hex("bva", trap.badvaddr);
	t_hex("ehi", trap.entryhi);
	t_trap_is(0x180, EXC_TLBL);
	t_check(trap.epc == 0xabc000 && trap.badvaddr == VA_UNMAPPED);
	t_end();

	t_call(v_nested_sys, 0, 0xabd000);
	t_begin("exc-nested-exl-syscall");
	t_hex("vec", trap.vec);
	t_dec("exc", CA_EXC(trap.cause));
	t_hex("epc", trap.epc);
	t_trap_is(0x180, EXC_SYS);
	t_check(trap.epc == 0xabd000);
	t_end();

	/* EXL=1 with KSU=user is kernel mode: mfc0 runs */
	res[0] = 0;
	t_call(v_exl_ksu, (u64)res, ST_BASE | ST_KSU_USER | ST_EXL);
	write_c0_status(ST_BASE);
	t_begin("exc-exl-overrides-ksu");
	t_str("exc", trap_count ? "taken" : "none");
	t_hex("status", res[0]);
	t_check(trap_count == 0 && res[0] == (ST_BASE | ST_KSU_USER | ST_EXL));
	t_end();
}

void tests_exc(void)
{
	test_refills();
	test_refill_ifetch();
	test_tlb_faults();
	test_address_errors();
	test_simple();
	test_overflow();
	test_cpu();
	test_interrupts();
	test_nested();
	tlb_scratch_clear();
}
