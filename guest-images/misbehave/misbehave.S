/*
 * Guests that misbehave, one way per build (-DWILD_MEMORY, -DMONITOR_MEMORY,
 * -DPRIVILEGED): each must be stopped alone with a report, never reach
 * memory that is not its own.
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
#endif
	/* only reached if the monitor let it through: say so and exit 0 */
	li	$a0, 0
	li	$v0, 2
	.word	0x42000028
1:	b	1b
	 nop
