/*
 * Floating-point registers survive vCPU switches: fills all 32 FPRs (and
 * FCSR's rounding mode) with a pattern made from SEED, then 200 times
 * yields the CPU (hypercall 4) and checks every register is still intact.
 * Two VMs built with different SEEDs share one CPU in the test. Powers off
 * with status 0, or 4 if a register changed. Runs with FR = 1.
 */
#define HCALL		.word 0x42000028
#define ST_CU1_FR	0x2400		/* (CU1 | FR) >> 16 */

	.set	noreorder
	.set	noat
	.set	hardfloat
	.text
	.globl	_start
_start:
	mfc0	$t0, $12
	lui	$t1, ST_CU1_FR
	or	$t0, $t0, $t1
	mtc0	$t0, $12
	ehb
	li	$t0, SEED & 3			/* rounding mode */
	ctc1	$t0, $31
	dli	$s0, 0x0101010101010101 * SEED
	move	$t0, $s0
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	dmtc1	$t0, $f\n
	daddiu	$t0, $t0, 1
	.endr
	li	$s1, 200
1:	li	$v0, 4				/* yield */
	HCALL
	move	$t0, $s0
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	dmfc1	$t1, $f\n
	bne	$t1, $t0, bad
	 daddiu	$t0, $t0, 1
	.endr
	cfc1	$t1, $31
	andi	$t1, $t1, 3
	li	$t0, SEED & 3
	bne	$t1, $t0, bad
	 nop
	addiu	$s1, $s1, -1
	bnez	$s1, 1b
	 nop
	li	$a0, 0
	b	2f
	 nop
bad:	li	$a0, 4
2:	li	$v0, 2				/* power off */
	HCALL
3:	b	3b
	 nop
