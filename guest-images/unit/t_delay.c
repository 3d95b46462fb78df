/*
 * Area c: delay slots. Each branch kind runs a privileged instruction in its
 * delay slot (trapped and emulated under disco, which must then complete
 * the branch): mfc0 EPC, dmfc0 ErrorEPC, mtc0 EPC or tlbp. Printed: the
 * value read or written (slot=), the path (taken/fallthrough) and the link
 * register relative to the victim. Then exceptions raised in delay slots
 * (EPC = the branch, BD = 1) and nullified slots of branch-likelies.
 */
#include "unit.h"

#define PRESET_EPC	0x12345678UL
#define PRESET_ERREPC	0xabcdef000UL
#define PRESET_INDEX	0x3fUL
#define MT_VALUE	0x4321UL
#define UNTOUCHED	0xdeadUL

/* t9 = return address, t3 = slot result; t2 = value for mtc0 */
#define PRE	"move $t9, $ra\n li $t3, 0xdead\n li $t2, 0x4321\n"
/* fallthrough: path 1; label 8: taken, path 2; at 9: read back, store */
#define POST(rd) \
	"li $v0, 1\n b 9f\n nop\n8: li $v0, 2\n9: " rd "\n" \
	"sd $t3, 0($a0)\n sd $v0, 8($a0)\n sd $ra, 16($a0)\n sd $t2, 24($a0)\n jr $t9\n nop\n"

#define S_EPC	"mfc0 $t3, $14"
#define S_EE	"dmfc0 $t3, $30"
#define S_MT	"mtc0 $t2, $14"
#define S_TLBP	"tlbp"
#define R_EPC	"nop"
#define R_EE	"nop"
#define R_MT	"dmfc0 $t3, $14"
#define R_TLBP	"mfc0 $t3, $0"

#define DS(name, setup, branch, kind) \
	UNIT_ASM_FN(name, PRE setup "\n" branch "\n " S_##kind "\n" POST(R_##kind))

enum slot_kind { K_EPC, K_EE, K_MT, K_TLBP };

/* conditional branches: taken (_t) and not taken (_u) */
#define DS2(name, cond_t, cond_u, branch, slot) \
	DS(name##_t, cond_t, branch, slot); DS(name##_u, cond_u, branch, slot)

DS2(ds_beq, "li $t0, 1\n li $t1, 1", "li $t0, 1\n li $t1, 2", "beq $t0, $t1, 8f", EPC);
DS2(ds_bne, "li $t0, 1\n li $t1, 2", "li $t0, 1\n li $t1, 1", "bne $t0, $t1, 8f", MT);
DS2(ds_blez, "li $t0, -1", "li $t0, 1", "blez $t0, 8f", EE);
DS2(ds_bgtz, "li $t0, 1", "li $t0, 0", "bgtz $t0, 8f", TLBP);
DS2(ds_bltz, "li $t0, -1", "li $t0, 0", "bltz $t0, 8f", EPC);
DS2(ds_bgez, "li $t0, 0", "li $t0, -1", "bgez $t0, 8f", EE);
DS2(ds_beql, "li $t0, 1\n li $t1, 1", "li $t0, 1\n li $t1, 2", "beql $t0, $t1, 8f", EPC);
DS2(ds_bnel, "li $t0, 1\n li $t1, 2", "li $t0, 1\n li $t1, 1", "bnel $t0, $t1, 8f", MT);
DS2(ds_blezl, "li $t0, 0", "li $t0, 1", "blezl $t0, 8f", EE);
DS2(ds_bgtzl, "li $t0, 1", "li $t0, -1", "bgtzl $t0, 8f", TLBP);
DS2(ds_bltzl, "li $t0, -1", "li $t0, 0", "bltzl $t0, 8f", EPC);
DS2(ds_bgezl, "li $t0, 1", "li $t0, -1", "bgezl $t0, 8f", MT);
DS2(ds_bltzal, "li $t0, -1", "li $t0, 1", "bltzal $t0, 8f", EPC);
DS2(ds_bgezal, "li $t0, 0", "li $t0, -1", "bgezal $t0, 8f", EE);
DS2(ds_bltzall, "li $t0, -1", "li $t0, 0", "bltzall $t0, 8f", TLBP);
DS2(ds_bgezall, "li $t0, 1", "li $t0, -1", "bgezall $t0, 8f", MT);
DS(ds_j, "", "j 8f", EPC);
DS(ds_jal, "", "jal 8f", MT);
DS(ds_jr, ".set at\n dla $t0, 8f\n .set noat", "jr $t0", EE);
DS(ds_jalr, ".set at\n dla $t0, 8f\n .set noat", "jalr $t0", TLBP);
/* jalr with rd = t2: the link goes to t2 (stored as res[3]) */
UNIT_ASM_FN(ds_jalr_rd, PRE ".set at\n dla $t0, 8f\n .set noat\n jalr $t2, $t0\n " S_EPC "\n"
	    POST(R_EPC));

struct ds_case {
	const char *name, *sym;
	const char *fn;
	enum slot_kind kind;
	int taken;	/* 1 taken, 0 not */
	int likely;	/* slot nullified when not taken */
	int link;	/* 0 none, 1 ra, 2 t2 */
};

#define C2(base, sym, kind, likely, link) \
	{ base "-taken", #sym "_t", sym##_t, kind, 1, likely, link }, \
	{ base "-untaken", #sym "_u", sym##_u, kind, 0, likely, link }

static const struct ds_case cases[] = {
	C2("ds-beq", ds_beq, K_EPC, 0, 0),
	C2("ds-bne", ds_bne, K_MT, 0, 0),
	C2("ds-blez", ds_blez, K_EE, 0, 0),
	C2("ds-bgtz", ds_bgtz, K_TLBP, 0, 0),
	C2("ds-bltz", ds_bltz, K_EPC, 0, 0),
	C2("ds-bgez", ds_bgez, K_EE, 0, 0),
	C2("ds-beql", ds_beql, K_EPC, 1, 0),
	C2("ds-bnel", ds_bnel, K_MT, 1, 0),
	C2("ds-blezl", ds_blezl, K_EE, 1, 0),
	C2("ds-bgtzl", ds_bgtzl, K_TLBP, 1, 0),
	C2("ds-bltzl", ds_bltzl, K_EPC, 1, 0),
	C2("ds-bgezl", ds_bgezl, K_MT, 1, 0),
	C2("ds-bltzal", ds_bltzal, K_EPC, 0, 1),
	C2("ds-bgezal", ds_bgezal, K_EE, 0, 1),
	C2("ds-bltzall", ds_bltzall, K_TLBP, 1, 1),
	C2("ds-bgezall", ds_bgezall, K_MT, 1, 1),
	{ "ds-j", "ds_j", ds_j, K_EPC, 1, 0, 0 },
	{ "ds-jal", "ds_jal", ds_jal, K_MT, 1, 0, 1 },
	{ "ds-jr", "ds_jr", ds_jr, K_EE, 1, 0, 0 },
	{ "ds-jalr", "ds_jalr", ds_jalr, K_TLBP, 1, 0, 1 },
	{ "ds-jalr-rd", "ds_jalr_rd", ds_jalr_rd, K_EPC, 1, 0, 2 },
};

/* the value the slot leaves in t3 when it runs, and when it is nullified */
static u64 slot_value(enum slot_kind kind, int ran)
{
	switch (kind) {
	case K_EPC: return ran ? PRESET_EPC : UNTOUCHED;
	case K_EE: return ran ? PRESET_ERREPC : UNTOUCHED;
	case K_MT: return ran ? MT_VALUE : PRESET_EPC;
	default: return ran ? TLB_DATA : PRESET_INDEX;
	}
}

static void run_case(const struct ds_case *c)
{
	map_data_pages();
	dwrite_c0_epc(PRESET_EPC);
	dwrite_c0_errorepc(PRESET_ERREPC);
	write_c0_index(PRESET_INDEX);
	dwrite_c0_entryhi(VA_DATA);	/* tlbp finds TLB_DATA; ASID stays 0 */
	for (int i = 0; i < 4; i++)
		res[i] = 0;
	t_call(c->fn, (u64)res, 0);
	dwrite_c0_entryhi(0);
	tlb_inval(TLB_DATA);

	int ran = c->taken || !c->likely;
	t_begin(c->name);
	if (trap_count) {
		T_TRAP(c->fn);
		t_check(0);
		t_end();
		return;
	}
	t_hex("slot", res[0]);
	t_str("path", res[1] == 2 ? "taken" : res[1] == 1 ? "fallthrough" : "?");
	t_check(res[0] == slot_value(c->kind, ran) && res[1] == (c->taken ? 2UL : 1UL));
	if (c->link) {
		u64 link = c->link == 1 ? res[2] : res[3];
		t_rel("link", link, c->fn, c->sym);
		t_check(link - (u64)c->fn < 0x100);
	}
	t_end();
}

/* exceptions in delay slots: a0 = res, a1 = an address; name_br = the branch */
#define DSX(name, setup, branch, slot) \
	UNIT_ASM_FN(name, PRE setup "\n.globl " #name "_br\n" #name "_br: " branch "\n " slot "\n" \
		    POST("nop")); \
	extern char name##_br[]

DSX(dsx_break_beq, "", "beq $zero, $zero, 8f", "break 3");
DSX(dsx_break_untaken, "li $t0, 1\n li $t1, 1", "bne $t0, $t1, 8f", "break 3");
DSX(dsx_syscall_jr, ".set at\n dla $t0, 8f\n .set noat", "jr $t0", "syscall");
DSX(dsx_refill_jal, "", "jal 8f", "ld $t1, 0($a1)");
DSX(dsx_adel_bgez, "", "bgez $zero, 8f", "lw $t1, 2($a1)");
DSX(dsx_cpu_beq, ".set hardfloat", "beq $zero, $zero, 8f", "mfc1 $t1, $f0");
DSX(dsx_ov_bltzal, "li $t0, 1\n li $t1, 0x7fffffff", "bltzal $t0, 8f", "add $t2, $t1, $t1");
DSX(dsx_ri_j, "", "j 8f", ".word 0xec000000");
DSX(dsx_trap_jalr, ".set at\n dla $t0, 8f\n .set noat", "jalr $t0", "teq $zero, $zero");
DSX(dsx_mod_bnel, "li $t0, 1", "bnel $t0, $zero, 8f", "sd $t0, 0($a1)");
DSX(dsx_beql_nullified, "li $t0, 1", "beql $t0, $zero, 8f", "break 3");
DSX(dsx_bgezall_nullified, "li $t0, -1", "bgezall $t0, 8f", "syscall");
/* QEMU decodes "bne $r, $r" as a nop: its slot is not a delay slot there */
DSX(dsx_break_bne_same, "", "bne $zero, $zero, 8f", "break 3");

static void run_dsx(const char *name, const char *fn, const char *sym, const char *br,
		    u64 a1, u64 want_vec, long want_exc)
{
	for (int i = 0; i < 4; i++)
		res[i] = 0;
	t_call(fn, (u64)res, a1);
	t_begin(name);
	if (want_exc < 0) {
		t_str("exc", trap_count ? "taken" : "none");
		t_str("path", res[1] == 2 ? "taken" : res[1] == 1 ? "fallthrough" : "?");
		t_check(trap_count == 0 && res[1] == 1);
		return;
	}
	t_hex("vec", trap.vec);
	t_dec("exc", CA_EXC(trap.cause));
	t_dec("bd", CA_BD(trap.cause));
	t_rel("epc", trap.epc, fn, sym);
	t_trap_is(want_vec, want_exc);
	t_check(CA_BD(trap.cause) == 1 && trap.epc == (u64)br);
}

#define RUN_DSX(name, sym, a1, vec, exc) run_dsx(name, sym, #sym, sym##_br, a1, vec, exc)

static void test_dsx(void)
{
	RUN_DSX("dsx-break-beq", dsx_break_beq, 0, 0x180, EXC_BP);
	t_end();
	RUN_DSX("dsx-break-untaken", dsx_break_untaken, 0, 0x180, EXC_BP);
	t_end();
	RUN_DSX("dsx-syscall-jr", dsx_syscall_jr, 0, 0x180, EXC_SYS);
	t_end();
	RUN_DSX("dsx-refill-jal", dsx_refill_jal, VA_UNMAPPED, 0x080, EXC_TLBL);
	t_hex("bva", trap.badvaddr);
	t_check(trap.badvaddr == VA_UNMAPPED);
	t_end();
	map_data_pages();
	RUN_DSX("dsx-adel-bgez", dsx_adel_bgez, VA_DATA, 0x180, EXC_ADEL);
	t_hex("bva", trap.badvaddr);
	t_check(trap.badvaddr == VA_DATA + 2);
	t_end();
	RUN_DSX("dsx-cpu-beq", dsx_cpu_beq, 0, 0x180, EXC_CPU);
	t_want("ce", CA_CE(trap.cause), 1);
	t_end();
	RUN_DSX("dsx-ov-bltzal-untaken", dsx_ov_bltzal, 0, 0x180, EXC_OV);
	t_rel("ra", trap.regs[31], dsx_ov_bltzal, "dsx_ov_bltzal");
	t_check(trap.regs[31] == (u64)dsx_ov_bltzal_br + 8);
	t_end();
	RUN_DSX("dsx-ri-j", dsx_ri_j, 0, 0x180, EXC_RI);
	t_end();
	RUN_DSX("dsx-trap-jalr", dsx_trap_jalr, 0, 0x180, EXC_TR);
	t_rel("ra", trap.regs[31], dsx_trap_jalr, "dsx_trap_jalr");
	t_end();
	/* D=0 page: a store in the slot gives TLB Modified with BD=1 */
	tlb_set(TLB_DATA, VA_DATA, ENTRYLO_PFN(PHYS_DATA) | ENTRYLO_C(3) | ENTRYLO_V | ENTRYLO_G,
		ENTRYLO_G, PM_4K);
	RUN_DSX("dsx-mod-bnel", dsx_mod_bnel, VA_DATA, 0x180, EXC_MOD);
	t_hex("bva", trap.badvaddr);
	t_end();
	tlb_inval(TLB_DATA);
	RUN_DSX("dsx-beql-nullified", dsx_beql_nullified, 0, 0, -1);
	t_end();
	RUN_DSX("dsx-bgezall-nullified", dsx_bgezall_nullified, 0, 0, -1);
	t_rel("link", res[2], dsx_bgezall_nullified, "dsx_bgezall_nullified");
	t_end();

	/* architecturally BD=1, EPC=branch; printed as observed */
	t_call(dsx_break_bne_same, (u64)res, 0);
	t_begin("dsx-break-bne-same-reg");
	T_TRAP(dsx_break_bne_same);
	t_end();
}

void tests_delay(void)
{
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	test_dsx();
	tlb_scratch_clear();
}
