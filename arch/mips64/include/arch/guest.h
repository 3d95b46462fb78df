/*
 * The guest ABI's address windows (docs/guest-abi.md, coming with the
 * virtual CPUs): a guest reaches its own physical memory, without its TLB,
 * through a cached direct map in xsseg.
 */
#ifndef ARCH_GUEST_H
#define ARCH_GUEST_H

#include <stdint.h>

#define GUEST_CACHED_BASE   0x4000000000000000ul    /* + guest-physical */
#define GUEST_WINDOW_SIZE   (1ul << 40)             /* 1 TiB */

/* The guest-physical address behind a direct-map address, or -1. */
static inline int64_t guest_window_to_gpa(uint64_t va)
{
	if (va - GUEST_CACHED_BASE < GUEST_WINDOW_SIZE)
		return (int64_t)(va - GUEST_CACHED_BASE);
	return -1;
}

#endif
