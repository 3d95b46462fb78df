/*
 * Host unit tests for devices/uart16550.c (uart_init, uart_read,
 * uart_write, uart_receive, uart_irq).
 *
 * The oracle is the 16550 data sheet (PC16550D) and what Linux's
 * drivers/tty/serial/8250/8250_port.c does at probe and start-up time:
 * autoconfig() (IER existence test, loopback MSR test, FIFO detection by
 * IIR bits 7:6, the EFR/16750/XScale probes that a plain 16550A must fail),
 * serial8250_do_startup() (the THRE re-assertion and TXEN tests) and the
 * polled console's use of LSR.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tests/host/helpers.h"

#include <string.h>
#include "devices/uart16550.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Register offsets and bits, with the names of Linux's serial_reg.h. */
enum { UART_RX = 0, UART_TX = 0, UART_DLL = 0, UART_IER = 1, UART_DLM = 1,
       UART_IIR = 2, UART_FCR = 2, UART_EFR = 2, UART_LCR = 3, UART_MCR = 4,
       UART_LSR = 5, UART_MSR = 6, UART_SCR = 7 };

#define UART_IER_RDI        0x01
#define UART_IER_THRI       0x02
#define UART_IER_RLSI       0x04
#define UART_IER_MSI        0x08
#define UART_IER_ALL_INTR   0x0f
#define UART_IER_UUE        0x40
#define UART_IIR_NO_INT     0x01
#define UART_IIR_ID         0x0e
#define UART_IIR_THRI       0x02
#define UART_IIR_RDI        0x04
#define UART_IIR_FIFO_MASK  0xc0
#define UART_IIR_64BYTE     0x20        /* 16750 only */
#define UART_FCR_ENABLE     0x01
#define UART_FCR_CLEAR_RCVR 0x02
#define UART_FCR_CLEAR_XMIT 0x04
#define UART_FCR7_64BYTE    0x20
#define UART_LCR_WLEN8      0x03
#define UART_LCR_DLAB       0x80
#define UART_LCR_CONF_MODE_B 0xbf
#define UART_MCR_DTR        0x01
#define UART_MCR_RTS        0x02
#define UART_MCR_OUT1       0x04
#define UART_MCR_OUT2       0x08
#define UART_MCR_LOOP       0x10
#define UART_LSR_DR         0x01
#define UART_LSR_THRE       0x20
#define UART_LSR_TEMT       0x40
#define UART_MSR_CTS        0x10
#define UART_MSR_DSR        0x20
#define UART_MSR_RI         0x40
#define UART_MSR_DCD        0x80
#define UART_MSR_STATUS     0xf0

/* What the output callback has seen. */
static struct {
	char out[256];
	unsigned int n;
} sink;

static void record(void *ctx, char c)
{
	assert_ptr_equal(ctx, &sink);
	assert_true(sink.n < sizeof(sink.out));
	sink.out[sink.n++] = c;
}

/* A fresh UART wired to record(). */
static void fresh(struct uart16550 *u)
{
	memset(&sink, 0, sizeof(sink));
	memset(u, 0xa5, sizeof(*u));    /* uart_init must not rely on zeroed memory */
	uart_init(u, record, &sink);
}

static uint8_t rd(struct uart16550 *u, unsigned int reg)
{
	return uart_read(u, reg);
}

static void wr(struct uart16550 *u, unsigned int reg, uint8_t v)
{
	uart_write(u, reg, v);
}

/* After reset: nothing pending, no interrupt, transmitter empty. */
static void test_reset_state(void **state)
{
	struct uart16550 u;

	fresh(&u);
	assert_int_equal(rd(&u, UART_IER), 0);
	assert_int_equal(rd(&u, UART_IIR), UART_IIR_NO_INT);
	assert_int_equal(rd(&u, UART_LCR), 0);
	assert_int_equal(rd(&u, UART_MCR), 0);
	assert_int_equal(rd(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	assert_false(uart_irq(&u));
	assert_int_equal(sink.n, 0);
}

/* The scratch register keeps any byte (autoconfig_8250's SCR test). */
static void test_scratch_round_trip(void **state)
{
	static const uint8_t pat[] = { 0x00, 0xa5, 0x5a, 0xff, 0x01, 0x80 };
	struct uart16550 u;
	unsigned int i;

	fresh(&u);
	for (i = 0; i < ARRAY_SIZE(pat); i++) {
		wr(&u, UART_SCR, pat[i]);
		assert_int_equal(rd(&u, UART_SCR), pat[i]);
	}
	/* the scratch register is independent of DLAB */
	wr(&u, UART_LCR, UART_LCR_DLAB);
	wr(&u, UART_SCR, 0x3c);
	assert_int_equal(rd(&u, UART_SCR), 0x3c);
	wr(&u, UART_LCR, 0);
	assert_int_equal(rd(&u, UART_SCR), 0x3c);
}

/* autoconfig()'s existence test: IER=0 reads 0, IER=0x0f reads 0x0f. */
static void test_ier_existence_test(void **state)
{
	struct uart16550 u;
	uint8_t save;

	fresh(&u);
	save = rd(&u, UART_IER);
	wr(&u, UART_IER, 0);
	assert_int_equal(rd(&u, UART_IER) & UART_IER_ALL_INTR, 0);
	wr(&u, UART_IER, UART_IER_ALL_INTR);
	assert_int_equal(rd(&u, UART_IER) & UART_IER_ALL_INTR, UART_IER_ALL_INTR);
	wr(&u, UART_IER, save);
	assert_int_equal(rd(&u, UART_IER), save);
}

/* IER bits 7:4 are not implemented on a 16550A: they read as 0 (so the
 * XScale UUE probe fails). */
static void test_ier_masks_to_four_bits(void **state)
{
	struct uart16550 u;

	fresh(&u);
	wr(&u, UART_IER, 0xff);
	assert_int_equal(rd(&u, UART_IER), 0x0f);
	wr(&u, UART_IER, UART_IER_UUE);
	assert_int_equal(rd(&u, UART_IER) & UART_IER_UUE, 0);
	wr(&u, UART_IER, 0xf5);
	assert_int_equal(rd(&u, UART_IER), 0x05);
}

/* With DLAB set, offsets 0 and 1 are DLL and DLM; clearing DLAB brings
 * back RBR/THR and IER untouched (serial8250_do_set_termios). */
static void test_divisor_latch(void **state)
{
	struct uart16550 u;

	fresh(&u);
	wr(&u, UART_IER, UART_IER_RDI);
	wr(&u, UART_LCR, UART_LCR_DLAB | UART_LCR_WLEN8);
	assert_int_equal(rd(&u, UART_LCR), UART_LCR_DLAB | UART_LCR_WLEN8);
	wr(&u, UART_DLL, 0x0c);         /* 9600 baud at 1.8432 MHz */
	wr(&u, UART_DLM, 0x00);
	assert_int_equal(rd(&u, UART_DLL), 0x0c);
	assert_int_equal(rd(&u, UART_DLM), 0x00);
	wr(&u, UART_DLL, 0x01);
	wr(&u, UART_DLM, 0xfe);         /* all 8 bits of DLM are kept */
	assert_int_equal(rd(&u, UART_DLL), 0x01);
	assert_int_equal(rd(&u, UART_DLM), 0xfe);
	/* the divisor writes neither transmitted nor changed IER */
	assert_int_equal(sink.n, 0);
	wr(&u, UART_LCR, UART_LCR_WLEN8);
	assert_int_equal(rd(&u, UART_IER), UART_IER_RDI);
	/* and the divisor survives DLAB going away and back */
	wr(&u, UART_LCR, UART_LCR_DLAB);
	assert_int_equal(rd(&u, UART_DLL), 0x01);
	assert_int_equal(rd(&u, UART_DLM), 0xfe);
}

/* With DLAB set, offset 0 reads DLL and does not pop received data. */
static void test_dlab_read_does_not_pop(void **state)
{
	struct uart16550 u;

	fresh(&u);
	assert_true(uart_receive(&u, 'x'));
	wr(&u, UART_LCR, UART_LCR_DLAB);
	wr(&u, UART_DLL, 0x42);
	assert_int_equal(rd(&u, UART_DLL), 0x42);
	assert_int_equal(rd(&u, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	wr(&u, UART_LCR, 0);
	assert_int_equal(rd(&u, UART_RX), 'x');
	assert_int_equal(rd(&u, UART_LSR) & UART_LSR_DR, 0);
}

/* IIR bits 7:6 are 11 with the FIFO enabled (autoconfig's 16550A test)
 * and 00 without; bit 5 (16750 64-byte FIFO) stays 0 even when asked
 * for, with or without DLAB. */
static void test_iir_fifo_bits(void **state)
{
	struct uart16550 u;

	fresh(&u);
	assert_int_equal(rd(&u, UART_IIR) & UART_IIR_FIFO_MASK, 0x00);
	wr(&u, UART_FCR, UART_FCR_ENABLE);
	assert_int_equal(rd(&u, UART_IIR) >> 6, 3);
	assert_int_equal(rd(&u, UART_IIR), UART_IIR_FIFO_MASK | UART_IIR_NO_INT);
	wr(&u, UART_FCR, UART_FCR_ENABLE | UART_FCR7_64BYTE);
	assert_int_equal(rd(&u, UART_IIR) & 0xe0, 0xc0);
	wr(&u, UART_LCR, UART_LCR_DLAB);
	wr(&u, UART_FCR, UART_FCR_ENABLE | UART_FCR7_64BYTE);
	assert_int_equal(rd(&u, UART_IIR) & 0xe0, 0xc0);
	wr(&u, UART_LCR, 0);
	wr(&u, UART_FCR, 0);
	assert_int_equal(rd(&u, UART_IIR), UART_IIR_NO_INT);
}

/* The EFR probes must not find an EFR: with LCR = 0xbf, offset 2 reads
 * IIR, which is never 0 on a 16550A with the FIFO on. */
static void test_no_efr(void **state)
{
	struct uart16550 u;

	fresh(&u);
	wr(&u, UART_FCR, UART_FCR_ENABLE);
	wr(&u, UART_LCR, UART_LCR_DLAB);                /* CONF_MODE_A */
	assert_int_not_equal(rd(&u, UART_EFR), 0);
	wr(&u, UART_LCR, UART_LCR_CONF_MODE_B);
	assert_int_not_equal(rd(&u, UART_EFR), 0);
	assert_int_equal(rd(&u, UART_LCR), UART_LCR_CONF_MODE_B);
	wr(&u, UART_LCR, 0);
}

/* LSR.THRE and TEMT are always set (transmit is immediate); DR follows
 * the receive FIFO. */
static void test_lsr(void **state)
{
	struct uart16550 u;

	fresh(&u);
	assert_int_equal(rd(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	wr(&u, UART_TX, 'a');
	assert_int_equal(rd(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	assert_true(uart_receive(&u, 'b'));
	assert_int_equal(rd(&u, UART_LSR),
			 UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR);
	/* reading LSR has no side effect on DR */
	assert_int_equal(rd(&u, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	assert_int_equal(rd(&u, UART_RX), 'b');
	assert_int_equal(rd(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	/* LSR never reads 0xff (startup's "LSR safety check") */
	assert_int_not_equal(rd(&u, UART_LSR), 0xff);
	/* LSR is read-only */
	wr(&u, UART_LSR, 0x00);
	assert_int_equal(rd(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
}

/* Reading RBR pops bytes in arrival order; DR clears with the last. */
static void test_rbr_fifo_order(void **state)
{
	static const uint8_t in[] = { 'h', 'e', 'l', 'l', 'o', 0x00, 0xff, '\n' };
	struct uart16550 u;
	unsigned int i;

	fresh(&u);
	for (i = 0; i < ARRAY_SIZE(in); i++)
		assert_true(uart_receive(&u, in[i]));
	for (i = 0; i < ARRAY_SIZE(in); i++) {
		assert_int_equal(rd(&u, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
		assert_int_equal(rd(&u, UART_RX), in[i]);
	}
	assert_int_equal(rd(&u, UART_LSR) & UART_LSR_DR, 0);
}

/* The ring wraps: interleaved receive and read keep the order well past
 * UART_RX_FIFO bytes. */
static void test_rbr_fifo_wraps(void **state)
{
	struct uart16550 u;
	unsigned int i, next_in = 0, next_out = 0;

	fresh(&u);
	for (i = 0; i < 5 * UART_RX_FIFO; i++) {
		assert_true(uart_receive(&u, (uint8_t)next_in++));
		assert_true(uart_receive(&u, (uint8_t)next_in++));
		assert_int_equal(rd(&u, UART_RX), (uint8_t)next_out++);
		if (next_in - next_out >= UART_RX_FIFO - 2) {
			while (next_out < next_in)
				assert_int_equal(rd(&u, UART_RX), (uint8_t)next_out++);
		}
	}
	while (next_out < next_in)
		assert_int_equal(rd(&u, UART_RX), (uint8_t)next_out++);
	assert_int_equal(rd(&u, UART_LSR) & UART_LSR_DR, 0);
}

/* A full FIFO refuses the next byte and keeps the ones it has. */
static void test_fifo_full(void **state)
{
	struct uart16550 u;
	unsigned int i;

	fresh(&u);
	for (i = 0; i < UART_RX_FIFO; i++)
		assert_true(uart_receive(&u, (uint8_t)(i + 1)));
	assert_false(uart_receive(&u, 0xee));
	assert_false(uart_receive(&u, 0xef));
	for (i = 0; i < UART_RX_FIFO; i++)
		assert_int_equal(rd(&u, UART_RX), (uint8_t)(i + 1));
	assert_int_equal(rd(&u, UART_LSR) & UART_LSR_DR, 0);
	/* one slot free again */
	assert_true(uart_receive(&u, 0x77));
	assert_int_equal(rd(&u, UART_RX), 0x77);
}

/* FCR bit 1 empties the receive FIFO (serial8250_clear_fifos); a write
 * without it leaves the data. */
static void test_fcr_clear_rx(void **state)
{
	struct uart16550 u;

	fresh(&u);
	assert_true(uart_receive(&u, '1'));
	assert_true(uart_receive(&u, '2'));
	wr(&u, UART_FCR, UART_FCR_ENABLE);
	assert_int_equal(rd(&u, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	wr(&u, UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_XMIT);
	assert_int_equal(rd(&u, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	wr(&u, UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RCVR |
	   UART_FCR_CLEAR_XMIT);
	assert_int_equal(rd(&u, UART_LSR) & UART_LSR_DR, 0);
	/* the FIFO works again afterwards, in order */
	assert_true(uart_receive(&u, '3'));
	assert_true(uart_receive(&u, '4'));
	assert_int_equal(rd(&u, UART_RX), '3');
	assert_int_equal(rd(&u, UART_RX), '4');
	/* the clear bits are self-clearing: FIFO still on */
	assert_int_equal(rd(&u, UART_IIR) & UART_IIR_FIFO_MASK, 0xc0);
}

/* Every transmitted byte reaches the output callback, in order, with all
 * 8 bits. */
static void test_output_in_order(void **state)
{
	static const uint8_t msg[] = { 'L', 'i', 'n', 'u', 'x', '\r', '\n',
				       0x00, 0x7f, 0x80, 0xff };
	struct uart16550 u;
	unsigned int i;

	fresh(&u);
	wr(&u, UART_LCR, UART_LCR_WLEN8);
	for (i = 0; i < ARRAY_SIZE(msg); i++) {
		/* the polled console: wait for THRE, then write */
		assert_true(rd(&u, UART_LSR) & UART_LSR_THRE);
		wr(&u, UART_TX, msg[i]);
	}
	assert_int_equal(sink.n, ARRAY_SIZE(msg));
	assert_memory_equal(sink.out, msg, ARRAY_SIZE(msg));
	/* transmitting does not feed the receiver outside loopback */
	assert_int_equal(rd(&u, UART_LSR) & UART_LSR_DR, 0);
}

/* No output callback: transmitting is silently dropped. */
static void test_no_output_callback(void **state)
{
	struct uart16550 u;

	memset(&u, 0, sizeof(u));
	uart_init(&u, NULL, NULL);
	wr(&u, UART_TX, 'z');
	assert_int_equal(rd(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
}

/* Loopback (MCR bit 4): transmitted bytes come back to the receiver, in
 * order, and none goes out. */
static void test_loopback_data(void **state)
{
	struct uart16550 u;

	fresh(&u);
	wr(&u, UART_MCR, UART_MCR_LOOP);
	assert_int_equal(rd(&u, UART_MCR), UART_MCR_LOOP);
	wr(&u, UART_TX, 0x55);
	wr(&u, UART_TX, 0xaa);
	assert_int_equal(sink.n, 0);
	assert_int_equal(rd(&u, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	assert_int_equal(rd(&u, UART_RX), 0x55);
	assert_int_equal(rd(&u, UART_RX), 0xaa);
	assert_int_equal(rd(&u, UART_LSR) & UART_LSR_DR, 0);
	/* out of loopback, output resumes */
	wr(&u, UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
	wr(&u, UART_TX, 'k');
	assert_int_equal(sink.n, 1);
	assert_int_equal(sink.out[0], 'k');
	assert_int_equal(rd(&u, UART_LSR) & UART_LSR_DR, 0);
}

/* MCR keeps bits 4:0 only. */
static void test_mcr_mask(void **state)
{
	struct uart16550 u;

	fresh(&u);
	wr(&u, UART_MCR, 0xff);
	assert_int_equal(rd(&u, UART_MCR), 0x1f);
	wr(&u, UART_MCR, UART_MCR_OUT2 | UART_MCR_RTS | UART_MCR_DTR);
	assert_int_equal(rd(&u, UART_MCR), 0x0b);
}

/* Outside loopback, MSR shows a cable: DCD, DSR and CTS. */
static void test_msr_normal(void **state)
{
	struct uart16550 u;

	fresh(&u);
	assert_int_equal(rd(&u, UART_MSR) & UART_MSR_STATUS,
			 UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS);
	wr(&u, UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	assert_int_equal(rd(&u, UART_MSR) & UART_MSR_STATUS,
			 UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS);
	/* MSR is read-only */
	wr(&u, UART_MSR, 0);
	assert_int_equal(rd(&u, UART_MSR) & UART_MSR_STATUS,
			 UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS);
}

/* In loopback the modem inputs are the modem outputs (data sheet: RTS to
 * CTS, DTR to DSR, OUT1 to RI, OUT2 to DCD). autoconfig()'s loop test
 * writes MCR = LOOP|OUT2|RTS and wants MSR & 0xf0 == DCD|CTS. */
static void test_msr_loopback(void **state)
{
	static const struct { uint8_t mcr, msr; } map[] = {
		{ 0, 0 },
		{ UART_MCR_RTS, UART_MSR_CTS },
		{ UART_MCR_DTR, UART_MSR_DSR },
		{ UART_MCR_OUT1, UART_MSR_RI },
		{ UART_MCR_OUT2, UART_MSR_DCD },
		{ UART_MCR_OUT2 | UART_MCR_RTS, UART_MSR_DCD | UART_MSR_CTS },
		{ 0x0f, UART_MSR_STATUS },
	};
	struct uart16550 u;
	unsigned int i;

	fresh(&u);
	for (i = 0; i < ARRAY_SIZE(map); i++) {
		wr(&u, UART_MCR, UART_MCR_LOOP | map[i].mcr);
		assert_int_equal(rd(&u, UART_MSR) & UART_MSR_STATUS, map[i].msr);
	}
	/* leaving loopback restores the cable's lines */
	wr(&u, UART_MCR, 0);
	assert_int_equal(rd(&u, UART_MSR) & UART_MSR_STATUS,
			 UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS);
}

/* Enabling IER.THRI with THR empty raises a THRE interrupt; reading IIR
 * (with THRE the source) acknowledges it; writing THR raises it again. */
static void test_thri_cycle(void **state)
{
	struct uart16550 u;

	fresh(&u);
	wr(&u, UART_MCR, UART_MCR_OUT2);
	assert_false(uart_tx_wanted(&u));
	wr(&u, UART_IER, UART_IER_THRI);
	assert_true(uart_tx_wanted(&u));        /* the driver has more to send */
	assert_true(uart_irq(&u));
	assert_int_equal(rd(&u, UART_IIR), UART_IIR_THRI);
	assert_false(uart_irq(&u));
	assert_int_equal(rd(&u, UART_IIR), UART_IIR_NO_INT);
	wr(&u, UART_TX, 'a');
	assert_true(uart_irq(&u));
	assert_int_equal(sink.n, 1);
	/* with the FIFO on, the id bits are the same under 0xc0 */
	wr(&u, UART_FCR, UART_FCR_ENABLE);
	assert_int_equal(rd(&u, UART_IIR), UART_IIR_FIFO_MASK | UART_IIR_THRI);
	assert_int_equal(rd(&u, UART_IIR), UART_IIR_FIFO_MASK | UART_IIR_NO_INT);
	assert_false(uart_irq(&u));
	/* rewriting the same IER does not raise it again (rising edge) */
	wr(&u, UART_IER, UART_IER_THRI);
	assert_false(uart_irq(&u));
	/* disabling THRI drops a pending one from the line and from IIR */
	wr(&u, UART_TX, 'b');
	assert_true(uart_irq(&u));
	wr(&u, UART_IER, 0);
	assert_false(uart_irq(&u));
	assert_false(uart_tx_wanted(&u));       /* its buffer is empty: stop_tx */
	assert_int_equal(rd(&u, UART_IIR) & UART_IIR_ID, 0);
	assert_int_equal(rd(&u, UART_IIR) & UART_IIR_NO_INT, UART_IIR_NO_INT);
}

/* serial8250_do_startup(): the THRE re-assertion test (IER=THRI, read
 * IIR, IER=0, IER=THRI, read IIR: both must show THRI) and the TXEN test
 * (IER=THRI; LSR.TEMT with IIR "no interrupt" would mean a buggy UART). */
static void test_linux_startup_thre_tests(void **state)
{
	struct uart16550 u;
	uint8_t iir1, iir, lsr;

	fresh(&u);
	wr(&u, UART_LCR, UART_LCR_WLEN8);
	wr(&u, UART_MCR, UART_MCR_OUT2 | UART_MCR_RTS | UART_MCR_DTR);

	wr(&u, UART_IER, UART_IER_THRI);
	iir1 = rd(&u, UART_IIR);
	wr(&u, UART_IER, 0);
	wr(&u, UART_IER, UART_IER_THRI);
	iir = rd(&u, UART_IIR);
	wr(&u, UART_IER, 0);
	assert_int_equal(iir1 & UART_IIR_NO_INT, 0);
	assert_int_equal(iir & UART_IIR_NO_INT, 0);     /* no UART_BUG_THRE */

	wr(&u, UART_IER, UART_IER_THRI);
	lsr = rd(&u, UART_LSR);
	iir = rd(&u, UART_IIR);
	wr(&u, UART_IER, 0);
	assert_true(lsr & UART_LSR_TEMT);
	assert_int_equal(iir & UART_IIR_NO_INT, 0);     /* no UART_BUG_TXEN */
	assert_false(uart_irq(&u));
}

/* The interrupt line is gated by MCR.OUT2 (as on a PC); the interrupt
 * state itself (IIR) is not. */
static void test_irq_needs_out2(void **state)
{
	struct uart16550 u;

	fresh(&u);
	wr(&u, UART_IER, UART_IER_RDI);
	assert_true(uart_receive(&u, 'q'));
	assert_false(uart_irq(&u));
	assert_int_equal(rd(&u, UART_IIR), UART_IIR_RDI);
	wr(&u, UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT1);
	assert_false(uart_irq(&u));
	wr(&u, UART_MCR, UART_MCR_OUT2);
	assert_true(uart_irq(&u));
	wr(&u, UART_MCR, 0);
	assert_false(uart_irq(&u));
	/* and THRI alike */
	fresh(&u);
	wr(&u, UART_IER, UART_IER_THRI);
	assert_false(uart_irq(&u));
	wr(&u, UART_MCR, UART_MCR_OUT2);
	assert_true(uart_irq(&u));
}

/* A received-data interrupt stays up while data is queued (reading IIR
 * does not acknowledge it) and goes when the FIFO is drained. */
static void test_rdi_while_data_queued(void **state)
{
	struct uart16550 u;

	fresh(&u);
	wr(&u, UART_MCR, UART_MCR_OUT2);
	wr(&u, UART_IER, UART_IER_RDI);
	assert_false(uart_irq(&u));
	assert_int_equal(rd(&u, UART_IIR), UART_IIR_NO_INT);
	assert_true(uart_receive(&u, 'a'));
	assert_true(uart_receive(&u, 'b'));
	assert_true(uart_irq(&u));
	assert_int_equal(rd(&u, UART_IIR), UART_IIR_RDI);
	assert_int_equal(rd(&u, UART_IIR), UART_IIR_RDI);
	assert_true(uart_irq(&u));
	assert_int_equal(rd(&u, UART_RX), 'a');
	assert_true(uart_irq(&u));
	assert_int_equal(rd(&u, UART_RX), 'b');
	assert_false(uart_irq(&u));
	assert_int_equal(rd(&u, UART_IIR), UART_IIR_NO_INT);
	/* data with RDI disabled: no interrupt */
	wr(&u, UART_IER, 0);
	assert_true(uart_receive(&u, 'c'));
	assert_false(uart_irq(&u));
	assert_int_equal(rd(&u, UART_IIR), UART_IIR_NO_INT);
	/* enabling RDI with data already there raises it */
	wr(&u, UART_IER, UART_IER_RDI);
	assert_true(uart_irq(&u));
	/* FCR clear-RX drops it */
	wr(&u, UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RCVR);
	assert_false(uart_irq(&u));
	assert_int_equal(rd(&u, UART_IIR), UART_IIR_FIFO_MASK | UART_IIR_NO_INT);
}

/* Received data outranks THRE in IIR; a THRE interrupt behind it is not
 * acknowledged by an IIR read that returned RDI. */
static void test_iir_priority(void **state)
{
	struct uart16550 u;

	fresh(&u);
	wr(&u, UART_MCR, UART_MCR_OUT2);
	wr(&u, UART_IER, UART_IER_RDI | UART_IER_THRI);
	assert_true(uart_receive(&u, 'r'));
	assert_int_equal(rd(&u, UART_IIR), UART_IIR_RDI);
	assert_int_equal(rd(&u, UART_IIR), UART_IIR_RDI);
	assert_int_equal(rd(&u, UART_RX), 'r');
	assert_true(uart_irq(&u));
	assert_int_equal(rd(&u, UART_IIR), UART_IIR_THRI);
	assert_false(uart_irq(&u));
	assert_int_equal(rd(&u, UART_IIR), UART_IIR_NO_INT);
}

/* Loopback with RDI enabled: a byte written to THR raises the receive
 * interrupt (Linux's loopback-based IRQ and self tests). */
static void test_loopback_rdi(void **state)
{
	struct uart16550 u;

	fresh(&u);
	wr(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
	wr(&u, UART_IER, UART_IER_RDI);
	assert_false(uart_irq(&u));
	wr(&u, UART_TX, 0x3c);
	assert_true(uart_irq(&u));
	assert_int_equal(rd(&u, UART_IIR), UART_IIR_RDI);
	assert_int_equal(rd(&u, UART_RX), 0x3c);
	assert_false(uart_irq(&u));
	assert_int_equal(sink.n, 0);
}

/* The register offset is taken modulo 8. */
static void test_register_offset_wraps(void **state)
{
	struct uart16550 u;

	fresh(&u);
	wr(&u, 8 + UART_SCR, 0x99);
	assert_int_equal(rd(&u, UART_SCR), 0x99);
	assert_int_equal(rd(&u, 16 + UART_SCR), 0x99);
	wr(&u, 8 + UART_TX, 'w');
	assert_int_equal(sink.n, 1);
	assert_int_equal(sink.out[0], 'w');
}

/* The whole of autoconfig() for a plain 16550A, as the driver runs it
 * (without UPF_SKIP_TEST), then the reset it does at the end. */
static void test_linux_autoconfig_sequence(void **state)
{
	struct uart16550 u;
	uint8_t save_mcr, save_lcr, status1, scratch, scratch2, scratch3;

	fresh(&u);
	/* existence test */
	scratch = rd(&u, UART_IER);
	wr(&u, UART_IER, 0);
	scratch2 = rd(&u, UART_IER) & UART_IER_ALL_INTR;
	wr(&u, UART_IER, UART_IER_ALL_INTR);
	scratch3 = rd(&u, UART_IER) & UART_IER_ALL_INTR;
	wr(&u, UART_IER, scratch);
	assert_int_equal(scratch2, 0);
	assert_int_equal(scratch3, UART_IER_ALL_INTR);

	save_mcr = rd(&u, UART_MCR);
	save_lcr = rd(&u, UART_LCR);
	/* loop test */
	wr(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_RTS);
	status1 = rd(&u, UART_MSR) & UART_MSR_STATUS;
	wr(&u, UART_MCR, save_mcr);
	assert_int_equal(status1, UART_MSR_DCD | UART_MSR_CTS);

	/* FIFO test: IIR >> 6 == 3 means a 16550A */
	wr(&u, UART_LCR, UART_LCR_CONF_MODE_B);
	wr(&u, UART_EFR, 0);
	wr(&u, UART_LCR, 0);
	wr(&u, UART_FCR, UART_FCR_ENABLE);
	assert_int_equal(rd(&u, UART_IIR) >> 6, 3);
	wr(&u, UART_LCR, save_lcr);

	/* reset */
	wr(&u, UART_MCR, save_mcr);
	wr(&u, UART_FCR, UART_FCR_ENABLE);
	wr(&u, UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RCVR |
	   UART_FCR_CLEAR_XMIT);
	wr(&u, UART_FCR, 0);
	(void)rd(&u, UART_RX);
	wr(&u, UART_IER, 0);
	assert_int_equal(rd(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	assert_int_equal(rd(&u, UART_IIR), UART_IIR_NO_INT);
	assert_false(uart_irq(&u));
	assert_int_equal(sink.n, 0);    /* probing transmitted nothing */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_state),
		cmocka_unit_test(test_scratch_round_trip),
		cmocka_unit_test(test_ier_existence_test),
		cmocka_unit_test(test_ier_masks_to_four_bits),
		cmocka_unit_test(test_divisor_latch),
		cmocka_unit_test(test_dlab_read_does_not_pop),
		cmocka_unit_test(test_iir_fifo_bits),
		cmocka_unit_test(test_no_efr),
		cmocka_unit_test(test_lsr),
		cmocka_unit_test(test_rbr_fifo_order),
		cmocka_unit_test(test_rbr_fifo_wraps),
		cmocka_unit_test(test_fifo_full),
		cmocka_unit_test(test_fcr_clear_rx),
		cmocka_unit_test(test_output_in_order),
		cmocka_unit_test(test_no_output_callback),
		cmocka_unit_test(test_loopback_data),
		cmocka_unit_test(test_mcr_mask),
		cmocka_unit_test(test_msr_normal),
		cmocka_unit_test(test_msr_loopback),
		cmocka_unit_test(test_thri_cycle),
		cmocka_unit_test(test_linux_startup_thre_tests),
		cmocka_unit_test(test_irq_needs_out2),
		cmocka_unit_test(test_rdi_while_data_queued),
		cmocka_unit_test(test_iir_priority),
		cmocka_unit_test(test_loopback_rdi),
		cmocka_unit_test(test_register_offset_wraps),
		cmocka_unit_test(test_linux_autoconfig_sequence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
