/*
 * A virtual CPU's CP0 register file (see cp0.h). Every rule is QEMU 7.2's
 * for MIPS64R2-generic: target/mips/tcg/translate.c (gen_mfc0 & co: which
 * registers exist and how wide they read), tcg/sysemu/cp0_helper.c (write
 * masks), sysemu/cp0.c (Status, Cause), sysemu/cp0_timer.c (Count,
 * Compare), cpu.c (reset).
 */
#include <stddef.h>
#include "vcpu/cp0.h"
#include "monitor/string.h"

/* Register numbers (rd of mfc0). */
enum {
	R_INDEX = 0, R_RANDOM = 1, R_ENTRYLO0 = 2, R_ENTRYLO1 = 3, R_CONTEXT = 4,
	R_PAGEMASK = 5, R_WIRED = 6, R_HWRENA = 7, R_BADVADDR = 8, R_COUNT = 9,
	R_ENTRYHI = 10, R_COMPARE = 11, R_STATUS = 12, R_CAUSE = 13, R_EPC = 14,
	R_PRID = 15, R_CONFIG = 16, R_LLADDR = 17, R_WATCHLO = 18, R_WATCHHI = 19,
	R_XCONTEXT = 20, R_FRAMEMASK = 21, R_DIAG = 22, R_DEBUG = 23, R_DEPC = 24,
	R_PERF = 25, R_ERRCTL = 26, R_CACHEERR = 27, R_TAGLO = 28, R_TAGHI = 29,
	R_ERROREPC = 30, R_DESAVE = 31,
};

/*
 * How a register reads: K_32 holds a 32-bit value that mfc0 and dmfc0 both
 * sign-extend (QEMU's int32_t fields, gen_mfc0_load32); K_64 is a 64-bit
 * register that mfc0 truncates and sign-extends and dmfc0 reads whole;
 * K_ZERO reads 0 and ignores writes. K_NONE (0, what the table's gaps
 * hold): this CPU lacks the register.
 */
enum reg_kind { K_NONE, K_32, K_64, K_ZERO };

#define NO_FIELD 0xffff

/*
 * One guest CP0 register. Without a write function, mtc0 does
 * field = (field & keep) | (val & wmask); without a read function, mfc0
 * reads the field.
 */
struct reg_desc {
	uint8_t kind;
	uint16_t off;           /* offsetof(struct cp0, field) or NO_FIELD */
	uint64_t keep, wmask;
	uint64_t (*read)(struct cp0 *c, uint32_t real_count);
	void (*write)(struct cp0 *c, uint64_t val, uint32_t real_count);
};

#define LO32 0xffffffffull
#define SEXT32(v) ((uint64_t)(int64_t)(int32_t)(uint32_t)(v))

/* EntryHi's writable bits: VPN2 and R within SEGBITS, ASID (helper_mtc0_entryhi). */
#define ENTRYHI_RW  ((~0x1fffull & CP0_SEGMASK) | CP0_ASID_MASK)
/* Context.BadVPN2 and XContext.R/BadVPN2 are the hardware's. */
#define CONTEXT_RO  0x7fffffull
#define XCONTEXT_RO ((1ull << (CP0_SEGBITS - 7)) - 1)
/* EntryLo: PFN within PABITS and C, D, V, G; no RI/XI (PageGrain = 0). */
#define ENTRYLO_RW  ((1ull << (CP0_PABITS - 6)) - 1)
/* WatchHi.M is read-only; QEMU stores it as (int)(1 << 31), sign-extended. */
#define WATCHHI_M   0xffffffff80000000ull
#define WATCHHI_RW  0x40ff0ff8ull   /* G, ASID, mask (helper_mtc0_watchhi) */
#define DEBUG_KEEP  0x8c03fc1full   /* helper_mtc0_debug */
#define DEBUG_RW    (0x13300120ull | CP0_DEBUG_DM)
#define INTCTL_VS   0x3e0ull
#define SRSCTL_RW   0xf3c0ull       /* ESS and PSS */
#define EBASE_WG    0x800ull        /* CP0_EBaseWG_rw_bitmask */
#define CONFIG0_K0  0x7ull

#define FIELD(f) ((uint16_t)offsetof(struct cp0, f))
/* Each entry lands at regs[r][s] (designated initializers). */
#define PLAIN(r, s, k, f, keep, w) [r][s] = { k, FIELD(f), keep, w, NULL, NULL }
#define READ_ONLY(r, s, k, f)      PLAIN(r, s, k, f, ~0ull, 0)
#define RW32(r, s, f, w)           PLAIN(r, s, K_32, f, LO32 & ~(uint64_t)(w), w)
#define SPECIAL(r, s, k, f, rd, wr) [r][s] = { k, f, 0, 0, rd, wr }
#define ZERO(r, s)                 [r][s] = { K_ZERO, NO_FIELD, 0, 0, NULL, NULL }
#define ZERO_ALL_SELS(r) \
	ZERO(r, 0), ZERO(r, 1), ZERO(r, 2), ZERO(r, 3), \
	ZERO(r, 4), ZERO(r, 5), ZERO(r, 6), ZERO(r, 7)
#define WATCH(n) \
	PLAIN(R_WATCHLO, n, K_64, watchlo[n], 0, ~7ull), \
	PLAIN(R_WATCHHI, n, K_64, watchhi[n], WATCHHI_M, WATCHHI_RW)

static uint64_t read_random(struct cp0 *c, uint32_t now);
static uint64_t read_count(struct cp0 *c, uint32_t now);
static uint64_t read_cause(struct cp0 *c, uint32_t now);
static uint64_t read_prid(struct cp0 *c, uint32_t now);
static uint64_t read_config1(struct cp0 *c, uint32_t now);
static void write_index(struct cp0 *c, uint64_t val, uint32_t now);
static void write_pagemask(struct cp0 *c, uint64_t val, uint32_t now);
static void write_wired(struct cp0 *c, uint64_t val, uint32_t now);
static void write_count(struct cp0 *c, uint64_t val, uint32_t now);
static void write_compare(struct cp0 *c, uint64_t val, uint32_t now);
static void write_cause(struct cp0 *c, uint64_t val, uint32_t now);
static void write_ebase(struct cp0 *c, uint64_t val, uint32_t now);

/* Every register this CPU has, by (register, select): one load finds it
 * on every mfc0/mtc0 (a search of a list took 180 instructions for
 * Status). A gap (K_NONE) reads all ones. */
#define NSELS 8
static const struct reg_desc regs[32][NSELS] = {
	SPECIAL(R_INDEX, 0, K_32, FIELD(index), NULL, write_index),
	SPECIAL(R_RANDOM, 0, K_32, NO_FIELD, read_random, NULL),
	PLAIN(R_ENTRYLO0, 0, K_64, entrylo0, 0, ENTRYLO_RW),
	PLAIN(R_ENTRYLO1, 0, K_64, entrylo1, 0, ENTRYLO_RW),
	PLAIN(R_CONTEXT, 0, K_64, context, CONTEXT_RO, ~CONTEXT_RO),
	SPECIAL(R_PAGEMASK, 0, K_32, FIELD(pagemask), NULL, write_pagemask),
	ZERO(R_PAGEMASK, 1),                    /* PageGrain: rw mask 0 */
	SPECIAL(R_WIRED, 0, K_32, FIELD(wired), NULL, write_wired),
	ZERO(R_WIRED, 1), ZERO(R_WIRED, 2), ZERO(R_WIRED, 3),  /* SRSConf0-4 */
	ZERO(R_WIRED, 4), ZERO(R_WIRED, 5),
	PLAIN(R_HWRENA, 0, K_32, hwrena, 0, 0xf),  /* 0-3; no ULR (Config3.ULRI = 0) */
	READ_ONLY(R_BADVADDR, 0, K_64, badvaddr),
	SPECIAL(R_COUNT, 0, K_32, NO_FIELD, read_count, write_count),
	PLAIN(R_ENTRYHI, 0, K_64, entryhi, ~ENTRYHI_RW, ENTRYHI_RW),
	SPECIAL(R_COMPARE, 0, K_32, FIELD(compare), NULL, write_compare),
	RW32(R_STATUS, 0, status, CP0_STATUS_RW),
	RW32(R_STATUS, 1, intctl, INTCTL_VS),
	RW32(R_STATUS, 2, srsctl, SRSCTL_RW),
	RW32(R_STATUS, 3, srsmap, LO32),
	SPECIAL(R_CAUSE, 0, K_32, NO_FIELD, read_cause, write_cause),
	PLAIN(R_EPC, 0, K_64, epc, 0, ~0ull),
	SPECIAL(R_PRID, 0, K_32, NO_FIELD, read_prid, NULL),
	SPECIAL(R_PRID, 1, K_64, FIELD(ebase), NULL, write_ebase),
	PLAIN(R_CONFIG, 0, K_32, config0, 0x81fffff8, CONFIG0_K0),  /* helper_mtc0_config0 */
	SPECIAL(R_CONFIG, 1, K_32, NO_FIELD, read_config1, NULL),
	PLAIN(R_CONFIG, 2, K_32, config2, 0x8fff0fff, 0),           /* helper_mtc0_config2 */
	READ_ONLY(R_CONFIG, 3, K_32, config3),
	ZERO(R_CONFIG, 4), ZERO(R_CONFIG, 5),   /* QEMU reads the model's zero */
	ZERO(R_CONFIG, 6), ZERO(R_CONFIG, 7),   /* Config4-7 despite Config3.M = 0 */
	READ_ONLY(R_LLADDR, 0, K_64, lladdr),   /* CP0_LLAddr_rw_bitmask = 0 */
	WATCH(0), WATCH(1), WATCH(2), WATCH(3), WATCH(4), WATCH(5), WATCH(6), WATCH(7),
	PLAIN(R_XCONTEXT, 0, K_64, xcontext, XCONTEXT_RO, ~XCONTEXT_RO),
	RW32(R_FRAMEMASK, 0, framemask, LO32),  /* R1x000's, kept by QEMU pre-R6 */
	ZERO_ALL_SELS(R_DIAG),
	PLAIN(R_DEBUG, 0, K_32, debug, DEBUG_KEEP, DEBUG_RW),
	PLAIN(R_DEPC, 0, K_64, depc, 0, ~0ull),
	RW32(R_PERF, 0, perfctl0, 0x7ff),
	RW32(R_ERRCTL, 0, errctl, 0x30000000),  /* WST, SPR */
	ZERO(R_CACHEERR, 0),
	RW32(R_TAGLO, 0, taglo, 0xfffffcf6), RW32(R_TAGLO, 1, datalo, LO32),
	RW32(R_TAGLO, 2, taglo, 0xfffffcf6), RW32(R_TAGLO, 3, datalo, LO32),
	RW32(R_TAGLO, 4, taglo, 0xfffffcf6), RW32(R_TAGLO, 5, datalo, LO32),
	RW32(R_TAGLO, 6, taglo, 0xfffffcf6), RW32(R_TAGLO, 7, datalo, LO32),
	RW32(R_TAGHI, 0, taghi, LO32), RW32(R_TAGHI, 1, datahi, LO32),
	RW32(R_TAGHI, 2, taghi, LO32), RW32(R_TAGHI, 3, datahi, LO32),
	RW32(R_TAGHI, 4, taghi, LO32), RW32(R_TAGHI, 5, datahi, LO32),
	RW32(R_TAGHI, 6, taghi, LO32), RW32(R_TAGHI, 7, datahi, LO32),
	PLAIN(R_ERROREPC, 0, K_64, errorepc, 0, ~0ull),
	RW32(R_DESAVE, 0, desave, LO32),
};

/* The entry of (reg, sel), or NULL for a register this CPU lacks; the
 * ones that raise Reserved Instruction (cp0_raises_ri) are among those. */
static const struct reg_desc *find_reg(unsigned int reg, unsigned int sel)
{
	const struct reg_desc *d;

	if (reg >= 32 || sel >= NSELS)
		return NULL;
	d = &regs[reg][sel];
	return d->kind == K_NONE ? NULL : d;
}

static uint64_t *reg_field(struct cp0 *c, const struct reg_desc *d)
{
	return (uint64_t *)((char *)c + d->off);
}

/* Count or Compare written, or Count restarted: QEMU re-arms its timer
 * from this count on, inclusive (cpu_mips_timer_update). */
static void timer_rearm(struct cp0 *c, uint32_t count)
{
	c->timer_seen = count - 1;
}

void cp0_reset(struct cp0 *c, const struct cp0_identity *id, unsigned int vcpu_id,
	       uint32_t real_count)
{
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->id = id;
	c->vcpu_id = vcpu_id;
	c->status = CP0_ST_BEV;
	c->intctl = 0xe0000000;         /* IPTI = 7: the timer is IP7 */
	c->ebase = SEXT32(0x80000000) | (vcpu_id & 0x3ff);
	/* K0 is the only field software changes: back to reset's uncached. */
	c->config0 = (id->config[0] & ~CONFIG0_K0) | 2;
	c->config2 = id->config[2];
	c->config3 = id->config[3];
	for (i = 0; i < CP0_WATCH_PAIRS - 1; i++)
		c->watchhi[i] = WATCHHI_M;
	c->debug = (1u << 25) | (1u << 15);     /* CNT, EJTAG version 1 */
	c->random_seed = 1;
	/* Count = 1 at reset (cpu_mips_store_count(env, 1)). */
	c->count_bias = real_count - 1;
	timer_rearm(c, 1);
}

/* What mfc0 (dmfc0 if is64) of d's register reads, once its value is v. */
static uint64_t widen(const struct reg_desc *d, bool is64, uint64_t v)
{
	return d->kind == K_64 && is64 ? v : SEXT32(v);
}

/* cp0_read of a register with a read function. Apart, so that a plain
 * register's read (most mfc0s) needs no stack frame. */
static bool __attribute__((noinline)) read_special(struct cp0 *c, const struct reg_desc *d,
						   bool is64, uint32_t real_count, uint64_t *val)
{
	*val = widen(d, is64, d->read(c, real_count));
	return true;
}

bool cp0_read(struct cp0 *c, unsigned int reg, unsigned int sel, bool is64,
	      uint32_t real_count, uint64_t *val)
{
	const struct reg_desc *d = find_reg(reg, sel);

	if (!d) {
		*val = ~0ull;   /* gen_mfc0_unimplemented() before R6 */
		return false;
	}
	if (d->read)
		return read_special(c, d, is64, real_count, val);
	*val = widen(d, is64, d->kind == K_ZERO ? 0 : *reg_field(c, d));
	return true;
}

void cp0_write(struct cp0 *c, unsigned int reg, unsigned int sel, bool is64,
	       uint32_t real_count, uint64_t val)
{
	const struct reg_desc *d = find_reg(reg, sel);
	uint64_t *f;

	if (!d)
		return;
	if (d->write) {
		d->write(c, val, real_count);
	} else if (d->off != NO_FIELD) {
		f = reg_field(c, d);
		*f = (*f & d->keep) | (val & d->wmask);
	}
}

unsigned int cp0_random(struct cp0 *c)
{
	uint32_t entries = c->id->tlb_entries;
	uint32_t wired = (uint32_t)c->wired;
	uint32_t span = entries - wired;
	uint32_t idx;

	if (span == 1)
		return entries - 1;
	/* ISO C's LCG; never the same index twice in a row (cpu_mips_get_random). */
	do {
		c->random_seed = 1103515245u * c->random_seed + 12345u;
		idx = (c->random_seed >> 16) % span + wired;
	} while (idx == c->random_prev);
	c->random_prev = idx;
	return idx;
}

bool cp0_count_is_real(const struct cp0 *c)
{
	return !cp0_count_is_stopped(c) && c->count_bias == 0;
}

void cp0_count_make_real(struct cp0 *c, uint32_t real_count)
{
	write_count(c, real_count, real_count);
}

void cp0_set_tlb_fault(struct cp0 *c, uint64_t badvaddr)
{
	uint64_t r = badvaddr >> 62;
	uint64_t vpn2 = (badvaddr >> 13) & ((1ull << (CP0_SEGBITS - 13)) - 1);

	if (!(c->debug & CP0_DEBUG_DM))
		c->badvaddr = badvaddr;
	c->context = (c->context & ~CONTEXT_RO) | ((badvaddr >> 9) & 0x7ffff0);
	c->entryhi = ((c->entryhi & CP0_ASID_MASK) | (badvaddr & ~0x1fffull)) & CP0_SEGMASK;
	c->xcontext = (c->xcontext & ~XCONTEXT_RO) | r << (CP0_SEGBITS - 9) | vpn2 << 4;
}

uint64_t cp0_eret(struct cp0 *c)
{
	uint64_t pc;

	if (c->status & CP0_ST_ERL) {
		pc = c->errorepc;
		c->status &= ~(uint64_t)CP0_ST_ERL;
	} else {
		pc = c->epc;
		c->status &= ~(uint64_t)CP0_ST_EXL;
	}
	c->lladdr = 1;          /* helper_eret: no sc can match address 1 */
	return pc;
}

/* --- registers with side effects --- */

static uint64_t read_random(struct cp0 *c, uint32_t now)
{
	return cp0_random(c);
}

static uint64_t read_count(struct cp0 *c, uint32_t now)
{
	/* Reading Count delivers an expired timer (cpu_mips_get_count). */
	cp0_timer_update(c, now);
	return cp0_count(c, now);
}

static uint64_t read_cause(struct cp0 *c, uint32_t now)
{
	cp0_timer_update(c, now);
	return c->cause;
}

static uint64_t read_prid(struct cp0 *c, uint32_t now)
{
	return c->id->prid;
}

static uint64_t read_config1(struct cp0 *c, uint32_t now)
{
	return c->id->config[1];
}

/* An index beyond the TLB is ignored, and P stays (helper_mtc0_index, R2). */
static void write_index(struct cp0 *c, uint64_t val, uint32_t now)
{
	uint32_t index = val & 0x7fffffff;

	if (index < c->id->tlb_entries)
		c->index = (c->index & CP0_INDEX_P) | index;
}

/* Mask bits 28:13 must be ones from bit 13 up, then zeros; anything else
 * gives 4K (update_pagemask). A single one (0x2000, 8K pages) is refused
 * too: the bare machine reads back 0 for it (the unit guest's
 * cp0-pagemask), which update_pagemask's "smaller than the target page"
 * check gives when QEMU's variable TARGET_PAGE_BITS is 14. */
static void write_pagemask(struct cp0 *c, uint64_t val, uint32_t now)
{
	uint32_t mask = ((uint32_t)val >> 13) & 0xffff;
	unsigned int ones = 0;

	while (ones < 16 && (mask >> ones & 1))
		ones++;
	c->pagemask = (mask >> ones || ones == 1) ? 0 : (uint64_t)mask << 13;
}

static void write_wired(struct cp0 *c, uint64_t val, uint32_t now)
{
	c->wired = val % c->id->tlb_entries;    /* helper_mtc0_wired before R6 */
}

static void write_count(struct cp0 *c, uint64_t val, uint32_t now)
{
	uint32_t count = (uint32_t)val;

	if (cp0_count_is_stopped(c)) {
		c->count_stopped = count;
		return;
	}
	c->count_bias = now - count;
	timer_rearm(c, count);
}

static void write_compare(struct cp0 *c, uint64_t val, uint32_t now)
{
	c->compare = (uint32_t)val;
	if (!cp0_count_is_stopped(c))
		timer_rearm(c, cp0_count(c, now));
	c->cause &= ~(uint64_t)(CP0_CAUSE_TI | CP0_CAUSE_IP_TIMER);
}

/* IP1:0, WP, IV and DC (cpu_mips_store_cause); DC stops or restarts Count. */
static void write_cause(struct cp0 *c, uint64_t val, uint32_t now)
{
	uint64_t cause = (c->cause & ~(uint64_t)CP0_CAUSE_RW) | (val & CP0_CAUSE_RW);
	uint32_t count = cp0_count(c, now);

	if ((cause ^ c->cause) & CP0_CAUSE_DC) {
		if (cause & CP0_CAUSE_DC) {
			c->count_stopped = count;
		} else {
			c->count_bias = now - count;
			timer_rearm(c, count);
		}
	}
	c->cause = cause;
}

/* Exception base 29:12 and WG; with WG written 1, bits 63:30 too
 * (helper_mtc0_ebase). CPUNum stays. */
static void write_ebase(struct cp0 *c, uint64_t val, uint32_t now)
{
	uint64_t mask = 0x3ffff000ull | EBASE_WG;

	if (val & EBASE_WG)
		mask |= ~0x3fffffffull;
	c->ebase = (c->ebase & ~mask) | (val & mask);
}
