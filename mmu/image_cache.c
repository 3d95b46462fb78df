/*
 * The image cache (see image_cache.h): a small table of entries, each the
 * loaded pages of one image in naturally aligned machine blocks (up to
 * PA_MAX_ORDER, so the real TLB maps them with large read-only pages).
 * Only CPU 0 builds entries (loading VMs); any CPU may drop one (a VM's
 * end): the table's lock covers the users counts and the slots.
 */
#include "arch/atomic.h"
#include "mmu/image_cache.h"
#include "mmu/machmem.h"
#include "monitor/string.h"

#define IMAGE_CACHE_MAX 16

struct image_cache_entry {
	const void *file;       /* the key: the image's bytes in the bundle */
	uint64_t size;
	uint32_t first_page;    /* guest-physical pages [first_page, +npages) */
	uint32_t npages;
	uint32_t *frame;        /* per page: its machine frame */
	uint8_t *order;         /* per page: its block's order */
	unsigned int table_order;       /* frame[] and order[] are one block */
	unsigned int users;     /* 0: the slot is free */
};

static struct image_cache_entry cache[IMAGE_CACHE_MAX];
static spinlock_t cache_lock = SPINLOCK_INIT;
static volatile uint64_t cache_pages;

/* The largest block order at page with left pages to go: aligned there,
 * no larger than what is left. */
static unsigned int block_order_at(uint32_t page, uint32_t left)
{
	unsigned int k = PA_MAX_ORDER;

	while (k && ((page & ((1u << k) - 1)) || (1u << k) > left))
		k--;
	return k;
}

static void free_pages(struct image_cache_entry *e)
{
	for (uint32_t i = 0; i < e->npages && e->frame[i] != PA_NONE; i += 1u << e->order[i]) {
		mem_free_pages(mem_frame_ptr(e->frame[i]), e->order[i]);
		atomic64_fetch_add(&cache_pages, -(1ull << e->order[i]));
	}
	mem_free_pages(e->frame, e->table_order);
	atomic64_fetch_add(&cache_pages, -(1ull << e->table_order));
	e->frame = 0;
}

/* Takes the entry's pages (zeroed), in the largest blocks the allocator
 * has. -1 if memory ran out (what was taken stays in frame[] to free). */
static int take_pages(struct image_cache_entry *e, unsigned int node)
{
	for (uint32_t i = 0; i < e->npages; ) {
		uint32_t page = e->first_page + i;
		unsigned int k = block_order_at(page, e->npages - i);
		void *block;

		while (!(block = mem_alloc_pages(k, node)) && k)
			k--;
		if (!block)
			return -1;
		memset(block, 0, PAGE_SIZE << k);
		atomic64_fetch_add(&cache_pages, 1ull << k);
		for (uint32_t j = 0; j < (1u << k); j++) {
			e->frame[i + j] = mem_frame_of(block) + j;
			e->order[i + j] = (uint8_t)k;
		}
		i += 1u << k;
	}
	return 0;
}

/* Copies the ranges into the entry's pages. */
static void copy_ranges(struct image_cache_entry *e, const struct image_range *r, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		const uint8_t *src = r[i].data;
		uint64_t gpa = r[i].gpa, len = r[i].len;

		while (len) {
			uint64_t off = gpa & (PAGE_SIZE - 1), chunk = PAGE_SIZE - off;
			uint32_t page = (uint32_t)(gpa >> PAGE_SHIFT) - e->first_page;

			if (chunk > len)
				chunk = len;
			memcpy((uint8_t *)mem_frame_ptr(e->frame[page]) + off, src, chunk);
			src += chunk;
			gpa += chunk;
			len -= chunk;
		}
	}
}

/* Builds an entry in the free slot e; -1 (nothing kept) if memory ran out. */
static int build(struct image_cache_entry *e, const struct image_range *r,
		 unsigned int n, unsigned int node)
{
	uint64_t lo = UINT64_MAX, hi = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (!r[i].len)
			continue;
		if (r[i].gpa >> PAGE_SHIFT < lo)
			lo = r[i].gpa >> PAGE_SHIFT;
		if ((r[i].gpa + r[i].len + PAGE_SIZE - 1) >> PAGE_SHIFT > hi)
			hi = (r[i].gpa + r[i].len + PAGE_SIZE - 1) >> PAGE_SHIFT;
	}
	if (hi <= lo || hi > UINT32_MAX)
		return -1;
	e->first_page = (uint32_t)lo;
	e->npages = (uint32_t)(hi - lo);
	e->table_order = pa_order_for_bytes((uint64_t)e->npages * 5);
	if (e->table_order > PA_MAX_ORDER ||
	    !(e->frame = mem_alloc_pages(e->table_order, node)))
		return -1;
	atomic64_fetch_add(&cache_pages, 1ull << e->table_order);
	e->order = (uint8_t *)(e->frame + e->npages);
	for (uint32_t i = 0; i < e->npages; i++)
		e->frame[i] = PA_NONE;
	if (take_pages(e, node)) {
		free_pages(e);
		return -1;
	}
	copy_ranges(e, r, n);
	return 0;
}

struct image_cache_entry *image_cache_get(const void *file, uint64_t size,
					  const struct image_range *ranges,
					  unsigned int n, unsigned int node)
{
	struct image_cache_entry *e = 0;
	unsigned long flags = spin_lock_irqsave(&cache_lock);

	for (unsigned int i = 0; i < IMAGE_CACHE_MAX; i++) {
		if (cache[i].users && cache[i].file == file && cache[i].size == size) {
			cache[i].users++;
			spin_unlock_irqrestore(&cache_lock, flags);
			return &cache[i];
		}
		if (!cache[i].users && !cache[i].frame && !e)
			e = &cache[i];
	}
	if (e)
		e->frame = (uint32_t *)1;       /* taken while it is built */
	spin_unlock_irqrestore(&cache_lock, flags);
	if (!e)
		return 0;
	e->file = file;
	e->size = size;
	if (build(e, ranges, n, node)) {
		e->frame = 0;
		return 0;
	}
	flags = spin_lock_irqsave(&cache_lock);
	e->users = 1;
	spin_unlock_irqrestore(&cache_lock, flags);
	return e;
}

int image_cache_map(const struct image_cache_entry *e, struct pmap *pm)
{
	for (uint32_t i = 0; i < e->npages; i += 1u << e->order[i])
		if (pmap_map_shared(pm, (uint64_t)(e->first_page + i) << PAGE_SHIFT,
				    e->frame[i], e->order[i]))
			return -1;
	return 0;
}

void image_cache_range(const struct image_cache_entry *e, uint32_t *first, uint32_t *n)
{
	*first = e->first_page;
	*n = e->npages;
}

void image_cache_put(struct image_cache_entry *e)
{
	unsigned long flags = spin_lock_irqsave(&cache_lock);
	bool last = --e->users == 0;

	spin_unlock_irqrestore(&cache_lock, flags);
	if (last) {
		free_pages(e);
		e->file = 0;
	}
}

uint64_t image_cache_pages(void)
{
	return cache_pages;
}
