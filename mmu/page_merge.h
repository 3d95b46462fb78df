/*
 * Merging identical pages: content-based page sharing, as VMware's ESX
 * Server added it after Disco. Disco shared what it knew to be the same (a
 * disk block in the buffer cache, a kernel's image); this finds what is the
 * same by looking. VMs booted from one image hold many private pages with
 * equal contents (pages zeroed and not yet written, the unpacked initramfs,
 * kernel data set up the same way): each such content is kept once, as a
 * read-only machine page that every VM holding it maps copy-on-write
 * (mmu/page_share.h); the VMs' own copies are given back.
 *
 * A scan hashes a VM's private pages. Two tables, under one lock:
 *  - merged frames, by hash: the read-only machine pages this module owns,
 *    each mapped by at most PAGE_MERGE_MAX_USERS guest pages (a frame's
 *    users are a chain in the memmap that a copy-on-write walks); a frame
 *    no VM maps any more is given back by a later scan;
 *  - pages seen, by hash (a hint, direct-mapped: a later page takes the
 *    slot): one (VM, guest page) per hash. A page whose hash a different
 *    page had is copied into a new merged frame and shared from it; the
 *    other page follows when the scan of its VM reaches it.
 * A page of zeros needs no frame: it is given back and unbacked again
 * (page_drop_if_zero), its next touch a demand-zero fill.
 * A page is only ever shared after the compare of page_share_if_same, so a
 * hash collision or a page changed since it was hashed costs a compare,
 * never a wrong page.
 *
 * The price: a merged page's store copies it again (a copy on write), and
 * a 4 KiB page taken out of a larger private block splits the block (the
 * real TLB can no longer map it as one large page).
 */
#ifndef MMU_PAGE_MERGE_H
#define MMU_PAGE_MERGE_H

#include <stdint.h>
#include "mmu/pmap.h"

#define PAGE_MERGE_MAX_USERS 64         /* guest pages one merged frame backs */
#define PAGE_MERGE_FRAMES_MAX 65536     /* merged frames at most (256 MiB) */
#define PAGE_MERGE_SEEN_SLOTS 65536     /* the hint table's slots */

struct page_merge_stats {
	uint64_t scanned;       /* private pages hashed */
	uint64_t merged;        /* private pages given back for a merged frame */
	uint64_t zero;          /* pages of zeros given back (unbacked again) */
	uint64_t differed;      /* pages whose compare failed (changed or a collision) */
	uint64_t refused;       /* page_share_if_same refused (pinned, moving, no promise) */
	uint64_t frames;        /* merged frames held now */
	uint64_t freed;         /* merged frames given back, no user left */
	uint64_t no_frame;      /* a new merged frame could not be had */
};

/*
 * Takes the tables (2.25 MiB of monitor memory) on first use. Returns
 * 0, or -1 if they cannot be had (nothing merges then).
 */
int page_merge_init(void);

/*
 * Looks at pm's pages from *cursor on until `budget` private pages were
 * hashed or 16 * budget pages passed; merges those whose content a merged
 * frame or another page has; gives back a few merged frames nobody maps.
 * Advances *cursor (back to 0 after the last page). Returns the pages
 * merged. Where page_share may be called (a CPU that may wait for cross-
 * calls, no lock held), while pm's VM cannot end; pm's scans one at a time.
 */
unsigned int page_merge_scan(struct pmap *pm, uint32_t *cursor, unsigned int budget);

/* Machine pages the merged frames hold now (they are held for VMs). */
uint64_t page_merge_frames(void);

void page_merge_get_stats(struct page_merge_stats *st);

#endif
