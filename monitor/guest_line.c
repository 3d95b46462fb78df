/*
 * Guest console lines and how their bytes are shown (see guest_line.h).
 */
#include "monitor/guest_line.h"

unsigned int guest_line_escape(uint8_t byte, char out[GUEST_ESCAPE_MAX])
{
	static const char hex[] = "0123456789abcdef";
	char named = 0;

	if (byte == '\\')
		named = '\\';
	else if (byte == '\r')
		named = 'r';
	else if (byte == 0x1b)
		named = 'e';
	else if (byte == '\b')
		named = 'b';
	if (named) {
		out[0] = '\\';
		out[1] = named;
		return 2;
	}
	if ((byte >= 0x20 && byte <= 0x7e) || byte == '\t') {
		out[0] = (char)byte;
		return 1;
	}
	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[byte >> 4];
	out[3] = hex[byte & 15];
	return 4;
}

void guest_line_init(struct guest_line *l)
{
	l->len = 0;
	l->cr = false;
	l->text[0] = '\0';
}

static void emit_line(struct guest_line *l, guest_line_emit emit, void *ctx)
{
	l->text[l->len] = '\0';
	emit(ctx, l->text);
	l->len = 0;
}

/* Appends one byte's shown form, emitting a full line as a piece first. */
static void append(struct guest_line *l, uint8_t byte, guest_line_emit emit, void *ctx)
{
	char form[GUEST_ESCAPE_MAX];
	unsigned int n = guest_line_escape(byte, form);

	if (l->len + n > GUEST_LINE_MAX)
		emit_line(l, emit, ctx);
	for (unsigned int i = 0; i < n; i++)
		l->text[l->len++] = form[i];
}

void guest_line_put(struct guest_line *l, uint8_t byte, guest_line_emit emit, void *ctx)
{
	if (byte == '\n') {
		l->cr = false;
		emit_line(l, emit, ctx);
		return;
	}
	if (l->cr) {
		l->cr = false;
		append(l, '\r', emit, ctx);
	}
	if (byte == '\r')
		l->cr = true;
	else
		append(l, byte, emit, ctx);
}

void guest_line_flush(struct guest_line *l, guest_line_emit emit, void *ctx)
{
	if (l->len)
		emit_line(l, emit, ctx);
}
