/*
 * Disco's sharing of a machine page the monitor already holds (a block of
 * a disk image in the buffer cache, devices/buffer_cache.h) into a VM, in
 * place of the page the VM had there: the VM maps it read-only, as a
 * shared page of its pmap (mmu/pmap.h), and a store copies it (copy on
 * write). This is how a guest's read of a disk block every VM reads costs
 * one machine page instead of one per VM.
 */
#ifndef MMU_PAGE_SHARE_H
#define MMU_PAGE_SHARE_H

#include <stdint.h>
#include "mmu/pmap.h"

/*
 * Makes guest-physical page gpa (page-aligned) the shared machine page
 * `frame`, which stays the caller's and must hold what the VM is to read
 * there. What was there goes: an unbacked page stays promised; a private
 * page is given back (and its promise renewed, so a later store can still
 * copy); every translation of the old page the VM may hold is dropped
 * (the pmap's moved hook) before the call returns. Returns 0, or -1 with
 * nothing changed (the caller then copies): gpa outside the VM, pinned,
 * replicated or moving, no page of promise to give it, or the memmap full.
 * Where page_move may be called (not under the pmap's lock).
 */
int page_share(struct pmap *pm, uint64_t gpa, uint32_t frame);

/*
 * page_share for n pages at once (at most PMAP_MOVED_MAX): gpa[i] becomes
 * frame[i], with one shoot-down for all the pages it replaces (a guest's
 * read of 16 blocks costs one instead of 16). Returns the bit mask of the
 * pages it shared (bit i: gpa[i]); the others are as they were.
 */
uint32_t page_share_run(struct pmap *pm, const uint64_t *gpa, const uint32_t *frame,
			unsigned int n);

/*
 * For the merging of identical pages (mmu/page_merge.h): makes the aligned
 * 2^order private pages at gpa (one block of the pmap) the shared machine
 * pages from `frame` on, only if they hold what those hold, compared after
 * every translation of them was dropped, so that no store of the guest can
 * come between the compare and the share. Returns 0 (shared), 1 (they
 * differ: the pages stay the VM's, private, as they were) or -1 (not such
 * a block, pinned, replicated or moving, no promise, the memmap full).
 * The frames must not change.
 */
int page_share_if_same(struct pmap *pm, uint64_t gpa, uint32_t frame, unsigned int order);

/*
 * Gives the aligned 2^order private pages at gpa back if they hold only
 * zeros, looked at after every translation of them was dropped: they are
 * unbacked again, promised, and their next touch backs them with zeros
 * (demand-zero), as if never touched. Returns 0 (given back), 1 (not all
 * zeros: they stay, as they were) or -1 (as page_share_if_same).
 */
int page_drop_if_zero(struct pmap *pm, uint64_t gpa, unsigned int order);

#endif
