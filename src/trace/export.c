/*
 * export.c: a trace as Chrome Trace Event JSON, built with jansson. Every
 * task is a thread under its real pid and tid, its state slices are
 * complete ("X") events, a synthetic "CPUs" process has one thread per CPU
 * showing which task ran there and a counter ("C") of the share other
 * programs took of it, output lines and marks are instant ("i")
 * events, and the spans a task was blocked on a block or held a lock are
 * async ("b"/"e") slices of its process. Dask's task stream: a thread per
 * worker thread that ran tasks (a complete slice per task, named by its
 * prefix), and the data moved between workers as slices on the receiver's
 * transfer track with a flow arrow from the task that made the data.
 * docs/trace-format.md describes the mapping.
 */
#include "trace/export.h"
#include "trace/trace_stats.h"
#include "util/fs.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* CPUs that get a fixed thread id EXPORT_CPU_PID + 1 + cpu; overlap lanes
 * and anything beyond are numbered after them. */
#define EX_MAXCPU 8192

/* jansson fails only when out of memory (strings are made valid UTF-8
 * first): like xmalloc, give up. */
static json_t *ex_chk(json_t *v)
{
	if (!v) abort();
	return v;
}

static void ex_set(json_t *o, const char *key, json_t *v)
{
	if (json_object_set_new(o, key, ex_chk(v)) < 0) abort();
}

static void ex_push(json_t *a, json_t *v)
{
	if (json_array_append_new(a, ex_chk(v)) < 0) abort();
}

/* Any text as a JSON string: jansson takes valid UTF-8 only, and names
 * are better without control characters anyway. */
static json_t *ex_str(const char *s)
{
	size_t len = strlen(s), cap = len * 3 + 8;
	char *buf = xmalloc(cap);
	trace_sanitize(buf, cap, s, len);
	json_t *v = ex_chk(json_string(buf));
	free(buf);
	return v;
}

/* Nanoseconds as Chrome's microseconds. Perfetto reads them back as
 * (int64)(us * 1000.0), truncating: where ns / 1000.0 would come back one
 * short, half a nanosecond is added, so every slice keeps its exact
 * bounds and slices that touch never overlap. */
static json_t *ex_us(int64_t ns)
{
	double us = (double)ns / 1000.0;
	if ((int64_t)(us * 1000.0) != ns) us = ((double)ns + 0.5) / 1000.0;
	return ex_chk(json_real(us));
}

static json_t *ex_event(const char *ph, json_t *name, const char *cat, long pid, long tid)
{
	json_t *e = ex_chk(json_object());
	ex_set(e, "name", name);
	ex_set(e, "ph", json_string(ph));
	if (cat) ex_set(e, "cat", json_string(cat));
	ex_set(e, "pid", json_integer(pid));
	ex_set(e, "tid", json_integer(tid));
	return e;
}

/* A metadata event: process_name, thread_name, *_sort_index. */
static void ex_meta(json_t *evs, const char *what, long pid, long tid, const char *key, json_t *value)
{
	json_t *e = ex_event("M", json_string(what), NULL, pid, tid);
	json_t *args = ex_chk(json_object());
	ex_set(args, key, value);
	ex_set(e, "args", args);
	ex_push(evs, e);
}

static void ex_name_thread(json_t *evs, long pid, long tid, const char *name, long sort)
{
	ex_meta(evs, "thread_name", pid, tid, "name", ex_str(name));
	ex_meta(evs, "thread_sort_index", pid, tid, "sort_index", json_integer(sort));
}

static json_t *ex_complete(json_t *name, const char *cat, long pid, long tid, int64_t t0, int64_t t1)
{
	json_t *e = ex_event("X", name, cat, pid, tid);
	ex_set(e, "ts", ex_us(t0));
	ex_set(e, "dur", ex_us(t1 - t0));
	return e;
}

static json_t *ex_instant(json_t *name, const char *cat, const char *scope, long pid, long tid, int64_t t)
{
	json_t *e = ex_event("i", name, cat, pid, tid);
	ex_set(e, "ts", ex_us(t));
	ex_set(e, "s", json_string(scope));
	return e;
}

/* ---- tasks ---------------------------------------------------------------- */

/* A task's name in the export: the program's own (a Python name) if it
 * said one, else its label. */
static const char *ex_label(const trace_task *k)
{
	return k->pyname[0] ? k->pyname : k->label;
}

/* One process_name per pid, named after its leader task if the trace has
 * it. */
static void ex_processes(json_t *evs, const trace *t)
{
	int n = trace_ntasks(t);
	for (int i = 0; i < n; i++) {
		pid_t pid = trace_task_at(t, i)->pid;
		int seen = 0, lead = -1;
		for (int j = 0; j < i && !seen; j++) seen = trace_task_at(t, j)->pid == pid;
		if (seen) continue;
		for (int j = i; j < n && lead < 0; j++)
			if (trace_task_at(t, j)->tid == pid) lead = j;
		char *name = lead >= 0 ? xasprintf("%s", ex_label(trace_task_at(t, lead))) : xasprintf("pid %d", (int)pid);
		ex_meta(evs, "process_name", pid, pid, "name", ex_str(name));
		ex_meta(evs, "process_sort_index", pid, pid, "sort_index", json_integer(i + 1));
		free(name);
	}
}

/* A task's thread name and its state slices, CPU in args when running. */
static void ex_task(json_t *evs, const trace *t, int id)
{
	const trace_task *k = trace_task_at(t, id);
	ex_name_thread(evs, k->pid, k->tid, ex_label(k), k->worker >= 0 ? k->worker : 1000 + id);
	size_t n;
	const trace_slice *s = trace_slices(t, id, &n);
	for (size_t i = 0; i < n; i++) {
		json_t *e = ex_complete(json_string(trace_state_name(s[i].state)), "state", k->pid, k->tid,
					s[i].t0, s[i].t1);
		json_t *args = ex_chk(json_object());
		if (s[i].cpu >= 0) ex_set(args, "cpu", json_integer(s[i].cpu));
		ex_set(e, "args", args);
		ex_push(evs, e);
	}
}

/* ---- CPUs ----------------------------------------------------------------- */

typedef struct {
	int64_t t0, t1;
	int cpu, task;
} ex_run;

typedef struct {
	int64_t end;
	long tid;
} ex_lane;

static int ex_by_cpu(const void *a, const void *b)
{
	const ex_run *x = a, *y = b;
	if (x->cpu != y->cpu) return x->cpu < y->cpu ? -1 : 1;
	if (x->t0 != y->t0) return x->t0 < y->t0 ? -1 : 1;
	if (x->t1 != y->t1) return x->t1 < y->t1 ? -1 : 1;
	return x->task - y->task;
}

/* Every running slice of every task, by CPU and time. */
static ex_run *ex_collect_runs(const trace *t, size_t *nruns)
{
	ex_run *runs = NULL;
	size_t nr = 0, cap = 0;
	for (int id = 0; id < trace_ntasks(t); id++) {
		size_t n;
		const trace_slice *s = trace_slices(t, id, &n);
		for (size_t i = 0; i < n; i++) {
			if (s[i].state != TS_RUNNING || s[i].cpu < 0) continue;
			runs = xgrow(runs, &cap, nr + 1, sizeof *runs);
			runs[nr++] = (ex_run){ s[i].t0, s[i].t1, s[i].cpu, id };
		}
	}
	if (nr) qsort(runs, nr, sizeof *runs, ex_by_cpu);
	*nruns = nr;
	return runs;
}

static void ex_cpu_slice(json_t *evs, const trace *t, const ex_run *r, long tid)
{
	const trace_task *k = trace_task_at(t, r->task);
	json_t *e = ex_complete(ex_str(ex_label(k)), "cpu", EXPORT_CPU_PID, tid, r->t0, r->t1);
	json_t *args = ex_chk(json_object());
	ex_set(args, "pid", json_integer(k->pid));
	ex_set(args, "tid", json_integer(k->tid));
	ex_set(e, "args", args);
	ex_push(evs, e);
}

/* One thread per CPU. The /proc sampler can place two tasks on one CPU
 * at once; such a slice goes to an extra "overlap" lane of that CPU, since
 * slices of one thread must nest. */
static void ex_cpus(json_t *evs, const trace *t)
{
	ex_meta(evs, "process_name", EXPORT_CPU_PID, EXPORT_CPU_PID, "name", json_string("CPUs"));
	ex_meta(evs, "process_sort_index", EXPORT_CPU_PID, EXPORT_CPU_PID, "sort_index", json_integer(0));
	for (int c = 0; c < trace_ncpu(t) && c < EX_MAXCPU; c++) {
		char name[32];
		snprintf(name, sizeof name, "CPU %d", c);
		ex_name_thread(evs, EXPORT_CPU_PID, EXPORT_CPU_PID + 1 + c, name, (long)c * 256);
	}
	size_t nr, nl = 0, cap = 0;
	ex_run *runs = ex_collect_runs(t, &nr);
	ex_lane *lanes = NULL;
	long extra = EXPORT_CPU_PID + 1 + EX_MAXCPU;
	for (size_t i = 0; i < nr; i++) {
		const ex_run *r = &runs[i];
		if (i && r->cpu != runs[i - 1].cpu) nl = 0;
		size_t j = 0;
		while (j < nl && lanes[j].end > r->t0) j++;
		if (j == nl) {   /* a new lane for this CPU */
			lanes = xgrow(lanes, &cap, nl + 1, sizeof *lanes);
			lanes[nl++].tid = !j && r->cpu < EX_MAXCPU ? EXPORT_CPU_PID + 1 + r->cpu : extra++;
			char name[48];
			snprintf(name, sizeof name, j ? "CPU %d (overlap %zu)" : "CPU %d", r->cpu, j);
			if (j || r->cpu >= trace_ncpu(t))
				ex_name_thread(evs, EXPORT_CPU_PID, lanes[j].tid, name, (long)r->cpu * 256 + (long)(j < 255 ? j : 255));
		}
		lanes[j].end = r->t1;
		ex_cpu_slice(evs, t, r, lanes[j].tid);
	}
	free(lanes);
	free(runs);
}

/* One value of a counter track of the CPUs process, from time t on. */
static void ex_counter(json_t *evs, const char *name, int64_t t, double value)
{
	json_t *e = ex_event("C", json_string(name), "cpu", EXPORT_CPU_PID, EXPORT_CPU_PID);
	ex_set(e, "ts", ex_us(t));
	json_t *args = ex_chk(json_object());
	ex_set(args, "value", json_real(value));
	ex_set(e, "args", args);
	ex_push(evs, e);
}

/* A counter track per queue, "queue NAME: length": its length at each
 * sample where it changed (the tick's least and most are in the trace
 * file, not here: a counter has one value at a time). */
static void ex_queue_counters(json_t *evs, const trace *t)
{
	for (size_t q = 0; q < trace_nqueues(t); q++) {
		char name[64];
		snprintf(name, sizeof name, "queue %s: length", trace_queue_name(t, q));
		size_t n;
		const trace_qlen *s = trace_queue_samples(t, q, &n);
		ex_counter(evs, name, 0, 0);
		for (size_t i = 0; i < n; i++) ex_counter(evs, name, s[i].t, s[i].len);
	}
}

/* A counter track per CPU, "CPU n: other programs %": from each sample of
 * its counters to the next, the share of the CPU other programs took (its
 * busy time less the run's); 0 after the last sample. */
static void ex_other_counters(json_t *evs, const trace *t)
{
	int maxcpu = -1;
	for (size_t i = 0; i < trace_ncpu_samples(t); i++)
		if (trace_cpu_sample_at(t, i)->cpu > maxcpu) maxcpu = trace_cpu_sample_at(t, i)->cpu;
	for (int c = 0; c <= maxcpu && c < EX_MAXCPU; c++) {
		char name[48];
		snprintf(name, sizeof name, "CPU %d: other programs %%", c);
		const trace_cpusample *p = NULL;
		for (size_t i = 0; i < trace_ncpu_samples(t); i++) {
			const trace_cpusample *n = trace_cpu_sample_at(t, i);
			if (n->cpu != c || (p && n->t <= p->t)) continue;
			if (p) {
				int64_t other = trace_stats_cpu_other(t, c, p->t, n->t);
				double pct = other < 0 ? 0 : 100.0 * (double)other / (double)(n->t - p->t);
				ex_counter(evs, name, p->t, pct > 100 ? 100 : pct);
			}
			p = n;
		}
		if (!p) continue;
		ex_counter(evs, name, p->t, 0);
	}
}

/* ---- lines and marks ------------------------------------------------------ */

/* A task's lines on its own thread; parlab's own (task -1) and marks are
 * global. */
static void ex_lines(json_t *evs, const trace *t)
{
	static const char *const streams[] = { "parlab", "stdout", "stderr" };
	for (size_t i = 0; i < trace_nlines(t); i++) {
		const trace_line *l = trace_line_at(t, i);
		const trace_task *k = trace_task_at(t, l->task);
		json_t *e = k ? ex_instant(ex_str(l->text), "output", "t", k->pid, k->tid, l->t)
			      : ex_instant(ex_str(l->text), "output", "g", EXPORT_CPU_PID, EXPORT_CPU_PID, l->t);
		json_t *args = ex_chk(json_object());
		ex_set(args, "stream", json_string(l->stream >= 0 && l->stream <= 2 ? streams[l->stream] : "?"));
		ex_set(args, "task", ex_str(k ? ex_label(k) : "parlab"));
		ex_set(e, "args", args);
		ex_push(evs, e);
	}
	for (size_t i = 0; i < trace_nmarks(t); i++) {
		const trace_mark *m = trace_mark_at(t, i);
		const trace_task *k = trace_task_at(t, m->task);
		ex_push(evs, k ? ex_instant(ex_str(m->text), "mark", "t", k->pid, k->tid, m->t)
			       : ex_instant(ex_str(m->text), "mark", "g", EXPORT_CPU_PID, EXPORT_CPU_PID, m->t));
	}
}

/* ---- blocked, held and step spans ----------------------------------------- */

/* Each span as an async slice ("b" then "e", id: its index) of its task's
 * process, named in words ("waiting for lock A, held by w0", "holds lock
 * A", "held at a step point, next: lock A"), its category the kind's word
 * (blocked, held, step): its own track, beside the task's state slices
 * it overlaps. */
static void ex_spans(json_t *evs, const trace *t)
{
	for (size_t i = 0; i < trace_nspans(t); i++) {
		const trace_span *sp = trace_span_at(t, i);
		const trace_task *k = trace_task_at(t, sp->task);
		if (!k) continue;
		char name[160];
		trace_span_describe(t, sp, name, sizeof name);
		int64_t t1 = sp->t1 >= 0 ? sp->t1 : trace_last(t);
		for (int end = 0; end < 2; end++) {
			json_t *e = ex_event(end ? "e" : "b", ex_str(name), trace_span_kind_word(sp->kind),
					     k->pid, k->tid);
			ex_set(e, "id", json_integer((json_int_t)i));
			ex_set(e, "ts", ex_us(end ? t1 : sp->t0));
			if (!end) {
				json_t *args = ex_chk(json_object());
				ex_set(args, "task", ex_str(trace_task_name(k)));
				ex_set(args, "block", ex_str(sp->block));
				ex_set(args, "what", ex_str(sp->what));
				const trace_task *h = trace_task_at(t, sp->holder);
				if (h) ex_set(args, "holder", ex_str(trace_task_name(h)));
				ex_set(e, "args", args);
			}
			ex_push(evs, e);
		}
	}
}

/* ---- Dask's task stream ------------------------------------------------------ */

/* The process a Dask worker's tracks go under: its own when it is a
 * process of this run (its OS lanes are there), else the "dask" one. */
static long ex_dask_pid(const trace *t, int w)
{
	if (trace_dworker_where(t, (size_t)w) == TRACE_DW_RUN) return trace_dworker_at(t, (size_t)w)->pid;
	return EXPORT_DASK_PID;
}

/* A worker in args: its address without the scheme, or "unknown". */
static json_t *ex_dworker_str(const trace *t, int w)
{
	const trace_dworker *dw = trace_dworker_at(t, (size_t)(w < 0 ? 0 : w));
	char buf[80];
	return w < 0 || !dw ? json_string("unknown") : ex_str(trace_dworker_short(dw, buf, sizeof buf));
}

/* A task's exported bounds: a thread runs one task at a time, so a task
 * starting before the one before it on its lane ended (clocks of two
 * reports) starts at that end, keeping the lane's slices nested. */
typedef struct {
	int64_t t0, t1;
} ex_span;

/* Each lane's tasks as complete events ("cat": "dask", the prefix as name,
 * the key, worker and thread in args); their exported bounds into b
 * (indexed as the trace's tasks). */
/* The "dask" process's name, once (*named). */
static void ex_dask_process(json_t *evs, int *named)
{
	if ((*named)++) return;
	ex_meta(evs, "process_name", EXPORT_DASK_PID, EXPORT_DASK_PID, "name", json_string("dask"));
	ex_meta(evs, "process_sort_index", EXPORT_DASK_PID, EXPORT_DASK_PID, "sort_index", json_integer(-1));
}

static void ex_dask_lanes(json_t *evs, const trace *t, ex_span *b, int *named)
{
	for (size_t l = 0; l < trace_ndlanes(t); l++) {
		const trace_dlane *ln = trace_dlane_at(t, l);
		long pid = ex_dask_pid(t, ln->worker), tid = EXPORT_DASK_PID + 1 + (long)l;
		if (pid == EXPORT_DASK_PID) ex_dask_process(evs, named);
		char name[96];
		ex_name_thread(evs, pid, tid, trace_dlane_name(t, l, name, sizeof name), 500 + (long)l);
		size_t n;
		const size_t *ix = trace_dlane_tasks(t, l, &n);
		int64_t prev = 0;
		for (size_t i = 0; i < n; i++) {
			const trace_dtask *x = trace_dtask_at(t, ix[i]);
			int64_t t1 = x->t1 >= 0 ? x->t1 : trace_last(t), t0 = x->t0 < prev ? prev : x->t0;
			if (t1 < t0) t1 = t0;
			b[ix[i]] = (ex_span){ t0, t1 };
			prev = t1;
			json_t *e = ex_complete(ex_str(x->prefix), "dask", pid, tid, t0, t1);
			json_t *args = ex_chk(json_object());
			ex_set(args, "key", ex_str(x->key));
			ex_set(args, "worker", ex_dworker_str(t, ln->worker));
			ex_set(args, "thread", json_integer(ln->tid));
			ex_set(e, "args", args);
			ex_push(evs, e);
		}
	}
}

/* The task of worker w that made key (the latest begun by at), or -1. */
static long ex_dask_maker(const trace *t, int w, const char *key, int64_t at)
{
	long best = -1;
	for (size_t i = 0; w >= 0 && i < trace_ndtasks(t); i++) {
		const trace_dtask *x = trace_dtask_at(t, i);
		if (trace_dlane_at(t, (size_t)x->lane)->worker != w || strcmp(x->key, key) || x->t0 > at) continue;
		if (best < 0 || x->t0 >= trace_dtask_at(t, (size_t)best)->t0) best = (long)i;
	}
	return best;
}

typedef struct {
	int worker;
	int64_t end;
	long tid;
} ex_xtrack;

/* A flow event ("s" or "f") of transfer id, cat "dask-transfer". */
static void ex_flow(json_t *evs, const char *ph, long pid, long tid, int64_t at, size_t id)
{
	json_t *e = ex_event(ph, json_string("transfer"), "dask-transfer", pid, tid);
	ex_set(e, "ts", ex_us(at));
	ex_set(e, "id", json_integer((json_int_t)id));
	if (!strcmp(ph, "f")) ex_set(e, "bp", json_string("e"));   /* bound to the enclosing slice */
	ex_push(evs, e);
}

/* Each transfer as a complete event ("cat": "dask-transfer") on a transfer
 * track of the receiving worker ("dask 5857 transfers in", a second one
 * where two overlap), and, where the sender's task that made the data is
 * in the trace, a flow arrow from the end of that task to it. */
static void ex_dask_xfers(json_t *evs, const trace *t, const ex_span *b, int *named)
{
	ex_xtrack *tr = NULL;
	size_t ntr = 0, cap = 0;
	long next = EXPORT_DASK_PID + 1 + (long)trace_ndlanes(t);
	for (size_t i = 0; i < trace_ndxfers(t); i++) {
		const trace_dxfer *x = trace_dxfer_at(t, i);
		long pid = ex_dask_pid(t, x->to);
		size_t j = 0, k = 0;
		while (j < ntr && (tr[j].worker != x->to || tr[j].end > x->t0)) k += tr[j++].worker == x->to;
		if (j == ntr) {   /* a new track for this worker */
			tr = xgrow(tr, &cap, ntr + 1, sizeof *tr);
			tr[ntr++] = (ex_xtrack){ x->to, 0, next++ };
			const trace_dworker *dw = trace_dworker_at(t, (size_t)x->to);
			char who[64], name[112];
			if (dw->local) snprintf(who, sizeof who, "%d", (int)dw->pid);
			else if (dw->name[0]) snprintf(who, sizeof who, "%s", dw->name);
			else trace_dworker_short(dw, who, sizeof who);
			if (k) snprintf(name, sizeof name, "dask %s transfers in (%zu)", who, k + 1);
			else snprintf(name, sizeof name, "dask %s transfers in", who);
			if (pid == EXPORT_DASK_PID) ex_dask_process(evs, named);
			ex_name_thread(evs, pid, tr[j].tid, name, 900 + (long)j);
		}
		tr[j].end = x->t1;
		json_t *e = ex_complete(json_string("transfer"), "dask-transfer", pid, tr[j].tid, x->t0, x->t1);
		json_t *args = ex_chk(json_object());
		ex_set(args, "key", ex_str(x->key));
		ex_set(args, "bytes", json_integer(x->nbytes));
		ex_set(args, "from", ex_dworker_str(t, x->from));
		ex_set(args, "to", ex_dworker_str(t, x->to));
		ex_set(e, "args", args);
		ex_push(evs, e);
		long m = ex_dask_maker(t, x->from, x->key, x->t0);
		if (m < 0) continue;   /* the sender's lane is not known: the slice alone */
		const trace_dtask *mk = trace_dtask_at(t, (size_t)m);
		const trace_dlane *ln = trace_dlane_at(t, (size_t)mk->lane);
		const ex_span *s = &b[m];
		ex_flow(evs, "s", ex_dask_pid(t, ln->worker), EXPORT_DASK_PID + 1 + (long)mk->lane,
			s->t1 > s->t0 ? s->t1 - 1 : s->t0, i);
		ex_flow(evs, "f", pid, tr[j].tid, x->t0 + (x->t1 - x->t0) / 2, i);   /* inside it: bound to it */
	}
	free(tr);
}

static void ex_dask(json_t *evs, const trace *t)
{
	size_t n = trace_ndtasks(t);
	ex_span *b = xcalloc(n ? n : 1, sizeof *b);
	int named = 0;
	ex_dask_lanes(evs, t, b, &named);
	ex_dask_xfers(evs, t, b, &named);
	free(b);
}

/* The run's blocks at its end (trace_blocks.c), in otherData: "blocks" (one
 * object per block) and, after a deadlock, "deadlock" (who held and waited
 * for what). Nothing when the run had no blocks. */
static void ex_blocks(json_t *o, const trace *t)
{
	if (!trace_nblocks(t) && !trace_nstuck(t)) return;
	json_t *bl = ex_chk(json_array());
	for (size_t i = 0; i < trace_nblocks(t); i++) {
		const trace_block *b = trace_block_at(t, i);
		json_t *j = ex_chk(json_object());
		ex_set(j, "name", ex_str(b->name));
		ex_set(j, "kind", json_string(b->kind));
		ex_set(j, "acquisitions", json_integer(b->acquisitions));
		ex_set(j, "contended", json_integer(b->contended));
		ex_set(j, "wait_ns", json_integer(b->wait_ns));
		ex_set(j, "longest_wait_ns", json_integer(b->longest_ns));
		if (!strcmp(b->kind, "queue")) {
			ex_set(j, "puts", json_integer(b->puts));
			ex_set(j, "takes", json_integer(b->takes));
			ex_set(j, "max_length", json_integer(b->max_length));
			ex_set(j, "mean_length", json_real(b->mean_length));
			ex_set(j, "full_ns", json_integer(b->full_ns));
			ex_set(j, "empty_ns", json_integer(b->empty_ns));
		}
		if (b->has_lost) ex_set(j, "lost", json_real(b->lost));
		if (b->nvalues > 0) {
			json_t *v = ex_chk(json_array());
			for (int k = 0; k < b->nvalues; k++) ex_push(v, json_real(b->values[k]));
			ex_set(j, "final", v);
		}
		ex_push(bl, j);
	}
	ex_set(o, "blocks", bl);
	if (!trace_nstuck(t)) return;
	json_t *d = ex_chk(json_array());
	for (size_t i = 0; i < trace_nstuck(t); i++) {
		const trace_stuck *k = trace_stuck_at(t, i);
		json_t *j = ex_chk(json_object());
		ex_set(j, "worker", json_integer(k->worker));
		ex_set(j, "holds", ex_str(k->holds));
		if (k->live) ex_set(j, "waits", ex_str(k->waits));
		else ex_set(j, "ended", json_true());
		ex_push(d, j);
	}
	ex_set(o, "deadlock", d);
}

/* What the trace says about itself, in Chrome's otherData. */
static json_t *ex_other(const trace *t)
{
	json_t *o = ex_chk(json_object());
	ex_set(o, "generator", json_string("parlab " PARLAB_VERSION));
	ex_set(o, "title", ex_str(trace_title(t)));
	ex_set(o, "backend", ex_str(trace_backend(t)));
	ex_set(o, "ncpu", json_integer(trace_ncpu(t)));
	ex_set(o, "end_ns", json_integer(trace_end(t)));
	ex_set(o, "outcome", trace_outcome(t) ? ex_str(trace_outcome(t)) : json_null());
	ex_set(o, "outcome_kind", json_string(trace_end_kind_name(trace_outcome_kind(t))));
	ex_set(o, "lost", json_integer((json_int_t)trace_lost(t)));
	ex_set(o, "dropped_lines", json_integer((json_int_t)trace_ndropped(t)));
	ex_set(o, "dropped_events", json_integer((json_int_t)trace_events_dropped(t)));
	trace_stats st;
	trace_stats_compute(t, &st);
	ex_set(o, "other_share", st.other_share >= 0 ? json_real(st.other_share) : json_null());
	trace_stats_free(&st);
	ex_blocks(o, t);
	if (trace_ndworkers(t)) {   /* Dask's task stream: its workers, and how much */
		json_t *d = ex_chk(json_object()), *ws = ex_chk(json_array());
		for (size_t i = 0; i < trace_ndworkers(t); i++) {
			const trace_dworker *w = trace_dworker_at(t, i);
			char where[160];
			json_t *j = ex_chk(json_object());
			ex_set(j, "addr", ex_str(w->addr));
			ex_set(j, "name", ex_str(w->name));
			ex_set(j, "pid", json_integer(w->pid));
			ex_set(j, "nthreads", json_integer(w->nthreads));
			ex_set(j, "local", json_boolean(w->local));
			ex_set(j, "where", ex_str(trace_dworker_where_text(t, i, where, sizeof where)));
			ex_push(ws, j);
		}
		ex_set(d, "workers", ws);
		ex_set(d, "tasks", json_integer((json_int_t)trace_ndtasks(t)));
		ex_set(d, "transfers", json_integer((json_int_t)trace_ndxfers(t)));
		ex_set(o, "dask", d);
	}
	return o;
}

static json_t *ex_build(const trace *t)
{
	json_t *evs = ex_chk(json_array());
	ex_cpus(evs, t);
	ex_other_counters(evs, t);
	ex_queue_counters(evs, t);
	ex_processes(evs, t);
	for (int i = 0; i < trace_ntasks(t); i++) ex_task(evs, t, i);
	ex_lines(evs, t);
	ex_spans(evs, t);
	ex_dask(evs, t);
	json_t *root = ex_chk(json_object());
	ex_set(root, "traceEvents", evs);
	ex_set(root, "displayTimeUnit", json_string("ms"));
	ex_set(root, "otherData", ex_other(t));
	return root;
}

/* 15 digits keep every nanosecond of a day-long trace. */
static int ex_put(FILE *f, void *root, char **err)
{
	(void)err;
	return json_dumpf(root, f, JSON_COMPACT | JSON_REAL_PRECISION(15)) < 0 || fputc('\n', f) == EOF ? -1 : 0;
}

/* A file is written to PATH.PID.tmp beside it and renamed over PATH at the
 * end (as trace_save does): an export that fails (a full disk, a file size
 * limit) leaves no half-written PATH, and an earlier PATH as it was. What
 * is not a regular file (/dev/stdout, a pipe) is written in place. */
int export_perfetto(const trace *t, const char *path, char **err)
{
	*err = NULL;
	json_t *root = ex_build(t);
	int n = (int)json_array_size(json_object_get(root, "traceEvents"));
	int to_stdout = !strcmp(path, "-");
	struct stat st;
	int in_place = to_stdout || (stat(path, &st) == 0 && !S_ISREG(st.st_mode));
	int rc;
	if (!in_place) {
		rc = fs_write_whole(path, ex_put, root, err);
	} else {
		FILE *f = to_stdout ? stdout : fopen(path, "w");
		int bad = !f || ex_put(f, root, err) < 0 || fflush(f) != 0, e = errno;
		if (f && !to_stdout && fclose(f) != 0 && !bad) { bad = 1; e = errno; }
		if (bad) *err = xasprintf("%s: %s", to_stdout ? "(stdout)" : path, strerror(e ? e : EIO));
		rc = bad ? -1 : 0;
	}
	json_decref(root);
	return rc < 0 ? -1 : n;
}
