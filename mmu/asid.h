/*
 * Real ASIDs for guest address spaces, recycled by generation (the classic
 * scheme of Linux's MIPS port). The real TLB tags each entry with an 8-bit
 * ASID; every guest address space that has entries on a CPU gets a real
 * ASID of its own there, so a switch between vCPUs, VMs or guest processes
 * is a write of EntryHi, not a flush.
 *
 * Per CPU, an asid_space: the current generation and the next free real
 * ASID (1..255; 0 is never handed out, so the ASID the monitor idles under
 * matches no guest entry). Per vCPU, an asid_map: the generation it was
 * filled in and, for each of its 256 guest ASIDs, the real ASID it was
 * given then. A map of another generation is stale as a whole (cleared at
 * its next asid_get): its guest ASIDs get new real ones. When the 255 are
 * used up a new generation begins: the CPU's real TLB must be flushed
 * (asid_get says so), and every map becomes stale at once. A map is 264
 * bytes, so it lives in the vCPU structure.
 *
 * Why per vCPU and not per (VM, guest ASID): each vCPU has its own guest
 * TLB, and a guest SMP kernel gives ASIDs per CPU (Linux: the same ASID on
 * two vCPUs may be two different processes), so two vCPUs of one VM on one
 * CPU must not share entries. A vCPU's map is valid only on the CPU whose
 * space filled it (vcpu->cpu); a vCPU moved to another CPU must start with
 * a forgotten map (asid_map_forget), which needs nothing from either CPU's
 * TLB: real ASIDs are never handed out twice in one generation, so entries
 * left under forgotten ones can never match again before that CPU's next
 * generation flushes them.
 *
 * Pure C: unit-tested on the host (tests/host/test_asid.c).
 */
#ifndef MMU_ASID_H
#define MMU_ASID_H

#include <stdbool.h>
#include <stdint.h>

#define ASID_GUEST_COUNT 256    /* guest ASIDs (EntryHi bits 7:0) */
#define ASID_REAL_FIRST  1      /* real ASIDs handed out: 1..255 */
#define ASID_REAL_LAST   255
#define ASID_NONE        0      /* "no real ASID": matches no guest entry */

/* One CPU's real ASIDs. */
struct asid_space {
	uint64_t generation;    /* starts at 1; a map of generation 0 is empty */
	unsigned int next;      /* next real ASID to hand out */
	uint64_t generations;   /* new generations begun (rollovers) */
	uint64_t handed_out;    /* real ASIDs handed out */
};

/* One vCPU's guest ASIDs: their real ones (ASID_NONE for none), valid in
 * generation only. */
struct asid_map {
	uint64_t generation;
	uint8_t real[ASID_GUEST_COUNT];
};

/* A CPU's space at boot: generation 1, nothing handed out. */
void asid_space_init(struct asid_space *s);

/* Forgets every pair of the map (a new vCPU, a vCPU moved, stopped, or one
 * whose entries must all go): its next asid_get hands out new real ASIDs. */
void asid_map_forget(struct asid_map *m);

/* The real ASID guest ASID guest has in m under s's current generation, or
 * ASID_NONE (then the real TLB holds no entry of that guest ASID). */
static inline unsigned int asid_lookup(const struct asid_space *s,
				       const struct asid_map *m, unsigned int guest)
{
	return m->generation == s->generation ? m->real[guest & (ASID_GUEST_COUNT - 1)]
					      : ASID_NONE;
}

/* The real ASID for guest ASID guest of map m, handing out the next one if
 * it has none in the current generation. *new_generation is set when that
 * began a new generation: the caller must flush the CPU's real TLB before
 * any entry is made under the ASID returned (never ASID_NONE). */
unsigned int asid_get(struct asid_space *s, struct asid_map *m, unsigned int guest,
		      bool *new_generation);

#endif
