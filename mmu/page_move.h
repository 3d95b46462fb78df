/*
 * Moving a VM's pages to other machine pages while it runs: the mechanism
 * the NUMA engine's migration stands on, and the test that the memory
 * layer can take any page away from a running guest.
 *
 * A move of the aligned 2^order private pages at gpa:
 *  1. takes new machine pages (on `node`, or anywhere for PAGE_MOVE_ANY);
 *  2. marks the pages moving (pmap_move_begin): from then on no fill maps
 *     them and every monitor access to them waits;
 *  3. shoots down every translation of them (the pmap's moved hook: the
 *     real TLBs and second-level TLBs of every CPU that runs the VM, each
 *     by a cross-CPU call made at that CPU's next entry into the monitor,
 *     so that no fill or monitor access that saw the old page is still
 *     under way when it returns);
 *  4. copies them, publishes the new pages, gives the old ones back.
 * The guest never sees it: an access meanwhile traps and is made again.
 * Moves are made in batches: one shoot-down for all the pieces of a call.
 * Shared pages are not moved (they have other users: replication, with the
 * NUMA engine, is their mechanism).
 */
#ifndef MMU_PAGE_MOVE_H
#define MMU_PAGE_MOVE_H

#include <stdint.h>
#include "mmu/pmap.h"

#define PAGE_MOVE_ANY (~0u)     /* new pages on any node */
#define PAGE_MOVE_BATCH PMAP_MOVED_MAX  /* pieces one call moves at most */

/* One piece to move: the aligned 2^order pages at gpa. */
struct page_move_piece {
	uint64_t gpa;
	unsigned int order;
};

/*
 * Moves the n pieces (at most PAGE_MOVE_BATCH) of pm to new machine pages
 * on node, with one shoot-down for them all (a shoot-down waits for every
 * other CPU running the VM: malta has no inter-processor interrupt). A
 * piece that is not private and inside one block, or for which no new
 * pages are free, stays where it is. Returns the pieces moved. Call it
 * from a CPU that may wait for cross-CPU calls (no lock held that another
 * CPU may wait for), while the VM cannot end.
 */
unsigned int page_move(struct pmap *pm, const struct page_move_piece *pieces,
		       unsigned int n, unsigned int node);

/* Copies 2^order machine pages and drops the new pages' stale instruction
 * lines (on a machine with caches): a copy a guest may execute from. */
void page_copy(void *to, const void *from, unsigned int order);

#endif
