/*
 * tui_timeline.c: the timeline pane. Time runs left to right and the whole
 * run is fitted to the pane's width (while the run is live the scale grows
 * in steps, so lanes stretch rather than crawl). Each column stands for a
 * slice of time; a task lane shows the state that task spent most of that
 * slice in (so at any column no more lanes show running than there are
 * CPUs, give or take sampling) and a CPU lane shows the task that ran
 * there longest, as a bar as high as the CPU was busy with the run. Runs
 * of one task in a CPU lane carry its label, so the picture reads without
 * colour too. Zoomed in, the lanes show a window of the run that pans; a
 * cursor column makes each lane's status column say what it was doing at
 * that instant. A Dask computation adds a task lane per worker thread
 * (pinned under the CPUs and queues): each task a bar in its key prefix's
 * colour, the prefix written inside where it fits, » where data from
 * another worker arrived.
 *
 * It owns the lanes (which CPUs, the lane order of the tasks), the axis,
 * the legend and the title; the window's arithmetic is the view's
 * (view.c), and the timeline says what the view's calls return. It draws
 * what happened before one instant, tui_now(): the live now, the end, a
 * pause or a replay's clock.
 */
#include "trace/trace_stats.h"
#include "ui/tui_int.h"
#include "ui/view_lanes.h"
#include "util/xmalloc.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>


/* A short status for a wait(2) status: "exit 0", "SIGSEGV". */
static const char *status_str(char *buf, size_t cap, int st)
{
	if (st < 0) snprintf(buf, cap, "-");
	else if (WIFSIGNALED(st)) {
		const char *ab = sigabbrev_np(WTERMSIG(st));
		if (ab) snprintf(buf, cap, "SIG%s", ab);
		else snprintf(buf, cap, "sig %d", WTERMSIG(st));
	} else snprintf(buf, cap, "exit %d", WEXITSTATUS(st));
	return buf;
}

/* ---- lanes ---------------------------------------------------------------------- */

/* The CPUs worth a lane: all of them on small machines, else those used. */
static int cpu_lanes(const trace *tr, int *out, int max)
{
	int ncpu = trace_ncpu(tr), n = 0;
	if (ncpu <= 8) {
		for (int c = 0; c < ncpu && n < max; c++) out[n++] = c;
		return n;
	}
	uint64_t used = 0;
	for (int i = 0; i < trace_ntasks(tr); i++) used |= trace_task_at(tr, i)->cpus;
	for (int c = 0; c < 64 && n < max; c++)
		if (used >> c & 1) out[n++] = c;
	return n;
}

/* The glyphs' key, in W columns: what this run's lanes can show, in
 * reading order; where it does not fit, the least needed go first (the
 * runner's note, I/O, idle, holds, marks, ...), never run, wait and sleep,
 * nor a partial block, which is what a busy machine shows most. help
 * explains them all. */
enum { LG_RUN, LG_PART, LG_WAIT, LG_SLEEP, LG_BLOCKED, LG_HELD, LG_HOLDS, LG_MARK, LG_QUEUED, LG_DASK, LG_XFER, LG_IO,
       LG_IDLE, LG_OTHER, LG_WHO, LG_N };

/* blk: SPANS_COORD the run has blocked or lock spans, SPANS_STEP step
 * spans (span_legend). dk: the run has Dask task lanes (1), with
 * transfers into them (2). */
enum { SPANS_COORD = 1, SPANS_STEP = 2 };
static void legend(tline *l, int W, int runner, int blk, int mk, int qs, int dk)
{
	static const int drop[] = { LG_WHO, LG_IO, LG_IDLE, LG_HOLDS, LG_XFER, LG_MARK, LG_QUEUED, LG_BLOCKED, LG_OTHER,
				    LG_HELD, LG_DASK };
	int on[LG_N];
	for (int k = 0; k < LG_N; k++) on[k] = 1;
	on[LG_WHO] = runner;
	on[LG_BLOCKED] = on[LG_HOLDS] = !!(blk & SPANS_COORD);
	on[LG_HELD] = !!(blk & SPANS_STEP);
	on[LG_MARK] = mk;
	on[LG_QUEUED] = qs;
	on[LG_DASK] = dk > 0;
	on[LG_XFER] = dk > 1;
	for (size_t d = 0;; d++) {
		const struct { int role; const char *glyph, *word; } items[LG_N] = {
			[LG_RUN] = { R_WORKER, tui_glyph.run, "run " }, [LG_PART] = { R_WORKER, tui_glyph.level[3], "part " },
			[LG_WAIT] = { R_WORKER, tui_glyph.wait, "wait " }, [LG_SLEEP] = { R_DIM, tui_glyph.sleep, "sleep " },
			[LG_BLOCKED] = { R_COORD, tui_glyph.coord, "blocked " }, [LG_HOLDS] = { R_KEY, "_", "holds " },
			[LG_HELD] = { R_STEP, tui_glyph.held, "held " },
			[LG_MARK] = { R_KEY, tui_glyph.down, "mark " }, [LG_QUEUED] = { R_COORD, tui_glyph.level[4], "queued " },
			[LG_DASK] = { R_WORKER + 1, tui_glyph.level[5], "Dask task " },
			[LG_XFER] = { R_KEY, tui_glyph.says, "data in " },
			[LG_IO] = { R_ERR, tui_glyph.blocked, "I/O " }, [LG_IDLE] = { R_IDLE, tui_glyph.idle, "idle " },
			[LG_OTHER] = { R_HINT, tui_glyph.other, "other" }, [LG_WHO] = { R_PARLAB, "  parlab", " starts the workers" },
		};
		tline_clear(l);
		for (int k = 0; k < LG_N; k++) {
			if (!on[k]) continue;
			tline_adds(l, items[k].role, items[k].glyph);
			tline_adds(l, R_DIM, items[k].word);
		}
		if (tline_width(l) <= W || d == sizeof drop / sizeof *drop) return;
		on[drop[d]] = 0;
	}
}

/* The run has a lane for parlab's runner. */
static int has_runner(const trace *tr)
{
	for (int i = 0; i < trace_ntasks(tr); i++)
		if (trace_task_is_runner(trace_task_at(tr, i))) return 1;
	return 0;
}

/* The legend's span items (SPANS_*): a stepped run's step spans have
 * their own, blocked and lock spans theirs. */
static int span_legend(const trace *tr)
{
	size_t st = trace_nspans_of(tr, TRACE_SPAN_STEP);
	return (trace_nspans(tr) > st ? SPANS_COORD : 0) | (st ? SPANS_STEP : 0);
}

/* The legend's Dask item: 0 no task lanes, 1 task lanes, 2 with transfers. */
static int dask_legend(const trace *tr)
{
	return !trace_ndlanes(tr) ? 0 : trace_ndxfers(tr) ? 2 : 1;
}

static char *backend_str(const trace *tr)
{
	return xasprintf("capture: %s", trace_backend(tr));
}

/* Rows under the lanes: the axis, the legend, and the capture backend on a
 * row of its own when it does not fit beside the legend (the runner's
 * note never takes the backend's place). */
static int footer_rows(const trace *tr, int W)
{
	if (!tr) return 2;
	tline l = { 0 };
	legend(&l, W, 0, span_legend(tr), trace_nmarks(tr) > 0, trace_nqueues(tr) > 0, dask_legend(tr));
	char *be = backend_str(tr);
	int need = tline_width(&l) + 2 + utf8_width(be, strlen(be));
	tline_free(&l);
	free(be);
	return need > W ? 3 : 2;
}

/* ---- the instant shown --------------------------------------------------------- */

/* When a task's lane appears: its birth, else its first slice. */
static int64_t task_appears(const trace *tr, int i)
{
	const trace_task *k = trace_task_at(tr, i);
	if (k->born >= 0) return k->born;
	size_t n;
	const trace_slice *s = trace_slices(tr, i, &n);
	return n ? s[0].t0 : 0;
}

/* The lane order of the tasks that exist at now (a replay hides the
 * unborn); returns how many. */
static int shown_tasks(const trace *tr, int64_t now, int **out)
{
	int *o = view_lane_order(tr), n = 0;
	for (int i = 0; i < trace_ntasks(tr); i++)
		if (task_appears(tr, o[i]) <= now) o[n++] = o[i];
	*out = o;
	return n;
}

/* The Dask task lanes that exist at now (their first task began by then),
 * each worker's together in the order of its lanes (dask PID.0, .1 ...),
 * the workers in order of appearance; returns how many. */
static int shown_dlanes(const trace *tr, int64_t now, int **out)
{
	size_t n = trace_ndlanes(tr);
	int *o = xmalloc(sizeof(int) * (n + 1)), k = 0;
	for (size_t w = 0; w < trace_ndworkers(tr); w++)
		for (size_t l = 0; l < n; l++) {
			size_t nt;
			const size_t *ix = trace_dlane_tasks(tr, l, &nt);
			if (trace_dlane_at(tr, l)->worker == (int)w && nt && trace_dtask_at(tr, ix[0])->t0 <= now)
				o[k++] = (int)l;
		}
	*out = o;
	return k;
}

int timeline_rows_wanted(tui *t)
{
	int cpus[64];
	if (!t->tr) {
		int n = engine_ncpu();
		return 1 + (n > 8 ? 8 : n) + 5 + 2;
	}
	int W = t->cols - t->lw - 2, n = 0;
	int64_t now = tui_now(t, t->tr, NULL);
	for (int i = 0; i < trace_ntasks(t->tr); i++) n += task_appears(t->tr, i) <= now;
	int *dl, nd = shown_dlanes(t->tr, now, &dl);
	free(dl);
	return 1 + cpu_lanes(t->tr, cpus, 64) + (int)trace_nqueues(t->tr) + nd + n + footer_rows(t->tr, W);
}

/* "0", "250us", "10ms", "12.35ms", "1.5s": an axis label with as many
 * decimals as the tick step needs (zoomed in, ticks are close). */
static void fmt_tick(char *buf, size_t cap, double ns, double step)
{
	double div = step >= 1e9 || ns >= 1e10 ? 1e9 : step >= 1e6 || ns >= 1e6 ? 1e6 : 1e3;
	const char *unit = div == 1e9 ? "s" : div == 1e6 ? "ms" : "us";
	int dec = (int)ceil(-log10(step / div) - 1e-9);
	if (ns <= 0) snprintf(buf, cap, "0");
	else snprintf(buf, cap, "%.*f%s", dec > 0 ? dec : 0, ns / div, unit);
}

static const char *state_glyph(int st)
{
	switch (st) {
	case TS_RUNNING: return tui_glyph.run;
	case TS_RUNNABLE: return tui_glyph.wait;
	case TS_SLEEPING: return tui_glyph.sleep;
	case TS_BLOCKED: return tui_glyph.blocked;
	default: return " ";
	}
}

/* "cpu1", "wait", "sleep", "I/O": a state in a lane's status column. */
static void state_word(char *buf, size_t cap, trace_state st, int cpu)
{
	switch (st) {
	case TS_RUNNING:
		if (cpu >= 0) snprintf(buf, cap, "cpu%d", cpu);
		else snprintf(buf, cap, "run");
		break;
	case TS_RUNNABLE: snprintf(buf, cap, "wait"); break;
	case TS_SLEEPING: snprintf(buf, cap, "sleep"); break;
	case TS_BLOCKED: snprintf(buf, cap, "I/O"); break;
	case TS_EXITED: snprintf(buf, cap, "exited"); break;
	default: snprintf(buf, cap, "-"); break;
	}
}

/* ---- one frame's geometry --------------------------------------------------------- */

typedef struct {
	const trace *tr;
	int64_t now;      /* what happened before now is drawn */
	int64_t known;    /* CPU lanes say "idle" up to here (the capture looked) */
	int growing;      /* a live run, or a replay short of the end */
	int64_t at;       /* the cursor's instant, -1 none */
	int64_t v0;       /* the instant at the lanes' left edge */
	double scale;     /* ns per column */
	int lw;           /* lane columns */
	int cur;          /* the cursor's column, -1 none (or out of the window) */
	int zoomed;       /* the window is part of the run */
	/* the lanes, top to bottom: nc CPUs (cpus[]), nq queues (the trace's),
	 * nd Dask task lanes (dl[]: trace_dlane indices), then the tasks in
	 * lane order (order[]); CPUs, queues and Dask lanes stay pinned */
	const int *cpus, *order, *dl;
	int nc, nq, nd;
	const int *role;  /* tui_task_role of each task */
} tl_view;

/* The time window of this frame (the view's arithmetic), for the lanes. */
static void frame_window(tui *t, tl_view *v)
{
	view_win w;
	view_frame(&t->view, v->now, v->growing, v->lw, v->at, &w);
	v->v0 = w.v0;
	v->scale = w.scale;
	v->cur = w.cur;
	v->zoomed = w.zoomed;
}

/* The frame's columns, as view_lanes.c takes them. */
static view_cols cols_of(const tl_view *v)
{
	return (view_cols){ .v0 = v->v0, .now = v->now, .scale = v->scale, .lw = v->lw };
}

/* Adds the overlap of [a, b) (cut at now and to the window) with each
 * column to acc[col * stride + k]. */
static void spread(int64_t *acc, int stride, int k, const tl_view *v, int64_t a, int64_t b)
{
	view_cols w = cols_of(v);
	view_spread(acc, stride, k, &w, a, b);
}

/* The cursor's column shows in reverse video on every lane. */
static attr_t at_cur(const tl_view *v, int c, attr_t a)
{
	return c == v->cur ? a ^ A_REVERSE : a;
}

/* How much of a column a task ran, as a bar height 1..8 (0: not at all).
 * Any running shows, however short: a cell's other states must not hide
 * that the task got a CPU (a task running 1 ms in 11 is not "waiting"). */
static int run_level(int64_t ran, double span)
{
	if (ran <= 0 || span <= 0) return 0;
	int lvl = (int)((double)ran / span * 8 + 0.5);
	return lvl < 1 ? 1 : lvl > 8 ? 8 : lvl;
}

/* Per column of task's lane: time blocked on the run's blocks (k 0),
 * holding a lock (k 1) and held at a step point (k 2), into
 * co[col * CO_N + k]; marks[col] set where the task marked. An open span
 * (a live run) lasts until now, or the task's death (killed while held). */
enum { CO_BLOCKED, CO_HOLDS, CO_STEP, CO_N };
static void coord_cols(const tl_view *v, int task, int64_t *co, unsigned char *marks)
{
	const trace *tr = v->tr;
	const trace_task *k = trace_task_at(tr, task);
	memset(co, 0, sizeof(int64_t) * CO_N * (size_t)v->lw);
	memset(marks, 0, (size_t)v->lw);
	for (size_t i = 0; i < trace_nspans(tr); i++) {
		const trace_span *sp = trace_span_at(tr, i);
		if (sp->task != task || sp->t0 >= v->now) continue;
		int64_t t1 = sp->t1 >= 0 ? sp->t1 : k->died >= 0 && k->died < v->now ? k->died : v->now;
		int kind = sp->kind == TRACE_SPAN_HELD ? CO_HOLDS : sp->kind == TRACE_SPAN_STEP ? CO_STEP : CO_BLOCKED;
		spread(co, CO_N, kind, v, sp->t0, t1);
	}
	for (size_t i = 0; i < trace_nmarks(tr); i++) {
		const trace_mark *m = trace_mark_at(tr, i);
		if (m->task != task || m->t > v->now || m->t < v->v0 || v->scale <= 0) continue;
		int c = (int)((double)(m->t - v->v0) / v->scale);
		if (c >= 0 && c < v->lw) marks[c] = 1;
	}
}

/* A task's lane: per column, the share it ran as a bar (full: █), else
 * the state it spent most of the column in; blocked on one of the run's
 * blocks, or held at a step point, for at least half of it, its own
 * glyph; a lock held underlines whatever is drawn; a mark is a ▼ at its
 * moment. */
static void draw_task_lane(tui *t, const tl_view *v, int task, int y, int x0, int64_t *acc)
{
	WINDOW *w = t->tl;
	const trace *tr = v->tr;
	const trace_task *k = trace_task_at(tr, task);
	int role = v->role[task], lw = v->lw;
	memset(acc, 0, sizeof(int64_t) * (size_t)lw * TS_NSTATES);
	size_t n;
	const trace_slice *s = trace_slices(tr, task, &n);
	view_cols cw = cols_of(v);
	for (size_t i = view_slice_from(s, n, v->v0); i < n && s[i].t0 < v->now; i++)
		if (view_spread(acc, TS_NSTATES, s[i].state, &cw, s[i].t0, s[i].t1)) break;   /* past the window */
	int coord = trace_nspans(tr) > 0 || trace_nmarks(tr) > 0;
	int64_t *co = coord ? xmalloc(sizeof(int64_t) * CO_N * (size_t)lw) : NULL;
	unsigned char *mk = coord ? xmalloc((size_t)lw) : NULL;
	if (coord) coord_cols(v, task, co, mk);
	wmove(w, y, x0);
	for (int c = 0; c < lw; c++) {
		int64_t *a = acc + c * TS_NSTATES;
		int best = TS_UNKNOWN;
		int64_t bv = 0;
		for (int st = TS_RUNNING; st <= TS_BLOCKED; st++) {
			if (a[st] > bv) { bv = a[st]; best = st; }
		}
		double cs = (double)v->v0 + c * v->scale;
		if (best == TS_UNKNOWN && !n && k->born >= 0 && cs >= k->born &&
		    cs < (k->died >= 0 ? k->died : v->now)) {
			tui_puts(w, -1, 0, 1, at_cur(v, c, tui_attr(R_DIM)), "-");   /* alive, not observed */
			continue;
		}
		double span = cs + v->scale <= (double)v->now ? v->scale : (double)v->now - cs;   /* the live edge */
		int lvl = run_level(a[TS_RUNNING], span);
		int64_t *cc = co ? co + c * CO_N : NULL;
		attr_t held = cc && cc[CO_HOLDS] > 0 ? A_UNDERLINE : 0;
		if (mk && mk[c]) {
			tui_puts(w, -1, 0, 1, at_cur(v, c, tui_attr(role) | A_BOLD | held), tui_glyph.down);
			continue;
		}
		if (lvl && lvl < 8) {
			tui_puts(w, -1, 0, 1, at_cur(v, c, tui_attr(role) | held), tui_glyph.level[lvl]);
			continue;
		}
		if (!lvl && cc && cc[CO_BLOCKED] > 0 && (double)cc[CO_BLOCKED] * 2 >= span) {
			tui_puts(w, -1, 0, 1, at_cur(v, c, tui_attr(R_COORD) | held), tui_glyph.coord);
			continue;
		}
		if (!lvl && cc && cc[CO_STEP] > 0 && (double)cc[CO_STEP] * 2 >= span) {   /* the schedule held it */
			tui_puts(w, -1, 0, 1, at_cur(v, c, tui_attr(R_STEP) | held), tui_glyph.held);
			continue;
		}
		if (lvl == 8) best = TS_RUNNING;
		int r = best == TS_SLEEPING ? R_DIM : best == TS_BLOCKED ? R_ERR : role;
		tui_puts(w, -1, 0, 1, at_cur(v, c, tui_attr(r) | held), state_glyph(best));
	}
	free(co);
	free(mk);
}

/* The CPU lanes of one frame, computed in one pass over the slices: per
 * lane and column, the task that ran there longest (-1 none) and a bar
 * height 0..8 for the share of the column the CPU spent on the run. */
typedef struct {
	int *task;
	unsigned char *lvl;
} cpu_cols;

/* How much of the time this run left free on CPU cpu, within the span
 * of its counters' samples around instant at, other programs took (0..1),
 * or -1 when the counters do not say. The run's own time is taken out of
 * the span first, so its own work is never shown as someone else's. */
static double other_density(const trace *tr, int cpu, int64_t at, int64_t *from, int64_t *to)
{
	int64_t a = -1, b = -1;
	for (size_t i = 0, n = trace_ncpu_samples(tr); i < n; i++) {   /* the samples around at */
		const trace_cpusample *s = trace_cpu_sample_at(tr, i);
		if (s->cpu != cpu) continue;
		if (s->t <= at) a = s->t;
		else { b = s->t; break; }
	}
	*from = a;
	*to = b;
	if (a < 0 || b <= a) return -1;
	int64_t other = trace_stats_cpu_other(tr, cpu, a, b), own = trace_stats_cpu_own(tr, cpu, a, b);
	int64_t free_ns = b - a - own;
	return other < 0 ? -1 : free_ns <= 0 ? 0 : (double)other / (double)free_ns;
}

/* Marks with OTHER_LVL the cells of the CPU lanes where this run did not
 * run and other programs took at least half of the CPU; with UNKNOWN_LVL
 * those the counters do not cover yet (the newest moments of a live run,
 * before the next sample), where "idle" would be a guess. */
#define OTHER_LVL 255
#define UNKNOWN_LVL 254
static void mark_other(const tl_view *v, const int *cpus, int nc, cpu_cols *cc)
{
	for (int l = 0; l < nc; l++) {
		int64_t from = -1, to = -1;
		double dens = -1;
		for (int c = 0; c < v->lw; c++) {
			size_t k = (size_t)l * (size_t)v->lw + (size_t)c;
			int64_t mid = v->v0 + (int64_t)((c + 0.5) * v->scale);
			if (cc->task[k] >= 0 || mid >= v->now) continue;
			if (mid < from || mid >= to) dens = other_density(v->tr, cpus[l], mid, &from, &to);   /* a new span */
			if (dens >= 0.5) cc->lvl[k] = OTHER_LVL;
			else if (dens < 0 && trace_ncpu_samples(v->tr)) cc->lvl[k] = UNKNOWN_LVL;
		}
	}
}

static cpu_cols cpu_lanes_scan(const tl_view *v, const int *cpus, int nc)
{
	size_t cells = (size_t)(nc ? nc : 1) * (size_t)v->lw;
	cpu_cols cc = { xmalloc(sizeof(int) * cells), xcalloc(cells, 1) };
	static view_cpu_cache *cache;   /* the view's: from frame to frame, what changed is folded in */
	if (!cache) cache = view_cpu_cache_new();
	const int *task;
	const int64_t *tot;
	view_cols w = cols_of(v);
	/* finished (or a replay's whole trace): the trace changes only by
	 * being finished (a capture's reconcile, the run's blocks): start again
	 * when it does; growing, it only grows */
	unsigned long epoch = v->growing ? 0 : trace_version(v->tr) * 2 + 1;
	view_cpu_cols_cached(cache, v->tr, &w, cpus, nc, epoch, &task, &tot);
	for (size_t k = 0; k < cells; k++) {
		cc.task[k] = nc ? task[k] : -1;
		if (cc.task[k] < 0) continue;   /* lvl 0 */
		double occ = v->scale > 0 ? (double)tot[k] / v->scale : 0;
		int h = (int)ceil(occ * 8 - 0.01);
		cc.lvl[k] = (unsigned char)(h < 1 ? 1 : h > 8 ? 8 : h);
	}
	mark_other(v, cpus, nc, &cc);
	return cc;
}

/* Columns c .. c+len-1 of a lane: bars as high as lvl in attribute a, and
 * from column pre on the label name (lab columns wide), a character at a
 * time: the cursor may cross it. */
static void bar_run(WINDOW *w, const tl_view *v, int c, int len, attr_t a, const unsigned char *lvl, const char *name,
		    int pre, int lab)
{
	for (int i = 0; i < len; i++) {
		if (i == pre) {
			const char *p = name, *end = name + strlen(name);
			for (int j = 0; p < end;) {
				size_t adv;
				int cw = utf8_char(p, (size_t)(end - p), &adv);
				if (cw > 0) tui_put(w, -1, 0, cw, at_cur(v, c + i + j, a | A_REVERSE | A_BOLD), p, adv);
				j += cw > 0 ? cw : 0;
				p += adv ? adv : 1;
			}
			i += lab - 1;
			continue;
		}
		tui_puts(w, -1, 0, 1, at_cur(v, c + i, a), tui_glyph.level[lvl[c + i]]);
	}
}

/* A CPU lane: bars in the colour of the task that ran most in each column;
 * a long enough run of one task carries its label. */
static void draw_cpu_lane(tui *t, const tl_view *v, const int *task_of, const unsigned char *lvl, int y, int x0)
{
	WINDOW *w = t->tl;
	int lw = v->lw;
	wmove(w, y, x0);
	for (int c = 0; c < lw;) {
		int task = task_of[c], e = c, full = 1;
		while (e < lw && task_of[e] == task) { if (lvl[e] < 5) full = 0; e++; }
		if (task < 0) {   /* other programs, or idle, as far as the capture has looked */
			for (; c < e; c++) {
				if (lvl[c] == OTHER_LVL) tui_puts(w, -1, 0, 1, at_cur(v, c, tui_attr(R_HINT)), tui_glyph.other);
				else tui_puts(w, -1, 0, 1, at_cur(v, c, tui_attr(R_IDLE)),
					      v->v0 + c * v->scale < v->known && lvl[c] != UNKNOWN_LVL ? tui_glyph.level[0] : " ");
			}
			continue;
		}
		attr_t a = tui_attr(v->role[task]);
		char name[48];   /* its name and pid where they fit, else its name */
		int len = e - c, lab = tui_task_name(v->tr, task, 64, 0, name, sizeof name);
		if (lab + 2 > len) {
			snprintf(name, sizeof name, "%s", trace_task_name(trace_task_at(v->tr, task)));
			lab = utf8_width(name, strlen(name));
		}
		int pre = full && lab > 0 && len >= lab + 2 ? (len - lab) / 2 : len;
		bar_run(w, v, c, len, a, lvl, name, pre, lab);
		c = e;
	}
}

/* A queue's lane: per column, a bar as high as it was full on average
 * then (full: █, in bold), at least ▁ where jobs passed through, the idle
 * rule where it was empty throughout. */
static void draw_queue_lane(tui *t, const tl_view *v, int q, int y, int x0)
{
	WINDOW *w = t->tl;
	int cap = trace_queue_capacity(v->tr, (size_t)q);
	wmove(w, y, x0);
	for (int c = 0; c < v->lw; c++) {
		double cs = (double)v->v0 + c * v->scale;
		if (cs >= (double)v->now) {
			tui_puts(w, -1, 0, 1, at_cur(v, c, tui_attr(R_DIM)), " ");
			continue;
		}
		int lo, hi;
		int64_t a0 = (int64_t)cs, a1 = (int64_t)(cs + v->scale);
		if (a1 > v->now) a1 = v->now;
		trace_queue_range(v->tr, (size_t)q, a0, a1, &lo, &hi);
		double mean = trace_queue_mean(v->tr, (size_t)q, a0, a1);
		int lvl = hi <= 0 || cap <= 0 ? 0 : (int)(mean * 8 / cap + 0.5);
		if (hi > 0 && lvl < 1) lvl = 1;
		if (lvl > 8) lvl = 8;
		attr_t a = lvl ? tui_attr(R_COORD) | (lvl == 8 ? A_BOLD : 0) : tui_attr(R_IDLE);
		tui_puts(w, -1, 0, 1, at_cur(v, c, a), tui_glyph.level[lvl]);
	}
}

/* The end of a queue's lane: its length of its capacity at the cursor, or
 * now ("1/2", "2/2 full", "0/2 empty"). */
static const char *queue_status(const tl_view *v, int q, char *buf, size_t cap, int *role)
{
	int64_t at = v->at >= 0 ? v->at : v->now;
	int lo, hi, qc = trace_queue_capacity(v->tr, (size_t)q);
	int n = trace_queue_range(v->tr, (size_t)q, at, at, &lo, &hi);
	size_t ns;
	const trace_qlen *s = trace_queue_samples(v->tr, (size_t)q, &ns);
	if (v->at < 0 && !v->growing && ns) n = s[ns - 1].len;   /* as it ended (its last sample may be after the end) */
	snprintf(buf, cap, "%d/%d%s", n, qc, n >= qc ? " full" : n == 0 ? " empty" : "");
	*role = n > 0 ? R_COORD : R_DIM;
	return buf;
}

/* ---- Dask's task lanes -------------------------------------------------------------- */

/* A Dask task's colour: its key prefix's slot, cycled over the colours. */
static int dprefix_role(const trace *tr, const char *prefix)
{
	return R_WORKER + trace_dprefix_slot(tr, prefix) % tui_ncolours();
}

/* A Dask lane's label colour: its worker process's lane colour when the
 * run has it, else bold. */
static int dlane_role(const trace *tr, int l)
{
	const trace_dlane *dl = trace_dlane_at(tr, (size_t)l);
	const trace_dworker *w = dl ? trace_dworker_at(tr, (size_t)dl->worker) : NULL;
	int k = w && trace_dworker_where(tr, (size_t)dl->worker) == TRACE_DW_RUN ? trace_task_find(tr, w->pid) : -1;
	return k >= 0 ? tui_task_role(tr, k) : R_BOLD;
}

/* The first lane of its worker: transfers into the worker are drawn there. */
static int dlane_first_of_worker(const trace *tr, int l)
{
	int w = trace_dlane_at(tr, (size_t)l)->worker;
	for (int i = 0; i < l; i++)
		if (trace_dlane_at(tr, (size_t)i)->worker == w) return 0;
	return 1;
}

/* How much of column c of the window [a, b) covers (cut at now). */
static double col_overlap(const tl_view *v, int64_t a, int64_t b, int c)
{
	if (b > v->now) b = v->now;
	double cs = (double)v->v0 + c * v->scale, ce = cs + v->scale;
	double lo = (double)a > cs ? (double)a : cs, hi = (double)b < ce ? (double)b : ce;
	return hi > lo ? hi - lo : 0;
}

/* A Dask task lane: per column, the task that ran most of it, as a bar in
 * its prefix's colour as high as the thread was busy with tasks (full: █);
 * where a task is wide enough, its prefix written inside it (cut to fit);
 * the idle rule while the thread lived between tasks; » where data from
 * another worker arrived (on the worker's first lane, where it was not
 * running a task: a task's bar is not hidden). */
static void draw_dask_lane(tui *t, const tl_view *v, int l, int y, int x0)
{
	WINDOW *w = t->tl;
	const trace *tr = v->tr;
	int lw = v->lw;
	int *best = xmalloc(sizeof(int) * (size_t)lw);
	double *bo = xcalloc((size_t)lw, sizeof(double));
	unsigned char *lvl = xcalloc((size_t)lw, 1), *xin = xcalloc((size_t)lw, 1);
	for (int c = 0; c < lw; c++) best[c] = -1;
	size_t nt;
	const size_t *ix = trace_dlane_tasks(tr, (size_t)l, &nt);
	for (size_t i = 0; i < nt && v->scale > 0; i++) {
		const trace_dtask *k = trace_dtask_at(tr, ix[i]);
		int64_t e = k->t1 < 0 || k->t1 > v->now ? v->now : k->t1;
		if (k->t0 >= v->now || e <= v->v0) continue;
		int c0 = k->t0 > v->v0 ? (int)((double)(k->t0 - v->v0) / v->scale) : 0;
		int c1 = (int)((double)(e - 1 - v->v0) / v->scale);
		if (c1 >= lw) c1 = lw - 1;
		for (int c = c0 < 0 ? 0 : c0; c <= c1; c++) {
			double o = col_overlap(v, k->t0, e, c);
			if (o > bo[c]) { bo[c] = o; best[c] = (int)ix[i]; }
		}
	}
	for (int c = 0; c < lw; c++) {
		if (best[c] < 0) continue;
		double cs = (double)v->v0 + c * v->scale;
		double span = cs + v->scale <= (double)v->now ? v->scale : (double)v->now - cs;
		int64_t busy = trace_dlane_busy(tr, (size_t)l, (int64_t)cs, (int64_t)(cs + span));
		int h = span > 0 ? (int)ceil((double)busy / span * 8 - 0.01) : 1;
		lvl[c] = (unsigned char)(h < 1 ? 1 : h > 8 ? 8 : h);
	}
	if (dlane_first_of_worker(tr, l)) {
		int wk = trace_dlane_at(tr, (size_t)l)->worker;
		for (size_t i = 0; i < trace_ndxfers(tr) && v->scale > 0; i++) {
			const trace_dxfer *x = trace_dxfer_at(tr, i);
			if (x->to != wk || x->t1 > v->now || x->t1 < v->v0) continue;
			int c = (int)((double)(x->t1 - v->v0) / v->scale);
			if (c >= 0 && c < lw) xin[c] = 1;
		}
	}
	/* The thread's life: idle between tasks, blank before and after. */
	int lt = trace_dlane_task(tr, (size_t)l);
	const trace_task *ot = lt >= 0 ? trace_task_at(tr, lt) : NULL;
	int64_t born = nt ? trace_dtask_at(tr, ix[0])->t0 : 0, died = v->now;
	if (ot && ot->born >= 0 && ot->born < born) born = ot->born;
	if (ot && ot->died >= 0 && ot->died < died) died = ot->died;
	wmove(w, y, x0);
	for (int c = 0; c < lw;) {
		int task = best[c], e = c, full = 1;
		while (e < lw && best[e] == task) e++;
		for (int i = c + 1; i < e - 1; i++)
			if (lvl[i] < 5) full = 0;
		if (task < 0) {
			for (; c < e; c++) {
				double cs = (double)v->v0 + c * v->scale;
				if (xin[c]) tui_puts(w, -1, 0, 1, at_cur(v, c, tui_attr(R_KEY) | A_BOLD), tui_glyph.says);
				else if (cs + v->scale > (double)born && cs < (double)died && cs < (double)v->now)
					tui_puts(w, -1, 0, 1, at_cur(v, c, tui_attr(R_IDLE)), tui_glyph.level[0]);
				else tui_puts(w, -1, 0, 1, at_cur(v, c, tui_attr(R_DIM)), " ");
			}
			continue;
		}
		const trace_dtask *k = trace_dtask_at(tr, (size_t)task);
		attr_t a = tui_attr(dprefix_role(tr, k->prefix));
		int len = e - c, avail = len >= 4 ? len - 2 : 0, pre = len, lab = 0;
		char name[64];
		const char *pf = k->prefix;
		int pw = utf8_width(pf, strlen(pf));
		if (full && avail >= pw && pw > 0) {
			snprintf(name, sizeof name, "%s", pf);
			lab = pw;
			pre = (len - lab) / 2;
		} else if (full && avail >= 3) {   /* cut to fit, with an ellipsis */
			size_t fit = utf8_fit(pf, strlen(pf), avail - 1);
			snprintf(name, sizeof name, "%.*s%s", (int)fit, pf, tui_glyph.ellipsis);
			lab = utf8_width(name, strlen(name));
			pre = 1;
		}
		bar_run(w, v, c, len, a, lvl, name, pre, lab);
		c = e;
	}
	free(best);
	free(bo);
	free(lvl);
	free(xin);
}

/* "dask 5857.0 getitem ('getitem-…', 2) 15.3ms" or "dask 5857.0 idle",
 * with where its worker ran when not a process of this run: lane l at
 * at, for the cursor's words. */
static int dlane_at_text(const trace *tr, int l, int64_t at, char *buf, size_t cap)
{
	char nm[64], k[160], d[24], where[96];
	const trace_dtask *x = trace_dtask_find(tr, (size_t)l, at);
	trace_dlane_name(tr, (size_t)l, nm, sizeof nm);
	int n;
	if (x) {
		int64_t e = x->t1 >= 0 ? x->t1 : at;
		n = snprintf(buf, cap, "%s %s %s %s", nm, x->prefix, stats_dask_key(x->key, k, sizeof k),
			     trace_fmt_ns(d, sizeof d, e - x->t0));
	} else n = snprintf(buf, cap, "%s idle", nm);
	int wk = trace_dlane_at(tr, (size_t)l)->worker;
	if (n > 0 && (size_t)n < cap && trace_dworker_where(tr, (size_t)wk) != TRACE_DW_RUN)
		n += snprintf(buf + n, cap - (size_t)n, " (%s)", trace_dworker_where_text(tr, (size_t)wk, where, sizeof where));
	return n;
}

/* The end of a Dask lane. At the cursor, or while the run goes: the task
 * running then ("getitem 15.3ms") or idle; at the end, how many tasks it
 * ran. A worker that is not a process of this run says so. */
static const char *dlane_status(const tl_view *v, int l, char *buf, size_t cap, int *role)
{
	const trace *tr = v->tr;
	const trace_dlane *dl = trace_dlane_at(tr, (size_t)l);
	trace_dwhere wh = trace_dworker_where(tr, (size_t)dl->worker);
	const char *away = wh == TRACE_DW_REMOTE ? "remote" : wh == TRACE_DW_HOST ? "not this run" : NULL;
	*role = R_DIM;
	if (v->at >= 0 || v->growing) {
		int64_t at = v->at >= 0 ? v->at : v->now;
		const trace_dtask *x = trace_dtask_find(tr, (size_t)l, at);
		char d[24];
		if (x) {
			snprintf(buf, cap, "%s %s", x->prefix, trace_fmt_ns(d, sizeof d, (x->t1 >= 0 ? x->t1 : at) - x->t0));
			*role = dprefix_role(tr, x->prefix);
		} else snprintf(buf, cap, "%s", away ? away : "idle");
	} else if (away) {
		snprintf(buf, cap, "%s", away);
	} else {
		snprintf(buf, cap, "%d task%s", dl->ntasks, dl->ntasks == 1 ? "" : "s");
	}
	return buf;
}

/* ---- the status column ------------------------------------------------------------ */

/* "held counter" (narrow: "‖ counter"): a step span in a lane's status column;
 * `at` says the action in full. */
static void held_word(char *buf, size_t cap, const trace_span *hs, int smax)
{
	const char *what = *hs->block ? hs->block : hs->what;
	if (smax >= 12) snprintf(buf, cap, "held %s", what);
	else snprintf(buf, cap, "%s %s", tui_glyph.held, what);
}

/* The end of a task lane. At the cursor: what the task was doing then
 * ("cpu1", "wait", "sleep", "I/O", "exit 0"). Otherwise its end ("exit 0",
 * "SIGSEGV", "done") or, while the picture grows, its latest state. */
static const char *task_status(const tl_view *v, int task, int smax, char *buf, size_t cap, int *role)
{
	const trace_task *k = trace_task_at(v->tr, task);
	int64_t at = v->at >= 0 ? v->at : v->now;
	int r = R_DIM, cpu = -1;
	buf[0] = '\0';
	if (k->died >= 0 && k->died <= at) {
		if (view_task_killed(v->tr, k)) {
			snprintf(buf, cap, "killed");   /* by parlab, when it stopped the run */
			r = R_ERR;
		} else if (k->exit_status >= 0) {
			status_str(buf, cap, k->exit_status);
			if (!WIFEXITED(k->exit_status) || WEXITSTATUS(k->exit_status)) r = R_ERR;
		} else snprintf(buf, cap, "done");
	} else if (v->at >= 0) {   /* exactly at the cursor */
		trace_state st = task_appears(v->tr, task) > at ? TS_UNKNOWN : trace_state_at(v->tr, task, at, &cpu);
		const trace_span *sp = st != TS_RUNNING ? trace_span_find(v->tr, task, TRACE_SPAN_BLOCKED, at) : NULL;
		const trace_span *hs = st != TS_RUNNING && !sp ? trace_span_find(v->tr, task, TRACE_SPAN_STEP, at) : NULL;
		if (sp) snprintf(buf, cap, "%s %s", smax >= 12 ? "blocked" : tui_glyph.coord, sp->block);   /* `at` says on what, in full */
		else if (hs) held_word(buf, cap, hs, smax);
		else state_word(buf, cap, st, cpu);
		r = sp ? R_COORD : hs ? R_STEP : st == TS_UNKNOWN ? R_DIM : R_TEXT;
	} else if (v->growing) {   /* the latest state the capture saw before now */
		size_t n, i = 0;
		const trace_slice *s = trace_slices(v->tr, task, &n);
		const trace_span *hs = trace_span_find(v->tr, task, TRACE_SPAN_STEP, v->now);
		while (i < n && s[i].t0 < v->now) i++;
		if (hs) held_word(buf, cap, hs, smax);   /* at a step point then: "sleep" would hide why */
		else if (i) state_word(buf, cap, s[i - 1].state, s[i - 1].cpu);
		r = hs ? R_STEP : R_TEXT;
	}
	if (role) *role = r;
	return buf;
}

/* The status column's widest text: wider panes name tasks with their pid. */
static int status_max(int W)
{
	return W >= 70 ? 14 : W >= 50 ? 10 : 8;   /* narrow: room for the lanes to stay */
}

/* The end of a CPU lane at the cursor: the task that ran there then, by
 * its name and pid where they fit in sw columns. */
static const char *cpu_status(const tl_view *v, int cpu, int sw, char *buf, size_t cap, int *role)
{
	buf[0] = '\0';
	if (v->at < 0) return buf;
	*role = R_DIM;
	int64_t from, to;
	double dens = other_density(v->tr, cpu, v->at, &from, &to);
	if (dens >= 0.5) {   /* as its cell is drawn: at least half the free time */
		snprintf(buf, cap, "others");
		*role = R_HINT;
	} else if (dens < 0 && trace_ncpu_samples(v->tr)) {
		snprintf(buf, cap, "unknown");   /* the counters have not said yet */
	} else {
		snprintf(buf, cap, "idle");
	}
	for (int i = 0; i < trace_ntasks(v->tr); i++) {
		int c;
		if (trace_state_at(v->tr, i, v->at, &c) == TS_RUNNING && c == cpu) {
			tui_task_name(v->tr, i, sw, 0, buf, cap);
			*role = v->role[i];
			break;
		}
	}
	return buf;
}

/* ---- the frame ---------------------------------------------------------------------- */

static void timeline_title(tui *t, const tl_view *v, int W)
{
	WINDOW *w = t->tl;
	char right[96], dur[24], at[24];
	int x = t->focus == F_TIMELINE ? tui_puts(w, 0, 0, W, tui_attr(R_FOCUS), " Timeline ")
				       : tui_puts(w, 0, 0, W, tui_attr(R_RULE_TITLE), "Timeline");
	if (!v) {
		tui_fill(w, 0, x, W - x, tui_attr(R_RULE), " ");
		return;
	}
	int old = t->e && t->tr_step != engine_step(t->e);
	char *mid = xasprintf(" %s %s%s", tui_glyph.hline, old ? "last run: " : "", trace_title(v->tr));
	trace_fmt_ns(dur, sizeof dur, v->now);
	double zoom = (double)v->now / (v->scale * v->lw);
	int role = v->growing ? R_OK : R_DIM;
	int64_t since;
	const char *imp = v->growing && t->e && v->tr == engine_last_trace(t->e, NULL) ? engine_importing(t->e, &since) : NULL;
	if (imp && loop_now_ns() - since >= 200000000LL) {   /* a Python import under way: why lanes are quiet */
		snprintf(right, sizeof right, " importing %s%s %.1fs", imp, tui_glyph.ellipsis,
			 (double)(loop_now_ns() - since) / 1e9);
		role = R_HINT;
	} else if (v->at >= 0) {
		snprintf(right, sizeof right, " at %s", trace_fmt_ns(at, sizeof at, v->at));
		role = R_KEY;
	} else if (view_paused(&t->view)) {
		snprintf(right, sizeof right, " || paused at %s", dur);
		role = R_HINT;
	} else if (v->zoomed) {
		snprintf(right, sizeof right, " zoom %.*fx %s", zoom < 10 ? 1 : 0, zoom, dur);
	} else if (v->growing && !tui_clocked(t)) snprintf(right, sizeof right, " live %s", dur);
	else snprintf(right, sizeof right, " %s", dur);
	int rw = utf8_width(right, strlen(right));
	int room = W - x - rw - 1, mw = utf8_width(mid, strlen(mid));
	if (mw > room && room > 1) {
		x += tui_put(w, 0, x, room - 1, tui_attr(R_DIM), mid, utf8_fit(mid, strlen(mid), room - 1));
		x += tui_puts(w, 0, x, 1, tui_attr(R_DIM), tui_glyph.ellipsis);
	} else {
		x += tui_puts(w, 0, x, room, tui_attr(R_DIM), mid);
	}
	free(mid);
	tui_fill(w, 0, x, W - x - rw, tui_attr(R_TEXT), " ");
	tui_puts(w, 0, W - rw, rw, tui_attr(role), right);
}

/* While the runner prepares (files, a CSV, finding a Python), the run's
 * clock has not started: the title and the pane say what it is preparing
 * and for how long ("preparing: generating big.csv (3000000 rows)… 2.1s"),
 * redrawn by the live run's timer; no lanes, no axis yet. */
static void timeline_preparing(tui *t, const trace *tr, const char *what, int64_t ns, int H, int W)
{
	WINDOW *w = t->tl;
	int x = t->focus == F_TIMELINE ? tui_puts(w, 0, 0, W, tui_attr(R_FOCUS), " Timeline ")
				       : tui_puts(w, 0, 0, W, tui_attr(R_RULE_TITLE), "Timeline");
	char took[32];
	snprintf(took, sizeof took, " %.1fs", ns > 0 ? (double)ns / 1e9 : 0.0);
	char *full = xasprintf("preparing: %s%s%s", what, tui_glyph.ellipsis, took);
	char *right = xasprintf(" %s", full);
	int rw = utf8_width(right, strlen(right));
	if (rw > W - x - 1) {   /* narrow: the words are in the pane below */
		free(right);
		right = xasprintf(" preparing%s%s", tui_glyph.ellipsis, took);
		rw = utf8_width(right, strlen(right));
	}
	char *mid = xasprintf(" %s %s", tui_glyph.hline, trace_title(tr));
	int room = W - x - rw - 1;
	if (room > 1) x += tui_puts_ell(w, 0, x, room, tui_attr(R_DIM), mid);
	free(mid);
	if (W - x - rw > 0) tui_fill(w, 0, x, W - x - rw, tui_attr(R_TEXT), " ");
	tui_puts(w, 0, W - rw > 0 ? W - rw : 0, W, tui_attr(R_HINT), right);
	free(right);
	tdoc d;
	doc_init(&d, W > 3 ? W - 2 : 1);
	doc_paras(&d, R_HINT, full, NULL, NULL, R_HINT);
	doc_paras(&d, R_DIM, "The run's clock starts when its workers do; the lanes fill in then.", NULL, NULL, R_DIM);
	for (size_t i = 0; i < d.n && (int)i + 1 < H; i++) {
		const tline *l = &d.v[i];
		int cx = 1;
		for (size_t k = 0; k < l->nsp; k++)
			cx += tui_put(w, 1 + (int)i, cx, W - cx, tui_attr(l->sp[k].role), l->buf + l->sp[k].off,
				      (size_t)l->sp[k].len);
	}
	doc_free(&d);
	free(full);
}

static void timeline_empty(tui *t, int H, int W)
{
	WINDOW *w = t->tl;
	timeline_title(t, NULL, W);
	const step *s = t->e ? engine_step(t->e) : NULL;
	const char *msg = s && s->kind == STEP_RUN
		? "Type run: each CPU and each task gets a lane here, filling in as it runs."
		: "Runs show here: a lane per CPU and per task.";
	tdoc d;
	doc_init(&d, W - 2);
	doc_paras(&d, R_DIM, msg, NULL, NULL, R_DIM);
	for (size_t i = 0; i < d.n && (int)i + 2 < H; i++) {
		const tline *l = &d.v[i];
		int x = 1;
		for (size_t k = 0; k < l->nsp; k++)
			x += tui_put(w, 2 + (int)i, x, W - x, tui_attr(l->sp[k].role), l->buf + l->sp[k].off,
				     (size_t)l->sp[k].len);
	}
	doc_free(&d);
}

/* Axis: ticks at a 1-2-5 step at least 9 columns apart, from the window's
 * first multiple of the step; the cursor's column is marked. */
static void timeline_axis(tui *t, const tl_view *v, int ay, int x0, int W)
{
	WINDOW *w = t->tl;
	char buf[32];
	double step = 1;
	while (step / v->scale < 9) {
		if (step * 2 / v->scale >= 9) step *= 2;
		else if (step * 5 / v->scale >= 9) step *= 5;
		else step *= 10;
	}
	int xe = -1;
	if (v->v0 > 0) {   /* zoomed: where the window starts, finer than the ticks */
		fmt_tick(buf, sizeof buf, (double)v->v0, step / 100);
		if (v->cur < 0 || v->cur >= (int)strlen(buf)) xe = tui_puts(w, ay, x0, W - x0, tui_attr(R_DIM), buf) + x0;
	}
	for (double tv = ceil((double)v->v0 / step) * step;; tv += step) {
		int c = (int)((tv - (double)v->v0) / v->scale + 0.5);
		if (c >= v->lw) break;
		fmt_tick(buf, sizeof buf, tv, step);
		int bw = (int)strlen(buf);
		if (x0 + c <= xe || x0 + c + bw > W || (v->cur >= c && v->cur < c + bw)) continue;   /* keep the marker clear */
		tui_puts(w, ay, x0 + c, bw, tui_attr(R_DIM), buf);
		xe = x0 + c + bw;
	}
	if (v->cur >= 0) tui_puts(w, ay, x0 + v->cur, 1, tui_attr(R_KEY), tui_glyph.up);
}

static void timeline_footer(tui *t, const trace *tr, int y, int foot, int legend_ok, int W)
{
	WINDOW *w = t->tl;
	tline l = { 0 };
	char *be = backend_str(tr);
	int bw = utf8_width(be, strlen(be));
	if (legend_ok) {   /* the runner's note where it leaves the backend its room */
		int blk = span_legend(tr), mk = trace_nmarks(tr) > 0, qs = trace_nqueues(tr) > 0;
		legend(&l, foot == 2 ? W - 2 - bw : W, has_runner(tr), blk, mk, qs, dask_legend(tr));
		if (foot == 2 && tline_width(&l) + 2 + bw > W) legend(&l, W, 0, blk, mk, qs, dask_legend(tr));
	} else tline_adds(&l, R_DIM, "- alive (states not captured)");
	int x = 0;
	for (size_t k = 0; k < l.nsp; k++)
		x += tui_put(w, y, x, W - x, tui_attr(l.sp[k].role), l.buf + l.sp[k].off, (size_t)l.sp[k].len);
	tline_free(&l);
	if (foot == 2 && x + 2 + bw <= W) tui_puts(w, y, W - bw, bw, tui_attr(R_DIM), be);
	else if (foot == 3) tui_puts_ell(w, y + 1, 0, W, tui_attr(R_DIM), be);
	free(be);
}

/* The lanes on screen: all of them, or when they do not fit, the CPU
 * and queue lanes (npin) pinned and the task lanes scrolled under them. */
static int visible_lanes(tui *t, int npin, int nl, int rows, int *vis, int *above, int *below)
{
	int nv = 0;
	*above = *below = 0;
	if (nl <= rows) {
		t->lane_top = 0;
		t->lane_page = rows;
		for (int li = 0; li < nl; li++) vis[nv++] = li;
		return nv;
	}
	int pin = rows - npin >= 2 ? npin : 0, trows = rows - pin, scrollable = nl - pin;
	if (t->lane_top > scrollable - trows) t->lane_top = scrollable - trows;
	if (t->lane_top < 0) t->lane_top = 0;
	for (int li = 0; li < pin; li++) vis[nv++] = li;
	for (int i = 0; i < trows; i++) vis[nv++] = pin + t->lane_top + i;
	t->lane_page = trows;
	*above = t->lane_top;
	*below = scrollable - trows - t->lane_top;
	return nv;
}

/* A lane's status text (CPU, queue or task) in at most smax columns; "" for none. */
static const char *lane_status(const tl_view *v, int li, int smax, char *buf, size_t cap, int *role)
{
	int r = R_DIM;
	int nd0 = v->nc + v->nq, t0 = nd0 + v->nd;
	const char *s = li < v->nc ? cpu_status(v, v->cpus[li], smax, buf, cap, &r)
		: li < nd0 ? queue_status(v, li - v->nc, buf, cap, &r)
		: li < t0 ? dlane_status(v, v->dl[li - nd0], buf, cap, &r)
		: task_status(v, v->order[li - t0], smax, buf, cap, &r);
	if (role) *role = r;
	return s;
}

/* The label column's widest: "pytho… 20719" below 50 columns, room for
 * "python3 20719" from 50, for a renamed worker's comm beside its name
 * from 70, and from 100 for the runner's "(starts the workers)". */
static int label_max(int W)
{
	return W < 50 ? 12 : W < 70 ? 14 : W < 100 ? 20 : 34;
}

/* How task lanes are named: threads indented under their process, the
 * runner's role said when the pane is wide. */
static int label_flags(int W)
{
	return VIEW_NAME_INDENT | (W >= 100 ? VIEW_NAME_ROLE : 0);
}

/* Label column width (the names of all the run's tasks, so that it stays
 * while lanes scroll), and the status column width (0: none). */
static void lane_columns(const tl_view *v, int W, const int *vis, int nv, int *labw, int *sw)
{
	char buf[48];
	int labmax = label_max(W), smax = status_max(W);
	*labw = 4;
	for (int i = 0; i < trace_ntasks(v->tr); i++) {
		int n = tui_task_name(v->tr, i, labmax, label_flags(W), buf, sizeof buf);
		if (n > *labw) *labw = n;
	}
	for (int q = 0; q < v->nq; q++) {
		const char *nm = trace_queue_name(v->tr, (size_t)q);
		int n = utf8_width(nm, strlen(nm));
		if (n > *labw) *labw = n > labmax ? labmax : n;
	}
	for (int d = 0; d < v->nd; d++) {   /* "dask 1234567.0" whole: its pid is what it says */
		trace_dlane_name(v->tr, (size_t)v->dl[d], buf, sizeof buf);
		int n = utf8_width(buf, strlen(buf)), most = labmax > 15 ? labmax : 15;
		if (n > *labw) *labw = n > most ? most : n;
	}
	*sw = 0;
	for (int i = 0; i < nv; i++) {
		lane_status(v, vis[i], smax, buf, sizeof buf, NULL);
		int n = utf8_width(buf, strlen(buf));
		if (n > smax) n = smax;
		if (n + 1 > *sw) *sw = n + 1;
	}
	if (W - *labw - 1 - *sw < 12) *sw = 0;
}

static void draw_lanes(tui *t, const tl_view *v, const int *vis, int nv, int labw, int sw, int W)
{
	WINDOW *w = t->tl;
	char buf[48];
	int x0 = labw + 1, role, nc = v->nc;
	int64_t *acc = xmalloc(sizeof(int64_t) * (size_t)v->lw * TS_NSTATES);
	cpu_cols cc = cpu_lanes_scan(v, v->cpus, nc);
	for (int i = 0; i < nv; i++) {
		int li = vis[i], y = 1 + i;
		if (li < nc) {
			snprintf(buf, sizeof buf, "CPU%d", v->cpus[li]);
			tui_puts(w, y, 0, labw, tui_attr(R_DIM), buf);
			size_t off = (size_t)li * (size_t)v->lw;
			draw_cpu_lane(t, v, cc.task + off, cc.lvl + off, y, x0);
		} else if (li < nc + v->nq) {
			tui_puts_ell(w, y, 0, labw, tui_attr(R_COORD) | A_BOLD, trace_queue_name(v->tr, (size_t)(li - nc)));
			draw_queue_lane(t, v, li - nc, y, x0);
		} else if (li < nc + v->nq + v->nd) {
			int l = v->dl[li - nc - v->nq];
			trace_dlane_name(v->tr, (size_t)l, buf, sizeof buf);
			tui_puts_ell(w, y, 0, labw, tui_attr(dlane_role(v->tr, l)) | A_BOLD, buf);
			draw_dask_lane(t, v, l, y, x0);
		} else {
			int task = v->order[li - nc - v->nq - v->nd];
			char lb[48];
			tui_task_name(v->tr, task, labw, label_flags(W), lb, sizeof lb);
			tui_puts(w, y, 0, labw, tui_attr(v->role[task]) | A_BOLD, lb);
			draw_task_lane(t, v, task, y, x0, acc);
		}
		if (!sw) continue;
		lane_status(v, li, status_max(W), buf, sizeof buf, &role);
		tui_puts_ell(w, y, W - sw + 1, sw - 1, tui_attr(role), buf);
	}
	free(acc);
	free(cc.task);
	free(cc.lvl);
}

void timeline_draw(tui *t)
{
	WINDOW *w = t->tl;
	if (!w) return;
	int H, W;
	getmaxyx(w, H, W);
	werase(w);
	trace *tr = t->tr;
	if (!tr) {
		timeline_empty(t, H, W);
		wnoutrefresh(w);
		return;
	}
	int64_t since;
	const char *prep = t->e && tr == engine_last_trace(t->e, NULL) ? engine_preparing(t->e, &since) : NULL;
	if (prep) {   /* the clock starts with the workers */
		timeline_preparing(t, tr, prep, loop_now_ns() - since, H, W);
		wnoutrefresh(w);
		return;
	}
	tl_view v = { .tr = tr, .at = -1 };
	v.now = tui_now(t, tr, &v.growing);
	v.known = v.growing && !tui_clocked(t) ? trace_last(tr) : v.now;
	if (t->view.cursor >= 0 && t->view.cursor <= v.now) v.at = t->view.cursor;

	/* Lanes: CPUs, then tasks (workers by id). */
	int cpus[64], *order;
	int nc = cpu_lanes(tr, cpus, 64), ntask = shown_tasks(tr, v.now, &order), observed = 0;
	for (int i = 0; i < trace_ntasks(tr) && !observed; i++) {
		size_t n;
		trace_slices(tr, i, &n);
		observed = n > 0;
	}
	if (!observed && trace_ntasks(tr)) nc = 0;   /* no capture: CPU lanes would claim "idle" */
	int *role = xmalloc(sizeof(int) * (size_t)(trace_ntasks(tr) + 1));
	tui_task_roles(tr, role);
	v.role = role;
	v.cpus = cpus;
	v.order = order;
	v.nc = nc;
	v.nq = (int)trace_nqueues(tr);
	int *dl;
	v.nd = shown_dlanes(tr, v.now, &dl);
	v.dl = dl;
	int nl = nc + v.nq + v.nd + ntask, foot = footer_rows(tr, W);
	if (H < 2 + foot) foot = H >= 4 ? 2 : 1;
	int rows = H - 1 - foot > 0 ? H - 1 - foot : 0, above, below;
	int *vis = xmalloc(sizeof(int) * (size_t)(rows + 1));
	int nv = visible_lanes(t, nc + v.nq + v.nd, nl, rows, vis, &above, &below);

	/* Columns: label | lanes | status. */
	int labw, sw;
	lane_columns(&v, W, vis, nv, &labw, &sw);
	v.lw = W - labw - 1 - sw;
	if (v.lw < 1) v.lw = 1;
	frame_window(t, &v);
	timeline_title(t, &v, W);
	draw_lanes(t, &v, vis, nv, labw, sw, W);
	free(order);
	free(role);
	free(dl);
	free(vis);
	if (!nl) tui_puts(w, 1, 1, W - 1, tui_attr(R_DIM), "starting...");

	int ay = 1 + rows;
	if (above || below) {   /* lanes out of sight: how many, and where */
		char more[32];
		snprintf(more, sizeof more, "%s%s%d", above ? tui_glyph.up : "", below ? tui_glyph.down : "", below ? below : above);
		tui_puts(w, ay, 0, labw, tui_attr(R_KEY), more);
	}
	timeline_axis(t, &v, ay, labw + 1, W);
	if (foot >= 2) timeline_footer(t, tr, ay + 1, foot, observed || !trace_ntasks(tr), W);
	wnoutrefresh(w);
}

void timeline_scroll(tui *t, int rows)
{
	t->lane_top += rows;
	if (t->lane_top < 0) t->lane_top = 0;
	t->dirty |= D_TL;   /* clamped when drawn */
}

/* ---- the view's calls, said on the status line ---------------------------------------- */

/* What a view call had to say goes to the status line; the lanes redraw. */
static int said(tui *t, int rc, const view_msg *m)
{
	if (m->level != VIEW_QUIET) tui_msg(t, m->level == VIEW_ERROR ? R_ERR : R_DIM, "%s", m->text);
	t->dirty |= D_TL;
	return rc;
}

int timeline_zoom(tui *t, double factor)
{
	view_shown s = tui_shown(t);
	view_msg m;
	return said(t, view_zoom(&t->view, &s, factor, &m), &m);
}

int timeline_zoom_span(tui *t, int64_t span)
{
	view_shown s = tui_shown(t);
	view_msg m;
	return said(t, view_zoom_span(&t->view, &s, span, &m), &m);
}

int timeline_pan(tui *t, int quarters)
{
	view_shown s = tui_shown(t);
	view_msg m;
	return said(t, view_pan(&t->view, &s, quarters, &m), &m);
}

/* What the tasks were waiting for and holding at the cursor, as the
 * status line says it ("at 120ms: w1: waiting for lock A, held by w0;
 * w0: holds lock A"; a stepped run's "w1: held at a step point, next:
 * read counter"), how full each queue was, and what each Dask lane
 * ran then ("dask 5857.0 getitem ('getitem-…', 2) 15.3ms"); 0 when none
 * of these is in the run. */
static int coord_at(const trace *tr, int64_t at, char *buf, size_t cap)
{
	char ts[24], d[160];
	size_t o = (size_t)snprintf(buf, cap, "at %s:", trace_fmt_ns(ts, sizeof ts, at));
	int n = 0;
	for (int kind = TRACE_SPAN_BLOCKED; kind < TRACE_SPAN_NKINDS; kind++)
		for (size_t i = 0; i < trace_nspans(tr) && o < cap; i++) {
			const trace_span *sp = trace_span_at(tr, i);
			int64_t t1 = sp->t1 >= 0 ? sp->t1 : trace_last(tr);
			if ((int)sp->kind != kind || at < sp->t0 || at >= t1) continue;
			const trace_task *k = trace_task_at(tr, sp->task);
			o += (size_t)snprintf(buf + o, cap - o, "%s %s: %s", n++ ? ";" : "", k ? trace_task_name(k) : "?",
					      trace_span_describe(tr, sp, d, sizeof d));
		}
	for (size_t q = 0; q < trace_nqueues(tr) && o < cap; q++) {
		int lo, hi, cq = trace_queue_capacity(tr, q), len = trace_queue_range(tr, q, at, at, &lo, &hi);
		o += (size_t)snprintf(buf + o, cap - o, "%s queue %s: %d of %d%s", n++ ? ";" : "", trace_queue_name(tr, q),
				      len, cq, len >= cq ? " (full)" : len == 0 ? " (empty)" : "");
	}
	int *dl, nd = shown_dlanes(tr, at, &dl);
	for (int i = 0; i < nd && o + 2 < cap; i++) {
		o += (size_t)snprintf(buf + o, cap - o, "%s ", n++ ? ";" : "");
		if (o < cap) o += (size_t)dlane_at_text(tr, dl[i], at, buf + o, cap - o);
	}
	free(dl);
	return n;
}

int timeline_cursor(tui *t, int64_t at)
{
	view_shown s = tui_shown(t);
	view_msg m;
	int rc = said(t, view_cursor(&t->view, &s, at, &m), &m);
	char buf[512];
	if (rc == 0 && at >= 0 && t->tr && m.level != VIEW_ERROR && coord_at(t->tr, at, buf, sizeof buf))
		tui_msg(t, R_TEXT, "%s", buf);
	return rc;
}

int timeline_cursor_step(tui *t, int cols)
{
	view_shown s = tui_shown(t);
	view_msg m;
	return said(t, view_cursor_step(&t->view, &s, cols, &m), &m);
}

double timeline_col_ns(tui *t)
{
	view_shown s = tui_shown(t);
	return view_col_ns(&t->view, &s);
}
