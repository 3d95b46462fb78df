/*
 * The disk store: how the one real disk holds several named disk images.
 * Pure C (no device access of its own: it reads through a blk_backend), so
 * it is unit-tested on the host against RAM disks; tools/mkdisk writes the
 * same format. docs/devices.md "The disk store".
 *
 * Layout, all little-endian, in 512-byte sectors:
 *   sector 0        header: "DISCODSK", le32 version (1), le32 count,
 *                   le32 table_sectors, le32 reserved (0), le64 disk_sectors
 *                   (the store's size), zero to the end of the sector
 *   sectors 1..T    the table (T = table_sectors = ceil(count / 8)): count
 *                   64-byte entries, the rest zero:
 *                     name[32]  1..31 characters of [A-Za-z0-9._-], the
 *                               first a letter or digit, NUL-padded
 *                     le64 first, le64 sectors, le32 flags, 12 bytes zero
 *   images          each starts on an 8-sector (4 KiB) boundary after the
 *                   table, sectors > 0, inside disk_sectors; no two overlap,
 *                   no two share a name
 * flags: exactly one of DISK_STORE_F_BASE (read-only, the same for every
 * user) and DISK_STORE_F_PERSISTENT (writable, kept across runs).
 */
#ifndef DEVICES_DISK_STORE_H
#define DEVICES_DISK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "devices/blk_backend.h"

#define DISK_STORE_MAGIC        "DISCODSK"
#define DISK_STORE_VERSION      1
#define DISK_STORE_MAX_IMAGES   64
#define DISK_STORE_NAME_MAX     31
#define DISK_STORE_ENTRY_BYTES  64
#define DISK_STORE_PER_SECTOR   (BLK_SECTOR_SIZE / DISK_STORE_ENTRY_BYTES)
#define DISK_STORE_ALIGN        8       /* sectors: images start on 4 KiB */
#define DISK_STORE_F_BASE       1u
#define DISK_STORE_F_PERSISTENT 2u

/* Header field offsets (sector 0) and entry field offsets. */
#define DS_HDR_MAGIC        0
#define DS_HDR_VERSION      8
#define DS_HDR_COUNT        12
#define DS_HDR_TABLE        16
#define DS_HDR_RESERVED     20
#define DS_HDR_DISK_SECTORS 24
#define DS_HDR_BYTES        32
#define DS_ENT_NAME         0
#define DS_ENT_FIRST        32
#define DS_ENT_SECTORS      40
#define DS_ENT_FLAGS        48
#define DS_ENT_RESERVED     52

struct disk_image {
	char name[DISK_STORE_NAME_MAX + 1];
	uint64_t first, sectors;
	uint32_t flags;
};

struct disk_store {
	struct blk_backend *disk;       /* the whole disk */
	uint64_t disk_sectors;          /* from the header */
	unsigned int count;
	struct disk_image image[DISK_STORE_MAX_IMAGES];
};

enum disk_store_result {
	DISK_STORE_OK,
	DISK_STORE_NO_STORE,            /* no magic in sector 0: not a store */
	DISK_STORE_BAD,                 /* a store, but malformed (err says why) */
	DISK_STORE_IO,                  /* the disk refused a read */
};

/*
 * Checks a header sector (512 bytes) against a disk of capacity sectors;
 * on success sets *count and *table_sectors. DISK_STORE_NO_STORE without
 * the magic; DISK_STORE_BAD with a one-line reason in err otherwise.
 */
enum disk_store_result disk_store_parse_header(const uint8_t *sector0, uint64_t capacity,
					       unsigned int *count, unsigned int *table_sectors,
					       uint64_t *disk_sectors, char *err, size_t errlen);

/*
 * Checks the table (table_sectors * 512 bytes) of a store whose header
 * gave count and disk_sectors, and fills s->image[] and s->count. On
 * DISK_STORE_BAD, err names the entry and the problem; s->count is 0.
 */
enum disk_store_result disk_store_parse_table(struct disk_store *s, const uint8_t *table,
					      unsigned int table_sectors, unsigned int count,
					      uint64_t disk_sectors, char *err, size_t errlen);

/*
 * Reads the header and table from disk and checks them (the two above).
 * buf is scratch of at least (1 + DISK_STORE_MAX_IMAGES /
 * DISK_STORE_PER_SECTOR) sectors the disk can transfer into. s->disk is
 * set on success.
 */
enum disk_store_result disk_store_open(struct disk_store *s, struct blk_backend *disk,
				       uint8_t *buf, char *err, size_t errlen);

/* The image called name, or NULL. */
const struct disk_image *disk_store_find(const struct disk_store *s, const char *name);

/* One image as a disk of its own: a blk_backend over its sectors. */
struct disk_region {
	struct blk_backend *disk;
	uint64_t first, sectors;
};

/*
 * Makes *out a backend for image name of s: sector 0 is the image's first,
 * every access is checked against its size (and refused past it, with
 * count 0, or wrapping), writes are refused unless the image is
 * persistent and the disk writable. region is the backend's state, owned
 * by the caller. Returns false if there is no such image.
 */
bool disk_store_backend(const struct disk_store *s, const char *name, struct disk_region *region,
			struct blk_backend *out);

/* True if name is a valid image name (1..31 of [A-Za-z0-9._-], the first
 * a letter or digit). */
bool disk_store_name_ok(const char *name);

/* The checksum images are compared with (FNV-1a, 32 bits), over len bytes,
 * continuing from h (start with DISK_STORE_FNV_INIT). */
#define DISK_STORE_FNV_INIT 0x811c9dc5u
uint32_t disk_store_fnv1a(uint32_t h, const uint8_t *p, size_t len);

#endif
