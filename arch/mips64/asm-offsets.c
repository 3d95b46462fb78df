/*
 * Structure offsets for assembly. Compiled to assembly only; the Makefile
 * turns each "->NAME value" marker into "#define NAME value".
 */
#include <stddef.h>
#include "arch/fast.h"
#include "arch/frame.h"
#include "monitor/percpu.h"

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
	OFFSET(FAST_L2TLB_MASK, struct arch_fast, l2tlb_mask);
	OFFSET(FAST_L2TLB_TABLE, struct arch_fast, l2tlb_table);
	OFFSET(FAST_L2TLB_SHIFT, struct arch_fast, l2tlb_shift);
	OFFSET(FAST_L2TLB_MIX, struct arch_fast, l2tlb_mix);
	OFFSET(FAST_L2TLB_PAGEMASK, struct arch_fast, l2tlb_pagemask);
	OFFSET(FAST_L2TLB_HITS, struct arch_fast, l2tlb_hits);
	DEFINE(PERCPU_STACK_SHIFT, PERCPU_STACK_SHIFT);
	DEFINE(MAX_CPUS, MAX_CPUS);
}
