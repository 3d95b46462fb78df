/*
 * Guests that misbehave, one way per build (-DWILD_MEMORY, -DMONITOR_MEMORY,
 * -DPRIVILEGED): each must be stopped alone with a report, never reach
 * memory that is not its own. -DKREGS is a well-behaved guest that checks
 * the monitor's ticks leave its k0/k1 alone (exit status 0, else 3).
 */
	.set	noreorder
	.text
	.globl	_start
_start:
#if defined(WILD_MEMORY)
	/* 1 GiB into the direct-map window: far past this VM's memory */
	dli	$t0, 0x4000000040000000
	ld	$t1, 0($t0)
#elif defined(MONITOR_MEMORY)
	/* the monitor's image in kseg0: an address error in supervisor mode */
	dli	$t0, 0xffffffff80100000
	ld	$t1, 0($t0)
#elif defined(PRIVILEGED)
	mfc0	$t1, $12
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
