/*
 * readshare: read-shared data across nodes, the case page replication is
 * for (Disco, SOSP 1997, sec. 4.2.3 and 5.5: "read-shared pages are
 * replicated to the nodes that read them"). Not a SPLASH-2 program; it
 * follows their conventions (splashlib, bench marks, one PASS/FAIL line).
 *
 * The main thread allocates one large table (-t KiB, 4 MiB by default) and
 * writes all of it, so under first-touch placement every page lands on its
 * node. In the parallel phase every thread reads the whole table -r times,
 * one 64-bit word every -k words (16: one word per 128-byte line, so that
 * nearly every load misses a cache smaller than the table), each pass
 * starting at its own place (a band of its own first, as the threads of
 * SPLASH-2 programs do). It writes little: once per pass, its running
 * checksum into its own slot of a small results array (a line of its own).
 *
 * Every pass's checksum is a sum of a mix of the words read, the same in
 * any order: each thread's must equal the one the main thread computed
 * before the phase (outside the marks), for every pass. With -p 1 and many
 * passes it is also a single-threaded memory-heavy loop (numa-readshare: a VM
 * whose vCPU is moved to another node and whose memory should follow).
 */
#include "splashlib.h"

#include <stdio.h>
#include <stdlib.h>

#define NAME "readshare"
#define SLOT 16		/* longs per result slot: 128 bytes, a line of its own */

static int P;
static long words, stride, rounds;
static unsigned long *table;
static unsigned long expected;
static unsigned long *result;	/* result[id * SLOT]: the thread's last pass's checksum */
static long bad_passes[SPLASH_MAX_THREADS];
static long loads[SPLASH_MAX_THREADS];

static inline unsigned long mix(unsigned long w)
{
	w ^= w >> 29;
	return w * 0xbf58476d1ce4e5b9ul;
}

/* The checksum of one pass: the words at multiples of stride, from word
 * `start` (a multiple of stride) round to it again. */
static unsigned long pass(long start)
{
	unsigned long s = 0;
	long i;

	for (i = start; i < words; i += stride)
		s += mix(table[i]);
	for (i = 0; i < start; i += stride)
		s += mix(table[i]);
	return s;
}

static void worker(int id)
{
	long lo, hi, steps = words / stride;

	splash_range(steps, id, P, &lo, &hi);
	splash_begin(id);
	for (long r = 0; r < rounds; r++) {
		/* its own band first, moving on a little every pass */
		long start = ((lo + r * 37) % steps) * stride;
		unsigned long s = pass(start);

		result[id * SLOT] = s;
		if (s != expected)
			bad_passes[id]++;
		loads[id] += steps;
	}
	splash_end(id);
}

int main(int argc, char **argv)
{
	struct splash_opt opts[] = {
		{ 't', "table size in KiB", 4096, 1024, 4, 1L << 20, 0, 0 },
		{ 'r', "passes over the table per thread", 64, 16, 1, 1L << 24, 0, 0 },
		{ 'k', "stride in 64-bit words (a power of 2)", 16, 16, 1, 512, 0, 0 },
	};
	struct splash_args args;
	struct splash_rng rng = { 7 };
	long bad = 0, total = 0;

	splash_parse(argc, argv, NAME, "threads read one large shared table over and over",
		     opts, 3, &args);
	P = args.threads;
	words = opts[0].value * 1024 / sizeof(unsigned long);
	rounds = opts[1].value;
	stride = opts[2].value;
	if (stride & (stride - 1))
		splash_usage_error(NAME, "the stride (-k %ld) must be a power of 2", stride);
	if (words < stride * P)
		splash_usage_error(NAME, "the table (-t %ld) is too small for %d threads", opts[0].value, P);
	printf("%s: threads %d size table=%ld KiB passes=%ld stride=%ld words (%ld loads a pass)\n",
	       NAME, P, opts[0].value, rounds, stride, words / stride);

	/* the table is written by the main thread alone */
	table = splash_alloc(NAME, words * sizeof(unsigned long));
	result = splash_alloc(NAME, (long)P * SLOT * sizeof(unsigned long));
	for (long i = 0; i < words; i++)
		table[i] = splash_rand(&rng);
	for (long i = 0; i < (long)P * SLOT; i++)
		result[i] = 0;
	expected = pass(0);

	splash_run(P, worker);

	for (int t = 0; t < P; t++) {
		printf("%s: thread %d loads %ld\n", NAME, t, loads[t]);
		bad += bad_passes[t];
		total += loads[t];
		if (result[t * SLOT] != expected)
			bad++;
	}
	int ok = bad == 0 && total == (long)P * rounds * (words / stride);
	printf("%s: %s %ld bad passes; checksum %016lx; %ld loads a thread\n",
	       NAME, ok ? "PASS" : "FAIL", bad, expected, rounds * (words / stride));
	return ok ? 0 : 1;
}
