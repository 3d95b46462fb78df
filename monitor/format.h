/*
 * The monitor's own printf formatting: no libc, no floating point.
 *
 * Conversions: %d %i %u %x %X %p %s %c %%, with an optional '-' (left
 * justify) or '0' (zero pad) flag, a width (digits or '*'), and the length
 * modifiers l, ll and z. %p prints 0x and 16 hex digits.
 */
#ifndef MONITOR_FORMAT_H
#define MONITOR_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives each output character in order. */
typedef void (*fmt_sink)(void *ctx, char c);

/* Formats to sink; returns the number of characters produced. */
int fmt_vformat(fmt_sink sink, void *ctx, const char *fmt, va_list ap);

/*
 * Formats into buf (always NUL-terminated when size > 0); returns the length
 * the full output would have had, like C99 vsnprintf.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
