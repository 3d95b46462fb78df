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
	unsigned int table_order;       /* frame[] is a block of this order */
};

/*
 * Gives the VM mem_size bytes of zeroed machine memory, preferring node.
 * Returns 0, or -1 if machine memory ran out (nothing stays allocated).
 */
int pmap_create(struct pmap *pm, uint64_t mem_size, unsigned int node);

/* Returns every frame to the allocator. */
void pmap_destroy(struct pmap *pm);

/* The machine frame behind a guest-physical address, or PA_NONE. */
static inline uint32_t pmap_lookup(const struct pmap *pm, uint64_t gpa)
{
	uint64_t page = gpa >> PAGE_SHIFT;

	return page < pm->npages ? pm->frame[page] : PA_NONE;
}

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
