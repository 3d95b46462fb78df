/*
 * Host unit tests for numa/topology.c (numa_default, numa_parse,
 * numa_node_of_cpu, numa_node_of_offset).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include "numa/topology.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

/* Fills t with junk so nothing relies on it being zeroed beforehand. */
static void scribble(struct numa_topology *t)
{
	memset(t, 0xa5, sizeof(*t));
}

static void check_node(const struct numa_topology *t, unsigned int i,
		       uint32_t cpus, uint64_t start, uint64_t size)
{
	assert_true(i < t->nnodes);
	assert_int_equal(t->node[i].cpus, cpus);
	assert_int_equal(t->node[i].mem_start, start);
	assert_int_equal(t->node[i].mem_size, size);
}

/* Every node past nnodes is zero. */
static void check_unused_zero(const struct numa_topology *t)
{
	for (unsigned int i = t->nnodes; i < NUMA_MAX_NODES; i++) {
		assert_int_equal(t->node[i].cpus, 0);
		assert_int_equal(t->node[i].mem_start, 0);
		assert_int_equal(t->node[i].mem_size, 0);
	}
}

/* Nodes are contiguous, start at 0 and cover ram exactly. */
static void check_covers_ram(const struct numa_topology *t, uint64_t ram)
{
	uint64_t next = 0;

	for (unsigned int i = 0; i < t->nnodes; i++) {
		assert_int_equal(t->node[i].mem_start, next);
		assert_true(t->node[i].mem_size > 0);
		next += t->node[i].mem_size;
	}
	assert_int_equal(next, ram);
}

static void check_default(const struct numa_topology *t, uint32_t cpus,
			  uint64_t ram)
{
	assert_int_equal(t->nnodes, 1);
	check_node(t, 0, cpus, 0, ram);
	check_unused_zero(t);
}

static int parse_ok(const char *spec, unsigned int ncpus, uint64_t ram,
		    struct numa_topology *t)
{
	char err[128];

	scribble(t);
	memset(err, 'Z', sizeof(err));
	int rc = numa_parse(spec, ncpus, ram, t, err, sizeof(err));
	if (rc != 0)
		print_error("numa_parse(\"%s\") failed: %s\n", spec, err);
	assert_int_equal(rc, 0);
	assert_string_equal(err, "");   /* cleared on success */
	check_unused_zero(t);
	check_covers_ram(t, ram);
	return rc;
}

/* Expects -1, a non-empty one-line message and the default topology. */
static void parse_fails(const char *spec, unsigned int ncpus, uint64_t ram,
			const char *must_contain)
{
	struct numa_topology t;
	char err[160];

	scribble(&t);
	memset(err, 'Z', sizeof(err));
	err[sizeof(err) - 1] = '\0';
	int rc = numa_parse(spec, ncpus, ram, &t, err, sizeof(err));
	if (rc != -1)
		print_error("numa_parse(\"%s\", %u CPUs, %llu bytes) returned %d\n",
			    spec, ncpus, (unsigned long long)ram, rc);
	assert_int_equal(rc, -1);
	assert_true(strlen(err) > 0);
	assert_true(strlen(err) < sizeof(err) - 1);
	assert_null(strchr(err, '\n'));
	if (must_contain && !strstr(err, must_contain)) {
		print_error("message \"%s\" lacks \"%s\"\n", err, must_contain);
		fail();
	}
	check_default(&t, ncpus >= 32 ? UINT32_MAX : (1u << ncpus) - 1, ram);
}

static void test_default(void **state)
{
	struct numa_topology t;

	scribble(&t);
	numa_default(&t, 4, 256 * MiB);
	check_default(&t, 0xf, 256 * MiB);

	scribble(&t);
	numa_default(&t, 1, 64 * MiB);
	check_default(&t, 0x1, 64 * MiB);

	scribble(&t);
	numa_default(&t, 31, GiB);
	check_default(&t, 0x7fffffff, GiB);

	scribble(&t);
	numa_default(&t, 32, 4 * GiB);
	check_default(&t, UINT32_MAX, 4 * GiB);
}

static void test_even_one_node(void **state)
{
	struct numa_topology t;

	parse_ok("1", 4, 256 * MiB, &t);
	check_default(&t, 0xf, 256 * MiB);
}

static void test_even_two_nodes(void **state)
{
	struct numa_topology t;

	parse_ok("2", 4, 256 * MiB, &t);
	assert_int_equal(t.nnodes, 2);
	check_node(&t, 0, 0x3, 0, 128 * MiB);
	check_node(&t, 1, 0xc, 128 * MiB, 128 * MiB);

	/* hex node count */
	parse_ok("0x2", 4, 256 * MiB, &t);
	assert_int_equal(t.nnodes, 2);
	check_node(&t, 1, 0xc, 128 * MiB, 128 * MiB);
}

static void test_even_four_nodes(void **state)
{
	struct numa_topology t;

	parse_ok("4", 4, 256 * MiB, &t);
	assert_int_equal(t.nnodes, 4);
	for (unsigned int i = 0; i < 4; i++)
		check_node(&t, i, 1u << i, i * 64 * MiB, 64 * MiB);
}

static void test_even_uneven_split(void **state)
{
	struct numa_topology t;

	/*
	 * 3 nodes, 4 CPUs: node i takes CPUs [i*4/3, (i+1)*4/3) = {0}, {1},
	 * {2,3}. RAM share = (256M / 3) rounded down to 1M = 85M; the last
	 * node gets the rest, 86M.
	 */
	parse_ok("3", 4, 256 * MiB, &t);
	assert_int_equal(t.nnodes, 3);
	check_node(&t, 0, 0x1, 0, 85 * MiB);
	check_node(&t, 1, 0x2, 85 * MiB, 85 * MiB);
	check_node(&t, 2, 0xc, 170 * MiB, 86 * MiB);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(t.node[i].mem_start % NUMA_MEM_ALIGN, 0);

	/* 3 nodes, 8 CPUs: {0,1}, {2,3,4}, {5,6,7} */
	parse_ok("3", 8, 1000 * MiB, &t);
	check_node(&t, 0, 0x03, 0, 333 * MiB);
	check_node(&t, 1, 0x1c, 333 * MiB, 333 * MiB);
	check_node(&t, 2, 0xe0, 666 * MiB, 334 * MiB);

	/* RAM not a multiple of 1M: the odd bytes go to the last node */
	parse_ok("2", 2, 256 * MiB + 4096, &t);
	check_node(&t, 0, 0x1, 0, 128 * MiB);
	check_node(&t, 1, 0x2, 128 * MiB, 128 * MiB + 4096);
}

static void test_even_max_nodes(void **state)
{
	struct numa_topology t;

	parse_ok("16", 16, 1024 * MiB, &t);
	assert_int_equal(t.nnodes, 16);
	for (unsigned int i = 0; i < 16; i++)
		check_node(&t, i, 1u << i, i * 64 * MiB, 64 * MiB);
}

static void test_even_errors(void **state)
{
	parse_fails("0", 4, 256 * MiB, NULL);
	parse_fails("17", 4, 256 * MiB, NULL);
	parse_fails("17", 32, 256 * MiB, NULL);
	parse_fails("8", 4, 256 * MiB, NULL);
	parse_fails("5", 4, 256 * MiB, NULL);
	parse_fails("99999999999999999999", 4, 256 * MiB, NULL);
	/* too little RAM: the 1 MiB-aligned share would be 0 */
	parse_fails("2", 4, MiB, NULL);
}

static void test_explicit_basic(void **state)
{
	struct numa_topology t;

	parse_ok("0-1:512M,2-3:512M", 4, GiB, &t);
	assert_int_equal(t.nnodes, 2);
	check_node(&t, 0, 0x3, 0, 512 * MiB);
	check_node(&t, 1, 0xc, 512 * MiB, 512 * MiB);

	/* order of CPUs does not matter; lowercase and hex sizes work */
	parse_ok("2-3:256m,0-1:0x300M", 4, GiB, &t);
	check_node(&t, 0, 0xc, 0, 256 * MiB);
	check_node(&t, 1, 0x3, 256 * MiB, 768 * MiB);

	/* single CPUs and K/G suffixes */
	parse_ok("0:1G,1:1024K,2-3:1048576", 4, GiB + 2 * MiB, &t);
	assert_int_equal(t.nnodes, 3);
	check_node(&t, 0, 0x1, 0, GiB);
	check_node(&t, 1, 0x2, GiB, MiB);
	check_node(&t, 2, 0xc, GiB + MiB, MiB);
}

static void test_explicit_leftover(void **state)
{
	struct numa_topology t;

	parse_ok("0-1:256M,2-3:256M", 4, GiB, &t);
	assert_int_equal(t.nnodes, 2);
	check_node(&t, 0, 0x3, 0, 256 * MiB);
	check_node(&t, 1, 0xc, 256 * MiB, 768 * MiB);

	parse_ok("0:100M,1:100M,2:100M,3:100M", 4, 512 * MiB + 4096, &t);
	assert_int_equal(t.nnodes, 4);
	check_node(&t, 0, 0x1, 0, 100 * MiB);
	check_node(&t, 1, 0x2, 100 * MiB, 100 * MiB);
	check_node(&t, 2, 0x4, 200 * MiB, 100 * MiB);
	check_node(&t, 3, 0x8, 300 * MiB, 212 * MiB + 4096);
}

static void test_explicit_max_nodes(void **state)
{
	struct numa_topology t;

	parse_ok("0:1M,1:1M,2:1M,3:1M,4:1M,5:1M,6:1M,7:1M,8:1M,9:1M,"
		 "10:1M,11:1M,12:1M,13:1M,14:1M,15:1M", 16, 16 * MiB, &t);
	assert_int_equal(t.nnodes, 16);
	for (unsigned int i = 0; i < 16; i++)
		check_node(&t, i, 1u << i, i * MiB, MiB);

	/* a 17th node */
	parse_fails("0:1M,1:1M,2:1M,3:1M,4:1M,5:1M,6:1M,7:1M,8:1M,9:1M,"
		    "10:1M,11:1M,12:1M,13:1M,14:1M,15:1M,16:1M", 17, 32 * MiB,
		    NULL);
}

static void test_explicit_errors(void **state)
{
	/* CPUs 2-3 in no node */
	parse_fails("0-1:512M", 4, GiB, NULL);
	/* CPU 1 in two nodes */
	parse_fails("0-1:512M,1-3:512M", 4, GiB, NULL);
	/* CPU 5 does not exist */
	parse_fails("0-5:1G", 4, GiB, "5");
	parse_fails("4:1M,0-3:1M", 4, GiB, NULL);
	/* garbage after the size */
	parse_fails("0-1:3M5", 4, GiB, NULL);
	/* not a multiple of 1M */
	parse_fails("0-1:1500K", 4, GiB, NULL);
	parse_fails("0-1:1000,2-3:1M", 4, GiB, NULL);
	/* zero size */
	parse_fails("0-1:0,2-3:1M", 4, GiB, NULL);
	parse_fails("0-1:0M,2-3:1M", 4, GiB, NULL);
	/* more than the RAM */
	parse_fails("0-1:2G,2-3:2G", 4, GiB, NULL);
	parse_fails("0-1:512M,2-3:513M", 4, GiB, NULL);
	/* syntax */
	parse_fails("abc", 4, GiB, NULL);
	parse_fails("", 4, GiB, NULL);
	parse_fails("0-1;512M", 4, GiB, NULL);
	parse_fails("0-1", 4, GiB, NULL);
	parse_fails("0-1:", 4, GiB, NULL);
	parse_fails("0-1:M", 4, GiB, NULL);
	parse_fails("3-1:512M", 4, GiB, NULL);       /* reversed range */
	parse_fails("0-:512M", 4, GiB, NULL);
	parse_fails("0-1:512M,", 4, GiB, NULL);      /* trailing comma */
	parse_fails("0-1:512M,,2-3:512M", 4, GiB, NULL);
	parse_fails("0-1:512M;2-3:512M", 4, GiB, NULL);
	parse_fails(" 2", 4, GiB, NULL);
	parse_fails("2 ", 4, GiB, NULL);
}

static void test_error_message_buffer(void **state)
{
	struct numa_topology t;
	char err[8];

	/* a short buffer: the message is truncated and NUL-terminated */
	memset(err, 'Z', sizeof(err));
	scribble(&t);
	assert_int_equal(numa_parse("abc", 4, GiB, &t, err, sizeof(err)), -1);
	assert_int_equal(strlen(err), sizeof(err) - 1);
	check_default(&t, 0xf, GiB);

	/* no buffer at all */
	scribble(&t);
	assert_int_equal(numa_parse("0", 4, GiB, &t, NULL, 0), -1);
	check_default(&t, 0xf, GiB);
	scribble(&t);
	assert_int_equal(numa_parse("2", 4, GiB, &t, NULL, 0), 0);
	assert_int_equal(t.nnodes, 2);

	/* an error after a success clears the previous topology */
	char big[128];
	assert_int_equal(numa_parse("0-1:512M,2-3:512M", 4, GiB, &t, big,
				    sizeof(big)), 0);
	assert_int_equal(numa_parse("0-1:512M,2-3:2G", 4, GiB, &t, big,
				    sizeof(big)), -1);
	assert_true(strlen(big) > 0);
	check_default(&t, 0xf, GiB);
}

static void test_node_of_cpu(void **state)
{
	struct numa_topology t;

	parse_ok("0-1:512M,2-3:512M", 4, GiB, &t);
	assert_int_equal(numa_node_of_cpu(&t, 0), 0);
	assert_int_equal(numa_node_of_cpu(&t, 1), 0);
	assert_int_equal(numa_node_of_cpu(&t, 2), 1);
	assert_int_equal(numa_node_of_cpu(&t, 3), 1);
	/* CPUs in no node: 0 */
	assert_int_equal(numa_node_of_cpu(&t, 4), 0);
	assert_int_equal(numa_node_of_cpu(&t, 31), 0);
	assert_int_equal(numa_node_of_cpu(&t, 32), 0);
	assert_int_equal(numa_node_of_cpu(&t, 1000), 0);

	parse_ok("3:256M,0-1:256M,2:256M", 4, GiB, &t);
	assert_int_equal(numa_node_of_cpu(&t, 0), 1);
	assert_int_equal(numa_node_of_cpu(&t, 1), 1);
	assert_int_equal(numa_node_of_cpu(&t, 2), 2);
	assert_int_equal(numa_node_of_cpu(&t, 3), 0);
}

static void test_node_of_offset(void **state)
{
	struct numa_topology t;

	parse_ok("0-1:512M,2-3:512M", 4, GiB, &t);
	assert_int_equal(numa_node_of_offset(&t, 0), 0);
	assert_int_equal(numa_node_of_offset(&t, 4096), 0);
	assert_int_equal(numa_node_of_offset(&t, 512 * MiB - 1), 0);
	assert_int_equal(numa_node_of_offset(&t, 512 * MiB), 1);
	assert_int_equal(numa_node_of_offset(&t, 768 * MiB), 1);
	assert_int_equal(numa_node_of_offset(&t, GiB - 1), 1);
	/* past the end: the last node */
	assert_int_equal(numa_node_of_offset(&t, GiB), 1);
	assert_int_equal(numa_node_of_offset(&t, UINT64_MAX), 1);

	parse_ok("0:256M,1-2:256M,3:256M", 4, GiB, &t);
	assert_int_equal(t.nnodes, 3);
	assert_int_equal(numa_node_of_offset(&t, 0), 0);
	assert_int_equal(numa_node_of_offset(&t, 256 * MiB - 1), 0);
	assert_int_equal(numa_node_of_offset(&t, 256 * MiB), 1);
	assert_int_equal(numa_node_of_offset(&t, 512 * MiB - 1), 1);
	assert_int_equal(numa_node_of_offset(&t, 512 * MiB), 2);
	assert_int_equal(numa_node_of_offset(&t, GiB - 1), 2);   /* leftover */
	assert_int_equal(numa_node_of_offset(&t, 2 * GiB), 2);

	numa_default(&t, 4, GiB);
	assert_int_equal(numa_node_of_offset(&t, 0), 0);
	assert_int_equal(numa_node_of_offset(&t, GiB - 1), 0);
	assert_int_equal(numa_node_of_offset(&t, 5 * GiB), 0);
	assert_int_equal(numa_node_of_cpu(&t, 3), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_even_one_node),
		cmocka_unit_test(test_even_two_nodes),
		cmocka_unit_test(test_even_four_nodes),
		cmocka_unit_test(test_even_uneven_split),
		cmocka_unit_test(test_even_max_nodes),
		cmocka_unit_test(test_even_errors),
		cmocka_unit_test(test_explicit_basic),
		cmocka_unit_test(test_explicit_leftover),
		cmocka_unit_test(test_explicit_max_nodes),
		cmocka_unit_test(test_explicit_errors),
		cmocka_unit_test(test_error_message_buffer),
		cmocka_unit_test(test_node_of_cpu),
		cmocka_unit_test(test_node_of_offset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
