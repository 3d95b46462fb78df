/*
 * Hypercalls (docs/guest-abi.md): the reserved COP0 instruction
 * 0x42000028 with the call number in v0 and arguments in a0..; the result
 * comes back in v0 (-1 for an unknown call). PC is already past it.
 */
#include "arch/board.h"
#include "arch/timer.h"
#include "vcpu/vcpu.h"

#define CONSOLE_WRITE_MAX 4096

static enum vcpu_action console_write(struct vcpu *v, struct trap_frame *f)
{
	uint64_t va = f->regs[4], len = f->regs[5];
	char buf[128];

	if (len > CONSOLE_WRITE_MAX)
		len = CONSOLE_WRITE_MAX;
	f->regs[2] = len;
	while (len) {
		uint64_t n = len < sizeof(buf) ? len : sizeof(buf);
		if (vcpu_read_virtual(v, va, buf, n)) {
			f->regs[2] = (uint64_t)-1;
			break;
		}
		for (uint64_t i = 0; i < n; i++)
			vm_console_put(v->vm, buf[i]);
		va += n;
		len -= n;
	}
	return VCPU_CONTINUE;
}

enum vcpu_action vcpu_hypercall(struct vcpu *v, struct trap_frame *f)
{
	v->stats.hypercalls++;
	switch (f->regs[2]) {
	case HCALL_CONSOLE_WRITE:
		return console_write(v, f);
	case HCALL_EXIT:
		vcpu_stop_vm(v, (int)f->regs[4], "powered off");
		return VCPU_RESCHEDULE;
	case HCALL_REBOOT:
		vcpu_stop_vm(v, (int)f->regs[4], "rebooted (a VM reboot ends it)");
		return VCPU_RESCHEDULE;
	case HCALL_TIMER_HZ:
		f->regs[2] = arch_counter_hz();
		return VCPU_CONTINUE;
	case HCALL_YIELD:
		f->regs[2] = 0;
		return VCPU_RESCHEDULE;
	default:
		f->regs[2] = (uint64_t)-1;
		return VCPU_CONTINUE;
	}
}
