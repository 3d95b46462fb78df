/*
 * Machine memory (see machmem.h). The frame table sits in RAM just past the
 * monitor image; RAM below the image keeps the boot loader's table; a
 * -initrd image stays reserved for whoever reads it.
 */
#include <stdbool.h>
#include "arch/addrspace.h"
#include "arch/board.h"
#include "mmu/machmem.h"
#include "mmu/memmap.h"
#include "monitor/string.h"
#include "monitor/monitor.h"
#include "monitor/spinlock.h"

static struct page_alloc allocator;
static spinlock_t mem_lock = SPINLOCK_INIT;
static uint64_t frame_table_bytes;
static uint64_t promised;       /* pages set aside (mem_promise), under mem_lock */
struct memmap memmap;

static uint64_t page_up(uint64_t x)
{
	return (x + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static void *offset_to_ptr(uint64_t off)
{
	return phys_to_virt(arch_ram_base() + off);
}

/* Frees [start, end) of RAM, in offsets, rounded inwards to pages. */
static void release(uint64_t start, uint64_t end)
{
	start = page_up(start);
	end &= ~(PAGE_SIZE - 1);
	if (end > start)
		pa_release_range(&allocator, (uint32_t)(start >> PAGE_SHIFT),
				 (uint32_t)((end - start) >> PAGE_SHIFT));
}

static bool overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
	return a < b_end && b < a_end;
}

/* A zeroed page for the memmap's pool of further users. */
static void *memmap_page(void)
{
	void *p = mem_alloc_pages(0, 0);

	if (p)
		memset(p, 0, PAGE_SIZE);
	return p;
}

void mem_init(const struct boot_info *bi, const struct numa_topology *topo)
{
	uint32_t nframes = (uint32_t)(bi->ram_size >> PAGE_SHIFT);
	uint64_t rd = bi->initrd_start, rd_end = bi->initrd_start + bi->initrd_size;
	uint64_t table = page_up(bi->image_end);
	uint64_t table_end;

	/* the allocator's frame table, then the memmap's records */
	uint64_t memmap_at = ((uint64_t)nframes * sizeof(struct pa_frame) + 7) & ~7ull;

	frame_table_bytes = memmap_at + memmap_table_bytes(nframes);
	table_end = page_up(table + frame_table_bytes);
	if (bi->initrd_size && overlaps(table, table_end, rd, rd_end)) {
		table = page_up(rd_end);        /* QEMU put the initrd right there */
		table_end = page_up(table + frame_table_bytes);
	}
	if (table_end > bi->ram_size)
		panic("RAM (%lu bytes) too small for the monitor",
		      (unsigned long)bi->ram_size);

	pa_init(&allocator, offset_to_ptr(table), nframes, topo);
	memmap_init(&memmap, (struct memmap_user *)((char *)offset_to_ptr(table) + memmap_at),
		    nframes, memmap_page);
	/* Free: everything from reserved_below up, but the image, the table
	 * and the initrd, in address order. */
	release(bi->reserved_below, bi->image_start);
	if (!bi->initrd_size) {
		release(table_end, bi->ram_size);
	} else if (table < rd) {        /* image, table, initrd */
		release(table_end, rd);
		release(rd_end, bi->ram_size);
	} else {                        /* image, initrd, table */
		release(page_up(bi->image_end), rd);
		release(table_end, bi->ram_size);
	}
}

static uint64_t free_total(void)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < allocator.nnodes; i++)
		n += pa_free_frames(&allocator, i);
	return n;
}

/* An allocation outside any promise may not dip into the promised pages. */
static void *alloc(unsigned int order, unsigned int node, bool fallback)
{
	unsigned long flags = spin_lock_irqsave(&mem_lock);
	uint32_t f = PA_NONE;

	if (free_total() >= promised + (1ull << order))
		f = fallback ? pa_alloc(&allocator, order, node)
			     : pa_alloc_on(&allocator, order, node);
	spin_unlock_irqrestore(&mem_lock, flags);
	return f == PA_NONE ? 0 : offset_to_ptr((uint64_t)f << PAGE_SHIFT);
}

bool mem_promise(uint64_t pages)
{
	unsigned long flags = spin_lock_irqsave(&mem_lock);
	bool ok = free_total() >= promised + pages;

	if (ok)
		promised += pages;
	spin_unlock_irqrestore(&mem_lock, flags);
	return ok;
}

void mem_unpromise(uint64_t pages)
{
	unsigned long flags = spin_lock_irqsave(&mem_lock);

	if (pages > promised)
		panic("mem_unpromise(%lu): only %lu pages promised",
		      (unsigned long)pages, (unsigned long)promised);
	promised -= pages;
	spin_unlock_irqrestore(&mem_lock, flags);
}

void *mem_alloc_promised(unsigned int order, unsigned int node)
{
	unsigned long flags = spin_lock_irqsave(&mem_lock);
	uint32_t f = PA_NONE;

	if (promised < (1ull << order))
		panic("mem_alloc_promised(order %u): only %lu pages promised",
		      order, (unsigned long)promised);
	f = pa_alloc(&allocator, order, node);
	if (f != PA_NONE)
		promised -= 1ull << order;
	spin_unlock_irqrestore(&mem_lock, flags);
	if (f == PA_NONE && !order)
		panic("mem_alloc_promised: a promised page is not free");
	return f == PA_NONE ? 0 : offset_to_ptr((uint64_t)f << PAGE_SHIFT);
}

uint64_t mem_promised_pages(void)
{
	return promised;
}

uint64_t mem_available_pages(void)
{
	unsigned long flags = spin_lock_irqsave(&mem_lock);
	uint64_t free = free_total();
	uint64_t n = free > promised ? free - promised : 0;

	spin_unlock_irqrestore(&mem_lock, flags);
	return n;
}

void *mem_frame_ptr(uint32_t frame)
{
	return offset_to_ptr((uint64_t)frame << PAGE_SHIFT);
}

uint32_t mem_frame_of(const void *p)
{
	return (uint32_t)(mem_offset(p) >> PAGE_SHIFT);
}

void *mem_alloc_pages(unsigned int order, unsigned int node)
{
	return alloc(order, node, true);
}

void *mem_alloc_pages_on(unsigned int order, unsigned int node)
{
	return alloc(order, node, false);
}

uint64_t mem_offset(const void *p)
{
	return virt_to_phys(p) - arch_ram_base();
}

void mem_split_pages(void *block, unsigned int order, void *sub, unsigned int sub_order)
{
	unsigned long flags = spin_lock_irqsave(&mem_lock);
	bool ok = pa_split(&allocator, mem_frame_of(block), order, mem_frame_of(sub), sub_order);

	spin_unlock_irqrestore(&mem_lock, flags);
	if (!ok)
		panic("mem_split_pages(%p, order %u, %p, order %u): not a block and a sub-block",
		      block, order, sub, sub_order);
}

void mem_free_pages(void *p, unsigned int order)
{
	uint64_t off = mem_offset(p);
	unsigned long flags = spin_lock_irqsave(&mem_lock);
	bool ok = pa_free(&allocator, (uint32_t)(off >> PAGE_SHIFT), order);

	spin_unlock_irqrestore(&mem_lock, flags);
	if (!ok)
		panic("mem_free_pages(%p, order %u): not an allocated block", p, order);
}

unsigned int mem_node_of(const void *p)
{
	return pa_node_of(&allocator, (uint32_t)(mem_offset(p) >> PAGE_SHIFT));
}

uint64_t mem_free_pages_on(unsigned int node)
{
	return pa_free_frames(&allocator, node);
}

uint64_t mem_free_pages_total(void)
{
	return free_total();
}

uint64_t mem_frame_table_bytes(void)
{
	return frame_table_bytes;
}
