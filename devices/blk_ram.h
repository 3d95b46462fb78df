/*
 * A disk held in memory the caller owns (a blk_backend): for tests, and
 * for small images from the boot bundle. Pure C.
 */
#ifndef DEVICES_BLK_RAM_H
#define DEVICES_BLK_RAM_H

#include "devices/blk_backend.h"

struct blk_ram {
	uint8_t *data;
	uint64_t sectors;
	uint64_t flushes;
	bool read_only;
};

/* Makes disk a backend over the bytes at data (whole sectors of them;
 * a partial last sector is not part of the disk), with id's first
 * BLK_ID_BYTES characters as its serial number. */
void blk_ram_init(struct blk_ram *ram, struct blk_backend *disk, void *data, uint64_t bytes,
		  bool read_only, const char *id);

#endif
