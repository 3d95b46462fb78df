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
 *   -DSPIN            spins with interrupts masked for a long while, then
 *                     powers off with status 0: others must not starve
 *   -DKREGS           checks that the monitor's ticks leave k0/k1 alone
 *                     (exit status 0, else 3)
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
