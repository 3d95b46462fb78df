/*
 * A vCPU's floating-point registers across vCPU switches. Guests use the
 * real FPU directly (the real Status.CU1/FR follow the guest's), so when
 * another vCPU is about to run on this CPU the registers are saved, and
 * restored when the vCPU runs again. Saved and restored with Status.FR = 1
 * whatever the guest's FR: QEMU keeps each of the 32 registers in its own
 * 64-bit slot in both modes, so all 32 doublewords are the whole state
 * (with FCSR).
 *
 *   void arch_fpu_save(struct fpu_state *s);     a0 = s
 *   void arch_fpu_restore(const struct fpu_state *s);
 *
 * struct fpu_state { uint64_t fpr[32]; uint32_t fcsr; } (arch/vcpu.h).
 */
#include "arch/mipsregs.h"

	.set	noreorder
	.set	push
	.set	hardfloat
	.set	fp=64

/* t0 = old Status; Status |= CU1 | FR */
.macro	FPU_ON
	mfc0	$t0, $12
	li	$t1, ST0_CU1 | ST0_FR
	or	$t1, $t1, $t0
	mtc0	$t1, $12
	ehb
.endm

.macro	FPU_OFF
	mtc0	$t0, $12
	ehb
.endm

	.text
	.globl	arch_fpu_save
arch_fpu_save:
	FPU_ON
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sdc1	$f\n, \n * 8($a0)
	.endr
	cfc1	$t1, $31
	sw	$t1, 256($a0)
	FPU_OFF
	jr	$ra
	 nop

	.globl	arch_fpu_restore
arch_fpu_restore:
	FPU_ON
	lw	$t1, 256($a0)
	/* The guest's FCSR may hold enabled cause bits (it was preempted in
	 * its FPE handler): QEMU stores FCSR, then raises FPE. trap.c skips
	 * an FPE at this instruction. */
	.globl	arch_fpu_restore_fcsr
arch_fpu_restore_fcsr:
	ctc1	$t1, $31
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ldc1	$f\n, \n * 8($a0)
	.endr
	FPU_OFF
	jr	$ra
	 nop

	.set	pop
