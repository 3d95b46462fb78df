/*
 * Checking and reading a 64-bit little-endian MIPS ELF executable (a guest
 * image). Pure C, unit-tested on the host.
 */
#ifndef MONITOR_ELF_H
#define MONITOR_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 8

struct elf_segment {
	uint64_t vaddr;         /* where it runs */
	uint64_t offset;        /* where its bytes are in the file */
	uint64_t filesz;        /* bytes from the file; the rest up to memsz is zero */
	uint64_t memsz;
};

struct elf_image {
	uint64_t entry;
	unsigned int nsegs;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/*
 * Checks that image[size] is an ELF64 little-endian MIPS executable whose
 * loadable segments lie within the file, and lists them. Returns 0, or -1
 * with a one-line reason in err.
 */
int elf_parse(const void *image, size_t size, struct elf_image *out,
	      char *err, size_t err_size);

#endif
