/*
 * Disco's second-level software TLB: per vCPU, a large direct-mapped cache
 * of the guest's virtual-to-machine translations, kept for guests that
 * announced the TLB contract (docs/guest-abi.md). A real TLB refill that
 * hits it refills the real TLB without the guest (the assembly fast path,
 * arch/mips64/l2tlb_refill.S, or vcpu/contract.c), so the guest sees a much
 * larger TLB than its own 64 entries.
 *
 * An entry is one page pair at the size the guest declared (its page size
 * times two), under one guest ASID or global (L2TLB_GLOBAL), with the real
 * EntryLo0/1 ready to write (machine PFN, C, D, V; never G) and the
 * guest-physical page of each half (what the guest's TLB said). What goes in is decided by the vCPU code (only what
 * the guest's TLB and the VM's pmap said at the time); this module only
 * keeps, finds and drops.
 *
 * Addresses are as EntryHi holds them (R in bits 63..62, the segment
 * offset below; a compatibility-segment address as its xkseg alias), so
 * that one pair has one key whatever the form it came in.
 * The key of (va, asid) is the pair number va >> pair_shift (below 2^51)
 * xor the ASID's mix: the ASID at bits 52..60 (0x100 for global) and a
 * spread of it below the index width, so that processes with the same
 * addresses land on different slots. The slot is key & (entries - 1). The
 * assembly computes the same from EntryHi: key = (EntryHi >> pair_shift)
 * ^ mix (the ASID bits fall off), slot address
 * = entries + ((key << 5) & ((entries - 1) << 5)), a hit if the slot's key
 * equals it. Pure C: unit-tested on the host.
 */
#ifndef MMU_L2TLB_H
#define MMU_L2TLB_H

#include <stdbool.h>
#include <stdint.h>

#define L2TLB_GLOBAL    0x100u          /* the ASID key of a global entry */
#define L2TLB_NO_FRAME  UINT32_MAX      /* an invalid half */
#define L2TLB_EMPTY     UINT64_MAX      /* a free slot's key (never a key) */
#define L2TLB_MIN_ORDER 10              /* at least 1024 entries */
#define L2TLB_MAX_ORDER 20

/* The monitor's size: 4096 entries of 32 bytes, 128 KiB per vCPU. */
#define L2TLB_ORDER     12

struct l2tlb_entry {
	uint64_t key;           /* L2TLB_EMPTY when free */
	uint64_t lo[2];         /* real EntryLo0/1 (never G) */
	uint32_t gpage[2];      /* guest-physical page (4 KiB) where each half
				 * starts, or L2TLB_NO_FRAME: invalid */
};
_Static_assert(sizeof(struct l2tlb_entry) == 32, "l2tlb_refill.S shifts by 5");

struct l2tlb_stats {
	uint64_t hits, misses;  /* l2tlb_lookup (the C path's lookups) */
	uint64_t inserts;       /* l2tlb_insert calls */
	uint64_t drops;         /* valid entries dropped (not replaced) */
};

/* The machine frame a real EntryLo maps (its first 4 KiB page), or
 * L2TLB_NO_FRAME for an invalid one: the real TLB's encoding is the
 * architecture's (arch_tlb_frame_of). */
typedef uint32_t (*l2tlb_frame_of_fn)(uint64_t entrylo);

struct l2tlb {
	struct l2tlb_entry *e;  /* 1 << order entries */
	unsigned int order;
	unsigned int pair_shift;        /* log2 of the pair size, >= 13 */
	l2tlb_frame_of_fn frame_of;
	struct l2tlb_stats stats;
};

/* Whether a used entry is a global one. */
static inline bool l2tlb_is_global(const struct l2tlb_entry *e)
{
	return (e->key >> 52) == L2TLB_GLOBAL;  /* l2tlb.c: ASID_SHIFT */
}

/* The bytes of a table of 1 << order entries. */
static inline uint64_t l2tlb_bytes(unsigned int order)
{
	return (uint64_t)sizeof(struct l2tlb_entry) << order;
}

/*
 * Sets t up over entries (l2tlb_bytes(order) bytes, order between
 * L2TLB_MIN_ORDER and L2TLB_MAX_ORDER), empty, for pairs of 1 << pair_shift
 * bytes (13: 4 KiB pages); frame_of reads the entries' EntryLos.
 */
void l2tlb_init(struct l2tlb *t, struct l2tlb_entry *entries, unsigned int order,
		unsigned int pair_shift, l2tlb_frame_of_fn frame_of);

/* Empties t and keys it by pairs of 1 << pair_shift bytes from now on. */
void l2tlb_set_pair_shift(struct l2tlb *t, unsigned int pair_shift);

/* The mix of asid (0..255, or L2TLB_GLOBAL) that keys are xored with. */
uint64_t l2tlb_mix(const struct l2tlb *t, unsigned int asid);

/*
 * The entry for va's pair under asid, else the global one, else NULL;
 * counted as a hit or a miss.
 */
const struct l2tlb_entry *l2tlb_lookup(struct l2tlb *t, uint64_t va, uint8_t asid);

/* The same, not counted (the monitor's own reads through it). */
const struct l2tlb_entry *l2tlb_peek(const struct l2tlb *t, uint64_t va, uint8_t asid);

/*
 * Enters va's pair under asid (or global): lo and gpage as the entry keeps
 * them. Replaces whatever its slot held; a global entry replaces the
 * pair's entry under asid too (and the other way round), so that a pair
 * is never both.
 */
void l2tlb_insert(struct l2tlb *t, uint64_t va, uint8_t asid, bool global,
		  const uint64_t lo[2], const uint32_t gpage[2]);

/* Drops the entries of every pair overlapping [start, end) under asid,
 * and the global ones (what a guest's tlbp of those pairs would match). */
void l2tlb_drop_range(struct l2tlb *t, uint64_t start, uint64_t end, uint8_t asid);

/* Drops every entry under asid (not the global ones). */
void l2tlb_drop_asid(struct l2tlb *t, uint8_t asid);

/* Drops every entry, or every one but the global ones. */
void l2tlb_drop_all(struct l2tlb *t, bool keep_global);

/*
 * Drops every entry one of whose halves maps one of the machine frames
 * [frame, frame + count) (a half of a larger page covers several). The
 * real TLBs are the caller's business.
 */
void l2tlb_drop_frames(struct l2tlb *t, uint32_t frame, uint32_t count);

/*
 * Drops every entry one of whose halves covers one of the guest-physical
 * pages (4 KiB) [gpage, gpage + count): the pmap gave them other machine
 * pages (copy-on-write, a move).
 */
void l2tlb_drop_gpages(struct l2tlb *t, uint32_t gpage, uint32_t count);

/* Pages [first, first + count). */
struct l2tlb_range {
	uint32_t first, count;
};

/* The same for n ranges, in one pass over the table (a batch of moves). */
void l2tlb_drop_gpage_ranges(struct l2tlb *t, const struct l2tlb_range *r, unsigned int n);

#endif
