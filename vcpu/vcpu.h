/*
 * Virtual CPUs (first, minimal form): a guest's registers and what happens
 * when it traps. Only the direct-map window, the hypercall instruction and
 * stopping a VM are handled yet; privileged-instruction emulation, the
 * guest's TLB and exception delivery are the rest of the vCPU issue.
 */
#ifndef VCPU_VCPU_H
#define VCPU_VCPU_H

#include "arch/frame.h"
#include "monitor/vm.h"

/* Hypercalls: the instruction is a reserved COP0 encoding (vcpu/decode.h,
 * docs/guest-abi.md), the call number in v0, arguments in a0.. */
#define HCALL_CONSOLE_WRITE 1   /* a0 = guest-virtual buffer, a1 = length */
#define HCALL_EXIT          2   /* a0 = status: the VM stops */

struct vcpu {
	struct vm *vm;
	struct trap_frame regs;
	uint64_t traps[32];     /* by ExcCode */
	uint64_t hypercalls;
};

/* Runs vCPU 0 of vm on this CPU; does not return. */
void vcpu_run(struct vm *vm) __attribute__((noreturn));

/* A trap from guest mode, with the guest's registers in f. */
void vcpu_trap(struct trap_frame *f);

#endif
