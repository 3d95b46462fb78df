/*
 * Platform layer for a disco guest (docs/guest-abi.md): the image runs in the
 * cached direct-map window (0x4000000000000000 + guest-physical), the
 * uncached alias is 0x4000010000000000 + guest-physical, exit is a hypercall
 * (.word 0x42000028, number in v0, arguments in a0). (The console, the
 * emulated COM1, is common: console.c.)
 */
#include "platform.h"

#define GUEST_CACHED	0x4000000000000000UL
#define GUEST_UNCACHED	0x4000010000000000UL
#define EBASE_KSEG0	0xffffffff80000000UL
#define HCALL_EXIT	2
#define HCALL_SHARED	7

unsigned long plat_virt_to_phys(const void *va)
{
	return (unsigned long)va - GUEST_CACHED;
}

void *plat_phys_to_virt(unsigned long pa)
{
	return (void *)(GUEST_CACHED + pa);
}

void *plat_phys_to_uncached(unsigned long pa)
{
	return (void *)(GUEST_UNCACHED + pa);
}

unsigned long plat_ebase(unsigned long pa)
{
	return EBASE_KSEG0 | pa;
}

static long hypercall(long nr, long arg0, long arg1)
{
	register long v0 __asm__("$2") = nr;
	register long a0 __asm__("$4") = arg0;
	register long a1 __asm__("$5") = arg1;

	__asm__ volatile(".word 0x42000028" : "+r"(v0) : "r"(a0), "r"(a1) : "memory");
	return v0;
}

void plat_exit(int status)
{
	for (;;)
		hypercall(HCALL_EXIT, status, 0);
}

unsigned long plat_shared_area(void)
{
	static char area[128] __attribute__((aligned(128)));

	if (hypercall(HCALL_SHARED, plat_virt_to_phys(area), 0))
		plat_exit(5);
	return (unsigned long)area;
}
