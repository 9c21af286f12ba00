/*
 * tui_trace.c: the two panes that read a run's trace.
 *
 * Timeline: time runs left to right and the whole run is fitted to the
 * pane's width (while the run is live the scale grows in steps, so lanes
 * stretch rather than crawl). Each column stands for a slice of time; a
 * task lane shows the state that task spent most of that slice in (so at
 * any column no more lanes show running than there are CPUs, give or take
 * sampling) and a CPU lane shows the task that ran there longest, as a bar
 * as high as the CPU was busy with the run. Runs of one task in a CPU lane carry its
 * label, so the picture reads without colour too. Zoomed in, the lanes show
 * a window of the run that pans; a cursor column makes each lane's status
 * column say what it was doing at that instant.
 *
 * Output: the trace's lines in arrival order, "12.3ms w1 Worker: 1", each
 * label in its worker's lane colour, wrapped to the pane; it follows the
 * tail unless scrolled.
 *
 * Both panes draw what happened before one instant, tui_now(): the live
 * now, the end, or a replay's clock. Replay is a trace with a slower clock.
 */
#include "ui/tui_int.h"
#include "util/xmalloc.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>

const char *tui_status_str(char *buf, size_t cap, int st)
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

/* The task a task hangs under: a thread under its process's main thread,
 * a process under its parent. -1 for none in the trace. */
static int parent_of(const trace *tr, int i)
{
	const trace_task *k = trace_task_at(tr, i);
	pid_t want = k->is_thread ? k->pid : k->ppid;
	if (want <= 0 || want == k->tid) return -1;
	for (int j = 0; j < trace_ntasks(tr); j++)
		if (j != i && trace_task_at(tr, j)->tid == want) return j;
	return -1;
}

static void tree_add(const trace *tr, int i, const int *par, char *seen, int *o, int *n)
{
	seen[i] = 1;
	o[(*n)++] = i;
	for (int j = 0; j < trace_ntasks(tr); j++)
		if (!seen[j] && par[j] == i) tree_add(tr, j, par, seen, o, n);
}

/* Lane order: each worker by id with everything it started (threads and
 * children) under it, then the other tasks (the runner and its helpers) as
 * a tree in order of discovery. */
int *lane_order(const trace *tr)
{
	int n = trace_ntasks(tr), k = 0;
	int *o = xmalloc(sizeof(int) * (size_t)(n ? n : 1));
	int *par = xmalloc(sizeof(int) * (size_t)(n ? n : 1));
	char *seen = xcalloc((size_t)(n ? n : 1), 1);
	for (int i = 0; i < n; i++) par[i] = parent_of(tr, i);
	for (int w = 0; k < n; w++) {   /* workers by id */
		int found = 0;
		for (int i = 0; i < n; i++) {
			int wi = trace_task_at(tr, i)->worker;
			if (wi > w) found = 1;
			if (wi == w && !seen[i]) tree_add(tr, i, par, seen, o, &k);
		}
		if (!found) break;
	}
	for (int i = 0; i < n; i++)   /* the rest, roots first */
		if (!seen[i] && par[i] < 0) tree_add(tr, i, par, seen, o, &k);
	for (int i = 0; i < n; i++)   /* cycles (recycled ids): as found */
		if (!seen[i]) { seen[i] = 1; o[k++] = i; }
	free(par);
	free(seen);
	return o;
}

static void legend(tline *l)
{
	line_adds(l, R_WORKER, G.run);
	line_adds(l, R_DIM, "run ");
	line_adds(l, R_WORKER, G.wait);
	line_adds(l, R_DIM, "wait ");
	line_adds(l, R_DIM, G.sleep);
	line_adds(l, R_DIM, "sleep ");
	line_adds(l, R_ERR, G.blocked);
	line_adds(l, R_DIM, "I/O ");
	line_adds(l, R_IDLE, G.idle);
	line_adds(l, R_DIM, "idle/other");
}

static char *backend_str(const trace *tr)
{
	return xasprintf("capture: %s", trace_backend(tr));
}

/* Rows under the lanes: the axis, the legend, and the capture backend on a
 * row of its own when it does not fit beside the legend. */
static int footer_rows(const trace *tr, int W)
{
	if (!tr) return 2;
	tline l = { 0 };
	legend(&l);
	char *be = backend_str(tr);
	int need = line_width(&l) + 2 + u8_width(be, strlen(be));
	line_free(&l);
	free(be);
	return need > W ? 3 : 2;
}

/* ---- the instant shown --------------------------------------------------------- */

int64_t tui_now(tui *t, const trace *tr, int *growing)
{
	int64_t last = trace_last(tr), now;
	int g;
	if (t->clock >= 0 && !t->replay) {   /* paused live: the instant of the pause */
		int64_t end = trace_end(tr);
		now = end >= 0 && end < t->clock ? end : t->clock;
		g = end < 0 || now < end;
	} else if (t->clock >= 0) {   /* a replay: its clock, up to the end */
		now = t->clock < last ? t->clock : last;
		g = t->clock < last;
	} else {
		g = trace_end(tr) < 0;
		now = g ? trace_rel(tr, loop_now_ns()) : trace_end(tr);
		if (now < last) now = last;
	}
	if (growing) *growing = g;
	return now > 0 ? now : 0;
}

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
	int *o = lane_order(tr), n = 0;
	for (int i = 0; i < trace_ntasks(tr); i++)
		if (task_appears(tr, o[i]) <= now) o[n++] = o[i];
	*out = o;
	return n;
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
	return 1 + cpu_lanes(t->tr, cpus, 64) + n + footer_rows(t->tr, W);
}

/* A "nice" span at least v: 1, 1.5, 2, 3, 4, 5, 6, 8 times a power of ten. */
static double nice_ceil(double v)
{
	static const double m[] = { 1, 1.5, 2, 3, 4, 5, 6, 8, 10 };
	double p = pow(10, floor(log10(v)));
	for (size_t i = 0; i < sizeof m / sizeof *m; i++)
		if (m[i] * p >= v) return m[i] * p;
	return 10 * p;
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
	case TS_RUNNING: return G.run;
	case TS_RUNNABLE: return G.wait;
	case TS_SLEEPING: return G.sleep;
	case TS_BLOCKED: return G.blocked;
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
} tl_view;

/* The time window: the whole run (while it grows, a span that grows in
 * steps, so lanes stretch rather than crawl), or the zoomed window, kept
 * inside the run. Remembers it for the keys that move by columns. */
static void view_window(tui *t, tl_view *v)
{
	double now = (double)(v->now > 0 ? v->now : 1);
	double span = v->growing ? nice_ceil(now * 1.1) : now;
	if (span < 1e6) span = v->growing ? 1e7 : 1e6;
	t->tl_fit = span;
	t->tl_lw = v->lw;
	v->v0 = 0;
	if (t->vspan > 0 && (double)t->vspan < span) {
		int64_t hi = v->now > t->vspan ? v->now - t->vspan : 0;
		if (t->view0 > hi) t->view0 = hi;
		if (t->view0 < 0) t->view0 = 0;
		v->v0 = t->view0;
		span = (double)t->vspan;
		v->zoomed = 1;
	}
	v->scale = span / v->lw;
	v->cur = -1;
	if (v->at >= 0) {
		double c = (double)(v->at - v->v0) / v->scale;
		if (c >= 0 && c < v->lw) v->cur = (int)c;
	}
}

/* Adds the overlap of [a, b) (cut at now and to the window) with each
 * column to acc[col * stride + k]. */
static void spread(int64_t *acc, int stride, int k, const tl_view *v, int64_t a, int64_t b)
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
		if (hi > lo) acc[c * stride + k] += (int64_t)(hi - lo);
	}
}

/* The cursor's column shows in reverse video on every lane. */
static attr_t at_cur(const tl_view *v, int c, attr_t a)
{
	return c == v->cur ? a ^ A_REVERSE : a;
}

static void draw_task_lane(tui *t, const tl_view *v, int task, int y, int x0, int64_t *acc)
{
	WINDOW *w = t->tl;
	const trace *tr = v->tr;
	const trace_task *k = trace_task_at(tr, task);
	int role = tui_task_role(k, task), lw = v->lw;
	memset(acc, 0, sizeof(int64_t) * (size_t)lw * TS_NSTATES);
	size_t n;
	const trace_slice *s = trace_slices(tr, task, &n);
	for (size_t i = 0; i < n && s[i].t0 < v->now; i++) spread(acc, TS_NSTATES, s[i].state, v, s[i].t0, s[i].t1);
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
		int r = best == TS_SLEEPING ? R_DIM : best == TS_BLOCKED ? R_ERR : role;
		tui_puts(w, -1, 0, 1, at_cur(v, c, tui_attr(r)), state_glyph(best));
	}
}

/* The CPU lanes of one frame, computed in one pass over the slices: per
 * lane and column, the task that ran there longest (-1 none) and a bar
 * height 0..8 for the share of the column the CPU spent on the run. */
typedef struct {
	int *task;
	unsigned char *lvl;
} cpu_cols;

/* Adds task i's running time per CPU lane and column into tmp, then folds
 * it into the totals and the per-cell longest runner. */
static void cpu_scan_task(const tl_view *v, int i, const int *lane_of, int nc, int64_t *tmp, int64_t *best,
			  int64_t *tot, int *task)
{
	size_t n;
	const trace_slice *s = trace_slices(v->tr, i, &n);
	uint64_t touched = 0;
	for (size_t j = 0; j < n && s[j].t0 < v->now; j++) {
		if (s[j].state != TS_RUNNING || s[j].cpu < 0 || s[j].cpu >= 64 || lane_of[s[j].cpu] < 0) continue;
		int l = lane_of[s[j].cpu];
		spread(tmp + (size_t)l * (size_t)v->lw, 1, 0, v, s[j].t0, s[j].t1);
		touched |= 1ULL << l;
	}
	for (int l = 0; l < nc; l++) {
		if (!(touched >> l & 1)) continue;
		for (int c = 0; c < v->lw; c++) {
			size_t k = (size_t)l * (size_t)v->lw + (size_t)c;
			tot[k] += tmp[k];
			if (tmp[k] > best[k]) { best[k] = tmp[k]; task[k] = i; }
			tmp[k] = 0;
		}
	}
}

static cpu_cols cpu_lanes_scan(const tl_view *v, const int *cpus, int nc)
{
	size_t cells = (size_t)(nc ? nc : 1) * (size_t)v->lw;
	cpu_cols cc = { xmalloc(sizeof(int) * cells), xcalloc(cells, 1) };
	int64_t *best = xcalloc(cells, sizeof(int64_t)), *tot = xcalloc(cells, sizeof(int64_t));
	int64_t *tmp = xcalloc(cells, sizeof(int64_t));
	int lane_of[64];
	for (int c = 0; c < 64; c++) lane_of[c] = -1;
	for (int l = 0; l < nc; l++)
		if (cpus[l] >= 0 && cpus[l] < 64) lane_of[cpus[l]] = l;
	for (size_t i = 0; i < cells; i++) cc.task[i] = -1;
	for (int i = 0; i < trace_ntasks(v->tr); i++) cpu_scan_task(v, i, lane_of, nc, tmp, best, tot, cc.task);
	for (size_t k = 0; k < cells; k++) {
		double occ = v->scale > 0 ? (double)tot[k] / v->scale : 0;
		int h = (int)ceil(occ * 8 - 0.01);
		cc.lvl[k] = (unsigned char)(cc.task[k] < 0 ? 0 : h < 1 ? 1 : h > 8 ? 8 : h);
	}
	free(best);
	free(tot);
	free(tmp);
	return cc;
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
		if (task < 0) {   /* idle, as far as the capture has looked */
			for (; c < e; c++)
				tui_puts(w, -1, 0, 1, at_cur(v, c, tui_attr(R_IDLE)),
					 v->v0 + c * v->scale < v->known ? G.level[0] : " ");
			continue;
		}
		const trace_task *k = trace_task_at(v->tr, task);
		attr_t a = tui_attr(tui_task_role(k, task));
		int len = e - c, lab = (int)strlen(k->label);
		int pre = full && len >= lab + 2 ? (len - lab) / 2 : len;
		for (int i = 0; i < len; i++) {
			if (i == pre) {   /* the label, one cell at a time: the cursor may cross it */
				for (int j = 0; j < lab; j++)
					tui_put(w, -1, 0, 1, at_cur(v, c + i + j, a | A_REVERSE | A_BOLD), k->label + j, 1);
				i += lab - 1;
				continue;
			}
			tui_puts(w, -1, 0, 1, at_cur(v, c + i, a), G.level[lvl[c + i]]);
		}
		c = e;
	}
}

/* ---- the status column ------------------------------------------------------------ */

/* The end of a task lane. At the cursor: what the task was doing then
 * ("cpu1", "wait", "sleep", "I/O", "exit 0"). Otherwise its end ("exit 0",
 * "SIGSEGV", "done") or, while the picture grows, its latest state. */
static const char *task_status(const tl_view *v, int task, char *buf, size_t cap, int *role)
{
	const trace_task *k = trace_task_at(v->tr, task);
	int64_t at = v->at >= 0 ? v->at : v->now;
	int r = R_DIM, cpu = -1;
	buf[0] = '\0';
	if (k->died >= 0 && k->died <= at) {
		if (k->exit_status >= 0) {
			tui_status_str(buf, cap, k->exit_status);
			if (!WIFEXITED(k->exit_status) || WEXITSTATUS(k->exit_status)) r = R_ERR;
		} else snprintf(buf, cap, "done");
	} else if (v->at >= 0) {   /* exactly at the cursor */
		trace_state st = task_appears(v->tr, task) > at ? TS_UNKNOWN : trace_state_at(v->tr, task, at, &cpu);
		state_word(buf, cap, st, cpu);
		r = st == TS_UNKNOWN ? R_DIM : R_TEXT;
	} else if (v->growing) {   /* the latest state the capture saw before now */
		size_t n, i = 0;
		const trace_slice *s = trace_slices(v->tr, task, &n);
		while (i < n && s[i].t0 < v->now) i++;
		if (i) state_word(buf, cap, s[i - 1].state, s[i - 1].cpu);
		r = R_TEXT;
	}
	if (role) *role = r;
	return buf;
}

/* The end of a CPU lane at the cursor: the task that ran there then. */
static const char *cpu_status(const tl_view *v, int cpu, char *buf, size_t cap, int *role)
{
	buf[0] = '\0';
	if (v->at < 0) return buf;
	*role = R_DIM;
	snprintf(buf, cap, "idle");
	for (int i = 0; i < trace_ntasks(v->tr); i++) {
		int c;
		if (trace_state_at(v->tr, i, v->at, &c) == TS_RUNNING && c == cpu) {
			const trace_task *k = trace_task_at(v->tr, i);
			snprintf(buf, cap, "%s", k->label);
			*role = tui_task_role(k, i);
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
	char *mid = xasprintf(" %s %s%s", G.hline, old ? "last run: " : "", trace_title(v->tr));
	trace_fmt_ns(dur, sizeof dur, v->now);
	double zoom = (double)v->now / (v->scale * v->lw);
	int role = v->growing ? R_OK : R_DIM;
	if (v->at >= 0) {
		snprintf(right, sizeof right, " at %s", trace_fmt_ns(at, sizeof at, v->at));
		role = R_KEY;
	} else if (view_paused(t)) {
		snprintf(right, sizeof right, " || paused at %s", dur);
		role = R_HINT;
	} else if (v->zoomed) {
		snprintf(right, sizeof right, " zoom %.*fx %s", zoom < 10 ? 1 : 0, zoom, dur);
	} else if (v->growing && t->clock < 0) snprintf(right, sizeof right, " live %s", dur);
	else snprintf(right, sizeof right, " %s", dur);
	int rw = u8_width(right, strlen(right));
	int room = W - x - rw - 1, mw = u8_width(mid, strlen(mid));
	if (mw > room && room > 1) {
		x += tui_put(w, 0, x, room - 1, tui_attr(R_DIM), mid, u8_fit(mid, strlen(mid), room - 1));
		x += tui_puts(w, 0, x, 1, tui_attr(R_DIM), G.ellipsis);
	} else {
		x += tui_puts(w, 0, x, room, tui_attr(R_DIM), mid);
	}
	free(mid);
	tui_fill(w, 0, x, W - x - rw, tui_attr(R_TEXT), " ");
	tui_puts(w, 0, W - rw, rw, tui_attr(role), right);
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
	doc_para(&d, R_DIM, msg, strlen(msg), NULL, NULL, R_DIM);
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
	if (v->cur >= 0) tui_puts(w, ay, x0 + v->cur, 1, tui_attr(R_KEY), G.up);
}

static void timeline_footer(tui *t, const trace *tr, int y, int foot, int legend_ok, int W)
{
	WINDOW *w = t->tl;
	tline l = { 0 };
	if (legend_ok) legend(&l);
	else line_adds(&l, R_DIM, "- alive (states not captured)");
	int x = 0;
	for (size_t k = 0; k < l.nsp; k++)
		x += tui_put(w, y, x, W - x, tui_attr(l.sp[k].role), l.buf + l.sp[k].off, (size_t)l.sp[k].len);
	line_free(&l);
	char *be = backend_str(tr);
	int bw = u8_width(be, strlen(be));
	if (foot == 2 && x + 2 + bw <= W) tui_puts(w, y, W - bw, bw, tui_attr(R_DIM), be);
	else if (foot == 3) tui_puts_ell(w, y + 1, 0, W, tui_attr(R_DIM), be);
	free(be);
}

/* The lanes on screen: all of them, or when they do not fit, the CPU
 * lanes pinned and the task lanes scrolled under them. */
static int visible_lanes(tui *t, int nc, int nl, int rows, int *vis, int *above, int *below)
{
	int nv = 0;
	*above = *below = 0;
	if (nl <= rows) {
		t->lane_top = 0;
		t->lane_page = rows;
		for (int li = 0; li < nl; li++) vis[nv++] = li;
		return nv;
	}
	int pin = rows - nc >= 2 ? nc : 0, trows = rows - pin, scrollable = nl - pin;
	if (t->lane_top > scrollable - trows) t->lane_top = scrollable - trows;
	if (t->lane_top < 0) t->lane_top = 0;
	for (int li = 0; li < pin; li++) vis[nv++] = li;
	for (int i = 0; i < trows; i++) vis[nv++] = pin + t->lane_top + i;
	t->lane_page = trows;
	*above = t->lane_top;
	*below = scrollable - trows - t->lane_top;
	return nv;
}

/* A lane's status text (task or CPU); "" for none. */
static const char *lane_status(const tl_view *v, int li, int nc, const int *cpus, const int *order, char *buf,
			       size_t cap, int *role)
{
	int r = R_DIM;
	const char *s = li < nc ? cpu_status(v, cpus[li], buf, cap, &r) : task_status(v, order[li - nc], buf, cap, &r);
	if (role) *role = r;
	return s;
}

/* Label column width, and the status column width (0: none). */
static void lane_columns(const tl_view *v, int W, int nc, const int *cpus, const int *order, const int *vis, int nv,
			 int *labw, int *sw)
{
	char buf[48];
	int labmax = W < 50 ? 7 : 10;
	*labw = 4;
	for (int i = 0; i < trace_ntasks(v->tr); i++) {
		int n = (int)strlen(trace_task_at(v->tr, i)->label);
		if (n > *labw) *labw = n;
	}
	if (*labw > labmax) *labw = labmax;
	*sw = 0;
	for (int i = 0; i < nv; i++) {
		lane_status(v, vis[i], nc, cpus, order, buf, sizeof buf, NULL);
		int n = u8_width(buf, strlen(buf));
		if (n > 10) n = 10;
		if (n + 1 > *sw) *sw = n + 1;
	}
	if (W - *labw - 1 - *sw < 12) *sw = 0;
}

static void draw_lanes(tui *t, const tl_view *v, const int *vis, int nv, int nc, const int *cpus, const int *order,
		       int labw, int sw, int W)
{
	WINDOW *w = t->tl;
	char buf[48];
	int x0 = labw + 1, role;
	int64_t *acc = xmalloc(sizeof(int64_t) * (size_t)v->lw * TS_NSTATES);
	cpu_cols cc = cpu_lanes_scan(v, cpus, nc);
	for (int i = 0; i < nv; i++) {
		int li = vis[i], y = 1 + i;
		if (li < nc) {
			snprintf(buf, sizeof buf, "CPU%d", cpus[li]);
			tui_puts(w, y, 0, labw, tui_attr(R_DIM), buf);
			size_t off = (size_t)li * (size_t)v->lw;
			draw_cpu_lane(t, v, cc.task + off, cc.lvl + off, y, x0);
		} else {
			int task = order[li - nc];
			const trace_task *k = trace_task_at(v->tr, task);
			tui_puts_ell(w, y, 0, labw, tui_attr(tui_task_role(k, task)) | A_BOLD, k->label);
			draw_task_lane(t, v, task, y, x0, acc);
		}
		if (!sw) continue;
		lane_status(v, li, nc, cpus, order, buf, sizeof buf, &role);
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
	tl_view v = { .tr = tr, .at = -1 };
	v.now = tui_now(t, tr, &v.growing);
	t->tl_now = v.now;
	v.known = v.growing && t->clock < 0 ? trace_last(tr) : v.now;
	if (t->cursor >= 0 && t->cursor <= v.now) v.at = t->cursor;

	/* Lanes: CPUs, then tasks (workers by id). */
	int cpus[64], *order;
	int nc = cpu_lanes(tr, cpus, 64), ntask = shown_tasks(tr, v.now, &order), observed = 0;
	for (int i = 0; i < trace_ntasks(tr) && !observed; i++) {
		size_t n;
		trace_slices(tr, i, &n);
		observed = n > 0;
	}
	if (!observed && trace_ntasks(tr)) nc = 0;   /* no capture: CPU lanes would claim "idle" */
	int nl = nc + ntask, foot = footer_rows(tr, W);
	if (H < 2 + foot) foot = H >= 4 ? 2 : 1;
	int rows = H - 1 - foot > 0 ? H - 1 - foot : 0, above, below;
	int *vis = xmalloc(sizeof(int) * (size_t)(rows + 1));
	int nv = visible_lanes(t, nc, nl, rows, vis, &above, &below);

	/* Columns: label | lanes | status. */
	int labw, sw;
	lane_columns(&v, W, nc, cpus, order, vis, nv, &labw, &sw);
	v.lw = W - labw - 1 - sw;
	if (v.lw < 1) v.lw = 1;
	view_window(t, &v);
	timeline_title(t, &v, W);
	draw_lanes(t, &v, vis, nv, nc, cpus, order, labw, sw, W);
	free(order);
	free(vis);
	if (!nl) tui_puts(w, 1, 1, W - 1, tui_attr(R_DIM), "starting...");

	int ay = 1 + rows;
	if (above || below) {   /* lanes out of sight: how many, and where */
		char more[32];
		snprintf(more, sizeof more, "%s%s%d", above ? G.up : "", below ? G.down : "", below ? below : above);
		tui_puts(w, ay, 0, labw, tui_attr(R_KEY), more);
	}
	timeline_axis(t, &v, ay, labw + 1, W);
	if (foot >= 2) timeline_footer(t, tr, ay + 1, foot, observed || !trace_ntasks(tr), W);
	wnoutrefresh(w);
}

void lanes_scroll(tui *t, int rows)
{
	t->lane_top += rows;
	if (t->lane_top < 0) t->lane_top = 0;
	t->dirty |= D_TL;   /* clamped when drawn */
}

/* ---- zoom, pan, cursor ------------------------------------------------------------- */

void view_reset(tui *t)
{
	t->vspan = t->view0 = 0;
	t->cursor = -1;
	t->tl_fit = 0;
	t->tl_lw = 0;
}

/* ---- the live pause ----------------------------------------------------------------
 * A paused live view is a replay clock that stands still: tui_now gives
 * the instant of the pause, so both panes keep that picture while the
 * trace grows underneath. */

int view_paused(const tui *t)
{
	return !t->replay && t->clock >= 0;
}

int view_pause(tui *t)
{
	char b[24];
	if (view_paused(t)) {
		tui_msg(t, R_DIM, "Paused already, at %s: resume goes back to live.", trace_fmt_ns(b, sizeof b, t->clock));
		return -1;
	}
	if (!t->tr) {
		tui_msg(t, R_DIM, "Nothing to pause: no run is shown. Type run to start one, then pause.");
		return -1;
	}
	int growing;
	int64_t now = tui_now(t, t->tr, &growing);
	if (!growing) {
		tui_msg(t, R_DIM, "Nothing to pause: the run shown has ended (zoom in or at TIME look closer).");
		return -1;
	}
	t->clock = now;
	t->dirty |= D_HDR | D_TL | D_OUT | D_STATUS;
	return 0;
}

void view_live(tui *t)
{
	if (!view_paused(t)) return;
	t->clock = -1;
	t->dirty |= D_HDR | D_TL | D_OUT | D_STATUS;
}

/* The window the next frame draws: the zoomed one kept inside the run, or
 * the whole run. From the requested state, not the last frame, so that
 * commands typed in one go add up. */
static void window(tui *t, int64_t *v0, double *span)
{
	int64_t total = tui_now(t, t->tr, NULL);
	*v0 = 0;
	*span = t->tl_fit > 0 ? t->tl_fit : (double)(total > 0 ? total : 1);
	if (t->vspan > 0 && (double)t->vspan < *span) {
		int64_t hi = total > t->vspan ? total - t->vspan : 0;
		*v0 = t->view0 < 0 ? 0 : t->view0 > hi ? hi : t->view0;
		*span = (double)t->vspan;
	}
}

double view_col_ns(tui *t)
{
	int64_t v0;
	double span;
	if (!t->tr || t->tl_lw <= 0) return 0;
	window(t, &v0, &span);
	return span / t->tl_lw;
}

static int need_frame(tui *t)
{
	if (t->tr && t->tl_lw > 0) return 0;
	tui_msg(t, R_DIM, "Nothing on the timeline yet: type run first.");
	return -1;
}

int view_zoom_span(tui *t, int64_t span)
{
	if (need_frame(t) < 0) return -1;
	int64_t total = tui_now(t, t->tr, NULL), min = (int64_t)t->tl_lw * 1000;   /* 1us a column */
	int64_t v0;
	double old;
	window(t, &v0, &old);
	if (span >= total) {
		if (!t->vspan) tui_msg(t, R_DIM, "The whole run is in view already.");
		t->vspan = t->view0 = 0;
		t->dirty |= D_TL;
		return 0;
	}
	if (span < min) {
		if (t->vspan == min) { tui_msg(t, R_DIM, "That is as close as it goes: 1us a column."); return -1; }
		span = min;
	}
	/* The cursor (else the middle) stays where it is on the screen. */
	int64_t anchor = t->cursor >= v0 && t->cursor < v0 + old ? t->cursor : v0 + (int64_t)(old / 2);
	double frac = (double)(anchor - v0) / old;
	t->view0 = anchor - (int64_t)(frac * (double)span);
	if (t->view0 < 0) t->view0 = 0;
	t->vspan = span;
	t->dirty |= D_TL;
	return 0;
}

int view_zoom(tui *t, double factor)
{
	if (need_frame(t) < 0) return -1;
	if (factor <= 0) {
		t->vspan = t->view0 = 0;
		t->dirty |= D_TL;
		return 0;
	}
	int64_t v0;
	double span;
	window(t, &v0, &span);
	return view_zoom_span(t, (int64_t)(span / factor));
}

int view_pan(tui *t, int quarters)
{
	if (need_frame(t) < 0) return -1;
	if (!t->vspan) { tui_msg(t, R_DIM, "The whole run is in view: zoom in first (zoom in, F10, Alt-=)."); return -1; }
	int64_t total = tui_now(t, t->tr, NULL), hi = total > t->vspan ? total - t->vspan : 0, v0;
	double span;
	window(t, &v0, &span);
	int64_t to = v0 + quarters * (t->vspan / 4);
	if (to < t->vspan / 64) to = 0;   /* rounding: the start is the start */
	if (to > hi) to = hi;
	if (to == v0) tui_msg(t, R_DIM, quarters < 0 ? "This is the start of the run." : "This is the end of the run.");
	t->view0 = to;
	t->dirty |= D_TL;
	return 0;
}

/* Zoomed in and the cursor out of the window: centre the window on it. */
static void follow_cursor(tui *t)
{
	int64_t v0;
	double span;
	window(t, &v0, &span);
	if (t->vspan && (t->cursor < v0 || (double)t->cursor >= (double)v0 + span)) {
		t->view0 = t->cursor - t->vspan / 2;
		if (t->view0 < 0) t->view0 = 0;
	}
}

int view_cursor(tui *t, int64_t at)
{
	t->dirty |= D_TL;
	if (at < 0) { t->cursor = -1; return 0; }
	if (need_frame(t) < 0) return -1;
	char a[24], b[24];
	int64_t total = tui_now(t, t->tr, NULL);
	if (at > total) {
		tui_msg(t, R_ERR, "%s is past %s: the timeline ends there%s.", trace_fmt_ns(a, sizeof a, at),
			trace_fmt_ns(b, sizeof b, total), t->clock >= 0 ? " so far" : "");
		return -1;
	}
	t->cursor = at;
	follow_cursor(t);
	return 0;
}

int view_cursor_step(tui *t, int cols)
{
	if (need_frame(t) < 0) return -1;
	int64_t total = tui_now(t, t->tr, NULL), v0;
	double span, scale, col;
	window(t, &v0, &span);
	scale = span / t->tl_lw;
	if (t->cursor < 0 || t->cursor > total) col = t->tl_lw / 2;   /* it starts in the middle */
	else col = floor((double)(t->cursor - v0) / scale) + cols;
	int64_t at = v0 + (int64_t)((col + 0.5) * scale);
	t->cursor = at < 0 ? 0 : at > total ? total : at;
	follow_cursor(t);
	t->dirty |= D_TL;
	return 0;
}

int tui_parse_ns(const char *s, int64_t *ns)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || !isfinite(v) || v < 0) return -1;
	while (*end == ' ') end++;
	double mul = 1e6;   /* bare numbers are milliseconds */
	if (!strcasecmp(end, "s")) mul = 1e9;
	else if (!strcasecmp(end, "ms") || !*end) mul = 1e6;
	else if (!strcasecmp(end, "us") || !strcmp(end, "µs")) mul = 1e3;
	else if (!strcasecmp(end, "ns")) mul = 1;
	else return -1;
	if (v * mul > 1e18) return -1;
	*ns = (int64_t)(v * mul + 0.5);
	return 0;
}

/* ---- output ------------------------------------------------------------------------ */

size_t output_count(tui *t, const trace *tr)
{
	size_t n = trace_nlines(tr);
	if (t->clock < 0) return n;
	int64_t now = tui_now(t, tr, NULL);
	size_t lo = 0, hi = n;
	while (lo < hi) {   /* lines are in arrival order: the first one after now */
		size_t mid = (lo + hi) / 2;
		if (trace_line_at(tr, mid)->t <= now) lo = mid + 1; else hi = mid;
	}
	return lo;
}

int trace_failed(const trace *tr)
{
	for (int i = 0; i < trace_ntasks(tr); i++) {
		int st = trace_task_at(tr, i)->exit_status;
		if (st >= 0 && (!WIFEXITED(st) || WEXITSTATUS(st))) return 1;
	}
	return 0;
}

typedef struct {
	int tw, labw, W;
} out_fmt;

/* One output line as a styled logical line plus its continuation prefix. */
static void out_line(tui *t, const trace *tr, size_t i, const out_fmt *f, tline *src, tline *pre2)
{
	(void)t;
	const trace_line *l = trace_line_at(tr, i);
	char ts[24];
	line_clear(src);
	line_clear(pre2);
	trace_fmt_ns(ts, sizeof ts, l->t);
	line_addf(src, R_DIM, "%*s ", f->tw, ts);
	const trace_task *k = l->task >= 0 ? trace_task_at(tr, l->task) : NULL;
	int indent = f->tw + 1;
	if (!k || l->stream == 0) {
		line_adds(src, R_PARLAB, G.says);
		line_adds(src, R_PARLAB, " ");
		line_adds(src, R_PARLAB, l->text);
		indent += 2;
	} else {
		char lab[32];
		snprintf(lab, sizeof lab, "%-*.*s ", f->labw, f->labw, k->label);
		line_adds(src, tui_task_role(k, l->task), lab);
		indent += f->labw + 1;
		if (l->stream == 2) {
			line_adds(src, R_ERR, "! ");
			indent += 2;
		}
		line_adds(src, l->stream == 2 ? R_ERR : R_TEXT, l->text);
	}
	if (indent > f->W / 2) indent = 2;
	for (int s = 0; s < indent; s++) line_adds(pre2, R_TEXT, " ");
}

static int out_rows(tui *t, const trace *tr, size_t i, const out_fmt *f, tline *src, tline *pre2)
{
	out_line(t, tr, i, f, src, pre2);
	if (line_width(src) <= f->W) return 1;
	tdoc d;
	doc_init(&d, f->W);
	doc_flow(&d, src, NULL, pre2, 1);
	int n = (int)d.n;
	doc_free(&d);
	return n;
}

void output_draw(tui *t)
{
	WINDOW *w = t->out;
	if (!w) return;
	int H, W;
	getmaxyx(w, H, W);
	t->out_page = H;
	werase(w);
	trace *tr = t->tr;
	size_t n = tr ? output_count(t, tr) : 0;
	int growing = 1;
	if (tr) tui_now(t, tr, &growing);
	int ended = tr && !growing && trace_end(tr) >= 0;   /* the outcome shows */
	int drops = tr && trace_ndropped(tr) && (t->clock < 0 || ended);
	char info[128] = "";

	if (!tr) {
		const char *msg = "Output of a run shows here as it arrives: the time, the task that wrote it, the line.";
		tdoc d;
		doc_init(&d, W - 2);
		doc_para(&d, R_DIM, msg, strlen(msg), NULL, NULL, R_DIM);
		for (size_t i = 0; i < d.n && (int)i + 1 < H; i++) {
			const tline *l = &d.v[i];
			int x = 1;
			for (size_t k = 0; k < l->nsp; k++)
				x += tui_put(w, 1 + (int)i, x, W - x, tui_attr(l->sp[k].role), l->buf + l->sp[k].off,
					     (size_t)l->sp[k].len);
		}
		doc_free(&d);
	} else {
		out_fmt f = { 5, 2, W };
		char ts[24];
		trace_fmt_ns(ts, sizeof ts, n ? trace_line_at(tr, n - 1)->t : 0);
		if ((int)strlen(ts) > f.tw) f.tw = (int)strlen(ts);
		if (ended) {
			trace_fmt_ns(ts, sizeof ts, trace_end(tr));
			if ((int)strlen(ts) > f.tw) f.tw = (int)strlen(ts);
		}
		for (int i = 0; i < trace_ntasks(tr); i++) {   /* only workers write output */
			const trace_task *k = trace_task_at(tr, i);
			int lw_ = (int)strlen(k->label);
			if (k->worker >= 0 && lw_ > f.labw) f.labw = lw_;
		}
		if (f.labw > 10) f.labw = 10;
		if (t->out_anchor >= (long)n) t->out_anchor = -1;
		long end = t->out_anchor < 0 ? (long)n - 1 : t->out_anchor;
		int follow = t->out_anchor < 0;
		tdoc d;
		doc_init(&d, W);
		tline src = { 0 }, pre2 = { 0 };
		/* Back from the last visible line until the pane is full. */
		long first = end + 1;
		int need = H - (follow && ended ? 1 : 0) - (follow && drops ? 1 : 0), got = 0;
		while (first > 0 && got < need) {
			first--;
			got += out_rows(t, tr, (size_t)first, &f, &src, &pre2);
		}
		for (long i = first; i <= end; i++) {
			out_line(t, tr, (size_t)i, &f, &src, &pre2);
			doc_flow(&d, &src, NULL, &pre2, 1);
		}
		if (follow && drops) {
			tline *l = doc_line(&d);
			line_addf(l, R_ERR, "(%zu more lines were not kept: output cap)", trace_ndropped(tr));
		}
		if (follow && ended && trace_outcome(tr)) {
			int failed = t->e ? lesson_run(t, t->tr_step)->failed : trace_failed(tr);
			int notrun = !strncmp(trace_outcome(tr), "not run", 7);
			int role = notrun ? R_HINT : failed ? R_ERR : R_OK;
			line_clear(&src);
			line_clear(&pre2);
			trace_fmt_ns(ts, sizeof ts, trace_end(tr));
			line_addf(&src, R_DIM, "%*s ", f.tw, ts);
			line_adds(&src, role, notrun ? "!" : role == R_ERR ? G.bad : G.ok);
			line_adds(&src, role, " ");
			line_adds(&src, role, trace_outcome(tr));
			for (int s = 0; s < f.tw + 3; s++) line_adds(&pre2, R_TEXT, " ");
			doc_flow(&d, &src, NULL, &pre2, 1);
		}
		line_free(&src);
		line_free(&pre2);
		int top = (int)d.n - H;
		doc_draw(&d, w, 0, H, top > 0 ? top : 0);
		doc_free(&d);
		if (n == 0 && growing) tui_puts(w, 0, 1, W - 1, tui_attr(R_DIM), "(no output yet)");
		size_t later = view_paused(t) ? trace_nlines(tr) - n : 0;   /* arrived since the pause */
		if (!follow) snprintf(info, sizeof info, " %s %ld/%zu ", G.up, end + 1, n);
		else snprintf(info, sizeof info, " %zu line%s ", n, n == 1 ? "" : "s");
		char more[160];
		snprintf(more, sizeof more, "%s%s %zu new ", info, G.dot, later);
		if (follow && later && t->rule && u8_width(more, strlen(more)) <= getmaxx(t->rule) - 12)
			snprintf(info, sizeof info, "%s", more);
	}
	wnoutrefresh(w);

	/* The rule above the pane is its title. */
	if (t->rule) {
		WINDOW *r = t->rule;
		int rw = getmaxx(r);
		werase(r);
		int focused = t->focus == F_OUTPUT;
		attr_t ra = tui_attr(focused ? R_FOCUS_RULE : R_RULE);
		int x = tui_puts(r, 0, 0, rw, ra, G.hline);
		x += tui_puts(r, 0, x, rw - x, tui_attr(focused ? R_FOCUS : R_RULE_TITLE), " Output ");
		int iw = u8_width(info, strlen(info));
		int fill = rw - x - iw - 1;
		if (fill < 1) { iw = 0; fill = rw - x; }
		tui_fill(r, 0, x, fill, ra, G.hline);
		if (iw) {
			int role = t->out_anchor >= 0 ? R_KEY : view_paused(t) ? R_HINT : R_DIM;
			tui_puts(r, 0, x + fill, iw, tui_attr(role), info);
			tui_fill(r, 0, x + fill + iw, rw - x - fill - iw, ra, G.hline);
		}
		wnoutrefresh(r);
	}
}

void output_scroll(tui *t, int rows)
{
	if (!t->tr) return;
	long n = (long)output_count(t, t->tr);
	if (!n) return;
	long a = t->out_anchor < 0 ? n - 1 : t->out_anchor;
	a += rows;
	if (a < 0) a = 0;
	/* Never scroll back past a pane's worth of the start. */
	if (a < t->out_page - 1 && a < n - 1) a = t->out_page - 1 < n - 1 ? t->out_page - 1 : n - 1;
	t->out_anchor = a >= n - 1 ? -1 : a;
	t->dirty |= D_OUT;
}
