/*
 * The NUMA engine's bookkeeping for one VM: how often each node touched
 * each of its pages this period, which pages were moved and how often,
 * which are frozen, how many moves the rate limit still allows; and the
 * rules around the policy (numa/policy.h): a frozen page is not asked
 * about, a shared page never migrates, a move past the rate limit waits,
 * a page that keeps moving (numa.bounce moves) is frozen for numa.freeze_ms.
 *
 * What touches are: real-TLB refills served from the second-level TLB
 * (counted by the refill fast path, arch/mips64/l2tlb_refill.S), fills
 * made in C (second-level TLB misses, kernel-window fills) and sampled
 * hinting faults (numa/placement.c takes a sample of a VM's translations
 * away each period; the next touch refills in C and is counted). The
 * tables are arrays the refill path indexes directly: touches by node,
 * then by guest page (4 KiB), 16 bits, reset at each period's end.
 *
 * The engine decides nothing on the machine: numa/placement.c carries the
 * decisions out and reports back (numa_done). Pure C: unit-tested on the
 * host with synthetic access streams (tests/host/test_numa_engine.c).
 */
#ifndef NUMA_ENGINE_H
#define NUMA_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "numa/policy.h"

/* The engine's own parameters, numa.KEY like the policy's. */
enum numa_setting {
	NUMA_TRIGGER,           /* touches from one node in a period that make a page hot */
	NUMA_RESET_MS,          /* the period: counts are reset at its end */
	NUMA_MOVES_PER_S,       /* migrations and replications allowed per second */
	NUMA_BOUNCE,            /* moves of one page before it is frozen */
	NUMA_FREEZE_MS,         /* how long a frozen page is left alone */
	NUMA_SAMPLE,            /* guest pages whose translations are taken away
				 * each period, to count hinting faults (0: none) */
	NUMA_CENSUS,            /* 1: a census of the touched pages each period
				 * (placement.h; a scan of the counts: a measurement) */
	NUMA_SETTINGS
};

extern const struct numa_param numa_settings[NUMA_SETTINGS];

struct numa_counters {
	uint64_t hot;           /* pages that crossed the trigger */
	uint64_t migrations, replications, freezes;
	uint64_t collapses;     /* of the VM's own pages' replicas */
	uint64_t shared_collapses;      /* of shared (kernel image) pages' */
	uint64_t rate_limited;  /* decisions put off by the rate limit */
	uint64_t frozen_skips;  /* hot frozen pages not asked about */
	uint64_t failed;        /* decisions the machine could not carry out */
	uint64_t periods;
	uint64_t text_replications;     /* kernel-text blocks replicated */
	uint64_t hints, hint_faults;    /* pages sampled; sampled pages touched again */
	uint64_t hot_by[3];     /* hot pages found by each source (numa/placement.h:
				 * refills in the fast path, fills in C, hints) */
};

struct numa_vm {
	const struct numa_policy *policy;
	uint32_t param[NUMA_MAX_PARAMS];
	uint32_t setting[NUMA_SETTINGS];
	void *policy_state;
	unsigned int nnodes;
	uint32_t npages;
	uint16_t *touches;      /* [nnodes][npages] */
	uint8_t *writes;        /* [npages], saturating */
	uint8_t *moves;         /* [npages], saturating */
	uint32_t *frozen_until; /* [npages]: a period number, 0: not frozen */
	uint8_t *hinted;        /* [npages / 8]: sampled, not touched since */
	uint32_t period;        /* periods ended */
	uint32_t budget;        /* moves the rate limit allows until the period ends */
	uint32_t vcpu_nodes;    /* bit n: a vCPU of the VM runs on node n */
	struct numa_counters c;
};

/* The bytes of the tables of a VM of npages pages on nnodes nodes. */
size_t numa_vm_table_bytes(uint32_t npages, unsigned int nnodes);

/*
 * Sets e up for policy p over tables (numa_vm_table_bytes, zeroed by the
 * caller), every parameter at its default. No tables (NULL) if the policy
 * does not count: then nothing is counted and nothing is hot.
 */
void numa_vm_init(struct numa_vm *e, const struct numa_policy *p, void *tables,
		  uint32_t npages, unsigned int nnodes);

/*
 * Sets numa.KEY (the policy's parameter, else the engine's) to value.
 * Returns 0, or -1 with a one-line reason in err (unknown key, out of
 * range); then nothing changed.
 */
int numa_vm_set(struct numa_vm *e, const char *key, uint32_t value, char *err, size_t err_size);

/* Changes the policy: its parameters back to their defaults, the engine's
 * kept, the period's counts and freezes cleared. */
void numa_vm_set_policy(struct numa_vm *e, const struct numa_policy *p);

/* The view a policy is given. */
struct numa_vm_view numa_vm_view(const struct numa_vm *e);

/* Whether the engine counts touches for this VM. */
static inline bool numa_vm_counting(const struct numa_vm *e)
{
	return e->touches && e->policy->counts && e->setting[NUMA_TRIGGER];
}

/*
 * One touch of gpage from node (a fill in C; the fast path counts the
 * same way in assembly). The first touch of a sampled page (a hinting
 * fault, numa_hint) counts the whole trigger: the page is hot at once
 * (kernel memory the window maps with large pages is seldom refilled, so
 * sampling is its only source). True when it made the page hot: the
 * count just reached the trigger.
 */
bool numa_touch(struct numa_vm *e, uint32_t gpage, unsigned int node, bool write);

/* What the machine says of a page, for numa_decide. */
struct numa_facts {
	unsigned int home;      /* node of its machine page */
	bool backed, shared, replicated;
};

/*
 * A page that became hot from hot_node: the policy's decision, after the
 * engine's rules (frozen: keep; shared: no migration; a migration home:
 * keep; rate limit: keep for now). The decision is not counted until
 * numa_done says it was carried out.
 */
struct numa_action numa_decide(struct numa_vm *e, uint32_t gpage, unsigned int hot_node,
			       const struct numa_facts *f);

/* A decision numa_decide gave was carried out (ok) or not. */
void numa_done(struct numa_vm *e, uint32_t gpage, struct numa_action a, bool ok);

/* A store collapsed gpage's replicas: counted; the policy may freeze it. */
void numa_replica_written(struct numa_vm *e, uint32_t gpage, const struct numa_facts *f);

/* The period ended: the policy hears it, counts are reset, the rate
 * limit's budget is refilled. */
void numa_period_end(struct numa_vm *e);

/* gpage's translations were taken away: its next touch is a hinting
 * fault. */
void numa_hint(struct numa_vm *e, uint32_t gpage);

/* Whether gpage's next touch is a hinting fault. */
static inline bool numa_hinted(const struct numa_vm *e, uint32_t gpage)
{
	return e->hinted && gpage < e->npages && (e->hinted[gpage / 8] & (1u << (gpage & 7)));
}

/* Whether gpage is frozen now. */
bool numa_frozen(const struct numa_vm *e, uint32_t gpage);

#endif
