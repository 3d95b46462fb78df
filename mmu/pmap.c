/*
 * pmap construction and guest-physical copies (see pmap.h).
 */
#include <stdbool.h>
#include "arch/addrspace.h"
#include "arch/board.h"
#include "mmu/machmem.h"
#include "mmu/pmap.h"
#include "monitor/string.h"

static void *frame_ptr(uint32_t frame)
{
	return phys_to_virt(arch_ram_base() + ((uint64_t)frame << PAGE_SHIFT));
}

/* The largest block order to try at guest page `page` with `left` pages
 * to go: aligned at that gpa, no larger than what is left. */
static unsigned int block_order_at(uint32_t page, uint32_t left)
{
	unsigned int k = PA_MAX_ORDER;

	while (k && ((page & ((1u << k) - 1)) || (1u << k) > left))
		k--;
	return k;
}

int pmap_create(struct pmap *pm, uint64_t mem_size, unsigned int node)
{
	uint32_t npages = (uint32_t)(mem_size >> PAGE_SHIFT);

	pm->npages = 0;
	pm->frame = 0;
	pm->block_order = 0;
	pm->table_order = pa_order_for_bytes((uint64_t)npages * sizeof(uint32_t));
	pm->order_table_order = pa_order_for_bytes(npages);
	if (pm->table_order > PA_MAX_ORDER || pm->order_table_order > PA_MAX_ORDER)
		return -1;
	pm->frame = mem_alloc_pages(pm->table_order, node);
	pm->block_order = mem_alloc_pages(pm->order_table_order, node);
	if (!pm->frame || !pm->block_order) {
		pmap_destroy(pm);
		return -1;
	}
	while (pm->npages < npages) {
		uint32_t i = pm->npages;
		unsigned int k = block_order_at(i, npages - i);
		void *block;

		while (!(block = mem_alloc_pages(k, node)) && k)
			k--;
		if (!block) {
			pmap_destroy(pm);
			return -1;
		}
		memset(block, 0, PAGE_SIZE << k);       /* no data leaks between VMs */
		for (uint32_t j = 0; j < (1u << k); j++) {
			pm->frame[i + j] = (uint32_t)(mem_offset(block) >> PAGE_SHIFT) + j;
			pm->block_order[i + j] = (uint8_t)k;
		}
		pm->npages = i + (1u << k);
	}
	return 0;
}

void pmap_destroy(struct pmap *pm)
{
	for (uint32_t i = 0; i < pm->npages; i += 1u << pm->block_order[i])
		mem_free_pages(frame_ptr(pm->frame[i]), pm->block_order[i]);
	if (pm->frame)
		mem_free_pages(pm->frame, pm->table_order);
	if (pm->block_order)
		mem_free_pages(pm->block_order, pm->order_table_order);
	pm->npages = 0;
	pm->frame = 0;
	pm->block_order = 0;
}

void *pmap_pointer(const struct pmap *pm, uint64_t gpa)
{
	uint32_t frame = pmap_lookup(pm, gpa);

	if (frame == PA_NONE)
		return 0;
	return (char *)frame_ptr(frame) + (gpa & (PAGE_SIZE - 1));
}

/* Copies between guest-physical memory and buf, page by page: into the
 * guest when to_guest (zeros when buf is NULL), else out of it. */
static int copy(const struct pmap *pm, uint64_t gpa, void *buf, uint64_t len,
		bool to_guest)
{
	uint8_t *b = buf;

	if (gpa + len < gpa || gpa + len > ((uint64_t)pm->npages << PAGE_SHIFT))
		return -1;
	while (len) {
		uint64_t in_page = PAGE_SIZE - (gpa & (PAGE_SIZE - 1));
		uint64_t n = len < in_page ? len : in_page;
		uint8_t *g = (uint8_t *)frame_ptr(pmap_lookup(pm, gpa)) +
			     (gpa & (PAGE_SIZE - 1));
		if (!to_guest)
			memcpy(b, g, n);
		else if (b)
			memcpy(g, b, n);
		else
			memset(g, 0, n);
		if (b)
			b += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

int pmap_write(const struct pmap *pm, uint64_t gpa, const void *src, uint64_t len)
{
	return copy(pm, gpa, (void *)(uintptr_t)src, len, true);
}

int pmap_read(const struct pmap *pm, uint64_t gpa, void *dst, uint64_t len)
{
	return copy(pm, gpa, dst, len, false);
}

void pmap_node_usage(const struct pmap *pm, uint64_t *counts, unsigned int nnodes)
{
	for (unsigned int n = 0; n < nnodes; n++)
		counts[n] = 0;
	for (uint32_t i = 0; i < pm->npages; i++) {
		unsigned int n = mem_node_of(frame_ptr(pm->frame[i]));
		if (n < nnodes)
			counts[n]++;
	}
}
