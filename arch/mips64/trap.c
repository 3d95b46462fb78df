/*
 * Exception dispatch: vectors.S saves a struct trap_frame and calls
 * trap_entry(), which counts the exception and dispatches on ExcCode
 * through a table. Anything the monitor does not expect panics with a full
 * report.
 */
#include <stdint.h>
#include "arch/board.h"
#include "arch/fast.h"
#include "arch/frame.h"
#include "arch/timer.h"
#include "monitor/console.h"
#include "monitor/monitor.h"
#include "monitor/percpu.h"
#include "vcpu/sched.h"
#include "vcpu/vcpu.h"

void trap_entry(struct trap_frame *f);

typedef void (*trap_handler)(struct trap_frame *f);

static const char *const exc_names[32] = {
	[EXC_INT] = "Int (interrupt)",
	[EXC_MOD] = "Mod (TLB modified)",
	[EXC_TLBL] = "TLBL (TLB miss or invalid, load or fetch)",
	[EXC_TLBS] = "TLBS (TLB miss or invalid, store)",
	[EXC_ADEL] = "AdEL (address error, load or fetch)",
	[EXC_ADES] = "AdES (address error, store)",
	[EXC_IBE] = "IBE (bus error, fetch)",
	[EXC_DBE] = "DBE (bus error, data)",
	[EXC_SYS] = "Sys (syscall)",
	[EXC_BP] = "Bp (breakpoint)",
	[EXC_RI] = "RI (reserved instruction)",
	[EXC_CPU] = "CpU (coprocessor unusable)",
	[EXC_OV] = "Ov (integer overflow)",
	[EXC_TR] = "Tr (trap)",
	[EXC_FPE] = "FPE (floating point)",
	[EXC_C2E] = "C2E (coprocessor 2)",
	[EXC_MDMX] = "MDMX",
	[EXC_WATCH] = "WATCH",
	[EXC_MCHECK] = "MCheck (machine check)",
	[EXC_CACHEERR] = "CacheErr",
};

static const char *const reg_names[32] = {
	"zero", "at", "v0", "v1", "a0", "a1", "a2", "a3",
	"a4", "a5", "a6", "a7", "t0", "t1", "t2", "t3",
	"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7",
	"t8", "t9", "k0", "k1", "gp", "sp", "s8", "ra",
};

static const char *vector_name(uint64_t v)
{
	switch (v) {
	case VEC_TLB_REFILL: return "TLB refill";
	case VEC_XTLB_REFILL: return "XTLB refill";
	case VEC_CACHE_ERROR: return "cache error";
	case VEC_INTERRUPT: return "interrupt";
	default: return "general";
	}
}

static unsigned int exc_code(const struct trap_frame *f)
{
	return (f->cause & CAUSE_EXCCODE) >> CAUSE_EXCCODE_SHIFT;
}

/* Prints everything the frame knows, for a panic report. */
static void dump_frame(const struct trap_frame *f)
{
	unsigned int code = exc_code(f);
	const char *name = exc_names[code] ? exc_names[code] : "reserved";

	con_printf("  exception %u %s, %s vector%s\n", code, name,
		   vector_name(f->vector),
		   (f->cause & CAUSE_BD) ? ", in a branch delay slot" : "");
	con_printf("  EPC      %016lx  BadVAddr %016lx\n",
		   (unsigned long)f->epc, (unsigned long)f->badvaddr);
	con_printf("  Cause    %08x          Status   %08x\n", f->cause, f->status);
	for (int i = 0; i < 32; i += 4)
		con_printf("  %-4s %016lx %-4s %016lx %-4s %016lx %-4s %016lx\n",
			   reg_names[i], (unsigned long)f->regs[i],
			   reg_names[i + 1], (unsigned long)f->regs[i + 1],
			   reg_names[i + 2], (unsigned long)f->regs[i + 2],
			   reg_names[i + 3], (unsigned long)f->regs[i + 3]);
	con_printf("  hi   %016lx lo   %016lx\n",
		   (unsigned long)f->hi, (unsigned long)f->lo);
}

static void unexpected(struct trap_frame *f)
{
	unsigned int code = exc_code(f);

	panic_begin("unexpected exception in the monitor: %s",
		    exc_names[code] ? exc_names[code] : "reserved");
	dump_frame(f);
	monitor_halt(1);
}

static void interrupt(struct trap_frame *f)
{
	uint32_t pending = f->cause & f->status & CAUSE_IP;

	if (!(f->status & ST0_KSU))
		arch_idle_resume(&f->epc);      /* what the idle wait waited for */
	if ((pending & CAUSE_IP7) && arch_timer_ack())
		monitor_tick();
}

/* The one FPE the monitor expects: restoring a guest's FCSR whose cause
 * bits are enabled (arch/mips64/fpu.S). FCSR is already written. */
static void fpe(struct trap_frame *f)
{
	extern char arch_fpu_restore_fcsr[];

	if (f->epc != (uint64_t)arch_fpu_restore_fcsr)
		unexpected(f);
	f->epc += 4;
}

static const trap_handler handlers[32] = {
	[EXC_INT] = interrupt,
	[EXC_FPE] = fpe,
};

void debug_reentry(uint32_t status) __attribute__((noreturn));
void arch_debug_breakpoint(uint64_t depc, uint32_t status) __attribute__((noreturn));

/*
 * An sdbbp, back from the boot ROM out of debug mode (start.S
 * debug_reentry): status is Status as the sdbbp found it. A guest always
 * runs with KSU = supervisor or user; the monitor with KSU = 0 (but in
 * exc_return's last instructions, with EXL set, which run no sdbbp). So a
 * guest's stops its VM, whatever address the guest mapped; the monitor's
 * own (its semihosting exit, on a QEMU without -semihosting) ends the
 * machine.
 */
void arch_debug_breakpoint(uint64_t depc, uint32_t status)
{
	arch_fast_off();                /* not through trap_entry */
	if (status & ST0_KSU)
		sched_debug_breakpoint(depc);
	con_printf("disco: sdbbp in the monitor at %lx; power off\n", (unsigned long)depc);
	arch_power_off();
}

void trap_entry(struct trap_frame *f)
{
	unsigned int code = exc_code(f);

	arch_fast_off();                /* until the C path returns to a guest */
	if (__read_c0_32(23, 0) & DEBUG_DM)
		debug_reentry(f->status);  /* a fault in the ROM after an sdbbp */
	this_cpu()->exceptions[code]++;
	if (f->vector == VEC_CACHE_ERROR) {
		unexpected(f);
	} else if (f->status & ST0_KSU) {
		/* From a guest: the monitor's tick first, then the mailbox
		 * (served on guest entries, not on the monitor's own faults,
		 * which may come in the middle of xcall code or with a lock
		 * held), then the vCPU's business. */
		this_cpu()->guest_lladdr = __read_c0_64(17, 0);  /* before any ll */
		if (code == EXC_INT)
			interrupt(f);
		monitor_entry_poll();
		vcpu_trap(f);
	} else {
		trap_handler h = handlers[code] ? handlers[code] : unexpected;

		h(f);
	}
}
