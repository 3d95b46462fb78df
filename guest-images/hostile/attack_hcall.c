/*
 * Hypercall attacks (docs/guest-abi.md "Hypercalls", vcpu/hypercall.c):
 * every call with arguments that point past its memory, into the monitor,
 * across the ends of segments and of the address space, with lengths that
 * wrap; the shared area registered in bad places and then scribbled over
 * to talk the monitor into real kernel mode; unknown call numbers and calls
 * from the guest's user and supervisor modes.
 */
#include "attack.h"

#define G_FLAGS		(ENTRYLO_C(3) | ENTRYLO_D | ENTRYLO_V | ENTRYLO_G)

static char text[4096];		/* printable bytes for the console calls */

static void expect(const char *what, long got, long want)
{
	if (got == want)
		return;
	if (want == -1)
		ESCAPE("%s: returned %ld, not -1: the monitor took the arguments", what, got);
	else
		BROKEN("%s: returned %ld, want %ld", what, got, want);
}

void case_hcall_console(void)
{
	static const struct {
		const char *what;
		u64 va, len;
	} bad[] = {
		{ "past its RAM", CACHED(ATTACK_MEM), 16 },
		{ "across the end of its RAM", CACHED(ATTACK_MEM - 8), 16 },
		{ "the machine's RAM", CACHED(0x80100000), 64 },
		{ "the monitor in kseg0", 0xffffffff80100000UL, 64 },
		{ "the monitor in xkphys", 0x9800000080100000UL, 64 },
		{ "the UART in kseg1", 0xffffffffb80003f8UL, 8 },
		{ "its UART, uncached", UNCACHED(0x180003f8), 8 },
		{ "unmapped useg", 0x10000000, 16 },
		{ "useg mapped past its RAM", 0x20000000, 16 },
		{ "unmapped CKSSEG", 0xffffffffc0001000UL, 16 },
		{ "xsseg past the windows", 0x4000020000000000UL, 16 },
		{ "the top of the cached window", CACHED((1UL << 40) - 16), 4096 },
		{ "wrapping the address space", 0xfffffffffffffff0UL, 0x100 },
	};

	for (int i = 0; i < 4096; i++)
		text[i] = (i % 128 == 127) ? '\n' : '.';
	tlb_set(5, 0x20000000, ENTRYLO_PFN(64 * MIB) | G_FLAGS, ENTRYLO_PFN(64 * MIB) | G_FLAGS, PM_4K);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect(bad[i].what, hcall(HC_CONSOLE, bad[i].va, bad[i].len, 0), -1);
	tlb_inval(5);
	expect("length 0", hcall(HC_CONSOLE, (u64)text, 0, 0), 0);
	expect("length -1 (at most 4096)", hcall(HC_CONSOLE, (u64)text, -1UL, 0), 4096);
	expect("length 2^63 (at most 4096)", hcall(HC_CONSOLE, (u64)text, 1UL << 63, 0), 4096);
}

void case_hcall_cache(void)
{
	static const struct {
		u64 what, va, len;
		long want;
	} calls[] = {
		{ 4, CACHED(0), 64, -1 }, { 0xffffffff, CACHED(0), 64, -1 }, { -1UL, 0, 0, -1 },
		{ 0, CACHED(0), 64, 0 }, { 1, CACHED(ATTACK_MEM), 4096, 0 },
		{ 1, CACHED(ATTACK_MEM - 64), 4096, 0 }, { 3, CACHED((1UL << 40) - 64), 4096, 0 },
		{ 3, 0xffffffffffffffc0UL, 0x100, 0 }, { 1, 0xffffffff80100000UL, 64, 0 },
		{ 2, UNCACHED(0), 64, 0 }, { 1, CACHED(0), 0, 0 }, { 3, CACHED(0), -1UL, 0 },
		{ 3, CACHED(0x80000000), MIB, 0 }, { 3, CACHED(ATTACK_MEM - 4096), 8192, 0 },
	};
	u64 start, n = 0;

	for (unsigned int i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		expect("cache call", hcall(HC_CACHE, calls[i].what, calls[i].va, calls[i].len),
		       calls[i].want);
	/* then the costliest call (both whole caches) for a long while */
	for (start = now_ticks(); now_ticks() - start < ms_to_ticks(ATTACK_MS); n++)
		hcall(HC_CACHE, 3, 0, 0);
	NOTE("%lu whole-cache calls in %d ms", n, ATTACK_MS);
}

/* struct vcpu_shared (docs/guest-abi.md), as the guest sees it. */
struct shared {
	u32 ie, pending;
	u64 status, cause, epc, badvaddr, eret_status, eret_epc;
	u32 eret_set, reserved;
	u64 status_next;
	u32 status_set, reserved2[13];
};

static volatile struct shared *shared_at(u64 pa)
{
	return (volatile struct shared *)CACHED(pa);
}

void case_hcall_shared(void)
{
	static const u64 bad[] = {
		ATTACK_MEM, ATTACK_MEM - 64, 8 * MIB + 8, 0x80000000, 0x80100000,
		(1UL << 40) - 128, 1UL << 63, -128UL, -1UL,
	};
	u64 a = 6 * MIB, b = ATTACK_MEM - 128;

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect("shared area at a bad address", hcall(HC_SHARED, bad[i], 0, 0), -1);
	expect("shared area in its last 128 bytes", hcall(HC_SHARED, b, 0, 0), 0);
	if (shared_at(b)->status != (u64)read_c0_status())
		BROKEN("the last 128 bytes: status %lx", shared_at(b)->status);
	for (int i = 0; i < 1000; i++)
		hcall(HC_SHARED, i & 1 ? b : a, 0, 0);
	for (int i = 0; i < 16; i++)
		((volatile u64 *)shared_at(a))[i] = 0;
	for (int i = 0; i < 10; i++)
		read_c0_status();               /* traps: the monitor writes b only */
	for (int i = 0; i < 16; i++)
		if (((volatile u64 *)shared_at(a))[i])
			ESCAPE("the monitor still writes the old shared area (word %d = %lx)",
			       i, ((volatile u64 *)shared_at(a))[i]);
}

/* Status and EPC for an eret left in the shared area, then eret. */
UNIT_ASM_FN(a_shared_eret,
	"dla $t0, 1f\n sd $t0, 48($a0)\n dmtc0 $t0, $30\n li $t1, 1\n sw $t1, 56($a0)\n"
	"sd $a1, 40($a0)\n eret\n nop\n 1: jr $ra\n nop");
/* A Status for the next trap, then a trap (an mfc0). */
UNIT_ASM_FN(a_shared_next,
	"sd $a1, 64($a0)\n li $t1, 1\n sw $t1, 72($a0)\n mfc0 $t0, $28, 1\n jr $ra\n nop");

#define ST_CU0		(1UL << 28)
#define ST_ALL		0xffffffffUL

static void scribble(const char *what, const void *fn, volatile struct shared *s, u64 status)
{
	t_call(fn, (u64)s, status);
	write_c0_status(ST_BASE);               /* back to virtual kernel mode */
	check_not_kernel(what);
}

void case_shared_scribble(void)
{
	volatile struct shared *s = shared_at(6 * MIB);

	expect("register", hcall(HC_SHARED, 6 * MIB, 0, 0), 0);
	scribble("status_next all ones", a_shared_next, s, ST_ALL);
	scribble("status_next kernel, CU0", a_shared_next, s, ST_BASE | ST_CU0);
	scribble("status_next user, CU0", a_shared_next, s, ST_BASE | ST_KSU_USER | ST_CU0);
	scribble("status_next supervisor", a_shared_next, s, ST_BASE | (1UL << 3));
	scribble("eret_status all ones", a_shared_eret, s, ST_ALL);
	scribble("eret_status kernel, CU0", a_shared_eret, s, ST_BASE | ST_CU0);
	scribble("eret_status user, CU0, EXL", a_shared_eret, s, ST_BASE | ST_KSU_USER | ST_CU0 | ST_EXL);
	s->ie = 0xfffffffe;
	s->pending = ~0u;
	s->status_set = ~0u;
	s->status_next = ST_BASE | ST_CU0;
	check_not_kernel("ie, pending and status_set all ones");
	s->eret_set = 0;
	s->status_set = 0;
	if (read_c0_status() & ST_IE)
		BROKEN("ie = 0xfffffffe turned interrupts on");
	hcall(HC_SHARED, -1UL, 0, 0);           /* a bad one leaves it registered */
}

void case_hcall_tlb(void)
{
	u64 va = 0x10000000, flags = ENTRYLO_C(3) | ENTRYLO_D | ENTRYLO_V, v = 0;
	long index;

	index = hcall(HC_TLB_UPDATE, va, ENTRYLO_PFN(ATTACK_MEM) | flags | ENTRYLO_G,
		      ENTRYLO_PFN(0x80100000) | flags | ENTRYLO_G);
	if ((index & 0x7fffffff) > 63)
		BROKEN("update returned %lx", index);
	must_fault("hcall-mapped past its RAM", va);
	must_fault("hcall-mapped to the machine's RAM", va + 4096);
	/* the window keeps its meaning in kernel mode whatever its TLB says */
	*(volatile u64 *)CACHED(8) = 0x1122;
	hcall(HC_TLB_UPDATE, CACHED(0), ENTRYLO_PFN(64 * MIB) | flags | ENTRYLO_G, 0);
	yield();                                /* an empty real TLB */
	must_read("the window over a TLB entry", CACHED(8), 0x1122);
	hcall(HC_TLB_UPDATE, 0xffffffff80100000UL, ENTRYLO_PFN(0) | flags | ENTRYLO_G, 0);
	hcall(HC_TLB_UPDATE, -1UL, -1UL, -1UL);
	/* an ASID-private entry: not under another ASID, dropped after (an
	 * entry tlbwr replaced may still answer, QEMU's shadow: not 6 MiB) */
	*(volatile u64 *)CACHED(6 * MIB + 16) = ATTACK_MAGIC;
	index = hcall(HC_TLB_UPDATE, va | 0x55, ENTRYLO_PFN(6 * MIB) | flags, ENTRYLO_PFN(6 * MIB) | flags);
	set_asid(0);                            /* the update left EntryHi's */
	if (try_load(va + 16, &v) < 0 && v == ATTACK_MAGIC)
		ESCAPE("an ASID 0x55 entry answered under ASID 0");
	set_asid(0x55);
	must_read("its own entry under its ASID", va + 16, ATTACK_MAGIC);
	expect("drop it", hcall(HC_TLB_DROP, va | 0x55, 0xffffffff80000000UL, 13), index);
	if (try_load(va + 16, &v) < 0 && v == ATTACK_MAGIC)
		ESCAPE("a dropped entry still answered");
	set_asid(0);
	expect("drop a missing entry", hcall(HC_TLB_DROP, 0x7ff00000, 0, 0), -1);
	for (u64 i = 0; i < 300; i++) {
		long r = hcall(HC_TLB_DROP, i & 1 ? -1UL : i << 13, i * 0x9e3779b97f4a7c15UL, i);

		if (r < -1 || r > 63)
			BROKEN("drop returned %ld", r);
		/* v0 is Index as the sequence leaves it: P set after a tlbwr */
		r = hcall(HC_TLB_UPDATE, (i << 13) | (i & 0xff), i * 0x9e3779b97f4a7c15UL, ~i);
		if ((r & 0x7fffffff) > 63)
			BROKEN("update returned %lx", r);
	}
	tlb_init();
}

/* A hypercall in a branch delay slot, and from user and supervisor mode
 * (where COP0 instructions are the guest kernel's Coprocessor Unusable). */
UNIT_ASM_FN(a_hcall_in_slot,
	"li $v0, 3\n beq $zero, $zero, 1f\n .word 0x42000028\n nop\n 1: sd $v0, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(a_enter_mode, "dmtc0 $a0, $14\n mtc0 $a1, $12\n ehb\n eret\n nop");
UNIT_USER_FN(u_hcall, "li $v0, 3\n .word 0x42000028\n syscall");

static void hcall_from(const char *mode, u64 status)
{
	map_user_page();
	t_call(a_enter_mode, user_va(u_hcall), status | ST_EXL);
	if (CA_EXC(trap.cause) != EXC_CPU)
		ESCAPE("a hypercall from %s mode: exception %lu, not Coprocessor Unusable (v0 %lx)",
		       mode, CA_EXC(trap.cause), trap.regs[2]);
	tally[CA_EXC(trap.cause)]++;
	tlb_inval(TLB_USER);
}

void case_hcall_args(void)
{
	static const u64 unknown[] = {
		0, 10, 11, 99, 1000, 0x7fffffff, 0x80000000, -1UL, 1UL << 63,
		(1UL << 32) | HC_CONSOLE, (1UL << 32) | HC_EXIT, (1UL << 32) | HC_REBOOT,
	};
	long hz = hcall(HC_TIMER_HZ, 0, 0, 0);
	u64 v = 0;

	for (unsigned int i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		expect("an unknown hypercall", hcall(unknown[i], CACHED(0), 16, -1UL), -1);
	expect("timer frequency with junk", hcall(HC_TIMER_HZ, -1UL, -1UL, -1UL), hz);
	expect("yield with junk", hcall(HC_YIELD, -1UL, -1UL, -1UL), 0);
	t_call(a_hcall_in_slot, (u64)&v, 0);
	expect("in a delay slot", (long)v, hz);
	hcall_from("user", ST_BASE | ST_KSU_USER);
	hcall_from("supervisor", ST_BASE | (1UL << 3));
	verdict();
	hcall(HC_REBOOT, 0xdeadbeef, -1UL, -1UL);
	ESCAPE("a reboot came back");
}

/* The exit status is an int: the upper half of a0 is dropped (the monitor
 * must report status 5). */
void case_hcall_exit(void)
{
	verdict();
	hcall(HC_EXIT, (1UL << 32) | 5, -1UL, -1UL);
	ESCAPE("an exit came back");
}
