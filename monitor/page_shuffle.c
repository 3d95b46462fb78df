/*
 * The page shuffle (see page_shuffle.h).
 */
#include "arch/atomic.h"
#include "mmu/page_move.h"
#include "monitor/cmdline.h"
#include "monitor/console.h"
#include "monitor/monitor.h"
#include "monitor/page_shuffle.h"
#include "monitor/vm.h"

unsigned int page_shuffle_pieces, page_shuffle_ticks = PAGE_SHUFFLE_TICKS;

void page_shuffle_setup(void)
{
	uint64_t n = 0;
	enum cmdline_result r = cmdline_get_size(&monitor_cmdline, "shuffle", &n);

	if (r == CMDLINE_MALFORMED || n > PAGE_MOVE_BATCH) {
		con_printf("disco: shuffle=%s: want 0 to %d; no shuffle\n",
			   cmdline_get(&monitor_cmdline, "shuffle"), PAGE_MOVE_BATCH);
		n = 0;
	}
	page_shuffle_pieces = (unsigned int)n;
	n = PAGE_SHUFFLE_TICKS;
	r = cmdline_get_size(&monitor_cmdline, "shuffle_ticks", &n);
	if (r == CMDLINE_MALFORMED || n < 1 || n > 1000) {
		con_printf("disco: shuffle_ticks=%s: want 1 to 1000; using %d\n",
			   cmdline_get(&monitor_cmdline, "shuffle_ticks"), PAGE_SHUFFLE_TICKS);
		n = PAGE_SHUFFLE_TICKS;
	}
	page_shuffle_ticks = (unsigned int)n;
	if (page_shuffle_pieces)
		con_printf("disco: shuffle: %u pieces of each running VM move every %u ticks\n",
			   page_shuffle_pieces, page_shuffle_ticks);
}

/* The next piece of vm's memory from its cursor on (a private page, or its
 * block in an even round); false once the cursor has gone round. */
static bool next_piece(struct vm *vm, struct page_move_piece *p)
{
	const struct pmap *pm = &vm->pmap;
	bool pages = vm->shuffle_rounds & 1;

	while (vm->shuffle_next < pm->npages) {
		uint64_t gpa = (uint64_t)vm->shuffle_next << PAGE_SHIFT;

		if (pmap_state(pm, gpa) != PMAP_PRIVATE) {
			vm->shuffle_next++;
			continue;
		}
		p->gpa = gpa;
		p->order = pages ? 0 : pmap_block_order(pm, gpa);
		/* aligned to its size (a block backed after the cursor passed
		 * its start holds the cursor in its middle) */
		while (p->order && (vm->shuffle_next & ((1u << p->order) - 1)))
			p->order--;
		vm->shuffle_next += 1u << p->order;
		return true;
	}
	vm->shuffle_next = 0;
	vm->shuffle_rounds++;
	return false;
}

void page_shuffle_tick(struct vm *vm)
{
	struct page_move_piece piece[PAGE_MOVE_BATCH];
	unsigned int n = 0;

	if (atomic_cmpxchg(&vm->shuffle_busy, 0, 1) != 0)
		return;
	while (n < page_shuffle_pieces && next_piece(vm, &piece[n]))
		n++;
	vm->shuffle_failed += n - page_move(&vm->pmap, piece, n, PAGE_MOVE_ANY);
	smp_mb();
	vm->shuffle_busy = 0;
}
