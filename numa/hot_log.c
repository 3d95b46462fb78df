/*
 * The hot-page log (see placement.h): with `numa_log` on the command line,
 * each page the engine finds hot is kept with its VM, its source, the node
 * that made it hot and its machine frame then, and printed at its VM's end.
 * make bench-numa compares them with the ccNUMA model's pages with the most
 * remote misses: how well each source finds the pages that matter.
 */
#include "arch/atomic.h"
#include "mmu/machmem.h"
#include "monitor/console.h"
#include "monitor/percpu.h"
#include "monitor/vm.h"
#include "numa/placement.h"

bool numa_hot_log_on;

#define HOT_LOG_MAX 8192
struct hot_record {
	uint32_t frame;
	uint8_t vm, source, node;
};
static struct hot_record hot_log[HOT_LOG_MAX];
static volatile uint32_t hot_logged;

void numa_log_hot(const struct vm *vm, uint32_t gpage, enum numa_source src)
{
	uint32_t i, frame = pmap_lookup(&vm->pmap, (uint64_t)gpage << PAGE_SHIFT);

	if (!numa_hot_log_on || frame == PA_NONE || (i = atomic_add_return(&hot_logged, 1) - 1) >= HOT_LOG_MAX)
		return;
	hot_log[i] = (struct hot_record){ frame, (uint8_t)(vm - vms), (uint8_t)src,
					  (uint8_t)this_cpu()->node };
}

/* The machine frames the VM holds, as runs "numa-frames FIRST COUNT": which
 * of the cost model's pages are the VM's (and not the monitor's). */
static void print_frames(const struct vm *vm)
{
	const struct pmap *pm = &vm->pmap;
	uint32_t first = PA_NONE, count = 0;

	for (uint32_t page = 0; page <= pm->npages; page++) {
		uint32_t frame = page < pm->npages ?
				 pmap_lookup(pm, (uint64_t)page << PAGE_SHIFT) : PA_NONE;

		if (count && frame == first + count) {
			count++;
			continue;
		}
		if (count)
			con_printf("disco: vm %s: numa-frames %x %u\n", vm->cfg.name, first, count);
		first = frame;
		count = frame != PA_NONE;
	}
}

void numa_print_hot_log(const struct vm *vm)
{
	static const char *const names[] = { "refill", "fill", "hint" };
	uint32_t n = hot_logged < HOT_LOG_MAX ? hot_logged : HOT_LOG_MAX;

	if (!numa_hot_log_on)
		return;
	for (uint32_t i = 0; i < n; i++)
		if (hot_log[i].vm == (uint8_t)(vm - vms))
			con_printf("disco: vm %s: numa-hot %s frame %x node %u\n", vm->cfg.name,
				   names[hot_log[i].source], hot_log[i].frame, hot_log[i].node);
	if (hot_logged > HOT_LOG_MAX)
		con_printf("disco: numa-hot: %u more not kept\n", hot_logged - HOT_LOG_MAX);
	print_frames(vm);
}

