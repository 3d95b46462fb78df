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
 *   7 eret       eret through the shared area: eret_set with eret_status
 *                (EXL) and eret_epc stored, eret (the bare machine: dmtc0
 *                EPC, mtc0 Status, eret)
 *   8 syscall    from user mode, reflected to the kernel's vector, which
 *     (user)     returns past it with one eret through the shared area
 *                (bare: dmfc0 EPC, dmtc0 EPC, eret)
 *   9 rdhwr      rdhwr $3, $29 from user mode: the monitor answers it from
 *     (user)     the thread pointer published in the shared area (tp); on
 *                the bare machine (and a monitor that does not) it is a
 *                Reserved Instruction the kernel's vector emulates
 *  10 set-up     for loop 11 (not reported)
 *  11 refill     a load from a page pair the TLB does not hold: 2048 pairs
 *                of 16 KiB pages in xuseg, all on one physical pair, read
 *                in turn (far more than the 64 entries, so each load is a
 *                refill); the refill handler below writes the pair. In a
 *                VM the guest announced the TLB contract and a pass over
 *                the pairs before the loop taught the monitor's l2tlb all
 *                of them: each refill is the l2tlb fast path's hit, the
 *                guest's handler does not run.
 * The guest exits with status 4 if rdhwr read a wrong value, 5 if the
 * monitor refused the TLB contract.
 * Loops 7-9 (the guest registers its shared area before them) run ITERS
 * iterations between marks as the others; 8 and 9 add the way into user
 * mode (one eret) and back (one syscall), 2 traps per ITERS iterations.
 */
#define ITERS 2000
#define ST_EXL 0x2
#define ST_USER 0x10
#define USER_VA 0x10000
#define TP_VALUE 0x5eed7000
#define REFILL_PAIRS  2048
#define REFILL_BASE   0x10000000        /* xuseg */
#define REFILL_STRIDE 0x8000            /* a pair of 16 KiB pages */
#define REFILL_PM     0x6000            /* PageMask: 16 KiB */
/* physical 4 MiB, cached, D V: free RAM in the 8 MiB VM of tests/run.sh
 * (the image sits at 1 MiB, the DTB just below 8 MiB); only read */
#define REFILL_LO0    ((0x400 << 6) | (3 << 3) | 0x6)
#define REFILL_LO1    ((0x404 << 6) | (3 << 3) | 0x6)
/* struct vcpu_shared (docs/guest-abi.md) */
#define SH_STATUS 8
#define SH_CAUSE 16
#define SH_EPC 24
#define SH_ERET_STATUS 40
#define SH_ERET_EPC 48
#define SH_ERET_SET 56
#define SH_TP_SET 76
#define SH_TP 80
#ifdef BARE
#define PHYS_MASK 0x1fffffff
#else
#define PHYS_MASK 0x000000ffffffffff
#endif

/* eret to \pc with Status \st (EXL set): the bare machine through CP0,
 * a guest through its shared area (one trap). Clobbers t1. */
.macro	ERET_TO pc, st
#ifdef BARE
	dmtc0	\pc, $14
	mtc0	\st, $12
	ehb
#else
	sd	\pc, SH_ERET_EPC($s3)
	sd	\st, SH_ERET_STATUS($s3)
	li	$t1, 1
	sw	$t1, SH_ERET_SET($s3)
#endif
	eret
.endm

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
	li	$s4, 0				/* the vector's mode: loop 5 */

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

	/* loops 7-9: the shared area (a guest), the user page (VA USER_VA,
	 * TLB index 1), s1 = kernel Status, s2 = with EXL */
#ifndef BARE
	dla	$s3, shared_area
	li	$t0, 1
	sw	$t0, SH_TP_SET($s3)
	dli	$t0, TP_VALUE
	sd	$t0, SH_TP($s3)
	dli	$t1, PHYS_MASK
	and	$a0, $s3, $t1
	li	$v0, 7				/* HCALL_SHARED_PAGE */
	.word	0x42000028
#endif
	dla	$t0, user_page
	dli	$t1, PHYS_MASK
	and	$t0, $t0, $t1
	dsrl	$t0, $t0, 12
	dsll	$t0, $t0, 6
	ori	$t0, $t0, (3 << 3) | 0x7	/* cached, D V G */
	dmtc0	$t0, $2
	li	$t0, 1				/* the odd page: G only */
	dmtc0	$t0, $3
	li	$t0, USER_VA
	dmtc0	$t0, $10
	mtc0	$0, $5
	li	$t0, 1
	mtc0	$t0, $0
	ehb
	tlbwi
	ehb
	mfc0	$s1, $12
	ori	$s2, $s1, ST_EXL

	jal	bench_point			/* 7: eret (shared area) */
	 nop
	li	$s0, ITERS
1:	dla	$t0, 2f
	ERET_TO	$t0, $s2
2:	addiu	$s0, $s0, -1
	bnez	$s0, 1b
	 nop

	jal	bench_point			/* 8: syscall from user mode */
	 nop
	li	$s0, ITERS
	li	$s4, 1				/* the vector's mode: loops 8, 9 */
	dla	$s5, 3f				/* where the last syscall returns */
	dla	$t0, user_sys
	andi	$t0, $t0, 0xfff			/* its offset in user_page */
	li	$t1, USER_VA
	or	$t0, $t0, $t1
	ori	$t2, $s2, ST_USER
	ERET_TO	$t0, $t2
3:
	jal	bench_point			/* 9: rdhwr $29 from user mode */
	 nop
	li	$s0, ITERS
	li	$v1, 0
	dla	$s5, 3f
	dla	$t0, user_rdhwr
	andi	$t0, $t0, 0xfff
	li	$t1, USER_VA
	or	$t0, $t0, $t1
	ori	$t2, $s2, ST_USER
	ERET_TO	$t0, $t2
3:
	/* 10: the refill loop's set-up (not reported). PageMask for 16 KiB
	 * pages; in a VM the TLB contract (HCALL_TLB_CONTRACT, 16 KiB
	 * pages); then a pass over the pairs (the refill handler fills each;
	 * in a VM the l2tlb learns them). The user loops are over: their
	 * entry may go. */
	jal	bench_point			/* 10: set-up */
	 nop
	dli	$t0, TP_VALUE
	bne	$v1, $t0, 4f			/* rdhwr read a wrong value: exit 4 */
	 nop
	li	$t0, REFILL_PM
	mtc0	$t0, $5
#ifndef BARE
	li	$v0, 10				/* HCALL_TLB_CONTRACT */
	li	$a0, 0x4000
	.word	0x42000028
	bnez	$v0, 6f				/* refused: exit 5 */
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
	li	$s6, REFILL_BASE + REFILL_PAIRS * REFILL_STRIDE
	li	$s2, REFILL_BASE
	jal	bench_point			/* 11: refill */
	 nop
	li	$s0, ITERS
1:	ld	$t0, 0($s2)
	daddu	$s2, $s2, $s1
	bne	$s2, $s6, 2f
	 addiu	$s0, $s0, -1
	li	$s2, REFILL_BASE
2:	bnez	$s0, 1b
	 nop

	jal	bench_point			/* end */
	 nop

	li	$a0, 0
	b	5f
	 nop
4:	li	$a0, 4
	b	5f
	 nop
6:	li	$a0, 5
5:
#ifdef BARE
	li	$t9, 1				/* UHI exit */
	sdbbp	1
#else
	li	$v0, 2				/* HCALL_EXIT */
	.word	0x42000028
#endif
3:	b	3b
	 nop

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

/* User code for loops 8 and 9 (mapped at USER_VA): each ends with the
 * syscall v0 = 1, which goes back to the kernel at s5. */
	.align	12
user_page:
user_sys:
	li	$v0, 0
1:	syscall
	addiu	$s0, $s0, -1
	bnez	$s0, 1b
	 nop
	li	$v0, 1
	syscall
user_rdhwr:
	li	$v0, 0
1:	rdhwr	$3, $29
	addiu	$s0, $s0, -1
	bnez	$s0, 1b
	 nop
	li	$v0, 1
	syscall

/* The general vector. Loop 5 (s4 = 0): skip the syscall, return. Loops 8
 * and 9 (s4 = 1): a user syscall is skipped, the last one (v0 = 1) goes
 * back to the kernel at s5; an RI is rdhwr $3, $29, emulated (v1 = the
 * thread pointer). Anything else: exit 3. */
	.align	12
vector_page:
	REFILL_HANDLER
	.space	0x080 - (. - vector_page)
	REFILL_HANDLER
	.space	0x180 - (. - vector_page)
	bnez	$s4, 6f
	 nop
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
6:
#ifdef BARE
	mfc0	$k0, $13
#else
	ld	$k0, SH_CAUSE($s3)
#endif
	andi	$k0, $k0, 0x7c
	li	$k1, 10 << 2
	beq	$k0, $k1, 8f			/* RI */
	 li	$k1, 8 << 2
	bne	$k0, $k1, 4b
	 li	$k1, 1
	beq	$v0, $k1, 9f			/* the last syscall */
	 nop
7:						/* past the instruction */
#ifdef BARE
	dmfc0	$k0, $14
	daddiu	$k0, $k0, 4
	dmtc0	$k0, $14
#else
	ld	$k0, SH_EPC($s3)
	daddiu	$k0, $k0, 4
	sd	$k0, SH_ERET_EPC($s3)
	ld	$k0, SH_STATUS($s3)
	sd	$k0, SH_ERET_STATUS($s3)
	li	$k0, 1
	sw	$k0, SH_ERET_SET($s3)
#endif
	eret
8:	dli	$v1, TP_VALUE			/* rdhwr $3, $29 */
	b	7b
	 nop
9:						/* kernel mode at s5 */
#ifdef BARE
	dmtc0	$s5, $14
	mtc0	$s2, $12
	ehb
#else
	sd	$s5, SH_ERET_EPC($s3)
	sd	$s2, SH_ERET_STATUS($s3)
	li	$k0, 1
	sw	$k0, SH_ERET_SET($s3)
#endif
	eret

	.bss
#ifndef BARE
	.align	7
shared_area:
	.space	128
#endif
	.align	4
	.space	4096
stack_top:
