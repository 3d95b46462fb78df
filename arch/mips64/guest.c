/*
 * Running a guest vCPU on this CPU: the real Status it runs under and the
 * way in (the way out is any exception: vectors.S).
 */
#include <stdint.h>
#include "arch/cpu.h"
#include "arch/frame.h"
#include "arch/vcpu.h"

void exc_enter_frame(const struct trap_frame *f) __attribute__((noreturn));

uint32_t arch_guest_status(uint32_t vstatus)
{
	uint32_t ksu = vstatus & ST0_KSU;
	bool kernel = ksu == 0 || (vstatus & (ST0_EXL | ST0_ERL));
	uint32_t mode = (kernel || ksu == ST0_KSU_SUPERVISOR) ?
			ST0_KSU_SUPERVISOR : ST0_KSU_USER;

	/* UX and PX as the guest has them: with both 0, 64-bit instructions
	 * in user mode are Reserved Instructions and xuseg is an address
	 * error, in hardware, as the guest expects. SX stays on for the
	 * windows. */
	return mode | ST0_SX | ST0_KX | ST0_IM7 | ST0_IE |
	       (vstatus & (ST0_UX | ST0_PX | ST0_CU1 | ST0_FR));
}

void arch_guest_hwrena(uint32_t bits)
{
	__write_c0_32(7, 0, bits & ARCH_HWRENA_CC);
}

void arch_guest_enter(const struct trap_frame *f)
{
	exc_enter_frame(f);
}
