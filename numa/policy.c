/*
 * The policy registry (see policy.h): the linker gathers every
 * NUMA_POLICY() pointer into the section "numa_policies".
 */
#include "monitor/string.h"
#include "numa/policy.h"

extern const struct numa_policy *const __start_numa_policies[];
extern const struct numa_policy *const __stop_numa_policies[];

const struct numa_policy *numa_policy_at(unsigned int n)
{
	return n < (unsigned int)(__stop_numa_policies - __start_numa_policies) ?
	       __start_numa_policies[n] : 0;
}

const struct numa_policy *numa_policy_find(const char *name)
{
	const struct numa_policy *p;

	for (unsigned int i = 0; (p = numa_policy_at(i)); i++)
		if (!strcmp(p->name, name))
			return p;
	return 0;
}

int numa_policy_param(const struct numa_policy *p, const char *key)
{
	for (unsigned int i = 0; i < p->nparams; i++)
		if (!strcmp(p->params[i].key, key))
			return (int)i;
	return -1;
}
