/*
 * Keyboard input while VMs run (on CPU 0's tick): typed bytes go to the
 * focused VM's UART. Ctrl-] starts a command (not Ctrl-A: QEMU's
 * -nographic console keeps that for itself):
 *   Ctrl-] 1..9   focus VM 1..9 (in configuration order)
 *   Ctrl-] l      list the VMs with their state
 *   Ctrl-] q      power the machine off
 *   Ctrl-] Ctrl-] send a Ctrl-] to the focused VM
 */
#include "devices/mmio.h"
#include "monitor/console.h"
#include "monitor/monitor.h"
#include "monitor/vm.h"

#define ESCAPE 0x1d      /* Ctrl-] */

static unsigned int focus;      /* index in vms[] */
static bool escape;

static const char *state_name(enum vm_state s)
{
	switch (s) {
	case VM_RUNNING: return "running";
	case VM_STOPPING: return "stopping";
	case VM_ENDED: return "ended";
	case VM_LOADED: return "loaded";
	default: return "rejected";
	}
}

static void list_vms(void)
{
	for (unsigned int i = 0; i < vm_count; i++)
		con_printf("disco: %c%u %s: %s, %u vCPU%s%s\n", i == focus ? '*' : ' ',
			   i + 1, vms[i].cfg.name, state_name(vms[i].state), vms[i].cfg.vcpus,
			   vms[i].cfg.vcpus == 1 ? "" : "s",
			   vms[i].state == VM_ENDED ? (vms[i].exit_status ? ", failed" : ", exit 0") : "");
}

static void command(int c)
{
	if (c >= '1' && c <= '9' && (unsigned int)(c - '1') < vm_count) {
		focus = (unsigned int)(c - '1');
		con_printf("disco: keyboard to vm %s\n", vms[focus].cfg.name);
	} else if (c == 'l') {
		list_vms();
	} else if (c == 'q') {
		con_printf("disco: power off (Ctrl-] q)\n");
		monitor_halt(0);
	} else if (c == ESCAPE && vms[focus].state == VM_RUNNING) {
		mmio_console_input(&vms[focus], ESCAPE);
	} else {
		con_printf("disco: Ctrl-] then 1-9 (focus a VM), l (list), q (power off)\n");
	}
}

void vm_route_input(void)
{
	int c;

	while ((c = con_getc()) >= 0) {
		if (escape) {
			escape = false;
			command(c);
		} else if (c == ESCAPE) {
			escape = true;
		} else if (focus < vm_count && vms[focus].state == VM_RUNNING) {
			mmio_console_input(&vms[focus], (uint8_t)c);
		}
	}
}
