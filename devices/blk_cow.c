/*
 * The copy-on-write overlay (see blk_cow.h): a two-level table of block
 * pointers, the directory made at init, each leaf (a block's worth of
 * pointers) made when a block under it is first written.
 */
#include "devices/blk_cow.h"
#include "monitor/string.h"

static void **leaf_of(const struct blk_cow *cow, uint64_t block)
{
	return cow->dir[block / BLK_COW_PER_LEAF];
}

const void *blk_cow_block(const struct blk_cow *cow, uint64_t block)
{
	void **leaf;

	if (block / BLK_COW_PER_LEAF >= cow->nleaves)
		return NULL;
	leaf = leaf_of(cow, block);
	return leaf ? leaf[block % BLK_COW_PER_LEAF] : NULL;
}

/* The sectors of block that are on the disk (the last block may be short). */
static uint32_t block_sectors(const struct blk_cow *cow, uint64_t block)
{
	uint64_t first = block * BLK_COW_BLOCK_SECTORS;
	uint64_t left = cow->base->sectors - first;

	return left < BLK_COW_BLOCK_SECTORS ? (uint32_t)left : BLK_COW_BLOCK_SECTORS;
}

static bool cow_read(void *ctx, uint64_t sector, void *buf, uint32_t count)
{
	struct blk_cow *cow = ctx;
	uint8_t *out = buf;

	while (count) {
		uint64_t block = sector / BLK_COW_BLOCK_SECTORS;
		uint32_t off = (uint32_t)(sector % BLK_COW_BLOCK_SECTORS);
		const uint8_t *mine = blk_cow_block(cow, block);
		uint32_t n = BLK_COW_BLOCK_SECTORS - off;

		if (mine) {
			if (n > count)
				n = count;
			memcpy(out, mine + (uint64_t)off * BLK_SECTOR_SIZE, (size_t)n * BLK_SECTOR_SIZE);
			cow->count.overlay_sectors_read += n;
		} else {
			/* the run of blocks the overlay does not have, in one read */
			while (n < count && !blk_cow_block(cow, (sector + n) / BLK_COW_BLOCK_SECTORS))
				n += BLK_COW_BLOCK_SECTORS;
			if (n > count)
				n = count;
			cow->count.base_reads++;
			if (!cow->base->read(cow->base->ctx, sector, out, n))
				return false;
		}
		out += (uint64_t)n * BLK_SECTOR_SIZE;
		sector += n;
		count -= n;
	}
	return true;
}

/* The overlay's block, made (a copy of the base's, unless the write about
 * to be made covers all of it) if the VM never wrote it; NULL with nothing
 * changed when there is no memory or the base cannot be read. */
static uint8_t *own_block(struct blk_cow *cow, uint64_t block, bool whole)
{
	void **leaf = leaf_of(cow, block);
	uint8_t *data;

	if (leaf && leaf[block % BLK_COW_PER_LEAF])
		return leaf[block % BLK_COW_PER_LEAF];
	data = cow->mem.alloc(cow->mem.ctx, BLK_COW_BLOCK);
	if (!data)
		goto no_memory;
	memset(data, 0, BLK_COW_BLOCK);
	cow->count.base_reads += !whole;
	if (!whole && !cow->base->read(cow->base->ctx, block * BLK_COW_BLOCK_SECTORS, data,
				       block_sectors(cow, block))) {
		cow->mem.free(cow->mem.ctx, data, BLK_COW_BLOCK);
		return NULL;
	}
	if (!leaf) {
		leaf = cow->mem.alloc(cow->mem.ctx, BLK_COW_BLOCK);
		if (!leaf) {
			cow->mem.free(cow->mem.ctx, data, BLK_COW_BLOCK);
			goto no_memory;
		}
		memset(leaf, 0, BLK_COW_BLOCK);
		cow->dir[block / BLK_COW_PER_LEAF] = leaf;
	}
	leaf[block % BLK_COW_PER_LEAF] = data;
	cow->count.blocks++;
	if (!whole)
		cow->count.copied_in++;
	return data;
no_memory:
	cow->count.no_memory++;
	return NULL;
}

static bool cow_write(void *ctx, uint64_t sector, const void *buf, uint32_t count)
{
	struct blk_cow *cow = ctx;
	const uint8_t *in = buf;

	while (count) {
		uint64_t block = sector / BLK_COW_BLOCK_SECTORS;
		uint32_t off = (uint32_t)(sector % BLK_COW_BLOCK_SECTORS);
		uint32_t n = BLK_COW_BLOCK_SECTORS - off;
		uint8_t *mine = own_block(cow, block, off == 0 && count >= BLK_COW_BLOCK_SECTORS);

		if (!mine)
			return false;   /* the blocks before it stay written: a
					 * partial write, as a real disk's */
		if (n > count)
			n = count;
		memcpy(mine + (uint64_t)off * BLK_SECTOR_SIZE, in, (size_t)n * BLK_SECTOR_SIZE);
		in += (uint64_t)n * BLK_SECTOR_SIZE;
		sector += n;
		count -= n;
	}
	return true;
}

static bool cow_flush(void *ctx)
{
	(void)ctx;
	return true;            /* nothing of it is meant to last */
}

bool blk_cow_init(struct blk_cow *cow, struct blk_backend *disk,
		  const struct blk_backend *base, const struct blk_cow_alloc *mem)
{
	uint64_t blocks = (base->sectors + BLK_COW_BLOCK_SECTORS - 1) / BLK_COW_BLOCK_SECTORS;

	memset(cow, 0, sizeof(*cow));
	cow->base = base;
	cow->mem = *mem;
	cow->nleaves = (blocks + BLK_COW_PER_LEAF - 1) / BLK_COW_PER_LEAF;
	if (cow->nleaves) {
		cow->dir = mem->alloc(mem->ctx, cow->nleaves * sizeof(void **));
		if (!cow->dir)
			return false;
		memset(cow->dir, 0, cow->nleaves * sizeof(void **));
	}
	memset(disk, 0, sizeof(*disk));
	disk->ctx = cow;
	disk->sectors = base->sectors;
	disk->read_only = false;
	memcpy(disk->id, base->id, BLK_ID_BYTES);
	disk->read = cow_read;
	disk->write = cow_write;
	disk->flush = cow_flush;
	return true;
}

void blk_cow_destroy(struct blk_cow *cow)
{
	for (uint64_t i = 0; i < cow->nleaves; i++) {
		void **leaf = cow->dir[i];

		if (!leaf)
			continue;
		for (unsigned int j = 0; j < BLK_COW_PER_LEAF; j++)
			if (leaf[j])
				cow->mem.free(cow->mem.ctx, leaf[j], BLK_COW_BLOCK);
		cow->mem.free(cow->mem.ctx, leaf, BLK_COW_BLOCK);
	}
	if (cow->dir)
		cow->mem.free(cow->mem.ctx, cow->dir, cow->nleaves * sizeof(void **));
	cow->dir = NULL;
	cow->nleaves = 0;
	cow->count.blocks = 0;
}
