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

/* Replaces private page gpa with shared `frame`; with `same`, only if the
 * page holds what frame holds, compared once no translation of it is left
 * (returns 1, the page the VM's as it was, when it differs). */
static int replace_private(struct pmap *pm, uint64_t gpa, uint32_t frame, bool same)
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
	if (same && memcmp(mem_frame_ptr(old), mem_frame_ptr(frame), PAGE_SIZE) != 0) {
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

static int replace_shared(struct pmap *pm, uint64_t gpa, uint32_t frame)
{
	uint32_t gpage = (uint32_t)(gpa >> PAGE_SHIFT), old = PA_NONE;
	struct pmap_moved_range r;
	unsigned long flags = spin_lock_irqsave(&pm->lock);

	if (state_at(pm, gpage) == PMAP_SHARED && !(pm->meta[gpage] & PMAP_META_REPLICA) &&
	    !pmap_any_pinned(pm, gpage, 1)) {
		old = pm->frame[gpage];
		if (old != frame && swap_user(pm, gpage, old, frame)) {
			pmap_split_around(pm, gpage, 0);
			pmap_publish(pm, gpage, 0, frame, PMAP_SHARED);
		} else if (old != frame) {
			old = PA_NONE;
		}
	}
	spin_unlock_irqrestore(&pm->lock, flags);
	if (old == PA_NONE)
		return -1;
	if (old != frame && pm->moved) {
		r.gpage = gpage;
		r.pages = 1;
		r.old_frame = old;
		pm->moved(pm->moved_arg, &r, 1);
	}
	return 0;
}

int page_share(struct pmap *pm, uint64_t gpa, uint32_t frame)
{
	if ((gpa & (PAGE_SIZE - 1)) || !pmap_has(pm, gpa))
		return -1;
	switch (pmap_state(pm, gpa)) {
	case PMAP_UNBACKED:
		if (pmap_map_shared(pm, gpa, frame, 0) == 0)
			return 0;
		/* backed meanwhile: as a private page */
		return pmap_state(pm, gpa) == PMAP_PRIVATE ? replace_private(pm, gpa, frame, false) : -1;
	case PMAP_PRIVATE:
		return replace_private(pm, gpa, frame, false);
	case PMAP_SHARED:
		return replace_shared(pm, gpa, frame);
	default:
		return -1;
	}
}

int page_share_if_same(struct pmap *pm, uint64_t gpa, uint32_t frame)
{
	if ((gpa & (PAGE_SIZE - 1)) || !pmap_has(pm, gpa) || pmap_state(pm, gpa) != PMAP_PRIVATE)
		return -1;
	return replace_private(pm, gpa, frame, true);
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
