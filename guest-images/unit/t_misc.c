/*
 * Areas g, h, i: LL/SC across eret and exceptions, eret with EXL and ERL,
 * ERL's unmapped kuseg, and cache/sync/synci/pref being harmless.
 * LL/SC data lives at physical PHYS_DATA + 0x100 (cached window).
 */
#include "unit.h"

#define LL_PHYS		(PHYS_DATA + 0x100)

/* a0 = word; res: [0] = sc result, [1] = path marker */
UNIT_ASM_FN(v_llsc, "ll $t0, 0($a0)\n addiu $t0, $t0, 1\n sc $t0, 0($a0)\n"
	    "sd $t0, 0($a1)\n jr $ra\n nop");
UNIT_ASM_FN(v_lldscd, "lld $t0, 0($a0)\n daddiu $t0, $t0, 1\n scd $t0, 0($a0)\n"
	    "sd $t0, 0($a1)\n jr $ra\n nop");
/* ll, then eret (EXL set, EPC = the next instruction), then sc */
UNIT_ASM_FN(v_ll_eret_sc,
	".set at\n dla $t1, 1f\n .set noat\n"
	"ll $t0, 0($a0)\n dmtc0 $t1, $14\n mfc0 $t2, $12\n ori $t2, $t2, 2\n mtc0 $t2, $12\n ehb\n"
	"eret\n nop\n"
	"1: addiu $t0, $t0, 1\n sc $t0, 0($a0)\n sd $t0, 0($a1)\n jr $ra\n nop");
/* ll, then an exception (syscall, resumed after), then sc */
UNIT_ASM_FN(v_ll_sys_sc, "ll $t0, 0($a0)\n syscall\n addiu $t0, $t0, 1\n sc $t0, 0($a0)\n"
	    "sd $t0, 0($a1)\n jr $ra\n nop");

static volatile u32 *ll_word(void)
{
	return (volatile u32 *)plat_phys_to_virt(LL_PHYS);
}

static void llsc_case(const char *name, const void *fn, int want_sc, int skip)
{
	*ll_word() = 100;
	res[0] = 0x5a5a;
	if (skip)
		trap_mode = TRAP_SKIP;
	t_call(fn, (u64)ll_word(), (u64)res);
	u64 lladdr = dread_c0_lladdr();
	t_begin(name);
	t_dec("sc", res[0]);
	t_dec("mem", *ll_word());
	t_dec("exceptions", trap_count);
	if (fn == v_llsc)
		t_hex("lladdr", lladdr);
	t_check(res[0] == (u64)want_sc && *ll_word() == (want_sc ? 101U : 100U));
	t_check(trap_count == skip);
	t_end();
}

static void test_llsc(void)
{
	llsc_case("llsc-plain", v_llsc, 1, 0);
	llsc_case("llsc-across-eret", v_ll_eret_sc, 0, 0);
	llsc_case("llsc-across-exception", v_ll_sys_sc, 0, 1);

	*(volatile u64 *)plat_phys_to_virt(LL_PHYS + 8) = 0x100000000UL;
	res[0] = 0;
	t_call(v_lldscd, (u64)plat_phys_to_virt(LL_PHYS + 8), (u64)res);
	t_begin("llsc-lld-scd");
	t_dec("scd", res[0]);
	t_hex("mem", *(volatile u64 *)plat_phys_to_virt(LL_PHYS + 8));
	t_check(res[0] == 1 && *(volatile u64 *)plat_phys_to_virt(LL_PHYS + 8) == 0x100000001UL);
	t_end();
}

/*
 * eret with a0 = Status bits to set (EXL, ERL), EPC -> 1f, ErrorEPC -> 2f;
 * res[0] = where it landed (1 = EPC, 2 = ErrorEPC), res[1] = Status there
 */
UNIT_ASM_FN(v_eret,
	".set at\n dla $t0, 1f\n dmtc0 $t0, $14\n dla $t0, 2f\n dmtc0 $t0, $30\n .set noat\n"
	"mfc0 $t1, $12\n or $t1, $t1, $a0\n mtc0 $t1, $12\n ehb\n eret\n nop\n"
	"1: li $t2, 1\n b 3f\n nop\n"
	"2: li $t2, 2\n"
	"3: mfc0 $t3, $12\n sd $t2, 0($a1)\n sd $t3, 8($a1)\n"
	"li $t1, 0xe0\n mtc0 $t1, $12\n ehb\n jr $ra\n nop");

static void eret_case(const char *name, u64 bits, int want_path, u64 want_status)
{
	res[0] = res[1] = 0;
	t_call(v_eret, bits, (u64)res);
	write_c0_status(ST_BASE);
	t_begin(name);
	t_str("to", res[0] == 1 ? "epc" : res[0] == 2 ? "errorepc" : "?");
	t_hex("status", res[1]);
	t_check(trap_count == 0 && res[0] == (u64)want_path && res[1] == want_status);
	t_end();
}

static void test_eret(void)
{
	eret_case("eret-exl", ST_EXL, 1, ST_BASE);
	eret_case("eret-erl", ST_ERL, 2, ST_BASE);
	eret_case("eret-erl-exl", ST_ERL | ST_EXL, 2, ST_BASE | ST_EXL);
}

/* with ERL=1, kuseg is unmapped and uncached: VA = physical */
UNIT_ASM_FN(v_erl_kuseg,
	"mfc0 $t1, $12\n ori $t2, $t1, 4\n mtc0 $t2, $12\n ehb\n"
	"ld $t0, 0($a0)\n mtc0 $t1, $12\n ehb\n sd $t0, 0($a1)\n jr $ra\n nop");

static void test_erl_kuseg(void)
{
	*phys64(PHYS_DATA + 0x200) = 0x1122334455667788UL;
	res[0] = 0;
	t_call(v_erl_kuseg, PHYS_DATA + 0x200, (u64)res);
	t_begin("erl-kuseg-unmapped");
	t_str("exc", trap_count ? "taken" : "none");
	t_hex("value", res[0]);
	t_check(trap_count == 0 && res[0] == 0x1122334455667788UL);
	t_end();
}

UNIT_ASM_FN(v_cache_idx_i, "cache 0x00, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_cache_idx_wbinv_d, "cache 0x01, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_cache_hit_inv_i, "cache 0x10, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_cache_hit_wbinv_d, "cache 0x15, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_cache_hit_wb_d, "cache 0x19, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_synci, "synci 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_sync, "sync\n sync 0x10\n jr $ra\n nop");
UNIT_ASM_FN(v_pref, "pref 0, 0($a0)\n pref 1, 64($a0)\n jr $ra\n nop");

static void harmless(const char *name, const void *fn, u64 a0, int checked)
{
	volatile u64 *data = phys64(PHYS_DATA + 0x300);

	*data = 0xcafe;
	t_call(fn, a0, 0);
	t_begin(name);
	t_str("exc", trap_count ? "taken" : "none");
	if (trap_count)
		T_TRAP(fn);
	t_hex("data", *data);
	if (checked)
		t_check(trap_count == 0 && *data == 0xcafe);
	t_end();
}

static void test_cache(void)
{
	u64 code = (u64)v_cache_idx_i;
	u64 data = (u64)phys64(PHYS_DATA + 0x300);

	harmless("cache-index-inv-i", v_cache_idx_i, code, 1);
	harmless("cache-index-wbinv-d", v_cache_idx_wbinv_d, data, 1);
	harmless("cache-hit-inv-i", v_cache_hit_inv_i, code, 1);
	harmless("cache-hit-wbinv-d", v_cache_hit_wbinv_d, data, 1);
	harmless("cache-hit-wb-d", v_cache_hit_wb_d, data, 1);
	map_data_pages();
	harmless("cache-hit-mapped", v_cache_hit_wbinv_d, VA_DATA, 1);
	tlb_inval(TLB_DATA);
	/* architecturally a TLB refill; printed as observed */
	harmless("cache-hit-unmapped", v_cache_hit_wb_d, VA_UNMAPPED, 0);
	harmless("synci", v_synci, code, 1);
	harmless("sync", v_sync, 0, 1);
	harmless("pref", v_pref, data, 1);
}

void tests_misc(void)
{
	test_llsc();
	test_eret();
	test_erl_kuseg();
	test_cache();
	tlb_scratch_clear();
}
