/*
 * Running a guest vCPU on this CPU (first, minimal form): its Status,
 * entering it, and real TLB entries for its direct-map window. The
 * guest's own TLB and exception delivery come with the rest of the
 * virtual-CPU issue.
 */
#include <stdint.h>
#include "arch/addrspace.h"
#include "arch/board.h"
#include "arch/frame.h"
#include "arch/guest.h"
#include "arch/vcpu.h"
#include "arch/cpu.h"

#define ENTRYLO_G   (1u << 0)
#define ENTRYLO_V   (1u << 1)
#define ENTRYLO_D   (1u << 2)
#define ENTRYLO_CCA_CACHED (3u << 3)
#define ENTRYHI_VPN2_MASK  0xc00000ffffffe000ul   /* R and VPN2 (SEGBITS 42) */

void exc_enter_frame(const struct trap_frame *f) __attribute__((noreturn));

uint32_t guest_initial_status(void)
{
	/* supervisor mode, 64-bit user and supervisor segments, the monitor's
	 * 64-bit kernel segments for its own trap code, tick on, CP0 off */
	return ST0_KSU_SUPERVISOR | ST0_SX | ST0_UX | ST0_KX | ST0_IM7 | ST0_IE;
}

void arch_guest_enter(const struct trap_frame *f)
{
	exc_enter_frame(f);
}

/* EntryLo for a machine frame (RAM offset frame << 12), or 0 if none. */
static uint64_t entrylo(uint32_t frame)
{
	uint64_t pa;

	if (frame == UINT32_MAX)
		return 0;
	pa = arch_ram_base() + ((uint64_t)frame << 12);
	return (pa >> 12) << 6 | ENTRYLO_CCA_CACHED | ENTRYLO_D | ENTRYLO_V | ENTRYLO_G;
}

void arch_tlb_map_pair(uint64_t va, uint32_t even_frame, uint32_t odd_frame)
{
	uint32_t index;

	write_c0_pagemask(0);
	write_c0_entryhi(va & ENTRYHI_VPN2_MASK);
	__asm__ volatile("tlbp\n\tehb" : : : "memory");
	index = read_c0_index();
	write_c0_entrylo0(entrylo(even_frame));
	write_c0_entrylo1(entrylo(odd_frame));
	if (index & 0x80000000u)        /* no match: any entry */
		__asm__ volatile("tlbwr\n\tehb" : : : "memory");
	else                            /* an invalid match: replace it */
		__asm__ volatile("tlbwi\n\tehb" : : : "memory");
}
