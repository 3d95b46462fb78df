/*
 * Assembly the victim and the attacker share (see hostile.h): every CP0
 * register by number (mfc0/mtc0 encode it in the instruction, so a table of
 * 256 four-word stubs), the FPU's registers, and a spin loop that keeps
 * marked values in HI, LO and s0..s7. Registers: t0, t1 and the arguments.
 */
	.set	noreorder
	.text

#define REGS	0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
#define SELS	0,1,2,3,4,5,6,7

/* u64 cp0_read_any(unsigned int index): dmfc0 of (index / 8, index % 8) */
	.globl	cp0_read_any
cp0_read_any:
	dla	$t0, read_table
	andi	$a0, $a0, 0xff
	dsll	$a0, $a0, 4
	daddu	$t0, $t0, $a0
	jr	$t0
	 nop
	.balign	16
read_table:
	.irp	r, REGS
	.irp	s, SELS
	dmfc0	$v0, $\r, \s
	jr	$ra
	 nop
	nop
	.endr
	.endr

/* void cp0_write_any(unsigned int index, u64 value): dmtc0 */
	.globl	cp0_write_any
cp0_write_any:
	dla	$t0, write_table
	andi	$a0, $a0, 0xff
	dsll	$a0, $a0, 4
	daddu	$t0, $t0, $a0
	jr	$t0
	 nop
	.balign	16
write_table:
	.irp	r, REGS
	.irp	s, SELS
	dmtc0	$a1, $\r, \s
	ehb
	jr	$ra
	 nop
	.endr
	.endr

	.set	push
	.set	hardfloat
	.set	fp=64
/* void fpu_fill(u64 base): $fN = base + N (Status.CU1 and FR set) */
	.globl	fpu_fill
fpu_fill:
	.irp	n, REGS
	daddiu	$t0, $a0, \n
	dmtc1	$t0, $f\n
	.endr
	jr	$ra
	 nop

/* void fpu_dump(u64 out[32]) */
	.globl	fpu_dump
fpu_dump:
	.irp	n, REGS
	sdc1	$f\n, \n * 8($a0)
	.endr
	jr	$ra
	 nop
	.set	pop

/* long spin_marked(u64 n, u64 magic): n iterations with HI = LO = magic
 * and sK = magic + K; 0 if all ten still hold their values after. */
	.globl	spin_marked
spin_marked:
	daddiu	$sp, $sp, -64
	.irp	k, 0,1,2,3,4,5,6,7
	sd	$s\k, \k * 8($sp)
	daddiu	$s\k, $a1, \k
	.endr
	mthi	$a1
	mtlo	$a1
1:	bnez	$a0, 1b
	 daddiu	$a0, $a0, -1
	li	$v0, 1
	mfhi	$t0
	bne	$t0, $a1, 2f
	 nop
	mflo	$t0
	bne	$t0, $a1, 2f
	 nop
	.irp	k, 0,1,2,3,4,5,6,7
	daddiu	$t1, $a1, \k
	bne	$s\k, $t1, 2f
	 nop
	.endr
	li	$v0, 0
2:	.irp	k, 0,1,2,3,4,5,6,7
	ld	$s\k, \k * 8($sp)
	.endr
	jr	$ra
	 daddiu	$sp, $sp, 64
