/*
 * water: SPLASH-2's Water-Nsquared application, written from the
 * algorithm in Woo et al. (ISCA 1995): molecular dynamics of n water
 * molecules in a periodic cubic box, with every pair of molecules
 * considered (O(n^2)), within a cutoff radius.
 *
 * Simplified from SPLASH-2's model and integrator: a flexible 3-site
 * water model with SPC/Fw's parameters (Wu, Tepper & Voth 2006: harmonic
 * O-H bonds and H-O-H angle, Lennard-Jones between oxygens, Coulomb
 * between all nine site pairs of two molecules), no long-range
 * correction, a cutoff on the O-O distance with a smooth switching
 * function over its last 1.5 A (so energy is conserved), and velocity
 * Verlet instead of the 6th-order Gear predictor-corrector.
 *
 * The molecules start on a cubic lattice at 0.997 g/cm^3, all turned the
 * same way (as SPLASH-2's), with random velocities for 300 K. Each thread
 * owns a contiguous band of molecules. A step: the threads kick and move
 * their molecules; barrier; each computes the forces of its molecules'
 * pairs with the n/2 molecules that follow each one (mod n, so every pair
 * once), adding them into a private copy of the forces, then adds its
 * copy into the shared forces molecule by molecule under the molecule's
 * lock; barrier; the threads kick their molecules again and add their
 * kinetic and potential energies into the step's sums under a lock.
 *
 * The check: the total energy is conserved within 1e-2 of the kinetic
 * energy over the steps, and the total momentum stays zero (below 1e-9
 * of the sum of |p|). The sums are added in the order the threads get
 * the locks, so the last bits differ from run to run; the energies are
 * printed to 9 digits or fewer.
 */
#include "splashlib.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define NAME "water"

/* units: A, fs, amu, kcal/mol, e */
#define ACCEL   4.184e-4	/* (kcal/mol/A) / amu in A/fs^2 */
#define KB      0.0019872041	/* kcal/mol/K */
#define COULOMB 332.0637
#define M_O     15.9994
#define M_H     1.008
#define Q_O     (-0.82)
#define Q_H     0.41
#define SIGMA   3.165492
#define EPSLJ   0.1554253
#define K_BOND  1059.162	/* U = K/2 (r - r0)^2 */
#define R0      1.012
#define K_ANGLE 75.90		/* U = K/2 (theta - theta0)^2 */
#define THETA0  (113.24 * M_PI / 180)
#define DT      0.5		/* fs */
#define TEMP    300.0
#define SWITCH  1.5		/* the switching function's width, A */

struct molecule {
	double x[9], v[9], f[9];	/* O, H1, H2 */
};

static int P;
static long n, steps;
static double box, rc, rs;
static struct molecule *mol;
static double *fpriv;		/* thread t's forces: fpriv[(t * n + i) * 9 ...] */
static pthread_mutex_t *mol_lock, sum_lock;
static double *ke_sum, *pe_sum;	/* per step (0: the start) */
static long pairs_done[SPLASH_MAX_THREADS];
static const double mass[3] = { M_O, M_H, M_H };

static inline double image(double d)
{
	if (d > box / 2)
		d -= box;
	else if (d < -box / 2)
		d += box;
	return d;
}

/* bonds and angle of molecule m into f; returns the energy */
static double intra(const struct molecule *m, double *f)
{
	double e = 0, d[2][3], r[2];

	for (int h = 0; h < 2; h++) {
		for (int k = 0; k < 3; k++)
			d[h][k] = m->x[3 * (h + 1) + k] - m->x[k];
		r[h] = sqrt(d[h][0] * d[h][0] + d[h][1] * d[h][1] + d[h][2] * d[h][2]);
		double dr = r[h] - R0, g = -K_BOND * dr / r[h];

		e += 0.5 * K_BOND * dr * dr;
		for (int k = 0; k < 3; k++) {
			f[3 * (h + 1) + k] += g * d[h][k];
			f[k] -= g * d[h][k];
		}
	}
	double c = (d[0][0] * d[1][0] + d[0][1] * d[1][1] + d[0][2] * d[1][2]) / (r[0] * r[1]);
	double th = acos(c), s = sqrt(1 - c * c), dth = th - THETA0;

	e += 0.5 * K_ANGLE * dth * dth;
	/* dU/dc = K dth dtheta/dc = -K dth / sin; dc/dd0 = d1/(r0 r1) - c d0/r0^2 */
	double g = K_ANGLE * dth / s;
	for (int k = 0; k < 3; k++) {
		double f1 = g * (d[1][k] / (r[0] * r[1]) - c * d[0][k] / (r[0] * r[0]));
		double f2 = g * (d[0][k] / (r[0] * r[1]) - c * d[1][k] / (r[1] * r[1]));

		f[3 + k] += f1;
		f[6 + k] += f2;
		f[k] -= f1 + f2;
	}
	return e;
}

/* the pair (a, b) into fa and fb; returns its energy (0 beyond the cutoff) */
static double pair(const struct molecule *a, const struct molecule *b, double *fa, double *fb,
		   int *counted)
{
	static const double q[3] = { Q_O, Q_H, Q_H };
	double shift[3], doo[3], roo2, roo, e, sf = 1, dsf = 0;

	for (int k = 0; k < 3; k++) {
		doo[k] = a->x[k] - b->x[k];
		shift[k] = image(doo[k]) - doo[k];	/* moves b next to a */
		doo[k] += shift[k];
	}
	roo2 = doo[0] * doo[0] + doo[1] * doo[1] + doo[2] * doo[2];
	if (roo2 >= rc * rc) {
		*counted = 0;
		return 0;
	}
	*counted = 1;
	roo = sqrt(roo2);
	if (roo > rs) {		/* switching: S(t) = 1 - 10 t^3 + 15 t^4 - 6 t^5 */
		double t = (roo - rs) / (rc - rs);

		sf = 1 - t * t * t * (10 - 15 * t + 6 * t * t);
		dsf = -30 * t * t * (1 - t) * (1 - t) / (rc - rs);
	}
	/* Lennard-Jones on the oxygens */
	double s2 = SIGMA * SIGMA / roo2, s6 = s2 * s2 * s2;
	double glj = sf * 24 * EPSLJ * (2 * s6 * s6 - s6) / roo2;	/* F = glj * d */

	e = 4 * EPSLJ * (s6 * s6 - s6);
	for (int k = 0; k < 3; k++) {
		fa[k] += glj * doo[k];
		fb[k] -= glj * doo[k];
	}
	/* Coulomb between the nine site pairs */
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++) {
			double d[3], r2, rinv, ec, g;

			for (int k = 0; k < 3; k++)
				d[k] = a->x[3 * i + k] - b->x[3 * j + k] + shift[k];
			r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
			rinv = 1 / sqrt(r2);
			ec = COULOMB * q[i] * q[j] * rinv;
			e += ec;
			g = sf * ec * rinv * rinv;
			for (int k = 0; k < 3; k++) {
				fa[3 * i + k] += g * d[k];
				fb[3 * j + k] -= g * d[k];
			}
		}
	for (int k = 0; k < 3; k++) {	/* -dS/dr E on the oxygens */
		double g = -dsf * e * doo[k] / roo;

		fa[k] += g;
		fb[k] -= g;
	}
	return sf * e;
}

static void forces(int id, long lo, long hi, long step)
{
	double *mine = fpriv + id * n * 9, pe = 0;
	int counted;

	for (long k = 0; k < n * 9; k++)
		mine[k] = 0;
	for (long i = lo; i < hi; i++) {
		pe += intra(&mol[i], mine + i * 9);
		for (long o = 1; o <= n / 2; o++) {
			long j = (i + o) % n;

			if (2 * o == n && i >= n / 2)	/* that pair is i - n/2's */
				continue;
			pe += pair(&mol[i], &mol[j], mine + i * 9, mine + j * 9, &counted);
			pairs_done[id] += counted;
		}
	}
	/* into the shared forces, starting with our own band */
	for (long k = 0; k < n; k++) {
		long m = (lo + k) % n;

		pthread_mutex_lock(&mol_lock[m]);
		for (int c = 0; c < 9; c++)
			mol[m].f[c] += mine[m * 9 + c];
		pthread_mutex_unlock(&mol_lock[m]);
	}
	pthread_mutex_lock(&sum_lock);
	pe_sum[step] += pe;
	pthread_mutex_unlock(&sum_lock);
}

static double kinetic(long lo, long hi)
{
	double ke = 0;

	for (long i = lo; i < hi; i++)
		for (int s = 0; s < 3; s++)
			for (int k = 0; k < 3; k++)
				ke += 0.5 * mass[s] * mol[i].v[3 * s + k] * mol[i].v[3 * s + k];
	return ke / ACCEL;
}

static void worker(int id)
{
	long lo, hi;
	double ke;

	splash_range(n, id, P, &lo, &hi);
	splash_begin(id);
	forces(id, lo, hi, 0);
	ke = kinetic(lo, hi);
	pthread_mutex_lock(&sum_lock);
	ke_sum[0] += ke;
	pthread_mutex_unlock(&sum_lock);
	splash_barrier();
	for (long s = 1; s <= steps; s++) {
		for (long i = lo; i < hi; i++)
			for (int a = 0; a < 3; a++)
				for (int k = 0; k < 3; k++) {
					mol[i].v[3 * a + k] += 0.5 * DT * ACCEL * mol[i].f[3 * a + k] / mass[a];
					mol[i].x[3 * a + k] += DT * mol[i].v[3 * a + k];
					mol[i].f[3 * a + k] = 0;
				}
		splash_barrier();
		forces(id, lo, hi, s);
		splash_barrier();
		for (long i = lo; i < hi; i++)
			for (int a = 0; a < 3; a++)
				for (int k = 0; k < 3; k++)
					mol[i].v[3 * a + k] += 0.5 * DT * ACCEL * mol[i].f[3 * a + k] / mass[a];
		ke = kinetic(lo, hi);
		pthread_mutex_lock(&sum_lock);
		ke_sum[s] += ke;
		pthread_mutex_unlock(&sum_lock);
	}
	splash_end(id);
}

static double gauss(struct splash_rng *rng)
{
	double s = 0;

	for (int i = 0; i < 12; i++)
		s += splash_drand(rng);
	return s - 6;
}

int main(int argc, char **argv)
{
	struct splash_opt opts[] = {
		{ 'n', "number of molecules", 216, 64, 8, 1L << 20, 0, 0 },
		{ 't', "time steps", 2, 1, 1, 1000, 0, 0 },
	};
	struct splash_args args;
	struct splash_rng rng = { 6 };
	double p[3] = { 0, 0, 0 }, pabs = 0, pmax = 0, emax = 0;
	long side;

	splash_parse(argc, argv, NAME, "O(n^2) molecular dynamics of water", opts, 2, &args);
	P = args.threads;
	n = opts[0].value;
	steps = opts[1].value;
	if (P > n)
		splash_usage_error(NAME, "more threads (%d) than molecules (%ld)", P, n);
	box = cbrt((double)n * (M_O + 2 * M_H) / (0.997 / 1.66053907));
	rc = fmin(9.0, box / 2 - 0.5);
	rs = rc - SWITCH;
	for (side = 1; side * side * side < n; side++)
		;
	printf("%s: threads %d size n=%ld (%ld steps of %.1f fs, box %.2f A, cutoff %.2f A)\n",
	       NAME, P, n, steps, DT, box, rc);

	mol = splash_alloc(NAME, n * sizeof(*mol));
	fpriv = splash_alloc(NAME, P * n * 9 * sizeof(double));
	mol_lock = splash_alloc(NAME, n * sizeof(*mol_lock));
	ke_sum = splash_alloc(NAME, (steps + 1) * sizeof(double));
	pe_sum = splash_alloc(NAME, (steps + 1) * sizeof(double));
	pthread_mutex_init(&sum_lock, NULL);
	for (long i = 0; i < n; i++) {
		struct molecule *m = &mol[i];
		double a = box / (double)side, ph = THETA0 / 2, vs[3];

		pthread_mutex_init(&mol_lock[i], NULL);
		m->x[0] = a * (double)(i % side) + 0.25 * a;
		m->x[1] = a * (double)(i / side % side) + 0.25 * a;
		m->x[2] = a * (double)(i / side / side) + 0.25 * a;
		for (int h = 1; h <= 2; h++) {
			m->x[3 * h] = m->x[0] + R0 * sin(ph) * (h == 1 ? 1 : -1);
			m->x[3 * h + 1] = m->x[1] + R0 * cos(ph);
			m->x[3 * h + 2] = m->x[2];
		}
		for (int s = 0; s < 3; s++) {
			for (int k = 0; k < 3; k++)
				vs[k] = gauss(&rng) * sqrt(KB * TEMP / mass[s] * ACCEL);
			for (int k = 0; k < 3; k++) {
				m->v[3 * s + k] = vs[k];
				p[k] += mass[s] * vs[k];
				m->f[3 * s + k] = 0;
			}
		}
	}
	for (long i = 0; i < n; i++)	/* no net momentum */
		for (int s = 0; s < 3; s++)
			for (int k = 0; k < 3; k++)
				mol[i].v[3 * s + k] -= p[k] / ((double)n * (M_O + 2 * M_H));
	for (long k = 0; k < P * n * 9; k++)	/* first touched here */
		fpriv[k] = 0;

	splash_run(P, worker);

	for (int k = 0; k < 3; k++)
		p[k] = 0;
	for (long i = 0; i < n; i++)
		for (int s = 0; s < 3; s++)
			for (int k = 0; k < 3; k++) {
				p[k] += mass[s] * mol[i].v[3 * s + k];
				pabs += mass[s] * fabs(mol[i].v[3 * s + k]);
			}
	for (int k = 0; k < 3; k++)
		pmax = fmax(pmax, fabs(p[k]));
	pmax /= pabs;
	double e0 = ke_sum[0] + pe_sum[0];
	for (long s = 1; s <= steps; s++)
		emax = fmax(emax, fabs(ke_sum[s] + pe_sum[s] - e0));
	emax /= ke_sum[0];
	for (int t = 0; t < P; t++)
		printf("%s: thread %d pairs %ld\n", NAME, t, pairs_done[t]);
	int ok = emax < 1e-2 && pmax < 1e-9;
	printf("%s: %s energy %.3f -> %.3f kcal/mol (kinetic %.3f -> %.3f), drift %.0e of the kinetic (limit 1e-2); momentum %.0e of sum |p| (limit 1e-9)\n",
	       NAME, ok ? "PASS" : "FAIL", e0, ke_sum[steps] + pe_sum[steps], ke_sum[0], ke_sum[steps],
	       emax < 1e-6 ? 1e-6 : emax, pmax < 1e-12 ? 1e-12 : pmax);
	return ok ? 0 : 1;
}
