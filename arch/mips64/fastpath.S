/*
 * Fast paths for the hottest general exceptions from a guest, in
 * assembly, without the frame save, C and the scheduler's return path
 * (vectors.S, trap.c, vcpu/, sched.c):
 *   fast_syscall  a syscall, reflected to the guest's own general vector
 *                 (vcpu/exception.c enter_vector with EXL clear)
 *   fast_eret     the guest kernel's eret (CpU): through the shared area's
 *                 eret_set (vcpu_shared_eret) or plain (cp0_eret)
 *   fast_rdhwr    rdhwr $3, $29 in guest user mode (RI: this CPU has no
 *                 UserLocal) answered from the thread pointer the guest
 *                 kernel published in its shared area (tp, tp_set)
 * Each leaves the guest, its shared area and the vCPU's counts
 * (stats.exc[], reflected[], emulated[]) exactly as the C path would, or
 * goes back to the C path (general_slow, with every register as the
 * vector found it) whenever the case is not the simple one: fast paths
 * off for this CPU (arch_fast.vcpu NULL: the monitor itself trapped, the
 * vCPU's state is one arch_fast_enter() does not hand over, a cross-call
 * is waiting), the slice over or the virtual timer due (one Count
 * deadline), a Status waiting in the shared area (status_set; an eret
 * applies it), a branch delay slot, EXL already set (syscall), CU0 in user
 * mode (rdhwr), a virtual interrupt the guest would take at once (eret,
 * rdhwr), a Status change an eret may not make here (arch_fast.fixed: ERL,
 * BEV, supervisor mode, SX, UX, PX, FR, and CU1 before the FPU is live),
 * the benchmark mark syscall, an instruction not found in the real TLB,
 * anything but the exact words.
 *
 * What the C path does that these need not: the virtual interrupt lines
 * and the mailbox are read at the next C entry (a tick at the latest, and
 * a cross-call turns the fast paths off: arch_fast_kick), as if they had
 * changed a moment later; the real timer and ASID stay as the last C
 * return set them; last_status keeps what matters to it (ERL, SX, KSU,
 * which no fast path changes).
 *
 * The trapping instruction is read where the guest just fetched it: its
 * page is in the real TLB, and a tlbp of EPC (under the guest's ASID, in
 * EntryHi since the trap) proves it before the load, so the load cannot
 * miss: a TLB exception with EXL set would lose EPC.
 *
 * Registers: k1 = this CPU's struct arch_fast throughout (the vector's
 * PARK_K put the guest's k0 and k1 into it), k0 = the vCPU; t0..t3 are
 * borrowed into arch_fast.save[0..3] and given back on both ways out.
 * Offsets come from asm-offsets.c.
 */
#include "arch/mipsregs.h"
#include "asm-offsets.h"

	.set	noreorder
	.set	noat
	.text

/* The guest's t0..tN back, then the C path (vectors.S). */
fast_slow3:
	ld	$t3, FAST_SAVE + 24($k1)
fast_slow2:
	ld	$t2, FAST_SAVE + 16($k1)
fast_slow1:
	ld	$t1, FAST_SAVE + 8($k1)
	ld	$t0, FAST_SAVE + 0($k1)
	j	general_slow
	 nop

/* reg = arch_fast + 8 * (EPC bits 4:2): the site's not_eret slot less
 * FAST_NOT_ERET (t0 = EPC). */
.macro	NOT_ERET_SLOT reg
	andi	\reg, $t0, 0x1c
	dsll	\reg, \reg, 1
	daddu	\reg, \reg, $k1
.endm

/* A CpU at EPC (t0) that is not an eret: remembered, so that the next one
 * there goes to C at once. */
fast_not_eret:
	NOT_ERET_SLOT $t1
	b	fast_slow2
	 sd	$t0, FAST_NOT_ERET($t1)

/* Fast paths on, the slice and the virtual timer not due: k0 = the vCPU,
 * t0..t2 borrowed, t2 = the shared area; else to the C path. */
.macro	FAST_CHECKS
	ld	$k0, FAST_VCPU($k1)
	sd	$t0, FAST_SAVE + 0($k1)
	beqz	$k0, fast_slow1 + 4	/* t0 back, then C */
	 mfc0	$t0, $9			/* Count */
	sd	$t1, FAST_SAVE + 8($k1)
	lw	$t1, FAST_DEADLINE($k1)
	subu	$t0, $t0, $t1
	bgez	$t0, fast_slow1		/* slice over, or virtual timer due */
	 sd	$t2, FAST_SAVE + 16($k1)
	ld	$t2, FAST_SHARED($k1)
	lw	$t0, SH_STATUS_SET($t2)
	bnez	$t0, fast_slow2		/* a Status to apply first */
.endm

/* A new ll since the monitor's last eret (LLAddr not 1): recorded as
 * vcpu_trap does. Clobbers t0, t1. */
.macro	FAST_LLADDR
	dmfc0	$t0, $17
	daddiu	$t1, $t0, -1
	beqz	$t1, 1f
	 li	$t1, 1
	sd	$t0, VCPU_LL_MACHINE($k0)
	sb	$t1, VCPU_LL_FRESH($k0)
1:
.endm

/* counter += 1 at off(k0). Clobbers reg. */
.macro	COUNT reg, off
	ld	\reg, \off($k0)
	daddiu	\reg, \reg, 1
	sd	\reg, \off($k0)
.endm

/* To slow_word unless the word at EPC (in t0) is the one at arch_fast +
 * want; to slow_tlb if EPC is not in the real TLB. The word is read where
 * the guest just fetched it, proven in the real TLB first. Clobbers t1, t2
 * (the shared area) and EntryHi's VPN2 (its ASID, the guest's, stays). The
 * caller gives the last branch's delay slot. */
.macro	WORD_AT_EPC_IS want, slow_tlb, slow_word
	dmfc0	$t1, $10
	dsrl	$t2, $t0, 13
	dinsm	$t1, $t2, 13, 51	/* EntryHi = EPC's VPN2 | ASID */
	dmtc0	$t1, $10
	ehb
	tlbp
	ehb
	mfc0	$t1, $0
	bltz	$t1, \slow_tlb		/* Index.P: not there */
	 lw	$t2, \want($k1)
	lw	$t1, 0($t0)
	bne	$t1, $t2, \slow_word
.endm

/* The guest's t0..tN, k0, k1 back; to the real EPC. */
.macro	FAST_RETURN last
	.if	\last >= 3
	ld	$t3, FAST_SAVE + 24($k1)
	.endif
	ld	$t2, FAST_SAVE + 16($k1)
	ld	$t1, FAST_SAVE + 8($k1)
	ld	$t0, FAST_SAVE + 0($k1)
	ehb				/* the CP0 writes before eret reads them */
	ld	$k0, FAST_K0($k1)
	ld	$k1, FAST_K1($k1)
	eret
.endm

/*
 * syscall: the guest's Status gets IE from the shared area and EXL; EPC,
 * Cause (ExcCode Sys, BD clear: arch_fast.cause_sys) as enter_vector sets
 * them; the shared area as vcpu_shared_store writes it; counted in
 * stats.exc[Sys] and stats.reflected[Sys]; on to the guest's general
 * vector in its kernel mode (real supervisor mode).
 */
	.globl	fast_syscall, fast_eret, fast_rdhwr
fast_syscall:
	FAST_CHECKS
	 ld	$t1, VCPU_STATUS($k0)
	andi	$t0, $t1, ST0_EXL
	bnez	$t0, fast_slow2		/* nested: EPC stays (the C path) */
	 li	$t0, VCPU_MARK_SYSCALL
	beq	$v0, $t0, fast_slow2	/* a benchmark mark (vcpu.c bench_mark) */
	 lw	$t0, SH_IE($t2)
	dins	$t1, $t0, 0, 1		/* Status.IE from the shared area */
	ori	$t1, $t1, ST0_EXL
	sd	$t1, VCPU_STATUS($k0)
	sd	$t1, SH_STATUS($t2)
	andi	$t1, $t1, ST0_IE
	sw	$t1, SH_IE($t2)
	dmfc0	$t0, $14
	sd	$t0, VCPU_EPC($k0)
	sd	$t0, SH_EPC($t2)
	ld	$t0, FAST_CAUSE_SYS($k1)
	sd	$t0, VCPU_CAUSE($k0)
	sd	$t0, SH_CAUSE($t2)
	lw	$t0, FAST_PENDING($k1)
	sw	$t0, SH_PENDING($t2)
	ld	$t0, VCPU_BADVADDR($k0)
	sd	$t0, SH_BADVADDR($t2)
	COUNT	$t0, VCPU_EXC_SYS
	COUNT	$t0, VCPU_REFLECTED_SYS
	ld	$t0, FAST_VECTOR($k1)
	mfc0	$t1, $12
	dmtc0	$t0, $14
	ori	$t1, $t1, ST0_KSU	/* user or supervisor -> supervisor */
	xori	$t1, $t1, ST0_KSU_USER
	mtc0	$t1, $12
	FAST_LLADDR
	FAST_RETURN 2

/*
 * eret in virtual kernel mode: with status_set the Status the guest left
 * in the shared area (through mtc0's mask), IE from it, then with eret_set
 * Status (through mtc0's write mask) and EPC from it, eret_set cleared;
 * EXL off, to EPC; LLAddr 1, the link broken; the shared area rewritten;
 * stats.exc[CpU] and stats.emulated[eret]; the real Status for the mode it
 * returns to (arch_guest_status: real_base, user mode one step up, CU1 as
 * the guest's).
 */
fast_eret:
	/* most CpU traps are other instructions, and the sites of the last
	 * ones are remembered (not_eret): those go to C at once, with k0 and
	 * k1 only (general_slow needs neither) */
	dmfc0	$k0, $14
	andi	$k0, $k0, 0x1c
	dsll	$k0, $k0, 1
	daddu	$k0, $k0, $k1
	ld	$k0, FAST_NOT_ERET($k0)
	dmfc0	$k1, $14
	beq	$k0, $k1, general_slow
	 mfc0	$k1, $28, 1		/* arch_fast again */
	ld	$k0, FAST_VCPU($k1)
	sd	$t0, FAST_SAVE + 0($k1)
	beqz	$k0, fast_slow1 + 4	/* t0 back, then C */
	 sd	$t1, FAST_SAVE + 8($k1)
	dmfc0	$t0, $14
	sd	$t2, FAST_SAVE + 16($k1)
	WORD_AT_EPC_IS FAST_INSN_ERET, fast_slow2, fast_not_eret
	 mfc0	$t1, $9			/* Count (t0 stays EPC for fast_not_eret) */
	lw	$t2, FAST_DEADLINE($k1)
	subu	$t1, $t1, $t2
	bgez	$t1, fast_slow2		/* slice over, or virtual timer due */
	 ld	$t2, FAST_SHARED($k1)
	ld	$t1, VCPU_STATUS($k0)
	lw	$t0, SH_STATUS_SET($t2)
	beqz	$t0, 1f
	 sd	$t3, FAST_SAVE + 24($k1)
	/* the Status the guest left for this trap first (vcpu_shared_load),
	 * through mtc0's mask; one the real TLB must follow goes to C */
	ld	$t0, SH_STATUS_NEXT($t2)
	ld	$t3, FAST_STATUS_RW($k1)
	xor	$t0, $t0, $t1
	and	$t0, $t0, $t3
	xor	$t1, $t1, $t0
	ld	$t0, FAST_FIXED_MASK($k1)
	ld	$t3, FAST_FIXED($k1)
	and	$t0, $t0, $t1
	bne	$t0, $t3, fast_slow3
1:	 andi	$t0, $t1, ST0_KSU_USER | ST0_EXL
	xori	$t0, $t0, ST0_KSU_USER
	beqz	$t0, fast_slow3		/* user mode: CpU is the guest's */
	 lw	$t0, SH_IE($t2)
	dins	$t1, $t0, 0, 1		/* Status.IE from the shared area */
	lw	$t0, SH_ERET_SET($t2)
	beqz	$t0, 1f
	 ld	$t3, VCPU_EPC($k0)	/* where it returns */
	ld	$t0, SH_ERET_STATUS($t2)
	ld	$t3, FAST_STATUS_RW($k1)
	xor	$t0, $t0, $t1
	and	$t0, $t0, $t3
	xor	$t1, $t1, $t0		/* Status = (Status & ~RW) | (new & RW) */
	ld	$t3, SH_ERET_EPC($t2)
1:	ld	$t0, FAST_FIXED_MASK($k1)
	ld	$t2, FAST_FIXED($k1)
	and	$t0, $t0, $t1
	bne	$t0, $t2, fast_slow3	/* a Status change for the C path */
	 dins	$t1, $zero, 1, 1	/* EXL off (ERL is: fixed) */
	ld	$t0, VCPU_CAUSE($k0)
	and	$t0, $t0, $t1
	andi	$t0, $t0, CAUSE_IP
	sltu	$t0, $zero, $t0		/* pending */
	and	$t2, $t0, $t1		/* ... and IE: taken at once */
	bnez	$t2, fast_slow3
	 ld	$t2, FAST_SHARED($k1)
	/* done checking: the eret happens */
	sw	$t0, FAST_PENDING($k1)
	sw	$t0, SH_PENDING($t2)
	sw	$zero, SH_ERET_SET($t2)
	sw	$zero, SH_STATUS_SET($t2)
	sd	$t1, VCPU_STATUS($k0)
	sd	$t1, SH_STATUS($t2)
	andi	$t0, $t1, ST0_IE
	sw	$t0, SH_IE($t2)
	sd	$t3, VCPU_EPC($k0)
	sd	$t3, SH_EPC($t2)
	dmtc0	$t3, $14
	ld	$t0, VCPU_CAUSE($k0)
	sd	$t0, SH_CAUSE($t2)
	ld	$t0, VCPU_BADVADDR($k0)
	sd	$t0, SH_BADVADDR($t2)
	li	$t0, 1
	sd	$t0, VCPU_LLADDR($k0)	/* cp0_eret */
	sb	$zero, VCPU_LL_FRESH($k0)
	COUNT	$t0, VCPU_EXC_CPU
	COUNT	$t0, VCPU_EMULATED_ERET
	lw	$t0, FAST_REAL_BASE($k1)
	andi	$t2, $t1, ST0_KSU_USER
	srl	$t2, $t2, 1
	addu	$t0, $t0, $t2		/* supervisor (1) or user (2) */
	ext	$t2, $t1, 29, 1
	ins	$t0, $t2, 29, 1		/* CU1 */
	mtc0	$t0, $12
	FAST_RETURN 3

/*
 * rdhwr $3, $29 in virtual user mode with a published thread pointer:
 * v1 = tp, past the instruction; Status.IE from the shared area, which is
 * rewritten; stats.exc[RI] and stats.emulated[rdhwr]. The real Status
 * stays (nothing arch_guest_status reads changes).
 */
fast_rdhwr:
	FAST_CHECKS
	 lw	$t0, SH_TP_SET($t2)
	beqz	$t0, fast_slow2		/* no thread pointer published */
	 ld	$t1, VCPU_STATUS($k0)
	andi	$t0, $t1, ST0_KSU | ST0_EXL
	xori	$t0, $t0, ST0_KSU_USER
	bnez	$t0, fast_slow2		/* not user mode */
	 dext	$t0, $t1, 28, 1
	bnez	$t0, fast_slow2		/* CU0: COP0 usable, UserLocal reads 0 */
	 lw	$t0, SH_IE($t2)
	dins	$t1, $t0, 0, 1		/* Status.IE from the shared area */
	lw	$t0, FAST_PENDING($k1)
	and	$t0, $t0, $t1
	bnez	$t0, fast_slow2		/* an interrupt it takes at once */
	 sd	$t1, VCPU_STATUS($k0)	/* (what the C path stores too) */
	sd	$t1, SH_STATUS($t2)
	andi	$t1, $t1, ST0_IE
	sw	$t1, SH_IE($t2)
	dmfc0	$t0, $14
	WORD_AT_EPC_IS FAST_INSN_RDHWR, fast_slow2, fast_slow2	/* else C */
	 daddiu	$t0, $t0, 4
	dmtc0	$t0, $14		/* past it */
	ld	$t2, FAST_SHARED($k1)
	ld	$v1, SH_TP($t2)
	lw	$t0, FAST_PENDING($k1)
	sw	$t0, SH_PENDING($t2)
	ld	$t0, VCPU_CAUSE($k0)
	sd	$t0, SH_CAUSE($t2)
	ld	$t0, VCPU_EPC($k0)
	sd	$t0, SH_EPC($t2)
	ld	$t0, VCPU_BADVADDR($k0)
	sd	$t0, SH_BADVADDR($t2)
	COUNT	$t0, VCPU_EXC_RI
	COUNT	$t0, VCPU_EMULATED_RDHWR
	FAST_LLADDR
	FAST_RETURN 2
