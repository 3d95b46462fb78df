/*
 * The vCPU scheduler: every vCPU of every VM is placed on one physical CPU
 * (the least loaded of those its VM may use: its config's cpus=, else its
 * NUMA node's), and each CPU time-shares its vCPUs round-robin: a slice of
 * SCHED_SLICE_TICKS monitor tick periods (measured on Count), cut short
 * when a vCPU waits (`wait`), parks, yields or stops. A CPU that has
 * nothing to run is given a runnable vCPU waiting on a busy one (migration,
 * sched.c). A vCPU that spins with its interrupts masked is still
 * preempted: the monitor's tick does not depend on the guest's Status, and
 * nothing a guest writes (its Compare included) moves it. A CPU with
 * nothing to run sleeps until a tick or a waiting vCPU's virtual timer.
 */
#ifndef VCPU_SCHED_H
#define VCPU_SCHED_H

#include <stdbool.h>
#include "arch/frame.h"
#include "vcpu/vcpu.h"

#define SCHED_SLICE_TICKS 10

/* Creates the vCPUs of every loaded VM and places them (CPU 0, once). */
void sched_setup(void);

/* True once sched_setup has placed vCPUs: every CPU should sched_enter. */
bool sched_active(void);

/* Runs this CPU's vCPUs; returns only if it has none. */
void sched_enter(void);

/* On the way back to the guest after a trap: switch vCPUs if needed, take
 * pending virtual interrupts, set the real Status and ASID. */
void sched_return(struct trap_frame *f, enum vcpu_action action);

/* Stops a running VM from outside it (the monitor prompt): each vCPU
 * leaves its CPU at that CPU's next scheduling decision, within a slice.
 * False if the VM was not running. */
bool sched_stop_vm(struct vm *vm, int status, const char *why);

/*
 * Starts a loaded VM while others may run (the prompt's `start`): its
 * vCPUs are made and placed on the CPUs it may use that run vCPUs (CPU 0
 * only if it does, or if cpu0_joins: the caller then calls sched_enter).
 * False if the VM is not loaded or has no such CPU.
 */
bool sched_start_vm(struct vm *vm, bool cpu0_joins);

/*
 * The CPUs whose real TLB may hold vm's translations: a CPU's bit is set
 * when it switches to one of vm's vCPUs, before it fills anything, and
 * cleared when it switches to another VM's, whose switch flushes the real
 * TLB (with real TLB entries kept across switches, by ASID, a bit would
 * stay set until that CPU's TLB is flushed). A change to vm's pmap made
 * before this is read reaches every CPU that could have seen the old one.
 */
uint32_t sched_cpus_holding(const struct vm *vm);

/* The CPUs vm's vCPUs may run on become cpus (its configuration's cpus=):
 * each CPU sends away the ones it may no longer run at its next return
 * to a guest (the NUMA engine's scripted move, move_at). */
void sched_set_cpus(struct vm *vm, uint32_t cpus);

/* Whether this CPU runs one vCPU only (its run queue holds no other): its
 * direct-map window entries may then be global (vcpu/memory.c), as no
 * switch to another vCPU will drop them. */
bool sched_cpu_dedicated(void);

/* HCALL_YIELD_TO (directed yield, against lock-holder preemption): if a
 * vCPU of v's VM waits in this CPU's queue, runnable or with an interrupt
 * it would take now (an IPI the spinner waits on) (vCPU a0, or any for
 * a0 = -1), it runs now instead of v (v0 = 1); else v goes on (v0 = 0). */
enum vcpu_action sched_yield_to(struct vcpu *v, struct trap_frame *f);

/* A VM's statistics, summed over its vCPUs (racy reads: for reports). */
void sched_vm_stats(const struct vm *vm, struct vcpu_stats *sum);

/* A guest's sdbbp at depc, back through the boot ROM (arch/mips64/trap.c
 * arch_debug_breakpoint decides it was a guest's): stops the current vCPU's
 * VM and runs this CPU's other vCPUs. */
void sched_debug_breakpoint(uint64_t depc) __attribute__((noreturn));

#endif
