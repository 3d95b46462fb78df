/*
 * The smp guest: every CPU (NCPUS of them, a build-time constant) adds 1000
 * to a shared counter with ll/sc, then checks in; CPU 0 waits for all of
 * them (bounded by Count) and alone prints the result, so the output is
 * deterministic. Exit status 0 when the counter and the check-ins are exact.
 */
#include "../unit/cp0.h"
#include "../unit/platform.h"

#define INCREMENTS	1000
#define WAIT_TICKS	(3UL * 166666666)	/* ~3 s of Count at 6 ns a tick */

void smp_main(u64 cpu);
void smp_fault(u64 vec);
extern char smp_vectors[];

/* in .data so that the ELF loader writes their zeros before any CPU runs */
static volatile u32 counter __attribute__((section(".data")));
static volatile u32 arrived __attribute__((section(".data")));
static volatile u32 arrived_mask __attribute__((section(".data")));
static volatile u32 rdhwr_mismatch __attribute__((section(".data")));

/* *p += v with ll/sc; returns the new value */
static u32 atomic_add(volatile u32 *p, u32 v)
{
	u32 tmp, ok;

	do {
		__asm__ volatile("ll %0, 0(%2)\n\t"
				 "addu %0, %0, %3\n\t"
				 "move %1, %0\n\t"
				 "sc %1, 0(%2)"
				 : "=&r"(tmp), "=&r"(ok) : "r"(p), "r"(v) : "memory");
	} while (!ok);
	return tmp;
}

static void atomic_or(volatile u32 *p, u32 v)
{
	u32 tmp;

	do {
		__asm__ volatile("ll %0, 0(%1)\n\t"
				 "or %0, %0, %2\n\t"
				 "sc %0, 0(%1)"
				 : "=&r"(tmp) : "r"(p), "r"(v) : "memory");
	} while (!tmp);
}

static char line[128];
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

void smp_fault(u64 vec)
{
	put_s("smp: unexpected exception, vector ");
	put_num(vec, 16);
	put_s(" cause ");
	put_num(read_c0_cause(), 16);
	put_s(" on cpu ");
	put_num(read_c0_ebase() & 0x3ff, 10);
	put_c('\n');
	plat_exit(2);
}

static void park(void)
{
	for (;;)
		__asm__ volatile("wait");
}

void smp_main(u64 cpu)
{
	u64 hw_cpu;

	write_c0_ebase(plat_ebase(plat_virt_to_phys(smp_vectors)));
	write_c0_status(ST_KX | ST_SX | ST_UX);
	write_c0_hwrena(1);	/* CPUNum readable by rdhwr in any mode */
	if (cpu >= NCPUS)
		park();

	__asm__ volatile("rdhwr %0, $0" : "=r"(hw_cpu));
	if (hw_cpu != cpu)
		atomic_add(&rdhwr_mismatch, 1);
	for (int i = 0; i < INCREMENTS; i++)
		atomic_add(&counter, 1);
	atomic_or(&arrived_mask, 1U << cpu);
	atomic_add(&arrived, 1);
	if (cpu != 0)
		park();

	u32 start = read_c0_count();
	while (arrived < NCPUS && (u32)read_c0_count() - start < WAIT_TICKS)
		;
	u32 n = arrived, total = counter, mask = arrived_mask;
	int ok = n == NCPUS && total == NCPUS * INCREMENTS && mask == (1U << NCPUS) - 1 &&
		 rdhwr_mismatch == 0;

	put_s("smp: cpus=");
	put_num(n, 10);
	put_s(" counter=");
	put_num(total, 10);
	put_s(" mask=");
	put_num(mask, 16);
	put_c('\n');
	put_s("smp: rdhwr-cpunum-matches-ebase=");
	put_s(rdhwr_mismatch ? "no" : "yes");
	put_c('\n');
	put_s(ok ? "smp: ok\n" : "smp: FAIL\n");
	plat_exit(ok ? 0 : 1);
}
