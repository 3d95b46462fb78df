/*
 * Number parsing (see parse.h).
 */
#include "monitor/parse.h"

static int digit_value(char c, unsigned int base)
{
	int v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return v < (int)base ? v : -1;
}

bool parse_uint(const char **s, uint64_t *out)
{
	const char *p = *s;
	unsigned int base = 10;
	uint64_t v = 0;
	int d;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_value(p[2], 16) >= 0) {
		base = 16;
		p += 2;
	}
	if (digit_value(*p, base) < 0)
		return false;
	while ((d = digit_value(*p, base)) >= 0) {
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return false;
		v = v * base + (uint64_t)d;
		p++;
	}
	*out = v;
	*s = p;
	return true;
}

bool parse_size(const char **s, uint64_t *out)
{
	const char *p = *s;
	uint64_t v;
	unsigned int shift = 0;

	if (!parse_uint(&p, &v))
		return false;
	switch (*p) {
	case 'k': case 'K': shift = 10; p++; break;
	case 'm': case 'M': shift = 20; p++; break;
	case 'g': case 'G': shift = 30; p++; break;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return false;
	*out = v << shift;
	*s = p;
	return true;
}
