/*
 * view_lanes.c: the timeline's per-column figures (see view_lanes.h). A
 * frame of a run with 1 024 tasks must cost well under 2 ms: only the
 * slices inside the window are visited (binary search to the first), and
 * the CPU lanes' "who ran longest" per cell is folded from the cells
 * each task touched, not from every cell for every task.
 */
#include "ui/view_lanes.h"
#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>

size_t view_slice_from(const trace_slice *s, size_t n, int64_t t)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {   /* slices are in time order: their ends too */
		size_t mid = lo + (hi - lo) / 2;
		if (s[mid].t1 <= t) lo = mid + 1; else hi = mid;
	}
	return lo;
}

/* view_spread into the columns cmin .. cmax only. */
static int spread_cols(int64_t *acc, int stride, int k, const view_cols *w, int64_t a, int64_t b, int cmin, int cmax)
{
	if (b > w->now) b = w->now;
	if (a < w->v0) a = w->v0;
	if (w->scale <= 0) return 1;
	double ra = (double)(a - w->v0), scale = w->scale;
	if ((int)(ra / scale) >= w->lw) return 1;
	if (b <= a) return 0;
	double rb = (double)(b - w->v0);
	int c0 = (int)(ra / scale), c1 = (int)((rb - 1) / scale);
	if (c1 >= w->lw) c1 = w->lw - 1;
	if (c0 < cmin) c0 = cmin;
	if (c1 > cmax) c1 = cmax;
	for (int c = c0; c <= c1; c++) {
		double cs = c * scale, ce = (c + 1) * scale;
		double lo = ra > cs ? ra : cs, hi = rb < ce ? rb : ce;
		if (hi > lo) acc[c * stride + k] += (int64_t)(hi - lo);
	}
	return 0;
}

int view_spread(int64_t *acc, int stride, int k, const view_cols *w, int64_t a, int64_t b)
{
	return spread_cols(acc, stride, k, w, a, b, 0, w->lw - 1);
}

/* view_cpu_cols, with best[]: the time of task[]'s in each cell. */
static void cols_full(const trace *tr, const view_cols *w, const int *cpus, int nc, int *task, int64_t *tot,
		      int64_t *best)
{
	size_t cells = (size_t)(nc > 0 ? nc : 0) * (size_t)(w->lw > 0 ? w->lw : 0);
	for (size_t k = 0; k < cells; k++) {
		task[k] = -1;
		tot[k] = 0;
		best[k] = 0;
	}
	if (!cells) return;
	int lane_of[64];
	for (int c = 0; c < 64; c++) lane_of[c] = -1;
	for (int l = 0; l < nc; l++)
		if (cpus[l] >= 0 && cpus[l] < 64) lane_of[cpus[l]] = l;
	if (w->scale <= 0) return;
	/* tmp: one task's time per cell; the cells it touched listed in hit */
	int64_t *tmp = xcalloc(cells, sizeof(int64_t));
	size_t *hit = xmalloc(sizeof(size_t) * cells), nhit = 0;
	unsigned char *listed = xcalloc(cells, 1);
	for (int i = 0; i < trace_ntasks(tr); i++) {
		size_t n;
		const trace_slice *s = trace_slices(tr, i, &n);
		for (size_t j = view_slice_from(s, n, w->v0); j < n && s[j].t0 < w->now; j++) {
			if (s[j].state != TS_RUNNING || s[j].cpu < 0 || s[j].cpu >= 64 || lane_of[s[j].cpu] < 0) continue;
			/* view_spread inlined, each cell it adds to listed */
			size_t row = (size_t)lane_of[s[j].cpu] * (size_t)w->lw;
			int64_t a = s[j].t0 < w->v0 ? w->v0 : s[j].t0, b = s[j].t1 > w->now ? w->now : s[j].t1;
			double ra = (double)(a - w->v0), scale = w->scale;
			int c0 = (int)(ra / scale);
			if (c0 >= w->lw) break;   /* past the window: so are the later ones */
			if (b <= a) continue;
			double rb = (double)(b - w->v0);
			int c1 = (int)((rb - 1) / scale);
			if (c1 >= w->lw) c1 = w->lw - 1;
			for (int c = c0; c <= c1; c++) {
				double cs = c * scale, ce = (c + 1) * scale;
				double lo = ra > cs ? ra : cs, hi = rb < ce ? rb : ce;
				if (hi <= lo) continue;
				size_t k = row + (size_t)c;
				if (!listed[k]) { listed[k] = 1; hit[nhit++] = k; }
				tmp[k] += (int64_t)(hi - lo);
			}
		}
		for (size_t h = 0; h < nhit; h++) {   /* fold this task into the cells it touched */
			size_t k = hit[h];
			tot[k] += tmp[k];
			if (tmp[k] > best[k]) { best[k] = tmp[k]; task[k] = i; }
			tmp[k] = 0;
			listed[k] = 0;
		}
		nhit = 0;
	}
	free(listed);
	free(tmp);
	free(hit);
}

void view_cpu_cols(const trace *tr, const view_cols *w, const int *cpus, int nc, int *task, int64_t *tot)
{
	size_t cells = (size_t)(nc > 0 ? nc : 0) * (size_t)(w->lw > 0 ? w->lw : 0);
	int64_t *best = xmalloc(sizeof(int64_t) * (cells ? cells : 1));
	cols_full(tr, w, cpus, nc, task, tot, best);
	free(best);
}

/* ---- across frames -------------------------------------------------------------- */

struct view_cpu_cache {
	const trace *tr;
	int64_t start;        /* trace_start_ns: a restarted trace moved its times */
	unsigned long epoch;  /* the caller's: another one, start again */
	view_cols w;          /* the columns of the cells below; w.now: as of when */
	int cpus[64], nc;
	int *task;            /* per cell, as view_cpu_cols */
	int64_t *tot, *best;  /* best: task[]'s time in the cell */
	int ntasks;           /* tasks folded */
	size_t *nfold;        /* per task: its slices folded (those begun before w.now) */
	int64_t *last_t1;     /* per task: the end of the last one folded, as it was */
	int64_t *tnew, *told; /* one task's time per cell, now and as folded (kept 0) */
	int lane_of[64];
};

view_cpu_cache *view_cpu_cache_new(void)
{
	view_cpu_cache *c = xcalloc(1, sizeof *c);
	return c;
}

void view_cpu_cache_free(view_cpu_cache *c)
{
	if (!c) return;
	free(c->task);
	free(c->tot);
	free(c->best);
	free(c->nfold);
	free(c->last_t1);
	free(c->tnew);
	free(c->told);
	free(c);
}

/* The first of n slices that begins at or after t. */
static size_t first_from(const trace_slice *s, size_t n, int64_t t)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s[mid].t0 < t) lo = mid + 1; else hi = mid;
	}
	return lo;
}

/* The column of instant t, held to 0 .. lw - 1. */
static int col_of(const view_cols *w, int64_t t)
{
	if (t <= w->v0 || w->scale <= 0) return 0;
	double c = (double)(t - w->v0) / w->scale;
	return c >= w->lw - 1 ? w->lw - 1 : (int)c;
}

/* Task i's running time into acc (nc lanes of w->lw) over columns ca ..
 * cb: its first n slices, the last one ending at last_t1 (when n > 0),
 * cut at w->now. */
static void task_cells(const view_cpu_cache *c, const trace_slice *s, size_t n, int64_t last_t1, const view_cols *w,
		       int ca, int cb, int64_t *acc)
{
	int64_t from = w->v0 + (int64_t)((double)ca * w->scale) - 1;
	for (size_t j = view_slice_from(s, n, from); j < n && s[j].t0 < w->now; j++) {
		if (s[j].state != TS_RUNNING || s[j].cpu < 0 || s[j].cpu >= 64 || c->lane_of[s[j].cpu] < 0) continue;
		int64_t t1 = j == n - 1 ? last_t1 : s[j].t1;
		if (spread_cols(acc + (size_t)c->lane_of[s[j].cpu] * (size_t)w->lw, 1, 0, w, s[j].t0, t1, ca, cb)) break;
	}
}

/* Everything again, as view_cpu_cols; then each task's place. */
static void cache_full(view_cpu_cache *c, const trace *tr)
{
	size_t cells = (size_t)c->nc * (size_t)c->w.lw;
	c->task = xrealloc(c->task, sizeof(int) * (cells ? cells : 1));
	c->tot = xrealloc(c->tot, sizeof(int64_t) * (cells ? cells : 1));
	free(c->best);
	free(c->tnew);
	free(c->told);
	c->best = xcalloc(cells ? cells : 1, sizeof(int64_t));
	c->tnew = xcalloc(cells ? cells : 1, sizeof(int64_t));
	c->told = xcalloc(cells ? cells : 1, sizeof(int64_t));
	cols_full(tr, &c->w, c->cpus, c->nc, c->task, c->tot, c->best);
	c->ntasks = trace_ntasks(tr);
	c->nfold = xrealloc(c->nfold, sizeof(size_t) * (size_t)(c->ntasks ? c->ntasks : 1));
	c->last_t1 = xrealloc(c->last_t1, sizeof(int64_t) * (size_t)(c->ntasks ? c->ntasks : 1));
	for (int i = 0; i < c->ntasks; i++) {
		size_t n;
		const trace_slice *s = trace_slices(tr, i, &n);
		c->nfold[i] = first_from(s, n, c->w.now);
		c->last_t1[i] = c->nfold[i] ? s[c->nfold[i] - 1].t1 : 0;
	}
}

/* Folds what task i added since it was folded (slices begun since, the
 * last one grown, the cut at now moved): its time in the columns from
 * its last folded slice on, now and as folded; 0, or -1 when it lost time
 * somewhere (the trace changed otherwise than by growing). */
static int cache_task(view_cpu_cache *c, const trace *tr, int i, int64_t old_now)
{
	size_t n;
	const trace_slice *s = trace_slices(tr, i, &n);
	size_t nf = first_from(s, n, c->w.now), of = i < c->ntasks ? c->nfold[i] : 0;
	int64_t olt = i < c->ntasks ? c->last_t1[i] : 0;
	if (nf < of) return -1;
	/* where its running time may have changed: its last folded slice, if
	 * running and longer now or cut at another now; its new running ones */
	int64_t from = INT64_MAX;
	if (of && s[of - 1].state == TS_RUNNING && (s[of - 1].t1 != olt || (olt > old_now && c->w.now != old_now)))
		from = s[of - 1].t0;
	for (size_t j = of; j < nf && from == INT64_MAX; j++)
		if (s[j].state == TS_RUNNING) from = s[j].t0;
	if (from != INT64_MAX) {
		view_cols ow = c->w;
		ow.now = old_now;
		int lw = c->w.lw, ca = col_of(&c->w, from), cb = col_of(&c->w, c->w.now);
		task_cells(c, s, nf, s[nf - 1].t1, &c->w, ca, cb, c->tnew);
		if (of) task_cells(c, s, of, olt, &ow, ca, cb, c->told);
		int bad = 0;
		for (int l = 0; l < c->nc; l++)
			for (int col = ca; col <= cb; col++) {
				size_t k = (size_t)l * (size_t)lw + (size_t)col;
				int64_t v = c->tnew[k], d = v - c->told[k];
				c->tnew[k] = c->told[k] = 0;
				if (d < 0) bad = 1;
				if (!d) continue;
				c->tot[k] += d;
				if (c->task[k] == i || v > c->best[k] || (v == c->best[k] && v > 0 && i < c->task[k])) {
					c->task[k] = i;
					c->best[k] = v;
				}
			}
		if (bad) return -1;
	}
	c->nfold[i] = nf;
	c->last_t1[i] = nf ? s[nf - 1].t1 : 0;
	return 0;
}

void view_cpu_cols_cached(view_cpu_cache *c, const trace *tr, const view_cols *w, const int *cpus, int nc,
			  unsigned long epoch, const int **task, const int64_t **tot)
{
	int64_t old_now = c->w.now;
	int same = c->tr == tr && c->start == trace_start_ns(tr) && c->epoch == epoch && c->w.v0 == w->v0 &&
		   c->w.scale == w->scale && c->w.lw == w->lw && w->now >= old_now && c->nc == nc &&
		   trace_ntasks(tr) >= c->ntasks && c->task;
	for (int l = 0; same && l < nc; l++) same = c->cpus[l] == cpus[l];
	c->tr = tr;
	c->start = trace_start_ns(tr);
	c->epoch = epoch;
	c->w = *w;
	c->nc = nc < 0 ? 0 : nc > 64 ? 64 : nc;
	for (int l = 0; l < c->nc; l++) c->cpus[l] = cpus[l];
	for (int k = 0; k < 64; k++) c->lane_of[k] = -1;
	for (int l = 0; l < c->nc; l++)
		if (cpus[l] >= 0 && cpus[l] < 64) c->lane_of[cpus[l]] = l;
	if (same && w->scale > 0 && w->lw > 0) {
		int nt = trace_ntasks(tr);
		if (nt > c->ntasks) {
			c->nfold = xrealloc(c->nfold, sizeof(size_t) * (size_t)nt);
			c->last_t1 = xrealloc(c->last_t1, sizeof(int64_t) * (size_t)nt);
			for (int i = c->ntasks; i < nt; i++) { c->nfold[i] = 0; c->last_t1[i] = 0; }
			c->ntasks = nt;
		}
		for (int i = 0; i < nt && same; i++) same = cache_task(c, tr, i, old_now) == 0;
	} else same = 0;
	if (!same) cache_full(c, tr);
	*task = c->task;
	*tot = c->tot;
}
