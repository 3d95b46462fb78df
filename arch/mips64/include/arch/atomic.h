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

/*
 * Defines `type name(volatile type *p, type v)`: loads *p with `ll`, computes
 * the new value into %1 with `insn` (old value %0, operand %3), stores it
 * with `sc`, retries until the store succeeds, and returns the old value.
 */
#define ATOMIC_RMW(name, type, ll, sc, insn)				\
static inline type name(volatile type *p, type v)			\
{									\
	type old, tmp;							\
	__asm__ volatile(						\
		"	sync\n"						\
		"1:	" ll "	%0, %2\n"				\
		"	" insn "\n"					\
		"	" sc "	%1, %2\n"				\
		"	beqz	%1, 1b\n"				\
		"	sync\n"						\
		: "=&r"(old), "=&r"(tmp), "+m"(*p)			\
		: "r"(v)						\
		: "memory");						\
	return old;							\
}

ATOMIC_RMW(atomic_fetch_add, uint32_t, "ll", "sc", "addu	%1, %0, %3")
ATOMIC_RMW(atomic64_fetch_add, uint64_t, "lld", "scd", "daddu	%1, %0, %3")
ATOMIC_RMW(atomic_xchg, uint32_t, "ll", "sc", "move	%1, %3")
ATOMIC_RMW(atomic_fetch_or, uint32_t, "ll", "sc", "or	%1, %0, %3")
ATOMIC_RMW(atomic_fetch_and, uint32_t, "ll", "sc", "and	%1, %0, %3")

/* Adds v to *p and returns the new value. */
static inline uint32_t atomic_add_return(volatile uint32_t *p, uint32_t v)
{
	return atomic_fetch_add(p, v) + v;
}

static inline uint64_t atomic64_add_return(volatile uint64_t *p, uint64_t v)
{
	return atomic64_fetch_add(p, v) + v;
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

#endif
