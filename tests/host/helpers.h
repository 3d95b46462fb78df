/*
 * Helpers shared by the host unit tests (include after <cmocka.h>).
 */
#ifndef TESTS_HOST_HELPERS_H
#define TESTS_HOST_HELPERS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A heap copy of exactly n bytes (a 1-byte block for n == 0), so that
 * AddressSanitizer catches any read past the end of the input. */
static inline uint8_t *dup_exact(const void *p, size_t n)
{
	uint8_t *d = malloc(n ? n : 1);

	assert_non_null(d);
	if (n)
		memcpy(d, p, n);
	return d;
}

#endif
