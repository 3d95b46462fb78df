/*
 * radix: SPLASH-2's Radix kernel, written from the algorithm in Woo et
 * al. (ISCA 1995): a parallel radix sort of n integer keys, one digit of
 * log2(R) bits per pass, least significant first. Each thread owns a
 * contiguous band of the keys; a pass is
 *
 *   every thread counts the digits of its keys (its own histogram);  barrier
 *   the prefix sums: every thread takes a band of the R digits, sums
 *   them over all the threads' histograms and prefixes them;       barrier
 *   every thread turns the sums into the rank, for each thread and
 *   digit of its band, of the first key of that thread and digit;  barrier
 *   every thread moves its keys to their ranks in the other array
 *   (the permutation: scattered writes to every thread's band);    barrier
 *
 * The keys (uniform in [0, max key)) are written by the main thread.
 * The check: the result is sorted, and it is a permutation of the input
 * (the count, sum, sum of squares and a hash-sum of the keys match the
 * input's). The sort is stable and exact, so everything printed is the
 * same whatever the number of threads.
 */
#include "splashlib.h"

#include <stdio.h>
#include <stdlib.h>

#define NAME "radix"

static int P;
static long n, R, maxkey, logr, passes;
static unsigned *key[2];	/* the keys and the other array of each pass */
static long *hist;		/* hist[t * R + d]: thread t's keys with digit d, then its rank */
static long bandsum[SPLASH_MAX_THREADS];
static long keys_done[SPLASH_MAX_THREADS];

static void worker(int id)
{
	long lo, hi, dlo, dhi;

	splash_range(n, id, P, &lo, &hi);
	splash_range(R, id, P, &dlo, &dhi);
	splash_begin(id);
	for (long pass = 0; pass < passes; pass++) {
		const unsigned *src = key[pass & 1];
		unsigned *dst = key[(pass + 1) & 1];
		long shift = pass * logr, *h = hist + id * R, s, base;

		for (long d = 0; d < R; d++)
			h[d] = 0;
		for (long i = lo; i < hi; i++)
			h[(src[i] >> shift) & (R - 1)]++;
		splash_barrier();
		/* the keys with a digit of our band, over all threads */
		s = 0;
		for (long d = dlo; d < dhi; d++)
			for (int t = 0; t < P; t++)
				s += hist[t * R + d];
		bandsum[id] = s;
		splash_barrier();
		base = 0;
		for (int t = 0; t < id; t++)
			base += bandsum[t];
		for (long d = dlo; d < dhi; d++)
			for (int t = 0; t < P; t++) {
				long c = hist[t * R + d];

				hist[t * R + d] = base;
				base += c;
			}
		splash_barrier();
		for (long i = lo; i < hi; i++) {
			unsigned k = src[i];

			dst[h[(k >> shift) & (R - 1)]++] = k;
		}
		keys_done[id] += hi - lo;
		splash_barrier();
	}
	splash_end(id);
}

struct sums { unsigned long count, sum, sq, hash; };

static void add(struct sums *s, unsigned k)
{
	unsigned long h = k * 0x9e3779b97f4a7c15ul;

	s->count++;
	s->sum += k;
	s->sq += (unsigned long)k * k;
	s->hash += h ^ (h >> 29);
}

int main(int argc, char **argv)
{
	struct splash_opt opts[] = {
		{ 'n', "number of keys", 262144, 16384, 1, 1L << 26, 0, 0 },
		{ 'r', "radix (a power of 2)", 1024, 1024, 2, 1L << 16, 0, 0 },
		{ 'm', "maximum key (keys are below it)", 524288, 524288, 1, 1L << 31, 0, 0 },
	};
	struct splash_args args;
	struct splash_rng rng = { 3 };
	struct sums in = { 0, 0, 0, 0 }, out = { 0, 0, 0, 0 };
	long unsorted = 0;
	const unsigned *res;

	splash_parse(argc, argv, NAME, "parallel radix sort of n integer keys", opts, 3, &args);
	P = args.threads;
	n = opts[0].value;
	R = opts[1].value;
	maxkey = opts[2].value;
	if (R & (R - 1))
		splash_usage_error(NAME, "the radix (-r %ld) must be a power of 2", R);
	for (logr = 0; (1L << logr) < R; logr++)
		;
	for (passes = 1; passes * logr < 64 && (maxkey - 1) >> (passes * logr); passes++)
		;
	printf("%s: threads %d size n=%ld (keys below %ld, radix %ld, %ld passes)\n",
	       NAME, P, n, maxkey, R, passes);

	key[0] = splash_alloc(NAME, n * sizeof(unsigned));
	key[1] = splash_alloc(NAME, n * sizeof(unsigned));
	hist = splash_alloc(NAME, P * R * sizeof(long));
	for (long i = 0; i < n; i++) {
		key[0][i] = (unsigned)(splash_rand(&rng) % (unsigned long)maxkey);
		add(&in, key[0][i]);
	}
	for (long i = 0; i < n; i++)	/* the other array is first touched here too */
		key[1][i] = 0;
	for (long i = 0; i < P * R; i++)
		hist[i] = 0;

	splash_run(P, worker);

	res = key[passes & 1];
	for (long i = 0; i < n; i++) {
		add(&out, res[i]);
		if (i && res[i - 1] > res[i])
			unsorted++;
	}
	for (int t = 0; t < P; t++)
		printf("%s: thread %d keys %ld\n", NAME, t, keys_done[t]);
	int ok = !unsorted && in.count == out.count && in.sum == out.sum && in.sq == out.sq &&
		 in.hash == out.hash;
	printf("%s: %s %ld keys out of order; count %lu sum %lu sumsq %lu hash %016lx (input: %lu %lu %lu %016lx); min %u max %u\n",
	       NAME, ok ? "PASS" : "FAIL", unsorted, out.count, out.sum, out.sq, out.hash,
	       in.count, in.sum, in.sq, in.hash, res[0], res[n - 1]);
	return ok ? 0 : 1;
}
