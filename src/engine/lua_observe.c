/*
 * lua_observe.c: predict-then-observe on the Lua side. A finished run's
 * trace becomes a summary table (per run and per worker, and what other
 * programs did with the CPUs meanwhile) kept in the registry; a question's observe function reads it and says what the run
 * showed. It runs in the screen process, but only reads tables: it has the
 * lesson sandbox's libraries (no io, no os) and an instruction budget.
 */
#include "engine/lua_api.h"
#include "trace/trace_stats.h"
#include "util/xmalloc.h"

#include <lauxlib.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define OBSERVE_BUDGET_NS (1000LL * 1000000LL)

static void set_ms(lua_State *L, const char *k, int64_t ns)
{
	if (ns < 0) return;   /* unknown: the field stays nil */
	lua_pushnumber(L, (double)ns / 1e6);
	lua_setfield(L, -2, k);
}

static void set_int(lua_State *L, const char *k, long v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, k);
}

/* Other programs' share of the CPUs (nil when unknown: no CPU samples),
 * the VM host's, and per CPU (cpus_other[i] is CPU i-1's share, nil for a
 * CPU without counters). */
static void other_fields(lua_State *L, const trace_stats *st)
{
	if (st->other_share < 0) return;
	lua_pushnumber(L, st->other_share);
	lua_setfield(L, -2, "other_share");
	lua_pushnumber(L, st->steal_share);
	lua_setfield(L, -2, "steal_share");
	set_ms(L, "other_ms", st->other_ns);
	lua_pushboolean(L, trace_stats_other_noticeable(st));
	lua_setfield(L, -2, "others_noticeable");
	lua_createtable(L, st->ncpu, 0);
	for (int c = 0; c < st->ncpu; c++) {
		if (st->cpu_span_ns[c] <= 0) continue;
		lua_pushnumber(L, (double)st->cpu_other_ns[c] / (double)st->cpu_span_ns[c]);
		lua_rawseti(L, -2, c + 1);
	}
	lua_setfield(L, -2, "cpus_other");
}

/* What one worker did, over every task with its id. */
typedef struct {
	int id, seen;
	int64_t first_out, last_out, born, died;
	int64_t cpu, wait, sleep, blocked;
	long lines, switches, migrations;
	uint64_t cpus;
	int status;
} wsum;

static void worker_fields(lua_State *L, const wsum *w)
{
	lua_createtable(L, 0, 16);
	set_int(L, "id", w->id);
	set_ms(L, "first_output_ms", w->first_out);
	set_ms(L, "last_output_ms", w->last_out);
	set_int(L, "lines", w->lines);
	set_ms(L, "start_ms", w->born);
	set_ms(L, "end_ms", w->died);
	set_ms(L, "cpu_ms", w->cpu);
	set_ms(L, "wait_ms", w->wait);
	set_ms(L, "sleep_ms", w->sleep);
	set_ms(L, "blocked_ms", w->blocked);
	set_int(L, "switches", w->switches);
	set_int(L, "migrations", w->migrations);
	lua_newtable(L);
	int n = 0;
	for (int c = 0; c < 64; c++)
		if (w->cpus >> c & 1) { lua_pushinteger(L, c); lua_rawseti(L, -2, ++n); }
	lua_setfield(L, -2, "cpus");
	set_int(L, "ncpus", n);
	if (w->status >= 0 && WIFEXITED(w->status)) set_int(L, "exit", WEXITSTATUS(w->status));
	if (w->status >= 0 && WIFSIGNALED(w->status)) set_int(L, "signal", WTERMSIG(w->status));
}

/* The workers' summaries, indexed by id; *n gets the highest id + 1. */
static wsum *workers_of(const trace *t, const trace_stats *st, int *n)
{
	int max = -1;
	for (int i = 0; i < trace_ntasks(t); i++)
		if (trace_task_at(t, i)->worker > max) max = trace_task_at(t, i)->worker;
	*n = max + 1;
	wsum *w = xcalloc((size_t)(*n ? *n : 1), sizeof *w);
	for (int id = 0; id < *n; id++)
		w[id] = (wsum){ .id = id, .first_out = -1, .last_out = -1, .born = -1, .died = -1, .status = -1 };
	for (int i = 0; i < trace_ntasks(t); i++) {
		const trace_task *k = trace_task_at(t, i);
		if (k->worker < 0) continue;
		wsum *x = &w[k->worker];
		const trace_task_stats *ts = &st->task[i];
		x->seen = 1;
		if (k->born >= 0 && (x->born < 0 || k->born < x->born)) x->born = k->born;
		if (k->died > x->died) x->died = k->died;
		x->cpu += ts->cpu_ns;
		x->wait += ts->wait_ns;
		x->sleep += ts->sleep_ns;
		x->blocked += ts->coord_ns;
		x->switches += ts->vol + ts->invol;
		x->migrations += ts->migrations;
		x->cpus |= k->cpus;
		if (!k->is_thread && k->exit_status >= 0) x->status = k->exit_status;
	}
	for (size_t i = 0; i < trace_nlines(t); i++) {
		const trace_line *l = trace_line_at(t, i);
		const trace_task *k = l->task >= 0 ? trace_task_at(t, l->task) : NULL;
		if (!k || k->worker < 0 || l->stream == 0) continue;
		wsum *x = &w[k->worker];
		if (x->first_out < 0 || l->t < x->first_out) x->first_out = l->t;
		if (l->t > x->last_out) x->last_out = l->t;
		x->lines++;
	}
	return w;
}

/* marks: { {id = worker (absent: not a worker's), ms, text}, ... } in time order. */
static void mark_list(lua_State *L, const trace *t)
{
	size_t n = trace_nmarks(t);
	lua_createtable(L, (int)n, 0);
	size_t *o = xmalloc(sizeof *o * (n ? n : 1));
	for (size_t i = 0; i < n; i++) o[i] = i;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && trace_mark_at(t, o[j])->t < trace_mark_at(t, o[j - 1])->t; j--) {
			size_t x = o[j]; o[j] = o[j - 1]; o[j - 1] = x;
		}
	for (size_t i = 0; i < n; i++) {
		const trace_mark *m = trace_mark_at(t, o[i]);
		const trace_task *k = trace_task_at(t, m->task);
		lua_createtable(L, 0, 3);
		if (k && k->worker >= 0) set_int(L, "id", k->worker);
		set_ms(L, "ms", m->t);
		lua_pushstring(L, m->text);
		lua_setfield(L, -2, "text");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	free(o);
}

static const wsum *order_base;
static int by_first(const void *a, const void *b)
{
	const wsum *x = &order_base[*(const int *)a], *y = &order_base[*(const int *)b];
	return x->first_out != y->first_out ? (x->first_out < y->first_out ? -1 : 1) : x->id - y->id;
}
static int by_end(const void *a, const void *b)
{
	const wsum *x = &order_base[*(const int *)a], *y = &order_base[*(const int *)b];
	return x->died != y->died ? (x->died < y->died ? -1 : 1) : x->id - y->id;
}

/* A list of worker ids sorted by cmp, only those with key >= 0. */
static void id_list(lua_State *L, const wsum *w, int n, int (*cmp)(const void *, const void *), int by_output)
{
	int *ids = xmalloc(sizeof(int) * (size_t)(n ? n : 1)), k = 0;
	for (int i = 0; i < n; i++)
		if (w[i].seen && (by_output ? w[i].first_out : w[i].died) >= 0) ids[k++] = i;
	order_base = w;
	qsort(ids, (size_t)k, sizeof *ids, cmp);
	lua_createtable(L, k, 0);
	for (int i = 0; i < k; i++) { lua_pushinteger(L, ids[i]); lua_rawseti(L, -2, i + 1); }
	free(ids);
}

/* The output lines: { id = worker or nil, ms = arrival, text = the line,
 * stderr = true for error output }, in order, up to MAX_OUTPUT. */
#define MAX_OUTPUT 1000
static void output_list(lua_State *L, const trace *t)
{
	lua_newtable(L);
	int n = 0;
	for (size_t i = 0; i < trace_nlines(t) && n < MAX_OUTPUT; i++) {
		const trace_line *l = trace_line_at(t, i);
		const trace_task *k = l->task >= 0 ? trace_task_at(t, l->task) : NULL;
		if (l->stream == 0) continue;   /* parlab's own words */
		lua_createtable(L, 0, 4);
		if (k && k->worker >= 0) set_int(L, "id", k->worker);
		set_ms(L, "ms", l->t);
		lua_pushstring(L, l->text);
		lua_setfield(L, -2, "text");
		if (l->stream == 2) { lua_pushboolean(L, 1); lua_setfield(L, -2, "stderr"); }
		lua_rawseti(L, -2, ++n);
	}
}

/* A number as Lua shows it best: an integer when it is a whole one
 * (1600, not 1600.0), else a float. */
static void push_num(lua_State *L, double v)
{
	if (v == (double)(lua_Integer)v && v > -9007199254740992.0 && v < 9007199254740992.0)
		lua_pushinteger(L, (lua_Integer)v);
	else
		lua_pushnumber(L, v);
}

/* A shared value's final value: a number, or a list for an array. */
static void push_final(lua_State *L, const trace_block *b)
{
	if (b->nvalues < 1) { lua_pushnil(L); return; }
	if (b->nvalues == 1) { push_num(L, b->values[0]); return; }
	lua_createtable(L, b->nvalues, 0);
	for (int i = 0; i < b->nvalues; i++) {
		push_num(L, b->values[i]);
		lua_rawseti(L, -2, i + 1);
	}
}

/* A queue's field lengths = { { ms, length, min, max, mean }, ... }: its length
 * sampled while the run went (trace_queue_samples), when it changed. */
static void queue_lengths(lua_State *L, const trace *t, const char *name)
{
	for (size_t q = 0; q < trace_nqueues(t); q++) {
		if (strcmp(trace_queue_name(t, q), name)) continue;
		size_t n;
		const trace_qlen *s = trace_queue_samples(t, q, &n);
		lua_createtable(L, (int)n, 0);
		for (size_t i = 0; i < n; i++) {
			lua_createtable(L, 0, 4);
			set_ms(L, "ms", s[i].t);
			set_int(L, "length", s[i].len);
			set_int(L, "min", s[i].lo);
			set_int(L, "max", s[i].hi);
			push_num(L, s[i].mean);
			lua_setfield(L, -2, "mean");
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		lua_setfield(L, -2, "lengths");
		return;
	}
}

/* run.blocks[name] = { kind, acquisitions, contended, wait_ms,
 * longest_wait_ms, max_length, puts, takes, mean_length, full_ms,
 * empty_ms, lengths, final, lost }, run.values[name]
 * = final (shared values), run.deadlock = { text, cycle = { { id, holds,
 * waits | ended } } } or nil: from the trace's block records (trace.h). */
static void block_fields(lua_State *L, const trace *t)
{
	size_t n = trace_nblocks(t);
	lua_createtable(L, 0, (int)n);   /* blocks */
	lua_createtable(L, 0, 0);        /* values */
	for (size_t i = 0; i < n; i++) {
		const trace_block *b = trace_block_at(t, i);
		int shared = !strcmp(b->kind, "shared"), queue = !strcmp(b->kind, "queue");
		lua_createtable(L, 0, 10);
		lua_pushstring(L, b->kind);
		lua_setfield(L, -2, "kind");
		if (!shared) {
			if (!queue) set_int(L, "acquisitions", b->acquisitions);
			set_int(L, "contended", b->contended);
			set_ms(L, "wait_ms", b->wait_ns);
			set_ms(L, "longest_wait_ms", b->longest_ns);
		}
		if (queue) {
			set_int(L, "max_length", b->max_length);
			set_int(L, "puts", b->puts);
			set_int(L, "takes", b->takes);
			push_num(L, b->mean_length);
			lua_setfield(L, -2, "mean_length");
			set_ms(L, "full_ms", b->full_ns);
			set_ms(L, "empty_ms", b->empty_ns);
			queue_lengths(L, t, b->name);
		}
		if (shared) {
			push_final(L, b);
			lua_pushvalue(L, -1);
			lua_setfield(L, -4, b->name);   /* values[name] */
			lua_setfield(L, -2, "final");
			if (b->has_lost) { push_num(L, b->lost); lua_setfield(L, -2, "lost"); }
		}
		lua_setfield(L, -3, b->name);
	}
	lua_setfield(L, -3, "values");
	lua_setfield(L, -2, "blocks");
	if (trace_outcome_kind(t) != TRACE_DEADLOCK) return;
	lua_createtable(L, 0, 2);
	const char *o = trace_outcome(t) ? trace_outcome(t) : "";
	const char *from = strstr(o, ": ");
	from = from ? from + 2 : o;
	const char *tail = strstr(from, "; every task killed and reaped");
	lua_pushlstring(L, from, tail ? (size_t)(tail - from) : strlen(from));
	lua_setfield(L, -2, "text");
	lua_createtable(L, (int)trace_nstuck(t), 0);
	for (size_t i = 0; i < trace_nstuck(t); i++) {
		const trace_stuck *k = trace_stuck_at(t, i);
		lua_createtable(L, 0, 3);
		set_int(L, "id", k->worker);
		lua_pushstring(L, k->holds);
		lua_setfield(L, -2, "holds");
		if (k->live) { lua_pushstring(L, k->waits); lua_setfield(L, -2, "waits"); }
		else { lua_pushboolean(L, 1); lua_setfield(L, -2, "ended"); }
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "cycle");
	lua_setfield(L, -2, "deadlock");
}

/* run.tasks: every task of the run (the runner, workers, a command's
 * whole tree, threads included), in trace order: pid, tid, parent (ppid),
 * name (trace_task_name), worker (its id, or nil), thread, start_ms,
 * end_ms, cpu_ms, wait_ms, sleep_ms, switches, migrations, cpus, ncpus,
 * exit or signal, lines, first_output_ms, last_output_ms, first_output,
 * last_output (the texts of its first and last output lines). Leaves the
 * list on the stack; the scratch array is Lua's (no leak on an error). */
static void tasks_list(lua_State *L, const trace *t, const trace_stats *st)
{
	int nt = trace_ntasks(t);
	size_t *at = lua_newuserdatauv(L, sizeof *at * (size_t)(3 * (nt ? nt : 1)), 0);   /* first, last, count */
	for (int i = 0; i < nt; i++) at[3 * i] = at[3 * i + 1] = SIZE_MAX, at[3 * i + 2] = 0;
	for (size_t i = 0; i < trace_nlines(t); i++) {
		const trace_line *l = trace_line_at(t, i);
		if (l->task < 0 || l->task >= nt || l->stream == 0) continue;
		size_t *x = &at[3 * l->task];
		if (x[0] == SIZE_MAX) x[0] = i;
		x[1] = i;
		x[2]++;
	}
	lua_createtable(L, nt, 0);
	for (int i = 0; i < nt; i++) {
		const trace_task *k = trace_task_at(t, i);
		const trace_task_stats *ts = &st->task[i];
		lua_createtable(L, 0, 24);
		set_int(L, "pid", k->pid);
		set_int(L, "tid", k->tid);
		set_int(L, "parent", k->ppid);
		lua_pushstring(L, trace_task_name(k));
		lua_setfield(L, -2, "name");
		if (k->worker >= 0) set_int(L, "worker", k->worker);
		lua_pushboolean(L, k->is_thread);
		lua_setfield(L, -2, "thread");
		set_ms(L, "start_ms", k->born);
		set_ms(L, "end_ms", k->died);
		set_ms(L, "cpu_ms", ts->cpu_ns);
		set_ms(L, "wait_ms", ts->wait_ns);
		set_ms(L, "sleep_ms", ts->sleep_ns);
		set_int(L, "switches", ts->vol + ts->invol);
		set_int(L, "migrations", ts->migrations);
		lua_newtable(L);
		int n = 0;
		for (int c = 0; c < 64; c++)
			if (k->cpus >> c & 1) { lua_pushinteger(L, c); lua_rawseti(L, -2, ++n); }
		lua_setfield(L, -2, "cpus");
		set_int(L, "ncpus", n);
		if (!k->is_thread && k->exit_status >= 0 && WIFEXITED(k->exit_status))
			set_int(L, "exit", WEXITSTATUS(k->exit_status));
		if (!k->is_thread && k->exit_status >= 0 && WIFSIGNALED(k->exit_status))
			set_int(L, "signal", WTERMSIG(k->exit_status));
		const size_t *x = &at[3 * i];
		set_int(L, "lines", (long)x[2]);
		if (x[2]) {
			const trace_line *f = trace_line_at(t, x[0]), *e = trace_line_at(t, x[1]);
			set_ms(L, "first_output_ms", f->t);
			set_ms(L, "last_output_ms", e->t);
			lua_pushstring(L, f->text);
			lua_setfield(L, -2, "first_output");
			lua_pushstring(L, e->text);
			lua_setfield(L, -2, "last_output");
		}
		lua_rawseti(L, -2, i + 1);
	}
	lua_remove(L, -2);   /* the scratch array */
}

/* run.dask: Dask's task stream (trace.h, trace_dask.c), empty tables when
 * the run had none: workers = { {addr, name, pid, local, where, threads,
 * tasks, busy_ms}, ... } in the trace's order; tasks = { {worker (index
 * into workers), thread (its tid), prefix, key, start_ms, ms}, ... } up to
 * MAX_DTASKS, in the order reported (ntasks: all of them); transfers = {
 * {from (index, nil: a peer not in the trace), to, bytes, start_ms, ms,
 * key}, ... }; prefixes = { [prefix] = count }. */
#define MAX_DTASKS 5000
static void dask_fields(lua_State *L, const trace *t)
{
	int64_t end = trace_end(t) >= 0 ? trace_end(t) : trace_last(t);
	size_t nw = trace_ndworkers(t), nt = trace_ndtasks(t), nx = trace_ndxfers(t);
	lua_createtable(L, 0, 5);
	lua_createtable(L, (int)nw, 0);
	for (size_t w = 0; w < nw; w++) {
		const trace_dworker *dw = trace_dworker_at(t, w);
		char where[160];
		long tasks = 0, threads = 0;
		int64_t busy = 0;
		for (size_t l = 0; l < trace_ndlanes(t); l++) {
			if (trace_dlane_at(t, l)->worker != (int)w) continue;
			threads++;
			tasks += trace_dlane_at(t, l)->ntasks;
			busy += trace_dlane_busy(t, l, 0, end);
		}
		lua_createtable(L, 0, 8);
		lua_pushstring(L, dw->addr);
		lua_setfield(L, -2, "addr");
		lua_pushstring(L, dw->name);
		lua_setfield(L, -2, "name");
		set_int(L, "pid", dw->pid);
		lua_pushboolean(L, dw->local);
		lua_setfield(L, -2, "local");
		lua_pushstring(L, trace_dworker_where_text(t, w, where, sizeof where));
		lua_setfield(L, -2, "where");
		set_int(L, "threads", threads);
		set_int(L, "tasks", tasks);
		set_ms(L, "busy_ms", busy);
		lua_rawseti(L, -2, (lua_Integer)w + 1);
	}
	lua_setfield(L, -2, "workers");
	lua_createtable(L, (int)(nt < MAX_DTASKS ? nt : MAX_DTASKS), 0);
	for (size_t i = 0; i < nt && i < MAX_DTASKS; i++) {
		const trace_dtask *x = trace_dtask_at(t, i);
		const trace_dlane *ln = trace_dlane_at(t, (size_t)x->lane);
		int64_t e = x->t1 >= 0 ? x->t1 : end;
		lua_createtable(L, 0, 6);
		set_int(L, "worker", ln->worker + 1);
		set_int(L, "thread", ln->tid);
		lua_pushstring(L, x->prefix);
		lua_setfield(L, -2, "prefix");
		lua_pushstring(L, x->key);
		lua_setfield(L, -2, "key");
		set_ms(L, "start_ms", x->t0);
		set_ms(L, "ms", e > x->t0 ? e - x->t0 : 0);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "tasks");
	set_int(L, "ntasks", (long)nt);
	lua_createtable(L, (int)nx, 0);
	for (size_t i = 0; i < nx; i++) {
		const trace_dxfer *x = trace_dxfer_at(t, i);
		lua_createtable(L, 0, 6);
		if (x->from >= 0) set_int(L, "from", x->from + 1);
		set_int(L, "to", x->to + 1);
		lua_pushinteger(L, (lua_Integer)x->nbytes);
		lua_setfield(L, -2, "bytes");
		set_ms(L, "start_ms", x->t0);
		set_ms(L, "ms", x->t1 - x->t0);
		lua_pushstring(L, x->key);
		lua_setfield(L, -2, "key");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "transfers");
	lua_createtable(L, 0, (int)trace_ndprefixes(t));
	for (size_t p = 0; p < trace_ndprefixes(t); p++) {
		long n = 0;
		const char *pre = trace_dprefix_at(t, p);
		for (size_t i = 0; i < nt; i++) n += !strcmp(trace_dtask_at(t, i)->prefix, pre);
		set_int(L, pre, n);
	}
	lua_setfield(L, -2, "prefixes");
	lua_setfield(L, -2, "dask");
}

/* What summary_p builds the table from (computed in C beforehand, so that
 * nothing of C's leaks when Lua raises an error). */
typedef struct {
	const trace *t;
	const trace_stats *st;
	const wsum *w;
	int n, failed, prev_ref, ref;
} sum_args;

/* running_ms[k] (k = 0 .. max_tasks_running): the time exactly k of the
 * run's tasks were on CPUs; overlap_ms: 2 or more (two threads of one
 * process running at once, say). */
static void running_ms(lua_State *L, const trace_stats *st)
{
	int64_t over = 0;
	lua_createtable(L, st->par_max, 1);
	for (int k = 0; k <= st->par_max && k <= st->ntasks; k++) {
		lua_pushnumber(L, (double)st->par_ns[k] / 1e6);
		lua_rawseti(L, -2, k);
		if (k >= 2) over += st->par_ns[k];
	}
	lua_setfield(L, -2, "running_ms");
	set_ms(L, "overlap_ms", over);
}

/* Builds the summary table, in protected mode (memory may run out). */
static int summary_p(lua_State *L)
{
	const sum_args *a = lua_touserdata(L, 1);
	const trace *t = a->t;
	lua_createtable(L, 0, 20);
	lua_pushstring(L, trace_title(t));
	lua_setfield(L, -2, "title");
	set_ms(L, "wall_ms", trace_end(t) >= 0 ? trace_end(t) : trace_last(t));
	set_int(L, "ncpu", trace_ncpu(t));
	set_int(L, "max_running", a->st->workers_max);
	set_int(L, "max_tasks_running", a->st->par_max);
	lua_pushnumber(L, a->st->par_avg);
	lua_setfield(L, -2, "avg_running");
	running_ms(L, a->st);
	lua_pushboolean(L, a->failed);
	lua_setfield(L, -2, "failed");
	lua_pushstring(L, trace_outcome(t) ? trace_outcome(t) : "");
	lua_setfield(L, -2, "outcome");
	trace_end_kind kind = trace_outcome_kind(t);
	lua_pushboolean(L, kind == TRACE_TIMED_OUT);
	lua_setfield(L, -2, "timed_out");
	char end[32];   /* "finished", "timed out", "crashed": the kind's name in words */
	snprintf(end, sizeof end, "%s", trace_end_kind_name(kind));
	for (char *c = end; *c; c++)
		if (*c == '_') *c = ' ';
	lua_pushstring(L, end);
	lua_setfield(L, -2, "ended");
	block_fields(L, t);
	other_fields(L, a->st);
	int64_t cpu = 0;
	int nw = 0;
	lua_createtable(L, a->n, 0);
	for (int i = 0; i < a->n; i++) {
		if (!a->w[i].seen) continue;
		cpu += a->w[i].cpu;
		worker_fields(L, &a->w[i]);
		lua_rawseti(L, -2, ++nw);
	}
	lua_setfield(L, -2, "workers");
	set_int(L, "nworkers", nw);
	set_ms(L, "cpu_ms", cpu);
	tasks_list(L, t, a->st);
	lua_setfield(L, -2, "tasks");
	set_int(L, "ntasks", trace_ntasks(t));
	output_list(L, t);
	lua_setfield(L, -2, "output");
	mark_list(L, t);
	lua_setfield(L, -2, "marks");
	dask_fields(L, t);
	id_list(L, a->w, a->n, by_first, 1);
	lua_rawgeti(L, -1, 1);
	lua_setfield(L, -3, "first");
	lua_setfield(L, -2, "order");
	id_list(L, a->w, a->n, by_end, 0);
	lua_setfield(L, -2, "finish_order");
	if (a->prev_ref != LUA_NOREF && a->prev_ref != LUA_REFNIL) {
		/* raw: observe had that table and may have given it a metatable */
		lua_rawgeti(L, LUA_REGISTRYINDEX, a->prev_ref);
		lua_pushliteral(L, "previous");
		lua_pushnil(L);
		lua_rawset(L, -3);   /* one run back is enough: no chains */
		lua_pushliteral(L, "previous");
		lua_insert(L, -2);
		lua_rawset(L, -3);
	}
	((sum_args *)lua_touserdata(L, 1))->ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}

static int msg_handler(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	lua_pushstring(L, msg ? msg : luaL_tolstring(L, 1, NULL));
	return 1;
}

/* Runs fn(arg) in protected mode; 0, or -1 with *err (caller frees). */
int lapi_protect(lua_State *L, lua_CFunction fn, void *arg, char **err)
{
	int top = lua_gettop(L);
	lua_pushcfunction(L, msg_handler);
	lua_pushcfunction(L, fn);
	lua_pushlightuserdata(L, arg);
	int rc = lua_pcall(L, 1, 0, top + 1);
	if (rc != LUA_OK && err) {
		const char *m = rc == LUA_ERRMEM ? "the lesson's Lua ran out of memory" : lua_tostring(L, -1);
		*err = xstrdup(m ? m : "error in the lesson's Lua");
	}
	lua_settop(L, top);
	return rc == LUA_OK ? 0 : -1;
}

int lapi_summary(lua_State *L, const trace *t, int failed, int prev_ref, char **err)
{
	trace_stats st;
	trace_stats_compute(t, &st);
	int n;
	wsum *w = workers_of(t, &st, &n);
	sum_args a = { t, &st, w, n, failed, prev_ref, LUA_NOREF };
	if (err) *err = NULL;
	lapi_protect(L, summary_p, &a, err);
	free(w);
	trace_stats_free(&st);
	return a.ref;
}

void lapi_unref(lua_State *L, int ref)
{
	if (ref != LUA_NOREF && ref != LUA_REFNIL) luaL_unref(L, LUA_REGISTRYINDEX, ref);
}

/* ---- calling observe ------------------------------------------------------ */

/* The value on top of the stack as out's answer; pops it. */
static void take_value(lua_State *L, lapi_observed *out)
{
	out->type = lua_type(L, -1);
	switch (out->type) {
	case LUA_TBOOLEAN: out->boolean = lua_toboolean(L, -1); break;
	case LUA_TNUMBER: out->number = lua_tonumber(L, -1); break;
	case LUA_TSTRING: out->string = xstrdup(lua_tostring(L, -1)); break;
	case LUA_TTABLE:
		for (lua_Integer i = 1; out->nlist < LAPI_MAX_LIST; i++) {
			int ty = lua_rawgeti(L, -1, i);   /* raw: no metamethod runs here */
			int isnum;
			lua_Integer v = lua_tointegerx(L, -1, &isnum);
			lua_pop(L, 1);
			if (ty == LUA_TNIL) break;
			if (!isnum || v < INT_MIN || v > INT_MAX) { out->type = LUA_TNONE; break; }   /* not a list of numbers */
			out->list[out->nlist++] = (int)v;
		}
		break;
	case LUA_TNIL: break;
	default: out->type = LUA_TNONE; break;
	}
	lua_pop(L, 1);
}

typedef struct {
	int fn, run_ref;
	const char *prediction;
	const char *const *titles;
	const int *refs;
	int nruns;
	lapi_observed *out;
} obs_args;

/* observe(run, prediction, runs) and its results, in protected mode and
 * under the budget hook. */
static int observe_p(lua_State *L)
{
	const obs_args *a = lua_touserdata(L, 1);
	lapi_budget(L, OBSERVE_BUDGET_NS, "observe took too long (an endless loop?)");
	lua_rawgeti(L, LUA_REGISTRYINDEX, a->fn);
	lua_rawgeti(L, LUA_REGISTRYINDEX, a->run_ref);
	if (a->prediction) lua_pushstring(L, a->prediction);
	else lua_pushnil(L);
	lua_createtable(L, 0, a->nruns);
	for (int i = 0; i < a->nruns; i++) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, a->refs[i]);
		lua_setfield(L, -2, a->titles[i]);
	}
	lua_call(L, 3, 2);
	if (lua_type(L, -1) == LUA_TSTRING) a->out->note = xstrdup(lua_tostring(L, -1));
	lua_pop(L, 1);
	take_value(L, a->out);
	return 0;
}

int lapi_observe(lua_State *L, int fn, int run_ref, const char *prediction, const char *const *titles,
		 const int *refs, int nruns, lapi_observed *out)
{
	memset(out, 0, sizeof *out);
	obs_args a = { fn, run_ref, prediction, titles, refs, nruns, out };
	char *err = NULL;
	int rc = lapi_protect(L, observe_p, &a, &err);
	lapi_budget_off(L);
	if (rc < 0) {
		free(out->note);
		free(out->string);
		memset(out, 0, sizeof *out);
		out->error = err;
	}
	return rc;
}

void lapi_observed_free(lapi_observed *o)
{
	free(o->string);
	free(o->note);
	free(o->error);
	memset(o, 0, sizeof *o);
}

/* ---- a run's note, from its numbers ------------------------------------------ */

typedef struct {
	int fn, run_ref;
	const char *const *titles;
	const int *refs;
	int nruns;
	char *text;
	int bad_type;     /* it returned neither a text nor nil */
} note_args;

/* note(run, runs), in protected mode and under the budget hook. */
static int note_p(lua_State *L)
{
	note_args *a = lua_touserdata(L, 1);
	lapi_budget(L, OBSERVE_BUDGET_NS, "the lesson's function took too long (an endless loop?)");
	lua_rawgeti(L, LUA_REGISTRYINDEX, a->fn);
	int nargs = a->run_ref != LUA_NOREF;
	if (nargs) lua_rawgeti(L, LUA_REGISTRYINDEX, a->run_ref);
	lua_createtable(L, 0, a->nruns);
	for (int i = 0; i < a->nruns; i++) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, a->refs[i]);
		lua_setfield(L, -2, a->titles[i]);
	}
	lua_call(L, nargs + 1, 1);
	int ty = lua_type(L, -1);
	if (ty == LUA_TSTRING) a->text = xstrdup(lua_tostring(L, -1));   /* a string: no metamethod */
	else if (ty != LUA_TNIL) a->bad_type = ty;
	lua_pop(L, 1);
	return 0;
}

int lapi_note(lua_State *L, int fn, int run_ref, const char *const *titles, const int *refs, int nruns,
	      char **text, char **err)
{
	note_args a = { fn, run_ref, titles, refs, nruns, NULL, 0 };
	*text = *err = NULL;
	int rc = lapi_protect(L, note_p, &a, err);
	lapi_budget_off(L);
	if (rc == 0 && a.bad_type) {   /* the caller puts the run's file:line in front */
		*err = xasprintf("returned a %s, not a text (or nil)", lua_typename(L, a.bad_type));
		return -2;
	}
	if (rc < 0) { free(a.text); return -1; }
	*text = lapi_expand(a.text);   /* ${ncpu}, as in a fixed text */
	return 0;
}
