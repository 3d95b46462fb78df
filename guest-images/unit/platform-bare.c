/*
 * Platform layer for the bare malta machine: the image runs in kseg0, exit
 * is UHI semihosting. (The console, malta's COM1, is common: console.c.)
 */
#include "platform.h"

#define KSEG0		0xffffffff80000000UL
#define KSEG1		0xffffffffa0000000UL

unsigned long plat_virt_to_phys(const void *va)
{
	return (unsigned long)va - KSEG0;
}

void *plat_phys_to_virt(unsigned long pa)
{
	return (void *)(KSEG0 + pa);
}

void *plat_phys_to_uncached(unsigned long pa)
{
	return (void *)(KSEG1 + pa);
}

unsigned long plat_ebase(unsigned long pa)
{
	return KSEG0 | pa;
}

unsigned long plat_shared_area(void)
{
	return 0;
}

/* UHI operation 1 (exit): t9 = 1, a0 = status, sdbbp 1. */
void plat_exit(int status)
{
	register long t9 __asm__("$25") = 1;
	register long a0 __asm__("$4") = status;

	for (;;)
		__asm__ volatile("sdbbp 1" : : "r"(t9), "r"(a0) : "memory");
}
