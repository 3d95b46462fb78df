/*
 * Console attacks: every register of the emulated 16550 (devices/
 * uart16550.c) with the divisor latch on and off, loopback, the FIFO
 * overrun, wide accesses; megabytes of output without a newline; and
 * lines made to pass for the monitor's own (control characters that move
 * the cursor or erase the line on a terminal before a forged "disco:").
 */
#include "attack.h"

#define UART_PA		0x180003f8UL
enum { RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };
#define LCR_DLAB	0x80
#define MCR_LOOP	0x10
#define MCR_OUT2	0x08
#define LSR_DR		0x01

static volatile unsigned char *uart(void)
{
	return (volatile unsigned char *)UNCACHED(UART_PA);
}

static void want_reg(const char *what, unsigned int got, unsigned int want)
{
	if (got != want)
		BROKEN("UART %s reads %x, want %x", what, got, want);
}

void case_uart_registers(void)
{
	volatile unsigned char *u = uart();
	unsigned int got = 0;

	u[LCR] = LCR_DLAB;
	u[RBR_THR] = 0x55;                      /* divisor, not output */
	u[IER] = 0xaa;
	want_reg("DLL", u[RBR_THR], 0x55);
	want_reg("DLM", u[IER], 0xaa);
	u[LCR] = 0x03;
	for (unsigned int v = 0; v < 256; v++) {
		u[SCR] = (unsigned char)v;
		if (u[SCR] != v)
			want_reg("SCR", u[SCR], v);
	}
	u[IER] = 0xff;
	want_reg("IER", u[IER], 0x0f);
	u[MCR] = 0xff;                          /* loopback: output comes back in */
	for (int i = 0; i < 100; i++)
		u[RBR_THR] = (unsigned char)('A' + i % 26);
	for (; (u[LSR] & LSR_DR) && got < 200; got++)
		(void)u[RBR_THR];
	want_reg("loopback FIFO (bytes kept of 100)", got, 64);
	*(volatile u64 *)UNCACHED(UART_PA) = ~0UL;      /* a doubleword store: one byte */
	want_reg("LSR after a wide store", u[LSR] & LSR_DR, LSR_DR);
	(void)*(volatile u64 *)UNCACHED(UART_PA);
	(void)*(volatile u32 *)UNCACHED(UART_PA + 4);
	(void)*(volatile unsigned short *)UNCACHED(UART_PA + 6);
	u[IIR_FCR] = 0xff;                      /* FIFO on, both cleared */
	for (unsigned int r = 0; r < 8; r++)
		(void)u[r];
	for (unsigned int r = 0; r < 8; r++)
		u[r] = 0;
	while (u[LSR] & LSR_DR)
		(void)u[RBR_THR];
	u[LCR] = 0x03;
	want_reg("LSR at the end", u[LSR], 0x60);
	must_fault("past the UART", UNCACHED(UART_PA + 8));
}

/* 64 KiB through the UART and 1 MiB through the console call, all one
 * line: the monitor prints it in pieces, the victim's lines stay whole. */
void case_uart_flood(void)
{
	static char block[4096];
	volatile unsigned char *u = uart();

	for (int i = 0; i < 4096; i++)
		block[i] = 'x';
	for (int i = 0; i < 64 * 1024; i++)
		u[RBR_THR] = 'u';
	for (int i = 0; i < 256; i++)
		if (hcall(HC_CONSOLE, (u64)block, sizeof(block), 0) != sizeof(block))
			BROKEN("console write %d", i);
	u[RBR_THR] = '\n';
	NOTE("64 KiB through the UART and 1 MiB through the console call in one line");
}

/* Lines that, shown raw on a terminal, would erase or overwrite the
 * "[attacker] " prefix and show a forged monitor line instead. */
void case_console_forge(void)
{
	static const char *const forged[] = {
		"\033[2K\rdisco: vm victim: CORRUPTED (forged: ESC [2K, CR)\n",
		"\b\b\b\b\b\b\b\b\b\b\b\bdisco: all VMs have ended; power off (status 0) (forged: BS)\n",
		"\033[1A\033[2Kdisco: vm victim: powered off (exit status 0) (forged: cursor up)\n",
		"\033]0;disco\007 (forged: OSC window title, BEL)\n",
		"\033c (forged: terminal reset)\n",
		"tab\tdel\177 nul\0 (after a NUL)\n",
	};

	for (unsigned int i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
		u64 len = 0;

		while (forged[i][len] != '\n')
			len++;
		hcall(HC_CONSOLE, (u64)forged[i], len + 1, 0);
	}
	for (const char *p = "\033[2K\rdisco: forged through the UART\n"; *p; p++)
		uart()[RBR_THR] = (unsigned char)*p;
	NOTE("6 forged lines through the console call, 1 through the UART");
}
