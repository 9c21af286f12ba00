/* view_lanes: the timeline's per-column figures from the window's slices
 * only, and across frames from what changed, against the full scan the
 * timeline did before (kept here as the reference) on random traces. */
#include "ui/view_lanes.h"
#include "check.h"

#include <stdint.h>
#include <stdlib.h>

/* ---- the reference: every slice of every task, every cell for every task --- */

static void ref_spread(int64_t *acc, const view_cols *v, int64_t a, int64_t b)
{
	if (b > v->now) b = v->now;
	if (a < v->v0) a = v->v0;
	if (b <= a || v->scale <= 0) return;
	double ra = (double)(a - v->v0), rb = (double)(b - v->v0), scale = v->scale;
	int c0 = (int)(ra / scale), c1 = (int)((rb - 1) / scale);
	if (c0 >= v->lw) return;
	if (c1 >= v->lw) c1 = v->lw - 1;
	for (int c = c0; c <= c1; c++) {
		double cs = c * scale, ce = (c + 1) * scale;
		double lo = ra > cs ? ra : cs, hi = rb < ce ? rb : ce;
		if (hi > lo) acc[c] += (int64_t)(hi - lo);
	}
}

static void ref_cpu_cols(const trace *tr, const view_cols *v, const int *cpus, int nc, int *task, int64_t *tot)
{
	size_t cells = (size_t)nc * (size_t)v->lw;
	int64_t *tmp = calloc(cells, sizeof(int64_t)), *best = calloc(cells, sizeof(int64_t));
	int lane_of[64];
	for (int c = 0; c < 64; c++) lane_of[c] = -1;
	for (int l = 0; l < nc; l++) lane_of[cpus[l]] = l;
	for (size_t k = 0; k < cells; k++) { task[k] = -1; tot[k] = 0; }
	for (int i = 0; i < trace_ntasks(tr); i++) {
		size_t n;
		const trace_slice *s = trace_slices(tr, i, &n);
		for (size_t j = 0; j < n && s[j].t0 < v->now; j++) {
			if (s[j].state != TS_RUNNING || s[j].cpu < 0 || s[j].cpu >= 64 || lane_of[s[j].cpu] < 0) continue;
			ref_spread(tmp + (size_t)lane_of[s[j].cpu] * (size_t)v->lw, v, s[j].t0, s[j].t1);
		}
		for (size_t k = 0; k < cells; k++) {
			tot[k] += tmp[k];
			if (tmp[k] > best[k]) { best[k] = tmp[k]; task[k] = i; }
			tmp[k] = 0;
		}
	}
	free(tmp);
	free(best);
}

/* ---- random traces ---------------------------------------------------------- */

static unsigned seed = 4242;
static int64_t rnd(int64_t n) { return n > 0 ? (int64_t)(rand_r(&seed) % (unsigned)n) : 0; }

/* Grows each task by a few slices (some continuing the last one on the same
 * CPU, which trace_slice_add merges) up to about until; last[i]: where it is. */
static void grow(trace *tr, int64_t *last, int64_t until, int ncpu)
{
	for (int i = 0; i < trace_ntasks(tr); i++) {
		while (last[i] < until) {
			int64_t len = 1 + rnd(rnd(4) ? 3000 : 200000);
			trace_state st = rnd(2) ? TS_RUNNING : rnd(2) ? TS_SLEEPING : TS_RUNNABLE;
			int64_t t0 = last[i] + (rnd(5) ? 0 : rnd(5000));
			trace_slice_add(tr, i, t0, t0 + len, st, (int)rnd(ncpu));
			last[i] = t0 + len;
			if (!rnd(3)) break;
		}
	}
}

static int same_cells(const int *ta, const int64_t *xa, const int *tb, const int64_t *xb, size_t cells)
{
	for (size_t k = 0; k < cells; k++)
		if (ta[k] != tb[k] || xa[k] != xb[k]) return 0;
	return 1;
}

static void test_window_search(void)
{
	trace *tr = trace_new("search", 0);
	trace_task_add(tr, 10, 10, 1, 0, "w0");
	int64_t last = 0;
	for (int k = 0; k < 500; k++) {
		int64_t t0 = last + rnd(3), t1 = t0 + 1 + rnd(50);
		trace_slice_add(tr, 0, t0, t1, k % 2 ? TS_RUNNING : TS_SLEEPING, 0);
		last = t1;
	}
	size_t n;
	const trace_slice *s = trace_slices(tr, 0, &n);
	int bad = 0;
	for (int64_t t = -5; t < last + 5; t += 3) {
		size_t j = view_slice_from(s, n, t), want = 0;
		while (want < n && s[want].t1 <= t) want++;   /* the full scan */
		bad += j != want;
	}
	CHECK(n > 200 && bad == 0);
	trace_free(tr);
}

/* Random traces and windows (whole run, zoomed, panned, cut at a paused
 * now), with the window's slices only: the same cells as the full scan. */
static void test_cpu_cols(void)
{
	int diffs = 0, busy = 0;
	for (int round = 0; round < 200; round++) {
		trace *tr = trace_new("cols", 0);
		int nt = 1 + (int)rnd(40), ncpu = 1 + (int)rnd(4);
		int64_t *last = calloc((size_t)nt, sizeof(int64_t));
		for (int i = 0; i < nt; i++) trace_task_add(tr, 100 + i, 100 + i, 1, i, "w");
		grow(tr, last, 200000 + rnd(2000000), ncpu);
		int64_t end = trace_last(tr);
		view_cols w = { .lw = 1 + (int)rnd(150) };
		w.now = rnd(4) ? end : rnd(end + 1);
		if (rnd(2)) { w.v0 = 0; w.scale = (double)(end + 1) / w.lw; }
		else { w.v0 = rnd(end); w.scale = 1 + (double)rnd(end / w.lw + 2); }
		int cpus[4], nc = 0;
		for (int c = 0; c < ncpu; c++)
			if (rnd(4)) cpus[nc++] = c;
		size_t cells = (size_t)(nc ? nc : 1) * (size_t)w.lw;
		int *ta = malloc(sizeof(int) * cells), *tb = malloc(sizeof(int) * cells);
		int64_t *xa = malloc(sizeof(int64_t) * cells), *xb = malloc(sizeof(int64_t) * cells);
		view_cpu_cols(tr, &w, cpus, nc, ta, xa);
		ref_cpu_cols(tr, &w, cpus, nc, tb, xb);
		diffs += !same_cells(ta, xa, tb, xb, (size_t)nc * (size_t)w.lw);
		for (size_t k = 0; k < (size_t)nc * (size_t)w.lw; k++) busy += ta[k] >= 0;
		free(ta); free(tb); free(xa); free(xb); free(last);
		trace_free(tr);
	}
	CHECK(diffs == 0);
	CHECK(busy > 1000);   /* the cells were not all empty */
}

/* Frames of a growing trace (a live run: slices added, last ones grown,
 * tasks added), now moving on, a pause, the window changing now and then
 * (zoom, pan, resize, a seek back), the epoch changing: the cache gives
 * what the full scan gives, every frame. */
static void test_cache(void)
{
	int diffs = 0, frames = 0, folded = 0;
	view_cpu_cache *c = view_cpu_cache_new();
	for (int round = 0; round < 40; round++) {
		trace *tr = trace_new("live", 0);
		int ncpu = 1 + (int)rnd(4), nt = 1 + (int)rnd(10), cap = 80;
		int64_t *last = calloc((size_t)cap, sizeof(int64_t));
		for (int i = 0; i < nt; i++) trace_task_add(tr, 100 + i, 100 + i, 1, i, "w");
		int cpus[4], nc = 0;
		for (int cc = 0; cc < ncpu; cc++) cpus[nc++] = cc;
		view_cols w = { .v0 = 0, .lw = 20 + (int)rnd(100), .scale = 5000 + (double)rnd(50000) };
		int64_t now = 0;
		unsigned long epoch = 1;
		for (int f = 0; f < 60; f++) {
			int64_t until = now + rnd(40000);
			if (nt < cap && !rnd(5)) {
				trace_task_add(tr, 100 + nt, 100 + nt, 1, nt, "w");
				last[nt] = now;
				nt++;
			}
			grow(tr, last, until, ncpu);
			if (rnd(6)) now = trace_last(tr) - rnd(3000);   /* live; else paused */
			if (now < 0) now = 0;
			switch (rnd(12)) {
			case 0: w.scale *= 2; break;                        /* the live scale's step */
			case 1: w.v0 = rnd(now + 1); break;                 /* pan */
			case 2: w.lw = 20 + (int)rnd(100); break;           /* resize */
			case 3: now = rnd(now + 1); break;                  /* a seek back */
			case 4: epoch++; break;
			case 5: if (nc > 1) nc--; break;                   /* fewer lanes */
			default: break;
			}
			w.now = now;
			size_t cells = (size_t)nc * (size_t)w.lw;
			const int *ta;
			const int64_t *xa;
			view_cpu_cols_cached(c, tr, &w, cpus, nc, epoch, &ta, &xa);
			int *tb = malloc(sizeof(int) * (cells ? cells : 1));
			int64_t *xb = malloc(sizeof(int64_t) * (cells ? cells : 1));
			ref_cpu_cols(tr, &w, cpus, nc, tb, xb);
			diffs += !same_cells(ta, xa, tb, xb, cells);
			for (size_t k = 0; k < cells; k++) folded += ta[k] >= 0;
			frames++;
			free(tb);
			free(xb);
		}
		free(last);
		trace_free(tr);
	}
	view_cpu_cache_free(c);
	CHECK(frames == 2400 && diffs == 0);
	CHECK(folded > 10000);
}

int main(void)
{
	test_window_search();
	test_cpu_cols();
	test_cache();
	return CHECK_DONE();
}
