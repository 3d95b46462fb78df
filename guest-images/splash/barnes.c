/*
 * barnes: SPLASH-2's Barnes application, written from the algorithm in
 * Woo et al. (ISCA 1995) and Barnes & Hut (Nature 1986): the N-body
 * problem for a Plummer-model galaxy, with forces by the Barnes-Hut
 * octree method. Each time step:
 *
 *   the bounding box (each thread its bodies, then all the results);
 *   the octree: every thread inserts its bodies into the one shared
 *     tree, locking a cell (a table of locks hashed by cell) to fill a
 *     child slot or to split a leaf; a thread takes new cells from its
 *     own pool; a leaf holds one body;
 *   centers of mass and quadrupole moments, bottom-up: the subtrees
 *     below level D (8^D >= 8 P) shared out among the threads, the
 *     levels above by thread 0;
 *   costzones: the bodies in tree order are cut into P zones of equal
 *     cost (the body's interactions in the last step), one a thread;
 *   forces: every thread walks the tree for each of its bodies,
 *     opening a cell closer than 2 h / theta + |center of mass - center|
 *     (h the cell's half edge) and taking its monopole and quadrupole
 *     otherwise;
 *   leapfrog (kick-drift-kick) update of the thread's bodies.
 *
 * The tree is the same whatever the order of insertion (one body a
 * leaf), and every sum runs in tree order, so every result is the same
 * whatever the number of threads. The check: the forces on 16 bodies
 * against direct O(n) sums (relative error: largest and rms), the drift
 * of the total energy and of the total momentum over the steps.
 */
#include "splashlib.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define NAME      "barnes"
#define EPS       0.05
#define DT        0.025
#define NLOCKS    1024
#define MAX_DEPTH 64
#define SAMPLES   16

struct body {
	double pos[3], vel[3], acc[3], phi, mass;
	long cost;		/* interactions in the last force computation */
};

struct cell {
	double center[3], half;	/* the cube */
	double com[3], mass, quad[6], rcrit2;
	long cost;
	int child[8];		/* 0 empty, > 0 a cell, < 0 -(body + 1) */
};

static int P, depth_d;
static long n, steps, cap;
static double theta;
static struct body *body;
static struct cell *cell;	/* [1] the root, pool t: [2 + t cap, 2 + (t + 1) cap) */
static long pool_used[SPLASH_MAX_THREADS];
static int *mine;		/* thread t's bodies: mine[t * n ...] */
static long nmine[SPLASH_MAX_THREADS];
static double bbox[SPLASH_MAX_THREADS][6];
static pthread_mutex_t locks[NLOCKS];
static int *frontier;
static long nfrontier;
static long interactions[SPLASH_MAX_THREADS];
static double energy0, momentum0[3];

static int new_cell(int id, const struct cell *parent, int oct)
{
	long k = pool_used[id]++;
	struct cell *c;

	if (k >= cap) {
		fprintf(stderr, "%s: thread %d: out of cells\n", NAME, id);
		exit(1);
	}
	k += 2 + id * cap;
	c = &cell[k];
	c->half = parent->half / 2;
	for (int d = 0; d < 3; d++)
		c->center[d] = parent->center[d] + ((oct >> d) & 1 ? c->half : -c->half);
	for (int o = 0; o < 8; o++)
		c->child[o] = 0;
	return (int)k;
}

static inline int octant(const struct cell *c, const double *pos)
{
	return (pos[0] >= c->center[0]) | (pos[1] >= c->center[1]) << 1 |
	       (pos[2] >= c->center[2]) << 2;
}

static void insert(int id, int b)
{
	int c = 1;

	for (int depth = 0;; depth++) {
		struct cell *cp = &cell[c];
		int o = octant(cp, body[b].pos);
		int ch = __atomic_load_n(&cp->child[o], __ATOMIC_ACQUIRE);

		if (depth > MAX_DEPTH) {
			fprintf(stderr, "%s: bodies too close to separate\n", NAME);
			exit(1);
		}
		if (ch > 0) {
			c = ch;
			continue;
		}
		pthread_mutex_t *lock = &locks[c % NLOCKS];

		pthread_mutex_lock(lock);
		if (cp->child[o] != ch) {	/* changed under us: look again */
			pthread_mutex_unlock(lock);
			depth--;
			continue;
		}
		if (ch == 0) {
			__atomic_store_n(&cp->child[o], -(b + 1), __ATOMIC_RELEASE);
			pthread_mutex_unlock(lock);
			return;
		}
		/* a body there: a new cell holding it takes its place */
		int nc = new_cell(id, cp, o), other = -ch - 1;

		cell[nc].child[octant(&cell[nc], body[other].pos)] = ch;
		__atomic_store_n(&cp->child[o], nc, __ATOMIC_RELEASE);
		pthread_mutex_unlock(lock);
		c = nc;
	}
}

/* mass, center of mass, quadrupole, cost and opening radius from the children */
static void combine(struct cell *c)
{
	double m = 0, s[3] = { 0, 0, 0 }, q[6] = { 0, 0, 0, 0, 0, 0 }, delta2 = 0;
	long cost = 0;

	for (int o = 0; o < 8; o++) {
		int ch = c->child[o];

		if (ch < 0) {
			struct body *b = &body[-ch - 1];

			m += b->mass;
			cost += b->cost;
			for (int d = 0; d < 3; d++)
				s[d] += b->mass * b->pos[d];
		} else if (ch > 0) {
			m += cell[ch].mass;
			cost += cell[ch].cost;
			for (int d = 0; d < 3; d++)
				s[d] += cell[ch].mass * cell[ch].com[d];
		}
	}
	for (int d = 0; d < 3; d++)
		c->com[d] = s[d] / m;
	for (int o = 0; o < 8; o++) {
		int ch = c->child[o];
		double dm, x[3], r2;
		const double *cq = NULL;

		if (ch == 0)
			continue;
		if (ch < 0) {
			dm = body[-ch - 1].mass;
			for (int d = 0; d < 3; d++)
				x[d] = body[-ch - 1].pos[d] - c->com[d];
		} else {
			dm = cell[ch].mass;
			cq = cell[ch].quad;
			for (int d = 0; d < 3; d++)
				x[d] = cell[ch].com[d] - c->com[d];
		}
		r2 = x[0] * x[0] + x[1] * x[1] + x[2] * x[2];
		q[0] += dm * (3 * x[0] * x[0] - r2);
		q[1] += dm * 3 * x[0] * x[1];
		q[2] += dm * 3 * x[0] * x[2];
		q[3] += dm * (3 * x[1] * x[1] - r2);
		q[4] += dm * 3 * x[1] * x[2];
		q[5] += dm * (3 * x[2] * x[2] - r2);
		if (cq)
			for (int k = 0; k < 6; k++)
				q[k] += cq[k];
	}
	for (int k = 0; k < 6; k++)
		c->quad[k] = q[k];
	for (int d = 0; d < 3; d++)
		delta2 += (c->com[d] - c->center[d]) * (c->com[d] - c->center[d]);
	double rcrit = 2 * c->half / theta + sqrt(delta2);

	c->rcrit2 = rcrit * rcrit;
	c->mass = m;
	c->cost = cost;
}

static void com_subtree(int c)
{
	for (int o = 0; o < 8; o++)
		if (cell[c].child[o] > 0)
			com_subtree(cell[c].child[o]);
	combine(&cell[c]);
}

static void collect_frontier(int c, int depth)
{
	if (depth == depth_d) {
		frontier[nfrontier++] = c;
		return;
	}
	for (int o = 0; o < 8; o++)
		if (cell[c].child[o] > 0)
			collect_frontier(cell[c].child[o], depth + 1);
}

static void com_top(int c, int depth)
{
	if (depth == depth_d)
		return;
	for (int o = 0; o < 8; o++)
		if (cell[c].child[o] > 0)
			com_top(cell[c].child[o], depth + 1);
	combine(&cell[c]);
}

/* thread id's bodies: those whose cost prefix in tree order is in [lo, hi) */
static void costzone(int id, int c, long *offset, long lo, long hi)
{
	for (int o = 0; o < 8; o++) {
		int ch = cell[c].child[o];

		if (ch < 0) {
			if (*offset >= lo && *offset < hi)
				mine[id * n + nmine[id]++] = -ch - 1;
			*offset += body[-ch - 1].cost;
		} else if (ch > 0) {
			if (*offset >= hi || *offset + cell[ch].cost <= lo)
				*offset += cell[ch].cost;
			else
				costzone(id, ch, offset, lo, hi);
		}
	}
}

static void force(struct body *b)
{
	int stack[8 * MAX_DEPTH + 8], sp = 0;
	double a[3] = { 0, 0, 0 }, phi = 0;
	long count = 0;

	stack[sp++] = 1;
	while (sp) {
		struct cell *c = &cell[stack[--sp]];
		double r[3], r2;

		for (int d = 0; d < 3; d++)
			r[d] = b->pos[d] - c->com[d];
		r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
		if (r2 < c->rcrit2) {	/* open it: children in reverse, popped in order */
			for (int o = 7; o >= 0; o--) {
				int ch = c->child[o];

				if (ch > 0) {
					stack[sp++] = ch;
				} else if (ch < 0 && &body[-ch - 1] != b) {
					struct body *o2 = &body[-ch - 1];
					double x[3], s2, inv, inv3;

					for (int d = 0; d < 3; d++)
						x[d] = b->pos[d] - o2->pos[d];
					s2 = x[0] * x[0] + x[1] * x[1] + x[2] * x[2] + EPS * EPS;
					inv = 1 / sqrt(s2);
					inv3 = inv * inv * inv;
					phi -= o2->mass * inv;
					for (int d = 0; d < 3; d++)
						a[d] -= o2->mass * inv3 * x[d];
					count++;
				}
			}
			continue;
		}
		/* monopole and quadrupole of the cell */
		double s2 = r2 + EPS * EPS, inv = 1 / sqrt(s2), inv2 = inv * inv;
		double inv3 = inv * inv2, inv5 = inv3 * inv2, inv7 = inv5 * inv2;
		const double *q = c->quad;
		double qr[3] = { q[0] * r[0] + q[1] * r[1] + q[2] * r[2],
				 q[1] * r[0] + q[3] * r[1] + q[4] * r[2],
				 q[2] * r[0] + q[4] * r[1] + q[5] * r[2] };
		double rqr = r[0] * qr[0] + r[1] * qr[1] + r[2] * qr[2];

		phi -= c->mass * inv + 0.5 * rqr * inv5;
		for (int d = 0; d < 3; d++)
			a[d] += -c->mass * inv3 * r[d] + qr[d] * inv5 - 2.5 * rqr * inv7 * r[d];
		count++;
	}
	for (int d = 0; d < 3; d++)
		b->acc[d] = a[d];
	b->phi = phi;
	b->cost = count ? count : 1;
}

static void build_and_forces(int id)
{
	double box[6] = { 1e300, 1e300, 1e300, -1e300, -1e300, -1e300 };
	long offset = 0, lo, hi, total;

	for (long k = 0; k < nmine[id]; k++)
		for (int d = 0; d < 3; d++) {
			box[d] = fmin(box[d], body[mine[id * n + k]].pos[d]);
			box[3 + d] = fmax(box[3 + d], body[mine[id * n + k]].pos[d]);
		}
	for (int d = 0; d < 6; d++)
		bbox[id][d] = box[d];
	pool_used[id] = 0;
	splash_barrier();
	if (id == 0) {
		struct cell *root = &cell[1];
		double half = 0;

		for (int t = 1; t < P; t++)
			for (int d = 0; d < 3; d++) {
				box[d] = fmin(box[d], bbox[t][d]);
				box[3 + d] = fmax(box[3 + d], bbox[t][3 + d]);
			}
		for (int d = 0; d < 3; d++) {
			root->center[d] = (box[d] + box[3 + d]) / 2;
			half = fmax(half, (box[3 + d] - box[d]) / 2);
		}
		root->half = half * 1.001 + 1e-9;
		for (int o = 0; o < 8; o++)
			root->child[o] = 0;
	}
	splash_barrier();
	for (long k = 0; k < nmine[id]; k++)
		insert(id, mine[id * n + k]);
	splash_barrier();
	if (id == 0) {
		nfrontier = 0;
		collect_frontier(1, 0);
	}
	splash_barrier();
	splash_range(nfrontier, id, P, &lo, &hi);
	for (long k = lo; k < hi; k++)
		com_subtree(frontier[k]);
	splash_barrier();
	if (id == 0)
		com_top(1, 0);
	splash_barrier();
	total = cell[1].cost;
	nmine[id] = 0;
	costzone(id, 1, &offset, total * id / P, total * (id + 1) / P);
	splash_barrier();	/* the zones read the costs the forces rewrite */
	for (long k = 0; k < nmine[id]; k++) {
		struct body *b = &body[mine[id * n + k]];

		force(b);
		interactions[id] += b->cost;
	}
	splash_barrier();
}

static void energy(double *e, double *mom)
{
	double ke = 0, pe = 0;

	for (int d = 0; d < 3; d++)
		mom[d] = 0;
	for (long i = 0; i < n; i++) {
		struct body *b = &body[i];

		ke += 0.5 * b->mass * (b->vel[0] * b->vel[0] + b->vel[1] * b->vel[1] + b->vel[2] * b->vel[2]);
		pe += 0.5 * b->mass * b->phi;
		for (int d = 0; d < 3; d++)
			mom[d] += b->mass * b->vel[d];
	}
	*e = ke + pe;
}

static void worker(int id)
{
	splash_begin(id);
	build_and_forces(id);
	if (id == 0)
		energy(&energy0, momentum0);
	splash_barrier();
	for (long s = 0; s < steps; s++) {
		for (long k = 0; k < nmine[id]; k++) {
			struct body *b = &body[mine[id * n + k]];

			for (int d = 0; d < 3; d++) {
				b->vel[d] += 0.5 * DT * b->acc[d];
				b->pos[d] += DT * b->vel[d];
			}
		}
		splash_barrier();
		build_and_forces(id);
		for (long k = 0; k < nmine[id]; k++) {
			struct body *b = &body[mine[id * n + k]];

			for (int d = 0; d < 3; d++)
				b->vel[d] += 0.5 * DT * b->acc[d];
		}
	}
	splash_end(id);
}

/* Plummer model (Aarseth, Henon & Wielen 1974), in virial units */
static void plummer(struct splash_rng *rng)
{
	double rsc = 3 * M_PI / 16, vsc = sqrt(1 / rsc), cm[6] = { 0, 0, 0, 0, 0, 0 };

	for (long i = 0; i < n; i++) {
		struct body *b = &body[i];
		double r, v, x, y, u, w[3];

		do
			r = 1 / sqrt(pow(0.999 * splash_drand(rng), -2.0 / 3.0) - 1);
		while (r > 9);
		do {	/* a direction: a point of the unit ball, scaled */
			for (int d = 0; d < 3; d++)
				w[d] = 2 * splash_drand(rng) - 1;
			u = w[0] * w[0] + w[1] * w[1] + w[2] * w[2];
		} while (u > 1 || u < 1e-6);
		for (int d = 0; d < 3; d++)
			b->pos[d] = rsc * r * w[d] / sqrt(u);
		do {	/* von Neumann: q^2 (1 - q^2)^3.5 */
			x = splash_drand(rng);
			y = 0.1 * splash_drand(rng);
		} while (y > x * x * pow(1 - x * x, 3.5));
		v = x * sqrt(2.0) * pow(1 + r * r, -0.25);
		do {
			for (int d = 0; d < 3; d++)
				w[d] = 2 * splash_drand(rng) - 1;
			u = w[0] * w[0] + w[1] * w[1] + w[2] * w[2];
		} while (u > 1 || u < 1e-6);
		for (int d = 0; d < 3; d++)
			b->vel[d] = vsc * v * w[d] / sqrt(u);
		b->mass = 1.0 / (double)n;
		b->cost = 1;
		for (int d = 0; d < 3; d++) {
			cm[d] += b->mass * b->pos[d];
			cm[3 + d] += b->mass * b->vel[d];
		}
	}
	for (long i = 0; i < n; i++)
		for (int d = 0; d < 3; d++) {
			body[i].pos[d] -= cm[d];
			body[i].vel[d] -= cm[3 + d];
		}
}

int main(int argc, char **argv)
{
	struct splash_opt opts[] = {
		{ 'n', "number of bodies", 512, 128, 2, 1L << 22, 0, 0 },
		{ 't', "time steps", 2, 2, 0, 1000, 0, 0 },
		{ 'q', "opening angle theta x 100", 100, 100, 10, 200, 0, 0 },
	};
	struct splash_args args;
	struct splash_rng rng = { 5 };
	double e1, mom1[3], amax = 0, asum = 0, dmom = 0, pscale = 0;

	splash_parse(argc, argv, NAME, "Barnes-Hut N-body simulation of a Plummer model",
		     opts, 3, &args);
	P = args.threads;
	n = opts[0].value;
	steps = opts[1].value;
	theta = (double)opts[2].value / 100;
	if (P > n)
		splash_usage_error(NAME, "more threads (%d) than bodies (%ld)", P, n);
	for (depth_d = 0; (1L << (3 * depth_d)) < 8L * P && P > 1; depth_d++)
		;
	cap = 4 * (n / P) + 1024;
	printf("%s: threads %d size n=%ld (%ld steps, theta %.2f, eps %.2f, dt %.3f)\n",
	       NAME, P, n, steps, theta, EPS, DT);

	body = splash_alloc(NAME, n * sizeof(*body));
	cell = splash_alloc(NAME, (2 + P * cap) * sizeof(*cell));
	mine = splash_alloc(NAME, P * n * sizeof(int));
	frontier = splash_alloc(NAME, (n + 1) * sizeof(int));
	for (int i = 0; i < NLOCKS; i++)
		pthread_mutex_init(&locks[i], NULL);
	plummer(&rng);
	for (long k = 0; k < (2 + P * cap) * (long)sizeof(*cell) / (long)sizeof(double); k++)
		((double *)cell)[k] = 0;	/* first touched here */
	for (int t = 0; t < P; t++) {	/* the first step's bodies: index ranges */
		long lo, hi;

		splash_range(n, t, P, &lo, &hi);
		for (long i = lo; i < hi; i++)
			mine[t * n + nmine[t]++] = (int)i;
	}

	splash_run(P, worker);

	energy(&e1, mom1);
	for (int s = 0; s < SAMPLES; s++) {
		long i = (long)(((unsigned long)s * 2654435761ul) % (unsigned long)n);
		struct body *b = &body[i];
		double a[3] = { 0, 0, 0 }, err2 = 0, norm2 = 0;

		for (long j = 0; j < n; j++) {
			double x[3], s2, inv3;

			if (j == i)
				continue;
			for (int d = 0; d < 3; d++)
				x[d] = b->pos[d] - body[j].pos[d];
			s2 = x[0] * x[0] + x[1] * x[1] + x[2] * x[2] + EPS * EPS;
			inv3 = 1 / (s2 * sqrt(s2));
			for (int d = 0; d < 3; d++)
				a[d] -= body[j].mass * inv3 * x[d];
		}
		for (int d = 0; d < 3; d++) {
			err2 += (a[d] - b->acc[d]) * (a[d] - b->acc[d]);
			norm2 += a[d] * a[d];
		}
		amax = fmax(amax, sqrt(err2 / norm2));
		asum += err2 / norm2;
	}
	asum = sqrt(asum / SAMPLES);
	for (long i = 0; i < n; i++)
		pscale += body[i].mass * sqrt(body[i].vel[0] * body[i].vel[0] +
					      body[i].vel[1] * body[i].vel[1] + body[i].vel[2] * body[i].vel[2]);
	for (int d = 0; d < 3; d++)
		dmom = fmax(dmom, fabs(mom1[d] - momentum0[d]));
	dmom /= pscale;
	double de = fabs((e1 - energy0) / energy0);
	for (int t = 0; t < P; t++)
		printf("%s: thread %d interactions %ld\n", NAME, t, interactions[t]);
	int ok = amax < 0.1 && asum < 0.03 && de < 0.01 && dmom < 0.01;
	printf("%s: %s force vs direct sum at %d bodies: rms %.2e max %.2e (limits 0.03 0.1); energy %.6f -> %.6f (drift %.1e, limit 0.01); momentum drift %.1e (limit 0.01)\n",
	       NAME, ok ? "PASS" : "FAIL", SAMPLES, asum, amax, energy0, e1, de, dmom);
	return ok ? 0 : 1;
}
