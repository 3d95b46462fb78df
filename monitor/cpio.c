/*
 * cpio "newc" reader (see cpio.h). Each entry is a 110-byte ASCII header
 * ("070701" and thirteen 8-digit hex fields), the name (with its NUL),
 * padding to 4 bytes, the data, padding to 4 bytes.
 */
#include <stdint.h>
#include "monitor/cpio.h"
#include "monitor/string.h"

#define HEADER_SIZE 110
#define FIELD_MODE 1
#define FIELD_FILESIZE 6
#define FIELD_NAMESIZE 11
#define S_IFMT  0170000u
#define S_IFREG 0100000u

static size_t align4(size_t x)
{
	return (x + 3) & ~(size_t)3;
}

/* Field i of the header (after the 6-byte magic), or -1 if not hex. */
static int64_t field(const char *h, int i)
{
	uint32_t v = 0;

	for (int k = 0; k < 8; k++) {
		char c = h[6 + 8 * i + k];
		unsigned int d;
		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else
			return -1;
		v = v << 4 | d;
	}
	return v;
}

enum cpio_result cpio_next(const void *archive, size_t size, size_t *offset,
			   struct cpio_entry *e)
{
	const char *base = archive;
	const char *h = base + *offset;
	int64_t namesize, filesize, mode;
	size_t name_end, data_end;

	if (*offset > size || size - *offset < HEADER_SIZE ||
	    memcmp(h, "070701", 6) != 0)
		return CPIO_MALFORMED;
	namesize = field(h, FIELD_NAMESIZE);
	filesize = field(h, FIELD_FILESIZE);
	mode = field(h, FIELD_MODE);
	if (namesize < 1 || filesize < 0 || mode < 0)
		return CPIO_MALFORMED;
	name_end = *offset + HEADER_SIZE + (size_t)namesize;
	if (name_end > size || base[name_end - 1] != '\0')
		return CPIO_MALFORMED;
	data_end = align4(name_end) + (size_t)filesize;
	if (align4(name_end) > size || data_end > size)
		return CPIO_MALFORMED;
	e->name = h + HEADER_SIZE;
	e->data = base + align4(name_end);
	e->size = (size_t)filesize;
	e->mode = (unsigned int)mode;
	if (strcmp(e->name, "TRAILER!!!") == 0)
		return CPIO_END;
	*offset = align4(data_end);
	return CPIO_OK;
}

static const char *strip_dot_slash(const char *name)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	return name;
}

int cpio_find(const void *archive, size_t size, const char *name,
	      struct cpio_entry *e)
{
	size_t off = 0;

	name = strip_dot_slash(name);
	while (cpio_next(archive, size, &off, e) == CPIO_OK)
		if ((e->mode & S_IFMT) == S_IFREG &&
		    strcmp(strip_dot_slash(e->name), name) == 0)
			return 0;
	return -1;
}
