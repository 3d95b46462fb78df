/*
 * Self-tests of the monitor's foundation on the real (emulated) machine:
 *   test=boot      power off cleanly once every CPU is online
 *   test=spinlock  every CPU hammers one lock and one atomic counter
 *   test=xcall     a cross-call to every CPU, then every CPU calling others
 *   test=alloc     allocate all of RAM per node, write and check every page
 *   test=fault     a load from an unmapped address: must panic with a report
 *   test=xcall-latency  round-trip cost between plugin markers (bench-boot)
 *   test=timer     CPU 0 asks for one-shot deadlines over and over while
 *                  CPU 1 is busy: every tick must still come; a tick
 *                  pending when CPU 0 idles ends the idle
 *   test=tlb       the real TLB functions and ASID generations (arch)
 *   test=disk      timed reads of the real disk (monitor/disk.c)
 * Parameters: iters=N (spinlock, xcall), fault_cpu=N (fault), periods=N
 * (timer).
 */
#include <stdint.h>
#include "arch/atomic.h"
#include "arch/board.h"
#include "arch/cpu.h"
#include "arch/timer.h"
#include "arch/vcpu.h"
#include "mmu/machmem.h"
#include "monitor/console.h"
#include "monitor/disk.h"
#include "monitor/monitor.h"
#include "monitor/percpu.h"
#include "monitor/selftest.h"
#include "monitor/smp.h"
#include "monitor/spinlock.h"
#include "monitor/string.h"
#include "monitor/xcall.h"
#include "numa/topology.h"

static uint64_t param(const char *key, uint64_t dflt)
{
	uint64_t v = dflt;

	if (cmdline_get_size(&monitor_cmdline, key, &v) == CMDLINE_MALFORMED)
		con_printf("selftest: %s=%s is not a number; using %lu\n", key,
			   cmdline_get(&monitor_cmdline, key), (unsigned long)dflt);
	return v;
}

static void finish(const char *name, int failures)
{
	con_printf("selftest %s: %s\n", name, failures ? "FAIL" : "PASS");
	monitor_halt(failures ? 1 : 0);
}

/* ---- spinlock ---- */

static spinlock_t stress_lock = SPINLOCK_INIT;
static volatile uint64_t locked_count;          /* only under stress_lock */
static volatile uint32_t atomic_count;
static volatile uint32_t inside;                /* CPUs in the section */
static volatile uint32_t overlaps;
static uint64_t stress_iters;

static void spinlock_stress(void *arg)
{
	(void)arg;
	for (uint64_t i = 0; i < stress_iters; i++) {
		spin_lock(&stress_lock);
		if (atomic_add_return(&inside, 1) != 1)
			overlaps++;
		locked_count = locked_count + 1;
		atomic_add_return(&inside, (uint32_t)-1);
		spin_unlock(&stress_lock);
		atomic_add_return(&atomic_count, 1);
	}
}

static int test_spinlock(void)
{
	unsigned int n = smp_cpus_online();
	uint64_t want;

	stress_iters = param("iters", 20000);
	want = stress_iters * n;
	xcall_run_all(spinlock_stress, 0);
	con_printf("spinlock: %u cpus x %lu iterations: locked counter %lu, atomic counter %u, overlaps %u (want %lu, %lu, 0)\n",
		   n, (unsigned long)stress_iters, (unsigned long)locked_count,
		   atomic_count, overlaps, (unsigned long)want, (unsigned long)want);
	return locked_count != want || atomic_count != (uint32_t)want || overlaps;
}

/* ---- cross-calls ---- */

static volatile uint32_t ran_on[MAX_CPUS];
static volatile uint32_t storm_hits[MAX_CPUS];
static uint64_t storm_iters;

static void record_cpu(void *arg)
{
	ran_on[(uintptr_t)arg] = arch_cpu_id() + 1;
}

static void count_hit(void *arg)
{
	(void)arg;
	atomic_add_return(&storm_hits[arch_cpu_id()], 1);
}

/* Every CPU calls every other CPU in turn, storm_iters times. */
static void storm(void *arg)
{
	unsigned int me = arch_cpu_id();
	uint32_t online = smp_online_mask();

	(void)arg;
	for (uint64_t i = 0; i < storm_iters; i++)
		for (unsigned int c = 0; c < MAX_CPUS; c++)
			if (c != me && (online & (1u << c)))
				xcall_run(c, count_hit, 0);
}

static int test_xcall(void)
{
	unsigned int n = smp_cpus_online();
	uint32_t online = smp_online_mask();
	int failures = 0;

	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		if (!(online & (1u << c)))
			continue;
		uint32_t t0 = arch_counter();
		bool ok = xcall_run(c, record_cpu, (void *)(uintptr_t)c);
		uint32_t dt = arch_counter() - t0;
		con_printf("xcall: cpu 0 -> cpu %u: ran on cpu %d, %u Count ticks\n",
			   c, (int)ran_on[c] - 1, dt);
		if (!ok || ran_on[c] != c + 1)
			failures++;
	}
	/* the first CPU not online (CPUs that came late are parked: the
	 * online ones need not be 0..n-1) */
	unsigned int offline = (unsigned int)__builtin_ctz(~online);

	if (xcall_run(offline, record_cpu, 0)) {
		con_printf("xcall: a call to offline cpu %u was accepted\n", offline);
		failures++;
	}
	storm_iters = param("iters", 20);
	xcall_run_all(storm, 0);
	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		uint32_t want = (uint32_t)(storm_iters * (n - 1));

		if (!(online & (1u << c)))
			continue;
		con_printf("xcall: storm: cpu %u served %u calls (want %u)\n",
			   c, storm_hits[c], want);
		if (storm_hits[c] != want)
			failures++;
	}
	return failures;
}

/* Round trips for the benchmark, between plugin markers 10 and 11. An idle
 * CPU 1 sleeps until its next tick, so that bounds the latency. */
static void nothing(void *arg)
{
	(void)arg;
}

static int test_xcall_latency(void)
{
	uint64_t k = param("iters", 100);
	uint32_t t0;

	if (smp_cpus_online() < 2 || k == 0) {
		con_printf("xcall-latency: needs 2 CPUs and iters > 0\n");
		return 1;
	}
	t0 = arch_counter();
	bench_mark(10);
	for (uint64_t i = 0; i < k; i++)
		xcall_run(1, nothing, 0);
	bench_mark(11);
	con_printf("xcall-latency: %lu round trips cpu 0 -> cpu 1: %lu ns each\n",
		   (unsigned long)k,
		   (unsigned long)((uint64_t)(arch_counter() - t0) *
				   (1000000000u / arch_counter_hz()) / k));
	return 0;
}

/* ---- timer ---- */

static volatile uint32_t busy_stop;

/* Keeps its CPU busy until told, taking its ticks (the call's bit in the
 * mailbox is clear by now: a tick's poll does not run it again). Busy with
 * interrupts off instead, it would keep QEMU's only thread for up to
 * 100 ms at a time. */
static void busy(void *arg)
{
	(void)arg;
	arch_irq_enable();
	while (!busy_stop)
		arch_cpu_relax();
	arch_irq_disable();
}

/*
 * A tick already pending when the idle loop enables interrupts is taken at
 * its ei: that must end the idle too, not leave the CPU asleep until the
 * next interrupt, a period later. Returns the Count ticks slept.
 */
static uint32_t idle_with_tick_pending(uint32_t period)
{
	uint32_t t0;

	arch_irq_disable();
	t0 = arch_timer_count();
	while (arch_timer_count() - t0 < period + period / 2)
		;                       /* the tick comes due meanwhile */
	t0 = arch_timer_count();
	smp_idle_once();
	return arch_timer_count() - t0;
}

/*
 * CPU 0 asks for a one-shot deadline a little ahead (1/8 to 9/16 of a
 * period), over and over, as a vCPU whose Compare is just ahead of Count
 * makes its CPU do, for periods= tick periods of Count, taking interrupts
 * between asks, while CPU 1 spins. Every tick must still come: QEMU
 * answers a Compare write by running the other CPU, often past the value
 * written, and taking such a write for a late one threw the pending tick
 * away and asked for the next one periods later.
 */
static int test_timer(void)
{
	struct percpu *c = this_cpu();
	uint32_t period = c->tick_period, periods = (uint32_t)param("periods", 200);
	uint32_t start, asks = 0, passed = 0, ticket = 0, slept;
	uint64_t ticks;

	if (smp_cpus_online() < 2 || periods < 10) {
		con_printf("timer: needs 2 CPUs and periods >= 10\n");
		return 1;
	}
	ticket = xcall_start(1, busy, 0);
	arch_irq_disable();
	start = arch_timer_count();
	ticks = c->ticks;
	while (arch_timer_count() - start < periods * period) {
		uint32_t ahead = period / 8 + (asks % 8) * (period / 16);

		if (!arch_timer_deadline(arch_timer_count() + ahead))
			passed++;
		asks++;
		arch_irq_enable();      /* a pending tick or deadline is taken here */
		for (volatile int i = 0; i < 100; i++)
			;
		arch_irq_disable();
	}
	ticks = c->ticks - ticks;
	busy_stop = 1;
	xcall_finish(1, ticket);
	slept = idle_with_tick_pending(period);
	arch_irq_enable();
	con_printf("timer: %u periods: %lu ticks, %u deadlines asked, %u passed when written\n",
		   periods, (unsigned long)ticks, asks, passed);
	con_printf("timer: idle with a tick pending: slept %u Count ticks (a period is %u)\n",
		   slept, period);
	return ticks + 2 < periods || slept >= period / 4;
}

/* ---- machine memory ---- */

/* Takes every free page of each node with no fallback, writes each page's
 * own offset into it, checks all, frees all: counts must come back. */
#define NO_BLOCK 99

/* The largest order node n can give now (taken and given back), or NO_BLOCK. */
static unsigned int largest_free_order(unsigned int n)
{
	for (int order = PA_MAX_ORDER; order >= 0; order--) {
		void *p = mem_alloc_pages_on((unsigned int)order, n);
		if (p) {
			mem_free_pages(p, (unsigned int)order);
			return (unsigned int)order;
		}
	}
	return NO_BLOCK;
}

static int test_alloc(void)
{
	unsigned int largest_block[NUMA_MAX_NODES];
	int failures = 0;

	for (unsigned int n = 0; n < monitor_topology.nnodes; n++)
		largest_block[n] = largest_free_order(n);

	for (unsigned int n = 0; n < monitor_topology.nnodes; n++) {
		uint64_t before = mem_free_pages_on(n), got = 0, bad = 0;
		void *head = 0;
		void *p;

		while ((p = mem_alloc_pages(0, n)) && mem_node_of(p) == n) {
			uint64_t *w = p;
			w[0] = (uint64_t)(uintptr_t)head;   /* chain the pages */
			w[1] = mem_offset(p);
			head = p;
			got++;
		}
		/* Node n is exhausted: the last request fell back to another
		 * node, or found nothing if there is no other node. */
		if (monitor_topology.nnodes > 1 ? !p : p != 0) {
			con_printf("alloc: node %u exhausted: fallback gave %s\n", n,
				   p ? "a page with one node" : "nothing with several nodes");
			failures++;
		}
		if (p)
			mem_free_pages(p, 0);
		while (head) {
			uint64_t *w = head;
			void *next = (void *)(uintptr_t)w[0];
			if (w[1] != mem_offset(head))
				bad++;
			mem_free_pages(head, 0);
			head = next;
		}
		con_printf("alloc: node %u: %lu pages allocated, written and freed, %lu bad; free %lu -> %lu\n",
			   n, (unsigned long)got, (unsigned long)bad,
			   (unsigned long)before, (unsigned long)mem_free_pages_on(n));
		if (got != before || bad || mem_free_pages_on(n) != before)
			failures++;
	}
	/* Everything merged back: the largest block each node could give
	 * before, it gives again, from that node. */
	for (unsigned int n = 0; n < monitor_topology.nnodes; n++) {
		unsigned int order = largest_block[n];
		void *big = order == NO_BLOCK ? 0 : mem_alloc_pages_on(order, n);
		con_printf("alloc: node %u: largest block (order %u) again: %s\n", n,
			   order, big ? "ok" : "FAILED");
		if (!big)
			failures++;
		else
			mem_free_pages(big, order);
	}
	return failures;
}

/* ---- a deliberate fault ---- */

static volatile uintptr_t unmapped_address = 0x10;    /* xuseg, no TLB entry */

static void load_from_nowhere(void *arg)
{
	(void)arg;
	con_printf("fault: cpu %u loads from unmapped address %lx\n", arch_cpu_id(),
		   (unsigned long)unmapped_address);
	(void)*(volatile uint64_t *)unmapped_address;
}

static int test_fault(void)
{
	unsigned int cpu = (unsigned int)param("fault_cpu", 0);

	if (!xcall_run(cpu, load_from_nowhere, 0))
		con_printf("fault: cpu %u is not online\n", cpu);
	con_printf("fault: the monitor survived a fault it should have reported\n");
	return 1;
}

struct selftest {
	const char *name;
	int (*run)(void);
};

static int test_boot(void)
{
	return 0;
}

static const struct selftest tests[] = {
	{ "boot", test_boot },
	{ "spinlock", test_spinlock },
	{ "xcall", test_xcall },
	{ "xcall-latency", test_xcall_latency },
	{ "alloc", test_alloc },
	{ "fault", test_fault },
	{ "timer", test_timer },
	{ "tlb", arch_tlb_selftest },
	{ "disk", disk_selftest },
};

void selftest_run(const char *name)
{
	for (unsigned int i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (strcmp(tests[i].name, name) == 0)
			finish(name, tests[i].run());
	con_printf("disco: test=%s: no such test (boot spinlock xcall xcall-latency alloc fault timer tlb disk)\n",
		   name);
}
