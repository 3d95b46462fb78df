/*
 * migrate-replicate: Disco's policy (Bugnion et al., SOSP 1997, 4.2.3,
 * with the rules of Verghese et al. 1996). When a page turns hot:
 *  - used mostly by one node (no other node touched it `sharing` times):
 *    it migrates there, if it is not there already;
 *  - read-shared (several nodes touched it, fewer than `write` stores this
 *    period): it is replicated to the nodes that use it;
 *  - write-shared: it stays (this period: a table one thread wrote before
 *    all read it is replicated once the writing stops).
 * A store to a replicated page collapses it; the page is then frozen (it
 * is written: replicating it again would only collapse again). Kernel text
 * is replicated to every node the VM's vCPUs run on (Disco's largest win).
 */
#include "numa/policy.h"

enum { SHARING, WRITE, FIRST_TOUCH };

static const struct numa_param params[] = {
	[SHARING] = { "sharing", 8, 1, 65535,
		      "touches from a second node that make a page shared" },
	[WRITE] = { "write", 1, 1, 255,
		    "stores in a period that make a shared page write-shared (not replicated)" },
	[FIRST_TOUCH] = { "first_touch", 1, 0, 1,
			  "1: back pages where first touched; 0: on the VM's home node" },
};

static struct numa_action page_hot(const struct numa_vm_view *vm, const struct numa_page *p)
{
	struct numa_action a = { NUMA_KEEP, 0 };

	if (!numa_shared_with_others(vm, p, p->hot_node, vm->param[SHARING])) {
		if (p->hot_node != p->home && !p->shared) {
			a.what = NUMA_MIGRATE;
			a.node = p->hot_node;
		} else if (p->hot_node != p->home) {
			a.what = NUMA_REPLICATE;        /* a shared page: copy, not move */
		}
	} else if (p->writes < vm->param[WRITE]) {
		a.what = NUMA_REPLICATE;
	}
	return a;
}

static bool replica_written(const struct numa_vm_view *vm, const struct numa_page *p)
{
	(void)vm;
	(void)p;
	return true;
}

static const struct numa_policy migrate_replicate = {
	.name = "migrate-replicate",
	.summary = "migrate pages one node uses, replicate read-shared ones, replicate kernel text (Disco)",
	.params = params,
	.nparams = sizeof(params) / sizeof(params[0]),
	.counts = true,
	.place = numa_migrate_place,
	.place_order = NUMA_PLACE_ANY_ORDER,
	.page_hot = page_hot,
	.replica_written = replica_written,
	.replicate_text = true,
};
NUMA_POLICY(migrate_replicate);
