/*
 * The hypercalls of SMP guests (docs/guest-abi.md): inter-processor
 * interrupts between the vCPUs of a VM, and starting a parked vCPU.
 *
 * An IPI is Disco's kind: no device, a word in each target's shared area
 * (`ipi`) that the sender's hypercall ORs bits into, and an interrupt line
 * (VCPU_IPI_LINE) that is up while the word is not 0; the target's handler
 * takes the bits with an atomic exchange, which lowers the line at its
 * next trap. The target notices at its next entry into the monitor: at
 * once if it traps, at its CPU's next tick (1 ms) if it computes or waits
 * on an idle CPU (malta has no interrupt between CPUs for this CPU model,
 * monitor/xcall.h). The monitor writes the word with an atomic OR on the
 * machine page, the guest with ll/sc on the same page: neither loses the
 * other's bits.
 *
 * Secondary vCPUs of Linux park themselves at boot (HCALL_VCPU_PARK)
 * until the boot vCPU starts each at its entry with its stack and thread
 * pointer (HCALL_VCPU_START). A parked vCPU is not on any CPU: its
 * registers are in its structure (sched.c parks it), where the starter
 * writes pc, sp and gp before making it runnable.
 */
#include "arch/atomic.h"
#include "arch/fast.h"
#include "monitor/console.h"
#include "vcpu/sched.h"
#include "vcpu/vcpu.h"

#define REG_A0 4
#define REG_A1 5
#define REG_A2 6
#define REG_A3 7
#define REG_V0 2
#define REG_GP 28
#define REG_SP 29

enum vcpu_action vcpu_send_ipi(struct vcpu *v, struct trap_frame *f)
{
	struct vm *vm = v->vm;
	uint64_t targets = f->regs[REG_A0];
	uint32_t bits = (uint32_t)f->regs[REG_A1];
	uint64_t all = vm->cfg.vcpus >= 64 ? ~0ull : (1ull << vm->cfg.vcpus) - 1;
	int64_t result = 0;

	if (targets & ~all) {   /* names a vCPU the VM does not have: nothing sent */
		f->regs[REG_V0] = (uint64_t)-1;
		return VCPU_CONTINUE;
	}
	for (unsigned int id = 0; targets; id++, targets >>= 1) {
		struct vcpu *t;

		if (!(targets & 1))
			continue;
		t = vm->vcpu[id];
		if (!t || !t->shared) {
			result = -1;    /* one that cannot take it: the others do */
			continue;
		}
		if (bits) {
			atomic_fetch_or(&t->shared->ipi, bits);
			if (t->cpu != v->cpu)
				arch_fast_kick(t->cpu);    /* its next trap looks */
		}
		v->stats.ipis_sent++;
	}
	f->regs[REG_V0] = (uint64_t)result;
	return VCPU_CONTINUE;
}

enum vcpu_action vcpu_start_other(struct vcpu *v, struct trap_frame *f)
{
	uint64_t id = f->regs[REG_A0];
	struct vcpu *t;

	f->regs[REG_V0] = (uint64_t)-1;
	if (id >= v->vm->cfg.vcpus || id == v->id || !(t = v->vm->vcpu[id]))
		return VCPU_CONTINUE;
	/* PARKED -> STARTING claims it: its registers are ours to write (a
	 * vCPU of a stopping VM is STOPPED, and stays so) */
	if (atomic_cmpxchg((volatile uint32_t *)&t->state, VCPU_PARKED, VCPU_STARTING) != VCPU_PARKED) {
		con_printf("disco: vm %s: vcpu %u: start of vcpu %lu refused: it is not parked (state %u%s)\n",
			   v->vm->cfg.name, v->id, (unsigned long)id, (unsigned int)t->state,
			   t->parking ? ", parking" : "");
		return VCPU_CONTINUE;
	}
	t->regs.epc = f->regs[REG_A1];
	t->regs.regs[REG_SP] = f->regs[REG_A2];
	t->regs.regs[REG_GP] = f->regs[REG_A3];
	smp_mb();
	atomic_cmpxchg((volatile uint32_t *)&t->state, VCPU_STARTING, VCPU_RUNNABLE);
	f->regs[REG_V0] = 0;
	return VCPU_CONTINUE;
}

enum vcpu_action vcpu_park(struct vcpu *v, struct trap_frame *f)
{
	f->regs[REG_V0] = 0;    /* what it finds if it is started */
	v->parking = true;      /* sched.c saves its registers, lets go of it, */
	return VCPU_RESCHEDULE; /* and only then makes it VCPU_PARKED */
}
