/*
 * The scans that merge identical pages (mmu/page_merge.h) in running VMs.
 * With `merge=N` on the monitor's command line, a CPU running a vCPU
 * hashes the next N private pages of that vCPU's VM every T of its timer
 * ticks (`merge_ticks=T`, default 10), walking the VM's memory from the
 * bottom, round after round, and shares those whose content another page
 * has. Off by default, and under `noshare`. The VM's report at its end
 * and `mem` at the prompt give what it merged.
 */
#ifndef MONITOR_MERGE_SCAN_H
#define MONITOR_MERGE_SCAN_H

#include <stdint.h>

struct vm;

#define MERGE_SCAN_TICKS 10     /* merge_ticks' default */
#define MERGE_SCAN_MAX 256      /* merge=N at most */

/* N from merge=N: pages a scan hashes (0: off); T from merge_ticks=T. */
extern unsigned int merge_scan_pages, merge_scan_ticks;

/* Reads merge= and merge_ticks= from the command line (a malformed value
 * says so and leaves merging off) and takes page_merge's tables. */
void merge_scan_setup(void);

/*
 * On a CPU about to return to one of vm's vCPUs (no lock held), at most
 * every merge_scan_ticks: hashes and merges vm's next merge_scan_pages
 * private pages. Several CPUs of one VM take turns (the one that finds
 * another at it skips).
 */
void merge_scan_tick(struct vm *vm);

#endif
