/*
 * Per-CPU state of the monitor and the per-CPU stacks.
 */
#ifndef MONITOR_PERCPU_H
#define MONITOR_PERCPU_H

#define MAX_CPUS 16

/* Each CPU's monitor stack: 16 KiB, in .stacks (not cleared at boot). */
#define PERCPU_STACK_SHIFT 14
#define PERCPU_STACK_SIZE  (1 << PERCPU_STACK_SHIFT)

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>
#include "arch/compare.h"
#include "arch/cpu.h"

_Static_assert(MAX_CPUS == ARCH_MAX_CPUS, "monitor and arch CPU limits differ");

struct percpu {
	unsigned int id;
	unsigned int node;          /* NUMA node this CPU belongs to */
	volatile bool online;       /* checked in */
	uint32_t tick_period;       /* Count ticks between timer interrupts */
	struct compare_timer timer; /* the next tick and one-shot deadline */
	uint64_t ticks;             /* timer interrupts taken */
	uint64_t exceptions[32];    /* exceptions taken, by ExcCode */
	uint64_t guest_lladdr;      /* LLAddr as the last trap from a guest found it */
} __attribute__((aligned(512)));   /* a power of two: this_cpu() is a shift,
					* not a multiply (every trap asks it often) */

extern struct percpu percpu[MAX_CPUS];

static inline struct percpu *this_cpu(void)
{
	return &percpu[arch_cpu_id()];
}

#endif /* __ASSEMBLER__ */
#endif
