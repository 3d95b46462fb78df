/*
 * Per-CPU hardware set-up.
 */
#include <stdint.h>
#include "arch/addrspace.h"
#include "arch/cpu.h"

/*
 * QEMU resets every TLB entry to zero: VPN2 0, ASID 0, valid bits clear,
 * which matches address 0 and turns a stray access there into a TLB-invalid
 * exception instead of a refill. Give each entry a distinct address in
 * CKSEG0, which never goes through the TLB, so no entry matches anything
 * and no two entries are ever duplicates.
 */
static void tlb_init(void)
{
	unsigned int n = cpu_tlb_entries();

	write_c0_pagemask(0);
	write_c0_wired(0);
	write_c0_entrylo0(0);
	write_c0_entrylo1(0);
	for (unsigned int i = 0; i < n; i++) {
		write_c0_entryhi(CKSEG0_BASE + ((uint64_t)i << 13));
		write_c0_index(i);
		__asm__ volatile("tlbwi\n\tehb" : : : "memory");
	}
	write_c0_entryhi(0);
}

void arch_cpu_init(void)
{
	tlb_init();
}
