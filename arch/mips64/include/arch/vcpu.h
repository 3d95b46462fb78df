/*
 * What the machine-independent vCPU code asks of the real CPU: entering a
 * guest, the real Status a guest runs under, and the real TLB (arch/tlb.c).
 */
#ifndef ARCH_VCPU_H
#define ARCH_VCPU_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/frame.h"

/*
 * The real Status for a guest whose virtual Status is vstatus: virtual
 * kernel mode (KSU=0, or EXL or ERL) runs in real supervisor mode, virtual
 * user mode in real user mode; 64-bit segments on, CU0 never, the monitor's
 * tick unmasked and interrupts on; CU1 and FR as the guest has them.
 */
uint32_t arch_guest_status(uint32_t vstatus);

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

/* Enters the pair of pages of 4 KiB << order around va into the real TLB
 * under asid (or global), replacing the entries it overlaps. Each valid
 * half's frames must be machine-contiguous and aligned to its size. */
void arch_tlb_insert(uint64_t va, const struct tlb_half half[2], uint8_t asid,
		     bool global, unsigned int order);

/* Drops every real entry whose pages overlap [start, end). */
void arch_tlb_flush_range(uint64_t start, uint64_t end);

/* Drops every real entry (on a switch to another vCPU). */
void arch_tlb_flush_all(void);

/* A CPU's real-TLB counts since boot (for the exit report). */
struct arch_tlb_counts {
	uint64_t flushes;       /* the whole real TLB dropped */
};
void arch_tlb_counts(unsigned int cpu, struct arch_tlb_counts *out);

/* The ASID the guest's accesses are matched under. */
void arch_set_asid(uint8_t asid);

#endif
