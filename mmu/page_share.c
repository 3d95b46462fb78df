/*
 * Sharing a machine page into a VM (see page_share.h). A private page is
 * taken out of the VM as page_move takes it (pmap_move_begin: a block of
 * its own, moving, so no new translation of it is made), its translations
 * are shot down, and it is published shared instead of moved.
 */
#include "mmu/page_share.h"
#include "mmu/machmem.h"
#include "mmu/memmap.h"
#include "mmu/pmap_internal.h"
#include "monitor/string.h"

/* The memmap's records of pages [gpage, gpage + n) go from old on to frame
 * on (under the pmap's lock). */
static bool swap_users(struct pmap *pm, uint32_t gpage, uint32_t n, uint32_t old, uint32_t frame)
{
	if (!memmap_add(&memmap, frame, n, pm->owner, gpage))
		return false;
	memmap_remove(&memmap, old, n, pm->owner, gpage);
	return true;
}

/* The aligned 2^order private pages at gpa taken out of the VM (moving, a
 * promise for their later copy on write taken), not yet shot down; their
 * first frame, or PA_NONE with nothing taken. */
static uint32_t take_private(struct pmap *pm, uint64_t gpa, unsigned int order)
{
	uint32_t old;

	if (!mem_promise(1u << order))
		return PA_NONE;
	old = pmap_move_begin(pm, gpa, order);
	if (old == PA_NONE)
		mem_unpromise(1u << order);
	return old;
}

/* take_private, then every translation of the pages shot down. */
static uint32_t take_block(struct pmap *pm, uint64_t gpa, unsigned int order)
{
	struct pmap_moved_range r;
	uint32_t old;

	if ((gpa & ((PAGE_SIZE << order) - 1)) || !pmap_has(pm, gpa) ||
	    pmap_state(pm, gpa) != PMAP_PRIVATE)
		return PA_NONE;
	old = take_private(pm, gpa, order);
	if (old == PA_NONE)
		return PA_NONE;
	r = (struct pmap_moved_range){ (uint32_t)(gpa >> PAGE_SHIFT), 1u << order, old };
	if (pm->moved)
		pm->moved(pm->moved_arg, &r, 1);
	return old;
}

/* Puts a block take_block took back as it was (private, its promise returned). */
static void put_back(struct pmap *pm, uint64_t gpa, unsigned int order, uint32_t old)
{
	unsigned long flags = spin_lock_irqsave(&pm->lock);

	pmap_publish(pm, (uint32_t)(gpa >> PAGE_SHIFT), order, old, PMAP_PRIVATE);
	spin_unlock_irqrestore(&pm->lock, flags);
	mem_unpromise(1u << order);
}

int page_share_if_same(struct pmap *pm, uint64_t gpa, uint32_t frame, unsigned int order)
{
	uint32_t gpage = (uint32_t)(gpa >> PAGE_SHIFT), n = 1u << order;
	uint32_t old = take_block(pm, gpa, order);
	unsigned long flags;
	bool ok;

	if (old == PA_NONE)
		return -1;
	if (memcmp(mem_frame_ptr(old), mem_frame_ptr(frame), (size_t)PAGE_SIZE << order) != 0) {
		put_back(pm, gpa, order, old);
		return 1;
	}
	flags = spin_lock_irqsave(&pm->lock);
	ok = swap_users(pm, gpage, n, old, frame);
	if (ok) {
		pmap_publish(pm, gpage, order, frame, PMAP_SHARED);
		pm->private_pages -= n;
		pm->shared_pages += n;
		pm->promised += n;
	}
	spin_unlock_irqrestore(&pm->lock, flags);
	if (!ok) {
		put_back(pm, gpa, order, old);
		return -1;
	}
	mem_free_pages(mem_frame_ptr(old), order);
	return 0;
}

/* A shared page (not replicated or pinned) made `frame` under the lock;
 * its old frame in *old. False if it is not such a page. */
static bool swap_shared(struct pmap *pm, uint32_t gpage, uint32_t frame, uint32_t *old)
{
	bool ok = false;
	unsigned long flags = spin_lock_irqsave(&pm->lock);

	if (state_at(pm, gpage) == PMAP_SHARED && !(pm->meta[gpage] & PMAP_META_REPLICA) &&
	    !pmap_any_pinned(pm, gpage, 1)) {
		*old = pm->frame[gpage];
		ok = *old == frame || swap_users(pm, gpage, 1, *old, frame);
		if (ok && *old != frame) {
			pmap_split_around(pm, gpage, 0);
			pmap_publish(pm, gpage, 0, frame, PMAP_SHARED);
		}
	}
	spin_unlock_irqrestore(&pm->lock, flags);
	return ok;
}

uint32_t page_share_run(struct pmap *pm, const uint64_t *gpa, const uint32_t *frame,
			unsigned int n)
{
	struct pmap_moved_range r[PMAP_MOVED_MAX];
	uint32_t old[PMAP_MOVED_MAX], taken = 0, done = 0, gone = 0;
	unsigned int nr = 0;
	unsigned long flags;

	for (unsigned int i = 0; i < n && i < PMAP_MOVED_MAX; i++) {
		uint32_t gpage = (uint32_t)(gpa[i] >> PAGE_SHIFT);

		if ((gpa[i] & (PAGE_SIZE - 1)) || !pmap_has(pm, gpa[i]))
			continue;
		if (pmap_state(pm, gpa[i]) == PMAP_UNBACKED &&
		    pmap_map_shared(pm, gpa[i], frame[i], 0) == 0) {
			done |= 1u << i;
			continue;
		}
		/* private (perhaps backed meanwhile) or shared */
		if ((old[i] = take_private(pm, gpa[i], 0)) != PA_NONE)
			taken |= 1u << i;
		else if (swap_shared(pm, gpage, frame[i], &old[i]))
			done |= 1u << i;
		else
			continue;
		if (old[i] != frame[i])
			r[nr++] = (struct pmap_moved_range){ gpage, 1, old[i] };
	}
	if (nr && pm->moved)
		pm->moved(pm->moved_arg, r, nr);
	if (!taken)
		return done;
	flags = spin_lock_irqsave(&pm->lock);
	for (unsigned int i = 0; i < n && i < PMAP_MOVED_MAX; i++) {
		uint32_t gpage = (uint32_t)(gpa[i] >> PAGE_SHIFT);

		if (!(taken & (1u << i)))
			continue;
		if (swap_users(pm, gpage, 1, old[i], frame[i])) {
			pmap_publish(pm, gpage, 0, frame[i], PMAP_SHARED);
			pm->private_pages--;
			pm->shared_pages++;
			pm->promised++;
			done |= 1u << i;
			gone |= 1u << i;
		} else {
			pmap_publish(pm, gpage, 0, old[i], PMAP_PRIVATE);       /* as it was */
		}
	}
	spin_unlock_irqrestore(&pm->lock, flags);
	for (unsigned int i = 0; i < n && i < PMAP_MOVED_MAX; i++) {
		if (gone & (1u << i))
			mem_free_pages(mem_frame_ptr(old[i]), 0);
		else if (taken & (1u << i))
			mem_unpromise(1);
	}
	return done;
}

int page_share(struct pmap *pm, uint64_t gpa, uint32_t frame)
{
	return page_share_run(pm, &gpa, &frame, 1) ? 0 : -1;
}

/* Whether n bytes hold only zeros. */
static bool all_zero(const void *p, size_t n)
{
	const uint64_t *w = p;

	for (size_t i = 0; i < n / 8; i++)
		if (w[i])
			return false;
	return true;
}

int page_drop_if_zero(struct pmap *pm, uint64_t gpa, unsigned int order)
{
	uint32_t gpage = (uint32_t)(gpa >> PAGE_SHIFT), n = 1u << order;
	uint32_t old = take_block(pm, gpa, order);
	unsigned long flags;

	if (old == PA_NONE)
		return -1;
	if (!all_zero(mem_frame_ptr(old), (size_t)PAGE_SIZE << order)) {
		put_back(pm, gpa, order, old);
		return 1;
	}
	flags = spin_lock_irqsave(&pm->lock);
	memmap_remove(&memmap, old, n, pm->owner, gpage);
	for (uint32_t i = 0; i < n; i++) {
		pmap_publish(pm, gpage + i, 0, PA_NONE, PMAP_UNBACKED);
		pm->meta[gpage + i] |= PMAP_META_DROPPED;
	}
	pm->private_pages -= n;
	pm->promised += n;
	spin_unlock_irqrestore(&pm->lock, flags);
	mem_free_pages(mem_frame_ptr(old), order);
	return 0;
}
