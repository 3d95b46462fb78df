/*
 * Merging identical pages (see page_merge.h).
 */
#include "mmu/machmem.h"
#include "mmu/memmap.h"
#include "mmu/page_merge.h"
#include "mmu/page_move.h"
#include "mmu/page_share.h"
#include "monitor/spinlock.h"
#include "monitor/string.h"

#define SEEN_MASK (PAGE_MERGE_SEEN_SLOTS - 1)
#define BUCKETS PAGE_MERGE_FRAMES_MAX   /* hash chains of merged frames */

/* A merged frame; entry 0 is "none", so chains and the free list end at 0. */
struct merged {
	uint64_t hash;
	uint32_t frame;         /* first of 2^order; PA_NONE: a free entry */
	uint32_t next : 24;     /* the chain's (or the free list's) next entry */
	uint32_t busy : 5;      /* scans sharing from it now: not given back */
	uint32_t order : 3;     /* its machine pages: a guest page's */
};
_Static_assert(sizeof(struct merged) == 16, "16 bytes an entry");

/* A page a scan hashed: the hint that its content is there once already. */
struct seen {
	uint64_t hash;
	uint32_t gpage;
	uint16_t vm;            /* its pmap's owner, 0 for an empty slot */
	uint16_t unused;
};

static spinlock_t merge_lock = SPINLOCK_INIT;
static struct merged *entries;  /* PAGE_MERGE_FRAMES_MAX of them */
static uint32_t *buckets;       /* first entry of each chain */
static struct seen *seen;
static uint32_t free_entry, high_water = 1, reap_next = 1;
static struct page_merge_stats stats;
static uint64_t zero_hash[PMAP_COW_MAX_ORDER + 1];   /* of 2^k pages of zeros */

static uint64_t block_hash(const void *block, unsigned int order);

int page_merge_init(void)
{
	unsigned int ke = pa_order_for_bytes(sizeof(*entries) * PAGE_MERGE_FRAMES_MAX);
	unsigned int kb = pa_order_for_bytes(sizeof(*buckets) * BUCKETS);
	unsigned int ks = pa_order_for_bytes(sizeof(*seen) * PAGE_MERGE_SEEN_SLOTS);
	struct merged *e;
	uint32_t *b;
	struct seen *s;
	void *zeros;

	if (entries)
		return 0;
	e = mem_alloc_pages(ke, 0);
	b = mem_alloc_pages(kb, 0);
	s = mem_alloc_pages(ks, 0);
	zeros = mem_alloc_pages(PMAP_COW_MAX_ORDER, 0);
	if (!e || !b || !s || !zeros) {
		if (e)
			mem_free_pages(e, ke);
		if (b)
			mem_free_pages(b, kb);
		if (s)
			mem_free_pages(s, ks);
		if (zeros)
			mem_free_pages(zeros, PMAP_COW_MAX_ORDER);
		return -1;
	}
	memset(zeros, 0, PAGE_SIZE << PMAP_COW_MAX_ORDER);
	for (unsigned int k = 0; k <= PMAP_COW_MAX_ORDER; k++)
		zero_hash[k] = block_hash(zeros, k);
	mem_free_pages(zeros, PMAP_COW_MAX_ORDER);
	memset(b, 0, sizeof(*buckets) * BUCKETS);
	memset(s, 0, sizeof(*seen) * PAGE_MERGE_SEEN_SLOTS);
	for (uint32_t i = 0; i < PAGE_MERGE_FRAMES_MAX; i++)
		e[i] = (struct merged){ 0, PA_NONE, i + 1 < PAGE_MERGE_FRAMES_MAX ? i + 1 : 0, 0, 0 };
	buckets = b;
	seen = s;
	free_entry = 1;
	smp_mb();
	entries = e;            /* last: scans look at it first */
	return 0;
}

/* A 64-bit hash of 2^order pages: two multiply-xorshift lanes over their
 * words. */
static uint64_t block_hash(const void *block, unsigned int order)
{
	const uint64_t *w = block;
	uint64_t a = 0x9e3779b97f4a7c15ull, b = 0x6a09e667f3bcc909ull;

	for (size_t i = 0; i < ((size_t)PAGE_SIZE << order) / 8; i += 2) {
		a = (a ^ w[i]) * 0xff51afd7ed558ccdull;
		b = (b ^ w[i + 1]) * 0xc4ceb9fe1a85ec53ull;
		a ^= a >> 29;
		b ^= b >> 31;
	}
	a ^= b * 0x9e3779b97f4a7c15ull;
	return a ^ (a >> 32);
}

/* Whether none of the 2^order frames from `frame` on has a user. */
static bool unused(uint32_t frame, unsigned int order)
{
	for (uint32_t i = 0; i < (1u << order); i++)
		if (memmap_users(&memmap, frame + i, 0, 0))
			return false;
	return true;
}

/* A merged block of hash h and order k with room for one more user, or 0
 * (locked). */
static uint32_t find_open(uint64_t h, unsigned int k)
{
	for (uint32_t e = buckets[h % BUCKETS]; e; e = entries[e].next)
		if (entries[e].hash == h && entries[e].order == k &&
		    memmap_users(&memmap, entries[e].frame, 0, 0) < PAGE_MERGE_MAX_USERS)
			return e;
	return 0;
}

/* Enters the 2^k frames from `frame` on as the merged block of hash h; 0
 * if the table is full (locked). */
static uint32_t add_entry(uint64_t h, uint32_t frame, unsigned int k)
{
	uint32_t e = free_entry;

	if (!e)
		return 0;
	free_entry = entries[e].next;
	entries[e].hash = h;
	entries[e].frame = frame;
	entries[e].busy = 0;
	entries[e].order = k & 7;
	entries[e].next = buckets[h % BUCKETS];
	buckets[h % BUCKETS] = e;
	if (e >= high_water)
		high_water = e + 1;
	stats.frames += 1u << k;
	return e;
}

/* Takes entry e out of its chain onto the free list; returns its frame (locked). */
static uint32_t remove_entry(uint32_t e)
{
	uint32_t b = (uint32_t)(entries[e].hash % BUCKETS), frame = entries[e].frame;

	if (buckets[b] == e) {
		buckets[b] = entries[e].next;
	} else {
		uint32_t p = buckets[b];

		while (entries[p].next != e)
			p = entries[p].next;
		entries[p].next = entries[e].next;
	}
	entries[e].frame = PA_NONE;
	entries[e].next = free_entry;
	free_entry = e;
	stats.frames -= 1u << entries[e].order;
	stats.freed += 1u << entries[e].order;
	return frame;
}

/* Gives back up to n merged blocks no guest page maps any more (each of
 * the next n entries in turn is looked at). */
static void reap(unsigned int n)
{
	uint32_t gone[16];
	unsigned int k = 0, order[16];
	unsigned long flags = spin_lock_irqsave(&merge_lock);

	for (unsigned int i = 0; i < n && k < 16; i++) {
		uint32_t e = reap_next;

		reap_next = reap_next + 1 < high_water ? reap_next + 1 : 1;
		if (e >= high_water || entries[e].frame == PA_NONE || entries[e].busy)
			continue;
		if (unused(entries[e].frame, entries[e].order)) {
			order[k] = entries[e].order;
			gone[k++] = remove_entry(e);
		}
	}
	spin_unlock_irqrestore(&merge_lock, flags);
	while (k) {
		k--;
		mem_free_pages(mem_frame_ptr(gone[k]), order[k]);
	}
}

/* The merged block to share guest page `page` (2^k machine pages from
 * `frame` on, hash h) from: one of its hash with room, or a new copy of
 * it when another page had the same hash; 0 if neither. Pins the entry
 * (busy). */
static uint32_t target_for(struct pmap *pm, uint32_t page, uint32_t frame, unsigned int k,
			   uint64_t h)
{
	unsigned long flags = spin_lock_irqsave(&merge_lock);
	uint32_t e = find_open(h, k);
	struct seen *s = &seen[(h ^ k) & SEEN_MASK];
	void *copy;

	if (!e) {
		if (!s->vm || s->hash != (h ^ k) || (s->vm == pm->owner && s->gpage == page)) {
			*s = (struct seen){ h ^ k, page, pm->owner, 0 };
			spin_unlock_irqrestore(&merge_lock, flags);
			return 0;
		}
		s->vm = 0;      /* the other page finds the merged block */
		spin_unlock_irqrestore(&merge_lock, flags);
		copy = mem_alloc_pages(k, pm->node);
		if (copy)
			page_copy(copy, mem_frame_ptr(frame), k);
		flags = spin_lock_irqsave(&merge_lock);
		e = copy ? add_entry(h, mem_frame_of(copy), k) : 0;
		if (!e) {
			stats.no_frame++;
			spin_unlock_irqrestore(&merge_lock, flags);
			if (copy)
				mem_free_pages(copy, k);
			return 0;
		}
	}
	entries[e].busy++;
	spin_unlock_irqrestore(&merge_lock, flags);
	return e;
}

/* Counts a try's outcome r (0 done, 1 differed, else refused) as `done`. */
static void count(int r, uint64_t *done)
{
	unsigned long flags = spin_lock_irqsave(&merge_lock);

	if (r == 0)
		(*done)++;
	else if (r == 1)
		stats.differed++;
	else
		stats.refused++;
	spin_unlock_irqrestore(&merge_lock, flags);
}

/* Gives back or shares guest page `page` (2^k machine pages from `frame`
 * on, hash h). True if it did. */
static bool merge_page(struct pmap *pm, uint32_t page, uint32_t frame, unsigned int k, uint64_t h)
{
	uint64_t gpa = (uint64_t)page << PAGE_SHIFT;
	unsigned long flags;
	uint32_t e;
	int r;

	if (h == zero_hash[k]) {        /* no frame at all: unbacked again */
		r = page_drop_if_zero(pm, gpa, k);
		count(r, &stats.zero);
		return r == 0;
	}
	e = target_for(pm, page, frame, k, h);
	if (!e)
		return false;
	r = page_share_if_same(pm, gpa, entries[e].frame, k);
	flags = spin_lock_irqsave(&merge_lock);
	entries[e].busy--;
	spin_unlock_irqrestore(&merge_lock, flags);
	count(r, &stats.merged);
	return r == 0;
}

/* pm's sums of its guest pages at their last scan, for guest pages of 2^k
 * machine pages (made, zero, when the first scan comes or the guest's page
 * size changed); NULL if there is no memory for them. */
static uint32_t *sums_of(struct pmap *pm, unsigned int k)
{
	unsigned int order = pa_order_for_bytes(((uint64_t)pm->npages >> k) * sizeof(uint32_t));
	uint32_t *sums;

	if (pm->merge_sums && pm->merge_order == k)
		return pm->merge_sums;
	if (pm->merge_sums)
		mem_free_pages(pm->merge_sums, pm->merge_sums_order);
	pm->merge_sums = 0;
	sums = mem_alloc_pages(order, pm->node);
	if (!sums)
		return 0;
	memset(sums, 0, (size_t)PAGE_SIZE << order);
	pm->merge_order = k;
	pm->merge_sums_order = order;
	pm->merge_sums = sums;
	return sums;
}

unsigned int page_merge_scan(struct pmap *pm, uint32_t *cursor, unsigned int budget)
{
	unsigned int k = pm->cow_order, hashed = 0, merged = 0;
	uint32_t page = *cursor & ~((1u << k) - 1), passed = 0;
	unsigned long flags;
	uint32_t *sums;

	if (!entries || !(sums = sums_of(pm, k)))
		return 0;
	reap(budget);
	while (hashed < budget && passed < 16 * budget) {
		uint64_t gpa = (uint64_t)page << PAGE_SHIFT;
		uint32_t frame, *sum = &sums[page >> k];
		uint64_t h;

		if (page + (1u << k) > pm->npages) {
			page = 0;
			break;
		}
		passed += 1u << k;
		page += 1u << k;
		if (pmap_state(pm, gpa) != PMAP_PRIVATE || pmap_block_order(pm, gpa) < k ||
		    pmap_replicated(pm, gpa) || (frame = pmap_lookup(pm, gpa)) == PA_NONE)
			continue;
		hashed += 1u << k;
		h = block_hash(mem_frame_ptr(frame), k);
		if (*sum != (uint32_t)h) {      /* changed since the last scan: not yet */
			*sum = (uint32_t)h;
			continue;
		}
		merged += merge_page(pm, (uint32_t)(gpa >> PAGE_SHIFT), frame, k, h) << k;
	}
	*cursor = page;
	flags = spin_lock_irqsave(&merge_lock);
	stats.scanned += hashed;
	spin_unlock_irqrestore(&merge_lock, flags);
	return merged;
}

uint64_t page_merge_frames(void)
{
	return stats.frames;
}

void page_merge_get_stats(struct page_merge_stats *st)
{
	unsigned long flags = spin_lock_irqsave(&merge_lock);

	*st = stats;
	spin_unlock_irqrestore(&merge_lock, flags);
}
