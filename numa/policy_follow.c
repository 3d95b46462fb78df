/*
 * follow: the example of docs/numa-policy.md. A hot page moves to the node
 * that made it hot, whoever else uses it; pages are first backed where
 * first touched. Shared pages are left alone. A page two nodes fight over
 * bounces until the engine freezes it (numa.bounce, numa.freeze_ms): the
 * cost that migrate's sharing test avoids, visible in the counters.
 */
#include "numa/policy.h"

enum { MIN_SHARE };

static const struct numa_param params[] = {
	[MIN_SHARE] = { "min_share", 50, 1, 100,
			"percent of the page's touches the hot node must have made" },
};

static unsigned int place(const struct numa_vm_view *vm, uint32_t gpage, unsigned int node)
{
	(void)vm;
	(void)gpage;
	return node;
}

static struct numa_action page_hot(const struct numa_vm_view *vm, const struct numa_page *p)
{
	struct numa_action a = { NUMA_KEEP, 0 };
	uint32_t all = 0;

	for (unsigned int n = 0; n < p->nnodes; n++)
		all += p->touches[n];
	if (p->hot_node != p->home && !p->shared &&
	    p->touches[p->hot_node] * 100u >= all * vm->param[MIN_SHARE]) {
		a.what = NUMA_MIGRATE;
		a.node = p->hot_node;
	}
	return a;
}

static const struct numa_policy follow = {
	.name = "follow",
	.summary = "move a hot page to the node that made it hot (the example policy)",
	.params = params,
	.nparams = sizeof(params) / sizeof(params[0]),
	.counts = true,
	.place = place,
	.place_order = NUMA_PLACE_ANY_ORDER,
	.page_hot = page_hot,
};
NUMA_POLICY(follow);
