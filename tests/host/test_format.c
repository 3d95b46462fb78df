/*
 * Host unit tests for monitor/format.c (fmt_vformat, fmt_vsnprintf,
 * fmt_snprintf).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "monitor/format.h"

/*
 * A wrapper without the printf format attribute, for formats GCC would
 * (rightly) warn about under -Werror: unknown conversions, "%-05d", "%05s",
 * a NULL %s argument.
 */
static int raw_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Formats into a big buffer and checks both the text and the return. */
#define CHECK_FMT(expect, ...) do { \
	char buf_[256]; \
	memset(buf_, 'Z', sizeof(buf_)); \
	int n_ = fmt_snprintf(buf_, sizeof(buf_), __VA_ARGS__); \
	assert_string_equal(buf_, (expect)); \
	assert_int_equal(n_, (int)strlen(expect)); \
} while (0)

#define CHECK_RAW(expect, ...) do { \
	char buf_[256]; \
	memset(buf_, 'Z', sizeof(buf_)); \
	int n_ = raw_snprintf(buf_, sizeof(buf_), __VA_ARGS__); \
	assert_string_equal(buf_, (expect)); \
	assert_int_equal(n_, (int)strlen(expect)); \
} while (0)

static void test_plain_text(void **state)
{
	CHECK_FMT("", "%s", "");
	CHECK_FMT("hello, world", "hello, world");
	CHECK_FMT("a\tb\nc", "a\tb\nc");
}

static void test_conv_d_i(void **state)
{
	CHECK_FMT("0", "%d", 0);
	CHECK_FMT("42", "%d", 42);
	CHECK_FMT("-42", "%d", -42);
	CHECK_FMT("7", "%i", 7);
	CHECK_FMT("-7", "%i", -7);
	CHECK_FMT("2147483647", "%d", INT_MAX);
	CHECK_FMT("-2147483648", "%d", INT_MIN);
	CHECK_FMT("-2147483648", "%i", INT_MIN);
	CHECK_FMT("x=12,y=-3", "x=%d,y=%i", 12, -3);
}

static void test_conv_u(void **state)
{
	CHECK_FMT("0", "%u", 0u);
	CHECK_FMT("123456", "%u", 123456u);
	CHECK_FMT("4294967295", "%u", UINT_MAX);
	/* a negative int read as unsigned int */
	CHECK_FMT("4294967295", "%u", (unsigned int)-1);
}

static void test_conv_x_X(void **state)
{
	CHECK_FMT("0", "%x", 0u);
	CHECK_FMT("ff", "%x", 255u);
	CHECK_FMT("FF", "%X", 255u);
	CHECK_FMT("deadbeef", "%x", 0xdeadbeefu);
	CHECK_FMT("DEADBEEF", "%X", 0xdeadbeefu);
	CHECK_FMT("ffffffff", "%x", UINT_MAX);
	CHECK_FMT("abcdef", "%x", 0xabcdefu);
	CHECK_FMT("1234ABCD", "%X", 0x1234abcdu);
}

static void test_conv_p(void **state)
{
	CHECK_FMT("0x0000000000000000", "%p", (void *)0);
	CHECK_FMT("0x00000000deadbeef", "%p", (void *)(uintptr_t)0xdeadbeefu);
	CHECK_FMT("0xffffffffffffffff", "%p", (void *)(uintptr_t)UINT64_MAX);
	CHECK_FMT("0x0123456789abcdef", "%p",
		  (void *)(uintptr_t)0x0123456789abcdefull);

	/* a real pointer: 0x and exactly 16 lowercase hex digits */
	int local;
	char buf[64], want[64];
	int n = fmt_snprintf(buf, sizeof(buf), "%p", (void *)&local);
	assert_int_equal(n, 18);
	assert_int_equal(strlen(buf), 18);
	assert_memory_equal(buf, "0x", 2);
	for (int i = 2; i < 18; i++)
		assert_true((buf[i] >= '0' && buf[i] <= '9') ||
			    (buf[i] >= 'a' && buf[i] <= 'f'));
	snprintf(want, sizeof(want), "0x%016llx",
		 (unsigned long long)(uintptr_t)&local);
	assert_string_equal(buf, want);

	/* text around %p is kept */
	CHECK_FMT("[0x0000000000000010]", "[%p]", (void *)(uintptr_t)16);
}

static void test_conv_s(void **state)
{
	CHECK_FMT("abc", "%s", "abc");
	CHECK_FMT("<abc|def>", "<%s|%s>", "abc", "def");
	CHECK_FMT("", "%s", "");
	CHECK_RAW("(null)", "%s", (const char *)NULL);
	CHECK_RAW("  (null)", "%8s", (const char *)NULL);
	CHECK_RAW("[(null)]", "[%s]", (const char *)NULL);
}

static void test_conv_c(void **state)
{
	CHECK_FMT("A", "%c", 'A');
	CHECK_FMT("xyz", "%c%c%c", 'x', 'y', 'z');
	CHECK_FMT("a b", "a%cb", ' ');
}

static void test_conv_percent(void **state)
{
	CHECK_FMT("%", "%%");
	CHECK_FMT("100%", "%d%%", 100);
	CHECK_FMT("%d", "%%d");
	CHECK_FMT("%%", "%%%%");
}

static void test_width_space_padding(void **state)
{
	CHECK_FMT("   42", "%5d", 42);
	CHECK_FMT("  -42", "%5d", -42);
	CHECK_FMT("12345", "%2d", 12345);      /* width smaller than value */
	CHECK_FMT("-12345", "%3d", -12345);
	CHECK_FMT("  ff", "%4x", 255u);
	CHECK_FMT("    7", "%5u", 7u);
	CHECK_FMT("   ab", "%5s", "ab");
	CHECK_FMT("abcdef", "%3s", "abcdef");
	CHECK_FMT("    x", "%5c", 'x');
	CHECK_FMT("0", "%1d", 0);
	CHECK_FMT("          ", "%10s", "");
}

static void test_zero_padding(void **state)
{
	CHECK_FMT("00042", "%05d", 42);
	CHECK_FMT("-0042", "%05d", -42);
	CHECK_FMT("-42", "%03d", -42);         /* already wide enough */
	CHECK_FMT("-42", "%02d", -42);
	CHECK_FMT("00000", "%05d", 0);
	CHECK_FMT("000000ff", "%08x", 255u);
	CHECK_FMT("0000BEEF", "%08X", 0xbeefu);
	CHECK_FMT("007", "%03u", 7u);
	CHECK_FMT("-000000001", "%010d", -1);
	/* '0' is ignored for %s and %c: space padded */
	CHECK_RAW("   ab", "%05s", "ab");
	CHECK_RAW("    q", "%05c", 'q');
}

static void test_left_justify(void **state)
{
	CHECK_FMT("42   |", "%-5d|", 42);
	CHECK_FMT("-42  |", "%-5d|", -42);
	CHECK_FMT("ab   |", "%-5s|", "ab");
	CHECK_FMT("x  |", "%-3c|", 'x');
	CHECK_FMT("ff  |", "%-4x|", 255u);
	CHECK_FMT("12345|", "%-3d|", 12345);
	/* '-' overrides '0' */
	CHECK_RAW("42   |", "%-05d|", 42);
	CHECK_RAW("-42  |", "%0-5d|", -42);
}

static void test_star_width(void **state)
{
	CHECK_FMT("   42", "%*d", 5, 42);
	CHECK_FMT("42   |", "%*d|", -5, 42);     /* negative: left justify */
	CHECK_FMT("ab    |", "%*s|", -6, "ab");
	CHECK_FMT("    ab", "%*s", 6, "ab");
	CHECK_FMT("00042", "%0*d", 5, 42);
	CHECK_FMT("-0042", "%0*d", 5, -42);
	CHECK_FMT("42   |", "%0*d|", -5, 42);   /* negative star also drops '0' */
	CHECK_FMT("42", "%*d", 0, 42);
	CHECK_FMT("[   x][7]", "[%*c][%d]", 4, 'x', 7);
}

static void test_length_l_ll_z(void **state)
{
	CHECK_FMT("-9223372036854775808", "%ld", (long)INT64_MIN);
	CHECK_FMT("9223372036854775807", "%ld", (long)INT64_MAX);
	CHECK_FMT("-9223372036854775808", "%lld", (long long)INT64_MIN);
	CHECK_FMT("-9223372036854775808", "%lli", (long long)INT64_MIN);
	CHECK_FMT("18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
	CHECK_FMT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	CHECK_FMT("ffffffffffffffff", "%lx", (unsigned long)UINT64_MAX);
	CHECK_FMT("FFFFFFFFFFFFFFFF", "%llX", (unsigned long long)UINT64_MAX);
	CHECK_FMT("18446744073709551615", "%zu", (size_t)UINT64_MAX);
	CHECK_FMT("ffffffffffffffff", "%zx", (size_t)UINT64_MAX);
	CHECK_FMT("0", "%ld", 0L);
	CHECK_FMT("0", "%llu", 0ULL);
	CHECK_FMT("0", "%zu", (size_t)0);
	CHECK_FMT("0", "%lx", 0UL);
	CHECK_FMT("-1", "%ld", -1L);
	CHECK_FMT("-1", "%lld", -1LL);
	CHECK_FMT("4294967296", "%lu", 4294967296UL);
	CHECK_FMT("100000000", "%llx", 0x100000000ULL);
	CHECK_FMT("-0000000000000000042", "%020ld", -42L);
	CHECK_FMT("-9223372036854775808 |", "%-21ld|", (long)INT64_MIN);
	CHECK_FMT(" -9223372036854775808", "%21lld", (long long)INT64_MIN);
	/* arguments after a 64-bit one are still read correctly */
	CHECK_FMT("18446744073709551615 7 x", "%llu %d %s",
		  (unsigned long long)UINT64_MAX, 7, "x");
}

static void test_unknown_conversion(void **state)
{
	CHECK_RAW("%q", "%q");
	CHECK_RAW("a%yb", "a%yb");
	CHECK_RAW("%q 5", "%q %d", 5);          /* consumes no argument */
	CHECK_RAW("50%", "50%");                /* lone trailing '%' */
	CHECK_RAW("x%", "x%");
}

static void test_snprintf_truncation(void **state)
{
	char buf[16];
	int n;

	memset(buf, 'Z', sizeof(buf));
	n = fmt_snprintf(buf, 5, "hello world");
	assert_int_equal(n, 11);
	assert_string_equal(buf, "hell");
	assert_int_equal(buf[5], 'Z');          /* nothing written past size */

	/* exact fit: 5 characters need 6 bytes */
	memset(buf, 'Z', sizeof(buf));
	n = fmt_snprintf(buf, 6, "%s", "hello");
	assert_int_equal(n, 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(buf[6], 'Z');

	memset(buf, 'Z', sizeof(buf));
	n = fmt_snprintf(buf, 5, "%s", "hello");
	assert_int_equal(n, 5);
	assert_string_equal(buf, "hell");

	/* size 1: only the terminator */
	memset(buf, 'Z', sizeof(buf));
	n = fmt_snprintf(buf, 1, "abc%d", 123);
	assert_int_equal(n, 6);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'Z');

	/* size 0: buffer untouched */
	memset(buf, 'Z', sizeof(buf));
	n = fmt_snprintf(buf, 0, "abc%d", 123);
	assert_int_equal(n, 6);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 'Z');

	/* size 0 with a NULL buffer is allowed, like C99 */
	n = fmt_snprintf(NULL, 0, "%05d|%s", -42, "xyz");
	assert_int_equal(n, 9);

	/* truncation inside a padded number */
	memset(buf, 'Z', sizeof(buf));
	n = fmt_snprintf(buf, 4, "%08x", 0xabu);
	assert_int_equal(n, 8);
	assert_string_equal(buf, "000");

	/* empty output */
	memset(buf, 'Z', sizeof(buf));
	n = fmt_snprintf(buf, sizeof(buf), "%s", "");
	assert_int_equal(n, 0);
	assert_int_equal(buf[0], '\0');
}

static void test_vsnprintf(void **state)
{
	char buf[32];

	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(raw_snprintf(buf, sizeof(buf), "%d-%s-%x", 3, "ab", 0x1fu), 7);
	assert_string_equal(buf, "3-ab-1f");
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(raw_snprintf(buf, 3, "%d-%s", 12345, "x"), 7);
	assert_string_equal(buf, "12");
}

struct collect {
	char text[128];
	int calls;
};

static void collect_sink(void *ctx, char c)
{
	struct collect *col = ctx;
	if (col->calls < (int)sizeof(col->text) - 1)
		col->text[col->calls] = c;
	col->calls++;
}

static int vformat_helper(struct collect *col, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vformat(collect_sink, col, fmt, ap);
	va_end(ap);
	return n;
}

static void test_vformat_sink(void **state)
{
	struct collect col;

	memset(&col, 0, sizeof(col));
	int n = vformat_helper(&col, "[%5d|%-3s|%c|%%|%lx]", -12, "a", 'z',
			       (unsigned long)0xabc);
	assert_string_equal(col.text, "[  -12|a  |z|%|abc]");
	assert_int_equal(n, (int)strlen("[  -12|a  |z|%|abc]"));
	assert_int_equal(col.calls, n);

	memset(&col, 0, sizeof(col));
	n = vformat_helper(&col, "");
	assert_int_equal(n, 0);
	assert_int_equal(col.calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text),
		cmocka_unit_test(test_conv_d_i),
		cmocka_unit_test(test_conv_u),
		cmocka_unit_test(test_conv_x_X),
		cmocka_unit_test(test_conv_p),
		cmocka_unit_test(test_conv_s),
		cmocka_unit_test(test_conv_c),
		cmocka_unit_test(test_conv_percent),
		cmocka_unit_test(test_width_space_padding),
		cmocka_unit_test(test_zero_padding),
		cmocka_unit_test(test_left_justify),
		cmocka_unit_test(test_star_width),
		cmocka_unit_test(test_length_l_ll_z),
		cmocka_unit_test(test_unknown_conversion),
		cmocka_unit_test(test_snprintf_truncation),
		cmocka_unit_test(test_vsnprintf),
		cmocka_unit_test(test_vformat_sink),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
