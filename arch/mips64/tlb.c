/*
 * The real TLB while guests run (see arch/vcpu.h). The monitor itself runs
 * unmapped, so every real entry belongs to a guest: the pages its own TLB
 * maps, each under the real ASID of the guest address space it was made for
 * (mmu/asid.h), so that entries of two VMs, two vCPUs or two guest
 * processes never match each other's accesses and a switch between them is
 * a write of EntryHi; and the running vCPU's direct-map window pages,
 * global (the same for all its processes), dropped before another vCPU
 * runs here (arch_tlb_flush_global).
 *
 * Entries are written with tlbwr (Wired = 0) unless a tlbp finds an entry
 * for the same pair under the same ASID (then tlbwi there): nothing here,
 * or in the assembly refill path that writes with tlbwr too, knows which
 * index holds what. Before a large page goes in, the smaller entries it
 * overlaps under its ASID are dropped: QEMU takes the first match, real
 * hardware may raise a machine check for duplicates. Flushes find entries
 * with tlbp (a few pairs under one ASID) or by reading all 64 with tlbr.
 * A dropped entry gets a distinct CKSEG0 address per index (never
 * translated, never a duplicate), ASID 0 and both halves invalid.
 *
 * QEMU keeps an entry a tlbwr replaced as a hidden "shadow" that still
 * translates until a tlbr, a tlbwi that changes more than permissions, or a
 * tlbp that misses the real entries but matches it discards it (vtlb.h);
 * the flushes here end with a tlbr scan or a tlbp per pair, so they drop
 * shadows too.
 */
#include <stdint.h>
#include "arch/addrspace.h"
#include "arch/board.h"
#include "arch/cpu.h"
#include "arch/vcpu.h"
#include "mmu/asid.h"
#include "monitor/percpu.h"

#define ENTRYLO_G   (1u << 0)
#define ENTRYLO_V   (1u << 1)
#define ENTRYLO_D   (1u << 2)
#define ENTRYLO_CCA_SHIFT 3
#define ENTRYLO_PFN_SHIFT 6
#define ENTRYLO_PFN_MASK  0xffffffull           /* PABITS 36 */
#define ENTRYHI_VPN2_MASK 0xc00003ffffffe000ul   /* R and VPN2 (SEGBITS 42) */
#define ENTRYHI_ASID      0xffu
#define INDEX_P     0x80000000u
#define PAIR_SIZE   0x2000ul    /* of 4 KiB pages; larger: PAIR_SIZE << order */
#define PROBE_MAX   16          /* pairs dropped by tlbp; a larger range: a scan */
#define GLOBAL_MAX  16          /* global pairs remembered; more: a scan */

struct tlb_cpu {
	struct asid_space asids;
	struct arch_tlb_counts counts;
	uint64_t global_pair[GLOBAL_MAX];       /* EntryHi VPN2 of each global entry made */
	unsigned int nglobal;                   /* GLOBAL_MAX + 1: too many, scan */
} __attribute__((aligned(256)));        /* a power of two: this_tlb() is a shift
					 * (every return to a guest asks it) */

static struct tlb_cpu tlb_cpus[MAX_CPUS];

static struct tlb_cpu *this_tlb(void)
{
	return &tlb_cpus[arch_cpu_id()];
}

/* The real ASID the guest on this CPU runs under (prepare set it). */
static unsigned int current_asid(void)
{
	return (unsigned int)(read_c0_entryhi() & ENTRYHI_ASID);
}

/* An entry that can never match: a distinct CKSEG0 pair per index. */
static uint64_t unused_entryhi(unsigned int index)
{
	return CKSEG0_BASE + ((uint64_t)index << 13);
}

static uint64_t entrylo(const struct tlb_half *h)
{
	uint64_t pa;

	if (h->frame == UINT32_MAX)
		return 0;
	pa = arch_ram_base() + ((uint64_t)h->frame << 12);
	return (pa >> 12) << ENTRYLO_PFN_SHIFT | (uint64_t)h->cca << ENTRYLO_CCA_SHIFT |
	       (h->dirty ? ENTRYLO_D : 0) | ENTRYLO_V;
}

static void drop(unsigned int index)
{
	write_c0_pagemask(0);
	write_c0_entryhi(unused_entryhi(index));
	write_c0_entrylo0(0);
	write_c0_entrylo1(0);
	write_c0_index(index);
	__asm__ volatile("tlbwi\n\tehb" : : : "memory");
}

/* tlbp for hi (pair | ASID): the index of the entry that matches, or
 * INDEX_P. Leaves EntryHi = hi. */
static uint32_t probe(uint64_t hi)
{
	write_c0_entryhi(hi);
	__asm__ volatile("tlbp\n\tehb" : : : "memory");
	return read_c0_index();
}

/* Reads entry index into EntryHi, PageMask, EntryLo0/1 (tlbr); returns
 * the size of its pair. */
static uint64_t read_entry(unsigned int index)
{
	write_c0_index(index);
	__asm__ volatile("tlbr\n\tehb" : : : "memory");
	return ((uint64_t)read_c0_pagemask() | (PAIR_SIZE - 1)) + 1;
}

/* Whether the entry tlbr read (hi, of a pair of size) overlaps [start, end). */
static bool entry_overlaps(uint64_t hi, uint64_t size, uint64_t start, uint64_t end)
{
	uint64_t va = hi & ENTRYHI_VPN2_MASK & ~(size - 1);

	return va < end && va + size > start;
}

/* Drops the entries overlapping [start, end) that an access under asid
 * would match (its own and the global ones, as tlbp finds them), or under
 * any ASID if asid is ASID_NONE. EntryHi and PageMask are left clobbered. */
static void drop_range(uint64_t start, uint64_t end, unsigned int asid)
{
	unsigned int n = cpu_tlb_entries();

	start &= ~(PAIR_SIZE - 1);
	if (asid != ASID_NONE && end - start <= PROBE_MAX * PAIR_SIZE) {
		for (uint64_t va = start; va < end; va += PAIR_SIZE) {
			uint32_t index = probe((va & ENTRYHI_VPN2_MASK) | asid);

			if (!(index & INDEX_P))
				drop(index);
		}
		return;
	}
	for (unsigned int i = 0; i < n; i++) {
		uint64_t size = read_entry(i), hi = read_c0_entryhi();

		if (entry_overlaps(hi, size, start, end) &&
		    (asid == ASID_NONE || (hi & ENTRYHI_ASID) == asid ||
		     (read_c0_entrylo0() & ENTRYLO_G)))
			drop(i);        /* (a dropped entry never overlaps a guest's) */
	}
}

/* arch_tlb_insert, global (G in both halves) if global. */
static void insert(uint64_t va, const struct tlb_half half[2], unsigned int order, bool global)
{
	unsigned int asid = current_asid();
	uint64_t g = global ? ENTRYLO_G : 0;
	uint64_t size = PAIR_SIZE << order;
	uint64_t pair = va & ENTRYHI_VPN2_MASK & ~(size - 1);
	uint32_t index = INDEX_P;

	if (order)      /* smaller entries inside it would match twice */
		drop_range(pair, pair + size, asid);
	else            /* an entry for the pair (an invalid half, Mod): there */
		index = probe(pair | asid);
	write_c0_pagemask((uint32_t)((size - 1) & ~(PAIR_SIZE - 1)));
	write_c0_entryhi(pair | asid);
	write_c0_entrylo0(entrylo(&half[0]) | g);
	write_c0_entrylo1(entrylo(&half[1]) | g);
	if (index & INDEX_P) {
		__asm__ volatile("tlbwr\n\tehb" : : : "memory");
	} else {
		write_c0_index(index);
		__asm__ volatile("tlbwi\n\tehb" : : : "memory");
	}
	write_c0_pagemask(0);
	write_c0_entryhi(asid);
	this_tlb()->counts.inserts++;
	if (global) {
		struct tlb_cpu *t = this_tlb();

		if (t->nglobal < GLOBAL_MAX)
			t->global_pair[t->nglobal] = pair;
		if (t->nglobal <= GLOBAL_MAX)
			t->nglobal++;
	}
}

void arch_tlb_insert(uint64_t va, const struct tlb_half half[2], unsigned int order)
{
	insert(va, half, order, false);
}

void arch_tlb_insert_global(uint64_t va, const struct tlb_half half[2], unsigned int order)
{
	insert(va, half, order, true);
}

void arch_tlb_flush_global(void)
{
	struct tlb_cpu *t = this_tlb();
	unsigned int n = cpu_tlb_entries(), asid = current_asid();

	if (!t->nglobal)
		return;
	if (t->nglobal <= GLOBAL_MAX) {
		/* a probe of each pair made: window addresses hold no entry
		 * but the global ones (no tlbr: QEMU's shadows stay, as a
		 * switch keeps them) */
		for (unsigned int i = 0; i < t->nglobal; i++) {
			uint32_t index = probe(t->global_pair[i] | asid);

			if (!(index & INDEX_P))
				drop(index);
		}
	} else {
		for (unsigned int i = 0; i < n; i++) {
			read_entry(i);
			if (read_c0_entrylo0() & ENTRYLO_G)
				drop(i);
		}
	}
	t->nglobal = 0;
	write_c0_pagemask(0);
	write_c0_entryhi(asid);
	t->counts.global_flushes++;
}

void arch_tlb_flush_range(uint64_t start, uint64_t end)
{
	unsigned int asid = current_asid();

	drop_range(start, end, ASID_NONE);
	write_c0_pagemask(0);
	write_c0_entryhi(asid);
	this_tlb()->counts.range_flushes++;
}

void arch_tlb_flush_asid_range(uint64_t start, uint64_t end, unsigned int real_asid)
{
	unsigned int asid = current_asid();

	if (real_asid == ASID_NONE)
		return;
	drop_range(start, end, real_asid);
	write_c0_pagemask(0);
	write_c0_entryhi(asid);
	this_tlb()->counts.range_flushes++;
}

void arch_tlb_flush_frames(uint32_t frame, uint32_t count)
{
	unsigned int n = cpu_tlb_entries(), asid = current_asid();
	uint64_t ram_pfn = arch_ram_base() >> 12;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t pages = read_entry(i) >> 13;   /* 4 KiB pages per half */
		uint64_t lo[2] = { read_c0_entrylo0(), read_c0_entrylo1() };
		bool hit = false;

		for (unsigned int h = 0; h < 2; h++) {
			uint64_t pfn = (lo[h] >> ENTRYLO_PFN_SHIFT) & ENTRYLO_PFN_MASK;

			if ((lo[h] & ENTRYLO_V) && pfn >= ram_pfn &&
			    pfn - ram_pfn < (uint64_t)frame + count &&
			    frame < pfn - ram_pfn + pages)
				hit = true;
		}
		if (hit)
			drop(i);
	}
	write_c0_pagemask(0);
	write_c0_entryhi(asid);
	this_tlb()->counts.frame_flushes++;
}

void arch_tlb_flush_all(void)
{
	unsigned int n = cpu_tlb_entries();
	uint64_t hi = read_c0_entryhi();

	for (unsigned int i = 0; i < n; i++)
		drop(i);
	write_c0_wired(0);
	write_c0_entryhi(hi & ENTRYHI_ASID);
	this_tlb()->counts.flushes++;
}

void arch_tlb_init(void)
{
	asid_space_init(&this_tlb()->asids);
	write_c0_entryhi(ASID_NONE);
	arch_tlb_flush_all();
}

unsigned int arch_tlb_set_asid(struct asid_map *m, uint8_t guest_asid)
{
	struct tlb_cpu *t = this_tlb();
	unsigned int real = asid_lookup(&t->asids, m, guest_asid);
	bool new_generation;

	if (real == ASID_NONE) {
		real = asid_get(&t->asids, m, guest_asid, &new_generation);
		if (new_generation)
			arch_tlb_flush_all();
	}
	write_c0_entryhi(real);
	return real;
}

unsigned int arch_tlb_asid_of(const struct asid_map *m, uint8_t guest_asid)
{
	return asid_lookup(&this_tlb()->asids, m, guest_asid);
}

void arch_tlb_counts(unsigned int cpu, struct arch_tlb_counts *out)
{
	*out = tlb_cpus[cpu].counts;
	out->generations = tlb_cpus[cpu].asids.generations;
	out->asids = tlb_cpus[cpu].asids.handed_out;
}
