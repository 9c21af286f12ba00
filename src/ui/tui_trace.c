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
 * label, so the picture reads without colour too.
 *
 * Output: the trace's lines in arrival order, "12.3ms w1 Worker: 1", each
 * label in its worker's lane colour, wrapped to the pane; it follows the
 * tail unless scrolled.
 */
#include "ui/tui_int.h"
#include "util/xmalloc.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
static int *task_order(const trace *tr)
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

int timeline_rows_wanted(tui *t)
{
	int cpus[64];
	if (!t->tr) {
		int n = engine_ncpu();
		return 1 + (n > 8 ? 8 : n) + 5 + 2;
	}
	int W = t->cols - t->lw - 2;
	return 1 + cpu_lanes(t->tr, cpus, 64) + trace_ntasks(t->tr) + footer_rows(t->tr, W);
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

/* "0", "250us", "10ms", "1.5s": an axis label. */
static void fmt_tick(char *buf, size_t cap, double ns, double step)
{
	if (ns <= 0) snprintf(buf, cap, "0");
	else if (step >= 1e9 || ns >= 1e9 * 10) snprintf(buf, cap, "%gs", ns / 1e9);
	else if (step >= 1e6) snprintf(buf, cap, "%gms", ns / 1e6);
	else snprintf(buf, cap, "%gus", ns / 1e3);
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

static const char *state_short(int st)
{
	switch (st) {
	case TS_RUNNING: return "run";
	case TS_RUNNABLE: return "wait";
	case TS_SLEEPING: return "sleep";
	case TS_BLOCKED: return "I/O";
	default: return "";
	}
}

/* Adds the overlap of [a, b) with each column to acc[col * stride + k]. */
static void spread(int64_t *acc, int stride, int k, int lw, double scale, int64_t a, int64_t b)
{
	if (b <= a || scale <= 0) return;
	int c0 = (int)(a / scale), c1 = (int)((b - 1) / scale);
	if (c0 < 0) c0 = 0;
	if (c1 >= lw) c1 = lw - 1;
	for (int c = c0; c <= c1; c++) {
		double cs = c * scale, ce = (c + 1) * scale;
		double lo = a > cs ? a : cs, hi = b < ce ? b : ce;
		if (hi > lo) acc[c * stride + k] += (int64_t)(hi - lo);
	}
}

static void draw_task_lane(tui *t, const trace *tr, int task, int y, int x0, int lw, double scale,
			   int64_t now, int64_t *acc)
{
	WINDOW *w = t->tl;
	const trace_task *k = trace_task_at(tr, task);
	int role = tui_task_role(k, task);
	memset(acc, 0, sizeof(int64_t) * (size_t)lw * TS_NSTATES);
	size_t n;
	const trace_slice *s = trace_slices(tr, task, &n);
	for (size_t i = 0; i < n; i++) spread(acc, TS_NSTATES, s[i].state, lw, scale, s[i].t0, s[i].t1);
	wmove(w, y, x0);
	for (int c = 0; c < lw; c++) {
		int64_t *a = acc + c * TS_NSTATES;
		int best = TS_UNKNOWN;
		int64_t bv = 0;
		for (int st = TS_RUNNING; st <= TS_BLOCKED; st++) {
			if (a[st] > bv) { bv = a[st]; best = st; }
		}
		double cs = c * scale;
		if (best == TS_UNKNOWN && !n && k->born >= 0 && cs >= k->born &&
		    cs < (k->died >= 0 ? k->died : now)) {
			tui_puts(w, -1, 0, 1, tui_attr(R_DIM), "-");   /* alive, not observed */
			continue;
		}
		int r = best == TS_SLEEPING ? R_DIM : best == TS_BLOCKED ? R_ERR : role;
		tui_puts(w, -1, 0, 1, tui_attr(r), state_glyph(best));
	}
}

/* The CPU lanes of one frame, computed in one pass over the slices: per
 * lane and column, the task that ran there longest (-1 none) and a bar
 * height 0..8 for the share of the column the CPU spent on the run. */
typedef struct {
	int *task;
	unsigned char *lvl;
} cpu_cols;

static cpu_cols cpu_lanes_scan(const trace *tr, const int *cpus, int nc, int lw, double scale)
{
	size_t cells = (size_t)(nc ? nc : 1) * (size_t)lw;
	cpu_cols cc = { xmalloc(sizeof(int) * cells), xcalloc(cells, 1) };
	int64_t *best = xcalloc(cells, sizeof(int64_t)), *tot = xcalloc(cells, sizeof(int64_t));
	int64_t *tmp = xcalloc(cells, sizeof(int64_t));
	int lane_of[64];
	for (int c = 0; c < 64; c++) lane_of[c] = -1;
	for (int l = 0; l < nc; l++)
		if (cpus[l] >= 0 && cpus[l] < 64) lane_of[cpus[l]] = l;
	for (size_t i = 0; i < cells; i++) cc.task[i] = -1;
	for (int i = 0; i < trace_ntasks(tr); i++) {
		size_t n;
		const trace_slice *s = trace_slices(tr, i, &n);
		uint64_t touched = 0;
		for (size_t j = 0; j < n; j++) {
			if (s[j].state != TS_RUNNING || s[j].cpu < 0 || s[j].cpu >= 64 || lane_of[s[j].cpu] < 0) continue;
			int l = lane_of[s[j].cpu];
			spread(tmp + (size_t)l * (size_t)lw, 1, 0, lw, scale, s[j].t0, s[j].t1);
			touched |= 1ULL << l;
		}
		for (int l = 0; l < nc; l++) {
			if (!(touched >> l & 1)) continue;
			for (int c = 0; c < lw; c++) {
				size_t k = (size_t)l * (size_t)lw + (size_t)c;
				tot[k] += tmp[k];
				if (tmp[k] > best[k]) { best[k] = tmp[k]; cc.task[k] = i; }
				tmp[k] = 0;
			}
		}
	}
	for (size_t k = 0; k < cells; k++) {
		double occ = scale > 0 ? (double)tot[k] / scale : 0;
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
static void draw_cpu_lane(tui *t, const trace *tr, const int *task_of, const unsigned char *lvl, int y, int x0,
			  int lw, double scale, int64_t known)
{
	WINDOW *w = t->tl;
	wmove(w, y, x0);
	for (int c = 0; c < lw;) {
		int task = task_of[c], e = c, full = 1;
		while (e < lw && task_of[e] == task) { if (lvl[e] < 5) full = 0; e++; }
		if (task < 0) {   /* idle, as far as the capture has looked */
			for (; c < e; c++) tui_puts(w, -1, 0, 1, tui_attr(R_IDLE), c * scale < known ? G.level[0] : " ");
			continue;
		}
		const trace_task *k = trace_task_at(tr, task);
		attr_t a = tui_attr(tui_task_role(k, task));
		int len = e - c, lab = (int)strlen(k->label);
		int pre = full && len >= lab + 2 ? (len - lab) / 2 : len;
		for (int i = 0; i < len; i++) {
			if (i == pre) {
				tui_put(w, -1, 0, lab, a | A_REVERSE | A_BOLD, k->label, (size_t)lab);
				i += lab - 1;
				continue;
			}
			tui_puts(w, -1, 0, 1, a, G.level[lvl[c + i]]);
		}
		c = e;
	}
}

/* The end of a task lane: "exit 0", "SIGSEGV", "done", or while live its
 * state ("cpu1", "wait", "sleep"). */
static const char *task_status(const trace *tr, int task, int live, char *buf, size_t cap, int *role)
{
	const trace_task *k = trace_task_at(tr, task);
	int r = R_DIM;
	buf[0] = '\0';
	if (k->died >= 0 && k->exit_status >= 0) {
		tui_status_str(buf, cap, k->exit_status);
		if (!WIFEXITED(k->exit_status) || WEXITSTATUS(k->exit_status)) r = R_ERR;
	} else if (k->died >= 0) {
		snprintf(buf, cap, "done");
	} else if (live) {   /* the latest state the capture saw */
		size_t n;
		const trace_slice *s = trace_slices(tr, task, &n);
		if (n && s[n - 1].state == TS_RUNNING && s[n - 1].cpu >= 0) snprintf(buf, cap, "cpu%d", s[n - 1].cpu);
		else if (n) snprintf(buf, cap, "%s", state_short(s[n - 1].state));
		r = R_TEXT;
	}
	if (role) *role = r;
	return buf;
}

static void timeline_title(tui *t, const trace *tr, int W, int64_t span_now, int live)
{
	WINDOW *w = t->tl;
	char right[96], dur[24];
	int x = tui_puts(w, 0, 0, W, tui_attr(R_RULE_TITLE), "Timeline");
	if (!tr) {
		tui_fill(w, 0, x, W - x, tui_attr(R_RULE), " ");
		return;
	}
	const char *title = trace_title(tr);
	int old = t->tr_step != engine_step(t->e);
	char *mid = xasprintf(" %s %s%s", G.hline, old ? "last run: " : "", title);
	trace_fmt_ns(dur, sizeof dur, span_now);
	if (live) snprintf(right, sizeof right, " live %s", dur);
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
	tui_puts(w, 0, W - rw, rw, tui_attr(live ? R_OK : R_DIM), right);
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
		timeline_title(t, NULL, W, 0, 0);
		const step *s = engine_step(t->e);
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
		wnoutrefresh(w);
		return;
	}
	int live = trace_end(tr) < 0;
	int64_t now = live ? trace_rel(tr, loop_now_ns()) : trace_end(tr);
	if (now < trace_last(tr)) now = trace_last(tr);
	if (now < 0) now = 0;
	t->tl_now = now;

	/* Lanes: CPUs, then tasks (workers by id). */
	int cpus[64];
	int nc = cpu_lanes(tr, cpus, 64), ntask = trace_ntasks(tr), observed = 0;
	for (int i = 0; i < ntask && !observed; i++) {
		size_t n;
		trace_slices(tr, i, &n);
		observed = n > 0;
	}
	if (!observed && ntask) nc = 0;   /* no capture: CPU lanes would claim "idle" */
	int *order = task_order(tr);
	int nl = nc + ntask;
	int foot = footer_rows(tr, W);
	if (H < 2 + foot) foot = H >= 4 ? 2 : 1;
	int rows = H - 1 - foot > 0 ? H - 1 - foot : 0;
	/* Visible lanes: when they do not all fit, the CPU lanes stay and the
	 * task lanes scroll under them. */
	int *vis = xmalloc(sizeof(int) * (size_t)(rows + 1)), nv = 0, above = 0, below = 0;
	if (nl <= rows) {
		t->lane_top = 0;
		for (int li = 0; li < nl; li++) vis[nv++] = li;
	} else {
		int pin = rows - nc >= 2 ? nc : 0, trows = rows - pin, scrollable = nl - pin;
		if (t->lane_top > scrollable - trows) t->lane_top = scrollable - trows;
		if (t->lane_top < 0) t->lane_top = 0;
		for (int li = 0; li < pin; li++) vis[nv++] = li;
		for (int i = 0; i < trows; i++) vis[nv++] = pin + t->lane_top + i;
		above = t->lane_top;
		below = scrollable - trows - t->lane_top;
	}

	/* Columns: label | lanes | status. */
	int labw = 4, labmax = W < 50 ? 7 : 10;
	for (int i = 0; i < ntask; i++) {
		int lw_ = (int)strlen(trace_task_at(tr, i)->label);
		if (lw_ > labw) labw = lw_;
	}
	if (labw > labmax) labw = labmax;
	char buf[48];
	int sw = 0;
	for (int v = 0; v < nv; v++) {
		int li = vis[v];
		if (li < nc) continue;
		int task = order[li - nc];
		int n_ = (int)strlen(task_status(tr, task, live, buf, sizeof buf, NULL));
		if (n_ + 1 > sw) sw = n_ + 1;
	}
	int x0 = labw + 1;
	int lw = W - x0 - sw;
	if (lw < 12) { sw = 0; lw = W - x0; }
	if (lw < 1) lw = 1;

	double span = live ? nice_ceil((double)(now > 0 ? now : 1) * 1.1) : (double)(now > 0 ? now : 1);
	if (span < 1e6) span = live ? 1e7 : 1e6;
	double scale = span / lw;
	timeline_title(t, tr, W, now, live);

	int64_t *acc = xmalloc(sizeof(int64_t) * (size_t)lw * TS_NSTATES);
	cpu_cols cc = cpu_lanes_scan(tr, cpus, nc, lw, scale);
	for (int v = 0; v < nv; v++) {
		int li = vis[v], y = 1 + v;
		if (li < nc) {
			snprintf(buf, sizeof buf, "CPU%d", cpus[li]);
			tui_puts(w, y, 0, labw, tui_attr(R_DIM), buf);
			draw_cpu_lane(t, tr, cc.task + (size_t)li * (size_t)lw, cc.lvl + (size_t)li * (size_t)lw, y, x0, lw,
				      scale, live ? trace_last(tr) : now);
			continue;
		}
		int task = order[li - nc];
		const trace_task *k = trace_task_at(tr, task);
		tui_puts_ell(w, y, 0, labw, tui_attr(tui_task_role(k, task)) | A_BOLD, k->label);
		draw_task_lane(t, tr, task, y, x0, lw, scale, now, acc);
		if (!sw) continue;
		int role;
		task_status(tr, task, live, buf, sizeof buf, &role);
		tui_puts(w, y, W - sw + 1, sw - 1, tui_attr(role), buf);
	}
	free(acc);
	free(cc.task);
	free(cc.lvl);
	free(order);
	if (!nl) tui_puts(w, 1, 1, W - 1, tui_attr(R_DIM), "starting...");

	/* Axis: ticks at a 1-2-5 step at least 9 columns apart. */
	int ay = 1 + rows;
	double step = 1;
	while (step / scale < 9) {
		if (step * 2 / scale >= 9) step *= 2;
		else if (step * 5 / scale >= 9) step *= 5;
		else step *= 10;
	}
	if (above || below) {   /* lanes out of sight: how many, and where */
		char more[32];
		snprintf(more, sizeof more, "%s%s%d", above ? G.up : "", below ? G.down : "", below ? below : above);
		tui_puts(w, ay, 0, labw, tui_attr(R_KEY), more);
	}
	free(vis);
	int xe = -1;
	for (int i = 0;; i++) {
		double v = i * step;
		int c = (int)(v / scale + 0.5);
		if (c >= lw) break;
		fmt_tick(buf, sizeof buf, v, step);
		int bw = (int)strlen(buf);
		if (x0 + c <= xe || x0 + c + bw > W) continue;
		tui_puts(w, ay, x0 + c, bw, tui_attr(R_DIM), buf);
		xe = x0 + c + bw;
	}
	if (foot >= 2) {
		tline l = { 0 };
		if (observed || !ntask) legend(&l);
		else line_adds(&l, R_DIM, "- alive (states not captured)");
		int x = 0;
		for (size_t k = 0; k < l.nsp; k++)
			x += tui_put(w, ay + 1, x, W - x, tui_attr(l.sp[k].role), l.buf + l.sp[k].off, (size_t)l.sp[k].len);
		line_free(&l);
		char *be = backend_str(tr);
		int bw = u8_width(be, strlen(be));
		if (foot == 2 && x + 2 + bw <= W) tui_puts(w, ay + 1, W - bw, bw, tui_attr(R_DIM), be);
		else if (foot == 3) tui_puts_ell(w, ay + 2, 0, W, tui_attr(R_DIM), be);
		free(be);
	}
	wnoutrefresh(w);
}

void lanes_scroll(tui *t, int rows)
{
	t->lane_top += rows;
	if (t->lane_top < 0) t->lane_top = 0;
	t->dirty |= D_TL;   /* clamped when drawn */
}

/* ---- output ------------------------------------------------------------------------ */

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
	size_t n = tr ? trace_nlines(tr) : 0;
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
		if (trace_end(tr) >= 0) {
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
		int need = H - (follow && trace_end(tr) >= 0 ? 1 : 0) - (follow && trace_ndropped(tr) ? 1 : 0), got = 0;
		while (first > 0 && got < need) {
			first--;
			got += out_rows(t, tr, (size_t)first, &f, &src, &pre2);
		}
		for (long i = first; i <= end; i++) {
			out_line(t, tr, (size_t)i, &f, &src, &pre2);
			doc_flow(&d, &src, NULL, &pre2, 1);
		}
		if (follow && trace_ndropped(tr)) {
			tline *l = doc_line(&d);
			line_addf(l, R_ERR, "(%zu more lines were not kept: output cap)", trace_ndropped(tr));
		}
		if (follow && trace_end(tr) >= 0 && trace_outcome(tr)) {
			run_state *rs = lesson_run(t, t->tr_step);
			int notrun = !strncmp(trace_outcome(tr), "not run", 7);
			int role = notrun ? R_HINT : rs && rs->failed ? R_ERR : R_OK;
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
		if (n == 0 && trace_end(tr) < 0) tui_puts(w, 0, 1, W - 1, tui_attr(R_DIM), "(no output yet)");
		if (!follow) snprintf(info, sizeof info, " %s %ld/%zu ", G.up, end + 1, n);
		else snprintf(info, sizeof info, " %zu line%s ", n, n == 1 ? "" : "s");
	}
	wnoutrefresh(w);

	/* The rule above the pane is its title. */
	if (t->rule) {
		WINDOW *r = t->rule;
		int rw = getmaxx(r);
		werase(r);
		int x = tui_puts(r, 0, 0, rw, tui_attr(R_RULE), G.hline);
		x += tui_puts(r, 0, x, rw - x, tui_attr(R_RULE_TITLE), " Output ");
		int iw = u8_width(info, strlen(info));
		int fill = rw - x - iw - 1;
		if (fill < 1) { iw = 0; fill = rw - x; }
		tui_fill(r, 0, x, fill, tui_attr(R_RULE), G.hline);
		if (iw) {
			tui_puts(r, 0, x + fill, iw, tui_attr(t->out_anchor >= 0 ? R_KEY : R_DIM), info);
			tui_fill(r, 0, x + fill + iw, rw - x - fill - iw, tui_attr(R_RULE), G.hline);
		}
		wnoutrefresh(r);
	}
}

void output_scroll(tui *t, int rows)
{
	if (!t->tr) return;
	long n = (long)trace_nlines(t->tr);
	if (!n) return;
	long a = t->out_anchor < 0 ? n - 1 : t->out_anchor;
	a += rows;
	if (a < 0) a = 0;
	/* Never scroll back past a pane's worth of the start. */
	if (a < t->out_page - 1 && a < n - 1) a = t->out_page - 1 < n - 1 ? t->out_page - 1 : n - 1;
	t->out_anchor = a >= n - 1 ? -1 : a;
	t->dirty |= D_OUT;
}
