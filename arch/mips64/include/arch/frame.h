/*
 * The register frame the exception entry code saves (vectors.S) and the
 * C trap handlers read and may change before the return.
 */
#ifndef ARCH_FRAME_H
#define ARCH_FRAME_H

#include <stdint.h>

/* Which hardware vector an exception came through (offset from EBase). */
enum exc_vector {
	VEC_TLB_REFILL  = 0x000,
	VEC_XTLB_REFILL = 0x080,
	VEC_CACHE_ERROR = 0x100,
	VEC_GENERAL     = 0x180,
	VEC_INTERRUPT   = 0x200,
};

struct trap_frame {
	uint64_t regs[32];      /* GPRs by number; regs[0] reads as 0 */
	uint64_t hi, lo;
	uint64_t epc;
	uint64_t badvaddr;
	uint64_t vector;        /* enum exc_vector */
	uint32_t status, cause;
};

/* The stack pointer must stay 16-byte aligned (n64 ABI). */
_Static_assert(sizeof(struct trap_frame) % 16 == 0, "frame size");

#endif
