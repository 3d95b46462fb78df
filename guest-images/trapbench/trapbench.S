/*
 * trapbench: loops of one privileged operation each, for `make
 * bench-traps`. Built twice: -DBARE for the bare machine (kernel mode,
 * kseg0) and as a disco guest (virtual kernel mode, the xsseg window).
 * bench_point is called between loops; the insncount plugin snapshots its
 * counters there (mark=bench_point), so loop k lies between snapshots k
 * and k+1. Loops, ITERS iterations each, in this order:
 *   0 empty      the loop itself (subtracted from the others)
 *   1 mfc0       mfc0 Status
 *   2 mtc0       mtc0 Status (same value)
 *   3 tlbwr      tlbwr of a CKSSEG entry
 *   4 eret       dmtc0 EPC, mtc0 Status with EXL, eret to the next loop step
 *   5 syscall    a syscall reflected to the kernel's own vector, which
 *                skips it (mfc0 EPC, add 4, mtc0 EPC, eret)
 *   6 hypercall  the timer-frequency hypercall (guest build only)
 */
#define ITERS 2000
#define ST_EXL 0x2

	.set	noreorder
	.set	noat
	.text
	.globl	_start
_start:
	/* vectors: EBase = the kseg0 alias of vector_page's physical address */
	dla	$t0, vector_page
#ifdef BARE
	dli	$t1, 0x1fffffff
#else
	dli	$t1, 0x000000ffffffffff		/* offset in the window */
#endif
	and	$t0, $t0, $t1
	lui	$t1, 0x8000
	or	$t0, $t0, $t1
	mtc0	$t0, $15, 1
	mfc0	$t0, $12
	li	$t1, ~(1 << 22)			/* BEV off, KX/SX/UX on */
	and	$t0, $t0, $t1
	ori	$t0, $t0, 0xe0
	mtc0	$t0, $12
	ehb
	dla	$sp, stack_top

	jal	bench_point			/* 0: empty */
	 nop
	li	$s0, ITERS
1:	addiu	$s0, $s0, -1
	bnez	$s0, 1b
	 nop

	jal	bench_point			/* 1: mfc0 */
	 nop
	li	$s0, ITERS
1:	mfc0	$t0, $12
	addiu	$s0, $s0, -1
	bnez	$s0, 1b
	 nop

	jal	bench_point			/* 2: mtc0 */
	 nop
	mfc0	$s1, $12
	li	$s0, ITERS
1:	mtc0	$s1, $12
	addiu	$s0, $s0, -1
	bnez	$s0, 1b
	 nop

	jal	bench_point			/* 3: tlbwr */
	 nop
	dli	$t0, 0xffffffffc0000000
	dmtc0	$t0, $10
	mtc0	$0, $5
	li	$t0, (0x100 << 6) | (3 << 3) | 0x7	/* pfn 1 MiB, cached, D V G */
	dmtc0	$t0, $2
	dmtc0	$t0, $3
	li	$s0, ITERS
1:	tlbwr
	addiu	$s0, $s0, -1
	bnez	$s0, 1b
	 nop

	jal	bench_point			/* 4: eret */
	 nop
	mfc0	$s1, $12
	ori	$s2, $s1, ST_EXL
	li	$s0, ITERS
1:	dla	$t0, 2f
	dmtc0	$t0, $14
	mtc0	$s2, $12
	ehb
	eret
2:	addiu	$s0, $s0, -1
	bnez	$s0, 1b
	 nop

	jal	bench_point			/* 5: syscall */
	 nop
	li	$s0, ITERS
1:	syscall
	addiu	$s0, $s0, -1
	bnez	$s0, 1b
	 nop

	jal	bench_point			/* 6: hypercall */
	 nop
#ifndef BARE
	li	$s0, ITERS
1:	li	$v0, 3				/* HCALL_TIMER_HZ */
	.word	0x42000028
	addiu	$s0, $s0, -1
	bnez	$s0, 1b
	 nop
#endif
	jal	bench_point			/* end */
	 nop

#ifdef BARE
	li	$a0, 0
	li	$t9, 1				/* UHI exit */
	sdbbp	1
#else
	li	$a0, 0
	li	$v0, 2				/* HCALL_EXIT */
	.word	0x42000028
#endif
3:	b	3b
	 nop

	.globl	bench_point
bench_point:
	jr	$ra
	 nop

/* The general vector: skip the syscall, return. Anything else: exit 3. */
	.align	12
vector_page:
	.space	0x180
	mfc0	$k0, $13
	andi	$k0, $k0, 0x7c
	li	$k1, 8 << 2
	bne	$k0, $k1, 4f
	 nop
	dmfc0	$k0, $14
	daddiu	$k0, $k0, 4
	dmtc0	$k0, $14
	eret
4:
#ifdef BARE
	li	$a0, 3
	li	$t9, 1
	sdbbp	1
#else
	li	$a0, 3
	li	$v0, 2
	.word	0x42000028
#endif
5:	b	5b
	 nop

	.bss
	.align	4
	.space	4096
stack_top:
