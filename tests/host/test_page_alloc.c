/*
 * Host unit tests for mmu/page_alloc.c: the per-NUMA-node buddy allocator
 * (pa_init, pa_release_range, pa_alloc, pa_alloc_on, pa_free,
 * pa_free_frames, pa_node_of).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include "mmu/page_alloc.h"

#define NFRAMES 2048u

struct fix {
	struct page_alloc pa;
	struct numa_topology topo;
	struct pa_frame *frames;
	uint32_t nframes;
	uint32_t first[NUMA_MAX_NODES], end[NUMA_MAX_NODES];   /* frames */
};

/* A topology whose node i covers frames [bounds[i], bounds[i + 1]). */
static int setup_nodes(void **state, const uint32_t *bounds,
		       unsigned int nnodes, uint32_t nframes)
{
	struct fix *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->nframes = nframes;
	f->frames = malloc(nframes * sizeof(*f->frames));
	if (!f->frames) {
		free(f);
		return -1;
	}
	memset(f->frames, 0xa5, nframes * sizeof(*f->frames));
	f->topo.nnodes = nnodes;
	for (unsigned int i = 0; i < nnodes; i++) {
		f->first[i] = bounds[i];
		f->end[i] = bounds[i + 1];
		f->topo.node[i].cpus = 1u << i;
		f->topo.node[i].mem_start = (uint64_t)bounds[i] << PAGE_SHIFT;
		f->topo.node[i].mem_size =
			(uint64_t)(bounds[i + 1] - bounds[i]) << PAGE_SHIFT;
	}
	memset(&f->pa, 0x5a, sizeof(f->pa));
	pa_init(&f->pa, f->frames, nframes, &f->topo);
	*state = f;
	return 0;
}

/* Two nodes of 1024 frames each. */
static int setup_even(void **state)
{
	static const uint32_t b[] = { 0, 1024, 2048 };
	return setup_nodes(state, b, 2, NFRAMES);
}

/* Node 0 = [0, 1000), node 1 = [1000, 2048): a boundary not 4 MiB-aligned. */
static int setup_odd(void **state)
{
	static const uint32_t b[] = { 0, 1000, 2048 };
	return setup_nodes(state, b, 2, NFRAMES);
}

/* Three uneven nodes. */
static int setup_three(void **state)
{
	static const uint32_t b[] = { 0, 300, 1300, 2048 };
	return setup_nodes(state, b, 3, NFRAMES);
}

static int teardown(void **state)
{
	struct fix *f = *state;

	if (f) {
		free(f->frames);
		free(f);
	}
	return 0;
}

static uint64_t total_free(const struct fix *f)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < f->topo.nnodes; i++)
		sum += pa_free_frames(&f->pa, i);
	return sum;
}

/* A block returned for order on node: aligned and inside the node. */
static void check_block(const struct fix *f, uint32_t frame,
			unsigned int order, unsigned int node)
{
	uint32_t size = 1u << order;

	assert_int_not_equal(frame, PA_NONE);
	assert_int_equal(frame % size, 0);
	assert_true(frame >= f->first[node]);
	assert_true((uint64_t)frame + size <= f->end[node]);
	assert_int_equal(pa_node_of(&f->pa, frame), node);
	assert_int_equal(pa_node_of(&f->pa, frame + size - 1), node);
}

static void test_init_all_reserved(void **state)
{
	struct fix *f = *state;

	assert_int_equal(pa_free_frames(&f->pa, 0), 0);
	assert_int_equal(pa_free_frames(&f->pa, 1), 0);
	assert_int_equal(pa_free_frames(&f->pa, 2), 0);     /* no such node */
	for (unsigned int o = 0; o <= PA_MAX_ORDER; o++) {
		assert_int_equal(pa_alloc(&f->pa, o, 0), PA_NONE);
		assert_int_equal(pa_alloc(&f->pa, o, 1), PA_NONE);
		assert_int_equal(pa_alloc_on(&f->pa, o, 0), PA_NONE);
		assert_int_equal(pa_alloc_on(&f->pa, o, 1), PA_NONE);
	}
	assert_false(pa_free(&f->pa, 0, 0));
	assert_false(pa_free(&f->pa, 1024, PA_MAX_ORDER));
	assert_int_equal(total_free(f), 0);
}

static void test_node_of(void **state)
{
	struct fix *f = *state;    /* odd: [0,1000) [1000,2048) */

	assert_int_equal(pa_node_of(&f->pa, 0), 0);
	assert_int_equal(pa_node_of(&f->pa, 500), 0);
	assert_int_equal(pa_node_of(&f->pa, 999), 0);
	assert_int_equal(pa_node_of(&f->pa, 1000), 1);
	assert_int_equal(pa_node_of(&f->pa, 1024), 1);
	assert_int_equal(pa_node_of(&f->pa, 2047), 1);
}

static void test_release_all(void **state)
{
	struct fix *f = *state;

	pa_release_range(&f->pa, 0, NFRAMES);
	assert_int_equal(pa_free_frames(&f->pa, 0), 1024);
	assert_int_equal(pa_free_frames(&f->pa, 1), 1024);
	assert_int_equal(pa_free_frames(&f->pa, 2), 0);
	assert_int_equal(pa_free_frames(&f->pa, 99), 0);
}

static void test_release_all_odd(void **state)
{
	struct fix *f = *state;

	pa_release_range(&f->pa, 0, NFRAMES);
	assert_int_equal(pa_free_frames(&f->pa, 0), 1000);
	assert_int_equal(pa_free_frames(&f->pa, 1), 1048);
}

static void test_alloc_order0_preferred(void **state)
{
	struct fix *f = *state;
	uint32_t a, b, c;

	pa_release_range(&f->pa, 0, NFRAMES);

	a = pa_alloc(&f->pa, 0, 0);
	check_block(f, a, 0, 0);
	assert_int_equal(pa_free_frames(&f->pa, 0), 1023);
	assert_int_equal(pa_free_frames(&f->pa, 1), 1024);

	b = pa_alloc(&f->pa, 0, 1);
	check_block(f, b, 0, 1);
	assert_int_equal(pa_free_frames(&f->pa, 0), 1023);
	assert_int_equal(pa_free_frames(&f->pa, 1), 1023);

	c = pa_alloc(&f->pa, 0, 0);
	check_block(f, c, 0, 0);
	assert_int_not_equal(a, c);
	assert_int_equal(pa_free_frames(&f->pa, 0), 1022);

	/* bad order or node */
	assert_int_equal(pa_alloc(&f->pa, PA_MAX_ORDER + 1, 0), PA_NONE);
	assert_int_equal(pa_alloc_on(&f->pa, PA_MAX_ORDER + 1, 0), PA_NONE);
	assert_int_equal(pa_alloc_on(&f->pa, 0, 2), PA_NONE);
	assert_int_equal(pa_alloc_on(&f->pa, 0, 100), PA_NONE);
	assert_int_equal(total_free(f), 2045);

	assert_true(pa_free(&f->pa, a, 0));
	assert_true(pa_free(&f->pa, b, 0));
	assert_true(pa_free(&f->pa, c, 0));
	assert_int_equal(pa_free_frames(&f->pa, 0), 1024);
	assert_int_equal(pa_free_frames(&f->pa, 1), 1024);
}

static void test_exhaust_node_then_fallback(void **state)
{
	struct fix *f = *state;
	static uint32_t got[1024];
	uint8_t seen[NFRAMES] = { 0 };

	pa_release_range(&f->pa, 0, NFRAMES);
	for (unsigned int i = 0; i < 1024; i++) {
		got[i] = pa_alloc_on(&f->pa, 0, 0);
		check_block(f, got[i], 0, 0);
		assert_int_equal(seen[got[i]], 0);
		seen[got[i]] = 1;
		assert_int_equal(pa_free_frames(&f->pa, 0), 1023 - i);
	}
	for (unsigned int o = 0; o <= PA_MAX_ORDER; o++)
		assert_int_equal(pa_alloc_on(&f->pa, o, 0), PA_NONE);
	assert_int_equal(pa_free_frames(&f->pa, 0), 0);
	assert_int_equal(pa_free_frames(&f->pa, 1), 1024);

	/* the preferred node is full: pa_alloc falls back to node 1 */
	uint32_t x = pa_alloc(&f->pa, 0, 0);
	check_block(f, x, 0, 1);
	uint32_t y = pa_alloc(&f->pa, 3, 0);
	check_block(f, y, 3, 1);
	assert_int_equal(pa_free_frames(&f->pa, 1), 1024 - 1 - 8);
	assert_true(pa_free(&f->pa, x, 0));
	assert_true(pa_free(&f->pa, y, 3));

	/* give node 0 back */
	for (unsigned int i = 0; i < 1024; i++)
		assert_true(pa_free(&f->pa, got[i], 0));
	assert_int_equal(pa_free_frames(&f->pa, 0), 1024);
	assert_int_equal(pa_free_frames(&f->pa, 1), 1024);
	assert_int_equal(pa_alloc_on(&f->pa, PA_MAX_ORDER, 0), 0);
	assert_int_equal(pa_alloc_on(&f->pa, PA_MAX_ORDER, 1), 1024);
}

static void test_fallback_wraps_around(void **state)
{
	struct fix *f = *state;   /* three nodes: [0,300) [300,1300) [1300,2048) */

	/* only node 0 has free frames: preferred node 2 wraps to node 0 */
	pa_release_range(&f->pa, 0, 300);
	assert_int_equal(pa_free_frames(&f->pa, 0), 300);
	assert_int_equal(pa_free_frames(&f->pa, 1), 0);
	assert_int_equal(pa_free_frames(&f->pa, 2), 0);
	uint32_t a = pa_alloc(&f->pa, 2, 2);
	check_block(f, a, 2, 0);
	uint32_t b = pa_alloc(&f->pa, 0, 1);
	check_block(f, b, 0, 0);

	/* node 1 now has frames too: preferred node 2 goes to node 0, as the
	 * next node after 2 is 0 */
	pa_release_range(&f->pa, 300, 1000);
	uint32_t c = pa_alloc(&f->pa, 0, 2);
	check_block(f, c, 0, 0);
	uint32_t d = pa_alloc(&f->pa, 0, 1);
	check_block(f, d, 0, 1);
}

/* The number of aligned runs of 1 << order frames inside [first, end). */
static uint32_t aligned_runs(uint32_t first, uint32_t end, unsigned int order)
{
	uint32_t size = 1u << order, count = 0;

	for (uint32_t b = (first + size - 1) & ~(size - 1); b + size <= end; b += size)
		count++;
	return count;
}

static void test_orders_aligned_within_node(void **state)
{
	struct fix *f = *state;   /* odd: [0,1000) [1000,2048) */
	static uint32_t got[NFRAMES];

	pa_release_range(&f->pa, 0, NFRAMES);

	/* node 0 has no 1024-frame block that fits; node 1 has [1024,2048) */
	assert_int_equal(pa_alloc_on(&f->pa, PA_MAX_ORDER, 0), PA_NONE);
	assert_int_equal(pa_free_frames(&f->pa, 0), 1000);

	/*
	 * For each order and node, take every block of that order: each is
	 * aligned, inside the node, disjoint from the others, and there are
	 * as many as there are aligned runs inside the node.
	 */
	for (unsigned int o = 0; o <= PA_MAX_ORDER; o++) {
		for (unsigned int n = 0; n < 2; n++) {
			uint8_t seen[NFRAMES] = { 0 };
			uint32_t count = 0, b;

			while ((b = pa_alloc_on(&f->pa, o, n)) != PA_NONE) {
				check_block(f, b, o, n);
				for (uint32_t i = b; i < b + (1u << o); i++) {
					assert_int_equal(seen[i], 0);
					seen[i] = 1;
				}
				assert_true(count < NFRAMES);
				got[count++] = b;
			}
			assert_int_equal(count, aligned_runs(f->first[n], f->end[n], o));
			assert_int_equal(pa_free_frames(&f->pa, n),
					 (f->end[n] - f->first[n]) - (count << o));
			for (uint32_t i = 0; i < count; i++)
				assert_true(pa_free(&f->pa, got[i], o));
			assert_int_equal(pa_free_frames(&f->pa, n), f->end[n] - f->first[n]);
		}
	}

	/* pa_alloc of order 10 preferring node 0 falls to node 1 */
	uint32_t big = pa_alloc(&f->pa, PA_MAX_ORDER, 0);
	assert_int_equal(big, 1024);
	assert_int_equal(pa_alloc(&f->pa, PA_MAX_ORDER, 0), PA_NONE);
	assert_true(pa_free(&f->pa, big, PA_MAX_ORDER));
}

/*
 * Takes the largest blocks first until both nodes are empty, and checks the
 * exact block layout a buddy allocator must have over [0,1000) [1000,2048)
 * when fully merged.
 */
static void take_all_largest_first(struct fix *f, uint32_t *blocks,
				   uint8_t *orders, unsigned int *count)
{
	*count = 0;
	for (int o = PA_MAX_ORDER; o >= 0; o--) {
		for (unsigned int n = 0; n < 2; n++) {
			uint32_t b;
			while ((b = pa_alloc_on(&f->pa, (unsigned int)o, n)) != PA_NONE) {
				check_block(f, b, (unsigned int)o, n);
				assert_true(*count < 64);   /* the callers' tables */
				blocks[*count] = b;
				orders[*count] = (uint8_t)o;
				(*count)++;
			}
		}
	}
	assert_int_equal(pa_free_frames(&f->pa, 0), 0);
	assert_int_equal(pa_free_frames(&f->pa, 1), 0);
}

static int has_block(const uint32_t *blocks, const uint8_t *orders,
		     unsigned int count, uint32_t b, unsigned int o)
{
	for (unsigned int i = 0; i < count; i++)
		if (blocks[i] == b && orders[i] == o)
			return 1;
	return 0;
}

static void check_odd_fully_merged(struct fix *f)
{
	uint32_t blocks[64];
	uint8_t orders[64];
	unsigned int count;

	assert_int_equal(pa_free_frames(&f->pa, 0), 1000);
	assert_int_equal(pa_free_frames(&f->pa, 1), 1048);
	take_all_largest_first(f, blocks, orders, &count);
	/* node 0: 512+256+128+64+32+8 = 1000; node 1: 8+16+1024 = 1048 */
	assert_int_equal(count, 9);
	assert_true(has_block(blocks, orders, count, 0, 9));
	assert_true(has_block(blocks, orders, count, 512, 8));
	assert_true(has_block(blocks, orders, count, 768, 7));
	assert_true(has_block(blocks, orders, count, 896, 6));
	assert_true(has_block(blocks, orders, count, 960, 5));
	assert_true(has_block(blocks, orders, count, 992, 3));
	assert_true(has_block(blocks, orders, count, 1000, 3));
	assert_true(has_block(blocks, orders, count, 1008, 4));
	assert_true(has_block(blocks, orders, count, 1024, 10));
	for (unsigned int i = 0; i < count; i++)
		assert_true(pa_free(&f->pa, blocks[i], orders[i]));
	assert_int_equal(pa_free_frames(&f->pa, 0), 1000);
	assert_int_equal(pa_free_frames(&f->pa, 1), 1048);
}

static void test_odd_boundary_layout(void **state)
{
	struct fix *f = *state;

	pa_release_range(&f->pa, 0, NFRAMES);
	check_odd_fully_merged(f);
	/* and again, after everything was split and merged once */
	check_odd_fully_merged(f);
}

static void test_odd_boundary_order0(void **state)
{
	struct fix *f = *state;
	static uint32_t got[1048];

	pa_release_range(&f->pa, 0, NFRAMES);
	for (unsigned int i = 0; i < 1000; i++) {
		got[i] = pa_alloc_on(&f->pa, 0, 0);
		check_block(f, got[i], 0, 0);
	}
	assert_int_equal(pa_alloc_on(&f->pa, 0, 0), PA_NONE);
	for (unsigned int i = 0; i < 1048; i++) {
		uint32_t b = pa_alloc_on(&f->pa, 0, 1);
		check_block(f, b, 0, 1);
		assert_true(pa_free(&f->pa, b, 0));
	}
	/* free node 0 back in reverse order, then check full merging */
	for (unsigned int i = 1000; i-- > 0;)
		assert_true(pa_free(&f->pa, got[i], 0));
	check_odd_fully_merged(f);
}

/* A small deterministic PRNG (xorshift64*). */
static uint64_t rng_state;

static uint32_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static void test_buddies_merge(void **state)
{
	struct fix *f = *state;   /* even: 2 x 1024 */
	static uint32_t got[1024];

	pa_release_range(&f->pa, 0, NFRAMES);

	/* split the whole of node 0 into single frames */
	for (unsigned int i = 0; i < 1024; i++)
		got[i] = pa_alloc_on(&f->pa, 0, 0);
	assert_int_equal(pa_free_frames(&f->pa, 0), 0);

	/* free them in a shuffled order */
	rng_state = 12345;
	for (unsigned int i = 1023; i > 0; i--) {
		unsigned int j = rng() % (i + 1);
		uint32_t t = got[i];
		got[i] = got[j];
		got[j] = t;
	}
	for (unsigned int i = 0; i < 1024; i++) {
		assert_true(pa_free(&f->pa, got[i], 0));
		assert_int_equal(pa_free_frames(&f->pa, 0), i + 1);
	}

	/* one order-10 block again, nothing smaller left over */
	for (unsigned int o = 0; o < PA_MAX_ORDER; o++)
		assert_int_equal(f->pa.node[0].free_list[o], PA_NONE);
	assert_int_equal(pa_alloc_on(&f->pa, PA_MAX_ORDER, 0), 0);
	assert_int_equal(pa_free_frames(&f->pa, 0), 0);
	assert_int_equal(pa_alloc_on(&f->pa, 0, 0), PA_NONE);
	assert_true(pa_free(&f->pa, 0, PA_MAX_ORDER));
	assert_int_equal(pa_free_frames(&f->pa, 0), 1024);
}

static void test_buddies_merge_mixed_orders(void **state)
{
	struct fix *f = *state;   /* even */
	static uint32_t b[1024];
	static uint8_t o[1024];
	unsigned int n = 0;

	pa_release_range(&f->pa, 0, NFRAMES);
	rng_state = 777;
	/* fill node 0 with blocks of random orders 0..5 */
	while (pa_free_frames(&f->pa, 0) > 0) {
		unsigned int order = rng() % 6;
		uint32_t x = pa_alloc_on(&f->pa, order, 0);
		if (x == PA_NONE) {
			assert_true(order > 0);   /* order 0 fits while any is free */
			continue;
		}
		check_block(f, x, order, 0);
		assert_true(n < 1024);
		b[n] = x;
		o[n] = (uint8_t)order;
		n++;
	}
	assert_true(n > 50);
	assert_int_equal(pa_alloc_on(&f->pa, 0, 0), PA_NONE);
	assert_int_equal(pa_free_frames(&f->pa, 1), 1024);

	/* free in a shuffled order */
	for (unsigned int i = n - 1; i > 0; i--) {
		unsigned int j = rng() % (i + 1);
		uint32_t tb = b[i];
		uint8_t to = o[i];
		b[i] = b[j];
		o[i] = o[j];
		b[j] = tb;
		o[j] = to;
	}
	for (unsigned int i = 0; i < n; i++)
		assert_true(pa_free(&f->pa, b[i], o[i]));
	assert_int_equal(pa_free_frames(&f->pa, 0), 1024);
	for (unsigned int k = 0; k < PA_MAX_ORDER; k++)
		assert_int_equal(f->pa.node[0].free_list[k], PA_NONE);
	assert_int_equal(pa_alloc_on(&f->pa, PA_MAX_ORDER, 0), 0);
	assert_true(pa_free(&f->pa, 0, PA_MAX_ORDER));
}

#define CHECK_UNCHANGED(f, n0, n1) do { \
	assert_int_equal(pa_free_frames(&(f)->pa, 0), (n0)); \
	assert_int_equal(pa_free_frames(&(f)->pa, 1), (n1)); \
} while (0)

static void test_free_rejects(void **state)
{
	struct fix *f = *state;   /* even */
	uint64_t n0, n1;

	/* frames [2000, 2048) stay reserved */
	pa_release_range(&f->pa, 0, 2000);
	assert_int_equal(pa_free_frames(&f->pa, 0), 1024);
	assert_int_equal(pa_free_frames(&f->pa, 1), 976);

	uint32_t blk = pa_alloc_on(&f->pa, 2, 0);     /* 4 frames */
	check_block(f, blk, 2, 0);
	uint32_t one = pa_alloc_on(&f->pa, 0, 0);
	check_block(f, one, 0, 0);
	n0 = pa_free_frames(&f->pa, 0);
	n1 = pa_free_frames(&f->pa, 1);
	assert_int_equal(n0, 1024 - 5);

	/* wrong order */
	assert_false(pa_free(&f->pa, blk, 0));
	assert_false(pa_free(&f->pa, blk, 1));
	assert_false(pa_free(&f->pa, blk, 3));
	assert_false(pa_free(&f->pa, blk, PA_MAX_ORDER));
	assert_false(pa_free(&f->pa, blk, PA_MAX_ORDER + 1));
	assert_false(pa_free(&f->pa, one, 1));
	CHECK_UNCHANGED(f, n0, n1);

	/* a frame in the middle of a used block */
	for (uint32_t i = 1; i < 4; i++)
		for (unsigned int o = 0; o <= 2; o++)
			assert_false(pa_free(&f->pa, blk + i, o));
	CHECK_UNCHANGED(f, n0, n1);

	/* a frame that is free (on a free list) */
	uint32_t free_frame = one ^ 1;     /* its buddy, split off and free */
	assert_false(pa_free(&f->pa, free_frame, 0));
	assert_false(pa_free(&f->pa, 1024, PA_MAX_ORDER - 1));
	CHECK_UNCHANGED(f, n0, n1);

	/* out of range */
	assert_false(pa_free(&f->pa, NFRAMES, 0));
	assert_false(pa_free(&f->pa, NFRAMES + 7, 0));
	assert_false(pa_free(&f->pa, PA_NONE, 0));
	assert_false(pa_free(&f->pa, UINT32_MAX - 3, 2));
	CHECK_UNCHANGED(f, n0, n1);

	/* reserved frames */
	assert_false(pa_free(&f->pa, 2000, 0));
	assert_false(pa_free(&f->pa, 2040, 3));
	assert_false(pa_free(&f->pa, 2047, 0));
	assert_false(pa_free(&f->pa, 2032, 4));
	CHECK_UNCHANGED(f, n0, n1);

	/* the real frees work, once */
	assert_true(pa_free(&f->pa, blk, 2));
	CHECK_UNCHANGED(f, n0 + 4, n1);
	assert_false(pa_free(&f->pa, blk, 2));       /* double free */
	assert_false(pa_free(&f->pa, blk, 0));
	CHECK_UNCHANGED(f, n0 + 4, n1);
	assert_true(pa_free(&f->pa, one, 0));
	CHECK_UNCHANGED(f, n0 + 5, n1);
	assert_false(pa_free(&f->pa, one, 0));       /* double free, merged */
	CHECK_UNCHANGED(f, 1024, 976);

	/* double free of both buddies after they merged */
	uint32_t a = pa_alloc_on(&f->pa, 0, 1);
	uint32_t b = pa_alloc_on(&f->pa, 0, 1);
	check_block(f, a, 0, 1);
	check_block(f, b, 0, 1);
	assert_true(pa_free(&f->pa, a, 0));
	assert_true(pa_free(&f->pa, b, 0));
	assert_false(pa_free(&f->pa, a, 0));
	assert_false(pa_free(&f->pa, b, 0));
	assert_false(pa_free(&f->pa, a & ~1u, 1));
	CHECK_UNCHANGED(f, 1024, 976);

	/* nothing is ever handed out from the reserved range */
	for (;;) {
		uint32_t x = pa_alloc_on(&f->pa, 0, 1);
		if (x == PA_NONE)
			break;
		assert_true(x >= 1024 && x < 2000);
	}
	assert_int_equal(pa_free_frames(&f->pa, 1), 0);
}

static void test_release_partial(void **state)
{
	struct fix *f = *state;   /* even */
	uint8_t seen[NFRAMES] = { 0 };
	unsigned int got = 0;

	pa_release_range(&f->pa, 100, 200);      /* [100, 300) */
	assert_int_equal(pa_free_frames(&f->pa, 0), 200);
	assert_int_equal(pa_free_frames(&f->pa, 1), 0);

	/* the largest block inside [100,300) is [128,256) */
	assert_int_equal(pa_alloc_on(&f->pa, 8, 0), PA_NONE);
	assert_int_equal(pa_alloc_on(&f->pa, 7, 0), 128);
	assert_int_equal(pa_alloc_on(&f->pa, 7, 0), PA_NONE);
	assert_true(pa_free(&f->pa, 128, 7));

	/* node 1 is empty: preferring it falls back to node 0 */
	uint32_t x = pa_alloc(&f->pa, 0, 1);
	check_block(f, x, 0, 0);
	assert_true(pa_free(&f->pa, x, 0));

	/* every frame handed out lies in [100, 300) */
	for (;;) {
		uint32_t y = pa_alloc_on(&f->pa, 0, 0);
		if (y == PA_NONE)
			break;
		assert_true(y >= 100 && y < 300);
		assert_int_equal(seen[y], 0);
		seen[y] = 1;
		got++;
	}
	assert_int_equal(got, 200);
	assert_int_equal(pa_free_frames(&f->pa, 0), 0);
	for (uint32_t y = 100; y < 300; y++)
		assert_true(pa_free(&f->pa, y, 0));
	assert_int_equal(pa_free_frames(&f->pa, 0), 200);
	/* merging stops at the reserved frames around the range */
	assert_int_equal(pa_alloc_on(&f->pa, 8, 0), PA_NONE);
	assert_int_equal(pa_alloc_on(&f->pa, 7, 0), 128);
	assert_true(pa_free(&f->pa, 128, 7));
}

static void test_release_range_clipping(void **state)
{
	struct fix *f = *state;   /* even */

	/* across the node boundary */
	pa_release_range(&f->pa, 1000, 100);
	assert_int_equal(pa_free_frames(&f->pa, 0), 24);
	assert_int_equal(pa_free_frames(&f->pa, 1), 76);

	/* past the end: clipped */
	pa_release_range(&f->pa, 2040, 100);
	assert_int_equal(pa_free_frames(&f->pa, 1), 76 + 8);

	/* entirely out of range, and empty: nothing happens */
	pa_release_range(&f->pa, NFRAMES, 10);
	pa_release_range(&f->pa, NFRAMES + 100, UINT32_MAX);
	pa_release_range(&f->pa, 500, 0);
	assert_int_equal(pa_free_frames(&f->pa, 0), 24);
	assert_int_equal(pa_free_frames(&f->pa, 1), 84);

	/* the rest stays reserved */
	for (;;) {
		uint32_t y = pa_alloc(&f->pa, 0, 0);
		if (y == PA_NONE)
			break;
		assert_true((y >= 1000 && y < 1100) || y >= 2040);
	}
	assert_int_equal(pa_free_frames(&f->pa, 0), 0);
	assert_int_equal(pa_free_frames(&f->pa, 1), 0);

	/* a count that wraps around uint32_t: clipped to the end */
	pa_init(&f->pa, f->frames, f->nframes, &f->topo);
	pa_release_range(&f->pa, 1900, UINT32_MAX);
	assert_int_equal(pa_free_frames(&f->pa, 0), 0);
	assert_int_equal(pa_free_frames(&f->pa, 1), 148);
	for (;;) {
		uint32_t y = pa_alloc(&f->pa, 0, 1);
		if (y == PA_NONE)
			break;
		assert_true(y >= 1900 && y < NFRAMES);
	}
}

/* ---- randomized test with a shadow map ---- */

#define RAND_OPS 20000
#define RAND_MAX_ORDER 4

struct shadow {
	uint8_t used[NFRAMES];           /* frame handed out */
	int8_t head[NFRAMES];            /* order + 1 if a live block starts here */
	uint32_t live[NFRAMES];          /* live block starts */
	unsigned int nlive;
	uint64_t allocated[NUMA_MAX_NODES];
};

/* True if node n has an aligned run of 1 << order frames all unused. */
static int shadow_has_free_run(const struct fix *f, const struct shadow *s,
			       unsigned int n, unsigned int order)
{
	uint32_t size = 1u << order;
	uint32_t start = (f->first[n] + size - 1) & ~(size - 1);

	for (uint32_t b = start; b + size <= f->end[n]; b += size) {
		uint32_t i;
		for (i = b; i < b + size && !s->used[i]; i++)
			;
		if (i == b + size)
			return 1;
	}
	return 0;
}

static void check_counts(const struct fix *f, const struct shadow *s)
{
	uint64_t total = 0;

	for (unsigned int n = 0; n < f->topo.nnodes; n++) {
		uint64_t size = f->end[n] - f->first[n];
		assert_int_equal(pa_free_frames(&f->pa, n) + s->allocated[n], size);
		total += pa_free_frames(&f->pa, n) + s->allocated[n];
	}
	assert_int_equal(total, f->nframes);
}

static void run_random(struct fix *f, uint64_t seed)
{
	static struct shadow s;
	unsigned int nnodes = f->topo.nnodes;
	unsigned int allocs = 0, fails = 0, frees = 0, rejects = 0;

	memset(&s, 0, sizeof(s));
	pa_release_range(&f->pa, 0, f->nframes);
	check_counts(f, &s);
	rng_state = seed;

	for (int op = 0; op < RAND_OPS; op++) {
		uint32_t r = rng() % 100;

		if (r < 50 || s.nlive == 0) {
			unsigned int order = rng() % (RAND_MAX_ORDER + 1);
			unsigned int pref = rng() % nnodes;
			int only = rng() % 4 == 0;
			uint32_t b = only ? pa_alloc_on(&f->pa, order, pref)
					  : pa_alloc(&f->pa, order, pref);
			if (b == PA_NONE) {
				/* a buddy allocator that merges fully fails
				 * only if no aligned free run exists */
				fails++;
				if (only) {
					assert_false(shadow_has_free_run(f, &s, pref, order));
				} else {
					for (unsigned int n = 0; n < nnodes; n++)
						assert_false(shadow_has_free_run(f, &s, n, order));
				}
			} else {
				unsigned int n = pa_node_of(&f->pa, b);
				check_block(f, b, order, n);
				if (only)
					assert_int_equal(n, pref);
				else if (n != pref)
					assert_false(shadow_has_free_run(f, &s, pref, order));
				for (uint32_t i = b; i < b + (1u << order); i++) {
					if (s.used[i])
						print_error("op %d: frame %u handed out twice\n",
							    op, i);
					assert_int_equal(s.used[i], 0);
					s.used[i] = 1;
				}
				s.head[b] = (int8_t)(order + 1);
				s.live[s.nlive++] = b;
				s.allocated[n] += 1u << order;
				allocs++;
			}
		} else if (r < 90) {
			unsigned int k = rng() % s.nlive;
			uint32_t b = s.live[k];
			unsigned int order = (unsigned int)(s.head[b] - 1);
			unsigned int n = pa_node_of(&f->pa, b);

			assert_true(pa_free(&f->pa, b, order));
			for (uint32_t i = b; i < b + (1u << order); i++)
				s.used[i] = 0;
			s.head[b] = 0;
			s.live[k] = s.live[--s.nlive];
			s.allocated[n] -= 1u << order;
			frees++;
		} else {
			/* a bogus free: must be refused and change nothing */
			uint32_t b = rng() % (f->nframes + 16);
			unsigned int order = rng() % (PA_MAX_ORDER + 2);
			if (b < f->nframes && s.head[b] == (int8_t)(order + 1))
				continue;
			uint64_t before[NUMA_MAX_NODES];
			for (unsigned int n = 0; n < nnodes; n++)
				before[n] = pa_free_frames(&f->pa, n);
			assert_false(pa_free(&f->pa, b, order));
			for (unsigned int n = 0; n < nnodes; n++)
				assert_int_equal(pa_free_frames(&f->pa, n), before[n]);
			rejects++;
		}
		check_counts(f, &s);
	}
	/* the mix must have exercised every path */
	assert_true(allocs > 1000);
	assert_true(frees > 1000);
	assert_true(rejects > 100);

	/* free everything; the allocator must be back to fully merged */
	while (s.nlive) {
		uint32_t b = s.live[--s.nlive];
		unsigned int n = pa_node_of(&f->pa, b);
		unsigned int order = (unsigned int)(s.head[b] - 1);
		assert_true(pa_free(&f->pa, b, order));
		s.head[b] = 0;
		s.allocated[n] -= 1u << order;
		for (uint32_t i = b; i < b + (1u << order); i++)
			s.used[i] = 0;
		check_counts(f, &s);
	}
	/* the pool ran dry at times, so the PA_NONE checks ran too */
	assert_true(fails > 0);
}

static void test_random_odd(void **state)
{
	struct fix *f = *state;

	run_random(f, 20240601);
	check_odd_fully_merged(f);
}

static void test_random_three_nodes(void **state)
{
	struct fix *f = *state;   /* [0,300) [300,1300) [1300,2048) */

	run_random(f, 42);
	assert_int_equal(pa_free_frames(&f->pa, 0), 300);
	assert_int_equal(pa_free_frames(&f->pa, 1), 1000);
	assert_int_equal(pa_free_frames(&f->pa, 2), 748);
	/* [1024, 2048) straddles nodes 1 and 2: no order-10 block anywhere,
	 * but [512, 1024) is wholly inside node 1 */
	assert_int_equal(pa_alloc(&f->pa, PA_MAX_ORDER, 0), PA_NONE);
	assert_int_equal(pa_alloc_on(&f->pa, 9, 1), 512);
	assert_int_equal(pa_alloc_on(&f->pa, 9, 1), PA_NONE);
	assert_true(pa_free(&f->pa, 512, 9));
}

/* pa_split: a used block of order 6 split around an order-2 sub-block
 * becomes blocks of orders 5, 4, 3 and 2 that are freed one by one, in any
 * order, and merge back into the free lists whole. */
static void test_split_and_free_pieces(void **state)
{
	struct fix *f = *state;
	uint32_t b, sub;

	pa_release_range(&f->pa, 0, NFRAMES);
	b = pa_alloc_on(&f->pa, 6, 0);
	check_block(f, b, 6, 0);
	sub = b + 44;                           /* 0b101100: aligned to 4 */
	assert_false(pa_split(&f->pa, b + 1, 6, sub, 2));      /* not a block */
	assert_false(pa_split(&f->pa, b, 5, sub, 2));          /* wrong order */
	assert_false(pa_split(&f->pa, b, 6, b + 42, 2));       /* unaligned */
	assert_false(pa_split(&f->pa, b, 6, b + 64, 2));       /* outside */
	assert_true(pa_split(&f->pa, b, 6, sub, 2));
	assert_false(pa_free(&f->pa, b, 6));    /* no longer one block */
	assert_true(pa_free(&f->pa, sub, 2));
	assert_true(pa_free(&f->pa, b, 5));     /* 0..31 */
	assert_true(pa_free(&f->pa, b + 32, 3));        /* 32..39 */
	assert_true(pa_free(&f->pa, b + 40, 2));        /* 40..43 */
	assert_true(pa_free(&f->pa, b + 48, 4));        /* 48..63 */
	assert_int_equal(total_free(f), NFRAMES);
	/* merged back: the whole node is one block of the largest order again */
	assert_int_not_equal(pa_alloc_on(&f->pa, PA_MAX_ORDER, 0), PA_NONE);
}

/* A split down to one frame, then the frame alone is freed. */
static void test_split_single_frame(void **state)
{
	struct fix *f = *state;
	uint32_t b;

	pa_release_range(&f->pa, 0, NFRAMES);
	b = pa_alloc_on(&f->pa, 3, 1);
	assert_true(pa_split(&f->pa, b, 3, b + 7, 0));
	assert_true(pa_free(&f->pa, b + 7, 0));
	assert_false(pa_free(&f->pa, b + 7, 0));        /* twice */
	assert_true(pa_free(&f->pa, b + 6, 0));
	assert_true(pa_free(&f->pa, b + 4, 1));
	assert_true(pa_free(&f->pa, b, 2));
	assert_int_equal(total_free(f), NFRAMES);
	/* splitting to the same order is no change */
	b = pa_alloc_on(&f->pa, 2, 0);
	assert_true(pa_split(&f->pa, b, 2, b, 2));
	assert_true(pa_free(&f->pa, b, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_all_reserved, setup_even, teardown),
		cmocka_unit_test_setup_teardown(test_node_of, setup_odd, teardown),
		cmocka_unit_test_setup_teardown(test_release_all, setup_even, teardown),
		cmocka_unit_test_setup_teardown(test_release_all_odd, setup_odd, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_order0_preferred, setup_even, teardown),
		cmocka_unit_test_setup_teardown(test_exhaust_node_then_fallback, setup_even, teardown),
		cmocka_unit_test_setup_teardown(test_fallback_wraps_around, setup_three, teardown),
		cmocka_unit_test_setup_teardown(test_orders_aligned_within_node, setup_odd, teardown),
		cmocka_unit_test_setup_teardown(test_odd_boundary_layout, setup_odd, teardown),
		cmocka_unit_test_setup_teardown(test_odd_boundary_order0, setup_odd, teardown),
		cmocka_unit_test_setup_teardown(test_buddies_merge, setup_even, teardown),
		cmocka_unit_test_setup_teardown(test_buddies_merge_mixed_orders, setup_even, teardown),
		cmocka_unit_test_setup_teardown(test_free_rejects, setup_even, teardown),
		cmocka_unit_test_setup_teardown(test_release_partial, setup_even, teardown),
		cmocka_unit_test_setup_teardown(test_release_range_clipping, setup_even, teardown),
		cmocka_unit_test_setup_teardown(test_random_odd, setup_odd, teardown),
		cmocka_unit_test_setup_teardown(test_random_three_nodes, setup_three, teardown),
		cmocka_unit_test_setup_teardown(test_split_and_free_pieces, setup_even, teardown),
		cmocka_unit_test_setup_teardown(test_split_single_frame, setup_even, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
