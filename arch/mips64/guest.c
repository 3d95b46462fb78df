/*
 * Running a guest vCPU on this CPU: the way in (the way out is any
 * exception: vectors.S; the real Status it runs under is arch/vcpu.h's
 * arch_guest_status).
 */
#include <stdint.h>
#include "arch/cpu.h"
#include "arch/frame.h"
#include "arch/vcpu.h"

void exc_enter_frame(const struct trap_frame *f) __attribute__((noreturn));

void arch_guest_hwrena(uint32_t bits)
{
	__write_c0_32(7, 0, bits & ARCH_HWRENA_CC);
}

void arch_guest_enter(const struct trap_frame *f)
{
	exc_enter_frame(f);
}
