/*
 * fft: SPLASH-2's FFT kernel, written from the algorithm in Woo et al.
 * (ISCA 1995): a 1-D complex FFT of n = 2^m points by the "six-step"
 * radix-sqrt(n) method, which lays the data out as a sqrt(n) x sqrt(n)
 * matrix and turns the one big transform into
 *
 *   transpose, sqrt(n) row FFTs, twiddle multiply,
 *   transpose, sqrt(n) row FFTs, transpose,
 *
 * so that all communication happens in the three transposes. Each thread
 * owns a contiguous band of rows of both matrices (the data and the
 * transpose buffer) and of the twiddle table; a transpose is done in
 * B x B blocks, each thread reading its blocks from every other thread's
 * band, starting with its own to spread the traffic (as SPLASH-2 does).
 *
 * The parallel phase is the forward transform and then the inverse one
 * (the forward transform of the conjugate, conjugated and scaled back).
 * The check: the inverse reproduces the input, and eight outputs of the
 * forward transform equal a direct O(n) DFT sum. Both are computed by the
 * same operations whatever the number of threads, so the printed numbers
 * do not depend on it.
 */
#include "splashlib.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define NAME    "fft"
#define BLOCK   8	/* transpose block edge, in complex elements */
#define SAMPLES 8

static int P;
static long m, n, r;		/* n = 2^m points, r = sqrt(n) rows and columns */
static double *x, *trans;	/* the data and the transpose buffer, n complex each */
static double *twiddle;		/* twiddle[j * r + k] = w^(j k), w = exp(-2 pi i / n) */
static double *rowroots;	/* rowroots[k] = exp(-2 pi i k / r), k < r / 2 */
static long sample_k[SAMPLES];
static double sample_fft[SAMPLES][2];
static long rows_done[SPLASH_MAX_THREADS];

/* dst's rows [lo, hi) = src's columns [lo, hi); conjugate if conj */
static void transpose(double *dst, const double *src, long lo, long hi, int conj)
{
	double sign = conj ? -1.0 : 1.0;

	/* r is a multiple of BLOCK or smaller than it */
	for (long jb = 0; jb < r; jb += BLOCK) {
		long j0 = (lo / BLOCK * BLOCK + jb) % r;	/* start with our own band */

		for (long i0 = lo; i0 < hi; i0 += BLOCK) {
			long i1 = i0 + BLOCK < hi ? i0 + BLOCK : hi;
			long j1 = j0 + BLOCK < r ? j0 + BLOCK : r;

			for (long i = i0; i < i1; i++)
				for (long j = j0; j < j1; j++) {
					dst[2 * (i * r + j)] = src[2 * (j * r + i)];
					dst[2 * (i * r + j) + 1] = sign * src[2 * (j * r + i) + 1];
				}
		}
	}
}

/* in-place radix-2 FFT of one row of r complex points */
static void row_fft(double *row)
{
	for (long i = 1, j = 0; i < r; i++) {	/* bit reversal */
		long bit = r >> 1;

		for (; j & bit; bit >>= 1)
			j ^= bit;
		j |= bit;
		if (i < j) {
			double tr = row[2 * i], ti = row[2 * i + 1];

			row[2 * i] = row[2 * j];
			row[2 * i + 1] = row[2 * j + 1];
			row[2 * j] = tr;
			row[2 * j + 1] = ti;
		}
	}
	for (long len = 2; len <= r; len <<= 1) {
		long half = len >> 1, step = r / len;

		for (long s = 0; s < r; s += len)
			for (long k = 0; k < half; k++) {
				double wr = rowroots[2 * k * step], wi = rowroots[2 * k * step + 1];
				double *a = row + 2 * (s + k), *b = row + 2 * (s + k + half);
				double tr = b[0] * wr - b[1] * wi, ti = b[0] * wi + b[1] * wr;

				b[0] = a[0] - tr;
				b[1] = a[1] - ti;
				a[0] += tr;
				a[1] += ti;
			}
	}
}

static void row_ffts(int id, double *mat, long lo, long hi, int twiddle_too)
{
	for (long i = lo; i < hi; i++) {
		double *row = mat + 2 * i * r;

		row_fft(row);
		if (twiddle_too)
			for (long k = 0; k < r; k++) {
				double wr = twiddle[2 * (i * r + k)], wi = twiddle[2 * (i * r + k) + 1];
				double re = row[2 * k], im = row[2 * k + 1];

				row[2 * k] = re * wr - im * wi;
				row[2 * k + 1] = re * wi + im * wr;
			}
		rows_done[id]++;
	}
}

/* the six steps: src (destroyed) -> dst in natural order */
static void six_step(int id, double *src, double *dst, long lo, long hi, int conj_in)
{
	transpose(dst, src, lo, hi, conj_in);
	splash_barrier();
	row_ffts(id, dst, lo, hi, 1);
	splash_barrier();
	transpose(src, dst, lo, hi, 0);
	splash_barrier();
	row_ffts(id, src, lo, hi, 0);
	splash_barrier();
	transpose(dst, src, lo, hi, 0);
	splash_barrier();
}

static void worker(int id)
{
	long lo, hi;

	splash_range(r, id, P, &lo, &hi);
	splash_begin(id);
	six_step(id, x, trans, lo, hi, 0);	/* forward: x -> trans */
	if (id == 0)
		for (int s = 0; s < SAMPLES; s++) {
			sample_fft[s][0] = trans[2 * sample_k[s]];
			sample_fft[s][1] = trans[2 * sample_k[s] + 1];
		}
	six_step(id, trans, x, lo, hi, 1);	/* inverse: conj(trans) -> x */
	for (long i = lo * r; i < hi * r; i++) {
		x[2 * i] /= (double)n;
		x[2 * i + 1] /= -(double)n;
	}
	splash_end(id);
}

static void input(long i, struct splash_rng *rng, double *re, double *im)
{
	(void)i;
	*re = splash_drand(rng) - 0.5;
	*im = splash_drand(rng) - 0.5;
}

int main(int argc, char **argv)
{
	struct splash_opt opts[] = {
		{ 'm', "log2 of the number of points (even)", 16, 12, 4, 24, 0, 0 },
	};
	struct splash_args args;
	struct splash_rng rng = { 1 };
	double *wq, dft_err = 0, dft_max = 0, rt_err = 0, rt_max = 0;

	splash_parse(argc, argv, NAME, "six-step 1-D complex FFT of 2^M points",
		     opts, 1, &args);
	P = args.threads;
	m = opts[0].value;
	if (m & 1)
		splash_usage_error(NAME, "-m must be even (the data is a sqrt(n) x sqrt(n) matrix)");
	n = 1L << m;
	r = 1L << (m / 2);
	if (P > r)
		splash_usage_error(NAME, "at most %ld threads for 2^%ld points (one row each)", r, m);
	printf("%s: threads %d size n=%ld (m=%ld, %ldx%ld matrix)\n", NAME, P, n, m, r, r);

	/* everything allocated once and first touched here, by the main thread */
	x = splash_alloc(NAME, 2 * n * sizeof(double));
	trans = splash_alloc(NAME, 2 * n * sizeof(double));
	twiddle = splash_alloc(NAME, 2 * n * sizeof(double));
	rowroots = splash_alloc(NAME, r * sizeof(double));
	for (long j = 0; j < r; j++)
		for (long k = 0; k < r; k++) {
			double a = -2 * M_PI * (double)(j * k) / (double)n;

			twiddle[2 * (j * r + k)] = cos(a);
			twiddle[2 * (j * r + k) + 1] = sin(a);
		}
	for (long k = 0; k < r / 2; k++) {
		rowroots[2 * k] = cos(-2 * M_PI * (double)k / (double)r);
		rowroots[2 * k + 1] = sin(-2 * M_PI * (double)k / (double)r);
	}
	for (long i = 0; i < n; i++)
		input(i, &rng, &x[2 * i], &x[2 * i + 1]);

	/* the direct DFT of the samples, before: w^t = w_r^(t / r) w^(t % r) */
	wq = malloc(2 * r * sizeof(double));
	for (long q = 0; q < r; q++) {
		wq[2 * q] = cos(-2 * M_PI * (double)q / (double)r);
		wq[2 * q + 1] = sin(-2 * M_PI * (double)q / (double)r);
	}
	double direct[SAMPLES][2];
	for (int s = 0; s < SAMPLES; s++) {
		long k = (long)(((unsigned long)s * 0x9e3779b1ul + (unsigned long)s) % (unsigned long)n);
		double sr = 0, si = 0;

		sample_k[s] = k;
		for (long j = 0; j < n; j++) {
			unsigned long t = (unsigned long)(j * k) % (unsigned long)n;
			double ar = wq[2 * (t / r)], ai = wq[2 * (t / r) + 1];
			double br = twiddle[2 * (r + t % r)], bi = twiddle[2 * (r + t % r) + 1];
			double wr = ar * br - ai * bi, wi = ar * bi + ai * br;

			sr += x[2 * j] * wr - x[2 * j + 1] * wi;
			si += x[2 * j] * wi + x[2 * j + 1] * wr;
		}
		direct[s][0] = sr;
		direct[s][1] = si;
	}

	splash_run(P, worker);

	for (int s = 0; s < SAMPLES; s++) {
		double dr = sample_fft[s][0] - direct[s][0], di = sample_fft[s][1] - direct[s][1];

		dft_err = fmax(dft_err, hypot(dr, di));
		dft_max = fmax(dft_max, hypot(direct[s][0], direct[s][1]));
	}
	rng.s = 1;
	for (long i = 0; i < n; i++) {
		double re, im;

		input(i, &rng, &re, &im);
		rt_err = fmax(rt_err, hypot(x[2 * i] - re, x[2 * i + 1] - im));
		rt_max = fmax(rt_max, hypot(re, im));
	}
	rt_err /= rt_max;
	dft_err /= dft_max;
	for (int t = 0; t < P; t++)
		printf("%s: thread %d rows %ld\n", NAME, t, rows_done[t]);
	printf("%s: %s inverse(forward(x)) vs x %.1e, forward vs direct DFT at %d points %.1e (limit 1e-9)\n",
	       NAME, rt_err < 1e-9 && dft_err < 1e-9 ? "PASS" : "FAIL", rt_err, SAMPLES, dft_err);
	return rt_err < 1e-9 && dft_err < 1e-9 ? 0 : 1;
}
