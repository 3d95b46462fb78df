/*
 * lu: SPLASH-2's LU kernel (the contiguous-blocks version), written from
 * the algorithm in Woo et al. (ISCA 1995): the LU factorization, without
 * pivoting, of a dense n x n matrix divided into B x B blocks. Each block
 * is contiguous in memory, and the blocks are scattered over the threads
 * in two dimensions: with the threads as a pr x pc grid, block (I, J)
 * belongs to thread (I mod pr) * pc + (J mod pc). Step K:
 *
 *   the owner of diagonal block (K, K) factors it;               barrier
 *   the owners of the blocks of row K and column K below and to
 *   the right of it solve them against the diagonal block;       barrier
 *   every owner updates its interior blocks:
 *   A(I,J) -= A(I,K) A(K,J) for I, J > K;                        barrier
 *
 * The matrix (random, diagonally dominant, so no pivoting is needed) is
 * written by the main thread. The check: for a random vector v,
 * || A v - L (U v) ||_inf / (||A||_inf ||v||_inf), with A v computed
 * before the factorization; every block is computed by the same
 * operations whatever the number of threads, so the number printed does
 * not depend on it.
 */
#include "splashlib.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define NAME "lu"

static int P, pr, pc;
static long n, B, nb;		/* nb x nb blocks of B x B */
static double *a;		/* block (I, J) at a + (I * nb + J) * B * B, row-major */
static long blocks_done[SPLASH_MAX_THREADS];

static inline double *blk(long I, long J)
{
	return a + (I * nb + J) * B * B;
}

static inline int owner(long I, long J)
{
	return (int)((I % pr) * pc + J % pc);
}

/* element (i, j) of the whole matrix */
static inline double *elem(long i, long j)
{
	return blk(i / B, j / B) + (i % B) * B + j % B;
}

/* in place: L (unit lower) and U of a diagonal block */
static void factor_diag(double *d)
{
	for (long k = 0; k < B; k++)
		for (long i = k + 1; i < B; i++) {
			double l = d[i * B + k] /= d[k * B + k];

			for (long j = k + 1; j < B; j++)
				d[i * B + j] -= l * d[k * B + j];
		}
}

/* a row-K block: A = L^-1 A, L the unit lower part of d */
static void solve_row(const double *d, double *x)
{
	for (long k = 0; k < B; k++)
		for (long i = k + 1; i < B; i++) {
			double l = d[i * B + k];

			for (long j = 0; j < B; j++)
				x[i * B + j] -= l * x[k * B + j];
		}
}

/* a column-K block: A = A U^-1, U the upper part of d */
static void solve_col(const double *d, double *x)
{
	for (long i = 0; i < B; i++)
		for (long k = 0; k < B; k++) {
			double v = x[i * B + k] /= d[k * B + k];

			for (long j = k + 1; j < B; j++)
				x[i * B + j] -= v * d[k * B + j];
		}
}

/* c -= l u */
static void update(double *c, const double *l, const double *u)
{
	for (long i = 0; i < B; i++)
		for (long k = 0; k < B; k++) {
			double v = l[i * B + k];

			for (long j = 0; j < B; j++)
				c[i * B + j] -= v * u[k * B + j];
		}
}

static void worker(int id)
{
	splash_begin(id);
	for (long K = 0; K < nb; K++) {
		if (owner(K, K) == id) {
			factor_diag(blk(K, K));
			blocks_done[id]++;
		}
		splash_barrier();
		for (long J = K + 1; J < nb; J++)
			if (owner(K, J) == id) {
				solve_row(blk(K, K), blk(K, J));
				blocks_done[id]++;
			}
		for (long I = K + 1; I < nb; I++)
			if (owner(I, K) == id) {
				solve_col(blk(K, K), blk(I, K));
				blocks_done[id]++;
			}
		splash_barrier();
		/* only the rows and columns of blocks this thread owns */
		for (long I = K + 1 + ((id / pc) - (K + 1) % pr + pr) % pr; I < nb; I += pr)
			for (long J = K + 1 + ((id % pc) - (K + 1) % pc + pc) % pc; J < nb; J += pc) {
				update(blk(I, J), blk(I, K), blk(K, J));
				blocks_done[id]++;
			}
		/* the next step's diagonal block is ready after this barrier */
		splash_barrier();
	}
	splash_end(id);
}

int main(int argc, char **argv)
{
	struct splash_opt opts[] = {
		{ 'n', "matrix order", 256, 64, 1, 4096, 0, 0 },
		{ 'b', "block edge (divides n)", 16, 16, 1, 256, 0, 0 },
	};
	struct splash_args args;
	struct splash_rng rng = { 2 };
	double *v, *av, *uv, *luv, anorm = 0, vnorm = 0, err = 0;

	splash_parse(argc, argv, NAME, "blocked LU factorization (no pivoting) of an n x n matrix",
		     opts, 2, &args);
	P = args.threads;
	n = opts[0].value;
	B = opts[1].value;
	if (n % B)
		splash_usage_error(NAME, "the block edge (-b %ld) must divide n (-n %ld)", B, n);
	nb = n / B;
	for (pr = 1; (pr * 2) * (pr * 2) <= P; pr *= 2)
		;
	while (P % pr)
		pr--;
	pc = P / pr;
	printf("%s: threads %d size n=%ld (%ldx%ld matrix, %ldx%ld blocks of %ldx%ld)\n",
	       NAME, P, n, n, n, nb, nb, B, B);
	printf("%s: threads as a %dx%d grid\n", NAME, pr, pc);

	a = splash_alloc(NAME, n * n * sizeof(double));
	for (long i = 0; i < n; i++)
		for (long j = 0; j < n; j++)
			*elem(i, j) = splash_drand(&rng) - 0.5 + (i == j ? (double)n : 0.0);
	v = malloc(4 * n * sizeof(double));
	av = v + n;
	uv = v + 2 * n;
	luv = v + 3 * n;
	for (long i = 0; i < n; i++) {
		v[i] = splash_drand(&rng) - 0.5;
		vnorm = fmax(vnorm, fabs(v[i]));
	}
	for (long i = 0; i < n; i++) {
		double s = 0, rs = 0;

		for (long j = 0; j < n; j++) {
			s += *elem(i, j) * v[j];
			rs += fabs(*elem(i, j));
		}
		av[i] = s;
		anorm = fmax(anorm, rs);
	}

	splash_run(P, worker);

	for (long i = 0; i < n; i++) {	/* U v */
		double s = 0;

		for (long j = i; j < n; j++)
			s += *elem(i, j) * v[j];
		uv[i] = s;
	}
	for (long i = 0; i < n; i++) {	/* L (U v), L unit lower */
		double s = uv[i];

		for (long j = 0; j < i; j++)
			s += *elem(i, j) * uv[j];
		luv[i] = s;
		err = fmax(err, fabs(luv[i] - av[i]));
	}
	err /= anorm * vnorm;
	for (int t = 0; t < P; t++)
		printf("%s: thread %d blocks %ld\n", NAME, t, blocks_done[t]);
	printf("%s: %s residual |Av - L(Uv)| / (|A| |v|) %.1e (limit 1e-12)\n",
	       NAME, err < 1e-12 ? "PASS" : "FAIL", err);
	return err < 1e-12 ? 0 : 1;
}
