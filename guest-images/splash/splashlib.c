/* splashlib.c: the helpers of splashlib.h. */
#include "splashlib.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MARK_SYSCALL 5999

/* A raw syscall: no libc call, no GOT access from this far section. */
__attribute__((noinline, section(".bench_mark")))
void bench_mark(long mark)
{
#if defined(__mips__)
	register long v0 asm("$2") = MARK_SYSCALL;
	register long a0 asm("$4") = mark;
	register long a3 asm("$7");

	asm volatile("syscall"
		     : "+r"(v0), "=r"(a3)
		     : "r"(a0)
		     : "$3", "$8", "$9", "$10", "$11", "$12", "$13", "$14", "$15",
		       "$24", "$25", "hi", "lo", "memory");
#else
	/* host builds (correctness checks): nothing to mark */
	asm volatile("" : : "r"(mark) : "memory");
#endif
}

static pthread_barrier_t barrier;
static void (*thread_fn)(int id);

void splash_barrier(void)
{
	pthread_barrier_wait(&barrier);
}

/*
 * Two barriers around the mark: with fewer CPUs than threads, the others
 * could otherwise run their first parallel work before thread 0 gets to
 * mark 1 and that work would not be counted.
 */
void splash_begin(int id)
{
	splash_barrier();
	if (id == 0)
		bench_mark(1);
	splash_barrier();
}

void splash_end(int id)
{
	splash_barrier();
	if (id == 0)
		bench_mark(2);
}

static void *thread_main(void *arg)
{
	thread_fn((int)(long)arg);
	return NULL;
}

void splash_run(int p, void (*fn)(int id))
{
	pthread_t tid[SPLASH_MAX_THREADS];

	thread_fn = fn;
	if (pthread_barrier_init(&barrier, NULL, p) != 0) {
		fprintf(stderr, "splash: pthread_barrier_init failed\n");
		exit(1);
	}
	for (int i = 1; i < p; i++) {
		int err = pthread_create(&tid[i], NULL, thread_main, (void *)(long)i);

		if (err) {
			fprintf(stderr, "splash: pthread_create: %s\n", strerror(err));
			exit(1);
		}
	}
	fn(0);
	for (int i = 1; i < p; i++)
		pthread_join(tid[i], NULL);
	pthread_barrier_destroy(&barrier);
}

static void usage(FILE *f, const char *name, const char *about,
		  const struct splash_opt *opts, int nopts)
{
	fprintf(f, "usage: %s [-p THREADS] [-s]", name);
	for (int i = 0; i < nopts; i++)
		fprintf(f, " [-%c N]", opts[i].letter);
	fprintf(f, " [-h]\n  %s\n", about);
	fprintf(f, "  -p THREADS  threads, 1 to %d (default 1)\n", SPLASH_MAX_THREADS);
	fprintf(f, "  -s          the small sizes (test suite); -%c etc. still override\n",
		nopts ? opts[0].letter : 'x');
	for (int i = 0; i < nopts; i++)
		fprintf(f, "  -%c N        %s (default %ld, small %ld, %ld..%ld)\n",
			opts[i].letter, opts[i].what, opts[i].def, opts[i].small,
			opts[i].min, opts[i].max);
	fprintf(f, "  -h          this help\n");
}

static const char *usage_name;
static const char *usage_about;
static const struct splash_opt *usage_opts;
static int usage_nopts;

void splash_usage_error(const char *name, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (usage_name)
		usage(stderr, usage_name, usage_about, usage_opts, usage_nopts);
	exit(2);
}

static int parse_long(const char *s, long *v)
{
	char *end;

	if (!s || !*s)
		return -1;
	errno = 0;
	*v = strtol(s, &end, 0);
	return (errno || *end) ? -1 : 0;
}

void splash_parse(int argc, char **argv, const char *name, const char *about,
		  struct splash_opt *opts, int nopts, struct splash_args *args)
{
	long v;

	usage_name = name;
	usage_about = about;
	usage_opts = opts;
	usage_nopts = nopts;
	args->threads = 1;
	args->small = 0;
	for (int i = 0; i < nopts; i++)
		opts[i].set = 0;
	for (int a = 1; a < argc; a++) {
		const char *arg = argv[a];
		int k;

		if (arg[0] != '-' || !arg[1] || arg[2])
			splash_usage_error(name, "bad argument '%s'", arg);
		switch (arg[1]) {
		case 'h':
			usage(stdout, name, about, opts, nopts);
			exit(0);
		case 's':
			args->small = 1;
			continue;
		case 'p':
			if (parse_long(a + 1 < argc ? argv[a + 1] : NULL, &v) ||
			    v < 1 || v > SPLASH_MAX_THREADS)
				splash_usage_error(name, "-p wants a number of threads, 1 to %d",
						   SPLASH_MAX_THREADS);
			args->threads = (int)v;
			a++;
			continue;
		}
		for (k = 0; k < nopts && opts[k].letter != arg[1]; k++)
			;
		if (k == nopts)
			splash_usage_error(name, "unknown option '%s'", arg);
		if (parse_long(a + 1 < argc ? argv[a + 1] : NULL, &v) ||
		    v < opts[k].min || v > opts[k].max)
			splash_usage_error(name, "-%c wants %s, %ld to %ld", opts[k].letter,
					   opts[k].what, opts[k].min, opts[k].max);
		opts[k].value = v;
		opts[k].set = 1;
		a++;
	}
	for (int i = 0; i < nopts; i++)
		if (!opts[i].set)
			opts[i].value = args->small ? opts[i].small : opts[i].def;
}

void *splash_alloc(const char *name, unsigned long bytes)
{
	void *p = mmap(NULL, bytes ? bytes : 1, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		fprintf(stderr, "%s: cannot allocate %lu bytes\n", name, bytes);
		exit(1);
	}
	return p;
}
