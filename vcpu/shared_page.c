/*
 * The area a paravirtual guest shares with the monitor (HCALL_SHARED_PAGE,
 * docs/guest-abi.md), Disco's answer to privileged registers on hot paths:
 *  - Status.IE lives in it, so the guest masks and unmasks interrupts with
 *    plain stores instead of trapping di/ei. The monitor takes the flag
 *    into the vCPU's Status on every trap and puts it back, with `pending`
 *    (an interrupt waits for IE), before the guest runs again.
 *  - Status, Cause, EPC and BadVAddr are written there before the guest
 *    runs, so its exception entry reads them with loads: the guest changes
 *    them only by trapping (or through `ie`), so they are always current.
 *  - The guest may leave the Status and EPC for its next eret there
 *    (eret_set): its return from an exception is one trap, not four.
 *  - The guest may leave a new Status there (status_set), which the next
 *    trap applies before anything else: the move to kernel mode after an
 *    exception (clearing EXL) costs no trap. Until then the monitor acts on
 *    the old Status, which only delays an interrupt the guest then takes
 *    (it traps when `pending` is set after unmasking).
 *  - The guest may keep its current thread pointer there (tp, with tp_set):
 *    a user program's rdhwr $29 (this CPU has no UserLocal) then reads it
 *    in one trap the monitor answers, instead of the guest's RI handler.
 */
#include <stddef.h>
#include "arch/timer.h"
#include "vcpu/vcpu.h"

_Static_assert(sizeof(struct vcpu_shared) == 128, "the guest ABI's layout");
_Static_assert(offsetof(struct vcpu_shared, status_set) == 72 &&
	       offsetof(struct vcpu_shared, tp_set) == 76 &&
	       offsetof(struct vcpu_shared, tp) == 80 &&
	       offsetof(struct vcpu_shared, context) == 88 &&
	       offsetof(struct vcpu_shared, ipi) == 96 &&
	       offsetof(struct vcpu_shared, guest_cpuid) == 104 &&
	       offsetof(struct vcpu_shared, siblings_here) == 112, "the guest ABI's layout");

int vcpu_shared_register(struct vcpu *v, uint64_t gpa)
{
	void *p;

	if (gpa & (sizeof(struct vcpu_shared) - 1))
		return -1;      /* aligned to its size: inside one page */
	/* the monitor and its fast paths keep this pointer: the page never
	 * moves (page_move.h) */
	if (!(p = pmap_pin(&v->vm->pmap, gpa)))
		return -1;
	if (v->shared && v->shared_gpa >> PAGE_SHIFT != gpa >> PAGE_SHIFT)
		vcpu_tlb_forget_self(v);        /* the self page changes */
	v->shared = p;
	v->shared_gpa = gpa;
	vcpu_shared_store(v);
	return 0;
}

void vcpu_shared_load_area(struct vcpu *v)
{
	if (v->shared->status_set) {
		cp0_write(&v->cp0, CP0_REG_STATUS, 0, true, arch_timer_count(),
			  v->shared->status_next);
		v->shared->status_set = 0;
		vcpu_tlb_follow_status(v);      /* this trap may fill the TLB */
	}
	if (v->shared->ie & 1)
		v->cp0.status |= CP0_ST_IE;
	else
		v->cp0.status &= ~(uint64_t)CP0_ST_IE;
}

void vcpu_shared_store_area(struct vcpu *v)
{
	v->shared->ie = (v->cp0.status & CP0_ST_IE) ? 1 : 0;
	v->shared->pending = vcpu_interrupt_pending(v);
	v->shared->status = v->cp0.status;
	v->shared->cause = v->cp0.cause;
	v->shared->epc = v->cp0.epc;
	v->shared->badvaddr = v->cp0.badvaddr;
	v->shared->context = v->cp0.context;
}

void vcpu_shared_eret(struct vcpu *v)
{
	uint32_t now;

	if (!v->shared || !v->shared->eret_set)
		return;
	now = arch_timer_count();
	cp0_write(&v->cp0, CP0_REG_STATUS, 0, true, now, v->shared->eret_status);
	cp0_write(&v->cp0, CP0_REG_EPC, 0, true, now, v->shared->eret_epc);
	v->shared->eret_set = 0;
}
