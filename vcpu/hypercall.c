/*
 * Hypercalls (docs/guest-abi.md): the reserved COP0 instruction
 * 0x42000028 with the call number in v0 and arguments in a0..; the result
 * comes back in v0 (-1 for an unknown call). PC is already past it.
 */
#include "arch/board.h"
#include "arch/cache.h"
#include "arch/guest.h"
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

/*
 * Cache maintenance for a range, one call instead of a trap per line: the
 * lines of a range in the VM's cached window by machine address, page by
 * page; anything else (len 0, another segment, a range larger than the
 * cache) is done on the whole cache by index, which is never wrong.
 */
static void cache_sync(struct vcpu *v, struct trap_frame *f)
{
	unsigned int what = (unsigned int)f->regs[4];
	uint64_t va = f->regs[5], len = f->regs[6];
	int64_t gpa = guest_window_to_gpa(va);

	if (what & ~(ARCH_CACHE_DATA | ARCH_CACHE_INSN)) {
		f->regs[2] = (uint64_t)-1;
		return;
	}
	f->regs[2] = 0;
	if (!len || gpa < 0 || guest_window_to_gpa(va + len - 1) < 0 ||
	    len > arch_cache_size()) {
		arch_cache_sync_all(what);
		return;
	}
	while (len) {
		uint64_t in_page = PAGE_SIZE - ((uint64_t)gpa & (PAGE_SIZE - 1));
		uint64_t n = len < in_page ? len : in_page;
		uint32_t frame = pmap_lookup(&v->vm->pmap, (uint64_t)gpa);

		if (frame != PA_NONE)           /* not the VM's memory: nothing cached */
			arch_cache_sync_range(((uint64_t)frame << PAGE_SHIFT) |
					      ((uint64_t)gpa & (PAGE_SIZE - 1)), n, what);
		gpa += (int64_t)n;
		len -= n;
	}
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
	case HCALL_CACHE:
		cache_sync(v, f);
		return VCPU_CONTINUE;
	case HCALL_SHARED_PAGE:
		f->regs[2] = (uint64_t)(int64_t)vcpu_shared_register(v, f->regs[4]);
		return VCPU_CONTINUE;
	case HCALL_YIELD:
		f->regs[2] = 0;
		return VCPU_RESCHEDULE;
	default:
		f->regs[2] = (uint64_t)-1;
		return VCPU_CONTINUE;
	}
}
