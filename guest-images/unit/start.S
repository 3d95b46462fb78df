/*
 * The unit guest's entry, exception vectors and exception catching.
 *
 * Vectors (page 0 of the image, EBase): each stub puts its own offset in k1
 * and branches to exc_common, which uses only k0/k1 until the interrupted
 * registers are saved in unit_frame, then calls unit_trap(frame) in C on its
 * own stack, restores the frame and erets (unit_trap has set EPC and Status).
 * trap_call/trap_resume are a setjmp/longjmp pair around a test victim.
 * Tests never use k0/k1.
 */
	.set	noreorder

#define FR_HI	256
#define FR_LO	264
#define FR_VEC	272

/* Load a 64-bit symbol address into r without $at. */
#define LOAD_ADDR(r, sym)		\
	lui	r, %highest(sym);	\
	daddiu	r, r, %higher(sym);	\
	dsll	r, r, 16;		\
	daddiu	r, r, %hi(sym);		\
	dsll	r, r, 16;		\
	daddiu	r, r, %lo(sym)

#define VECTOR(off)			\
	.org	off;			\
	b	exc_common;		\
	 ori	$k1, $zero, off

	.section .text.vectors, "ax", @progbits
	.set	noat
	.balign	4096
	.globl	unit_vectors
unit_vectors:
	VECTOR(0x000)		/* TLB refill (32-bit) */
	VECTOR(0x080)		/* XTLB refill */
	VECTOR(0x100)		/* cache error */
	VECTOR(0x180)		/* general */
	VECTOR(0x200)		/* interrupt, Cause.IV = 1 */
	.org	0x280
exc_common:
	LOAD_ADDR($k0, unit_frame)
	sd	$k1, FR_VEC($k0)
	sd	$1, 8($k0)
	sd	$2, 16($k0)
	sd	$3, 24($k0)
	sd	$4, 32($k0)
	sd	$5, 40($k0)
	sd	$6, 48($k0)
	sd	$7, 56($k0)
	sd	$8, 64($k0)
	sd	$9, 72($k0)
	sd	$10, 80($k0)
	sd	$11, 88($k0)
	sd	$12, 96($k0)
	sd	$13, 104($k0)
	sd	$14, 112($k0)
	sd	$15, 120($k0)
	sd	$16, 128($k0)
	sd	$17, 136($k0)
	sd	$18, 144($k0)
	sd	$19, 152($k0)
	sd	$20, 160($k0)
	sd	$21, 168($k0)
	sd	$22, 176($k0)
	sd	$23, 184($k0)
	sd	$24, 192($k0)
	sd	$25, 200($k0)
	sd	$28, 224($k0)
	sd	$29, 232($k0)
	sd	$30, 240($k0)
	sd	$31, 248($k0)
	mfhi	$k1
	sd	$k1, FR_HI($k0)
	mflo	$k1
	sd	$k1, FR_LO($k0)
	move	$a0, $k0
	LOAD_ADDR($sp, unit_exc_stack_top)
	LOAD_ADDR($t9, unit_trap)
	jalr	$t9
	 nop
	LOAD_ADDR($k0, unit_frame)
	ld	$k1, FR_HI($k0)
	mthi	$k1
	ld	$k1, FR_LO($k0)
	mtlo	$k1
	ld	$1, 8($k0)
	ld	$2, 16($k0)
	ld	$3, 24($k0)
	ld	$4, 32($k0)
	ld	$5, 40($k0)
	ld	$6, 48($k0)
	ld	$7, 56($k0)
	ld	$8, 64($k0)
	ld	$9, 72($k0)
	ld	$10, 80($k0)
	ld	$11, 88($k0)
	ld	$12, 96($k0)
	ld	$13, 104($k0)
	ld	$14, 112($k0)
	ld	$15, 120($k0)
	ld	$16, 128($k0)
	ld	$17, 136($k0)
	ld	$18, 144($k0)
	ld	$19, 152($k0)
	ld	$20, 160($k0)
	ld	$21, 168($k0)
	ld	$22, 176($k0)
	ld	$23, 184($k0)
	ld	$24, 192($k0)
	ld	$25, 200($k0)
	ld	$28, 224($k0)
	ld	$29, 232($k0)
	ld	$30, 240($k0)
	ld	$31, 248($k0)
	eret
	.set	at

/*
 * Entry: CPUs other than 0 park before touching memory (the unit guest is
 * uniprocessor); CPU 0 clears .bss, takes the stack, runs the tests
 * (unit_main exits).
 */
	.section .text.start, "ax", @progbits
	.globl	_start
_start:
	mfc0	$t0, $15, 1		/* EBase.CPUNum */
	andi	$t0, $t0, 0x3ff
	bnez	$t0, 3f
	 nop
	dla	$t0, __bss_start
	dla	$t1, _end
1:	sd	$zero, 0($t0)
	daddiu	$t0, $t0, 8
	sltu	$t2, $t0, $t1
	bnez	$t2, 1b
	 nop
	dla	$sp, unit_stack_top
	jal	unit_main
	 nop
2:	b	2b
	 nop
3:	wait
	b	3b
	 nop

/*
 * long trap_call(fn, a0, a1): calls fn(a0, a1); returns 0 when it returns.
 * trap_resume (entered by eret from unit_trap) returns 1 from trap_call
 * with the callee-saved registers, sp and ra as trap_call saved them.
 */
	.globl	trap_call
trap_call:
	dla	$t0, unit_jmpbuf
	sd	$s0, 0($t0)
	sd	$s1, 8($t0)
	sd	$s2, 16($t0)
	sd	$s3, 24($t0)
	sd	$s4, 32($t0)
	sd	$s5, 40($t0)
	sd	$s6, 48($t0)
	sd	$s7, 56($t0)
	sd	$sp, 64($t0)
	sd	$s8, 72($t0)
	sd	$gp, 80($t0)
	sd	$ra, 88($t0)
	move	$t9, $a0
	move	$a0, $a1
	jalr	$t9
	 move	$a1, $a2
	dla	$t0, unit_jmpbuf
	ld	$ra, 88($t0)
	jr	$ra
	 move	$v0, $zero

	.globl	trap_resume
trap_resume:
	dla	$t0, unit_jmpbuf
	ld	$s0, 0($t0)
	ld	$s1, 8($t0)
	ld	$s2, 16($t0)
	ld	$s3, 24($t0)
	ld	$s4, 32($t0)
	ld	$s5, 40($t0)
	ld	$s6, 48($t0)
	ld	$s7, 56($t0)
	ld	$sp, 64($t0)
	ld	$s8, 72($t0)
	ld	$gp, 80($t0)
	ld	$ra, 88($t0)
	jr	$ra
	 li	$v0, 1

	.bss
	.balign	16
	.globl	unit_jmpbuf
unit_jmpbuf:
	.space	16 * 8
	.balign	16
	.space	16384
	.globl	unit_stack_top
unit_stack_top:
	.space	8192
	.globl	unit_exc_stack_top
unit_exc_stack_top:
