/*
 * The hostile-guest suite (tests/hostile.sh): what the victim and the
 * attacker agree on. The victim VM fills its memory, some TLB-mapped pages,
 * CP0 registers, HI/LO and its FPU with values that carry VICTIM_MAGIC;
 * the attacker VM tries one attack and reports any value it should never
 * see. Both use the unit guest's runtime (guest-images/unit: start.S,
 * lib.c, console.c, platform-guest.c): its vectors, t_printf and t_call.
 */
#ifndef HOSTILE_HOSTILE_H
#define HOSTILE_HOSTILE_H

#include "unit.h"

#define MIB		(1UL << 20)

/* "VICT" and "ATK!": every mark a VM leaves carries 24 bits of its magic
 * (VICT's 0x564943, ATK's 0x41544b) at some bit position, so a register
 * whose write mask drops bits still shows it. */
#define VICTIM_MAGIC	0x56494354UL
#define ATTACK_MAGIC	0x41544b21UL
#define MAGIC24(m)	((m) >> 8)

/* Victim memory word at guest-physical pa: the magic and the word's index. */
#define VICTIM_WORD(pa)	(VICTIM_MAGIC << 32 | (u32)((pa) >> 3))

/* Whether v carries the 24-bit mark of magic at any bit position. */
static inline int has_mark(u64 v, u64 magic)
{
	for (int shift = 0; shift <= 40; shift++)
		if (((v >> shift) & 0xffffff) == MAGIC24(magic))
			return 1;
	return 0;
}

/* The victim's layout (tests/hostile.sh gives it memory = 8M). */
#define VICTIM_MEM		(8 * MIB)
#define VICTIM_FILL_START	(2 * MIB)
#define VICTIM_ASID		0x42
#define VICTIM_VA_USEG		0x0000000010000000UL	/* -> VICTIM_FILL_START */
#define VICTIM_VA_CKSSEG	0xffffffffc0000000UL	/* -> 3 MiB */
#define VICTIM_VA_XUSEG		0x0000000100000000UL	/* -> 4 MiB */

/* CP0 registers (number, select) that are plain storage: the victim puts
 * its mark in each (MAGIC24 << shift, inside the register's write mask),
 * the attacker its own. */
struct cp0_slot {
	unsigned int reg, sel, shift;
	const char *name;
};
static const struct cp0_slot cp0_slots[] = {
	{ 2, 0, 6, "entrylo0" }, { 3, 0, 6, "entrylo1" }, { 4, 0, 32, "context" },
	{ 10, 0, 13, "entryhi" }, { 11, 0, 8, "compare" }, { 12, 3, 8, "srsmap" },
	{ 14, 0, 32, "epc" }, { 18, 0, 32, "watchlo0" }, { 20, 0, 40, "xcontext" },
	{ 21, 0, 8, "framemask" }, { 24, 0, 32, "depc" }, { 28, 1, 8, "datalo" },
	{ 29, 0, 8, "taghi" }, { 29, 1, 8, "datahi" }, { 30, 0, 32, "errorepc" },
	{ 31, 0, 8, "desave" },
};
#define CP0_NSLOTS	((int)(sizeof(cp0_slots) / sizeof(cp0_slots[0])))
#define CP0_INDEX(reg, sel)	((reg) * 8 + (sel))

/* hostile.S: any CP0 register by index reg * 8 + sel (dmfc0/dmtc0; the
 * caller catches what they raise), and the FPU's 32 registers (FR = 1). */
u64 cp0_read_any(unsigned int index);
void cp0_write_any(unsigned int index, u64 value);
void fpu_fill(u64 base);		/* $fN = base + N */
void fpu_dump(u64 out[32]);

/* hostile.S: n empty iterations with HI, LO and s0..s7 holding magic + k;
 * 0 if they all still hold it afterwards. */
long spin_marked(u64 n, u64 magic);

/* Hypercall nr (docs/guest-abi.md) with three arguments; v0. */
static inline long hcall(long nr, u64 a0, u64 a1, u64 a2)
{
	register long v0 __asm__("$2") = nr;
	register u64 r4 __asm__("$4") = a0;
	register u64 r5 __asm__("$5") = a1;
	register u64 r6 __asm__("$6") = a2;

	__asm__ volatile(".word 0x42000028" : "+r"(v0) : "r"(r4), "r"(r5), "r"(r6) : "memory");
	return v0;
}

#define HC_CONSOLE	1
#define HC_EXIT		2
#define HC_TIMER_HZ	3
#define HC_YIELD	4
#define HC_REBOOT	5
#define HC_CACHE	6
#define HC_SHARED	7
#define HC_TLB_UPDATE	8
#define HC_TLB_DROP	9

#define FPU_ON		((1UL << 29) | (1UL << 26))	/* Status.CU1 | FR */

static inline u32 read_fcsr(void)
{
	u32 v;

	__asm__ volatile(".set push\n .set hardfloat\n cfc1 %0, $31\n .set pop" : "=r"(v));
	return v;
}

/* Writing FCSR with an enabled cause bit raises FPE at once (catch it). */
static inline void write_fcsr(u32 v)
{
	__asm__ volatile(".set push\n .set hardfloat\n ctc1 %0, $31\n .set pop" : : "r"(v) : "memory");
}

#endif
