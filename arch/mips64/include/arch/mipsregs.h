/*
 * MIPS64 Release 2 coprocessor-0 registers: numbers, bits and accessors.
 *
 * The accessor names follow Linux's arch/mips/include/asm/mipsregs.h
 * (read_c0_status(), write_c0_compare(), ...) so MIPS people can read our
 * code at once. Only what the monitor uses is here.
 */
#ifndef ARCH_MIPSREGS_H
#define ARCH_MIPSREGS_H

/* Status (CP0 register 12, select 0). */
#define ST0_IE      (1 << 0)   /* interrupts enabled */
#define ST0_EXL     (1 << 1)   /* exception level: kernel mode, interrupts off */
#define ST0_ERL     (1 << 2)   /* error level (reset, NMI, cache error) */
#define ST0_KSU     (3 << 3)   /* mode when EXL=ERL=0: 0 kernel, 1 supervisor, 2 user */
#define ST0_KSU_SUPERVISOR (1 << 3)
#define ST0_KSU_USER       (2 << 3)
#define ST0_UX      (1 << 5)   /* 64-bit user segment xuseg */
#define ST0_SX      (1 << 6)   /* 64-bit supervisor segment xsseg */
#define ST0_KX      (1 << 7)   /* 64-bit kernel segments (xkphys, xkseg) */
#define ST0_IM_SHIFT 8
#define ST0_IM      (0xff << ST0_IM_SHIFT)  /* interrupt mask IM0..IM7 */
#define ST0_IM7     (1 << 15)  /* Count/Compare timer line */
#define ST0_BEV     (1 << 22)  /* boot exception vectors (in the boot ROM) */
#define ST0_PX      (1 << 23)  /* 64-bit operations in user mode */
#define ST0_FR      (1 << 26)  /* 64-bit FPU registers */
#define ST0_CU0     (1 << 28)
#define ST0_CU1     (1 << 29)

/* Cause (CP0 register 13, select 0). */
#define CAUSE_EXCCODE_SHIFT 2
#define CAUSE_EXCCODE       (0x1f << CAUSE_EXCCODE_SHIFT)
#define CAUSE_IP_SHIFT      8
#define CAUSE_IP            (0xff << CAUSE_IP_SHIFT)   /* pending IP0..IP7 */
#define CAUSE_IP7           (1 << 15)
#define CAUSE_IV            (1 << 23)  /* interrupts use the special vector */
#define CAUSE_CE_SHIFT      28          /* coprocessor number for CpU */
#define CAUSE_TI            (1 << 30)  /* timer interrupt: Count met Compare */
#define CAUSE_BD            0x80000000 /* exception in a branch delay slot */

/* Debug (CP0 register 23): DM, the CPU is in EJTAG debug mode. */
#define DEBUG_DM    (1 << 30)

/* EBase (CP0 register 15, select 1). */
#define EBASE_CPUNUM 0x3ff          /* this CPU's index, read-only */

#ifndef __ASSEMBLER__
#include <stdint.h>

/* ExcCode values (Cause bits 6:2). */
enum exc_code {
	EXC_INT = 0, EXC_MOD = 1, EXC_TLBL = 2, EXC_TLBS = 3,
	EXC_ADEL = 4, EXC_ADES = 5, EXC_IBE = 6, EXC_DBE = 7,
	EXC_SYS = 8, EXC_BP = 9, EXC_RI = 10, EXC_CPU = 11,
	EXC_OV = 12, EXC_TR = 13, EXC_FPE = 15, EXC_C2E = 18,
	EXC_MDMX = 22, EXC_WATCH = 23, EXC_MCHECK = 24, EXC_CACHEERR = 30,
};

#define __read_c0_32(reg, sel) ({					\
	uint32_t __v;							\
	__asm__ volatile("mfc0\t%0, $" #reg ", " #sel : "=r"(__v));	\
	__v; })

#define __write_c0_32(reg, sel, val) do {				\
	__asm__ volatile("mtc0\t%z0, $" #reg ", " #sel "\n\tehb"	\
			 : : "Jr"((uint32_t)(val)) : "memory");		\
} while (0)

#define __read_c0_64(reg, sel) ({					\
	uint64_t __v;							\
	__asm__ volatile("dmfc0\t%0, $" #reg ", " #sel : "=r"(__v));	\
	__v; })

#define __write_c0_64(reg, sel, val) do {				\
	__asm__ volatile("dmtc0\t%z0, $" #reg ", " #sel "\n\tehb"	\
			 : : "Jr"((uint64_t)(val)) : "memory");		\
} while (0)

#define read_c0_index()      __read_c0_32(0, 0)
#define write_c0_index(v)    __write_c0_32(0, 0, v)
#define read_c0_entrylo0()   __read_c0_64(2, 0)
#define write_c0_entrylo0(v) __write_c0_64(2, 0, v)
#define read_c0_entrylo1()   __read_c0_64(3, 0)
#define write_c0_entrylo1(v) __write_c0_64(3, 0, v)
#define read_c0_pagemask()   __read_c0_32(5, 0)
#define write_c0_pagemask(v) __write_c0_32(5, 0, v)
#define write_c0_wired(v)    __write_c0_32(6, 0, v)
#define read_c0_badvaddr()   __read_c0_64(8, 0)
#define read_c0_count()      __read_c0_32(9, 0)
#define write_c0_count(v)    __write_c0_32(9, 0, v)
#define read_c0_entryhi()    __read_c0_64(10, 0)
#define write_c0_entryhi(v)  __write_c0_64(10, 0, v)
#define read_c0_compare()    __read_c0_32(11, 0)
#define write_c0_compare(v)  __write_c0_32(11, 0, v)
#define read_c0_status()     __read_c0_32(12, 0)
#define write_c0_status(v)   __write_c0_32(12, 0, v)
#define read_c0_cause()      __read_c0_32(13, 0)
#define write_c0_cause(v)    __write_c0_32(13, 0, v)
#define read_c0_epc()        __read_c0_64(14, 0)
#define read_c0_prid()       __read_c0_32(15, 0)
#define read_c0_ebase()      __read_c0_32(15, 1)
#define write_c0_ebase(v)    __write_c0_32(15, 1, v)
#define read_c0_config()     __read_c0_32(16, 0)
#define read_c0_config1()    __read_c0_32(16, 1)

/* Status bits set and cleared atomically with respect to this CPU. */
static inline uint32_t change_c0_status(uint32_t clear, uint32_t set)
{
	uint32_t old = read_c0_status();
	write_c0_status((old & ~clear) | set);
	return old;
}

/* Number of TLB entries, from Config1.MMUSize. */
static inline unsigned int cpu_tlb_entries(void)
{
	return ((read_c0_config1() >> 25) & 0x3f) + 1;
}

#endif /* __ASSEMBLER__ */
#endif
