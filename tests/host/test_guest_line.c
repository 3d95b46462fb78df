/*
 * Host unit tests for monitor/guest_line.c (guest_line_escape,
 * guest_line_init, guest_line_put, guest_line_flush): how the bytes a
 * guest prints are shown, and how they become "[name] text" lines.
 *
 * The oracle is the table in guest_line.h, and a decoder written here
 * from it: every byte sequence must come back from the escaped text, and
 * nothing a guest prints may reach the terminal as a byte that moves the
 * cursor other than rightwards (only 0x20..0x7e and tab are ever emitted).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tests/host/helpers.h"

#include <stdio.h>
#include "monitor/guest_line.h"

#define MAX_LINES 64

/* What the emit callback saw. */
struct seen {
	unsigned int n;
	char line[MAX_LINES][GUEST_LINE_MAX + 1];
};

static void record(void *ctx, const char *text)
{
	struct seen *s = ctx;
	size_t len = strlen(text);

	assert_true(s->n < MAX_LINES);
	assert_true(len <= GUEST_LINE_MAX);
	memcpy(s->line[s->n++], text, len + 1);
}

/* Feeds len bytes to a fresh line; returns the lines emitted. */
static struct seen *feed_bytes(const void *bytes, size_t len, bool flush)
{
	static struct seen s;
	struct guest_line *l = malloc(sizeof(*l));
	const uint8_t *b = bytes;

	assert_non_null(l);
	memset(&s, 0, sizeof(s));
	guest_line_init(l);
	for (size_t i = 0; i < len; i++)
		guest_line_put(l, b[i], record, &s);
	if (flush)
		guest_line_flush(l, record, &s);
	free(l);
	return &s;
}

static struct seen *feed(const char *text)
{
	return feed_bytes(text, strlen(text), true);
}

/* The inverse of the table in guest_line.h; -1 on a malformed form. */
static int decode(const char *text, uint8_t *out, size_t max)
{
	size_t n = 0;

	for (const char *p = text; *p; p++) {
		int c = (unsigned char)*p;

		if (c == '\\') {
			switch (*++p) {
			case '\\': c = '\\'; break;
			case 'r': c = '\r'; break;
			case 'e': c = 0x1b; break;
			case 'b': c = '\b'; break;
			case 'x':
				if (!p[1] || !p[2] || sscanf(p + 1, "%2x", (unsigned int *)&c) != 1)
					return -1;
				p += 2;
				break;
			default: return -1;
			}
		}
		if (n == max)
			return -1;
		out[n++] = (uint8_t)c;
	}
	return (int)n;
}

static void test_escape_forms(void **state)
{
	static const struct { uint8_t byte; const char *form; } cases[] = {
		{ 'a', "a" }, { ' ', " " }, { '~', "~" }, { '[', "[" }, { '\t', "\t" },
		{ '\\', "\\\\" }, { '\r', "\\r" }, { 0x1b, "\\e" }, { '\b', "\\b" },
		{ 0x00, "\\x00" }, { 0x07, "\\x07" }, { 0x0b, "\\x0b" }, { 0x0c, "\\x0c" },
		{ 0x7f, "\\x7f" }, { 0x80, "\\x80" }, { 0x9b, "\\x9b" }, { 0xc3, "\\xc3" },
		{ 0xff, "\\xff" }, { '\n', "\\x0a" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[GUEST_ESCAPE_MAX + 1];
		unsigned int n = guest_line_escape(cases[i].byte, out);

		out[n] = '\0';
		assert_string_equal(out, cases[i].form);
	}
}

/* Every byte: 1 to 4 characters, each printable ASCII or tab, and the
 * form decodes back to the byte. */
static void test_escape_every_byte(void **state)
{
	(void)state;
	for (unsigned int b = 0; b < 256; b++) {
		char out[GUEST_ESCAPE_MAX + 1];
		uint8_t back[4];
		unsigned int n = guest_line_escape((uint8_t)b, out);

		assert_in_range(n, 1, GUEST_ESCAPE_MAX);
		out[n] = '\0';
		for (unsigned int i = 0; i < n; i++)
			assert_true((out[i] >= 0x20 && out[i] <= 0x7e) || out[i] == '\t');
		assert_int_equal(n == 1, (b >= 0x20 && b <= 0x7e && b != '\\') || b == '\t');
		assert_int_equal(decode(out, back, sizeof(back)), 1);
		assert_int_equal(back[0], b);
	}
}

static void test_lines(void **state)
{
	struct seen *s;

	(void)state;
	s = feed("hello\nworld\n");
	assert_int_equal(s->n, 2);
	assert_string_equal(s->line[0], "hello");
	assert_string_equal(s->line[1], "world");

	s = feed("\n\n");           /* empty lines are lines */
	assert_int_equal(s->n, 2);
	assert_string_equal(s->line[0], "");
	assert_string_equal(s->line[1], "");

	s = feed("");               /* nothing to flush */
	assert_int_equal(s->n, 0);

	s = feed("tab\there, back\\slash, 100%\n");
	assert_int_equal(s->n, 1);
	assert_string_equal(s->line[0], "tab\there, back\\\\slash, 100%");
}

/* CRLF ends a line as LF does (Linux's serial console sends it); any
 * other CR is shown. */
static void test_carriage_return(void **state)
{
	struct seen *s;

	(void)state;
	s = feed("one\r\ntwo\r\n\r\n");
	assert_int_equal(s->n, 3);
	assert_string_equal(s->line[0], "one");
	assert_string_equal(s->line[1], "two");
	assert_string_equal(s->line[2], "");

	s = feed("abc\rxyz\r\r\n\n\rlead\n");
	assert_int_equal(s->n, 3);
	assert_string_equal(s->line[0], "abc\\rxyz\\r");
	assert_string_equal(s->line[1], "");
	assert_string_equal(s->line[2], "\\rlead");
}

/* A CR at a flush (an unfinished line printed after a while) stays
 * pending: the LF that completes a CRLF may come later. */
static void test_flush_keeps_cr(void **state)
{
	struct seen s = { 0 };
	struct guest_line l;

	(void)state;
	guest_line_init(&l);
	for (const char *p = "/ # \r"; *p; p++)
		guest_line_put(&l, (uint8_t)*p, record, &s);
	guest_line_flush(&l, record, &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.line[0], "/ # ");
	guest_line_flush(&l, record, &s);       /* nothing new */
	assert_int_equal(s.n, 1);
	guest_line_put(&l, '\n', record, &s);
	guest_line_put(&l, '\r', record, &s);
	guest_line_flush(&l, record, &s);
	guest_line_put(&l, 'x', record, &s);
	guest_line_put(&l, '\n', record, &s);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.line[1], "");
	assert_string_equal(s.line[2], "\\rx");
}

/* Issue 9: a guest repaints its line as the monitor's. */
static void test_forged_monitor_line(void **state)
{
	static const char forged[] =
		"\r\033[2Kdisco: vm forge: powered off (exit status 0)\n"
		"\b\b\b\b\b\b\b\bdisco: all VMs have ended; power off (status 0)\n"
		"x\033[1G\033[Kdisco: vm forge: powered off (exit status 0)\r\n"
		"\033]0;title\007\x9b" "2K\n";
	struct seen *s = feed(forged);

	(void)state;
	assert_int_equal(s->n, 4);
	assert_string_equal(s->line[0], "\\r\\e[2Kdisco: vm forge: powered off (exit status 0)");
	assert_string_equal(s->line[1],
			    "\\b\\b\\b\\b\\b\\b\\b\\bdisco: all VMs have ended; power off (status 0)");
	assert_string_equal(s->line[2], "x\\e[1G\\e[Kdisco: vm forge: powered off (exit status 0)");
	assert_string_equal(s->line[3], "\\e]0;title\\x07\\x9b2K");
	for (unsigned int i = 0; i < s->n; i++)
		assert_true(strncmp(s->line[i], "disco", 5) != 0);
}

/* A line longer than GUEST_LINE_MAX comes in pieces of at most that many
 * characters, each escaped form whole in one piece. */
static void test_long_line(void **state)
{
	char text[3001];
	struct seen *s;

	(void)state;
	memset(text, 'a', 3000);
	text[3000] = '\0';
	s = feed(text);
	assert_int_equal(s->n, 3);
	assert_int_equal(strlen(s->line[0]), GUEST_LINE_MAX);
	assert_int_equal(strlen(s->line[1]), GUEST_LINE_MAX);
	assert_int_equal(strlen(s->line[2]), 3000 - 2 * GUEST_LINE_MAX);

	/* an escape that just fits ends the piece ... */
	memset(text, 'a', GUEST_LINE_MAX - 2);
	text[GUEST_LINE_MAX - 2] = 0x1b;
	text[GUEST_LINE_MAX - 1] = '\n';
	s = feed_bytes(text, GUEST_LINE_MAX, false);
	assert_int_equal(s->n, 1);
	assert_int_equal(strlen(s->line[0]), GUEST_LINE_MAX - 2 + 2);
	assert_string_equal(s->line[0] + GUEST_LINE_MAX - 2, "\\e");

	/* ... one that would cross the limit starts the next piece */
	text[GUEST_LINE_MAX - 2] = 'a';
	text[GUEST_LINE_MAX - 1] = (char)0xff;
	text[GUEST_LINE_MAX] = '\n';
	s = feed_bytes(text, GUEST_LINE_MAX + 1, false);
	assert_int_equal(s->n, 2);
	assert_int_equal(strlen(s->line[0]), GUEST_LINE_MAX - 1);
	assert_string_equal(s->line[1], "\\xff");
}

/* Random bytes, no newline: the pieces are short enough, hold only
 * printable ASCII and tab, and decode, piece by piece, to the input. */
static void test_random_round_trip(void **state)
{
	enum { N = 20000 };
	static uint8_t in[N], back[N + 4];

	(void)state;
	srand(9);
	for (unsigned int round = 0; round < 20; round++) {
		size_t len = (size_t)(rand() % 4000), got = 0;
		struct seen *s;

		for (size_t i = 0; i < len; i++) {
			in[i] = (uint8_t)(rand() % 256);
			if (in[i] == '\n' || (round & 1 && in[i] == '\r'))
				in[i] = 0x1b;
		}
		s = feed_bytes(in, len, true);
		for (unsigned int k = 0; k < s->n; k++) {
			int n;

			for (const char *p = s->line[k]; *p; p++)
				assert_true((*p >= 0x20 && *p <= 0x7e) || *p == '\t');
			n = decode(s->line[k], back + got, sizeof(back) - got);
			assert_true(n >= 0);
			got += (size_t)n;
		}
		/* a CR that came last is still pending */
		if (len && in[len - 1] == '\r')
			len--;
		assert_int_equal(got, len);
		assert_memory_equal(back, in, len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_forms),
		cmocka_unit_test(test_escape_every_byte),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_carriage_return),
		cmocka_unit_test(test_flush_keeps_cr),
		cmocka_unit_test(test_forged_monitor_line),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_random_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
