/*
 * Machine memory: every page of RAM the monitor image does not use, in a
 * page allocator with one set of free lists per NUMA node.
 */
#ifndef MMU_MACHMEM_H
#define MMU_MACHMEM_H

#include <stdint.h>
#include "monitor/boot.h"
#include "mmu/page_alloc.h"
#include "numa/topology.h"

/* Builds the allocator over RAM, split into the topology's nodes. */
void mem_init(const struct boot_info *bi, const struct numa_topology *topo);

/*
 * Allocates 1 << order contiguous pages, preferring node, falling back to
 * the others. Returns a cached pointer, or NULL when RAM is exhausted.
 */
void *mem_alloc_pages(unsigned int order, unsigned int node);

/* As mem_alloc_pages, but only from this node. */
void *mem_alloc_pages_on(unsigned int order, unsigned int node);

/* Frees a block from mem_alloc_pages; panics on a bad pointer or order. */
void mem_free_pages(void *p, unsigned int order);

/* The RAM offset of a pointer from mem_alloc_pages, and its node. */
uint64_t mem_offset(const void *p);
unsigned int mem_node_of(const void *p);

/* Free pages in a node, in all nodes; size of the frame table in bytes. */
uint64_t mem_free_pages_on(unsigned int node);
uint64_t mem_free_pages_total(void);
uint64_t mem_frame_table_bytes(void);

#endif
