/*
 * The global buffer cache (see buffer_cache.h): an open-addressed hash
 * table of block number -> machine page, twice as many slots as the
 * capacity, made at the first lookup. One lock for everything; a miss
 * reads the disk under it (the real disk serves one request at a time
 * anyway).
 */
#include "devices/buffer_cache.h"
#include "mmu/machmem.h"
#include "monitor/cmdline.h"
#include "monitor/monitor.h"
#include "monitor/parse.h"
#include "monitor/spinlock.h"
#include "monitor/string.h"

struct slot {
	uint64_t key;           /* block + 1; 0: empty */
	void *data;
};

static struct {
	spinlock_t lock;
	bool set_up;
	struct slot *table;
	uint64_t nslots;        /* a power of 2 */
	unsigned int table_order;
	struct bcache_stats stats;
} cache;

/* The capacity asked for, in blocks (bufcache=MIB). */
static uint64_t capacity_blocks(void)
{
	const char *v = cmdline_get(&monitor_cmdline, "bufcache");
	uint64_t mib = BCACHE_DEFAULT_MIB;

	if (v && *v) {
		const char *p = v;
		uint64_t n;

		if (parse_uint(&p, &n) && !*p)
			mib = n;
	}
	return mib * ((1u << 20) / BCACHE_BLOCK);
}

static void set_up(void)
{
	uint64_t cap = capacity_blocks(), nslots = 1;

	cache.set_up = true;
	if (!cap)
		return;
	while (nslots < 2 * cap)
		nslots <<= 1;
	cache.table_order = pa_order_for_bytes(nslots * sizeof(struct slot));
	if (cache.table_order > PA_MAX_ORDER)
		return;
	cache.table = mem_alloc_pages(cache.table_order, 0);
	if (!cache.table)
		return;
	memset(cache.table, 0, nslots * sizeof(struct slot));
	cache.nslots = nslots;
	cache.stats.capacity = cap;
}

static struct slot *find(uint64_t block)
{
	uint64_t h = (block * 0x9e3779b97f4a7c15ull) >> 20;

	for (uint64_t i = 0;; i++) {
		struct slot *s = &cache.table[(h + i) & (cache.nslots - 1)];

		if (s->key == block + 1 || !s->key)
			return s;
	}
}

const void *bcache_block(const struct blk_backend *disk, uint64_t block)
{
	unsigned long flags = spin_lock_irqsave(&cache.lock);
	const void *data = NULL;
	struct slot *s;
	void *page;

	if (!cache.set_up)
		set_up();
	if (!cache.nslots)
		goto out;
	s = find(block);
	if (s->key) {
		cache.stats.hits++;
		data = s->data;
		goto out;
	}
	cache.stats.misses++;
	if (cache.stats.blocks >= cache.stats.capacity) {
		cache.stats.full++;
		goto out;
	}
	page = mem_alloc_pages(0, 0);
	if (!page || block >= disk->sectors / BCACHE_BLOCK_SECTORS ||
	    !disk->read(disk->ctx, block * BCACHE_BLOCK_SECTORS, page, BCACHE_BLOCK_SECTORS)) {
		if (page)
			mem_free_pages(page, 0);
		cache.stats.failed++;
		goto out;
	}
	s->key = block + 1;
	s->data = page;
	cache.stats.blocks++;
	data = page;
out:
	spin_unlock_irqrestore(&cache.lock, flags);
	return data;
}

void bcache_get_stats(struct bcache_stats *out)
{
	*out = cache.stats;
}
