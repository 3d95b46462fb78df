/*
 * Memory attacks: every way a guest names a physical address (the cached
 * and uncached windows, its own TLB with every page size, kuseg with
 * Status.ERL, kseg1) aimed past the end of its RAM, at the machine's RAM
 * where the monitor and the victim live, and at malta's devices. Each must
 * be a bus error (or, for kseg1, the end of the VM); the attacker's own
 * memory and UART must still work through each path.
 */
#include "attack.h"

/* Guest-physical addresses past the attacker's RAM: just past it, far
 * past it, the machine's RAM (0x80000000: the monitor at +1 MiB), the top
 * of the physical address space (a TLB entry's PFN has 36 bits: the page
 * pair below 2^36) and of the window. */
static const u64 past_ram[] = {
	ATTACK_MEM, ATTACK_MEM + 8, ATTACK_MEM + 4096, ATTACK_MEM + MIB, 16 * MIB,
	64 * MIB, 256 * MIB, 0x7ffff000, 0x80000000, 0x80100000, 0x88000000,
	(1UL << 36) - 8192, (1UL << 40) - 8,
};
#define NPAST	(sizeof(past_ram) / sizeof(past_ram[0]))

/* Malta's devices (docs/memory-map.md, QEMU's malta): GT64120, the FPGA
 * and its power-off register SOFTRES (0x42 powers off), flash, the boot
 * ROM and its EJTAG debug vector, PCI, the i8259 and the RTC, and the byte
 * just past the emulated UART. */
static const u64 devices[] = {
	0x1be00000, 0x1be00068, 0x1f000000, 0x1f000500, 0x1e000000, 0x1fc00000,
	0x1fc00480, 0x10000000, 0x18000020, 0x18000070, 0x18000400,
};
#define NDEVICES	(sizeof(devices) / sizeof(devices[0]))

#define UART_LSR	0x180003fdUL	/* reads THRE | TEMT when idle */
#define LSR_IDLE	0x60
#define SOFTRES_OFF	0x42

#define TLB_PROBE	5		/* the index the TLB cases write */
#define G_FLAGS		(ENTRYLO_C(3) | ENTRYLO_D | ENTRYLO_V | ENTRYLO_G)

/* An own word with a known value (the attacker's mark and its address). */
static u64 own_word(u64 pa)
{
	u64 v = ATTACK_MAGIC << 32 | pa;

	*(volatile u64 *)CACHED(pa) = v;
	return v;
}

static void devices_must_fault(const char *what, u64 base)
{
	u64 v;

	for (unsigned int i = 0; i < NDEVICES; i++) {
		if (try_load_byte(base + devices[i], &v) < 0)
			ESCAPE("%s: device %lx read %lx instead of faulting", what, devices[i], v);
		if (try_store_byte(base + devices[i], SOFTRES_OFF) < 0)
			ESCAPE("%s: a store to device %lx went through", what, devices[i]);
	}
	if (try_load_byte(base + UART_LSR, &v) >= 0 || v != LSR_IDLE)
		BROKEN("%s: its own UART's LSR read %lx", what, v);
}

void case_window_past_ram(void)
{
	must_read("last own word", CACHED(ATTACK_MEM - 8), own_word(ATTACK_MEM - 8));
	for (unsigned int i = 0; i < NPAST; i++)
		must_fault("cached window", CACHED(past_ram[i]));
}

void case_uncached_past_ram(void)
{
	must_read("last own word", UNCACHED(ATTACK_MEM - 8), own_word(ATTACK_MEM - 8));
	for (unsigned int i = 0; i < NPAST; i++)
		must_fault("uncached window", UNCACHED(past_ram[i]));
}

void case_uncached_devices(void)
{
	devices_must_fault("uncached window", UNCACHED(0));
}

static void map_probe(u64 va, u64 pa0, u64 pa1, u64 pagemask)
{
	tlb_set(TLB_PROBE, va, ENTRYLO_PFN(pa0) | G_FLAGS, ENTRYLO_PFN(pa1) | G_FLAGS, pagemask);
}

void case_tlb_past_ram(void)
{
	static const u64 va[] = { 0x10000000, VA_CKSSEG & ~0xfffUL, 0x200000000UL };

	for (unsigned int v = 0; v < 3; v++)
		for (unsigned int i = 0; i < NPAST - 1; i++) {   /* the last is past PABITS */
			u64 pa = past_ram[i] & ~0xfffUL;

			map_probe(va[v], pa, pa + 4096, PM_4K);
			must_fault("tlb even page", va[v] + (past_ram[i] & 0xfff));
			must_fault("tlb odd page", va[v] + 4096);
		}
	tlb_inval(TLB_PROBE);
}

/* Frames numbered like the monitor's: kseg0's alias of low RAM names the
 * attacker's own memory (guest-physical), the machine's RAM is past it. */
void case_tlb_monitor_frames(void)
{
	static const u64 machine[] = { 0x80000000, 0x80100000, 0x80200000, 0x8fff0000 };
	u64 va = 0x10000000;

	map_probe(va, 0x100000, 0, PM_4K);
	must_read("pfn 1 MiB: the attacker's own image", va, *(volatile u64 *)CACHED(0x100000));
	map_probe(va, 0, 0x200000, PM_4K);
	must_read("pfn 0: its own page 0", va + 8, own_word(8));
	must_read("pfn 2 MiB: its own", va + 4096, own_word(0x200000));
	for (unsigned int i = 0; i < 4; i++) {
		map_probe(va, machine[i], machine[i] + 4096, PM_4K);
		must_fault("tlb frame in the machine's RAM", va);
		must_fault("tlb frame in the machine's RAM", va + 4096);
	}
	tlb_inval(TLB_PROBE);
}

void case_tlb_devices(void)
{
	u64 va = 0x10000000, lsr = 0;

	for (unsigned int i = 0; i < NDEVICES; i++) {
		u64 pa = devices[i] & ~0xfffUL, v;

		map_probe(va, pa, pa + 4096, PM_4K);
		if (try_load_byte(va + (devices[i] & 0xfff), &v) < 0)
			ESCAPE("tlb: device %lx read %lx", devices[i], v);
		if (try_store_byte(va + (devices[i] & 0xfff), SOFTRES_OFF) < 0)
			ESCAPE("tlb: a store to device %lx went through", devices[i]);
	}
	map_probe(va, UART_LSR & ~0xfffUL, 0, PM_4K);
	if (try_load_byte(va + (UART_LSR & 0xfff), &lsr) >= 0 || lsr != LSR_IDLE)
		BROKEN("its own UART through the TLB: LSR %lx", lsr);
	tlb_inval(TLB_PROBE);
}

/* A page pair of the given size at va whose even page starts at pa0:
 * offsets inside its RAM read its own words, the rest must fault. */
static void straddle(const char *what, u64 va, u64 pagemask, u64 pa0)
{
	u64 page = (pagemask | 0x1fff) / 2 + 1;
	u64 offsets[] = { 0, ATTACK_MEM - 8 - pa0, ATTACK_MEM - pa0, page - 8, page,
			  page + ATTACK_MEM / 2, 2 * page - 8 };

	map_probe(va, pa0, pa0 + page, pagemask);
	for (unsigned int i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		u64 off = offsets[i];

		if (off >= 2 * page)
			continue;
		if (pa0 + off < ATTACK_MEM && pa0 + off >= 2 * MIB)
			must_read(what, va + off, own_word(pa0 + off));
		else if (pa0 + off >= ATTACK_MEM)
			must_fault(what, va + off);
	}
	tlb_inval(TLB_PROBE);
}

void case_large_page_end(void)
{
	straddle("1M pages over the end", 0x38000000, PM_1M, ATTACK_MEM - MIB);
	straddle("4M pages over the end", 0x30000000, PM_4M, 8 * MIB);
	straddle("16M pages over the end", 0x20000000, PM_16M, 0);
	straddle("64M pages over the end", 0x40000000, PM_64M, 0);
	straddle("256M pages over the end", 0x100000000UL, PM_256M, 0);
	straddle("16M odd page past the end", 0x200000000UL, PM_16M, 16 * MIB);
}

/* The uncached alias of its own memory: the same words as the cached one,
 * and nothing it did not write (the monitor zeroed it), anywhere. */
void case_uncached_alias(void)
{
	extern char _end[];
	u64 image_end = (img_phys(_end) + 4095) & ~4095UL, planted = 9 * MIB + 8;
	u64 found = 0, stale = 0;

	*(volatile u64 *)CACHED(planted) = 1;  /* the scan must see this one */
	for (u64 pa = 0; pa < ATTACK_MEM - 64 * 1024; pa += 8) {
		u64 v;

		if (pa == 0x100000)
			pa = image_end;
		v = *(volatile u64 *)UNCACHED(pa);
		if (!v)
			continue;
		if (pa == planted) {
			found++;
			continue;
		}
		if (stale++ < 4) {
			check_value("uncached own memory", v);
			ESCAPE("gpa %lx holds %lx, which it never wrote (not zeroed)", pa, v);
		}
	}
	if (stale > 4)
		ESCAPE("%lu words in all that it never wrote", stale);
	if (found != 1)
		BROKEN("the scan missed the word it planted");
	must_read("cached then uncached", UNCACHED(3 * MIB), own_word(3 * MIB));
	*(volatile u64 *)UNCACHED(5 * MIB) = 0x5a5a;
	must_read("uncached then cached", CACHED(5 * MIB), 0x5a5a);
	NOTE("%lu MiB read through the uncached alias", (ATTACK_MEM - image_end) >> 20);
}

/* With Status.ERL, kuseg is unmapped and uncached (va = guest-physical). */
UNIT_ASM_FN(a_erl_load,
	"mfc0 $t1, $12\n ori $t1, $t1, 4\n mtc0 $t1, $12\n ehb\n"
	"lbu $t0, 0($a0)\n sd $t0, 0($a1)\n"
	"mfc0 $t1, $12\n xori $t1, $t1, 4\n mtc0 $t1, $12\n ehb\n jr $ra\n nop");
UNIT_ASM_FN(a_erl_store,
	"mfc0 $t1, $12\n ori $t1, $t1, 4\n mtc0 $t1, $12\n ehb\n"
	"sb $a1, 0($a0)\n"
	"mfc0 $t1, $12\n xori $t1, $t1, 4\n mtc0 $t1, $12\n ehb\n jr $ra\n nop");

static int erl_load(u64 pa, u64 *v)
{
	if (!t_call(a_erl_load, pa, (u64)v))
		return -1;
	tally[CA_EXC(trap.cause)]++;
	return (int)CA_EXC(trap.cause);
}

void case_erl_kuseg(void)
{
	u64 own = own_word(7 * MIB + 0x1238), v = 0;

	if (erl_load(7 * MIB + 0x1238, &v) >= 0 || v != (own & 0xff))
		BROKEN("ERL kuseg: its own byte read %lx", v);
	if (erl_load(UART_LSR, &v) >= 0 || v != LSR_IDLE)
		BROKEN("ERL kuseg: its own UART's LSR read %lx", v);
	for (unsigned int i = 0; i < NPAST && past_ram[i] < 0x80000000; i++)
		if (erl_load(past_ram[i], &v) < 0)
			ESCAPE("ERL kuseg %lx read %lx", past_ram[i], v);
	for (unsigned int i = 0; i < NDEVICES; i++) {
		if (erl_load(devices[i], &v) < 0)
			ESCAPE("ERL kuseg: device %lx read %lx", devices[i], v);
		if (t_call(a_erl_store, devices[i], SOFTRES_OFF))
			tally[CA_EXC(trap.cause)]++;
		else
			ESCAPE("ERL kuseg: a store to device %lx went through", devices[i]);
	}
	/* ERL off: kuseg is the guest's TLB again, which maps nothing there */
	if (try_load(7 * MIB, &v) != EXC_TLBL)
		ESCAPE("after ERL: kuseg 7 MiB did not miss in the TLB (read %lx)", v);
}

/* kseg1 reaches the machine's devices on the bare machine; in a VM the
 * access stops the VM (docs/guest-abi.md) before anything is stored. */
void case_kseg_devices(void)
{
	NOTE("storing 0x42 to SOFTRES through kseg1 (the VM must stop, the machine must not)");
	verdict();
	try_store_byte(0xffffffffbf000500UL, SOFTRES_OFF);
	ESCAPE("a kseg1 store came back");
}

/* LLAddr names the ll's address: the guest-physical one, never a machine
 * address, never the victim's (whose ll runs every round on this CPU). */
static void lladdr_is(const char *what, u64 got, u64 want, u64 also)
{
	if (got != want && got != also)
		ESCAPE("LLAddr %s is %lx, want %lx", what, got, want);
}

void case_lladdr(void)
{
	u64 own = 8 * MIB, mapped = 9 * MIB, v;

	__asm__ volatile("ll %0, 0(%1)" : "=r"(v) : "r"(CACHED(own)) : "memory");
	lladdr_is("after ll in the cached window", dread_c0_lladdr(), own, own);
	__asm__ volatile("ll %0, 0(%1)" : "=r"(v) : "r"(UNCACHED(own + 64)) : "memory");
	lladdr_is("after ll in the uncached window", dread_c0_lladdr(), own + 64, own + 64);
	map_probe(0x10000000, mapped, mapped + 4096, PM_4K);
	__asm__ volatile("ll %0, 0x10(%1)" : "=r"(v) : "r"(0x10001000UL) : "memory");
	lladdr_is("after ll through the TLB", dread_c0_lladdr(), mapped + 4096 + 0x10,
		  mapped + 4096 + 0x10);
	for (int i = 0; i < 20; i++) {
		yield();
		lladdr_is("after a yield", dread_c0_lladdr(), mapped + 4096 + 0x10, 1);
		__asm__ volatile("ll %0, 0(%1)" : "=r"(v) : "r"(CACHED(own + 8 * i)) : "memory");
		yield();
		lladdr_is("after ll, yield", dread_c0_lladdr(), own + 8 * i, 1);
		__asm__ volatile("ll %0, 0x10(%1)" : "=r"(v) : "r"(0x10001000UL) : "memory");
	}
	tlb_inval(TLB_PROBE);
}
