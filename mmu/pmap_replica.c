/*
 * Replicated pages in a pmap: making copies, finding the local one,
 * collapsing them on a store (see pmap.h and mmu/replica.h).
 */
#include "arch/atomic.h"
#include "mmu/machmem.h"
#include "mmu/memmap.h"
#include "mmu/page_move.h"
#include "mmu/pmap.h"
#include "mmu/pmap_internal.h"
#include "mmu/replica.h"
#include "monitor/string.h"
#include "monitor/xcall.h"

#define TABLE_ORDER 5   /* pages of a struct replica_table, rounded up */
_Static_assert(sizeof(struct replica_table) <= (PAGE_SIZE << TABLE_ORDER), "replica table");

static uint32_t block_first(const struct pmap *pm, uint32_t page)
{
	return page & ~((1u << order_at(pm, page)) - 1);
}

uint32_t pmap_lookup_on(struct pmap *pm, uint64_t gpa, unsigned int node)
{
	uint64_t page = gpa >> PAGE_SHIFT;
	uint32_t frame;

	if (!pmap_replicated(pm, gpa) || !pm->replicas)
		return pmap_lookup(pm, gpa);
	frame = replica_frame(pm->replicas, block_first(pm, (uint32_t)page), (uint32_t)page, node);
	return frame != REPLICA_NONE ? frame : pmap_lookup(pm, gpa);
}

/* Sets the replica flag of the 2^order pages at first (on or off). */
static void flag(struct pmap *pm, uint32_t first, unsigned int order, bool on)
{
	for (uint32_t i = 0; i < (1u << order); i++)
		pm->meta[first + i] = on ? pm->meta[first + i] | PMAP_META_REPLICA
					 : pm->meta[first + i] & ~PMAP_META_REPLICA;
	smp_mb();
}

/* Takes the 2^order pages at first for replication (under the lock):
 * they become a block of their own, flagged, with an entry. */
static struct replica *begin(struct pmap *pm, uint32_t first, unsigned int order)
{
	enum pmap_state s = state_at(pm, first);
	struct replica *e;
	unsigned int k = order_at(pm, first);
	uint32_t block;

	if ((s != PMAP_PRIVATE && s != PMAP_SHARED) || (pm->meta[first] & PMAP_META_REPLICA) ||
	    k < order || (s == PMAP_PRIVATE && pmap_any_pinned(pm, first, 1u << order)))
		return 0;
	if (!(e = replica_add(pm->replicas, first, order)))
		return 0;
	block = pmap_split_around(pm, first, order);
	if (s == PMAP_PRIVATE)  /* the allocator's block too: freed alone later */
		mem_split_pages(mem_frame_ptr(pm->frame[block]), k,
				mem_frame_ptr(pm->frame[first]), order);
	e->frame[mem_node_of(mem_frame_ptr(pm->frame[first]))] = pm->frame[first];
	flag(pm, first, order, true);
	return e;
}

/* Publishes the copies (under the lock) if the entry is still live;
 * returns how many, else 0 (the caller gives the blocks back). */
static unsigned int publish_copies(struct pmap *pm, struct replica *e, uint32_t first,
				   unsigned int order, void *const *copy)
{
	unsigned int n = 0;

	if (replica_find(pm->replicas, first) != e)
		return 0;       /* collapsed by a store meanwhile */
	for (unsigned int node = 0; node < NUMA_MAX_NODES; node++) {
		if (!copy[node])
			continue;
		memmap_add(&memmap, mem_frame_of(copy[node]), 1u << order, pm->owner, first);
		e->frame[node] = mem_frame_of(copy[node]);
		e->nodes |= (uint16_t)(1u << node);
		n++;
	}
	smp_mb();
	pm->replica_pages += n << order;
	return n;
}

unsigned int pmap_replicate(struct pmap *pm, uint64_t gpa, unsigned int order, uint32_t nodes)
{
	uint32_t first = (uint32_t)(gpa >> PAGE_SHIFT), master;
	void *copy[NUMA_MAX_NODES] = { 0 };
	struct pmap_moved_range r;
	struct replica *e = 0;
	unsigned int made = 0, home;
	unsigned long flags;

	if (order > PMAP_REPLICA_MAX_ORDER || (first & ((1u << order) - 1)) ||
	    first + (1u << order) > pm->npages)
		return 0;
	while (atomic_xchg(&pm->replicating, 1))
		xcall_sleep();  /* one at a time; its shoot-down may need this CPU */
	if (!pm->replicas && (pm->replicas = mem_alloc_pages(TABLE_ORDER, pm->node)))
		memset(pm->replicas, 0, sizeof(*pm->replicas));
	flags = spin_lock_irqsave(&pm->lock);
	if (pm->replicas)
		e = begin(pm, first, order);
	master = pm->frame[first];
	spin_unlock_irqrestore(&pm->lock, flags);
	if (!e)
		goto out;
	/* every translation read-only from now on: writers trap and collapse */
	r = (struct pmap_moved_range){ first, 1u << order, master };
	pm->moved(pm->moved_arg, &r, 1);
	home = mem_node_of(mem_frame_ptr(master));
	for (unsigned int node = 0; node < NUMA_MAX_NODES; node++)
		if ((nodes & (1u << node)) && node != home &&
		    (copy[node] = mem_alloc_pages_on(order, node)))
			page_copy(copy[node], mem_frame_ptr(master), order);
	flags = spin_lock_irqsave(&pm->lock);
	made = publish_copies(pm, e, first, order, copy);
	spin_unlock_irqrestore(&pm->lock, flags);
	if (!made) {
		for (unsigned int node = 0; node < NUMA_MAX_NODES; node++)
			if (copy[node])
				mem_free_pages(copy[node], order);
		pmap_collapse(pm, gpa);         /* no copy: not replicated after all */
	}
out:
	smp_mb();
	pm->replicating = 0;
	return made;
}

/* Gives back e's copies (not the VM's own frame) after their shoot-down. */
static void free_copies(struct pmap *pm, uint32_t first, unsigned int order,
			const uint32_t *frames, uint32_t own)
{
	for (unsigned int node = 0; node < NUMA_MAX_NODES; node++) {
		if (frames[node] == REPLICA_NONE || frames[node] == own)
			continue;
		memmap_remove(&memmap, frames[node], 1u << order, pm->owner, first);
		mem_free_pages(mem_frame_ptr(frames[node]), order);
		pm->replica_pages -= 1u << order;
	}
}

bool pmap_collapse(struct pmap *pm, uint64_t gpa)
{
	uint32_t page = (uint32_t)(gpa >> PAGE_SHIFT), first, own, frames[NUMA_MAX_NODES];
	struct pmap_moved_range r[NUMA_MAX_NODES];
	unsigned int n = 0, order = 0;
	struct replica *e = 0;
	unsigned long flags;

	if (!pmap_replicated(pm, gpa))
		return false;
	flags = spin_lock_irqsave(&pm->lock);
	if (!(pm->meta[page] & PMAP_META_REPLICA)) {
		spin_unlock_irqrestore(&pm->lock, flags);
		return false;   /* another CPU collapsed it first */
	}
	first = block_first(pm, page);
	order = order_at(pm, page);
	own = pm->frame[first];
	flag(pm, first, order, false);
	if (pm->replicas && (e = replica_find(pm->replicas, first))) {
		for (unsigned int node = 0; node < NUMA_MAX_NODES; node++) {
			frames[node] = e->frame[node];
			if (frames[node] != REPLICA_NONE && frames[node] != own)
				r[n++] = (struct pmap_moved_range){ first, 1u << order, frames[node] };
		}
		replica_kill(pm->replicas, e);
	}
	spin_unlock_irqrestore(&pm->lock, flags);
	if (n)
		pm->moved(pm->moved_arg, r, n);
	if (e)
		free_copies(pm, first, order, frames, own);
	if (pm->collapsed)
		pm->collapsed(pm->moved_arg, first);
	return true;
}

void pmap_drop_replicas(struct pmap *pm)
{
	struct replica_table *t = pm->replicas;

	if (!t)
		return;
	for (unsigned int i = 0; i < REPLICA_SLOTS; i++) {
		struct replica *e = &t->slot[i];
		uint32_t frames[NUMA_MAX_NODES];

		if (e->state != REPLICA_LIVE)
			continue;
		for (unsigned int node = 0; node < NUMA_MAX_NODES; node++)
			frames[node] = e->frame[node];
		free_copies(pm, e->first, e->order, frames, pm->frame[e->first]);
		flag(pm, e->first, e->order, false);
		replica_kill(t, e);
	}
	mem_free_pages(t, TABLE_ORDER);
	pm->replicas = 0;
}
