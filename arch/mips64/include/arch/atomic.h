/*
 * Atomic operations and memory barriers built on ll/sc (lld/scd).
 *
 * Every read-modify-write is a full barrier (sync before and after), as
 * Linux's *_return operations are: callers never need their own fences.
 */
#ifndef ARCH_ATOMIC_H
#define ARCH_ATOMIC_H

#include <stdint.h>

static inline void smp_mb(void)
{
	__asm__ volatile("sync" : : : "memory");
}

#define barrier() __asm__ volatile("" : : : "memory")

/* Adds v to *p and returns the new value. */
static inline uint32_t atomic_add_return(volatile uint32_t *p, uint32_t v)
{
	uint32_t old, tmp;
	__asm__ volatile(
		"	sync\n"
		"1:	ll	%0, %2\n"
		"	addu	%1, %0, %3\n"
		"	sc	%1, %2\n"
		"	beqz	%1, 1b\n"
		"	sync\n"
		: "=&r"(old), "=&r"(tmp), "+m"(*p)
		: "Ir"(v)
		: "memory");
	return old + v;
}

static inline uint64_t atomic64_add_return(volatile uint64_t *p, uint64_t v)
{
	uint64_t old, tmp;
	__asm__ volatile(
		"	sync\n"
		"1:	lld	%0, %2\n"
		"	daddu	%1, %0, %3\n"
		"	scd	%1, %2\n"
		"	beqz	%1, 1b\n"
		"	sync\n"
		: "=&r"(old), "=&r"(tmp), "+m"(*p)
		: "Ir"(v)
		: "memory");
	return old + v;
}

/* Sets *p to v and returns the old value. */
static inline uint32_t atomic_xchg(volatile uint32_t *p, uint32_t v)
{
	uint32_t old, tmp;
	__asm__ volatile(
		"	sync\n"
		"1:	ll	%0, %2\n"
		"	move	%1, %3\n"
		"	sc	%1, %2\n"
		"	beqz	%1, 1b\n"
		"	sync\n"
		: "=&r"(old), "=&r"(tmp), "+m"(*p)
		: "r"(v)
		: "memory");
	return old;
}

/* ORs bits into *p and returns the old value. */
static inline uint32_t atomic_fetch_or(volatile uint32_t *p, uint32_t bits)
{
	uint32_t old, tmp;
	__asm__ volatile(
		"	sync\n"
		"1:	ll	%0, %2\n"
		"	or	%1, %0, %3\n"
		"	sc	%1, %2\n"
		"	beqz	%1, 1b\n"
		"	sync\n"
		: "=&r"(old), "=&r"(tmp), "+m"(*p)
		: "r"(bits)
		: "memory");
	return old;
}

/* If *p == expect, sets it to v. Returns the value seen. */
static inline uint32_t atomic_cmpxchg(volatile uint32_t *p, uint32_t expect,
				      uint32_t v)
{
	uint32_t seen, tmp;
	__asm__ volatile(
		"	sync\n"
		"1:	ll	%0, %2\n"
		"	bne	%0, %3, 2f\n"
		"	move	%1, %4\n"
		"	sc	%1, %2\n"
		"	beqz	%1, 1b\n"
		"2:	sync\n"
		: "=&r"(seen), "=&r"(tmp), "+m"(*p)
		: "r"(expect), "r"(v)
		: "memory");
	return seen;
}

static inline uint32_t atomic_read(const volatile uint32_t *p)
{
	return *p;
}

static inline void atomic_set(volatile uint32_t *p, uint32_t v)
{
	*p = v;
}

#endif
