/*
 * The emulated 16550A (see uart16550.h). Register meanings from the 16550
 * data sheet; with DLAB (LCR bit 7) set, offsets 0 and 1 are the divisor.
 */
#include "devices/uart16550.h"
#include "monitor/string.h"

enum { RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

#define LCR_DLAB     0x80
#define IER_RDI      0x01       /* received data available */
#define IER_THRI     0x02       /* transmit holding register empty */
#define IIR_NONE     0x01
#define IIR_THRI     0x02
#define IIR_RDI      0x04
#define IIR_FIFO     0xc0
#define FCR_ENABLE   0x01
#define FCR_CLEAR_RX 0x02
#define LSR_DR       0x01
#define LSR_THRE     0x20
#define LSR_TEMT     0x40
#define MCR_LOOP     0x10
#define MCR_OUT2     0x08
#define MSR_IDLE     0xb0       /* DCD, DSR, CTS asserted: a cable is there */

void uart_init(struct uart16550 *u, void (*output)(void *ctx, char c), void *ctx)
{
	memset(u, 0, sizeof(*u));
	u->output = output;
	u->ctx = ctx;
}

static uint8_t pop(struct uart16550 *u)
{
	uint8_t b;

	if (!u->rx_count)
		return 0;
	b = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_RX_FIFO;
	u->rx_count--;
	return b;
}

/* In loopback the modem inputs are the outputs: DTR to DSR, RTS to CTS,
 * OUT1 to RI, OUT2 to DCD (Linux's autoconfig loop test relies on it). */
static uint8_t loop_msr(uint8_t mcr)
{
	return ((mcr & 0x01) << 5) | ((mcr & 0x02) << 3) | ((mcr & 0x0c) << 4);
}

static uint8_t iir(struct uart16550 *u)
{
	uint8_t fifo = (u->fcr & FCR_ENABLE) ? IIR_FIFO : 0;

	if ((u->ier & IER_RDI) && u->rx_count)
		return fifo | IIR_RDI;
	if ((u->ier & IER_THRI) && u->thri_pending) {
		u->thri_pending = false;        /* reading IIR acknowledges it */
		return fifo | IIR_THRI;
	}
	return fifo | IIR_NONE;
}

uint8_t uart_read(struct uart16550 *u, unsigned int reg)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (reg & 7) {
	case RBR_THR: return dlab ? u->dll : pop(u);
	case IER: return dlab ? u->dlm : u->ier;
	case IIR_FCR: return iir(u);
	case LCR: return u->lcr;
	case MCR: return u->mcr;
	case LSR: return LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0);
	case MSR: return (u->mcr & MCR_LOOP) ? loop_msr(u->mcr) : MSR_IDLE;
	default: return u->scr;
	}
}

void uart_write(struct uart16550 *u, unsigned int reg, uint8_t value)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (reg & 7) {
	case RBR_THR:
		if (dlab) {
			u->dll = value;
		} else {
			if (u->mcr & MCR_LOOP)
				uart_receive(u, value);
			else if (u->output)
				u->output(u->ctx, (char)value);
			u->thri_pending = true;
		}
		break;
	case IER:
		if (dlab) {
			u->dlm = value;
		} else {
			/* enabling THRI with THR empty raises it at once */
			if ((value & IER_THRI) && !(u->ier & IER_THRI))
				u->thri_pending = true;
			u->ier = value & 0x0f;
		}
		break;
	case IIR_FCR:
		u->fcr = value & 0xc9;
		if (value & FCR_CLEAR_RX)
			u->rx_count = 0;
		break;
	case LCR: u->lcr = value; break;
	case MCR: u->mcr = value & 0x1f; break;
	case SCR: u->scr = value; break;
	default: break;         /* LSR, MSR: read-only */
	}
}

bool uart_receive(struct uart16550 *u, uint8_t byte)
{
	if (u->rx_count == UART_RX_FIFO)
		return false;
	u->rx[(u->rx_head + u->rx_count) % UART_RX_FIFO] = byte;
	u->rx_count++;
	return true;
}

bool uart_irq(const struct uart16550 *u)
{
	bool pending = ((u->ier & IER_RDI) && u->rx_count) ||
		       ((u->ier & IER_THRI) && u->thri_pending);

	return pending && (u->mcr & MCR_OUT2);
}

bool uart_tx_wanted(const struct uart16550 *u)
{
	return u->ier & IER_THRI;
}
