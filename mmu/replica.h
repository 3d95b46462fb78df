/*
 * A VM's replicas: for each replicated block of its guest-physical pages,
 * the machine block holding a read-only copy on each node (Disco's
 * replication of read-shared pages, the NUMA engine's mechanism for pages
 * several nodes read; mmu/pmap.h says how a pmap uses it).
 *
 * An open-addressed hash table keyed by the block's first page, read
 * without a lock by the TLB fill paths (replica_frame) and changed under
 * the pmap's lock: an entry is published (frames, then its key) before its
 * pages are marked replicated, and marked dead (a tombstone, never read
 * again) before its frames are given back, after a shoot-down. A reader
 * that finds no copy for its node uses the pmap's own frame, which stays
 * valid throughout. Pure C: unit-tested on the host.
 */
#ifndef MMU_REPLICA_H
#define MMU_REPLICA_H

#include <stdbool.h>
#include <stdint.h>
#include "numa/topology.h"

#define REPLICA_SLOTS_ORDER 10          /* 1024 replicated blocks per VM */
#define REPLICA_SLOTS (1u << REPLICA_SLOTS_ORDER)
#define REPLICA_NONE UINT32_MAX         /* no copy on that node */

enum replica_slot_state { REPLICA_FREE = 0, REPLICA_LIVE = 1, REPLICA_DEAD = 2 };

struct replica {
	volatile uint32_t first;        /* the block's first guest page */
	volatile uint8_t state;         /* enum replica_slot_state */
	uint8_t order;                  /* 2^order pages */
	uint16_t nodes;                 /* bit n: frame[n] is a copy of ours */
	volatile uint32_t frame[NUMA_MAX_NODES];        /* REPLICA_NONE: none */
};

struct replica_table {
	struct replica slot[REPLICA_SLOTS];
	unsigned int live, dead;
};

/* The live entry for the block starting at first, or NULL (lock-free). */
struct replica *replica_find(struct replica_table *t, uint32_t first);

/*
 * The copy of guest page `page` (in the block of 2^order pages at first)
 * on node, or REPLICA_NONE: lock-free, for the fill paths.
 */
uint32_t replica_frame(struct replica_table *t, uint32_t first, uint32_t page,
		       unsigned int node);

/* A new live entry for the block at first (no copies yet), or NULL when
 * the table is full. Under the owner's lock. */
struct replica *replica_add(struct replica_table *t, uint32_t first, unsigned int order);

/* Marks e dead: no reader finds it from now on. Under the owner's lock. */
void replica_kill(struct replica_table *t, struct replica *e);

#endif
