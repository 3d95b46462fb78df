/*
 * COM1, the 16550 UART behind malta's PIIX4, polled. With -nographic QEMU
 * connects it to standard input and output.
 */
#include <stdint.h>
#include "arch/addrspace.h"
#include "arch/console.h"
#include "board.h"

#define UART_RBR 0      /* receive buffer (read) */
#define UART_THR 0      /* transmit holding (write) */
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_DR   0x01   /* a received byte is waiting */
#define LSR_THRE 0x20   /* transmitter ready */

static inline volatile uint8_t *uart_reg(unsigned int reg)
{
	return (volatile uint8_t *)phys_to_uncached(MALTA_COM1) + reg;
}

void arch_console_init(void)
{
	*uart_reg(UART_IER) = 0;        /* polled */
	*uart_reg(UART_LCR) = 0x03;     /* 8 data bits, no parity, 1 stop */
	*uart_reg(UART_FCR) = 0x07;     /* FIFOs on and cleared */
	*uart_reg(UART_MCR) = 0x03;     /* DTR, RTS */
}

void arch_console_putc(char c)
{
	while (!(*uart_reg(UART_LSR) & LSR_THRE))
		;
	*uart_reg(UART_THR) = (uint8_t)c;
}

int arch_console_getc(void)
{
	if (!(*uart_reg(UART_LSR) & LSR_DR))
		return -1;
	return *uart_reg(UART_RBR);
}
