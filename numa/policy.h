/*
 * Page-placement policies: the pluggable half of the NUMA engine
 * (numa/engine.h is the other half; docs/numa-policy.md walks through
 * writing one).
 *
 * A policy is a struct of callbacks and a table of parameters, registered
 * by name (NUMA_POLICY below). It decides; the engine does: it counts how
 * often each node touches each page of a VM, asks the policy when a page
 * becomes hot, and carries out what the policy answers (migrate, replicate)
 * through the memory layer, within its rate limit and freezing pages that
 * bounce. A policy never touches memory, TLBs or other VMs: what it is
 * given is a VM's numbers, what it returns is a decision. Pure C: every
 * policy is unit-tested on the host with synthetic access streams.
 *
 * Every callback may be NULL (then: the engine's default, said at each).
 */
#ifndef NUMA_POLICY_H
#define NUMA_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include "numa/topology.h"

#define NUMA_MAX_PARAMS 8       /* a policy's own parameters */

/* One parameter: numa.KEY = VALUE in a VM's configuration. */
struct numa_param {
	const char *key;
	uint32_t def, min, max;
	const char *help;       /* one line, for the prompt's `numa help` */
};

/* What the engine knows of one page when it asks the policy. Counts are
 * the current period's (numa.reset_ms), per node that touched it. */
struct numa_page {
	uint32_t gpage;         /* guest-physical page number (4 KiB) */
	unsigned int nnodes;
	const uint16_t *touches;        /* [nnodes]: refills and hinting faults */
	unsigned int writes;    /* stores seen this period (faults that wrote) */
	unsigned int home;      /* the node its machine page is on */
	unsigned int hot_node;  /* the node whose count crossed the trigger */
	bool shared;            /* a copy-on-write page other VMs map: cannot
				 * migrate, may be replicated */
	bool replicated;        /* it has a copy on several nodes already */
	unsigned int moves;     /* times the engine moved it */
};

enum numa_decision {
	NUMA_KEEP,              /* leave it where it is */
	NUMA_MIGRATE,           /* to .node */
	NUMA_REPLICATE,         /* a read-only copy on every node that touched
				 * it more than the policy's sharing share */
	NUMA_FREEZE,            /* leave it, and ask nothing of it for a while */
};

struct numa_action {
	enum numa_decision what;
	unsigned int node;      /* NUMA_MIGRATE: where to */
};

/* A VM as a policy sees it: its parameters (in the order of the policy's
 * table) and the engine's settings it may read. */
struct numa_vm_view {
	const uint32_t *param;          /* [policy->nparams] */
	unsigned int nnodes;
	uint32_t vcpu_nodes;            /* bit n: a vCPU of the VM runs on node n */
	void *state;                    /* the policy's own, from init */
};

struct numa_policy {
	const char *name;
	const char *summary;            /* one line */
	const struct numa_param *params;
	unsigned int nparams;
	/* Whether the engine should count touches at all (false: placement
	 * only, no counting cost). */
	bool counts;
	/*
	 * The node whose memory backs a page the VM touches first (`node`: the
	 * toucher's), or NUMA_NODE_ANY for the VM's home node. NULL: the VM's
	 * home node (its `node =`, else its CPUs' node).
	 */
	unsigned int (*place)(const struct numa_vm_view *vm, uint32_t gpage, unsigned int node);
	/* The largest block (2^place_order pages) one placement backs: the
	 * granule of an interleave; NUMA_PLACE_ANY_ORDER: the monitor's chunk. */
	unsigned int place_order;
	/* A page's touches from one node crossed numa.trigger this period.
	 * NULL: keep. */
	struct numa_action (*page_hot)(const struct numa_vm_view *vm, const struct numa_page *p);
	/* A store to a replicated page: its replicas are collapsed already
	 * (every node reads the one written copy). true: freeze the page. */
	bool (*replica_written)(const struct numa_vm_view *vm, const struct numa_page *p);
	/* A period ended (counts are reset after this). */
	void (*period_end)(const struct numa_vm_view *vm);
	/* Whether the VM's kernel text (its read-only shared pages) should be
	 * replicated to every node its vCPUs run on. */
	bool replicate_text;
};

#define NUMA_NODE_ANY (~0u)
#define NUMA_PLACE_ANY_ORDER 31

/* Shared by the migrate policies (policy_migrate.c): numa.first_touch's
 * placement, and whether a node other than `node` touched the page
 * `sharing` times this period. */
unsigned int numa_migrate_place(const struct numa_vm_view *vm, uint32_t gpage, unsigned int node);
bool numa_shared_with_others(const struct numa_vm_view *vm, const struct numa_page *p,
			     unsigned int node, uint32_t sharing);

/*
 * Registers a policy (a pointer in the linker's "numa_policies" section,
 * so that a new policy is one new file and no list to edit).
 */
#define NUMA_POLICY(var) \
	static const struct numa_policy *const var##_entry \
	__attribute__((used, section("numa_policies"), aligned(sizeof(void *)))) = &var

/* The registered policy called name, or NULL. */
const struct numa_policy *numa_policy_find(const char *name);

/* The nth registered policy (in link order), or NULL past the last. */
const struct numa_policy *numa_policy_at(unsigned int n);

/* The index of key in p's parameters, or -1. */
int numa_policy_param(const struct numa_policy *p, const char *key);

#endif
