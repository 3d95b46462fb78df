/*
 * Command-line splitting and look-up (see cmdline.h).
 */
#include <stdbool.h>
#include <stddef.h>
#include "monitor/cmdline.h"
#include "monitor/parse.h"
#include "monitor/string.h"

int cmdline_parse(struct cmdline *c, const char *text)
{
	size_t len = strlen(text);
	int status = 0;
	char *p;

	if (len >= CMDLINE_MAX_LEN) {
		len = CMDLINE_MAX_LEN - 1;
		status = -1;
	}
	memcpy(c->text, text, len);
	c->text[len] = '\0';
	c->count = 0;

	p = c->text;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			*p++ = '\0';
		if (!*p)
			break;
		if (c->count == CMDLINE_MAX_WORDS)
			return -1;
		bool has_value = false;
		c->key[c->count] = p;
		c->value[c->count] = "";
		while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
			if (*p == '=' && !has_value) {   /* the first '=' splits */
				*p = '\0';
				c->value[c->count] = p + 1;
				has_value = true;
			}
			p++;
		}
		c->count++;
	}
	return status;
}

const char *cmdline_get(const struct cmdline *c, const char *key)
{
	for (int i = c->count - 1; i >= 0; i--)
		if (strcmp(c->key[i], key) == 0)
			return c->value[i];
	return NULL;
}

enum cmdline_result cmdline_get_size(const struct cmdline *c, const char *key,
				     uint64_t *out)
{
	const char *v = cmdline_get(c, key);
	uint64_t n;

	if (!v)
		return CMDLINE_ABSENT;
	if (!parse_size(&v, &n) || *v)
		return CMDLINE_MALFORMED;
	*out = n;
	return CMDLINE_OK;
}
