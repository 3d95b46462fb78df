/*
 * The guest ABI's address windows (docs/guest-abi.md): a guest reaches its
 * own physical memory, without its TLB, through a cached and an uncached
 * direct map in xsseg.
 */
#ifndef ARCH_GUEST_H
#define ARCH_GUEST_H

#include <stdint.h>

#define GUEST_CACHED_BASE   0x4000000000000000ul    /* + guest-physical */
#define GUEST_UNCACHED_BASE 0x4000010000000000ul    /* + guest-physical */
#define GUEST_WINDOW_SIZE   (1ul << 40)             /* 1 TiB each */

/* The guest-physical address behind a cached direct-map address, or -1. */
static inline int64_t guest_window_to_gpa(uint64_t va)
{
	if (va - GUEST_CACHED_BASE < GUEST_WINDOW_SIZE)
		return (int64_t)(va - GUEST_CACHED_BASE);
	return -1;
}

#endif
