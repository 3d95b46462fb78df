/*
 * Leaving the machine: malta's soft reset register and UHI semihosting.
 */
#include <stdint.h>
#include "arch/addrspace.h"
#include "arch/board.h"
#include "board.h"

uint64_t arch_ram_base(void)
{
	return MALTA_RAM_BASE;
}

uint32_t arch_counter_hz(void)
{
	return MALTA_COUNT_HZ;
}

void arch_power_off(void)
{
	*(volatile uint32_t *)phys_to_uncached(MALTA_SOFTRES) = MALTA_SOFTRES_RESET;
	for (;;)
		__asm__ volatile("wait");
}

void arch_semihost_exit(int status)
{
	register long op __asm__("$25") = 1;    /* UHI_exit */
	register long code __asm__("$4") = status;

	__asm__ volatile("sdbbp 1" : : "r"(op), "r"(code) : "memory");
	for (;;)
		__asm__ volatile("wait");
}
