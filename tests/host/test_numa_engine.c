/*
 * Host unit tests for the NUMA engine's rules (numa/engine.c) and the
 * policies (numa/policy_*.c): synthetic access streams against a small
 * model of a machine whose pages have a home node, a shared flag and
 * replicas; the decisions are carried out on the model as the monitor's
 * placement.c would, and the pages end where each policy should put them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "numa/engine.h"

#define NPAGES 64
#define NNODES 2

/* The model machine: where each page lives. */
struct model {
	struct numa_vm e;
	void *tables;
	unsigned int home[NPAGES];
	bool shared[NPAGES], replicated[NPAGES];
	unsigned int migrations, replications;
};

static const struct numa_policy *policy(const char *name)
{
	const struct numa_policy *p = numa_policy_find(name);

	assert_non_null(p);
	return p;
}

static void model_init(struct model *m, const char *name)
{
	memset(m, 0, sizeof(*m));
	m->tables = calloc(1, numa_vm_table_bytes(NPAGES, NNODES));
	numa_vm_init(&m->e, policy(name), m->tables, NPAGES, NNODES);
	m->e.vcpu_nodes = 3;
}

static void model_free(struct model *m)
{
	free(m->tables);
}

static void set(struct model *m, const char *key, uint32_t value)
{
	char err[128];

	assert_int_equal(numa_vm_set(&m->e, key, value, err, sizeof(err)), 0);
}

static struct numa_facts facts(const struct model *m, uint32_t page)
{
	struct numa_facts f = { m->home[page], true, m->shared[page], m->replicated[page] };

	return f;
}

/* One access from node: counted; when hot, decided and carried out. */
static void touch(struct model *m, uint32_t page, unsigned int node, bool write)
{
	struct numa_facts f;
	struct numa_action a;

	if (write && m->replicated[page]) {     /* a store collapses first */
		m->replicated[page] = false;
		f = facts(m, page);
		numa_replica_written(&m->e, page, &f);
	}
	if (!numa_touch(&m->e, page, node, write))
		return;
	f = facts(m, page);
	a = numa_decide(&m->e, page, node, &f);
	if (a.what == NUMA_MIGRATE) {
		m->home[page] = a.node;
		m->migrations++;
	} else if (a.what == NUMA_REPLICATE) {
		m->replicated[page] = true;
		m->replications++;
	}
	numa_done(&m->e, page, a, true);
}

static void touches(struct model *m, uint32_t page, unsigned int node, unsigned int n, bool write)
{
	for (unsigned int i = 0; i < n; i++)
		touch(m, page, node, write);
}

static void test_registry(void **state)
{
	(void)state;
	assert_non_null(numa_policy_find("first-touch"));
	assert_non_null(numa_policy_find("round-robin"));
	assert_non_null(numa_policy_find("migrate"));
	assert_non_null(numa_policy_find("migrate-replicate"));
	assert_non_null(numa_policy_find("follow"));
	assert_null(numa_policy_find("nonesuch"));
	assert_non_null(numa_policy_at(0));
	assert_null(numa_policy_at(100));
}

static void test_parameters(void **state)
{
	struct model m;
	char err[128];

	(void)state;
	model_init(&m, "migrate");
	assert_int_equal(m.e.setting[NUMA_TRIGGER], 32);
	set(&m, "trigger", 4);
	assert_int_equal(m.e.setting[NUMA_TRIGGER], 4);
	set(&m, "sharing", 3);
	assert_int_equal(m.e.param[numa_policy_param(m.e.policy, "sharing")], 3);
	assert_int_equal(numa_vm_set(&m.e, "nonesuch", 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no such parameter"));
	assert_int_equal(numa_vm_set(&m.e, "reset_ms", 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "want 10 to 60000"));
	assert_int_equal(m.e.setting[NUMA_RESET_MS], 100);      /* unchanged */
	/* a policy change: its parameters back to defaults, the engine's kept */
	numa_vm_set_policy(&m.e, policy("migrate-replicate"));
	assert_int_equal(m.e.setting[NUMA_TRIGGER], 4);
	assert_int_equal(m.e.param[numa_policy_param(m.e.policy, "write")], 1);
	model_free(&m);
}

static void test_placement(void **state)
{
	struct numa_vm_view v = { 0, 4, 0, 0 };
	uint32_t param[NUMA_MAX_PARAMS] = { 8, 0 };
	const struct numa_policy *rr = policy("round-robin"), *ft = policy("first-touch");
	const struct numa_policy *mig = policy("migrate");

	(void)state;
	assert_int_equal(ft->place(&v, 123, 3), 3);
	assert_false(ft->counts);
	assert_false(rr->counts);
	/* 16 KiB stripes: pages 0-3 on node 0, 4-7 on node 1, ... wrapping */
	assert_int_equal(rr->place(&v, 0, 3), 0);
	assert_int_equal(rr->place(&v, 3, 3), 0);
	assert_int_equal(rr->place(&v, 4, 0), 1);
	assert_int_equal(rr->place(&v, 15, 0), 3);
	assert_int_equal(rr->place(&v, 16, 2), 0);
	assert_int_equal(rr->place_order, 2);
	v.param = param;        /* migrate with first_touch = 0: the home node */
	assert_int_equal(mig->place(&v, 5, 1), NUMA_NODE_ANY);
	param[1] = 1;
	assert_int_equal(mig->place(&v, 5, 1), 1);
}

/* Pages of node 0 that node 1 uses alone move there; shared ones stay;
 * a copy-on-write page is never migrated. */
static void test_migrate_stream(void **state)
{
	struct model m;

	(void)state;
	model_init(&m, "migrate");
	set(&m, "trigger", 8);
	set(&m, "sharing", 4);
	for (unsigned int round = 0; round < 4; round++) {
		for (uint32_t p = 0; p < 32; p++)
			touches(&m, p, 0, 3, p & 1);            /* node 0's own */
		for (uint32_t p = 32; p < 56; p++)
			touches(&m, p, 1, 3, p & 1);            /* node 1's, on node 0 */
		for (uint32_t p = 56; p < 64; p++) {            /* both */
			touches(&m, p, 0, 2, false);
			touches(&m, p, 1, 2, false);
		}
	}
	for (uint32_t p = 0; p < 32; p++)
		assert_int_equal(m.home[p], 0);
	for (uint32_t p = 32; p < 56; p++)
		assert_int_equal(m.home[p], 1);
	for (uint32_t p = 56; p < 64; p++)
		assert_int_equal(m.home[p], 0);
	assert_int_equal(m.migrations, 24);
	assert_int_equal(m.e.c.migrations, 24);
	assert_int_equal(m.replications, 0);
	/* a shared (copy-on-write) page: node 1 alone uses it, it stays */
	m.shared[10] = true;
	touches(&m, 10, 1, 40, false);
	assert_int_equal(m.home[10], 0);
	model_free(&m);
}

/* Disco's policy: one user migrates, readers replicate, writers stay; a
 * store collapses and freezes; kernel text is its business. */
static void test_migrate_replicate_stream(void **state)
{
	struct model m;

	(void)state;
	model_init(&m, "migrate-replicate");
	assert_true(m.e.policy->replicate_text);
	set(&m, "trigger", 8);
	set(&m, "sharing", 4);
	for (unsigned int i = 0; i < 8; i++) {
		touches(&m, 1, 1, 2, true);     /* node 1 alone, writing */
		touches(&m, 2, 0, 2, false);    /* read by both */
		touches(&m, 2, 1, 2, false);
		touches(&m, 3, 0, 2, true);     /* written by both */
		touches(&m, 3, 1, 2, true);
	}
	assert_int_equal(m.home[1], 1);
	assert_false(m.replicated[1]);
	assert_true(m.replicated[2]);
	assert_int_equal(m.home[2], 0);
	assert_false(m.replicated[3]);
	assert_int_equal(m.home[3], 0);
	assert_false(numa_frozen(&m.e, 3));
	/* the writing stops: the next period, readers replicate it */
	numa_period_end(&m.e);
	touches(&m, 3, 0, 4, false);
	touches(&m, 3, 1, 8, false);
	assert_true(m.replicated[3]);
	/* a shared page that node 1 uses alone: replicated, not moved */
	m.shared[4] = true;
	touches(&m, 4, 1, 8, false);
	assert_true(m.replicated[4]);
	assert_int_equal(m.home[4], 0);
	/* a store to replicated page 2: collapsed, then frozen */
	touch(&m, 2, 1, true);
	assert_false(m.replicated[2]);
	assert_int_equal(m.e.c.collapses, 1);
	assert_true(numa_frozen(&m.e, 2));
	model_free(&m);
}

/* moves_per_s over the period's length, and the budget back each period. */
static void test_rate_limit(void **state)
{
	struct model m;

	(void)state;
	model_init(&m, "migrate");
	set(&m, "trigger", 2);
	set(&m, "moves_per_s", 20);     /* 2 a period of 100 ms */
	for (uint32_t p = 0; p < 5; p++)
		touches(&m, p, 1, 2, false);
	assert_int_equal(m.migrations, 2);
	assert_int_equal(m.e.c.rate_limited, 3);
	numa_period_end(&m.e);
	for (uint32_t p = 0; p < 5; p++)
		touches(&m, p, 1, 2, false);
	assert_int_equal(m.migrations, 4);
	model_free(&m);
}

/* A page that keeps moving is frozen for freeze_ms, then thaws. */
static void test_bounce_freeze(void **state)
{
	struct model m;

	(void)state;
	model_init(&m, "migrate");
	set(&m, "trigger", 2);
	set(&m, "bounce", 2);
	set(&m, "freeze_ms", 300);      /* 3 periods */
	for (unsigned int i = 0; i < 2; i++) {  /* to node 1, back to node 0 */
		touches(&m, 7, 1 - m.home[7], 2, false);
		numa_period_end(&m.e);
	}
	assert_int_equal(m.migrations, 2);
	touches(&m, 7, 1 - m.home[7], 2, false);        /* a third: frozen */
	assert_int_equal(m.migrations, 2);
	assert_true(numa_frozen(&m.e, 7));
	for (unsigned int i = 0; i < 3; i++) {
		numa_period_end(&m.e);
		touches(&m, 7, 1 - m.home[7], 2, false);
		assert_int_equal(m.migrations, 2);      /* not asked while frozen */
	}
	numa_period_end(&m.e);
	assert_false(numa_frozen(&m.e, 7));
	touches(&m, 7, 1 - m.home[7], 2, false);
	assert_int_equal(m.migrations, 3);
	model_free(&m);
}

/* Counts reset each period: touches spread thinner than the trigger per
 * period never make a page hot. */
static void test_period_reset(void **state)
{
	struct model m;

	(void)state;
	model_init(&m, "migrate");
	set(&m, "trigger", 10);
	for (unsigned int i = 0; i < 20; i++) {
		touches(&m, 9, 1, 9, false);
		numa_period_end(&m.e);
	}
	assert_int_equal(m.e.c.hot, 0);
	assert_int_equal(m.home[9], 0);
	assert_int_equal(m.e.c.periods, 20);
	/* first-touch does not count at all */
	numa_vm_set_policy(&m.e, policy("first-touch"));
	assert_false(numa_vm_counting(&m.e));
	assert_false(numa_touch(&m.e, 9, 1, false));
	model_free(&m);
}

/* The example policy of docs/numa-policy.md: a page two nodes take turns
 * at follows each, until the engine freezes it; min_share holds back a
 * page the hot node uses less than that share of. */
static void test_follow_example(void **state)
{
	struct model m;

	(void)state;
	model_init(&m, "follow");
	set(&m, "trigger", 4);
	set(&m, "bounce", 3);
	for (unsigned int i = 0; i < 6; i++) {
		touches(&m, 5, i & 1 ? 0 : 1, 4, false);
		numa_period_end(&m.e);
	}
	assert_int_equal(m.migrations, 3);      /* 1, 0, 1, then frozen */
	assert_int_equal(m.home[5], 1);
	assert_int_equal(m.e.c.freezes, 1);
	/* node 1 made page 6 hot but node 0 touched it more */
	set(&m, "min_share", 60);
	touches(&m, 6, 0, 3, false);
	touches(&m, 6, 1, 4, false);
	assert_int_equal(m.home[6], 0);
	model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_parameters),
		cmocka_unit_test(test_placement),
		cmocka_unit_test(test_migrate_stream),
		cmocka_unit_test(test_migrate_replicate_stream),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_bounce_freeze),
		cmocka_unit_test(test_period_reset),
		cmocka_unit_test(test_follow_example),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
