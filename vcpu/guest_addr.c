/*
 * Guest address classification (see guest_addr.h).
 */
#include "arch/guest.h"
#include "vcpu/cp0.h"
#include "vcpu/guest_addr.h"

#define SEG_SIZE     (1ull << CP0_SEGBITS)
#define USEG_END     0x80000000ull
#define XKPHYS_BASE  0x8000000000000000ull
#define CKSSEG_BASE  0xffffffffc0000000ull
#define CKSEG3_BASE  0xffffffffe0000000ull

static enum guest_addr_kind xsseg(uint64_t va, enum guest_mode mode,
				  uint32_t status, uint64_t *gpa)
{
	if (mode == GM_USER)
		return GA_ADDRESS_ERROR;
	/* The windows are the monitor's: open in virtual kernel mode
	 * whatever the guest's SX (it enters with SX = 0, as on malta). */
	if (mode == GM_KERNEL && va - GUEST_CACHED_BASE < GUEST_WINDOW_SIZE) {
		*gpa = va - GUEST_CACHED_BASE;
		return GA_WINDOW_CACHED;
	}
	if (mode == GM_KERNEL && va - GUEST_UNCACHED_BASE < GUEST_WINDOW_SIZE) {
		*gpa = va - GUEST_UNCACHED_BASE;
		return GA_WINDOW_UNCACHED;
	}
	if (!(status & CP0_ST_SX) || va - GUEST_XSSEG_BASE >= SEG_SIZE)
		return GA_ADDRESS_ERROR;
	return GA_MAPPED;
}

enum guest_addr_kind guest_addr_classify(uint64_t va, enum guest_mode mode,
					 uint32_t status, uint64_t *gpa)
{
	if (va < USEG_END) {
		if (!(status & CP0_ST_ERL))
			return GA_MAPPED;
		*gpa = va;              /* ERL: kuseg is unmapped and uncached */
		return GA_WINDOW_UNCACHED;
	}
	if (va < GUEST_XSSEG_BASE)      /* xuseg */
		return (status & CP0_ST_UX) && va < SEG_SIZE ?
		       GA_MAPPED : GA_ADDRESS_ERROR;
	if (va < XKPHYS_BASE)
		return xsseg(va, mode, status, gpa);
	if (va >= CKSSEG_BASE && va < CKSEG3_BASE)
		return mode == GM_USER ? GA_ADDRESS_ERROR : GA_MAPPED;
	/* xkphys, xkseg, kseg0/kseg1, CKSEG3: kernel mode only, and not
	 * reachable from the real supervisor mode a guest kernel runs in */
	return mode == GM_KERNEL ? GA_UNAVAILABLE : GA_ADDRESS_ERROR;
}

/* mips_cpu_do_interrupt: XTLB iff (R != 0 || UX) && (R != 3 || KX), with
 * R = va[63:62]; SX is not consulted (an xsseg access with SX = 0 is an
 * address error before any refill). */
bool guest_refill_is_xtlb(uint64_t va, uint32_t status)
{
	unsigned int r = (unsigned int)(va >> 62);

	return (r != 0 || (status & CP0_ST_UX)) && (r != 3 || (status & CP0_ST_KX));
}

/* Whether the windows may be in the real TLB under status. */
static bool windows_may_hit(uint32_t status)
{
	return guest_mode_of(status) != GM_SUPERVISOR;
}

enum guest_tlb_change guest_tlb_change(uint32_t old, uint32_t status)
{
	uint32_t changed = old ^ status;

	if (changed & CP0_ST_ERL)
		return GT_FLUSH_ALL;
	if ((changed & CP0_ST_SX) || windows_may_hit(old) != windows_may_hit(status))
		return GT_FLUSH_XSSEG;
	return GT_KEEP;
}
