/*
 * Disco's non-persistent disk: a copy-on-write overlay over a base image
 * (a blk_backend). The VM sees a writable disk; what it writes stays in
 * the overlay, blocks of BLK_COW_BLOCK bytes in memory the caller's
 * allocator gives, and is gone with the overlay. The base is only ever
 * read, so any number of overlays (VMs) may share one base.
 *
 * A block is copied into the overlay at its first write (the rest of it
 * read from the base first, unless the write covers the whole block); reads take overlay blocks from the overlay
 * and the others from the base, a run of base blocks in one base read.
 * When the allocator has no block left, the write fails (the guest sees
 * an I/O error) and the overlay is unchanged. Not locked: the caller
 * serialises (the virtio device's lock). Pure C, unit-tested on the host.
 */
#ifndef DEVICES_BLK_COW_H
#define DEVICES_BLK_COW_H

#include <stdbool.h>
#include <stdint.h>
#include "devices/blk_backend.h"

#define BLK_COW_BLOCK           4096u
#define BLK_COW_BLOCK_SECTORS   (BLK_COW_BLOCK / BLK_SECTOR_SIZE)
#define BLK_COW_PER_LEAF        (BLK_COW_BLOCK / sizeof(void *))  /* blocks per leaf */

/* Memory for the overlay: whole BLK_COW_BLOCK-byte blocks, and the
 * directory (bytes, zeroed). alloc returns NULL when there is none. */
struct blk_cow_alloc {
	void *ctx;
	void *(*alloc)(void *ctx, uint64_t bytes);
	void (*free)(void *ctx, void *p, uint64_t bytes);
};

struct blk_cow_counters {
	uint64_t blocks;                /* overlay blocks held */
	uint64_t copied_in;             /* blocks first written in part (a copy of the base) */
	uint64_t base_reads;            /* reads passed to the base (a run, or a block copied in) */
	uint64_t overlay_sectors_read;
	uint64_t no_memory;             /* writes refused for want of a block */
};

struct blk_cow {
	const struct blk_backend *base;
	struct blk_cow_alloc mem;
	void ***dir;                    /* dir[i][j]: block i * PER_LEAF + j, or NULL */
	uint64_t nleaves;
	struct blk_cow_counters count;
};

/*
 * Makes disk (id: the base's) a writable overlay over base, with no block
 * of its own yet. False (nothing held) if the directory cannot be had.
 */
bool blk_cow_init(struct blk_cow *cow, struct blk_backend *disk,
		  const struct blk_backend *base, const struct blk_cow_alloc *mem);

/* Gives back every block and the directory; the overlay's data is gone. */
void blk_cow_destroy(struct blk_cow *cow);

/* The overlay's copy of block (sector / BLK_COW_BLOCK_SECTORS), or NULL
 * if the VM never wrote it (then the base holds it). */
const void *blk_cow_block(const struct blk_cow *cow, uint64_t block);

#endif
