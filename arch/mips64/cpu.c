/*
 * Per-CPU hardware set-up.
 */
#include <stdint.h>
#include "arch/cpu.h"
#include "arch/vcpu.h"

/*
 * QEMU resets every TLB entry to zero: VPN2 0, ASID 0, valid bits clear,
 * which matches address 0 and turns a stray access there into a TLB-invalid
 * exception instead of a refill. arch_tlb_flush_all gives each entry a
 * distinct address in CKSEG0, which never goes through the TLB, so no entry
 * matches anything and no two entries are ever duplicates. HWREna = 0: every
 * guest rdhwr traps, so the monitor answers it with virtual values.
 */
void arch_cpu_init(void)
{
	arch_tlb_flush_all();
	__asm__ volatile("mtc0\t$0, $7\n\tehb" : : : "memory");
}
