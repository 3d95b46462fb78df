/*
 * The storage behind a virtual disk, as the virtio-blk device model sees
 * it: whole 512-byte sectors read, written and flushed, synchronously.
 * A RAM image (blk_ram.h) is one; a copy-on-write overlay over a shared
 * base image, or the real disk, will be others.
 *
 * The caller keeps sector + count <= sectors, count > 0, and never writes
 * a read-only disk; an implementation may still refuse anything (false),
 * which the guest sees as an I/O error.
 */
#ifndef DEVICES_BLK_BACKEND_H
#define DEVICES_BLK_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#define BLK_SECTOR_SIZE 512
#define BLK_ID_BYTES    20      /* virtio-blk's GET_ID string, NUL-padded */

struct blk_backend {
	void *ctx;
	uint64_t sectors;               /* capacity */
	bool read_only;
	char id[BLK_ID_BYTES];          /* serial number; need not end in NUL */
	bool (*read)(void *ctx, uint64_t sector, void *buf, uint32_t count);
	bool (*write)(void *ctx, uint64_t sector, const void *buf, uint32_t count);
	bool (*flush)(void *ctx);       /* every write so far made durable */
};

#endif
