/*
 * migrate: Verghese, Devine, Gupta and Rosenblum (ASPLOS 1996), dynamic
 * page migration. A page that one node touches `trigger` times in a period
 * moves to that node, unless another node touched it `sharing` times too
 * (shared: moving it would only move the remote misses). Stores do not
 * matter: a page one node writes is that node's. Pages are first backed
 * where first touched
 * (numa.first_touch=0: on the VM's home node, to watch them come home).
 */
#include "numa/policy.h"

enum { SHARING, FIRST_TOUCH };

static const struct numa_param params[] = {
	[SHARING] = { "sharing", 8, 1, 65535,
		      "touches from a second node that make a page shared (not migrated)" },
	[FIRST_TOUCH] = { "first_touch", 1, 0, 1,
			  "1: back pages where first touched; 0: on the VM's home node" },
};

unsigned int numa_migrate_place(const struct numa_vm_view *vm, uint32_t gpage, unsigned int node)
{
	(void)gpage;
	return vm->param[FIRST_TOUCH] ? node : NUMA_NODE_ANY;
}

/* Whether a node other than `node` touched the page `sharing` times. */
bool numa_shared_with_others(const struct numa_vm_view *vm, const struct numa_page *p,
			     unsigned int node, uint32_t sharing)
{
	for (unsigned int n = 0; n < p->nnodes; n++)
		if (n != node && p->touches[n] >= sharing)
			return true;
	return false;
}

static struct numa_action page_hot(const struct numa_vm_view *vm, const struct numa_page *p)
{
	struct numa_action a = { NUMA_KEEP, 0 };

	if (p->hot_node != p->home && !p->shared &&
	    !numa_shared_with_others(vm, p, p->hot_node, vm->param[SHARING])) {
		a.what = NUMA_MIGRATE;
		a.node = p->hot_node;
	}
	return a;
}

static const struct numa_policy migrate = {
	.name = "migrate",
	.summary = "move a page used mostly by one remote node to that node (Verghese et al. 1996)",
	.params = params,
	.nparams = sizeof(params) / sizeof(params[0]),
	.counts = true,
	.place = numa_migrate_place,
	.place_order = NUMA_PLACE_ANY_ORDER,
	.page_hot = page_hot,
};
NUMA_POLICY(migrate);
