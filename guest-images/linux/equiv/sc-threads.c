/*
 * sc-threads: threads, written for SMP kernels (where they run at once
 * on several CPUs) as much as for uniprocessor ones, and printing the same
 * lines on both: nothing here depends on the number of CPUs, on which
 * thread runs first or on how often a lock was contended. A test that
 * needs threads asleep waits until /proc says they are ('S'); spin loops
 * yield, so that one CPU makes progress too.
 *
 * Futexes by system call (WAIT/WAKE counts, EAGAIN, ETIMEDOUT, EINVAL,
 * EFAULT, CMP_REQUEUE/REQUEUE, WAIT_BITSET/WAKE_BITSET, WAKE_OP) and a
 * futex mutex under contention; __atomic counters (64, 32, 16 and 8 bits:
 * LL/SC, sub-word ones sharing a word) and a spinlock with exact totals;
 * pthread barriers (every round's sums), condition variables
 * (producers/consumers with checksums and per-producer order, broadcast,
 * timed wait), rwlocks, error-checking, robust and priority-inheritance
 * mutexes; signals to threads (pthread_kill, tgkill, SIGEV_THREAD_ID
 * timers: the target runs the handler), to the process (kill, sigqueue,
 * a process timer: the one thread that unblocks it runs it, EINTR in it),
 * thread and process pending sets, sigwaitinfo in a thread; affinity
 * (only CPU 0, EINVAL for empty and nonexistent CPUs, per thread);
 * join values, pthread_once, TSD destructors, a raw clone with
 * CLONE_CHILD_CLEARTID, exit_group/fatal signals/execve from a non-main
 * thread; release/acquire message passing.
 *
 * Left out: CPU hotplug (cpu1/online exists only on SMP kernels, so its
 * lines could not match a uniprocessor run), and anything printing the
 * CPU count, the original affinity mask, TIDs, or contention statistics.
 */
#include "equiv.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>

#define NT 6                    /* threads in most tests */
#define ACQ __ATOMIC_ACQUIRE
#define REL __ATOMIC_RELEASE
#define RLX __ATOMIC_RELAXED
#define EXEC_STATUS 42

/* ---- helpers ---- */

static long futex(int *uaddr, int op, int val, long val2, int *uaddr2, int val3)
{
	return syscall(SYS_futex, uaddr, op, val, val2, uaddr2, val3);
}

/* Wait for *p == v, spinning a little, then yielding (one CPU must let
 * the thread that sets it run). */
static void spin_until(int *p, int v)
{
	int n = 0;

	while (__atomic_load_n(p, ACQ) != v)
		if (++n > 50)
			sched_yield();
}

/* A one-shot event on a futex word. */
static void event_wait(int *e)
{
	while (__atomic_load_n(e, ACQ) == 0)
		futex(e, FUTEX_WAIT_PRIVATE, 0, 0, NULL, 0);
}

static void event_set(int *e)
{
	__atomic_store_n(e, 1, REL);
	futex(e, FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0);
}

/* A thread's state letter from /proc/self/task/TID/stat, '?' if gone. */
static char task_state(pid_t tid)
{
	char path[64], buf[512], *p;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/* Until each of the n threads sleeps ('S'): each publishes its TID just
 * before the one blocking call it makes, so asleep means in that call.
 * 0 after about ten seconds. */
static int wait_asleep(const pid_t *tids, int n)
{
	int tries, i;

	for (tries = 0; tries < 11000; tries++) {
		for (i = 0; i < n && task_state(tids[i]) == 'S'; i++)
			;
		if (i == n)
			return 1;
		if (tries < 1000)
			sched_yield();
		else
			usleep(1000);
	}
	return 0;
}

static int threads_in_status(void)
{
	char line[128];
	int n = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

static int tasks_in_proc(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* The thread count, once it is n: a joined thread (its TID word cleared
 * and futex woken at its exit) may still be counted for a moment on
 * another CPU, until it is released. The count after about two seconds
 * otherwise. */
static int threads_once(int n)
{
	int tries, got = -1;

	for (tries = 0; tries < 3000; tries++) {
		got = threads_in_status();
		if (got == n && tasks_in_proc() == n)
			return n;
		if (tries < 1000)
			sched_yield();
		else
			usleep(1000);
	}
	return got;
}

/* Until the thread is gone from /proc/self/task (see threads_once). */
static void wait_gone(pid_t tid)
{
	int tries;

	for (tries = 0; tries < 3000 && task_state(tid) != '?'; tries++)
		if (tries < 1000)
			sched_yield();
		else
			usleep(1000);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* Shared by the tests: the threads' TIDs (never printed) and a count of
 * threads that have published theirs. */
static pid_t tids[16];
static int arrived;
static int gate;                /* a start line, so that threads contend */

static void wait_arrived(int n)
{
	spin_until(&arrived, n);
}

/* ---- futexes by system call ---- */

static int *waiter_addr[16];
static int waiter_op[16], waiter_bits[16], waiter_err[16];
static int fw, fw2;

static void *futex_waiter(void *arg)
{
	int i = (int)(long)arg;

	tids[i] = gettid();
	__atomic_fetch_add(&arrived, 1, REL);
	waiter_err[i] = futex(waiter_addr[i], waiter_op[i], 0, 0, NULL, waiter_bits[i]) == 0 ? 0 : errno;
	return NULL;
}

/* n waiters, waiter i on addr[i] with op and bitset; returns once all
 * sleep in FUTEX_WAIT (0 if they never did). */
static int start_waiters(pthread_t *t, int n, int **addr, int op, const int *bits)
{
	int i;

	arrived = 0;
	for (i = 0; i < n; i++) {
		waiter_addr[i] = addr[i];
		waiter_op[i] = op;
		waiter_bits[i] = bits ? bits[i] : (int)FUTEX_BITSET_MATCH_ANY;
		waiter_err[i] = -1;
		pthread_create(&t[i], NULL, futex_waiter, (void *)(long)i);
	}
	wait_arrived(n);
	return wait_asleep(tids, n);
}

/* Joins them; 1 if every FUTEX_WAIT returned 0. */
static int join_waiters(pthread_t *t, int n)
{
	int i, ok = 1;

	for (i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		ok &= waiter_err[i] == 0;
	}
	return ok;
}

static void futex_calls(void)
{
	struct timespec ts = { 0, 20 * 1000000 };
	int *addr[8], bits[8], i, w = 0;
	pthread_t t[8];
	long long t0;
	long r1, r2, r3, r4;
	int e;

	fw = 1;
	errno = 0;
	check(futex(&fw, FUTEX_WAIT_PRIVATE, 0, 0, NULL, 0) == -1 && errno == EAGAIN,
	      "FUTEX_WAIT on a changed value -> EAGAIN");
	fw = 0;
	t0 = now_ns();
	errno = 0;
	r1 = futex(&fw, FUTEX_WAIT_PRIVATE, 0, (long)&ts, NULL, 0);
	e = errno;
	check(r1 == -1 && e == ETIMEDOUT && now_ns() - t0 >= 20000000,
	      "FUTEX_WAIT with a 20 ms timeout -> ETIMEDOUT, after at least 20 ms");
	errno = 0;
	check(futex((int *)((char *)&w + 1), FUTEX_WAIT_PRIVATE, 0, 0, NULL, 0) == -1 && errno == EINVAL,
	      "FUTEX_WAIT on a misaligned word -> EINVAL");
	errno = 0;
	check(futex(NULL, FUTEX_WAIT_PRIVATE, 0, 0, NULL, 0) == -1 && errno == EFAULT,
	      "FUTEX_WAIT on address 0 -> EFAULT");
	errno = 0;
	check(futex(&fw, FUTEX_WAIT_BITSET_PRIVATE, 0, 0, NULL, 0) == -1 && errno == EINVAL,
	      "FUTEX_WAIT_BITSET with bitset 0 -> EINVAL");
	check(futex(&fw, FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0) == 0, "FUTEX_WAKE without waiters -> 0");

	/* Six asleep: wake 1, then 2, then the rest. */
	for (i = 0; i < 6; i++)
		addr[i] = &fw;
	check(start_waiters(t, 6, addr, FUTEX_WAIT_PRIVATE, NULL), "6 threads asleep in FUTEX_WAIT");
	r1 = futex(&fw, FUTEX_WAKE_PRIVATE, 1, 0, NULL, 0);
	r2 = futex(&fw, FUTEX_WAKE_PRIVATE, 2, 0, NULL, 0);
	r3 = futex(&fw, FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0);
	check(r1 == 1 && r2 == 2 && r3 == 3, "FUTEX_WAKE 1, 2, all -> %ld %ld %ld", r1, r2, r3);
	check(join_waiters(t, 6), "each FUTEX_WAIT returned 0");

	/* The same through the shared (non-private) futex ops. */
	check(start_waiters(t, 3, addr, FUTEX_WAIT, NULL), "3 threads asleep in a shared FUTEX_WAIT");
	r1 = futex(&fw, FUTEX_WAKE, 2, 0, NULL, 0);
	r2 = futex(&fw, FUTEX_WAKE, INT_MAX, 0, NULL, 0);
	check(r1 == 2 && r2 == 1 && join_waiters(t, 3), "shared FUTEX_WAKE 2, all -> %ld %ld", r1, r2);

	/* CMP_REQUEUE: a wrong expected value, then wake 1, move 2 of 5. */
	fw = fw2 = 0;
	check(start_waiters(t, 5, addr, FUTEX_WAIT_PRIVATE, NULL), "5 threads asleep on futex A");
	errno = 0;
	r1 = futex(&fw, FUTEX_CMP_REQUEUE_PRIVATE, 1, 2, &fw2, 1);
	e = errno;
	check(r1 == -1 && e == EAGAIN, "FUTEX_CMP_REQUEUE with a wrong value -> EAGAIN");
	r1 = futex(&fw, FUTEX_CMP_REQUEUE_PRIVATE, 1, 2, &fw2, 0);
	r2 = futex(&fw, FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0);
	r3 = futex(&fw2, FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0);
	check(r1 == 3 && r2 == 2 && r3 == 2,
	      "CMP_REQUEUE wake 1 move 2 -> %ld; then A wakes %ld, B wakes %ld", r1, r2, r3);
	check(join_waiters(t, 5), "each requeued or woken FUTEX_WAIT returned 0");

	check(start_waiters(t, 3, addr, FUTEX_WAIT_PRIVATE, NULL), "3 threads asleep on futex A");
	r1 = futex(&fw, FUTEX_REQUEUE_PRIVATE, 0, INT_MAX, &fw2, 0);
	r2 = futex(&fw, FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0);
	r3 = futex(&fw2, FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0);
	check(r1 == 3 && r2 == 0 && r3 == 3 && join_waiters(t, 3),
	      "FUTEX_REQUEUE all to B -> %ld; A wakes %ld, B wakes %ld", r1, r2, r3);

	/* Bitsets: even waiters bit 0, odd ones bit 1. */
	for (i = 0; i < 6; i++)
		bits[i] = i % 2 ? 2 : 1;
	check(start_waiters(t, 6, addr, FUTEX_WAIT_BITSET_PRIVATE, bits),
	      "6 threads asleep in FUTEX_WAIT_BITSET");
	r1 = futex(&fw, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, 0, NULL, 4);
	r2 = futex(&fw, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, 0, NULL, 2);
	r3 = futex(&fw, FUTEX_WAKE_BITSET_PRIVATE, 2, 0, NULL, 3);
	r4 = futex(&fw, FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0);
	check(r1 == 0 && r2 == 3 && r3 == 2 && r4 == 1 && join_waiters(t, 6),
	      "FUTEX_WAKE_BITSET bits 2, 1, 0|1 (2 of them), then FUTEX_WAKE -> %ld %ld %ld %ld",
	      r1, r2, r3, r4);

	/* WAKE_OP: 2 on A, 3 on B; B += 5 and, since it was 0, B's wake too. */
	for (i = 0; i < 5; i++)
		addr[i] = i < 2 ? &fw : &fw2;
	check(start_waiters(t, 5, addr, FUTEX_WAIT_PRIVATE, NULL), "2 threads asleep on A, 3 on B");
	r1 = futex(&fw, FUTEX_WAKE_OP_PRIVATE, 1, INT_MAX, &fw2,
		   FUTEX_OP(FUTEX_OP_ADD, 5, FUTEX_OP_CMP_EQ, 0));
	r2 = futex(&fw, FUTEX_WAKE_OP_PRIVATE, 1, INT_MAX, &fw2,
		   FUTEX_OP(FUTEX_OP_ADD, 5, FUTEX_OP_CMP_EQ, 0));
	check(r1 == 4 && r2 == 1 && fw2 == 10 && join_waiters(t, 5),
	      "FUTEX_WAKE_OP (B += 5, wake B if it was 0) twice -> %ld %ld, B = %d", r1, r2, fw2);
	fw = fw2 = 0;
}

/* A futex mutex (0 free, 1 locked, 2 locked with waiters). */
static int fmutex, inside, violations;
static long fcounter;

static void fmutex_lock(int *m)
{
	int c = 0;

	if (__atomic_compare_exchange_n(m, &c, 1, 0, ACQ, RLX))
		return;
	if (c != 2)
		c = __atomic_exchange_n(m, 2, ACQ);
	while (c != 0) {
		futex(m, FUTEX_WAIT_PRIVATE, 2, 0, NULL, 0);
		c = __atomic_exchange_n(m, 2, ACQ);
	}
}

static void fmutex_unlock(int *m)
{
	if (__atomic_fetch_sub(m, 1, REL) != 1) {
		__atomic_store_n(m, 0, REL);
		futex(m, FUTEX_WAKE_PRIVATE, 1, 0, NULL, 0);
	}
}

#define FM_ITERS 1000
static void *fmutex_thread(void *arg)
{
	int i;

	(void)arg;
	spin_until(&gate, 1);
	for (i = 0; i < FM_ITERS; i++) {
		fmutex_lock(&fmutex);
		if (__atomic_add_fetch(&inside, 1, RLX) != 1)
			violations++;
		fcounter++;
		if (i % 250 == 0)
			sched_yield();  /* preempted while holding it */
		__atomic_sub_fetch(&inside, 1, RLX);
		fmutex_unlock(&fmutex);
	}
	return NULL;
}

static void futex_mutex(void)
{
	pthread_t t[NT];
	int i;

	gate = 0;
	for (i = 0; i < NT; i++)
		pthread_create(&t[i], NULL, fmutex_thread, NULL);
	__atomic_store_n(&gate, 1, REL);
	for (i = 0; i < NT; i++)
		pthread_join(t[i], NULL);
	check(fcounter == NT * FM_ITERS && violations == 0 && fmutex == 0,
	      "futex mutex: %d threads x %d increments = %ld, one holder at a time, free at the end",
	      NT, FM_ITERS, fcounter);
}

/* ---- atomics ---- */

#define AT_ITERS 4000
static uint64_t at64;
static uint32_t at32, cas_sum;
static uint16_t at16;
static union { uint64_t word; uint8_t b[8]; } bytes;
static int spin, spin_inside, spin_bad;
static uint64_t spin_a, spin_b;

static void spin_lock(int *l)
{
	int n = 0;

	while (__atomic_exchange_n(l, 1, ACQ))
		while (__atomic_load_n(l, RLX))
			if (++n > 50)
				sched_yield();
}

static void *atomic_thread(void *arg)
{
	int me = (int)(long)arg, i;
	uint32_t old;

	spin_until(&gate, 1);
	for (i = 1; i <= AT_ITERS; i++) {
		__atomic_fetch_add(&at64, 3, RLX);
		__atomic_add_fetch(&at32, 1, __ATOMIC_SEQ_CST);
		old = __atomic_load_n(&cas_sum, RLX);
		while (!__atomic_compare_exchange_n(&cas_sum, &old, old + i, 1, __ATOMIC_ACQ_REL, RLX))
			;
		if (i % 4 == 0)
			__atomic_fetch_add(&at16, 1, RLX);
		if (i % 16 == 0)
			__atomic_fetch_add(&bytes.b[me], 1, RLX);
		if (i % 8 == 0) {
			spin_lock(&spin);
			if (++spin_inside != 1)
				spin_bad++;
			spin_a++;
			spin_b += 2;
			spin_inside--;
			__atomic_store_n(&spin, 0, REL);
		}
	}
	return NULL;
}

static void atomics(void)
{
	pthread_t t[NT];
	int i, bytes_ok = 1;

	gate = 0;
	for (i = 0; i < NT; i++)
		pthread_create(&t[i], NULL, atomic_thread, (void *)(long)i);
	__atomic_store_n(&gate, 1, REL);
	for (i = 0; i < NT; i++)
		pthread_join(t[i], NULL);
	check(at64 == 3ull * NT * AT_ITERS, "64-bit fetch_add: %d threads x %d x 3 = %llu",
	      NT, AT_ITERS, (unsigned long long)at64);
	check(at32 == NT * AT_ITERS, "32-bit seq_cst add_fetch = %u", at32);
	check(cas_sum == (uint32_t)(NT * (AT_ITERS * (AT_ITERS + 1ull) / 2)),
	      "compare-exchange loop adding 1..%d in each thread = %u", AT_ITERS, cas_sum);
	check(at16 == NT * AT_ITERS / 4, "16-bit fetch_add = %u", at16);
	for (i = 0; i < 8; i++)
		bytes_ok &= bytes.b[i] == (i < NT ? AT_ITERS / 16 : 0);
	check(bytes_ok, "8-bit fetch_add, one byte of a shared word per thread: each %d, the rest 0",
	      AT_ITERS / 16);
	check(spin_a == (uint64_t)NT * AT_ITERS / 8 && spin_b == 2 * spin_a && spin_bad == 0,
	      "exchange spinlock: %llu locked updates, one holder at a time", (unsigned long long)spin_a);
}

/* ---- barriers ---- */

#define BAR_ROUNDS 50
static pthread_barrier_t bar;
static uint64_t bar_buf[2][NT];
static int bar_errors, bar_serial[BAR_ROUNDS];

static uint64_t bar_value(int r, int i)
{
	return (uint64_t)r * 1000003u + (uint64_t)i * i * 7 + 1;
}

static void *barrier_thread(void *arg)
{
	int me = (int)(long)arg, r, i;
	uint64_t sum, want;

	for (r = 0; r < BAR_ROUNDS; r++) {
		bar_buf[r & 1][me] = bar_value(r, me);
		if (pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD)
			__atomic_fetch_add(&bar_serial[r], 1, RLX);
		sum = want = 0;
		for (i = 0; i < NT; i++) {
			sum += bar_buf[r & 1][i];
			want += bar_value(r, i);
		}
		if (sum != want)
			__atomic_fetch_add(&bar_errors, 1, RLX);
	}
	return NULL;
}

static void barriers(void)
{
	pthread_t t[NT];
	int i, serial_ok = 1;

	pthread_barrier_init(&bar, NULL, NT);
	for (i = 0; i < NT; i++)
		pthread_create(&t[i], NULL, barrier_thread, (void *)(long)i);
	for (i = 0; i < NT; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < BAR_ROUNDS; i++)
		serial_ok &= bar_serial[i] == 1;
	check(bar_errors == 0, "barrier: %d threads x %d rounds, each sees every slot of its round",
	      NT, BAR_ROUNDS);
	check(serial_ok, "barrier: exactly one PTHREAD_BARRIER_SERIAL_THREAD per round");
	check(pthread_barrier_destroy(&bar) == 0, "barrier destroyed");
}

/* ---- condition variables ---- */

#define QN 8
#define PRODUCERS 3
#define CONSUMERS 2
#define ITEMS 150
static pthread_mutex_t qm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER, not_full = PTHREAD_COND_INITIALIZER;
static uint32_t queue[QN];
static int qhead, qcount, producers_left;

struct consumed {
	uint64_t n, sum, sumsq;
	int order_ok;
};

static void *producer(void *arg)
{
	uint32_t p = (uint32_t)(long)arg, i;

	for (i = 0; i < ITEMS; i++) {
		pthread_mutex_lock(&qm);
		while (qcount == QN)
			pthread_cond_wait(&not_full, &qm);
		queue[(qhead + qcount) % QN] = p << 16 | i;
		qcount++;
		pthread_cond_signal(&not_empty);
		pthread_mutex_unlock(&qm);
	}
	pthread_mutex_lock(&qm);
	producers_left--;
	pthread_cond_broadcast(&not_empty);
	pthread_mutex_unlock(&qm);
	return NULL;
}

static void *consumer(void *arg)
{
	struct consumed *c = arg;
	int last[PRODUCERS], i;
	uint32_t v;

	for (i = 0; i < PRODUCERS; i++)
		last[i] = -1;
	c->order_ok = 1;
	for (;;) {
		pthread_mutex_lock(&qm);
		while (qcount == 0 && producers_left > 0)
			pthread_cond_wait(&not_empty, &qm);
		if (qcount == 0) {
			pthread_mutex_unlock(&qm);
			break;
		}
		v = queue[qhead];
		qhead = (qhead + 1) % QN;
		qcount--;
		pthread_cond_signal(&not_full);
		pthread_mutex_unlock(&qm);
		c->n++;
		c->sum += v;
		c->sumsq += (uint64_t)v * v;
		if ((v >> 16) >= PRODUCERS || (int)(v & 0xffff) <= last[v >> 16])
			c->order_ok = 0;
		else
			last[v >> 16] = v & 0xffff;
	}
	return NULL;
}

static pthread_cond_t go_cond = PTHREAD_COND_INITIALIZER;
static int go, go_waiting, go_woken;

static void *go_waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&qm);
	go_waiting++;
	while (!go)
		pthread_cond_wait(&go_cond, &qm);
	go_woken++;
	pthread_mutex_unlock(&qm);
	return NULL;
}

static void condvars(void)
{
	pthread_t t[PRODUCERS + CONSUMERS], gt[NT];
	struct consumed c[CONSUMERS];
	uint64_t n = 0, sum = 0, sumsq = 0, wsum = 0, wsumsq = 0;
	struct timespec ts;
	int i, order_ok = 1, r, n_waiting;
	uint32_t p, v;

	memset(c, 0, sizeof(c));
	producers_left = PRODUCERS;
	for (i = 0; i < CONSUMERS; i++)
		pthread_create(&t[i], NULL, consumer, &c[i]);
	for (i = 0; i < PRODUCERS; i++)
		pthread_create(&t[CONSUMERS + i], NULL, producer, (void *)(long)i);
	for (i = 0; i < PRODUCERS + CONSUMERS; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < CONSUMERS; i++) {
		n += c[i].n;
		sum += c[i].sum;
		sumsq += c[i].sumsq;
		order_ok &= c[i].order_ok;
	}
	for (p = 0; p < PRODUCERS; p++)
		for (v = p << 16; v < (p << 16 | ITEMS); v++) {
			wsum += v;
			wsumsq += (uint64_t)v * v;
		}
	check(n == PRODUCERS * ITEMS && sum == wsum && sumsq == wsumsq && qcount == 0,
	      "condvar queue of %d: %d producers x %d items to %d consumers, %llu items, sum %llu, sum of squares right",
	      QN, PRODUCERS, ITEMS, CONSUMERS, (unsigned long long)n, (unsigned long long)sum);
	check(order_ok, "each consumer got each producer's items in order");

	for (i = 0; i < NT; i++)
		pthread_create(&gt[i], NULL, go_waiter, NULL);
	do {
		pthread_mutex_lock(&qm);
		n_waiting = go_waiting;
		pthread_mutex_unlock(&qm);
		sched_yield();
	} while (n_waiting < NT);
	pthread_mutex_lock(&qm);
	go = 1;
	pthread_cond_broadcast(&go_cond);
	pthread_mutex_unlock(&qm);
	do {
		pthread_mutex_lock(&qm);
		n_waiting = go_woken;
		pthread_mutex_unlock(&qm);
		sched_yield();
	} while (n_waiting < NT);
	for (i = 0; i < NT; i++)
		pthread_join(gt[i], NULL);
	check(n_waiting == NT, "pthread_cond_broadcast woke all %d waiters", NT);

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 10 * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&qm);
	r = pthread_cond_timedwait(&go_cond, &qm, &ts);
	pthread_mutex_unlock(&qm);
	check(r == ETIMEDOUT, "pthread_cond_timedwait without a signal -> ETIMEDOUT");
}

/* ---- rwlocks and mutex kinds ---- */

#define RW_READS 200
#define RW_WRITES 100
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static uint64_t rw_a, rw_b;
static int rw_readers, rw_writers, rw_bad;

static void *rw_reader(void *arg)
{
	int i;

	(void)arg;
	spin_until(&gate, 1);
	for (i = 0; i < RW_READS; i++) {
		pthread_rwlock_rdlock(&rw);
		__atomic_add_fetch(&rw_readers, 1, RLX);
		if (__atomic_load_n(&rw_writers, RLX) != 0 || rw_a != rw_b)
			__atomic_fetch_add(&rw_bad, 1, RLX);
		__atomic_sub_fetch(&rw_readers, 1, RLX);
		pthread_rwlock_unlock(&rw);
	}
	return NULL;
}

static void *rw_writer(void *arg)
{
	int i;

	(void)arg;
	spin_until(&gate, 1);
	for (i = 0; i < RW_WRITES; i++) {
		pthread_rwlock_wrlock(&rw);
		if (__atomic_add_fetch(&rw_writers, 1, RLX) != 1 || __atomic_load_n(&rw_readers, RLX))
			__atomic_fetch_add(&rw_bad, 1, RLX);
		rw_a++;
		if (i % 50 == 0)
			sched_yield();
		rw_b++;
		__atomic_sub_fetch(&rw_writers, 1, RLX);
		pthread_rwlock_unlock(&rw);
	}
	return NULL;
}

static void *try_rdlock(void *arg)
{
	int r = pthread_rwlock_tryrdlock(&rw);

	(void)arg;
	if (r == 0)
		pthread_rwlock_unlock(&rw);
	return (void *)(long)r;
}

static void *try_wrlock(void *arg)
{
	int r = pthread_rwlock_trywrlock(&rw);

	(void)arg;
	if (r == 0)
		pthread_rwlock_unlock(&rw);
	return (void *)(long)r;
}

static long in_thread(void *(*fn)(void *), void *arg)
{
	pthread_t t;
	void *r;

	pthread_create(&t, NULL, fn, arg);
	pthread_join(t, &r);
	return (long)r;
}

static pthread_mutex_t mx;

static void *mx_unlock(void *arg)
{
	(void)arg;
	return (void *)(long)pthread_mutex_unlock(&mx);
}

static void *mx_lock_and_die(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mx);
	return NULL;
}

#define PI_ITERS 100
static long pi_counter;

static void *pi_thread(void *arg)
{
	int i;

	(void)arg;
	spin_until(&gate, 1);
	for (i = 0; i < PI_ITERS; i++) {
		pthread_mutex_lock(&mx);
		pi_counter++;
		if (i % 50 == 25)
			sched_yield();
		pthread_mutex_unlock(&mx);
	}
	return NULL;
}

static void rwlocks_mutexes(void)
{
	pthread_mutexattr_t ma;
	pthread_t t[NT];
	long a, b;
	int i, r;

	gate = 0;
	for (i = 0; i < NT; i++)
		pthread_create(&t[i], NULL, i < 2 ? rw_writer : rw_reader, NULL);
	__atomic_store_n(&gate, 1, REL);
	for (i = 0; i < NT; i++)
		pthread_join(t[i], NULL);
	check(rw_a == 2 * RW_WRITES && rw_b == rw_a && rw_bad == 0,
	      "rwlock: 2 writers x %d, 4 readers x %d: %llu writes, readers never saw one half-done",
	      RW_WRITES, RW_READS, (unsigned long long)rw_a);
	pthread_rwlock_rdlock(&rw);
	a = in_thread(try_rdlock, NULL);
	b = in_thread(try_wrlock, NULL);
	pthread_rwlock_unlock(&rw);
	check(a == 0 && b == EBUSY, "read-locked: another thread's tryrdlock 0, trywrlock EBUSY");
	pthread_rwlock_wrlock(&rw);
	a = in_thread(try_rdlock, NULL);
	b = in_thread(try_wrlock, NULL);
	pthread_rwlock_unlock(&rw);
	check(a == EBUSY && b == EBUSY, "write-locked: another thread's tryrdlock and trywrlock EBUSY");

	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&mx, &ma);
	pthread_mutex_lock(&mx);
	r = pthread_mutex_lock(&mx);
	a = in_thread(mx_unlock, NULL);
	check(r == EDEADLK && a == EPERM && pthread_mutex_unlock(&mx) == 0,
	      "error-checking mutex: relock EDEADLK, unlock by another thread EPERM");
	pthread_mutex_destroy(&mx);
	pthread_mutexattr_destroy(&ma);

	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&mx, &ma);
	in_thread(mx_lock_and_die, NULL);
	r = pthread_mutex_lock(&mx);
	check(r == EOWNERDEAD, "robust mutex whose owner exited -> EOWNERDEAD");
	check(pthread_mutex_consistent(&mx) == 0 && pthread_mutex_unlock(&mx) == 0 &&
	      pthread_mutex_lock(&mx) == 0 && pthread_mutex_unlock(&mx) == 0,
	      "made consistent, unlocked, locks again normally");
	pthread_mutex_destroy(&mx);
	pthread_mutexattr_destroy(&ma);

	pthread_mutexattr_init(&ma);
	r = pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT);
	pthread_mutex_init(&mx, &ma);
	gate = 0;
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, pi_thread, NULL);
	__atomic_store_n(&gate, 1, REL);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	check(r == 0 && pi_counter == 4 * PI_ITERS,
	      "priority-inheritance mutex (FUTEX_LOCK_PI): 4 threads x %d = %ld", PI_ITERS, pi_counter);
	pthread_mutex_destroy(&mx);
	pthread_mutexattr_destroy(&ma);
}

/* ---- signals to threads and to the process ---- */

static __thread int my_index = NT;      /* the main thread's: NT */
static __thread volatile sig_atomic_t tls_hits;
static int handled_by[NT + 1], handler_code[NT + 1], handler_value[NT + 1];

static void usr1_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	tls_hits++;
	__atomic_fetch_add(&handled_by[my_index], 1, RLX);
	handler_code[my_index] = si->si_code;
	handler_value[my_index] = si->si_value.sival_int;
}

static int sig_targets, sig_gate, sig_pipe[2];
#define SIG_NT 4                /* threads in the signal rounds */
static pthread_t st[SIG_NT];
static timer_t sig_timer;
static int have_timer;

/* Targets (bit i) wait in sigsuspend with SIGUSR1 unblocked until their
 * handler ran; the others wait with it blocked. Mode 1: the one target
 * unblocks SIGUSR1 for good and blocks in read(). */
static int sig_mode, read_errno;

static void *sig_thread(void *arg)
{
	int i = (int)(long)arg;
	sigset_t unblocked;
	char c;

	my_index = i;
	pthread_sigmask(SIG_BLOCK, NULL, &unblocked);
	sigdelset(&unblocked, SIGUSR1);
	if (sig_mode == 1 && (sig_targets & 1 << i))
		pthread_sigmask(SIG_SETMASK, &unblocked, NULL);
	tids[i] = gettid();
	__atomic_fetch_add(&arrived, 1, REL);
	if (!(sig_targets & 1 << i))
		event_wait(&sig_gate);
	else if (sig_mode == 1)
		read_errno = read(sig_pipe[0], &c, 1) == -1 ? errno : 0;
	else
		while (!tls_hits)
			sigsuspend(&unblocked);
	return (void *)(long)tls_hits;
}

static void trig_thread(int k)
{
	if (k % 2)
		syscall(SYS_tgkill, getpid(), tids[k], SIGUSR1);
	else
		pthread_kill(st[k], SIGUSR1);
}

static void trig_kill(int k) { (void)k; kill(getpid(), SIGUSR1); }

static void trig_sigqueue(int k)
{
	union sigval v = { .sival_int = 100 + k };

	sigqueue(getpid(), SIGUSR1, v);
}

static void trig_timer(int k, int to_thread)
{
	struct sigevent sev;
	struct itimerspec its = { { 0, 0 }, { 0, 2000000 } };

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = to_thread ? SIGEV_THREAD_ID : SIGEV_SIGNAL;
	sev.sigev_signo = SIGUSR1;
	sev.sigev_value.sival_int = 200 + k;
	sev._sigev_un._tid = tids[k];
	have_timer = timer_create(CLOCK_MONOTONIC, &sev, &sig_timer) == 0;
	timer_settime(sig_timer, 0, &its, NULL);
}

static void trig_timer_thread(int k) { trig_timer(k, 1); }
static void trig_timer_process(int k) { trig_timer(k, 0); }

/* One round: SIG_NT threads, the targets signalled with trigger; 1 if exactly
 * the targets ran the handler, once each, with si_code code (and value if
 * value >= 0; value + k for target k). */
static int sig_round(int targets, void (*trigger)(int), int code, int value)
{
	int i, ok = 1;

	memset(handled_by, 0, sizeof(handled_by));
	arrived = sig_gate = 0;
	sig_targets = targets;
	for (i = 0; i < SIG_NT; i++)
		pthread_create(&st[i], NULL, sig_thread, (void *)(long)i);
	wait_arrived(SIG_NT);
	if (sig_mode == 1)
		for (i = 0; i < SIG_NT; i++)
			if (targets & 1 << i)
				ok &= wait_asleep(&tids[i], 1);
	for (i = 0; i < SIG_NT; i++)
		if (targets & 1 << i)
			trigger(i);
	for (i = 0; i < SIG_NT; i++)
		if (targets & 1 << i)
			pthread_join(st[i], NULL);
	event_set(&sig_gate);
	for (i = 0; i < SIG_NT; i++)
		if (!(targets & 1 << i))
			pthread_join(st[i], NULL);
	if (have_timer)
		timer_delete(sig_timer);
	have_timer = 0;
	for (i = 0; i <= NT; i++) {
		int want = i < SIG_NT && (targets & 1 << i);

		ok &= handled_by[i] == want;
		if (want)
			ok &= handler_code[i] == code && (value < 0 || handler_value[i] == value + i);
	}
	return ok;
}

static void *pending_probe(void *arg)
{
	sigset_t p;

	(void)arg;
	sigpending(&p);
	return (void *)(long)(sigismember(&p, SIGUSR1) | sigismember(&p, SIGUSR2) << 1);
}

static int rt_vals[3], rt_codes[3], usr2_seen, usr2_code;

static void *sigwaiter(void *arg)
{
	sigset_t set;
	siginfo_t si;
	int n, nrt = 0, sig;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN + 1);
	__atomic_fetch_add(&arrived, 1, REL);
	for (n = 0; n < 4; n++) {
		sig = sigwaitinfo(&set, &si);
		if (sig == SIGUSR2) {
			usr2_seen++;
			usr2_code = si.si_code;
		} else if (sig == SIGRTMIN + 1 && nrt < 3) {
			rt_vals[nrt] = si.si_value.sival_int;
			rt_codes[nrt++] = si.si_code;
		}
	}
	return NULL;
}

static void signals(void)
{
	struct sigaction sa;
	sigset_t set;
	siginfo_t si;
	pthread_t t;
	long probe;
	int i, k, ok, sig1, sig2;
	union sigval v;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = usr1_handler;
	sa.sa_flags = SA_SIGINFO;       /* no SA_RESTART: read() gets EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);

	check(sig_round((1 << SIG_NT) - 1, trig_thread, SI_TKILL, -1),
	      "pthread_kill to threads 0 and 2, tgkill to 1 and 3: each ran the handler once itself, SI_TKILL");
	check(sig_round(1 << 3, trig_kill, SI_USER, -1),
	      "kill to the process: the one thread of %d with SIGUSR1 unblocked ran it, SI_USER", SIG_NT);
	check(sig_round(1 << 1, trig_sigqueue, SI_QUEUE, 100),
	      "sigqueue to the process: the unblocking thread ran it, SI_QUEUE, its value");
	check(sig_round(1 << 3, trig_timer_thread, SI_TIMER, 200),
	      "timer with SIGEV_THREAD_ID: its thread ran the handler, SI_TIMER, its value");
	check(sig_round(1 << 0, trig_timer_process, SI_TIMER, 200),
	      "process timer (SIGEV_SIGNAL): the unblocking thread ran it, SI_TIMER");
	pipe(sig_pipe);
	sig_mode = 1;
	read_errno = 0;
	ok = sig_round(1 << 2, trig_kill, SI_USER, -1);
	sig_mode = 0;
	close(sig_pipe[0]);
	close(sig_pipe[1]);
	check(ok && read_errno == EINTR,
	      "kill to the process: the thread blocked in read() with it unblocked ran it, read EINTR");

	errno = 0;
	check(syscall(SYS_tgkill, 1, tids[0], SIGUSR1) == -1 && errno == ESRCH,
	      "tgkill with another process's tgid -> ESRCH");
	wait_gone(tids[0]);
	errno = 0;
	check(syscall(SYS_tgkill, getpid(), tids[0], SIGUSR1) == -1 && errno == ESRCH,
	      "tgkill to a thread that has exited -> ESRCH");

	/* Pending sets: thread-directed only in its thread, process-directed
	 * in every thread's. SIGUSR1 and SIGUSR2 are blocked in main. */
	pthread_kill(pthread_self(), SIGUSR1);
	sigpending(&set);
	probe = in_thread(pending_probe, NULL);
	check(sigismember(&set, SIGUSR1) && probe == 0,
	      "pthread_kill(self) while blocked: pending in this thread, not in a new one");
	kill(getpid(), SIGUSR2);
	probe = in_thread(pending_probe, NULL);
	check(probe == 2, "kill(process) while blocked everywhere: pending in a new thread too");
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sig1 = sigwaitinfo(&set, &si);
	k = si.si_code;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sig2 = sigwaitinfo(&set, &si);
	sigpending(&set);
	/* (Not SI_TKILL checked for the first: the handlers check it, and
	 * Linux 6.18 on x86 gives sigwaitinfo SI_USER for a tgkill to self.) */
	check(sig1 == SIGUSR1 && k != SI_QUEUE && sig2 == SIGUSR2 && si.si_code == SI_USER &&
	      !sigismember(&set, SIGUSR1) && !sigismember(&set, SIGUSR2),
	      "main's sigwaitinfo takes both, nothing left pending");

	/* sigwaitinfo in one thread: 3 queued real-time signals in order and
	 * one SIGUSR2, all sent to the process. */
	arrived = 0;
	pthread_create(&t, NULL, sigwaiter, NULL);
	wait_arrived(1);
	for (i = 1; i <= 3; i++) {
		v.sival_int = i;
		sigqueue(getpid(), SIGRTMIN + 1, v);
	}
	kill(getpid(), SIGUSR2);
	pthread_join(t, NULL);
	check(rt_vals[0] == 1 && rt_vals[1] == 2 && rt_vals[2] == 3 &&
	      rt_codes[0] == SI_QUEUE && rt_codes[2] == SI_QUEUE,
	      "sigwaitinfo in a thread: 3 queued SIGRTMIN+1 in order 1 2 3, SI_QUEUE");
	check(usr2_seen == 1 && usr2_code == SI_USER, "sigwaitinfo in a thread: SIGUSR2, SI_USER");
}

/* ---- affinity ---- */

static int after_gate_cpu = -1;
static cpu_set_t thread_mask;

static void *inherit_probe(void *arg)
{
	(void)arg;
	if (sched_getaffinity(0, sizeof(thread_mask), &thread_mask) != 0)
		return (void *)-1l;
	return (void *)(long)sched_getcpu();
}

static void *affine_thread(void *arg)
{
	(void)arg;
	tids[0] = gettid();
	__atomic_fetch_add(&arrived, 1, REL);
	event_wait(&gate);
	after_gate_cpu = sched_getcpu();
	return NULL;
}

static void affinity(void)
{
	cpu_set_t orig, zero, set, got;
	pthread_t t;
	long cpu;
	int r, e;

	check(sched_getaffinity(0, sizeof(orig), &orig) == 0 && CPU_ISSET(0, &orig),
	      "sched_getaffinity: CPU 0 allowed");
	CPU_ZERO(&zero);
	CPU_SET(0, &zero);
	check(sched_setaffinity(0, sizeof(zero), &zero) == 0, "sched_setaffinity {0}");
	CPU_ZERO(&got);
	sched_getaffinity(0, sizeof(got), &got);
	check(CPU_EQUAL(&got, &zero), "sched_getaffinity is then exactly {0}");
	check(sched_getcpu() == 0, "sched_getcpu is then 0");
	cpu = in_thread(inherit_probe, NULL);
	check(cpu == 0 && CPU_EQUAL(&thread_mask, &zero), "a new thread inherits {0}, runs on CPU 0");

	CPU_ZERO(&set);
	errno = 0;
	r = sched_setaffinity(0, sizeof(set), &set);
	e = errno;
	check(r == -1 && e == EINVAL, "sched_setaffinity with an empty mask -> EINVAL");
	CPU_SET(1000, &set);
	errno = 0;
	r = sched_setaffinity(0, sizeof(set), &set);
	e = errno;
	check(r == -1 && e == EINVAL, "sched_setaffinity {1000} (no such CPU) -> EINVAL");
	sched_getaffinity(0, sizeof(got), &got);
	check(CPU_EQUAL(&got, &zero), "the mask is still {0}");
	errno = 0;
	check(syscall(SYS_sched_getaffinity, 0, 4, &got) == -1 && errno == EINVAL,
	      "sched_getaffinity with a 4-byte buffer -> EINVAL");
	check(sched_setaffinity(0, sizeof(orig), &orig) == 0 &&
	      sched_getaffinity(0, sizeof(got), &got) == 0 && CPU_EQUAL(&got, &orig),
	      "the original mask restored");

	/* Another thread's mask, set from main. */
	arrived = gate = 0;
	pthread_create(&t, NULL, affine_thread, NULL);
	wait_arrived(1);
	r = sched_setaffinity(tids[0], sizeof(zero), &zero);
	sched_getaffinity(tids[0], sizeof(got), &got);
	sched_getaffinity(0, sizeof(set), &set);
	event_set(&gate);
	pthread_join(t, NULL);
	check(r == 0 && CPU_EQUAL(&got, &zero) && CPU_EQUAL(&set, &orig),
	      "sched_setaffinity on another thread's TID: its mask {0}, main's unchanged");
	check(after_gate_cpu == 0, "that thread then runs on CPU 0");
}

/* ---- thread lives ---- */

static void *ret_thread(void *arg)
{
	long i = (long)arg;

	tids[i] = gettid();
	__atomic_fetch_add(&arrived, 1, REL);
	event_wait(&gate);
	if (i % 2)
		pthread_exit((void *)(i * i + 1));
	return (void *)(i * i + 1);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs, once_value;

static void once_init(void)
{
	__atomic_fetch_add(&once_runs, 1, RLX);
	usleep(2000);
	once_value = 42;
}

static void *once_thread(void *arg)
{
	(void)arg;
	spin_until(&gate, 1);
	pthread_once(&once, once_init);
	return (void *)(long)(once_value == 42);
}

static pthread_key_t key;
static int destroyed[NT];

static void destructor(void *v)
{
	int *slot = v;

	__atomic_fetch_add(slot, 1, RLX);
	if (slot == &destroyed[0] && *slot == 1)
		pthread_setspecific(key, slot);         /* once more */
}

static void *tsd_thread(void *arg)
{
	long i = (long)arg;

	pthread_setspecific(key, i == NT - 1 ? NULL : &destroyed[i]);
	return (void *)(long)(pthread_getspecific(key) == (i == NT - 1 ? NULL : &destroyed[i]));
}

static int clone_ctid, clone_seen_tid;
static char clone_stack[65536] __attribute__((aligned(16)));

static int clone_child(void *arg)
{
	(void)arg;
	__atomic_store_n(&clone_seen_tid, (int)syscall(SYS_gettid), REL);
	syscall(SYS_exit, 0);           /* this thread only */
	return 0;
}

static void lives(void)
{
	pthread_t t[8];
	void *r;
	int i, ok, ok2, nthreads, ptid;

	arrived = gate = 0;
	for (i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, ret_thread, (void *)(long)i);
	wait_arrived(8);
	nthreads = threads_once(9);
	ok = 1;
	for (i = 0; i < 8; i++) {
		int j;

		ok &= tids[i] != getpid() && tids[i] > 0;
		for (j = 0; j < i; j++)
			ok &= tids[j] != tids[i];
	}
	check(ok, "8 threads: 8 distinct TIDs, none the PID");
	check(nthreads == 9, "/proc/self/status Threads: %d, as many in /proc/self/task", nthreads);
	event_set(&gate);
	ok = 1;
	for (i = 7; i >= 0; i--) {
		pthread_join(t[i], &r);
		ok &= (long)r == (long)i * i + 1;
	}
	check(ok, "join returns each thread's value (return or pthread_exit)");
	check(threads_once(1) == 1, "after the joins: Threads: 1");
	check(pthread_join(pthread_self(), NULL) == EDEADLK, "pthread_join(self) -> EDEADLK");

	gate = 0;
	for (i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, once_thread, NULL);
	__atomic_store_n(&gate, 1, REL);
	ok = 1;
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], &r);
		ok &= r == (void *)1;
	}
	check(once_runs == 1 && ok, "pthread_once from 8 threads: one run, all see its result");

	pthread_key_create(&key, destructor);
	for (i = 0; i < NT; i++)
		pthread_create(&t[i], NULL, tsd_thread, (void *)(long)i);
	ok = 1;
	for (i = 0; i < NT; i++) {
		pthread_join(t[i], &r);
		ok &= r == (void *)1;
	}
	ok2 = destroyed[0] == 2 && destroyed[NT - 1] == 0;
	for (i = 1; i < NT - 1; i++)
		ok2 &= destroyed[i] == 1;
	check(ok && ok2, "TSD destructors: once per non-NULL value, again for a value set in one");
	pthread_key_delete(key);

	i = clone(clone_child, clone_stack + sizeof(clone_stack),
		  CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
		  CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID, NULL, &clone_ctid, NULL, &clone_ctid);
	ptid = __atomic_load_n(&clone_ctid, ACQ);
	ok = i > 0 && (ptid == i || ptid == 0);
	while ((ptid = __atomic_load_n(&clone_ctid, ACQ)) != 0)
		futex(&clone_ctid, FUTEX_WAIT, ptid, 0, NULL, 0);
	check(ok && __atomic_load_n(&clone_seen_tid, ACQ) == i,
	      "raw clone(CLONE_THREAD|CLONE_PARENT_SETTID): TID stored, the child's gettid");
	check(clone_ctid == 0, "CLONE_CHILD_CLEARTID: word cleared and futex woken at the child's exit");
	errno = 0;
	check(syscall(SYS_clone, CLONE_THREAD, 0, 0, 0, 0) == -1 && errno == EINVAL,
	      "clone(CLONE_THREAD) without CLONE_SIGHAND -> EINVAL");
	errno = 0;
	check(syscall(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0) == -1 && errno == EINVAL,
	      "clone(CLONE_SIGHAND) without CLONE_VM -> EINVAL");
}

/* Process ends decided by a non-main thread, each in a forked child. */
static int child_how;
static char pid_arg[16];

static void *blocker(void *arg)
{
	tids[(long)arg] = gettid();
	__atomic_fetch_add(&arrived, 1, REL);
	for (;;)
		pause();
	return NULL;
}

static void *ender(void *arg)
{
	char *argv[] = { "sc-threads", "exec-child", pid_arg, NULL };

	(void)arg;
	spin_until(&arrived, 3);
	switch (child_how) {
	case 0:
		exit(7);
	case 1:
		usleep(5000);   /* main has called pthread_exit by now, or will */
		_exit(5);
	case 3:
		snprintf(pid_arg, sizeof(pid_arg), "%d", (int)getpid());
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	return NULL;
}

static void *quitter(void *arg)
{
	(void)arg;
	usleep(2000);
	return NULL;
}

static int run_child(int how)
{
	pid_t pid = xfork();
	pthread_t t[4];
	sigset_t set;
	int i;

	if (pid != 0)
		return wait_status(pid);
	child_how = how;
	arrived = 0;
	signal(SIGUSR1, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	if (how == 2) {
		for (i = 0; i < 3; i++)
			pthread_create(&t[i], NULL, quitter, NULL);
		pthread_exit(NULL);
	}
	for (i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, blocker, (void *)(long)i);
	if (how == 4) {
		wait_arrived(3);
		syscall(SYS_tgkill, getpid(), tids[1], SIGUSR1);
		for (;;)
			pause();
	}
	pthread_create(&t[3], NULL, ender, NULL);
	if (how == 1)
		pthread_exit(NULL);
	pthread_join(t[3], NULL);
	_exit(99);      /* not reached: the ender ends everything */
}

/* Run as "sc-threads exec-child PID" by a non-main thread's execv. */
static int exec_child(int argc, char **argv)
{
	if (argc != 3 || getpid() != atoi(argv[2]))
		return 1;
	if (gettid() != getpid() || threads_in_status() != 1 || tasks_in_proc() != 1)
		return 2;
	return EXEC_STATUS;
}

static void process_ends(void)
{
	check(run_child(0) == 7, "exit(7) in one of 4 threads ends the process, status 7");
	check(run_child(1) == 5, "main pthread_exit, then _exit(5) in another thread: status 5");
	check(run_child(2) == 0, "main pthread_exit, the last thread returns: status 0");
	check(run_child(4) == 1000 + SIGUSR1,
	      "tgkill with a fatal SIGUSR1 to one thread kills the process");
	check(run_child(3) == EXEC_STATUS,
	      "execve from a non-main thread: same PID, single-threaded, status %d", EXEC_STATUS);
}

/* ---- memory visibility ---- */

#define MP_ROUNDS 64
#define RING 64
#define MESSAGES 4000
static uint64_t mp_data[8];
static int mp_flag, mp_ack;

static void *mp_writer(void *arg)
{
	int r, j;

	(void)arg;
	for (r = 1; r <= MP_ROUNDS; r++) {
		spin_until(&mp_ack, r - 1);
		for (j = 0; j < 8; j++)
			mp_data[j] = (uint64_t)r * 0x9e3779b97f4a7c15ull + j;
		__atomic_store_n(&mp_flag, r, REL);
	}
	return NULL;
}

static struct {
	uint64_t seq, a, b, c;
} ring[RING];
static int ring_head, ring_tail;

static void *ring_producer(void *arg)
{
	int n, spins = 0;

	(void)arg;
	for (n = 0; n < MESSAGES; n++) {
		while (n - __atomic_load_n(&ring_tail, ACQ) >= RING)
			if (++spins > 50)
				sched_yield();
		ring[n % RING].seq = n;
		ring[n % RING].a = (uint64_t)n * 3 + 1;
		ring[n % RING].b = ~(uint64_t)n;
		ring[n % RING].c = (uint64_t)n ^ 0x5555555555555555ull;
		__atomic_store_n(&ring_head, n + 1, REL);
	}
	return NULL;
}

static void visibility(void)
{
	pthread_t t;
	int r, j, bad = 0, n, spins = 0;
	uint64_t s;

	pthread_create(&t, NULL, mp_writer, NULL);
	for (r = 1; r <= MP_ROUNDS; r++) {
		spin_until(&mp_flag, r);
		for (j = 0; j < 8; j++)
			bad += mp_data[j] != (uint64_t)r * 0x9e3779b97f4a7c15ull + j;
		__atomic_store_n(&mp_ack, r, REL);
	}
	pthread_join(t, NULL);
	check(bad == 0, "release/acquire flag: %d rounds, the 8 data words always seen", MP_ROUNDS);

	bad = 0;
	pthread_create(&t, NULL, ring_producer, NULL);
	for (n = 0; n < MESSAGES; n++) {
		while (__atomic_load_n(&ring_head, ACQ) <= n)
			if (++spins > 50)
				sched_yield();
		s = ring[n % RING].seq;
		bad += s != (uint64_t)n || ring[n % RING].a != s * 3 + 1 || ring[n % RING].b != ~s ||
		       ring[n % RING].c != (s ^ 0x5555555555555555ull);
		__atomic_store_n(&ring_tail, n + 1, REL);
	}
	pthread_join(t, NULL);
	check(bad == 0, "release/acquire ring of %d: %d messages, all in order and whole", RING, MESSAGES);
}

int main(int argc, char **argv)
{
	sigset_t set;

	if (argc > 1 && strcmp(argv[1], "exec-child") == 0)
		return exec_child(argc, argv);
	equiv_start("sc-threads");
	alarm(100);     /* a hang ends the program, not the whole suite */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	futex_calls();
	futex_mutex();
	atomics();
	barriers();
	condvars();
	rwlocks_mutexes();
	signals();
	lives();
	process_ends();
	visibility();
	affinity();
	return equiv_finish();
}
