/*
 * The smpcall guest's entry, vectors and trampolines (a disco guest only:
 * it tests the SMP hypercalls, docs/guest-abi.md).
 *
 * Every vCPU enters _start at once: it takes its boot stack by EBase.CPUNum
 * and calls smpcall_main(cpu). Exceptions save every register on the
 * interrupted stack (the guest runs in kernel mode only) and call
 * smpcall_exception(frame) in C, which may change EPC; the refill vectors
 * are fatal (the guest has no TLB mappings). smpcall_park_marked parks
 * with s0 and s1 set to known values; a vCPU started by HCALL_VCPU_START
 * enters a trampoline that hands its gp, sp, s0/s1 and v0 to C.
 */
	.set	noreorder
	.set	noat

#define STACK_SHIFT	13		/* 8 KiB per vCPU */
#define MAX_VCPUS	8
#define FRAME		288		/* 31 registers, hi, lo, padding */
#define HCALL_VCPU_PARK	15
#define PARK_MARK	0x5eed0000

	.section .text.vectors, "ax", @progbits
	.balign	4096
	.globl	smpcall_vectors
smpcall_vectors:
	.org	0x000
	b	fatal_vec
	 ori	$k1, $zero, 0x000
	.org	0x080
	b	fatal_vec
	 ori	$k1, $zero, 0x080
	.org	0x100
	b	fatal_vec
	 ori	$k1, $zero, 0x100
	.org	0x180
	b	exc_common
	 nop
	.org	0x200
	b	exc_common
	 nop
	.org	0x280
fatal_vec:
	.set	at
	move	$a0, $k1
	dla	$t9, smpcall_fatal_vector
	jalr	$t9
	 nop
1:	b	1b
	 nop
	.set	noat

exc_common:
	daddiu	$sp, $sp, -FRAME
	sd	$1, 8($sp)
	sd	$2, 16($sp)
	sd	$3, 24($sp)
	sd	$4, 32($sp)
	sd	$5, 40($sp)
	sd	$6, 48($sp)
	sd	$7, 56($sp)
	sd	$8, 64($sp)
	sd	$9, 72($sp)
	sd	$10, 80($sp)
	sd	$11, 88($sp)
	sd	$12, 96($sp)
	sd	$13, 104($sp)
	sd	$14, 112($sp)
	sd	$15, 120($sp)
	sd	$16, 128($sp)
	sd	$17, 136($sp)
	sd	$18, 144($sp)
	sd	$19, 152($sp)
	sd	$20, 160($sp)
	sd	$21, 168($sp)
	sd	$22, 176($sp)
	sd	$23, 184($sp)
	sd	$24, 192($sp)
	sd	$25, 200($sp)
	sd	$28, 224($sp)
	sd	$30, 240($sp)
	sd	$31, 248($sp)
	mfhi	$k1
	sd	$k1, 256($sp)
	mflo	$k1
	sd	$k1, 264($sp)
	lui	$t9, %highest(smpcall_exception)
	daddiu	$t9, $t9, %higher(smpcall_exception)
	dsll	$t9, $t9, 16
	daddiu	$t9, $t9, %hi(smpcall_exception)
	dsll	$t9, $t9, 16
	daddiu	$t9, $t9, %lo(smpcall_exception)
	jalr	$t9
	 move	$a0, $sp
	ld	$k1, 256($sp)
	mthi	$k1
	ld	$k1, 264($sp)
	mtlo	$k1
	ld	$1, 8($sp)
	ld	$2, 16($sp)
	ld	$3, 24($sp)
	ld	$4, 32($sp)
	ld	$5, 40($sp)
	ld	$6, 48($sp)
	ld	$7, 56($sp)
	ld	$8, 64($sp)
	ld	$9, 72($sp)
	ld	$10, 80($sp)
	ld	$11, 88($sp)
	ld	$12, 96($sp)
	ld	$13, 104($sp)
	ld	$14, 112($sp)
	ld	$15, 120($sp)
	ld	$16, 128($sp)
	ld	$17, 136($sp)
	ld	$18, 144($sp)
	ld	$19, 152($sp)
	ld	$20, 160($sp)
	ld	$21, 168($sp)
	ld	$22, 176($sp)
	ld	$23, 184($sp)
	ld	$24, 192($sp)
	ld	$25, 200($sp)
	ld	$28, 224($sp)
	ld	$30, 240($sp)
	ld	$31, 248($sp)
	daddiu	$sp, $sp, FRAME
	eret

	.set	at
	.section .text.start, "ax", @progbits
	.globl	_start
_start:
	mfc0	$t0, $15, 1		/* EBase */
	andi	$t0, $t0, 0x3ff		/* CPUNum */
	sltiu	$t1, $t0, MAX_VCPUS
	beqz	$t1, 3f
	 nop
	dla	$sp, smpcall_boot_stacks
	daddiu	$t1, $t0, 1
	dsll	$t1, $t1, STACK_SHIFT
	daddu	$sp, $sp, $t1
	jal	smpcall_main
	 move	$a0, $t0
3:	wait
	b	3b
	 nop

/* void smpcall_park_marked(u64 cpu): parks with s0 = PARK_MARK + cpu and
 * s1 = ~s0; never returns (HCALL_VCPU_START gives it a new pc) */
	.text
	.globl	smpcall_park_marked
smpcall_park_marked:
	li	$s0, PARK_MARK
	daddu	$s0, $s0, $a0
	nor	$s1, $s0, $zero
	li	$v0, HCALL_VCPU_PARK
	.word	0x42000028
	/* a park that returned: C says so */
	dla	$t9, smpcall_park_returned
	jalr	$t9
	 move	$a0, $v0
4:	b	4b
	 nop

/* Entries for HCALL_VCPU_START: C gets (gp, sp, s0, s1, v0) as the start
 * left them, then runs on the stack it was given */
	.globl	smpcall_start_entry
smpcall_start_entry:
	move	$a0, $gp
	move	$a1, $sp
	move	$a2, $s0
	move	$a3, $s1
	move	$a4, $v0
	dla	$t9, smpcall_started
	jalr	$t9
	 nop
5:	b	5b
	 nop

	.globl	smpcall_yield_entry
smpcall_yield_entry:
	move	$a0, $gp
	dla	$t9, smpcall_yield_helper
	jalr	$t9
	 nop
6:	b	6b
	 nop

	.bss
	.balign	16
	.globl	smpcall_boot_stacks
smpcall_boot_stacks:
	.space	MAX_VCPUS << STACK_SHIFT
