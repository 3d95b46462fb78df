/*
 * Host stand-in for arch/atomic.h (tests/host: the pure modules that take
 * spinlocks, built for one host thread): the same names, plain C.
 */
#ifndef ARCH_ATOMIC_H
#define ARCH_ATOMIC_H

#include <stdint.h>

#define smp_mb() __sync_synchronize()
#define barrier() __asm__ volatile("" : : : "memory")

static inline uint32_t atomic_xchg(volatile uint32_t *p, uint32_t v)
{
	return __sync_lock_test_and_set(p, v);
}

static inline uint64_t atomic64_fetch_add(volatile uint64_t *p, uint64_t v)
{
	return __sync_fetch_and_add(p, v);
}

#endif
