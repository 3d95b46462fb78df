/*
 * The TLB contract from a guest's side (tests/run.sh guest-l2tlb): what the
 * monitor's second-level TLB must and must not do, each check counting the
 * guest's own TLB refills and exceptions. The VM powers off with status 0
 * if every check holds, else with the number of the first that failed:
 *  10     without the contract, a pair evicted from the guest's TLB refills
 *         again (the hardware's 64 entries)
 *  11     the contract is accepted (16 KiB pages)
 *  12-13  with it, a pair learnt and evicted is still translated: no refill,
 *         for either half
 *  14     under another ASID it is not
 *  15-16  HCALL_TLB_DROP of an evicted pair: the next access refills
 *  17     a kept half that is invalid, its entry evicted: the guest gets a
 *         refill, then (its TLB now holding it) TLBL -- never TLBL alone
 *  18     a kept clean half stored to: a refill, then Mod
 *  19-21  HCALL_TLB_FLUSH of everything: an evicted pair refills again
 * Pairs of 16 KiB pages in xuseg on guest-physical 8 MiB and up; the
 * refill handler writes the pair in next_lo, the general handler counts
 * exceptions by ExcCode and skips the instruction.
 */
#define ST_BEV     (1 << 22)
#define ST_ERL     0x4
#define PM_16K     0x6000
#define VA_A       0x10000000
#define VA_B       0x10100000
#define VA_C       0x10200000
#define HALF       0x4000
#define LO(pfn, d) (((pfn) << 6) | (3 << 3) | ((d) << 2) | 0x2)
#define HC_EXIT    2
#define HC_DROP    9
#define HC_CONTRACT 10
#define HC_FLUSH   11
#define EXC_TLBL   2
#define EXC_MOD    1

	.set	noreorder
	.text
	.globl	_start
_start:
	dla	$t0, vector_page		/* EBase: its kseg0 alias */
	dli	$t1, 0x000000ffffffffff
	and	$t0, $t0, $t1
	lui	$t1, 0x8000
	or	$t0, $t0, $t1
	mtc0	$t0, $15, 1
	mfc0	$t0, $12
	li	$t1, ~(ST_BEV | ST_ERL)
	and	$t0, $t0, $t1
	ori	$t0, $t0, 0xe0			/* KX, SX, UX */
	mtc0	$t0, $12
	li	$t0, PM_16K
	mtc0	$t0, $5
	li	$t0, 1				/* ASID 1 */
	dmtc0	$t0, $10
	ehb

/* check N: exit N unless reg == value */
.macro	expect reg, value, n
	li	$t9, \value
	bne	\reg, $t9, fail
	 li	$a0, \n
.endm
/* next refill writes pfn lo0 (dirty d0, valid v0) and pfn + 4 (valid v1) */
.macro	next pfn, d0, v1
	dla	$t0, next_lo
	li	$t1, LO(\pfn, \d0)
	sd	$t1, 0($t0)
	li	$t1, (\v1) * LO(\pfn + 4, \d0)
	sd	$t1, 8($t0)
.endm
.macro	refills reg
	dla	$t0, counts
	ld	\reg, 0($t0)
.endm
.macro	excs reg, code
	dla	$t0, counts
	ld	\reg, 8 * (1 + \code)($t0)
.endm
.macro	hcall nr, a0v=0, a1v=0, a2v=0
	li	$v0, \nr
	dli	$a0, \a0v
	dli	$a1, \a1v
	li	$a2, \a2v
	.word	0x42000028
.endm

	/* 10: the hardware's semantics without the contract */
	next	0x800, 1, 1
	dli	$s0, VA_A
	ld	$t2, 0($s0)
	jal	evict
	 nop
	ld	$t2, 0($s0)
	refills	$s1
	expect	$s1, 2, 10
	/* 11 */
	hcall	HC_CONTRACT, 0x4000
	expect	$v0, 0, 11
	/* 12-13: learnt, evicted, still translated */
	jal	evict
	 nop
	ld	$t2, 0($s0)			/* refill 3: learnt */
	jal	evict
	 nop
	ld	$t2, 0($s0)
	refills	$s1
	expect	$s1, 3, 12
	ld	$t2, HALF($s0)
	refills	$s1
	expect	$s1, 3, 13
	/* 14: not under another ASID */
	li	$t0, 2
	dmtc0	$t0, $10
	ehb
	ld	$t2, 0($s0)
	refills	$s1
	expect	$s1, 4, 14
	li	$t0, 1
	dmtc0	$t0, $10
	ehb
	/* 15-16: a drop of an evicted pair */
	jal	evict
	 nop
	hcall	HC_DROP, VA_A | 1, 0xffffffff80000000, 15
	expect	$v0, -1, 15
	ld	$t2, 0($s0)
	refills	$s1
	expect	$s1, 5, 16
	/* 17: a kept invalid half of an evicted entry: refill, then TLBL */
	next	0x808, 1, 0
	dli	$s2, VA_B
	ld	$t2, 0($s2)			/* refill 6: learnt */
	jal	evict
	 nop
	ld	$t2, HALF($s2)
	refills	$s1
	excs	$s3, EXC_TLBL
	expect	$s1, 7, 17
	expect	$s3, 1, 17
	/* 18: a kept clean half stored to: refill, then Mod */
	next	0x810, 0, 1
	dli	$s2, VA_C
	ld	$t2, 0($s2)			/* refill 8: learnt */
	jal	evict
	 nop
	sd	$t2, 0($s2)
	refills	$s1
	excs	$s3, EXC_MOD
	expect	$s1, 9, 18
	expect	$s3, 1, 18
	/* 19-21: everything flushed */
	next	0x800, 1, 1
	ld	$t2, 0($s0)			/* A: kept since 16 */
	refills	$s1
	expect	$s1, 9, 19
	hcall	HC_FLUSH, 1
	expect	$v0, 0, 20
	ld	$t2, 0($s0)
	refills	$s1
	expect	$s1, 10, 21

	li	$a0, 0
fail:	li	$v0, HC_EXIT
	.word	0x42000028
1:	b	1b
	 nop

/* Every entry of the guest's TLB replaced by an unmatchable one (CKSEG0
 * pairs, as Linux's local_flush_tlb_all); EntryHi's ASID kept. */
evict:
	dmfc0	$t3, $10
	dmtc0	$0, $2
	dmtc0	$0, $3
	li	$t0, 0
	dli	$v1, 0xffffffff80000000
1:	dsll	$t1, $t0, 15
	daddu	$t1, $t1, $v1
	dmtc0	$t1, $10
	mtc0	$t0, $0
	ehb
	tlbwi
	addiu	$t0, $t0, 1
	li	$t1, 64
	bne	$t0, $t1, 1b
	 nop
	dmtc0	$t3, $10
	jr	$ra
	 ehb

/* Refills (both vectors): count, write next_lo's pair. */
.macro	REFILL
	dla	$k0, counts
	ld	$k1, 0($k0)
	daddiu	$k1, $k1, 1
	sd	$k1, 0($k0)
	dla	$k0, next_lo
	ld	$k1, 0($k0)
	dmtc0	$k1, $2
	ld	$k1, 8($k0)
	dmtc0	$k1, $3
	ehb
	tlbwr
	eret
.endm

	.align	12
vector_page:
	REFILL
	.space	0x080 - (. - vector_page)
	REFILL
	.space	0x180 - (. - vector_page)
	mfc0	$k0, $13			/* count by ExcCode, skip */
	andi	$k0, $k0, 0x7c
	dsll	$k0, $k0, 1
	dla	$k1, counts + 8
	daddu	$k1, $k1, $k0
	ld	$k0, 0($k1)
	daddiu	$k0, $k0, 1
	sd	$k0, 0($k1)
	dmfc0	$k0, $14
	daddiu	$k0, $k0, 4
	dmtc0	$k0, $14
	eret

	.data
	.align	3
next_lo:
	.dword	0, 0
counts:					/* refills, then exceptions by ExcCode */
	.space	8 * 33
