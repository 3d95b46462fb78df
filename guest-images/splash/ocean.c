/*
 * ocean: the elliptic solver at the heart of SPLASH-2's Ocean, written
 * from the algorithm in Woo et al. (ISCA 1995): a multigrid solve, with
 * red-black Gauss-Seidel smoothing, of Poisson's equation
 *
 *   -(u_xx + u_yy) = f  on the unit square,  u = 0 on its boundary,
 *
 * on an (n+2) x (n+2) grid (n x n interior cells and a border of ghost
 * cells, as Ocean's grids), n a power of 2. The right side comes from a
 * known solution, u = sin(pi x) sin(pi y), and the initial guess is
 * random, so every frequency has to be damped. Each grid (the fine one
 * and its coarser ones, n/2, n/4, ... down to 2) is split into square-ish
 * subgrids, one per thread (the threads as a px x py grid); the coarse
 * grids too small to share (edge below 16 cells per thread) are worked
 * by thread 0 alone. A V(2,2) cycle: on each level two red-black sweeps,
 * the residual, its restriction (mean of 4 cells) to the next level, the
 * cycle there, bilinear interpolation of the correction back, two more
 * sweeps; 40 sweeps on the 2x2 grid. Every half-sweep ends with a
 * barrier. Cycles run until the largest residual has dropped by the
 * tolerance (the largest: a maximum is the same whatever the order of
 * the threads, so the number of cycles and every value do not depend on
 * the number of threads).
 *
 * The check: the residual fell below 1e-7 of the first one within 30
 * cycles, and the solution is within the discretization error of the
 * known solution (max error x n^2 below 2; it is about 0.8).
 */
#include "splashlib.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define NAME       "ocean"
#define MAX_LEVELS 24
#define TOL        1e-7
#define MAX_CYCLES 30
#define PRE        2
#define POST       2
#define COARSE     40
#define PAR_EDGE   16	/* a level is shared if its edge >= PAR_EDGE per thread row or column */

static int P, px, py, levels;
static long n;
static double *u[MAX_LEVELS], *f[MAX_LEVELS], *res[MAX_LEVELS];
static long edge[MAX_LEVELS];	/* interior cells per side */
static double thread_max[SPLASH_MAX_THREADS];
static long points_done[SPLASH_MAX_THREADS];
static double first_res, last_res;
static int cycles;

#define AT(a, l, i, j) ((a)[l][(i) * (edge[l] + 2) + (j)])

static int shared(int l)
{
	return P > 1 && edge[l] >= PAR_EDGE * (px > py ? px : py);
}

static void sync_level(int l)
{
	if (shared(l))
		splash_barrier();
}

/* this thread's interior rows [*i0, *i1) and columns [*j0, *j1) of level l */
static void my_cells(int l, int id, long *i0, long *i1, long *j0, long *j1)
{
	long nl = edge[l];

	if (!shared(l)) {
		*i0 = *j0 = 1;
		*i1 = *j1 = id == 0 ? nl + 1 : 1;
		return;
	}
	splash_range(nl, id / py, px, i0, i1);
	splash_range(nl, id % py, py, j0, j1);
	*i0 += 1;
	*i1 += 1;
	*j0 += 1;
	*j1 += 1;
}

/* ghost cells hold 0; a boundary face (u = 0 there) adds 1 to the diagonal */
static inline double diag(long nl, long i, long j)
{
	return 4.0 + (i == 1) + (i == nl) + (j == 1) + (j == nl);
}

static void smooth(int l, int id, int color)
{
	long i0, i1, j0, j1, nl = edge[l], w = nl + 2;
	double h2 = 1.0 / ((double)nl * (double)nl), *ul = u[l], *fl = f[l];

	my_cells(l, id, &i0, &i1, &j0, &j1);
	for (long i = i0; i < i1; i++) {
		long j = j0 + ((i + j0 + color) & 1);

		for (; j < j1; j += 2) {
			long k = i * w + j;

			ul[k] = (h2 * fl[k] + ul[k - 1] + ul[k + 1] + ul[k - w] + ul[k + w]) /
				diag(nl, i, j);
		}
		points_done[id] += (j1 - j0 + 1 - ((i + j0 + color) & 1)) / 2;
	}
	sync_level(l);
}

/* res = f - A u on this thread's cells; returns their largest |res| */
static double residual(int l, int id)
{
	long i0, i1, j0, j1, nl = edge[l], w = nl + 2;
	double inv_h2 = (double)nl * (double)nl, m = 0, *ul = u[l], *fl = f[l], *rl = res[l];

	my_cells(l, id, &i0, &i1, &j0, &j1);
	for (long i = i0; i < i1; i++)
		for (long j = j0; j < j1; j++) {
			long k = i * w + j;
			double r = fl[k] - inv_h2 * (diag(nl, i, j) * ul[k] -
						     (ul[k - 1] + ul[k + 1] + ul[k - w] + ul[k + w]));

			rl[k] = r;
			m = fmax(m, fabs(r));
		}
	return m;
}

/* level l+1's right side: the mean of level l's residual; its u = 0 */
static void restrict_to(int l, int id)
{
	long i0, i1, j0, j1;

	my_cells(l + 1, id, &i0, &i1, &j0, &j1);
	for (long i = i0; i < i1; i++)
		for (long j = j0; j < j1; j++) {
			AT(f, l + 1, i, j) = 0.25 * (AT(res, l, 2 * i - 1, 2 * j - 1) + AT(res, l, 2 * i, 2 * j - 1) +
						     AT(res, l, 2 * i - 1, 2 * j) + AT(res, l, 2 * i, 2 * j));
			AT(u, l + 1, i, j) = 0;
		}
}

/* level c's value at (i, j), reflected across the boundary (u = 0 on it) */
static inline double coarse(int c, long i, long j)
{
	long nc = edge[c];
	double s = 1;

	if (i == 0) { i = 1; s = -s; }
	if (i == nc + 1) { i = nc; s = -s; }
	if (j == 0) { j = 1; s = -s; }
	if (j == nc + 1) { j = nc; s = -s; }
	return s * AT(u, c, i, j);
}

/* u_l += the bilinear interpolation of level l+1's correction */
static void prolong(int l, int id)
{
	long i0, i1, j0, j1;

	my_cells(l, id, &i0, &i1, &j0, &j1);
	for (long i = i0; i < i1; i++) {
		long I = (i + 1) / 2, di = (i & 1) ? -1 : 1;

		for (long j = j0; j < j1; j++) {
			long J = (j + 1) / 2, dj = (j & 1) ? -1 : 1;

			AT(u, l, i, j) += 0.5625 * coarse(l + 1, I, J) +
					  0.1875 * (coarse(l + 1, I + di, J) + coarse(l + 1, I, J + dj)) +
					  0.0625 * coarse(l + 1, I + di, J + dj);
		}
	}
}

static void vcycle(int l, int id)
{
	if (l == levels - 1) {
		for (int s = 0; s < COARSE; s++) {
			smooth(l, id, 0);
			smooth(l, id, 1);
		}
		return;
	}
	for (int s = 0; s < PRE; s++) {
		smooth(l, id, 0);
		smooth(l, id, 1);
	}
	residual(l, id);
	sync_level(l);
	restrict_to(l, id);
	sync_level(l);
	vcycle(l + 1, id);
	sync_level(l);
	prolong(l, id);
	sync_level(l);
	for (int s = 0; s < POST; s++) {
		smooth(l, id, 0);
		smooth(l, id, 1);
	}
}

/* the largest residual of the fine grid, the same in every thread */
static double global_residual(int id)
{
	double m = 0;

	thread_max[id] = residual(0, id);
	splash_barrier();
	for (int t = 0; t < P; t++)
		m = fmax(m, thread_max[t]);
	splash_barrier();
	return m;
}

static void worker(int id)
{
	double r0, r;
	int c;

	splash_begin(id);
	r = r0 = global_residual(id);
	for (c = 0; c < MAX_CYCLES && r > TOL * r0; c++) {
		vcycle(0, id);
		splash_barrier();
		r = global_residual(id);
	}
	if (id == 0) {
		first_res = r0;
		last_res = r;
		cycles = c;
	}
	splash_end(id);
}

int main(int argc, char **argv)
{
	struct splash_opt opts[] = {
		{ 'n', "grid edge, 2^k + 2 (ghost cells included)", 130, 34, 6, 4098, 0, 0 },
	};
	struct splash_args args;
	struct splash_rng rng = { 4 };
	double err = 0;

	splash_parse(argc, argv, NAME, "multigrid red-black Gauss-Seidel solve of Poisson's equation on an n x n grid",
		     opts, 1, &args);
	P = args.threads;
	n = opts[0].value - 2;
	if (n & (n - 1))
		splash_usage_error(NAME, "the grid edge (-n %ld) must be 2^k + 2", n + 2);
	for (px = 1; (px * 2) * (px * 2) <= P; px *= 2)
		;
	while (P % px)
		px--;
	py = P / px;
	if (n < px || n < py)
		splash_usage_error(NAME, "%d threads need a grid edge of at least %d", P,
				   (px > py ? px : py) + 2);
	for (levels = 0; levels < MAX_LEVELS && (n >> levels) >= 2; levels++)
		edge[levels] = n >> levels;
	printf("%s: threads %d size n=%ld (%ldx%ld grid, %d levels)\n", NAME, P, n + 2, n + 2, n + 2,
	       levels);
	printf("%s: threads as a %dx%d grid of subgrids\n", NAME, px, py);

	for (int l = 0; l < levels; l++) {
		long cells = (edge[l] + 2) * (edge[l] + 2);

		u[l] = splash_alloc(NAME, cells * sizeof(double));
		f[l] = splash_alloc(NAME, cells * sizeof(double));
		res[l] = splash_alloc(NAME, cells * sizeof(double));
		for (long k = 0; k < cells; k++)	/* first touched here */
			u[l][k] = f[l][k] = res[l][k] = 0;
	}
	for (long i = 1; i <= n; i++)
		for (long j = 1; j <= n; j++) {
			double x = ((double)i - 0.5) / (double)n, y = ((double)j - 0.5) / (double)n;

			AT(f, 0, i, j) = 2 * M_PI * M_PI * sin(M_PI * x) * sin(M_PI * y);
			AT(u, 0, i, j) = 2 * splash_drand(&rng) - 1;
		}

	splash_run(P, worker);

	for (long i = 1; i <= n; i++)
		for (long j = 1; j <= n; j++) {
			double x = ((double)i - 0.5) / (double)n, y = ((double)j - 0.5) / (double)n;

			err = fmax(err, fabs(AT(u, 0, i, j) - sin(M_PI * x) * sin(M_PI * y)));
		}
	err *= (double)n * (double)n;
	for (int t = 0; t < P; t++)
		printf("%s: thread %d points %ld\n", NAME, t, points_done[t]);
	int ok = last_res <= TOL * first_res && err < 2.0;
	printf("%s: %s %d V-cycles, residual %.3e -> %.3e (ratio %.1e, limit %.0e); error vs exact x n^2 %.4f (limit 2)\n",
	       NAME, ok ? "PASS" : "FAIL", cycles, first_res, last_res, last_res / first_res, TOL, err);
	return ok ? 0 : 1;
}
