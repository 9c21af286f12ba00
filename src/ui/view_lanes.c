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

int view_spread(int64_t *acc, int stride, int k, const view_cols *w, int64_t a, int64_t b)
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
	for (int c = c0; c <= c1; c++) {
		double cs = c * scale, ce = (c + 1) * scale;
		double lo = ra > cs ? ra : cs, hi = rb < ce ? rb : ce;
		if (hi > lo) acc[c * stride + k] += (int64_t)(hi - lo);
	}
	return 0;
}

void view_cpu_cols(const trace *tr, const view_cols *w, const int *cpus, int nc, int *task, int64_t *tot)
{
	size_t cells = (size_t)(nc > 0 ? nc : 0) * (size_t)(w->lw > 0 ? w->lw : 0);
	for (size_t k = 0; k < cells; k++) {
		task[k] = -1;
		tot[k] = 0;
	}
	if (!cells) return;
	int lane_of[64];
	for (int c = 0; c < 64; c++) lane_of[c] = -1;
	for (int l = 0; l < nc; l++)
		if (cpus[l] >= 0 && cpus[l] < 64) lane_of[cpus[l]] = l;
	if (w->scale <= 0) return;
	/* tmp: one task's time per cell; the cells it touched listed in hit */
	int64_t *tmp = xcalloc(cells, sizeof(int64_t)), *best = xcalloc(cells, sizeof(int64_t));
	size_t *hit = xmalloc(sizeof(size_t) * cells), nhit = 0;
	unsigned char *listed = xcalloc(cells, 1);
	for (int i = 0; i < trace_ntasks(tr); i++) {
		size_t n;
		const trace_slice *s = trace_slices(tr, i, &n);
		for (size_t j = view_slice_from(s, n, w->v0); j < n && s[j].t0 < w->now; j++) {
			if (s[j].state != TS_RUNNING || s[j].cpu < 0 || s[j].cpu >= 64 || lane_of[s[j].cpu] < 0) continue;
			size_t row = (size_t)lane_of[s[j].cpu] * (size_t)w->lw;
			int64_t a = s[j].t0 < w->v0 ? w->v0 : s[j].t0, b = s[j].t1 > w->now ? w->now : s[j].t1;
			if (view_spread(tmp + row, 1, 0, w, s[j].t0, s[j].t1)) break;   /* past the window */
			if (b <= a) continue;
			int c0 = (int)((double)(a - w->v0) / w->scale), c1 = (int)(((double)(b - w->v0) - 1) / w->scale);
			if (c1 >= w->lw) c1 = w->lw - 1;
			for (size_t k = row + (size_t)c0; k <= row + (size_t)c1; k++)
				if (!listed[k]) { listed[k] = 1; hit[nhit++] = k; }
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
	free(best);
	free(hit);
}
