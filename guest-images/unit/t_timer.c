/*
 * Area e: Count/Compare and interrupts. Count is never printed, only
 * whether it advances; the timer interrupt (IP7) must be taken only with
 * IE=1, EXL=0, ERL=0 and IM7=1; software interrupts; wait; di/ei.
 */
#include "unit.h"

#define SPIN_MAX	20000000

static int count_passed(u32 compare)
{
	return (int)((u32)read_c0_count() - compare) >= 0;
}

/*
 * Spin until Count is well past compare (bounded): reading Count is what
 * lets QEMU notice the expired timer at once.
 */
static void spin_past(u32 compare)
{
	for (long i = 0; i < SPIN_MAX && !count_passed(compare + 100); i++)
		;
}

/*
 * Compare = Count + delta, armed again with a larger delta while Count has
 * already passed it when the write lands (QEMU without -icount follows host
 * time: translating new code can take longer than a small delta).
 */
static u32 arm_timer(u32 delta)
{
	u32 cmp = 0;

	for (int i = 0; i < 10; i++, delta *= 2) {
		cmp = read_c0_count() + delta;
		write_c0_compare(cmp);
		if (!count_passed(cmp))
			break;
	}
	return cmp;
}

static void quiet_timer(void)
{
	write_c0_compare(read_c0_count() - 1);
}

static void test_count(void)
{
	u32 c1 = read_c0_count();
	for (volatile int i = 0; i < 2000; i++)
		;
	u32 c2 = read_c0_count();
	t_begin("timer-count-advances");
	t_yes("advances", c2 != c1 && (int)(c2 - c1) > 0);
	t_check(c2 != c1 && (int)(c2 - c1) > 0);
	t_end();
}

static void test_compare_match(void)
{
	u32 cmp = 0;
	u64 before = 0;

	/* Armed again, further ahead, if Count passed Compare before Cause was
	 * read: whatever ran meanwhile (under a monitor, its own work or other
	 * CPUs' turns under QEMU) took longer than the delta. */
	for (u32 delta = 30000; delta < (1u << 28) && (!cmp || (before & CA_IP(7))); delta <<= 2) {
		cmp = arm_timer(delta);
		before = read_c0_cause();
	}
	spin_past(cmp);
	u64 after = read_c0_cause();
	t_begin("timer-match-sets-ip7-ti");
	t_dec("before-ip7", (before >> 15) & 1);
	t_dec("after-ip7", (after >> 15) & 1);
	t_dec("after-ti", (after & CA_TI) != 0);
	t_check(!(before & CA_IP(7)) && (after & CA_IP(7)) && (after & CA_TI));
	t_end();

	quiet_timer();
	u64 cleared = read_c0_cause();
	t_begin("timer-compare-write-clears");
	t_dec("ip7", (cleared >> 15) & 1);
	t_dec("ti", (cleared & CA_TI) != 0);
	t_check(!(cleared & (CA_IP(7) | CA_TI)));
	t_end();
}

/*
 * Arm the timer, spin past it with Status = during, then set Status = after
 * and spin a little: res[0] = exceptions during, res[1] = Cause during,
 * res[2] = exceptions after.
 */
static void timer_victim(u64 during, u64 after)
{
	u32 cmp = arm_timer(30000);

	write_c0_status(during);
	spin_past(cmp);
	res[0] = trap_count;
	res[1] = read_c0_cause();
	write_c0_status(after);
	for (volatile int i = 0; i < 200; i++)
		;
	res[2] = trap_count;
	write_c0_status(ST_BASE);
}

static void timer_case(const char *name, u64 iv, u64 during, u64 after, int want_during)
{
	write_c0_cause(iv);
	trap_mode = TRAP_SKIP;
	res[0] = res[1] = res[2] = 0;
	t_call(timer_victim, during, after);
	write_c0_status(ST_BASE);
	quiet_timer();
	write_c0_cause(0);
	t_begin(name);
	t_dec("taken-during", res[0]);
	t_dec("ip7-during", (res[1] >> 15) & 1);
	t_dec("taken-after", res[2] - res[0]);
	if (trap_count) {
		t_hex("vec", trap.vec);
		t_dec("exc", CA_EXC(trap.cause));
		t_dec("ip7", (trap.cause >> 15) & 1);
	}
	t_check(res[0] == (u64)want_during && res[2] == 1 && trap_count == 1);
	t_check(CA_EXC(trap.cause) == EXC_INT && (trap.cause & CA_IP(7)));
	t_check(trap.vec == (iv ? 0x200UL : 0x180UL));
	t_check(want_during || (res[1] & CA_IP(7)));
}

static void test_timer_interrupts(void)
{
	u64 on = ST_BASE | ST_IM(7) | ST_IE;

	timer_case("timer-int-180", 0, on, on & ~ST_IE, 1);
	t_end();
	timer_case("timer-int-200-iv", CA_IV, on, on & ~ST_IE, 1);
	t_end();
	timer_case("timer-masked-ie0", 0, on & ~ST_IE, on, 0);
	t_end();
	timer_case("timer-masked-im7", 0, on & ~ST_IM(7), on, 0);
	t_end();
	timer_case("timer-masked-exl", 0, on | ST_EXL, on, 0);
	t_end();
	timer_case("timer-masked-erl", 0, on | ST_ERL, on, 0);
	t_end();
}

UNIT_ASM_FN(v_wait, "mtc0 $a0, $12\n ehb\n wait\n nop\n nop\n jr $ra\n nop");
#define V_WAIT_AFTER	12	/* the nop after the wait: EPC when it wakes */
#define WAIT_TRIES	5

/*
 * The timer must wake a wait. Its interrupt can also come before the wait
 * (at the ehb, when Status is written), if the CPU is kept away for longer
 * than the timer between arming it and waiting: in a VM another vCPU may
 * run a whole slice in between, and QEMU may run its other CPUs. The
 * handler returns with interrupts off, so returning to the wait would make
 * it sleep for good (a pending interrupt that cannot be taken does not end
 * a Release 2 wait): it resumes after the wait, and the test arms again.
 */
static void test_wait(void)
{
	for (int i = 0; i < WAIT_TRIES; i++) {
		arm_timer(200000);
		trap_mode = TRAP_RESUME;
		trap_resume_pc = (u64)v_wait + V_WAIT_AFTER;
		t_call(v_wait, ST_BASE | ST_IM(7) | ST_IE, 0);
		write_c0_status(ST_BASE);
		quiet_timer();
		if (trap_count != 1 || trap.epc == (u64)v_wait + V_WAIT_AFTER)
			break;  /* woken from the wait, or something to report */
	}
	t_begin("timer-wait-wakes");
	t_dec("interrupts", trap_count);
	t_hex("vec", trap.vec);
	t_dec("exc", CA_EXC(trap.cause));
	T_REL("epc", trap.epc, v_wait);
	t_check(trap_count == 1 && CA_EXC(trap.cause) == EXC_INT && (trap.cause & CA_IP(7)));
	t_check(trap.epc == (u64)v_wait + V_WAIT_AFTER);
	t_end();
}


static void test_soft_masked(void)
{
	write_c0_cause(0);
	write_c0_status(ST_BASE | ST_IE | ST_IM(1));
	write_c0_cause(CA_IP(0));
	for (volatile int i = 0; i < 100; i++)
		;
	u64 cause = read_c0_cause();
	write_c0_status(ST_BASE);
	write_c0_cause(0);
	u64 after = read_c0_cause();
	t_begin("swint-ip0-masked-pending");
	t_hex("ip1:0", (cause >> 8) & 3);
	t_hex("cleared", (after >> 8) & 3);
	t_check(((cause >> 8) & 3) == 1 && ((after >> 8) & 3) == 0);
	t_end();
}

static void test_di_ei(void)
{
	u64 old1, now1, old2, now2;

	write_c0_status(ST_BASE | ST_IE);
	__asm__ volatile("di %0\n\tehb" : "=r"(old1) : : "memory");
	now1 = read_c0_status();
	__asm__ volatile("ei %0\n\tehb" : "=r"(old2) : : "memory");
	now2 = read_c0_status();
	write_c0_status(ST_BASE);
	t_begin("di-ei");
	t_want("di-old", old1, ST_BASE | ST_IE);
	t_want("di-new", now1, ST_BASE);
	t_want("ei-old", old2, ST_BASE);
	t_want("ei-new", now2, ST_BASE | ST_IE);
	t_end();
}

static void test_cause_dc(void)
{
	write_c0_cause(CA_DC);
	u32 c1 = read_c0_count();
	for (volatile int i = 0; i < 2000; i++)
		;
	u32 c2 = read_c0_count();
	write_c0_cause(0);
	for (volatile int i = 0; i < 2000; i++)
		;
	u32 c3 = read_c0_count();
	t_begin("timer-cause-dc-stops-count");
	t_yes("frozen", c1 == c2);
	t_yes("runs-again", c3 != c2);
	t_check(c1 == c2 && c3 != c2);
	t_end();
}

void tests_timer(void)
{
	quiet_timer();
	test_count();
	test_compare_match();
	test_timer_interrupts();
	test_wait();
	test_soft_masked();
	test_di_ei();
	test_cause_dc();
	quiet_timer();
}
