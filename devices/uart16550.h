/*
 * An emulated 16550A UART, as Linux's 8250 driver and simple polled code
 * use it: transmit is immediate (THR is always empty), received bytes wait
 * in a small FIFO, and the interrupt output follows IER/IIR/MCR.OUT2 as on
 * a PC. Register offsets 0..7 (the guest ABI places it at COM1). Pure C:
 * unit-tested on the host.
 */
#ifndef DEVICES_UART16550_H
#define DEVICES_UART16550_H

#include <stdbool.h>
#include <stdint.h>

#define UART_RX_FIFO 64

struct uart16550 {
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thri_pending;      /* a THR-empty interrupt not yet read from IIR */
	uint8_t rx[UART_RX_FIFO];
	unsigned int rx_head, rx_count;
	void (*output)(void *ctx, char c);      /* every transmitted byte */
	void *ctx;
};

void uart_init(struct uart16550 *u, void (*output)(void *ctx, char c), void *ctx);

/* A guest read or write of register reg (0..7). */
uint8_t uart_read(struct uart16550 *u, unsigned int reg);
void uart_write(struct uart16550 *u, unsigned int reg, uint8_t value);

/* Queues a received byte (false if the FIFO is full). */
bool uart_receive(struct uart16550 *u, uint8_t byte);

/* The interrupt output: level, as the guest's interrupt line sees it. */
bool uart_irq(const struct uart16550 *u);

/* Whether the guest's driver has more to send: it keeps the transmit
 * interrupt enabled until its buffer is empty (Linux's 8250 does). */
bool uart_tx_wanted(const struct uart16550 *u);

#endif
