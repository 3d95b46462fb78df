/*
 * Guests that misbehave, one way per build: each must be stopped alone
 * with a report, never reach memory that is not its own. None sets up
 * exception vectors, so an exception it takes finds Status.BEV = 1 (no boot
 * ROM in a VM) and stops it.
 *   -DWILD_MEMORY     reads far past its memory (a bus error)
 *   -DMONITOR_MEMORY  reads the monitor's image in kseg0 (not in a VM)
 *   -DWILD_TLB        maps a page of its own TLB to a frame past its memory
 *                     and reads it (a bus error, never another page)
 *   -DGARBAGE         executes a reserved instruction
 *   -DSDBBP           asks QEMU's semihosting to end the machine (UHI exit
 *                     from supervisor mode): an EJTAG debug breakpoint
 *   -DSDBBP_CKSSEG    maps CKSSEG (0xffffffffc0000000, where the monitor's
 *                     own addresses start) to a page of its own and runs an
 *                     sdbbp there: still only this VM may stop
 *   -DSPIN            spins with interrupts masked for a long while, then
 *                     powers off with status 0: others must not starve
 *   -DKREGS           checks that the monitor's ticks leave k0/k1 alone
 *                     (exit status 0, else 3)
 *   -DCOMPARE_STORM   for half a second of its own Count, sets Compare just
 *                     behind Count (Count + 50..600, a trap's round trip
 *                     give or take), over and over, then powers off with
 *                     status 0: the monitor's tick must still come, so
 *                     others run. Its console line "attacking..." is
 *                     unfinished until "done": only the tick shows it
 *                     meanwhile (after 100 ms), on a line of its own
 *   -DWAITED          prints how long it waited to run ("waited N ms": its
 *                     Count at its first instruction; Count starts with the
 *                     VM), then powers off with status 0
 *   -DFORGE           prints lines that repaint themselves as the monitor's
 *                     (CR, ESC and backspace sequences), through the UART
 *                     and the console hypercall, then powers off with
 *                     status 3: the monitor must show them escaped
 */
	.set	noreorder
	.text
	.globl	_start
_start:
#if defined(WILD_MEMORY)
	/* 1 GiB into the direct-map window: far past this VM's memory */
	dli	$t0, 0x4000000040000000
	ld	$t1, 0($t0)
#elif defined(WILD_TLB)
	/* useg page pair 0x10000 -> physical 256 MiB (the VM has less) */
	li	$t0, 0x10000
	dmtc0	$t0, $10		/* EntryHi, ASID 0 */
	mtc0	$zero, $5		/* PageMask: 4K */
	li	$t0, (0x10000 << 6) | (3 << 3) | 0x7	/* PFN 256 MiB, cached, D V G */
	dmtc0	$t0, $2
	dmtc0	$t0, $3
	mtc0	$zero, $0		/* Index 0 */
	tlbwi
	li	$t0, 0x10000
	ld	$t1, 0($t0)
#elif defined(MONITOR_MEMORY)
	/* the monitor's image in kseg0: an address error in supervisor mode */
	dli	$t0, 0xffffffff80100000
	ld	$t1, 0($t0)
#elif defined(GARBAGE)
	.word	0x00000028		/* SPECIAL function 0x28: reserved on MIPS64 R2 */
#elif defined(SDBBP)
	li	$a0, 0
	li	$t9, 1			/* UHI exit */
	sdbbp	1
#elif defined(SDBBP_CKSSEG)
	/* CKSSEG page pair -> guest-physical 2 MiB (even page only) */
	dli	$t0, 0xffffffffc0000000
	dmtc0	$t0, $10		/* EntryHi, ASID 0 */
	mtc0	$zero, $5		/* PageMask: 4K */
	li	$t0, (0x200 << 6) | (3 << 3) | 0x7	/* PFN 2 MiB, cached, D V G */
	dmtc0	$t0, $2
	li	$t0, 0x1		/* odd page: G only, invalid */
	dmtc0	$t0, $3
	mtc0	$zero, $0		/* Index 0 */
	tlbwi
	/* the sdbbp at 0x10 of that page, written through the direct map */
	dla	$t0, 4f
	lw	$t1, 0($t0)
	dli	$t0, 0x4000000000200010
	sw	$t1, 0($t0)
	dli	$t0, 0xffffffffc0000010
	jr	$t0
	 nop
4:	sdbbp				/* copied, never run here */
#elif defined(SPIN)
	di
	li	$t0, 20000000		/* 40M instructions, interrupts masked */
2:	bnez	$t0, 2b
	 daddiu	$t0, $t0, -1
#elif defined(KREGS)
	dli	$k0, 0x1234567890abcdef
	dli	$k1, 0x0fedcba987654321
	li	$t0, 3000000		/* a few monitor ticks */
2:	bnez	$t0, 2b
	 daddiu	$t0, $t0, -1
	dli	$t1, 0x1234567890abcdef
	dli	$t2, 0x0fedcba987654321
	li	$a0, 3
	bne	$k0, $t1, 3f
	 nop
	bne	$k1, $t2, 3f
	 nop
	li	$a0, 0
3:	li	$v0, 2
	.word	0x42000028
#elif defined(COMPARE_STORM)
	dla	$a0, attacking
	li	$a1, done - attacking
	li	$v0, 1			/* console write, no newline */
	.word	0x42000028
	li	$v0, 3			/* timer frequency: Count ticks a second */
	.word	0x42000028
	srl	$s0, $v0, 1		/* s0 = half a second of Count */
	mfc0	$s1, $9			/* s1 = Count at the start */
	li	$s2, 50			/* s2 = K */
2:	mfc0	$t0, $9
	addu	$t1, $t0, $s2
	mtc0	$t1, $11		/* Compare = Count + K */
	addiu	$s2, $s2, 1		/* K = 50, 51, ..., 600, 50, ... */
	sltiu	$t3, $s2, 601
	bnez	$t3, 3f
	 nop
	li	$s2, 50
3:	subu	$t2, $t0, $s1
	sltu	$t3, $t2, $s0
	bnez	$t3, 2b
	 nop
	dla	$a0, done
	li	$a1, done_end - done
	li	$v0, 1
	.word	0x42000028
	.data
attacking:
	.ascii	"attacking..."
done:	.ascii	"done\n"
done_end:
	.text
#elif defined(WAITED)
	mfc0	$s0, $9			/* Count at the first instruction */
	li	$v0, 3			/* Count ticks a second */
	.word	0x42000028
	li	$t0, 1000
	divu	$zero, $v0, $t0
	mflo	$t0			/* Count ticks a millisecond */
	divu	$zero, $s0, $t0
	mflo	$s0			/* s0 = ms waited */
	dla	$a0, waited
	li	$a1, 7
	li	$v0, 1			/* console write: "waited " */
	.word	0x42000028
	dla	$s1, digits_end		/* the digits of s0, backwards */
	li	$t2, 10
4:	divu	$zero, $s0, $t2
	mfhi	$t3
	mflo	$s0
	addiu	$t3, $t3, '0'
	daddiu	$s1, $s1, -1
	bnez	$s0, 4b
	 sb	$t3, 0($s1)
	move	$a0, $s1
	dla	$a1, digits_end
	dsubu	$a1, $a1, $s1
	li	$v0, 1			/* the digits */
	.word	0x42000028
	dla	$a0, digits_end
	li	$a1, 4
	li	$v0, 1			/* " ms\n" */
	.word	0x42000028
	.data
waited:	.ascii	"waited "
	.space	12
digits_end:
	.ascii	" ms\n"
	.text
#elif defined(FORGE)
	/* the first lines through the UART (COM1 in the uncached window) */
	dli	$t0, 0x40000100180003f8
	dla	$t1, forged_uart
2:	lbu	$t2, 0($t1)
	beqz	$t2, 3f
	 daddiu	$t1, $t1, 1
	b	2b
	 sb	$t2, 0($t0)
3:	/* the rest through the console hypercall */
	dla	$a0, forged_call
	li	$a1, forged_call_end - forged_call
	li	$v0, 1
	.word	0x42000028
	li	$a0, 3
	li	$v0, 2
	.word	0x42000028
#endif
	/* only reached if the monitor let it through: say so and exit 0 */
	li	$a0, 0
	li	$v0, 2
	.word	0x42000028
1:	b	1b
	 nop

#if defined(FORGE)
forged_uart:
	.ascii	"\r\033[2Kdisco: vm forge: powered off (exit status 0)\n"
	.ascii	"ok\rdisco: vm forge: powered off (exit status 0)\r\n"
	.asciz	"\\e is not \033 and \\x9b is not \233\n"
forged_call:
	.ascii	"\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b"
	.ascii	"disco: all VMs have ended; power off (status 0)\r\n"
	.ascii	"\033[1A\033[1Gdisco: vm forge: powered off (exit status 0)\n"
forged_call_end:
#endif
