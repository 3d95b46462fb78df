/*
 * Disco's second-level software TLB (see l2tlb.h).
 */
#include "mmu/l2tlb.h"

#define ASID_SHIFT   52         /* of the ASID in a key */
#define SPREAD_MUL   0x9e3779b1u        /* 2^32 / golden ratio */
#define PAIR_4K_SHIFT 13

void l2tlb_init(struct l2tlb *t, struct l2tlb_entry *entries, unsigned int order,
		unsigned int pair_shift, l2tlb_frame_of_fn frame_of)
{
	t->e = entries;
	t->order = order;
	t->frame_of = frame_of;
	t->stats = (struct l2tlb_stats){ 0 };
	l2tlb_set_pair_shift(t, pair_shift);
}

void l2tlb_set_pair_shift(struct l2tlb *t, unsigned int pair_shift)
{
	uint64_t n = 1ull << t->order;

	for (uint64_t i = 0; i < n; i++)
		t->e[i].key = L2TLB_EMPTY;
	t->pair_shift = pair_shift;
}

uint64_t l2tlb_mix(const struct l2tlb *t, unsigned int asid)
{
	uint32_t spread = (uint32_t)(asid * SPREAD_MUL) >> (32 - t->order);

	return (uint64_t)asid << ASID_SHIFT | spread;
}

static uint64_t key_of(const struct l2tlb *t, uint64_t va, unsigned int asid)
{
	return (va >> t->pair_shift) ^ l2tlb_mix(t, asid);
}

static struct l2tlb_entry *slot_of(const struct l2tlb *t, uint64_t key)
{
	return &t->e[key & ((1ull << t->order) - 1)];
}

/* The entry of key, or NULL. */
static struct l2tlb_entry *find(const struct l2tlb *t, uint64_t key)
{
	struct l2tlb_entry *e = slot_of(t, key);

	return e->key == key ? e : 0;
}

static void drop(struct l2tlb *t, struct l2tlb_entry *e)
{
	if (e && e->key != L2TLB_EMPTY) {
		e->key = L2TLB_EMPTY;
		t->stats.drops++;
	}
}

const struct l2tlb_entry *l2tlb_peek(const struct l2tlb *t, uint64_t va, uint8_t asid)
{
	const struct l2tlb_entry *e = find(t, key_of(t, va, asid));

	return e ? e : find(t, key_of(t, va, L2TLB_GLOBAL));
}

const struct l2tlb_entry *l2tlb_lookup(struct l2tlb *t, uint64_t va, uint8_t asid)
{
	const struct l2tlb_entry *e = l2tlb_peek(t, va, asid);

	if (e)
		t->stats.hits++;
	else
		t->stats.misses++;
	return e;
}

void l2tlb_insert(struct l2tlb *t, uint64_t va, uint8_t asid, bool global,
		  const uint64_t lo[2], const uint32_t gpage[2])
{
	uint64_t key = key_of(t, va, global ? L2TLB_GLOBAL : asid);
	struct l2tlb_entry *e = slot_of(t, key);

	drop(t, find(t, key_of(t, va, global ? asid : L2TLB_GLOBAL)));
	e->key = key;
	e->lo[0] = lo[0];
	e->lo[1] = lo[1];
	e->gpage[0] = gpage[0];
	e->gpage[1] = gpage[1];
	t->stats.inserts++;
}

/* The ASID (or L2TLB_GLOBAL) and the pair number of a used slot's key. */
static unsigned int key_asid(uint64_t key)
{
	return (unsigned int)(key >> ASID_SHIFT);
}

static uint64_t key_pair(const struct l2tlb *t, uint64_t key)
{
	return key ^ l2tlb_mix(t, key_asid(key));
}

void l2tlb_drop_range(struct l2tlb *t, uint64_t start, uint64_t end, uint8_t asid)
{
	uint64_t first, last, n = 1ull << t->order;

	if (end <= start)
		return;
	first = start >> t->pair_shift;
	last = (end - 1) >> t->pair_shift;
	if (last - first < n) {         /* probe each pair */
		for (uint64_t p = first;; p++) {
			uint64_t va = p << t->pair_shift;

			drop(t, find(t, key_of(t, va, asid)));
			drop(t, find(t, key_of(t, va, L2TLB_GLOBAL)));
			if (p == last)
				break;
		}
		return;
	}
	for (uint64_t i = 0; i < n; i++) {     /* a range larger than the table */
		struct l2tlb_entry *e = &t->e[i];
		unsigned int a;
		uint64_t p;

		if (e->key == L2TLB_EMPTY)
			continue;
		a = key_asid(e->key);
		p = key_pair(t, e->key);
		if ((a == asid || a == L2TLB_GLOBAL) && p >= first && p <= last)
			drop(t, e);
	}
}

void l2tlb_drop_asid(struct l2tlb *t, uint8_t asid)
{
	uint64_t n = 1ull << t->order;

	for (uint64_t i = 0; i < n; i++)
		if (t->e[i].key != L2TLB_EMPTY && key_asid(t->e[i].key) == asid)
			drop(t, &t->e[i]);
}

void l2tlb_drop_all(struct l2tlb *t, bool keep_global)
{
	uint64_t n = 1ull << t->order;

	for (uint64_t i = 0; i < n; i++)
		if (t->e[i].key != L2TLB_EMPTY &&
		    !(keep_global && key_asid(t->e[i].key) == L2TLB_GLOBAL))
			drop(t, &t->e[i]);
}

/* The first 4 KiB page of e's half h: its machine frame (by_frame) or its
 * guest-physical page; L2TLB_NO_FRAME for an invalid half. */
static uint32_t half_first(const struct l2tlb *t, const struct l2tlb_entry *e,
			   unsigned int h, bool by_frame)
{
	return by_frame ? t->frame_of(e->lo[h]) : e->gpage[h];
}

/* Whether a half starting at `first` (half_pages long) overlaps a range. */
static bool overlaps(uint32_t first, uint32_t half_pages, const struct l2tlb_range *r,
		     unsigned int n)
{
	if (first == L2TLB_NO_FRAME)
		return false;
	for (unsigned int i = 0; i < n; i++)
		if (first < (uint64_t)r[i].first + r[i].count &&
		    r[i].first < (uint64_t)first + half_pages)
			return true;
	return false;
}

/* Drops every entry one of whose halves overlaps one of the n ranges
 * (machine frames when by_frame, else guest-physical pages). The span of
 * all of them rejects most entries at one comparison. */
static void drop_covering(struct l2tlb *t, const struct l2tlb_range *r, unsigned int n,
			  bool by_frame)
{
	uint64_t entries = 1ull << t->order, lo = UINT64_MAX, hi = 0;
	uint32_t half_pages = 1u << (t->pair_shift - PAIR_4K_SHIFT);
	struct l2tlb_range span;

	for (unsigned int i = 0; i < n; i++) {
		if (r[i].first < lo)
			lo = r[i].first;
		if ((uint64_t)r[i].first + r[i].count > hi)
			hi = (uint64_t)r[i].first + r[i].count;
	}
	if (hi <= lo)
		return;
	span = (struct l2tlb_range){ (uint32_t)lo, (uint32_t)(hi - lo < UINT32_MAX ? hi - lo : UINT32_MAX) };
	for (uint64_t i = 0; i < entries; i++) {
		struct l2tlb_entry *e = &t->e[i];
		uint32_t h0, h1;

		if (e->key == L2TLB_EMPTY)
			continue;
		h0 = half_first(t, e, 0, by_frame);
		h1 = half_first(t, e, 1, by_frame);
		if (!overlaps(h0, half_pages, &span, 1) && !overlaps(h1, half_pages, &span, 1))
			continue;
		if (overlaps(h0, half_pages, r, n) || overlaps(h1, half_pages, r, n))
			drop(t, e);
	}
}

void l2tlb_drop_frames(struct l2tlb *t, uint32_t frame, uint32_t count)
{
	struct l2tlb_range r = { frame, count };

	drop_covering(t, &r, 1, true);
}

void l2tlb_drop_gpages(struct l2tlb *t, uint32_t gpage, uint32_t count)
{
	struct l2tlb_range r = { gpage, count };

	drop_covering(t, &r, 1, false);
}

void l2tlb_drop_gpage_ranges(struct l2tlb *t, const struct l2tlb_range *r, unsigned int n)
{
	drop_covering(t, r, n, false);
}
