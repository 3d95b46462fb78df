/*
 * Platform layer for the bare malta machine: the image runs in kseg0, the
 * console is the 16550 COM1 through kseg1 (polled), exit is UHI semihosting.
 */
#include "platform.h"

#define KSEG0		0xffffffff80000000UL
#define KSEG1		0xffffffffa0000000UL
#define UART_PHYS	0x180003f8UL
#define UART_THR	0	/* transmit holding register */
#define UART_LSR	5	/* line status register */
#define UART_LSR_THRE	0x20	/* transmitter holding register empty */

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

void plat_console_write(const char *s, unsigned long len)
{
	volatile unsigned char *uart = (volatile unsigned char *)(KSEG1 + UART_PHYS);

	for (unsigned long i = 0; i < len; i++) {
		while (!(uart[UART_LSR] & UART_LSR_THRE))
			;
		uart[UART_THR] = s[i];
	}
}

/* UHI operation 1 (exit): t9 = 1, a0 = status, sdbbp 1. */
void plat_exit(int status)
{
	register long t9 __asm__("$25") = 1;
	register long a0 __asm__("$4") = status;

	for (;;)
		__asm__ volatile("sdbbp 1" : : "r"(t9), "r"(a0) : "memory");
}
