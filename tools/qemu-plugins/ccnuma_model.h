/*
 * The ccNUMA cost model of the ccnuma plugin (ccnuma.c), without QEMU:
 * per-CPU set-associative caches kept coherent by write-invalidate through
 * a full-map directory, each miss served by the home node of its line
 * (local or remote to the missing CPU under the declared topology), and
 * the simulated time those misses cost. Pure C, host-tested
 * (tests/host/test_ccnuma.c). README.md next to it documents the choices.
 */
#ifndef CCNUMA_MODEL_H
#define CCNUMA_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "numa/topology.h"

#define CCN_MAX_CPUS 16           /* directory entries are 16-bit CPU masks */
#define CCN_MAX_WAYS 16
#define CCN_PAGE_SHIFT 12         /* per-page statistics: 4 KiB pages */

/* malta's RAM as QEMU 7.2 lays it out (hw/mips/malta.c, mips_malta_init) */
#define CCN_RAM_HIGH_BASE   UINT64_C(0x80000000)  /* all of RAM */
#define CCN_RAM_LOW_MAX     (UINT64_C(256) << 20) /* alias at 0 of the first 256 MiB */
#define CCN_RAM_POSTIO_BASE (UINT64_C(512) << 20) /* alias of RAM from 512 MiB on */

enum ccn_kind { CCN_LOAD, CCN_STORE, CCN_IFETCH };

/* Where a physical address reported by QEMU lies (ccn_ram_offset). */
enum ccn_where { CCN_NOT_RAM, CCN_RAM_HIGH, CCN_RAM_LOW, CCN_RAM_POSTIO };

struct ccn_params {
	uint64_t cache_size;      /* bytes per CPU */
	uint32_t line_size;       /* bytes, power of two, 8..4096 */
	uint32_t ways;            /* 1..CCN_MAX_WAYS */
	uint32_t lat_local_ns;    /* a miss served by the CPU's own node */
	uint32_t lat_remote_ns;   /* a miss served by another node */
	double cpi;               /* cycles per instruction, memory stalls aside */
	double mhz;               /* clock */
};

/* Counters of one CPU; [0] served by its own node, [1] by another. */
struct ccn_counts {
	uint64_t insns;
	uint64_t loads, stores;   /* RAM data accesses */
	uint64_t io;              /* data accesses to I/O (not modelled) */
	uint64_t ifetches;        /* instruction line fetches from RAM */
	uint64_t dmiss[2];        /* data misses */
	uint64_t imiss[2];        /* instruction misses */
	uint64_t upgrade[2];      /* stores to a line other CPUs share */
	uint64_t dirty;           /* misses on a line dirty in another cache */
	uint64_t writebacks;      /* dirty lines evicted (not charged) */
};

struct ccn_model {
	struct ccn_params p;
	unsigned int ncpus, nnodes;
	uint64_t ram_size;
	unsigned int line_shift;
	uint64_t set_mask;        /* sets - 1 */
	uint64_t nlines, npages;
	uint32_t *tags;           /* [cpu][set][way], MRU first; line + 1, 0 free */
	uint16_t *dir;            /* [line]: the CPUs whose cache holds it */
	uint32_t *page_miss;      /* [page][node]: misses by CPUs of that node */
	uint8_t *node_of_mb;      /* [RAM offset >> 20]: home node */
	uint8_t cpu_node[CCN_MAX_CPUS];
	struct ccn_counts counts[CCN_MAX_CPUS];
};

/* One page's misses, for the pages with the most remote misses. */
struct ccn_page_stat {
	uint64_t offset;          /* RAM offset of the 4 KiB page */
	unsigned int home;
	uint64_t local, remote;
};

/* Default parameters (FLASH-like, see README.md). */
void ccn_default_params(struct ccn_params *p);

/*
 * Sets up the model for ncpus CPUs and ram_size bytes of RAM under the
 * topology t (numa/topology.h). Returns 0, or -1 with a reason in err
 * (bad geometry, too many CPUs, out of memory). ccn_free undoes it.
 */
int ccn_init(struct ccn_model *m, const struct ccn_params *p,
	     const struct numa_topology *t, unsigned int ncpus,
	     uint64_t ram_size, char *err, size_t err_size);
void ccn_free(struct ccn_model *m);

/*
 * The RAM offset of a physical address as qemu_plugin_hwaddr_phys_addr
 * reports it on malta (RAM at 0x80000000; its aliases at 0 and 512 MiB
 * accepted too), in *off. Returns where it lies; CCN_NOT_RAM leaves *off
 * alone.
 */
enum ccn_where ccn_ram_offset(uint64_t phys, uint64_t ram_size, uint64_t *off);

/* The home node of a RAM offset (below ram_size). */
static inline unsigned int ccn_home(const struct ccn_model *m, uint64_t off)
{
	return m->node_of_mb[off >> 20];
}

/* One access by cpu (< ncpus) to RAM offset off (< ram_size). */
void ccn_access(struct ccn_model *m, unsigned int cpu, uint64_t off,
		enum ccn_kind kind);

/* True if cpu's cache holds the line of off (and *dirty says how). */
bool ccn_cached(const struct ccn_model *m, unsigned int cpu, uint64_t off,
		bool *dirty);

/*
 * Simulated time of a CPU's counters, in ns: instructions at cpi cycles of
 * a mhz clock, plus every miss and upgrade at its node's latency.
 */
double ccn_time_ns(const struct ccn_params *p, const struct ccn_counts *c);

/* The misses the CPUs of node `from` took on lines homed on node `home`. */
uint64_t ccn_node_misses(const struct ccn_model *m, unsigned int from,
			 unsigned int home);

/*
 * The (at most n) pages with the most remote misses, most first, ties by
 * offset; pages without remote misses are left out. Returns how many.
 */
unsigned int ccn_top_pages(const struct ccn_model *m, unsigned int n,
			   struct ccn_page_stat *out);

/* The misses of page `page` taken by the CPUs of node `node`. */
static inline uint32_t ccn_page_node_misses(const struct ccn_model *m,
					    uint64_t page, unsigned int node)
{
	return m->page_miss[page * m->nnodes + node];
}

#endif
