/*
 * Host unit tests for the ccnuma plugin's model (tools/qemu-plugins/
 * ccnuma_model.c): malta address normalisation, hits and misses, LRU in a
 * set, write-invalidate between CPUs, local and remote misses by home
 * node, dirty lines, page statistics and simulated time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include "tools/qemu-plugins/ccnuma_model.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

static struct ccn_model model;

/*
 * A small model: 2 CPUs, 2 nodes ("2": CPU 0 and RAM 0..32M on node 0,
 * CPU 1 and 32M..64M on node 1), 4 sets of 2 ways of 128-byte lines.
 */
static void setup_small(unsigned int ncpus, const char *numa, uint32_t ways)
{
	struct ccn_params p;
	struct numa_topology t;
	char err[128];

	ccn_default_params(&p);
	p.line_size = 128;
	p.ways = ways;
	p.cache_size = 4ull * 128 * ways;
	assert_int_equal(numa_parse(numa, ncpus, 64 * MiB, &t, err, sizeof(err)), 0);
	assert_int_equal(ccn_init(&model, &p, &t, ncpus, 64 * MiB, err, sizeof(err)), 0);
}

static int teardown(void **state)
{
	ccn_free(&model);
	return 0;
}

/* Offset of the n-th line mapping to set `set` of the small model. */
static uint64_t line_in_set(unsigned int set, unsigned int n)
{
	return ((uint64_t)n * 4 + set) * 128;
}

static uint64_t misses(unsigned int cpu)
{
	const struct ccn_counts *c = &model.counts[cpu];

	return c->dmiss[0] + c->dmiss[1] + c->imiss[0] + c->imiss[1];
}

/* ---- normalisation of QEMU's physical addresses ---- */

static void normalise_high(void **state)
{
	uint64_t off = 1;

	assert_int_equal(ccn_ram_offset(0x80000000, 256 * MiB, &off), CCN_RAM_HIGH);
	assert_int_equal(off, 0);
	assert_int_equal(ccn_ram_offset(0x8fffffff, 256 * MiB, &off), CCN_RAM_HIGH);
	assert_int_equal(off, 0x0fffffff);
	assert_int_equal(ccn_ram_offset(0xffffffff, 2 * GiB, &off), CCN_RAM_HIGH);
	assert_int_equal(off, 0x7fffffff);
	/* past the end of RAM */
	off = 7;
	assert_int_equal(ccn_ram_offset(0x90000000, 256 * MiB, &off), CCN_NOT_RAM);
	assert_int_equal(off, 7);
	assert_int_equal(ccn_ram_offset(0x100000000ull, 2 * GiB, &off), CCN_NOT_RAM);
}

static void normalise_low_alias(void **state)
{
	uint64_t off;

	assert_int_equal(ccn_ram_offset(0, 128 * MiB, &off), CCN_RAM_LOW);
	assert_int_equal(off, 0);
	assert_int_equal(ccn_ram_offset(0x07ffffff, 128 * MiB, &off), CCN_RAM_LOW);
	assert_int_equal(off, 0x07ffffff);
	/* the alias covers only the RAM there is, at most 256 MiB */
	assert_int_equal(ccn_ram_offset(0x08000000, 128 * MiB, &off), CCN_NOT_RAM);
	assert_int_equal(ccn_ram_offset(0x0fffffff, 1 * GiB, &off), CCN_RAM_LOW);
	assert_int_equal(off, 0x0fffffff);
	/* 256..512 MiB: PCI and the boot flash, never RAM */
	assert_int_equal(ccn_ram_offset(0x10000000, 1 * GiB, &off), CCN_NOT_RAM);
	assert_int_equal(ccn_ram_offset(0x18000000, 2 * GiB, &off), CCN_NOT_RAM);
	assert_int_equal(ccn_ram_offset(0x1fc00000, 2 * GiB, &off), CCN_NOT_RAM);
	assert_int_equal(ccn_ram_offset(0x1f000900, 256 * MiB, &off), CCN_NOT_RAM);
}

static void normalise_postio_alias(void **state)
{
	uint64_t off;

	/* with more than 512 MiB, RAM from 512 MiB on is also at 512 MiB */
	assert_int_equal(ccn_ram_offset(0x20000000, 1 * GiB, &off), CCN_RAM_POSTIO);
	assert_int_equal(off, 0x20000000);
	assert_int_equal(ccn_ram_offset(0x3fffffff, 1 * GiB, &off), CCN_RAM_POSTIO);
	assert_int_equal(off, 0x3fffffff);
	assert_int_equal(ccn_ram_offset(0x40000000, 1 * GiB, &off), CCN_NOT_RAM);
	assert_int_equal(ccn_ram_offset(0x20000000, 512 * MiB, &off), CCN_NOT_RAM);
	assert_int_equal(ccn_ram_offset(0x7fffffff, 2 * GiB, &off), CCN_RAM_POSTIO);
	assert_int_equal(off, 0x7fffffff);
	/* both names of one byte give one offset */
	uint64_t a, b;
	assert_int_equal(ccn_ram_offset(0x80000000 + 0x23456780, 1 * GiB, &a), CCN_RAM_HIGH);
	assert_int_equal(ccn_ram_offset(0x23456780, 1 * GiB, &b), CCN_RAM_POSTIO);
	assert_int_equal(a, b);
}

/* ---- the caches ---- */

static void bad_geometry(void **state)
{
	struct ccn_params p;
	struct numa_topology t;
	char err[128];

	numa_default(&t, 2, 64 * MiB);
	ccn_default_params(&p);
	p.cache_size = 3 * 128 * 2;   /* 3 sets */
	assert_int_equal(ccn_init(&model, &p, &t, 2, 64 * MiB, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "power of two"));
	ccn_default_params(&p);
	p.line_size = 96;
	assert_int_equal(ccn_init(&model, &p, &t, 2, 64 * MiB, err, sizeof(err)), -1);
	ccn_default_params(&p);
	assert_int_equal(ccn_init(&model, &p, &t, 17, 64 * MiB, err, sizeof(err)), -1);
	assert_int_equal(ccn_init(&model, &p, &t, 2, 3 * GiB, err, sizeof(err)), -1);
	assert_int_equal(ccn_init(&model, &p, &t, 2, 64 * MiB, err, sizeof(err)), 0);
	/* 1 MiB, 2 ways of 128 bytes: 4096 sets */
	assert_int_equal(model.set_mask, 4095);
	assert_int_equal(model.line_shift, 7);
}

static void hit_after_miss(void **state)
{
	setup_small(2, "2", 2);
	ccn_access(&model, 0, 0x1000, CCN_LOAD);
	assert_int_equal(model.counts[0].dmiss[0], 1);
	ccn_access(&model, 0, 0x1008, CCN_LOAD);      /* same line */
	ccn_access(&model, 0, 0x107f, CCN_STORE);
	ccn_access(&model, 0, 0x1040, CCN_IFETCH);
	assert_int_equal(misses(0), 1);
	assert_int_equal(model.counts[0].loads, 2);
	assert_int_equal(model.counts[0].stores, 1);
	assert_int_equal(model.counts[0].ifetches, 1);
	ccn_access(&model, 0, 0x1080, CCN_IFETCH);    /* next line */
	assert_int_equal(model.counts[0].imiss[0], 1);
	assert_int_equal(misses(0), 2);
	assert_int_equal(misses(1), 0);
}

static void lru_in_a_set(void **state)
{
	uint64_t a = line_in_set(1, 0), b = line_in_set(1, 1), c = line_in_set(1, 2);

	setup_small(2, "2", 2);
	ccn_access(&model, 0, a, CCN_LOAD);
	ccn_access(&model, 0, b, CCN_LOAD);
	ccn_access(&model, 0, a, CCN_LOAD);           /* a most recent */
	ccn_access(&model, 0, c, CCN_LOAD);           /* evicts b */
	assert_int_equal(misses(0), 3);
	assert_true(ccn_cached(&model, 0, a, NULL));
	assert_false(ccn_cached(&model, 0, b, NULL));
	assert_true(ccn_cached(&model, 0, c, NULL));
	/* other sets untouched */
	assert_false(ccn_cached(&model, 0, line_in_set(0, 0), NULL));
	ccn_access(&model, 0, a, CCN_LOAD);
	assert_int_equal(misses(0), 3);
	ccn_access(&model, 0, b, CCN_LOAD);           /* evicts c */
	assert_false(ccn_cached(&model, 0, c, NULL));
	assert_int_equal(misses(0), 4);
}

static void lru_four_ways(void **state)
{
	setup_small(1, "1", 4);
	for (unsigned int i = 0; i < 4; i++)
		ccn_access(&model, 0, line_in_set(2, i), CCN_LOAD);
	ccn_access(&model, 0, line_in_set(2, 0), CCN_LOAD);  /* order 0 3 2 1 */
	ccn_access(&model, 0, line_in_set(2, 2), CCN_LOAD);  /* order 2 0 3 1 */
	ccn_access(&model, 0, line_in_set(2, 4), CCN_LOAD);  /* evicts 1 */
	assert_false(ccn_cached(&model, 0, line_in_set(2, 1), NULL));
	ccn_access(&model, 0, line_in_set(2, 5), CCN_LOAD);  /* evicts 3 */
	assert_false(ccn_cached(&model, 0, line_in_set(2, 3), NULL));
	assert_true(ccn_cached(&model, 0, line_in_set(2, 0), NULL));
	assert_true(ccn_cached(&model, 0, line_in_set(2, 2), NULL));
	assert_int_equal(misses(0), 6);
}

static void eviction_counts_writebacks(void **state)
{
	setup_small(1, "1", 2);
	ccn_access(&model, 0, line_in_set(0, 0), CCN_STORE);
	ccn_access(&model, 0, line_in_set(0, 1), CCN_LOAD);
	ccn_access(&model, 0, line_in_set(0, 2), CCN_LOAD);  /* dirty 0 out */
	ccn_access(&model, 0, line_in_set(0, 3), CCN_LOAD);  /* clean 1 out */
	assert_int_equal(model.counts[0].writebacks, 1);
	assert_int_equal(model.dir[line_in_set(0, 0) >> 7], 0);
	assert_int_equal(model.dir[line_in_set(0, 2) >> 7], 1);
}

/* ---- coherence ---- */

static void store_invalidates_others(void **state)
{
	bool dirty;

	setup_small(2, "2", 2);
	ccn_access(&model, 0, 0x2000, CCN_LOAD);
	ccn_access(&model, 1, 0x2000, CCN_LOAD);
	assert_int_equal(model.dir[0x2000 >> 7], 3);
	ccn_access(&model, 1, 0x2010, CCN_STORE);     /* upgrade: hit, shared */
	assert_int_equal(misses(1), 1);
	assert_int_equal(model.counts[1].upgrade[1], 1);   /* home node 0 */
	assert_false(ccn_cached(&model, 0, 0x2000, NULL));
	assert_true(ccn_cached(&model, 1, 0x2000, &dirty));
	assert_true(dirty);
	assert_int_equal(model.dir[0x2000 >> 7], 2);
	/* CPU 0 reads it again: a miss on a line dirty in CPU 1's cache */
	ccn_access(&model, 0, 0x2000, CCN_LOAD);
	assert_int_equal(model.counts[0].dmiss[0], 2);
	assert_int_equal(model.counts[0].dirty, 1);
	assert_true(ccn_cached(&model, 1, 0x2000, &dirty));
	assert_false(dirty);                          /* written back, shared */
	/* the two now share it clean: a store by CPU 0 upgrades, locally */
	ccn_access(&model, 0, 0x2000, CCN_STORE);
	assert_int_equal(model.counts[0].upgrade[0], 1);
	assert_false(ccn_cached(&model, 1, 0x2000, NULL));
	/* a store by CPU 1 misses, finds it dirty, and takes it away */
	ccn_access(&model, 1, 0x2000, CCN_STORE);
	assert_int_equal(model.counts[1].dmiss[1], 2);
	assert_int_equal(model.counts[1].dirty, 1);
	assert_false(ccn_cached(&model, 0, 0x2000, NULL));
	assert_int_equal(model.dir[0x2000 >> 7], 2);
}

static void exclusive_store_is_silent(void **state)
{
	setup_small(2, "2", 2);
	ccn_access(&model, 0, 0x3000, CCN_LOAD);      /* alone: exclusive */
	ccn_access(&model, 0, 0x3000, CCN_STORE);
	assert_int_equal(model.counts[0].upgrade[0] + model.counts[0].upgrade[1], 0);
	assert_int_equal(misses(0), 1);
}

static void false_sharing_ping_pong(void **state)
{
	setup_small(2, "2", 2);
	for (int i = 0; i < 10; i++) {
		ccn_access(&model, 0, 0x4000, CCN_STORE);
		ccn_access(&model, 1, 0x4040, CCN_STORE);   /* same 128-byte line */
	}
	assert_int_equal(misses(0), 10);
	assert_int_equal(misses(1), 10);
	assert_int_equal(model.counts[0].dirty, 9);
	assert_int_equal(model.counts[1].dirty, 10);
}

static void ifetch_shares_the_cache(void **state)
{
	setup_small(2, "2", 2);
	ccn_access(&model, 0, 0x5000, CCN_IFETCH);
	ccn_access(&model, 0, 0x5000, CCN_LOAD);
	assert_int_equal(model.counts[0].imiss[0], 1);
	assert_int_equal(misses(0), 1);
	/* code written by another CPU is fetched again */
	ccn_access(&model, 1, 0x5000, CCN_STORE);
	ccn_access(&model, 0, 0x5004, CCN_IFETCH);
	assert_int_equal(model.counts[0].imiss[0], 2);
	assert_int_equal(model.counts[0].dirty, 1);
}

/*
 * Random accesses by 4 CPUs to a few lines: afterwards the directory names
 * exactly the caches that hold each line, and a dirty line has no other
 * holder. Every access is a hit or exactly one miss.
 */
static void directory_invariant(void **state)
{
	uint64_t seed = 12345, accesses = 0;

	setup_small(4, "2", 2);
	for (int i = 0; i < 20000; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		unsigned int cpu = (seed >> 33) & 3;
		uint64_t off = ((seed >> 40) % 24) * 128 + (((seed >> 20) & 1) ? 40 * MiB : 0);
		ccn_access(&model, cpu, off, (enum ccn_kind)((seed >> 50) % 3));
		accesses++;
	}
	uint64_t sum = 0, miss_sum = 0;
	for (unsigned int c = 0; c < 4; c++) {
		const struct ccn_counts *k = &model.counts[c];
		sum += k->loads + k->stores + k->ifetches;
		miss_sum += misses(c);
		assert_true(k->dirty <= misses(c));
	}
	assert_int_equal(sum, accesses);
	assert_true(miss_sum > 1000 && miss_sum < accesses);
	for (uint64_t line = 0; line < model.nlines; line++) {
		unsigned int holders = 0, dirty_holders = 0;
		for (unsigned int c = 0; c < 4; c++) {
			bool dirty = false;
			bool held = ccn_cached(&model, c, line << 7, &dirty);
			assert_int_equal(held, (model.dir[line] >> c) & 1);
			holders += held;
			dirty_holders += held && dirty;
		}
		if (dirty_holders)
			assert_int_equal(holders, 1);
	}
}

/* ---- local, remote and pages ---- */

static void local_and_remote_by_home(void **state)
{
	setup_small(2, "2", 2);
	assert_int_equal(ccn_home(&model, 0), 0);
	assert_int_equal(ccn_home(&model, 32 * MiB - 1), 0);
	assert_int_equal(ccn_home(&model, 32 * MiB), 1);
	ccn_access(&model, 0, 0x1000, CCN_LOAD);          /* local */
	ccn_access(&model, 0, 40 * MiB, CCN_LOAD);        /* remote */
	ccn_access(&model, 0, 40 * MiB + 4096, CCN_IFETCH); /* remote */
	ccn_access(&model, 1, 40 * MiB + 128, CCN_STORE);   /* local */
	ccn_access(&model, 1, 0x1000, CCN_LOAD);          /* remote */
	assert_int_equal(model.counts[0].dmiss[0], 1);
	assert_int_equal(model.counts[0].dmiss[1], 1);
	assert_int_equal(model.counts[0].imiss[1], 1);
	assert_int_equal(model.counts[1].dmiss[0], 1);
	assert_int_equal(model.counts[1].dmiss[1], 1);
	assert_int_equal(ccn_node_misses(&model, 0, 0), 1);
	assert_int_equal(ccn_node_misses(&model, 0, 1), 2);
	assert_int_equal(ccn_node_misses(&model, 1, 1), 1);
	assert_int_equal(ccn_node_misses(&model, 1, 0), 1);
}

static void explicit_topology(void **state)
{
	/* node 0: CPUs 0-1 and 16M; node 1: CPU 2 and the other 48M */
	setup_small(3, "0-1:16M,2:16M", 2);
	assert_int_equal(model.cpu_node[1], 0);
	assert_int_equal(model.cpu_node[2], 1);
	assert_int_equal(ccn_home(&model, 16 * MiB - 1), 0);
	assert_int_equal(ccn_home(&model, 63 * MiB), 1);
	ccn_access(&model, 1, 20 * MiB, CCN_LOAD);
	assert_int_equal(model.counts[1].dmiss[1], 1);
	ccn_access(&model, 2, 20 * MiB, CCN_LOAD);
	assert_int_equal(model.counts[2].dmiss[0], 1);
}

static void top_pages(void **state)
{
	struct ccn_page_stat top[3];

	setup_small(2, "2", 2);
	/* page 40M: 3 remote misses by node 0; page 0: 2 by node 1, 1 local */
	for (int i = 0; i < 3; i++)
		ccn_access(&model, 0, 40 * MiB + i * 128, CCN_LOAD);
	ccn_access(&model, 1, 128, CCN_LOAD);
	ccn_access(&model, 1, 256, CCN_LOAD);
	ccn_access(&model, 0, 384, CCN_LOAD);
	ccn_access(&model, 0, 50 * MiB, CCN_LOAD);        /* 1 remote */
	ccn_access(&model, 1, 60 * MiB, CCN_LOAD);        /* local only */
	assert_int_equal(ccn_top_pages(&model, 3, top), 3);
	assert_int_equal(top[0].offset, 40 * MiB);
	assert_int_equal(top[0].home, 1);
	assert_int_equal(top[0].remote, 3);
	assert_int_equal(top[0].local, 0);
	assert_int_equal(top[1].offset, 0);
	assert_int_equal(top[1].remote, 2);
	assert_int_equal(top[1].local, 1);
	assert_int_equal(top[2].offset, 50 * MiB);
	assert_int_equal(ccn_page_node_misses(&model, 0, 1), 2);
	assert_int_equal(ccn_top_pages(&model, 1, top), 1);
	assert_int_equal(top[0].offset, 40 * MiB);
}

/* ---- simulated time ---- */

static void simulated_time(void **state)
{
	struct ccn_params p;
	struct ccn_counts c;

	ccn_default_params(&p);
	memset(&c, 0, sizeof(c));
	c.insns = 200000000;                  /* one second at 200 MHz, CPI 1 */
	assert_true(ccn_time_ns(&p, &c) == 1e9);
	c.dmiss[0] = 1000;
	c.imiss[0] = 10;
	c.upgrade[0] = 1;
	c.dmiss[1] = 100;
	c.imiss[1] = 2;
	c.upgrade[1] = 3;
	c.dirty = 50;                         /* not charged on its own */
	c.writebacks = 70;                    /* nor these */
	assert_true(ccn_time_ns(&p, &c) == 1e9 + 1011 * 300.0 + 105 * 900.0);
	p.cpi = 1.5;
	p.mhz = 300;
	p.lat_local_ns = 100;
	p.lat_remote_ns = 1000;
	assert_true(ccn_time_ns(&p, &c) == 1e9 + 1011 * 100.0 + 105 * 1000.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(normalise_high),
		cmocka_unit_test(normalise_low_alias),
		cmocka_unit_test(normalise_postio_alias),
		cmocka_unit_test_teardown(bad_geometry, teardown),
		cmocka_unit_test_teardown(hit_after_miss, teardown),
		cmocka_unit_test_teardown(lru_in_a_set, teardown),
		cmocka_unit_test_teardown(lru_four_ways, teardown),
		cmocka_unit_test_teardown(eviction_counts_writebacks, teardown),
		cmocka_unit_test_teardown(store_invalidates_others, teardown),
		cmocka_unit_test_teardown(exclusive_store_is_silent, teardown),
		cmocka_unit_test_teardown(false_sharing_ping_pong, teardown),
		cmocka_unit_test_teardown(ifetch_shares_the_cache, teardown),
		cmocka_unit_test_teardown(directory_invariant, teardown),
		cmocka_unit_test_teardown(local_and_remote_by_home, teardown),
		cmocka_unit_test_teardown(explicit_topology, teardown),
		cmocka_unit_test_teardown(top_pages, teardown),
		cmocka_unit_test(simulated_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
