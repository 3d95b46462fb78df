/*
 * Keyboard input while VMs run (on CPU 0's tick): typed bytes go to the
 * focused VM's UART. Ctrl-] starts a command (not Ctrl-A: QEMU's
 * -nographic console keeps that for itself):
 *   Ctrl-] 1..9   focus VM 1..9 (in configuration order)
 *   Ctrl-] l      list the VMs with their state and trap counts
 *   Ctrl-] :      the monitor prompt (commands below; an empty line or
 *                 Ctrl-] leaves it)
 *   Ctrl-] q      power the machine off
 *   Ctrl-] Ctrl-] send a Ctrl-] to the focused VM
 * Prompt commands name a VM by number or name:
 *   list | stats VM | stop VM | start VM | focus VM | mem [VM] | numa ... | poweroff | help
 */
#include "devices/mmio.h"
#include "monitor/console.h"
#include "monitor/format.h"
#include "monitor/monitor.h"
#include "monitor/parse.h"
#include "monitor/string.h"
#include "monitor/shell.h"
#include "monitor/vm.h"
#include "vcpu/sched.h"

#define ESCAPE 0x1d      /* Ctrl-] */
#define PROMPT_MAX 64

static unsigned int focus;      /* index in vms[] */
static bool escape;
static bool prompting;
static char prompt_line[PROMPT_MAX];
static unsigned int prompt_len;

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

static uint64_t sum(const uint64_t *n, unsigned int count)
{
	uint64_t total = 0;

	for (unsigned int i = 0; i < count; i++)
		total += n[i];
	return total;
}

/* One line a VM, printed whole (guests print meanwhile): state, and for
 * a started VM what has trapped so far. */
static void list_vms(void)
{
	for (unsigned int i = 0; i < vm_count; i++) {
		const struct vm *vm = &vms[i];
		struct vcpu_stats s;
		char ended[32] = "", traps[192] = "";

		if (vm->state == VM_ENDED)
			fmt_snprintf(ended, sizeof(ended), " (exit status %d)", vm->exit_status);
		if (vm->state >= VM_RUNNING) {
			sched_vm_stats(vm, &s);
			fmt_snprintf(traps, sizeof(traps),
				     ", traps %lu: emulated %lu, reflected %lu, window fills %lu, hypercalls %lu",
				     (unsigned long)sum(s.exc, 32),
				     (unsigned long)sum(s.emulated, INSN_KIND_COUNT),
				     (unsigned long)sum(s.reflected, 32),
				     (unsigned long)s.window_fills, (unsigned long)s.hypercalls);
		}
		con_printf("disco: %c%u %s: %s%s, %u vCPU%s%s\n", i == focus ? '*' : ' ',
			   i + 1, vm->cfg.name, state_name(vm->state), ended, vm->cfg.vcpus,
			   vm->cfg.vcpus == 1 ? "" : "s", traps);
	}
}

/* A VM by number (1-based) or name; NULL, with a message, if none. */
static struct vm *find_vm(const char *arg)
{
	struct vm *vm = vm_find(arg);

	if (!vm)
		con_printf("disco: no VM '%s' (list shows them)\n", arg);
	return vm;
}

static void set_focus(unsigned int i)
{
	focus = i;
	con_printf("disco: keyboard to vm %s\n", vms[focus].cfg.name);
}

static void power_off(void)
{
	con_printf("disco: power off (from the console)\n");
	monitor_halt(0);
}

static void prompt_help(void)
{
	con_printf("disco: list | stats VM | stop VM | start VM | focus VM | mem [VM] | numa [VM POLICY|VM KEY=VALUE] | poweroff | help "
		   "(VM: number or name; an empty line leaves the prompt)\n");
}

static void cmd_list(struct vm *unused)
{
	(void)unused;
	list_vms();
}

static void cmd_stats(struct vm *vm)
{
	struct vcpu_stats s;

	sched_vm_stats(vm, &s);
	con_printf("disco: vm %s: %s\n", vm->cfg.name, state_name(vm->state));
	vcpu_print_stats(vm->cfg.name, &s);
}

static void cmd_stop(struct vm *vm)
{
	if (sched_stop_vm(vm, 0, "stopped from the monitor prompt"))
		con_printf("disco: stopping vm %s\n", vm->cfg.name);
	else
		con_printf("disco: vm %s is not running\n", vm->cfg.name);
}

static void cmd_start(struct vm *vm)
{
	if (vm_start(vm, false) == 0)
		con_printf("disco: vm %s started\n", vm->cfg.name);
}

static void cmd_mem(struct vm *vm)
{
	if (vm)
		vm_print_copied(vm);
	else
		vm_print_memory();
}

static void cmd_focus(struct vm *vm)
{
	set_focus((unsigned int)(vm - vms));
}

static void cmd_poweroff(struct vm *unused)
{
	(void)unused;
	power_off();
}

static void cmd_help(struct vm *unused)
{
	(void)unused;
	prompt_help();
}

static const struct {
	const char *name;
	bool takes_vm;
	void (*run)(struct vm *vm);
} commands[] = {
	{ "list", false, cmd_list },
	{ "stats", true, cmd_stats },
	{ "stop", true, cmd_stop },
	{ "start", true, cmd_start },
	{ "mem", false, cmd_mem },      /* mem VM: its copied image pages */
	{ "focus", true, cmd_focus },
	{ "poweroff", false, cmd_poweroff },
	{ "help", false, cmd_help },
};

/* Runs one prompt line; false (close the prompt) for an empty one. */
static bool prompt_command(char *line)
{
	char *cmd = line, *arg;
	struct vm *vm = NULL;

	while (*cmd == ' ')
		cmd++;
	if (!*cmd)
		return false;
	for (arg = cmd; *arg && *arg != ' '; arg++)
		;
	if (*arg)
		*arg++ = '\0';
	while (*arg == ' ')
		arg++;
	for (char *end = arg + strlen(arg); end > arg && end[-1] == ' '; )
		*--end = '\0';

	if (strcmp(cmd, "numa") == 0) {         /* numa [VM POLICY | VM KEY=VALUE] */
		shell_numa(arg);
		return true;
	}
	for (unsigned int i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(cmd, commands[i].name) != 0)
			continue;
		/* a VM is needed where takes_vm, optional elsewhere */
		if (commands[i].takes_vm && !*arg)
			con_printf("disco: %s needs a VM (number or name)\n", cmd);
		else if (!*arg || (vm = find_vm(arg)))
			commands[i].run(vm);
		return true;
	}
	con_printf("disco: unknown command '%s'\n", cmd);
	prompt_help();
	return true;
}

static void open_prompt(void)
{
	prompting = true;
	prompt_len = 0;
	con_printf("disco> ");
}

/* A typed byte while the prompt is open: a line editor with backspace. */
static void prompt_input(int c)
{
	if (c == '\r' || c == '\n') {
		con_printf("\n");
		prompt_line[prompt_len] = '\0';
		if (prompt_command(prompt_line))
			open_prompt();
		else
			prompting = false;
	} else if (c == ESCAPE) {
		con_printf("\n");
		prompting = false;
	} else if (c == 0x7f || c == '\b') {
		if (prompt_len) {
			prompt_len--;
			con_printf("\b \b");
		}
	} else if (c >= ' ' && c < 0x7f && prompt_len + 1 < PROMPT_MAX) {
		prompt_line[prompt_len++] = (char)c;
		con_printf("%c", c);
	}
}

static void command(int c)
{
	if (c >= '1' && c <= '9' && (unsigned int)(c - '1') < vm_count) {
		set_focus((unsigned int)(c - '1'));
	} else if (c == 'l') {
		list_vms();
	} else if (c == ':') {
		open_prompt();
	} else if (c == 'q') {
		power_off();
	} else if (c == ESCAPE && vms[focus].state == VM_RUNNING) {
		mmio_console_input(&vms[focus], ESCAPE);
	} else {
		con_printf("disco: Ctrl-] then 1-9 (focus a VM), l (list), : (prompt), q (power off)\n");
	}
}

void vm_route_input(void)
{
	int c;

	while ((c = con_getc()) >= 0) {
		if (prompting) {
			prompt_input(c);
		} else if (escape) {
			escape = false;
			command(c);
		} else if (c == ESCAPE) {
			escape = true;
		} else if (focus < vm_count && vms[focus].state == VM_RUNNING) {
			mmio_console_input(&vms[focus], (uint8_t)c);
		}
	}
}
