/*
 * Exceptions reach the guest as the hardware would deliver them (MIPS64
 * Release 2, as QEMU's mips_cpu_do_interrupt does it): with EXL = 0, EPC and
 * Cause.BD are set and TLB refills use the refill vectors; with EXL = 1 (a
 * nested exception) everything goes to the general vector and EPC/BD are
 * left alone. The vectors are the guest's EBase read through its cached
 * direct-map window (docs/guest-abi.md); with Status.BEV = 1 they would be
 * in the boot ROM, which a VM does not have: the VM stops with a message.
 */
#include "arch/guest.h"
#include "arch/timer.h"
#include "arch/cpu.h"
#include "monitor/console.h"
#include "vcpu/vcpu.h"

#define CAUSE_EXCCODE_MASK (0x1fu << 2)
#define CAUSE_CE_MASK      (3u << 28)
#define CAUSE_BD_BIT       0x80000000u
#define CAUSE_IV_BIT       (1u << 23)
#define CAUSE_IP_MASK      (0xffu << 8)
#define EBASE_BASE_MASK    0x1ffff000u      /* physical part of EBase */
#define DEVICE_LINES       ((0x1fu << 10) & ~VCPU_IPI_LINE)     /* IP2, IP4..IP6 */

enum { VEC_OFF_REFILL = 0x000, VEC_OFF_XREFILL = 0x080, VEC_OFF_GENERAL = 0x180,
       VEC_OFF_INTERRUPT = 0x200 };

/* Enters the guest's vector at offset with ExcCode code (and CE). */
static void enter_vector(struct vcpu *v, struct trap_frame *f, unsigned int code,
			 unsigned int ce, bool bd, unsigned int offset)
{
	struct cp0 *c = &v->cp0;

	if (c->status & CP0_ST_EXL) {
		offset = VEC_OFF_GENERAL;       /* nested: EPC and BD stay */
	} else {
		c->epc = f->epc;
		c->cause = bd ? (c->cause | CAUSE_BD_BIT) : (c->cause & ~CAUSE_BD_BIT);
	}
	c->cause = (c->cause & ~(uint64_t)CAUSE_EXCCODE_MASK) | code << 2;
	if (code == EXC_CPU)    /* CE changes only for CpU (QEMU) */
		c->cause = (c->cause & ~(uint64_t)CAUSE_CE_MASK) | (uint64_t)ce << 28;
	c->status |= CP0_ST_EXL;
	v->stats.reflected[code]++;
	if (c->status & CP0_ST_BEV) {
		con_printf("disco: vm %s: vcpu %u: exception %u at %lx with Status.BEV = 1 (a VM has no boot ROM)\n",
			   v->vm->cfg.name, v->id, code, (unsigned long)f->epc);
		vcpu_stop_vm(v, 1, "exception with BEV = 1");
		return;
	}
	f->epc = GUEST_CACHED_BASE + (c->ebase & EBASE_BASE_MASK) + offset;
	f->cause &= ~CAUSE_BD_BIT;
}

/* The interrupt vector with Cause.IV: 0x200, or with IntCtl.VS spacing
 * (and BEV = 0) one vector per line, the highest pending enabled line's
 * (QEMU's mips_cpu_do_interrupt; this CPU has no VEIC). */
static unsigned int interrupt_offset(const struct cp0 *c)
{
	unsigned int spacing = (unsigned int)(c->intctl >> 5) & 0x1f;
	uint32_t pending = (uint32_t)(c->cause & c->status & CAUSE_IP_MASK) >> 8;
	unsigned int vector = 0;

	if ((c->status & CP0_ST_BEV) || spacing == 0)
		return VEC_OFF_INTERRUPT;
	while (pending >>= 1)
		vector++;
	return VEC_OFF_INTERRUPT + vector * (spacing << 5);
}

void vcpu_deliver(struct vcpu *v, struct trap_frame *f, unsigned int code, bool bd)
{
	unsigned int offset = VEC_OFF_GENERAL;

	if (code == EXC_INT && (v->cp0.cause & CAUSE_IV_BIT))
		offset = interrupt_offset(&v->cp0);
	enter_vector(v, f, code, 0, bd, offset);
}

void vcpu_deliver_cpu(struct vcpu *v, struct trap_frame *f, unsigned int ce, bool bd)
{
	enter_vector(v, f, EXC_CPU, ce, bd, VEC_OFF_GENERAL);
}

void vcpu_deliver_address_error(struct vcpu *v, struct trap_frame *f,
				unsigned int code, uint64_t badvaddr, bool segment, bool bd)
{
	/* QEMU's raise_mmu_exception sets Context/XContext/EntryHi for a
	 * segment violation too; an unaligned access sets BadVAddr only. */
	if (segment)
		cp0_set_tlb_fault(&v->cp0, badvaddr);
	else
		v->cp0.badvaddr = badvaddr;
	enter_vector(v, f, code, 0, bd, VEC_OFF_GENERAL);
}

void vcpu_deliver_tlb(struct vcpu *v, struct trap_frame *f, unsigned int code,
		      uint64_t badvaddr, bool refill, bool bd)
{
	unsigned int offset = VEC_OFF_GENERAL;

	cp0_set_tlb_fault(&v->cp0, badvaddr);
	if (refill)
		offset = guest_refill_is_xtlb(badvaddr, (uint32_t)v->cp0.status) ?
			 VEC_OFF_XREFILL : VEC_OFF_REFILL;
	enter_vector(v, f, code, 0, bd, offset);
}

bool vcpu_interrupt_pending(const struct vcpu *v)
{
	return v->cp0.cause & v->cp0.status & CAUSE_IP_MASK;
}

bool vcpu_interrupt_deliverable(struct vcpu *v)
{
	return vcpu_interrupt_pending(v) &&
	       (v->cp0.status & (CP0_ST_IE | CP0_ST_EXL | CP0_ST_ERL)) == CP0_ST_IE;
}

/*
 * The device lines a vCPU sees: each line goes to the first vCPU whose
 * Status has it unmasked (IM), else to vCPU 0, so one vCPU at a time sees
 * a device interrupt. An SMP Linux unmasks a CPU-interrupt-controller
 * line on the CPU that happens to run request_irq (a driver's first
 * open), not necessarily CPU 0, and the UART's and the disks' lines may
 * be unmasked on different CPUs.
 */
static uint32_t device_lines_for(const struct vcpu *v, uint32_t lines)
{
	const struct vm *vm = v->vm;
	uint32_t mine = 0;

	if (vm->cfg.vcpus == 1)
		return lines;
	for (uint32_t left = lines; left; left &= left - 1) {
		uint32_t bit = left & -left;
		unsigned int to = 0;

		for (unsigned int id = 0; id < vm->cfg.vcpus; id++) {
			const struct vcpu *t = vm->vcpu[id];

			if (t && t->state != VCPU_STOPPED && (t->cp0.status & bit)) {
				to = id;
				break;
			}
		}
		if (to == v->id)
			mine |= bit;
	}
	return mine;
}

void vcpu_sync_lines(struct vcpu *v)
{
	uint32_t lines = v->vm->irq_lines;

	if (v->vm->virtio_irq)
		lines |= 1u << (8 + VM_VIRTIO_IP);
	lines &= DEVICE_LINES;
	if (lines)
		lines = device_lines_for(v, lines);
	v->cp0.cause = (v->cp0.cause & ~(uint64_t)DEVICE_LINES) | lines;
	/* the IPI line: up while the shared area's ipi is not 0 (the guest
	 * clears it itself); only for vCPUs that registered one */
	if (v->shared) {
		if (v->shared->ipi)
			v->cp0.cause |= VCPU_IPI_LINE;
		else
			v->cp0.cause &= ~(uint64_t)VCPU_IPI_LINE;
	}
}

void vcpu_check_interrupts(struct vcpu *v, struct trap_frame *f)
{
	vcpu_sync_lines(v);
	cp0_timer_update(&v->cp0, arch_timer_count());
	if (vcpu_interrupt_deliverable(v))
		vcpu_deliver(v, f, EXC_INT, f->cause & CAUSE_BD_BIT);
}
