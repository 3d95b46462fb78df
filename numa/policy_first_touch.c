/*
 * first-touch: a page is backed on the node of the CPU that touches it
 * first, and stays there. No counting, no cost while the VM runs.
 */
#include "numa/policy.h"

static unsigned int place(const struct numa_vm_view *vm, uint32_t gpage, unsigned int node)
{
	(void)vm;
	(void)gpage;
	return node;
}

static const struct numa_policy first_touch = {
	.name = "first-touch",
	.summary = "back each page on the node that touches it first; never move it",
	.place = place,
	.place_order = NUMA_PLACE_ANY_ORDER,
};
NUMA_POLICY(first_touch);
