/*
 * sc-time: clocks and timers, as relations only (no times printed).
 * CLOCK_MONOTONIC/BOOTTIME/MONOTONIC_RAW never go back; nanosleep and
 * clock_nanosleep sleep at least as asked; gettimeofday and time() agree
 * with CLOCK_REALTIME; clock_getres <= 1 ms; setitimer ITIMER_REAL
 * (one-shot and periodic) and ITIMER_VIRTUAL fire; a POSIX timer fires
 * with SI_TIMER; times() and getrusage() are consistent with what ran;
 * CLOCK_PROCESS_CPUTIME_ID advances while busy and hardly while asleep.
 */
#include "equiv.h"

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>

#define MS 1000000ll

static long long ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* Spin for ms milliseconds of CLOCK_MONOTONIC. */
static void busy(int ms)
{
	long long end = ns(CLOCK_MONOTONIC) + ms * MS;
	volatile unsigned x = 1;

	while (ns(CLOCK_MONOTONIC) < end) {
		int i;

		for (i = 0; i < 1000; i++)
			x = x * 1103515245 + 12345;
	}
}

static void monotonic(void)
{
	static const clockid_t clocks[] = { CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_MONOTONIC_RAW };
	static const char *names[] = { "CLOCK_MONOTONIC", "CLOCK_BOOTTIME", "CLOCK_MONOTONIC_RAW" };
	long long prev, t, m;
	int c, i, ok;

	for (c = 0; c < 3; c++) {
		ok = 1;
		prev = ns(clocks[c]);
		for (i = 0; i < 10000; i++) {
			t = ns(clocks[c]);
			ok &= t >= prev;
			prev = t;
		}
		check(ok, "%s non-decreasing over 10000 reads", names[c]);
	}
	m = ns(CLOCK_MONOTONIC);
	check(ns(CLOCK_BOOTTIME) >= m, "CLOCK_BOOTTIME >= CLOCK_MONOTONIC");
	check(ns(CLOCK_MONOTONIC_COARSE) <= ns(CLOCK_MONOTONIC) + 1, "CLOCK_MONOTONIC_COARSE <= CLOCK_MONOTONIC");
}

static void sleeps(void)
{
	struct timespec req = { 0, 20 * MS }, abs;
	long long t0, t1, c0, c1;

	t0 = ns(CLOCK_MONOTONIC);
	c0 = ns(CLOCK_PROCESS_CPUTIME_ID);
	check(nanosleep(&req, NULL) == 0, "nanosleep 20 ms returns 0");
	t1 = ns(CLOCK_MONOTONIC);
	c1 = ns(CLOCK_PROCESS_CPUTIME_ID);
	check(t1 - t0 >= 20 * MS, "nanosleep 20 ms took >= 20 ms");
	check(t1 - t0 < 2000 * MS, "nanosleep 20 ms took < 2 s");
	/* CPU time moves in 10 ms ticks here: a slow machine (or one under a
	 * monitor) may see one tick land while the task runs, never two. */
	check(c1 - c0 < 20 * MS, "sleeping 20 ms used < 20 ms of CPU time");

	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 20 * MS;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_nsec -= 1000000000;
		abs.tv_sec++;
	}
	check(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL) == 0,
	      "clock_nanosleep TIMER_ABSTIME +20 ms returns 0");
	t1 = ns(CLOCK_MONOTONIC);
	check(t1 >= abs.tv_sec * 1000000000ll + abs.tv_nsec, "woke at or after the deadline");
	req.tv_nsec = 1000000000;
	check(nanosleep(&req, NULL) == -1 && errno == EINVAL, "nanosleep tv_nsec 1e9 -> EINVAL");
}

static void realtime(void)
{
	struct timespec a, b, res;
	struct timeval tv;
	time_t t;
	long long ua, ub, u;
	int ok = 1, i;

	for (i = 0; i < 100; i++) {
		clock_gettime(CLOCK_REALTIME, &a);
		gettimeofday(&tv, NULL);
		clock_gettime(CLOCK_REALTIME, &b);
		ua = a.tv_sec * 1000000ll + a.tv_nsec / 1000;
		ub = b.tv_sec * 1000000ll + b.tv_nsec / 1000;
		u = tv.tv_sec * 1000000ll + tv.tv_usec;
		ok &= ua <= u && u <= ub && tv.tv_usec >= 0 && tv.tv_usec < 1000000;
	}
	check(ok, "gettimeofday between two CLOCK_REALTIME reads (100 times)");
	clock_gettime(CLOCK_REALTIME, &a);
	t = time(NULL);
	clock_gettime(CLOCK_REALTIME, &b);
	check(a.tv_sec <= t && t <= b.tv_sec, "time() between two CLOCK_REALTIME reads");
	check(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0 &&
	      res.tv_nsec <= 1000000, "clock_getres(CLOCK_MONOTONIC) <= 1 ms");
	check(clock_getres(CLOCK_REALTIME, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0 &&
	      res.tv_nsec <= 1000000, "clock_getres(CLOCK_REALTIME) <= 1 ms");
	check(clock_gettime(12345, &a) == -1 && errno == EINVAL, "clock_gettime bad clock -> EINVAL");
}

static volatile sig_atomic_t fired;
static siginfo_t last;

static void handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fired++;
	last = *si;
}

static void on(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/* Wait (signals blocked in between) until n signals were handled. */
static void wait_fired(int n, sigset_t *old)
{
	while (fired < n)
		sigsuspend(old);
}

static void itimers(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 30000 } }, cur;
	sigset_t set, old;
	long long t0, t1, end;

	on(SIGALRM);
	on(SIGVTALRM);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_BLOCK, &set, &old);

	fired = 0;
	t0 = ns(CLOCK_MONOTONIC);
	check(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer ITIMER_REAL 30 ms");
	getitimer(ITIMER_REAL, &cur);
	check(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 && cur.it_value.tv_usec <= 30000,
	      "getitimer: 0 < remaining <= 30 ms");
	wait_fired(1, &old);
	t1 = ns(CLOCK_MONOTONIC);
	check(fired == 1 && last.si_signo == SIGALRM && last.si_code == SI_KERNEL,
	      "ITIMER_REAL fired once, SIGALRM, SI_KERNEL");
	check(t1 - t0 >= 30 * MS, "after >= 30 ms");
	getitimer(ITIMER_REAL, &cur);
	check(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0, "one-shot timer disarmed");

	fired = 0;
	it.it_interval.tv_usec = 10000;
	it.it_value.tv_usec = 10000;
	t0 = ns(CLOCK_MONOTONIC);
	setitimer(ITIMER_REAL, &it, NULL);
	wait_fired(3, &old);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	t1 = ns(CLOCK_MONOTONIC);
	check(fired >= 3 && t1 - t0 >= 30 * MS, "periodic 10 ms ITIMER_REAL: 3 signals after >= 30 ms");
	sigprocmask(SIG_SETMASK, &old, NULL);

	fired = 0;
	it.it_value.tv_usec = 20000;
	setitimer(ITIMER_VIRTUAL, &it, NULL);
	end = ns(CLOCK_MONOTONIC) + 2000 * MS;
	while (!fired && ns(CLOCK_MONOTONIC) < end)
		busy(1);
	check(fired == 1 && last.si_signo == SIGVTALRM, "ITIMER_VIRTUAL 20 ms fires in a busy loop");
	signal(SIGALRM, SIG_DFL);
	signal(SIGVTALRM, SIG_DFL);
}

static void posix_timer(void)
{
	struct sigevent sev;
	struct itimerspec its = { { 0, 0 }, { 0, 15 * MS } };
	sigset_t set, old;
	timer_t t;
	long long t0, t1;

	on(SIGRTMIN);
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &set, &old);
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGRTMIN;
	sev.sigev_value.sival_int = 1234;
	check(timer_create(CLOCK_MONOTONIC, &sev, &t) == 0, "timer_create CLOCK_MONOTONIC");
	fired = 0;
	t0 = ns(CLOCK_MONOTONIC);
	timer_settime(t, 0, &its, NULL);
	wait_fired(1, &old);
	t1 = ns(CLOCK_MONOTONIC);
	check(last.si_code == SI_TIMER && last.si_value.sival_int == 1234 && t1 - t0 >= 15 * MS,
	      "POSIX timer 15 ms: SI_TIMER, value 1234, after >= 15 ms");
	check(timer_getoverrun(t) == 0, "no overrun");
	check(timer_delete(t) == 0, "timer_delete");
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGRTMIN, SIG_DFL);
}

static double ms_of(struct timeval tv)
{
	return tv.tv_sec * 1000.0 + tv.tv_usec / 1000.0;
}

static void accounting(void)
{
	long hz = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	struct tms a, b;
	struct rusage r0, r1;
	clock_t ta, tb;
	long long w0, w1, c0, c1, th;
	char *m;
	int i;
	pid_t pid;

	check(hz == 100, "sysconf(_SC_CLK_TCK) == 100");
	ta = times(&a);
	w0 = ns(CLOCK_MONOTONIC);
	c0 = ns(CLOCK_PROCESS_CPUTIME_ID);
	busy(100);
	c1 = ns(CLOCK_PROCESS_CPUTIME_ID);
	th = ns(CLOCK_THREAD_CPUTIME_ID);
	w1 = ns(CLOCK_MONOTONIC);
	tb = times(&b);
	check(c1 > c0, "CLOCK_PROCESS_CPUTIME_ID advances in a 100 ms busy loop");
	check(c1 - c0 <= w1 - w0 + 20 * MS, "CPU time <= wall time (+20 ms)");
	check(th <= ns(CLOCK_PROCESS_CPUTIME_ID), "CLOCK_THREAD_CPUTIME_ID <= CLOCK_PROCESS_CPUTIME_ID");
	check(b.tms_utime + b.tms_stime > a.tms_utime + a.tms_stime,
	      "times(): user + system ticks grew");
	check(tb - ta >= (w1 - w0) / (1000000000 / hz) - 2 && tb - ta <= (w1 - w0) / (1000000000 / hz) + 2,
	      "times() return advanced with CLOCK_MONOTONIC (within 2 ticks)");

	getrusage(RUSAGE_SELF, &r0);
	m = mmap(NULL, 64 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (i = 0; i < 64; i++)
		m[i * page] = 1;
	getrusage(RUSAGE_SELF, &r1);
	munmap(m, 64 * page);
	check(r1.ru_minflt - r0.ru_minflt >= 64, "touching 64 new pages: >= 64 minor faults");
	check(r1.ru_maxrss > 0, "ru_maxrss > 0");
	check(ms_of(r1.ru_utime) + ms_of(r1.ru_stime) >= (c1 - c0) / (double)MS / 2,
	      "getrusage user + system >= half the busy loop's CPU time");

	pid = xfork();
	if (pid == 0) {
		busy(50);
		_exit(0);
	}
	wait_status(pid);
	getrusage(RUSAGE_CHILDREN, &r1);
	times(&b);
	check(ms_of(r1.ru_utime) + ms_of(r1.ru_stime) > 0, "RUSAGE_CHILDREN: the child's CPU time > 0");
	check(b.tms_cutime + b.tms_cstime > 0, "times(): children's ticks > 0");
}

int main(void)
{
	equiv_start("sc-time");
	monotonic();
	sleeps();
	realtime();
	itimers();
	posix_timer();
	accounting();
	return equiv_finish();
}
