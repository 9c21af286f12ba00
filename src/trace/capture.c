/* capture.c: picks the capture backend for a run, and reconciles a
 * capture's running slices with the kernel's totals (capture_reconcile). */
#include "trace/capture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

/* "none": no capture; "proc": the /proc sampler; "perf": context-switch
 * records or nothing; anything else: perf, and the /proc sampler where
 * perf cannot start (its start() hands over and names the reason). */
capture *capture_open(trace *t, loop *l, const char *which)
{
	if (!which || !*which) which = getenv("PARLAB_CAPTURE");
	if (which && !strcmp(which, "none")) {
		trace_set_backend(t, "none (PARLAB_CAPTURE=none)");
		return NULL;
	}
	if (which && !strcmp(which, "proc")) return capture_proc_new(t, l, 0);
	if (which && !strcmp(which, "perf")) {
		char why[112], name[160];
		if (capture_perf_probe(why, sizeof why) < 0) {
			snprintf(name, sizeof name, "none (perf unavailable: %s)", why);
			trace_set_backend(t, name);
			return NULL;
		}
		return capture_perf_new(t, l, 0);
	}
	return capture_perf_new(t, l, 1);
}

/* ---- reconciling with the kernel's totals ------------------------------------------ */

/* One running slice, for the per-CPU order. */
typedef struct {
	int64_t t0, t1;
	int cpu, task;
	size_t i;
} cr_slice;

static int cr_cmp(const void *a, const void *b)
{
	const cr_slice *x = a, *y = b;
	if (x->cpu != y->cpu) return x->cpu < y->cpu ? -1 : 1;
	if (x->t0 != y->t0) return x->t0 < y->t0 ? -1 : 1;
	return x->t1 < y->t1 ? -1 : x->t1 > y->t1;
}

static int cr_cmp_room(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Splits need over the rooms in equal shares, none above its room: into
 * take[]. Returns what was placed (need, or every room). */
static int64_t cr_share(const int64_t *room, int64_t *take, size_t n, int64_t need)
{
	int64_t (*by)[2] = xmalloc((n ? n : 1) * sizeof *by);   /* room, index */
	for (size_t k = 0; k < n; k++) {
		by[k][0] = room[k];
		by[k][1] = (int64_t)k;
		take[k] = 0;
	}
	qsort(by, n, sizeof *by, cr_cmp_room);
	int64_t rest = need;
	for (size_t k = 0; k < n && rest > 0; k++) {
		int64_t left = (int64_t)(n - k), share = rest / left;
		if (by[k][0] <= share) {   /* the smallest rooms fill up first */
			take[by[k][1]] = by[k][0];
			rest -= by[k][0];
			continue;
		}
		int64_t extra = rest - share * left;   /* < left: 1 ns more for the first few */
		for (size_t m = k; m < n; m++, extra--) take[by[m][1]] = share + (extra > 0);
		rest = 0;
	}
	free(by);
	return need - rest;
}

/* The running slices of every task by CPU and start; for each, the latest
 * end of those before it on its CPU (ends never move): ends[first[task] + i]. */
static int64_t *cr_cpu_ends(const trace *t, size_t *first)
{
	size_t total = 0, nrun = 0;
	for (int x = 0; x < trace_ntasks(t); x++) {
		size_t n;
		first[x] = total;
		(void)trace_slices(t, x, &n);
		total += n;
	}
	int64_t *ends = xmalloc((total ? total : 1) * sizeof *ends);
	cr_slice *all = xmalloc((total ? total : 1) * sizeof *all);
	for (int x = 0; x < trace_ntasks(t); x++) {
		size_t n;
		const trace_slice *s = trace_slices(t, x, &n);
		for (size_t i = 0; i < n; i++) {
			ends[first[x] + i] = INT64_MIN;
			if (s[i].state == TS_RUNNING)
				all[nrun++] = (cr_slice){ s[i].t0, s[i].t1, s[i].cpu, x, i };
		}
	}
	qsort(all, nrun, sizeof *all, cr_cmp);
	int64_t latest = INT64_MIN;
	for (size_t k = 0; k < nrun; k++) {
		if (k == 0 || all[k].cpu != all[k - 1].cpu) latest = INT64_MIN;
		ends[first[all[k].task] + all[k].i] = latest;
		if (all[k].t1 > latest) latest = all[k].t1;
	}
	free(all);
	return ends;
}

/* How far slice i (running) of task may start earlier (grow) or later
 * (not past upto). */
static int64_t cr_room(const trace *t, int x, const trace_slice *s, size_t i, int64_t cpu_end, int grow, int64_t upto)
{
	const trace_slice *p = i ? &s[i - 1] : NULL;
	int meet = p && p->t1 == s[i].t0;
	if (meet && p->state == TS_RUNNING) return 0;   /* it never left a CPU */
	if (!grow) return meet ? (s[i].t1 < upto ? s[i].t1 : upto) - s[i].t0 - 1 : 0;   /* it gives up: waiting */
	int64_t born = trace_task_at(t, x)->born;
	int64_t lo = meet ? p->t0 + 1 : p ? p->t1 : born >= 0 ? born : s[i].t0;
	if (born > lo) lo = born;
	if (cpu_end > lo) lo = cpu_end;
	return s[i].t0 > lo ? s[i].t0 - lo : 0;
}

/* Running time of a task before upto. */
static int64_t cr_running(const trace *t, int x, int64_t upto, size_t *nin)
{
	size_t n;
	const trace_slice *s = trace_slices(t, x, &n);
	int64_t sum = 0;
	if (nin) *nin = 0;
	for (size_t i = 0; i < n && s[i].t0 < upto; i++) {
		if (s[i].state != TS_RUNNING) continue;
		sum += (s[i].t1 < upto ? s[i].t1 : upto) - s[i].t0;
		if (nin) (*nin)++;
	}
	return sum;
}

/* One task: the difference spread over its switch-ins before upto. */
static void cr_task(trace *t, int x, int64_t kernel, int64_t upto, const int64_t *cpu_end)
{
	size_t n, nin;
	const trace_slice *s = trace_slices(t, x, &n);
	int64_t diff = kernel - cr_running(t, x, upto, &nin);
	if (!diff || !nin) return;
	int grow = diff > 0;
	int64_t *room = xmalloc(nin * sizeof *room), *take = xmalloc(nin * sizeof *take);
	size_t *at = xmalloc(nin * sizeof *at), k = 0;
	for (size_t i = 0; i < n && k < nin; i++) {
		if (s[i].state != TS_RUNNING) continue;
		at[k] = i;
		room[k++] = cr_room(t, x, s, i, cpu_end[i], grow, upto);
	}
	cr_share(room, take, nin, grow ? diff : -diff);
	for (k = 0; k < nin; k++) {
		if (!take[k]) continue;
		s = trace_slices(t, x, &n);
		(void)trace_slice_move_start(t, x, at[k], s[at[k]].t0 + (grow ? -take[k] : take[k]));
	}
	free(room);
	free(take);
	free(at);
}

void capture_reconcile(trace *t, const int64_t *kernel_ns, const int64_t *as_of, int64_t *left)
{
	int nt = trace_ntasks(t);
	size_t *first = xmalloc((size_t)(nt ? nt : 1) * sizeof *first);
	int64_t *ends = cr_cpu_ends(t, first);
	for (int x = 0; x < nt; x++) {
		int64_t upto = as_of && as_of[x] >= 0 ? as_of[x] : INT64_MAX;
		if (kernel_ns[x] >= 0) cr_task(t, x, kernel_ns[x], upto, ends + first[x]);
		if (left) left[x] = kernel_ns[x] >= 0 ? cr_running(t, x, upto, NULL) - kernel_ns[x] : 0;
	}
	free(ends);
	free(first);
}
