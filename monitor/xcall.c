/*
 * Mailbox cross-calls (see xcall.h).
 *
 * Each (target, sender) pair has one slot, so a sender has at most one call
 * outstanding per target: posting another first waits for the previous
 * one (xcall_run_all leaves calls outstanding while it runs fn here, and fn
 * may call the same CPUs). Slots need no lock. The sender fills fn/arg,
 * bumps req and sets its bit in the target's pending mask; the target
 * clears one bit at a time, runs that slot's call and copies req into
 * done. Barriers order the slot fields around req and done.
 */
#include <stdint.h>
#include "arch/atomic.h"
#include "arch/fast.h"
#include "monitor/monitor.h"
#include "monitor/percpu.h"
#include "monitor/xcall.h"

struct xcall_slot {
	xcall_fn fn;
	void *arg;
	volatile uint32_t req;
	volatile uint32_t done;
};

struct xcall_mailbox {
	volatile uint32_t pending;      /* bit s: sender s has posted */
	struct xcall_slot from[MAX_CPUS];
} __attribute__((aligned(512)));        /* cache lines apart, and a power of two
					 * (448 bytes rounded up): this CPU's box
					 * is a shift away, on every trap */

static struct xcall_mailbox mailbox[MAX_CPUS];

/*
 * Takes one sender's bit at a time, so a long callback that waits on other
 * CPUs leaves the rest pending where a nested poll (in await) serves them:
 * taking the whole mask at once deadlocked two CPUs that each held the
 * other's next call behind a long one.
 */
static void __attribute__((noinline)) serve(struct xcall_mailbox *mb)
{
	uint32_t bits;

	while ((bits = mb->pending) != 0) {
		unsigned int s = (unsigned int)__builtin_ctz(bits);
		struct xcall_slot *slot = &mb->from[s];
		uint32_t req;

		atomic_fetch_and(&mb->pending, ~(1u << s));
		req = slot->req;
		smp_mb();
		slot->fn(slot->arg);
		smp_mb();
		slot->done = req;
	}
}

void xcall_poll(void)
{
	struct xcall_mailbox *mb = &mailbox[arch_cpu_id()];

	if (mb->pending)        /* the usual case (every trap) is an empty box */
		serve(mb);
}

void xcall_sleep(void)
{
	unsigned long flags = arch_irq_save();

	xcall_poll();
	/* a cross-call interrupt between the poll and the wait ends the wait */
	arch_irq_enable_and_wait();
	arch_irq_restore(flags);
}

volatile uint32_t *xcall_pending_word(unsigned int cpu)
{
	return &mailbox[cpu].pending;
}

/* True once the call with this sequence number (or a later one) is done. */
static bool finished(const struct xcall_slot *slot, uint32_t seq)
{
	return (int32_t)(slot->done - seq) >= 0;
}

/*
 * Waits for a call to finish, serving our own mailbox meanwhile; runs with
 * interrupts off, like everything here (a tick that polled the mailbox in
 * the middle of xcall_poll() or post() would run a call twice). If the
 * caller had interrupts on, sleep between checks with them on only around
 * `wait`: the target answers at its next tick at the latest, and a
 * sleeping CPU hands QEMU's single emulation thread to the others instead
 * of spinning out its time slice (measured: spinning or an always-polling
 * idle loop made round trips 6 to 15 times slower).
 */
static void await(unsigned int cpu, uint32_t seq, bool sleep)
{
	struct xcall_slot *slot = &mailbox[cpu].from[arch_cpu_id()];

	while (!finished(slot, seq)) {
		xcall_poll();
		if (sleep) {
			/* a cross-call interrupt between the poll and the
			 * wait must end the wait, not wait for the next tick */
			arch_irq_enable_and_wait();
			arch_irq_disable();
		} else {
			arch_cpu_relax();
		}
	}
	smp_mb();
}

/* Posts a call into cpu's mailbox (interrupts off); returns the sequence
 * number to await. */
static uint32_t post(unsigned int cpu, xcall_fn fn, void *arg, bool sleep)
{
	unsigned int me = arch_cpu_id();
	struct xcall_slot *slot = &mailbox[cpu].from[me];
	uint32_t seq;

	await(cpu, slot->req, sleep);   /* the previous call to cpu, if any */
	seq = slot->req + 1;
	slot->fn = fn;
	slot->arg = arg;
	smp_mb();
	slot->req = seq;
	atomic_fetch_or(&mailbox[cpu].pending, 1u << me);
	arch_fast_kick(cpu);    /* its next trap serves the mailbox */
	return seq;
}

static bool other_online(unsigned int cpu)
{
	return cpu < MAX_CPUS && cpu != arch_cpu_id() && percpu[cpu].online;
}

uint32_t xcall_start(unsigned int cpu, xcall_fn fn, void *arg)
{
	unsigned long flags = arch_irq_save();
	uint32_t ticket;

	if (!other_online(cpu))
		panic("xcall_start: cpu %u is not another online CPU", cpu);
	ticket = post(cpu, fn, arg, flags != 0);
	arch_irq_restore(flags);
	return ticket;
}

void xcall_finish(unsigned int cpu, uint32_t ticket)
{
	unsigned long flags = arch_irq_save();

	if (!other_online(cpu))
		panic("xcall_finish: cpu %u is not another online CPU", cpu);
	await(cpu, ticket, flags != 0);
	arch_irq_restore(flags);
}

bool xcall_run(unsigned int cpu, xcall_fn fn, void *arg)
{
	unsigned long flags;

	if (cpu >= MAX_CPUS || !percpu[cpu].online)
		return false;
	flags = arch_irq_save();
	if (cpu == arch_cpu_id())
		fn(arg);
	else
		await(cpu, post(cpu, fn, arg, flags != 0), flags != 0);
	arch_irq_restore(flags);
	return true;
}

void xcall_run_all(xcall_fn fn, void *arg)
{
	unsigned long flags = arch_irq_save();
	unsigned int me = arch_cpu_id();
	uint32_t seq[MAX_CPUS], posted = 0;

	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		if (c != me && percpu[c].online) {
			seq[c] = post(c, fn, arg, flags != 0);
			posted |= 1u << c;
		}
	}
	fn(arg);
	for (unsigned int c = 0; c < MAX_CPUS; c++)
		if (posted & (1u << c))
			await(c, seq[c], flags != 0);
	arch_irq_restore(flags);
}
