/*
 * CP0 accessors and bit names for the unit and smp guests (MIPS64 Release 2),
 * in the Linux style: read_c0_status(), write_c0_status(), ...
 * read_* use mfc0 (32-bit registers, sign-extended), dread_* use dmfc0;
 * every write is followed by ehb.
 */
#ifndef UNIT_CP0_H
#define UNIT_CP0_H

typedef unsigned long u64;
typedef unsigned int u32;

#define __mfc0(reg, sel) ({ u64 __v; \
	__asm__ volatile("mfc0 %0, $" #reg ", " #sel : "=r"(__v)); __v; })
#define __dmfc0(reg, sel) ({ u64 __v; \
	__asm__ volatile("dmfc0 %0, $" #reg ", " #sel : "=r"(__v)); __v; })
#define __mtc0(reg, sel, v) __asm__ volatile("mtc0 %z0, $" #reg ", " #sel "\n\tehb" \
	: : "Jr"((u64)(v)) : "memory")
#define __dmtc0(reg, sel, v) __asm__ volatile("dmtc0 %z0, $" #reg ", " #sel "\n\tehb" \
	: : "Jr"((u64)(v)) : "memory")

#define CP0_ACCESSORS(name, reg, sel) \
	static inline u64 read_c0_##name(void) { return __mfc0(reg, sel); } \
	static inline u64 dread_c0_##name(void) { return __dmfc0(reg, sel); } \
	static inline void write_c0_##name(u64 v) { __mtc0(reg, sel, v); } \
	static inline void dwrite_c0_##name(u64 v) { __dmtc0(reg, sel, v); }

CP0_ACCESSORS(index, 0, 0)
CP0_ACCESSORS(random, 1, 0)
CP0_ACCESSORS(entrylo0, 2, 0)
CP0_ACCESSORS(entrylo1, 3, 0)
CP0_ACCESSORS(context, 4, 0)
CP0_ACCESSORS(userlocal, 4, 2)
CP0_ACCESSORS(pagemask, 5, 0)
CP0_ACCESSORS(wired, 6, 0)
CP0_ACCESSORS(hwrena, 7, 0)
CP0_ACCESSORS(badvaddr, 8, 0)
CP0_ACCESSORS(count, 9, 0)
CP0_ACCESSORS(entryhi, 10, 0)
CP0_ACCESSORS(compare, 11, 0)
CP0_ACCESSORS(status, 12, 0)
CP0_ACCESSORS(intctl, 12, 1)
CP0_ACCESSORS(srsctl, 12, 2)
CP0_ACCESSORS(cause, 13, 0)
CP0_ACCESSORS(epc, 14, 0)
CP0_ACCESSORS(prid, 15, 0)
CP0_ACCESSORS(ebase, 15, 1)
CP0_ACCESSORS(config0, 16, 0)
CP0_ACCESSORS(config1, 16, 1)
CP0_ACCESSORS(config2, 16, 2)
CP0_ACCESSORS(config3, 16, 3)
CP0_ACCESSORS(lladdr, 17, 0)
CP0_ACCESSORS(watchlo0, 18, 0)
CP0_ACCESSORS(watchhi0, 19, 0)
CP0_ACCESSORS(xcontext, 20, 0)
CP0_ACCESSORS(unimpl22, 22, 0)
CP0_ACCESSORS(taglo, 28, 0)
CP0_ACCESSORS(datalo, 28, 1)
CP0_ACCESSORS(taghi, 29, 0)
CP0_ACCESSORS(datahi, 29, 1)
CP0_ACCESSORS(errorepc, 30, 0)
CP0_ACCESSORS(desave, 31, 0)
CP0_ACCESSORS(kscratch1, 31, 2)

/* Status */
#define ST_IE		(1UL << 0)
#define ST_EXL		(1UL << 1)
#define ST_ERL		(1UL << 2)
#define ST_KSU		(3UL << 3)	/* 0 kernel, 1 supervisor, 2 user */
#define ST_KSU_USER	(2UL << 3)
#define ST_UX		(1UL << 5)
#define ST_SX		(1UL << 6)
#define ST_KX		(1UL << 7)
#define ST_IM(n)	(1UL << (8 + (n)))
#define ST_IM_ALL	(0xffUL << 8)
#define ST_BEV		(1UL << 22)
#define ST_CU1		(1UL << 29)

/* Cause */
#define CA_EXC(c)	(((c) >> 2) & 0x1f)
#define CA_IP(n)	(1UL << (8 + (n)))
#define CA_IV		(1UL << 23)
#define CA_WP		(1UL << 22)
#define CA_DC		(1UL << 27)
#define CA_CE(c)	(((c) >> 28) & 3)
#define CA_TI		(1UL << 30)
#define CA_BD(c)	(((c) >> 31) & 1)
/* IP7..IP2 and TI follow devices and time: never printed unmasked */
#define CA_HW_BITS	(0x4000fc00UL)

/* ExcCode values */
#define EXC_INT		0
#define EXC_MOD		1
#define EXC_TLBL	2
#define EXC_TLBS	3
#define EXC_ADEL	4
#define EXC_ADES	5
#define EXC_SYS		8
#define EXC_BP		9
#define EXC_RI		10
#define EXC_CPU		11
#define EXC_OV		12
#define EXC_TR		13

/* EntryLo */
#define ENTRYLO_G	(1UL << 0)
#define ENTRYLO_V	(1UL << 1)
#define ENTRYLO_D	(1UL << 2)
#define ENTRYLO_C(c)	((u64)(c) << 3)
#define ENTRYLO_PFN(pa)	(((u64)(pa) >> 12) << 6)

/* PageMask values by page size */
#define PM_4K		0x00000000UL
#define PM_16K		0x00006000UL
#define PM_64K		0x0001e000UL
#define PM_256K		0x0007e000UL
#define PM_1M		0x001fe000UL
#define PM_4M		0x007fe000UL
#define PM_16M		0x01ffe000UL
#define PM_64M		0x07ffe000UL
#define PM_256M		0x1fffe000UL

#define TLB_ENTRIES	64
#define ASID_MASK	0xffUL

static inline void ehb(void) { __asm__ volatile("ehb" : : : "memory"); }
static inline void tlbp(void) { __asm__ volatile("tlbp\n\tehb" : : : "memory"); }
static inline void tlbr(void) { __asm__ volatile("tlbr\n\tehb" : : : "memory"); }
static inline void tlbwi(void) { __asm__ volatile("tlbwi\n\tehb" : : : "memory"); }
static inline void tlbwr(void) { __asm__ volatile("tlbwr\n\tehb" : : : "memory"); }

#endif
