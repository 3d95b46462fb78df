/*
 * Entry point: every CPU arrives here at once from the boot ROM, all with
 * the same sp, BEV=1 and a0..a3 = argc, argv, envp, low RAM size.
 *
 * Registers: t0 = CPU index, t1..t2 scratch; a0..a3 are kept for CPU 0.
 * Before touching memory each CPU takes its own stack; before anything can
 * fault it installs the monitor's vectors (EBase) and clears BEV.
 */
#include "arch/mipsregs.h"
#include "arch/timer.h"
#include "monitor/percpu.h"
#include "asm-offsets.h"

	.set	noreorder
	.set	noat
	.section .text.start, "ax"
	.globl	_start
_start:
	/* Back from the boot ROM in EJTAG debug mode? (see debug_reentry) */
	mfc0	$k0, $23		/* Debug */
	srl	$k0, $k0, 30		/* DM */
	andi	$k0, $k0, 1
	bnez	$k0, debug_from_rom
	 nop
	li	$t0, ST0_KX | ST0_BEV	/* kernel mode, interrupts off */
	mtc0	$t0, $12
	ehb
	mfc0	$t0, $15, 1		/* EBase.CPUNum */
	andi	$t0, $t0, EBASE_CPUNUM
	sltiu	$t1, $t0, MAX_CPUS
	beqz	$t1, park		/* more CPUs than we support */
	 nop

	/* sp = monitor_stacks + (cpu + 1) * stack size */
	daddiu	$t1, $t0, 1
	dsll	$t1, $t1, PERCPU_STACK_SHIFT
	dla	$sp, monitor_stacks
	daddu	$sp, $sp, $t1

	/* DataLo = this CPU's struct arch_fast for the vectors. */
	dla	$t1, arch_fast
	li	$t2, FAST_SIZE
	dmultu	$t0, $t2
	mflo	$t2
	daddu	$t1, $t1, $t2
	mtc0	$t1, $28, 1

	/* Exception vectors, then leave the boot ROM's vectors. */
	dla	$t1, exception_vectors
	mtc0	$t1, $15, 1
	ehb
	li	$t1, ST0_KX
	mtc0	$t1, $12
	ehb

	bnez	$t0, secondary
	 nop

	/* CPU 0: clear .bss (the stacks are outside it), then C. */
	dla	$t1, __bss_start
	dla	$t2, __bss_end
1:	sd	$zero, 0($t1)
	daddiu	$t1, $t1, 8
	sltu	$at, $t1, $t2
	bnez	$at, 1b
	 nop
	jal	monitor_main
	 nop
	b	park
	 nop

secondary:
	/*
	 * Sleep until CPU 0 has cleared .bss and sets smp_release, waking on
	 * this CPU's own timer (trap_entry just acknowledges it). Spinning
	 * instead would burn whole QEMU time slices: all CPUs share one host
	 * thread (measured: 26 million instructions before one check-in).
	 */
	li	$t2, TIMER_BOOT_POLL_TICKS
3:	mfc0	$t1, $9			/* Count */
	addu	$t1, $t1, $t2
	mtc0	$t1, $11		/* Compare = Count + 100 us */
	ehb
	mfc0	$t3, $9			/* passed already? (arch/compare.h) */
	subu	$t3, $t1, $t3
	blez	$t3, 3b
	 sll	$t2, $t2, 1		/* late: try again further ahead */
	li	$t1, ST0_KX | ST0_IM7 | ST0_IE
	mtc0	$t1, $12
	ehb
	dla	$t1, smp_release
1:	lw	$t2, 0($t1)
	bnez	$t2, 2f
	 nop
	wait
	b	1b
	 nop
2:	di
	ehb
	sync
	move	$a0, $t0
	jal	smp_secondary_main
	 nop

park:
	wait
	b	park
	 nop

/*
 * An sdbbp (EJTAG software breakpoint) -- it is not a privileged
 * instruction, a guest can run it -- raises a debug exception, whose vector
 * is in the boot ROM at 0xbfc00480. On QEMU's malta the ROM there runs
 * through data words (cache instructions, whose address QEMU translates
 * with the guest's s8: they may fault into the monitor's vectors, still in
 * debug mode: trap_entry comes here then, with the Status it saved) into
 * its boot stub, which re-enters _start with Debug.DM = 1 (debug_from_rom,
 * Status untouched). Either way DEPC = the sdbbp, and the guest's
 * registers are partly gone, so it cannot continue: leave debug mode
 * (deret, with EXL set so we land in kernel mode) into
 * arch_debug_breakpoint on a fresh stack, with DEPC and the Status.
 *
 * Who ran the sdbbp is told by that Status, never by DEPC (a guest can map
 * CKSSEG, where the monitor's own addresses are): neither a debug
 * exception nor a fault changes Status.KSU (QEMU 7.2 mips_cpu_do_interrupt
 * clears only its hflags copy), and neither does the ROM's stub.
 *
 * Registers: s0 = DEPC, s1 = that Status; a0 = the Status on entry.
 */
debug_from_rom:
	mfc0	$a0, $12		/* Status as the sdbbp found it */
	.globl	debug_reentry
debug_reentry:
	dmfc0	$s0, $24		/* DEPC: where the sdbbp was */
	move	$s1, $a0
	li	$k0, ST0_KX | ST0_EXL
	mtc0	$k0, $12
	dla	$k0, 1f
	dmtc0	$k0, $24
	ehb
	deret
1:	li	$t0, ST0_KX		/* kernel mode, interrupts off */
	mtc0	$t0, $12
	ehb
	mfc0	$t0, $15, 1
	andi	$t0, $t0, EBASE_CPUNUM
	daddiu	$t1, $t0, 1
	dsll	$t1, $t1, PERCPU_STACK_SHIFT
	dla	$sp, monitor_stacks
	daddu	$sp, $sp, $t1
	move	$a0, $s0
	move	$a1, $s1
	jal	arch_debug_breakpoint
	 nop
	b	park
	 nop
