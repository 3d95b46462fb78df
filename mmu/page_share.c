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

/* The memmap's record of gpage goes from old to frame (under the lock). */
static bool swap_user(struct pmap *pm, uint32_t gpage, uint32_t old, uint32_t frame)
{
	if (!memmap_add(&memmap, frame, 1, pm->owner, gpage))
		return false;
	memmap_remove(&memmap, old, 1, pm->owner, gpage);
	return true;
}

/* Replaces private page gpa with shared `frame` if the page holds what
 * frame holds, compared once no translation of it is left (returns 1, the
 * page the VM's as it was, when it differs). */
static int replace_if_same(struct pmap *pm, uint64_t gpa, uint32_t frame)
{
	uint32_t gpage = (uint32_t)(gpa >> PAGE_SHIFT), old;
	struct pmap_moved_range r;
	unsigned long flags;
	bool ok;

	if (!mem_promise(1))
		return -1;
	old = pmap_move_begin(pm, gpa, 0);
	if (old == PA_NONE) {
		mem_unpromise(1);
		return -1;
	}
	r.gpage = gpage;
	r.pages = 1;
	r.old_frame = old;
	if (pm->moved)
		pm->moved(pm->moved_arg, &r, 1);
	if (memcmp(mem_frame_ptr(old), mem_frame_ptr(frame), PAGE_SIZE) != 0) {
		flags = spin_lock_irqsave(&pm->lock);
		pmap_publish(pm, gpage, 0, old, PMAP_PRIVATE);
		spin_unlock_irqrestore(&pm->lock, flags);
		mem_unpromise(1);
		return 1;
	}
	flags = spin_lock_irqsave(&pm->lock);
	ok = swap_user(pm, gpage, old, frame);
	if (ok) {
		pmap_publish(pm, gpage, 0, frame, PMAP_SHARED);
		pm->private_pages--;
		pm->shared_pages++;
		pm->promised++;
	} else {
		pmap_publish(pm, gpage, 0, old, PMAP_PRIVATE);  /* as it was */
	}
	spin_unlock_irqrestore(&pm->lock, flags);
	if (!ok) {
		mem_unpromise(1);
		return -1;
	}
	mem_free_pages(mem_frame_ptr(old), 0);
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
		ok = *old == frame || swap_user(pm, gpage, *old, frame);
		if (ok && *old != frame) {
			pmap_split_around(pm, gpage, 0);
			pmap_publish(pm, gpage, 0, frame, PMAP_SHARED);
		}
	}
	spin_unlock_irqrestore(&pm->lock, flags);
	return ok;
}

/* A private page taken out of the VM (moving, a promise for its later
 * copy on write taken); its frame, or PA_NONE with nothing taken. */
static uint32_t take_private(struct pmap *pm, uint64_t gpa)
{
	uint32_t old;

	if (!mem_promise(1))
		return PA_NONE;
	old = pmap_move_begin(pm, gpa, 0);
	if (old == PA_NONE)
		mem_unpromise(1);
	return old;
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
		if ((old[i] = take_private(pm, gpa[i])) != PA_NONE)
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
		if (swap_user(pm, gpage, old[i], frame[i])) {
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

int page_share_if_same(struct pmap *pm, uint64_t gpa, uint32_t frame)
{
	if ((gpa & (PAGE_SIZE - 1)) || !pmap_has(pm, gpa) || pmap_state(pm, gpa) != PMAP_PRIVATE)
		return -1;
	return replace_if_same(pm, gpa, frame);
}

/* Whether a page holds only zeros. */
static bool all_zero(const void *page)
{
	const uint64_t *w = page;

	for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
		if (w[i])
			return false;
	return true;
}

int page_drop_if_zero(struct pmap *pm, uint64_t gpa)
{
	uint32_t gpage = (uint32_t)(gpa >> PAGE_SHIFT), old;
	struct pmap_moved_range r;
	unsigned long flags;
	bool zero;

	if ((gpa & (PAGE_SIZE - 1)) || !pmap_has(pm, gpa) || pmap_state(pm, gpa) != PMAP_PRIVATE)
		return -1;
	if (!mem_promise(1))
		return -1;
	old = pmap_move_begin(pm, gpa, 0);
	if (old == PA_NONE) {
		mem_unpromise(1);
		return -1;
	}
	r.gpage = gpage;
	r.pages = 1;
	r.old_frame = old;
	if (pm->moved)
		pm->moved(pm->moved_arg, &r, 1);
	zero = all_zero(mem_frame_ptr(old));
	flags = spin_lock_irqsave(&pm->lock);
	if (!zero) {
		pmap_publish(pm, gpage, 0, old, PMAP_PRIVATE);
		spin_unlock_irqrestore(&pm->lock, flags);
		mem_unpromise(1);
		return 1;
	}
	memmap_remove(&memmap, old, 1, pm->owner, gpage);
	pmap_publish(pm, gpage, 0, PA_NONE, PMAP_UNBACKED);
	pm->private_pages--;
	pm->promised++;
	spin_unlock_irqrestore(&pm->lock, flags);
	mem_free_pages(mem_frame_ptr(old), 0);
	return 0;
}
