/*
 * printf-style formatting for the monitor (see format.h). Pure C: it is
 * also compiled for the host and unit-tested there.
 */
#include <stdbool.h>
#include <stdint.h>
#include "monitor/format.h"

struct spec {
	bool left;          /* '-' flag */
	bool zero;          /* '0' flag */
	int width;
	int longs;          /* number of 'l' (or 'z') modifiers */
};

struct out {
	fmt_sink sink;
	void *ctx;
	int count;
};

static void emit(struct out *o, char c)
{
	o->sink(o->ctx, c);
	o->count++;
}

static void emit_repeat(struct out *o, char c, int n)
{
	while (n-- > 0)
		emit(o, c);
}

/* Emits body (len chars) after an optional sign, padded to the width. */
static void emit_padded(struct out *o, const struct spec *s, char sign,
			const char *body, int len)
{
	int pad = s->width - len - (sign ? 1 : 0);

	if (!s->left && !s->zero)
		emit_repeat(o, ' ', pad);
	if (sign)
		emit(o, sign);
	if (!s->left && s->zero)
		emit_repeat(o, '0', pad);
	for (int i = 0; i < len; i++)
		emit(o, body[i]);
	if (s->left)
		emit_repeat(o, ' ', pad);
}

static void emit_number(struct out *o, const struct spec *s, uint64_t v,
			unsigned int base, bool upper, char sign)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	int n = sizeof(buf);

	do {
		buf[--n] = digits[v % base];
		v /= base;
	} while (v);
	emit_padded(o, s, sign, buf + n, (int)sizeof(buf) - n);
}

static uint64_t arg_unsigned(va_list *ap, int longs)
{
	if (longs >= 2)
		return va_arg(*ap, unsigned long long);
	if (longs == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static int64_t arg_signed(va_list *ap, int longs)
{
	if (longs >= 2)
		return va_arg(*ap, long long);
	if (longs == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

/* Parses flags, width and length after '%'; returns the conversion char. */
static const char *parse_spec(const char *f, struct spec *s, va_list *ap)
{
	*s = (struct spec){ 0 };
	for (;; f++) {
		if (*f == '-')
			s->left = true;
		else if (*f == '0')
			s->zero = true;
		else
			break;
	}
	if (*f == '*') {
		s->width = va_arg(*ap, int);
		if (s->width < 0) {
			s->left = true;
			s->width = -s->width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		s->width = s->width * 10 + (*f++ - '0');
	while (*f == 'l' || *f == 'z') {   /* size_t is long on LP64 */
		s->longs++;
		f++;
	}
	if (s->left)
		s->zero = false;
	return f;
}

static void convert(struct out *o, struct spec *s, char c, va_list *ap)
{
	switch (c) {
	case 'd':
	case 'i': {
		int64_t v = arg_signed(ap, s->longs);
		uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
		emit_number(o, s, mag, 10, false, v < 0 ? '-' : 0);
		break;
	}
	case 'u':
		emit_number(o, s, arg_unsigned(ap, s->longs), 10, false, 0);
		break;
	case 'x':
	case 'X':
		emit_number(o, s, arg_unsigned(ap, s->longs), 16, c == 'X', 0);
		break;
	case 'p': {
		uint64_t v = (uintptr_t)va_arg(*ap, void *);
		struct spec ps = { .zero = true, .width = 16 };
		emit(o, '0');
		emit(o, 'x');
		emit_number(o, &ps, v, 16, false, 0);
		break;
	}
	case 's': {
		const char *str = va_arg(*ap, const char *);
		int len = 0;
		if (!str)
			str = "(null)";
		while (str[len])
			len++;
		s->zero = false;
		emit_padded(o, s, 0, str, len);
		break;
	}
	case 'c': {
		char ch = (char)va_arg(*ap, int);
		s->zero = false;
		emit_padded(o, s, 0, &ch, 1);
		break;
	}
	case '%':
		emit(o, '%');
		break;
	default:        /* unknown: print it as written */
		emit(o, '%');
		if (c)
			emit(o, c);
		break;
	}
}

int fmt_vformat(fmt_sink sink, void *ctx, const char *fmt, va_list ap)
{
	struct out o = { sink, ctx, 0 };
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			emit(&o, *fmt++);
			continue;
		}
		struct spec s;
		fmt = parse_spec(fmt + 1, &s, &args);
		convert(&o, &s, *fmt, &args);
		if (*fmt)
			fmt++;
	}
	va_end(args);
	return o.count;
}

struct buf_ctx {
	char *buf;
	size_t size;
	size_t used;
};

static void buf_sink(void *ctx, char c)
{
	struct buf_ctx *b = ctx;
	if (b->used + 1 < b->size)
		b->buf[b->used] = c;
	b->used++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_ctx b = { buf, size, 0 };
	int n = fmt_vformat(buf_sink, &b, fmt, ap);

	if (size)
		buf[b.used < size ? b.used : size - 1] = '\0';
	return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
