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

struct cp0 {
	const struct cp0_identity *id;
	unsigned int vcpu_id;   /* EBase.CPUNum */
	uint64_t index, entrylo0, entrylo1, context, pagemask, wired, hwrena;
	uint64_t badvaddr, entryhi, compare, status, intctl, srsctl, cause;
	uint64_t epc, ebase, config0, config2, config3, lladdr, xcontext;
	uint64_t watchlo, watchhi, debug, depc, errctl, taglo, datalo, taghi, datahi;
	uint64_t errorepc, desave;
	uint32_t count_bias;    /* virtual Count = real Count - count_bias */
	uint32_t count_stopped; /* the Count value while Cause.DC = 1 */
	uint32_t timer_seen;    /* virtual Count at the last cp0_timer_update */
	bool llbit;             /* LLAddr.LLB: set by ll/lld, cleared by eret */
	uint32_t random_seed, random_prev;   /* Random's generator (as QEMU's) */
};

/* Status bits the monitor cares about when emulating (names as mipsregs.h). */
#define CP0_ST_IE   (1u << 0)
#define CP0_ST_EXL  (1u << 1)
#define CP0_ST_ERL  (1u << 2)
#define CP0_ST_KSU  (3u << 3)
#define CP0_ST_UX   (1u << 5)
#define CP0_ST_SX   (1u << 6)
#define CP0_ST_KX   (1u << 7)
#define CP0_ST_IM   (0xffu << 8)
#define CP0_ST_BEV  (1u << 22)
#define CP0_ST_CU1  (1u << 29)
#define CP0_CAUSE_IP_TIMER (1u << 15)   /* IP7 */
#define CP0_CAUSE_TI       (1u << 30)

/* Reset state, as the CPU has it when a bare-metal kernel is entered on malta. */
void cp0_reset(struct cp0 *c, const struct cp0_identity *id, unsigned int vcpu_id,
	       uint32_t real_count);

/*
 * mfc0 (is64 false: the low 32 bits sign-extended, as the CPU does) or
 * dmfc0 of (reg, sel). Returns false for a register this CPU does not have;
 * *val is then what the hardware returns for it.
 */
bool cp0_read(struct cp0 *c, unsigned int reg, unsigned int sel, bool is64,
	      uint32_t real_count, uint64_t *val);

/* mtc0/dmtc0: applies the register's write mask and side effects (Compare
 * clears the timer interrupt, Count rebases, Cause.DC stops Count, ...). */
void cp0_write(struct cp0 *c, unsigned int reg, unsigned int sel, bool is64,
	       uint32_t real_count, uint64_t val);

/* The next Random value in [Wired, tlb_entries), as the emulated CPU gives
 * it to mfc0 Random and tlbwr. */
unsigned int cp0_random(struct cp0 *c);

/* The virtual Count now. */
uint32_t cp0_count(const struct cp0 *c, uint32_t real_count);

/* Sets Cause.TI and IP7 if the virtual Count has reached Compare since the
 * previous call (or since Compare/Count were written). */
void cp0_timer_update(struct cp0 *c, uint32_t real_count);

/* Real Count ticks from now until the virtual Count reaches Compare
 * (1..2^32). */
uint64_t cp0_ticks_to_compare(const struct cp0 *c, uint32_t real_count);

#endif
