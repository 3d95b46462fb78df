/*
 * What pmap.c shares with the other files that change a pmap's pages
 * (pmap_replica.c): its per-page metadata and the two primitives that
 * change it. Not for callers of the pmap: they use pmap.h.
 */
#ifndef MMU_PMAP_INTERNAL_H
#define MMU_PMAP_INTERNAL_H

#include "mmu/pmap.h"

static inline uint8_t meta_of(enum pmap_state s, unsigned int order)
{
	return (uint8_t)(s << PMAP_META_STATE_SHIFT | order);
}

static inline enum pmap_state state_at(const struct pmap *pm, uint32_t page)
{
	return (enum pmap_state)(pm->meta[page] >> PMAP_META_STATE_SHIFT);
}

static inline unsigned int order_at(const struct pmap *pm, uint32_t page)
{
	return pm->meta[page] & PMAP_META_ORDER_MASK;
}

/* Publishes pages [first, first + 2^order) as state s (not replicated),
 * frames from frame on: frames first, so a reader that sees the state sees
 * its frame. Under the pmap's lock. */
void pmap_publish(struct pmap *pm, uint32_t first, unsigned int order,
		  uint32_t frame, enum pmap_state s);

/* Makes the aligned 2^sub_order pages at `page` a block of their own in
 * the pmap's metadata: the rest of their block becomes the buddy halves
 * around them, each still one block in the same state. Returns the
 * block's first page as it was. Under the pmap's lock. */
uint32_t pmap_split_around(struct pmap *pm, uint32_t page, unsigned int sub_order);

/* Whether a page of [page, page + count) is pinned (under the lock). */
bool pmap_any_pinned(const struct pmap *pm, uint32_t page, uint32_t count);

/* Gives back every replica and the replica table (pmap_replica.c): the
 * VM no longer runs. */
void pmap_drop_replicas(struct pmap *pm);

#endif
