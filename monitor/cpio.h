/*
 * Reading a cpio archive in the "newc" format (what Debian's `cpio -H newc`
 * writes), as handed over with QEMU -initrd. Pure C, unit-tested on the host.
 */
#ifndef MONITOR_CPIO_H
#define MONITOR_CPIO_H

#include <stddef.h>

struct cpio_entry {
	const char *name;       /* NUL-terminated inside the archive */
	const void *data;
	size_t size;
	unsigned int mode;      /* file type and permissions */
};

enum cpio_result { CPIO_OK, CPIO_END, CPIO_MALFORMED };

/*
 * Reads the entry at *offset and advances *offset past it. Returns CPIO_END
 * at the trailer, CPIO_MALFORMED if the header, name or data do not fit or
 * are not newc.
 */
enum cpio_result cpio_next(const void *archive, size_t size, size_t *offset,
			   struct cpio_entry *e);

/* Finds a regular file by name ("./" prefixes ignored). 0, or -1. */
int cpio_find(const void *archive, size_t size, const char *name,
	      struct cpio_entry *e);

#endif
