/*
 * What the machine-independent vCPU code asks of the CPU (first, minimal
 * form: entering a guest, mapping its window, reading its instructions).
 */
#ifndef ARCH_VCPU_H
#define ARCH_VCPU_H

#include <stdint.h>
#include "arch/frame.h"

/* Status for a guest in virtual kernel mode (real supervisor mode). */
uint32_t guest_initial_status(void);

/* Loads the frame at the top of this CPU's monitor stack and erets to it. */
void arch_guest_enter(const struct trap_frame *f) __attribute__((noreturn));

/* Enters va's even/odd 4 KiB page pair into the real TLB (frames may be
 * UINT32_MAX: that half stays invalid). */
void arch_tlb_map_pair(uint64_t va, uint32_t even_frame, uint32_t odd_frame);

#endif
