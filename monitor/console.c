/*
 * Console: the lock, formatting and the input ring (see console.h). The
 * port itself is the board's (arch_console_*).
 */
#include <stdbool.h>
#include "arch/console.h"
#include "monitor/console.h"
#include "monitor/format.h"
#include "monitor/spinlock.h"

#define INPUT_RING 256      /* a power of two */

static spinlock_t con_lock = SPINLOCK_INIT;
static volatile bool panic_mode;
static spinlock_t input_lock = SPINLOCK_INIT;
static char input_ring[INPUT_RING];
static unsigned int input_head, input_tail;

void con_init(void)
{
	arch_console_init();
}

static void con_sink(void *ctx, char c)
{
	(void)ctx;
	if (c == '\n')
		arch_console_putc('\r');
	arch_console_putc(c);
}

int con_vprintf(const char *fmt, va_list ap)
{
	unsigned long flags = 0;
	bool locked = !panic_mode;      /* panic mode may start meanwhile */
	int n;

	if (locked)
		flags = spin_lock_irqsave(&con_lock);
	n = fmt_vformat(con_sink, 0, fmt, ap);
	if (locked)
		spin_unlock_irqrestore(&con_lock, flags);
	return n;
}

int con_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = con_vprintf(fmt, ap);
	va_end(ap);
	return n;
}

void con_enter_panic_mode(void)
{
	panic_mode = true;
}

void con_poll_input(void)
{
	unsigned long flags = spin_lock_irqsave(&input_lock);
	int c;

	while ((c = arch_console_getc()) >= 0) {
		if (input_head - input_tail < INPUT_RING)
			input_ring[input_head++ % INPUT_RING] = (char)c;
	}
	spin_unlock_irqrestore(&input_lock, flags);
}

int con_getc(void)
{
	unsigned long flags = spin_lock_irqsave(&input_lock);
	int c = -1;

	if (input_tail != input_head)
		c = (unsigned char)input_ring[input_tail++ % INPUT_RING];
	spin_unlock_irqrestore(&input_lock, flags);
	return c;
}
