/*
 * The unit guest: kvm-unit-tests-style checks of the CPU as a guest sees it,
 * one line per test. The bare machine's output is the oracle a disco guest
 * must reproduce line for line; "ok"/"FAIL" marks values the MIPS64 R2
 * architecture defines. Exit status 0 when every check holds, else 1.
 */
#include "unit.h"

void unit_main(void);

/* Vectors, BEV off, a quiet timer, every TLB entry unique and invalid. */
static void unit_setup(void)
{
	write_c0_ebase(plat_ebase(img_phys(unit_vectors)));
	write_c0_status(ST_BASE);
	write_c0_cause(0);
	write_c0_intctl(0);
	write_c0_compare(read_c0_count() - 1);
	write_c0_wired(0);
	write_c0_pagemask(0);
	write_c0_hwrena(0);
	dwrite_c0_entryhi(0);
	dwrite_c0_context(0);
	dwrite_c0_xcontext(0);
	tlb_init();
}

void unit_main(void)
{
	unit_setup();
	tests_cp0();
	tests_exc();
	tests_delay();
	tests_tlb();
	tests_timer();
	tests_user();
	tests_misc();
	tests_xsseg();
	if (t_failed())
		t_printf("unit: %d failed\n", t_failed());
	t_printf("unit: %d tests\n", t_total());
	plat_exit(t_failed() ? 1 : 0);
}
