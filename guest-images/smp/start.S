/*
 * The smp guest's entry and vectors. Every CPU enters _start at once with
 * the same sp: it takes its own stack, indexed by EBase.CPUNum, before
 * touching memory, and calls smp_main(cpu). A CPU beyond SMP_MAX_CPUS parks.
 * Any exception is a failure: the vectors call smp_fault(offset) in C.
 */
	.set	noreorder

#define SMP_STACK_SHIFT	12		/* 4 KiB per CPU */

	.section .text.vectors, "ax", @progbits
	.balign	4096
	.globl	smp_vectors
smp_vectors:
	.org	0x000
	b	1f
	 li	$a0, 0x000
	.org	0x080
	b	1f
	 li	$a0, 0x080
	.org	0x180
	b	1f
	 li	$a0, 0x180
	.org	0x200
	b	1f
	 li	$a0, 0x200
	.org	0x280
1:	dla	$t9, smp_fault
	jalr	$t9
	 nop
2:	b	2b
	 nop

	.section .text.start, "ax", @progbits
	.globl	_start
_start:
	mfc0	$t0, $15, 1		/* EBase */
	andi	$t0, $t0, 0x3ff		/* CPUNum */
	sltiu	$t1, $t0, SMP_MAX_CPUS
	beqz	$t1, 3f
	 nop
	dla	$sp, smp_stacks
	daddiu	$t1, $t0, 1
	dsll	$t1, $t1, SMP_STACK_SHIFT
	daddu	$sp, $sp, $t1
	jal	smp_main
	 move	$a0, $t0
3:	wait
	b	3b
	 nop

	.bss
	.balign	16
	.globl	smp_stacks
smp_stacks:
	.space	SMP_MAX_CPUS << SMP_STACK_SHIFT
