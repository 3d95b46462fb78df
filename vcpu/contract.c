/*
 * The TLB contract and the vCPU's second-level TLB (docs/guest-abi.md,
 * mmu/l2tlb.h). A guest that announces the contract (HCALL_TLB_CONTRACT,
 * with its page size) promises to tell the monitor whenever a translation
 * it once wrote into its TLB stops being valid, even after the entry left
 * its TLB: HCALL_TLB_DROP for a pair, HCALL_TLB_FLUSH for everything
 * non-global, everything, or an ASID. So what its TLB once said stays true
 * until it says otherwise, and the monitor keeps it in the l2tlb: a real
 * refill that hits there is served without the guest (l2tlb_refill.S for
 * an entry under the current ASID, vcpu_l2tlb_refill for a global one or a
 * refill that reached C); only a miss there and in the guest's TLB is the
 * guest's refill.
 *
 * Addresses are keyed in EntryHi's form (va & CP0_SEGMASK: R and the
 * segment offset), as the guest's TLB and the real EntryHi hold them.
 *
 * What goes in: only a pair that the guest's TLB translated and the pmap
 * backs (memory.c's fill: RAM of the VM, never a device), at the declared
 * page size, learnt under a plain Status (vcpu_l2tlb_active) -- under
 * which a mapped address means the same in kernel and user mode -- and
 * used only under one. A guest without the contract has no entry.
 *
 * What goes out: the pairs the guest drops or rewrites (HCALL_TLB_DROP,
 * tlbwi/tlbwr of a new entry for them), everything on HCALL_TLB_FLUSH, and
 * a pair whose invalid or clean half faulted while the guest's TLB no
 * longer holds it (the guest then gets a refill, as its 64-entry TLB would
 * have it, never an invalid or modified exception from an entry it does
 * not hold). A machine page taken away (l2tlb_drop_frame) is the memmap's.
 */
#include "arch/l2tlb.h"
#include "vcpu/vcpu.h"

#define PAIR_4K_SHIFT 13
#define ASID_MASK     0xffu

static uint8_t guest_asid(const struct vcpu *v)
{
	return (uint8_t)(v->cp0.entryhi & ASID_MASK);
}

/* ERL clear, not virtual supervisor mode (KSU = 1 without EXL or ERL),
 * SX and UX set: guest_mode_of's rule, by bits (on every return). */
static bool plain_status(uint32_t status)
{
	return !(status & CP0_ST_ERL) &&
	       (status & (CP0_ST_KSU | CP0_ST_EXL)) != CP0_ST_KSU_SUPERVISOR &&
	       (status & (CP0_ST_SX | CP0_ST_UX)) == (CP0_ST_SX | CP0_ST_UX);
}

bool vcpu_l2tlb_active(const struct vcpu *v)
{
	return v->tlb_contract && plain_status((uint32_t)v->cp0.status);
}

/* The real order (4 KiB << order pages) of the l2tlb's entries. */
static unsigned int l2tlb_order(const struct vcpu *v)
{
	return v->l2tlb.pair_shift - PAIR_4K_SHIFT;
}

int64_t vcpu_tlb_contract(struct vcpu *v, uint64_t page_size)
{
	unsigned int order = 0;

	if (!page_size) {
		vcpu_tlb_flush(v, HCALL_TLB_FLUSH_ALL, 0);
		v->tlb_contract = false;
		return 0;
	}
	while (order <= ARCH_TLB_MAX_ORDER && (PAGE_SIZE << order) != page_size)
		order += 2;
	if (order > ARCH_TLB_MAX_ORDER)
		return -1;
	l2tlb_set_pair_shift(&v->l2tlb, PAIR_4K_SHIFT + order);
	pmap_set_guest_page_order(&v->vm->pmap, order);        /* copies on write whole */
	v->tlb_contract = true;
	return 0;
}

int64_t vcpu_tlb_flush(struct vcpu *v, uint64_t what, uint64_t asid)
{
	if (what > HCALL_TLB_FLUSH_ASID)
		return -1;
	if (!v->tlb_contract)   /* its l2tlb is empty */
		return 0;
	switch (what) {
	case HCALL_TLB_FLUSH_NONGLOBAL:
		l2tlb_drop_all(&v->l2tlb, true);
		break;
	case HCALL_TLB_FLUSH_ALL:
		l2tlb_drop_all(&v->l2tlb, false);
		v->l2tlb_global_lo = v->l2tlb_global_hi = 0;    /* and the real TLB below */
		break;
	case HCALL_TLB_FLUSH_ASID:
		l2tlb_drop_asid(&v->l2tlb, (uint8_t)asid);
		break;
	default:
		return -1;
	}
	arch_tlb_flush_all();   /* it may hold what only the l2tlb knew */
	return 0;
}

bool vcpu_l2tlb_refill(struct vcpu *v, uint64_t va)
{
	const struct l2tlb_entry *e;
	struct tlb_half half[2];
	uint32_t gpage;

	if (!vcpu_l2tlb_active(v) ||
	    !(e = l2tlb_lookup(&v->l2tlb, va & CP0_SEGMASK, guest_asid(v))))
		return false;
	half[0] = arch_tlb_half_of(e->lo[0]);
	half[1] = arch_tlb_half_of(e->lo[1]);
	arch_tlb_insert(va, half, l2tlb_order(v));
	gpage = e->gpage[(va >> (v->l2tlb.pair_shift - 1)) & 1];
	if (gpage != L2TLB_NO_FRAME)    /* counted as the fast path counts */
		numa_fill_touch(v, (uint64_t)gpage << PAGE_SHIFT, false);
	return true;
}

/* Widens the span of global pairs learnt (see struct vcpu) by [va, end). */
static void note_global(struct vcpu *v, uint64_t va, uint64_t end)
{
	if (v->l2tlb_global_lo >= v->l2tlb_global_hi) {
		v->l2tlb_global_lo = va;
		v->l2tlb_global_hi = end;
		return;
	}
	if (va < v->l2tlb_global_lo)
		v->l2tlb_global_lo = va;
	if (end > v->l2tlb_global_hi)
		v->l2tlb_global_hi = end;
}

void vcpu_l2tlb_learn(struct vcpu *v, uint64_t va, const struct tlb_half half[2],
		      const uint64_t gpa[2], bool global, unsigned int order)
{
	uint64_t lo[2];
	uint32_t gpage[2];

	if (!vcpu_l2tlb_active(v) || order != l2tlb_order(v))
		return;
	for (unsigned int i = 0; i < 2; i++) {
		lo[i] = arch_tlb_entrylo(&half[i]);
		gpage[i] = lo[i] ? (uint32_t)(gpa[i] >> PAGE_SHIFT) : L2TLB_NO_FRAME;
	}
	if (global) {
		uint64_t size = 1ull << v->l2tlb.pair_shift, pair = va & CP0_SEGMASK & ~(size - 1);

		note_global(v, pair, pair + size);
	}
	l2tlb_insert(&v->l2tlb, va & CP0_SEGMASK, guest_asid(v), global, lo, gpage);
}

bool vcpu_l2tlb_translate(const struct vcpu *v, uint64_t va, uint64_t *gpa)
{
	const struct l2tlb_entry *e;
	uint64_t half_size = 1ull << (v->l2tlb.pair_shift - 1);
	uint32_t gpage;

	if (!vcpu_l2tlb_active(v) ||
	    !(e = l2tlb_peek(&v->l2tlb, va & CP0_SEGMASK, guest_asid(v))))
		return false;
	gpage = e->gpage[(va & half_size) ? 1 : 0];
	if (gpage == L2TLB_NO_FRAME)
		return false;
	*gpa = ((uint64_t)gpage << PAGE_SHIFT) + (va & (half_size - 1));
	return true;
}

void vcpu_l2tlb_unlearn(struct vcpu *v, uint64_t va)
{
	if (v->tlb_contract)
		l2tlb_drop_range(&v->l2tlb, va & CP0_SEGMASK, (va & CP0_SEGMASK) + 1,
				 guest_asid(v));
}

#define PROBES_MAX 64   /* pairs probed one by one, else the whole real TLB */

/*
 * Drops [start, end) under asid (and global) from the l2tlb, and from the
 * real TLB what came from it: what the fast path wrote (only ever under
 * the ASID of its entry: a probe of each pair), and, if real is set or the
 * l2tlb held some of it, what the real-TLB code entered for the range.
 */
static void forget(struct vcpu *v, uint64_t start, uint64_t end, uint8_t asid, bool real)
{
	uint64_t drops = v->l2tlb.stats.drops, size = 1ull << v->l2tlb.pair_shift;

	l2tlb_drop_range(&v->l2tlb, start, end, asid);
	if ((end - start) / size > PROBES_MAX) {
		arch_tlb_flush_all();
		return;
	}
	for (uint64_t p = start & ~(size - 1); p < end; p += size)
		arch_l2tlb_flush_pair(p, asid);
	if (!real && v->l2tlb.stats.drops == drops)
		return;
	/* the C paths entered what they took from the l2tlb under the real
	 * ASID of the moment: asid's, unless a global pair served other
	 * ASIDs too */
	if (start < v->l2tlb_global_hi && end > v->l2tlb_global_lo)
		arch_tlb_flush_range(start, end);
	else
		arch_tlb_flush_asid_range(start, end, arch_tlb_asid_of(&v->asids, asid));
}


void vcpu_l2tlb_written(struct vcpu *v, const struct vtlb_entry *e)
{
	uint64_t size = (e->mask | 0x1fff) + 1, start = e->vpn2 & ~(size - 1);

	if (v->tlb_contract)
		forget(v, start, start + size, e->asid, false);
}

void vcpu_l2tlb_dropped(struct vcpu *v, uint64_t entryhi, bool hit)
{
	uint64_t size = 1ull << v->l2tlb.pair_shift;
	uint64_t start = (entryhi & CP0_SEGMASK) & ~(size - 1);

	/* the real TLB may hold the pair from an l2tlb entry since replaced
	 * in its slot; after a hit, dropping the guest's entry dropped what
	 * the real-TLB code entered for it */
	if (v->tlb_contract)
		forget(v, start, start + size, (uint8_t)(entryhi & ASID_MASK), !hit);
}

/* vcpu_l2tlb_arm for a vCPU the l2tlb serves, when this CPU was last
 * armed for another vCPU or ASID. */
static void __attribute__((noinline)) arm(struct vcpu *v)
{
	struct arch_l2tlb_state s;
	uint8_t asid = guest_asid(v);

	if (v->l2tlb_mix_asid != asid) {
		v->l2tlb_mix = l2tlb_mix(&v->l2tlb, asid);
		v->l2tlb_mix_asid = asid;
	}
	s.table = v->l2tlb.e;
	s.order = v->l2tlb.order;
	s.pair_shift = v->l2tlb.pair_shift;
	s.mix = v->l2tlb_mix;
	s.hits = &v->stats.l2tlb_hits;
	arch_l2tlb_arm(&s);
}

void vcpu_l2tlb_arm(struct vcpu *v)
{
	if (!vcpu_l2tlb_active(v))
		arch_l2tlb_disarm();
	else if (v->l2tlb_mix_asid != guest_asid(v) ||
		 !arch_l2tlb_rearm(v->l2tlb.e, v->l2tlb.pair_shift, v->l2tlb_mix,
				   &v->stats.l2tlb_hits))
		arm(v);         /* else the usual case: back to the same vCPU and ASID */
}

void vcpu_l2tlb_sum(const struct vcpu *v, struct vcpu_stats *sum)
{
	const struct l2tlb_stats *s = &v->l2tlb.stats;

	sum->l2tlb_hits += v->stats.l2tlb_hits + s->hits;
	sum->l2tlb_misses += s->misses;
	sum->l2tlb_inserts += s->inserts;
	sum->l2tlb_drops += s->drops;
}

bool vcpu_l2tlb_forgotten_code(struct vcpu *v, uint64_t va)
{
	uint64_t size, start;

	if (!v->tlb_contract)
		return false;
	size = 1ull << v->l2tlb.pair_shift;
	start = va & ~(size - 1);
	arch_tlb_flush_range(start, start + size);
	v->stats.l2tlb_forgotten++;
	return true;
}
