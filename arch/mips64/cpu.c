/*
 * Per-CPU hardware set-up.
 */
#include <stdint.h>
#include "arch/cpu.h"
#include "arch/fast.h"
#include "arch/timer.h"
#include "arch/vcpu.h"

/*
 * QEMU resets every TLB entry to zero: VPN2 0, ASID 0, valid bits clear,
 * which matches address 0 and turns a stray access there into a TLB-invalid
 * exception instead of a refill. arch_tlb_flush_all gives each entry a
 * distinct address in CKSEG0, which never goes through the TLB, so no entry
 * matches anything and no two entries are ever duplicates (arch_tlb_init
 * starts there, and sets up the CPU's real ASIDs). HWREna = 0: every
 * guest rdhwr traps, so the monitor answers it with virtual values.
 */
void arch_cpu_init(void)
{
	arch_fast_init();
	arch_tlb_init();
	__asm__ volatile("mtc0\t$0, $7\n\tehb" : : : "memory");
}

/* ei, ehb, wait: an interrupt taken at the ehb or the wait (before it runs)
 * has EPC there; one taken while waiting has EPC past the wait already. */
void enable_and_wait(void);
__asm__(".pushsection .text\n"
	".set push\n.set noreorder\n"
	".type enable_and_wait, @function\n"
	"enable_and_wait:\n"
	"	ei\n"
	"idle_ehb:\n"
	"	ehb\n"
	"idle_wait:\n"
	"	wait\n"
	"	jr	$ra\n"
	"	 nop\n"
	".size enable_and_wait, . - enable_and_wait\n"
	".set pop\n.popsection");

void arch_irq_enable_and_wait(void)
{
	if (arch_timer_wakes())
		enable_and_wait();
	else
		arch_irq_enable();      /* takes what is pending; no sleep */
}

void arch_idle_resume(uint64_t *epc)
{
	extern char idle_ehb[], idle_wait[];

	if (*epc == (uint64_t)(uintptr_t)idle_ehb || *epc == (uint64_t)(uintptr_t)idle_wait)
		*epc = (uint64_t)(uintptr_t)idle_wait + 4;
}
