/*
 * Emulation of the privileged instructions a guest kernel executes in
 * supervisor mode (they trap as Coprocessor Unusable, rdhwr as Reserved
 * Instruction), and of loads and stores to emulated device registers.
 *
 * One place advances the guest's PC: finish(). For an instruction in a
 * branch delay slot (Cause.BD, EPC at the branch) the branch is evaluated
 * first, on the registers as they were, then the slot is emulated, then
 * control goes to the target or past the slot. A slot that trapped belongs
 * to a branch that was taken or is not "likely" (a not-taken likely branch
 * nullifies its slot), so no special case remains for branch-likely.
 */
#include "arch/cpu.h"
#include "arch/timer.h"
#include "devices/mmio.h"
#include "vcpu/vcpu.h"

#define HWRENA_CPUNUM   0
#define HWRENA_SYNCI    1
#define HWRENA_CC       2
#define HWRENA_CCRES    3
#define HWRENA_ULR      29
#define SYNCI_STEP      32      /* bytes (MIPS64R2-generic) */
#define CC_RES          2       /* Count ticks once every 2 cycles */

struct slot {
	uint64_t pc;            /* the instruction being emulated */
	bool bd;                /* it is in a delay slot */
	bool taken;             /* the branch's outcome (bd only) */
	uint64_t target;
};

static void set_reg(struct trap_frame *f, unsigned int r, uint64_t value)
{
	if (r)
		f->regs[r] = value;
}

static int64_t sign32(uint64_t v)
{
	return (int32_t)(uint32_t)v;
}

/* Past the emulated instruction: through the branch if it was in a slot. */
static void finish(struct trap_frame *f, const struct slot *s)
{
	if (s->bd)
		f->epc = s->taken ? s->target : s->pc + 4;
	else
		f->epc = s->pc + 4;
	f->cause &= ~CAUSE_BD;
}

/* mfc0/dmfc0: a register this CPU lacks reads as all ones (cp0_read
 * says so); to $0 it is a nop, as in QEMU, which leaves Random alone. */
static void mfc0(struct vcpu *v, struct trap_frame *f, const struct insn *in, bool is64)
{
	uint64_t value;

	if (in->rt == 0)
		return;
	if (in->rd == CP0_REG_LLADDR)
		v->cp0.lladdr = vcpu_guest_lladdr(v);
	/* The device lines are Cause's alone (the return to the guest syncs
	 * them anyway, before anything else reads Cause) */
	if (in->rd == CP0_REG_CAUSE)
		vcpu_sync_lines(v);
	cp0_read(&v->cp0, in->rd, in->sel, is64, arch_timer_count(), &value);
	set_reg(f, in->rt, value);
}

static void mtc0(struct vcpu *v, struct trap_frame *f, const struct insn *in, bool is64)
{
	cp0_write(&v->cp0, in->rd, in->sel, is64, arch_timer_count(), f->regs[in->rt]);
}

/*
 * A TLB instruction: the real TLB must lose whatever the guest entries it
 * replaces or discards produced (the entry written, and QEMU's shadow
 * entries that tlbp/tlbr/tlbw* drop: vtlb.h); they refill from the virtual
 * TLB on the next access.
 */
void vcpu_tlb_op(struct vcpu *v, enum insn_kind kind)
{
	struct vtlb *t = &v->tlb;
	unsigned int shadows = t->nr_shadow, index;
	struct vtlb_entry old;

	switch (kind) {
	case INSN_TLBP:
		vtlb_probe(t, &v->cp0);
		break;
	case INSN_TLBR:
		vtlb_read(t, &v->cp0);
		break;
	case INSN_TLBWI:
		index = (unsigned int)((v->cp0.index & 0x7fffffffu) % t->size);
		vcpu_tlb_forget(v, &t->e[index]);
		vtlb_write(t, &v->cp0, index);
		vcpu_l2tlb_written(v, &t->e[index]);
		break;
	default:                /* tlbwr: the old entry may live on as a shadow */
		index = vtlb_write_random(t, &v->cp0, &old);
		if (t->nr_shadow > shadows)
			shadows = t->nr_shadow;
		else
			vcpu_tlb_forget(v, &old);
		vcpu_l2tlb_written(v, &t->e[index]);
		break;
	}
	for (unsigned int k = t->nr_shadow; k < shadows; k++)
		vcpu_tlb_forget(v, &t->shadow[k]);
}

/* Whether the guest may execute COP0 instructions: virtual kernel mode, or
 * Status.CU0 set. */
static bool cop0_usable(const struct vcpu *v)
{
	return guest_mode_of((uint32_t)v->cp0.status) == GM_KERNEL ||
	       (v->cp0.status & (1u << 28));
}

static uint64_t rdhwr_value(struct vcpu *v, unsigned int reg, bool *ok)
{
	*ok = true;
	switch (reg) {
	case HWRENA_CPUNUM: return v->id;
	case HWRENA_SYNCI: return SYNCI_STEP;
	case HWRENA_CC: return sign32(cp0_count(&v->cp0, arch_timer_count()));
	case HWRENA_CCRES: return CC_RES;
	case HWRENA_ULR: return 0;      /* UserLocal: none, reads 0 (QEMU) */
	}
	*ok = false;
	return 0;
}

/* The thread pointer the guest kernel publishes in its shared area for
 * rdhwr $29 in user mode (docs/guest-abi.md), if it does. fastpath.S
 * answers the same way. */
static bool published_tp(const struct vcpu *v, unsigned int reg, uint64_t *tp)
{
	if (reg != HWRENA_ULR || !v->shared || !v->shared->tp_set ||
	    guest_mode_of((uint32_t)v->cp0.status) != GM_USER)
		return false;
	*tp = v->shared->tp;
	return true;
}

/* rdhwr: allowed with COP0 usable or by HWREna (whose bit 29 cannot be set
 * on this CPU), else, and for registers the CPU lacks, Reserved
 * Instruction: QEMU's gen_rdhwr and check_hwrena. The exception is UserLocal
 * in user mode with a published thread pointer: what the guest's RI handler
 * would answer, without it. */
static enum vcpu_action rdhwr(struct vcpu *v, struct trap_frame *f,
			      const struct insn *in, const struct slot *s)
{
	bool allowed = cop0_usable(v) || (v->cp0.hwrena & (1ull << in->rd));
	bool ok;
	uint64_t value = rdhwr_value(v, in->rd, &ok);

	if (!allowed && published_tp(v, in->rd, &value))
		allowed = true;
	if (!allowed || !ok) {
		vcpu_deliver(v, f, EXC_RI, s->bd);
		return VCPU_CONTINUE;
	}
	set_reg(f, in->rt, value);
	finish(f, s);
	return VCPU_CONTINUE;
}

/* eret: to ErrorEPC or EPC; the LL link breaks (QEMU sets LLAddr to 1; the
 * monitor's own eret back to the guest breaks the real one). */
static enum vcpu_action eret(struct vcpu *v, struct trap_frame *f)
{
	vcpu_shared_eret(v);
	f->epc = cp0_eret(&v->cp0);
	v->ll_fresh = false;
	f->cause &= ~CAUSE_BD;
	return VCPU_CONTINUE;
}

#define REG_K0 26
#define REG_K1 27

/* The refill write (docs/guest-abi.md): a guest refill handler's end in
 * one trap. EntryLo0/1 from k0/k1 as dmtc0 writes them, tlbwr (EntryHi is
 * what the refill set), the pair of BadVAddr into the real TLB at once
 * (its access would miss there next), then eret. */
static enum vcpu_action tlb_refill(struct vcpu *v, struct trap_frame *f)
{
	uint32_t now = arch_timer_count();

	cp0_write(&v->cp0, CP0_REG_ENTRYLO0, 0, true, now, f->regs[REG_K0]);
	cp0_write(&v->cp0, CP0_REG_ENTRYLO1, 0, true, now, f->regs[REG_K1]);
	vcpu_tlb_op(v, INSN_TLBWR);
	vcpu_tlb_prefill(v, v->cp0.badvaddr);
	return eret(v, f);
}

/* A load or store to an emulated device register. */
static enum vcpu_action mmio(struct vcpu *v, struct trap_frame *f,
			     const struct insn *in, const struct slot *s)
{
	uint64_t va = f->regs[in->rs] + (uint64_t)in->offset, value = 0;
	int64_t gpa = vcpu_device_gpa(v, va);
	enum mmio_result r;
	bool done;

	if (in->kind == INSN_LOAD) {
		done = gpa >= 0 && mmio_read(v->vm, (uint64_t)gpa, in->size, &value);
		if (in->sign_extend && in->size < 8) {
			unsigned int shift = 64 - 8 * in->size;
			value = (uint64_t)((int64_t)(value << shift) >> shift);
		}
		if (done)
			set_reg(f, in->rt, value);
	} else {
		r = gpa >= 0 ? mmio_write(v->vm, (uint64_t)gpa, in->size, f->regs[in->rt]) : MMIO_NONE;
		if (r == MMIO_AGAIN) {
			/* not retired: the guest makes the store again once
			 * the other vCPUs here had their turn */
			return VCPU_RESCHEDULE;
		}
		done = r == MMIO_DONE;
	}
	if (!done) {
		vcpu_deliver(v, f, EXC_DBE, s->bd);
		return VCPU_CONTINUE;
	}
	v->stats.mmio++;
	finish(f, s);
	return VCPU_CONTINUE;
}

static enum vcpu_action privileged(struct vcpu *v, struct trap_frame *f,
				   const struct insn *in, const struct slot *s)
{
	struct cp0 *c = &v->cp0;
	uint64_t old;

	if (!cop0_usable(v)) {
		vcpu_deliver_cpu(v, f, 0, s->bd);
		return VCPU_CONTINUE;
	}
	if ((in->kind == INSN_MFC0 || in->kind == INSN_DMFC0 || in->kind == INSN_MTC0 ||
	     in->kind == INSN_DMTC0) && cp0_raises_ri(in->rd, in->sel)) {
		vcpu_deliver(v, f, EXC_RI, s->bd);
		return VCPU_CONTINUE;
	}
	switch (in->kind) {
	case INSN_MFC0: mfc0(v, f, in, false); break;
	case INSN_DMFC0: mfc0(v, f, in, true); break;
	case INSN_MTC0: mtc0(v, f, in, false); break;
	case INSN_DMTC0: mtc0(v, f, in, true); break;
	case INSN_TLBR:
	case INSN_TLBWI:
	case INSN_TLBWR:
	case INSN_TLBP:
		vcpu_tlb_op(v, in->kind);
		break;
	case INSN_ERET: return eret(v, f);
	case INSN_TLB_REFILL: return tlb_refill(v, f);
	case INSN_DI:
	case INSN_EI:
		old = c->status;
		if (in->kind == INSN_DI)
			c->status &= ~(uint64_t)CP0_ST_IE;
		else
			c->status |= CP0_ST_IE;
		set_reg(f, in->rt, sign32(old));
		break;
	case INSN_WAIT:
		finish(f, s);
		v->state = VCPU_WAITING;
		return VCPU_RESCHEDULE;
	case INSN_CACHE:
		break;          /* QEMU models no caches; nothing to keep coherent */
	case INSN_HYPERCALL:
		finish(f, s);
		return vcpu_hypercall(v, f);
	default:
		vcpu_deliver(v, f, EXC_RI, s->bd);
		return VCPU_CONTINUE;
	}
	finish(f, s);
	return VCPU_CONTINUE;
}

/* For an instruction in a delay slot (s->bd): the branch at EPC decoded
 * and evaluated into *s, which then points at the slot. 0, or -1 if the
 * branch cannot be read, 1 if it is no branch the emulator knows (the VM
 * is stopped). Apart from vcpu_emulate, which runs on every trap and
 * seldom for a slot. */
static int __attribute__((noinline)) slot_branch(struct vcpu *v, const struct trap_frame *f,
						 struct slot *s)
{
	struct insn branch;
	int64_t word = vcpu_fetch(v, f->epc);

	if (word < 0)
		return -1;
	insn_decode((uint32_t)word, &branch);
	if (branch.kind != INSN_BRANCH && branch.kind != INSN_JUMP &&
	    branch.kind != INSN_JUMP_REG) {
		vcpu_stop_vm(v, 1, "emulated instruction in the delay slot of a coprocessor branch (not supported)");
		return 1;
	}
	s->taken = insn_branch_taken(&branch, f->regs);
	s->target = insn_branch_target(&branch, f->epc, f->regs);
	s->pc = f->epc + 4;
	return 0;
}

enum vcpu_action vcpu_emulate(struct vcpu *v, struct trap_frame *f, enum emulate_why why)
{
	struct slot s = { .pc = f->epc, .bd = f->cause & CAUSE_BD };
	struct insn in;
	int64_t word;

	if (s.bd) {
		int r = slot_branch(v, f, &s);

		if (r < 0)
			goto unreadable;
		if (r > 0)
			return VCPU_RESCHEDULE;
	}
	word = vcpu_fetch(v, s.pc);
	if (word < 0)
		goto unreadable;
	insn_decode((uint32_t)word, &in);
	v->stats.emulated[in.kind]++;
	if (vcpu_trap_sites_on)
		vcpu_trap_site(v, s.pc, in.kind);
	switch (why) {
	case EMULATE_DEVICE:
		if (in.kind == INSN_LOAD || in.kind == INSN_STORE)
			return mmio(v, f, &in, &s);
		vcpu_deliver(v, f, EXC_IBE, s.bd);      /* fetch from a device */
		return VCPU_CONTINUE;
	case EMULATE_RESERVED:
		if (in.kind == INSN_RDHWR)
			return rdhwr(v, f, &in, &s);
		vcpu_deliver(v, f, EXC_RI, s.bd);       /* the guest's own RI */
		return VCPU_CONTINUE;
	case EMULATE_PRIVILEGED:
		break;
	}
	return privileged(v, f, &in, &s);

unreadable:                     /* not RAM (a device, or gone): a bus error */
	if ((vcpu_device_gpa(v, f->epc) < 0 || vcpu_device_gpa(v, s.pc) < 0) &&
	    vcpu_l2tlb_forgotten_code(v, f->epc)) {
		if (s.pc != f->epc)
			vcpu_l2tlb_forgotten_code(v, s.pc);
		return VCPU_CONTINUE;   /* again: the guest's TLB miss */
	}
	vcpu_deliver(v, f, EXC_IBE, s.bd);
	return VCPU_CONTINUE;
}
