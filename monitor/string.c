/*
 * String and memory functions. memset and memcpy move 8 bytes at a time,
 * memcmp compares 8 at a time where both are 8-byte aligned
 * (memcpy from a source at any alignment: the bundle's cpio holds guest
 * images 4-byte aligned); the rest is byte at a time, for clarity.
 */
#include <stdint.h>
#include "monitor/string.h"

typedef uint64_t __attribute__((may_alias)) word_t;
/* A word at any address: the compiler reads it with ldl/ldr. */
typedef struct __attribute__((packed, may_alias)) { uint64_t v; } unaligned_word_t;

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	word_t pattern = 0x0101010101010101ull * (unsigned char)c;

	for (; n && ((uintptr_t)d & 7); n--)
		*d++ = (unsigned char)c;
	for (; n >= 32; n -= 32, d += 32) {
		word_t *w = (word_t *)d;

		w[0] = pattern;
		w[1] = pattern;
		w[2] = pattern;
		w[3] = pattern;
	}
	for (; n >= 8; n -= 8, d += 8)
		*(word_t *)d = pattern;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	for (; n && ((uintptr_t)d & 7); n--)
		*d++ = *s++;
	if (((uintptr_t)s & 7) == 0) {
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(word_t *)d = *(const word_t *)s;
	} else {        /* e.g. a cpio's 4-byte aligned file data */
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(word_t *)d = ((const unaligned_word_t *)s)->v;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (d < s)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	if (!(((uintptr_t)x | (uintptr_t)y) & 7))      /* equal words skipped */
		for (; n >= 8 && *(const word_t *)x == *(const word_t *)y; n -= 8, x += 8, y += 8)
			;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}
