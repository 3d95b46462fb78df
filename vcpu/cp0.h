/*
 * A virtual CPU's coprocessor-0 register file: what mfc0/dmfc0 read and
 * what mtc0/dmtc0 may change, register by register, with the read-only
 * bits and write masks of the emulated CPU (QEMU 7.2's MIPS64R2-generic,
 * whose identity -- PRId, Config0-3 -- the monitor reads from the real CPU
 * at boot). Pure C, no hardware access: unit-tested on the host.
 *
 * Count is virtual: Count = real Count - count_bias (while not stopped by
 * Cause.DC), so it advances at the real rate while the vCPU exists; the
 * caller passes the real Count to every call that needs it.
 *
 * What QEMU does with registers this CPU lacks (target/mips/tcg/translate.c
 * gen_mfc0/gen_dmfc0/gen_mtc0/gen_dmtc0): mfc0/dmfc0 read all ones
 * (gen_mfc0_unimplemented, pre-R6) and mtc0/dmtc0 are ignored -- no
 * exception. The one exception is the page-table-walker group (5,5) (5,6)
 * (5,7) (6,6), which raises Reserved Instruction (check_pw, Config3.PW = 0):
 * ask cp0_raises_ri() before cp0_read/cp0_write. UserLocal (4,2) is absent
 * (Config3.ULRI = 0): it reads all ones. mfc0/dmfc0 with rt = 0 is a nop in
 * QEMU (gen_cp0), so the caller must not call cp0_read then (Random would
 * advance).
 */
#ifndef VCPU_CP0_H
#define VCPU_CP0_H

#include <stdbool.h>
#include <stdint.h>

/* The emulated CPU's identity and sizes (the real CPU's). */
struct cp0_identity {
	uint32_t prid;
	uint32_t config[4];     /* Config0..Config3 as the real CPU reads them */
	unsigned int tlb_entries;
};

#define CP0_WATCH_PAIRS 8       /* WatchLo/WatchHi sel 0..7 (WatchHi.M chain) */

struct cp0 {
	const struct cp0_identity *id;
	unsigned int vcpu_id;   /* EBase.CPUNum */
	uint64_t index, entrylo0, entrylo1, context, pagemask, wired, hwrena;
	uint64_t badvaddr, entryhi, compare, status, intctl, srsctl, cause;
	uint64_t epc, ebase, config0, config2, config3, lladdr, xcontext;
	uint64_t watchlo[CP0_WATCH_PAIRS], watchhi[CP0_WATCH_PAIRS];
	uint64_t debug, depc, errctl, taglo, datalo, taghi, datahi;
	uint64_t errorepc, desave;
	uint64_t srsmap, framemask, perfctl0;   /* plain storage in QEMU */
	uint32_t count_bias;    /* virtual Count = real Count - count_bias */
	uint32_t count_stopped; /* the Count value while Cause.DC = 1 */
	uint32_t timer_seen;    /* virtual Count at the last cp0_timer_update */
	uint32_t random_seed, random_prev;   /* Random's generator (as QEMU's) */
};

/* Status bits the monitor cares about when emulating (names as mipsregs.h). */
#define CP0_ST_IE   (1u << 0)
#define CP0_ST_EXL  (1u << 1)
#define CP0_ST_ERL  (1u << 2)
#define CP0_ST_KSU  (3u << 3)
#define CP0_ST_KSU_SUPERVISOR (1u << 3)         /* KSU = 1 (or 3, reserved) */
#define CP0_ST_UX   (1u << 5)
#define CP0_ST_SX   (1u << 6)
#define CP0_ST_KX   (1u << 7)
#define CP0_ST_IM   (0xffu << 8)
#define CP0_ST_BEV  (1u << 22)
#define CP0_ST_CU1  (1u << 29)
#define CP0_CAUSE_IP_TIMER (1u << 15)   /* IP7 */
#define CP0_CAUSE_TI       (1u << 30)
#define CP0_CAUSE_DC       (1u << 27)   /* Count stopped */
#define CP0_CAUSE_BD       (1u << 31)
#define CP0_INDEX_P        (1u << 31)   /* tlbp found nothing */
#define CP0_DEBUG_DM       (1u << 30)   /* set by mtc0 Debug; not emulated */

/* The MIPS64R2-generic model (target/mips/cpu-defs.c.inc). */
#define CP0_SEGBITS        42
#define CP0_PABITS         36
#define CP0_SEGMASK        (0xc000000000000000ull | ((1ull << CP0_SEGBITS) - 1))
#define CP0_ASID_MASK      0xffu
#define CP0_STATUS_RW      0x36fbffffu  /* CP0_Status_rw_bitmask */
#define CP0_CAUSE_RW       0x08c00300u  /* IP1:0, WP, IV, DC */

#define CP0_REG_ENTRYLO0 2
#define CP0_REG_ENTRYLO1 3
#define CP0_REG_ENTRYHI 10
#define CP0_REG_STATUS 12
#define CP0_REG_CAUSE  13
#define CP0_REG_EPC    14
#define CP0_REG_LLADDR 17

/* Reset state, as the CPU has it when a bare-metal kernel is entered on malta:
 * QEMU's mips_cpu_reset() then malta's main_cpu_reset() clearing ERL for
 * -kernel, so Status = BEV. */
void cp0_reset(struct cp0 *c, const struct cp0_identity *id, unsigned int vcpu_id,
	       uint32_t real_count);

/* Whether mfc0/dmfc0/mtc0/dmtc0 of (reg, sel) raises Reserved Instruction on
 * this CPU (and does nothing else). */
static inline bool cp0_raises_ri(unsigned int reg, unsigned int sel)
{
	/* PWBase, PWField, PWSize, PWCtl (PageMask 5-7, Wired 6): check_pw()
	 * with Config3.PW = 0. */
	return (reg == 5 && sel >= 5 && sel <= 7) || (reg == 6 && sel == 6);
}

/*
 * mfc0 (is64 false: the low 32 bits sign-extended, as the CPU does) or
 * dmfc0 of (reg, sel). Returns false for a register this CPU does not have;
 * *val is then what the hardware returns for it (all ones), to be written
 * to rt like any other value. Reading Random advances its generator;
 * reading Count or Cause first applies cp0_timer_update.
 */
bool cp0_read(struct cp0 *c, unsigned int reg, unsigned int sel, bool is64,
	      uint32_t real_count, uint64_t *val);

/* mtc0/dmtc0: applies the register's write mask and side effects (Compare
 * clears the timer interrupt, Count rebases, Cause.DC stops Count, ...).
 * val is the whole 64-bit rt: QEMU's mtc0 passes all of it to the register
 * (EPC, ErrorEPC, ... keep the upper half), so is64 changes nothing on this
 * CPU. Writes to registers it does not have are ignored. */
void cp0_write(struct cp0 *c, unsigned int reg, unsigned int sel, bool is64,
	       uint32_t real_count, uint64_t val);

/* The next Random value in [Wired, tlb_entries), as the emulated CPU gives
 * it to mfc0 Random and tlbwr (cpu_mips_get_random). */
unsigned int cp0_random(struct cp0 *c);

/* The timer functions below are inline: every return to a guest asks
 * them. */

/* Whether Cause.DC stops Count. */
static inline bool cp0_count_is_stopped(const struct cp0 *c)
{
	return c->cause & CP0_CAUSE_DC;
}

/* The virtual Count now. */
static inline uint32_t cp0_count(const struct cp0 *c, uint32_t real_count)
{
	return cp0_count_is_stopped(c) ? c->count_stopped : real_count - c->count_bias;
}

/* Whether the virtual Count is the real one (it runs, and was last set to
 * it by cp0_count_make_real), so that the guest may read the real Count. */
bool cp0_count_is_real(const struct cp0 *c);

/* Sets the virtual Count to the real one, as an mtc0 of it would. */
void cp0_count_make_real(struct cp0 *c, uint32_t real_count);

/* Sets Cause.TI and IP7 if the virtual Count has reached Compare since the
 * previous call, or since Compare or Count were written or Count restarted
 * (from that moment on, inclusive: QEMU arms its timer with a zero wait when
 * Compare equals Count). Nothing while Cause.DC stops Count. */
static inline void cp0_timer_update(struct cp0 *c, uint32_t real_count)
{
	uint32_t now;

	if (cp0_count_is_stopped(c))
		return;         /* mips_timer_cb does nothing while DC = 1 */
	now = cp0_count(c, real_count);
	/* Compare in (seen, now], modulo 2^32. */
	if ((uint32_t)(c->compare - c->timer_seen - 1) < (uint32_t)(now - c->timer_seen))
		c->cause |= CP0_CAUSE_TI | CP0_CAUSE_IP_TIMER;
	c->timer_seen = now;
}

/* Real Count ticks from now until the virtual Count reaches Compare
 * (1..2^32; 2^32 while Count is stopped). Call cp0_timer_update first. */
static inline uint64_t cp0_ticks_to_compare(const struct cp0 *c, uint32_t real_count)
{
	uint32_t ticks;

	if (cp0_count_is_stopped(c))
		return 1ull << 32;
	ticks = (uint32_t)c->compare - cp0_count(c, real_count);
	return ticks ? ticks : 1ull << 32;
}

/* What the hardware does to the MMU registers on a TLB refill, TLB invalid,
 * TLB modified -- and on an address error found by the segment checks of a
 * mapped access -- at badvaddr (raise_mmu_exception): BadVAddr (unless in
 * debug mode), Context.BadVPN2, XContext.R and BadVPN2, EntryHi.VPN2 with
 * the ASID kept. Unaligned-access address errors set BadVAddr only. */
void cp0_set_tlb_fault(struct cp0 *c, uint64_t badvaddr);

/* eret (helper_eret): returns the PC to continue at (ErrorEPC if Status.ERL,
 * else EPC), clears ERL (else EXL), breaks the ll/sc link and sets LLAddr to
 * 1. A target with bit 0 set makes QEMU raise Reserved Instruction at
 * target & ~1 (this CPU has no MIPS16/microMIPS): the caller's to do. */
uint64_t cp0_eret(struct cp0 *c);

#endif
