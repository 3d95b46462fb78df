/*
 * A disk in memory (see blk_ram.h). Every call is bounds-checked again,
 * whatever the caller promised.
 */
#include "devices/blk_ram.h"
#include "monitor/string.h"

static bool inside(const struct blk_ram *ram, uint64_t sector, uint32_t count)
{
	return count && sector <= ram->sectors && count <= ram->sectors - sector;
}

static bool ram_read(void *ctx, uint64_t sector, void *buf, uint32_t count)
{
	struct blk_ram *ram = ctx;

	if (!inside(ram, sector, count))
		return false;
	memcpy(buf, ram->data + sector * BLK_SECTOR_SIZE, (size_t)count * BLK_SECTOR_SIZE);
	return true;
}

static bool ram_write(void *ctx, uint64_t sector, const void *buf, uint32_t count)
{
	struct blk_ram *ram = ctx;

	if (ram->read_only || !inside(ram, sector, count))
		return false;
	memcpy(ram->data + sector * BLK_SECTOR_SIZE, buf, (size_t)count * BLK_SECTOR_SIZE);
	return true;
}

static bool ram_flush(void *ctx)
{
	struct blk_ram *ram = ctx;

	ram->flushes++;
	return true;
}

void blk_ram_init(struct blk_ram *ram, struct blk_backend *disk, void *data, uint64_t bytes,
		  bool read_only, const char *id)
{
	unsigned int i;

	ram->data = data;
	ram->sectors = bytes / BLK_SECTOR_SIZE;
	ram->flushes = 0;
	ram->read_only = read_only;
	memset(disk, 0, sizeof(*disk));
	disk->ctx = ram;
	disk->sectors = ram->sectors;
	disk->read_only = read_only;
	for (i = 0; i < BLK_ID_BYTES && id && id[i]; i++)
		disk->id[i] = id[i];
	disk->read = ram_read;
	disk->write = ram_write;
	disk->flush = ram_flush;
}
