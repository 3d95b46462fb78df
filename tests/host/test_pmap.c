/*
 * Host unit tests for mmu/pmap.c: the table size a VM is charged for, the
 * per-page states (unbacked, private, shared), memory on demand in chunks
 * against a promise, copy-on-write with its buddy-wise split, the bounds
 * checks and giving everything back. Machine memory is a static array
 * behind the real page allocator (mmu/page_alloc.c); the mem_* functions
 * pmap.c calls are stand-ins here with machmem.c's contract (promises
 * included); spinlocks come from tests/host/stub.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "mmu/machmem.h"
#include "mmu/memmap.h"
#include "mmu/page_merge.h"
#include "mmu/page_share.h"
#include "mmu/pmap.h"
#include "monitor/monitor.h"

#define RAM_PAGES 2048

static uint8_t ram[RAM_PAGES][PAGE_SIZE] __attribute__((aligned(4096)));
static struct pa_frame frames[RAM_PAGES];
static struct page_alloc pa;
static uint64_t promised;
static unsigned int refuse_above = 99;     /* no block larger than this order */

/* ---- machmem.h stand-ins ---- */

static uint64_t free_total(void)
{
	return pa_free_frames(&pa, 0);
}

void *mem_frame_ptr(uint32_t frame) { return ram[frame]; }
uint32_t mem_frame_of(const void *p) { return (uint32_t)(((const uint8_t *)p - ram[0]) / PAGE_SIZE); }
uint64_t mem_offset(const void *p) { return (uint64_t)mem_frame_of(p) << PAGE_SHIFT; }
unsigned int mem_node_of(const void *p) { return frames[mem_frame_of(p)].node; }

void *mem_alloc_pages(unsigned int order, unsigned int node)
{
	uint32_t f;

	if (free_total() < promised + (1ull << order))
		return NULL;
	f = pa_alloc(&pa, order, node);
	return f == PA_NONE ? NULL : ram[f];
}

bool mem_promise(uint64_t pages)
{
	if (free_total() < promised + pages)
		return false;
	promised += pages;
	return true;
}

void mem_unpromise(uint64_t pages)
{
	assert_true(pages <= promised);
	promised -= pages;
}

void *mem_alloc_promised(unsigned int order, unsigned int node)
{
	uint32_t f;

	assert_true(promised >= (1ull << order));
	if (order > refuse_above)
		return NULL;
	f = pa_alloc(&pa, order, node);
	if (f == PA_NONE) {
		assert_true(order > 0);         /* a promised page is always free */
		return NULL;
	}
	promised -= 1ull << order;
	return ram[f];
}

/* Only from that node (the replicas' memory: not the promise). */
void *mem_alloc_pages_on(unsigned int order, unsigned int node)
{
	uint32_t f;

	if (free_total() < promised + (1ull << order))
		return NULL;
	f = pa_alloc(&pa, order, node);
	if (f != PA_NONE && frames[f].node != node) {
		assert_true(pa_free(&pa, f, order));
		return NULL;
	}
	return f == PA_NONE ? NULL : ram[f];
}

void page_copy(void *to, const void *from, unsigned int order)
{
	memcpy(to, from, PAGE_SIZE << order);
}

void mem_split_pages(void *block, unsigned int order, void *sub, unsigned int sub_order)
{
	assert_true(pa_split(&pa, mem_frame_of(block), order, mem_frame_of(sub), sub_order));
}

/* the memmap over the test's RAM; no cross-calls on the host */
struct memmap memmap;
static struct memmap_user memmap_table[RAM_PAGES];

void xcall_sleep(void)
{
}

void mem_free_pages(void *p, unsigned int order)
{
	assert_true(pa_free(&pa, mem_frame_of(p), order));
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fail();
	for (;;)
		;
}

/* ---- fixtures ---- */

static int setup(void **state)
{
	struct numa_topology topo;

	(void)state;
	numa_default(&topo, 1, (uint64_t)RAM_PAGES << PAGE_SHIFT);
	pa_init(&pa, frames, RAM_PAGES, &topo);
	pa_release_range(&pa, 0, RAM_PAGES);
	memset(ram, 0xa5, sizeof(ram));         /* stale data everywhere */
	promised = 0;
	refuse_above = 99;
	memmap_init(&memmap, memmap_table, RAM_PAGES, NULL);
	pmap_chunk_order = 4;
	return 0;
}

static unsigned int moves, moved_page, moved_pages;

static void on_moved(void *arg, const struct pmap_moved_range *r, unsigned int n)
{
	(void)arg;
	assert_int_equal(n, 1);
	moves++;
	moved_page = r->gpage;
	moved_pages = r->pages;
}

/* Frame's only user in the memmap is the test's VM (id 1) at gpage. */
static void check_user(uint32_t frame, uint32_t gpage)
{
	struct memmap_user u[2];

	assert_int_equal(memmap_users(&memmap, frame, u, 2), 1);
	assert_int_equal(u[0].vm, 1);
	assert_int_equal(u[0].gpage, gpage);
}

/* A pmap of npages pages with the moved hook counting. */
static void make(struct pmap *pm, uint32_t npages)
{
	assert_int_equal(pmap_create(pm, (uint64_t)npages << PAGE_SHIFT, 0, 1), 0);
	pm->moved = on_moved;
	moves = 0;
}

/* ---- tests ---- */

static void test_table_pages(void **state)
{
	static const struct { uint64_t mib, pages; } cases[] = {
		{ 1, 1 + 1 },           /* 256 pages: 1 KiB and 256 bytes */
		{ 4, 1 + 1 },           /* 1024 pages: 4 KiB and 1 KiB */
		{ 8, 2 + 1 },
		{ 16, 4 + 1 },
		{ 64, 16 + 4 },
		{ 96, 32 + 8 },         /* 96 KiB of frames: an order-5 block */
		{ 126, 32 + 8 },        /* the bundle-greedy test's VM */
		{ 128, 32 + 8 },
		{ 129, 64 + 16 },
		{ 2048, 512 + 128 },    /* 2 GiB: the most malta has */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(pmap_table_pages(cases[i].mib << 20), cases[i].pages);
}

/* A new pmap takes its tables and a promise, nothing else; unbacked pages
 * read as zeros and stay unbacked. */
static void test_create_empty(void **state)
{
	struct pmap pm;
	uint64_t free0 = free_total();
	uint8_t buf[64];

	(void)state;
	make(&pm, 256);
	assert_int_equal(free0 - free_total(), pmap_table_pages(256 << PAGE_SHIFT));
	assert_int_equal(promised, 256);
	assert_int_equal(pmap_lookup(&pm, 0x5000), PA_NONE);
	assert_int_equal(pmap_state(&pm, 0x5000), PMAP_UNBACKED);
	assert_null(pmap_peek(&pm, 0x5000));
	memset(buf, 1, sizeof(buf));
	assert_int_equal(pmap_read(&pm, 0x5ff0, buf, sizeof(buf)), 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(pm.private_pages, 0);
	assert_int_equal(pmap_lookup(&pm, 0x5000), PA_NONE);
	pmap_destroy(&pm);
	assert_int_equal(free_total(), free0);
	assert_int_equal(promised, 0);
}

/* The first touch backs the aligned chunk around the page, zeroed and
 * machine-contiguous, drawn from the promise. */
static void test_demand_zero_chunk(void **state)
{
	struct pmap pm;
	uint32_t f;

	(void)state;
	make(&pm, 256);
	f = pmap_back(&pm, 0x23000, false);     /* page 0x23: chunk 0x20-0x2f */
	assert_int_not_equal(f, PA_NONE);
	assert_int_equal(pm.private_pages, 16);
	assert_int_equal(promised, 256 - 16);
	for (uint32_t p = 0x20; p < 0x30; p++) {
		uint64_t gpa = (uint64_t)p << PAGE_SHIFT;
		const uint8_t *b = pmap_peek(&pm, gpa);

		assert_int_equal(pmap_state(&pm, gpa), PMAP_PRIVATE);
		assert_int_equal(pmap_block_order(&pm, gpa), 4);
		assert_int_equal(pmap_lookup(&pm, gpa), f - 3 + (p - 0x20));
		check_user(f - 3 + (p - 0x20), p);
		for (size_t i = 0; i < PAGE_SIZE; i++)
			assert_int_equal(b[i], 0);
	}
	assert_int_equal(pmap_state(&pm, 0x1f000), PMAP_UNBACKED);
	assert_int_equal(pmap_state(&pm, 0x30000), PMAP_UNBACKED);
	assert_int_equal(pmap_back(&pm, 0x2f000, true), f - 3 + 15);      /* backed already */
	assert_int_equal(pm.demand_faults, 1);
	pmap_destroy(&pm);
	assert_int_equal(memmap_users(&memmap, f, NULL, 0), 0);
}

/* A chunk that is partly backed, or runs past the end, or finds no block
 * that large, backs the largest all-unbacked aligned block that fits. */
static void test_partial_chunks(void **state)
{
	struct pmap pm;
	uint64_t free0 = free_total();

	(void)state;
	make(&pm, 40);                          /* chunk 32-47 runs past 40 */
	assert_int_not_equal(pmap_back(&pm, 0x21000, false), PA_NONE);
	assert_int_equal(pmap_block_order(&pm, 0x21000), 3);       /* 32-39 */
	assert_int_not_equal(pmap_write(&pm, 0x5000, "x", 1), -1);
	assert_int_equal(pmap_block_order(&pm, 0x5000), 4);        /* 0-15 */
	refuse_above = 1;                       /* fragmented memory */
	assert_int_not_equal(pmap_back(&pm, 0x13000, false), PA_NONE);
	assert_int_equal(pmap_block_order(&pm, 0x13000), 1);       /* 18-19 */
	assert_int_equal(pmap_state(&pm, 0x12000), PMAP_PRIVATE);
	assert_int_equal(pmap_state(&pm, 0x11000), PMAP_UNBACKED);
	refuse_above = 99;
	pmap_destroy(&pm);
	assert_int_equal(free_total(), free0);
	assert_int_equal(promised, 0);
}

/* Shared pages read the shared copy; a store gives a private copy, calls
 * the moved hook, splits the shared block buddy-wise and never writes the
 * shared page. */
static void test_copy_on_write(void **state)
{
	struct pmap pm;
	uint32_t cf = pa_alloc(&pa, 4, 0);     /* a 16-page "image cache" block */
	uint8_t *cache = ram[cf];
	static const struct { uint32_t page; unsigned int order; } split[] = {
		{ 0, 2 }, { 3, 2 }, { 4, 0 }, { 6, 1 }, { 7, 1 }, { 8, 3 }, { 15, 3 },
	};
	uint8_t v = 0;

	(void)state;
	assert_int_not_equal(cf, PA_NONE);
	for (int i = 0; i < 16; i++)
		memset(cache + i * PAGE_SIZE, 0x10 + i, PAGE_SIZE);
	make(&pm, 64);
	assert_int_equal(pmap_map_shared(&pm, 0x10000, cf, 4), 0);
	assert_int_equal(pmap_map_shared(&pm, 0x10000, cf, 4), -1);    /* backed */
	assert_int_equal(pmap_map_shared(&pm, 0x11000, cf, 4), -1);    /* unaligned */
	assert_int_equal(pm.shared_pages, 16);
	assert_int_equal(pmap_back(&pm, 0x15000, false), cf + 5);      /* a read keeps it */
	assert_int_equal(pmap_read(&pm, 0x15800, &v, 1), 0);
	assert_int_equal(v, 0x15);
	assert_int_equal(pmap_write(&pm, 0x15800, "\x77", 1), 0);
	assert_int_equal(moves, 1);
	assert_int_equal(moved_page, 0x15);
	assert_int_equal(moved_pages, 1);
	assert_int_equal(pmap_state(&pm, 0x15000), PMAP_PRIVATE);
	assert_int_not_equal(pmap_lookup(&pm, 0x15000), cf + 5);
	assert_int_equal(pmap_read(&pm, 0x15800, &v, 1), 0);
	assert_int_equal(v, 0x77);
	assert_int_equal(pmap_read(&pm, 0x15801, &v, 1), 0);
	assert_int_equal(v, 0x15);              /* the rest copied */
	assert_int_equal(cache[5 * PAGE_SIZE + 0x800], 0x15);  /* shared page intact */
	assert_int_equal(pm.shared_pages, 15);
	assert_int_equal(pm.private_pages, 1);
	assert_int_equal(pm.cow_breaks, 1);
	assert_int_equal(memmap_users(&memmap, cf + 5, NULL, 0), 0);   /* no longer ours */
	check_user(pmap_lookup(&pm, 0x15000), 0x15);
	check_user(cf + 6, 0x16);
	for (size_t i = 0; i < sizeof(split) / sizeof(split[0]); i++) {
		uint64_t gpa = (uint64_t)(0x10 + split[i].page) << PAGE_SHIFT;

		assert_int_equal(pmap_state(&pm, gpa), PMAP_SHARED);
		assert_int_equal(pmap_block_order(&pm, gpa), split[i].order);
		assert_int_equal(pmap_lookup(&pm, gpa), cf + split[i].page);
	}
	assert_non_null(pmap_pointer(&pm, 0x1f000));    /* a write pointer copies */
	assert_int_equal(moves, 2);
	pmap_destroy(&pm);                      /* the shared block stays the cache's */
	assert_int_equal(cache[0], 0x10);
	assert_int_equal(memmap_users(&memmap, cf, NULL, 0), 0);
	assert_true(pa_free(&pa, cf, 4));
}

/* With a guest page order (the contract's 16 KiB pages), a store to a shared
 * page copies its whole aligned guest page into one private block, one
 * moved range of all four; a guest page not all shared copies one page. */
static void test_copy_on_write_guest_pages(void **state)
{
	struct pmap pm;
	uint32_t cf = pa_alloc(&pa, 3, 0);     /* an 8-page "image cache" block */
	uint8_t *cache = ram[cf];
	uint8_t v = 0;

	(void)state;
	assert_int_not_equal(cf, PA_NONE);
	for (int i = 0; i < 8; i++)
		memset(cache + i * PAGE_SIZE, 0x40 + i, PAGE_SIZE);
	make(&pm, 64);
	pmap_set_guest_page_order(&pm, 2);
	pmap_set_guest_page_order(&pm, 9);      /* too large: kept at 2 */
	assert_int_equal(pm.cow_order, 2);
	assert_int_equal(pmap_map_shared(&pm, 0x20000, cf, 3), 0);
	moves = 0;
	assert_int_equal(pmap_write(&pm, 0x26800, "\x99", 1), 0);    /* page 0x26 */
	assert_int_equal(moves, 1);
	assert_int_equal(moved_page, 0x24);     /* the guest page 0x24..0x27 */
	assert_int_equal(moved_pages, 4);
	for (uint32_t i = 0; i < 4; i++) {
		uint64_t gpa = (uint64_t)(0x24 + i) << PAGE_SHIFT;

		assert_int_equal(pmap_state(&pm, gpa), PMAP_PRIVATE);
		assert_int_equal(pmap_block_order(&pm, gpa), 2);
		assert_int_equal(pmap_lookup(&pm, gpa), pmap_lookup(&pm, 0x24000) + i);
		assert_int_equal(pmap_read(&pm, gpa + 1, &v, 1), 0);
		assert_int_equal(v, 0x44 + i);  /* copied */
		check_user(pmap_lookup(&pm, gpa), 0x24 + i);
		assert_int_equal(pmap_state(&pm, (uint64_t)(0x20 + i) << PAGE_SHIFT), PMAP_SHARED);
	}
	assert_int_equal(pmap_read(&pm, 0x26800, &v, 1), 0);
	assert_int_equal(v, 0x99);
	assert_int_equal(cache[6 * PAGE_SIZE + 0x800], 0x46);  /* shared page intact */
	assert_int_equal(pm.shared_pages, 4);
	assert_int_equal(pm.private_pages, 4);
	assert_int_equal(pm.cow_breaks, 1);
	/* page 0x21 alone first, without the order: then 0x20..0x23 is no
	 * longer all shared, and a store to 0x22 copies one page */
	pm.cow_order = 0;
	assert_int_equal(pmap_write(&pm, 0x21000, "\x01", 1), 0);
	pm.cow_order = 2;
	assert_int_equal(pmap_write(&pm, 0x22000, "\x02", 1), 0);
	assert_int_equal(pmap_state(&pm, 0x20000), PMAP_SHARED);
	assert_int_equal(pmap_state(&pm, 0x23000), PMAP_SHARED);
	assert_int_equal(pmap_block_order(&pm, 0x22000), 0);
	assert_int_equal(pm.cow_breaks, 3);
	pmap_destroy(&pm);
	assert_true(pa_free(&pa, cf, 3));
}

/* Nothing outside [0, npages) is reached, and a write that runs past the
 * end writes nothing. */
static void test_bounds(void **state)
{
	struct pmap pm;
	uint8_t buf[8] = { 0 };

	(void)state;
	make(&pm, 16);
	assert_int_equal(pmap_back(&pm, 0x10000, true), PA_NONE);
	assert_null(pmap_pointer(&pm, 0x10000));
	assert_int_equal(pmap_write(&pm, 0xfffc, buf, 8), -1);
	assert_int_equal(pmap_state(&pm, 0xf000), PMAP_UNBACKED);
	assert_int_equal(pmap_read(&pm, 0xfffc, buf, 8), -1);
	assert_int_equal(pmap_write(&pm, UINT64_MAX - 2, buf, 8), -1);
	assert_int_equal(pmap_map_shared(&pm, 0x10000, 0, 0), -1);
	assert_false(pmap_has(&pm, 0x10000));
	assert_true(pmap_has(&pm, 0xffff));
	pmap_destroy(&pm);
}

/* Every page touched takes exactly the promise: the memory is the VM's
 * size, and all of it comes back. A second VM is only accepted if its
 * whole size can be promised. */
static void test_promise_whole_vm(void **state)
{
	struct pmap a, b;
	uint64_t free0 = free_total();

	(void)state;
	make(&a, 1024);
	for (uint64_t gpa = 0; gpa < (1024ull << PAGE_SHIFT); gpa += PAGE_SIZE)
		assert_int_not_equal(pmap_back(&a, gpa, true), PA_NONE);
	assert_int_equal(a.private_pages, 1024);
	assert_int_equal(a.promised, 0);
	assert_int_equal(promised, 0);
	assert_int_equal(pmap_create(&b, 2048ull << PAGE_SHIFT, 0, 2), -1);        /* too big */
	assert_int_equal(free_total(), free0 - 1024 - pmap_table_pages(1024 << PAGE_SHIFT));
	pmap_destroy(&a);
	assert_int_equal(free_total(), free0);
}

/* A move's two halves, as page_move.c drives them: the pages are split
 * out of their block (in the pmap and the allocator), moving (no lookup
 * sees them) until the end publishes the new pages; the memmap follows and
 * everything comes back whole. */
static void test_move(void **state)
{
	struct pmap pm;
	uint64_t free0 = free_total();
	uint32_t f, old, new;
	uint8_t v = 0;

	(void)state;
	make(&pm, 64);
	f = pmap_back(&pm, 0x20000, true) ;     /* chunk 0x20-0x2f */
	assert_int_equal(pmap_write(&pm, 0x26010, "\x42", 1), 0);
	assert_int_equal(pmap_move_begin(&pm, 0x26000, 2), PA_NONE);   /* unaligned */
	assert_int_equal(pmap_move_begin(&pm, 0x20000, 5), PA_NONE);   /* beyond its block */
	assert_int_equal(pmap_move_begin(&pm, 0x30000, 0), PA_NONE);   /* unbacked */
	assert_int_equal(pmap_move_begin(&pm, 0x100000, 0), PA_NONE);  /* outside */
	old = pmap_move_begin(&pm, 0x24000, 2);         /* pages 0x24-0x27 */
	assert_int_equal(old, f + 4);
	assert_int_equal(pmap_state(&pm, 0x26000), PMAP_MOVING);
	assert_int_equal(pmap_lookup(&pm, 0x26000), PA_NONE);
	assert_int_equal(pmap_block_order(&pm, 0x26000), 0);
	assert_int_equal(pmap_block_order(&pm, 0x20000), 2);   /* 0x20-0x23 */
	assert_int_equal(pmap_block_order(&pm, 0x28000), 3);   /* 0x28-0x2f */
	new = pa_alloc(&pa, 2, 0);
	memcpy(ram[new], ram[old], 4 * PAGE_SIZE);
	pmap_move_end(&pm, 0x24000, 2, old, new);
	assert_true(pa_free(&pa, old, 2));      /* the allocator split it too */
	assert_int_equal(pmap_state(&pm, 0x26000), PMAP_PRIVATE);
	assert_int_equal(pmap_lookup(&pm, 0x26000), new + 2);
	assert_int_equal(pmap_block_order(&pm, 0x27000), 2);
	assert_int_equal(pmap_read(&pm, 0x26010, &v, 1), 0);
	assert_int_equal(v, 0x42);
	assert_int_equal(memmap_users(&memmap, old + 2, NULL, 0), 0);
	check_user(new + 2, 0x26);
	check_user(f + 8, 0x28);
	/* a page of the moved block moves again, alone */
	old = pmap_move_begin(&pm, 0x27000, 0);
	assert_int_equal(old, new + 3);
	pmap_move_end(&pm, 0x27000, 0, old, pa_alloc(&pa, 0, 0));
	assert_true(pa_free(&pa, old, 0));
	/* a pinned page stays, and so does any piece holding it */
	assert_non_null(pmap_pin(&pm, 0x2a010));
	assert_non_null(pmap_pin(&pm, 0x2a020));                /* once */
	assert_int_equal(pm.npinned, 1);
	assert_int_equal(pmap_move_begin(&pm, 0x28000, 3), PA_NONE);
	assert_int_equal(pmap_move_begin(&pm, 0x2a000, 0), PA_NONE);
	assert_int_equal(pmap_block_order(&pm, 0x28000), 3);    /* unsplit */
	old = pmap_move_begin(&pm, 0x2b000, 0);
	assert_int_not_equal(old, PA_NONE);
	pmap_move_end(&pm, 0x2b000, 0, old, pa_alloc(&pa, 0, 0));
	assert_true(pa_free(&pa, old, 0));
	assert_null(pmap_pin(&pm, 0x100000));                   /* outside */
	assert_int_equal(pm.private_pages, 16);
	pmap_destroy(&pm);
	assert_int_equal(free_total(), free0);
	for (uint32_t i = 0; i < RAM_PAGES; i++)
		assert_int_equal(memmap_users(&memmap, i, NULL, 0), 0);
}

static unsigned int shootdowns, collapses, collapsed_first;
static uint32_t shot_frame[NUMA_MAX_NODES];

static void on_shot(void *arg, const struct pmap_moved_range *r, unsigned int n)
{
	(void)arg;
	shootdowns++;
	for (unsigned int i = 0; i < n && i < NUMA_MAX_NODES; i++)
		shot_frame[i] = r[i].old_frame;
}

static void on_collapsed(void *arg, uint32_t first)
{
	(void)arg;
	collapses++;
	collapsed_first = first;
}

/* Two nodes: frames [0, RAM_PAGES/2) and the rest. */
static int setup_two_nodes(void **state)
{
	struct numa_topology topo;
	char err[80];

	setup(state);
	assert_int_equal(numa_parse("2", 2, (uint64_t)RAM_PAGES << PAGE_SHIFT, &topo, err,
				    sizeof(err)), 0);
	pa_init(&pa, frames, RAM_PAGES, &topo);
	pa_release_range(&pa, 0, RAM_PAGES);
	return 0;
}

/* Replicas: a copy on the other node that fills there find, that nothing
 * writes, that never moves; a store collapses it first (its copy given
 * back, its translations shot down, the hook told); a shared page's
 * replicas go before its copy on write; destroy gives everything back. */
static void test_replicate(void **state)
{
	struct pmap pm;
	uint64_t free0 = free_total();
	uint32_t master, copy, shared;
	uint8_t v = 0;

	(void)state;
	make(&pm, 64);
	pm.moved = on_shot;
	pm.collapsed = on_collapsed;
	shootdowns = collapses = 0;
	master = pmap_back(&pm, 0x24000, true);
	assert_int_equal(frames[master].node, 0);
	assert_int_equal(pmap_write(&pm, 0x26010, "\x42", 1), 0);
	assert_int_equal(pmap_replicate(&pm, 0x26000, 2, 3), 0);       /* unaligned */
	assert_int_equal(pmap_replicate(&pm, 0x24000, 5, 3), 0);       /* too large */
	assert_int_equal(pmap_replicate(&pm, 0x30000, 2, 3), 0);       /* unbacked */
	assert_int_equal(pmap_replicate(&pm, 0x24000, 2, 3), 1);
	master = pmap_lookup(&pm, 0x24000);
	assert_true(pmap_replicated(&pm, 0x27000));
	assert_false(pmap_replicated(&pm, 0x28000));
	assert_int_equal(pmap_block_order(&pm, 0x24000), 2);
	assert_int_equal(shootdowns, 1);        /* read-only everywhere first */
	assert_int_equal(shot_frame[0], master);
	copy = pmap_lookup_on(&pm, 0x26000, 1);
	assert_int_not_equal(copy, master + 2);
	assert_int_equal(frames[copy].node, 1);
	assert_int_equal(pmap_lookup_on(&pm, 0x26000, 0), master + 2);
	assert_int_equal(ram[copy][0x10], 0x42);
	check_user(copy, 0x26);
	assert_int_equal(pm.replica_pages, 4);
	assert_int_equal(pmap_replicate(&pm, 0x24000, 2, 3), 0);       /* already */
	assert_int_equal(pmap_move_begin(&pm, 0x24000, 2), PA_NONE);   /* never moves */
	assert_int_equal(pmap_move_begin(&pm, 0x24000, 0), PA_NONE);
	assert_int_equal(pmap_back(&pm, 0x26000, false), master + 2);  /* a read */
	assert_true(pmap_replicated(&pm, 0x26000));
	/* a store: collapsed to the VM's own copy, the other given back */
	assert_int_equal(pmap_back(&pm, 0x26000, true), master + 2);
	assert_false(pmap_replicated(&pm, 0x24000));
	assert_int_equal(collapses, 1);
	assert_int_equal(collapsed_first, 0x24);
	assert_int_equal(shootdowns, 2);
	assert_int_equal(shot_frame[0], copy - 2);
	assert_int_equal(pmap_lookup_on(&pm, 0x26000, 1), master + 2);
	assert_int_equal(memmap_users(&memmap, copy, NULL, 0), 0);
	assert_int_equal(pm.replica_pages, 0);
	assert_false(pmap_collapse(&pm, 0x24000));      /* nothing left */
	/* a shared page: replicated, then a store copies it (replicas first) */
	shared = pa_alloc(&pa, 2, 0);
	ram[shared][0] = 7;
	assert_int_equal(pmap_map_shared(&pm, 0x8000, shared, 2), 0);
	assert_int_equal(pmap_replicate(&pm, 0x8000, 2, 2), 1);
	assert_int_equal(frames[pmap_lookup_on(&pm, 0x8000, 1)].node, 1);
	assert_int_equal(ram[pmap_lookup_on(&pm, 0x8000, 1)][0], 7);
	assert_int_not_equal(pmap_back(&pm, 0x8000, true), shared);
	assert_false(pmap_replicated(&pm, 0x8000));
	assert_int_equal(pmap_state(&pm, 0x8000), PMAP_PRIVATE);
	assert_int_equal(pmap_read(&pm, 0x8000, &v, 1), 0);
	assert_int_equal(v, 7);
	/* destroy with a live replica: all of it back */
	assert_int_equal(pmap_replicate(&pm, 0x28000, 2, 3), 1);
	pmap_destroy(&pm);
	assert_true(pa_free(&pa, shared, 2));
	assert_int_equal(free_total(), free0);
	for (uint32_t i = 0; i < RAM_PAGES; i++)
		assert_int_equal(memmap_users(&memmap, i, NULL, 0), 0);
}

/* Fills guest page gpa of pm with byte v (backing it). */
static void fill(struct pmap *pm, uint64_t gpa, uint8_t v)
{
	memset(pmap_pointer(pm, gpa), v, PAGE_SIZE);
}

/* page_share_if_same and page_drop_if_zero: a page is shared or given
 * back only if its content is what they were told. */
static void test_share_if_same(void **state)
{
	struct pmap pm;
	uint64_t free0 = free_total();
	uint32_t f = pa_alloc(&pa, 0, 0), old;

	(void)state;
	memset(ram[f], 0x5a, PAGE_SIZE);
	make(&pm, 64);
	fill(&pm, 0x3000, 0x5a);
	fill(&pm, 0x4000, 0x5b);
	old = pmap_lookup(&pm, 0x4000);
	assert_int_equal(page_share_if_same(&pm, 0x4000, f, 0), 1);        /* differs */
	assert_int_equal(pmap_state(&pm, 0x4000), PMAP_PRIVATE);
	assert_int_equal(pmap_lookup(&pm, 0x4000), old);
	check_user(old, 4);
	assert_int_equal(page_share_if_same(&pm, 0x3000, f, 0), 0);
	assert_int_equal(pmap_state(&pm, 0x3000), PMAP_SHARED);
	assert_int_equal(pmap_lookup(&pm, 0x3000), f);
	check_user(f, 3);
	assert_int_equal(page_share_if_same(&pm, 0x3000, f, 0), -1);       /* not private */
	assert_int_equal(page_share_if_same(&pm, 0x40000, f, 0), -1);      /* outside */
	/* page 5 of the demand chunk was never written: zeros */
	assert_int_equal(page_drop_if_zero(&pm, 0x4000, 0), 1);
	assert_int_equal(pmap_state(&pm, 0x4000), PMAP_PRIVATE);
	assert_int_equal(page_drop_if_zero(&pm, 0x5000, 0), 0);
	assert_int_equal(pmap_state(&pm, 0x5000), PMAP_UNBACKED);
	assert_int_equal(pm.private_pages, 16 - 2);
	assert_int_equal(pm.shared_pages, 1);
	fill(&pm, 0x5000, 0x11);                /* backed again on demand */
	assert_int_equal(pmap_state(&pm, 0x5000), PMAP_PRIVATE);
	/* a whole chunk given back: its next touch backs one page, not the chunk */
	memset(pmap_pointer(&pm, 0x20000), 0, PAGE_SIZE);
	for (uint64_t q = 0x20000; q < 0x30000; q += PAGE_SIZE)
		assert_int_equal(page_drop_if_zero(&pm, q, 0), 0);
	old = pm.private_pages;
	fill(&pm, 0x25000, 0x12);
	assert_int_equal(pm.private_pages, old + 1);
	assert_int_equal(pmap_state(&pm, 0x24000), PMAP_UNBACKED);
	assert_int_equal(pmap_write(&pm, 0x3000, "\x01", 1), 0);     /* copy on write */
	assert_int_equal(ram[f][0], 0x5a);
	assert_int_equal(memmap_users(&memmap, f, NULL, 0), 0);
	/* a guest page of 4: shared as one block, zeros given back as one */
	{
		uint32_t g = pa_alloc(&pa, 2, 0);

		memset(ram[g], 0x66, 4 * PAGE_SIZE);
		for (uint64_t q = 0x10000; q < 0x14000; q += PAGE_SIZE)
			fill(&pm, q, 0x66);
		assert_int_equal(page_share_if_same(&pm, 0x11000, g, 2), -1);  /* unaligned */
		assert_int_equal(page_share_if_same(&pm, 0x10000, g, 2), 0);
		assert_int_equal(pmap_block_order(&pm, 0x12000), 2);
		assert_int_equal(pmap_lookup(&pm, 0x13000), g + 3);
		assert_int_equal(memmap_users(&memmap, g + 3, NULL, 0), 1);
		assert_int_equal(page_drop_if_zero(&pm, 0x14000, 2), 0);
		for (uint64_t q = 0x14000; q < 0x18000; q += PAGE_SIZE)
			assert_int_equal(pmap_state(&pm, q), PMAP_UNBACKED);
		pmap_destroy(&pm);
		assert_true(pa_free(&pa, g, 2));
	}
	assert_true(pa_free(&pa, f, 0));
	assert_int_equal(free_total(), free0);
}

static unsigned int run_calls, run_ranges;

static void on_run_moved(void *arg, const struct pmap_moved_range *r, unsigned int n)
{
	(void)arg;
	(void)r;
	run_calls++;
	run_ranges += n;
}

/* page_share_run: an unbacked, a private and a shared page made three
 * cache pages at once, with one shoot-down of the two it replaced; a page
 * outside the VM is left out. */
static void test_share_run(void **state)
{
	struct pmap pm;
	uint64_t free0 = free_total();
	uint32_t cf = pa_alloc(&pa, 2, 0), other = pa_alloc(&pa, 0, 0);
	uint64_t gpa[4] = { 0x20000, 0x3000, 0x18000, 0x400000 };
	uint32_t frame[4] = { cf, cf + 1, cf + 2, cf + 3 };
	uint8_t v = 0;

	(void)state;
	for (int i = 0; i < 4; i++)
		memset(ram[cf + i], 0x30 + i, PAGE_SIZE);
	make(&pm, 64);
	pm.moved = on_run_moved;
	run_calls = run_ranges = 0;
	fill(&pm, 0x3000, 0x01);
	assert_int_equal(pmap_map_shared(&pm, 0x18000, other, 0), 0);
	assert_int_equal(page_share_run(&pm, gpa, frame, 4), 0x7);
	assert_int_equal(run_calls, 1);
	assert_int_equal(run_ranges, 2);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(pmap_state(&pm, gpa[i]), PMAP_SHARED);
		assert_int_equal(pmap_lookup(&pm, gpa[i]), cf + i);
		check_user(cf + i, (uint32_t)(gpa[i] >> PAGE_SHIFT));
		assert_int_equal(pmap_read(&pm, gpa[i] + 5, &v, 1), 0);
		assert_int_equal(v, 0x30 + i);
	}
	assert_int_equal(memmap_users(&memmap, other, NULL, 0), 0);
	assert_int_equal(pm.shared_pages, 3);
	assert_int_equal(pm.private_pages, 15);
	pmap_destroy(&pm);
	assert_true(pa_free(&pa, cf, 2));
	assert_true(pa_free(&pa, other, 0));
	assert_int_equal(free_total(), free0);
}

/* The memmap's pool of further users: pages of their own. */
static void *pool_page(void)
{
	static uint8_t pool[4][PAGE_SIZE] __attribute__((aligned(4096)));
	static unsigned int used;

	return used < 4 ? memset(pool[used++], 0, PAGE_SIZE) : NULL;
}

/* The merge scans over two VMs with Linux's 16 KiB guest pages: a guest
 * page unchanged since the last scan whose content another has becomes one
 * merged block both map copy-on-write, zeros are given back, a store copies
 * the guest page, and a block nobody maps any more goes back. page_merge
 * keeps its tables for good: the only test that uses it. */
static void test_merge(void **state)
{
	struct pmap a, b, c;
	struct page_merge_stats st;
	uint32_t cursor = 0, merged;
	uint64_t free0;
	uint8_t v = 0;

	(void)state;
	memmap_init(&memmap, memmap_table, RAM_PAGES, pool_page);
	assert_int_equal(page_merge_init(), 0);
	free0 = free_total();
	make(&a, 64);
	assert_int_equal(pmap_create(&b, 64 << PAGE_SHIFT, 0, 2), 0);
	b.moved = on_moved;
	pmap_set_guest_page_order(&a, 2);
	pmap_set_guest_page_order(&b, 2);
	for (uint64_t q = 0; q < 0x4000; q += PAGE_SIZE) {
		fill(&a, q, 0x71);              /* the same in a at 0 and 8, b at 0 */
		fill(&a, 0x8000 + q, 0x71);
		fill(&a, 0x4000 + q, 0x72);     /* a's alone */
		fill(&b, q, 0x71);
		fill(&b, 0x4000 + q, 0x73);
	}
	assert_int_equal(a.private_pages, 16);
	/* a first scan only takes the sums */
	assert_int_equal(page_merge_scan(&a, &cursor, 1000), 0);
	assert_int_equal(cursor, 0);            /* round done */
	assert_int_equal(pmap_state(&a, 0x8000), PMAP_PRIVATE);
	/* the second: guest page 0 is seen, 8 has its content (a merged
	 * block), 12 is zeros (given back) */
	assert_int_equal(page_merge_scan(&a, &cursor, 1000), 4 + 4);
	assert_int_equal(pmap_state(&a, 0x8000), PMAP_SHARED);
	assert_int_equal(pmap_block_order(&a, 0x8000), 2);
	assert_int_equal(pmap_state(&a, 0x0000), PMAP_PRIVATE);
	assert_int_equal(pmap_state(&a, 0xc000), PMAP_UNBACKED);
	assert_int_equal(pmap_state(&a, 0x4000), PMAP_PRIVATE);
	merged = pmap_lookup(&a, 0x8000);
	assert_int_equal(page_merge_frames(), 4);
	/* b, twice: guest page 0 from the merged block, 4 stays, 8 and 12 go */
	assert_int_equal(page_merge_scan(&b, &cursor, 1000), 0);
	assert_int_equal(page_merge_scan(&b, &cursor, 1000), 4 + 8);
	assert_int_equal(pmap_lookup(&b, 0x0000), merged);
	assert_int_equal(pmap_lookup(&b, 0x3000), merged + 3);
	assert_int_equal(pmap_state(&b, 0x4000), PMAP_PRIVATE);
	/* a again: its guest page 0 now too */
	assert_int_equal(page_merge_scan(&a, &cursor, 1000), 4);
	assert_int_equal(pmap_lookup(&a, 0x0000), merged);
	assert_int_equal(memmap_users(&memmap, merged, NULL, 0), 3);
	assert_int_equal(memmap_users(&memmap, merged + 3, NULL, 0), 3);
	assert_int_equal(a.private_pages, 4);
	assert_int_equal(b.private_pages, 4);
	assert_int_equal(pmap_read(&b, 0x3123, &v, 1), 0);
	assert_int_equal(v, 0x71);
	/* a store in b copies its guest page whole: the others still read 0x71 */
	assert_int_equal(pmap_write(&b, 0x1123, "\x99", 1), 0);
	assert_int_not_equal(pmap_lookup(&b, 0x0000), merged);
	assert_int_equal(pmap_block_order(&b, 0x0000), 2);
	assert_int_equal(memmap_users(&memmap, merged + 3, NULL, 0), 2);
	assert_int_equal(pmap_read(&a, 0x9123, &v, 1), 0);
	assert_int_equal(v, 0x71);
	assert_int_equal(pmap_read(&b, 0x1123, &v, 1), 0);
	assert_int_equal(v, 0x99);
	page_merge_get_stats(&st);
	assert_int_equal(st.merged, 3);
	assert_int_equal(st.zero, 1 + 2);
	assert_int_equal(st.differed, 0);
	/* both VMs end; a later scan (of a VM that holds nothing) gives the
	 * merged block back, and all the memory is free again */
	pmap_destroy(&a);
	pmap_destroy(&b);
	assert_int_equal(page_merge_frames(), 4);
	assert_int_equal(pmap_create(&c, 16 << PAGE_SHIFT, 0, 3), 0);
	cursor = 0;
	assert_int_equal(page_merge_scan(&c, &cursor, 16), 0);
	assert_int_equal(page_merge_frames(), 0);
	page_merge_get_stats(&st);
	assert_int_equal(st.freed, 4);
	pmap_destroy(&c);
	assert_int_equal(free_total(), free0);
	for (uint32_t i = 0; i < RAM_PAGES; i++)
		assert_int_equal(memmap_users(&memmap, i, NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_pages),
		cmocka_unit_test_setup(test_create_empty, setup),
		cmocka_unit_test_setup(test_demand_zero_chunk, setup),
		cmocka_unit_test_setup(test_partial_chunks, setup),
		cmocka_unit_test_setup(test_copy_on_write, setup),
		cmocka_unit_test_setup(test_copy_on_write_guest_pages, setup),
		cmocka_unit_test_setup(test_bounds, setup),
		cmocka_unit_test_setup(test_promise_whole_vm, setup),
		cmocka_unit_test_setup(test_move, setup),
		cmocka_unit_test_setup(test_replicate, setup_two_nodes),
		cmocka_unit_test_setup(test_share_if_same, setup),
		cmocka_unit_test_setup(test_share_run, setup),
		cmocka_unit_test_setup(test_merge, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
