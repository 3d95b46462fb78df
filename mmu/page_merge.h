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
 * The unit is the guest's own page (2^cow_order machine pages, from its TLB
 * contract: Linux's 16 KiB), so that a merged page is still one machine-
 * contiguous block the real TLB and the l2tlb map with one entry, and a
 * copy on write copies it whole. A scan hashes a VM's private guest pages
 * and remembers a 32-bit sum of each (pmap.merge_sums); only a page whose
 * sum is the same as at the last scan is merged (pages the guest is busy
 * writing are left alone, as Linux's KSM does). Such a page
 *  - of zeros is given back and unbacked again (page_drop_if_zero), its
 *    next touch a demand-zero fill: no machine page at all;
 *  - whose content a merged block has is shared from it (page_share_if_same);
 *  - whose hash a different page had (a hint table, direct-mapped: one
 *    (VM, page) per hash, a later page takes the slot) is copied into a new
 *    merged block and shared from it; the other page follows when the scan
 *    of its VM reaches it.
 * Merged blocks are owned here, entered by hash in a table under one lock,
 * each mapped by at most PAGE_MERGE_MAX_USERS guest pages (a copy on write
 * walks the frame's memmap chain); one no VM maps any more is given back by
 * a later scan. A page is only ever shared after the byte-for-byte compare
 * of page_share_if_same, so a hash collision or a page changed since it was
 * hashed costs a compare, never a wrong page.
 *
 * The price: a merged page's store copies it again (a copy on write), each
 * merge or give-back is a shoot-down of the page's translations, and a
 * guest page taken out of a larger private block splits the block (the
 * real TLB can no longer map the block with one large page).
 */
#ifndef MMU_PAGE_MERGE_H
#define MMU_PAGE_MERGE_H

#include <stdint.h>
#include "mmu/pmap.h"

#define PAGE_MERGE_MAX_USERS 64         /* guest pages one merged block backs */
#define PAGE_MERGE_FRAMES_MAX 65536     /* merged blocks at most */
#define PAGE_MERGE_SEEN_SLOTS 65536     /* the hint table's slots */

struct page_merge_stats {
	uint64_t scanned;       /* machine pages hashed */
	uint64_t merged;        /* guest pages given back for a merged block */
	uint64_t zero;          /* guest pages of zeros given back (unbacked again) */
	uint64_t differed;      /* guest pages whose compare failed (changed, a collision) */
	uint64_t refused;       /* tries refused (pinned, moving, split, no promise) */
	uint64_t frames;        /* machine pages the merged blocks hold now */
	uint64_t freed;         /* machine pages of merged blocks given back, unused */
	uint64_t no_frame;      /* a new merged block could not be had */
};

/*
 * Takes the tables (2.25 MiB of monitor memory) on first use. Returns
 * 0, or -1 if they cannot be had (nothing merges then).
 */
int page_merge_init(void);

/*
 * Looks at pm's guest pages from *cursor on until `budget` machine pages of
 * private guest pages were hashed or 16 * budget pages passed; merges or
 * gives back those unchanged since the last scan whose content is zeros, a
 * merged block's or another page's; gives back a few merged blocks nobody
 * maps. Advances *cursor (back to 0 after the last page). Returns the
 * machine pages merged or given back. Where page_share may be called (a CPU that may wait for cross-
 * calls, no lock held), while pm's VM cannot end; pm's scans one at a time.
 */
unsigned int page_merge_scan(struct pmap *pm, uint32_t *cursor, unsigned int budget);

/* Machine pages the merged frames hold now (they are held for VMs). */
uint64_t page_merge_frames(void);

void page_merge_get_stats(struct page_merge_stats *st);

#endif
