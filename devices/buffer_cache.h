/*
 * Disco's global buffer cache: 4 KiB blocks of the real disk's base
 * images, each read from the disk once and then kept in one machine page
 * for every VM (devices/vdisk.c reads cow and ro disks through it, and maps
 * a whole page of it into a guest that reads one: mmu/page_share.h).
 *
 * Blocks are never evicted: a page of the cache may be mapped into any
 * number of VMs, which hold it until they copy it or end. When the cache
 * holds its capacity (`bufcache=MIB` on the monitor's command line,
 * default BCACHE_DEFAULT_MIB, 0 turns it off), further blocks are read
 * without it (copied, as without sharing). Only images nobody writes may
 * be cached: the caller's promise.
 */
#ifndef DEVICES_BUFFER_CACHE_H
#define DEVICES_BUFFER_CACHE_H

#include <stdint.h>
#include "devices/blk_backend.h"

#define BCACHE_BLOCK            4096u
#define BCACHE_BLOCK_SECTORS    (BCACHE_BLOCK / BLK_SECTOR_SIZE)
#define BCACHE_DEFAULT_MIB      128
#define BCACHE_READ_AHEAD       16      /* blocks a miss reads at once, at most */

struct bcache_stats {
	uint64_t hits, misses;          /* lookups that found the block, and not */
	uint64_t blocks;                /* blocks held (machine pages) */
	uint64_t capacity;              /* blocks it may hold */
	uint64_t full, failed;          /* misses not cached: full, no memory or a read failed */
	uint64_t reads, read_ahead;     /* disk reads made, blocks they brought beyond the one asked */
};

/*
 * The cached copy of disk's block `block` (sectors block * 8 .. + 8), read
 * from disk at the first call, with the blocks after it up to `end` (not
 * included: the end of the image) that are not cached yet, up to
 * BCACHE_READ_AHEAD in one request; NULL if it is not cached and cannot be
 * (cache off or full, no memory, the read failed): then read it yourself.
 * disk is the whole real disk (one cache serves one disk). Any CPU.
 */
const void *bcache_block(const struct blk_backend *disk, uint64_t block, uint64_t end);

/* Its counters (racy reads: for reports). */
void bcache_get_stats(struct bcache_stats *out);

#endif
