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
	uint8_t *ahead;         /* BCACHE_READ_AHEAD blocks, for one read */
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
	cache.ahead = mem_alloc_pages(pa_order_for_bytes(BCACHE_READ_AHEAD * BCACHE_BLOCK), 0);
	if (!cache.table || !cache.ahead)
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

/* Takes `data` (a block read) into the cache as block; its page, or NULL
 * if the cache is full or there is no page. */
static void *insert(struct slot *s, uint64_t block, const void *data)
{
	void *page;

	if (cache.stats.blocks >= cache.stats.capacity) {
		cache.stats.full++;
		return NULL;
	}
	page = mem_alloc_pages(0, 0);
	if (!page) {
		cache.stats.failed++;
		return NULL;
	}
	memcpy(page, data, BCACHE_BLOCK);
	s->key = block + 1;
	s->data = page;
	cache.stats.blocks++;
	return page;
}

/* Reads block and the ones after it (not cached, before end) in one
 * request and caches them; block's page or NULL. */
static void *fill(const struct blk_backend *disk, uint64_t block, uint64_t end)
{
	uint64_t disk_blocks = disk->sectors / BCACHE_BLOCK_SECTORS;
	uint32_t n = 1;
	void *first;

	if (end > disk_blocks)
		end = disk_blocks;
	if (block >= end)
		return NULL;    /* a short last block of an image: read around */
	while (n < BCACHE_READ_AHEAD && block + n < end && !find(block + n)->key)
		n++;
	cache.stats.reads++;
	if (!disk->read(disk->ctx, block * BCACHE_BLOCK_SECTORS, cache.ahead,
			n * BCACHE_BLOCK_SECTORS)) {
		cache.stats.failed++;
		return NULL;
	}
	first = insert(find(block), block, cache.ahead);
	for (uint32_t i = 1; first && i < n; i++) {
		struct slot *s = find(block + i);

		if (s->key || !insert(s, block + i, cache.ahead + (uint64_t)i * BCACHE_BLOCK))
			break;
		cache.stats.read_ahead++;
	}
	return first;
}

const void *bcache_block(const struct blk_backend *disk, uint64_t block, uint64_t end)
{
	unsigned long flags = spin_lock_irqsave(&cache.lock);
	const void *data = NULL;
	struct slot *s;

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
	data = fill(disk, block, end);
out:
	spin_unlock_irqrestore(&cache.lock, flags);
	return data;
}

void bcache_get_stats(struct bcache_stats *out)
{
	*out = cache.stats;
}
