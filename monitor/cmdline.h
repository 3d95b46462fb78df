/*
 * The monitor's command line (QEMU -append): space-separated words, each
 * "key" or "key=value". Pure C, unit-tested on the host.
 */
#ifndef MONITOR_CMDLINE_H
#define MONITOR_CMDLINE_H

#include <stdbool.h>
#include <stdint.h>

#define CMDLINE_MAX_LEN   512
#define CMDLINE_MAX_WORDS 64

struct cmdline {
	char text[CMDLINE_MAX_LEN];          /* a copy, split in place */
	const char *key[CMDLINE_MAX_WORDS];
	const char *value[CMDLINE_MAX_WORDS]; /* "" for a bare key */
	int count;
};

/*
 * Splits text into words. Returns 0, or -1 if the line is longer than
 * CMDLINE_MAX_LEN - 1 or has more than CMDLINE_MAX_WORDS words (the
 * words that fit are kept).
 */
int cmdline_parse(struct cmdline *c, const char *text);

/* The value of the last word with this key, "" for a bare key, or NULL. */
const char *cmdline_get(const struct cmdline *c, const char *key);

enum cmdline_result { CMDLINE_OK, CMDLINE_ABSENT, CMDLINE_MALFORMED };

/*
 * Reads key as a number with an optional K/M/G suffix. Out is written only
 * on CMDLINE_OK.
 */
enum cmdline_result cmdline_get_size(const struct cmdline *c, const char *key,
				     uint64_t *out);

#endif
