/*
 * Moving pages (see page_move.h).
 */
#include "arch/addrspace.h"
#include "arch/cache.h"
#include "arch/timer.h"
#include "mmu/machmem.h"
#include "mmu/page_move.h"
#include "monitor/string.h"

void page_copy(void *to, const void *from, unsigned int order)
{
	memcpy(to, from, PAGE_SIZE << order);
	if ((PAGE_SIZE << order) > arch_cache_size())
		arch_cache_sync_all(ARCH_CACHE_DATA | ARCH_CACHE_INSN);
	else
		arch_cache_sync_range(virt_to_phys(to), PAGE_SIZE << order,
				      ARCH_CACHE_DATA | ARCH_CACHE_INSN);
}

unsigned int page_move(struct pmap *pm, const struct page_move_piece *pieces,
		       unsigned int n, unsigned int node)
{
	uint32_t start = arch_timer_count(), shot;
	struct pmap_moved_range r[PAGE_MOVE_BATCH];
	void *to[PAGE_MOVE_BATCH];
	unsigned int order[PAGE_MOVE_BATCH], moving = 0;

	for (unsigned int i = 0; i < n && i < PAGE_MOVE_BATCH; i++) {
		const struct page_move_piece *p = &pieces[i];
		void *new = node == PAGE_MOVE_ANY ? mem_alloc_pages(p->order, pm->node)
						  : mem_alloc_pages_on(p->order, node);
		uint32_t old;

		if (!new)
			continue;
		old = pmap_move_begin(pm, p->gpa, p->order);
		if (old == PA_NONE) {
			mem_free_pages(new, p->order);
			continue;
		}
		r[moving] = (struct pmap_moved_range){ (uint32_t)(p->gpa >> PAGE_SHIFT),
						       1u << p->order, old };
		to[moving] = new;
		order[moving++] = p->order;
	}
	if (!moving)
		return 0;
	shot = arch_timer_count();
	pm->moved(pm->moved_arg, r, moving);
	pm->shootdown_cycles += arch_timer_count() - shot;
	for (unsigned int i = 0; i < moving; i++) {
		page_copy(to[i], mem_frame_ptr(r[i].old_frame), order[i]);
		pmap_move_end(pm, (uint64_t)r[i].gpage << PAGE_SHIFT, order[i],
			      r[i].old_frame, mem_frame_of(to[i]));
		mem_free_pages(mem_frame_ptr(r[i].old_frame), order[i]);
		pm->moved_pages += r[i].pages;
	}
	pm->moves += moving;
	pm->shootdowns++;
	pm->move_cycles += arch_timer_count() - start;
	return moving;
}
