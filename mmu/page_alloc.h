/*
 * Machine page allocator: a binary buddy allocator per NUMA node.
 *
 * It manages frame numbers only (frame i is RAM offset i << PAGE_SHIFT) and
 * keeps its lists in a caller-supplied frame table, never inside the pages,
 * so it is pure C and unit-tested on the host. Callers lock.
 */
#ifndef MMU_PAGE_ALLOC_H
#define MMU_PAGE_ALLOC_H

#include <stdbool.h>
#include <stdint.h>
#include "numa/topology.h"

#define PAGE_SHIFT     12
#define PAGE_SIZE      (1ul << PAGE_SHIFT)
#define PA_MAX_ORDER   10              /* largest block: 4 MiB */
#define PA_NONE        UINT32_MAX      /* "no frame" */

enum pa_state { PA_RESERVED, PA_FREE, PA_USED };

/* The smallest order whose block holds bytes (may exceed PA_MAX_ORDER). */
static inline unsigned int pa_order_for_bytes(uint64_t bytes)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

/* One per machine page. Only the first frame of a block is meaningful. */
struct pa_frame {
	uint32_t next, prev;    /* free-list links (frame numbers) */
	uint8_t state;          /* enum pa_state, for the block's first frame */
	uint8_t order;          /* block size is 1 << order frames */
	uint8_t node;
	uint8_t pad;
};

struct pa_node {
	uint32_t first, end;            /* frames [first, end) */
	uint32_t free_list[PA_MAX_ORDER + 1];
	uint64_t free_frames;
};

struct page_alloc {
	struct pa_frame *frames;
	uint32_t nframes;
	unsigned int nnodes;
	struct pa_node node[NUMA_MAX_NODES];
};

/*
 * Starts an allocator over nframes frames using the table frames[nframes].
 * Node n covers the frames of topology node n; every frame starts reserved.
 */
void pa_init(struct page_alloc *pa, struct pa_frame *frames, uint32_t nframes,
	     const struct numa_topology *topo);

/*
 * Makes frames [first, first + count) free (clipped to the managed range).
 * The frames must be reserved: releasing a free or used frame corrupts the
 * lists (this is for building the allocator, not for freeing).
 */
void pa_release_range(struct page_alloc *pa, uint32_t first, uint32_t count);

/*
 * Allocates 1 << order contiguous frames, from the preferred node if it has
 * them, else from the next nodes in turn. Returns the first frame or PA_NONE.
 */
uint32_t pa_alloc(struct page_alloc *pa, unsigned int order, unsigned int node);

/* As pa_alloc, but only from this node. */
uint32_t pa_alloc_on(struct page_alloc *pa, unsigned int order,
		     unsigned int node);

/*
 * Frees a block from pa_alloc. Returns false (and changes nothing) if the
 * frame is not the start of a used block of that order.
 */
bool pa_free(struct page_alloc *pa, uint32_t frame, unsigned int order);

/*
 * Splits the used block of `order` at `block` so that the aligned
 * 2^sub_order frames at `frame` inside it become a used block of their
 * own; the rest becomes used blocks of the buddy halves around it (orders
 * order-1 down to sub_order), each to be freed on its own. False (and no
 * change) if block is not the start of a used block of that order or frame
 * is not an aligned sub-block of it.
 */
bool pa_split(struct page_alloc *pa, uint32_t block, unsigned int order,
	      uint32_t frame, unsigned int sub_order);

/* Free frames in one node. */
uint64_t pa_free_frames(const struct page_alloc *pa, unsigned int node);

/* The node a frame belongs to. */
unsigned int pa_node_of(const struct page_alloc *pa, uint32_t frame);

#endif
