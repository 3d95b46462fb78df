/*
 * The per-CPU fast-path areas (see arch/fast.h) and what the C code keeps
 * in them for fastpath.S: arch_fast_enter() decides, on every return to a
 * guest, whether the assembly may take that guest's next syscall, eret or
 * rdhwr $29 by itself, and precomputes what those paths would otherwise
 * have to work out (the vector, the Cause after a syscall, the real Status,
 * one Count deadline for the slice and the virtual timer).
 */
#include <stddef.h>
#include "arch/atomic.h"
#include "arch/fast.h"
#include "arch/guest.h"
#include "arch/mipsregs.h"
#include "arch/timer.h"
#include "arch/vcpu.h"
#include "monitor/xcall.h"
#include "vcpu/vcpu.h"

struct arch_fast arch_fast[MAX_CPUS];

#define EBASE_BASE_MASK 0x1ffff000u     /* as exception.c */
#define VEC_GENERAL     0x180u
#define INSN_ERET_WORD  0x42000018u     /* eret */
#define INSN_RDHWR_WORD 0x7c03e83bu     /* rdhwr $3, $29 (GCC's TLS access) */

_Static_assert(sizeof(((struct arch_fast *)0)->dummy_shared) == sizeof(struct vcpu_shared),
	       "the dummy shared area");

/* Status bits that, set, keep the fast paths off: ERL and BEV (the C path
 * handles them) and supervisor mode (KSU = 1 or 3: moving in or out of it
 * changes what the real TLB may hold, vcpu_tlb_follow_status). (CU0, which
 * Linux keeps set in kernel mode, matters in user mode only: rdhwr checks
 * it.) */
#define STATUS_OFF (ST0_ERL | ST0_BEV | ST0_KSU_SUPERVISOR)

/*
 * Real Count at which the next trap must go through C: the end of the
 * slice, or the moment the virtual Count reaches Compare after the value
 * cp0_timer_update last saw (when it would set Cause.TI), whichever comes
 * first; now if either has passed. At most one slice ahead, so the signed
 * comparison fastpath.S makes cannot wrap before a tick brings C back.
 */
static uint32_t deadline(const struct cp0 *c, uint32_t now, uint32_t slice_end)
{
	uint32_t left = slice_end - now;

	if ((int32_t)left <= 0)
		return now;
	if (!(c->cause & CP0_CAUSE_DC)) {       /* a stopped Count never fires */
		uint32_t dist = (uint32_t)c->compare - c->timer_seen;   /* 0: 2^32 */
		uint32_t seen = now - (c->timer_seen + c->count_bias);  /* real ticks ago */

		if (dist && dist <= seen)
			return now;             /* due already: C sets TI */
		if (dist && dist - seen < left)
			left = dist - seen;
	}
	return now + left;
}

/* What turns the fast paths off for v, but its Status (derived()'s). */
static bool fast_allowed(const struct vcpu *v)
{
	return v->state == VCPU_RUNNABLE && v->vm->state == VM_RUNNING;
}

/* Whether the fields from shared to pending (arch/fast.h) were computed
 * from v's Status, Cause and EBase as they are (the rest they depend on --
 * CU1 against fpu_live, the real Status -- follows from those). */
static bool derived(const struct arch_fast *a, const struct vcpu *v)
{
	const struct cp0 *c = &v->cp0;

	return a->from.vcpu == v && a->from.shared == (const void *)v->shared &&
	       a->from.status == c->status && a->from.cause == c->cause &&
	       a->from.ebase == c->ebase;
}

/* The paths on for v until its next trap: deadline, then v (arch/fast.h). */
static void publish(struct arch_fast *a, struct vcpu *v, uint32_t slice_end)
{
	a->deadline = deadline(&v->cp0, arch_timer_count(), slice_end);
	smp_mb();
	a->vcpu = v;
	smp_mb();
	if (*a->mailbox)                /* posted since this entry's poll */
		a->vcpu = 0;
}

/* derived() is false: compute the fields again, then publish (unless
 * Status or `trapsites` keep the fast paths off). */
static void __attribute__((noinline)) derive_and_publish(struct arch_fast *a, struct vcpu *v,
							 uint32_t real_status, uint32_t slice_end)
{
	const struct cp0 *c = &v->cp0;
	uint32_t status = (uint32_t)c->status;

	a->from.vcpu = v;
	a->from.shared = (const void *)v->shared;
	a->from.status = c->status;
	a->from.cause = c->cause;
	a->from.ebase = c->ebase;
	a->from.off = (status & STATUS_OFF) || vcpu_trap_sites_on;
	if (a->from.off)
		return;
	if (v->shared) {
		a->shared = (void *)v->shared;
	} else {
		struct vcpu_shared *dummy = (struct vcpu_shared *)a->dummy_shared;

		dummy->ie = status & ST0_IE;
		a->shared = dummy;
	}
	a->vector = GUEST_CACHED_BASE + (c->ebase & EBASE_BASE_MASK) + VEC_GENERAL;
	a->cause_sys = (c->cause & ~(uint64_t)(CAUSE_BD | CAUSE_EXCCODE)) |
		       (uint64_t)EXC_SYS << CAUSE_EXCCODE_SHIFT;
	a->fixed_mask = STATUS_OFF | ST0_SX | ST0_UX | ST0_PX | ST0_FR |
			(v->fpu_live ? 0 : ST0_CU1);
	a->fixed = status & a->fixed_mask;
	/* arch_guest_status() of virtual kernel mode: real_status (what this
	 * return uses) in supervisor mode, without CU1, with EXL */
	a->real_base = (real_status & ~(uint32_t)(ST0_KSU | ST0_CU1)) |
		       ST0_KSU_SUPERVISOR | ST0_EXL;
	a->pending = (c->cause & c->status & CAUSE_IP) != 0;  /* vcpu_interrupt_pending */
	publish(a, v, slice_end);
}

void arch_fast_init(void)
{
	struct arch_fast *a = arch_fast_this();

	a->vcpu = 0;
	a->insn_eret = INSN_ERET_WORD;
	a->insn_rdhwr = INSN_RDHWR_WORD;
	a->status_rw = CP0_STATUS_RW;
	a->mailbox = xcall_pending_word(arch_cpu_id());
}

void arch_fast_enter(struct vcpu *v, uint32_t real_status, uint32_t slice_start,
		     uint32_t slice_len)
{
	struct arch_fast *a = arch_fast_this();

	a->vcpu = 0;
	if (!fast_allowed(v))
		return;
	if (!derived(a, v))
		return derive_and_publish(a, v, real_status, slice_start + slice_len);
	if (!a->from.off)
		publish(a, v, slice_start + slice_len);
}

void arch_fast_kick(unsigned int cpu)
{
	smp_mb();
	arch_fast[cpu].vcpu = 0;
}

/* fastpath.S reaches these with 16-bit offsets from the vCPU's address. */
_Static_assert(offsetof(struct vcpu, ll_fresh) < 32768 &&
	       offsetof(struct vcpu, stats.reflected[EXC_SYS]) < 32768,
	       "vCPU fields fastpath.S uses");
