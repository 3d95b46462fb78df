/*
 * Area a: CP0 register write masks. Each test writes all-ones and zero
 * (dmtc0 for 64-bit registers, mtc0 for 32-bit ones), reads back with
 * dmfc0 and/or mfc0, prints what it read and restores the register.
 * Keys: d1/d0 = dmfc0 after dmtc0 of all-ones/zero; m1/m0 = mfc0 after mtc0
 * of all-ones/zero; mx = dmfc0 after mtc0 of 0x123456789abcdef0 (a GPR
 * value that is not a sign-extended word).
 */
#include "unit.h"

#define ONES	(~0UL)
#define MX	0x123456789abcdef0UL

UNIT_ASM_FN(v_userlocal, "mfc0 $t0, $4, 2\n sd $t0, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_rdhwr29, "rdhwr $t0, $29\n sd $t0, 0($a0)\n jr $ra\n nop");

/* a TLB refill at VA_UNMAPPED, so BadVAddr/Context/XContext are known */
static void prime_refill(void)
{
	t_call(v_ld, VA_UNMAPPED, 0);
}

#define TEST64(name, label) \
	u64 save = dread_c0_##name(); \
	dwrite_c0_##name(ONES); \
	u64 d1 = dread_c0_##name(), m1 = read_c0_##name(); \
	dwrite_c0_##name(0); \
	u64 d0 = dread_c0_##name(); \
	write_c0_##name(MX); \
	u64 mx = dread_c0_##name(); \
	dwrite_c0_##name(save); \
	t_begin("cp0-" label); \
	t_hex("d1", d1); t_hex("m1", m1); t_hex("d0", d0); t_hex("mx", mx)

#define TEST32(name, label) \
	u64 save = read_c0_##name(); \
	write_c0_##name(ONES); \
	u64 m1 = read_c0_##name(); \
	write_c0_##name(0); \
	u64 m0 = read_c0_##name(); \
	write_c0_##name(save); \
	t_begin("cp0-" label); \
	t_hex("m1", m1); t_hex("m0", m0)

static void test_index(void)
{
	write_c0_index(7);
	write_c0_index(ONES);
	u64 m1 = read_c0_index();
	write_c0_index(5);
	u64 m5 = read_c0_index();
	write_c0_index(0);
	u64 m0 = read_c0_index();
	t_begin("cp0-index");
	t_hex("m1(after 7)", m1);
	t_want("m5", m5, 5);
	t_want("m0", m0, 0);
	t_end();
}

static void test_random(void)
{
	int in_range = 1;

	write_c0_random(5);
	for (int i = 0; i < 64; i++) {
		u64 r = read_c0_random();
		if (r > 63)
			in_range = 0;
	}
	t_begin("cp0-random");
	t_yes("random-in-[0,63]", in_range);
	t_check(in_range);
	t_end();
}

static void test_entrylo0(void)
{
	TEST64(entrylo0, "entrylo0");
	t_check(d1 == 0x3fffffff && m1 == 0x3fffffff && d0 == 0 && mx == 0x1abcdef0);
	t_end();
}

static void test_entrylo1(void)
{
	TEST64(entrylo1, "entrylo1");
	t_check(d1 == 0x3fffffff && m1 == 0x3fffffff && d0 == 0 && mx == 0x1abcdef0);
	t_end();
}

static void test_context(void)
{
	prime_refill();
	TEST64(context, "context");
	t_check(d1 == (ONES << 23 | (save & 0x7fffff)) && d0 == (save & 0x7fffff));
	t_end();
}

static void test_pagemask(void)
{
	write_c0_pagemask(ONES);
	u64 m1 = read_c0_pagemask();
	write_c0_pagemask(PM_16K);
	u64 m16k = read_c0_pagemask();
	write_c0_pagemask(0x2000);
	u64 odd = read_c0_pagemask();
	write_c0_pagemask(0x5000);
	u64 gap = read_c0_pagemask();
	write_c0_pagemask(0);
	u64 m0 = read_c0_pagemask();
	t_begin("cp0-pagemask");
	t_want("m1", m1, PM_256M);
	t_want("m16k", m16k, PM_16K);
	t_hex("m2000", odd);
	t_hex("m5000", gap);
	t_want("m0", m0, 0);
	t_end();
}

static void test_wired(void)
{
	write_c0_wired(ONES);
	u64 m1 = read_c0_wired();
	write_c0_wired(5);
	u64 m5 = read_c0_wired();
	write_c0_wired(0);
	u64 m0 = read_c0_wired();
	t_begin("cp0-wired");
	t_hex("m1", m1);
	t_want("m5", m5, 5);
	t_want("m0", m0, 0);
	t_end();
}

static void test_hwrena(void)
{
	TEST32(hwrena, "hwrena");
	t_check(m1 == 0xf && m0 == 0);
	t_end();
}

static void test_badvaddr(void)
{
	prime_refill();
	u64 before = dread_c0_badvaddr();
	dwrite_c0_badvaddr(ONES);
	u64 after = dread_c0_badvaddr();
	t_begin("cp0-badvaddr");
	t_hex("before", before);
	t_hex("after-d1", after);
	t_check(before == VA_UNMAPPED && after == before);
	t_end();
}

static void test_count(void)
{
	write_c0_count(0x10000000);
	u64 c1 = read_c0_count();
	u64 c2 = read_c0_count();
	write_c0_compare(read_c0_count() - 1);
	t_begin("cp0-count");
	t_yes("readback-near", (u32)(c1 - 0x10000000) < 0x1000000);
	t_yes("not-backwards", (u32)(c2 - c1) < 0x1000000);
	t_check((u32)(c1 - 0x10000000) < 0x1000000 && (u32)(c2 - c1) < 0x1000000);
	t_end();
}

static void test_entryhi(void)
{
	TEST64(entryhi, "entryhi");
	t_check(d1 == 0xc00003ffffffe0ffUL && m1 == 0xffffffffffffe0ffUL && d0 == 0);
	t_end();
}

static void test_entryhi_asid(void)
{
	dwrite_c0_entryhi(0x1ff);
	u64 v = dread_c0_entryhi();
	dwrite_c0_entryhi(0x1000 | 0x5a);
	u64 w = dread_c0_entryhi();
	dwrite_c0_entryhi(0);
	t_begin("cp0-entryhi-asid");
	t_want("w1ff", v, 0xff);
	t_want("w105a", w, 0x5a);
	t_end();
}

static void test_compare(void)
{
	write_c0_compare(ONES);
	u64 m1 = read_c0_compare();
	write_c0_compare(0);
	u64 m0 = read_c0_compare();
	write_c0_compare(read_c0_count() - 1);
	t_begin("cp0-compare");
	t_want("m1", m1, ONES);
	t_want("m0", m0, 0);
	t_end();
}

static void test_status(void)
{
	u64 pattern = 0xffffffffUL & ~(ST_KSU | ST_ERL | ST_EXL | ST_IE | ST_BEV);

	write_c0_status(pattern);
	u64 m1 = read_c0_status();
	write_c0_status(ST_SX);
	u64 m0 = read_c0_status();
	write_c0_status(ST_BASE);
	t_begin("cp0-status");
	t_hex("w", pattern);
	t_hex("m1", m1);
	t_want("m0(w=sx)", m0, ST_SX);
	t_check((m1 & 0x1000ffe0) == 0x1000ffe0);
	t_end();
}

static void test_intctl(void)
{
	TEST32(intctl, "intctl");
	t_end();
}

static void test_srsctl(void)
{
	TEST32(srsctl, "srsctl");
	t_end();
}

static void test_cause(void)
{
	write_c0_cause(ONES);
	u64 m1 = read_c0_cause();
	write_c0_cause(0);
	u64 m0 = read_c0_cause();
	t_begin("cp0-cause");
	t_hex("m1", m1 & ~CA_HW_BITS);
	t_hex("m0", m0 & ~CA_HW_BITS);
	t_check((m1 & 0x08800300) == 0x08800300 && (m0 & 0x08c00300) == 0);
	t_end();
}

static void test_epc(void)
{
	TEST64(epc, "epc");
	t_check(d1 == ONES && m1 == ONES && d0 == 0);
	t_end();
}

static void test_prid(void)
{
	u64 before = read_c0_prid();
	write_c0_prid(ONES);
	u64 after = read_c0_prid();
	t_begin("cp0-prid");
	t_hex("prid", before);
	t_check(after == before);
	t_end();
}

static void test_ebase(void)
{
	u64 save = dread_c0_ebase();
	dwrite_c0_ebase(ONES);
	u64 d1 = dread_c0_ebase(), m1 = read_c0_ebase();
	dwrite_c0_ebase(0);
	u64 d0 = dread_c0_ebase();
	dwrite_c0_ebase(save | 0x800);	/* WG: upper bits writable */
	dwrite_c0_ebase(save);
	u64 back = dread_c0_ebase();
	t_begin("cp0-ebase");
	t_hex("d1", d1);
	t_hex("m1", m1);
	t_hex("d0", d0);
	t_yes("restored", back == save);
	t_check(back == save && (save & 0x3ff) == 0);
	t_end();
}

static void test_ebase_32(void)
{
	u64 save = dread_c0_ebase();
	write_c0_ebase(0x00001000);
	u64 m = dread_c0_ebase();
	dwrite_c0_ebase(save);
	t_begin("cp0-ebase-mtc0");
	t_hex("w1000", m);
	t_check(m == ((save & ~0x3ffff000UL) | 0x1000));
	t_end();
}

static void test_config0(void)
{
	u64 save = read_c0_config0();
	write_c0_config0(ONES);
	u64 m1 = read_c0_config0();
	write_c0_config0(save);
	u64 back = read_c0_config0();
	t_begin("cp0-config0");
	t_hex("value", save);
	t_hex("m1", m1);
	t_check((m1 & 7) == 7 && back == save);
	t_end();
}

static void test_config_ro(const char *name, u64 (*rd)(void), void (*wr)(u64))
{
	u64 before = rd();
	wr(ONES);
	u64 after = rd();
	wr(0);
	u64 after0 = rd();
	t_begin(name);
	t_hex("value", before);
	t_hex("m1", after);
	t_hex("m0", after0);
	t_end();
}

static void test_lladdr(void)
{
	volatile u32 *p = (volatile u32 *)plat_phys_to_virt(PHYS_DATA + 0x40);
	u64 v;

	__asm__ volatile("ll %0, 0(%1)" : "=r"(v) : "r"(p) : "memory");
	u64 ll = dread_c0_lladdr();
	dwrite_c0_lladdr(ONES);
	u64 d1 = dread_c0_lladdr();
	t_begin("cp0-lladdr");
	t_hex("after-ll", ll);
	t_hex("d1", d1);
	t_end();
}

static void test_watchlo(void)
{
	TEST64(watchlo0, "watchlo0");
	t_check(d0 == 0);
	t_end();
}

static void test_watchhi(void)
{
	TEST32(watchhi0, "watchhi0");
	t_end();
}

static void test_xcontext(void)
{
	prime_refill();
	TEST64(xcontext, "xcontext");
	t_end();
}

static void test_errorepc(void)
{
	TEST64(errorepc, "errorepc");
	t_check(d1 == ONES && m1 == ONES && d0 == 0);
	t_end();
}

static void test_desave(void)
{
	TEST64(desave, "desave");
	t_end();
}

static void test_taglo(void)
{
	TEST64(taglo, "taglo");
	t_end();
}

static void test_datalo(void)
{
	TEST64(datalo, "datalo");
	t_end();
}

static void test_taghi(void)
{
	TEST64(taghi, "taghi");
	t_end();
}

static void test_datahi(void)
{
	TEST64(datahi, "datahi");
	t_end();
}

static void test_userlocal(void)
{
	res[0] = 0x5a5a;
	t_call(v_userlocal, (u64)res, 0);
	t_begin("cp0-userlocal-read");
	if (trap_count)
		T_TRAP(v_userlocal);
	else
		t_hex("value", res[0]);
	t_end();
}

static void test_rdhwr29_kernel(void)
{
	res[0] = 0x5a5a;
	t_call(v_rdhwr29, (u64)res, 0);
	t_begin("rdhwr29-kernel");
	if (trap_count)
		T_TRAP(v_rdhwr29);
	else
		t_hex("value", res[0]);
	t_end();
}

static void test_unimplemented(void)
{
	u64 r22 = read_c0_unimpl22(), d22 = dread_c0_unimpl22();
	u64 ks = read_c0_kscratch1();
	t_begin("cp0-unimplemented");
	t_hex("m(22,0)", r22);
	t_hex("d(22,0)", d22);
	t_hex("m(31,2)", ks);
	t_end();
}

static void test_mfc0_sext(void)
{
	u64 save = dread_c0_epc();
	dwrite_c0_epc(0x0000000080000000UL);
	u64 a = read_c0_epc();
	dwrite_c0_epc(0xffffffff7fffffffUL);
	u64 b = read_c0_epc();
	dwrite_c0_epc(0x123456789abcdef0UL);
	u64 c = read_c0_epc();
	dwrite_c0_epc(save);
	t_begin("mfc0-sign-extends");
	t_want("w80000000", a, 0xffffffff80000000UL);
	t_want("wffffffff7fffffff", b, 0x7fffffff);
	t_want("w123456789abcdef0", c, 0xffffffff9abcdef0UL);
	t_end();
}

static void test_mtc0_64(void)
{
	u64 save = dread_c0_epc();
	write_c0_epc(0xffffffff80001234UL);
	u64 a = dread_c0_epc();
	write_c0_epc(0x12345678);
	u64 b = dread_c0_epc();
	write_c0_epc(0x00000000ffff0000UL);
	u64 c = dread_c0_epc();
	dwrite_c0_epc(save);
	t_begin("mtc0-64bit-reg");
	t_want("w(sext)", a, 0xffffffff80001234UL);
	t_want("w12345678", b, 0x12345678);
	t_hex("w00000000ffff0000", c);
	t_end();
}

static u64 rd_config1(void) { return read_c0_config1(); }
static void wr_config1(u64 v) { write_c0_config1(v); }
static u64 rd_config2(void) { return read_c0_config2(); }
static void wr_config2(u64 v) { write_c0_config2(v); }
static u64 rd_config3(void) { return read_c0_config3(); }
static void wr_config3(u64 v) { write_c0_config3(v); }

void tests_cp0(void)
{
	test_index();
	test_random();
	test_entrylo0();
	test_entrylo1();
	test_context();
	test_pagemask();
	test_wired();
	test_hwrena();
	test_badvaddr();
	test_count();
	test_entryhi();
	test_entryhi_asid();
	test_compare();
	test_status();
	test_intctl();
	test_srsctl();
	test_cause();
	test_epc();
	test_prid();
	test_ebase();
	test_ebase_32();
	test_config0();
	test_config_ro("cp0-config1", rd_config1, wr_config1);
	test_config_ro("cp0-config2", rd_config2, wr_config2);
	test_config_ro("cp0-config3", rd_config3, wr_config3);
	test_lladdr();
	test_watchlo();
	test_watchhi();
	test_xcontext();
	test_errorepc();
	test_desave();
	test_taglo();
	test_datalo();
	test_taghi();
	test_datahi();
	test_userlocal();
	test_rdhwr29_kernel();
	test_unimplemented();
	test_mfc0_sext();
	test_mtc0_64();
}
