/*
 * Structure offsets for assembly. Compiled to assembly only; the Makefile
 * turns each "->NAME value" marker into "#define NAME value".
 */
#include <stddef.h>
#include "arch/fast.h"
#include "arch/frame.h"
#include "monitor/percpu.h"
#include "vcpu/vcpu.h"

#define DEFINE(sym, val) __asm__ volatile("\n->" #sym " %0" : : "i"(val))
#define OFFSET(sym, type, member) DEFINE(sym, offsetof(type, member))

void asm_offsets(void);

void asm_offsets(void)
{
	DEFINE(FRAME_SIZE, sizeof(struct trap_frame));
	OFFSET(FRAME_REGS, struct trap_frame, regs);
	OFFSET(FRAME_HI, struct trap_frame, hi);
	OFFSET(FRAME_LO, struct trap_frame, lo);
	OFFSET(FRAME_EPC, struct trap_frame, epc);
	OFFSET(FRAME_BADVADDR, struct trap_frame, badvaddr);
	OFFSET(FRAME_VECTOR, struct trap_frame, vector);
	OFFSET(FRAME_STATUS, struct trap_frame, status);
	OFFSET(FRAME_CAUSE, struct trap_frame, cause);
	DEFINE(FAST_SIZE, sizeof(struct arch_fast));
	OFFSET(FAST_K0, struct arch_fast, k0);
	OFFSET(FAST_K1, struct arch_fast, k1);
	OFFSET(FAST_SAVE, struct arch_fast, save);
	OFFSET(FAST_VCPU, struct arch_fast, vcpu);
	OFFSET(FAST_SHARED, struct arch_fast, shared);
	OFFSET(FAST_VECTOR, struct arch_fast, vector);
	OFFSET(FAST_CAUSE_SYS, struct arch_fast, cause_sys);
	OFFSET(FAST_FIXED_MASK, struct arch_fast, fixed_mask);
	OFFSET(FAST_FIXED, struct arch_fast, fixed);
	OFFSET(FAST_DEADLINE, struct arch_fast, deadline);
	OFFSET(FAST_PENDING, struct arch_fast, pending);
	OFFSET(FAST_REAL_BASE, struct arch_fast, real_base);
	OFFSET(FAST_INSN_ERET, struct arch_fast, insn_eret);
	OFFSET(FAST_INSN_RDHWR, struct arch_fast, insn_rdhwr);
	OFFSET(FAST_NOT_ERET, struct arch_fast, not_eret);
	OFFSET(FAST_STATUS_RW, struct arch_fast, status_rw);
	/* struct vcpu, for fastpath.S */
	OFFSET(VCPU_STATUS, struct vcpu, cp0.status);
	OFFSET(VCPU_CAUSE, struct vcpu, cp0.cause);
	OFFSET(VCPU_EPC, struct vcpu, cp0.epc);
	OFFSET(VCPU_BADVADDR, struct vcpu, cp0.badvaddr);
	OFFSET(VCPU_LLADDR, struct vcpu, cp0.lladdr);
	OFFSET(VCPU_LL_MACHINE, struct vcpu, ll_machine);
	OFFSET(VCPU_LL_FRESH, struct vcpu, ll_fresh);
	DEFINE(VCPU_LL_FRESH_SIZE, sizeof(((struct vcpu *)0)->ll_fresh));
	OFFSET(VCPU_EXC_SYS, struct vcpu, stats.exc[EXC_SYS]);
	OFFSET(VCPU_EXC_RI, struct vcpu, stats.exc[EXC_RI]);
	OFFSET(VCPU_EXC_CPU, struct vcpu, stats.exc[EXC_CPU]);
	OFFSET(VCPU_REFLECTED_SYS, struct vcpu, stats.reflected[EXC_SYS]);
	OFFSET(VCPU_EMULATED_ERET, struct vcpu, stats.emulated[INSN_ERET]);
	OFFSET(VCPU_EMULATED_RDHWR, struct vcpu, stats.emulated[INSN_RDHWR]);
	DEFINE(VCPU_MARK_SYSCALL, VCPU_MARK_SYSCALL);
	/* struct vcpu_shared (docs/guest-abi.md) */
	OFFSET(SH_IE, struct vcpu_shared, ie);
	OFFSET(SH_PENDING, struct vcpu_shared, pending);
	OFFSET(SH_STATUS, struct vcpu_shared, status);
	OFFSET(SH_CAUSE, struct vcpu_shared, cause);
	OFFSET(SH_EPC, struct vcpu_shared, epc);
	OFFSET(SH_BADVADDR, struct vcpu_shared, badvaddr);
	OFFSET(SH_ERET_STATUS, struct vcpu_shared, eret_status);
	OFFSET(SH_ERET_EPC, struct vcpu_shared, eret_epc);
	OFFSET(SH_ERET_SET, struct vcpu_shared, eret_set);
	OFFSET(SH_STATUS_SET, struct vcpu_shared, status_set);
	OFFSET(SH_STATUS_NEXT, struct vcpu_shared, status_next);
	OFFSET(SH_TP_SET, struct vcpu_shared, tp_set);
	OFFSET(SH_TP, struct vcpu_shared, tp);
	OFFSET(FAST_L2TLB_MASK, struct arch_fast, l2tlb_mask);
	OFFSET(FAST_L2TLB_TABLE, struct arch_fast, l2tlb_table);
	OFFSET(FAST_L2TLB_SHIFT, struct arch_fast, l2tlb_shift);
	OFFSET(FAST_L2TLB_MIX, struct arch_fast, l2tlb_mix);
	OFFSET(FAST_L2TLB_PAGEMASK, struct arch_fast, l2tlb_pagemask);
	OFFSET(FAST_L2TLB_HITS, struct arch_fast, l2tlb_hits);
	OFFSET(FAST_NUMA_ROW, struct arch_fast, numa_row);
	OFFSET(FAST_NUMA_VM, struct arch_fast, numa_vm);
	OFFSET(FAST_NUMA_RING, struct arch_fast, numa_ring);
	OFFSET(NUMA_FAST_NPAGES, struct numa_fast, npages);
	OFFSET(NUMA_FAST_TRIGGER, struct numa_fast, trigger);
	OFFSET(NUMA_RING_HEAD, struct numa_ring, head);
	DEFINE(NUMA_RING_MASK, NUMA_RING_SIZE - 1);
	DEFINE(PERCPU_STACK_SHIFT, PERCPU_STACK_SHIFT);
	DEFINE(MAX_CPUS, MAX_CPUS);
}
