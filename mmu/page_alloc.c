/*
 * Binary buddy allocator over machine frames, one set of free lists per
 * NUMA node (see page_alloc.h). A block never crosses a node boundary:
 * buddies merge only when both halves lie in the same node.
 */
#include "mmu/page_alloc.h"
#include "monitor/string.h"

static void list_push(struct page_alloc *pa, struct pa_node *n,
		      uint32_t f, unsigned int order)
{
	struct pa_frame *fr = &pa->frames[f];
	uint32_t head = n->free_list[order];

	fr->state = PA_FREE;
	fr->order = (uint8_t)order;
	fr->prev = PA_NONE;
	fr->next = head;
	if (head != PA_NONE)
		pa->frames[head].prev = f;
	n->free_list[order] = f;
	n->free_frames += 1u << order;
}

static void list_remove(struct page_alloc *pa, struct pa_node *n, uint32_t f)
{
	struct pa_frame *fr = &pa->frames[f];

	if (fr->prev != PA_NONE)
		pa->frames[fr->prev].next = fr->next;
	else
		n->free_list[fr->order] = fr->next;
	if (fr->next != PA_NONE)
		pa->frames[fr->next].prev = fr->prev;
	n->free_frames -= 1u << fr->order;
}

void pa_init(struct page_alloc *pa, struct pa_frame *frames, uint32_t nframes,
	     const struct numa_topology *topo)
{
	memset(pa, 0, sizeof(*pa));
	pa->frames = frames;
	pa->nframes = nframes;
	pa->nnodes = topo->nnodes;
	for (unsigned int i = 0; i < pa->nnodes; i++) {
		struct pa_node *n = &pa->node[i];
		uint64_t first = topo->node[i].mem_start >> PAGE_SHIFT;
		uint64_t end = first + (topo->node[i].mem_size >> PAGE_SHIFT);
		n->first = first < nframes ? (uint32_t)first : nframes;
		n->end = end < nframes ? (uint32_t)end : nframes;
		for (unsigned int o = 0; o <= PA_MAX_ORDER; o++)
			n->free_list[o] = PA_NONE;
	}
	for (uint32_t f = 0; f < nframes; f++) {
		frames[f] = (struct pa_frame){ PA_NONE, PA_NONE, PA_RESERVED, 0, 0, 0 };
		frames[f].node = (uint8_t)pa_node_of(pa, f);
	}
}

unsigned int pa_node_of(const struct page_alloc *pa, uint32_t frame)
{
	for (unsigned int i = 0; i < pa->nnodes; i++)
		if (frame >= pa->node[i].first && frame < pa->node[i].end)
			return i;
	return pa->nnodes - 1;
}

/* Puts a block on its node's free lists, merging with free buddies. */
static void free_block(struct page_alloc *pa, uint32_t f, unsigned int order)
{
	struct pa_node *n = &pa->node[pa->frames[f].node];

	pa->frames[f].state = PA_RESERVED;   /* no longer a used block's head */
	while (order < PA_MAX_ORDER) {
		uint32_t buddy = f ^ (1u << order);
		struct pa_frame *b;
		if (buddy < n->first || buddy + (1u << order) > n->end)
			break;
		b = &pa->frames[buddy];
		if (b->state != PA_FREE || b->order != order)
			break;
		list_remove(pa, n, buddy);
		b->state = PA_RESERVED;
		f &= ~(1u << order);
		order++;
	}
	list_push(pa, n, f, order);
}

void pa_release_range(struct page_alloc *pa, uint32_t first, uint32_t count)
{
	uint32_t end = first + count;

	if (end > pa->nframes || end < first)
		end = pa->nframes;
	while (first < end) {
		unsigned int order = 0;
		uint32_t node_end = pa->node[pa_node_of(pa, first)].end;
		/* the largest aligned block that fits in the range and node */
		while (order < PA_MAX_ORDER &&
		       (first & ((2u << order) - 1)) == 0 &&
		       first + (2u << order) <= end &&
		       first + (2u << order) <= node_end)
			order++;
		pa->frames[first].node = (uint8_t)pa_node_of(pa, first);
		free_block(pa, first, order);
		first += 1u << order;
	}
}

uint32_t pa_alloc_on(struct page_alloc *pa, unsigned int order,
		     unsigned int node)
{
	struct pa_node *n;
	unsigned int o;
	uint32_t f;

	if (order > PA_MAX_ORDER || node >= pa->nnodes)
		return PA_NONE;
	n = &pa->node[node];
	for (o = order; o <= PA_MAX_ORDER && n->free_list[o] == PA_NONE; o++)
		;
	if (o > PA_MAX_ORDER)
		return PA_NONE;
	f = n->free_list[o];
	list_remove(pa, n, f);
	while (o > order) {        /* give back the upper halves */
		o--;
		list_push(pa, n, f + (1u << o), o);
	}
	pa->frames[f].state = PA_USED;
	pa->frames[f].order = (uint8_t)order;
	return f;
}

uint32_t pa_alloc(struct page_alloc *pa, unsigned int order, unsigned int node)
{
	if (node >= pa->nnodes)
		node = 0;
	for (unsigned int i = 0; i < pa->nnodes; i++) {
		uint32_t f = pa_alloc_on(pa, order, (node + i) % pa->nnodes);
		if (f != PA_NONE)
			return f;
	}
	return PA_NONE;
}

bool pa_free(struct page_alloc *pa, uint32_t frame, unsigned int order)
{
	struct pa_frame *fr;

	if (frame >= pa->nframes || order > PA_MAX_ORDER)
		return false;
	fr = &pa->frames[frame];
	if (fr->state != PA_USED || fr->order != order)
		return false;
	free_block(pa, frame, order);
	return true;
}

bool pa_split(struct page_alloc *pa, uint32_t block, unsigned int order,
	      uint32_t frame, unsigned int sub_order)
{
	if (block >= pa->nframes || order > PA_MAX_ORDER || sub_order > order ||
	    pa->frames[block].state != PA_USED || pa->frames[block].order != order ||
	    frame - block >= (1u << order) || (frame & ((1u << sub_order) - 1)))
		return false;
	while (order > sub_order) {     /* keep the half holding frame */
		uint32_t mid = block + (1u << --order);
		uint32_t other = frame >= mid ? block : mid;

		pa->frames[other].state = PA_USED;
		pa->frames[other].order = (uint8_t)order;
		if (frame >= mid)
			block = mid;
	}
	pa->frames[block].state = PA_USED;
	pa->frames[block].order = (uint8_t)order;
	return true;
}

uint64_t pa_free_frames(const struct page_alloc *pa, unsigned int node)
{
	return node < pa->nnodes ? pa->node[node].free_frames : 0;
}
