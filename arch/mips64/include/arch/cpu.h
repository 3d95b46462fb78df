/*
 * The small set of CPU operations machine-independent code may call.
 * Everything MIPS-specific behind these names stays in arch/mips64/.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/mipsregs.h"

#define ARCH_MAX_CPUS 16

/*
 * Puts this CPU's private hardware in a known state (the TLB: every entry
 * unique and unmatchable; the fast paths' constant fields). Called once
 * per CPU at bring-up.
 */
void arch_cpu_init(void);

/*
 * This CPU's index: EBase.CPUNum, set by the hardware, 0..ncpus-1. The
 * read is not volatile: CPUNum never changes and code never changes CPUs
 * halfway, so the compiler may reuse one read for every this_cpu() and
 * runqueue look-up in a function (the trap path makes a dozen).
 */
static inline unsigned int arch_cpu_id(void)
{
	uint32_t ebase;

	__asm__("mfc0\t%0, $15, 1" : "=r"(ebase));
	return ebase & EBASE_CPUNUM;
}

/* Disable interrupts on this CPU; returns a token for arch_irq_restore(). */
static inline unsigned long arch_irq_save(void)
{
	uint32_t old;
	__asm__ volatile("di\t%0\n\tehb" : "=r"(old) : : "memory");
	return old & ST0_IE;
}

static inline void arch_irq_restore(unsigned long flags)
{
	if (flags)
		__asm__ volatile("ei\n\tehb" : : : "memory");
}

static inline void arch_irq_enable(void)
{
	__asm__ volatile("ei\n\tehb" : : : "memory");
}

static inline void arch_irq_disable(void)
{
	__asm__ volatile("di\n\tehb" : : : "memory");
}

static inline bool arch_irq_enabled(void)
{
	return (read_c0_status() & (ST0_IE | ST0_EXL | ST0_ERL)) == ST0_IE;
}

/*
 * Sleep until an interrupt arrives (the next timer tick at the latest).
 * Interrupts must be enabled, or `wait` never returns. In QEMU a waiting
 * CPU also gives the single emulation thread to the other CPUs.
 */
static inline void arch_wait_for_interrupt(void)
{
	__asm__ volatile("wait" : : : "memory");
}

/*
 * Enables interrupts and sleeps until one arrives, as one step: an
 * interrupt taken after the ei but before the wait returns past the wait
 * (arch_idle_resume, from the interrupt handler) instead of leaving the CPU
 * asleep until the next one. Returns with interrupts on. Call it with
 * interrupts off, in a loop that looks for its work after each return:
 * when no timer interrupt is sure to come (arch_timer_wakes: QEMU can lose
 * one, and nothing else wakes a CPU in `wait`) it does not sleep, only
 * takes what is pending.
 */
void arch_irq_enable_and_wait(void);

/* Called with the frame of an interrupt taken in the monitor: moves its
 * EPC past arch_irq_enable_and_wait's wait if it was taken before it. */
void arch_idle_resume(uint64_t *epc);

/* Spin-loop hint. QEMU has no pause; a nop keeps the loop honest. */
static inline void arch_cpu_relax(void)
{
	__asm__ volatile("nop" : : : "memory");
}

/* The CPU's free-running cycle counter (Count), 32 bits, wraps. */
static inline uint32_t arch_counter(void)
{
	return read_c0_count();
}

#endif
