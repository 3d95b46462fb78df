/*
 * A VM's pmap: guest-physical page -> machine frame, Disco's first level of
 * memory virtualization. Every guest-physical access the monitor makes or
 * maps goes through pmap_lookup(), which is bounds-checked: a guest can
 * only ever reach frames its pmap holds.
 */
#ifndef MMU_PMAP_H
#define MMU_PMAP_H

#include <stdint.h>
#include "mmu/page_alloc.h"

struct pmap {
	uint32_t npages;        /* guest-physical pages 0..npages-1 */
	uint32_t *frame;        /* machine frame of each, PA_NONE if none */
	uint8_t *block_order;   /* of the allocator block each page is in */
	unsigned int table_order;       /* frame[] is a block of this order */
	unsigned int order_table_order; /* block_order[] is one of this order */
};

/*
 * Gives the VM mem_size bytes of zeroed machine memory, preferring node.
 * The memory comes in the largest blocks the allocator has (up to
 * PA_MAX_ORDER), each placed at a guest-physical address aligned to its
 * size, so guest-physical runs are machine-contiguous and the real TLB can
 * map them with large pages (pmap_block_order). The tables are taken
 * first: once they are, the memory itself cannot fail for want of a large
 * block (it falls back to smaller ones), only for want of pages; all of it
 * is pmap_table_pages(mem_size) + mem_size / PAGE_SIZE pages.
 * Returns 0, or -1 if machine memory ran out (nothing stays allocated).
 */
int pmap_create(struct pmap *pm, uint64_t mem_size, unsigned int node);

/*
 * Machine pages of the two tables a pmap of mem_size bytes takes beside the
 * memory itself (frame[] and block_order[], each a block of its own).
 */
static inline uint64_t pmap_table_pages(uint64_t mem_size)
{
	uint64_t npages = mem_size >> PAGE_SHIFT;

	return (1ull << pa_order_for_bytes(npages * sizeof(uint32_t))) +
	       (1ull << pa_order_for_bytes(npages));
}

/* Returns every frame to the allocator (nothing for a zeroed pmap). */
void pmap_destroy(struct pmap *pm);

/* The machine frame behind a guest-physical address, or PA_NONE. */
static inline uint32_t pmap_lookup(const struct pmap *pm, uint64_t gpa)
{
	uint64_t page = gpa >> PAGE_SHIFT;

	return page < pm->npages ? pm->frame[page] : PA_NONE;
}

/*
 * The order of the naturally aligned, machine-contiguous block holding
 * gpa's page (its 2^order pages start at a gpa aligned to that size);
 * 0 outside the VM's memory.
 */
static inline unsigned int pmap_block_order(const struct pmap *pm, uint64_t gpa)
{
	uint64_t page = gpa >> PAGE_SHIFT;

	return page < pm->npages ? pm->block_order[page] : 0;
}

/* A monitor pointer to guest-physical gpa (its page's machine frame), or
 * NULL outside the VM's memory. */
void *pmap_pointer(const struct pmap *pm, uint64_t gpa);

/*
 * Copies len bytes into guest-physical memory at gpa (and zero-fills when
 * src is NULL). Returns 0, or -1 if any byte falls outside the VM.
 */
int pmap_write(const struct pmap *pm, uint64_t gpa, const void *src, uint64_t len);

/* Copies len bytes out of guest-physical memory. 0, or -1 if outside. */
int pmap_read(const struct pmap *pm, uint64_t gpa, void *dst, uint64_t len);

/* Pages of the VM on each node: counts[node] for node < nnodes. */
void pmap_node_usage(const struct pmap *pm, uint64_t *counts, unsigned int nnodes);

#endif
