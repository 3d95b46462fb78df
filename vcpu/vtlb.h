/*
 * A virtual CPU's TLB: the guest's own entries, of the real CPU's size, with
 * the semantics of QEMU 7.2's R4000-style MMU for MIPS64R2-generic (PageMask
 * 4K..256M, an unsupported mask treated as the hardware does, G, 8-bit
 * ASID, V/D/C per half, VPN2 bounded by SEGBITS, PFN by PABITS). tlbp,
 * tlbr, tlbwi, tlbwr work on the vCPU's CP0 registers; vtlb_translate is
 * the lookup a guest access needs. Pure C: unit-tested on the host.
 *
 * Shadow entries (target/mips/tcg/sysemu/tlb_helper.c r4k_invalidate_tlb):
 * when tlbwr replaces an entry that is global or of the current ASID, QEMU
 * keeps the old one as a hidden "extra" entry that still translates (after
 * the real ones) until it is discarded: all of them by tlbr and by a tlbwi
 * that changes more than permissions, and by a tlbp that finds nothing in
 * the real entries but matches a shadow -- that shadow and the later ones.
 * vtlb models them, so a guest sees the same refills as on QEMU. Discarded
 * shadows are left in shadow[nr_shadow..] (until reused), so a caller that
 * compares nr_shadow before and after a call knows which ones to drop from
 * the real TLB.
 */
#ifndef VCPU_VTLB_H
#define VCPU_VTLB_H

#include <stdbool.h>
#include <stdint.h>
#include "vcpu/cp0.h"

#define VTLB_MAX_ENTRIES 64
#define VTLB_QEMU_TLB_MAX 128   /* QEMU's MIPS_TLB_MAX: entries + shadows */
#define VTLB_MAX_SHADOWS (VTLB_QEMU_TLB_MAX - VTLB_MAX_ENTRIES)
#define VTLB_BUCKETS 64         /* the index's buckets of 32 KiB pairs */
#define VTLB_LARGE VTLB_BUCKETS /* the bucket of entries of larger pairs */

struct vtlb_entry {
	uint64_t vpn2;          /* EntryHi R and VPN2 bits (va of the pair) */
	uint64_t mask;          /* PageMask bits 28:13 (pair size - 1 above 8K) */
	uint8_t asid;
	bool g;
	uint64_t lo[2];         /* EntryLo0/1: PFN, C, D, V (G kept in g); PFN
				 * bits below the page size are cleared */
};

struct vtlb {
	unsigned int size;      /* the real CPU's number of entries */
	struct vtlb_entry e[VTLB_MAX_ENTRIES];
	unsigned int nr_shadow; /* shadow[0..nr_shadow) translate after e[] */
	struct vtlb_entry shadow[VTLB_MAX_SHADOWS];
	/* The index that spares a lookup the walk of every entry (vtlb.c):
	 * bit i of e_bits[b] says e[i] is in bucket b, the bucket of the
	 * 32 KiB-aligned pair its va lies in; entries whose pair is larger
	 * (pages over 16 KiB) are in VTLB_LARGE, candidates for every va.
	 * The same for the shadows. Kept by vtlb.c alone. */
	uint64_t e_bits[VTLB_BUCKETS + 1];
	uint64_t shadow_bits[VTLB_BUCKETS + 1];
	uint8_t e_bucket[VTLB_MAX_ENTRIES];
	uint8_t shadow_bucket[VTLB_MAX_SHADOWS];
};

/* As after the CPU's reset (t's entries are written only by these
 * functions, which keep its index): every entry zero (VPN2 0, ASID 0, not global,
 * invalid -- so va 0..0x1fff under ASID 0 matches entry 0 and is "invalid",
 * not a refill), no shadows. */
void vtlb_reset(struct vtlb *t, unsigned int size);

/* tlbp: Index = the first matching entry, else Index.P set (the index bits
 * kept). May discard shadows. */
void vtlb_probe(struct vtlb *t, struct cp0 *c);
/* tlbr: entry (Index & ~P) % size into EntryHi (its ASID replaces the
 * current one), PageMask, EntryLo0/1 (G in both). Discards every shadow. */
void vtlb_read(struct vtlb *t, struct cp0 *c);
/* tlbwi: entry (index & ~P) % size, index being the Index register. */
void vtlb_write(struct vtlb *t, const struct cp0 *c, unsigned int index);
/* tlbwr: the entry cp0_random() picks, the old one becoming a shadow if it
 * is global or of the current ASID (and there is room). Returns the index;
 * *old (if not NULL) gets the entry it replaced. */
unsigned int vtlb_write_random(struct vtlb *t, struct cp0 *c, struct vtlb_entry *old);

enum vtlb_result {
	VTLB_HIT,
	VTLB_REFILL,            /* no matching entry: TLB refill exception */
	VTLB_INVALID,           /* matching entry, V = 0: TLBL/TLBS */
	VTLB_MODIFIED,          /* store to a page with D = 0: Mod */
};

struct vtlb_map {
	uint64_t pa;            /* physical address of va (the guest's) */
	uint64_t page_size;     /* the half's size: (mask >> 1) + 4K */
	unsigned int cca;       /* EntryLo.C */
	bool dirty;
	int index;              /* the entry that matched (size + k: shadow k),
				 * also for INVALID and MODIFIED; -1 on REFILL */
};

/* Looks up va under ASID asid for a load/fetch or a store: the first
 * matching entry in index order, then the shadows (r4k_map_address). */
enum vtlb_result vtlb_translate(const struct vtlb *t, uint64_t va, uint8_t asid,
				bool store, struct vtlb_map *out);

/* The entry a vtlb_map index names (an entry, or shadow index - size). */
static inline const struct vtlb_entry *vtlb_entry_at(const struct vtlb *t, int index)
{
	return (unsigned int)index < t->size ? &t->e[index] : &t->shadow[index - (int)t->size];
}

/* Whether any entry (valid or not) covers va's page pair under asid: used to
 * keep the real TLB's entries for this vCPU consistent after tlbw*. */
bool vtlb_matches(const struct vtlb_entry *e, uint64_t va, uint8_t asid);

#endif
