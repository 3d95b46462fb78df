/*
 * The attacker's main program and probes (see attack.h): finds its case in
 * the device tree's bootargs ("hostile=CASE", the VM's cmdline), runs it,
 * prints the verdict and powers off.
 */
#include "attack.h"

#define DATALO_MARK	0x12345678UL	/* virtual DataLo while the case runs */

void unit_main(long magic, const char *dtb);

const char *case_name = "?";
int escapes, broken;
u64 tally[32], stormed;

static const char *const exc_names[32] = {
	"int", "mod", "tlbl", "tlbs", "adel", "ades", "ibe", "dbe",
	"sys", "bp", "ri", "cpu", "ov", "tr", "exc14", "fpe",
};

static const struct {
	const char *name;
	void (*run)(void);
} cases[] = {
	{ "window-past-ram", case_window_past_ram },
	{ "uncached-past-ram", case_uncached_past_ram },
	{ "uncached-devices", case_uncached_devices },
	{ "tlb-past-ram", case_tlb_past_ram },
	{ "tlb-monitor-frames", case_tlb_monitor_frames },
	{ "tlb-devices", case_tlb_devices },
	{ "large-page-end", case_large_page_end },
	{ "cow-write", case_cow_write },
	{ "cow-watch", case_cow_watch },
	{ "touch-all", case_touch_all },
	{ "uncached-alias", case_uncached_alias },
	{ "erl-kuseg", case_erl_kuseg },
	{ "kseg-devices", case_kseg_devices },
	{ "lladdr", case_lladdr },
	{ "hcall-console", case_hcall_console },
	{ "hcall-cache", case_hcall_cache },
	{ "hcall-shared", case_hcall_shared },
	{ "shared-scribble", case_shared_scribble },
	{ "hcall-tlb", case_hcall_tlb },
	{ "hcall-args", case_hcall_args },
	{ "hcall-exit", case_hcall_exit },
	{ "uart-registers", case_uart_registers },
	{ "uart-flood", case_uart_flood },
	{ "console-forge", case_console_forge },
	{ "cp0-leftover", case_cp0_leftover },
	{ "tlb-leftover", case_tlb_leftover },
	{ "fpu-leftover", case_fpu_leftover },
	{ "supervisor-window", case_supervisor_window },
	{ "debug-regs", case_debug_regs },
	{ "sdbbp-window", case_sdbbp_window },
	{ "sdbbp-cksseg", case_sdbbp_cksseg },
	{ "erl-bev", case_erl_bev },
	{ "wait-forever", case_wait_forever },
	{ "storm-exceptions", case_storm_exceptions },
	{ "storm-tlb", case_storm_tlb },
	{ "storm-softirq", case_storm_softirq },
	{ "storm-timer", case_storm_timer },
	{ "timer-behind", case_timer_behind },
	{ "wait-storm", case_wait_storm },
	{ "spin-masked", case_spin_masked },
	{ "virtio-disk", case_virtio_disk },
	{ "virtio-reader", case_virtio_reader },
};

/* ---- probes ---- */

UNIT_ASM_FN(a_ld, "ld $t0, 0($a0)\n sd $t0, 0($a1)\n jr $ra\n nop");
UNIT_ASM_FN(a_lbu, "lbu $t0, 0($a0)\n sd $t0, 0($a1)\n jr $ra\n nop");
UNIT_ASM_FN(a_sd, "sd $a1, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(a_sb, "sb $a1, 0($a0)\n jr $ra\n nop");

static int probe(const void *fn, u64 va, u64 arg)
{
	if (!t_call(fn, va, arg))
		return -1;
	tally[CA_EXC(trap.cause)]++;
	return (int)CA_EXC(trap.cause);
}

int try_load(u64 va, u64 *val)
{
	return probe(a_ld, va, (u64)val);
}

int try_load_byte(u64 va, u64 *val)
{
	return probe(a_lbu, va, (u64)val);
}

int try_store(u64 va, u64 val)
{
	return probe(a_sd, va, val);
}

int try_store_byte(u64 va, u64 val)
{
	return probe(a_sb, va, val);
}

void check_value(const char *what, u64 v)
{
	if (has_mark(v, VICTIM_MAGIC))
		ESCAPE("%s holds %lx: the victim's mark", what, v);
}

void must_fault(const char *what, u64 va)
{
	u64 v = 0;

	if (try_load(va, &v) < 0) {
		ESCAPE("%s: a load at %lx read %lx instead of faulting", what, va, v);
		check_value(what, v);
	}
	if (try_store(va, ATTACK_MAGIC << 32 | ATTACK_MAGIC) < 0)
		ESCAPE("%s: a store at %lx went through instead of faulting", what, va);
}

void must_read(const char *what, u64 va, u64 want)
{
	u64 v = 0;
	int exc = try_load(va, &v);

	if (exc >= 0)
		BROKEN("%s: a load at %lx took exception %d", what, va, exc);
	else if (v != want)
		BROKEN("%s: a load at %lx read %lx, want %lx", what, va, v, want);
}

void check_not_kernel(const char *after)
{
	u64 v = cp0_read_any(CP0_INDEX(28, 1));

	if (v != DATALO_MARK)
		ESCAPE("after %s: DataLo reads %lx, not the guest's %lx: the real register, so real kernel mode",
		       after, v, DATALO_MARK);
}

/* ---- time ---- */

static u64 ticks_per_ms;

u64 now_ticks(void)
{
	static u64 high, last;
	u32 c = read_c0_count();

	if (c < last)
		high += 1UL << 32;
	last = c;
	return high | c;
}

u64 ms_to_ticks(u64 ms)
{
	return ms * ticks_per_ms;
}

void yield(void)
{
	hcall(HC_YIELD, 0, 0, 0);
}

/* ---- main ---- */

static u32 be32(const char *p)
{
	const unsigned char *b = (const unsigned char *)p;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

/* The case named by "hostile=NAME" in the device tree: mkdts puts the VM's
 * cmdline in /chosen/bootargs, the only place that text can be. */
static int find_case(const char *dtb)
{
	static const char key[] = "hostile=";
	u32 size = be32(dtb + 4);

	for (u32 i = 0; i + sizeof(key) < size; i++) {
		u32 k = 0;

		while (key[k] && dtb[i + k] == key[k])
			k++;
		if (key[k])
			continue;
		for (unsigned int c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
			const char *n = cases[c].name, *p = dtb + i + k;

			while (*n && *p == *n)
				n++, p++;
			if (!*n && (*p == '\0' || *p == ' '))
				return (int)c;
		}
		return -1;
	}
	return -1;
}

static void setup(void)
{
	write_c0_ebase(plat_ebase(img_phys(unit_vectors)));
	write_c0_status(ST_BASE);
	write_c0_cause(0);
	write_c0_intctl(0);
	write_c0_compare(read_c0_count() - 1);
	write_c0_wired(0);
	write_c0_pagemask(0);
	dwrite_c0_entryhi(0);
	tlb_init();
	cp0_write_any(CP0_INDEX(28, 1), DATALO_MARK);
	ticks_per_ms = hcall(HC_TIMER_HZ, 0, 0, 0) / 1000;
}

/* Exception counts as "dbe=3 tlbl=1", or "none". */
static void print_tally(void)
{
	const char *sep = "";

	for (int i = 0; i < 32; i++)
		if (tally[i]) {
			t_printf("%s%s=%lu", sep, exc_names[i] ? exc_names[i] : "exc", tally[i]);
			sep = " ";
		}
	if (stormed)
		t_printf("%s%lu in the storm", sep, stormed);
	else if (!*sep)
		t_printf("no exceptions");
}

void verdict(void)
{
	static int done;

	if (done++)
		return;
	if (escapes) {
		t_printf("hostile: %s: %d escapes\n", case_name, escapes);
	} else if (!broken) {
		t_printf("hostile: %s: blocked (", case_name);
		print_tally();
		t_printf(")\n");
	}
}

void unit_main(long magic, const char *dtb)
{
	int c = magic == -2 ? find_case(dtb) : -1;

	setup();
	if (c < 0) {
		t_printf("hostile: no hostile=CASE in the bootargs\n");
		plat_exit(2);
	}
	case_name = cases[c].name;
	cases[c].run();
	verdict();
	plat_exit(0);
}
