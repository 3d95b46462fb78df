/*
 * Disco's memmap: for every machine page, who maps it, as (VM, guest-
 * physical page) pairs. A private page has one user, a shared page (the
 * image cache's copy-on-write pages) one per VM that maps it. It is the
 * way back from a machine page to its users: to take a page away from all
 * of them or give them another (mmu/page_move.h), and to name the guest
 * page behind a machine address (a guest's LLAddr).
 *
 * Where translations of a page may be cached is kept beside the users, by
 * VM: every real TLB entry and l2tlb entry of a VM is made by a CPU while
 * it runs that VM, so the VM's CPU mask (sched_cpus_holding) names every
 * real TLB that may hold one, and the l2tlbs are those of the VM's vCPUs on
 * those CPUs. A shoot-down (page_move.c) goes to exactly those CPUs. (A
 * per-page mask would cost every refill an atomic write; per VM costs
 * nothing on the refill paths.)
 *
 * The first user of a frame sits in the frame's own record (8 bytes a
 * machine page, beside the allocator's frame table); further users of a
 * shared frame are records from a pool that grows a page at a time.
 *
 * Locking: one lock for the whole map, taken by every call; users change
 * when pages are backed, shared, copied or moved, never on a refill.
 * Pure C (its pages come from a callback): unit-tested on the host.
 */
#ifndef MMU_MEMMAP_H
#define MMU_MEMMAP_H

#include <stdbool.h>
#include <stdint.h>
#include "monitor/spinlock.h"

#define MEMMAP_NO_VM    0       /* a free record */
#define MEMMAP_NO_MORE  0       /* the end of a frame's chain */
#define MEMMAP_POOL_PAGES 2048  /* pool pages of 512 records: 1,048,575 extra
				 * users (8 VMs sharing Debian's page cache
				 * need about 92,000; a 16-bit index ran dry) */
#define MEMMAP_VM_MAX   255     /* VM ids fit 8 bits */

struct memmap_user {
	uint32_t gpage;         /* guest-physical page number in that VM */
	uint32_t vm : 8;        /* the VM's id (1..), MEMMAP_NO_VM if none */
	uint32_t next : 24;     /* pool index of the next user, or MEMMAP_NO_MORE */
};
_Static_assert(sizeof(struct memmap_user) == 8, "8 bytes a machine page");

/* A zeroed 4 KiB page for the pool, or NULL. */
typedef void *(*memmap_page_fn)(void);

struct memmap {
	struct memmap_user *frame;      /* one per machine frame */
	uint32_t nframes;
	struct memmap_user *pool[MEMMAP_POOL_PAGES];
	unsigned int pool_pages;
	uint32_t free;                  /* first free pool record, or 0 */
	memmap_page_fn get_page;
	uint64_t extra_users;           /* pool records in use */
	spinlock_t lock;
};

/* The bytes of the frame records for nframes machine pages. */
static inline uint64_t memmap_table_bytes(uint32_t nframes)
{
	return (uint64_t)nframes * sizeof(struct memmap_user);
}

/* Sets mm up over table (memmap_table_bytes(nframes) bytes): no page has a
 * user. get_page feeds the pool of further users. */
void memmap_init(struct memmap *mm, struct memmap_user *table, uint32_t nframes,
		 memmap_page_fn get_page);

/*
 * Records that VM vm (an id >= 1) maps frames [frame, frame + count) at its
 * guest-physical pages gpage, gpage + 1, ... False (and nothing recorded)
 * if a frame is outside the map or a further user finds no pool record.
 */
bool memmap_add(struct memmap *mm, uint32_t frame, uint32_t count, uint16_t vm,
		uint32_t gpage);

/* Forgets what memmap_add recorded for the same arguments; a pair that
 * was not recorded is ignored. */
void memmap_remove(struct memmap *mm, uint32_t frame, uint32_t count, uint16_t vm,
		   uint32_t gpage);

/*
 * Copies frame's users into out (at most max of them) and returns how many
 * it has (possibly more than max). 0 for a frame outside the map.
 */
unsigned int memmap_users(struct memmap *mm, uint32_t frame, struct memmap_user *out,
			  unsigned int max);

/* The guest-physical page at which VM vm maps frame, or UINT32_MAX. */
uint32_t memmap_gpage_of(struct memmap *mm, uint32_t frame, uint16_t vm);

/* The monitor's memmap over all of RAM (mmu/machmem.c sets it up). */
extern struct memmap memmap;

#endif
