/*
 * What a guest address is, for the vCPU's mode and virtual Status: one of
 * the monitor's direct-map windows, an address the guest's own TLB maps, an
 * address error the guest must see, or a segment the guest ABI leaves out
 * (kseg0/kseg1, xkphys, xkseg: the guest kernel runs in supervisor mode and
 * cannot reach them; docs/guest-abi.md). The rules for the mapped segments
 * are QEMU's get_physical_address() for MIPS64R2-generic (SEGBITS 42).
 * Pure C: unit-tested on the host.
 */
#ifndef VCPU_GUEST_ADDR_H
#define VCPU_GUEST_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include "vcpu/cp0.h"

enum guest_addr_kind {
	GA_WINDOW_CACHED,       /* gpa = va - GUEST_CACHED_BASE */
	GA_WINDOW_UNCACHED,     /* gpa = va - GUEST_UNCACHED_BASE, or with
				   Status.ERL kuseg: gpa = va (unmapped) */
	GA_MAPPED,              /* through the guest's TLB */
	GA_ADDRESS_ERROR,       /* AdEL/AdES for the guest */
	GA_UNAVAILABLE,         /* legal on the hardware, not in a VM */
};

enum guest_mode { GM_KERNEL, GM_SUPERVISOR, GM_USER };

/* xsseg (CP0_SEGBITS), where the windows are. */
#define GUEST_XSSEG_BASE 0x4000000000000000ull
#define GUEST_XSSEG_END  (GUEST_XSSEG_BASE + (1ull << CP0_SEGBITS))

/* The mode a virtual Status means (EXL or ERL: kernel). Inline: asked
 * several times on every trap. */
static inline enum guest_mode guest_mode_of(uint32_t status)
{
	if (status & (CP0_ST_EXL | CP0_ST_ERL))
		return GM_KERNEL;
	switch (status & CP0_ST_KSU) {
	case 0: return GM_KERNEL;
	case 1u << 3: return GM_SUPERVISOR;
	default: return GM_USER;
	}
}

/* Classifies va for an access in mode under virtual Status status; *gpa is
 * set for the windows. */
enum guest_addr_kind guest_addr_classify(uint64_t va, enum guest_mode mode,
					 uint32_t status, uint64_t *gpa);

/* Whether a TLB refill for va goes to the XTLB vector (EBase + 0x080)
 * rather than the 32-bit one (EBase + 0x000): QEMU's rule, by va's region
 * and Status.UX/KX. */
bool guest_refill_is_xtlb(uint64_t va, uint32_t status);

/*
 * What the real TLB must lose when the virtual Status goes from old to
 * status (its entries were made under old and would hit, without a trap,
 * under status). ERL changes what kuseg is: everything. A move into or out
 * of virtual supervisor mode changes what xsseg is (the windows in virtual
 * kernel mode; the guest's TLB in supervisor mode), and so does SX (address
 * errors): xsseg. Kernel <-> user keeps everything: the windows cannot be
 * reached from the real user mode a guest's user mode runs in, and nothing
 * a user program maps is in xsseg.
 */
enum guest_tlb_change {
	GT_KEEP,
	GT_FLUSH_XSSEG,         /* [GUEST_XSSEG_BASE, GUEST_XSSEG_END) */
	GT_FLUSH_ALL,
};
enum guest_tlb_change guest_tlb_change(uint32_t old, uint32_t status);

#endif
