/*
 * Virtual CPUs: a guest's registers, its CP0 state and TLB, and what
 * happens when it traps. Guest kernels run in real supervisor mode and
 * trap into the monitor for privileged instructions (emulate.c), for
 * addresses the real TLB does not map yet (memory.c) and for exceptions
 * that are the guest's own (exception.c, reflected to its vectors).
 * sched.c time-shares the vCPUs of all VMs over the physical CPUs.
 */
#ifndef VCPU_VCPU_H
#define VCPU_VCPU_H

#include "arch/frame.h"
#include "arch/vcpu.h"
#include "mmu/asid.h"
#include "mmu/l2tlb.h"
#include "monitor/vm.h"
#include "vcpu/cp0.h"
#include "vcpu/decode.h"
#include "vcpu/guest_addr.h"
#include "vcpu/vtlb.h"

/* Hypercalls: the instruction is a reserved COP0 encoding (vcpu/decode.h,
 * docs/guest-abi.md), the call number in v0, arguments in a0.., result v0. */
#define HCALL_CONSOLE_WRITE 1   /* a0 = guest-virtual buffer, a1 = length */
#define HCALL_EXIT          2   /* a0 = status: the VM stops */
#define HCALL_TIMER_HZ      3   /* v0 = Count frequency in Hz */
#define HCALL_YIELD         4   /* gives the CPU to another vCPU */
#define HCALL_REBOOT        5   /* the VM stops, status a0, reported as reboot */
#define HCALL_CACHE         6   /* a0 = 1 data | 2 insn, a1 = va, a2 = len (0: all) */
#define HCALL_SHARED_PAGE   7   /* a0 = gpa of this vCPU's struct vcpu_shared */
#define HCALL_TLB_UPDATE    8   /* a0..a2 = EntryHi, EntryLo0/1: tlbp, then tlbwi or tlbwr */
#define HCALL_TLB_DROP      9   /* a0 = EntryHi: tlbp; a hit becomes a1 + (index << a2) */
#define HCALL_TLB_CONTRACT 10   /* a0 = page size: the TLB contract (0: off) */
#define HCALL_TLB_FLUSH    11   /* a0 = what (HCALL_TLB_FLUSH_*), a1 = ASID */
#define HCALL_COUNT_REAL   12   /* Count = the machine's: rdhwr $2 without a trap */
#define HCALL_IPI          13   /* a0 = vCPU mask, a1 = bits ORed into their `ipi` */
#define HCALL_VCPU_START   14   /* a0 = parked vCPU, a1 = pc, a2 = sp, a3 = gp */
#define HCALL_VCPU_PARK    15   /* this vCPU waits for HCALL_VCPU_START */
#define HCALL_YIELD_TO     16   /* a0 = vCPU, or -1: a preempted one of the VM */
#define  HCALL_TLB_FLUSH_NONGLOBAL 0    /* every non-global translation */
#define  HCALL_TLB_FLUSH_ALL       1    /* every translation */
#define  HCALL_TLB_FLUSH_ASID      2    /* those of ASID a1 */

/* The guest-visible layout of the shared area (shared_page.c,
 * docs/guest-abi.md); 128-byte aligned. */
struct vcpu_shared {
	uint32_t ie;            /* Status.IE (bit 0), both ways */
	uint32_t pending;       /* an interrupt waits for IE */
	uint64_t status;        /* monitor to guest, as each trap leaves them: */
	uint64_t cause;         /*   Status (its IE: see ie), Cause, EPC, */
	uint64_t epc;           /*   BadVAddr */
	uint64_t badvaddr;
	uint64_t eret_status;   /* guest to monitor: with eret_set, the next */
	uint64_t eret_epc;      /*   eret first writes Status and EPC */
	uint32_t eret_set;
	uint32_t reserved;
	uint64_t status_next;   /* guest to monitor: with status_set, the next */
	uint32_t status_set;    /*   trap first writes Status (IE: see ie) */
	uint32_t tp_set;        /* guest to monitor: with tp_set, rdhwr $29 in */
	uint64_t tp;            /*   user mode reads tp (the thread pointer) */
	uint64_t context;       /* monitor to guest: Context as the last trap
				 * the C path handled left it */
	uint32_t ipi;           /* both: IPI bits the monitor ORs in (HCALL_IPI);
				 * not 0 raises the vCPU's line VCPU_IPI_LINE */
	uint32_t guest_spins;   /* guest only (the Linux patch's spin count) */
	uint64_t guest_cpuid;   /* guest only (Linux's XContext CPU field) */
	uint32_t siblings_here; /* monitor to guest: other vCPUs of the VM on
				 * this vCPU's physical CPU, as of its last switch
				 * (0: HCALL_YIELD_TO would find no one) */
	uint32_t reserved2[3];
};

/* The interrupt line an IPI raises (Cause.IP3), while `ipi` is not 0. */
#define VCPU_IPI_LINE (1u << 11)

/*
 * The self page (docs/guest-abi.md): in virtual kernel mode, this cached
 * window address (guest-physical VCPU_SELF_GPA, the last page pair of the
 * window, far above any VM's memory) maps the 4 KiB page holding the
 * vCPU's own shared area, a different page for each vCPU; its partner
 * page is invalid. Without a registered shared area it is a bus error, as
 * any address outside the VM's memory.
 */
#define VCPU_SELF_GPA 0xffffffe000ull

/* Benchmark marks (docs/guest-abi.md): a guest user program's syscall
 * with this number (not a Linux n64 call: Linux returns ENOSYS, as on the
 * bare machine) snapshots its VM's trap counts; they are printed at VM end.
 * The call is reflected to the guest like any other. */
#define VCPU_MARK_SYSCALL 5999
#define VCPU_MAX_MARKS    16

/* Where emulated instructions come from (trap_sites.c). */
#define VCPU_TRAP_SITES 512
struct vcpu_trap_sites {
	struct {
		uint64_t pc, count;
		enum insn_kind kind;
	} site[VCPU_TRAP_SITES];
	uint64_t other;         /* sites that found the table full */
};
extern bool vcpu_trap_sites_on;         /* the `trapsites` command-line key */

enum vcpu_state {
	VCPU_RUNNABLE,
	VCPU_WAITING,           /* in `wait` until an interrupt it can take */
	VCPU_STOPPED,
	VCPU_PARKED,            /* HCALL_VCPU_PARK: until HCALL_VCPU_START */
	VCPU_STARTING,          /* being started by another vCPU (a moment) */
};

/* Per-vCPU counts of what trapped (summed per VM in the exit report). */
struct vcpu_stats {
	uint64_t exc[32];       /* real exceptions from the guest, by ExcCode */
	uint64_t emulated[INSN_KIND_COUNT];     /* by instruction kind */
	uint64_t reflected[32]; /* exceptions delivered to the guest */
	uint64_t hypercalls;
	uint64_t window_fills, mapped_fills, mmio;
	uint64_t status_flushes;        /* real TLB flushes for Status changes */
	uint64_t real_flushes;          /* whole real TLB flushes made for it */
	/* The second-level TLB (contract.c): real refills it served (the
	 * fast path counts here; the C path's are added in the sums), and
	 * in the sums the l2tlb's own misses, inserts and drops */
	uint64_t l2tlb_hits, l2tlb_misses, l2tlb_inserts, l2tlb_drops;
	uint64_t l2tlb_forgotten;       /* vcpu_l2tlb_forgotten_code */
	/* SMP guests (smp_calls.c, sched.c) */
	uint64_t ipis_sent;             /* vCPUs an HCALL_IPI named */
	uint64_t yields_to;             /* HCALL_YIELD_TO that ran another vCPU */
	uint64_t yields_to_none;        /* ... that found none preempted here */
	uint64_t migrations;            /* moves to another physical CPU */
};

struct vcpu {
	struct vm *vm;
	unsigned int id;        /* index in its VM, EBase.CPUNum */
	unsigned int cpu;       /* the physical CPU it runs on */
	uint64_t uid;           /* unique since boot (a restarted VM's too) */
	enum vcpu_state state;  /* another vCPU may change PARKED (start) */
	bool parking;           /* HCALL_VCPU_PARK: to be PARKED by sched.c */
	struct trap_frame regs; /* while not on its CPU */
	struct cp0 cp0;
	struct vtlb tlb;
	struct vcpu_stats stats;
	/* The guest's ll runs natively: the real LLAddr names its machine
	 * address until the monitor's next eret sets it to 1; a trap that
	 * finds it not 1 means a new ll (see vcpu_guest_lladdr). */
	uint64_t ll_machine;
	bool ll_fresh;
	uint32_t last_status;   /* Status the real TLB's entries were made under */
	struct asid_map asids;  /* its guest ASIDs' real ones on its CPU (mmu/asid.h) */
	volatile struct vcpu_shared *shared;    /* registered by the guest, or NULL */
	uint64_t shared_gpa;    /* its guest-physical address (the self page) */
	struct fpu_state fpu;   /* while not on its CPU, if it has used CU1 */
	bool fpu_live;          /* fpu holds state to restore */
	bool tlb_contract;      /* the guest announced the TLB contract */
	struct l2tlb l2tlb;     /* its entries: a block of their own */
	unsigned int l2tlb_mix_asid;    /* l2tlb_mix is for this ASID (or none: > 255) */
	/* The span of the global pairs its l2tlb has learnt since its last
	 * flush of everything (contract.c): outside it, what the l2tlb served
	 * is in the real TLB under one real ASID only, and dropping a pair
	 * takes probes instead of a scan of the real TLB */
	uint64_t l2tlb_global_lo, l2tlb_global_hi;
	uint64_t l2tlb_mix;
	struct numa_ring numa_ring;     /* its hot pages (numa/placement.h) */
	/* Cold and large: last, so that the fields fastpath.S reaches stay
	 * within its 16-bit offsets (fast.c) */
	struct vcpu_stats marks[VCPU_MAX_MARKS];        /* the VM's, at each mark */
	unsigned int nmarks;
	struct vcpu_trap_sites sites;   /* with `trapsites` */
};

/* What a trap handler leaves for the return path. */
enum vcpu_action {
	VCPU_CONTINUE,          /* back to the guest */
	VCPU_RESCHEDULE,        /* the vCPU waits, yields or stopped */
};

/* Machine pages one vCPU takes: its structure and its l2tlb's entries,
 * each a block of its own. */
#define VCPU_STRUCT_ORDER pa_order_for_bytes(sizeof(struct vcpu))
#define VCPU_L2TLB_ORDER  pa_order_for_bytes(l2tlb_bytes(L2TLB_ORDER))
#define VCPU_PAGES ((1u << VCPU_STRUCT_ORDER) + (1u << VCPU_L2TLB_ORDER))

/*
 * A zeroed vCPU structure with its l2tlb's entries (VCPU_PAGES in all),
 * on node if it has the blocks, else on another; NULL when machine memory
 * ran out. Taken when its VM loads (vm.c), so that starting the VM cannot
 * fail.
 */
struct vcpu *vcpu_alloc(unsigned int node);

/* Gives a structure from vcpu_alloc back. */
void vcpu_free(struct vcpu *v);

/* Sets up vCPU id of vm to start at the VM's entry point. */
void vcpu_init(struct vcpu *v, struct vm *vm, unsigned int id);

/* A trap from guest mode, with the guest's registers in f. */
void vcpu_trap(struct trap_frame *f);

/* Short names of the instruction kinds, for reports. */
extern const char *const vcpu_insn_names[INSN_KIND_COUNT];

/* Prints a VM's summed statistics (the exit report). */
void vcpu_print_stats(const char *vm_name, const struct vcpu_stats *s);

/* Counts an emulated instruction at pc; prints a vCPU's busiest sites. */
void vcpu_trap_site(struct vcpu *v, uint64_t pc, enum insn_kind kind);
void vcpu_print_trap_sites(const char *vm_name, const struct vcpu *v);

/* --- between the vCPU's parts --- */

/* Delivers exception code to the guest's vectors (exception.c). bd: the
 * trapping instruction is in a delay slot (f->epc is the branch). */
void vcpu_deliver(struct vcpu *v, struct trap_frame *f, unsigned int code, bool bd);
void vcpu_deliver_cpu(struct vcpu *v, struct trap_frame *f, unsigned int ce, bool bd);
void vcpu_deliver_tlb(struct vcpu *v, struct trap_frame *f, unsigned int code,
		      uint64_t badvaddr, bool refill, bool bd);
void vcpu_deliver_address_error(struct vcpu *v, struct trap_frame *f,
				unsigned int code, uint64_t badvaddr, bool segment, bool bd);

/* Takes a pending virtual interrupt if the guest can (exception.c). */
void vcpu_check_interrupts(struct vcpu *v, struct trap_frame *f);
/* Copies the VM's device lines (Cause.IP2, IP4..6) into the Cause of the
 * vCPU that takes them (the first with one unmasked in Status.IM, else
 * vCPU 0), and the vCPU's IPI line (IP3, from its shared area). */
void vcpu_sync_lines(struct vcpu *v);
/* Whether an interrupt line is up and not masked by Status.IM. */
bool vcpu_interrupt_pending(const struct vcpu *v);
/* Whether the vCPU has an interrupt it would take now. */
bool vcpu_interrupt_deliverable(struct vcpu *v);

/* A real TLB miss, invalid or modified exception (memory.c). */
enum vcpu_action vcpu_tlb_fault(struct vcpu *v, struct trap_frame *f, unsigned int code);
/* A real address error: the guest's, or a segment a VM does not have. */
enum vcpu_action vcpu_address_error(struct vcpu *v, struct trap_frame *f, unsigned int code);
/* Reads an instruction word the guest is executing at va (window or its
 * TLB). -1 if it cannot be read. */
int64_t vcpu_fetch(struct vcpu *v, uint64_t va);
/* The guest-physical address behind va, RAM or not (-1 if unmapped). */
int64_t vcpu_device_gpa(struct vcpu *v, uint64_t va);
/* Copies len bytes from guest-virtual va; 0, or -1 if any is unreachable. */
int vcpu_read_virtual(struct vcpu *v, uint64_t va, void *buf, uint64_t len);
/* LLAddr for the guest: the real one, as its last trap found it, in
 * guest-physical terms (the guest's ll ran natively). */
uint64_t vcpu_guest_lladdr(struct vcpu *v);
/* vcpu_tlb_follow_status's work when Status went from old to status in a
 * way that may matter (memory.c). */
void vcpu_tlb_status_changed(struct vcpu *v, uint32_t old, uint32_t status);
/* Drops the real TLB entries that Status changes since v->last_status made
 * stale (guest_tlb_change: no window entries in virtual supervisor mode,
 * none of its xsseg entries outside it) and records Status in last_status.
 * Called wherever Status may have changed, before the guest runs again or
 * the real TLB is filled. Inline: the test runs on every trap. */
static inline void vcpu_tlb_follow_status(struct vcpu *v)
{
	uint32_t status = (uint32_t)v->cp0.status, old = v->last_status;

	v->last_status = status;
	/* Linux's every trap: ERL and SX as they were, and supervisor mode
	 * (KSU = 1; Linux never sets the bit) on neither side */
	if (((status ^ old) & (CP0_ST_ERL | CP0_ST_SX)) |
	    ((status | old) & CP0_ST_KSU_SUPERVISOR))
		vcpu_tlb_status_changed(v, old, status);
}
/*
 * The shoot-down: drops every translation vm's vCPUs may hold of the n
 * ranges of guest pages, which were the machine pages the ranges name
 * (copy-on-write gave them a copy, or they are being moved): on every CPU
 * whose real TLB may hold them (sched_cpus_holding), that CPU's real
 * entries of those frames and the entries for those guest pages in the
 * second-level TLBs of vm's vCPUs there, each CPU through one cross-call
 * served at its next entry into the monitor (memory.c: malta has no
 * inter-processor interrupt, so that can be a tick away). Returns when all
 * have. No lock may be held (it waits for CPUs).
 */
struct pmap_moved_range;
void vcpu_mmu_shoot_down(struct vm *vm, const struct pmap_moved_range *r, unsigned int n);
/* Enters the pair around mapped address va into the real TLB (and the
 * l2tlb), as a real miss on it would, if the guest's TLB maps it to RAM
 * now; else nothing (memory.c). For the refill write: its access comes
 * right after. */
void vcpu_tlb_prefill(struct vcpu *v, uint64_t va);

/* Drops the real TLB entries guest TLB entry e of v may have produced (on
 * v's CPU: under e's real ASID, or every ASID for a global e). */
void vcpu_tlb_forget(struct vcpu *v, const struct vtlb_entry *e);

/* Drops the self page's real TLB entries on this CPU (memory.c): v's
 * shared area moved to another page. */
void vcpu_tlb_forget_self(struct vcpu *v);

/* Emulates the instruction at f->epc (or in its delay slot) (emulate.c). */
enum emulate_why {
	EMULATE_PRIVILEGED,     /* Coprocessor Unusable, CE = 0 */
	EMULATE_RESERVED,       /* Reserved Instruction: rdhwr, or the guest's */
	EMULATE_DEVICE,         /* an access to an emulated device register */
};
enum vcpu_action vcpu_emulate(struct vcpu *v, struct trap_frame *f, enum emulate_why why);

/* The shared area (shared_page.c): register it (0, or -1 for a bad
 * address); take its IE into Status at a trap; write the registers back
 * before the guest runs; at eret, apply the Status and EPC it left. */
int vcpu_shared_register(struct vcpu *v, uint64_t gpa);
void vcpu_shared_eret(struct vcpu *v);
/* The load and store for a vCPU that has the area (v->shared). */
void vcpu_shared_load_area(struct vcpu *v);
void vcpu_shared_store_area(struct vcpu *v);

/* Inline: every trap does both, and a guest without the area then only
 * tests the pointer. */
static inline void vcpu_shared_load(struct vcpu *v)
{
	if (v->shared)
		vcpu_shared_load_area(v);
}

static inline void vcpu_shared_store(struct vcpu *v)
{
	if (v->shared)
		vcpu_shared_store_area(v);
}

/* tlbp, tlbr, tlbwi or tlbwr on the vCPU's TLB, dropping the real TLB
 * entries of what it replaces (emulate.c). */
void vcpu_tlb_op(struct vcpu *v, enum insn_kind kind);

/* Hypercall v0 (hypercall.c). */
enum vcpu_action vcpu_hypercall(struct vcpu *v, struct trap_frame *f);

/* The SMP hypercalls (smp_calls.c, docs/guest-abi.md): HCALL_IPI,
 * HCALL_VCPU_START, HCALL_VCPU_PARK; each sets v0 in f. */
enum vcpu_action vcpu_send_ipi(struct vcpu *v, struct trap_frame *f);
enum vcpu_action vcpu_start_other(struct vcpu *v, struct trap_frame *f);
enum vcpu_action vcpu_park(struct vcpu *v, struct trap_frame *f);

/* --- the TLB contract and the l2tlb (contract.c, docs/guest-abi.md) --- */

/* Whether the l2tlb serves v now: the contract, and a plain Status (ERL
 * clear, not virtual supervisor mode, SX and UX set). */
bool vcpu_l2tlb_active(const struct vcpu *v);
/* HCALL_TLB_CONTRACT (0, or -1 for a page size it does not take) and
 * HCALL_TLB_FLUSH (0, or -1 for an unknown what). */
int64_t vcpu_tlb_contract(struct vcpu *v, uint64_t page_size);
int64_t vcpu_tlb_flush(struct vcpu *v, uint64_t what, uint64_t asid);
/* A real refill of mapped va: filled from the l2tlb if it has the pair
 * (true), else the caller goes on to the guest's TLB. */
bool vcpu_l2tlb_refill(struct vcpu *v, uint64_t va);
/* What the guest's TLB and the pmap gave for va's pair (memory.c's
 * fill: the real halves, the guest-physical address where each starts):
 * kept in the l2tlb if it serves v and order is its page size. */
void vcpu_l2tlb_learn(struct vcpu *v, uint64_t va, const struct tlb_half half[2],
		      const uint64_t gpa[2], bool global, unsigned int order);
/* The guest-physical address of va through the l2tlb (true), for the
 * monitor's own reads of what the guest's TLB has evicted but the guest
 * still reaches (the real TLB may hold it from there). */
bool vcpu_l2tlb_translate(const struct vcpu *v, uint64_t va, uint64_t *gpa);
/*
 * The monitor cannot read the instruction a contract guest just ran at va:
 * the real TLB still held a translation that both the guest's TLB and the
 * l2tlb have since forgotten (a slot of the direct-mapped l2tlb taken by
 * another pair), which the contract allows. Drops the real entries of va's
 * pair so that running the instruction again is a plain TLB miss for the
 * guest; true if so (the trap then returns with EPC unchanged), false for
 * a guest without the contract (whose real entries always follow its TLB).
 */
bool vcpu_l2tlb_forgotten_code(struct vcpu *v, uint64_t va);
/* A real invalid or modified exception on va that the guest's TLB does
 * not resolve: va's pair leaves the l2tlb (the real entry came from it). */
void vcpu_l2tlb_unlearn(struct vcpu *v, uint64_t va);
/* The guest wrote entry e into its TLB: the l2tlb forgets its pairs. */
void vcpu_l2tlb_written(struct vcpu *v, const struct vtlb_entry *e);
/* HCALL_TLB_DROP of entryhi (after the guest's TLB): its pair leaves the
 * l2tlb and, if the guest's TLB did not hold it (hit false), the real TLB. */
void vcpu_l2tlb_dropped(struct vcpu *v, uint64_t entryhi, bool hit);
/* Points this CPU's refill fast path at v's l2tlb, or turns it off (on
 * every return to the guest: after a switch, a Status or ASID change). */
void vcpu_l2tlb_arm(struct vcpu *v);
/* Adds v's l2tlb counts to sum (its fast path's hits are in v->stats). */
void vcpu_l2tlb_sum(const struct vcpu *v, struct vcpu_stats *sum);

/* Stops the vCPU's VM with status; the reason is reported (sched.c). */
void vcpu_stop_vm(struct vcpu *v, int status, const char *why);

/* The vCPU on this CPU (sched.c). */
struct vcpu *vcpu_current(void);

#endif
