/*
 * Host unit tests for monitor/parse.c (parse_uint, parse_size) and
 * monitor/cmdline.c (cmdline_parse, cmdline_get, cmdline_get_size).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include "monitor/parse.h"
#include "monitor/cmdline.h"

/* ---- parse_uint ---- */

/* Parses s; checks success, the value and how many characters were eaten. */
static void check_uint(const char *s, uint64_t want, size_t consumed)
{
	const char *p = s;
	uint64_t v = 0xdeadbeefdeadbeefull;

	assert_true(parse_uint(&p, &v));
	assert_int_equal(v, want);
	assert_ptr_equal(p, s + consumed);
}

static void check_uint_fails(const char *s)
{
	const char *p = s;
	uint64_t v = 0x1234;

	assert_false(parse_uint(&p, &v));
	assert_ptr_equal(p, s);          /* *s left alone */
	assert_int_equal(v, 0x1234);     /* out not written */
}

static void test_parse_uint_decimal(void **state)
{
	check_uint("0", 0, 1);
	check_uint("7", 7, 1);
	check_uint("42", 42, 2);
	check_uint("1234567890", 1234567890ull, 10);
	check_uint("007", 7, 3);
	check_uint("12abc", 12, 2);      /* stops at the first non-digit */
	check_uint("12 34", 12, 2);
	check_uint("99-100", 99, 2);
	check_uint("18446744073709551615", UINT64_MAX, 20);
	check_uint("18446744073709551614", UINT64_MAX - 1, 20);
}

static void test_parse_uint_hex(void **state)
{
	check_uint("0x0", 0, 3);
	check_uint("0x1f", 0x1f, 4);
	check_uint("0X1F", 0x1f, 4);
	check_uint("0xDeadBeef", 0xdeadbeefull, 10);
	check_uint("0xffffffffffffffff", UINT64_MAX, 18);
	check_uint("0x10g", 0x10, 4);
	/* "0x" with no hex digit after it: just the 0 */
	check_uint("0x", 0, 1);
	check_uint("0xg", 0, 1);
	/* hex digits are not accepted without 0x */
	check_uint("1f", 1, 1);
}

static void test_parse_uint_rejects(void **state)
{
	check_uint_fails("");
	check_uint_fails("abc");
	check_uint_fails("-1");
	check_uint_fails("+1");
	check_uint_fails(" 1");
	check_uint_fails("x10");
	/* overflow */
	check_uint_fails("18446744073709551616");
	check_uint_fails("18446744073709551620");
	check_uint_fails("99999999999999999999");
	check_uint_fails("184467440737095516150");
	check_uint_fails("0x10000000000000000");
	check_uint_fails("0x1ffffffffffffffff");
}

/* ---- parse_size ---- */

static void check_size(const char *s, uint64_t want, size_t consumed)
{
	const char *p = s;
	uint64_t v = 0xdeadbeefdeadbeefull;

	assert_true(parse_size(&p, &v));
	assert_int_equal(v, want);
	assert_ptr_equal(p, s + consumed);
}

static void check_size_fails(const char *s)
{
	const char *p = s;
	uint64_t v = 0x1234;

	assert_false(parse_size(&p, &v));
	assert_ptr_equal(p, s);
	assert_int_equal(v, 0x1234);
}

static void test_parse_size(void **state)
{
	check_size("0", 0, 1);
	check_size("4096", 4096, 4);
	check_size("1k", 1024, 2);
	check_size("1K", 1024, 2);
	check_size("4k", 4096, 2);
	check_size("512M", 512ull << 20, 4);
	check_size("512m", 512ull << 20, 4);
	check_size("2G", 2ull << 30, 2);
	check_size("2g", 2ull << 30, 2);
	check_size("0x10M", 16ull << 20, 5);
	check_size("1500K", 1500ull << 10, 5);
	check_size("3M5", 3ull << 20, 2);         /* stops after the suffix */
	check_size("8T", 8, 1);                   /* T is not a suffix */
	check_size("8 M", 8, 1);
	check_size("0G", 0, 2);
	/* the largest values that still fit */
	check_size("17179869183G", 17179869183ull << 30, 12);
	check_size("17592186044415M", 17592186044415ull << 20, 15);
	check_size("18014398509481983K", 18014398509481983ull << 10, 18);
	check_size("18446744073709551615", UINT64_MAX, 20);
}

static void test_parse_size_rejects(void **state)
{
	check_size_fails("");
	check_size_fails("M");
	check_size_fails("K1");
	check_size_fails("-1M");
	check_size_fails("18446744073709551616");
	/* overflow caused by the suffix */
	check_size_fails("17179869184G");
	check_size_fails("17179869184g");
	check_size_fails("17592186044416M");
	check_size_fails("18014398509481984K");
	check_size_fails("18446744073709551615K");
	check_size_fails("0xffffffffffffffffk");
}

/* ---- cmdline_parse / cmdline_get ---- */

static struct cmdline the_cmdline;

/* A cmdline filled with junk, so nothing relies on zeroed memory. */
static struct cmdline *new_cmdline(void)
{
	struct cmdline *c = &the_cmdline;
	memset(c, 0x5a, sizeof(*c));
	return c;
}

static void test_cmdline_empty(void **state)
{
	struct cmdline *c = new_cmdline();

	assert_int_equal(cmdline_parse(c, ""), 0);
	assert_int_equal(c->count, 0);
	assert_null(cmdline_get(c, "numa"));
	assert_null(cmdline_get(c, ""));

	assert_int_equal(cmdline_parse(c, "  \t\n  "), 0);
	assert_int_equal(c->count, 0);
	assert_null(cmdline_get(c, "numa"));
}

static void test_cmdline_split(void **state)
{
	struct cmdline *c = new_cmdline();

	assert_int_equal(cmdline_parse(c, "numa=2 hz=1000\tdebug\nmem=256M"), 0);
	assert_int_equal(c->count, 4);
	assert_string_equal(c->key[0], "numa");
	assert_string_equal(c->value[0], "2");
	assert_string_equal(c->key[1], "hz");
	assert_string_equal(c->value[1], "1000");
	assert_string_equal(c->key[2], "debug");
	assert_string_equal(c->value[2], "");
	assert_string_equal(c->key[3], "mem");
	assert_string_equal(c->value[3], "256M");

	assert_string_equal(cmdline_get(c, "numa"), "2");
	assert_string_equal(cmdline_get(c, "hz"), "1000");
	assert_string_equal(cmdline_get(c, "debug"), "");
	assert_string_equal(cmdline_get(c, "mem"), "256M");
	assert_null(cmdline_get(c, "quiet"));
	assert_null(cmdline_get(c, "num"));      /* no prefix matching */
	assert_null(cmdline_get(c, "numa=2"));
	assert_null(cmdline_get(c, "2"));
}

static void test_cmdline_whitespace_runs(void **state)
{
	struct cmdline *c = new_cmdline();

	assert_int_equal(cmdline_parse(c, " \t\n a=1 \t\t\n\n b  \n"), 0);
	assert_int_equal(c->count, 2);
	assert_string_equal(c->key[0], "a");
	assert_string_equal(c->value[0], "1");
	assert_string_equal(c->key[1], "b");
	assert_string_equal(c->value[1], "");
}

static void test_cmdline_bare_and_empty_values(void **state)
{
	struct cmdline *c = new_cmdline();

	assert_int_equal(cmdline_parse(c, "quiet x= =y"), 0);
	assert_int_equal(c->count, 3);
	assert_non_null(cmdline_get(c, "quiet"));
	assert_string_equal(cmdline_get(c, "quiet"), "");
	assert_non_null(cmdline_get(c, "x"));
	assert_string_equal(cmdline_get(c, "x"), "");
	assert_string_equal(c->key[2], "");
	assert_string_equal(cmdline_get(c, ""), "y");
}

static void test_cmdline_first_equals_splits(void **state)
{
	struct cmdline *c = new_cmdline();

	assert_int_equal(cmdline_parse(c, "a=b=c k==v"), 0);
	assert_int_equal(c->count, 2);
	assert_string_equal(c->key[0], "a");
	assert_string_equal(c->value[0], "b=c");
	assert_string_equal(cmdline_get(c, "a"), "b=c");
	assert_null(cmdline_get(c, "a=b"));
	assert_string_equal(cmdline_get(c, "k"), "=v");
}

static void test_cmdline_last_wins(void **state)
{
	struct cmdline *c = new_cmdline();

	assert_int_equal(cmdline_parse(c, "hz=100 numa=2 hz=250 other hz=1000"), 0);
	assert_int_equal(c->count, 5);
	assert_string_equal(cmdline_get(c, "hz"), "1000");
	assert_string_equal(cmdline_get(c, "numa"), "2");

	/* a later bare key wins over an earlier value */
	assert_int_equal(cmdline_parse(c, "debug=3 debug"), 0);
	assert_string_equal(cmdline_get(c, "debug"), "");
	assert_int_equal(cmdline_parse(c, "debug debug=3"), 0);
	assert_string_equal(cmdline_get(c, "debug"), "3");
}

static void test_cmdline_copies_input(void **state)
{
	struct cmdline *c = new_cmdline();
	char input[] = "key=value other";

	assert_int_equal(cmdline_parse(c, input), 0);
	assert_string_equal(input, "key=value other");   /* not modified */
	memset(input, 'X', sizeof(input) - 1);
	assert_string_equal(cmdline_get(c, "key"), "value");
	assert_string_equal(cmdline_get(c, "other"), "");
}

static void test_cmdline_reparse_resets(void **state)
{
	struct cmdline *c = new_cmdline();

	assert_int_equal(cmdline_parse(c, "a=1 b=2 c=3"), 0);
	assert_int_equal(c->count, 3);
	assert_int_equal(cmdline_parse(c, "d=4"), 0);
	assert_int_equal(c->count, 1);
	assert_null(cmdline_get(c, "a"));
	assert_string_equal(cmdline_get(c, "d"), "4");
}

static void test_cmdline_max_len(void **state)
{
	struct cmdline *c = new_cmdline();
	char line[CMDLINE_MAX_LEN + 64];

	/* exactly CMDLINE_MAX_LEN - 1 characters: accepted whole */
	memset(line, 0, sizeof(line));
	memcpy(line, "k=", 2);
	memset(line + 2, 'v', CMDLINE_MAX_LEN - 1 - 2);
	assert_int_equal(strlen(line), CMDLINE_MAX_LEN - 1);
	assert_int_equal(cmdline_parse(c, line), 0);
	assert_int_equal(c->count, 1);
	assert_int_equal(strlen(cmdline_get(c, "k")), CMDLINE_MAX_LEN - 3);

	/* one more: -1, the prefix is kept */
	memset(line, 0, sizeof(line));
	memcpy(line, "k=", 2);
	memset(line + 2, 'v', CMDLINE_MAX_LEN - 2);
	assert_int_equal(strlen(line), CMDLINE_MAX_LEN);
	assert_int_equal(cmdline_parse(c, line), -1);
	assert_int_equal(c->count, 1);
	assert_int_equal(strlen(cmdline_get(c, "k")), CMDLINE_MAX_LEN - 3);
}

static void test_cmdline_too_long_keeps_prefix(void **state)
{
	struct cmdline *c = new_cmdline();
	char line[CMDLINE_MAX_LEN * 2];
	size_t len = 0;

	/* "first=1 filler=xxx...x " then a word straddling the limit */
	len += (size_t)sprintf(line + len, "first=1 filler=");
	while (len < CMDLINE_MAX_LEN - 5)
		line[len++] = 'x';
	line[len++] = ' ';
	assert_int_equal(len, CMDLINE_MAX_LEN - 4);
	len += (size_t)sprintf(line + len, "tail=abcdefghij last=9");
	assert_true(len > CMDLINE_MAX_LEN);

	assert_int_equal(cmdline_parse(c, line), -1);
	assert_int_equal(c->count, 3);
	assert_non_null(cmdline_get(c, "first"));
	assert_string_equal(cmdline_get(c, "first"), "1");
	assert_non_null(cmdline_get(c, "filler"));
	assert_int_equal(strlen(cmdline_get(c, "filler")),
			 CMDLINE_MAX_LEN - 5 - strlen("first=1 filler="));
	/* "tail=abcdefghij" starts at MAX_LEN - 4: only "tai" fits in 511 */
	assert_null(cmdline_get(c, "tail"));
	assert_non_null(cmdline_get(c, "tai"));
	assert_string_equal(cmdline_get(c, "tai"), "");
	assert_null(cmdline_get(c, "last"));
	assert_string_equal(c->key[c->count - 1], "tai");
}

static void test_cmdline_too_many_words(void **state)
{
	struct cmdline *c = new_cmdline();
	char line[CMDLINE_MAX_LEN];
	size_t len = 0;

	/* exactly CMDLINE_MAX_WORDS words: fine */
	for (int i = 0; i < CMDLINE_MAX_WORDS; i++)
		len += (size_t)sprintf(line + len, "%s%d", i ? " " : "", i);
	assert_true(len < CMDLINE_MAX_LEN);
	assert_int_equal(cmdline_parse(c, line), 0);
	assert_int_equal(c->count, CMDLINE_MAX_WORDS);
	assert_string_equal(c->key[0], "0");
	assert_string_equal(c->key[CMDLINE_MAX_WORDS - 1], "63");

	/* trailing whitespace after the 64th word is no 65th word */
	len += (size_t)sprintf(line + len, "  \n");
	assert_int_equal(cmdline_parse(c, line), 0);
	assert_int_equal(c->count, CMDLINE_MAX_WORDS);

	/* 65 words: -1, the first 64 are kept */
	len += (size_t)sprintf(line + len, "x=65");
	assert_true(len < CMDLINE_MAX_LEN);
	assert_int_equal(cmdline_parse(c, line), -1);
	assert_int_equal(c->count, CMDLINE_MAX_WORDS);
	assert_non_null(cmdline_get(c, "0"));
	assert_non_null(cmdline_get(c, "63"));
	assert_null(cmdline_get(c, "x"));
}

/* ---- cmdline_get_size ---- */

static void test_cmdline_get_size(void **state)
{
	struct cmdline *c = new_cmdline();
	uint64_t v;

	assert_int_equal(cmdline_parse(c,
		"mem=256M a=12Q b= c d=0x1000 e=4k f=2G g=17179869184G "
		"h=-1 i=12 j=12 j=34K k=99999999999999999999 l=1M2 m= 5"), 0);

	v = 7;
	assert_int_equal(cmdline_get_size(c, "mem", &v), CMDLINE_OK);
	assert_int_equal(v, 256ull << 20);
	assert_int_equal(cmdline_get_size(c, "d", &v), CMDLINE_OK);
	assert_int_equal(v, 0x1000);
	assert_int_equal(cmdline_get_size(c, "e", &v), CMDLINE_OK);
	assert_int_equal(v, 4096);
	assert_int_equal(cmdline_get_size(c, "f", &v), CMDLINE_OK);
	assert_int_equal(v, 2ull << 30);
	assert_int_equal(cmdline_get_size(c, "i", &v), CMDLINE_OK);
	assert_int_equal(v, 12);
	assert_int_equal(cmdline_get_size(c, "j", &v), CMDLINE_OK);  /* last wins */
	assert_int_equal(v, 34ull << 10);

	v = 7;
	assert_int_equal(cmdline_get_size(c, "absent", &v), CMDLINE_ABSENT);
	assert_int_equal(v, 7);
	assert_int_equal(cmdline_get_size(c, "a", &v), CMDLINE_MALFORMED);  /* 12Q */
	assert_int_equal(v, 7);
	assert_int_equal(cmdline_get_size(c, "b", &v), CMDLINE_MALFORMED);  /* empty */
	assert_int_equal(v, 7);
	assert_int_equal(cmdline_get_size(c, "c", &v), CMDLINE_MALFORMED);  /* bare */
	assert_int_equal(v, 7);
	assert_int_equal(cmdline_get_size(c, "g", &v), CMDLINE_MALFORMED);  /* overflow */
	assert_int_equal(v, 7);
	assert_int_equal(cmdline_get_size(c, "h", &v), CMDLINE_MALFORMED);
	assert_int_equal(v, 7);
	assert_int_equal(cmdline_get_size(c, "k", &v), CMDLINE_MALFORMED);
	assert_int_equal(v, 7);
	assert_int_equal(cmdline_get_size(c, "l", &v), CMDLINE_MALFORMED);  /* 1M2 */
	assert_int_equal(v, 7);
	assert_int_equal(cmdline_get_size(c, "m", &v), CMDLINE_MALFORMED);  /* "m=" */
	assert_int_equal(v, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_uint_decimal),
		cmocka_unit_test(test_parse_uint_hex),
		cmocka_unit_test(test_parse_uint_rejects),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_size_rejects),
		cmocka_unit_test(test_cmdline_empty),
		cmocka_unit_test(test_cmdline_split),
		cmocka_unit_test(test_cmdline_whitespace_runs),
		cmocka_unit_test(test_cmdline_bare_and_empty_values),
		cmocka_unit_test(test_cmdline_first_equals_splits),
		cmocka_unit_test(test_cmdline_last_wins),
		cmocka_unit_test(test_cmdline_copies_input),
		cmocka_unit_test(test_cmdline_reparse_resets),
		cmocka_unit_test(test_cmdline_max_len),
		cmocka_unit_test(test_cmdline_too_long_keeps_prefix),
		cmocka_unit_test(test_cmdline_too_many_words),
		cmocka_unit_test(test_cmdline_get_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
