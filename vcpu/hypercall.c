/*
 * Hypercalls (docs/guest-abi.md): the reserved COP0 instruction
 * 0x42000028 with the call number in v0 and arguments in a0..; the result
 * comes back in v0 (-1 for an unknown call). PC is already past it.
 */
#include "arch/addrspace.h"
#include "arch/board.h"
#include "arch/cache.h"
#include "arch/guest.h"
#include "arch/timer.h"
#include "vcpu/sched.h"
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
		const void *p = pmap_peek(&v->vm->pmap, (uint64_t)gpa);

		if (p)          /* not the VM's memory, or not backed: nothing cached */
			arch_cache_sync_range(virt_to_phys(p), n, what);
		gpa += (int64_t)n;
		len -= n;
	}
}

/*
 * The TLB sequences of a kernel's page-fault and flush paths, each one call
 * instead of 7 to 10 traps. Their effect on CP0 is what the instructions
 * would leave: HCALL_TLB_UPDATE is mtc0 EntryHi/EntryLo0/EntryLo1, tlbp,
 * then tlbwi at the probed index, or tlbwr; v0 = Index afterwards: the
 * index written on a hit, the probe's miss (P set) after a tlbwr.
 * HCALL_TLB_DROP is mtc0 EntryHi, tlbp, EntryLo0/1 = 0 and, on a hit, tlbwi
 * of the unmatchable EntryHi a1 + (index << a2); then EntryHi is put back;
 * v0 = the index, or -1. Under the TLB contract the pair also leaves the
 * l2tlb, hit or not (contract.c).
 */
static void tlb_update(struct vcpu *v, struct trap_frame *f)
{
	struct cp0 *c = &v->cp0;
	uint32_t now = arch_timer_count();

	cp0_write(c, CP0_REG_ENTRYHI, 0, true, now, f->regs[4]);
	cp0_write(c, CP0_REG_ENTRYLO0, 0, true, now, f->regs[5]);
	cp0_write(c, CP0_REG_ENTRYLO1, 0, true, now, f->regs[6]);
	vcpu_tlb_op(v, INSN_TLBP);
	vcpu_tlb_op(v, (c->index & CP0_INDEX_P) ? INSN_TLBWR : INSN_TLBWI);
	f->regs[2] = c->index;
}

static void tlb_drop(struct vcpu *v, struct trap_frame *f)
{
	struct cp0 *c = &v->cp0;
	uint32_t now = arch_timer_count();
	uint64_t old_entryhi = c->entryhi;

	cp0_write(c, CP0_REG_ENTRYHI, 0, true, now, f->regs[4]);
	vcpu_tlb_op(v, INSN_TLBP);
	cp0_write(c, CP0_REG_ENTRYLO0, 0, true, now, 0);
	cp0_write(c, CP0_REG_ENTRYLO1, 0, true, now, 0);
	f->regs[2] = (uint64_t)-1;
	if (!(c->index & CP0_INDEX_P)) {
		cp0_write(c, CP0_REG_ENTRYHI, 0, true, now,
			  f->regs[5] + (c->index << (f->regs[6] & 63)));
		vcpu_tlb_op(v, INSN_TLBWI);
		f->regs[2] = c->index;
	}
	vcpu_l2tlb_dropped(v, f->regs[4], f->regs[2] != (uint64_t)-1);
	cp0_write(c, CP0_REG_ENTRYHI, 0, true, now, old_entryhi);
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
	case HCALL_TLB_UPDATE:
		tlb_update(v, f);
		return VCPU_CONTINUE;
	case HCALL_TLB_DROP:
		tlb_drop(v, f);
		return VCPU_CONTINUE;
	case HCALL_TLB_CONTRACT:
		f->regs[2] = (uint64_t)vcpu_tlb_contract(v, f->regs[4]);
		return VCPU_CONTINUE;
	case HCALL_TLB_FLUSH:
		f->regs[2] = (uint64_t)vcpu_tlb_flush(v, f->regs[4], f->regs[5]);
		return VCPU_CONTINUE;
	case HCALL_YIELD:
		f->regs[2] = 0;
		return VCPU_RESCHEDULE;
	case HCALL_IPI:
		return vcpu_send_ipi(v, f);
	case HCALL_VCPU_START:
		return vcpu_start_other(v, f);
	case HCALL_VCPU_PARK:
		return vcpu_park(v, f);
	case HCALL_YIELD_TO:
		return sched_yield_to(v, f);
	case HCALL_COUNT_REAL:
		cp0_count_make_real(&v->cp0, arch_timer_count());
		f->regs[2] = 0;
		return VCPU_CONTINUE;
	default:
		f->regs[2] = (uint64_t)-1;
		return VCPU_CONTINUE;
	}
}
