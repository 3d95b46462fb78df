/*
 * Number parsing shared by the command line and the topology parser.
 * Pure C, unit-tested on the host.
 */
#ifndef MONITOR_PARSE_H
#define MONITOR_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Parses an unsigned number at *s: decimal, or hex after "0x". On success
 * advances *s past it and returns true; on failure (no digits, overflow)
 * leaves *s alone and returns false.
 */
bool parse_uint(const char **s, uint64_t *out);

/*
 * Like parse_uint, followed by an optional K, M or G suffix (binary units,
 * either case): "512M" is 512 << 20.
 */
bool parse_size(const char **s, uint64_t *out);

#endif
