/*
 * The console: malta's COM1, a 16550 at physical 0x180003f8, polled,
 * through the platform's uncached window (kseg1 on the bare machine, the
 * uncached direct map in a VM, where the monitor emulates the UART). The
 * same code in both builds, so the VM build exercises device emulation.
 */
#include "platform.h"

#define UART_PHYS	0x180003f8UL
#define UART_THR	0	/* transmit holding register */
#define UART_LSR	5	/* line status register */
#define UART_LSR_THRE	0x20	/* transmitter holding register empty */

void plat_console_write(const char *s, unsigned long len)
{
	volatile unsigned char *uart = plat_phys_to_uncached(UART_PHYS);

	for (unsigned long i = 0; i < len; i++) {
		while (!(uart[UART_LSR] & UART_LSR_THRE))
			;
		uart[UART_THR] = s[i];
	}
}
