/*
 * The NUMA engine at the prompt and in the exit report (see placement.h):
 * `numa` shows each VM's policy, parameters, pages per node and counters;
 * `numa VM POLICY` and `numa VM KEY=VALUE` change them while it runs.
 */
#include "monitor/console.h"
#include "monitor/format.h"
#include "monitor/monitor.h"
#include "monitor/parse.h"
#include "monitor/string.h"
#include "monitor/vm.h"
#include "numa/placement.h"

/* "N N N": the VM's backed pages per node (private_only: its own). */
static void pages_per_node(const struct vm *vm, char *buf, size_t size, bool private_only)
{
	uint64_t per_node[NUMA_MAX_NODES];
	int len = 0;

	if (private_only)
		pmap_node_usage_private(&vm->pmap, per_node, monitor_topology.nnodes);
	else
		pmap_node_usage(&vm->pmap, per_node, monitor_topology.nnodes);
	buf[0] = '\0';
	for (unsigned int n = 0; n < monitor_topology.nnodes && len < (int)size; n++)
		len += fmt_snprintf(buf + len, size - (size_t)len, "%s%lu", n ? " " : "",
				    (unsigned long)per_node[n]);
}

void numa_report(const struct vm *vm)
{
	const struct numa_counters *c = &vm->numa.e.c;
	char nodes[128], own[128];
	uint32_t active = 0, local = 0;

	for (unsigned int i = 0; i < NUMA_CENSUS_PERIODS; i++) {
		active += vm->numa.active[i];
		local += vm->numa.active_local[i];
	}

	pages_per_node(vm, nodes, sizeof(nodes), false);
	pages_per_node(vm, own, sizeof(own), true);
	con_printf("disco: vm %s: numa: policy %s; pages per node %s; private %s; page-migrations %lu replications %lu collapses %lu shared-collapses %lu freezes %lu hot %lu (refills %lu fills %lu hints %lu) rate-limited %lu failed %lu text-blocks %lu replica-pages %u hints %lu hint-faults %lu c-touches %lu periods %lu; active %u local %u; engine %lu Count ticks in %lu runs\n",
		   vm->cfg.name, vm->numa.e.policy->name, nodes, own,
		   (unsigned long)c->migrations, (unsigned long)c->replications,
		   (unsigned long)c->collapses, (unsigned long)c->shared_collapses,
		   (unsigned long)c->freezes, (unsigned long)c->hot, (unsigned long)c->hot_by[0],
		   (unsigned long)c->hot_by[1], (unsigned long)c->hot_by[2],
		   (unsigned long)c->rate_limited, (unsigned long)c->failed,
		   (unsigned long)c->text_replications, vm->pmap.replica_pages,
		   (unsigned long)c->hints, (unsigned long)c->hint_faults,
		   (unsigned long)vm->numa.c_touches,
		   (unsigned long)c->periods, active, local,
		   (unsigned long)vm->numa.engine_ticks,
		   (unsigned long)vm->numa.engine_runs);
}

static void print_params(const struct vm *vm)
{
	const struct numa_vm *e = &vm->numa.e;
	char line[256];
	int len = fmt_snprintf(line, sizeof(line), "  numa.");

	for (unsigned int i = 0; i < e->policy->nparams && len < (int)sizeof(line); i++)
		len += fmt_snprintf(line + len, sizeof(line) - (size_t)len, "%s=%u ",
				    e->policy->params[i].key, (unsigned int)e->param[i]);
	for (unsigned int i = 0; i < NUMA_SETTINGS && len < (int)sizeof(line); i++)
		len += fmt_snprintf(line + len, sizeof(line) - (size_t)len, "%s=%u ",
				    numa_settings[i].key, (unsigned int)e->setting[i]);
	con_printf("%s\n", line);
}

void numa_print(void)
{
	const struct numa_policy *p;

	con_printf("policies:");
	for (unsigned int i = 0; (p = numa_policy_at(i)); i++)
		con_printf(" %s", p->name);
	con_printf("\n");
	for (unsigned int i = 0; i < vm_count; i++) {
		const struct vm *vm = &vms[i];

		if (vm->state != VM_RUNNING && vm->state != VM_LOADED)
			continue;
		numa_report(vm);
		print_params(vm);
	}
}

int numa_command(const char *vm_name, const char *what)
{
	struct vm *vm = vm_find(vm_name);
	const struct numa_policy *p;
	const char *eq = what;
	char key[VM_NUMA_KEY_MAX], err[VM_ERROR_MAX];
	uint64_t value;
	size_t klen;

	if (!vm || (vm->state != VM_RUNNING && vm->state != VM_LOADED)) {
		con_printf("numa: no running VM '%s'\n", vm_name);
		return -1;
	}
	while (*eq && *eq != '=')
		eq++;
	if (!*eq) {
		if (!(p = numa_policy_find(what))) {
			con_printf("numa: no policy '%s'\n", what);
			return -1;
		}
		numa_vm_set_policy(&vm->numa.e, p);
		numa_vm_hook(vm);
		con_printf("numa: vm %s: policy %s\n", vm->cfg.name, p->name);
		return 0;
	}
	klen = (size_t)(eq - what);
	if (!strncmp(what, "numa.", 5)) {
		what += 5;
		klen -= 5;
	}
	eq++;
	if (klen == 0 || klen >= sizeof(key) || !parse_uint(&eq, &value) || *eq ||
	    value > UINT32_MAX) {
		con_printf("numa: want KEY=NUMBER, got '%s'\n", what);
		return -1;
	}
	memcpy(key, what, klen);
	key[klen] = '\0';
	if (numa_vm_set(&vm->numa.e, key, (uint32_t)value, err, sizeof(err))) {
		con_printf("numa: %s\n", err);
		return -1;
	}
	numa_vm_hook(vm);
	con_printf("numa: vm %s: numa.%s=%lu\n", vm->cfg.name, key, (unsigned long)value);
	return 0;
}
