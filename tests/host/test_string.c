/*
 * Host unit tests for monitor/string.c's memset and memcpy (word at a time
 * when aligned): every length 0..80 at every alignment, against a byte
 * loop, and nothing outside the range touched. The monitor's functions are
 * compiled here under other names, beside the C library's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define memset disco_memset
#define memcpy disco_memcpy
#define memmove disco_memmove
#define memcmp disco_memcmp
#define strlen disco_strlen
#define strcmp disco_strcmp
#define strncmp disco_strncmp
#include "monitor/string.c"
#undef memset
#undef memcpy
#undef memmove
#undef memcmp
#undef strlen
#undef strcmp
#undef strncmp

#define BUF 128

static void fill(unsigned char *b, unsigned int seed)
{
	for (unsigned int i = 0; i < BUF; i++)
		b[i] = (unsigned char)(i * 37 + seed);
}

static void test_memset(void **state)
{
	unsigned char got[BUF], want[BUF];

	for (unsigned int off = 0; off < 8; off++)
		for (unsigned int n = 0; n <= 80; n++) {
			fill(got, n);
			fill(want, n);
			for (unsigned int i = 0; i < n; i++)
				want[off + i] = 0xa5;
			assert_ptr_equal(disco_memset(got + off, 0xa5, n), got + off);
			assert_memory_equal(got, want, BUF);
		}
}

static void test_memcpy(void **state)
{
	unsigned char src[BUF], got[BUF], want[BUF];

	fill(src, 99);
	for (unsigned int doff = 0; doff < 8; doff++)
		for (unsigned int soff = 0; soff < 8; soff++)
			for (unsigned int n = 0; n <= 80; n++) {
				fill(got, n);
				fill(want, n);
				for (unsigned int i = 0; i < n; i++)
					want[doff + i] = src[soff + i];
				assert_ptr_equal(disco_memcpy(got + doff, src + soff, n), got + doff);
				assert_memory_equal(got, want, BUF);
			}
}

/* memcmp against the C library's sign, at every alignment and length,
 * with the first difference anywhere (the aligned word loop included). */
static void test_memcmp(void **state)
{
	static uint64_t abuf[BUF / 8 + 2], bbuf[BUF / 8 + 2];
	unsigned char *a = (unsigned char *)abuf, *b = (unsigned char *)bbuf;

	(void)state;
	for (size_t i = 0; i < BUF + 16; i++)
		a[i] = b[i] = (unsigned char)(i * 7 + 1);
	for (size_t off = 0; off < 9; off++)
		for (size_t n = 0; n <= BUF; n++) {
			assert_int_equal(disco_memcmp(a + off, b + off, n), 0);
			for (size_t d = 0; d < n; d += 5) {
				int want, got;

				b[off + d] ^= 0x80;
				want = memcmp(a + off, b + off, n);
				got = disco_memcmp(a + off, b + off, n);
				assert_true((want < 0 && got < 0) || (want > 0 && got > 0));
				b[off + d] ^= 0x80;
			}
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memset),
		cmocka_unit_test(test_memcpy),
		cmocka_unit_test(test_memcmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
