/*
 * Trap sites (monitor command line `trapsites`): per vCPU, the guest PCs
 * whose instructions the monitor emulated most, with the instruction kind,
 * printed with the VM's report. The table is a small open-addressing hash;
 * a site that finds it full is counted as "other". For finding which guest
 * code to paravirtualize next (symbolize the PCs with the guest's
 * System.map).
 */
#include "monitor/console.h"
#include "monitor/string.h"
#include "vcpu/vcpu.h"

bool vcpu_trap_sites_on;

void vcpu_trap_site(struct vcpu *v, uint64_t pc, enum insn_kind kind)
{
	struct vcpu_trap_sites *t = &v->sites;
	unsigned int i = (unsigned int)((pc >> 2) * 0x9e3779b1u) % VCPU_TRAP_SITES;

	for (unsigned int n = 0; n < VCPU_TRAP_SITES; n++, i = (i + 1) % VCPU_TRAP_SITES) {
		if (t->site[i].count && t->site[i].pc != pc)
			continue;
		t->site[i].pc = pc;
		t->site[i].kind = kind;
		t->site[i].count++;
		return;
	}
	t->other++;
}

void vcpu_print_trap_sites(const char *vm_name, const struct vcpu *v)
{
	struct vcpu_trap_sites copy = v->sites;
	uint64_t total = copy.other;

	for (unsigned int i = 0; i < VCPU_TRAP_SITES; i++)
		total += copy.site[i].count;
	if (!total)
		return;
	con_printf("disco: vm %s: vcpu %u: %lu emulated instructions, the most frequent sites:\n",
		   vm_name, v->id, (unsigned long)total);
	for (unsigned int rank = 0; rank < 20; rank++) {
		unsigned int best = 0;

		for (unsigned int i = 1; i < VCPU_TRAP_SITES; i++)
			if (copy.site[i].count > copy.site[best].count)
				best = i;
		if (!copy.site[best].count)
			break;
		con_printf("disco: vm %s:   %016lx %-6s %lu\n", vm_name,
			   (unsigned long)copy.site[best].pc, vcpu_insn_names[copy.site[best].kind],
			   (unsigned long)copy.site[best].count);
		copy.site[best].count = 0;
	}
}
