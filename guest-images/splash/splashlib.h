/*
 * splashlib.h: what the six SPLASH-2-style programs share (splashlib.c): the
 * instruction counter's mark, a barrier, thread start-up, option parsing
 * and a small deterministic PRNG. No timing: every number a program
 * prints depends only on its input.
 */
#ifndef SPLASHLIB_H
#define SPLASHLIB_H

#include <pthread.h>
#include <stdint.h>

#define SPLASH_MAX_THREADS 64

/*
 * bench_mark(N): a raw system call 5999 (ENOSYS from Linux, the monitor's
 * mark) in a function alone in section .bench_mark, linked at a fixed
 * address (-Wl,--section-start=.bench_mark=0x110000000) where the
 * insncount plugin snapshots its counters. Mark 1: the parallel phase
 * starts; mark 2: it ends. Called by thread 0 only.
 */
void bench_mark(long mark);

/* The barrier every program synchronizes with (pthread_barrier_t). */
void splash_barrier(void);

/*
 * splash_run(P, fn): creates threads 1..P-1 running fn(id), runs fn(0) in
 * the calling (main) thread and joins the others. Within fn, every thread
 * calls splash_begin(id) once before its parallel work and splash_end(id)
 * after it: splash_begin is a barrier, mark 1 by thread 0 and another
 * barrier (no thread starts before the mark); splash_end a barrier and
 * mark 2 by thread 0.
 */
void splash_run(int nthreads, void (*fn)(int id));
void splash_begin(int id);
void splash_end(int id);

/*
 * Options. Every program takes -p THREADS, -s (its small sizes), -h and
 * the options in its table (an integer each). A value given explicitly
 * wins over -s. Bad options: the usage on stderr and exit 2; -h: the
 * usage on stdout and exit 0.
 */
struct splash_opt {
	char letter;
	const char *what;	/* "points = 2^M", for the usage */
	long def, small;	/* the default and the -s value */
	long min, max;
	long value;		/* the result */
	int set;		/* given explicitly */
};
struct splash_args {
	int threads;
	int small;
};
void splash_parse(int argc, char **argv, const char *name, const char *about,
		  struct splash_opt *opts, int nopts, struct splash_args *args);
/* For checks a program makes after parsing (e.g. "n must be a multiple of b"). */
void splash_usage_error(const char *name, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

/* splitmix64: deterministic, the same on every host. */
struct splash_rng { uint64_t s; };
static inline uint64_t splash_rand(struct splash_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}
/* uniform in [0, 1), 53 bits */
static inline double splash_drand(struct splash_rng *r)
{
	return (double)(splash_rand(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Large shared arrays: zeroed anonymous memory, touched first by the caller. */
void *splash_alloc(const char *name, unsigned long bytes);

/* [lo, hi) of n items for thread id of p: contiguous, sizes differ by at most 1 */
static inline void splash_range(long n, int id, int p, long *lo, long *hi)
{
	*lo = n * id / p;
	*hi = n * (id + 1) / p;
}

#endif
