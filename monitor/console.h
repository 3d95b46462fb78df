/*
 * The monitor's console on the board's serial port: formatted output under
 * a lock (one con_printf call is never interleaved with another CPU's) and
 * buffered input.
 */
#ifndef MONITOR_CONSOLE_H
#define MONITOR_CONSOLE_H

#include <stdarg.h>

void con_init(void);

int con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int con_vprintf(const char *fmt, va_list ap);

/* Moves received characters from the port into the input buffer. */
void con_poll_input(void);

/* The next input character, or -1 if none has arrived. */
int con_getc(void);

/*
 * After this, output no longer takes the lock: a panicking CPU must print
 * even if another CPU died holding it.
 */
void con_enter_panic_mode(void);

#endif
