/*
 * The disk store's header and table, checked before anything is trusted
 * (disk_store.h has the format), and one image as a blk_backend. Pure C.
 */
#include <stdarg.h>
#include "devices/disk_store.h"
#include "devices/le.h"
#include "monitor/format.h"
#include "monitor/string.h"

static enum disk_store_result bad(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum disk_store_result bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return DISK_STORE_BAD;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

uint32_t disk_store_fnv1a(uint32_t h, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool disk_store_name_ok(const char *name)
{
	size_t n;

	if (!alnum(name[0]))
		return false;
	for (n = 0; name[n]; n++)
		if (n >= DISK_STORE_NAME_MAX ||
		    !(alnum(name[n]) || name[n] == '.' || name[n] == '_' || name[n] == '-'))
			return false;
	return true;
}

enum disk_store_result disk_store_parse_header(const uint8_t *h, uint64_t capacity,
					       unsigned int *count, unsigned int *table_sectors,
					       uint64_t *disk_sectors, char *err, size_t errlen)
{
	uint32_t version = le32_get(h + DS_HDR_VERSION), n = le32_get(h + DS_HDR_COUNT);
	uint32_t table = le32_get(h + DS_HDR_TABLE);
	uint64_t size = le64_get(h + DS_HDR_DISK_SECTORS);

	if (memcmp(h + DS_HDR_MAGIC, DISK_STORE_MAGIC, 8) != 0)
		return DISK_STORE_NO_STORE;
	if (version != DISK_STORE_VERSION)
		return bad(err, errlen, "version %u, this monitor reads %u", version,
			   DISK_STORE_VERSION);
	if (n > DISK_STORE_MAX_IMAGES)
		return bad(err, errlen, "%u images, at most %u", n, DISK_STORE_MAX_IMAGES);
	if (table != (n + DISK_STORE_PER_SECTOR - 1) / DISK_STORE_PER_SECTOR)
		return bad(err, errlen, "table of %u sectors for %u images, want %u", table, n,
			   (n + DISK_STORE_PER_SECTOR - 1) / DISK_STORE_PER_SECTOR);
	if (le32_get(h + DS_HDR_RESERVED) != 0 ||
	    !all_zero(h + DS_HDR_BYTES, BLK_SECTOR_SIZE - DS_HDR_BYTES))
		return bad(err, errlen, "header: reserved bytes not zero");
	if (size < 1 + (uint64_t)table || size > capacity)
		return bad(err, errlen, "store of %lu sectors on a disk of %lu",
			   (unsigned long)size, (unsigned long)capacity);
	*count = n;
	*table_sectors = table;
	*disk_sectors = size;
	return DISK_STORE_OK;
}

/* Checks entry i (at e) against the header and fills *img. */
static enum disk_store_result parse_entry(const uint8_t *e, unsigned int i, uint64_t data_start,
					  uint64_t disk_sectors, struct disk_image *img,
					  char *err, size_t errlen)
{
	const char *name = (const char *)e + DS_ENT_NAME;
	size_t len = 0;

	while (len < 32 && name[len])
		len++;
	if (len == 32 || !all_zero(e + DS_ENT_NAME + len, 32 - len))
		return bad(err, errlen, "image %u: name not NUL-terminated and padded", i);
	memcpy(img->name, name, len + 1);
	if (!disk_store_name_ok(img->name))
		return bad(err, errlen, "image %u: bad name (1 to %u of A-Z a-z 0-9 . _ -, "
			   "starting with a letter or digit)", i, DISK_STORE_NAME_MAX);
	img->first = le64_get(e + DS_ENT_FIRST);
	img->sectors = le64_get(e + DS_ENT_SECTORS);
	img->flags = le32_get(e + DS_ENT_FLAGS);
	if (img->flags != DISK_STORE_F_BASE && img->flags != DISK_STORE_F_PERSISTENT)
		return bad(err, errlen, "image %s: flags %x, want base (1) or persistent (2)",
			   img->name, img->flags);
	if (!all_zero(e + DS_ENT_RESERVED, DISK_STORE_ENTRY_BYTES - DS_ENT_RESERVED))
		return bad(err, errlen, "image %s: reserved bytes not zero", img->name);
	if (img->sectors == 0)
		return bad(err, errlen, "image %s: 0 sectors", img->name);
	if (img->first % DISK_STORE_ALIGN)
		return bad(err, errlen, "image %s: first sector %lu not a multiple of %u",
			   img->name, (unsigned long)img->first, DISK_STORE_ALIGN);
	if (img->first < data_start)
		return bad(err, errlen, "image %s: first sector %lu inside the header or table",
			   img->name, (unsigned long)img->first);
	if (img->first > disk_sectors || img->sectors > disk_sectors - img->first)
		return bad(err, errlen, "image %s: sectors %lu+%lu past the store's end (%lu)",
			   img->name, (unsigned long)img->first, (unsigned long)img->sectors,
			   (unsigned long)disk_sectors);
	return DISK_STORE_OK;
}

enum disk_store_result disk_store_parse_table(struct disk_store *s, const uint8_t *table,
					      unsigned int table_sectors, unsigned int count,
					      uint64_t disk_sectors, char *err, size_t errlen)
{
	uint64_t data_start = 1 + (uint64_t)table_sectors;
	enum disk_store_result r = DISK_STORE_OK;

	s->count = 0;
	data_start = (data_start + DISK_STORE_ALIGN - 1) / DISK_STORE_ALIGN * DISK_STORE_ALIGN;
	for (unsigned int i = 0; i < count && r == DISK_STORE_OK; i++) {
		struct disk_image *a = &s->image[i];

		r = parse_entry(table + (size_t)i * DISK_STORE_ENTRY_BYTES, i, data_start,
				disk_sectors, a, err, errlen);
		for (unsigned int j = 0; j < i && r == DISK_STORE_OK; j++) {
			const struct disk_image *b = &s->image[j];

			if (strcmp(a->name, b->name) == 0)
				r = bad(err, errlen, "image %s: name used twice", a->name);
			else if (a->first < b->first + b->sectors && b->first < a->first + a->sectors)
				r = bad(err, errlen, "images %s and %s overlap", b->name, a->name);
		}
	}
	if (r == DISK_STORE_OK &&
	    !all_zero(table + (size_t)count * DISK_STORE_ENTRY_BYTES,
		      (size_t)table_sectors * BLK_SECTOR_SIZE - (size_t)count * DISK_STORE_ENTRY_BYTES))
		r = bad(err, errlen, "table: bytes after the last entry not zero");
	if (r == DISK_STORE_OK) {
		s->count = count;
		s->disk_sectors = disk_sectors;
	}
	return r;
}

enum disk_store_result disk_store_open(struct disk_store *s, struct blk_backend *disk,
				       uint8_t *buf, char *err, size_t errlen)
{
	unsigned int count, table;
	uint64_t size;
	enum disk_store_result r;

	s->count = 0;
	s->disk = 0;
	if (disk->sectors < 1 || !disk->read(disk->ctx, 0, buf, 1)) {
		fmt_snprintf(err, errlen, "cannot read sector 0");
		return disk->sectors < 1 ? DISK_STORE_NO_STORE : DISK_STORE_IO;
	}
	r = disk_store_parse_header(buf, disk->sectors, &count, &table, &size, err, errlen);
	if (r != DISK_STORE_OK)
		return r;
	if (table && !disk->read(disk->ctx, 1, buf, table)) {
		fmt_snprintf(err, errlen, "cannot read the table");
		return DISK_STORE_IO;
	}
	r = disk_store_parse_table(s, buf, table, count, size, err, errlen);
	if (r == DISK_STORE_OK)
		s->disk = disk;
	return r;
}

const struct disk_image *disk_store_find(const struct disk_store *s, const char *name)
{
	for (unsigned int i = 0; i < s->count; i++)
		if (strcmp(s->image[i].name, name) == 0)
			return &s->image[i];
	return 0;
}

static bool in_region(const struct disk_region *r, uint64_t sector, uint32_t count)
{
	return count > 0 && sector <= r->sectors && count <= r->sectors - sector;
}

static bool region_read(void *ctx, uint64_t sector, void *buf, uint32_t count)
{
	struct disk_region *r = ctx;

	return in_region(r, sector, count) &&
	       r->disk->read(r->disk->ctx, r->first + sector, buf, count);
}

static bool region_write(void *ctx, uint64_t sector, const void *buf, uint32_t count)
{
	struct disk_region *r = ctx;

	return in_region(r, sector, count) &&
	       r->disk->write(r->disk->ctx, r->first + sector, buf, count);
}

static bool region_write_refused(void *ctx, uint64_t sector, const void *buf, uint32_t count)
{
	return false;
}

static bool region_flush(void *ctx)
{
	struct disk_region *r = ctx;

	return r->disk->flush(r->disk->ctx);
}

bool disk_store_backend(const struct disk_store *s, const char *name, struct disk_region *region,
			struct blk_backend *out)
{
	const struct disk_image *img = disk_store_find(s, name);
	size_t n = strlen(name);

	if (!img || !s->disk)
		return false;
	region->disk = s->disk;
	region->first = img->first;
	region->sectors = img->sectors;
	memset(out, 0, sizeof(*out));
	out->ctx = region;
	out->sectors = img->sectors;
	out->read_only = !(img->flags & DISK_STORE_F_PERSISTENT) || s->disk->read_only;
	memcpy(out->id, name, n < BLK_ID_BYTES ? n : BLK_ID_BYTES);
	out->read = region_read;
	out->write = out->read_only ? region_write_refused : region_write;
	out->flush = region_flush;
	return true;
}
