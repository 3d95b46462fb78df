/*
 * The smpcall guest: the SMP hypercalls of docs/guest-abi.md in a VM of
 * NCPUS (4) vCPUs, which all enter _start at once. vCPUs 1..3 probe the
 * self page (a bus error without a shared area), register their own shared
 * areas, each at the start of a 4 KiB page of its own, and park; vCPU 0
 * drives the tests and alone prints, one deterministic line per check
 * ending in "ok" or "FAIL" (timings go to lines starting "smpcall: info"):
 *
 *   boot      the self page without an area is a bus error; HCALL_IPI to a
 *             mask naming a vCPU the VM lacks sends nothing (-1), to one
 *             naming a vCPU without an area reaches the others (-1)
 *   start     HCALL_VCPU_START of each parked vCPU at an entry with its
 *             stack and gp = its number: it finds them, its other
 *             registers as it parked (s0, s1, v0 = 0); -1 for itself, a
 *             vCPU the VM lacks, one running
 *   self page each vCPU's area seen at the self address (both ways), not
 *             another's, at every later check too; the page after it and
 *             the uncached alias are bus errors its handler catches
 *   ipi       exact bits on each vCPU (IP3 taken in `wait`); two sends
 *             before the target takes them: its word is their union, IP3
 *             is up while it is masked, one interrupt takes the union and
 *             the line is down after; a 200-round ping-pong with vCPU 1
 *   yield-to  a directed yield runs a started vCPU of this CPU before the
 *             caller; a spin on a flag another vCPU sets, yielding to any,
 *             ends within a bound; 0 for itself, a vCPU the VM lacks, none
 *
 * vCPUs 1..3 serve vCPU 0 from a loop in `wait` with IE, IM3 and IM7 set:
 * a command word and an IPI (CMD bit); they tell vCPU 0 what they did with
 * an IPI (NOTE bit). Every wait for another vCPU is in `wait`, woken by an
 * IPI or by the vCPU's own Compare (IM7) at least every millisecond, and
 * bounded, so a lost IPI ends in a FAIL line, not a hang. Exit status 0
 * if every check passed.
 */
#include "../unit/cp0.h"
#include "../unit/platform.h"

#define NV		NCPUS
#define STACK_SIZE	8192

#define HCALL_TIMER_HZ	3
#define HCALL_YIELD	4
#define HCALL_SHARED	7
#define HCALL_IPI	13
#define HCALL_START	14
#define HCALL_YIELD_TO	16

#define SELF_GPA	0xffffffe000UL
#define CACHED		0x4000000000000000UL
#define UNCACHED	0x4000010000000000UL
#define SELF_VA		(CACHED + SELF_GPA)
#define PARK_MARK	0x5eed0000UL

#define EXC_DBE		7

/* IPI bits: commands, the ping-pong, the tests' own */
#define BIT_CMD		(1U << 31)
#define BIT_PING	(1U << 30)
#define BIT_PONG	(1U << 29)
#define BIT_NOTE	(1U << 28)

enum { CMD_NONE, CMD_SELF, CMD_MASKED, CMD_PARK };

/* struct vcpu_shared (vcpu/vcpu.h): the fields used here */
struct shared {
	u32 ie, pending;
	u64 status, cause, epc, badvaddr, eret_status, eret_epc;
	u32 eret_set, reserved;
	u64 status_next;
	u32 status_set, tp_set;
	u64 tp, context;
	u32 ipi, guest_spins;
	u64 guest_cpuid;        /* guest-owned: the markers */
	u32 reserved2[4];
};
_Static_assert(sizeof(struct shared) == 128, "the shared area is 128 bytes");
_Static_assert(__builtin_offsetof(struct shared, ipi) == 96, "ipi at 96");
_Static_assert(__builtin_offsetof(struct shared, guest_cpuid) == 104, "marker at 104");

void smpcall_main(u64 cpu);
void smpcall_exception(u64 *frame);
void smpcall_fatal_vector(u64 vec);
void smpcall_park_returned(u64 v0);
void smpcall_started(u64 gp, u64 sp, u64 s0, u64 s1, u64 v0);
void smpcall_yield_helper(u64 gp);
void smpcall_park_marked(u64 cpu) __attribute__((noreturn));
extern char smpcall_vectors[], smpcall_start_entry[], smpcall_yield_entry[];

/* A VM's memory reads as zeros until written: no .bss clearing needed.
 * Each area starts a 4 KiB page of its own, so that the self page shows
 * it at offset 0. */
static struct {
	struct shared s;
	char pad[4096 - sizeof(struct shared)];
} areas[NV] __attribute__((aligned(4096)));
static char start_stacks[NV][STACK_SIZE] __attribute__((aligned(16)));

static volatile u32 ready[NV];          /* registered, about to park */
static volatile u32 go3;                /* vCPU 3 may register */
static volatile u32 pre_dbe[NV];        /* bus errors from the self page before registering */
static volatile u32 dbe[NV];            /* bus errors caught */
static volatile u32 started[NV], start_bad[NV];
static volatile u32 got[NV], nint[NV], last_take[NV], spurious[NV];
static volatile u32 cmd[NV], done[NV];
static volatile u32 self_ok[NV], self_checks[NV], self_bad[NV], marked[NV];
static volatile u32 masked[NV], release[NV], masked_ip3[NV], after_ip3[NV], masked_ints[NV];
static volatile u32 pingpong, npong;
static volatile u32 yflag[NV];
static volatile u32 fatal_lock;
static u64 hz, poll;            /* Count ticks a second, a millisecond */

/* ---- helpers ---- */

static long hcall(long nr, long a0, long a1, long a2, long a3)
{
	register long v0 __asm__("$2") = nr;
	register long r4 __asm__("$4") = a0;
	register long r5 __asm__("$5") = a1;
	register long r6 __asm__("$6") = a2;
	register long r7 __asm__("$7") = a3;

	__asm__ volatile(".word 0x42000028" : "+r"(v0) : "r"(r4), "r"(r5), "r"(r6), "r"(r7) : "memory");
	return v0;
}

static inline void sync(void)
{
	__asm__ volatile("sync" ::: "memory");
}

static u64 my_cpu(void)
{
	return read_c0_ebase() & 0x3ff;
}

static u32 xchg32(volatile u32 *p, u32 v)
{
	u32 old, tmp;

	do {
		__asm__ volatile("ll %0, 0(%2)\n\t"
				 "move %1, %3\n\t"
				 "sc %1, 0(%2)"
				 : "=&r"(old), "=&r"(tmp) : "r"(p), "r"(v) : "memory");
	} while (!tmp);
	return old;
}

static void or32(volatile u32 *p, u32 v)
{
	u32 tmp;

	do {
		__asm__ volatile("ll %0, 0(%1)\n\t"
				 "or %0, %0, %2\n\t"
				 "sc %0, 0(%1)"
				 : "=&r"(tmp) : "r"(p), "r"(v) : "memory");
	} while (!tmp);
}

/* Tells vCPU 0 something changed (-1 before it has its area) */
static void note0(void)
{
	sync();
	hcall(HCALL_IPI, 1, BIT_NOTE, 0, 0);
}

static u64 stack_top(u64 k)
{
	return (u64)&start_stacks[k][STACK_SIZE];
}

static volatile struct shared *self_area(void)
{
	return (volatile struct shared *)SELF_VA;
}

/* A load the handler may skip (a bus error): not in a delay slot */
static void probe(u64 va)
{
	u64 tmp;

	__asm__ volatile(".set push\n\t.set noreorder\n\t"
			 "nop\n\tld %0, 0(%1)\n\tnop\n\t.set pop"
			 : "=&r"(tmp) : "r"(va) : "memory");
}

/* ---- output (vCPU 0 only, but for a fatal error) ---- */

static char line[160];
static int len;

static void put_c(char c)
{
	if (len < (int)sizeof(line))
		line[len++] = c;
	if (c == '\n') {
		plat_console_write(line, len);
		len = 0;
	}
}

static void put_s(const char *s)
{
	while (*s)
		put_c(*s++);
}

static void put_num(u64 v, int base)
{
	char buf[24];
	int n = 0;

	if (base == 16)
		put_s("0x");
	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		put_c(buf[--n]);
}

static int all_ok = 1;

/* One check's line: "smpcall: TEXT: ok" or "... FAIL" */
static void verdict(const char *text, int ok)
{
	put_s("smpcall: ");
	put_s(text);
	put_s(ok ? ": ok\n" : ": FAIL\n");
	if (!ok)
		all_ok = 0;
}

static void verdict_k(const char *a, u64 k, const char *b, int ok)
{
	put_s("smpcall: ");
	put_s(a);
	put_num(k, 10);
	put_s(b);
	put_s(ok ? ": ok\n" : ": FAIL\n");
	if (!ok)
		all_ok = 0;
}

static void __attribute__((noreturn)) fatal(const char *why, u64 v)
{
	while (xchg32(&fatal_lock, 1))
		;
	len = 0;
	put_s("smpcall: FAIL fatal on vcpu ");
	put_num(my_cpu(), 10);
	put_s(": ");
	put_s(why);
	put_s(" ");
	put_num(v, 16);
	put_c('\n');
	plat_exit(3);
}

void smpcall_fatal_vector(u64 vec)
{
	fatal("unexpected exception vector", vec);
}

void smpcall_park_returned(u64 v0)
{
	fatal("HCALL_VCPU_PARK returned", v0);
}

/* ---- exceptions: IPIs (IP3), the timeout timer (IP7), bus errors ---- */

void smpcall_exception(u64 *frame)
{
	u64 cause = read_c0_cause(), me = my_cpu();

	switch (CA_EXC(cause)) {
	case EXC_INT:
		if (cause & CA_IP(7))   /* a wait's timeout: out of the way */
			write_c0_compare(read_c0_count() - 1);
		if (cause & CA_IP(3)) {
			u32 bits = xchg32(&areas[me].s.ipi, 0);

			if (!bits) {
				spurious[me]++;
				break;
			}
			or32(&got[me], bits);
			last_take[me] = bits;
			nint[me]++;
			if ((bits & BIT_PING) && pingpong)
				hcall(HCALL_IPI, 1, BIT_PONG, 0, 0);
			if (bits & BIT_PONG)
				npong++;
		}
		if (!(cause & (CA_IP(3) | CA_IP(7))))
			fatal("interrupt with neither IP3 nor IP7, Cause", cause);
		break;
	case EXC_DBE:
		if (CA_BD(cause))
			fatal("bus error in a delay slot, EPC", dread_c0_epc());
		dbe[me]++;
		dwrite_c0_epc(dread_c0_epc() + 4);
		break;
	default:
		fatal("unexpected exception, Cause", cause);
	}
}

/* Waits (in `wait`, woken by an IPI or the vCPU's own Compare) until cond
 * holds or ticks Count ticks pass: whether it holds. */
#define WAIT_UNTIL(cond, ticks) ({                                      \
	u32 __s = read_c0_count(), __t = (u32)(ticks), __e, __step, __at; \
	int __ok = 1;                                                   \
	while (!(cond)) {                                               \
		__e = read_c0_count() - __s;                            \
		if (__e >= __t) {                                       \
			__ok = !!(cond);                                \
			break;                                          \
		}                                                       \
		__step = __t - __e < poll ? __t - __e : poll;           \
		__at = __s + __e + __step;                              \
		write_c0_compare(__at);                                 \
		/* a Compare already behind Count would come 2^32  */  \
		/* ticks later: wait only while it is ahead        */  \
		if ((u32)(__at - read_c0_count()) - 1 < __step)         \
			__asm__ volatile("wait" ::: "memory");          \
	}                                                               \
	__ok; })

#define STATUS_BASE	(ST_KX | ST_SX | ST_UX)
#define STATUS_RUN	(STATUS_BASE | ST_IM(3) | ST_IM(7) | ST_IE)

/* ---- the self page ---- */

static u64 marker(u64 me, u64 round)
{
	return 0x5e1f000000000000UL | (round << 16) | (me << 8) | 0xab;
}

/* Its own area at the self address, both ways; the page after it and the
 * uncached alias of the self page are bus errors. */
static void self_test(u64 me)
{
	volatile struct shared *self = self_area();
	u32 ok = 0, d;

	areas[me].s.guest_cpuid = marker(me, 1);
	sync();
	if (self->guest_cpuid == marker(me, 1))
		ok |= 1;
	self->guest_cpuid = marker(me, 2);
	sync();
	if (areas[me].s.guest_cpuid == marker(me, 2))
		ok |= 2;
	/* the monitor's fields are there too: its Status as the last trap left it */
	if ((self->status & ST_IM(3)) && self == (volatile struct shared *)SELF_VA)
		ok |= 4;
	d = dbe[me];
	probe(SELF_VA + 4096);
	probe(UNCACHED + SELF_GPA);
	if (dbe[me] == d + 2)
		ok |= 8;
	areas[me].s.guest_cpuid = marker(me, 3);
	sync();
	marked[me] = 1;
	self_ok[me] = ok | 0x100;
}

/* The self address shows this vCPU's own area (a later check, after
 * switches between vCPUs on its CPU, migrations) */
static void self_check(u64 me)
{
	if (!marked[me])
		return;
	self_checks[me]++;
	if (self_area()->guest_cpuid != marker(me, 3))
		self_bad[me]++;
}

/* ---- the serving vCPUs ---- */

/* Two IPIs reach it with interrupts off: IP3 up; on, one interrupt takes
 * their union; the line down after. */
static void masked_test(u64 me)
{
	u64 c = 0;
	u32 n;

	write_c0_status(STATUS_BASE | ST_IM(3) | ST_IM(7));
	or32(&got[me], xchg32(&areas[me].s.ipi, 0));    /* the command's bit */
	n = nint[me];
	sync();
	masked[me] = 1;
	note0();
	while (!release[me])
		c = read_c0_cause();
	c = read_c0_cause();    /* both after release: after the sends */
	c = read_c0_cause();
	masked_ip3[me] = (c & CA_IP(3)) != 0;
	write_c0_status(STATUS_RUN);    /* taken here */
	c = read_c0_cause();
	after_ip3[me] = (c & CA_IP(3)) != 0;
	masked_ints[me] = nint[me] - n;
	release[me] = 0;
	masked[me] = 0;
}

static void __attribute__((noreturn)) serve(u64 me)
{
	write_c0_status(STATUS_RUN);
	for (;;) {
		u32 c;

		sync();
		c = cmd[me];
		self_check(me);
		if (c == CMD_NONE) {
			__asm__ volatile("wait" ::: "memory");
			continue;
		}
		cmd[me] = CMD_NONE;
		sync();
		switch (c) {
		case CMD_SELF:
			self_test(me);
			break;
		case CMD_MASKED:
			masked_test(me);
			break;
		case CMD_PARK:
			done[me]++;
			note0();
			smpcall_park_marked(me);
		}
		sync();
		done[me]++;
		note0();
	}
}

/* Entered by HCALL_VCPU_START (smpcall_start_entry) */
void smpcall_started(u64 gp, u64 sp, u64 s0, u64 s1, u64 v0)
{
	u64 me = my_cpu();
	u32 bad = 0;

	if (gp != me)
		bad |= 1;
	if (me >= NV || sp != stack_top(me))
		bad |= 2;
	if (s0 != PARK_MARK + me || s1 != ~s0)
		bad |= 4;
	if (v0 != 0)
		bad |= 8;
	if (me >= NV)
		fatal("started beyond NCPUS", me);
	start_bad[me] = bad;
	sync();
	started[me]++;
	note0();
	serve(me);
}

/* Entered by HCALL_VCPU_START (smpcall_yield_entry): sets its flag and
 * parks again at once */
void smpcall_yield_helper(u64 gp)
{
	yflag[gp] = 1;
	note0();
	smpcall_park_marked(gp);
}

static void setup(u64 me)
{
	write_c0_ebase(plat_ebase(plat_virt_to_phys(smpcall_vectors)));
	write_c0_status(STATUS_BASE);
	probe(SELF_VA);         /* no area yet: a bus error */
	pre_dbe[me] = dbe[me];
	dbe[me] = 0;
	if (me == 3) {          /* registers once vCPU 0 tried an IPI to it */
		for (u32 t = read_c0_count(); !go3; ) {
			if ((u32)(read_c0_count() - t) > 10 * hz)
				fatal("no go from vcpu 0", 0);
			hcall(HCALL_YIELD, 0, 0, 0, 0);
		}
	}
	if (hcall(HCALL_SHARED, plat_virt_to_phys(&areas[me].s), 0, 0, 0))
		fatal("HCALL_SHARED_PAGE refused", plat_virt_to_phys(&areas[me].s));
}

/* ---- vCPU 0's tests ---- */

/* HCALL_VCPU_START, retried while k is on its way to park (yielding to it
 * if it waits on this CPU) */
static long start_vcpu(u64 k, void *pc, u64 sp, u64 gp)
{
	u32 t = read_c0_count();
	long r;

	while ((r = hcall(HCALL_START, k, (long)pc, sp, gp)) != 0) {
		if ((u32)(read_c0_count() - t) > 2 * hz)
			break;
		hcall(HCALL_YIELD_TO, k, 0, 0, 0);
	}
	return r;
}

/* Runs command c on vCPU k: whether it finished */
static int command(u64 k, u32 c)
{
	u32 d = done[k];

	cmd[k] = c;
	sync();
	hcall(HCALL_IPI, 1L << k, BIT_CMD, 0, 0);
	return WAIT_UNTIL(done[k] != d, 2 * hz);
}

static void test_boot(void)
{
	u32 ok = 1;
	long r1, r2, r3;

	for (u64 k = 0; k < NV; k++)
		if (k != 3 && !WAIT_UNTIL(ready[k], 5 * hz))
			fatal("vcpu did not register", k);
	/* vCPUs 1 and 2 have areas, 3 not yet: 1 and 2 get the bits */
	r1 = hcall(HCALL_IPI, 0xe, 0x55, 0, 0);
	ok &= r1 == -1 && areas[1].s.ipi == 0x55 && areas[2].s.ipi == 0x55 && areas[3].s.ipi == 0;
	ok &= xchg32(&areas[1].s.ipi, 0) == 0x55 && xchg32(&areas[2].s.ipi, 0) == 0x55;
	verdict("boot: ipi to vcpus 1-3, 3 without an area: -1, vcpus 1 and 2 got the bits", ok);
	/* a vCPU the VM lacks: nothing sent */
	r2 = hcall(HCALL_IPI, (1L << 7) | 2, 0x66, 0, 0);
	r3 = hcall(HCALL_IPI, 1L << NV, 0x66, 0, 0);
	ok = r2 == -1 && r3 == -1 && areas[1].s.ipi == 0 && areas[0].s.ipi == 0;
	verdict("boot: ipi to a mask with vcpu 7, or vcpu 4: -1, nothing sent", ok);
	go3 = 1;
	sync();
	if (!WAIT_UNTIL(ready[3], 5 * hz))
		fatal("vcpu did not register", 3);
	ok = 1;
	for (u64 k = 0; k < NV; k++)
		ok &= pre_dbe[k] == 1;
	verdict("boot: the self page without an area is a bus error on every vcpu", ok);
}

static void test_start(void)
{
	long r[5];
	int ok;

	for (u64 k = 1; k < NV; k++) {
		long s = start_vcpu(k, smpcall_start_entry, stack_top(k), k);

		ok = s == 0 && WAIT_UNTIL(started[k], 2 * hz) && started[k] == 1 && start_bad[k] == 0;
		verdict_k("start: vcpu ", k, " ran at its entry with its gp and sp, s0 s1 v0 as it parked", ok);
		if (!ok) {
			put_s("smpcall: info start: vcpu ");
			put_num(k, 10);
			put_s(" start ");
			put_num((u64)s, 16);
			put_s(" bad ");
			put_num(start_bad[k], 16);
			put_c('\n');
		}
	}
	r[0] = hcall(HCALL_START, 0, (long)smpcall_start_entry, stack_top(0), 0);
	r[1] = hcall(HCALL_START, 7, (long)smpcall_start_entry, stack_top(0), 7);
	r[2] = hcall(HCALL_START, NV, (long)smpcall_start_entry, stack_top(0), NV);
	r[3] = hcall(HCALL_START, 1, (long)smpcall_start_entry, stack_top(1), 1);
	r[4] = hcall(HCALL_START, -1L, (long)smpcall_start_entry, stack_top(1), 1);
	ok = 1;
	for (int i = 0; i < 5; i++)
		ok &= r[i] == -1;
	ok &= started[1] == 1;
	verdict("start: itself, vcpu 7, vcpu 4, vcpu -1, a running vcpu: -1", ok);
}

static void test_self(void)
{
	int ok = 1;

	self_test(0);
	for (u64 k = 1; k < NV; k++)
		if (!command(k, CMD_SELF))
			fatal("no answer to CMD_SELF", k);
	for (u64 k = 0; k < NV; k++) {
		int own = (self_ok[k] & 0x103) == 0x103 && areas[k].s.guest_cpuid == marker(k, 3);

		verdict_k("self page: vcpu ", k, " sees its own area at the self address, both ways", own);
		ok &= (self_ok[k] & 0x108) == 0x108;
		if ((self_ok[k] & 0x104) != 0x104) {
			put_s("smpcall: info self page: vcpu ");
			put_num(k, 10);
			put_s(" status field ");
			put_num(self_ok[k], 16);
			put_c('\n');
		}
	}
	verdict("self page: the page after it and its uncached alias are bus errors, caught on every vcpu", ok);
}

static void test_ipi(void)
{
	int ok;
	u32 n = 200, sum = 0, min = ~0U, max = 0;

	/* exact bits, each vCPU waiting in `wait` */
	for (u64 k = 1; k < NV; k++) {
		u32 bits = (0x10U << k) | 0x3;

		got[k] = 0;
		sync();
		ok = hcall(HCALL_IPI, 1L << k, bits, 0, 0) == 0 &&
		     WAIT_UNTIL((got[k] & ~BIT_CMD) == bits, hz) && (got[k] & ~BIT_CMD) == bits;
		verdict_k("ipi: vcpu ", k, " took exactly the bits sent", ok);
	}
	/* two sends before the target takes them */
	for (u64 k = 1; k < NV; k++) {
		u32 d = done[k], a = 0x100U << k, b = 0x1000U << k;
		long r1, r2;
		u32 word;

		cmd[k] = CMD_MASKED;
		sync();
		hcall(HCALL_IPI, 1L << k, BIT_CMD, 0, 0);
		if (!WAIT_UNTIL(masked[k], 2 * hz))
			fatal("no answer to CMD_MASKED", k);
		got[k] = 0;
		sync();
		r1 = hcall(HCALL_IPI, 1L << k, a, 0, 0);
		r2 = hcall(HCALL_IPI, 1L << k, b, 0, 0);
		word = areas[k].s.ipi;
		release[k] = 1;
		sync();
		ok = WAIT_UNTIL(done[k] != d, 2 * hz);
		ok &= r1 == 0 && r2 == 0 && word == (a | b) && masked_ip3[k] && !after_ip3[k] &&
		      masked_ints[k] == 1 && last_take[k] == (a | b) && got[k] == (a | b);
		verdict_k("ipi: two sends before vcpu ", k,
			  " takes them: its word the union, IP3 up, one interrupt takes it, line down after", ok);
		if (!ok) {
			put_s("smpcall: info ipi: word ");
			put_num(word, 16);
			put_s(" ip3 ");
			put_num(masked_ip3[k], 10);
			put_s(" after ");
			put_num(after_ip3[k], 10);
			put_s(" ints ");
			put_num(masked_ints[k], 10);
			put_s(" take ");
			put_num(last_take[k], 16);
			put_s(" got ");
			put_num(got[k], 16);
			put_c('\n');
		}
	}
	/* ping-pong: vCPU 1's handler answers PING with PONG */
	pingpong = 1;
	sync();
	ok = 1;
	for (u32 i = 0; i < n && ok; i++) {
		u32 before = npong, t = read_c0_count(), dt;

		ok = hcall(HCALL_IPI, 2, BIT_PING, 0, 0) == 0 && WAIT_UNTIL(npong != before, hz);
		dt = read_c0_count() - t;
		sum += dt;
		if (dt < min)
			min = dt;
		if (dt > max)
			max = dt;
		self_check(0);
	}
	pingpong = 0;
	verdict("ipi: ping-pong with vcpu 1, 200 round trips", ok && npong == n);
	put_s("smpcall: info ipi ping-pong: ");
	put_num(npong, 10);
	put_s(" round trips, Count ticks a round trip: mean ");
	put_num(sum / n, 10);
	put_s(" min ");
	put_num(min, 10);
	put_s(" max ");
	put_num(max, 10);
	put_s(" (");
	put_num(hz, 10);
	put_s(" Hz)\n");
	ok = 1;
	for (u64 k = 0; k < NV; k++)
		ok &= spurious[k] == 0;
	verdict("ipi: no IP3 interrupt found the word 0", ok);
}

static void test_yield_to(void)
{
	u32 colocated = 0, ok = 1, n = 0, ones = 0, t, dt;
	u64 k;

	/* directed: a started vCPU of this CPU runs before the caller */
	for (k = 1; k < NV; k++) {
		long r;

		if (!command(k, CMD_PARK))
			fatal("no answer to CMD_PARK", k);
		yflag[k] = 0;
		sync();
		if (start_vcpu(k, smpcall_yield_entry, stack_top(k), k) != 0)
			fatal("could not start a parked vcpu", k);
		r = hcall(HCALL_YIELD_TO, k, 0, 0, 0);
		if (r == 1) {
			colocated |= 1U << k;
			ok &= yflag[k] == 1;    /* it ran to its park */
		} else {
			ok &= r == 0;
		}
		ok &= WAIT_UNTIL(yflag[k], hz);
	}
	verdict("yield-to: directed at a started vcpu: 1 only when it ran first, 0 else", ok);
	/* a spin on a flag another vCPU sets, yielding to any */
	for (k = 1; k < NV - 1 && !(colocated & (1U << k)); k++)
		;
	yflag[k] = 0;
	sync();
	if (start_vcpu(k, smpcall_yield_entry, stack_top(k), k) != 0)
		fatal("could not start a parked vcpu", k);
	t = read_c0_count();
	while (!yflag[k] && (u32)(read_c0_count() - t) < hz / 10) {
		n++;
		if (hcall(HCALL_YIELD_TO, -1, 0, 0, 0) == 1)
			ones++;
	}
	dt = read_c0_count() - t;
	verdict("yield-to: a spin on a flag another vcpu sets, yielding to any, ends within 100 ms", yflag[k]);
	if (colocated)
		verdict("yield-to: with the setter on this cpu, the spin ends after 1 or 2 yields",
			yflag[k] && n >= 1 && n <= 2 && ones >= 1);
	else
		put_s("smpcall: yield-to: no other vcpu on this cpu\n");
	put_s("smpcall: info yield-to: on this cpu: mask ");
	put_num(colocated, 16);
	put_s(", spin with vcpu ");
	put_num(k, 10);
	put_s(": ");
	put_num(n, 10);
	put_s(" yields (");
	put_num(ones, 10);
	put_s(" ran another), ");
	put_num(dt, 10);
	put_s(" Count ticks\n");
	/* 0: itself, a vCPU the VM lacks, none runnable (the helpers park) */
	ok = hcall(HCALL_YIELD_TO, 0, 0, 0, 0) == 0 && hcall(HCALL_YIELD_TO, 7, 0, 0, 0) == 0;
	n = 0;
	while (hcall(HCALL_YIELD_TO, -1, 0, 0, 0) != 0 && ++n < 100)
		;
	verdict("yield-to: itself, vcpu 7, none runnable: 0", ok && n < 100);
}

void smpcall_main(u64 me)
{
	if (me >= NV)
		for (;;)
			__asm__ volatile("wait");
	hz = hcall(HCALL_TIMER_HZ, 0, 0, 0, 0);
	poll = hz / 1000;
	setup(me);
	if (me != 0) {
		ready[me] = 1;
		note0();
		smpcall_park_marked(me);
	}
	write_c0_status(STATUS_RUN);
	ready[0] = 1;
	test_boot();
	test_start();
	test_self();
	test_ipi();
	test_yield_to();
	{
		int ok = 1;
		u32 checks = 0;

		self_check(0);
		for (u64 k = 0; k < NV; k++) {
			ok &= self_bad[k] == 0;
			checks += self_checks[k];
		}
		verdict("self page: every later check on every vcpu saw its own area", ok && checks >= NV);
		put_s("smpcall: info self page: ");
		put_num(checks, 10);
		put_s(" later checks\n");
	}
	put_s(all_ok ? "smpcall: all ok\n" : "smpcall: FAIL\n");
	plat_exit(all_ok ? 0 : 1);
}
