/*
 * Spinlocks: test-and-test-and-set on ll/sc.
 *
 * Not ticket locks, on purpose: QEMU runs all emulated CPUs round-robin on
 * one host thread, so a FIFO lock hands the lock to a waiter that is not
 * running and every other CPU spins out its time slice (measured: the
 * 4-CPU stress test did not finish in 120 s with tickets). A running CPU
 * taking a free lock keeps the machine moving; round-robin scheduling
 * keeps any CPU from waiting forever.
 * The _irqsave forms also keep this CPU's interrupts off while held, which
 * every lock taken from both trap and normal context needs.
 */
#ifndef MONITOR_SPINLOCK_H
#define MONITOR_SPINLOCK_H

#include <stdint.h>
#include "arch/atomic.h"
#include "arch/cpu.h"

typedef struct {
	volatile uint32_t locked;
} spinlock_t;

#define SPINLOCK_INIT { 0 }

static inline void spin_lock(spinlock_t *l)
{
	for (;;) {
		while (l->locked)
			arch_cpu_relax();
		if (atomic_xchg(&l->locked, 1) == 0)
			return;         /* atomic_xchg ends with a barrier */
	}
}

/* Takes the lock only if it is free now; returns 1 on success. */
static inline int spin_trylock(spinlock_t *l)
{
	return !l->locked && atomic_xchg(&l->locked, 1) == 0;
}

static inline void spin_unlock(spinlock_t *l)
{
	smp_mb();
	l->locked = 0;
}
static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
	unsigned long flags = arch_irq_save();
	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	spin_unlock(l);
	arch_irq_restore(flags);
}

#endif
