/*
 * The NUMA engine on the machine (see placement.h).
 */
#include "arch/atomic.h"
#include "arch/fast.h"
#include "arch/timer.h"
#include "mmu/machmem.h"
#include "mmu/page_move.h"
#include "mmu/pmap.h"
#include "monitor/cmdline.h"
#include "monitor/console.h"
#include "monitor/format.h"
#include "monitor/monitor.h"
#include "monitor/parse.h"
#include "monitor/percpu.h"
#include "monitor/string.h"
#include "monitor/vm.h"
#include "numa/placement.h"
#include "vcpu/sched.h"
#include "vcpu/vcpu.h"

#define DEFAULT_POLICY "first-touch"
#define TEXT_BLOCKS_A_RUN 32    /* kernel-text blocks replicated at a period's end */
#define SAMPLE_LOOK 1024        /* pages a sample looks at besides 4 a page it takes */

static const struct numa_policy *default_policy;

void numa_setup(void)
{
	const char *name = cmdline_get(&monitor_cmdline, "numa_policy");

	default_policy = numa_policy_find(DEFAULT_POLICY);
	numa_hot_log_on = cmdline_get(&monitor_cmdline, "numa_log") != 0;
	if (!name)
		return;
	if (numa_policy_find(name))
		default_policy = numa_policy_find(name);
	else
		con_printf("disco: numa_policy=%s: no such policy; using %s\n", name,
			   DEFAULT_POLICY);
}

static uint64_t ms_to_ticks(uint32_t ms)
{
	uint64_t t = (uint64_t)ms * monitor_hz / 1000;

	return t ? t : 1;
}

/* The pmap's place hook: the policy's node for a page first touched here. */
static unsigned int place(void *arg, uint32_t gpage)
{
	struct vm *vm = arg;
	struct numa_vm_view view = numa_vm_view(&vm->numa.e);
	unsigned int node = vm->numa.e.policy->place(&view, gpage, this_cpu()->node);

	return node < monitor_topology.nnodes ? node : vm->node;
}

static void collapsed(void *arg, uint32_t gpage);

/* The fast path's view of the VM: counting or not, and its trigger. */
static void publish_fast(struct vm *vm)
{
	struct numa_vm *e = &vm->numa.e;

	vm->numa.fast.trigger = e->setting[NUMA_TRIGGER];
	smp_mb();
	vm->numa.fast.npages = numa_vm_counting(e) ? e->npages : 0;
}

/* The pmap's hooks for the VM's current policy. */
void numa_vm_hook(struct vm *vm)
{
	const struct numa_policy *p = vm->numa.e.policy;

	vm->pmap.place = p->place && monitor_topology.nnodes > 1 ? place : 0;
	vm->pmap.place_order = p->place_order;
	vm->pmap.collapsed = collapsed;
	publish_fast(vm);
}

/* The command line's numa.KEY=VALUE words, for every VM (before its own
 * numa. keys): 0, or -1 after rejecting the VM with the reason. */
static int apply_cmdline(struct vm *vm)
{
	const struct cmdline *cl = &monitor_cmdline;
	char err[VM_ERROR_MAX];

	for (int i = 0; i < cl->count; i++) {
		const char *v = cl->value[i];
		uint64_t value;

		if (strncmp(cl->key[i], "numa.", 5))
			continue;
		if (!parse_uint(&v, &value) || *v || value > UINT32_MAX) {
			vm_config_reject(&vm->cfg, vm->cfg.line, "command line %s=%s: want a number",
					 cl->key[i], cl->value[i]);
			return -1;
		}
		if (numa_vm_set(&vm->numa.e, cl->key[i] + 5, (uint32_t)value, err, sizeof(err))) {
			vm_config_reject(&vm->cfg, vm->cfg.line, "command line: %s", err);
			return -1;
		}
	}
	return 0;
}

int numa_vm_create(struct vm *vm)
{
	struct vm_config *c = &vm->cfg;
	const struct numa_policy *p = default_policy;
	struct vm_numa *n = &vm->numa;
	char err[VM_ERROR_MAX];

	memset(n, 0, sizeof(*n));
	if (c->numa_policy[0] && !(p = numa_policy_find(c->numa_policy))) {
		vm_config_reject(c, c->at.numa_policy, "numa_policy: no policy '%s'", c->numa_policy);
		return -1;
	}
	if (monitor_topology.nnodes > 1) {
		size_t bytes = numa_vm_table_bytes(vm->pmap.npages, monitor_topology.nnodes);

		n->tables_order = pa_order_for_bytes(bytes);
		if (n->tables_order > PA_MAX_ORDER ||
		    !(n->tables = mem_alloc_pages(n->tables_order, vm->node))) {
			vm_config_reject(c, c->at.numa_policy,
					 "numa: no free block for the engine's tables (%lu bytes)",
					 (unsigned long)bytes);
			return -1;
		}
		memset(n->tables, 0, bytes);
	}
	numa_vm_init(&n->e, p, n->tables, vm->pmap.npages, monitor_topology.nnodes);
	if (apply_cmdline(vm))
		return -1;
	for (unsigned int i = 0; i < c->numa_params; i++)
		if (numa_vm_set(&n->e, c->numa[i].key, c->numa[i].value, err, sizeof(err))) {
			vm_config_reject(c, c->numa[i].line, "%s", err);
			numa_vm_destroy(vm);
			return -1;
		}
	numa_vm_hook(vm);
	return 0;
}

void numa_vm_destroy(struct vm *vm)
{
	if (vm->numa.tables)
		mem_free_pages(vm->numa.tables, vm->numa.tables_order);
	vm->numa.tables = 0;
	vm->numa.fast.npages = 0;
	vm->numa.e.touches = 0;
}

void numa_vm_started(struct vm *vm)
{
	vm->numa.started = this_cpu()->ticks;
	vm->numa.next_tick = this_cpu()->ticks + ms_to_ticks(vm->numa.e.setting[NUMA_RESET_MS]);
	if (monitor_topology.nnodes == 1 && !vm->cfg.move_at_ms)
		vm->numa.next_tick = UINT64_MAX;        /* nothing to do, ever */
	vm->numa.moved = false;
}

/* Puts gpage in v's hot ring (the fast path does the same in assembly). */
static void push_hot(struct vcpu *v, uint32_t gpage)
{
	struct numa_ring *r = &v->numa_ring;

	r->slot[(r->head + 1) % NUMA_RING_SIZE] = gpage;
	r->head++;
}

void numa_fill_touch(struct vcpu *v, uint64_t gpa, bool write)
{
	struct vm *vm = v->vm;
	uint32_t gpage = (uint32_t)(gpa >> PAGE_SHIFT);

	enum numa_source src;

	if (!vm->numa.fast.npages)
		return;
	vm->numa.c_touches++;
	src = numa_hinted(&vm->numa.e, gpage) ? NUMA_SRC_HINT : NUMA_SRC_FILL;
	if (numa_touch(&vm->numa.e, gpage, this_cpu()->node, write))
		push_hot(v, gpage | (uint32_t)src << NUMA_SRC_SHIFT);
}

void numa_arm(struct vcpu *v)
{
	struct vm *vm = v->vm;
	struct arch_fast *a = arch_fast_this();

	if (!vm->numa.e.touches) {
		a->numa_row = 0;
		return;
	}
	a->numa_vm = (uint64_t)(uintptr_t)&vm->numa.fast;
	a->numa_ring = (uint64_t)(uintptr_t)&v->numa_ring;
	a->numa_row = (uint64_t)(uintptr_t)(vm->numa.e.touches +
					    (size_t)this_cpu()->node * vm->numa.e.npages);
}

/* What the machine says of gpage now. */
static struct numa_facts facts_of(const struct vm *vm, uint32_t gpage)
{
	uint64_t gpa = (uint64_t)gpage << PAGE_SHIFT;
	enum pmap_state s = pmap_state(&vm->pmap, gpa);
	uint32_t frame = pmap_lookup(&vm->pmap, gpa);
	struct numa_facts f = { 0, false, false, false };

	if (frame == PA_NONE || (s != PMAP_PRIVATE && s != PMAP_SHARED))
		return f;
	f.home = mem_node_of(mem_frame_ptr(frame));
	f.backed = true;
	f.shared = s == PMAP_SHARED;
	f.replicated = pmap_replicated(&vm->pmap, gpa);
	return f;
}

/* The order of the unit the engine moves: the guest's page (the l2tlb's
 * half, from the TLB contract), else 4 KiB; no larger than its block. */
static unsigned int unit_order(const struct vcpu *v, uint64_t gpa)
{
	unsigned int k = v->tlb_contract ? v->l2tlb.pair_shift - 1 - PAGE_SHIFT : 0;
	unsigned int b = pmap_block_order(&v->vm->pmap, gpa);

	return k < b ? k : b;
}

/* The nodes a replica of a page goes to: the VM's and the hot one. */
static uint32_t replica_nodes(const struct vm *vm, unsigned int hot_node)
{
	return vm->numa.e.vcpu_nodes | 1u << hot_node;
}

/* Migrations decided at one return, to be made in one batch per node
 * (one shoot-down each: on malta a shoot-down waits for the other CPUs'
 * next entry into the monitor, up to a tick). */
struct batch {
	struct page_move_piece piece[PAGE_MOVE_BATCH];
	uint32_t gpage[PAGE_MOVE_BATCH];
	unsigned int n, node;
};

/* Makes the batch's migrations and tells the engine how each went. */
static void flush_batch(struct vm *vm, struct batch *b)
{
	struct numa_action a = { NUMA_MIGRATE, b->node };

	if (!b->n)
		return;
	page_move(&vm->pmap, b->piece, b->n, b->node);
	/* page_move skips pieces it cannot move; which ones is not said:
	 * a piece moved if its page is now on the node (it was not: the
	 * engine never migrates a page home) */
	for (unsigned int i = 0; i < b->n; i++) {
		uint32_t frame = pmap_lookup(&vm->pmap, b->piece[i].gpa);
		bool there = frame != PA_NONE && mem_node_of(mem_frame_ptr(frame)) == b->node;

		numa_done(&vm->numa.e, b->gpage[i], a, there);
	}
	b->n = 0;
}

static void act(struct vcpu *v, uint32_t entry, struct batch *b)
{
	struct vm *vm = v->vm;
	uint32_t gpage = entry & NUMA_GPAGE_MASK;
	enum numa_source src = (enum numa_source)(entry >> NUMA_SRC_SHIFT);
	struct numa_facts f = facts_of(vm, gpage);
	struct numa_action a = numa_decide(&vm->numa.e, gpage, this_cpu()->node, &f);
	unsigned int order;
	uint64_t gpa;

	if (src <= NUMA_SRC_HINT && f.backed) {
		vm->numa.e.c.hot_by[src]++;
		numa_log_hot(vm, gpage, src);
	}
	if (a.what != NUMA_MIGRATE && a.what != NUMA_REPLICATE)
		return;
	order = unit_order(v, (uint64_t)gpage << PAGE_SHIFT);
	gpa = ((uint64_t)gpage << PAGE_SHIFT) & ~((PAGE_SIZE << order) - 1);
	if (a.what == NUMA_REPLICATE) {
		bool ok = pmap_replicate(&vm->pmap, gpa, order,
					 replica_nodes(vm, this_cpu()->node)) > 0;

		numa_done(&vm->numa.e, gpage, a, ok);
		return;
	}
	if (b->n && (b->node != a.node || b->n == PAGE_MOVE_BATCH))
		flush_batch(vm, b);
	b->node = a.node;
	b->gpage[b->n] = gpage;
	b->piece[b->n++] = (struct page_move_piece){ gpa, order };
}

static void collapsed(void *arg, uint32_t gpage)
{
	struct vm *vm = arg;
	struct numa_facts f = facts_of(vm, gpage);

	numa_replica_written(&vm->numa.e, gpage, &f);
}

/* The nodes the VM's vCPUs are on now. */
static uint32_t vcpu_nodes(const struct vm *vm)
{
	uint32_t nodes = 0;

	for (unsigned int id = 0; id < vm->cfg.vcpus; id++)
		if (vm->vcpu[id])
			nodes |= 1u << percpu[vm->vcpu[id]->cpu].node;
	return nodes;
}

/* Replicates a few more blocks of the VM's shared kernel image to the
 * nodes its vCPUs run on (policy->replicate_text), from the cursor on. */
static void replicate_text(struct vm *vm)
{
	struct pmap *pm = &vm->pmap;
	uint32_t nodes = vm->numa.e.vcpu_nodes;
	unsigned int done = 0;

	if (!vm->numa.e.policy->replicate_text || !(nodes & (nodes - 1)))
		return;
	if (nodes != vm->numa.text_nodes) {     /* new nodes: from the start */
		vm->numa.text_nodes = nodes;
		vm->numa.text_next = 0;
	}
	while (vm->numa.text_next < pm->npages && done < TEXT_BLOCKS_A_RUN) {
		uint64_t gpa = (uint64_t)vm->numa.text_next << PAGE_SHIFT;
		unsigned int k = pmap_block_order(pm, gpa);

		if (k > PMAP_REPLICA_MAX_ORDER)
			k = PMAP_REPLICA_MAX_ORDER;
		while (k && (vm->numa.text_next & ((1u << k) - 1)))
			k--;
		if (pmap_state(pm, gpa) == PMAP_SHARED && !pmap_replicated(pm, gpa)) {
			if (pmap_replicate(pm, gpa, k, nodes))
				vm->numa.e.c.text_replications++;
			done++;
		}
		vm->numa.text_next += 1u << k;
	}
}

/* Takes the translations of the next `sample` backed pages away, a
 * block at a time, in one shoot-down: their next touch is a fill in C,
 * counted as a hinting fault (numa_hint). */
static void sample(struct vm *vm)
{
	struct pmap *pm = &vm->pmap;
	struct pmap_moved_range r[PMAP_MOVED_MAX];
	uint32_t want = vm->numa.e.setting[NUMA_SAMPLE], n = 0, looked = 0;
	uint32_t limit = 4 * want + SAMPLE_LOOK;        /* bounded: unbacked pages are many */

	while (want && n < PMAP_MOVED_MAX && looked < pm->npages && looked < limit) {
		uint32_t page = vm->numa.sample_next;
		uint64_t gpa = (uint64_t)page << PAGE_SHIFT;
		uint32_t frame = pmap_lookup(pm, gpa), pages = 1u << pmap_block_order(pm, gpa);

		pages -= page & (pages - 1);            /* from the cursor to the block's end */
		if (pages > want)
			pages = want;
		if (frame != PA_NONE) {
			r[n++] = (struct pmap_moved_range){ page, pages, frame };
			for (uint32_t i = 0; i < pages; i++)
				numa_hint(&vm->numa.e, page + i);
			want -= pages;
		} else {
			pages = 1;
		}
		looked += pages;
		vm->numa.sample_next = page + pages < pm->npages ? page + pages : 0;
	}
	if (n)
		pm->moved(vm, r, n);
}

/* The scripted move (move_at): the VM's vCPUs go to move_cpus. */
static void scripted_move(struct vm *vm)
{
	if (!vm->cfg.move_at_ms || vm->numa.moved ||
	    this_cpu()->ticks - vm->numa.started < ms_to_ticks(vm->cfg.move_at_ms))
		return;
	char cpus[64];
	int len = 0;

	vm->numa.moved = true;
	for (unsigned int c = 0; c < MAX_CPUS && len < (int)sizeof(cpus); c++)
		if (vm->cfg.move_cpus & (1u << c))
			len += fmt_snprintf(cpus + len, sizeof(cpus) - (size_t)len, "%s%u",
					    len ? "," : "", c);
	con_printf("disco: vm %s: moved to cpus %s after %u ms (move_at)\n", vm->cfg.name,
		   cpus, vm->cfg.move_at_ms);
	sched_set_cpus(vm, vm->cfg.move_cpus);
}

/* The census of the period that ends (before its counts are reset), into
 * the ring of the last NUMA_CENSUS_PERIODS. */
static void census(struct vm *vm)
{
	const struct numa_vm *e = &vm->numa.e;
	uint32_t active = 0, local = 0;

	for (uint32_t page = 0; page < e->npages; page++) {
		uint64_t gpa = (uint64_t)page << PAGE_SHIFT;
		unsigned int best = 0, most = 0;
		uint32_t frame;

		for (unsigned int n = 0; n < e->nnodes; n++)
			if (e->touches[(size_t)n * e->npages + page] > most) {
				most = e->touches[(size_t)n * e->npages + page];
				best = n;
			}
		if (!most || pmap_state(&vm->pmap, gpa) != PMAP_PRIVATE ||
		    (frame = pmap_lookup(&vm->pmap, gpa)) == PA_NONE)
			continue;
		active++;
		local += mem_node_of(mem_frame_ptr(frame)) == best;
	}
	vm->numa.active[vm->numa.census_next] = active;
	vm->numa.active_local[vm->numa.census_next] = local;
	vm->numa.census_next = (vm->numa.census_next + 1) % NUMA_CENSUS_PERIODS;
}

/* Ends the VM's period (one CPU does: period_busy). */
static void end_period(struct vm *vm)
{
	if (atomic_xchg(&vm->numa.period_busy, 1))
		return;
	if (this_cpu()->ticks >= vm->numa.next_tick) {
		vm->numa.next_tick = this_cpu()->ticks +
				     ms_to_ticks(vm->numa.e.setting[NUMA_RESET_MS]);
		vm->numa.e.vcpu_nodes = vcpu_nodes(vm);
		if (vm->numa.fast.npages && vm->numa.e.setting[NUMA_CENSUS])
			census(vm);
		numa_period_end(&vm->numa.e);
		scripted_move(vm);
		if (vm->numa.fast.npages)
			sample(vm);
		replicate_text(vm);
	}
	smp_mb();
	vm->numa.period_busy = 0;
}

void numa_work(struct vcpu *v)
{
	struct vm *vm = v->vm;
	struct numa_ring *r = &v->numa_ring;
	uint32_t start = arch_timer_count();
	struct batch b;

	b.n = 0;
	while (r->seen != r->head) {
		uint32_t lag = r->head - r->seen;

		if (lag > NUMA_RING_SIZE)       /* overrun: the oldest are lost */
			r->seen = r->head - NUMA_RING_SIZE;
		r->seen++;
		act(v, r->slot[r->seen % NUMA_RING_SIZE], &b);
	}
	flush_batch(vm, &b);
	if (this_cpu()->ticks >= vm->numa.next_tick)
		end_period(vm);
	vm->numa.engine_ticks += arch_timer_count() - start;
	vm->numa.engine_runs++;
}
