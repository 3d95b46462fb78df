/*
 * round-robin: pages interleaved over the nodes, 16 KiB (a Linux guest's
 * page) at a time, whoever touches them: the usual baseline, as Linux's
 * MPOL_INTERLEAVE. Never moves a page.
 */
#include "numa/policy.h"

#define GRANULE_ORDER 2         /* 4 KiB pages per stripe: 2^2 */

static unsigned int place(const struct numa_vm_view *vm, uint32_t gpage, unsigned int node)
{
	(void)node;
	return (gpage >> GRANULE_ORDER) % vm->nnodes;
}

static const struct numa_policy round_robin = {
	.name = "round-robin",
	.summary = "interleave pages over the nodes, 16 KiB at a time; never move them",
	.place = place,
	.place_order = GRANULE_ORDER,
};
NUMA_POLICY(round_robin);
