/*
 * A virtual CPU's TLB (see vtlb.h): QEMU 7.2's r4k_fill_tlb, r4k_helper_tlbp,
 * r4k_helper_tlbr, r4k_helper_tlbwi, r4k_helper_tlbwr and r4k_map_address
 * (target/mips/tcg/sysemu/tlb_helper.c) for MIPS64R2-generic: no EHINV
 * (Config4.IE = 0), no RI/XI (PageGrain = 0), no MMID (Config5.MI = 0).
 */
#include "vcpu/vtlb.h"
#include "monitor/string.h"

#define PAIR_4K  0x1fffull      /* offset within a pair of 4K pages */
#define LO_CDV   0x3eull        /* EntryLo C, D, V */
#define LO_V     0x2ull
#define LO_D     0x4ull

/* The va bits within the entry's page pair (1k pages are not supported). */
static uint64_t pair_mask(const struct vtlb_entry *e)
{
	return e->mask | PAIR_4K;
}

bool vtlb_matches(const struct vtlb_entry *e, uint64_t va, uint8_t asid)
{
	uint64_t mask = pair_mask(e);

	return (e->g || e->asid == asid) &&
	       (e->vpn2 & ~mask) == (va & ~mask & CP0_SEGMASK);
}

static uint8_t current_asid(const struct cp0 *c)
{
	return c->entryhi & CP0_ASID_MASK;
}

/* An EntryLo as the entry keeps it: the PFN loses the bits inside the page. */
static uint64_t lo_of(uint64_t entrylo, uint64_t pagemask)
{
	uint64_t pfn = (entrylo >> 6) & ((1ull << 54) - 1);

	pfn &= ~(pagemask >> 13);
	return pfn << 6 | (entrylo & LO_CDV);
}

/* The entry EntryHi, PageMask and EntryLo0/1 describe (r4k_fill_tlb). */
static struct vtlb_entry entry_of(const struct cp0 *c)
{
	struct vtlb_entry e;

	e.vpn2 = c->entryhi & ~PAIR_4K & CP0_SEGMASK;
	e.mask = c->pagemask;
	e.asid = current_asid(c);
	e.g = c->entrylo0 & c->entrylo1 & 1;
	e.lo[0] = lo_of(c->entrylo0, c->pagemask);
	e.lo[1] = lo_of(c->entrylo1, c->pagemask);
	return e;
}

/*
 * The index. An entry whose pair is at most 32 KiB (4 KiB or 16 KiB pages)
 * matches only va in the one 32 KiB-aligned region its VPN2 names, so it
 * lives in that region's bucket; larger ones in VTLB_LARGE. A lookup tries
 * the candidates of va's bucket and of VTLB_LARGE in index order, which is
 * the order the walk of every entry would find them in: the same first
 * match, a few entries tried instead of all of them.
 */
#define SMALL_PAIR 0x7fffull    /* offset within a 32 KiB pair */

static unsigned int bucket_of_va(uint64_t va)
{
	return (unsigned int)((va >> 15) ^ (va >> 21)) % VTLB_BUCKETS;
}

static unsigned int bucket_of(const struct vtlb_entry *e)
{
	return pair_mask(e) & ~SMALL_PAIR ? VTLB_LARGE : bucket_of_va(e->vpn2);
}

static uint64_t bit(unsigned int i)
{
	return 1ull << i;
}

/* Files e[i] under its bucket (after e[i] changed). */
static void index_entry(struct vtlb *t, unsigned int i)
{
	unsigned int b = bucket_of(&t->e[i]);

	t->e_bits[t->e_bucket[i]] &= ~bit(i);
	t->e_bits[b] |= bit(i);
	t->e_bucket[i] = (uint8_t)b;
}

static void index_shadow(struct vtlb *t, unsigned int k)
{
	unsigned int b = bucket_of(&t->shadow[k]);

	t->shadow_bits[t->shadow_bucket[k]] &= ~bit(k);
	t->shadow_bits[b] |= bit(k);
	t->shadow_bucket[k] = (uint8_t)b;
}

/* The lowest index in candidates (bits) whose entry matches va under asid,
 * or -1. */
static int first_match(const struct vtlb_entry *entries, uint64_t candidates,
		       uint64_t va, uint8_t asid)
{
	for (; candidates; candidates &= candidates - 1) {
		int i = __builtin_ctzll(candidates);

		if (vtlb_matches(&entries[i], va, asid))
			return i;
	}
	return -1;
}

static int first_entry(const struct vtlb *t, uint64_t va, uint8_t asid)
{
	return first_match(t->e, t->e_bits[bucket_of_va(va)] | t->e_bits[VTLB_LARGE], va, asid);
}

/* The first live shadow that matches, or -1. */
static int first_shadow(const struct vtlb *t, uint64_t va, uint8_t asid)
{
	uint64_t live = t->nr_shadow >= 64 ? ~0ull : bit(t->nr_shadow) - 1;

	if (!t->nr_shadow)
		return -1;
	return first_match(t->shadow, (t->shadow_bits[bucket_of_va(va)] |
				       t->shadow_bits[VTLB_LARGE]) & live, va, asid);
}

static unsigned int shadow_room(const struct vtlb *t)
{
	unsigned int room = VTLB_QEMU_TLB_MAX - t->size;

	return room < VTLB_MAX_SHADOWS ? room : VTLB_MAX_SHADOWS;
}

static unsigned int index_of(const struct vtlb *t, uint64_t index)
{
	return (index & ~(uint64_t)CP0_INDEX_P & 0xffffffff) % t->size;
}

void vtlb_reset(struct vtlb *t, unsigned int size)
{
	memset(t, 0, sizeof(*t));
	t->size = size < VTLB_MAX_ENTRIES ? size : VTLB_MAX_ENTRIES;
	for (unsigned int i = 0; i < t->size; i++)
		index_entry(t, i);
}

void vtlb_probe(struct vtlb *t, struct cp0 *c)
{
	uint8_t asid = current_asid(c);
	int i = first_entry(t, c->entryhi, asid);

	if (i >= 0) {
		c->index = (unsigned int)i;
		return;
	}
	i = first_shadow(t, c->entryhi, asid);
	if (i >= 0)
		t->nr_shadow = (unsigned int)i;
	c->index |= CP0_INDEX_P;
}

void vtlb_read(struct vtlb *t, struct cp0 *c)
{
	const struct vtlb_entry *e = &t->e[index_of(t, c->index)];

	t->nr_shadow = 0;
	c->entryhi = e->vpn2 | e->asid;
	c->pagemask = e->mask;
	c->entrylo0 = e->lo[0] | e->g;
	c->entrylo1 = e->lo[1] | e->g;
}

/* Whether tlbwi replacing old by new does more than add V or D: QEMU then
 * discards the shadows (r4k_helper_tlbwi). */
static bool more_than_upgrade(const struct vtlb_entry *old, const struct vtlb_entry *new)
{
	int n;

	if (old->vpn2 != new->vpn2 || old->asid != new->asid || old->g != new->g)
		return true;
	for (n = 0; n < 2; n++)
		if (old->lo[n] & ~new->lo[n] & (LO_V | LO_D))
			return true;
	return false;
}

void vtlb_write(struct vtlb *t, const struct cp0 *c, unsigned int index)
{
	struct vtlb_entry *e = &t->e[index_of(t, index)];
	struct vtlb_entry new = entry_of(c);

	if (more_than_upgrade(e, &new))
		t->nr_shadow = 0;
	*e = new;
	index_entry(t, index_of(t, index));
}

unsigned int vtlb_write_random(struct vtlb *t, struct cp0 *c, struct vtlb_entry *old)
{
	unsigned int r = cp0_random(c) % t->size;
	struct vtlb_entry *e = &t->e[r];

	if (old)
		*old = *e;
	if ((e->g || e->asid == current_asid(c)) && t->nr_shadow < shadow_room(t)) {
		t->shadow[t->nr_shadow] = *e;
		index_shadow(t, t->nr_shadow++);
	}
	*e = entry_of(c);
	index_entry(t, r);
	return r;
}

/* The result of e translating va (it matches). */
static enum vtlb_result map_through(const struct vtlb_entry *e, uint64_t va,
				    bool store, struct vtlb_map *out)
{
	uint64_t mask = pair_mask(e);
	uint64_t half = mask >> 1;              /* offset within the page */
	uint64_t lo = e->lo[(va & mask & ~half) ? 1 : 0];

	out->pa = (lo >> 6) << 12 | (va & half);
	out->page_size = half + 1;
	out->cca = (lo >> 3) & 7;
	out->dirty = lo & LO_D;
	if (!(lo & LO_V))
		return VTLB_INVALID;
	if (store && !(lo & LO_D))
		return VTLB_MODIFIED;
	return VTLB_HIT;
}

enum vtlb_result vtlb_translate(const struct vtlb *t, uint64_t va, uint8_t asid,
				bool store, struct vtlb_map *out)
{
	int i = first_entry(t, va, asid);

	if (i >= 0) {
		out->index = i;
		return map_through(&t->e[i], va, store, out);
	}
	i = first_shadow(t, va, asid);
	if (i >= 0) {
		out->index = (int)t->size + i;
		return map_through(&t->shadow[i], va, store, out);
	}
	out->index = -1;
	return VTLB_REFILL;
}
