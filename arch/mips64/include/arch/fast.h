/*
 * The per-CPU area the exception vectors reach through DataLo (this CPU
 * has no KScratch registers: start.S puts the area's address in DataLo,
 * which nothing else uses). Every vector parks the guest's k0 and k1 here
 * before anything else; the assembly fast paths (vectors.S and the files
 * they jump to) borrow guest registers into save[] and read the state the
 * C code keeps current here for the vCPU on this CPU. Assembly reaches the
 * fields through asm-offsets.c (FAST_*). A fast path appends its own
 * fields; C code that changes what they describe updates them.
 */
#ifndef ARCH_FAST_H
#define ARCH_FAST_H

#include <stdint.h>
#include "monitor/percpu.h"

struct vcpu;

struct arch_fast {
	uint64_t k0, k1;        /* the trapped code's, while a vector saves them */
	uint64_t save[6];       /* guest registers a fast path borrows */

	/*
	 * The general-vector fast paths (fastpath.S: a guest's syscall, eret,
	 * rdhwr $29), filled by arch_fast_enter() each time C returns to a
	 * guest. vcpu is NULL while they are off: from every monitor entry
	 * (trap_entry) until the next return to a guest, whenever that
	 * return's state is not one they handle, and when another CPU posts
	 * a cross-call here (arch_fast_kick), so that the next trap goes
	 * through C and serves the mailbox.
	 */
	struct vcpu *volatile vcpu;
	void *shared;           /* its struct vcpu_shared, or dummy_shared */
	uint64_t vector;        /* the guest's general vector (EBase + 0x180) */
	uint64_t cause_sys;     /* its Cause after a syscall (not in a delay slot) */
	uint64_t fixed_mask;    /* Status bits an eret here may not change ... */
	uint64_t fixed;         /* ... and their values */
	uint32_t deadline;      /* real Count: slice end or virtual timer due */
	uint32_t pending;       /* vcpu_interrupt_pending(), 0 or 1 */
	uint32_t real_base;     /* real Status for virtual kernel mode, no CU1 */
	uint32_t insn_eret;     /* the instruction words the paths accept */
	uint32_t insn_rdhwr;
	uint32_t pad;
	uint64_t status_rw;     /* mtc0 Status's write mask (CP0_STATUS_RW) */
	volatile uint32_t *mailbox;     /* xcall_pending_word() of this CPU */
	/* EPCs of the last CpU traps that were not an eret, by bits 4:2:
	 * they go to C without reading the instruction again (a stale entry
	 * only sends an eret there to C). */
	uint64_t not_eret[8];
	/* What the fields from shared to pending were computed from (C only):
	 * most returns to a guest change none of it. */
	struct {
		const struct vcpu *vcpu;
		const void *shared;
		uint64_t status, cause, ebase;
		bool off;               /* that Status, or trapsites: off */
	} from;
	/* The shared area of a guest that has none: only the fast paths and
	 * arch_fast_enter use it (IE kept equal to the vCPU's Status.IE). */
	uint64_t dummy_shared[16] __attribute__((aligned(128)));
	/* The l2tlb refill fast path (l2tlb_refill.S) for the vCPU on this
	 * CPU, kept by arch_l2tlb_arm/disarm (arch/l2tlb.h): */
	uint64_t l2tlb_mask;    /* (entries - 1) << 5; 0: off (the full path) */
	uint64_t l2tlb_table;   /* its entries */
	uint64_t l2tlb_shift;   /* log2 of its pair size */
	uint64_t l2tlb_mix;     /* the key mix of the current guest ASID */
	uint64_t l2tlb_pagemask;        /* PageMask of its entries */
	uint64_t l2tlb_hits;    /* address of the vCPU's hit count */
	uint64_t l2tlb_armed_mask;      /* (C only) l2tlb_mask when armed */
	/* The NUMA engine's touch counts (numa/placement.h, numa_arm): */
	uint64_t numa_row;      /* this node's counts of the VM's pages; 0: off */
	uint64_t numa_vm;       /* its struct numa_fast (npages 0: not counting) */
	uint64_t numa_ring;     /* the vCPU's struct numa_ring */
};

extern struct arch_fast arch_fast[MAX_CPUS];

/* Fills the fields of this CPU's area that never change (the instruction
 * words, mtc0 Status's mask, the mailbox), fast paths off: once per CPU,
 * at bring-up (arch_cpu_init). */
void arch_fast_init(void);

/*
 * Readies this CPU's fast paths for the return to v about to happen
 * (vcpu/sched.c prepare(), after every other change to v's state): off if
 * v's state is one they do not handle. real_status is the real Status v
 * returns with (arch_guest_status); slice_start and slice_len are the
 * scheduler's time slice in real Count ticks.
 */
void arch_fast_enter(struct vcpu *v, uint32_t real_status, uint32_t slice_start,
		     uint32_t slice_len);

/* This CPU's area: DataLo holds its (32-bit, sign-extended) address. */
static inline struct arch_fast *arch_fast_this(void)
{
	int32_t p;

	__asm__ volatile("mfc0\t%0, $28, 1" : "=r"(p));
	return (struct arch_fast *)(intptr_t)p;
}

/* Turns this CPU's fast paths off (every entry into the monitor's C code). */
static inline void arch_fast_off(void)
{
	arch_fast_this()->vcpu = 0;
}

/* Another CPU posted a cross-call to cpu: its next trap goes through C
 * (which serves the mailbox) even if a fast path could take it. */
void arch_fast_kick(unsigned int cpu);

#endif
