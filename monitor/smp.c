/*
 * CPU bring-up (see smp.h). start.S parks CPUs 1..n-1 on smp_release
 * until CPU 0 has cleared .bss; each then enters smp_secondary_main() on its
 * own stack with the monitor's vectors already installed.
 */
#include "arch/atomic.h"
#include "arch/board.h"
#include "arch/cpu.h"
#include "arch/timer.h"
#include "monitor/console.h"
#include "monitor/monitor.h"
#include "monitor/percpu.h"
#include "monitor/smp.h"
#include "monitor/spinlock.h"
#include "monitor/xcall.h"
#include "vcpu/sched.h"

#define CHECKIN_QUIET_MS 500    /* generous: without -icount a busy host slows QEMU
				 * (50 ms: two of eight CPUs came late in a test-fresh
				 * run on this 2-core machine; 200 ms: one of 16) */

struct percpu percpu[MAX_CPUS];
char monitor_stacks[MAX_CPUS][PERCPU_STACK_SIZE]
	__attribute__((section(".stacks"), aligned(PERCPU_STACK_SIZE)));

/* In .data, not .bss: secondaries read it before .bss is cleared. */
volatile uint32_t smp_release __attribute__((section(".data")));

static uint32_t tick_period;
static volatile uint32_t online_mask;
static volatile uint32_t last_checkin;       /* Count at the last check-in */
static volatile uint32_t checkin_closed;      /* CPU 0 has counted the CPUs */
static spinlock_t checkin_lock = SPINLOCK_INIT;

void smp_secondary_main(unsigned int cpu) __attribute__((noreturn));

static void cpu_setup(unsigned int cpu)
{
	percpu[cpu].id = cpu;
	arch_cpu_init();
	arch_timer_start(tick_period);
}

/*
 * Marks this CPU online: from here on it serves cross-calls. Returns false
 * if CPU 0 already closed the count (the CPU came after the quiet window:
 * it must stay out, or it would be online in no NUMA node).
 */
static bool check_in(unsigned int cpu)
{
	unsigned long flags = spin_lock_irqsave(&checkin_lock);
	bool in = !checkin_closed;

	if (in) {
		percpu[cpu].online = true;
		smp_mb();
		atomic_fetch_or(&online_mask, 1u << cpu);
		last_checkin = arch_counter();
		bench_mark(1);
	}
	spin_unlock_irqrestore(&checkin_lock, flags);
	return in;
}

void smp_init_boot_cpu(uint32_t period)
{
	tick_period = period;
	cpu_setup(0);
	check_in(0);
}

unsigned int smp_start_secondaries(void)
{
	uint32_t quiet = arch_counter_hz() / 1000 * CHECKIN_QUIET_MS;
	unsigned long flags;

	last_checkin = arch_counter();
	smp_mb();
	smp_release = 1;
	smp_mb();
	while (arch_counter() - last_checkin < quiet)
		smp_idle_once();
	flags = spin_lock_irqsave(&checkin_lock);
	checkin_closed = 1;
	spin_unlock_irqrestore(&checkin_lock, flags);
	return smp_cpus_online();
}

void smp_secondary_main(unsigned int cpu)
{
	cpu_setup(cpu);
	if (!check_in(cpu)) {
		con_printf("disco: cpu %u arrived after the CPUs were counted; parked\n", cpu);
		arch_irq_disable();
		for (;;)
			arch_wait_for_interrupt();      /* never wakes: interrupts off */
	}
	con_printf("disco: cpu %u online\n", cpu);
	for (;;) {
		smp_idle_once();
		if (sched_active())
			sched_enter();  /* returns if this CPU has no vCPU */
	}
}

void smp_idle_once(void)
{
	arch_irq_disable();
	xcall_poll();
	/* an interrupt that came meanwhile (a tick, a vCPU's deadline) is
	 * taken at the ei and ends the wait before it starts */
	arch_irq_enable_and_wait();
}

uint32_t smp_online_mask(void)
{
	return online_mask;
}

unsigned int smp_cpus_online(void)
{
	unsigned int n = 0;

	for (uint32_t m = online_mask; m; m &= m - 1)
		n++;
	return n;
}
