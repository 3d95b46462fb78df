/*
 * The ccNUMA cost model (see ccnuma_model.h). Host C with libc: it runs
 * inside the QEMU plugin and in the host tests, never in the monitor.
 *
 * Caches: tags[cpu][set][way] hold line + 1 (0: a free way) with
 * TAG_DIRTY set once the CPU has written the line; ways are kept in LRU
 * order, most recent first. The directory dir[line] has bit c set exactly
 * when CPU c's cache holds the line; a dirty line has no other holder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccnuma_model.h"

#define TAG_DIRTY UINT32_C(0x80000000)
#define TAG_LINE  (~TAG_DIRTY)

void ccn_default_params(struct ccn_params *p)
{
	p->cache_size = UINT64_C(1) << 20;
	p->line_size = 128;
	p->ways = 2;
	p->lat_local_ns = 300;
	p->lat_remote_ns = 900;
	p->cpi = 1.0;
	p->mhz = 200.0;
}

static bool pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

static int check_params(const struct ccn_params *p, unsigned int ncpus,
			uint64_t ram_size, char *err, size_t err_size)
{
	uint64_t sets;

	if (ncpus == 0 || ncpus > CCN_MAX_CPUS) {
		snprintf(err, err_size, "%u CPUs: the model takes 1 to %d", ncpus, CCN_MAX_CPUS);
		return -1;
	}
	if (ram_size < (UINT64_C(1) << 20) || ram_size > (UINT64_C(2) << 30) ||
	    ram_size % (UINT64_C(1) << 20)) {
		snprintf(err, err_size, "ram: want a multiple of 1 MiB up to 2 GiB (malta's limit)");
		return -1;
	}
	if (!pow2(p->line_size) || p->line_size < 8 || p->line_size > 4096) {
		snprintf(err, err_size, "line=%u: want a power of two from 8 to 4096", p->line_size);
		return -1;
	}
	if (p->ways == 0 || p->ways > CCN_MAX_WAYS) {
		snprintf(err, err_size, "ways=%u: want 1 to %d", p->ways, CCN_MAX_WAYS);
		return -1;
	}
	sets = p->cache_size / ((uint64_t)p->line_size * p->ways);
	if (!pow2(sets) || sets * p->line_size * p->ways != p->cache_size) {
		snprintf(err, err_size, "cache=%llu: cache / (line * ways) must be a power of two",
			 (unsigned long long)p->cache_size);
		return -1;
	}
	if (!(p->cpi > 0) || !(p->mhz > 0)) {
		snprintf(err, err_size, "cpi and mhz must be positive");
		return -1;
	}
	return 0;
}

int ccn_init(struct ccn_model *m, const struct ccn_params *p,
	     const struct numa_topology *t, unsigned int ncpus,
	     uint64_t ram_size, char *err, size_t err_size)
{
	uint64_t sets, mb;

	memset(m, 0, sizeof(*m));
	if (check_params(p, ncpus, ram_size, err, err_size))
		return -1;
	m->p = *p;
	m->ncpus = ncpus;
	m->nnodes = t->nnodes;
	m->ram_size = ram_size;
	m->line_shift = (unsigned int)__builtin_ctz(p->line_size);
	sets = p->cache_size / ((uint64_t)p->line_size * p->ways);
	m->set_mask = sets - 1;
	m->nlines = ram_size >> m->line_shift;
	m->npages = ram_size >> CCN_PAGE_SHIFT;
	m->tags = calloc(ncpus * sets * p->ways, sizeof(*m->tags));
	m->dir = calloc(m->nlines, sizeof(*m->dir));
	m->page_miss = calloc(m->npages * t->nnodes, sizeof(*m->page_miss));
	m->node_of_mb = calloc(ram_size >> 20, 1);
	if (!m->tags || !m->dir || !m->page_miss || !m->node_of_mb) {
		snprintf(err, err_size, "out of memory");
		ccn_free(m);
		return -1;
	}
	for (mb = 0; mb < ram_size >> 20; mb++)
		m->node_of_mb[mb] = (uint8_t)numa_node_of_offset(t, mb << 20);
	for (unsigned int c = 0; c < ncpus; c++)
		m->cpu_node[c] = (uint8_t)numa_node_of_cpu(t, c);
	return 0;
}

void ccn_free(struct ccn_model *m)
{
	free(m->tags);
	free(m->dir);
	free(m->page_miss);
	free(m->node_of_mb);
	m->tags = NULL;
	m->dir = NULL;
	m->page_miss = NULL;
	m->node_of_mb = NULL;
}

enum ccn_where ccn_ram_offset(uint64_t phys, uint64_t ram_size, uint64_t *off)
{
	uint64_t low = ram_size < CCN_RAM_LOW_MAX ? ram_size : CCN_RAM_LOW_MAX;

	if (phys >= CCN_RAM_HIGH_BASE && phys - CCN_RAM_HIGH_BASE < ram_size) {
		*off = phys - CCN_RAM_HIGH_BASE;
		return CCN_RAM_HIGH;
	}
	if (phys < low) {
		*off = phys;
		return CCN_RAM_LOW;
	}
	/* RAM from 512 MiB on is also seen at 512 MiB: the offset is phys */
	if (phys >= CCN_RAM_POSTIO_BASE && phys < ram_size) {
		*off = phys;
		return CCN_RAM_POSTIO;
	}
	return CCN_NOT_RAM;
}

static inline uint32_t *set_of(const struct ccn_model *m, unsigned int cpu,
			       uint64_t line)
{
	return &m->tags[(cpu * (m->set_mask + 1) + (line & m->set_mask)) * m->p.ways];
}

/* The way of set s holding tag t (no dirty bit), or -1. */
static inline int find_way(const struct ccn_model *m, const uint32_t *s, uint32_t t)
{
	for (unsigned int w = 0; w < m->p.ways; w++)
		if ((s[w] & TAG_LINE) == t)
			return (int)w;
	return -1;
}

/* Removes the line from the caches of every CPU in mask. */
static void invalidate(struct ccn_model *m, uint16_t mask, uint64_t line)
{
	uint32_t t = (uint32_t)line + 1;

	m->dir[line] &= (uint16_t)~mask;
	while (mask) {
		unsigned int c = (unsigned int)__builtin_ctz(mask);
		uint32_t *s = set_of(m, c, line);
		int w = find_way(m, s, t);

		mask &= (uint16_t)(mask - 1);
		if (w >= 0)
			s[w] = 0;
	}
}

/*
 * A miss of cpu on line: the line comes from its home node. A line dirty
 * in another cache is written back there (a load keeps that cache's copy,
 * clean; a store invalidates every other copy).
 */
static void miss(struct ccn_model *m, unsigned int cpu, uint64_t off,
		 uint64_t line, enum ccn_kind kind)
{
	struct ccn_counts *c = &m->counts[cpu];
	unsigned int home = ccn_home(m, off);
	unsigned int remote = home != m->cpu_node[cpu];
	uint16_t others = m->dir[line] & (uint16_t)~(1u << cpu);
	uint32_t t = (uint32_t)line + 1;
	uint32_t *s = set_of(m, cpu, line);
	unsigned int w, v;

	if (kind == CCN_IFETCH)
		c->imiss[remote]++;
	else
		c->dmiss[remote]++;
	m->page_miss[(off >> CCN_PAGE_SHIFT) * m->nnodes + m->cpu_node[cpu]]++;

	if (others && !(others & (others - 1))) {   /* one other holder */
		unsigned int o = (unsigned int)__builtin_ctz(others);
		uint32_t *os = set_of(m, o, line);
		int ow = find_way(m, os, t);
		if (ow >= 0 && (os[ow] & TAG_DIRTY)) {
			c->dirty++;
			os[ow] &= TAG_LINE;
		}
	}
	if (kind == CCN_STORE && others)
		invalidate(m, others, line);

	/* the victim: the first free way, else the least recently used */
	for (v = 0; v < m->p.ways - 1 && s[v]; v++)
		;
	if (s[v]) {
		uint64_t vline = (s[v] & TAG_LINE) - 1;
		if (s[v] & TAG_DIRTY)
			c->writebacks++;
		m->dir[vline] &= (uint16_t)~(1u << cpu);
	}
	for (w = v; w > 0; w--)
		s[w] = s[w - 1];
	s[0] = t | (kind == CCN_STORE ? TAG_DIRTY : 0);
	m->dir[line] |= (uint16_t)(1u << cpu);
}

void ccn_access(struct ccn_model *m, unsigned int cpu, uint64_t off,
		enum ccn_kind kind)
{
	struct ccn_counts *c = &m->counts[cpu];
	uint64_t line = off >> m->line_shift;
	uint32_t t = (uint32_t)line + 1;
	uint32_t *s = set_of(m, cpu, line);
	uint32_t hit;
	int w;

	if (kind == CCN_LOAD)
		c->loads++;
	else if (kind == CCN_STORE)
		c->stores++;
	else
		c->ifetches++;

	if ((s[0] & TAG_LINE) == t) {
		w = 0;
	} else {
		w = find_way(m, s, t);
		if (w < 0) {
			miss(m, cpu, off, line, kind);
			return;
		}
	}
	hit = s[w];
	for (; w > 0; w--)
		s[w] = s[w - 1];
	s[0] = hit;
	if (kind == CCN_STORE && !(hit & TAG_DIRTY)) {
		uint16_t others = m->dir[line] & (uint16_t)~(1u << cpu);
		if (others) {
			c->upgrade[ccn_home(m, off) != m->cpu_node[cpu]]++;
			invalidate(m, others, line);
		}
		s[0] = hit | TAG_DIRTY;
	}
}

bool ccn_cached(const struct ccn_model *m, unsigned int cpu, uint64_t off,
		bool *dirty)
{
	uint64_t line = off >> m->line_shift;
	const uint32_t *s = set_of(m, cpu, line);
	int w = find_way(m, s, (uint32_t)line + 1);

	if (w < 0)
		return false;
	if (dirty)
		*dirty = (s[w] & TAG_DIRTY) != 0;
	return true;
}

double ccn_time_ns(const struct ccn_params *p, const struct ccn_counts *c)
{
	uint64_t local = c->dmiss[0] + c->imiss[0] + c->upgrade[0];
	uint64_t remote = c->dmiss[1] + c->imiss[1] + c->upgrade[1];

	return (double)c->insns * p->cpi * 1000.0 / p->mhz +
	       (double)local * p->lat_local_ns + (double)remote * p->lat_remote_ns;
}

uint64_t ccn_node_misses(const struct ccn_model *m, unsigned int from,
			 unsigned int home)
{
	uint64_t sum = 0;

	for (uint64_t pg = 0; pg < m->npages; pg++)
		if (ccn_home(m, pg << CCN_PAGE_SHIFT) == home)
			sum += ccn_page_node_misses(m, pg, from);
	return sum;
}

static void page_stat(const struct ccn_model *m, uint64_t pg,
		      struct ccn_page_stat *st)
{
	st->offset = pg << CCN_PAGE_SHIFT;
	st->home = ccn_home(m, st->offset);
	st->local = 0;
	st->remote = 0;
	for (unsigned int n = 0; n < m->nnodes; n++) {
		if (n == st->home)
			st->local += ccn_page_node_misses(m, pg, n);
		else
			st->remote += ccn_page_node_misses(m, pg, n);
	}
}

unsigned int ccn_top_pages(const struct ccn_model *m, unsigned int n,
			   struct ccn_page_stat *out)
{
	unsigned int have = 0;

	for (uint64_t pg = 0; pg < m->npages && n; pg++) {
		struct ccn_page_stat st;
		unsigned int i;

		page_stat(m, pg, &st);
		if (st.remote == 0)
			continue;
		if (have == n && st.remote <= out[n - 1].remote)
			continue;
		/* insert after every entry with as many remote misses or more */
		i = have < n ? have++ : n - 1;
		for (; i > 0 && out[i - 1].remote < st.remote; i--)
			out[i] = out[i - 1];
		out[i] = st;
	}
	return have;
}
