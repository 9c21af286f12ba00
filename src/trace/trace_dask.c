/*
 * trace_dask.c: a distributed framework's task stream (trace.h): Dask's
 * workers, the tasks their threads ran and the data moved between them.
 * Kept apart from trace.c's records; trace.c only holds the pointer,
 * frees it and ends open tasks with the run.
 */
#include "trace/trace.h"
#include "util/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dlane {
	trace_dlane l;
	size_t *tasks;     /* indices into d->t, by start */
	size_t cap;
};

struct trace_dask {
	trace_dworker *w;
	size_t nw, capw;
	trace_dtask *t;
	size_t nt, capt;
	struct dlane *l;
	size_t nl, capl;
	trace_dxfer *x;
	size_t nx, capx;
	char (*pre)[32];
	size_t npre, cappre;
};

static struct trace_dask *store(trace *t)
{
	struct trace_dask **p = trace_dask_slot(t);
	if (!*p) *p = xcalloc(1, sizeof **p);
	return *p;
}

static const struct trace_dask *peek(const trace *t) { return *trace_dask_slot(t); }

void trace_dask_free(struct trace_dask *d)
{
	if (!d) return;
	for (size_t i = 0; i < d->nl; i++) free(d->l[i].tasks);
	free(d->w);
	free(d->t);
	free(d->l);
	free(d->x);
	free(d->pre);
	free(d);
}

/* Copies src into dst (cap bytes), sanitized: a worker's words. */
static void copy_clean(char *dst, size_t cap, const char *src)
{
	trace_sanitize(dst, cap, src ? src : "", src ? strlen(src) : 0);
}

/* ---- workers ---------------------------------------------------------------- */

int trace_dworker_find(const trace *t, const char *addr)
{
	const struct trace_dask *d = peek(t);
	char a[sizeof d->w->addr];
	copy_clean(a, sizeof a, addr);
	for (size_t i = 0; d && i < d->nw; i++)
		if (!strcmp(d->w[i].addr, a)) return (int)i;
	return -1;
}

int trace_dworker_add(trace *t, const char *addr, const char *name, pid_t pid, int nthreads, int local)
{
	struct trace_dask *d = store(t);
	int i = trace_dworker_find(t, addr);
	if (i < 0) {
		d->w = xgrow(d->w, &d->capw, d->nw + 1, sizeof *d->w);
		i = (int)d->nw++;
		memset(&d->w[i], 0, sizeof d->w[i]);
		copy_clean(d->w[i].addr, sizeof d->w[i].addr, addr);
	}
	trace_dworker *w = &d->w[i];
	copy_clean(w->name, sizeof w->name, name);
	w->pid = pid;
	w->nthreads = nthreads;
	w->local = !!local;
	trace_touch_store(t);
	return i;
}

size_t trace_ndworkers(const trace *t) { return peek(t) ? peek(t)->nw : 0; }

const trace_dworker *trace_dworker_at(const trace *t, size_t i)
{
	const struct trace_dask *d = peek(t);
	return d && i < d->nw ? &d->w[i] : NULL;
}

trace_dwhere trace_dworker_where(const trace *t, size_t i)
{
	const trace_dworker *w = trace_dworker_at(t, i);
	if (!w || !w->local) return TRACE_DW_REMOTE;
	if (w->outside) return TRACE_DW_HOST;
	return w->pid > 0 && trace_task_find(t, w->pid) >= 0 ? TRACE_DW_RUN : TRACE_DW_HOST;
}

void trace_dworker_set_outside(trace *t, size_t i)
{
	struct trace_dask *d = store(t);
	if (i >= d->nw) return;
	d->w[i].outside = 1;
	trace_touch_store(t);
}

int trace_task_outside(const trace *t, int id)
{
	const trace_task *k = trace_task_at(t, id);
	const struct trace_dask *d = peek(t);
	for (size_t i = 0; k && d && i < d->nw; i++)
		if (d->w[i].outside && d->w[i].pid == k->pid) return 1;
	return 0;
}

const char *trace_dworker_where_text(const trace *t, size_t i, char *buf, size_t cap)
{
	const trace_dworker *w = trace_dworker_at(t, i);
	switch (trace_dworker_where(t, i)) {
	case TRACE_DW_RUN: snprintf(buf, cap, "process %d of this run", w ? (int)w->pid : 0); break;
	case TRACE_DW_HOST:
		snprintf(buf, cap, "pid %d on this machine, not started by this run%s", w ? (int)w->pid : 0,
			 w && w->pid > 0 && trace_task_find(t, w->pid) >= 0 ? "" : " (no lanes)");
		break;
	case TRACE_DW_REMOTE: snprintf(buf, cap, "on another machine"); break;
	}
	return buf;
}

const char *trace_dworker_short(const trace_dworker *w, char *buf, size_t cap)
{
	const char *s = strstr(w->addr, "://");
	snprintf(buf, cap, "%s", s ? s + 3 : w->addr);
	return buf;
}

/* ---- tasks and lanes ---------------------------------------------------------- */

static size_t lane_of(struct trace_dask *d, int w, pid_t tid)
{
	for (size_t i = 0; i < d->nl; i++)
		if (d->l[i].l.worker == w && d->l[i].l.tid == tid) return i;
	d->l = xgrow(d->l, &d->capl, d->nl + 1, sizeof *d->l);
	struct dlane *l = &d->l[d->nl];
	memset(l, 0, sizeof *l);
	l->l.worker = w;
	l->l.tid = tid;
	return d->nl++;
}

static void prefix_note(struct trace_dask *d, const char *prefix)
{
	for (size_t i = 0; i < d->npre; i++)
		if (!strcmp(d->pre[i], prefix)) return;
	d->pre = xgrow(d->pre, &d->cappre, d->npre + 1, sizeof *d->pre);
	snprintf(d->pre[d->npre++], sizeof *d->pre, "%s", prefix);
}

/* Puts task i in its lane's list, kept in order of start (tasks come
 * nearly in order: from the back). */
static void lane_insert(struct trace_dask *d, struct dlane *l, size_t i)
{
	l->tasks = xgrow(l->tasks, &l->cap, (size_t)l->l.ntasks + 1, sizeof *l->tasks);
	size_t k = (size_t)l->l.ntasks;
	while (k > 0 && d->t[l->tasks[k - 1]].t0 > d->t[i].t0) {
		l->tasks[k] = l->tasks[k - 1];
		k--;
	}
	l->tasks[k] = i;
	l->l.ntasks++;
}

void trace_dtask_add(trace *t, int w, pid_t tid, int64_t t0, int64_t t1, const char *prefix, const char *key)
{
	struct trace_dask *d = store(t);
	if (w < 0 || (size_t)w >= d->nw) return;
	if (t0 < 0) t0 = 0;
	if (t1 >= 0 && t1 < t0) t1 = t0;
	size_t li = lane_of(d, w, tid);
	struct dlane *l = &d->l[li];
	char k[sizeof d->t->key];
	copy_clean(k, sizeof k, key);
	for (int j = l->l.ntasks - 1; j >= 0 && t1 >= 0; j--) {   /* the end of one begun */
		trace_dtask *o = &d->t[l->tasks[j]];
		if (o->t1 < 0 && o->t0 == t0 && !strcmp(o->key, k)) {
			o->t1 = t1;
			copy_clean(o->prefix, sizeof o->prefix, prefix);
			prefix_note(d, o->prefix);
			trace_touch_store(t);
			return;
		}
	}
	d->t = xgrow(d->t, &d->capt, d->nt + 1, sizeof *d->t);
	trace_dtask *n = &d->t[d->nt];
	n->lane = (int)li;
	n->t0 = t0;
	n->t1 = t1;
	copy_clean(n->prefix, sizeof n->prefix, prefix && *prefix ? prefix : "task");
	memcpy(n->key, k, sizeof n->key);
	prefix_note(d, n->prefix);
	lane_insert(d, l, d->nt++);
	trace_touch_store(t);
}

size_t trace_ndtasks(const trace *t) { return peek(t) ? peek(t)->nt : 0; }

const trace_dtask *trace_dtask_at(const trace *t, size_t i)
{
	const struct trace_dask *d = peek(t);
	return d && i < d->nt ? &d->t[i] : NULL;
}

size_t trace_ndlanes(const trace *t) { return peek(t) ? peek(t)->nl : 0; }

const trace_dlane *trace_dlane_at(const trace *t, size_t i)
{
	const struct trace_dask *d = peek(t);
	return d && i < d->nl ? &d->l[i].l : NULL;
}

const size_t *trace_dlane_tasks(const trace *t, size_t l, size_t *n)
{
	const struct trace_dask *d = peek(t);
	*n = d && l < d->nl ? (size_t)d->l[l].l.ntasks : 0;
	return *n ? d->l[l].tasks : NULL;
}

/* The first of lane l's tasks (by start) that starts after at. */
static size_t first_after(const struct trace_dask *d, const struct dlane *l, int64_t at)
{
	size_t lo = 0, hi = (size_t)l->l.ntasks;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->t[l->tasks[mid]].t0 <= at) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

const trace_dtask *trace_dtask_find(const trace *t, size_t l, int64_t at)
{
	const struct trace_dask *d = peek(t);
	if (!d || l >= d->nl) return NULL;
	size_t k = first_after(d, &d->l[l], at);
	if (!k) return NULL;
	const trace_dtask *x = &d->t[d->l[l].tasks[k - 1]];
	return x->t1 < 0 || x->t1 > at ? x : NULL;
}

int64_t trace_dlane_busy(const trace *t, size_t l, int64_t a, int64_t b)
{
	const struct trace_dask *d = peek(t);
	if (!d || l >= d->nl || b <= a) return 0;
	const struct dlane *ln = &d->l[l];
	size_t k = first_after(d, ln, b - 1);
	int64_t sum = 0;
	while (k > 0) {   /* a thread runs one task at a time: once one ended before a, all before it did */
		const trace_dtask *x = &d->t[ln->tasks[--k]];
		int64_t e = x->t1 < 0 ? b : x->t1;
		if (e <= a) break;
		int64_t s0 = x->t0 > a ? x->t0 : a, s1 = e < b ? e : b;
		if (s1 > s0) sum += s1 - s0;
	}
	return sum;
}

int trace_dlane_task(const trace *t, size_t l)
{
	const struct trace_dask *d = peek(t);
	if (!d || l >= d->nl || !d->w[d->l[l].l.worker].local) return -1;
	return trace_task_find(t, d->l[l].l.tid);
}

const char *trace_dlane_name(const trace *t, size_t l, char *buf, size_t cap)
{
	const struct trace_dask *d = peek(t);
	if (!d || l >= d->nl) {
		snprintf(buf, cap, "dask");
		return buf;
	}
	int w = d->l[l].l.worker, nth = 0;
	for (size_t i = 0; i < l; i++) nth += d->l[i].l.worker == w;
	const trace_dworker *dw = &d->w[w];
	if (dw->local) {
		snprintf(buf, cap, "dask %d.%d", (int)dw->pid, nth);
	} else {
		char s[sizeof dw->addr];
		snprintf(buf, cap, "dask %s.%d", dw->name[0] ? dw->name : trace_dworker_short(dw, s, sizeof s), nth);
	}
	return buf;
}

int trace_dprefix_slot(const trace *t, const char *prefix)
{
	const struct trace_dask *d = peek(t);
	for (size_t i = 0; d && i < d->npre; i++)
		if (!strcmp(d->pre[i], prefix)) return (int)i;
	return 0;
}

size_t trace_ndprefixes(const trace *t) { return peek(t) ? peek(t)->npre : 0; }

const char *trace_dprefix_at(const trace *t, size_t i)
{
	const struct trace_dask *d = peek(t);
	return d && i < d->npre ? d->pre[i] : NULL;
}

/* ---- transfers ---------------------------------------------------------------- */

void trace_dxfer_add(trace *t, int from, int to, int64_t t0, int64_t t1, long long nbytes, const char *key)
{
	struct trace_dask *d = store(t);
	if (to < 0 || (size_t)to >= d->nw || from >= (int)d->nw) return;
	d->x = xgrow(d->x, &d->capx, d->nx + 1, sizeof *d->x);
	trace_dxfer *x = &d->x[d->nx++];
	x->from = from < 0 ? -1 : from;
	x->to = to;
	x->t0 = t0 < 0 ? 0 : t0;
	x->t1 = t1 < x->t0 ? x->t0 : t1;
	x->nbytes = nbytes < 0 ? 0 : nbytes;
	copy_clean(x->key, sizeof x->key, key);
	trace_touch_store(t);
}

size_t trace_ndxfers(const trace *t) { return peek(t) ? peek(t)->nx : 0; }

const trace_dxfer *trace_dxfer_at(const trace *t, size_t i)
{
	const struct trace_dask *d = peek(t);
	return d && i < d->nx ? &d->x[i] : NULL;
}

void trace_dask_finish(trace *t, int64_t end)
{
	struct trace_dask *d = *trace_dask_slot(t);
	for (size_t i = 0; d && i < d->nt; i++)
		if (d->t[i].t1 < 0) d->t[i].t1 = end > d->t[i].t0 ? end : d->t[i].t0;
}
