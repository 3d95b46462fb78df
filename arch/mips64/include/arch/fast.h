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

struct arch_fast {
	uint64_t k0, k1;        /* the trapped code's, while a vector saves them */
	uint64_t save[6];       /* guest registers a fast path borrows */
	/* The l2tlb refill fast path (l2tlb_refill.S) for the vCPU on this
	 * CPU, kept by arch_l2tlb_arm/disarm (arch/l2tlb.h): */
	uint64_t l2tlb_mask;    /* (entries - 1) << 5; 0: off (the full path) */
	uint64_t l2tlb_table;   /* its entries */
	uint64_t l2tlb_shift;   /* log2 of its pair size */
	uint64_t l2tlb_mix;     /* the key mix of the current guest ASID */
	uint64_t l2tlb_pagemask;        /* PageMask of its entries */
	uint64_t l2tlb_hits;    /* address of the vCPU's hit count */
	uint64_t l2tlb_armed_mask;      /* (C only) l2tlb_mask when armed */
};

extern struct arch_fast arch_fast[MAX_CPUS];

#endif
