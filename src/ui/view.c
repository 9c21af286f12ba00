/*
 * view.c: the timeline's time window and the live pause, without curses.
 * It owns the arithmetic of zoom (around the cursor, else the middle; at
 * most 1us a column), pan (a quarter of the window, clamped to the run),
 * the cursor (an instant; steps by columns of the last frame drawn), the
 * window a frame draws, the instant the panes show, a replay's clock
 * (moved without overflow, a zoomed window following it), and the parsing
 * of times typed at the prompt. Calls return what to say; the screen says it
 * (tui_timeline.c) and redraws.
 *
 * A paused live view is a replay clock that stands still: view_now gives
 * the instant of the pause, so both panes keep that picture while the
 * trace grows underneath.
 *
 * It also says what the lanes are: their order (workers by id, what each
 * started under it), each task's name (view_task_name: the lane labels,
 * the cursor's readout and stats all call it) and its colour slot.
 */
#include "ui/view.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

#include <math.h>
#include <stdarg.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <signal.h>
#include <sys/wait.h>

/* Fills m (if any) with what to say. */
static void say(view_msg *m, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(view_msg *m, int level, const char *fmt, ...)
{
	if (!m) return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->text, sizeof m->text, fmt, ap);
	va_end(ap);
	m->level = level;
}

/* Nothing to say yet. */
static void quiet(view_msg *m)
{
	if (m) { m->level = VIEW_QUIET; m->text[0] = '\0'; }
}

void view_init(view *v)
{
	memset(v, 0, sizeof *v);
	v->cursor = -1;
	v->pause = -1;
}

void view_reset(view *v)
{
	v->span = v->v0 = 0;
	v->cursor = -1;
	v->fit = 0;
	v->cols = 0;
}

/* ---- the instant shown ------------------------------------------------------ */

int64_t view_now(const view *v, const trace *tr, int64_t clock, int64_t wall, int *growing)
{
	int64_t last = trace_last(tr), now;
	int g;
	if (v->pause >= 0) {   /* paused live: the instant of the pause */
		int64_t end = trace_end(tr);
		now = end >= 0 && end < v->pause ? end : v->pause;
		g = end < 0 || now < end;
	} else if (clock >= 0) {   /* a replay: its clock, up to the end */
		now = clock < last ? clock : last;
		g = clock < last;
	} else {
		g = trace_end(tr) < 0;
		now = g ? trace_rel(tr, wall) : trace_end(tr);
		if (now < last) now = last;
	}
	if (growing) *growing = g;
	return now > 0 ? now : 0;
}

/* ---- one frame's window ------------------------------------------------------ */

/* A "nice" span at least v: 1, 1.5, 2, 3, 4, 5, 6, 8 times a power of ten. */
static double nice_ceil(double v)
{
	static const double m[] = { 1, 1.5, 2, 3, 4, 5, 6, 8, 10 };
	double p = pow(10, floor(log10(v)));
	for (size_t i = 0; i < sizeof m / sizeof *m; i++)
		if (m[i] * p >= v) return m[i] * p;
	return 10 * p;
}

void view_frame(view *v, int64_t now_ns, int growing, int cols, int64_t at, view_win *w)
{
	double now = (double)(now_ns > 0 ? now_ns : 1);
	double span = growing ? nice_ceil(now * 1.1) : now;
	if (span < 1e6) span = growing ? 1e7 : 1e6;
	v->fit = span;
	v->cols = cols;
	w->v0 = 0;
	w->zoomed = 0;
	if (v->span > 0 && (double)v->span < span) {
		int64_t hi = now_ns > v->span ? now_ns - v->span : 0;
		if (v->v0 > hi) v->v0 = hi;
		if (v->v0 < 0) v->v0 = 0;
		w->v0 = v->v0;
		span = (double)v->span;
		w->zoomed = 1;
	}
	w->scale = span / cols;
	w->cur = -1;
	if (at >= 0) {
		double c = (double)(at - w->v0) / w->scale;
		if (c >= 0 && c < cols) w->cur = (int)c;
	}
}

/* The window the next frame draws: the zoomed one kept inside the run, or
 * the whole run. From the requested state, not the last frame, so that
 * commands typed in one go add up. */
static void window(const view *v, const view_shown *s, int64_t *v0, double *span)
{
	int64_t total = s->now;
	*v0 = 0;
	*span = v->fit > 0 ? v->fit : (double)(total > 0 ? total : 1);
	if (v->span > 0 && (double)v->span < *span) {
		int64_t hi = total > v->span ? total - v->span : 0;
		*v0 = v->v0 < 0 ? 0 : v->v0 > hi ? hi : v->v0;
		*span = (double)v->span;
	}
}

double view_col_ns(const view *v, const view_shown *s)
{
	int64_t v0;
	double span;
	if (s->now < 0 || v->cols <= 0) return 0;
	window(v, s, &v0, &span);
	return span / v->cols;
}

/* The calls that move by columns need a frame drawn of a trace. */
static int need_frame(const view *v, const view_shown *s, view_msg *m)
{
	if (s->now >= 0 && v->cols > 0) return 0;
	say(m, VIEW_NOTE, "Nothing on the timeline yet: type run first.");
	return -1;
}

/* ---- zoom, pan, cursor --------------------------------------------------------- */

int view_zoom_span(view *v, const view_shown *s, int64_t span, view_msg *m)
{
	quiet(m);
	if (need_frame(v, s, m) < 0) return -1;
	int64_t total = s->now, min = (int64_t)v->cols * 1000;   /* 1us a column */
	int64_t v0;
	double old;
	window(v, s, &v0, &old);
	if (span >= total) {
		if (!v->span) say(m, VIEW_NOTE, "The whole run is in view already.");
		v->span = v->v0 = 0;
		return 0;
	}
	if (span < min) {
		if (v->span == min) { say(m, VIEW_NOTE, "That is as close as it goes: 1us a column."); return -1; }
		span = min;
	}
	/* The cursor (else the middle) stays where it is on the screen. */
	int64_t anchor = v->cursor >= v0 && v->cursor < v0 + old ? v->cursor : v0 + (int64_t)(old / 2);
	double frac = (double)(anchor - v0) / old;
	v->v0 = anchor - (int64_t)(frac * (double)span);
	if (v->v0 < 0) v->v0 = 0;
	v->span = span;
	return 0;
}

int view_zoom(view *v, const view_shown *s, double factor, view_msg *m)
{
	quiet(m);
	if (need_frame(v, s, m) < 0) return -1;
	if (factor <= 0) {
		v->span = v->v0 = 0;
		return 0;
	}
	int64_t v0;
	double span;
	window(v, s, &v0, &span);
	/* Compared before the cast: far out, span / factor is past any int64
	 * (and NaN is no span); as wide as the run or wider is the whole run. */
	double want = span / factor;
	return view_zoom_span(v, s, want < (double)s->now ? (int64_t)want : s->now, m);
}

int view_pan(view *v, const view_shown *s, int quarters, view_msg *m)
{
	quiet(m);
	if (need_frame(v, s, m) < 0) return -1;
	if (!v->span) {
		say(m, VIEW_NOTE, "The whole run is in view: zoom in first (zoom in, F10, Alt-=).");
		return -1;
	}
	int64_t total = s->now, hi = total > v->span ? total - v->span : 0, v0;
	double span;
	window(v, s, &v0, &span);
	/* Saturating: many quarters of a long window overflow an int64. */
	int64_t to;
	if (__builtin_mul_overflow((int64_t)quarters, v->span / 4, &to) || __builtin_add_overflow(v0, to, &to))
		to = quarters < 0 ? 0 : hi;
	if (to < v->span / 64) to = 0;   /* rounding: the start is the start */
	if (to > hi) to = hi;
	if (to == v0) say(m, VIEW_NOTE, quarters < 0 ? "This is the start of the run." : "This is the end of the run.");
	v->v0 = to;
	return 0;
}

/* Zoomed in and the cursor out of the window: centre the window on it. */
static void follow_cursor(view *v, const view_shown *s)
{
	int64_t v0;
	double span;
	window(v, s, &v0, &span);
	if (v->span && (v->cursor < v0 || (double)v->cursor >= (double)v0 + span)) {
		v->v0 = v->cursor - v->span / 2;
		if (v->v0 < 0) v->v0 = 0;
	}
}

int view_cursor(view *v, const view_shown *s, int64_t at, view_msg *m)
{
	quiet(m);
	if (at < 0) { v->cursor = -1; return 0; }
	if (need_frame(v, s, m) < 0) return -1;
	char a[24], b[24];
	int64_t total = s->now;
	if (at > total) {
		say(m, VIEW_ERROR, "%s is past %s: the timeline ends there%s.", trace_fmt_ns(a, sizeof a, at),
		    trace_fmt_ns(b, sizeof b, total), s->clocked ? " so far" : "");
		return -1;
	}
	v->cursor = at;
	follow_cursor(v, s);
	return 0;
}

int view_cursor_step(view *v, const view_shown *s, int cols, view_msg *m)
{
	quiet(m);
	if (need_frame(v, s, m) < 0) return -1;
	int64_t total = s->now, v0;
	double span, scale, col;
	window(v, s, &v0, &span);
	scale = span / v->cols;
	if (v->cursor < 0 || v->cursor > total) col = v->cols / 2;   /* it starts in the middle */
	else col = floor((double)(v->cursor - v0) / scale) + cols;
	/* Clamped in double first: a step past either end need not fit an int64. */
	double at = (double)v0 + (col + 0.5) * scale;
	int64_t c;
	if (at <= 0) c = 0;
	else if (at >= (double)total || __builtin_add_overflow(v0, (int64_t)((col + 0.5) * scale), &c)) c = total;
	v->cursor = c < 0 ? 0 : c > total ? total : c;
	follow_cursor(v, s);
	return 0;
}

/* ---- the live pause ------------------------------------------------------------ */

int view_paused(const view *v)
{
	return v->pause >= 0;
}

int view_pause(view *v, const view_shown *s, view_msg *m)
{
	char b[24];
	quiet(m);
	if (view_paused(v)) {
		say(m, VIEW_NOTE, "Paused already, at %s: resume goes back to live.", trace_fmt_ns(b, sizeof b, v->pause));
		return -1;
	}
	if (s->now < 0) {
		say(m, VIEW_NOTE, "Nothing to pause: no run is shown. Type run to start one, then pause.");
		return -1;
	}
	if (!s->growing) {
		say(m, VIEW_NOTE, "Nothing to pause: the run shown has ended (zoom in or at TIME look closer).");
		return -1;
	}
	v->pause = s->now;
	return 0;
}

int view_live(view *v)
{
	if (!view_paused(v)) return 0;
	v->pause = -1;
	return 1;
}

/* ---- the replay's clock ---------------------------------------------------------- */

void view_follow(view *v, int64_t at)
{
	/* at - v0, not v0 + span: both are >= 0, so no overflow near INT64_MAX. */
	if (v->span && (at < v->v0 || at - v->v0 > v->span))
		v->v0 = at - v->span / 10 > 0 ? at - v->span / 10 : 0;
}

int64_t view_clock_add(int64_t clock, double d, int64_t end)
{
	if (isnan(d)) return clock;
	/* Beyond any int64 the clock (in [0, end]) lands on an end; inside,
	 * the cast is defined and the sum saturates instead of wrapping. */
	if (d >= 0x1p63) return end;
	if (d <= -0x1p63) return 0;
	int64_t sum;
	if (__builtin_add_overflow(clock, (int64_t)d, &sum)) sum = d > 0 ? INT64_MAX : INT64_MIN;
	return sum < 0 ? 0 : sum > end ? end : sum;
}

/* ---- times typed ---------------------------------------------------------------- */

int view_parse_ns(const char *s, int64_t *ns)
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

/* ---- the tasks ------------------------------------------------------------------ */

/* A task's tid (or worker id) and index, sorted to find a task by tid in
 * O(log n) (or to take the workers in order). */
typedef struct {
	pid_t tid;
	int i;
} tid_ix;

static int tid_cmp(const void *a, const void *b)
{
	const tid_ix *x = a, *y = b;
	return x->tid != y->tid ? (x->tid < y->tid ? -1 : 1) : (x->i > y->i) - (x->i < y->i);
}

/* The task a task hangs under: a thread under its process's main thread,
 * a process under its parent; of several tasks with that tid, the first
 * added. -1 for none in the trace. by: the tasks sorted by tid, then index. */
static int parent_of(const trace *tr, int i, const tid_ix *by, int n)
{
	const trace_task *k = trace_task_at(tr, i);
	pid_t want = k->is_thread ? k->pid : k->ppid;
	if (want <= 0 || want == k->tid) return -1;
	int lo = 0, hi = n;
	while (lo < hi) {   /* the first with tid >= want */
		int mid = (lo + hi) / 2;
		if (by[mid].tid < want) lo = mid + 1; else hi = mid;
	}
	for (; lo < n && by[lo].tid == want; lo++)
		if (by[lo].i != i) return by[lo].i;
	return -1;
}

/* The children of each task (par[j] == i), in index order: kids[first[i]
 * .. first[i + 1]). */
typedef struct {
	int *first, *kids;
	const trace_task *const *task;
} lane_tree;

/* Task i, then its threads, then the processes it started (each with its
 * own), so that a thread's lane is right under its own process's. */
static void tree_add(const lane_tree *lt, int i, char *seen, int *o, int *n)
{
	seen[i] = 1;
	o[(*n)++] = i;
	for (int threads = 1; threads >= 0; threads--)
		for (int c = lt->first[i]; c < lt->first[i + 1]; c++) {
			int j = lt->kids[c];
			if (!seen[j] && lt->task[j]->is_thread == threads) tree_add(lt, j, seen, o, n);
		}
}

/* In O(n log n): a run of 1 024 tasks asks for it every frame. */
int *view_lane_order(const trace *tr)
{
	int n = trace_ntasks(tr), k = 0, m = n ? n : 1;
	int *o = xmalloc(sizeof(int) * (size_t)m);
	int *par = xmalloc(sizeof(int) * (size_t)m);
	char *seen = xcalloc((size_t)m, 1);
	char *holds = xcalloc((size_t)m, 1);
	tid_ix *by = xmalloc(sizeof(tid_ix) * (size_t)m);
	const trace_task **task = xmalloc(sizeof(*task) * (size_t)m);
	lane_tree lt = { xcalloc((size_t)n + 2, sizeof(int)), xmalloc(sizeof(int) * (size_t)m), task };
	for (int i = 0; i < n; i++) {
		task[i] = trace_task_at(tr, i);
		by[i] = (tid_ix){ task[i]->tid, i };
	}
	qsort(by, (size_t)n, sizeof *by, tid_cmp);
	for (int i = 0; i < n; i++) {
		par[i] = parent_of(tr, i, by, n);
		if (par[i] >= 0) lt.first[par[i] + 2]++;
	}
	for (int i = 0; i < n; i++) lt.first[i + 2] += lt.first[i + 1];
	for (int j = 0; j < n; j++)   /* in index order under each parent */
		if (par[j] >= 0) lt.kids[lt.first[par[j] + 1]++] = j;
	int nw = 0;   /* workers by id (then as added) */
	for (int i = 0; i < n; i++)
		if (task[i]->worker >= 0) by[nw++] = (tid_ix){ task[i]->worker, i };
	qsort(by, (size_t)nw, sizeof *by, tid_cmp);   /* tid: the worker id */
	for (int x = 0; x < nw && k < n; x++) {
		int i = by[x].i, p = par[i];
		if (seen[i]) continue;
		if (task[i]->is_thread && p >= 0 && !seen[p] && task[p]->worker < 0) {
			seen[p] = holds[p] = 1;   /* worker threads: their process first, above them */
			o[k++] = p;
		}
		tree_add(&lt, i, seen, o, &k);
	}
	for (int p = 0; p < n; p++)   /* what else such a process holds, still under it */
		for (int threads = 1; holds[p] && threads >= 0; threads--)
			for (int c = lt.first[p]; c < lt.first[p + 1]; c++) {
				int j = lt.kids[c];
				if (!seen[j] && task[j]->is_thread == threads) tree_add(&lt, j, seen, o, &k);
			}
	free(holds);
	for (int i = 0; i < n; i++)   /* the rest, roots first */
		if (!seen[i] && par[i] < 0) tree_add(&lt, i, seen, o, &k);
	for (int i = 0; i < n; i++)   /* cycles (recycled ids): as found */
		if (!seen[i]) { seen[i] = 1; o[k++] = i; }
	free(lt.first);
	free(lt.kids);
	free(task);
	free(by);
	free(par);
	free(seen);
	return o;
}

int view_task_slot(const trace *tr, int i)
{
	if (i < 0 || i >= trace_ntasks(tr)) return 0;
	if (trace_task_is_runner(trace_task_at(tr, i))) return -1;
	int slot = 0;
	for (int j = 0; j < i; j++) slot += !trace_task_is_runner(trace_task_at(tr, j));
	return slot;
}

int view_task_killed(const trace *tr, const trace_task *k)
{
	trace_end_kind end = trace_outcome_kind(tr);
	if (end != TRACE_TIMED_OUT && end != TRACE_STOPPED && end != TRACE_CRASHED && end != TRACE_DEADLOCK) return 0;
	if (k->died < 0) return 0;
	return k->exit_status < 0 || (WIFSIGNALED(k->exit_status) && WTERMSIG(k->exit_status) == SIGKILL);
}

/* pre, base and post into buf in width columns, base cut with ell when
 * it does not fit whole (ell NULL: never cut); the columns used, or -1
 * when not even one character of base fits beside the rest. */
/* The numbered end of a name that tells it from its siblings ("-0_1" of
 * ThreadPoolExecutor-0_1, "-12" of Process-12): its length, 0 for none. */
static size_t numbered_tail(const char *s)
{
	size_t n = strlen(s), i = n;
	while (i > 0 && (isdigit((unsigned char)s[i - 1]) || s[i - 1] == '_')) i--;
	if (i == n || i == 0 || s[i - 1] != '-' || n - i + 1 > 6 || !isdigit((unsigned char)s[n - 1])) return 0;
	return n - i + 1;
}

static int name_fit(char *buf, size_t cap, int width, const char *pre, const char *base, const char *post,
		    const char *ell)
{
	int fixed = utf8_width(pre, strlen(pre)) + utf8_width(post, strlen(post));
	int bw = utf8_width(base, strlen(base));
	if (fixed + bw <= width) {
		snprintf(buf, cap, "%s%s%s", pre, base, post);
		return fixed + bw;
	}
	if (!ell) return -1;
	int ew = utf8_width(ell, strlen(ell)), room = width - fixed - ew;
	if (room < 1) return -1;
	size_t tail = numbered_tail(base);
	if (tail && room > (int)tail + 2) {   /* keep what tells siblings apart: Thread…-0_1 */
		size_t head = utf8_fit(base, strlen(base) - tail, room - (int)tail);
		snprintf(buf, cap, "%s%.*s%s%s%s", pre, (int)head, base, ell, base + strlen(base) - tail, post);
		return fixed + utf8_width(base, head) + ew + (int)tail;
	}
	size_t n = utf8_fit(base, strlen(base), room);
	if (!n) return -1;
	snprintf(buf, cap, "%s%.*s%s%s", pre, (int)n, base, ell, post);
	return fixed + utf8_width(base, n) + ew;
}

int view_task_name(const trace_task *k, int width, int flags, const char *ell, char *buf, size_t cap)
{
	const char *base = trace_task_name(k);
	const char *pre = (flags & VIEW_NAME_INDENT) && k->is_thread ? " " : "";
	char id[24] = "", extra[48] = "", full[96];
	pid_t who = k->is_thread ? k->tid : k->pid;
	if (who > 0) snprintf(id, sizeof id, " %d", (int)who);
	if (trace_task_is_runner(k) && (flags & VIEW_NAME_ROLE))
		snprintf(extra, sizeof extra, "%s (starts the workers)", id);
	else if (trace_task_is_worker(k) && k->comm[0] && strcmp(k->comm, k->label))
		snprintf(extra, sizeof extra, " %s%s", k->comm, id);   /* a worker that renamed itself */
	buf[0] = '\0';
	if (width <= 0 || !cap) return 0;
	int used;
	if (extra[0]) {   /* the whole of it */
		snprintf(full, sizeof full, "%s%s", base, extra);
		if ((used = name_fit(buf, cap, width, pre, full, "", NULL)) >= 0) return used;
	}
	if (k->is_thread) {   /* a thread: its tid where there is room, else the name alone */
		if ((used = name_fit(buf, cap, width, pre, base, id, NULL)) >= 0) return used;
		if ((used = name_fit(buf, cap, width, pre, base, "", ell)) >= 0) return used;
	} else {   /* a process keeps its pid while the name keeps a character */
		if ((used = name_fit(buf, cap, width, pre, base, id, ell)) >= 0) return used;
		if ((used = name_fit(buf, cap, width, pre, base, "", ell)) >= 0) return used;
	}
	/* Narrower than a character and the ellipsis: what fits of the name. */
	snprintf(full, sizeof full, "%s%s", pre, base);
	size_t n = utf8_fit(full, strlen(full), width);
	snprintf(buf, cap, "%.*s", (int)n, full);
	return utf8_width(full, n);
}
