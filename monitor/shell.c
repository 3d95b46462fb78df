/*
 * A small command prompt: enough to look at the machine and to try the
 * cross-CPU machinery by hand, and to start the VMs a `norun` boot loaded
 * (or that ended, with `stay`). Commands: help cpus mem start xcall poweroff.
 */
#include <stdint.h>
#include "arch/board.h"
#include "arch/cpu.h"
#include "mmu/machmem.h"
#include "monitor/console.h"
#include "monitor/monitor.h"
#include "monitor/percpu.h"
#include "monitor/shell.h"
#include "monitor/smp.h"
#include "monitor/string.h"
#include "monitor/vm.h"
#include "monitor/xcall.h"
#include "monitor/parse.h"
#include "vcpu/sched.h"
#include "numa/placement.h"
#include "numa/topology.h"

#define LINE_MAX 80

static void cmd_help(void)
{
	con_printf("commands:\n"
		   "  cpus      CPUs with their node, ticks and exceptions taken\n"
		   "  mem       machine pages per VM (private, shared) and free per node\n"
		   "  start VM  start a loaded or ended VM (number or name)\n"
		   "  numa      policies, and each VM's policy, pages per node, counters\n"
		   "  numa VM POLICY | numa VM KEY=VALUE   change a VM's placement\n"
		   "  xcall     a cross-call round trip to every CPU\n"
		   "  poweroff  power the machine off\n");
}

static void cmd_cpus(void)
{
	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		const struct percpu *p = &percpu[c];
		uint64_t exc = 0;
		if (!p->online)
			continue;
		for (int i = 1; i < 32; i++)
			exc += p->exceptions[i];
		con_printf("cpu %2u: node %u, %lu ticks, %lu interrupts, %lu other exceptions\n",
			   c, p->node, (unsigned long)p->ticks,
			   (unsigned long)p->exceptions[0], (unsigned long)exc);
	}
}

static void cmd_mem(void)
{
	if (vm_count) {
		vm_print_memory();      /* the free pages per node too */
		return;
	}
	for (unsigned int n = 0; n < monitor_topology.nnodes; n++)
		con_printf("node %u: %lu pages free (%lu MiB)\n", n,
			   (unsigned long)mem_free_pages_on(n),
			   (unsigned long)(mem_free_pages_on(n) >> 8));
}

/* Starts a VM by number or name; CPU 0 then runs vCPUs too (its keyboard
 * goes to the VMs, Ctrl-] : is the prompt) and comes back here only if it
 * got none. */
static void cmd_start(const char *arg)
{
	struct vm *vm = vm_find(arg);

	if (!vm) {
		con_printf("no VM '%s'\n", arg);
		return;
	}
	if (vm_start(vm, true) == 0)
		sched_enter();
}

static void whoami(void *arg)
{
	*(volatile unsigned int *)arg = arch_cpu_id();
}

static void cmd_xcall(void)
{
	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		volatile unsigned int who = 99;
		uint32_t t0 = arch_counter();
		if (!xcall_run(c, whoami, (void *)&who))
			continue;
		con_printf("cpu %2u: answered from cpu %u in %lu us\n", c, who,
			   (unsigned long)((uint64_t)(arch_counter() - t0) * 1000000 /
					   arch_counter_hz()));
	}
}

void shell_numa(const char *args)
{
	char name[VM_NAME_MAX];
	size_t n = 0;

	while (*args == ' ')
		args++;
	if (!*args) {
		numa_print();
		return;
	}
	while (args[n] && args[n] != ' ' && n + 1 < sizeof(name)) {
		name[n] = args[n];
		n++;
	}
	name[n] = '\0';
	args += n;
	while (*args == ' ')
		args++;
	if (!*args)
		con_printf("numa: want 'numa VM POLICY' or 'numa VM KEY=VALUE'\n");
	else
		numa_command(name, args);
}

/* Reads a line with echo and backspace; waits (idle) for input. */
static void read_line(char *buf, unsigned int size)
{
	unsigned int len = 0;

	for (;;) {
		int c = con_getc();
		if (c < 0) {
			smp_idle_once();
			continue;
		}
		if (c == '\r' || c == '\n') {
			con_printf("\n");
			buf[len] = '\0';
			return;
		}
		if ((c == 0x7f || c == '\b') && len) {
			len--;
			con_printf("\b \b");
		} else if (c >= ' ' && c < 0x7f && len + 1 < size) {
			buf[len++] = (char)c;
			con_printf("%c", c);
		}
	}
}

void shell_run(void)
{
	char line[LINE_MAX];

	con_printf("disco: type 'help' for commands\n");
	for (;;) {
		con_printf("disco> ");
		read_line(line, sizeof(line));
		if (strcmp(line, "help") == 0)
			cmd_help();
		else if (strcmp(line, "cpus") == 0)
			cmd_cpus();
		else if (strcmp(line, "mem") == 0)
			cmd_mem();
		else if (strncmp(line, "start ", 6) == 0)
			cmd_start(line + 6);
		else if (strcmp(line, "numa") == 0 || strncmp(line, "numa ", 5) == 0)
			shell_numa(line + 4);
		else if (strcmp(line, "xcall") == 0)
			cmd_xcall();
		else if (strcmp(line, "poweroff") == 0) {
			con_printf("disco: power off\n");
			arch_power_off();
		} else if (line[0])
			con_printf("unknown command '%s'; try 'help'\n", line);
	}
}
