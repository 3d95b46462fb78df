/*
 * A virtual CPU's TLB: the guest's own entries, of the real CPU's size, with
 * the semantics of QEMU 7.2's R4000-style MMU for MIPS64R2-generic (PageMask
 * 4K..256M, an unsupported mask treated as the hardware does, G, 8-bit
 * ASID, V/D/C per half, VPN2 bounded by SEGBITS, PFN by PABITS). tlbp,
 * tlbr, tlbwi, tlbwr work on the vCPU's CP0 registers; vtlb_translate is
 * the lookup a guest access needs. Pure C: unit-tested on the host.
 */
#ifndef VCPU_VTLB_H
#define VCPU_VTLB_H

#include <stdbool.h>
#include <stdint.h>
#include "vcpu/cp0.h"

#define VTLB_MAX_ENTRIES 64

struct vtlb_entry {
	uint64_t vpn2;          /* EntryHi R and VPN2 bits (va of the pair) */
	uint64_t mask;          /* PageMask bits 28:13 (pair size - 1 above 8K) */
	uint8_t asid;
	bool g;
	uint64_t lo[2];         /* EntryLo0/1: PFN, C, D, V (G kept in g) */
};

struct vtlb {
	unsigned int size;      /* the real CPU's number of entries */
	struct vtlb_entry e[VTLB_MAX_ENTRIES];
};

/* As after the CPU's reset. */
void vtlb_reset(struct vtlb *t, unsigned int size);

void vtlb_probe(const struct vtlb *t, struct cp0 *c);     /* tlbp */
void vtlb_read(const struct vtlb *t, struct cp0 *c);      /* tlbr */
void vtlb_write(struct vtlb *t, const struct cp0 *c, unsigned int index);
				/* tlbwi (index = Index) and tlbwr (index = Random) */

enum vtlb_result {
	VTLB_HIT,
	VTLB_REFILL,            /* no matching entry: TLB refill exception */
	VTLB_INVALID,           /* matching entry, V = 0: TLBL/TLBS */
	VTLB_MODIFIED,          /* store to a page with D = 0: Mod */
};

struct vtlb_map {
	uint64_t pa;            /* physical address of va (the guest's) */
	uint64_t page_size;     /* the half's size: 4K << 2n */
	unsigned int cca;       /* EntryLo.C */
	bool dirty;
	int index;              /* the entry that matched */
};

/* Looks up va under ASID asid for a load/fetch or a store. */
enum vtlb_result vtlb_translate(const struct vtlb *t, uint64_t va, uint8_t asid,
				bool store, struct vtlb_map *out);

/* Whether any entry (valid or not) covers va's page pair under asid: used to
 * keep the real TLB's entries for this vCPU consistent after tlbw*. */
bool vtlb_matches(const struct vtlb_entry *e, uint64_t va, uint8_t asid);

#endif
