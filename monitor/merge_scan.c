/*
 * The merge scans (see merge_scan.h).
 */
#include "arch/atomic.h"
#include "mmu/page_merge.h"
#include "monitor/cmdline.h"
#include "monitor/console.h"
#include "monitor/merge_scan.h"
#include "monitor/monitor.h"
#include "monitor/vm.h"

unsigned int merge_scan_pages, merge_scan_ticks = MERGE_SCAN_TICKS;

void merge_scan_setup(void)
{
	uint64_t n = 0, t = MERGE_SCAN_TICKS;
	enum cmdline_result r = cmdline_get_size(&monitor_cmdline, "merge", &n);

	if (r == CMDLINE_MALFORMED || n > MERGE_SCAN_MAX) {
		con_printf("disco: merge=%s: want 0 to %d pages a scan; no merging\n",
			   cmdline_get(&monitor_cmdline, "merge"), MERGE_SCAN_MAX);
		return;
	}
	r = cmdline_get_size(&monitor_cmdline, "merge_ticks", &t);
	if (r == CMDLINE_MALFORMED || t < 1 || t > 1000) {
		con_printf("disco: merge_ticks=%s: want 1 to 1000; using %d\n",
			   cmdline_get(&monitor_cmdline, "merge_ticks"), MERGE_SCAN_TICKS);
		t = MERGE_SCAN_TICKS;
	}
	if (!n)
		return;
	if (cmdline_get(&monitor_cmdline, "noshare")) {
		con_printf("disco: merge=%lu: noshare shares nothing; no merging\n",
			   (unsigned long)n);
		return;
	}
	if (page_merge_init() != 0) {
		con_printf("disco: merge: no memory for its tables; no merging\n");
		return;
	}
	merge_scan_ticks = (unsigned int)t;
	merge_scan_pages = (unsigned int)n;
	con_printf("disco: merge: %u pages of each running VM hashed every %u ticks, identical ones shared\n",
		   merge_scan_pages, merge_scan_ticks);
}

void merge_scan_tick(struct vm *vm)
{
	if (atomic_cmpxchg(&vm->merge_busy, 0, 1) != 0)
		return;
	vm->merged_pages += page_merge_scan(&vm->pmap, &vm->merge_next, merge_scan_pages);
	smp_mb();
	vm->merge_busy = 0;
}
