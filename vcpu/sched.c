/*
 * The vCPU scheduler (see sched.h) and VM stop.
 *
 * A running vCPU's registers live in the frame at the top of its CPU's
 * monitor stack (vectors.S); switching vCPUs is copying that frame out to
 * the old vCPU and the new one's registers in, then returning as usual.
 *
 * The real TLB is not flushed on a switch: each vCPU's entries are under
 * real ASIDs of its own (mmu/asid.h, one per guest ASID it used on this
 * CPU), and prepare() points EntryHi at the one for its current guest ASID
 * each time it returns to the guest, so a guest's own EntryHi writes
 * (Linux's context switches) take effect on the way back. A stopped vCPU's
 * map is forgotten: its real ASIDs are never handed out again in this CPU's
 * generation, and the new generation that recycles them flushes the TLB
 * first, so no later vCPU or VM can match its entries.
 *
 * Migration: a vCPU's map is only valid on the CPU whose generation it was
 * filled under (v->cpu), so a vCPU moved to another CPU forgets its map
 * (asid_map_forget) before it runs there; its entries on the old CPU are
 * then unreachable, as a stopped vCPU's. A vCPU's guest TLB changes drop
 * real entries on its own CPU only (vcpu_tlb_forget), which stays right
 * as its entries live on one CPU at a time. Its l2tlb is emptied too: a
 * shoot-down drops a vCPU's l2tlb entries on the CPU that v->cpu names
 * (vcpu/memory.c), and one aimed at the old CPU may reach it after the
 * move; the guest's TLB still has what it needs, and refills the rest.
 *
 * Balance: a CPU that has nothing to run marks itself idle (idle_cpus);
 * a CPU that switches vCPUs with another runnable one waiting hands that
 * one to an idle CPU the vCPU's VM may use (its cpus=, else its NUMA
 * node's CPUs), which takes it at its next tick. Pushing from the busy
 * CPU keeps every run queue touched by its own CPU only.
 */
#include "arch/atomic.h"
#include "arch/board.h"
#include "arch/cpu.h"
#include "arch/fast.h"
#include "arch/guest.h"
#include "arch/timer.h"
#include "arch/vcpu.h"
#include "devices/realdisk.h"
#include "devices/vdisk.h"
#include "devices/vnet.h"
#include "monitor/console.h"
#include "monitor/format.h"
#include "monitor/monitor.h"
#include "monitor/merge_scan.h"
#include "monitor/page_shuffle.h"
#include "monitor/percpu.h"
#include "monitor/smp.h"
#include "monitor/string.h"
#include "monitor/xcall.h"
#include "vcpu/sched.h"
#include "numa/placement.h"

#define RUNQ_MAX (VM_MAX * VM_MAX_VCPUS)

struct runq {
	struct vcpu *vcpu[RUNQ_MAX];    /* placed on this CPU */
	bool joined;                    /* the CPU runs vCPUs (sched_enter) */
	unsigned int n;
	struct vcpu *current;           /* on the CPU (its registers in the frame) */
	unsigned int next;              /* round-robin position */
	uint32_t slice_start;           /* Count when the current slice began */
	bool fpu_foreign;               /* the FPU may hold another vCPU's values */
	uint64_t window_of;             /* the vCPU (uid) whose global window
					 * entries the real TLB may hold */
	uint64_t shuffled_at;           /* the tick of the last page shuffle */
	uint64_t merged_at;             /* the tick of the last merge scan */
	struct vcpu *yield_target;      /* HCALL_YIELD_TO's, until picked: not
					 * to be moved away meanwhile (balance) */
	uint32_t evictions_seen;        /* `evictions` when it last looked */
} __attribute__((aligned(4096)));       /* a power of two (2 KiB of pointers and
					 * a little more): this CPU's queue is a
					 * shift away, not a multiply, on every trap */

static struct runq runqs[MAX_CPUS];
static volatile uint32_t idle_cpus;     /* CPUs with nothing to run */
static volatile uint32_t evictions;     /* VMs' CPUs changed (sched_set_cpus) */
static volatile uint32_t active;
static volatile uint32_t vms_running;
static volatile uint32_t machine_status;
static struct cp0_identity identity;
static bool identity_read;
static struct vcpu_stats ended_stats[VM_MAX];   /* of each ended VM */

struct vcpu *vcpu_current(void)
{
	return runqs[arch_cpu_id()].current;
}

bool sched_active(void)
{
	return active;
}

/* ---- placement ---- */

/* The CPUs vm's vCPUs may run on: its cpus=, else its NUMA node's, else
 * any (online ones only; any online one if that leaves none). */
static uint32_t allowed_cpus(const struct vm *vm)
{
	uint32_t online = smp_online_mask(), allowed = online;

	if (vm->cfg.cpus)
		allowed = vm->cfg.cpus & online;
	else if (vm->cfg.node >= 0 && (unsigned int)vm->cfg.node < monitor_topology.nnodes)
		allowed = monitor_topology.node[vm->cfg.node].cpus & online;
	return allowed ? allowed : online;
}

static unsigned int least_loaded(uint32_t allowed)
{
	unsigned int best = 0, best_n = UINT32_MAX;

	for (unsigned int c = 0; c < MAX_CPUS; c++)
		if ((allowed & (1u << c)) && runqs[c].n < best_n) {
			best = c;
			best_n = runqs[c].n;
		}
	return best;
}

/* Readies vCPU id of vm (its structure was taken when the VM loaded). */
static struct vcpu *new_vcpu(struct vm *vm, unsigned int id)
{
	static volatile uint64_t uids;
	struct vcpu *v = vm->vcpu[id];

	vcpu_init(v, vm, id);
	v->uid = atomic64_add_return(&uids, 1);         /* never 0 */
	cp0_reset(&v->cp0, &identity, id, arch_timer_count());
	v->last_status = (uint32_t)v->cp0.status;       /* no entries yet */
	return v;
}

static void read_identity(void)
{
	if (identity_read)
		return;
	identity_read = true;
	identity.prid = read_c0_prid();
	identity.config[0] = read_c0_config();
	identity.config[1] = read_c0_config1();
	identity.config[2] = __read_c0_32(16, 2);
	identity.config[3] = __read_c0_32(16, 3);
	identity.tlb_entries = cpu_tlb_entries();
}

/* A VM about to run (again): no CPU holds its translations yet. */
static void reset_counts(struct vm *vm)
{
	vm->tlb_cpus = 0;
	vm->remote_flushes = 0;
	vm->shuffle_next = vm->shuffle_rounds = vm->shuffle_failed = 0;
	vm->merge_next = 0;
	vm->merged_pages = 0;
}

void sched_setup(void)
{
	read_identity();
	for (unsigned int i = 0; i < vm_count; i++) {
		struct vm *vm = &vms[i];
		uint32_t allowed = allowed_cpus(vm);

		if (vm->state != VM_LOADED)
			continue;
		for (unsigned int id = 0; id < vm->cfg.vcpus; id++) {
			struct vcpu *v = new_vcpu(vm, id);
			struct runq *q = &runqs[least_loaded(allowed)];

			v->cpu = (unsigned int)(q - runqs);
			q->vcpu[q->n++] = v;
			con_printf("disco: vm %s: vcpu %u on cpu %u\n", vm->cfg.name, id, v->cpu);
		}
		vm->vcpus_live = vm->cfg.vcpus;
		vm->vcpus_placed = vm->cfg.vcpus;
		reset_counts(vm);
		vm->state = VM_RUNNING;
		vms_running++;
	}
	smp_mb();
	active = vms_running != 0;
}

/* On the CPU whose queue gets it: places vCPU arg there. */
static void place_here(void *arg)
{
	struct runq *q = &runqs[arch_cpu_id()];

	q->vcpu[q->n++] = arg;
}

/* Whether cpu takes vCPUs placed now: secondary CPUs always come back to
 * sched_enter; CPU 0 does once it runs vCPUs (else it is at its prompt). */
static bool schedules(unsigned int cpu, bool cpu0_joins)
{
	return cpu != 0 || runqs[0].joined || cpu0_joins;
}

bool sched_start_vm(struct vm *vm, bool cpu0_joins)
{
	uint32_t allowed = allowed_cpus(vm);

	for (unsigned int c = 0; c < MAX_CPUS; c++)
		if (!schedules(c, cpu0_joins))
			allowed &= ~(1u << c);
	if (vm->state != VM_LOADED || !allowed)
		return false;
	read_identity();
	vm->vcpus_live = vm->cfg.vcpus;
	vm->vcpus_placed = vm->cfg.vcpus;
	reset_counts(vm);
	numa_vm_started(vm);
	vm->state = VM_RUNNING;
	atomic_add_return(&vms_running, 1);
	for (unsigned int id = 0; id < vm->cfg.vcpus; id++) {
		struct vcpu *v = new_vcpu(vm, id);
		unsigned int cpu = least_loaded(allowed);

		v->cpu = cpu;
		con_printf("disco: vm %s: vcpu %u on cpu %u\n", vm->cfg.name, id, cpu);
		xcall_run(cpu, place_here, v);
	}
	smp_mb();
	active = 1;
	return true;
}

bool sched_cpu_dedicated(void)
{
	return runqs[arch_cpu_id()].n == 1;
}

uint32_t sched_cpus_holding(const struct vm *vm)
{
	return vm->tlb_cpus;
}

/* ---- stopping ---- */

void sched_vm_stats(const struct vm *vm, struct vcpu_stats *sum)
{
	if (vm->state == VM_ENDED) {    /* its vCPUs may be gone */
		*sum = ended_stats[vm - vms];
		return;
	}
	memset(sum, 0, sizeof(*sum));
	for (unsigned int id = 0; id < vm->cfg.vcpus; id++) {
		const struct vcpu_stats *s;

		if (!vm->vcpu[id])
			continue;
		s = &vm->vcpu[id]->stats;
		for (unsigned int k = 0; k < 32; k++) {
			sum->exc[k] += s->exc[k];
			sum->reflected[k] += s->reflected[k];
		}
		for (unsigned int k = 0; k < INSN_KIND_COUNT; k++)
			sum->emulated[k] += s->emulated[k];
		sum->hypercalls += s->hypercalls;
		sum->window_fills += s->window_fills;
		sum->mapped_fills += s->mapped_fills;
		sum->mmio += s->mmio;
		sum->status_flushes += s->status_flushes;
		sum->real_flushes += s->real_flushes;
		sum->l2tlb_forgotten += s->l2tlb_forgotten;
		sum->ipis_sent += s->ipis_sent;
		sum->yields_to += s->yields_to;
		sum->yields_to_none += s->yields_to_none;
		sum->migrations += s->migrations;
		vcpu_l2tlb_sum(vm->vcpu[id], sum);
	}
}

static void report(struct vm *vm)
{
	struct vcpu_stats sum;

	sched_vm_stats(vm, &sum);
	con_printf("disco: vm %s: %s (exit status %d)\n", vm->cfg.name,
		   vm->exit_why, vm->exit_status);
	vcpu_print_stats(vm->cfg.name, &sum);
	con_printf("disco: vm %s: memory: %u private, %u shared pages (%lu demand fills, %lu copies on write, %u remote TLB flushes)\n",
		   vm->cfg.name, vm->pmap.private_pages, vm->pmap.shared_pages,
		   (unsigned long)vm->pmap.demand_faults, (unsigned long)vm->pmap.cow_breaks,
		   vm->remote_flushes);
	if (merge_scan_pages)
		con_printf("disco: vm %s: merged: %lu of its pages shared from merged frames\n",
			   vm->cfg.name, (unsigned long)vm->merged_pages);
	vdisk_report(vm);
	vnet_report(vm);
	if (monitor_topology.nnodes > 1) {
		numa_report(vm);
		numa_print_hot_log(vm);
	}
	if (vm->pmap.shootdowns)
		con_printf("disco: vm %s: moves: %lu (%lu pages) in %lu batches, %u rounds, %u refused; %lu Count ticks a batch, %lu of them in its shoot-down\n",
			   vm->cfg.name, (unsigned long)vm->pmap.moves,
			   (unsigned long)vm->pmap.moved_pages, (unsigned long)vm->pmap.shootdowns,
			   vm->shuffle_rounds, vm->shuffle_failed,
			   (unsigned long)(vm->pmap.move_cycles / vm->pmap.shootdowns),
			   (unsigned long)(vm->pmap.shootdown_cycles / vm->pmap.shootdowns));
	for (unsigned int id = 0; id < vm->cfg.vcpus; id++) {
		const struct vcpu *v = vm->vcpu[id];

		for (unsigned int i = 0; i < v->nmarks; i++) {
			char label[VM_NAME_MAX + 32];

			fmt_snprintf(label, sizeof(label), "%s mark %u (vcpu %u)", vm->cfg.name, i, id);
			vcpu_print_stats(label, &v->marks[i]);
		}
		if (vcpu_trap_sites_on)
			vcpu_print_trap_sites(vm->cfg.name, v);
	}
}

/* Each online CPU's real-TLB counts, at the last VM's end. */
/* The real disk's requests since boot, for the whole run (make bench-disk
 * reads this line): the VMs' disks reach it through their images. */
static void print_real_disk_counts(void)
{
	struct realdisk_stats s;

	realdisk_get_stats(&s);
	if (!s.reads && !s.writes && !s.flushes && !s.errors)
		return;
	con_printf("disco: real disk: %lu reads (%lu KiB), %lu writes (%lu KiB), %lu flushes, %lu polls, %lu Count ticks waiting, %lu errors\n",
		   (unsigned long)s.reads, (unsigned long)(s.sectors_read / 2),
		   (unsigned long)s.writes, (unsigned long)(s.sectors_written / 2),
		   (unsigned long)s.flushes, (unsigned long)s.polls,
		   (unsigned long)s.wait_ticks, (unsigned long)s.errors);
}

static void print_cpu_tlb_counts(void)
{
	uint32_t online = smp_online_mask();

	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		struct arch_tlb_counts n;

		if (!(online & (1u << c)))
			continue;
		arch_tlb_counts(c, &n);
		con_printf("disco: cpu %u: real TLB: flushes=%lu range-flushes=%lu frame-flushes=%lu inserts=%lu generations=%lu asids=%lu window-flushes=%lu\n",
			   c, (unsigned long)n.flushes, (unsigned long)n.range_flushes,
			   (unsigned long)n.frame_flushes, (unsigned long)n.inserts,
			   (unsigned long)n.generations, (unsigned long)n.asids,
			   (unsigned long)n.global_flushes);
	}
}

/* The VM's last vCPU stopped: its report; its memory comes back once every
 * CPU has dropped its vCPUs (drop_ended). The last VM's end powers the
 * machine off, unless the command line has `stay`. */
static void vm_ended(struct vm *vm)
{
	vm_console_flush(vm);
	report(vm);
	sched_vm_stats(vm, &ended_stats[vm - vms]);
	smp_mb();
	vm->state = VM_ENDED;
	if (vm->exit_status)
		atomic_cmpxchg(&machine_status, 0, 1);
	if (atomic_add_return(&vms_running, (uint32_t)-1) == 0) {
		print_cpu_tlb_counts();
		print_real_disk_counts();
		if (cmdline_get(&monitor_cmdline, "stay")) {
			con_printf("disco: all VMs have ended (status %u); the monitor stays: Ctrl-] : for its prompt (start VM, mem, poweroff)\n",
				   machine_status);
			return;
		}
		con_printf("disco: all VMs have ended; power off (status %u)\n",
			   machine_status);
		monitor_halt((int)machine_status);
	}
}

/* Drops the vCPUs of ended VMs from this CPU's queue (the current one
 * too: its registers are gone with it); the last CPU to drop one of a VM
 * gives the VM's memory back (vm_release). */
static void drop_ended(struct runq *q)
{
	unsigned int kept = 0;

	for (unsigned int i = 0; i < q->n; i++) {
		struct vcpu *v = q->vcpu[i];
		struct vm *vm = v->vm;

		if (vm->state != VM_ENDED) {
			q->vcpu[kept++] = v;
			continue;
		}
		if (q->current == v) {
			q->current = 0;
			q->fpu_foreign = true;
		}
		if (atomic_add_return(&vm->vcpus_placed, (uint32_t)-1) == 0)
			vm_release(vm);
	}
	q->n = kept;
	if (q->next >= kept)
		q->next = 0;
}

/* Takes v off its CPU for good (on that CPU). */
static void stop_vcpu(struct vcpu *v)
{
	struct vm *vm = v->vm;

	v->state = VCPU_STOPPED;
	asid_map_forget(&v->asids);     /* its entries become unreachable */
	if (atomic_add_return(&vm->vcpus_live, (uint32_t)-1) == 0)
		vm_ended(vm);
}

bool sched_stop_vm(struct vm *vm, int status, const char *why)
{
	unsigned long flags = spin_lock_irqsave(&vm->lock);
	bool was_running = vm->state == VM_RUNNING;

	if (was_running) {
		vm->state = VM_STOPPING;
		vm->exit_status = status;
		vm->exit_why = why;
	}
	spin_unlock_irqrestore(&vm->lock, flags);
	return was_running;
}

void vcpu_stop_vm(struct vcpu *v, int status, const char *why)
{
	sched_stop_vm(v->vm, status, why);
	if (v->state != VCPU_STOPPED)
		stop_vcpu(v);
}

/* ---- choosing ---- */

static bool can_run(struct vcpu *v, uint32_t now)
{
	if (v->state == VCPU_STOPPED)
		return false;
	if (v->vm->state != VM_RUNNING) {
		stop_vcpu(v);           /* its VM was stopped from another CPU */
		return false;
	}
	if (v->state == VCPU_PARKED || v->state == VCPU_STARTING)
		return false;
	if (v->state == VCPU_WAITING) {
		vcpu_sync_lines(v);
		cp0_timer_update(&v->cp0, now);
		if (!vcpu_interrupt_deliverable(v))
			return false;
		v->state = VCPU_RUNNABLE;
	}
	return true;
}

/* The next vCPU to run after the current one, round-robin; NULL if none. */
static struct vcpu *pick(struct runq *q)
{
	uint32_t now = arch_timer_count();

	drop_ended(q);
	for (unsigned int i = 0; i < q->n; i++) {
		unsigned int k = (q->next + i) % q->n;
		if (can_run(q->vcpu[k], now)) {
			q->next = (k + 1) % q->n;
			return q->vcpu[k];
		}
	}
	return NULL;
}

/* Asks for a real timer interrupt in ticks Count ticks when that comes
 * before this CPU's next monitor tick (which comes anyway: the tick is
 * re-armed if its interrupt was lost). False if that moment passed before
 * the timer was set: act on it now. */
static bool wake_within(uint32_t now, uint64_t ticks)
{
	if (ticks < this_cpu()->tick_period)
		return arch_timer_deadline(now + (uint32_t)ticks);
	arch_timer_check();
	return true;
}

/* Sleeps until a tick or the earliest virtual timer of a waiting vCPU. */
static void idle(struct runq *q)
{
	uint32_t now = arch_timer_count();
	uint64_t soonest = UINT64_MAX;

	for (unsigned int i = 0; i < q->n; i++) {
		struct vcpu *v = q->vcpu[i];
		if (v->state == VCPU_WAITING) {
			uint64_t t = cp0_ticks_to_compare(&v->cp0, now);
			if (t < soonest)
				soonest = t;
		}
	}
	if (!wake_within(now, soonest))
		return;                 /* a virtual timer is due: look again */
	atomic_fetch_or(&idle_cpus, 1u << arch_cpu_id());
	smp_idle_once();
	arch_irq_disable();
	atomic_fetch_and(&idle_cpus, ~(1u << arch_cpu_id()));
}

/* The next vCPU to run; sleeps until there is one. Never returns if this
 * CPU has no vCPU left (the last VM's end powers the machine off). */
static struct vcpu *pick_or_idle(struct runq *q)
{
	struct vcpu *v;

	while (!(v = pick(q)))
		idle(q);
	return v;
}

/* ---- running ---- */

static void switch_to(struct runq *q, struct vcpu *next, struct trap_frame *f);

/* Readies the frame f for the return to a guest: v's pending virtual
 * interrupt (whose delivery may stop its VM: then another vCPU), the real
 * timer for its Compare (a Compare that comes due meanwhile is taken now),
 * the real Status and ASID. */
static void prepare(struct runq *q, struct vcpu *v, struct trap_frame *f)
{
	for (;;) {
		uint32_t now;

		vcpu_check_interrupts(v, f);
		if (v->state == VCPU_STOPPED) {
			v = pick_or_idle(q);
			switch_to(q, v, f);
			continue;
		}
		now = arch_timer_count();
		if (wake_within(now, cp0_ticks_to_compare(&v->cp0, now)))
			break;
	}
	/* eret, exception delivery, mtc0 Status, the shared area: whatever
	 * changed the mode, the real TLB must fit the mode it returns to */
	if (q->window_of != v->uid) {   /* another vCPU's window: not v's */
		arch_tlb_flush_global();
		q->window_of = v->uid;
	}
	vcpu_tlb_follow_status(v);
	if (v->cp0.status & CP0_ST_CU1)
		v->fpu_live = true;     /* from now on its FPU state is kept */
	vcpu_shared_store(v);
	f->status = arch_guest_status((uint32_t)v->cp0.status);
	/* rdhwr $2 without a trap where the guest allows it and its Count is
	 * the real one; else every rdhwr is emulated */
	arch_guest_hwrena((v->cp0.hwrena & ARCH_HWRENA_CC) && cp0_count_is_real(&v->cp0) ?
			  ARCH_HWRENA_CC : 0);
	arch_tlb_set_asid(&v->asids, (uint8_t)(v->cp0.entryhi & 0xff));
	arch_fast_enter(v, f->status, q->slice_start, SCHED_SLICE_TICKS * this_cpu()->tick_period);
	vcpu_l2tlb_arm(v);
}

/* The other vCPUs of v's VM in q that may run (for the guest's spin loop:
 * whether a directed yield could find one). */
static uint32_t siblings_here(const struct runq *q, const struct vcpu *v)
{
	uint32_t n = 0;

	for (unsigned int i = 0; i < q->n; i++) {
		const struct vcpu *t = q->vcpu[i];

		n += t != v && t->vm == v->vm && (t->state == VCPU_RUNNABLE || t->state == VCPU_WAITING);
	}
	return n;
}

static void switch_to(struct runq *q, struct vcpu *next, struct trap_frame *f)
{
	struct vcpu *prev = q->current;

	if (prev == next)
		return;
	/* FPU registers: saved if prev ever turned the FPU on; next's are
	 * loaded (zeros if it never used them) whenever the registers may
	 * hold another vCPU's values, so nothing leaks between VMs. */
	if (prev && prev->fpu_live) {
		if (prev->state != VCPU_STOPPED)
			arch_fpu_save(&prev->fpu);
		q->fpu_foreign = true;
	}
	if (prev && prev->state != VCPU_STOPPED)
		prev->regs = *f;
	*f = next->regs;
	if (q->fpu_foreign || next->fpu_live) {
		arch_fpu_restore(&next->fpu);
		q->fpu_foreign = false;
	}
	/* no flush: next's entries are under its own real ASIDs, made under
	 * next->last_status (prepare drops what its Status made stale). The
	 * real TLB may hold next's VM's translations from here on; another
	 * VM's stay too (under their real ASIDs), so a CPU's bit is never
	 * cleared from a VM's tlb_cpus (sched_cpus_holding) */
	if (!(next->vm->tlb_cpus & (1u << arch_cpu_id())))
		atomic_fetch_or(&next->vm->tlb_cpus, 1u << arch_cpu_id());
	if (next->shared)
		next->shared->siblings_here = siblings_here(q, next);
	q->current = next;
	numa_arm(next);
	q->slice_start = arch_timer_count();
}

void sched_enter(void)
{
	/* Not on the stack: arch_guest_enter copies the frame to the top of
	 * this CPU's stack, which a local variable here may overlap. */
	static struct trap_frame first[MAX_CPUS];
	struct runq *q = &runqs[arch_cpu_id()];
	struct trap_frame *f = &first[arch_cpu_id()];
	struct vcpu *v;

	if (!q->n) {            /* a CPU vCPUs may be moved to */
		if (arch_cpu_id() != 0 || q->joined)
			atomic_fetch_or(&idle_cpus, 1u << arch_cpu_id());
		return;
	}
	q->joined = true;
	arch_irq_disable();
	v = pick_or_idle(q);
	switch_to(q, v, f);
	prepare(q, v, f);
	arch_guest_enter(f);
}

/* The current vCPU v (its registers in f) leaves this CPU: its registers
 * and FPU go to its structure, and the CPU has no current vCPU. */
static void leave_cpu(struct runq *q, struct vcpu *v, struct trap_frame *f)
{
	v->regs = *f;
	if (v->fpu_live) {
		arch_fpu_save(&v->fpu);
		q->fpu_foreign = true;
	}
	q->current = NULL;
}

/* The current vCPU parked itself (HCALL_VCPU_PARK): its registers and FPU
 * go to its structure, it leaves the CPU, and only then is it PARKED, the
 * state in which another vCPU may start it (smp_calls.c), writing its
 * registers there. */
static void let_go(struct runq *q, struct vcpu *v, struct trap_frame *f)
{
	v->parking = false;
	leave_cpu(q, v, f);
	smp_mb();
	v->state = VCPU_PARKED;
}

/* Moves vCPU i of this CPU's queue (not the current one) to cpu, which
 * takes it in its mailbox (place_here). */
static void migrate(struct runq *q, unsigned int i, unsigned int cpu)
{
	struct vcpu *u = q->vcpu[i];

	for (unsigned int k = i; k + 1 < q->n; k++)
		q->vcpu[k] = q->vcpu[k + 1];
	q->n--;
	if (q->next > i)
		q->next--;
	if (q->next >= q->n)
		q->next = 0;
	asid_map_forget(&u->asids);     /* its entries here become unreachable */
	if (u->tlb_contract)
		l2tlb_drop_all(&u->l2tlb, false);
	u->stats.migrations++;
	smp_mb();               /* the l2tlb is empty before another CPU owns it */
	u->cpu = cpu;
	xcall_start(cpu, place_here, u);
}

/* Sends every vCPU of this CPU's queue whose VM may no longer run here
 * (sched_set_cpus) to the least loaded CPU it may use; the current one
 * (cur, its registers in f) too, after it leaves the CPU (leave_cpu).
 * True if cur went. */
static bool evict(struct runq *q, struct vcpu *cur, struct trap_frame *f)
{
	bool gone = false;

	q->evictions_seen = evictions;
	for (unsigned int i = 0; i < q->n; ) {
		struct vcpu *u = q->vcpu[i];
		uint32_t allowed = allowed_cpus(u->vm);

		if ((allowed & (1u << arch_cpu_id())) || u->state == VCPU_STOPPED ||
		    u == q->yield_target) {
			i++;
			continue;
		}
		if (u == cur) {
			leave_cpu(q, u, f);
			gone = true;
		}
		migrate(q, i, least_loaded(allowed));
	}
	return gone;
}

void sched_set_cpus(struct vm *vm, uint32_t cpus)
{
	vm->cfg.cpus = cpus;
	smp_mb();
	atomic_add_return(&evictions, 1);
}

/* Hands one runnable vCPU waiting in this CPU's queue (not the current
 * one) to an idle CPU its VM may use, if there is one. */
static void balance(struct runq *q)
{
	for (unsigned int i = 0; i < q->n; i++) {
		struct vcpu *u = q->vcpu[i];
		uint32_t to;

		if (u == q->current || u == q->yield_target || u->state != VCPU_RUNNABLE ||
		    u->vm->state != VM_RUNNING)
			continue;
		to = allowed_cpus(u->vm) & idle_cpus & ~(1u << arch_cpu_id());
		for (unsigned int c = 0; to; c++, to >>= 1) {
			uint32_t bit = 1u << c;

			if (!(to & 1))
				continue;
			/* claims the idle CPU: no other CPU sends it one too */
			if (atomic_fetch_and(&idle_cpus, ~bit) & bit) {
				migrate(q, i, c);
				return;
			}
		}
	}
}

enum vcpu_action sched_yield_to(struct vcpu *v, struct trap_frame *f)
{
	struct runq *q = &runqs[arch_cpu_id()];
	int64_t want = (int64_t)f->regs[4];
	uint32_t now = arch_timer_count();

	/* from the round-robin position on, as pick(): always the first in
	 * queue order, two spinners yielded to each other for ever while a
	 * third vCPU of theirs, the one they waited for, never ran */
	for (unsigned int k = 0; k < q->n; k++) {
		unsigned int i = (q->next + k) % q->n;
		struct vcpu *t = q->vcpu[i];

		/* runnable, or waiting with an interrupt it now takes (an IPI:
		 * the spinner often waits for its answer) */
		if (t != v && t->vm == v->vm && (want < 0 || t->id == (uint64_t)want) &&
		    can_run(t, now)) {
			q->next = i;    /* pick() takes it first */
			q->yield_target = t;
			v->stats.yields_to++;
			f->regs[2] = 1;
			return VCPU_RESCHEDULE;
		}
	}
	v->stats.yields_to_none++;
	f->regs[2] = 0;
	return VCPU_CONTINUE;
}

/* sched_return's decisions, for all but the usual return (the same
 * vCPU, runnable, its VM running, its slice not over, no page shuffle):
 * stop v if its VM was stopped, shuffle pages, switch vCPUs if v waits,
 * yields or stopped or its slice is over. Returns the vCPU to return to. */
static struct vcpu *__attribute__((noinline)) decide(struct runq *q, struct vcpu *v,
						     struct trap_frame *f,
						     enum vcpu_action action, bool expired)
{
	if (v->state != VCPU_STOPPED && v->vm->state != VM_RUNNING)
		stop_vcpu(v);
	if (page_shuffle_pieces && this_cpu()->ticks - q->shuffled_at >= page_shuffle_ticks &&
	    v->state == VCPU_RUNNABLE) {
		q->shuffled_at = this_cpu()->ticks;
		page_shuffle_tick(v->vm);
	}
	if (merge_scan_pages && this_cpu()->ticks - q->merged_at >= merge_scan_ticks &&
	    v->state == VCPU_RUNNABLE && v->vm->state == VM_RUNNING) {
		q->merged_at = this_cpu()->ticks;
		merge_scan_tick(v->vm);
	}
	if (v->state == VCPU_RUNNABLE && v->vm->state == VM_RUNNING &&
	    numa_pending(&v->numa_ring, this_cpu()->ticks, v->vm->numa.next_tick))
		numa_work(v);
	if (q->evictions_seen != evictions && evict(q, v, f)) {
		v = pick_or_idle(q);
		switch_to(q, v, f);
		q->slice_start = arch_timer_count();
		return v;
	}
	if (v->parking && v->state == VCPU_RUNNABLE) {
		let_go(q, v, f);
		v = pick_or_idle(q);    /* v too, if it was started meanwhile */
		switch_to(q, v, f);
		q->slice_start = arch_timer_count();
		return v;
	}
	if (action == VCPU_RESCHEDULE || expired || v->state != VCPU_RUNNABLE) {
		if (v->state == VCPU_RUNNABLE)
			v->regs = *f;   /* it may be picked again at once */
		if (idle_cpus && q->n > 1)
			balance(q);
		v = pick_or_idle(q);
		q->yield_target = NULL;
		switch_to(q, v, f);
		q->slice_start = arch_timer_count();
	}
	return v;
}

void sched_return(struct trap_frame *f, enum vcpu_action action)
{
	struct runq *q = &runqs[arch_cpu_id()];
	struct vcpu *v = q->current;
	/* Count, not ticks taken: the slice ends on time even if a tick is
	 * late (interrupts off, or a QEMU stall) */
	bool expired = arch_timer_count() - q->slice_start >=
		       SCHED_SLICE_TICKS * this_cpu()->tick_period;

	/* the usual case, where decide() would change nothing, without its
	 * call (this runs on every trap) */
	if (action != VCPU_CONTINUE || expired || v->state != VCPU_RUNNABLE ||
	    v->vm->state != VM_RUNNING || page_shuffle_pieces || merge_scan_pages ||
	    q->evictions_seen != evictions ||
	    numa_pending(&v->numa_ring, this_cpu()->ticks, v->vm->numa.next_tick))
		v = decide(q, v, f, action, expired);
	prepare(q, v, f);
}

/*
 * A guest's sdbbp came back through the boot ROM (arch_debug_breakpoint):
 * its registers are gone, so its VM stops; this CPU goes on with its other
 * vCPUs.
 */
void sched_debug_breakpoint(uint64_t depc)
{
	struct runq *q = &runqs[arch_cpu_id()];
	struct vcpu *v = q->current;

	if (!v)
		panic("sdbbp at %lx from a guest mode, with no vCPU on this CPU", (unsigned long)depc);
	con_printf("disco: vm %s: vcpu %u: sdbbp at %lx (EJTAG debug mode is not available in a VM)\n",
		   v->vm->cfg.name, v->id, (unsigned long)depc);
	vcpu_stop_vm(v, 1, "debug breakpoint (sdbbp)");
	sched_enter();
	for (;;)
		smp_idle_once();
}
