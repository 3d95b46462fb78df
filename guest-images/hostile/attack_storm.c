/*
 * Fairness attacks, each for ATTACK_MS: exception and TLB-miss storms,
 * software and timer interrupt storms, Compare written just ahead of Count
 * over and over, wait with a timer just ahead, and a spin with interrupts
 * masked. The victim shares the CPU and must get its fair share
 * (tests/hostile.sh compares its elapsed time with a run alone).
 */
#include "attack.h"

#define ST_IM0		(1UL << 8)
#define ST_IM1		(1UL << 9)
#define ST_IM7		(1UL << 15)

/* Runs fn(batch, arg) with exceptions resumed as mode says for ATTACK_MS;
 * returns the number of exceptions taken. */
static u64 storm(const void *fn, u64 batch, u64 arg, int mode)
{
	u64 start = now_ticks(), total = 0;

	while (now_ticks() - start < ms_to_ticks(ATTACK_MS)) {
		trap_mode = mode;
		t_call(fn, batch, arg);
		total += trap_count;
	}
	stormed += total;
	return total;
}

/* syscall, break, trap, reserved instruction, overflow, unaligned load */
UNIT_ASM_FN(a_exc_batch,
	"1: syscall\n break 3\n teq $zero, $zero\n .word 0x00000028\n"
	"lui $t0, 0x7fff\n ori $t0, $t0, 0xffff\n add $t0, $t0, $t0\n lw $t1, 1($sp)\n"
	"addiu $a0, $a0, -1\n bnez $a0, 1b\n nop\n jr $ra\n nop");

void case_storm_exceptions(void)
{
	NOTE("%lu exceptions", storm(a_exc_batch, 100, 0, TRAP_SKIP));
}

/* refill (useg, CKSSEG), invalid, modified, bus error (a1: past its RAM) */
UNIT_ASM_FN(a_tlb_batch,
	"1: lui $t0, 0x1000\n ld $t1, 0($t0)\n lui $t0, 0x2000\n ld $t1, 0($t0)\n"
	"lui $t0, 0x3000\n sd $t1, 0($t0)\n ld $t1, 0($a1)\n lui $t0, 0xc000\n ld $t1, 0x100($t0)\n"
	"addiu $a0, $a0, -1\n bnez $a0, 1b\n nop\n jr $ra\n nop");

void case_storm_tlb(void)
{
	u64 flags = ENTRYLO_C(3) | ENTRYLO_G;

	tlb_set(5, 0x20000000, ENTRYLO_PFN(6 * MIB) | flags, ENTRYLO_PFN(6 * MIB) | flags, PM_4K);
	tlb_set(6, 0x30000000, ENTRYLO_PFN(6 * MIB) | flags | ENTRYLO_V,
		ENTRYLO_PFN(6 * MIB) | flags | ENTRYLO_V, PM_4K);
	NOTE("%lu exceptions", storm(a_tlb_batch, 100, CACHED(ATTACK_MEM), TRAP_SKIP));
	tlb_init();
}

/* Cause.IP0 and IP1 raised with interrupts on (the handler clears them and
 * Status.IE, the batch turns IE on again). */
UNIT_ASM_FN(a_softirq_batch,
	"1: mfc0 $t1, $12\n ori $t1, $t1, 1\n mtc0 $t1, $12\n ehb\n li $t0, 0x100\n mtc0 $t0, $13\n ehb\n"
	"mfc0 $t1, $12\n ori $t1, $t1, 1\n mtc0 $t1, $12\n ehb\n li $t0, 0x200\n mtc0 $t0, $13\n ehb\n"
	"addiu $a0, $a0, -1\n bnez $a0, 1b\n nop\n jr $ra\n nop");

void case_storm_softirq(void)
{
	write_c0_status(ST_BASE | ST_IM0 | ST_IM1);
	NOTE("%lu interrupts", storm(a_softirq_batch, 100, 0, TRAP_SKIP));
	write_c0_status(ST_BASE);
	write_c0_cause(0);
}

/* The timer interrupt never acknowledged (Compare is not written): taken
 * again each time IE comes back on. */
UNIT_ASM_FN(a_ie_batch,
	"1: mfc0 $t1, $12\n ori $t1, $t1, 1\n mtc0 $t1, $12\n ehb\n"
	"addiu $a0, $a0, -1\n bnez $a0, 1b\n nop\n jr $ra\n nop");

void case_storm_timer(void)
{
	write_c0_compare(read_c0_count() + 1000);
	write_c0_status(ST_BASE | ST_IM7);
	NOTE("%lu interrupts", storm(a_ie_batch, 100, 0, TRAP_SKIP));
	write_c0_status(ST_BASE);
	write_c0_compare(read_c0_count() - 1);
}

/* Compare a few ticks ahead of Count, again and again (interrupts off):
 * the monitor arms its real timer for each, which must not cost the
 * victim its ticks. */
void case_timer_behind(void)
{
	u64 start = now_ticks(), n = 0;

	while (now_ticks() - start < ms_to_ticks(ATTACK_MS))
		for (int k = 0; k < 100; k++, n++)
			write_c0_compare(read_c0_count() + n % 512);
	write_c0_compare(read_c0_count() - 1);
	NOTE("Compare written %lu times just ahead of Count", n);
}

/* wait for a timer 120 us ahead, over and over; whether the interrupt
 * comes during the wait or before it, the handler resumes after it. */
UNIT_ASM_FN(a_wait_once,
	"mfc0 $t0, $9\n addiu $t0, $t0, 20000\n mtc0 $t0, $11\n ehb\n"
	"mfc0 $t1, $12\n ori $t1, $t1, 1\n mtc0 $t1, $12\n ehb\n wait\n nop\n"
	".globl a_wait_done\n a_wait_done: jr $ra\n nop");
extern char a_wait_done[];

void case_wait_storm(void)
{
	write_c0_status(ST_BASE | ST_IM7);
	trap_resume_pc = (u64)a_wait_done;
	NOTE("%lu waits", storm(a_wait_once, 0, 0, TRAP_RESUME));
	write_c0_status(ST_BASE);
	write_c0_compare(read_c0_count() - 1);
}

void case_spin_masked(void)
{
	u64 start = now_ticks(), n = 0;

	__asm__ volatile("di" : : : "memory");
	while (now_ticks() - start < ms_to_ticks(ATTACK_MS)) {
		if (spin_marked(1000000, ATTACK_MAGIC << 32 | n++))
			BROKEN("its own HI, LO or s registers changed");
	}
	NOTE("%lu million iterations with interrupts masked", n);
}
