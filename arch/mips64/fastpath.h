/*
 * The general vector's dispatch to the fast paths (fastpath.S), in the
 * vector slot itself: k0 = Cause, k1 = this CPU's struct arch_fast, the
 * trapped code's k0 and k1 parked (vectors.S PARK_K). A delay slot always
 * goes to C (general_slow); so does every ExcCode but Sys, CpU and RI.
 */
#ifndef ARCH_FASTPATH_H
#define ARCH_FASTPATH_H

.macro	FAST_DISPATCH
	bltz	$k0, general_slow	/* Cause.BD */
	 andi	$k0, $k0, CAUSE_EXCCODE
	xori	$k0, $k0, 8 << 2	/* Sys */
	beqz	$k0, fast_syscall
	 xori	$k0, $k0, (8 ^ 11) << 2	/* CpU */
	beqz	$k0, fast_eret
	 xori	$k0, $k0, (11 ^ 10) << 2	/* RI */
	beqz	$k0, fast_rdhwr
	 nop
	j	general_slow
	 nop
.endm

#endif
