/*
 * Exception vectors and the register save/restore around trap_entry().
 *
 * Registers: k0 and k1 only until the frame is on the stack; after that
 * anything. A guest's k0/k1 are live at any moment (its own exception
 * handlers run with virtual EXL only), so they are saved first: k1 into
 * ErrorEPC, k1 = this CPU's struct arch_fast (arch/fast.h, kept in DataLo
 * by start.S), k0 and the old k1 into it; exc_save copies both into the frame. (This
 * CPU has no KScratch registers; ErrorEPC and DataLo are otherwise unused.)
 * The frame layout is struct trap_frame (arch/frame.h); offsets come from
 * asm-offsets.c.
 *
 * The general vector (0x180) first tries the assembly fast paths
 * (fastpath.S) with k0 and k1 parked; they end in general_slow, the rest
 * of the vector, for whatever they do not take. The TLB refill vectors
 * first try the second-level TLB (l2tlb_refill.S) while it is armed
 * (arch_fast.l2tlb_mask != 0: from prepare() to the next full trap, so only
 * while a guest runs); a miss comes back to refill_full_OFFSET.
 *
 * Stack choice: if the monitor was running (Status.KSU = 0) the frame goes
 * below its current sp; if a guest was running (supervisor or user mode)
 * it goes at the top of this CPU's monitor stack.
 */
#include "arch/mipsregs.h"
#include "monitor/percpu.h"
#include "asm-offsets.h"
#include "fastpath.h"

	.set	noreorder
	.set	noat

/* k1 into ErrorEPC, k1 = this CPU's struct arch_fast, the trapped code's
 * k0 and k1 into it. Leaves k0 free. */
.macro	PARK_K
	PARK_K0
	PARK_K1
.endm

/* PARK_K in two halves: k0 aside, k1 = arch_fast (the old k1 in ErrorEPC
 * for now); then the old k1 into arch_fast. */
.macro	PARK_K0
	dmtc0	$k1, $30		/* ErrorEPC = k1 */
	mfc0	$k1, $28, 1		/* DataLo: this CPU's struct arch_fast */
	sd	$k0, FAST_K0($k1)
.endm

.macro	PARK_K1
	ehb
	dmfc0	$k0, $30
	sd	$k0, FAST_K1($k1)
.endm

/* After PARK_K (k1 = arch_fast): the refill fast path off, switch to the
 * monitor stack, save the old sp, then join exc_save with k1 = the
 * vector's offset. */
.macro	TO_FRAME offset
	sd	$0, FAST_L2TLB_MASK($k1)	/* refill fast path off until prepare() */
	mfc0	$k0, $12
	andi	$k0, $k0, ST0_KSU
	beqz	$k0, 1f
	 move	$k1, $sp
	/* From a guest: k1 = top of this CPU's monitor stack. */
	mfc0	$k0, $15, 1
	andi	$k0, $k0, EBASE_CPUNUM
	daddiu	$k0, $k0, 1
	dsll	$k0, $k0, PERCPU_STACK_SHIFT
	lui	$k1, %hi(monitor_stacks)
	daddiu	$k1, $k1, %lo(monitor_stacks)
	daddu	$k1, $k1, $k0
1:	move	$k0, $sp
	daddiu	$sp, $k1, -FRAME_SIZE
	sd	$k0, FRAME_REGS + 29 * 8($sp)
	j	exc_save
	 li	$k1, \offset
.endm

/* A whole vector: fits in a vector slot (0x80 bytes). */
.macro	VECTOR offset
	.org	\offset
	PARK_K
	TO_FRAME \offset
.endm

/* A TLB refill vector: to the l2tlb fast path (t0 already borrowed) while
 * it is armed, else (and on its miss, at refill_full_OFFSET) the full path. */
.macro	REFILL_VECTOR offset
	.org	\offset
	PARK_K0
	ld	$k0, FAST_L2TLB_MASK($k1)
	bnez	$k0, l2tlb_refill_\offset
	 sd	$t0, FAST_SAVE($k1)
	.globl	refill_full_\offset
refill_full_\offset :
	PARK_K1
	TO_FRAME \offset
.endm

	.section .text.vectors, "ax"
	.align	12
	.globl	exception_vectors
exception_vectors:
	REFILL_VECTOR 0x000	/* TLB refill, 32-bit segments */
	REFILL_VECTOR 0x080	/* XTLB refill, 64-bit segments */
	VECTOR	0x100		/* cache error (runs with ERL=1) */
	/* general exception: the fast paths first (fastpath.S), which come
	 * back to general_slow for anything they do not take */
	.org	0x180
	PARK_K
	mfc0	$k0, $13		/* Cause */
	FAST_DISPATCH
	VECTOR	0x200		/* interrupt, when Cause.IV = 1 */

	.text
	.globl	general_slow
general_slow:
	TO_FRAME 0x180

exc_save:
	sd	$k1, FRAME_VECTOR($sp)
	sd	$0, FRAME_REGS + 0 * 8($sp)
	sd	$1, FRAME_REGS + 1 * 8($sp)
	sd	$2, FRAME_REGS + 2 * 8($sp)
	sd	$3, FRAME_REGS + 3 * 8($sp)
	sd	$4, FRAME_REGS + 4 * 8($sp)
	sd	$5, FRAME_REGS + 5 * 8($sp)
	sd	$6, FRAME_REGS + 6 * 8($sp)
	sd	$7, FRAME_REGS + 7 * 8($sp)
	sd	$8, FRAME_REGS + 8 * 8($sp)
	sd	$9, FRAME_REGS + 9 * 8($sp)
	sd	$10, FRAME_REGS + 10 * 8($sp)
	sd	$11, FRAME_REGS + 11 * 8($sp)
	sd	$12, FRAME_REGS + 12 * 8($sp)
	sd	$13, FRAME_REGS + 13 * 8($sp)
	sd	$14, FRAME_REGS + 14 * 8($sp)
	sd	$15, FRAME_REGS + 15 * 8($sp)
	sd	$16, FRAME_REGS + 16 * 8($sp)
	sd	$17, FRAME_REGS + 17 * 8($sp)
	sd	$18, FRAME_REGS + 18 * 8($sp)
	sd	$19, FRAME_REGS + 19 * 8($sp)
	sd	$20, FRAME_REGS + 20 * 8($sp)
	sd	$21, FRAME_REGS + 21 * 8($sp)
	sd	$22, FRAME_REGS + 22 * 8($sp)
	sd	$23, FRAME_REGS + 23 * 8($sp)
	sd	$24, FRAME_REGS + 24 * 8($sp)
	sd	$25, FRAME_REGS + 25 * 8($sp)
	sd	$28, FRAME_REGS + 28 * 8($sp)
	sd	$30, FRAME_REGS + 30 * 8($sp)
	sd	$31, FRAME_REGS + 31 * 8($sp)
	mfc0	$t0, $28, 1		/* the k0, k1 the vector put aside */
	ld	$t1, FAST_K0($t0)
	ld	$t2, FAST_K1($t0)
	sd	$t1, FRAME_REGS + 26 * 8($sp)
	sd	$t2, FRAME_REGS + 27 * 8($sp)
	mfhi	$t0
	mflo	$t1
	sd	$t0, FRAME_HI($sp)
	sd	$t1, FRAME_LO($sp)
	dmfc0	$t0, $14		/* EPC */
	dmfc0	$t1, $8			/* BadVAddr */
	mfc0	$t2, $12		/* Status */
	mfc0	$t3, $13		/* Cause */
	sd	$t0, FRAME_EPC($sp)
	sd	$t1, FRAME_BADVADDR($sp)
	sw	$t2, FRAME_STATUS($sp)
	sw	$t3, FRAME_CAUSE($sp)

	/* The monitor's own Status, whatever the trapped code had: kernel
	 * mode, 64-bit kernel segments, only the tick line unmasked but
	 * interrupts off, EXL and ERL clear (so a fault inside the handler
	 * is reported with its own EPC). */
	li	$t1, ST0_KX | ST0_IM7
	mtc0	$t1, $12
	ehb

	move	$a0, $sp
	jal	trap_entry
	 nop

	.globl	exc_return
exc_return:
	/* Back to the (possibly changed) frame: Status first, with EXL set
	 * so nothing interrupts the restore and eret leaves to its mode. */
	lw	$t0, FRAME_STATUS($sp)
	ori	$t0, $t0, ST0_EXL
	mtc0	$t0, $12
	ehb
	ld	$t1, FRAME_EPC($sp)
	dmtc0	$t1, $14
	ld	$t0, FRAME_HI($sp)
	ld	$t1, FRAME_LO($sp)
	mthi	$t0
	mtlo	$t1
	ld	$1, FRAME_REGS + 1 * 8($sp)
	ld	$2, FRAME_REGS + 2 * 8($sp)
	ld	$3, FRAME_REGS + 3 * 8($sp)
	ld	$4, FRAME_REGS + 4 * 8($sp)
	ld	$5, FRAME_REGS + 5 * 8($sp)
	ld	$6, FRAME_REGS + 6 * 8($sp)
	ld	$7, FRAME_REGS + 7 * 8($sp)
	ld	$8, FRAME_REGS + 8 * 8($sp)
	ld	$9, FRAME_REGS + 9 * 8($sp)
	ld	$10, FRAME_REGS + 10 * 8($sp)
	ld	$11, FRAME_REGS + 11 * 8($sp)
	ld	$12, FRAME_REGS + 12 * 8($sp)
	ld	$13, FRAME_REGS + 13 * 8($sp)
	ld	$14, FRAME_REGS + 14 * 8($sp)
	ld	$15, FRAME_REGS + 15 * 8($sp)
	ld	$16, FRAME_REGS + 16 * 8($sp)
	ld	$17, FRAME_REGS + 17 * 8($sp)
	ld	$18, FRAME_REGS + 18 * 8($sp)
	ld	$19, FRAME_REGS + 19 * 8($sp)
	ld	$20, FRAME_REGS + 20 * 8($sp)
	ld	$21, FRAME_REGS + 21 * 8($sp)
	ld	$22, FRAME_REGS + 22 * 8($sp)
	ld	$23, FRAME_REGS + 23 * 8($sp)
	ld	$24, FRAME_REGS + 24 * 8($sp)
	ld	$25, FRAME_REGS + 25 * 8($sp)
	ld	$26, FRAME_REGS + 26 * 8($sp)
	ld	$27, FRAME_REGS + 27 * 8($sp)
	ld	$28, FRAME_REGS + 28 * 8($sp)
	ld	$30, FRAME_REGS + 30 * 8($sp)
	ld	$31, FRAME_REGS + 31 * 8($sp)
	ld	$sp, FRAME_REGS + 29 * 8($sp)
	eret

/*
 * exc_enter_frame(frame): leaves the monitor into the frame at a0 (built by
 * C, e.g. a vCPU's registers). It goes where a guest's exception frames go,
 * the top of this CPU's monitor stack, copied only after sp has moved
 * below it: the C stack there is abandoned, never overwritten in use.
 */
	.globl	exc_enter_frame
exc_enter_frame:
	mfc0	$t0, $15, 1
	andi	$t0, $t0, EBASE_CPUNUM
	daddiu	$t0, $t0, 1
	dsll	$t0, $t0, PERCPU_STACK_SHIFT
	dla	$t1, monitor_stacks
	daddu	$t1, $t1, $t0			/* t1 = stack top */
	daddiu	$sp, $t1, -FRAME_SIZE
	move	$t2, $sp
1:	ld	$t3, 0($a0)
	sd	$t3, 0($t2)
	daddiu	$a0, $a0, 8
	daddiu	$t2, $t2, 8
	bne	$t2, $t1, 1b
	 nop
	b	exc_return
	 nop
