/*
 * ELF64 executable checks (see elf.h). Fields are read byte by byte: the
 * image may sit at any alignment inside a cpio archive.
 */
#include "monitor/elf.h"
#include "monitor/format.h"
#include "monitor/string.h"

#define EHDR_SIZE   64
#define PHDR_SIZE   56
#define ET_EXEC     2
#define EM_MIPS     8
#define PT_LOAD     1

static uint64_t rd(const uint8_t *p, int bytes)
{
	uint64_t v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* True if [off, off + len) lies within size, without overflow. */
static int within(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

int elf_parse(const void *image, size_t size, struct elf_image *out,
	      char *err, size_t err_size)
{
	const uint8_t *e = image;
	uint64_t phoff;
	unsigned int phnum;

	memset(out, 0, sizeof(*out));
	if (size < EHDR_SIZE || memcmp(e, "\177ELF", 4) != 0) {
		fmt_snprintf(err, err_size, "not an ELF file");
		return -1;
	}
	if (e[4] != 2 || e[5] != 1) {
		fmt_snprintf(err, err_size, "not a 64-bit little-endian ELF");
		return -1;
	}
	if (rd(e + 16, 2) != ET_EXEC || rd(e + 18, 2) != EM_MIPS) {
		fmt_snprintf(err, err_size, "not a MIPS executable (type %u, machine %u)",
			     (unsigned int)rd(e + 16, 2), (unsigned int)rd(e + 18, 2));
		return -1;
	}
	out->entry = rd(e + 24, 8);
	phoff = rd(e + 32, 8);
	phnum = (unsigned int)rd(e + 56, 2);
	if (rd(e + 54, 2) != PHDR_SIZE || !within(phoff, (uint64_t)phnum * PHDR_SIZE, size)) {
		fmt_snprintf(err, err_size, "program headers outside the file");
		return -1;
	}
	for (unsigned int i = 0; i < phnum; i++) {
		const uint8_t *ph = e + phoff + (uint64_t)i * PHDR_SIZE;
		struct elf_segment *s;
		if (rd(ph, 4) != PT_LOAD)
			continue;
		if (out->nsegs == ELF_MAX_SEGMENTS) {
			fmt_snprintf(err, err_size, "more than %d loadable segments",
				     ELF_MAX_SEGMENTS);
			return -1;
		}
		s = &out->seg[out->nsegs++];
		s->offset = rd(ph + 8, 8);
		s->vaddr = rd(ph + 16, 8);
		s->filesz = rd(ph + 32, 8);
		s->memsz = rd(ph + 40, 8);
		if (!within(s->offset, s->filesz, size) || s->filesz > s->memsz ||
		    s->vaddr + s->memsz < s->vaddr) {
			fmt_snprintf(err, err_size, "segment %u does not fit the file or wraps", i);
			return -1;
		}
	}
	if (out->nsegs == 0) {
		fmt_snprintf(err, err_size, "no loadable segment");
		return -1;
	}
	return 0;
}
