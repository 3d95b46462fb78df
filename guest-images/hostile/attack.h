/*
 * The attacker of the hostile-guest suite (tests/hostile.sh): one image
 * whose attack is chosen at boot by "hostile=CASE" in its bootargs. Each
 * case is a function in one of attack_*.c; attack.c runs it and prints the
 * verdict line:
 *   hostile: ESCAPE: CASE: what    (once per value it should never see)
 *   hostile: CASE: BROKEN: what    (the attack could not be made)
 *   hostile: CASE: blocked (how)   (neither: exceptions taken by kind)
 * then powers the VM off. A case the monitor ends (sdbbp, BEV) prints its
 * progress first; the harness expects the monitor's line then.
 */
#ifndef HOSTILE_ATTACK_H
#define HOSTILE_ATTACK_H

#include "hostile.h"

/* tests/hostile.sh gives the attacker memory = 12M */
#define ATTACK_MEM	(12 * MIB)
/* How long the fairness attacks go on: well past the victim's fair share
 * (it needs about 200 ms alone). */
#define ATTACK_MS	800

extern const char *case_name;
extern int escapes, broken;
extern u64 tally[32];		/* exceptions the probes took, by ExcCode */
extern u64 stormed;		/* exceptions and interrupts a storm took */

#define NOTE(...)	(t_printf("hostile: %s: ", case_name), t_printf(__VA_ARGS__), t_printf("\n"))
#define ESCAPE(...)	(escapes++, t_printf("hostile: ESCAPE: %s: ", case_name), \
			 t_printf(__VA_ARGS__), t_printf("\n"))
#define BROKEN(...)	(broken++, t_printf("hostile: %s: BROKEN: ", case_name), \
			 t_printf(__VA_ARGS__), t_printf("\n"))

/* Prints the verdict line (once); main prints it after the case, a case
 * that ends its VM itself calls it first. */
void verdict(void);

/* Probes with exceptions caught (t_call): -1 if the access went through
 * (*val is what a load read), else its ExcCode, counted in tally. */
int try_load(u64 va, u64 *val);
int try_load_byte(u64 va, u64 *val);
int try_store(u64 va, u64 val);
int try_store_byte(u64 va, u64 val);

/* A load and a store at va that must both fault (ESCAPE otherwise). */
void must_fault(const char *what, u64 va);
/* A load at va that must read want (BROKEN otherwise: the attack's own
 * memory or device, used to show the probes work). */
void must_read(const char *what, u64 va, u64 want);

/* Whether the attacker runs in the real CPU's kernel mode: mtc0 then mfc0
 * of DataLo, which the monitor keeps for itself (ESCAPE if so). */
void check_not_kernel(const char *after);

/* ESCAPE for each of the victim's marks in v (what: where v came from). */
void check_value(const char *what, u64 v);

/* Count-based time. */
u64 now_ticks(void);
u64 ms_to_ticks(u64 ms);
/* Gives the CPU to the next vCPU (the victim on a shared CPU). */
void yield(void);

/* A guest-physical address through the windows (docs/guest-abi.md). */
#define CACHED(pa)	(0x4000000000000000UL + (pa))
#define UNCACHED(pa)	(0x4000010000000000UL + (pa))

/* The cases. */
void case_window_past_ram(void);
void case_uncached_past_ram(void);
void case_uncached_devices(void);
void case_tlb_past_ram(void);
void case_tlb_monitor_frames(void);
void case_tlb_devices(void);
void case_large_page_end(void);
void case_cow_write(void);
void case_cow_watch(void);
void case_touch_all(void);
void case_uncached_alias(void);
void case_erl_kuseg(void);
void case_kseg_devices(void);
void case_lladdr(void);
void case_hcall_console(void);
void case_hcall_cache(void);
void case_hcall_shared(void);
void case_shared_scribble(void);
void case_hcall_tlb(void);
void case_hcall_args(void);
void case_hcall_exit(void);
void case_uart_registers(void);
void case_uart_flood(void);
void case_console_forge(void);
void case_cp0_leftover(void);
void case_tlb_leftover(void);
void case_fpu_leftover(void);
void case_supervisor_window(void);
void case_debug_regs(void);
void case_sdbbp_window(void);
void case_sdbbp_cksseg(void);
void case_erl_bev(void);
void case_wait_forever(void);
void case_storm_exceptions(void);
void case_storm_tlb(void);
void case_storm_softirq(void);
void case_storm_timer(void);
void case_timer_behind(void);
void case_wait_storm(void);
void case_spin_masked(void);
void case_virtio_disk(void);
void case_virtio_reader(void);

#endif
