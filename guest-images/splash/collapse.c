/*
 * collapse: a replicated page written by one thread is seen written by
 * every thread (the NUMA engine's collapse, numa/placement.h). Not a
 * SPLASH-2 program; it follows their conventions (splashlib, one PASS or
 * FAIL line). Made for the test numa-collapse.
 *
 * Each generation: every thread reads one word of every 4 KiB page of a
 * table (-t KiB) -r times, so that under migrate-replicate, in a VM
 * spanning two nodes, the table's pages turn hot on both nodes and are
 * replicated; then thread 0 alone rewrites every word (the stores collapse
 * the replicas); then every thread checks every word holds the new
 * generation's value. A thread that read a stale replica counts the stale
 * words it saw. The output is the same under every policy.
 */
#include "splashlib.h"

#include <stdio.h>

#define NAME "collapse"
#define WORDS_A_PAGE 512        /* 4 KiB of 64-bit words */

static int P;
static long words, rounds, generations;
static volatile unsigned long *table;
static long stale[SPLASH_MAX_THREADS], sums[SPLASH_MAX_THREADS];

static unsigned long value(long i, long gen)
{
	struct splash_rng r = { (unsigned long)i * 1000003u + (unsigned long)gen };

	return splash_rand(&r);
}

static void worker(int id)
{
	splash_begin(id);
	for (long gen = 1; gen <= generations; gen++) {
		unsigned long s = 0;

		for (long r = 0; r < rounds; r++)
			for (long i = (id * WORDS_A_PAGE) % words; i < words; i += WORDS_A_PAGE)
				s += table[i];
		sums[id] += (long)(s & 1);
		splash_barrier();
		if (id == 0)
			for (long i = 0; i < words; i++)
				table[i] = value(i, gen + 1);
		splash_barrier();
		for (long i = 0; i < words; i++)
			if (table[i] != value(i, gen + 1))
				stale[id]++;
		splash_barrier();
	}
	splash_end(id);
}

int main(int argc, char **argv)
{
	struct splash_opt opts[] = {
		{ 't', "table size in KiB", 4096, 2048, 16, 1 << 20, 0, 0 },
		{ 'r', "read passes over the table before each write", 64, 32, 1, 1 << 20, 0, 0 },
		{ 'g', "generations (a read phase, a write, a check)", 3, 2, 1, 1000, 0, 0 },
	};
	struct splash_args args;
	long bad = 0;

	splash_parse(argc, argv, NAME, "replicated pages written by one thread, read by all",
		     opts, 3, &args);
	P = args.threads;
	words = opts[0].value * 1024 / 8;
	rounds = opts[1].value;
	generations = opts[2].value;
	table = splash_alloc(NAME, (unsigned long)words * 8);
	for (long i = 0; i < words; i++)
		table[i] = value(i, 1);
	splash_run(P, worker);
	for (int t = 0; t < P; t++)
		bad += stale[t];
	printf("%s: %s %d threads, %ld pages, %ld generations: %ld stale words read\n", NAME,
	       bad ? "FAIL" : "PASS", P, words / WORDS_A_PAGE, generations, bad);
	return bad ? 1 : 0;
}
