/*
 * sc-fp: floating point as user programs see it. double/float add, mul,
 * div, sqrt and fma against correctly rounded constants; libm sin, cos,
 * exp, log, pow, atan (printed exactly with %a); the four rounding modes;
 * the exception flags (inexact, divbyzero, overflow, underflow, invalid);
 * subnormals; float<->int conversions including out-of-range and NaN;
 * NaN/Inf/-0 printing; enabled FP exceptions trapping as SIGFPE with
 * their si_code; the FP registers and FCSR across fork and across context
 * switches between two processes doing FP at the same time.
 * Operands come from volatiles so nothing is folded at compile time.
 */
#include "equiv.h"

#include <fenv.h>
#include <float.h>
#include <math.h>
#include <sys/syscall.h>

static volatile double v_one = 1.0, v_two = 2.0, v_three = 3.0, v_zero = 0.0;
static volatile double v_a = 1.1, v_b = 3.3, v_ten = 10.0, v_half = 0.5;
static volatile double v_max = DBL_MAX, v_min = DBL_MIN, v_inf = INFINITY;
static volatile float vf_a = 1.1f, vf_b = 3.3f, vf_two = 2.0f;

static uint64_t bits(double d)
{
	uint64_t u;

	memcpy(&u, &d, 8);
	return u;
}

static int ulps(double x, double y)	/* distance in ulps, for close values */
{
	int64_t d = (int64_t)(bits(x) - bits(y));

	return (int)(d < 0 ? -d : d);
}

static void arithmetic(void)
{
	double a = v_a, b = v_b, r;
	float fa = vf_a, fb = vf_b, fr;

	r = a + b;
	check(r == 1.1 + 3.3, "1.1 + 3.3 = %a", r);
	r = a * b;
	check(r == 1.1 * 3.3, "1.1 * 3.3 = %a", r);
	r = a / b;
	check(r == 1.1 / 3.3, "1.1 / 3.3 = %a", r);
	r = a - b;
	check(r == 1.1 - 3.3, "1.1 - 3.3 = %a", r);
	r = sqrt(v_two);
	check(r == sqrt(2.0), "sqrt(2) = %a", r);
	r = sqrt(a);
	check(r == sqrt(1.1), "sqrt(1.1) = %a", r);
	fr = fa + fb;
	check(fr == 1.1f + 3.3f, "1.1f + 3.3f = %a", (double)fr);
	fr = fa * fb;
	check(fr == 1.1f * 3.3f, "1.1f * 3.3f = %a", (double)fr);
	fr = fa / fb;
	check(fr == 1.1f / 3.3f, "1.1f / 3.3f = %a", (double)fr);
	fr = sqrtf(vf_two);
	check(fr == sqrtf(2.0f), "sqrtf(2) = %a", (double)fr);
	r = fma(v_one + 0x1p-30, v_one - 0x1p-30, -v_one);
	check(r == -0x1p-60, "fma(1+2^-30, 1-2^-30, -1) = %a (fused)", r);
	r = (v_one + 0x1p-30) * (v_one - 0x1p-30) - v_one;
	check(r == 0, "(1+2^-30)*(1-2^-30) - 1 = %a (not fused)", r);
}

static void libm(void)
{
	double s = sin(v_one), c = cos(v_one), e = exp(v_one), l = log(v_ten);
	double p = pow(v_two, v_half), t = atan(v_one) * 4;

	say("sin(1) = %a, cos(1) = %a", s, c);
	say("exp(1) = %a, log(10) = %a", e, l);
	say("pow(2, 0.5) = %a, 4 atan(1) = %a", p, t);
	check(fabs(s * s + c * c - 1) <= 0x1p-52, "sin^2 + cos^2 == 1 within 2^-52");
	check(ulps(e, M_E) <= 1 && ulps(l, M_LN10) <= 1 && ulps(p, M_SQRT2) <= 1 &&
	      ulps(t, M_PI) <= 1, "exp(1), log(10), pow(2, .5), 4 atan(1) within 1 ulp");
	check(ulps(exp(l), 10) <= 2, "exp(log(10)) within 2 ulps of 10");
}

struct rounding {
	int mode;
	const char *name;
	double third, neg_third, sqrt2, rint_25, rint_m25;
	float ftwo_thirds;
	long lrint_35;
};

static const struct rounding modes[] = {
	{ FE_TONEAREST, "FE_TONEAREST", 0x1.5555555555555p-2, -0x1.5555555555555p-2,
	  0x1.6a09e667f3bcdp+0, 2, -2, 0x1.555556p-1f, 4 },
	{ FE_UPWARD, "FE_UPWARD", 0x1.5555555555556p-2, -0x1.5555555555555p-2,
	  0x1.6a09e667f3bcdp+0, 3, -2, 0x1.555556p-1f, 4 },
	{ FE_DOWNWARD, "FE_DOWNWARD", 0x1.5555555555555p-2, -0x1.5555555555556p-2,
	  0x1.6a09e667f3bccp+0, 2, -3, 0x1.555554p-1f, 3 },
	{ FE_TOWARDZERO, "FE_TOWARDZERO", 0x1.5555555555555p-2, -0x1.5555555555555p-2,
	  0x1.6a09e667f3bccp+0, 2, -2, 0x1.555554p-1f, 3 },
};

static void rounding_modes(void)
{
	unsigned i;

	for (i = 0; i < 4; i++) {
		const struct rounding *m = &modes[i];
		double third, neg_third, sqrt2, r25, rm25;
		float ftwo_thirds;
		long l35;
		int set;

		set = fesetround(m->mode) == 0 && fegetround() == m->mode;
		third = v_one / v_three;
		neg_third = -v_one / v_three;
		sqrt2 = sqrt(v_two);
		ftwo_thirds = vf_two / (float)v_three;
		r25 = rint(2.5 * v_one);
		rm25 = rint(-2.5 * v_one);
		l35 = lrint(3.5 * v_one);
		fesetround(FE_TONEAREST);	/* printf rounds decimals in the mode */
		check(set && third == m->third && neg_third == m->neg_third && sqrt2 == m->sqrt2 &&
		      ftwo_thirds == m->ftwo_thirds && r25 == m->rint_25 && rm25 == m->rint_m25 &&
		      l35 == m->lrint_35,
		      "%s: 1/3 %a, -1/3 %a, sqrt(2) %a, 2f/3f %a, rint(2.5) %g, rint(-2.5) %g, lrint(3.5) %ld",
		      m->name, third, neg_third, sqrt2, (double)ftwo_thirds, r25, rm25, l35);
	}
}

static const char *flag_names(int f)
{
	static char buf[64];

	buf[0] = 0;
	if (f & FE_INEXACT) strcat(buf, " inexact");
	if (f & FE_DIVBYZERO) strcat(buf, " divbyzero");
	if (f & FE_OVERFLOW) strcat(buf, " overflow");
	if (f & FE_UNDERFLOW) strcat(buf, " underflow");
	if (f & FE_INVALID) strcat(buf, " invalid");
	return buf[0] ? buf + 1 : "none";
}

static double op_result;

static void flags_of(const char *what, double (*op)(void), int want)
{
	int got;

	feclearexcept(FE_ALL_EXCEPT);
	op_result = op();
	got = fetestexcept(FE_ALL_EXCEPT);
	check(got == want, "%s = %a, flags: %s", what, op_result, flag_names(got));
}

static double op_add(void) { return v_one + v_one; }
static double op_third(void) { return v_one / v_three; }
static double op_div0(void) { return v_one / v_zero; }
static double op_ovf(void) { return v_max * v_two; }
static double op_min_sq(void) { return v_min * v_min; }
static double op_min_3(void) { return v_min / v_three; }
static double op_min_2(void) { return v_min / v_two; }
static double op_0_0(void) { return v_zero / v_zero; }
static double op_inf_inf(void) { return v_inf - v_inf; }
static double op_sqrt_m1(void) { return sqrt(-v_one); }
static double op_inf_0(void) { return v_inf * v_zero; }

static void exception_flags(void)
{
	flags_of("1 + 1", op_add, 0);
	flags_of("1 / 3", op_third, FE_INEXACT);
	flags_of("1 / 0", op_div0, FE_DIVBYZERO);
	flags_of("DBL_MAX * 2", op_ovf, FE_OVERFLOW | FE_INEXACT);
	flags_of("DBL_MIN * DBL_MIN", op_min_sq, FE_UNDERFLOW | FE_INEXACT);
	flags_of("DBL_MIN / 3", op_min_3, FE_UNDERFLOW | FE_INEXACT);
	flags_of("DBL_MIN / 2 (exact subnormal)", op_min_2, 0);
	flags_of("0 / 0", op_0_0, FE_INVALID);
	flags_of("inf - inf", op_inf_inf, FE_INVALID);
	flags_of("inf * 0", op_inf_0, FE_INVALID);
	flags_of("sqrt(-1)", op_sqrt_m1, FE_INVALID);
	feclearexcept(FE_ALL_EXCEPT);
	feraiseexcept(FE_OVERFLOW);
	check(fetestexcept(FE_ALL_EXCEPT) == FE_OVERFLOW, "feraiseexcept(FE_OVERFLOW) sets only it");
	feclearexcept(FE_ALL_EXCEPT);
	check(fetestexcept(FE_ALL_EXCEPT) == 0, "feclearexcept clears all");
}

static void subnormals(void)
{
	double t = DBL_TRUE_MIN * v_one, q = v_min / 4, r;
	float ft = FLT_TRUE_MIN * (float)v_one;

	check(t == 0x1p-1074 && fpclassify(t) == FP_SUBNORMAL, "smallest subnormal %a", t);
	check(q == 0x1p-1024 && fpclassify(q) == FP_SUBNORMAL, "DBL_MIN / 4 = %a", q);
	r = t / 2;
	check(r == 0 && !signbit(r), "smallest subnormal / 2 = %a (ties to even)", r);
	r = t * 3 / 2;
	check(r == 0x1p-1073, "smallest subnormal * 3 / 2 = %a (ties to even)", r);
	r = q + t;
	check(r == 0x1.0000000000004p-1024, "DBL_MIN / 4 + smallest = %a", r);
	r = q * 0x1p+100;
	check(r == 0x1p-924 && fpclassify(r) == FP_NORMAL, "subnormal * 2^100 = %a (normal)", r);
	check(ft == 0x1p-149f && fpclassify(ft) == FP_SUBNORMAL, "float smallest subnormal %a",
	      (double)ft);
	r = (double)ft * 0x1p+149;
	check(r == 1, "float subnormal to double, * 2^149 = %a", r);
}

static __attribute__((noinline)) int to_int(double d) { return (int)d; }
static __attribute__((noinline)) long to_long(double d) { return (long)d; }

static void conversion(const char *what, double d, int want_i, long want_l, int want_flags)
{
	int i, l_ok, f;
	long l;

	feclearexcept(FE_ALL_EXCEPT);
	i = to_int(d);
	l = to_long(d);
	f = fetestexcept(FE_ALL_EXCEPT);
	l_ok = l == want_l;
	check(i == want_i && l_ok && f == want_flags, "(int)%s = 0x%08x, (long) = 0x%016lx, flags: %s",
	      what, (unsigned)i, (unsigned long)l, flag_names(f));
}

static void conversions(void)
{
	volatile int64_t big = INT64_MAX;
	volatile int32_t i32 = 16777217;
	volatile uint64_t u64 = UINT64_MAX;
	double d;
	float f;

	conversion("3.7", 3.7 * v_one, 3, 3, FE_INEXACT);
	conversion("-3.7", -3.7 * v_one, -3, -3, FE_INEXACT);
	conversion("1e10", 1e10 * v_one, 0x7fffffff, 10000000000l, FE_INVALID);
	conversion("-1e10", -1e10 * v_one, 0x7fffffff, -10000000000l, FE_INVALID);
	conversion("1e19", 1e19 * v_one, 0x7fffffff, 0x7fffffffffffffffl, FE_INVALID);
	conversion("-2^63", -0x1p63 * v_one, 0x7fffffff, INT64_MIN, FE_INVALID);
	conversion("NaN", v_zero / v_zero, 0x7fffffff, 0x7fffffffffffffffl, FE_INVALID);
	conversion("inf", v_inf, 0x7fffffff, 0x7fffffffffffffffl, FE_INVALID);
	feclearexcept(FE_ALL_EXCEPT);
	d = (double)big;
	check(d == 0x1p63 && fetestexcept(FE_ALL_EXCEPT) == FE_INEXACT,
	      "(double)INT64_MAX = %a, inexact", d);
	f = (float)i32;
	check(f == 16777216.0f, "(float)16777217 = %a", (double)f);
	d = (double)u64;
	check(d == 0x1p64, "(double)UINT64_MAX = %a", d);
	check(llround(2.5 * v_one) == 3 && llround(-2.5 * v_one) == -3 && lround(0.49999999999999994 * v_one) == 0,
	      "llround(2.5) 3, llround(-2.5) -3, lround(0.49999999999999994) 0");
	feclearexcept(FE_ALL_EXCEPT);
}

static void specials(void)
{
	double nan = v_zero / v_zero, inf = v_one / v_zero, nzero = -v_zero;
	char buf[128];

	snprintf(buf, sizeof(buf), "%f %f %f %g %a %a", nan, inf, -inf, nzero, nzero, -nan);
	check(strcmp(buf, "nan inf -inf -0 -0x0p+0 -nan") == 0, "printf: %s", buf);
	say("0/0 bits 0x%016llx, sqrt(-1) bits 0x%016llx", (unsigned long long)bits(nan),
	    (unsigned long long)bits(sqrt(-v_one)));
	check(isnan(nan) && nan != nan && !(nan < 1) && !(nan > 1) && !(nan == nan),
	      "NaN compares unordered");
	check(isinf(inf) && inf > DBL_MAX && 1 / nzero == -INFINITY && signbit(nzero) &&
	      nzero == 0, "inf > DBL_MAX, 1/-0 = -inf, -0 == 0");
	check(copysign(3, nzero) == -3 && fabs(-inf) == inf, "copysign, fabs");
	feclearexcept(FE_ALL_EXCEPT);
}

static void fp_div0(void *p) { (void)p; op_result = op_div0(); }
static void fp_invalid(void *p) { (void)p; op_result = op_0_0(); }
static void fp_overflow(void *p) { (void)p; op_result = op_ovf(); }

static void traps(void)
{
	feclearexcept(FE_ALL_EXCEPT);
	feenableexcept(FE_DIVBYZERO);
	check(fegetexcept() == FE_DIVBYZERO, "feenableexcept(FE_DIVBYZERO)");
	check_fault("1/0 with FE_DIVBYZERO enabled", fp_div0, NULL, SIGFPE, FPE_FLTDIV,
		    ANY_ADDR, NULL);
	fedisableexcept(FE_ALL_EXCEPT);
	feclearexcept(FE_ALL_EXCEPT);
	feenableexcept(FE_INVALID);
	check_fault("0/0 with FE_INVALID enabled", fp_invalid, NULL, SIGFPE, FPE_FLTINV,
		    ANY_ADDR, NULL);
	fedisableexcept(FE_ALL_EXCEPT);
	feclearexcept(FE_ALL_EXCEPT);
	feenableexcept(FE_OVERFLOW);
	check_fault("DBL_MAX*2 with FE_OVERFLOW enabled", fp_overflow, NULL, SIGFPE, FPE_FLTOVF,
		    ANY_ADDR, NULL);
	fedisableexcept(FE_ALL_EXCEPT);
	feclearexcept(FE_ALL_EXCEPT);
	check(fegetexcept() == 0 && catch_fault(fp_div0, NULL, NULL) == 0 && isinf(op_result),
	      "traps disabled again: 1/0 = inf, no signal");
	feclearexcept(FE_ALL_EXCEPT);
}

/* A sum whose every rounding depends on the rounding mode. */
static double harmonic(int n, int yield_every)
{
	double s = 0;
	int i;

	for (i = 1; i <= n; i++) {
		s += v_one / i;
		if (yield_every && i % yield_every == 0)
			sched_yield();
	}
	return s;
}

static void across_fork(void)
{
	double want;
	long ret;
	int bad, st;

	fesetround(FE_UPWARD);
	want = harmonic(1000, 0);
	bad = fpregs_around_syscall(0x7ff0000000000001ull, 0x0101010101ull, SYS_clone,
				    SIGCHLD, 0, 0, &ret);
	if (ret == 0)
		_exit(bad != 0 ? 1 : fegetround() != FE_UPWARD ? 2 :
		      harmonic(1000, 0) != want ? 3 : 0);
	fesetround(FE_TONEAREST);
	st = wait_status(ret);
	check(ret > 0 && bad == 0, "clone from FP-filled registers: parent's 32 FP registers kept");
	check(st == 0, "child: 32 FP registers, FE_UPWARD, and FP results as the parent's (%d)", st);
}

/* Parent and child take turns through two pipes, each blocking in read()
 * with its own values in all 32 FP registers (so every turn is a context
 * switch with the other's FP state loaded in between), each summing in its
 * own rounding mode. */
static int ping_pong(int me, int in, int out, double want)
{
	double s = 0;
	int bad = 0, i, j;
	char c = 0;

	fesetround(me ? FE_DOWNWARD : FE_UPWARD);
	for (i = 0; i < 100; i++) {
		if (!me && write(out, &c, 1) != 1)
			bad++;
		bad += fpregs_around_syscall(me ? 0x1234567800000000ull : 0xabcdef0000000000ull,
					     me ? 3 : 5, SYS_read, in, (long)&c, 1, NULL);
		for (j = 1; j <= 20; j++)
			s += v_one / (i * 20 + j);
		if (me && write(out, &c, 1) != 1)
			bad++;
	}
	bad += fegetround() != (me ? FE_DOWNWARD : FE_UPWARD);
	bad += s != want;
	fesetround(FE_TONEAREST);
	return bad;
}

static void context_switches(void)
{
	double want_up, want_down;
	int down[2], up[2], bad, st;
	pid_t pid;

	fesetround(FE_UPWARD);
	want_up = harmonic(2000, 0);
	fesetround(FE_DOWNWARD);
	want_down = harmonic(2000, 0);
	fesetround(FE_TONEAREST);
	check(want_up > want_down, "harmonic(2000) upward %a > downward %a", want_up, want_down);
	pipe(down);
	pipe(up);
	pid = xfork();
	if (pid == 0)
		_exit(ping_pong(1, down[0], up[1], want_down) ? 1 : 0);
	bad = ping_pong(0, up[0], down[1], want_up);
	st = wait_status(pid);
	check(bad == 0, "parent: 100 turns, FP registers, FE_UPWARD and its sum kept");
	check(st == 0, "child: 100 turns, FP registers, FE_DOWNWARD and its sum kept");
	close(down[0]);
	close(down[1]);
	close(up[0]);
	close(up[1]);
}

/* The same sums while both processes yield to each other every 20 terms
 * (interleaving depends on the scheduler; the results must not). */
static void yields(void)
{
	double want_up, want_down;
	int bad, st;
	pid_t pid;

	fesetround(FE_UPWARD);
	want_up = harmonic(2000, 0);
	fesetround(FE_DOWNWARD);
	want_down = harmonic(2000, 0);
	pid = xfork();
	if (pid == 0) {
		bad = harmonic(2000, 20) != want_down || fegetround() != FE_DOWNWARD;
		_exit(bad);
	}
	fesetround(FE_UPWARD);
	bad = harmonic(2000, 20) != want_up || fegetround() != FE_UPWARD;
	fesetround(FE_TONEAREST);
	st = wait_status(pid);
	check(bad == 0 && st == 0, "two processes summing with sched_yield: both sums right");
}

int main(void)
{
	equiv_start("sc-fp");
	arithmetic();
	libm();
	rounding_modes();
	exception_flags();
	subnormals();
	conversions();
	specials();
	traps();
	across_fork();
	context_switches();
	yields();
	return equiv_finish();
}
