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
 *   7 set-up     for loop 8 (not reported)
 *   8 refill     a load from a page pair the TLB does not hold: 2048 pairs
 *                of 16 KiB pages in xuseg, all on one physical pair, read
 *                in turn (far more than the 64 entries, so each load is a
 *                refill); the refill handler below writes the pair. In a
 *                VM the guest announced the TLB contract and a pass over
 *                the pairs before the loop taught the monitor's l2tlb all
 *                of them: each refill is the l2tlb fast path's hit, the
 *                guest's handler does not run.
 */
#define ITERS 2000
#define ST_EXL 0x2
#define REFILL_PAIRS  2048
#define REFILL_BASE   0x10000000        /* xuseg */
#define REFILL_STRIDE 0x8000            /* a pair of 16 KiB pages */
#define REFILL_PM     0x6000            /* PageMask: 16 KiB */
#define REFILL_LO0    ((0x800 << 6) | (3 << 3) | 0x6)   /* physical 8 MiB, cached, D V */
#define REFILL_LO1    ((0x804 << 6) | (3 << 3) | 0x6)

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
	li	$t1, ~((1 << 22) | 0x4)		/* BEV and ERL off, KX/SX/UX on */
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
	/* 7: the refill loop's set-up (not reported). PageMask for 16 KiB
	 * pages; in a VM the TLB contract (HCALL_TLB_CONTRACT, 16 KiB
	 * pages); then a pass over the pairs (the refill handler fills each;
	 * in a VM the l2tlb learns them). */
	jal	bench_point			/* 7: set-up */
	 nop
	li	$t0, REFILL_PM
	mtc0	$t0, $5
#ifndef BARE
	li	$v0, 10				/* HCALL_TLB_CONTRACT */
	li	$a0, 0x4000
	.word	0x42000028
	bnez	$v0, 6f				/* refused: exit 4 */
	 nop
#endif
	li	$s1, REFILL_STRIDE
	li	$s2, REFILL_BASE
	li	$s0, REFILL_PAIRS
1:	ld	$t0, 0($s2)
	daddu	$s2, $s2, $s1
	addiu	$s0, $s0, -1
	bnez	$s0, 1b
	 nop
	li	$s3, REFILL_BASE + REFILL_PAIRS * REFILL_STRIDE
	li	$s2, REFILL_BASE
	jal	bench_point			/* 8: refill */
	 nop
	li	$s0, ITERS
1:	ld	$t0, 0($s2)
	daddu	$s2, $s2, $s1
	bne	$s2, $s3, 2f
	 addiu	$s0, $s0, -1
	li	$s2, REFILL_BASE
2:	bnez	$s0, 1b
	 nop

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
#ifndef BARE
6:	li	$a0, 4
	li	$v0, 2				/* HCALL_EXIT */
	.word	0x42000028
	b	6b
	 nop
#endif

	.globl	bench_point
bench_point:
	jr	$ra
	 nop

/* The refill vectors (32-bit and 64-bit segments): the refill loop's
 * pair, whatever the address. EntryHi and PageMask are set already. */
.macro	REFILL_HANDLER
	li	$k0, REFILL_LO0
	dmtc0	$k0, $2
	li	$k0, REFILL_LO1
	dmtc0	$k0, $3
	ehb
	tlbwr
	eret
.endm

/* The general vector: skip the syscall, return. Anything else: exit 3. */
	.align	12
vector_page:
	REFILL_HANDLER
	.space	0x080 - (. - vector_page)
	REFILL_HANDLER
	.space	0x180 - (. - vector_page)
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
