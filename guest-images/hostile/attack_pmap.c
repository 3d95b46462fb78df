/*
 * The pmap's page states (docs/memory.md).
 *
 * Memory on demand: touch-all writes every page of its memory above its
 * image, each of which must read as zeros first (backed with a zeroed page
 * when first touched: never another VM's data), and reads its values back;
 * the victim beside it runs on (its memory was set aside when it loaded).
 *
 * Copy-on-write: two VMs of this same image (tests/run.sh's cow test) map
 * its loaded pages shared, one machine copy (mmu/image_cache.h). The writer
 * stores into its own text, data and read-only data, through the cached
 * window, the uncached window and a mapping of its own TLB, and must read
 * its own values back every time; the watcher, on the same CPU meanwhile,
 * must only ever see the image's values: a store reaching the shared page
 * would show there (ESCAPE).
 */
#include "attack.h"

#define COW_TEXT	0x7465787420636f77UL	/* the image's values */
#define COW_DATA	0x6461746120636f77UL
#define COW_RODATA	0x726f646174612063UL
#define COW_NEW		0x5752495454454e00UL	/* the writer's, + 1, 2, 3 */
#define COW_VA		0x20000000UL		/* the writer's own mapping */

extern volatile u64 cow_text_word;
__asm__(".text\n .balign 8\n .globl cow_text_word\ncow_text_word: .dword 0x7465787420636f77\n");
volatile u64 cow_data_word = COW_DATA;
static const volatile u64 cow_rodata_word = COW_RODATA;

static u64 pa_of(const volatile void *p)
{
	return (u64)p - CACHED(0);
}

static void expect(const char *what, u64 va, u64 want, int own)
{
	u64 v = 0;

	if (try_load(va, &v) != -1)
		BROKEN("%s: load at %lx faulted", what, va);
	else if (v != want && own)
		ESCAPE("%s: own store lost: read %lx, stored %lx", what, v, want);
	else if (v != want)
		ESCAPE("%s: reads %lx, another VM's store through a shared page", what, v);
}

static void store(const char *what, u64 va, u64 val)
{
	if (try_store(va, val) != -1)
		BROKEN("%s: store at %lx faulted", what, va);
}

void case_cow_write(void)
{
	u64 rodata = (u64)&cow_rodata_word, mapped = COW_VA + (rodata & 0xfff);
	u64 flags = ENTRYLO_C(3) | ENTRYLO_G | ENTRYLO_V | ENTRYLO_D;
	u64 start = now_ticks();

	expect("text", (u64)&cow_text_word, COW_TEXT, 1);
	expect("data", (u64)&cow_data_word, COW_DATA, 1);
	expect("rodata", rodata, COW_RODATA, 1);
	/* the copies after 20 ms, so that a second vCPU on another CPU
	 * (mem-cow-2cpus) has run there first and that CPU's real TLB may
	 * hold the VM's entries: each copy must then flush it too */
	while (now_ticks() - start < ms_to_ticks(20))
		yield();
	tlb_set(5, COW_VA, ENTRYLO_PFN(pa_of(&cow_rodata_word)) | flags,
		ENTRYLO_PFN(pa_of(&cow_rodata_word) + 4096) | flags, PM_4K);
	expect("rodata mapped", mapped, COW_RODATA, 1);
	store("text", (u64)&cow_text_word, COW_NEW + 1);
	store("data uncached", UNCACHED(pa_of(&cow_data_word)), COW_NEW + 2);
	store("rodata mapped", mapped, COW_NEW + 3);
	while (now_ticks() - start < ms_to_ticks(ATTACK_MS / 2)) {
		expect("text", (u64)&cow_text_word, COW_NEW + 1, 1);
		expect("data", (u64)&cow_data_word, COW_NEW + 2, 1);
		expect("data uncached", UNCACHED(pa_of(&cow_data_word)), COW_NEW + 2, 1);
		expect("rodata", rodata, COW_NEW + 3, 1);
		expect("rodata mapped", mapped, COW_NEW + 3, 1);
		if (escapes || broken)
			break;
		yield();
	}
	tlb_init();
	NOTE("wrote and read back its text, data and rodata");
}

void case_cow_watch(void)
{
	u64 start = now_ticks(), rounds = 0;

	while (now_ticks() - start < ms_to_ticks(ATTACK_MS) && !escapes && !broken) {
		expect("text", (u64)&cow_text_word, COW_TEXT, 0);
		expect("data", (u64)&cow_data_word, COW_DATA, 0);
		expect("rodata", (u64)&cow_rodata_word, COW_RODATA, 0);
		rounds++;
		yield();
	}
	NOTE("%lu rounds saw only the image's values", rounds);
}

void case_touch_all(void)
{
	extern char _end[];
	u64 start = (img_phys(_end) + 4095) & ~4095UL, pages = 0, stale = 0;

	for (u64 pa = start; pa < ATTACK_MEM - 64 * 1024; pa += 4096) {
		volatile u64 *w = (volatile u64 *)CACHED(pa);

		if (w[0] || w[511])
			stale++;
		w[0] = pa ^ 0x746f756368UL;
		w[511] = ~pa;
		pages++;
	}
	for (u64 pa = start; pa < ATTACK_MEM - 64 * 1024; pa += 4096) {
		volatile u64 *w = (volatile u64 *)UNCACHED(pa);

		if (w[0] != (pa ^ 0x746f756368UL) || w[511] != ~pa)
			BROKEN("page %lx lost its values", pa);
	}
	if (stale)
		ESCAPE("%lu pages were not zero before it wrote them", stale);
	NOTE("%lu pages written and read back", pages);
}
