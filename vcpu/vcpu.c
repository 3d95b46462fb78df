/*
 * vCPU set-up and the trap dispatcher (see vcpu.h): every exception taken
 * while a guest runs comes here, is resolved by the monitor or reflected to
 * the guest, and leaves through the scheduler's return path.
 */
#include "arch/guest.h"
#include "arch/l2tlb.h"
#include "arch/vcpu.h"
#include "mmu/machmem.h"
#include "monitor/console.h"
#include "monitor/format.h"
#include "monitor/percpu.h"
#include "monitor/string.h"
#include "vcpu/sched.h"
#include "vcpu/vcpu.h"

#define GUEST_BOOT_MAGIC ((uint64_t)-2)    /* a0: a1 is a device tree */

struct vcpu *vcpu_alloc(unsigned int node)
{
	struct vcpu *v = mem_alloc_pages(VCPU_STRUCT_ORDER, node);
	struct l2tlb_entry *e = v ? mem_alloc_pages(VCPU_L2TLB_ORDER, node) : 0;

	if (!e) {
		if (v)
			mem_free_pages(v, VCPU_STRUCT_ORDER);
		return 0;
	}
	memset(v, 0, sizeof(*v));
	l2tlb_init(&v->l2tlb, e, L2TLB_ORDER, 13, arch_tlb_frame_of);
	return v;
}

void vcpu_free(struct vcpu *v)
{
	mem_free_pages(v->l2tlb.e, VCPU_L2TLB_ORDER);
	mem_free_pages(v, VCPU_STRUCT_ORDER);
}

void vcpu_init(struct vcpu *v, struct vm *vm, unsigned int id)
{
	struct l2tlb_entry *e = v->l2tlb.e;     /* from vcpu_alloc */

	memset(v, 0, sizeof(*v));
	l2tlb_init(&v->l2tlb, e, L2TLB_ORDER, 13, arch_tlb_frame_of);  /* off until announced */
	v->l2tlb_mix_asid = UINT32_MAX;
	v->vm = vm;
	v->id = id;
	v->state = VCPU_RUNNABLE;
	v->regs.epc = vm->entry;
	v->regs.regs[4] = GUEST_BOOT_MAGIC;
	v->regs.regs[5] = GUEST_CACHED_BASE + vm->dtb_gpa;
	vtlb_reset(&v->tlb, VTLB_MAX_ENTRIES);
}

static enum vcpu_action coprocessor_unusable(struct vcpu *v, struct trap_frame *f)
{
	unsigned int ce = (f->cause >> CAUSE_CE_SHIFT) & 3;

	if (ce == 0)
		return vcpu_emulate(v, f, EMULATE_PRIVILEGED);
	/* CP1/CP2: the real CU bits follow the guest's, so it is the guest's */
	vcpu_deliver_cpu(v, f, ce, f->cause & CAUSE_BD);
	return VCPU_CONTINUE;
}

/* VCPU_MARK_SYSCALL from guest user mode: keep a copy of the VM's counts. */
static void bench_mark(struct vcpu *v, const struct trap_frame *f)
{
	if ((f->status & ST0_KSU) == ST0_KSU_USER && f->regs[2] == VCPU_MARK_SYSCALL &&
	    v->nmarks < VCPU_MAX_MARKS)
		sched_vm_stats(v->vm, &v->marks[v->nmarks++]);
}

void vcpu_trap(struct trap_frame *f)
{
	struct vcpu *v = vcpu_current();
	unsigned int code = (f->cause & CAUSE_EXCCODE) >> CAUSE_EXCCODE_SHIFT;
	enum vcpu_action action = VCPU_CONTINUE;

	v->stats.exc[code]++;
	vcpu_shared_load(v);
	if (this_cpu()->guest_lladdr != 1) {
		v->ll_machine = this_cpu()->guest_lladdr;
		v->ll_fresh = true;
	}
	switch (code) {
	case EXC_INT:
		break;          /* the monitor's timer: already handled */
	case EXC_MOD:
	case EXC_TLBL:
	case EXC_TLBS:
		action = vcpu_tlb_fault(v, f, code);
		break;
	case EXC_ADEL:
	case EXC_ADES:
		action = vcpu_address_error(v, f, code);
		break;
	case EXC_CPU:
		action = coprocessor_unusable(v, f);
		break;
	case EXC_RI:
		action = vcpu_emulate(v, f, EMULATE_RESERVED);
		break;
	case EXC_SYS:
		bench_mark(v, f);
		vcpu_deliver(v, f, code, f->cause & CAUSE_BD);
		break;
	case EXC_MCHECK:
	case EXC_CACHEERR:
		vcpu_stop_vm(v, 1, "machine check");
		action = VCPU_RESCHEDULE;
		break;
	default:                /* syscall, break, trap, overflow, FPE, ...: the guest's */
		vcpu_deliver(v, f, code, f->cause & CAUSE_BD);
		break;
	}
	sched_return(f, action);
}

/* Names for the exit report, by ExcCode and by emulated instruction. */
static const char *const exc_short[32] = {
	[EXC_INT] = "int", [EXC_MOD] = "mod", [EXC_TLBL] = "tlbl", [EXC_TLBS] = "tlbs",
	[EXC_ADEL] = "adel", [EXC_ADES] = "ades", [EXC_IBE] = "ibe", [EXC_DBE] = "dbe",
	[EXC_SYS] = "sys", [EXC_BP] = "bp", [EXC_RI] = "ri", [EXC_CPU] = "cpu",
	[EXC_OV] = "ov", [EXC_TR] = "tr", [EXC_FPE] = "fpe", [EXC_C2E] = "c2e",
	[EXC_WATCH] = "watch", [EXC_MCHECK] = "mcheck",
};

const char *const vcpu_insn_names[INSN_KIND_COUNT] = {
	[INSN_MFC0] = "mfc0", [INSN_DMFC0] = "dmfc0", [INSN_MTC0] = "mtc0",
	[INSN_DMTC0] = "dmtc0", [INSN_TLBR] = "tlbr", [INSN_TLBWI] = "tlbwi",
	[INSN_TLBWR] = "tlbwr", [INSN_TLBP] = "tlbp", [INSN_ERET] = "eret",
	[INSN_WAIT] = "wait", [INSN_DI] = "di", [INSN_EI] = "ei",
	[INSN_HYPERCALL] = "hypercall", [INSN_TLB_REFILL] = "tlb-refill", [INSN_COP0_RESERVED] = "cop0-reserved",
	[INSN_CACHE] = "cache", [INSN_RDHWR] = "rdhwr", [INSN_LOAD] = "load",
	[INSN_STORE] = "store", [INSN_OTHER] = "other",
};

/* One report line, printed whole (other CPUs print too). */
static void print_counts(const char *vm_name, const char *what, const uint64_t *counts,
			 unsigned int n, const char *const *names)
{
	char line[512];
	int len = fmt_snprintf(line, sizeof(line), "disco: vm %s: %s:", vm_name, what);

	for (unsigned int i = 0; i < n && len < (int)sizeof(line); i++)
		if (counts[i])
			len += fmt_snprintf(line + len, sizeof(line) - (size_t)len, " %s=%lu",
					    names[i] ? names[i] : "?", (unsigned long)counts[i]);
	con_printf("%s\n", line);
}

void vcpu_print_stats(const char *vm_name, const struct vcpu_stats *s)
{
	print_counts(vm_name, "traps", s->exc, 32, exc_short);
	print_counts(vm_name, "emulated", s->emulated, INSN_KIND_COUNT, vcpu_insn_names);
	print_counts(vm_name, "reflected", s->reflected, 32, exc_short);
	con_printf("disco: vm %s: hypercalls=%lu window-fills=%lu mapped-fills=%lu mmio=%lu status-flushes=%lu real-tlb-flushes=%lu\n",
		   vm_name, (unsigned long)s->hypercalls, (unsigned long)s->window_fills,
		   (unsigned long)s->mapped_fills, (unsigned long)s->mmio,
		   (unsigned long)s->status_flushes, (unsigned long)s->real_flushes);
	if (s->l2tlb_hits | s->l2tlb_misses | s->l2tlb_inserts)
		con_printf("disco: vm %s: l2tlb-hits=%lu l2tlb-misses=%lu l2tlb-inserts=%lu l2tlb-drops=%lu l2tlb-forgotten-code=%lu\n",
			   vm_name, (unsigned long)s->l2tlb_hits, (unsigned long)s->l2tlb_misses,
			   (unsigned long)s->l2tlb_inserts, (unsigned long)s->l2tlb_drops,
			   (unsigned long)s->l2tlb_forgotten);
	if (s->ipis_sent | s->yields_to | s->yields_to_none | s->migrations)
		con_printf("disco: vm %s: ipis=%lu yields-to=%lu yields-to-none=%lu migrations=%lu\n",
			   vm_name, (unsigned long)s->ipis_sent, (unsigned long)s->yields_to,
			   (unsigned long)s->yields_to_none, (unsigned long)s->migrations);
}
