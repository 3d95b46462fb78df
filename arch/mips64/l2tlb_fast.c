/*
 * The real-TLB side of the second-level TLB (see arch/l2tlb.h).
 */
#include "arch/addrspace.h"
#include "arch/board.h"
#include "arch/cpu.h"
#include "arch/fast.h"
#include "arch/l2tlb.h"

#define ENTRYLO_V   (1u << 1)
#define ENTRYLO_D   (1u << 2)
#define ENTRYLO_CCA_SHIFT 3
#define PAIR_4K_SHIFT 13
#define ENTRYHI_VPN2_MASK 0xc00003ffffffe000ul   /* R and VPN2 (SEGBITS 42) */

uint64_t arch_tlb_entrylo(const struct tlb_half *h)
{
	uint64_t pa;

	if (h->frame == UINT32_MAX)
		return 0;
	pa = arch_ram_base() + ((uint64_t)h->frame << 12);
	return (pa >> 12) << 6 | (uint64_t)h->cca << ENTRYLO_CCA_SHIFT |
	       (h->dirty ? ENTRYLO_D : 0) | ENTRYLO_V;
}

uint32_t arch_tlb_frame_of(uint64_t entrylo)
{
	if (!(entrylo & ENTRYLO_V))
		return UINT32_MAX;
	return (uint32_t)((((entrylo >> 6) << 12) - arch_ram_base()) >> 12);
}

struct tlb_half arch_tlb_half_of(uint64_t entrylo)
{
	struct tlb_half h = { arch_tlb_frame_of(entrylo), false, 0 };

	if (h.frame == UINT32_MAX)
		return h;
	h.dirty = entrylo & ENTRYLO_D;
	h.cca = (entrylo >> ENTRYLO_CCA_SHIFT) & 7;
	return h;
}

void arch_l2tlb_arm(const struct arch_l2tlb_state *s)
{
	struct arch_fast *a = arch_fast_this();

	a->l2tlb_table = (uint64_t)(uintptr_t)s->table;
	a->l2tlb_shift = s->pair_shift;
	a->l2tlb_mix = s->mix;
	a->l2tlb_pagemask = ((1ull << s->pair_shift) - 1) & ~((1ull << PAIR_4K_SHIFT) - 1);
	a->l2tlb_hits = (uint64_t)(uintptr_t)s->hits;
	a->l2tlb_armed_mask = ((1ull << s->order) - 1) << 5;
	a->l2tlb_mask = a->l2tlb_armed_mask;
}

void arch_l2tlb_flush_pair(uint64_t va, uint8_t asid)
{
	uint64_t old = read_c0_entryhi();
	uint32_t index;

	write_c0_entryhi((va & ENTRYHI_VPN2_MASK) | asid);
	__asm__ volatile("tlbp\n\tehb" : : : "memory");
	index = read_c0_index();
	if (!(index & 0x80000000u)) {   /* as tlb.c's unused entries */
		write_c0_entryhi(CKSEG0_BASE + ((uint64_t)index << 13));
		write_c0_entrylo0(0);
		write_c0_entrylo1(0);
		write_c0_pagemask(0);
		__asm__ volatile("tlbwi\n\tehb" : : : "memory");
	}
	write_c0_entryhi(old);
}
