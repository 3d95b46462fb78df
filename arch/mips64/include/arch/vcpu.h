/*
 * What the machine-independent vCPU code asks of the real CPU: entering a
 * guest, the real Status a guest runs under, and the real TLB (arch/tlb.c).
 */
#ifndef ARCH_VCPU_H
#define ARCH_VCPU_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/frame.h"
#include "arch/mipsregs.h"

/*
 * The real Status for a guest whose virtual Status is vstatus: virtual
 * kernel mode (KSU=0, or EXL or ERL) runs in real supervisor mode, virtual
 * user mode in real user mode; 64-bit segments on, CU0 never, the monitor's
 * tick unmasked and interrupts on; CU1 and FR as the guest has them.
 * (Inline: every return to a guest asks it.)
 */
static inline uint32_t arch_guest_status(uint32_t vstatus)
{
	uint32_t ksu = vstatus & ST0_KSU;
	bool kernel = ksu == 0 || (vstatus & (ST0_EXL | ST0_ERL));
	uint32_t mode = (kernel || ksu == ST0_KSU_SUPERVISOR) ?
			ST0_KSU_SUPERVISOR : ST0_KSU_USER;

	/* UX and PX as the guest has them: with both 0, 64-bit instructions
	 * in user mode are Reserved Instructions and xuseg is an address
	 * error, in hardware, as the guest expects. SX stays on for the
	 * windows. */
	return mode | ST0_SX | ST0_KX | ST0_IM7 | ST0_IE |
	       (vstatus & (ST0_UX | ST0_PX | ST0_CU1 | ST0_FR));
}

/* HWREna's CC bit: rdhwr $2 reads the real Count without a trap. */
#define ARCH_HWRENA_CC (1u << 2)

/* Sets the real HWREna the guest about to run on this CPU gets: only
 * ARCH_HWRENA_CC may be in bits (every other rdhwr traps, to be emulated:
 * CPUNum is the vCPU's, not this CPU's). */
void arch_guest_hwrena(uint32_t bits);

/* Loads the frame at the top of this CPU's monitor stack and erets to it. */
void arch_guest_enter(const struct trap_frame *f) __attribute__((noreturn));

/* A vCPU's floating-point registers (arch/mips64/fpu.S). */
struct fpu_state {
	uint64_t fpr[32];
	uint32_t fcsr;
};
_Static_assert(sizeof(((struct fpu_state *)0)->fpr) == 256, "fpu.S offsets");

void arch_fpu_save(struct fpu_state *s);
void arch_fpu_restore(const struct fpu_state *s);

/* One half of a real TLB entry: a machine frame (RAM offset >> 12; the
 * first of the half's pages) or UINT32_MAX for an invalid half. */
struct tlb_half {
	uint32_t frame;
	bool dirty;
	unsigned int cca;       /* cache attribute: 2 uncached, 3 cached */
};

/* The largest page order arch_tlb_insert takes: pages of 4 KiB << order,
 * order even (the MIPS page sizes 4K, 16K, 64K, ... 16M). */
#define ARCH_TLB_MAX_ORDER 12

/*
 * The real TLB (arch/mips64/tlb.c). Every entry is made under a real ASID
 * (mmu/asid.h: one per vCPU and guest ASID on each CPU, recycled by
 * generation), but the running vCPU's direct-map window, which is global
 * until another vCPU runs on the CPU; entries of other ASIDs stay across
 * vCPU switches. While a vCPU's trap is handled, the real EntryHi holds the
 * real ASID arch_tlb_set_asid gave it before it last ran; every function
 * here leaves it so (they use Index, PageMask, EntryLo0/1 and EntryHi in
 * between: call them with interrupts off, as traps and cross-calls run).
 * Nothing depends on which index holds an entry.
 */

/* Enters the pair of pages of 4 KiB << order around va into the real TLB
 * under the current real ASID, replacing the entry for the same pair and
 * dropping the smaller ones it overlaps under that ASID. Each valid half's
 * frames must be machine-contiguous and aligned to its size. */
void arch_tlb_insert(uint64_t va, const struct tlb_half half[2], unsigned int order);

/* The same, global: the entry matches under every real ASID. Only for the
 * direct-map window of the vCPU that runs (the same for all its guest
 * processes), and only while this CPU runs that vCPU: a switch to another
 * drops them (arch_tlb_flush_global). */
void arch_tlb_insert_global(uint64_t va, const struct tlb_half half[2], unsigned int order);

/* Drops every global real entry on this CPU. */
void arch_tlb_flush_global(void);

/* Drops every real entry whose pages overlap [start, end), of every ASID. */
void arch_tlb_flush_range(uint64_t start, uint64_t end);

/* Drops the real entries overlapping [start, end) under real_asid only
 * (nothing for 0, ASID_NONE). */
void arch_tlb_flush_asid_range(uint64_t start, uint64_t end, unsigned int real_asid);

/* Drops every real entry (any ASID) whose EntryLo0 or EntryLo1 maps one of
 * the machine frames [frame, frame + count) (RAM offset >> 12), on this CPU
 * (pages taken away: the shoot-down calls it on each CPU that may cache
 * them). */
void arch_tlb_flush_frames(uint32_t frame, uint32_t count);

/* Drops every real entry on this CPU. */
void arch_tlb_flush_all(void);

/* This CPU's real TLB at boot: empty, ASIDs at their first generation. */
void arch_tlb_init(void);

struct asid_map;
/* Makes the guest's accesses on this CPU match under the real ASID of
 * guest ASID guest_asid in the vCPU's map m, handing one out if it has none
 * in this CPU's generation (a new generation flushes this CPU's real TLB
 * first). Returns it. For the vCPU placed on this CPU only (vcpu->cpu). */
unsigned int arch_tlb_set_asid(struct asid_map *m, uint8_t guest_asid);

/* The real ASID guest_asid has in m on this CPU now, or 0 (ASID_NONE: no
 * real entry was made for it since its map or this CPU's generation was
 * last renewed). */
unsigned int arch_tlb_asid_of(const struct asid_map *m, uint8_t guest_asid);

/* test=tlb (arch/mips64/tlb_selftest.c): the functions above against the
 * CPU's tlbp/tlbr, with no guest running; prints a line per check and
 * returns the number that failed. */
int arch_tlb_selftest(void);

/* A CPU's real-TLB counts since boot (for the exit report). */
struct arch_tlb_counts {
	uint64_t flushes;       /* the whole real TLB dropped */
	uint64_t range_flushes, frame_flushes;
	uint64_t global_flushes;        /* the global (window) entries dropped */
	uint64_t inserts;       /* entries written by arch_tlb_insert */
	uint64_t generations;   /* ASID generations begun after the first */
	uint64_t asids;         /* real ASIDs handed out */
};
void arch_tlb_counts(unsigned int cpu, struct arch_tlb_counts *out);

#endif
