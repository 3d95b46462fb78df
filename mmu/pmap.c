/*
 * The pmap's tables, memory on demand, copy-on-write and guest-physical
 * copies (see pmap.h).
 */
#include "mmu/machmem.h"
#include "mmu/memmap.h"
#include "mmu/pmap.h"
#include "mmu/pmap_internal.h"
#include "monitor/xcall.h"
#include "monitor/monitor.h"
#include "monitor/string.h"

unsigned int pmap_chunk_order = PMAP_CHUNK_ORDER_DEFAULT;

void pmap_publish(struct pmap *pm, uint32_t first, unsigned int order,
		  uint32_t frame, enum pmap_state s)
{
	for (uint32_t i = 0; i < (1u << order); i++)
		pm->frame[first + i] = frame + i;
	smp_mb();
	for (uint32_t i = 0; i < (1u << order); i++)
		pm->meta[first + i] = meta_of(s, order);
	smp_mb();
}

int pmap_create(struct pmap *pm, uint64_t mem_size, unsigned int node, uint16_t owner)
{
	uint32_t npages = (uint32_t)(mem_size >> PAGE_SHIFT);

	memset(pm, 0, sizeof(*pm));
	pm->node = node;
	pm->owner = owner;
	pm->table_order = pa_order_for_bytes((uint64_t)npages * sizeof(uint32_t));
	pm->meta_table_order = pa_order_for_bytes(npages);
	if (pm->table_order > PA_MAX_ORDER || pm->meta_table_order > PA_MAX_ORDER)
		return -1;
	pm->frame = mem_alloc_pages(pm->table_order, node);
	pm->meta = mem_alloc_pages(pm->meta_table_order, node);
	if (!pm->frame || !pm->meta || !mem_promise(npages)) {
		pmap_destroy(pm);
		return -1;
	}
	pm->promised = npages;
	pm->npages = npages;
	memset(pm->meta, 0, npages);            /* every page unbacked */
	for (uint32_t i = 0; i < npages; i++)
		pm->frame[i] = PA_NONE;
	return 0;
}

void pmap_destroy(struct pmap *pm)
{
	pmap_drop_replicas(pm);
	for (uint32_t i = 0; i < pm->npages; ) {
		unsigned int k = order_at(pm, i);
		enum pmap_state s = state_at(pm, i);

		if (s != PMAP_UNBACKED)
			memmap_remove(&memmap, pm->frame[i], 1u << k, pm->owner, i);
		if (s == PMAP_PRIVATE)
			mem_free_pages(mem_frame_ptr(pm->frame[i]), k);
		i += s == PMAP_UNBACKED ? 1 : 1u << k;
	}
	if (pm->promised)
		mem_unpromise(pm->promised);
	if (pm->frame)
		mem_free_pages(pm->frame, pm->table_order);
	if (pm->meta)
		mem_free_pages(pm->meta, pm->meta_table_order);
	if (pm->merge_sums)
		mem_free_pages(pm->merge_sums, pm->merge_sums_order);
	pm->merge_sums = 0;
	pm->npages = 0;
	pm->frame = 0;
	pm->meta = 0;
	pm->promised = 0;
	pm->private_pages = pm->shared_pages = 0;
}

/* Whether the aligned 2^order pages at first are all in the VM, unbacked. */
static bool all_unbacked(const struct pmap *pm, uint32_t first, unsigned int order)
{
	if (first + (1u << order) > pm->npages)
		return false;
	for (uint32_t i = 0; i < (1u << order); i++)
		if (state_at(pm, first + i) != PMAP_UNBACKED)
			return false;
	return true;
}

/* Backs unbacked `page` with zeroed memory: the largest aligned block
 * around it, up to pmap_chunk_order, that is all unbacked and promised,
 * and that the allocator has (smaller ones when memory is fragmented). */
static void back_zeroed(struct pmap *pm, uint32_t page)
{
	unsigned int k = pmap_chunk_order, node = pm->node;
	void *block = 0;

	if (pm->place) {
		node = pm->place(pm->moved_arg, page);
		if (k > pm->place_order)
			k = pm->place_order;
	}

	/* a page the merge scans gave back: the guest page alone (a chunk
	 * would back again the zeros given back around it) */
	if ((pm->meta[page] & PMAP_META_DROPPED) && k > pm->cow_order)
		k = pm->cow_order;
	while (k && ((1ull << k) > pm->promised ||
		     !all_unbacked(pm, page & ~((1u << k) - 1), k)))
		k--;
	for (;; k--) {
		if ((block = mem_alloc_promised(k, node)) || !k)
			break;
	}
	memset(block, 0, PAGE_SIZE << k);       /* no data leaks between VMs */
	pm->promised -= 1ull << k;
	memmap_add(&memmap, mem_frame_of(block), 1u << k, pm->owner, page & ~((1u << k) - 1));
	pmap_publish(pm, page & ~((1u << k) - 1), k, mem_frame_of(block), PMAP_PRIVATE);
	pm->private_pages += 1u << k;
	pm->demand_faults++;
}

uint32_t pmap_split_around(struct pmap *pm, uint32_t page, unsigned int sub_order)
{
	unsigned int k = order_at(pm, page);
	uint32_t first = page & ~((1u << k) - 1), was = first;
	enum pmap_state s = state_at(pm, page);

	while (k > sub_order) {
		uint32_t mid = first + (1u << --k);
		uint32_t other = page >= mid ? first : mid;

		for (uint32_t i = 0; i < (1u << k); i++)
			pm->meta[other + i] = meta_of(s, k);
		if (page >= mid)
			first = mid;
	}
	for (uint32_t i = 0; i < (1u << sub_order); i++)
		pm->meta[page + i] = meta_of(s, sub_order);
	return was;
}

/* Gives the 2^k shared pages from `start` (on contiguous frames) a private
 * copy in `copy`, one block; their shared block is split around them. */
static void copy_block(struct pmap *pm, uint32_t start, unsigned int k, void *copy)
{
	uint32_t n = 1u << k, shared = pm->frame[start];

	memcpy(copy, mem_frame_ptr(shared), PAGE_SIZE << k);
	pm->promised -= n;
	pmap_split_around(pm, start, k);
	memmap_remove(&memmap, shared, n, pm->owner, start);
	memmap_add(&memmap, mem_frame_of(copy), n, pm->owner, start);
	pmap_publish(pm, start, k, mem_frame_of(copy), PMAP_PRIVATE);
	pm->shared_pages -= n;
	pm->private_pages += n;
	pm->cow_breaks++;
}

/* Gives shared `page` a private copy; its shared block is split around it. */
static void copy_on_write(struct pmap *pm, uint32_t page)
{
	copy_block(pm, page, 0, mem_alloc_promised(0, pm->node));
}

/* The guest page around `page` (2^cow_order pages) into one private block,
 * if all of it is shared on contiguous frames and a block is free; its
 * first page and old first frame in *first, *old. False: copy the one page. */
static bool copy_on_write_block(struct pmap *pm, uint32_t page, uint32_t *first, uint32_t *old)
{
	unsigned int k = pm->cow_order;
	uint32_t n = 1u << k, start = page & ~(n - 1), shared = pm->frame[start];
	void *copy;

	if (!k || start + n > pm->npages || pm->promised < n)
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (state_at(pm, start + i) != PMAP_SHARED || pm->frame[start + i] != shared + i)
			return false;
	if (!(copy = mem_alloc_promised(k, pm->node)))
		return false;
	copy_block(pm, start, k, copy);
	*first = start;
	*old = shared;
	return true;
}

void pmap_set_guest_page_order(struct pmap *pm, unsigned int order)
{
	unsigned long flags = spin_lock_irqsave(&pm->lock);

	if (order <= PMAP_COW_MAX_ORDER && order > pm->cow_order)
		pm->cow_order = order;
	spin_unlock_irqrestore(&pm->lock, flags);
}

/* Waits while `page` is moving, serving this CPU's cross-calls (the move's
 * shoot-down may be waiting for this very CPU) and sleeping between
 * looks (xcall_sleep). Returns its state. */
static enum pmap_state settled(const struct pmap *pm, uint32_t page)
{
	enum pmap_state s;

	while ((s = state_at(pm, page)) == PMAP_MOVING)
		xcall_sleep();
	smp_mb();               /* the state before the frame */
	return s;
}

uint32_t pmap_back(struct pmap *pm, uint64_t gpa, bool write)
{
	uint64_t page = gpa >> PAGE_SHIFT;
	enum pmap_state s;
	bool moved = false;
	unsigned long flags;
	uint32_t frame, old = PA_NONE, first = (uint32_t)page, count = 1;

	if (page >= pm->npages)
		return PA_NONE;
	if (write && pmap_replicated(pm, gpa))
		pmap_collapse(pm, gpa);         /* its copies go first */
	s = settled(pm, (uint32_t)page);
	if (s == PMAP_PRIVATE || (s == PMAP_SHARED && !write))
		return pm->frame[page];
	flags = spin_lock_irqsave(&pm->lock);
	s = state_at(pm, (uint32_t)page);       /* again, under the lock */
	if (s == PMAP_MOVING) {         /* it began meanwhile: wait unlocked */
		spin_unlock_irqrestore(&pm->lock, flags);
		return pmap_back(pm, gpa, write);
	}
	if (s == PMAP_UNBACKED)
		back_zeroed(pm, (uint32_t)page);
	else if (s == PMAP_SHARED && write) {
		if (copy_on_write_block(pm, (uint32_t)page, &first, &old)) {
			count = 1u << pm->cow_order;
		} else {
			old = pm->frame[page];
			copy_on_write(pm, (uint32_t)page);
		}
		moved = true;
	}
	frame = pm->frame[page];
	spin_unlock_irqrestore(&pm->lock, flags);
	if (moved && pm->moved) {
		struct pmap_moved_range r = { first, count, old };

		pm->moved(pm->moved_arg, &r, 1);
	}
	return frame;
}

int pmap_map_shared(struct pmap *pm, uint64_t gpa, uint32_t frame, unsigned int order)
{
	uint64_t page = gpa >> PAGE_SHIFT;
	unsigned long flags;
	int r = -1;

	if ((page & ((1u << order) - 1)) || page >= pm->npages)
		return -1;
	flags = spin_lock_irqsave(&pm->lock);
	if (all_unbacked(pm, (uint32_t)page, order) &&
	    memmap_add(&memmap, frame, 1u << order, pm->owner, (uint32_t)page)) {
		pmap_publish(pm, (uint32_t)page, order, frame, PMAP_SHARED);
		pm->shared_pages += 1u << order;
		r = 0;
	}
	spin_unlock_irqrestore(&pm->lock, flags);
	return r;
}

void *pmap_pointer(struct pmap *pm, uint64_t gpa)
{
	uint32_t frame = pmap_back(pm, gpa, true);

	if (frame == PA_NONE)
		return 0;
	return (char *)mem_frame_ptr(frame) + (gpa & (PAGE_SIZE - 1));
}

const void *pmap_peek(const struct pmap *pm, uint64_t gpa)
{
	uint32_t frame;

	if (pmap_has(pm, gpa))
		settled(pm, (uint32_t)(gpa >> PAGE_SHIFT));
	frame = pmap_lookup(pm, gpa);

	if (frame == PA_NONE)
		return 0;
	return (const char *)mem_frame_ptr(frame) + (gpa & (PAGE_SIZE - 1));
}

static bool inside(const struct pmap *pm, uint64_t gpa, uint64_t len)
{
	return gpa + len >= gpa && gpa + len <= ((uint64_t)pm->npages << PAGE_SHIFT);
}

/* The bytes of gpa's page from gpa on, at most len. */
static uint64_t in_page(uint64_t gpa, uint64_t len)
{
	uint64_t n = PAGE_SIZE - (gpa & (PAGE_SIZE - 1));

	return len < n ? len : n;
}

int pmap_write(struct pmap *pm, uint64_t gpa, const void *src, uint64_t len)
{
	const uint8_t *b = src;

	if (!inside(pm, gpa, len))
		return -1;
	while (len) {
		uint64_t n = in_page(gpa, len);
		uint8_t *g = pmap_pointer(pm, gpa);

		if (b) {
			memcpy(g, b, n);
			b += n;
		} else {
			memset(g, 0, n);
		}
		gpa += n;
		len -= n;
	}
	return 0;
}

int pmap_read(const struct pmap *pm, uint64_t gpa, void *dst, uint64_t len)
{
	uint8_t *b = dst;

	if (!inside(pm, gpa, len))
		return -1;
	while (len) {
		uint64_t n = in_page(gpa, len);
		const uint8_t *g = pmap_peek(pm, gpa);

		if (g)
			memcpy(b, g, n);
		else
			memset(b, 0, n);
		b += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

void *pmap_pin(struct pmap *pm, uint64_t gpa)
{
	uint32_t page = (uint32_t)(gpa >> PAGE_SHIFT);
	void *p = pmap_pointer(pm, gpa);
	unsigned long flags;
	unsigned int i;

	if (!p)
		return 0;
	flags = spin_lock_irqsave(&pm->lock);
	for (i = 0; i < pm->npinned && pm->pinned[i] != page; i++)
		;
	if (i == pm->npinned && i < PMAP_MAX_PINNED)
		pm->pinned[pm->npinned++] = page;
	else if (i == pm->npinned)
		p = 0;
	spin_unlock_irqrestore(&pm->lock, flags);
	return p;
}

bool pmap_any_pinned(const struct pmap *pm, uint32_t page, uint32_t count)
{
	for (unsigned int i = 0; i < pm->npinned; i++)
		if (pm->pinned[i] - page < count)
			return true;
	return false;
}

uint32_t pmap_move_begin(struct pmap *pm, uint64_t gpa, unsigned int order)
{
	uint32_t page = (uint32_t)(gpa >> PAGE_SHIFT), frame = PA_NONE;
	unsigned long flags;
	uint32_t first;

	if ((gpa >> PAGE_SHIFT) >= pm->npages || order > PA_MAX_ORDER ||
	    (page & ((1u << order) - 1)))
		return PA_NONE;
	flags = spin_lock_irqsave(&pm->lock);
	if (state_at(pm, page) == PMAP_PRIVATE && order_at(pm, page) >= order &&
	    !(pm->meta[page] & PMAP_META_REPLICA) && !pmap_any_pinned(pm, page, 1u << order)) {
		unsigned int k = order_at(pm, page);

		first = pmap_split_around(pm, page, order);
		mem_split_pages(mem_frame_ptr(pm->frame[first]), k,
				mem_frame_ptr(pm->frame[page]), order);
		for (uint32_t i = 0; i < (1u << order); i++)
			pm->meta[page + i] = meta_of(PMAP_MOVING, order);
		smp_mb();
		frame = pm->frame[page];
	}
	spin_unlock_irqrestore(&pm->lock, flags);
	return frame;
}

void pmap_move_end(struct pmap *pm, uint64_t gpa, unsigned int order,
		   uint32_t old_frame, uint32_t new_frame)
{
	uint32_t page = (uint32_t)(gpa >> PAGE_SHIFT);
	unsigned long flags = spin_lock_irqsave(&pm->lock);

	memmap_remove(&memmap, old_frame, 1u << order, pm->owner, page);
	memmap_add(&memmap, new_frame, 1u << order, pm->owner, page);
	pmap_publish(pm, page, order, new_frame, PMAP_PRIVATE);
	spin_unlock_irqrestore(&pm->lock, flags);
}

static void usage(const struct pmap *pm, uint64_t *counts, unsigned int nnodes, bool private_only)
{
	for (unsigned int n = 0; n < nnodes; n++)
		counts[n] = 0;
	for (uint32_t i = 0; i < pm->npages; i++) {
		enum pmap_state s = state_at(pm, i);
		unsigned int n;

		if (s == PMAP_UNBACKED || (private_only && s != PMAP_PRIVATE))
			continue;
		n = mem_node_of(mem_frame_ptr(pm->frame[i]));
		if (n < nnodes)
			counts[n]++;
	}
}

void pmap_node_usage(const struct pmap *pm, uint64_t *counts, unsigned int nnodes)
{
	usage(pm, counts, nnodes, false);
}

void pmap_node_usage_private(const struct pmap *pm, uint64_t *counts, unsigned int nnodes)
{
	usage(pm, counts, nnodes, true);
}
