/*
 * The real-TLB side of the vCPU's second-level TLB (mmu/l2tlb.h): real
 * EntryLo values for its entries, and the per-CPU state of the refill
 * fast path (arch/mips64/l2tlb_refill.S, struct arch_fast).
 */
#ifndef ARCH_L2TLB_H
#define ARCH_L2TLB_H

#include <stdint.h>
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

/* Every real refill on this CPU takes the full path. */
void arch_l2tlb_disarm(void);

/* Drops the real entry for va's pair under asid, if any: what the fast
 * path wrote behind the real-TLB code's back (tlbp, not a scan). */
void arch_l2tlb_flush_pair(uint64_t va, uint8_t asid);

#endif
