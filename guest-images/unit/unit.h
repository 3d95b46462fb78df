/*
 * The unit guest's shared library: one line per test, exception catching,
 * TLB helpers, and the fixed memory layout the tests use.
 */
#ifndef UNIT_UNIT_H
#define UNIT_UNIT_H

#include "cp0.h"
#include "platform.h"

/* Physical memory the tests use (the same in both builds; VM has 64 MiB) */
#define PHYS_DATA	0x00800000UL	/* 8 MiB: 16 pages of scratch data */
#define PHYS_BIG_EVEN	0x01000000UL	/* 16 MiB: even half of big pages */
#define PHYS_BIG_ODD	0x02000000UL	/* 32 MiB: odd half of big pages */
#define PHYS_SUP	0x03000000UL	/* 48 MiB: supervisor-mode tests */

/* Mapped (TLB) virtual addresses */
#define VA_USER		0x0000000000400000UL	/* the user page (code) */
#define VA_DATA		0x0000000000500000UL	/* pair -> PHYS_DATA, +0x1000 */
#define VA_UNMAPPED	0x0000000123456008UL	/* xuseg, never mapped */
#define VA_UNMAPPED32	0x0000000000600008UL	/* useg, never mapped */
#define VA_CKSSEG	0xffffffffc0600008UL	/* CKSSEG, never mapped */

/* TLB entries the tests may write with tlbwi; cleared after each test */
#define TLB_SCRATCH	16
#define TLB_USER	0	/* the user page's mapping */
#define TLB_DATA	1	/* VA_DATA */

/* Value the tests run with: kernel mode, 64-bit segments, no interrupts */
#define ST_BASE		(ST_KX | ST_SX | ST_UX)

/* ---- one line per test ---- */
void t_begin(const char *name);
void t_begin2(const char *name, const char *suffix);	/* name + suffix */
void t_hex(const char *key, u64 v);
void t_dec(const char *key, long v);
void t_str(const char *key, const char *s);
void t_yes(const char *key, int cond);
/* key=name+0xoff when addr lies in [base, base+64K), raw otherwise */
void t_rel(const char *key, u64 addr, const void *base, const char *name);
#define T_REL(key, addr, sym) t_rel(key, addr, sym, #sym)
void t_check(int cond);
/* key=got, checked against want */
void t_want(const char *key, u64 got, u64 want);
void t_end(void);
int t_total(void);
int t_failed(void);
void t_printf(const char *fmt, ...);

/* ---- exceptions ---- */
struct unit_frame {
	u64 regs[32];
	u64 hi, lo;
	u64 vec;		/* vector offset the exception came in at */
};

struct trap_rec {
	u64 vec, cause, epc, badvaddr, status, context, xcontext, entryhi;
	u64 regs[32];
};

enum trap_mode {
	TRAP_ABORT,	/* return 1 from t_call, Status as at t_call */
	TRAP_SKIP,	/* resume at EPC + 4 (interrupts: at EPC) */
	TRAP_RESUME,	/* resume at trap_resume_pc */
};

extern struct trap_rec trap;		/* the last exception taken */
extern volatile int trap_count;		/* exceptions taken in this t_call */
extern volatile int trap_mode;		/* reset to TRAP_ABORT by t_call */
extern volatile u64 trap_resume_pc;

/*
 * Run fn(a0, a1) with exceptions caught: returns 1 if an exception aborted
 * it (TRAP_ABORT), else 0. Status is restored on abort.
 */
long t_call(const void *fn, u64 a0, u64 a1);

/* Print the trap's vector, ExcCode, BD and EPC (relative to label). */
void t_trap(const void *label, const char *name);
#define T_TRAP(sym) t_trap(sym, #sym)
/* Check one exception came in at vec with exc (checked, not printed). */
void t_trap_is(u64 vec, u64 exc);
/* Print the trap's BadVAddr, Context, XContext and EntryHi. */
void t_trap_tlb(void);

/* ---- TLB ---- */
void tlb_init(void);
void tlb_inval(int idx);
void tlb_set(int idx, u64 hi, u64 lo0, u64 lo1, u64 pagemask);
void tlb_get(int idx, u64 *hi, u64 *lo0, u64 *lo1, u64 *pagemask);
u64 tlb_probe(u64 hi);		/* Index after tlbp (mfc0) */
void tlb_scratch_clear(void);
void map_user_page(void);	/* VA_USER -> the image's user page (G) */
void map_data_pages(void);	/* VA_DATA pair -> PHYS_DATA (G, D) */
void set_asid(u64 asid);

/* ---- memory ---- */
static inline volatile u64 *phys64(u64 pa) { return (volatile u64 *)plat_phys_to_virt(pa); }
static inline u64 img_phys(const void *p) { return plat_virt_to_phys(p); }
u64 user_va(const void *user_fn);	/* VA_USER address of a .text.user symbol */
extern char unit_user_start[], unit_vectors[];

/* ---- assembly snippets used as test victims ---- */
#define UNIT_ASM_FN(name, body) \
	__asm__(".pushsection .text.victims, \"ax\", @progbits\n" \
		".balign 8\n.globl " #name "\n.type " #name ", @function\n" \
		".set push\n.set noreorder\n.set noat\n" #name ":\n" \
		body "\n.set pop\n.size " #name ", . - " #name "\n.popsection\n"); \
	extern char name[]

/* same, in the user page (run at VA_USER + offset through the TLB) */
#define UNIT_USER_FN(name, body) \
	__asm__(".pushsection .text.user, \"ax\", @progbits\n" \
		".balign 8\n.globl " #name "\n.type " #name ", @function\n" \
		".set push\n.set noreorder\n.set noat\n" #name ":\n" \
		body "\n.set pop\n.size " #name ", . - " #name "\n.popsection\n"); \
	extern char name[]

/* shared victims (t_exc.c): a0 = address, a1 = value / Status / result */
extern char v_ld[];		/* ld t0, 0(a0) */
extern char v_sd[];		/* sd a1, 0(a0) */
extern char v_ld_st[];		/* mtc0 a1, Status; ehb; ld t0, 0(a0) */
extern char v_jump[];		/* jr a0 */

/* result slots victims write through a0 */
extern volatile u64 res[16];

/* ---- test areas ---- */
void tests_cp0(void);
void tests_exc(void);
void tests_delay(void);
void tests_tlb(void);
void tests_timer(void);
void tests_user(void);
void tests_misc(void);
void tests_xsseg(void);

#endif
