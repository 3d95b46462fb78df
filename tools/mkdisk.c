/*
 * mkdisk: writes a disk store (devices/disk_store.h) for the monitor's
 * real disk, from NAME=FILE[:persistent|:base][:SIZE] arguments, in their
 * order. Reproducible: the output depends only on the arguments and the
 * files' bytes. The header and table are checked with the monitor's own
 * parser before anything is written.
 *
 *   mkdisk OUT.img root=rootfs.ext2 data=:persistent:64M swap=:persistent:16M
 *
 * FILE       the image's bytes (padded with zeros to whole sectors)
 * base       read-only for the monitor's users (the default with a FILE)
 * persistent writable and kept across runs (the default without a FILE)
 * SIZE       the image's size (K, M, G suffixes): at least FILE's; an
 *            image without a FILE needs one and starts zeroed
 * Images start on 4 KiB boundaries; the disk ends at the last one,
 * rounded up to 4 KiB. OUT is replaced.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "devices/disk_store.h"
#include "devices/le.h"
#include "monitor/parse.h"

struct spec {
	char name[DISK_STORE_NAME_MAX + 1];
	const char *file;               /* NULL: zeroed */
	uint64_t bytes;                 /* file size, 0 without a file */
	uint64_t first, sectors;
	uint32_t flags;
};

static struct spec specs[DISK_STORE_MAX_IMAGES];
static unsigned int nspecs;

static void die(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "mkdisk: ");
	fprintf(stderr, fmt, a, b);
	fprintf(stderr, "\n");
	exit(1);
}

/* NAME=FILE[:persistent|:base][:SIZE] */
static void parse_spec(char *arg, struct spec *sp)
{
	char *eq = strchr(arg, '='), *field, *save = NULL;
	uint64_t size = 0;
	int kind = 0;                   /* 0 default, else a flag */
	struct stat st;

	if (!eq)
		die("%s: want NAME=FILE[:persistent][:SIZE]%s", arg, "");
	*eq = 0;
	if (!disk_store_name_ok(arg))
		die("%s: bad image name (1 to 31 of A-Z a-z 0-9 . _ -, starting with a letter or digit)%s",
		    arg, "");
	strcpy(sp->name, arg);
	field = strtok_r(eq + 1, ":", &save);
	if (eq[1] != ':' && field) {
		sp->file = field;
		field = strtok_r(NULL, ":", &save);
	}
	for (; field; field = strtok_r(NULL, ":", &save)) {
		const char *s = field;

		if (strcmp(field, "persistent") == 0)
			kind = DISK_STORE_F_PERSISTENT;
		else if (strcmp(field, "base") == 0)
			kind = DISK_STORE_F_BASE;
		else if (!parse_size(&s, &size) || *s || size == 0)
			die("%s: bad option or size '%s'", sp->name, field);
	}
	sp->flags = kind ? (uint32_t)kind : sp->file ? DISK_STORE_F_BASE : DISK_STORE_F_PERSISTENT;
	if (sp->file) {
		if (stat(sp->file, &st) != 0 || !S_ISREG(st.st_mode))
			die("%s: cannot read file %s", sp->name, sp->file);
		sp->bytes = (uint64_t)st.st_size;
	} else if (sp->flags == DISK_STORE_F_BASE) {
		die("%s: a base image needs a FILE%s", sp->name, "");
	} else if (!size) {
		die("%s: an image without a FILE needs a SIZE%s", sp->name, "");
	}
	if (size && size < sp->bytes)
		die("%s: SIZE smaller than %s", sp->name, sp->file);
	if (!size)
		size = sp->bytes;
	if (!size)
		die("%s: empty image (%s)", sp->name, sp->file);
	sp->sectors = (size + BLK_SECTOR_SIZE - 1) / BLK_SECTOR_SIZE;
}

static void copy_file(FILE *out, const struct spec *sp, const char *outname)
{
	FILE *in = fopen(sp->file, "rb");
	char buf[65536];
	size_t n;
	uint64_t total = 0;

	if (!in)
		die("cannot open %s: %s", sp->file, strerror(errno));
	if (fseeko(out, (off_t)(sp->first * BLK_SECTOR_SIZE), SEEK_SET) != 0)
		die("%s: %s", outname, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		if (fwrite(buf, 1, n, out) != n)
			die("%s: %s", outname, strerror(errno));
		total += n;
	}
	if (ferror(in) || total != sp->bytes)
		die("%s changed while being copied%s", sp->file, "");
	fclose(in);
}

int main(int argc, char **argv)
{
	unsigned int table;
	uint64_t next, end;
	uint8_t *meta;
	size_t meta_bytes;
	static struct disk_store check;
	char err[160];
	unsigned int count, tsec;
	uint64_t dsize;
	FILE *out;

	if (argc < 2) {
		fprintf(stderr, "usage: mkdisk OUT.img NAME=FILE[:persistent|:base][:SIZE]...\n");
		return 2;
	}
	if (argc - 2 > DISK_STORE_MAX_IMAGES)
		die("more than %s images%s", "64", "");
	for (int i = 2; i < argc; i++) {
		parse_spec(argv[i], &specs[nspecs]);
		for (unsigned int j = 0; j < nspecs; j++)
			if (strcmp(specs[j].name, specs[nspecs].name) == 0)
				die("%s: name used twice%s", specs[j].name, "");
		nspecs++;
	}
	table = (nspecs + DISK_STORE_PER_SECTOR - 1) / DISK_STORE_PER_SECTOR;
	next = (1 + table + DISK_STORE_ALIGN - 1) / DISK_STORE_ALIGN * DISK_STORE_ALIGN;
	for (unsigned int i = 0; i < nspecs; i++) {
		specs[i].first = next;
		next += (specs[i].sectors + DISK_STORE_ALIGN - 1) / DISK_STORE_ALIGN * DISK_STORE_ALIGN;
	}
	end = next;
	meta_bytes = (size_t)(1 + table) * BLK_SECTOR_SIZE;
	meta = calloc(1, meta_bytes);
	memcpy(meta + DS_HDR_MAGIC, DISK_STORE_MAGIC, 8);
	le32_put(meta + DS_HDR_VERSION, DISK_STORE_VERSION);
	le32_put(meta + DS_HDR_COUNT, nspecs);
	le32_put(meta + DS_HDR_TABLE, table);
	le64_put(meta + DS_HDR_DISK_SECTORS, end);
	for (unsigned int i = 0; i < nspecs; i++) {
		uint8_t *e = meta + BLK_SECTOR_SIZE + (size_t)i * DISK_STORE_ENTRY_BYTES;

		memcpy(e + DS_ENT_NAME, specs[i].name, strlen(specs[i].name));
		le64_put(e + DS_ENT_FIRST, specs[i].first);
		le64_put(e + DS_ENT_SECTORS, specs[i].sectors);
		le32_put(e + DS_ENT_FLAGS, specs[i].flags);
	}
	/* the monitor's own checks, before writing anything */
	if (disk_store_parse_header(meta, end, &count, &tsec, &dsize, err, sizeof(err)) != DISK_STORE_OK ||
	    disk_store_parse_table(&check, meta + BLK_SECTOR_SIZE, tsec, count, dsize, err,
				   sizeof(err)) != DISK_STORE_OK)
		die("internal error: the store made is refused: %s%s", err, "");
	out = fopen(argv[1], "wb");
	if (!out)
		die("cannot create %s: %s", argv[1], strerror(errno));
	if (fwrite(meta, 1, meta_bytes, out) != meta_bytes ||
	    ftruncate(fileno(out), (off_t)(end * BLK_SECTOR_SIZE)) != 0)
		die("%s: %s", argv[1], strerror(errno));
	for (unsigned int i = 0; i < nspecs; i++)
		if (specs[i].file)
			copy_file(out, &specs[i], argv[1]);
	if (fclose(out) != 0)
		die("%s: %s", argv[1], strerror(errno));
	for (unsigned int i = 0; i < nspecs; i++)
		printf("%-31s %-10s sectors %8llu+%-8llu (%llu bytes)\n", specs[i].name,
		       specs[i].flags == DISK_STORE_F_PERSISTENT ? "persistent" : "base",
		       (unsigned long long)specs[i].first, (unsigned long long)specs[i].sectors,
		       (unsigned long long)(specs[i].sectors * BLK_SECTOR_SIZE));
	free(meta);
	return 0;
}
