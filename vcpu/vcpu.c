/*
 * vCPU traps (see vcpu.h).
 */
#include "arch/cpu.h"
#include "arch/guest.h"
#include "arch/vcpu.h"
#include "monitor/console.h"
#include "monitor/monitor.h"
#include "monitor/percpu.h"
#include "monitor/string.h"
#include "vcpu/decode.h"
#include "vcpu/vcpu.h"

static struct vcpu vcpus[MAX_CPUS];     /* the vCPU each CPU runs */

static struct vcpu *current(void)
{
	return &vcpus[arch_cpu_id()];
}

void vcpu_run(struct vm *vm)
{
	struct vcpu *v = current();

	memset(v, 0, sizeof(*v));
	v->vm = vm;
	v->regs.epc = vm->entry;
	v->regs.status = guest_initial_status();
	con_printf("disco: vm %s: starting on cpu %u at %lx\n", vm->cfg.name,
		   arch_cpu_id(), (unsigned long)vm->entry);
	arch_guest_enter(&v->regs);
}

/* Stops the VM; with one VM running, the machine ends with its status. */
static void stop(struct vcpu *v, int status, const char *why)
{
	con_printf("disco: vm %s: %s (exit status %d); traps:", v->vm->cfg.name,
		   why, status);
	for (int i = 0; i < 32; i++)
		if (v->traps[i])
			con_printf(" exc%d=%lu", i, (unsigned long)v->traps[i]);
	con_printf(" hypercalls=%lu\n", (unsigned long)v->hypercalls);
	monitor_halt(status);
}

/* Guest-physical address of a direct-map address, checked against the VM. */
static int64_t window_gpa(const struct vcpu *v, uint64_t va)
{
	int64_t gpa = guest_window_to_gpa(va);

	if (gpa < 0 || (uint64_t)gpa >= ((uint64_t)v->vm->pmap.npages << PAGE_SHIFT))
		return -1;
	return gpa;
}

static void map_window(struct vcpu *v, struct trap_frame *f)
{
	int64_t gpa = window_gpa(v, f->badvaddr);
	uint64_t pair;

	if (gpa < 0)
		stop(v, 1, "access outside its memory");
	pair = (uint64_t)gpa & ~(2 * PAGE_SIZE - 1);
	arch_tlb_map_pair(f->badvaddr, pmap_lookup(&v->vm->pmap, pair),
			  pmap_lookup(&v->vm->pmap, pair + PAGE_SIZE));
}

/* Copies len bytes from the guest's direct map at va. 0, or -1 if any
 * byte lies outside the VM. */
static int read_guest(const struct vcpu *v, uint64_t va, void *buf, uint64_t len)
{
	int64_t gpa = window_gpa(v, va);

	return gpa < 0 ? -1 : pmap_read(&v->vm->pmap, (uint64_t)gpa, buf, len);
}

/* Reads a 32-bit word of the guest's direct map (aligned), or -1. */
static int64_t read_guest_word(const struct vcpu *v, uint64_t va)
{
	uint32_t word;

	if ((va & 3) || read_guest(v, va, &word, sizeof(word)))
		return -1;
	return word;
}

static void console_write(struct vcpu *v, uint64_t va, uint64_t len)
{
	char buf[128];

	if (len > sizeof(buf) - 1)
		len = sizeof(buf) - 1;
	if (read_guest(v, va, buf, len))
		stop(v, 1, "console write outside its memory");
	buf[len] = '\0';
	con_printf("[%s] %s", v->vm->cfg.name, buf);
}

static void hypercall(struct vcpu *v, struct trap_frame *f)
{
	v->hypercalls++;
	switch (f->regs[2]) {
	case HCALL_CONSOLE_WRITE:
		console_write(v, f->regs[4], f->regs[5]);
		f->regs[2] = 0;
		break;
	case HCALL_EXIT:
		stop(v, (int)f->regs[4], "powered off");
		break;
	default:
		f->regs[2] = (uint64_t)-1;
		break;
	}
}

static void coprocessor_unusable(struct vcpu *v, struct trap_frame *f)
{
	int64_t word = read_guest_word(v, f->epc);
	struct insn in;

	if (word < 0)
		stop(v, 1, "instruction fetch outside its memory");
	if (f->cause & CAUSE_BD)
		stop(v, 1, "privileged instruction in a delay slot (not emulated yet)");
	insn_decode((uint32_t)word, &in);
	if (in.kind != INSN_HYPERCALL)
		stop(v, 1, "privileged instruction (not emulated yet)");
	hypercall(v, f);
	f->epc += 4;
}

void vcpu_trap(struct trap_frame *f)
{
	struct vcpu *v = current();
	unsigned int code = (f->cause & CAUSE_EXCCODE) >> CAUSE_EXCCODE_SHIFT;

	v->traps[code]++;
	switch (code) {
	case EXC_INT:
		break;          /* the monitor's tick: already handled */
	case EXC_TLBL:
	case EXC_TLBS:
		map_window(v, f);
		break;
	case EXC_CPU:
		coprocessor_unusable(v, f);
		break;
	default:
		stop(v, 1, "exception not handled yet");
	}
}
