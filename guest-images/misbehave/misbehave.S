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
#endif
	/* only reached if the monitor let it through: say so and exit 0 */
	li	$a0, 0
	li	$v0, 2
	.word	0x42000028
1:	b	1b
	 nop
