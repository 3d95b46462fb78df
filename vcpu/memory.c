/*
 * Guest memory through the real TLB (Disco's software-reloaded TLB, in its
 * first, correct-before-fast form). A real TLB exception from a guest is
 * resolved by what the address is (guest_addr.h):
 *  - a direct-map window: the page pair goes into the real TLB from the
 *    VM's pmap (device addresses in the uncached window are emulated);
 *  - a mapped address: looked up in the guest's own TLB; a miss, an invalid
 *    entry or a clean page stored to is the guest's exception; a hit has its
 *    guest-physical frame translated through the pmap and entered into the
 *    real TLB. A frame outside the VM's memory and
 *    devices is a bus error for the guest, never another page.
 * Every mapped entry, guest-global or not, is made under the real ASID of
 * the guest's current ASID (arch_tlb_set_asid, set before the guest ran),
 * never global: another VM, vCPU or guest process on this CPU runs under
 * another real ASID and cannot match it; a guest-global entry is made again
 * under each ASID that uses it. So is a window entry on a CPU that runs
 * other vCPUs too; on a CPU dedicated to the vCPU (sched_cpu_dedicated), a
 * window entry is global: it means the same for every process of the vCPU
 * (user mode cannot reach the window's segments), so a new guest process
 * does not fill the window again (fork and exec did, 290,000 times in
 * bench-linux (b)); a CPU drops its global entries before it runs another
 * vCPU (sched.c prepare), so another vCPU or VM never matches them.
 * Each entry is made under the vCPU's Status at the time; when Status
 * changes what an address is (virtual supervisor mode, SX, ERL), the
 * entries that would now mean something else are dropped before the guest
 * runs again (vcpu_tlb_follow_status).
 */
#include "arch/atomic.h"
#include "arch/board.h"
#include "arch/guest.h"
#include "monitor/percpu.h"
#include "arch/vcpu.h"
#include "devices/mmio.h"
#include "mmu/machmem.h"
#include "mmu/memmap.h"
#include "mmu/pmap.h"
#include "monitor/xcall.h"
#include "vcpu/sched.h"
#include "vcpu/vcpu.h"

#define CCA_UNCACHED 2
#define CCA_CACHED   3
#define ASID_MASK    0xffu
#define PAIR_MASK    0x1fffull
#define ENTRYLO_V    0x2ull     /* in a vtlb_entry's lo[] */

static uint8_t guest_asid(const struct vcpu *v)
{
	return (uint8_t)(v->cp0.entryhi & ASID_MASK);
}

/* Whether gpa is the VM's memory (backed yet or not). */
static bool gpa_is_ram(const struct vcpu *v, uint64_t gpa)
{
	return pmap_has(&v->vm->pmap, gpa);
}

/* The real half for gpa's page as the pmap has it now: invalid while
 * unbacked (touching it traps again, and backs it), never dirty while
 * shared (a store traps, and copies it). */
static struct tlb_half ram_half(const struct vcpu *v, uint64_t gpa, bool dirty,
				unsigned int cca)
{
	struct pmap *pm = &v->vm->pmap;
	struct tlb_half h = { pmap_lookup_on(pm, gpa, this_cpu()->node), false, cca };

	h.dirty = dirty && h.frame != PA_NONE && pmap_state(pm, gpa) == PMAP_PRIVATE &&
		  !pmap_replicated(pm, gpa);
	return h;
}

/* A guest access to a frame it does not have: bus error, as hardware. */
static enum vcpu_action bus_error(struct vcpu *v, struct trap_frame *f, uint64_t va)
{
	bool bd = f->cause & CAUSE_BD;
	bool fetch = f->epc == va || (bd && f->epc + 4 == va);

	vcpu_deliver(v, f, fetch ? EXC_IBE : EXC_DBE, bd);
	return VCPU_CONTINUE;
}

/* Whether the 2^order pages at gpa can be one real half: one uniform,
 * machine-contiguous block, or (no larger than a demand chunk) all
 * unbacked, an invalid half. */
static bool half_fits(const struct pmap *pm, uint64_t gpa, unsigned int order)
{
	if (pmap_block_order(pm, gpa) >= order)
		return true;
	if (order > pmap_chunk_order)
		return false;
	for (uint64_t i = 0; i < (1ull << order); i++)
		if (pmap_state(pm, gpa + (i << PAGE_SHIFT)) != PMAP_UNBACKED)
			return false;
	return true;
}

/* The largest page order (even, as MIPS page sizes are) at which the half
 * holding gpa (backed) is one block and its partner fits (half_fits). */
static unsigned int window_order(const struct vcpu *v, uint64_t gpa)
{
	const struct pmap *pm = &v->vm->pmap;

	for (unsigned int k = ARCH_TLB_MAX_ORDER; k; k -= 2) {
		uint64_t half = PAGE_SIZE << k, pair = gpa & ~(2 * half - 1);
		uint64_t partner = (gpa & half) ? pair : pair + half;

		if (pmap_block_order(pm, gpa) >= k && half_fits(pm, partner, k))
			return k;
	}
	return 0;
}

/* A window pair into the real TLB: global on a CPU dedicated to the vCPU
 * (every process's), else under the current real ASID. */
static void insert_window(struct vcpu *v, uint64_t va, const struct tlb_half half[2],
			  unsigned int order)
{
	if (sched_cpu_dedicated())
		arch_tlb_insert_global(va, half, order);
	else
		arch_tlb_insert(va, half, order);
	v->stats.window_fills++;
}

/* The self page pair (VCPU_SELF_GPA, vcpu.h): the page of the vCPU's own
 * shared area (pinned: it never moves), then an invalid page; a bus error
 * without a shared area, or in the invalid page. */
static enum vcpu_action fill_self(struct vcpu *v, struct trap_frame *f, uint64_t va,
				  uint64_t gpa)
{
	struct tlb_half half[2] = { { PA_NONE, false, CCA_CACHED }, { PA_NONE, false, CCA_CACHED } };

	if (!v->shared || gpa != VCPU_SELF_GPA)
		return bus_error(v, f, va);
	half[0] = ram_half(v, v->shared_gpa & ~(uint64_t)(PAGE_SIZE - 1), true, CCA_CACHED);
	insert_window(v, va, half, 0);
	return VCPU_CONTINUE;
}

void vcpu_tlb_forget_self(struct vcpu *v)
{
	(void)v;
	arch_tlb_flush_range(GUEST_CACHED_BASE + VCPU_SELF_GPA,
			     GUEST_CACHED_BASE + VCPU_SELF_GPA + 2 * PAGE_SIZE);
}

static enum vcpu_action fill_window(struct vcpu *v, struct trap_frame *f, uint64_t va,
				    uint64_t gpa, unsigned int cca, bool store)
{
	unsigned int order;
	uint64_t half_size, pair;
	struct tlb_half half[2];

	if ((gpa & ~(2 * PAGE_SIZE - 1)) == VCPU_SELF_GPA && cca == CCA_CACHED)
		return fill_self(v, f, va, gpa & ~(uint64_t)(PAGE_SIZE - 1));
	if (!gpa_is_ram(v, gpa)) {
		if (cca == CCA_UNCACHED && mmio_covers(v->vm, gpa))
			return vcpu_emulate(v, f, EMULATE_DEVICE);
		return bus_error(v, f, va);
	}
	pmap_back(&v->vm->pmap, gpa, store);
	numa_fill_touch(v, gpa, store);
	order = window_order(v, gpa);
	half_size = PAGE_SIZE << order;
	pair = gpa & ~(2 * half_size - 1);
	half[0] = ram_half(v, pair, true, cca);
	half[1] = ram_half(v, pair + half_size, true, cca);
	insert_window(v, va, half, order);
	return VCPU_CONTINUE;
}

/* One half of a real pair from the guest's TLB, of 4 KiB << order (invalid
 * if the guest has it invalid, outside its RAM or not backed yet: touching
 * it traps again), and the guest-physical address where it starts (*gpa).
 * *fits: the half is RAM in one block of at least that order (or an
 * invalid one, which fits any). */
static struct tlb_half mapped_half(const struct vcpu *v, uint64_t va, unsigned int order,
				   bool *global, bool *fits, uint64_t *gpa)
{
	struct tlb_half h = { PA_NONE, false, CCA_CACHED };
	uint64_t start;
	struct vtlb_map m;

	if (vtlb_translate(&v->tlb, va, guest_asid(v), false, &m) != VTLB_HIT ||
	    !gpa_is_ram(v, m.pa))
		return h;
	*global = vtlb_entry_at(&v->tlb, m.index)->g;
	start = m.pa & ~((PAGE_SIZE << order) - 1);
	if (pmap_block_order(&v->vm->pmap, m.pa) < order &&
	    !(order <= pmap_chunk_order && half_fits(&v->vm->pmap, start, order)))
		*fits = false;
	*gpa = start;
	return ram_half(v, start, m.dirty, m.cca == CCA_UNCACHED ? CCA_UNCACHED : CCA_CACHED);
}

/* The real pair for the guest's entry around va: the guest's own page size
 * when its pages are machine-contiguous (Linux uses 16 KiB pages), else
 * 4 KiB pages. */
static void mapped_pair(const struct vcpu *v, uint64_t va, uint64_t guest_page,
			struct tlb_half half[2], uint64_t gpa[2], bool *global,
			unsigned int *order)
{
	unsigned int k = 0;
	bool fits = true;

	while (k < ARCH_TLB_MAX_ORDER && (PAGE_SIZE << (k + 2)) <= guest_page)
		k += 2;
	for (;; k = 0, fits = true) {
		uint64_t pair = va & ~((2 * PAGE_SIZE << k) - 1);

		half[0] = mapped_half(v, pair, k, global, &fits, &gpa[0]);
		half[1] = mapped_half(v, pair + (PAGE_SIZE << k), k, global, &fits, &gpa[1]);
		if (fits || !k)
			break;
	}
	*order = k;
}

/* Enters the pair around va, which the guest's TLB maps (m) to its RAM,
 * into the real TLB and the l2tlb, backing (and for a store, copying) the
 * page first. */
static void enter_mapped(struct vcpu *v, uint64_t va, const struct vtlb_map *m, bool store)
{
	bool global = false;
	struct tlb_half half[2];
	uint64_t gpa[2];
	unsigned int order;

	pmap_back(&v->vm->pmap, m->pa, store);
	numa_fill_touch(v, m->pa, store);
	mapped_pair(v, va, m->page_size, half, gpa, &global, &order);
	arch_tlb_insert(va, half, order);
	vcpu_l2tlb_learn(v, va, half, gpa, global, order);
	v->stats.mapped_fills++;
}

/* For a guest with the TLB contract (contract.c): a real refill is looked
 * up in the l2tlb first; a real invalid or modified exception the guest's
 * TLB does not resolve takes the pair out of the l2tlb (its real entry
 * came from there) and is decided from the guest's TLB as for any guest;
 * what the guest's TLB gives goes into the l2tlb too. */
static enum vcpu_action fill_mapped(struct vcpu *v, struct trap_frame *f,
				    uint64_t va, bool store)
{
	bool bd = f->cause & CAUSE_BD;
	bool refill = f->vector == VEC_TLB_REFILL || f->vector == VEC_XTLB_REFILL;
	struct vtlb_map m;
	enum vtlb_result r;

	if (refill && vcpu_l2tlb_refill(v, va))
		return VCPU_CONTINUE;
	r = vtlb_translate(&v->tlb, va, guest_asid(v), store, &m);
	if (r != VTLB_HIT && !refill)
		vcpu_l2tlb_unlearn(v, va);
	switch (r) {
	case VTLB_REFILL:
		vcpu_deliver_tlb(v, f, store ? EXC_TLBS : EXC_TLBL, va, true, bd);
		return VCPU_CONTINUE;
	case VTLB_INVALID:
		vcpu_deliver_tlb(v, f, store ? EXC_TLBS : EXC_TLBL, va, false, bd);
		return VCPU_CONTINUE;
	case VTLB_MODIFIED:
		vcpu_deliver_tlb(v, f, EXC_MOD, va, false, bd);
		return VCPU_CONTINUE;
	case VTLB_HIT:
		break;
	}
	if (!gpa_is_ram(v, m.pa)) {
		if (mmio_covers(v->vm, m.pa))
			return vcpu_emulate(v, f, EMULATE_DEVICE);
		return bus_error(v, f, va);
	}
	enter_mapped(v, va, &m, store);
	return VCPU_CONTINUE;
}

void vcpu_tlb_prefill(struct vcpu *v, uint64_t va)
{
	uint32_t status = (uint32_t)v->cp0.status;
	struct vtlb_map m;
	uint64_t unused;

	if (guest_addr_classify(va, guest_mode_of(status), status, &unused) == GA_MAPPED &&
	    vtlb_translate(&v->tlb, va, guest_asid(v), false, &m) == VTLB_HIT &&
	    gpa_is_ram(v, m.pa))
		enter_mapped(v, va, &m, false);
}

enum vcpu_action vcpu_tlb_fault(struct vcpu *v, struct trap_frame *f, unsigned int code)
{
	uint64_t va = f->badvaddr, gpa = 0;
	uint32_t status = (uint32_t)v->cp0.status;
	bool store = code != EXC_TLBL;

	switch (guest_addr_classify(va, guest_mode_of(status), status, &gpa)) {
	case GA_WINDOW_CACHED:
		return fill_window(v, f, va, gpa, CCA_CACHED, store);
	case GA_WINDOW_UNCACHED:
		return fill_window(v, f, va, gpa, CCA_UNCACHED, store);
	case GA_MAPPED:
		return fill_mapped(v, f, va, store);
	case GA_ADDRESS_ERROR:
		vcpu_deliver_address_error(v, f, store ? EXC_ADES : EXC_ADEL, va,
					   true, f->cause & CAUSE_BD);
		return VCPU_CONTINUE;
	case GA_UNAVAILABLE:
		break;
	}
	vcpu_stop_vm(v, 1, "access to a segment a VM does not have (kseg0/kseg1/xkphys/xkseg)");
	return VCPU_RESCHEDULE;
}

enum vcpu_action vcpu_address_error(struct vcpu *v, struct trap_frame *f, unsigned int code)
{
	uint64_t va = f->badvaddr, gpa;
	uint32_t status = (uint32_t)v->cp0.status;
	enum guest_mode mode = guest_mode_of(status);

	enum guest_addr_kind kind = guest_addr_classify(va, mode, status, &gpa);

	if (kind == GA_UNAVAILABLE) {
		vcpu_stop_vm(v, 1, "access to a segment a VM does not have (kseg0/kseg1/xkphys/xkseg)");
		return VCPU_RESCHEDULE;
	}
	/* an address the guest may use: the fault was its alignment */
	vcpu_deliver_address_error(v, f, code, va, kind == GA_ADDRESS_ERROR,
				   f->cause & CAUSE_BD);
	return VCPU_CONTINUE;
}

_Static_assert(GUEST_CACHED_BASE >= GUEST_XSSEG_BASE &&
	       GUEST_CACHED_BASE + GUEST_WINDOW_SIZE <= GUEST_XSSEG_END,
	       "vcpu_device_gpa's shortcut: the cached window is in xsseg");

/* vcpu_device_gpa past its shortcut: va as guest_addr_classify finds it
 * in mode under status. Apart, so that the shortcut needs no stack frame. */
static int64_t __attribute__((noinline)) classified_gpa(struct vcpu *v, uint64_t va,
							 enum guest_mode mode, uint32_t status)
{
	uint64_t gpa = 0;
	struct vtlb_map m;

	switch (guest_addr_classify(va, mode, status, &gpa)) {
	case GA_WINDOW_CACHED:
	case GA_WINDOW_UNCACHED:
		break;
	case GA_MAPPED:
		switch (vtlb_translate(&v->tlb, va, guest_asid(v), false, &m)) {
		case VTLB_HIT:
			gpa = m.pa;
			break;
		case VTLB_REFILL:       /* evicted, but maybe kept (contract.c) */
			if (vcpu_l2tlb_translate(v, va, &gpa))
				break;
			return -1;
		default:
			return -1;
		}
		break;
	default:
		return -1;
	}
	return (int64_t)gpa;
}

int64_t vcpu_device_gpa(struct vcpu *v, uint64_t va)
{
	uint32_t status = (uint32_t)v->cp0.status;
	enum guest_mode mode = guest_mode_of(status);

	/* The usual case (every emulated instruction of a guest kernel that
	 * runs in the window), as guest_addr_classify finds it: the cached
	 * window in virtual kernel mode. */
	if (mode == GM_KERNEL && va - GUEST_CACHED_BASE < GUEST_WINDOW_SIZE)
		return (int64_t)(va - GUEST_CACHED_BASE);
	return classified_gpa(v, va, mode, status);
}

/* The guest-physical address of guest-virtual va for the monitor's own
 * reads (no exception: -1 if unmapped or not RAM). */
static int64_t virtual_to_gpa(struct vcpu *v, uint64_t va)
{
	int64_t gpa = vcpu_device_gpa(v, va);

	return gpa >= 0 && gpa_is_ram(v, (uint64_t)gpa) ? gpa : -1;
}

int vcpu_read_virtual(struct vcpu *v, uint64_t va, void *buf, uint64_t len)
{
	char *out = buf;

	while (len) {
		uint64_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
		int64_t gpa = virtual_to_gpa(v, va);

		if (chunk > len)
			chunk = len;
		if (gpa < 0 || pmap_read(&v->vm->pmap, (uint64_t)gpa, out, chunk))
			return -1;
		va += chunk;
		out += chunk;
		len -= chunk;
	}
	return 0;
}

int64_t vcpu_fetch(struct vcpu *v, uint64_t va)
{
	int64_t gpa = (va & 3) ? -1 : virtual_to_gpa(v, va);
	const uint32_t *word;
	uint32_t frame;

	if (gpa < 0)
		return -1;
	/* Aligned, so inside one page: read in place (no pmap_read copy).
	 * A page backed and not moving (pmap_lookup, lock-free) is the usual
	 * case; else pmap_peek waits out a move, and an unbacked page reads
	 * as zeros, as pmap_read gives it. */
	frame = pmap_lookup(&v->vm->pmap, (uint64_t)gpa);
	if (frame != PA_NONE)
		word = (const uint32_t *)((const char *)mem_frame_ptr(frame) +
					  (gpa & (PAGE_SIZE - 1)));
	else
		word = pmap_peek(&v->vm->pmap, (uint64_t)gpa);
	return word ? *word : 0;
}

uint64_t vcpu_guest_lladdr(struct vcpu *v)
{
	uint64_t pa = v->ll_machine, ram = arch_ram_base();
	uint32_t gpage;

	if (!v->ll_fresh)
		return v->cp0.lladdr;
	v->ll_fresh = false;
	if (pa < ram)
		return 1;
	gpage = memmap_gpage_of(&memmap, (uint32_t)((pa - ram) >> PAGE_SHIFT), v->vm->pmap.owner);
	if (gpage == UINT32_MAX)
		return 1;
	return (uint64_t)gpage << PAGE_SHIFT | (pa & (PAGE_SIZE - 1));
}

void vcpu_tlb_status_changed(struct vcpu *v, uint32_t old, uint32_t status)
{
	switch (guest_tlb_change(old, status)) {
	case GT_KEEP:
		break;
	case GT_FLUSH_XSSEG:
		arch_tlb_flush_range(GUEST_XSSEG_BASE, GUEST_XSSEG_END);
		v->stats.status_flushes++;
		break;
	case GT_FLUSH_ALL:
		arch_tlb_flush_all();
		v->stats.status_flushes++;
		v->stats.real_flushes++;
		break;
	}
}

void vcpu_tlb_forget(struct vcpu *v, const struct vtlb_entry *e)
{
	uint64_t start = e->vpn2 & ~(e->mask | PAIR_MASK);
	uint64_t size = (e->mask | PAIR_MASK) + 1;

	/* no valid half: it never made a real entry (one whose other half
	 * came from another guest entry goes with that one) */
	if (!((e->lo[0] | e->lo[1]) & ENTRYLO_V))
		return;
	/* a global entry matched under whatever ASID the guest had */
	if (e->g)
		arch_tlb_flush_range(start, start + size);
	else
		arch_tlb_flush_asid_range(start, start + size, arch_tlb_asid_of(&v->asids, e->asid));
}

struct shoot_down {
	const struct vm *vm;
	const struct pmap_moved_range *r;
	unsigned int n;
};

/* On a CPU whose real TLB may hold translations of the pages: drops them
 * from it and from the l2tlbs of the VM's vCPUs that run here (only this
 * CPU touches those). Made at an entry into the monitor, so no fill or
 * monitor access of this CPU that saw the old pages is still under way. */
static void shoot_down_here(void *arg)
{
	const struct shoot_down *s = arg;
	const struct vm *vm = s->vm;
	struct l2tlb_range gpages[PMAP_MOVED_MAX];

	for (unsigned int i = 0; i < s->n; i++)
		gpages[i] = (struct l2tlb_range){ s->r[i].gpage, s->r[i].pages };
	for (unsigned int id = 0; id < vm->cfg.vcpus; id++) {
		struct vcpu *v = vm->vcpu[id];

		if (v && v->cpu == arch_cpu_id() && v->tlb_contract)
			l2tlb_drop_gpage_ranges(&v->l2tlb, gpages, s->n);
	}
	for (unsigned int i = 0; i < s->n; i++)
		arch_tlb_flush_frames(s->r[i].old_frame, s->r[i].pages);
}

void vcpu_mmu_shoot_down(struct vm *vm, const struct pmap_moved_range *r, unsigned int n)
{
	struct shoot_down s = { vm, r, n };
	uint32_t others = sched_cpus_holding(vm) & ~(1u << arch_cpu_id());
	uint32_t ticket[MAX_CPUS];
	unsigned long flags;

	shoot_down_here(&s);
	if (!others)
		return;
	/* Wait for the others asleep, with interrupts on (serving this CPU's
	 * ticks and mailbox, as the scheduler's idle does): a CPU spinning
	 * with interrupts off never lets a CPU halted in `wait` wake under
	 * QEMU's -icount, and the target may be one. */
	flags = arch_irq_save();
	arch_irq_enable();
	for (unsigned int c = 0; c < MAX_CPUS; c++)
		if (others & (1u << c)) {
			ticket[c] = xcall_start(c, shoot_down_here, &s);
			atomic_add_return(&vm->remote_flushes, 1);
		}
	for (unsigned int c = 0; c < MAX_CPUS; c++)
		if (others & (1u << c))
			xcall_finish(c, ticket[c]);
	arch_irq_disable();
	arch_irq_restore(flags);
}
