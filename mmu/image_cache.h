/*
 * The image cache: one machine copy of a guest image's loaded pages for
 * every VM booted from it (Disco shared its kernels' text the same way).
 * An entry is keyed by the image file in the boot bundle (its bytes'
 * address and size) and holds what loading it writes: the pages its ranges
 * touch, zero around the file bytes, as it would be in a fresh VM. VMs map
 * the pages shared (pmap_map_shared): read-only, and a store gives that VM
 * a private copy (mmu/pmap.h). So the pages that are never written (a
 * kernel's text and read-only data) stay one copy, whatever the number of
 * VMs.
 *
 * The cache's pages are ordinary machine memory outside any VM's promise;
 * an entry lives while a VM uses it (image_cache_put at the VM's end).
 * Sharing bookkeeping is here and in the pmaps' states: the memmap (per
 * machine page, its users) takes it over.
 */
#ifndef MMU_IMAGE_CACHE_H
#define MMU_IMAGE_CACHE_H

#include <stdint.h>
#include "mmu/pmap.h"

/* One piece of an image: len bytes from data go to guest-physical gpa. */
struct image_range {
	uint64_t gpa;
	const void *data;
	uint64_t len;
};

#define IMAGE_MAX_RANGES 16

struct image_cache_entry;

/*
 * The entry for the image file [file, file + size) loaded as ranges[0..n):
 * found, or built with its pages preferring node. A new one needs every
 * page between the ranges' first and last: NULL when that memory is not
 * available (mem_alloc_pages) or the cache is full; the caller then loads
 * the image into the VM's own pages. Counts a user.
 */
struct image_cache_entry *image_cache_get(const void *file, uint64_t size,
					  const struct image_range *ranges,
					  unsigned int n, unsigned int node);

/* Maps every page of the entry into pm, shared. -1 if pm cannot take them
 * (outside its memory, or backed already). */
int image_cache_map(const struct image_cache_entry *e, struct pmap *pm);

/* The guest-physical pages the entry covers: [*first, *first + *n). */
void image_cache_range(const struct image_cache_entry *e, uint32_t *first, uint32_t *n);

/* A user is done (its pmap destroyed first): the last frees the pages. */
void image_cache_put(struct image_cache_entry *e);

/* Machine pages the cache holds now (its tables included). */
uint64_t image_cache_pages(void);

#endif
