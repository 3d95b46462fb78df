/*
 * The unit guest's library: line output, the C half of exception catching
 * (unit_trap), and TLB helpers.
 */
#include <stdarg.h>
#include <stddef.h>
#include "unit.h"

#define LINE_MAX_LEN	126	/* the console hypercall takes up to 127 bytes */

/* ---- output ---- */

static char line[160];
static int line_len;
static int test_no, test_fails, test_checks, test_bad;

static void put_c(char c)
{
	if (line_len < (int)sizeof(line) - 1)
		line[line_len++] = c;
	if (c == '\n') {
		plat_console_write(line, line_len);
		line_len = 0;
	}
}

static void put_s(const char *s)
{
	while (*s)
		put_c(*s++);
}

static void put_hex(u64 v)
{
	char buf[16];
	int n = 0;

	put_s("0x");
	do {
		buf[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	while (n)
		put_c(buf[--n]);
}

static void put_udec(u64 v, int width)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n < width)
		buf[n++] = '0';
	while (n)
		put_c(buf[--n]);
}

static void put_dec(long v)
{
	if (v < 0) {
		put_c('-');
		put_udec(-(u64)v, 0);
	} else {
		put_udec(v, 0);
	}
}

/* %s %d %ld %u %lu %x %lx (with 0x) %c %% only */
void t_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put_c(*fmt);
			continue;
		}
		fmt++;
		int is_long = 0;
		if (*fmt == 'l') {
			is_long = 1;
			fmt++;
		}
		switch (*fmt) {
		case 's': put_s(va_arg(ap, const char *)); break;
		case 'c': put_c(va_arg(ap, int)); break;
		case 'd': put_dec(is_long ? va_arg(ap, long) : va_arg(ap, int)); break;
		case 'u': put_udec(is_long ? va_arg(ap, u64) : va_arg(ap, u32), 0); break;
		case 'x': put_hex(is_long ? va_arg(ap, u64) : va_arg(ap, u32)); break;
		case '%': put_c('%'); break;
		default: put_c('?'); break;
		}
	}
	va_end(ap);
}

void t_begin(const char *name)
{
	test_no++;
	test_checks = 0;
	test_bad = 0;
	put_udec(test_no, 3);
	put_c(' ');
	put_s(name);
	put_c(':');
}

void t_begin2(const char *name, const char *suffix)
{
	test_no++;
	test_checks = 0;
	test_bad = 0;
	put_udec(test_no, 3);
	put_c(' ');
	put_s(name);
	put_s(suffix);
	put_c(':');
}

void t_hex(const char *key, u64 v)
{
	t_printf(" %s=%lx", key, v);
}

void t_dec(const char *key, long v)
{
	t_printf(" %s=%ld", key, v);
}

void t_str(const char *key, const char *s)
{
	t_printf(" %s=%s", key, s);
}

void t_yes(const char *key, int cond)
{
	t_str(key, cond ? "yes" : "no");
}

void t_rel(const char *key, u64 addr, const void *base, const char *name)
{
	u64 off = addr - (u64)base;

	if (off < 0x10000)
		t_printf(" %s=%s+%lu", key, name, off);
	else
		t_printf(" %s=%lx(?)", key, addr);
}

void t_check(int cond)
{
	test_checks++;
	if (!cond)
		test_bad++;
}

void t_want(const char *key, u64 got, u64 want)
{
	t_hex(key, got);
	t_check(got == want);
}

void t_end(void)
{
	if (line_len + 5 > LINE_MAX_LEN) {
		put_s(" LONG");	/* too long for the console hypercall */
		test_bad++;
	}
	if (test_checks)
		put_s(test_bad ? " FAIL" : " ok");
	if (test_bad)
		test_fails++;
	put_c('\n');
}

int t_total(void)
{
	return test_no;
}

int t_failed(void)
{
	return test_fails;
}

/* ---- exceptions ---- */

struct unit_frame unit_frame;
struct trap_rec trap;
volatile int trap_count;
volatile int trap_mode;
volatile u64 trap_resume_pc;
static volatile int trap_armed, trap_busy;
static volatile u64 trap_saved_status;
volatile u64 res[16];

_Static_assert(offsetof(struct unit_frame, hi) == 256, "FR_HI in start.S");
_Static_assert(offsetof(struct unit_frame, lo) == 264, "FR_LO in start.S");
_Static_assert(offsetof(struct unit_frame, vec) == 272, "FR_VEC in start.S");

long trap_call(const void *fn, u64 a0, u64 a1);
extern char trap_resume[];
void unit_trap(struct unit_frame *f);

long t_call(const void *fn, u64 a0, u64 a1)
{
	long aborted;

	trap_count = 0;
	trap_saved_status = read_c0_status() & ~ST_IE;
	trap_armed = 1;
	aborted = trap_call(fn, a0, a1);
	trap_armed = 0;
	trap_mode = TRAP_ABORT;
	return aborted;
}

static void unexpected(void)
{
	t_printf("\nunit: unexpected exception: vec=%lx cause=%lx epc=%lx badvaddr=%lx status=%lx ra=%lx\n",
		 trap.vec, trap.cause, trap.epc, trap.badvaddr, trap.status, trap.regs[31]);
	t_printf("unit: aborted after %d tests\n", test_no);
	plat_exit(3);
}

/*
 * Called by exc_common with the interrupted registers in f: record the
 * exception in trap, then set EPC (and Status) for the eret that follows.
 */
void unit_trap(struct unit_frame *f)
{
	u64 resume;

	if (trap_busy)
		plat_exit(4);	/* an exception inside this handler */
	trap_busy = 1;
	trap.vec = f->vec;
	trap.cause = read_c0_cause();
	trap.epc = dread_c0_epc();
	trap.badvaddr = dread_c0_badvaddr();
	trap.status = read_c0_status();
	trap.context = dread_c0_context();
	trap.xcontext = dread_c0_xcontext();
	trap.entryhi = dread_c0_entryhi();
	for (int i = 0; i < 32; i++)
		trap.regs[i] = f->regs[i];
	if (!trap_armed)
		unexpected();
	trap_count++;
	int is_int = CA_EXC(trap.cause) == EXC_INT;
	if (is_int) {
		/* clear the software interrupts, return with interrupts off */
		write_c0_cause(trap.cause & ~(CA_IP(0) | CA_IP(1)));
		write_c0_status(read_c0_status() & ~ST_IE);
	}
	switch (trap_mode) {
	case TRAP_SKIP:
		resume = trap.epc + (is_int ? 0 : 4);
		break;
	case TRAP_RESUME:
		resume = trap_resume_pc;
		break;
	default:
		write_c0_status((trap_saved_status & ~ST_ERL) | ST_EXL);
		resume = (u64)trap_resume;
		break;
	}
	dwrite_c0_epc(resume);
	trap_busy = 0;
}

void t_trap(const void *label, const char *name)
{
	if (trap_count == 0) {
		t_str("exc", "none");
		return;
	}
	t_hex("vec", trap.vec);
	t_dec("exc", CA_EXC(trap.cause));
	t_dec("bd", CA_BD(trap.cause));
	t_rel("epc", trap.epc, label, name);
}

void t_trap_is(u64 vec, u64 exc)
{
	t_check(trap_count == 1 && trap.vec == vec && CA_EXC(trap.cause) == exc);
}

void t_trap_tlb(void)
{
	t_hex("bva", trap.badvaddr);
	t_hex("ctx", trap.context);
	t_hex("xctx", trap.xcontext);
	t_hex("ehi", trap.entryhi);
}

/* ---- TLB ---- */

static u64 inval_hi(int idx)
{
	return 0xffffffff80000000UL + ((u64)idx << 13);
}

void tlb_set(int idx, u64 hi, u64 lo0, u64 lo1, u64 pagemask)
{
	u64 old_hi = dread_c0_entryhi();

	write_c0_index(idx);
	dwrite_c0_entryhi(hi);
	dwrite_c0_entrylo0(lo0);
	dwrite_c0_entrylo1(lo1);
	write_c0_pagemask(pagemask);
	tlbwi();
	write_c0_pagemask(0);
	dwrite_c0_entryhi(old_hi);
}

void tlb_inval(int idx)
{
	tlb_set(idx, inval_hi(idx), 0, 0, 0);
}

void tlb_init(void)
{
	for (int i = 0; i < TLB_ENTRIES; i++)
		tlb_inval(i);
}

void tlb_scratch_clear(void)
{
	for (int i = 0; i < TLB_SCRATCH; i++)
		tlb_inval(i);
}

void tlb_get(int idx, u64 *hi, u64 *lo0, u64 *lo1, u64 *pagemask)
{
	u64 old_hi = dread_c0_entryhi();

	write_c0_index(idx);
	tlbr();
	*hi = dread_c0_entryhi();
	*lo0 = dread_c0_entrylo0();
	*lo1 = dread_c0_entrylo1();
	*pagemask = read_c0_pagemask();
	write_c0_pagemask(0);
	dwrite_c0_entryhi(old_hi);
}

u64 tlb_probe(u64 hi)
{
	u64 old_hi = dread_c0_entryhi();
	u64 index;

	dwrite_c0_entryhi(hi);
	tlbp();
	index = read_c0_index();
	dwrite_c0_entryhi(old_hi);
	return index;
}

void set_asid(u64 asid)
{
	dwrite_c0_entryhi((dread_c0_entryhi() & ~ASID_MASK) | asid);
}

u64 user_va(const void *user_fn)
{
	return VA_USER + ((u64)user_fn - (u64)unit_user_start);
}

void map_user_page(void)
{
	tlb_set(TLB_USER, VA_USER,
		ENTRYLO_PFN(img_phys(unit_user_start)) | ENTRYLO_C(3) | ENTRYLO_V | ENTRYLO_G,
		ENTRYLO_G, PM_4K);
}

void map_data_pages(void)
{
	u64 flags = ENTRYLO_C(3) | ENTRYLO_D | ENTRYLO_V | ENTRYLO_G;

	tlb_set(TLB_DATA, VA_DATA, ENTRYLO_PFN(PHYS_DATA) | flags,
		ENTRYLO_PFN(PHYS_DATA + 0x1000) | flags, PM_4K);
}
