/*
 * A VM's pmap: guest-physical page -> machine page, Disco's first level of
 * memory virtualization, with a state per page that changes while the VM
 * runs:
 *  - unbacked: no machine page yet. The first touch backs it with zeroed
 *    memory (demand-zero), in a naturally aligned chunk of pages around it
 *    (pmap_chunk_order) so the real TLB can still map large pages;
 *  - private: a machine page of this VM alone;
 *  - shared: a read-only machine page other VMs map too (the image cache,
 *    mmu/image_cache.h: a kernel's loaded image). It must never be written
 *    through: a store (pmap_back with write) first gives the VM a private
 *    copy (copy-on-write) and calls the pmap's `moved` hook, which drops
 *    every translation of the old page the VM may still hold;
 *  - moving: a private page whose machine page is being replaced
 *    (mmu/page_move.h). Lookups see nothing (a fill maps it invalid, so the
 *    guest's access traps again); pmap_back and pmap_peek wait until the
 *    move is done.
 *  - replicated (a flag on a private or shared page, PMAP_META_REPLICA):
 *    its block has read-only copies on other nodes (mmu/replica.h,
 *    pmap_replicate); a fill maps the copy on the filling CPU's node
 *    (pmap_lookup_on), never dirty. A store (pmap_back with write) first
 *    collapses the replicas: the flag goes, every translation of a copy is
 *    shot down, the copies are given back, and the `collapsed` hook hears it.
 * Every backed page is in the memmap (mmu/memmap.h) under the pmap's
 * owner id, from when it is published until it is given back.
 *
 * Every guest-physical access the monitor makes or maps goes through these
 * functions, which are bounds-checked: a guest only ever reaches the pages
 * of its own memory, [0, npages), and only the machine pages its pmap holds.
 * Memory on demand never fails: pmap_create promises (mmu/machmem.h) every
 * page the VM could ever back, so a hostile VM touching all of its memory
 * takes only what was set aside for it.
 *
 * Locking: changes (backing, copy-on-write) are made under the pmap's lock;
 * pmap_lookup, pmap_state and pmap_block_order read without it (a page's
 * frame is published before its state). A reader may see a shared page's
 * old frame while it is being copied: the `moved` hook, called after the
 * change, drops what it mapped.
 */
#ifndef MMU_PMAP_H
#define MMU_PMAP_H

#include <stdbool.h>
#include <stdint.h>
#include "mmu/page_alloc.h"
#include "monitor/spinlock.h"

enum pmap_state {
	PMAP_UNBACKED = 0,
	PMAP_PRIVATE = 1,
	PMAP_SHARED = 2,
	PMAP_MOVING = 3,
};

/* meta[] byte: the state in bits 7:6, the order of the block in bits 3:0 */
#define PMAP_META_STATE_SHIFT 6
#define PMAP_META_ORDER_MASK  0x0fu
#define PMAP_META_REPLICA     0x20u     /* its block has copies on other nodes */
#define PMAP_META_DROPPED     0x10u     /* unbacked: given back by the merge scans
					 * (its next fill backs the guest page only) */
#define PMAP_REPLICA_MAX_ORDER 4        /* a replicated block: 64 KiB at most */

#define PMAP_MAX_PINNED 16      /* pages pmap_pin holds in place */

/* The default chunk a demand fault backs: 2^6 pages, 256 KiB (docs/memory.md
 * has the measurements); the `demand_order=N` command-line key sets it. */
#define PMAP_CHUNK_ORDER_DEFAULT 6
extern unsigned int pmap_chunk_order;

struct pmap;
struct replica_table;
/*
 * The guest's own page size, 2^order machine pages (Linux: 16 KiB, order 2),
 * from the TLB contract. From then on a store to a shared page copies the
 * whole aligned guest page into one machine block when all of it is shared
 * and machine-contiguous: a guest page made of four separately copied 4 KiB
 * pages can be neither one real TLB entry nor one l2tlb entry (radix in
 * make bench-splash: 24,000 l2tlb misses, each a search of the guest's TLB).
 */
void pmap_set_guest_page_order(struct pmap *pm, unsigned int order);

/* Guest pages [gpage, gpage + pages) that were the machine pages from
 * old_frame on. */
struct pmap_moved_range {
	uint32_t gpage, pages, old_frame;
};

#define PMAP_MOVED_MAX 16
#define PMAP_COW_MAX_ORDER 4    /* guest pages copied whole: up to 64 KiB */       /* ranges one call of the hook names at most */

/* Called when the n ranges (at most PMAP_MOVED_MAX) stopped being those
 * machine pages (copy-on-write: after the change; moves: while they are
 * moving), outside the pmap's lock: drop every translation of them the VM
 * may hold, on every CPU, before returning. */
typedef void (*pmap_moved_fn)(void *arg, const struct pmap_moved_range *r, unsigned int n);

struct pmap {
	uint32_t npages;        /* guest-physical pages 0..npages-1 */
	uint32_t *frame;        /* machine frame of each, PA_NONE if unbacked */
	uint8_t *meta;          /* state and block order of each */
	unsigned int table_order;       /* frame[] is a block of this order */
	unsigned int meta_table_order;  /* meta[] is one of this order */
	unsigned int node;      /* where backing is asked for first */
	uint16_t owner;         /* the VM's id in the memmap */
	uint32_t pinned[PMAP_MAX_PINNED];       /* pages that never move */
	unsigned int npinned;
	uint64_t promised;      /* pages still promised for backing */
	unsigned int cow_order; /* a copy-on-write copies this aligned block of
				 * pages at once, when all are shared (the guest's
				 * own page size: pmap_set_guest_page_order) */
	volatile uint32_t private_pages, shared_pages;
	uint64_t demand_faults, cow_breaks;     /* backings and copies made */
	uint64_t moves, moved_pages;            /* pieces page_move moved, pages */
	uint64_t shootdowns;                    /* its batches, one shoot-down each */
	uint64_t move_cycles, shootdown_cycles; /* their Count ticks, in all and
						 * in the shoot-downs */
	pmap_moved_fn moved;
	void *moved_arg;        /* the argument of every hook */
	/* The NUMA engine's: where a page first touched is backed (NULL: on
	 * `node`), in blocks of at most place_order pages; the replicas of
	 * gpage's block were collapsed by a store (NULL: nobody asks). */
	unsigned int (*place)(void *arg, uint32_t gpage);
	unsigned int place_order;
	void (*collapsed)(void *arg, uint32_t gpage);
	struct replica_table *replicas; /* NULL until the first replication */
	volatile uint32_t replicating;  /* a pmap_replicate is under way */
	uint32_t replica_pages;         /* machine pages holding copies */
	/* The merge scans' (mmu/page_merge.c): a 32-bit sum of each guest page
	 * (2^merge_order machine pages) at its last scan, NULL until the first;
	 * a block of merge_sums_order, given back with the pmap. */
	uint32_t *merge_sums;
	unsigned int merge_order, merge_sums_order;
	spinlock_t lock;
};

/*
 * Makes an empty pmap for mem_size bytes of guest memory: its two tables
 * (pmap_table_pages(mem_size) pages, on node if it can) and a promise of
 * mem_size / PAGE_SIZE pages, which its backings draw on. Every page starts
 * unbacked; owner (>= 1) names the VM in the memmap. Returns 0, or -1 if
 * the tables or the promise cannot be had (nothing stays taken).
 */
int pmap_create(struct pmap *pm, uint64_t mem_size, unsigned int node, uint16_t owner);

/*
 * Machine pages of the two tables a pmap of mem_size bytes takes beside the
 * memory itself (frame[] and meta[], each a block of its own).
 */
static inline uint64_t pmap_table_pages(uint64_t mem_size)
{
	uint64_t npages = mem_size >> PAGE_SHIFT;

	return (1ull << pa_order_for_bytes(npages * sizeof(uint32_t))) +
	       (1ull << pa_order_for_bytes(npages));
}

/* Gives every private page, the promise left and the tables back; the
 * shared pages belong to whoever mapped them (pmap_map_shared). The VM must
 * no longer run, and no real TLB may hold its translations. */
void pmap_destroy(struct pmap *pm);

/* Whether gpa is in the VM's memory (backed or not). */
static inline bool pmap_has(const struct pmap *pm, uint64_t gpa)
{
	return (gpa >> PAGE_SHIFT) < pm->npages;
}

static inline enum pmap_state pmap_state(const struct pmap *pm, uint64_t gpa)
{
	uint64_t page = gpa >> PAGE_SHIFT;

	return page < pm->npages ?
	       (enum pmap_state)(pm->meta[page] >> PMAP_META_STATE_SHIFT) : PMAP_UNBACKED;
}

/* Whether gpa's page is replicated now. */
static inline bool pmap_replicated(const struct pmap *pm, uint64_t gpa)
{
	uint64_t page = gpa >> PAGE_SHIFT;

	return page < pm->npages && (pm->meta[page] & PMAP_META_REPLICA);
}

/* The machine frame behind gpa as it is now, or PA_NONE (outside, or not
 * backed yet): never backs anything. The VM's own copy of a replicated
 * page (the one it writes after the collapse). */
static inline uint32_t pmap_lookup(const struct pmap *pm, uint64_t gpa)
{
	uint64_t page = gpa >> PAGE_SHIFT;

	if (page >= pm->npages || (pm->meta[page] >> PMAP_META_STATE_SHIFT) - 1u > 1u)
		return PA_NONE;         /* unbacked or moving */
	__asm__ volatile("" : : : "memory");    /* state before frame */
	return pm->frame[page];
}

/* pmap_lookup for a CPU on `node`: a replicated page's copy there, if it
 * has one (lock-free, mmu/replica.h). */
uint32_t pmap_lookup_on(struct pmap *pm, uint64_t gpa, unsigned int node);

/*
 * The order of the naturally aligned block holding gpa's page whose pages
 * are machine-contiguous and all in the same state (its 2^order pages start
 * at a gpa aligned to that size); 0 outside the VM and for unbacked or
 * moving pages.
 */
static inline unsigned int pmap_block_order(const struct pmap *pm, uint64_t gpa)
{
	uint64_t page = gpa >> PAGE_SHIFT;

	return page < pm->npages && (pm->meta[page] >> PMAP_META_STATE_SHIFT) - 1u <= 1u ?
	       pm->meta[page] & PMAP_META_ORDER_MASK : 0;
}

/*
 * Makes gpa's page usable: backs it if unbacked (a zeroed chunk, see
 * pmap_chunk_order), and for a write gives a shared page a private copy
 * (then calls the moved hook). Returns its machine frame, or PA_NONE if gpa
 * is outside the VM's memory. Never fails for want of memory.
 */
uint32_t pmap_back(struct pmap *pm, uint64_t gpa, bool write);

/*
 * Maps the naturally aligned 2^order pages at gpa, all unbacked, to the
 * machine-contiguous frames from `frame` on, shared (read-only for the VM:
 * a store copies). The pages stay the caller's. -1 if a page is outside the
 * VM or backed already.
 */
int pmap_map_shared(struct pmap *pm, uint64_t gpa, uint32_t frame, unsigned int order);

/* A monitor pointer to guest-physical gpa for writing (its page backed and
 * private first, pmap_back), or NULL outside the VM's memory. */
void *pmap_pointer(struct pmap *pm, uint64_t gpa);

/* A monitor pointer to gpa for reading, or NULL outside the VM's memory or
 * if the page is not backed (it reads as zeros). */
const void *pmap_peek(const struct pmap *pm, uint64_t gpa);

/*
 * Copies len bytes into guest-physical memory at gpa (and zero-fills when
 * src is NULL), backing and copying pages as pmap_back. Returns 0, or -1
 * (nothing written) if any byte falls outside the VM.
 */
int pmap_write(struct pmap *pm, uint64_t gpa, const void *src, uint64_t len);

/* Copies len bytes out of guest-physical memory; unbacked pages read as
 * zeros and stay unbacked. 0, or -1 if outside. */
int pmap_read(const struct pmap *pm, uint64_t gpa, void *dst, uint64_t len);

/*
 * Keeps gpa's page (backed first, private: pmap_pointer) where it is from
 * now on: the monitor holds a pointer into it (a vCPU's shared area).
 * Returns that pointer, or NULL outside the VM or with PMAP_MAX_PINNED
 * pages pinned already (a page pinned twice counts once).
 */
void *pmap_pin(struct pmap *pm, uint64_t gpa);

/*
 * The first half of a move (mmu/page_move.c): the aligned 2^order pages at
 * gpa, private, inside one block and none of them pinned, become a block of their own (the rest
 * of their block, in the pmap and in the allocator, becomes the buddy
 * halves around them) and moving. Returns their first machine frame, or
 * PA_NONE (nothing changed) if they are not all that.
 */
uint32_t pmap_move_begin(struct pmap *pm, uint64_t gpa, unsigned int order);

/* The second half: the moving pages at gpa are the 2^order machine pages
 * from new_frame on from now, private, in the memmap instead of those from
 * old_frame (which the caller frees). */
void pmap_move_end(struct pmap *pm, uint64_t gpa, unsigned int order,
		   uint32_t old_frame, uint32_t new_frame);

/*
 * Replicates the aligned 2^order pages at gpa (order <= PMAP_REPLICA_MAX_ORDER;
 * private or shared, not moving, not pinned, inside one block, which is
 * split around them) onto each node of `nodes` but their own: downgrades
 * every translation of them to read-only (a shoot-down through the moved
 * hook), copies them into a block on each node (free memory, not the
 * VM's promise) and publishes the copies. Returns the copies made (0:
 * nothing changed: not such pages, no memory on those nodes, or a store collapsed them meanwhile); one
 * replication of a VM at a time (a second waits). Call it where page_move
 * may be called.
 */
unsigned int pmap_replicate(struct pmap *pm, uint64_t gpa, unsigned int order, uint32_t nodes);

/* Collapses the replicas of gpa's block, if it has any (as a store does):
 * false if it had none. Where page_move may be called. */
bool pmap_collapse(struct pmap *pm, uint64_t gpa);

/* Backed pages of the VM on each node: counts[node] for node < nnodes
 * (the shared ones too); private[node] its own (private may be NULL). */
void pmap_node_usage(const struct pmap *pm, uint64_t *counts, unsigned int nnodes);
void pmap_node_usage_private(const struct pmap *pm, uint64_t *counts, unsigned int nnodes);

#endif
