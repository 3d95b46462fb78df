/*
 * The real TLB while guests run (see arch/vcpu.h). The monitor itself runs
 * unmapped, so every real entry belongs to the guest on this CPU: its
 * direct-map window pages and the pages its own TLB maps. Entries are
 * written with tlbwi at a round-robin index the monitor chooses, and a
 * shadow copy of what each index holds lets a guest tlbwi/tlbwr drop exactly
 * the real entries its old mapping produced. A tlbp before each write keeps
 * duplicates out (QEMU never raises a machine check for them; hardware may).
 */
#include <stdint.h>
#include "arch/addrspace.h"
#include "arch/board.h"
#include "arch/cpu.h"
#include "arch/vcpu.h"
#include "monitor/percpu.h"

#define ENTRYLO_G   (1u << 0)
#define ENTRYLO_V   (1u << 1)
#define ENTRYLO_D   (1u << 2)
#define ENTRYLO_CCA_SHIFT 3
#define ENTRYHI_VPN2_MASK 0xc00003ffffffe000ul   /* R and VPN2 (SEGBITS 42) */
#define PAIR_SIZE   0x2000ul    /* of 4 KiB pages; larger: PAIR_SIZE << order */
#define TLB_MAX     64
#define SLOT_EMPTY  (~0ul)      /* not a pair address (those are 8K-aligned) */

struct tlb_shadow {
	unsigned int next;              /* round-robin victim */
	uint64_t slot_va[TLB_MAX];      /* pair address held, or SLOT_EMPTY */
	uint64_t slot_size[TLB_MAX];    /* and the pair's size */
};

static struct tlb_shadow shadow[MAX_CPUS];

/* An entry that can never match: a distinct CKSEG0 pair per index. */
static uint64_t unused_entryhi(unsigned int index)
{
	return CKSEG0_BASE + ((uint64_t)index << 13);
}

static uint64_t entrylo(const struct tlb_half *h, bool global)
{
	uint64_t pa;

	if (h->frame == UINT32_MAX)
		return global ? ENTRYLO_G : 0;
	pa = arch_ram_base() + ((uint64_t)h->frame << 12);
	return (pa >> 12) << 6 | (uint64_t)h->cca << ENTRYLO_CCA_SHIFT |
	       (h->dirty ? ENTRYLO_D : 0) | ENTRYLO_V | (global ? ENTRYLO_G : 0);
}

static void write_index(unsigned int index, uint64_t hi, uint64_t lo0, uint64_t lo1,
			uint64_t pagemask)
{
	write_c0_pagemask(pagemask);
	write_c0_entryhi(hi);
	write_c0_entrylo0(lo0);
	write_c0_entrylo1(lo1);
	write_c0_index(index);
	__asm__ volatile("tlbwi\n\tehb" : : : "memory");
	write_c0_pagemask(0);
}

static void invalidate(struct tlb_shadow *s, unsigned int index)
{
	write_index(index, unused_entryhi(index), 0, 0, 0);
	s->slot_va[index] = SLOT_EMPTY;
}

static void flush_overlapping(struct tlb_shadow *s, uint64_t start, uint64_t end)
{
	unsigned int n = cpu_tlb_entries();

	for (unsigned int i = 0; i < n; i++) {
		uint64_t va = s->slot_va[i];
		if (va != SLOT_EMPTY && va < end && va + s->slot_size[i] > start)
			invalidate(s, i);
	}
}

void arch_tlb_insert(uint64_t va, const struct tlb_half half[2], uint8_t asid,
		     bool global, unsigned int order)
{
	struct tlb_shadow *s = &shadow[arch_cpu_id()];
	uint64_t size = PAIR_SIZE << order;
	uint64_t pair = va & ENTRYHI_VPN2_MASK & ~(size - 1);
	uint64_t hi = pair | asid;
	unsigned int n = cpu_tlb_entries(), index;

	if (order) {    /* smaller entries inside it would match twice */
		flush_overlapping(s, pair, pair + size);
		index = 0x80000000u;
	} else {
		write_c0_entryhi(hi);
		__asm__ volatile("tlbp\n\tehb" : : : "memory");
		index = read_c0_index();
	}
	if (index & 0x80000000u) {      /* no entry for this pair: a victim */
		index = s->next;
		s->next = (s->next + 1) % n;
	}
	write_index(index, hi, entrylo(&half[0], global), entrylo(&half[1], global),
		    (size - 1) & ~(PAIR_SIZE - 1));
	s->slot_va[index] = pair;
	s->slot_size[index] = size;
	write_c0_entryhi(asid);
}

void arch_tlb_flush_range(uint64_t start, uint64_t end)
{
	flush_overlapping(&shadow[arch_cpu_id()], start, end);
	write_c0_entryhi(0);
}

void arch_tlb_flush_all(void)
{
	struct tlb_shadow *s = &shadow[arch_cpu_id()];
	unsigned int n = cpu_tlb_entries();

	for (unsigned int i = 0; i < n; i++)
		invalidate(s, i);
	write_c0_wired(0);
	write_c0_entryhi(0);
}

void arch_set_asid(uint8_t asid)
{
	write_c0_entryhi(asid);
}
