/*
 * The real-TLB side of the vCPU's second-level TLB (mmu/l2tlb.h): real
 * EntryLo values for its entries, and the per-CPU state of the refill
 * fast path (arch/mips64/l2tlb_refill.S, struct arch_fast).
 */
#ifndef ARCH_L2TLB_H
#define ARCH_L2TLB_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/cpu.h"
#include "arch/fast.h"
#include "arch/vcpu.h"

/* The real EntryLo of a half (never G; 0 for an invalid one). */
uint64_t arch_tlb_entrylo(const struct tlb_half *h);

/* The machine frame (RAM offset >> 12) an EntryLo from arch_tlb_entrylo
 * maps, UINT32_MAX if it is invalid; the half it describes. */
uint32_t arch_tlb_frame_of(uint64_t entrylo);
struct tlb_half arch_tlb_half_of(uint64_t entrylo);

/* What the refill fast path needs for the vCPU on this CPU. */
struct arch_l2tlb_state {
	const void *table;      /* the l2tlb's entries (32 bytes each) */
	unsigned int order;     /* 1 << order entries */
	unsigned int pair_shift;
	uint64_t mix;           /* the current guest ASID's key mix */
	uint64_t *hits;         /* counted up by each fast-path hit */
};

/* The fast path serves this CPU's real refills from s, until the next
 * exception that takes the full path (the vectors disarm it) or
 * arch_l2tlb_arm/disarm on this CPU: called on every way back to a guest. */
void arch_l2tlb_arm(const struct arch_l2tlb_state *s);

/* Arms this CPU again as its last arch_l2tlb_arm did, if that was for the
 * same table, pair_shift, mix and hit counter (true); else false (call
 * arch_l2tlb_arm). Every trap disarms it: this is the cheap way back to
 * the same vCPU. */
static inline bool arch_l2tlb_rearm(const void *table, unsigned int pair_shift, uint64_t mix,
				    const uint64_t *hits)
{
	struct arch_fast *a = arch_fast_this();

	if (a->l2tlb_table != (uint64_t)(uintptr_t)table || a->l2tlb_mix != mix ||
	    a->l2tlb_shift != pair_shift || a->l2tlb_hits != (uint64_t)(uintptr_t)hits)
		return false;
	a->l2tlb_mask = a->l2tlb_armed_mask;
	return true;
}

/* Every real refill on this CPU takes the full path. */
static inline void arch_l2tlb_disarm(void)
{
	arch_fast_this()->l2tlb_mask = 0;
}

/* Drops the real entry for va's pair under asid, if any: what the fast
 * path wrote behind the real-TLB code's back (tlbp, not a scan). */
void arch_l2tlb_flush_pair(uint64_t va, uint8_t asid);

#endif
