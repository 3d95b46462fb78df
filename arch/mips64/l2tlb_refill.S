/*
 * The TLB refill fast path: a real refill from a guest whose vCPU keeps a
 * second-level TLB (mmu/l2tlb.h, armed in this CPU's struct arch_fast by
 * arch_l2tlb_arm) is looked up there; a hit is written into the real TLB
 * with tlbwr and the guest resumes, without a frame, C or the guest's own
 * refill handler. A miss goes back to the vector's full path.
 *
 * Entered from REFILL_VECTOR (vectors.S) with: k1 = arch_fast, k0 = its
 * l2tlb_mask (non-zero), the guest's k0 in FAST_K0, its k1 in ErrorEPC,
 * its t0 in FAST_SAVE. Registers: k0, k1, t0 and t1 (borrowed into
 * FAST_SAVE + 8), and t2, t3 while the NUMA engine counts (FAST_SAVE + 16,
 * + 24); all are the guest's again before the eret or the jump back.
 *
 * The key and slot are mmu/l2tlb.h's: key = (EntryHi >> shift) ^ mix,
 * slot = table + ((key << 5) & mask), a hit if the slot's key equals it.
 * Only entries under the current guest ASID are served here: a global
 * one is for the C path (vcpu_l2tlb_refill), which enters it as global
 * where the monitor's real-TLB code keeps track of it; so every entry
 * this path writes is under a known ASID, and arch_l2tlb_flush_pair of
 * that pair and ASID finds it again. The entry's
 * EntryLo0/1 go in as they are (the vCPU code only ever enters halves of
 * the VM's own RAM); EntryHi is what the refill left (the pair, the real
 * ASID); PageMask the l2tlb's, back to 0 (4 KiB) after the write.
 *
 * Kept in .text.vectors, right after the vectors (the Makefile links this
 * file after vectors.S), so that the vectors reach it with a branch.
 */
#include "arch/mipsregs.h"
#include "asm-offsets.h"

	.set	noreorder
	.set	noat

/* One touch of the guest page of half `half` of the entry at k0, if it is
 * in the VM (t1: its pages): its count (t3: this node's row) against the
 * trigger (t2); t0 and t3 are scratch. */
.macro	NUMA_COUNT half
	lwu	$t0, 24 + 4 * \half($k0)	/* gpage[half] (an invalid half: not below t1) */
	sltu	$t3, $t0, $t1
	beqz	$t3, 6f
	 ld	$t3, FAST_NUMA_ROW($k1)
	dsll	$t0, $t0, 1
	daddu	$t3, $t3, $t0
	lhu	$t0, 0($t3)
	addiu	$t0, $t0, 1
	sh	$t0, 0($t3)
	andi	$t0, $t0, 0xffff
	bne	$t0, $t2, 6f
	 ld	$t3, FAST_NUMA_RING($k1)
	lwu	$t0, NUMA_RING_HEAD($t3)	/* hot: slot[(head + 1) & mask] */
	addiu	$t0, $t0, 1
	sw	$t0, NUMA_RING_HEAD($t3)
	andi	$t0, $t0, NUMA_RING_MASK
	dsll	$t0, $t0, 2
	daddu	$t3, $t3, $t0
	lwu	$t0, 24 + 4 * \half($k0)
	sw	$t0, 0($t3)
6:
.endm

.macro	L2TLB_REFILL offset
	.globl	l2tlb_refill_\offset
l2tlb_refill_\offset :
	sd	$t1, FAST_SAVE + 8($k1)
	dmfc0	$t0, $10		/* EntryHi: R, VPN2, ASID */
	ld	$t1, FAST_L2TLB_SHIFT($k1)
	dsrlv	$t0, $t0, $t1		/* its pair */
	ld	$t1, FAST_L2TLB_MIX($k1)
	xor	$t0, $t0, $t1		/* the key under the current ASID */
	dsll	$t1, $t0, 5
	and	$k0, $k0, $t1
	ld	$t1, FAST_L2TLB_TABLE($k1)
	daddu	$k0, $k0, $t1		/* its slot */
	ld	$t1, 0($k0)
	bne	$t0, $t1, 2f		/* a miss: the full path */
	 ld	$t1, 8($k0)		/* EntryLo0 */
	dmtc0	$t1, $2
	ld	$t1, 16($k0)		/* EntryLo1 */
	dmtc0	$t1, $3
	ld	$t1, FAST_L2TLB_PAGEMASK($k1)
	mtc0	$t1, $5
	ehb
	tlbwr
	mtc0	$0, $5
	ld	$t1, FAST_L2TLB_HITS($k1)	/* the vCPU's count */
	ld	$t0, 0($t1)
	daddiu	$t0, $t0, 1
	sd	$t0, 0($t1)
	ld	$t1, FAST_NUMA_ROW($k1)		/* the NUMA engine's touch counts */
	bnez	$t1, 3f
	 nop
4:	ld	$t0, FAST_SAVE($k1)
	ld	$t1, FAST_SAVE + 8($k1)
	ld	$k0, FAST_K0($k1)
	dmfc0	$k1, $30
	eret

2:	ld	$t0, FAST_SAVE($k1)
	j	refill_full_\offset
	 ld	$t1, FAST_SAVE + 8($k1)

	/* numa/placement.h: one more touch of each half's guest page from
	 * this node (a pair is refilled when either half is touched first:
	 * a sequential reader would only ever count the first half); at the
	 * trigger, the page into the vCPU's hot ring. Borrows t2, t3. */
3:	sd	$t2, FAST_SAVE + 16($k1)
	sd	$t3, FAST_SAVE + 24($k1)
	ld	$t2, FAST_NUMA_VM($k1)
	ld	$t1, NUMA_FAST_NPAGES($t2)	/* 0: not counting */
	beqz	$t1, 5f
	 ld	$t2, NUMA_FAST_TRIGGER($t2)
	NUMA_COUNT 0
	NUMA_COUNT 1
5:	ld	$t2, FAST_SAVE + 16($k1)
	b	4b
	 ld	$t3, FAST_SAVE + 24($k1)
.endm

	.section .text.vectors, "ax"
	L2TLB_REFILL 0x000
	L2TLB_REFILL 0x080
