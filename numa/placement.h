/*
 * The NUMA engine on the machine: where a VM's policy (numa/policy.h) and
 * bookkeeping (numa/engine.h) meet its pmap, its vCPUs and the clock.
 *  - placement: a page first touched is backed where the policy says
 *    (the pmap's place hook);
 *  - counting: the fill paths call numa_fill_touch; the l2tlb refill fast
 *    path counts in assembly (armed per CPU by numa_arm); a count that
 *    reaches the trigger puts the page in its vCPU's hot ring;
 *  - acting: at its next return to the guest (numa_work, from sched.c) the
 *    CPU asks the engine about each page in the ring and carries out the
 *    answer: page_move for a migration, pmap_replicate for a replication;
 *  - periods: the first CPU to see a period over ends it for the VM: the
 *    policy hears it, counts are reset, a sample of the VM's translations
 *    is taken away (hinting faults), kernel text is replicated to the
 *    nodes the VM runs on if the policy wants it, and a scripted move
 *    (move_at) is made.
 */
#ifndef NUMA_PLACEMENT_H
#define NUMA_PLACEMENT_H

#include <stdbool.h>
#include <stdint.h>
#include "numa/engine.h"

#define NUMA_RING_SIZE 64       /* hot pages a vCPU holds */
#define NUMA_RING_BATCH 16      /* hot pages that make a batch worth its
				 * shoot-down (PAGE_MOVE_BATCH): numa_work
				 * waits for that many, or the period's end */

/* Where a hot page was found: its ring entry's top bits (the fast path
 * pushes plain page numbers: source 0). */
enum numa_source { NUMA_SRC_REFILL, NUMA_SRC_FILL, NUMA_SRC_HINT };
#define NUMA_CENSUS_PERIODS 8   /* periods the census report sums */
#define NUMA_SRC_SHIFT 28
#define NUMA_GPAGE_MASK ((1u << NUMA_SRC_SHIFT) - 1)

/* A vCPU's hot pages, written by the refill fast path (l2tlb_refill.S:
 * slot at offset 0, head at NUMA_RING_SIZE * 4) and the C fill paths. */
struct numa_ring {
	uint32_t slot[NUMA_RING_SIZE];  /* guest page numbers */
	volatile uint32_t head;         /* pages pushed, ever */
	uint32_t seen;                  /* pages taken by numa_work */
};

/* What the refill fast path reads of a VM (asm-offsets: NUMA_FAST_*). */
struct numa_fast {
	uint64_t npages;        /* its pages; 0 while not counting */
	uint64_t trigger;       /* the count that makes a page hot */
};

/* A VM's engine on the machine (in struct vm). */
struct vm_numa {
	struct numa_vm e;
	struct numa_fast fast;
	void *tables;           /* e's tables, a block of tables_order */
	unsigned int tables_order;
	volatile uint64_t next_tick;    /* the period ends at this tick (of
					 * whichever CPU sees it first) */
	uint64_t started;       /* the tick it started at (move_at) */
	volatile uint32_t period_busy;  /* a CPU is ending the period */
	uint32_t text_next;     /* the text replication's cursor (guest page) */
	uint32_t text_nodes;    /* nodes the text was replicated to */
	uint32_t sample_next;   /* the hinting sample's cursor */
	bool moved;             /* move_at was carried out */
	uint64_t c_touches;     /* touches counted by the C fill paths */
	/* The census of the last NUMA_CENSUS_PERIODS periods (a ring) of the
	 * VM's private pages that were touched: how many, and how many are on
	 * the node that touched them most (what placement is for; the
	 * kernel's shared pages are left out: only replication helps them).
	 * Several periods, so that a quiet last one (a VM powering off, a
	 * slow host) does not stand for the whole run. */
	uint32_t active[NUMA_CENSUS_PERIODS], active_local[NUMA_CENSUS_PERIODS];
	uint32_t census_next;   /* the ring's next slot */
	uint64_t engine_ticks;  /* Count ticks spent in numa_work */
	uint64_t engine_runs;
};

struct vm;
struct vcpu;

/* The default policy for VMs that name none: the command line's
 * numa_policy=, else first-touch. Checked once at boot. */
void numa_setup(void);

/*
 * Sets vm's engine up after its pmap (policy and numa. keys from its
 * configuration, tables on its node). Returns 0, or -1 after rejecting the
 * VM's configuration with the reason (unknown policy or key, bad value,
 * no memory for the tables).
 */
int numa_vm_create(struct vm *vm);

/* Points vm's pmap hooks and fast-path view at its current policy and
 * parameters (after a change at the prompt). */
void numa_vm_hook(struct vm *vm);

/* Gives back what numa_vm_create took (the VM no longer runs). */
void numa_vm_destroy(struct vm *vm);

/* The VM starts running now (its clock for move_at). */
void numa_vm_started(struct vm *vm);

/* A fill in C of gpa's page for v (a second-level TLB miss or a window
 * fill): counted as a touch from this CPU's node. */
void numa_fill_touch(struct vcpu *v, uint64_t gpa, bool write);

/* Whether numa_work has something to do for v now (a batch of hot pages
 * waiting, or a period over): cheap, on every return to a guest. On malta
 * a shoot-down costs up to two ticks (no inter-processor interrupt: each
 * CPU answers at its next entry into the monitor), so moves are batched. */
static inline bool numa_pending(const struct numa_ring *r, uint64_t now_tick,
				uint64_t next_tick)
{
	return r->head - r->seen >= NUMA_RING_BATCH || now_tick >= next_tick;
}

/* Acts on v's hot pages and ends its VM's period if it is over; on v's CPU,
 * at a return to the guest where page_move may be called. */
void numa_work(struct vcpu *v);

/* Points this CPU's refill fast path at v's counts (at a vCPU switch). */
void numa_arm(struct vcpu *v);

/* The prompt's `numa`: each VM's policy, pages per node and counters. */
void numa_print(void);

/* The prompt's `numa VM POLICY` and `numa VM KEY=VALUE`: 0, or -1 with a
 * line saying why. */
int numa_command(const char *vm_name, const char *what);

/* The exit report's numa line. */
void numa_report(const struct vm *vm);

/* The hot-page log (hot_log.c), on with `numa_log`: numa_log_hot keeps a
 * page found hot (up to 8192 in all), numa_print_hot_log prints a VM's
 * at its end ("disco: vm NAME: numa-hot SOURCE frame FRAME node N"). */
extern bool numa_hot_log_on;
void numa_log_hot(const struct vm *vm, uint32_t gpage, enum numa_source src);
void numa_print_hot_log(const struct vm *vm);

#endif
