/*
 * Guest TLB entries survive vCPU switches, and stay the VM's own: maps the
 * same 16 virtual pages (0x10000000, 8 pairs of 4 KiB pages) under guest
 * ASIDs 1 and 2 to 32 pages of its own memory (guest-physical 2 MiB up)
 * holding a pattern made from SEED, the ASID and the page; then 200 times
 * yields the CPU (hypercall 4) and reads every page under both ASIDs
 * (switching by writing EntryHi). Two VMs built with different SEEDs share
 * one CPU in the test: the same addresses under the same ASIDs, different
 * memory. Each vCPU (EBase.CPUNum, s6) has pages of its own too: two vCPUs
 * of one VM on one CPU, with the same ASIDs, must not share real entries
 * either (SMP kernels give ASIDs per CPU). Powers off with status 0, or 4
 * if a page read another's word.
 *
 * Built with CYCLE (tlbcycle*.elf), each round also takes a new guest ASID
 * (3..255 in turn, s5), maps 0x10100000 under it alone (guest TLB index 16)
 * to a page of ASID 1 and reads it there: three vCPUs use up the 255 real
 * ASIDs of their CPU twice, and no entry of an ASID's earlier owner may
 * answer for it after the real ones are recycled.
 * t8: the ASID, t9: the page (0..15), t3: the word expected there.
 */
#define HCALL		.word 0x42000028
#define ROUNDS		200
#define VA_BASE		0x1000		/* << 16: 0x10000000 */
#define GPA_BASE	0x20		/* << 16: 2 MiB */
#define LO_FLAGS	0x1e		/* C = 3 (cached), D, V; G = 0 */

	.set	noreorder
	.set	noat
	.text
	.globl	_start
_start:
	mfc0	$t0, $12			/* ERL off: kuseg is mapped */
	li	$t1, ~4
	and	$t0, $t0, $t1
	mtc0	$t0, $12
	ehb
	mfc0	$s6, $15, 1			/* EBase.CPUNum: this vCPU */
	andi	$s6, $s6, 0x3ff
	dli	$s7, 0x4000000000000000		/* the cached window */
	li	$t8, 1
fill_asid:
	li	$t9, 0
fill_page:
	bal	page				/* t0 = gpa, t2 = va, t3 = word */
	 nop
	daddu	$a4, $t0, $s7
	sd	$t3, 0($a4)			/* the word, through the window */
	andi	$a4, $t9, 1
	bnez	$a4, 1f				/* one entry per pair */
	 nop
	or	$a5, $t2, $t8			/* EntryHi: va | ASID */
	dmtc0	$a5, $10
	dsrl	$a6, $t0, 12			/* EntryLo0/1: the pair's frames */
	dsll	$a6, $a6, 6
	ori	$a6, $a6, LO_FLAGS
	dmtc0	$a6, $2
	daddiu	$a6, $a6, 0x40
	dmtc0	$a6, $3
	mtc0	$zero, $5			/* PageMask: 4 KiB */
	addiu	$a6, $t8, -1			/* Index: (ASID - 1) * 8 + pair */
	sll	$a6, $a6, 3
	srl	$a7, $t9, 1
	addu	$a6, $a6, $a7
	mtc0	$a6, $0
	ehb
	tlbwi
	ehb
1:	addiu	$t9, $t9, 1
	sltiu	$a4, $t9, 16
	bnez	$a4, fill_page
	 nop
	addiu	$t8, $t8, 1
	sltiu	$a4, $t8, 3
	bnez	$a4, fill_asid
	 nop

	li	$s1, ROUNDS
	li	$s5, 2
round:	li	$v0, 4				/* yield */
	HCALL
	li	$t8, 1
check_asid:
	dmtc0	$t8, $10			/* EntryHi: this ASID */
	ehb
	li	$t9, 0
check_page:
	bal	page
	 nop
	ld	$t1, 0($t2)			/* through the guest's TLB */
	bne	$t1, $t3, bad
	 nop
	addiu	$t9, $t9, 1
	sltiu	$a4, $t9, 16
	bnez	$a4, check_page
	 nop
	addiu	$t8, $t8, 1
	sltiu	$a4, $t8, 3
	bnez	$a4, check_asid
	 nop
#ifdef CYCLE
	addiu	$s5, $s5, 1			/* the next guest ASID, 3..255 */
	sltiu	$a4, $s5, 256
	bnez	$a4, 4f
	 nop
	li	$s5, 3
4:	li	$t8, 1				/* page s5 & 14 of ASID 1 */
	andi	$t9, $s5, 14
	bal	page
	 nop
	lui	$a5, 0x1010			/* EntryHi: 0x10100000 | s5 */
	or	$a5, $a5, $s5
	dmtc0	$a5, $10
	dsrl	$a6, $t0, 12
	dsll	$a6, $a6, 6
	ori	$a6, $a6, LO_FLAGS
	dmtc0	$a6, $2
	daddiu	$a6, $a6, 0x40
	dmtc0	$a6, $3
	mtc0	$zero, $5
	li	$a6, 16
	mtc0	$a6, $0
	ehb
	tlbwi
	ehb
	lui	$a5, 0x1010
	ld	$t1, 0($a5)			/* under ASID s5 */
	bne	$t1, $t3, bad
	 nop
#endif
	addiu	$s1, $s1, -1
	bnez	$s1, round
	 nop
	li	$a0, 0
	b	2f
	 nop
bad:	li	$a0, 4
2:	li	$v0, 2				/* power off */
	HCALL
3:	b	3b
	 nop

/* Page t9 of ASID t8 of vCPU s6: t0 = its gpa, t2 = its virtual address,
 * t3 = the word it holds (SEED << 32 | vCPU << 24 | ASID << 16 | page). */
page:	addiu	$t0, $t8, -1
	dsll	$t0, $t0, 16
	dsll	$t1, $t9, 12
	daddu	$t0, $t0, $t1
	dsll	$t1, $s6, 17
	daddu	$t0, $t0, $t1
	lui	$t1, GPA_BASE
	daddu	$t0, $t0, $t1
	lui	$t2, VA_BASE
	dsll	$t1, $t9, 12
	daddu	$t2, $t2, $t1
	li	$t3, SEED
	dsll32	$t3, $t3, 0
	dsll	$t1, $t8, 16
	or	$t3, $t3, $t1
	dsll	$t1, $s6, 24
	or	$t3, $t3, $t1
	jr	$ra
	 or	$t3, $t3, $t9
