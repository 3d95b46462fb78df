/*
 * Machine memory: every page of RAM the monitor image does not use, in a
 * page allocator with one set of free lists per NUMA node.
 */
#ifndef MMU_MACHMEM_H
#define MMU_MACHMEM_H

#include <stdbool.h>
#include <stdint.h>
#include "monitor/boot.h"
#include "mmu/page_alloc.h"
#include "numa/topology.h"

/* Builds the allocator over RAM, split into the topology's nodes. */
void mem_init(const struct boot_info *bi, const struct numa_topology *topo);

/*
 * Allocates 1 << order contiguous pages, preferring node, falling back to
 * the others. Returns a cached pointer, or NULL when RAM is exhausted
 * (promised pages do not count: see mem_promise).
 */
void *mem_alloc_pages(unsigned int order, unsigned int node);

/* As mem_alloc_pages, but only from this node. */
void *mem_alloc_pages_on(unsigned int order, unsigned int node);

/*
 * Promises: pages set aside for VMs' memory on demand (mmu/pmap.c backs a
 * VM's pages when first touched). mem_alloc_pages never takes promised
 * pages, so a promise is always kept: the free pages are at least the
 * promised ones. mem_promise(n) promises n more pages if that many are
 * available (free and not promised), else returns false and changes
 * nothing; mem_unpromise gives back a promise not drawn on.
 */
bool mem_promise(uint64_t pages);
void mem_unpromise(uint64_t pages);

/*
 * Draws 1 << order pages of a promise (the caller holds one at least that
 * large): the preferred node first, then the others. NULL only when no free
 * block is that large (fragmentation): order 0 never fails.
 */
void *mem_alloc_promised(unsigned int order, unsigned int node);

/* Pages promised and not yet drawn; pages free and not promised. */
uint64_t mem_promised_pages(void);
uint64_t mem_available_pages(void);

/* The cached pointer to machine frame `frame` (RAM offset frame << 12),
 * and back. */
void *mem_frame_ptr(uint32_t frame);
uint32_t mem_frame_of(const void *p);

/*
 * Splits a block from mem_alloc_pages (or _promised) so that its aligned
 * sub-block `sub` of 2^sub_order pages can be freed alone (pa_split: the
 * rest become the buddy halves around it, each freed with its own order).
 * Panics if block is not such a block or sub not inside it.
 */
void mem_split_pages(void *block, unsigned int order, void *sub, unsigned int sub_order);

/* Frees a block from mem_alloc_pages; panics on a bad pointer or order. */
void mem_free_pages(void *p, unsigned int order);

/* The RAM offset of a pointer from mem_alloc_pages, and its node. */
uint64_t mem_offset(const void *p);
unsigned int mem_node_of(const void *p);

/* Free pages in a node, in all nodes; size of the frame table (the
 * allocator's and the memmap's records) in bytes. */
uint64_t mem_free_pages_on(unsigned int node);
uint64_t mem_free_pages_total(void);
uint64_t mem_frame_table_bytes(void);

#endif
