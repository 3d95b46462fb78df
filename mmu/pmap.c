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

int pmap_create(struct pmap *pm, uint64_t mem_size, unsigned int node)
{
	uint32_t npages = (uint32_t)(mem_size >> PAGE_SHIFT);
	unsigned int order = pa_order_for_bytes((uint64_t)npages * sizeof(uint32_t));

	pm->npages = 0;
	pm->table_order = order;
	if (order > PA_MAX_ORDER)
		return -1;
	pm->frame = mem_alloc_pages(order, node);
	if (!pm->frame)
		return -1;
	for (uint32_t i = 0; i < npages; i++) {
		void *page = mem_alloc_pages(0, node);
		if (!page) {
			pmap_destroy(pm);
			return -1;
		}
		memset(page, 0, PAGE_SIZE);     /* no data leaks between VMs */
		pm->frame[i] = (uint32_t)(mem_offset(page) >> PAGE_SHIFT);
		pm->npages = i + 1;
	}
	return 0;
}

void pmap_destroy(struct pmap *pm)
{
	for (uint32_t i = 0; i < pm->npages; i++)
		mem_free_pages(frame_ptr(pm->frame[i]), 0);
	if (pm->frame)
		mem_free_pages(pm->frame, pm->table_order);
	pm->npages = 0;
	pm->frame = 0;
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
