/*
 * Host unit tests for vcpu/guest_addr.c (guest_mode_of,
 * guest_addr_classify, guest_refill_is_xtlb, guest_tlb_change).
 *
 * The oracle is QEMU 7.2's get_physical_address()
 * (target/mips/sysemu/physaddr.c) for MIPS64R2-generic: SEGBITS 42,
 * PABITS 36, the reset (legacy) segmentation control; and the XTLB vector
 * choice of mips_cpu_do_interrupt() (target/mips/tcg/sysemu/tlb_helper.c).
 * Two departures are the guest ABI's and are tested as such: the
 * monitor's direct-map windows in xsseg open in virtual kernel mode
 * whatever Status.SX, and every kernel-only segment (kseg0, kseg1,
 * CKSEG3, xkphys, xkseg) is GA_UNAVAILABLE in virtual kernel mode.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tests/host/helpers.h"

#include <stdio.h>
#include "arch/guest.h"
#include "vcpu/cp0.h"
#include "vcpu/guest_addr.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define UX CP0_ST_UX
#define SX CP0_ST_SX
#define KX CP0_ST_KX
#define XALL (UX | SX | KX)

#define KSU_KERNEL 0u
#define KSU_SUPER  (1u << 3)
#define KSU_USER   (2u << 3)

#define SEG_SIZE     (1ull << 42)
#define XSSEG        0x4000000000000000ull
#define XKPHYS       0x8000000000000000ull
#define XKSEG        0xc000000000000000ull
#define CKSEG0       0xffffffff80000000ull
#define CKSEG1       0xffffffffa0000000ull
#define CKSSEG       0xffffffffc0000000ull
#define CKSEG3       0xffffffffe0000000ull
#define CACHED_END   (GUEST_CACHED_BASE + GUEST_WINDOW_SIZE)
#define UNCACHED_END (GUEST_UNCACHED_BASE + GUEST_WINDOW_SIZE)

static const enum guest_mode modes[] = { GM_KERNEL, GM_SUPERVISOR, GM_USER };
static const char *const mode_name[] = { "kernel", "supervisor", "user" };
static const char *const kind_name[] = {
	"WINDOW_CACHED", "WINDOW_UNCACHED", "MAPPED", "ADDRESS_ERROR",
	"UNAVAILABLE",
};

#define NO_GPA 0x5a5a5a5a5a5a5a5aull

/* Classifies and checks the kind, and the gpa for the windows. */
static void check_at(int line, uint64_t va, enum guest_mode mode,
		     uint32_t status, enum guest_addr_kind want, uint64_t want_gpa)
{
	uint64_t gpa = NO_GPA;
	enum guest_addr_kind got = guest_addr_classify(va, mode, status, &gpa);

	if (got != want)
		fail_msg("line %d: va %#llx %s status %#x: got %s, want %s", line,
			 (unsigned long long)va, mode_name[mode], status,
			 kind_name[got], kind_name[want]);
	if ((want == GA_WINDOW_CACHED || want == GA_WINDOW_UNCACHED) &&
	    gpa != want_gpa)
		fail_msg("line %d: va %#llx: gpa %#llx, want %#llx", line,
			 (unsigned long long)va, (unsigned long long)gpa,
			 (unsigned long long)want_gpa);
}

#define CHECK(va, mode, status, want) \
	check_at(__LINE__, (va), (mode), (status), (want), 0)
#define CHECK_GPA(va, mode, status, want, gpa) \
	check_at(__LINE__, (va), (mode), (status), (want), (gpa))

/* The same kind in every mode. */
static void check_all_modes(int line, uint64_t va, uint32_t status,
			    enum guest_addr_kind want)
{
	unsigned int m;

	for (m = 0; m < ARRAY_SIZE(modes); m++)
		check_at(line, va, modes[m], status, want, 0);
}

#define CHECK_ALL(va, status, want) check_all_modes(__LINE__, (va), (status), (want))

/* Every combination of UX, SX and KX. */
static uint32_t xbits(unsigned int i)
{
	return (i & 1 ? UX : 0) | (i & 2 ? SX : 0) | (i & 4 ? KX : 0);
}

/* ---- guest_mode_of ---- */

static void test_mode_of_ksu(void **state)
{
	assert_int_equal(guest_mode_of(KSU_KERNEL), GM_KERNEL);
	assert_int_equal(guest_mode_of(KSU_SUPER), GM_SUPERVISOR);
	assert_int_equal(guest_mode_of(KSU_USER), GM_USER);
	/* other Status bits do not matter */
	assert_int_equal(guest_mode_of(KSU_USER | XALL | CP0_ST_IE | CP0_ST_IM |
				       CP0_ST_BEV | CP0_ST_CU1), GM_USER);
	assert_int_equal(guest_mode_of(KSU_SUPER | XALL | CP0_ST_IE), GM_SUPERVISOR);
	assert_int_equal(guest_mode_of(XALL | CP0_ST_IE | CP0_ST_IM), GM_KERNEL);
}

/* EXL or ERL means kernel mode whatever KSU says. */
static void test_mode_of_exl_erl(void **state)
{
	static const uint32_t ksu[] = { KSU_KERNEL, KSU_SUPER, KSU_USER };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ksu); i++) {
		assert_int_equal(guest_mode_of(ksu[i] | CP0_ST_EXL), GM_KERNEL);
		assert_int_equal(guest_mode_of(ksu[i] | CP0_ST_ERL), GM_KERNEL);
		assert_int_equal(guest_mode_of(ksu[i] | CP0_ST_EXL | CP0_ST_ERL |
					       CP0_ST_IE), GM_KERNEL);
	}
}

/* ---- useg / xuseg ---- */

/* useg (0 .. 0x7fffffff) is mapped in every mode with any UX/SX/KX. */
static void test_useg(void **state)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		CHECK_ALL(0, xbits(i), GA_MAPPED);
		CHECK_ALL(0x00400000, xbits(i), GA_MAPPED);
		CHECK_ALL(0x7fffffff, xbits(i), GA_MAPPED);
	}
}

/* With ERL, kuseg is unmapped and uncached (QEMU's segment control for
 * MMU index 3): gpa = va. xuseg stays mapped. */
static void test_useg_unmapped_with_erl(void **state)
{
	CHECK_GPA(0, GM_KERNEL, CP0_ST_ERL, GA_WINDOW_UNCACHED, 0);
	CHECK_GPA(0x00400008, GM_KERNEL, CP0_ST_ERL | UX, GA_WINDOW_UNCACHED, 0x00400008);
	CHECK_GPA(0x7fffffff, GM_KERNEL, CP0_ST_ERL, GA_WINDOW_UNCACHED, 0x7fffffff);
	CHECK(0x80000000, GM_KERNEL, CP0_ST_ERL | UX, GA_MAPPED);
	CHECK(0x00400008, GM_KERNEL, CP0_ST_EXL, GA_MAPPED);
}

/* xuseg needs UX, in every mode; SX and KX do not open it. */
static void test_xuseg_needs_ux(void **state)
{
	CHECK_ALL(0x80000000, 0, GA_ADDRESS_ERROR);
	CHECK_ALL(0x80000000, SX | KX, GA_ADDRESS_ERROR);
	CHECK_ALL(0x80000000, UX, GA_MAPPED);
	CHECK_ALL(0x120000000ull, UX, GA_MAPPED);
	CHECK_ALL(0x120000000ull, SX | KX, GA_ADDRESS_ERROR);
	CHECK_ALL(SEG_SIZE - 1, SX | KX, GA_ADDRESS_ERROR);
}

/* xuseg stops at 2^42: the last byte is mapped, the next is an error up
 * to the top of region 0. */
static void test_xuseg_segbits(void **state)
{
	CHECK_ALL(SEG_SIZE - 1, UX, GA_MAPPED);
	CHECK_ALL(SEG_SIZE - 1, XALL, GA_MAPPED);
	CHECK_ALL(SEG_SIZE, UX, GA_ADDRESS_ERROR);
	CHECK_ALL(SEG_SIZE, XALL, GA_ADDRESS_ERROR);
	CHECK_ALL(1ull << 61, XALL, GA_ADDRESS_ERROR);
	CHECK_ALL(XSSEG - 1, XALL, GA_ADDRESS_ERROR);
}

/* ---- xsseg: the windows ---- */

/* The cached window: kernel mode, SX on or off, gpa = va - base. */
static void test_window_cached(void **state)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		CHECK_GPA(GUEST_CACHED_BASE, GM_KERNEL, xbits(i),
			  GA_WINDOW_CACHED, 0);
		CHECK_GPA(GUEST_CACHED_BASE + 0x12345678, GM_KERNEL, xbits(i),
			  GA_WINDOW_CACHED, 0x12345678);
		CHECK_GPA(CACHED_END - 1, GM_KERNEL, xbits(i),
			  GA_WINDOW_CACHED, GUEST_WINDOW_SIZE - 1);
	}
	assert_int_equal(CACHED_END, GUEST_UNCACHED_BASE);     /* adjacent */
}

/* The uncached window, just above the cached one. */
static void test_window_uncached(void **state)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		CHECK_GPA(GUEST_UNCACHED_BASE, GM_KERNEL, xbits(i),
			  GA_WINDOW_UNCACHED, 0);
		CHECK_GPA(GUEST_UNCACHED_BASE + 0x1fc00000, GM_KERNEL, xbits(i),
			  GA_WINDOW_UNCACHED, 0x1fc00000);
		CHECK_GPA(UNCACHED_END - 1, GM_KERNEL, xbits(i),
			  GA_WINDOW_UNCACHED, GUEST_WINDOW_SIZE - 1);
	}
}

/* The cached window agrees with guest_window_to_gpa(). */
static void test_window_matches_arch_helper(void **state)
{
	static const uint64_t va[] = {
		GUEST_CACHED_BASE, GUEST_CACHED_BASE + 0x1000, CACHED_END - 1,
	};
	unsigned int i;
	uint64_t gpa;

	for (i = 0; i < ARRAY_SIZE(va); i++) {
		assert_int_equal(guest_addr_classify(va[i], GM_KERNEL, 0, &gpa),
				 GA_WINDOW_CACHED);
		assert_int_equal(gpa, (uint64_t)guest_window_to_gpa(va[i]));
	}
	assert_int_equal(guest_window_to_gpa(GUEST_UNCACHED_BASE), -1);
}

/* Kernel mode reached through EXL/ERL (KSU = user) also opens them. */
static void test_window_exl_kernel(void **state)
{
	uint32_t st = KSU_USER | CP0_ST_EXL;
	uint64_t gpa = NO_GPA;

	assert_int_equal(guest_addr_classify(GUEST_CACHED_BASE + 0x80,
					     guest_mode_of(st), st, &gpa),
			 GA_WINDOW_CACHED);
	assert_int_equal(gpa, 0x80);
	st = KSU_SUPER | CP0_ST_ERL;
	assert_int_equal(guest_addr_classify(GUEST_UNCACHED_BASE + 0x40,
					     guest_mode_of(st), st, &gpa),
			 GA_WINDOW_UNCACHED);
	assert_int_equal(gpa, 0x40);
	/* without EXL the same Status is user mode: an address error */
	st = KSU_USER | SX;
	assert_int_equal(guest_addr_classify(GUEST_CACHED_BASE,
					     guest_mode_of(st), st, &gpa),
			 GA_ADDRESS_ERROR);
}

/* In supervisor mode the window addresses are plain xsseg: mapped with
 * SX, an address error without. */
static void test_window_supervisor(void **state)
{
	static const uint64_t va[] = {
		GUEST_CACHED_BASE, CACHED_END - 1, GUEST_UNCACHED_BASE,
		UNCACHED_END - 1,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(va); i++) {
		CHECK(va[i], GM_SUPERVISOR, SX, GA_MAPPED);
		CHECK(va[i], GM_SUPERVISOR, XALL, GA_MAPPED);
		CHECK(va[i], GM_SUPERVISOR, 0, GA_ADDRESS_ERROR);
		CHECK(va[i], GM_SUPERVISOR, UX | KX, GA_ADDRESS_ERROR);
	}
}

/* In user mode all of xsseg, windows included, is an address error. */
static void test_xsseg_user(void **state)
{
	static const uint64_t va[] = {
		XSSEG, CACHED_END - 1, GUEST_UNCACHED_BASE, UNCACHED_END,
		XSSEG + SEG_SIZE - 1, XSSEG + SEG_SIZE, XKPHYS - 1,
	};
	unsigned int i, x;

	for (i = 0; i < ARRAY_SIZE(va); i++)
		for (x = 0; x < 8; x++)
			CHECK(va[i], GM_USER, xbits(x), GA_ADDRESS_ERROR);
}

/* ---- xsseg: the rest ---- */

/* Above the windows, kernel mode needs SX, up to 0x4000000000000000 +
 * 2^42. */
static void test_xsseg_rest_kernel(void **state)
{
	CHECK(UNCACHED_END, GM_KERNEL, 0, GA_ADDRESS_ERROR);
	CHECK(UNCACHED_END, GM_KERNEL, UX | KX, GA_ADDRESS_ERROR);
	CHECK(UNCACHED_END, GM_KERNEL, SX, GA_MAPPED);
	CHECK(XSSEG + SEG_SIZE - 1, GM_KERNEL, SX, GA_MAPPED);
	CHECK(XSSEG + SEG_SIZE - 1, GM_KERNEL, 0, GA_ADDRESS_ERROR);
	CHECK(XSSEG + SEG_SIZE, GM_KERNEL, XALL, GA_ADDRESS_ERROR);
	CHECK(XKPHYS - 1, GM_KERNEL, XALL, GA_ADDRESS_ERROR);
}

/* Supervisor mode: all of xsseg up to 2^42 with SX. */
static void test_xsseg_supervisor(void **state)
{
	CHECK(XSSEG, GM_SUPERVISOR, SX, GA_MAPPED);
	CHECK(UNCACHED_END, GM_SUPERVISOR, SX, GA_MAPPED);
	CHECK(XSSEG + SEG_SIZE - 1, GM_SUPERVISOR, SX, GA_MAPPED);
	CHECK(XSSEG + SEG_SIZE - 1, GM_SUPERVISOR, UX | KX, GA_ADDRESS_ERROR);
	CHECK(XSSEG + SEG_SIZE, GM_SUPERVISOR, SX, GA_ADDRESS_ERROR);
	CHECK(XKPHYS - 1, GM_SUPERVISOR, XALL, GA_ADDRESS_ERROR);
}

/* ---- kernel-only segments ---- */

/* In virtual kernel mode: unavailable, whatever UX/SX/KX; in supervisor
 * and user mode: an address error. */
static void check_kernel_only(int line, uint64_t va)
{
	unsigned int x;

	for (x = 0; x < 8; x++) {
		check_at(line, va, GM_KERNEL, xbits(x), GA_UNAVAILABLE, 0);
		check_at(line, va, GM_SUPERVISOR, xbits(x), GA_ADDRESS_ERROR, 0);
		check_at(line, va, GM_USER, xbits(x), GA_ADDRESS_ERROR, 0);
	}
}

#define CHECK_KERNEL_ONLY(va) check_kernel_only(__LINE__, (va))

static void test_xkphys(void **state)
{
	CHECK_KERNEL_ONLY(XKPHYS);
	CHECK_KERNEL_ONLY(0x9000000000000000ull);       /* uncached */
	CHECK_KERNEL_ONLY(0x9800000000000000ull);       /* cacheable */
	CHECK_KERNEL_ONLY(0x980000000fffffffull);
	CHECK_KERNEL_ONLY(XKSEG - 1);
}

static void test_xkseg(void **state)
{
	CHECK_KERNEL_ONLY(XKSEG);
	CHECK_KERNEL_ONLY(XKSEG + SEG_SIZE - 1);
	CHECK_KERNEL_ONLY(XKSEG + SEG_SIZE);
	CHECK_KERNEL_ONLY(CKSEG0 - 1);
}

static void test_kseg0_kseg1(void **state)
{
	CHECK_KERNEL_ONLY(CKSEG0);
	CHECK_KERNEL_ONLY(CKSEG1 - 1);
	CHECK_KERNEL_ONLY(CKSEG1);
	CHECK_KERNEL_ONLY(CKSSEG - 1);
}

static void test_ckseg3(void **state)
{
	CHECK_KERNEL_ONLY(CKSEG3);
	CHECK_KERNEL_ONLY(0xffffffffff200000ull);
	CHECK_KERNEL_ONLY(0xffffffffffffffffull);
}

/* CKSSEG (sseg/kseg2): mapped in kernel and supervisor mode with any
 * UX/SX/KX, an address error in user mode; bounded by kseg1 and CKSEG3. */
static void test_cksseg(void **state)
{
	static const uint64_t va[] = {
		CKSSEG, 0xffffffffc0001000ull, CKSEG3 - 1,
	};
	unsigned int i, x;

	for (i = 0; i < ARRAY_SIZE(va); i++) {
		for (x = 0; x < 8; x++) {
			CHECK(va[i], GM_KERNEL, xbits(x), GA_MAPPED);
			CHECK(va[i], GM_SUPERVISOR, xbits(x), GA_MAPPED);
			CHECK(va[i], GM_USER, xbits(x), GA_ADDRESS_ERROR);
		}
	}
	CHECK(CKSSEG - 1, GM_SUPERVISOR, XALL, GA_ADDRESS_ERROR);
	CHECK(CKSEG3, GM_SUPERVISOR, XALL, GA_ADDRESS_ERROR);
}

/* Region edges all at once: the last byte of one segment and the first
 * of the next, in the most permissive Status (UX|SX|KX). */
static void test_region_edges(void **state)
{
	static const struct {
		uint64_t va;
		enum guest_addr_kind k, s, u;
	} t[] = {
		{ 0x7fffffffull,        GA_MAPPED, GA_MAPPED, GA_MAPPED },
		{ 0x80000000ull,        GA_MAPPED, GA_MAPPED, GA_MAPPED },
		{ SEG_SIZE - 1,         GA_MAPPED, GA_MAPPED, GA_MAPPED },
		{ SEG_SIZE,             GA_ADDRESS_ERROR, GA_ADDRESS_ERROR, GA_ADDRESS_ERROR },
		{ XSSEG - 1,            GA_ADDRESS_ERROR, GA_ADDRESS_ERROR, GA_ADDRESS_ERROR },
		{ XSSEG,                GA_WINDOW_CACHED, GA_MAPPED, GA_ADDRESS_ERROR },
		{ CACHED_END - 1,       GA_WINDOW_CACHED, GA_MAPPED, GA_ADDRESS_ERROR },
		{ GUEST_UNCACHED_BASE,  GA_WINDOW_UNCACHED, GA_MAPPED, GA_ADDRESS_ERROR },
		{ UNCACHED_END - 1,     GA_WINDOW_UNCACHED, GA_MAPPED, GA_ADDRESS_ERROR },
		{ UNCACHED_END,         GA_MAPPED, GA_MAPPED, GA_ADDRESS_ERROR },
		{ XSSEG + SEG_SIZE - 1, GA_MAPPED, GA_MAPPED, GA_ADDRESS_ERROR },
		{ XSSEG + SEG_SIZE,     GA_ADDRESS_ERROR, GA_ADDRESS_ERROR, GA_ADDRESS_ERROR },
		{ XKPHYS - 1,           GA_ADDRESS_ERROR, GA_ADDRESS_ERROR, GA_ADDRESS_ERROR },
		{ XKPHYS,               GA_UNAVAILABLE, GA_ADDRESS_ERROR, GA_ADDRESS_ERROR },
		{ XKSEG - 1,            GA_UNAVAILABLE, GA_ADDRESS_ERROR, GA_ADDRESS_ERROR },
		{ XKSEG,                GA_UNAVAILABLE, GA_ADDRESS_ERROR, GA_ADDRESS_ERROR },
		{ CKSEG0 - 1,           GA_UNAVAILABLE, GA_ADDRESS_ERROR, GA_ADDRESS_ERROR },
		{ CKSEG0,               GA_UNAVAILABLE, GA_ADDRESS_ERROR, GA_ADDRESS_ERROR },
		{ CKSSEG - 1,           GA_UNAVAILABLE, GA_ADDRESS_ERROR, GA_ADDRESS_ERROR },
		{ CKSSEG,               GA_MAPPED, GA_MAPPED, GA_ADDRESS_ERROR },
		{ CKSEG3 - 1,           GA_MAPPED, GA_MAPPED, GA_ADDRESS_ERROR },
		{ CKSEG3,               GA_UNAVAILABLE, GA_ADDRESS_ERROR, GA_ADDRESS_ERROR },
		{ ~0ull,                GA_UNAVAILABLE, GA_ADDRESS_ERROR, GA_ADDRESS_ERROR },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		uint64_t gpa = t[i].va - (t[i].k == GA_WINDOW_CACHED ?
					  GUEST_CACHED_BASE : GUEST_UNCACHED_BASE);

		CHECK_GPA(t[i].va, GM_KERNEL, XALL, t[i].k, gpa);
		CHECK(t[i].va, GM_SUPERVISOR, XALL, t[i].s);
		CHECK(t[i].va, GM_USER, XALL, t[i].u);
	}
}

/*
 * QEMU's get_physical_address() for MIPS64R2-generic with the reset
 * SegCtl, EXL/ERL clear (mode from KSU 0..2): MAPPED, ADDRESS_ERROR, or
 * UNAVAILABLE standing for "unmapped".
 */
static enum guest_addr_kind qemu_classify(uint64_t va, enum guest_mode mode,
					  uint32_t status)
{
	bool k = mode == GM_KERNEL, s = mode == GM_SUPERVISOR;
	const uint64_t segmask = (SEG_SIZE - 1) | (3ull << 62);
	const uint64_t pamask = (1ull << 36) - 1;

	if (va <= 0x7fffffffull)                /* useg: AM MUSK */
		return GA_MAPPED;
	if (va < XSSEG)
		return (status & UX) && va <= (0x3fffffffffffffffull & segmask) ?
		       GA_MAPPED : GA_ADDRESS_ERROR;
	if (va < XKPHYS)
		return (k || s) && (status & SX) &&
		       va <= (0x7fffffffffffffffull & segmask) ?
		       GA_MAPPED : GA_ADDRESS_ERROR;
	if (va < XKSEG)                         /* AM UK, needs KX */
		return k && (status & KX) &&
		       (va & 0x07ffffffffffffffull) <= pamask ?
		       GA_UNAVAILABLE : GA_ADDRESS_ERROR;
	if (va < CKSEG0)
		return k && (status & KX) &&
		       va <= (0xffffffff7fffffffull & segmask) ?
		       GA_MAPPED : GA_ADDRESS_ERROR;
	if (va < CKSSEG)                        /* kseg0/1: AM UK */
		return k ? GA_UNAVAILABLE : GA_ADDRESS_ERROR;
	if (va < CKSEG3)                        /* kseg2: AM MSK */
		return k || s ? GA_MAPPED : GA_ADDRESS_ERROR;
	return k ? GA_MAPPED : GA_ADDRESS_ERROR;        /* kseg3: AM MK */
}

/* Sweeps every segment edge (and its neighbours) in every mode and every
 * UX/SX/KX against qemu_classify(), with the guest ABI's two departures:
 * windows in kernel mode, and kernel-only segments unavailable in kernel
 * mode. */
static void test_sweep_against_qemu(void **state)
{
	static const uint64_t edge[] = {
		0, 0x80000000ull, SEG_SIZE, XSSEG, CACHED_END, UNCACHED_END,
		XSSEG + SEG_SIZE, XKPHYS, XKPHYS + (1ull << 36),
		0x9000000000000000ull, XKSEG, XKSEG + SEG_SIZE, CKSEG0, CKSEG1,
		CKSSEG, CKSEG3,
	};
	unsigned int e, d, m, x, n = 0;

	for (e = 0; e < ARRAY_SIZE(edge); e++) {
		for (d = 0; d < 3; d++) {
			uint64_t va = edge[e] + d - 1;  /* edge - 1, edge, edge + 1 */

			for (m = 0; m < ARRAY_SIZE(modes); m++) {
				for (x = 0; x < 8; x++) {
					enum guest_mode mode = modes[m];
					enum guest_addr_kind want =
						qemu_classify(va, mode, xbits(x));
					uint64_t gpa = 0;

					if (mode == GM_KERNEL && va - GUEST_CACHED_BASE <
					    GUEST_WINDOW_SIZE) {
						want = GA_WINDOW_CACHED;
						gpa = va - GUEST_CACHED_BASE;
					} else if (mode == GM_KERNEL &&
						   va - GUEST_UNCACHED_BASE <
						   GUEST_WINDOW_SIZE) {
						want = GA_WINDOW_UNCACHED;
						gpa = va - GUEST_UNCACHED_BASE;
					} else if (mode == GM_KERNEL && va >= XKPHYS &&
						   !(va >= CKSSEG && va < CKSEG3)) {
						want = GA_UNAVAILABLE;
					}
					check_at(__LINE__, va, mode, xbits(x), want, gpa);
					n++;
				}
			}
		}
	}
	assert_int_equal(n, ARRAY_SIZE(edge) * 3 * 3 * 8);
}

/* ---- guest_refill_is_xtlb ---- */

/*
 * QEMU's choice (mips_cpu_do_interrupt, TLBL/TLBS with no match and EXL
 * clear): XTLB iff (R != 0 || UX) && (R != 3 || KX), R = va[63:62].
 */

/* Region 0 (useg, xuseg): UX alone decides. */
static void test_xtlb_region0(void **state)
{
	static const uint64_t va[] = { 0, 0x7fffffffull, 0x80000000ull,
				       SEG_SIZE - 1, XSSEG - 1 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(va); i++) {
		assert_false(guest_refill_is_xtlb(va[i], 0));
		assert_false(guest_refill_is_xtlb(va[i], SX | KX));
		assert_true(guest_refill_is_xtlb(va[i], UX));
		assert_true(guest_refill_is_xtlb(va[i], XALL));
	}
}

/* Region 1 (xsseg): always XTLB; SX is not consulted (with SX = 0 an
 * xsseg access is an address error before any refill). */
static void test_xtlb_region1(void **state)
{
	static const uint64_t va[] = { XSSEG, UNCACHED_END, XSSEG + SEG_SIZE - 1,
				       XKPHYS - 1 };
	unsigned int i, x;

	for (i = 0; i < ARRAY_SIZE(va); i++)
		for (x = 0; x < 8; x++)
			assert_true(guest_refill_is_xtlb(va[i], xbits(x)));
}

/* Region 2 (xkphys): always XTLB in QEMU's formula (unreachable: xkphys
 * is unmapped under the reset SegCtl, so it never takes a refill). */
static void test_xtlb_region2(void **state)
{
	static const uint64_t va[] = { XKPHYS, 0x9800000000000000ull, XKSEG - 1 };
	unsigned int i, x;

	for (i = 0; i < ARRAY_SIZE(va); i++)
		for (x = 0; x < 8; x++)
			assert_true(guest_refill_is_xtlb(va[i], xbits(x)));
}

/* Region 3 (xkseg and the compatibility segments, CKSSEG included): KX. */
static void test_xtlb_region3(void **state)
{
	static const uint64_t va[] = { XKSEG, XKSEG + SEG_SIZE - 1, CKSEG0,
				       CKSSEG, 0xffffffffc0001234ull, CKSEG3 - 1,
				       CKSEG3, ~0ull };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(va); i++) {
		assert_false(guest_refill_is_xtlb(va[i], 0));
		assert_false(guest_refill_is_xtlb(va[i], UX | SX));
		assert_true(guest_refill_is_xtlb(va[i], KX));
		assert_true(guest_refill_is_xtlb(va[i], XALL));
	}
}

/* Only UX and KX matter: not KSU, EXL, ERL or other bits. */
static void test_xtlb_ignores_other_bits(void **state)
{
	const uint32_t other = KSU_USER | CP0_ST_EXL | CP0_ST_ERL | CP0_ST_IE |
			       CP0_ST_IM | CP0_ST_BEV | CP0_ST_CU1;

	assert_false(guest_refill_is_xtlb(0x80000000ull, other));
	assert_true(guest_refill_is_xtlb(0x80000000ull, other | UX));
	assert_true(guest_refill_is_xtlb(XSSEG + 0x1000, other));
	assert_false(guest_refill_is_xtlb(CKSSEG, other));
	assert_true(guest_refill_is_xtlb(CKSSEG, other | KX));
	assert_false(guest_refill_is_xtlb(CKSSEG, other | UX | SX));
}

/* Kernel <-> user keeps the real TLB (Linux's path): with EXL, with KSU,
 * with IE and other bits changing on the way. */
static void test_tlb_change_kernel_user(void **state)
{
	const uint32_t k = XALL | CP0_ST_IE, u = XALL | KSU_USER | CP0_ST_IE;

	assert_int_equal(guest_tlb_change(k, u), GT_KEEP);
	assert_int_equal(guest_tlb_change(u, k), GT_KEEP);
	assert_int_equal(guest_tlb_change(u, u | CP0_ST_EXL), GT_KEEP);
	assert_int_equal(guest_tlb_change(u | CP0_ST_EXL, k), GT_KEEP);
	assert_int_equal(guest_tlb_change(k | CP0_ST_EXL, u & ~CP0_ST_IE), GT_KEEP);
	assert_int_equal(guest_tlb_change(u, u ^ (UX | KX | CP0_ST_IM | CP0_ST_CU1)), GT_KEEP);
	assert_int_equal(guest_tlb_change(k, k), GT_KEEP);
}

/* Into or out of supervisor mode, from or to kernel or user mode, and by
 * KSU, EXL or ERL: xsseg (ERL: everything). */
static void test_tlb_change_supervisor(void **state)
{
	const uint32_t k = XALL, s = XALL | KSU_SUPER, u = XALL | KSU_USER;

	assert_int_equal(guest_tlb_change(k, s), GT_FLUSH_XSSEG);
	assert_int_equal(guest_tlb_change(s, k), GT_FLUSH_XSSEG);
	assert_int_equal(guest_tlb_change(u, s), GT_FLUSH_XSSEG);
	assert_int_equal(guest_tlb_change(s, u), GT_FLUSH_XSSEG);
	assert_int_equal(guest_tlb_change(s | CP0_ST_EXL, s), GT_FLUSH_XSSEG);
	assert_int_equal(guest_tlb_change(s, s | CP0_ST_EXL), GT_FLUSH_XSSEG);
	assert_int_equal(guest_tlb_change(s, s | CP0_ST_ERL), GT_FLUSH_ALL);
	assert_int_equal(guest_tlb_change(s | CP0_ST_EXL, s | CP0_ST_EXL | KSU_USER), GT_KEEP);
	assert_int_equal(guest_tlb_change(s, s | CP0_ST_IE | CP0_ST_IM), GT_KEEP);
	assert_int_equal(guest_tlb_change(s & ~SX, s & ~SX), GT_KEEP);
}

/* SX decides xsseg's address errors in every mode; ERL wins. */
static void test_tlb_change_sx_erl(void **state)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(modes); i++) {
		uint32_t ksu = modes[i] == GM_KERNEL ? KSU_KERNEL :
			       modes[i] == GM_SUPERVISOR ? KSU_SUPER : KSU_USER;

		assert_int_equal(guest_tlb_change(ksu | SX, ksu), GT_FLUSH_XSSEG);
		assert_int_equal(guest_tlb_change(ksu, ksu | SX), GT_FLUSH_XSSEG);
		assert_int_equal(guest_tlb_change(ksu, ksu | CP0_ST_ERL), GT_FLUSH_ALL);
		assert_int_equal(guest_tlb_change(ksu | CP0_ST_ERL, ksu | SX), GT_FLUSH_ALL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mode_of_ksu),
		cmocka_unit_test(test_mode_of_exl_erl),
		cmocka_unit_test(test_useg),
		cmocka_unit_test(test_useg_unmapped_with_erl),
		cmocka_unit_test(test_xuseg_needs_ux),
		cmocka_unit_test(test_xuseg_segbits),
		cmocka_unit_test(test_window_cached),
		cmocka_unit_test(test_window_uncached),
		cmocka_unit_test(test_window_matches_arch_helper),
		cmocka_unit_test(test_window_exl_kernel),
		cmocka_unit_test(test_window_supervisor),
		cmocka_unit_test(test_xsseg_user),
		cmocka_unit_test(test_xsseg_rest_kernel),
		cmocka_unit_test(test_xsseg_supervisor),
		cmocka_unit_test(test_xkphys),
		cmocka_unit_test(test_xkseg),
		cmocka_unit_test(test_kseg0_kseg1),
		cmocka_unit_test(test_ckseg3),
		cmocka_unit_test(test_cksseg),
		cmocka_unit_test(test_region_edges),
		cmocka_unit_test(test_sweep_against_qemu),
		cmocka_unit_test(test_xtlb_region0),
		cmocka_unit_test(test_xtlb_region1),
		cmocka_unit_test(test_xtlb_region2),
		cmocka_unit_test(test_xtlb_region3),
		cmocka_unit_test(test_xtlb_ignores_other_bits),
		cmocka_unit_test(test_tlb_change_kernel_user),
		cmocka_unit_test(test_tlb_change_supervisor),
		cmocka_unit_test(test_tlb_change_sx_erl),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
