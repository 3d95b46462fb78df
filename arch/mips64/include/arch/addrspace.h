/*
 * MIPS64 address segments and the conversions the monitor needs between
 * physical addresses and the unmapped windows it runs in.
 */
#ifndef ARCH_ADDRSPACE_H
#define ARCH_ADDRSPACE_H

#include <stdint.h>

#define CKSEG0_BASE   0xffffffff80000000ul  /* cached, unmapped, 512 MiB */
#define CKSEG1_BASE   0xffffffffa0000000ul  /* uncached, unmapped, 512 MiB */
#define XKPHYS_CACHED 0x9800000000000000ul  /* cacheable noncoherent (CCA 3) */
#define XKPHYS_UNCACHED 0x9000000000000000ul

/* A cached pointer to any physical address (all of RAM, up to 2 GiB). */
static inline void *phys_to_virt(uint64_t pa)
{
	return (void *)(XKPHYS_CACHED | pa);
}

/* An uncached pointer to a device register below 512 MiB. */
static inline volatile void *phys_to_uncached(uint64_t pa)
{
	return (volatile void *)(CKSEG1_BASE | pa);
}

/* The physical address behind a CKSEG0 or XKPHYS pointer. */
static inline uint64_t virt_to_phys(const void *p)
{
	uint64_t va = (uint64_t)p;
	if (va >= CKSEG0_BASE)
		return va & 0x1ffffffful;
	return va & 0x0000000ffffffffful;   /* XKPHYS: PABITS = 36 */
}

#endif
