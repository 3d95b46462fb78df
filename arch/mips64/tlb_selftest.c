/*
 * test=tlb: the real TLB functions (arch/vcpu.h, tlb.c) against the CPU's
 * own tlbp/tlbr, on CPU 0 with no guest running: entries of one pair under
 * two real ASIDs, a pair entered again, a large page over smaller ones,
 * the frame, one-ASID and all-ASID flushes, and a new ASID generation.
 * The entries made map xuseg addresses the monitor never touches.
 */
#include <stdint.h>
#include "arch/board.h"
#include "arch/cpu.h"
#include "arch/vcpu.h"
#include "mmu/asid.h"
#include "monitor/console.h"

#define A 0x10000000ul          /* one 8 KiB pair */
#define B 0x10400000ul          /* a 32 KiB pair (order 2) */
#define ENTRYLO_V 0x2ul

static int failures;

static void check(bool ok, const char *what)
{
	con_printf("tlb: %s: %s\n", what, ok ? "ok" : "FAILED");
	if (!ok)
		failures++;
}

/* The index of the entry matching va under asid, or -1 (tlbp). */
static int find(uint64_t va, unsigned int asid)
{
	uint64_t hi = read_c0_entryhi();
	uint32_t index;

	write_c0_entryhi((va & ~0x1ffful) | asid);
	__asm__ volatile("tlbp\n\tehb" : : : "memory");
	index = read_c0_index();
	write_c0_entryhi(hi);
	return (index & 0x80000000u) ? -1 : (int)index;
}

/* The machine frame entry index maps first (EntryLo0), or UINT32_MAX. */
static uint32_t frame_of(int index)
{
	uint64_t hi = read_c0_entryhi(), lo;

	write_c0_index((uint32_t)index);
	__asm__ volatile("tlbr\n\tehb" : : : "memory");
	lo = read_c0_entrylo0();
	write_c0_entryhi(hi);
	write_c0_pagemask(0);
	if (!(lo & ENTRYLO_V))
		return UINT32_MAX;
	return (uint32_t)(((lo >> 6) << 12) - arch_ram_base()) >> 12;
}

/* Entries with a valid half (tlbr over all of them). */
static unsigned int valid_entries(void)
{
	uint64_t hi = read_c0_entryhi();
	unsigned int n = 0;

	for (unsigned int i = 0; i < cpu_tlb_entries(); i++) {
		write_c0_index(i);
		__asm__ volatile("tlbr\n\tehb" : : : "memory");
		if ((read_c0_entrylo0() | read_c0_entrylo1()) & ENTRYLO_V)
			n++;
	}
	write_c0_entryhi(hi);
	write_c0_pagemask(0);
	return n;
}

static void insert(uint64_t va, uint32_t f0, uint32_t f1, unsigned int order)
{
	struct tlb_half h[2] = { { f0, true, 3 }, { f1, true, 3 } };

	arch_tlb_insert(va, h, order);
}

int arch_tlb_selftest(void)
{
	static struct asid_map m1, m2, many;
	struct arch_tlb_counts before, after;
	unsigned int r1, r2;
	int i;

	failures = 0;
	asid_map_forget(&m1);
	asid_map_forget(&m2);
	asid_map_forget(&many);
	arch_tlb_flush_all();
	r1 = arch_tlb_set_asid(&m1, 7);
	r2 = arch_tlb_set_asid(&m2, 7);
	check(r1 && r2 && r1 != r2, "guest ASID 7 of two vCPUs: two real ASIDs");
	check(arch_tlb_set_asid(&m1, 7) == r1 && arch_tlb_asid_of(&m1, 7) == r1,
	      "the same pair again: the same real ASID");

	arch_tlb_set_asid(&m1, 7);
	insert(A, 100, 101, 0);
	arch_tlb_set_asid(&m2, 7);
	insert(A, 200, 201, 0);
	check(find(A, r1) >= 0 && find(A, r2) >= 0 && valid_entries() == 2,
	      "one pair under two real ASIDs: two entries");
	insert(A, 202, 203, 0);
	i = find(A, r2);
	check(valid_entries() == 2 && i >= 0 && frame_of(i) == 202,
	      "the pair entered again: replaced in place");
	check((read_c0_entryhi() & 0xff) == r2, "EntryHi keeps the current real ASID");

	arch_tlb_set_asid(&m1, 7);
	insert(B, 300, 301, 0);
	insert(B + 0x4000, 302, 303, 0);
	arch_tlb_set_asid(&m2, 7);
	insert(B, 400, 401, 0);
	arch_tlb_set_asid(&m1, 7);
	insert(B, 304, 308, 2);
	i = find(B + 0x6000, r1);
	check(valid_entries() == 4 && i >= 0 && find(B, r1) == i && frame_of(i) == 304 &&
	      find(B, r2) >= 0, "a 16 KiB pair over two 4 KiB pairs of its ASID: one entry");

	arch_tlb_flush_frames(203, 1);
	check(find(A, r2) < 0 && find(A, r1) >= 0, "flush_frames: the entry mapping it, only");
	arch_tlb_flush_frames(312, 400 - 312);
	check(find(B, r1) >= 0 && find(B, r2) >= 0, "flush_frames: a range between pages takes none");
	arch_tlb_flush_frames(310, 1);
	check(find(B, r1) < 0 && find(B, r2) >= 0, "flush_frames: a frame inside a large page");
	arch_tlb_flush_asid_range(A, A + 0x2000, r2);
	check(find(A, r1) >= 0, "flush_asid_range: other ASIDs' entries stay");
	arch_tlb_flush_asid_range(A, A + 0x2000, r1);
	check(find(A, r1) < 0 && valid_entries() == 1, "flush_asid_range: its ASID's entry goes");
	arch_tlb_flush_range(B, B + 0x8000);
	check(valid_entries() == 0, "flush_range: every ASID's entries go");

	arch_tlb_set_asid(&m1, 7);
	insert(A, 100, 101, 0);
	arch_tlb_counts(arch_cpu_id(), &before);
	for (unsigned int g = 0; g < ASID_GUEST_COUNT; g++)
		arch_tlb_set_asid(&many, (uint8_t)g);
	arch_tlb_counts(arch_cpu_id(), &after);
	check(after.generations == before.generations + 1 && after.flushes == before.flushes + 1 &&
	      valid_entries() == 0 && arch_tlb_asid_of(&m1, 7) == 0,
	      "256 guest ASIDs: a new generation, the TLB flushed, old maps stale");
	arch_tlb_flush_all();
	return failures;
}
