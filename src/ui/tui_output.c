/*
 * tui_output.c: the output pane. The trace's lines in arrival order,
 * "12.3ms w1 Worker: 1", each label its task's name (trace_task_name: the
 * kernel's, as on its lane) in its lane's colour, wrapped
 * to the pane; it follows the tail unless scrolled, and ends with the
 * run's outcome; the marks are lines too ("12.3ms w1 ▼ mark: took the
 * lock"), in time order among them. Like the timeline it shows what had arrived by one
 * instant, tui_now(): the live now, the end, a pause or a replay's clock.
 * The rule above the pane is its title (line count, new lines since a
 * pause).
 */
#include "ui/tui_int.h"
#include "util/xmalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lines that had arrived by the instant shown. */
static size_t lines_shown(tui *t, const trace *tr)
{
	size_t n = trace_nlines(tr);
	if (!tui_clocked(t)) return n;
	int64_t now = tui_now(t, tr, NULL);
	size_t lo = 0, hi = n;
	while (lo < hi) {   /* lines are in arrival order: the first one after now */
		size_t mid = (lo + hi) / 2;
		if (trace_line_at(tr, mid)->t <= now) lo = mid + 1; else hi = mid;
	}
	return lo;
}

/* The pane's entries: those lines, and the marks made by the same instant
 * ("mark: took the lock"), each before the first line later than it.
 * Entry e is line emap[e], or mark emap[e] & ~OUT_MARK. Rebuilt by
 * output_count for the trace and instant it is called with. */
#define OUT_MARK ((size_t)1 << (sizeof(size_t) * 8 - 1))
static size_t *emap;
static size_t emap_cap;

size_t output_count(tui *t, const trace *tr)
{
	size_t nl = lines_shown(t, tr), nm = trace_nmarks(tr);
	int64_t now = tui_clocked(t) ? tui_now(t, tr, NULL) : INT64_MAX;
	size_t *mk = xmalloc(sizeof *mk * (nm ? nm : 1)), k = 0;
	for (size_t i = 0; i < nm; i++)
		if (trace_mark_at(tr, i)->t <= now) mk[k++] = i;
	for (size_t i = 1; i < k; i++)   /* stable, by time: marks come nearly sorted */
		for (size_t j = i; j > 0 && trace_mark_at(tr, mk[j])->t < trace_mark_at(tr, mk[j - 1])->t; j--) {
			size_t x = mk[j]; mk[j] = mk[j - 1]; mk[j - 1] = x;
		}
	emap = xgrow(emap, &emap_cap, nl + k + 1, sizeof *emap);
	size_t e = 0, m = 0;
	for (size_t l = 0; l < nl; l++) {
		while (m < k && trace_mark_at(tr, mk[m])->t < trace_line_at(tr, l)->t) emap[e++] = mk[m++] | OUT_MARK;
		emap[e++] = l;
	}
	while (m < k) emap[e++] = mk[m++] | OUT_MARK;
	free(mk);
	return e;
}

/* The time of entry e (output_count made the map). */
static int64_t entry_t(const trace *tr, size_t e)
{
	size_t i = emap[e];
	return i & OUT_MARK ? trace_mark_at(tr, i & ~OUT_MARK)->t : trace_line_at(tr, i)->t;
}

const char *output_outcome_mark(trace_end_kind kind, int failed, int *role)
{
	if (kind == TRACE_NOT_RUN) { *role = R_HINT; return "!"; }
	*role = failed ? R_ERR : R_OK;
	return failed ? tui_glyph.bad : tui_glyph.ok;
}

typedef struct {
	int tw, labw, W;
} out_fmt;

/* The columns of the time and the label, for n lines in a pane W wide. */
static out_fmt fmt_of(const trace *tr, size_t n, int W, int ended)
{
	out_fmt f = { 5, 2, W };
	char ts[24];
	trace_fmt_ns(ts, sizeof ts, n ? entry_t(tr, n - 1) : 0);
	if ((int)strlen(ts) > f.tw) f.tw = (int)strlen(ts);
	if (ended) {
		trace_fmt_ns(ts, sizeof ts, trace_end(tr));
		if ((int)strlen(ts) > f.tw) f.tw = (int)strlen(ts);
	}
	for (int i = 0; i < trace_ntasks(tr); i++) {   /* the runner's lines say "parlab" */
		const trace_task *k = trace_task_at(tr, i);
		const char *name = trace_task_name(k);
		int lw_ = utf8_width(name, strlen(name));
		if (!trace_task_is_runner(k) && lw_ > f.labw) f.labw = lw_;
	}
	if (f.labw > 10) f.labw = 10;
	return f;
}

/* One output line as a styled logical line plus its continuation prefix. */
static void out_line(tui *t, const trace *tr, size_t i, const out_fmt *f, tline *src, tline *pre2)
{
	(void)t;
	char ts[24];
	tline_clear(src);
	tline_clear(pre2);
	int indent = f->tw + 1;
	if (emap[i] & OUT_MARK) {   /* a mark: "12.3ms w1 v mark: took the lock" */
		const trace_mark *m = trace_mark_at(tr, emap[i] & ~OUT_MARK);
		const trace_task *k = trace_task_at(tr, m->task);
		trace_fmt_ns(ts, sizeof ts, m->t);
		tline_addf(src, R_DIM, "%*s ", f->tw, ts);
		char lab[64];
		const char *name = k ? trace_task_name(k) : "parlab";
		size_t nb = utf8_fit(name, strlen(name), f->labw);
		snprintf(lab, sizeof lab, "%.*s%*s ", (int)nb, name, f->labw - utf8_width(name, nb), "");
		tline_adds(src, k ? tui_task_role(tr, m->task) : R_PARLAB, lab);
		tline_adds(src, R_KEY, tui_glyph.down);
		tline_adds(src, R_KEY, " mark: ");
		tline_adds(src, R_TEXT, m->text);
		indent += f->labw + 1 + 2;
		if (indent > f->W / 2) indent = 2;
		for (int s = 0; s < indent; s++) tline_adds(pre2, R_TEXT, " ");
		return;
	}
	const trace_line *l = trace_line_at(tr, emap[i]);
	trace_fmt_ns(ts, sizeof ts, l->t);
	tline_addf(src, R_DIM, "%*s ", f->tw, ts);
	const trace_task *k = l->task >= 0 ? trace_task_at(tr, l->task) : NULL;
	if (!k || l->stream == 0) {
		tline_adds(src, R_PARLAB, tui_glyph.says);
		tline_adds(src, R_PARLAB, " ");
		tline_adds(src, R_PARLAB, l->text);
		indent += 2;
	} else {
		char lab[64];   /* named as its lane is, without the pid */
		const char *name = trace_task_name(k);
		size_t nb = utf8_fit(name, strlen(name), f->labw);
		snprintf(lab, sizeof lab, "%.*s%*s ", (int)nb, name, f->labw - utf8_width(name, nb), "");
		tline_adds(src, tui_task_role(tr, l->task), lab);
		indent += f->labw + 1;
		if (l->stream == 2) {
			tline_adds(src, R_ERR, "! ");
			indent += 2;
		}
		tline_adds(src, l->stream == 2 ? R_ERR : R_TEXT, l->text);
	}
	if (indent > f->W / 2) indent = 2;
	for (int s = 0; s < indent; s++) tline_adds(pre2, R_TEXT, " ");
}

static int out_rows(tui *t, const trace *tr, size_t i, const out_fmt *f, tline *src, tline *pre2)
{
	out_line(t, tr, i, f, src, pre2);
	if (tline_width(src) <= f->W) return 1;
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
	char info[128] = "";

	if (!tr) {
		const char *msg = "Output of a run shows here as it arrives: the time, the task that wrote it, the line.";
		tdoc d;
		doc_init(&d, W - 2);
		doc_paras(&d, R_DIM, msg, NULL, NULL, R_DIM);
		for (size_t i = 0; i < d.n && (int)i + 1 < H; i++) {
			const tline *l = &d.v[i];
			int x = 1;
			for (size_t k = 0; k < l->nsp; k++)
				x += tui_put(w, 1 + (int)i, x, W - x, tui_attr(l->sp[k].role), l->buf + l->sp[k].off,
					     (size_t)l->sp[k].len);
		}
		doc_free(&d);
	} else {
		out_fmt f = fmt_of(tr, n, W, ended);
		char ts[24];
		if (t->out_anchor >= (long)n) t->out_anchor = -1;
		long end = t->out_anchor < 0 ? (long)n - 1 : t->out_anchor;
		int follow = t->out_anchor < 0;
		tdoc d;
		doc_init(&d, W);
		tline src = { 0 }, pre2 = { 0 };
		/* Back from the last visible line until the pane is full. */
		long first = end + 1;
		int need = H - (follow && ended ? 1 : 0), got = 0;   /* lines not kept: a line of parlab's says so */
		int end_rows = 0;
		while (first > 0 && got < need) {
			first--;
			got += out_rows(t, tr, (size_t)first, &f, &src, &pre2);
			if (first == end) end_rows = got;
		}
		for (long i = first; i <= end; i++) {
			out_line(t, tr, (size_t)i, &f, &src, &pre2);
			doc_flow(&d, &src, NULL, &pre2, 1);
		}
		if (follow && ended && trace_outcome(tr)) {
			int role;
			/* The live run's end the step expects (a timeout) is no failure. */
			int failed = trace_failed(tr) && !(t->e && tr == engine_trace(t->e) && engine_run_as_expected(t->e));
			const char *mark = output_outcome_mark(trace_outcome_kind(tr), failed, &role);
			tline_clear(&src);
			tline_clear(&pre2);
			trace_fmt_ns(ts, sizeof ts, trace_end(tr));
			tline_addf(&src, R_DIM, "%*s ", f.tw, ts);
			tline_adds(&src, role, mark);
			tline_adds(&src, role, " ");
			tline_adds(&src, role, trace_outcome(tr));
			for (int s = 0; s < f.tw + 3; s++) tline_adds(&pre2, R_TEXT, " ");
			doc_flow(&d, &src, NULL, &pre2, 1);
		}
		tline_free(&src);
		tline_free(&pre2);
		/* Scrolled back to the first line (the lines above the last one do
		 * not fill the pane): it shows from its top, the last line may be
		 * cut (the next page shows it). */
		int top = !follow && first == 0 && got - end_rows < need ? 0 : (int)d.n - H;
		doc_draw(&d, w, 0, H, top > 0 ? top : 0);
		doc_free(&d);
		if (n == 0 && growing) tui_puts(w, 0, 1, W - 1, tui_attr(R_DIM), "(no output yet)");
		size_t later = view_paused(&t->view) ? trace_nlines(tr) - lines_shown(t, tr) : 0;   /* since the pause */
		if (!follow) snprintf(info, sizeof info, " %s %ld/%zu ", tui_glyph.up, end + 1, n);
		else snprintf(info, sizeof info, " %zu line%s ", n, n == 1 ? "" : "s");
		char more[160];
		snprintf(more, sizeof more, "%s%s %zu new ", info, tui_glyph.dot, later);
		if (follow && later && t->rule && utf8_width(more, strlen(more)) <= getmaxx(t->rule) - 12)
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
		int x = tui_puts(r, 0, 0, rw, ra, tui_glyph.hline);
		x += tui_puts(r, 0, x, rw - x, tui_attr(focused ? R_FOCUS : R_RULE_TITLE), " Output ");
		int iw = utf8_width(info, strlen(info));
		int fill = rw - x - iw - 1;
		if (fill < 1) { iw = 0; fill = rw - x; }
		tui_fill(r, 0, x, fill, ra, tui_glyph.hline);
		if (iw) {
			int role = t->out_anchor >= 0 ? R_KEY : view_paused(&t->view) ? R_HINT : R_DIM;
			tui_puts(r, 0, x + fill, iw, tui_attr(role), info);
			tui_fill(r, 0, x + fill + iw, rw - x - fill - iw, ra, tui_glyph.hline);
		}
		wnoutrefresh(r);
	}
}

/* How far the output can scroll: each line's rows at the pane's width,
 * counted as the pane draws them (wrapped). */
typedef struct {
	tui *t;
	const trace *tr;
	out_fmt f;
	tline src, pre2;
} out_rows_ctx;

/* Rows of output line i in the pane. */
static int rows_at(out_rows_ctx *c, long i)
{
	return out_rows(c->t, c->tr, (size_t)i, &c->f, &c->src, &c->pre2);
}

/* The anchor (last visible line) of the view that starts at the first
 * line: the first line whose rows, with those above, fill the pane; -1
 * when every line fits. */
static long home_anchor(out_rows_ctx *c, long n, int H)
{
	int got = 0;
	for (long i = 0; i < n; i++)
		if ((got += rows_at(c, i)) >= H) return i < n - 1 ? i : -1;
	return -1;
}

/* Moves the anchor by |rows| rows of the pane, up (rows < 0) or down:
 * whole lines, at least one, no more rows than asked unless one line is
 * taller; never above the view that starts at the first line. */
void output_scroll(tui *t, int rows)
{
	if (!t->tr || !t->out || !rows) return;
	long n = (long)output_count(t, t->tr);
	if (!n) return;
	int growing = 1;
	tui_now(t, t->tr, &growing);
	int ended = !growing && trace_end(t->tr) >= 0;
	out_rows_ctx c = { t, t->tr, fmt_of(t->tr, (size_t)n, getmaxx(t->out), ended), { 0 }, { 0 } };
	int H = t->out_page > 0 ? t->out_page : 1;
	long home = home_anchor(&c, n, H);
	long a = t->out_anchor < 0 ? n - 1 : t->out_anchor;
	if (home < 0) {
		a = n - 1;   /* everything fits: nothing to scroll */
	} else if (rows < 0) {
		int moved = rows_at(&c, a--);
		while (a > home && moved + rows_at(&c, a) <= -rows) moved += rows_at(&c, a--);
		if (a < home) a = home;
	} else {
		int moved = 0;
		while (a < n - 1 && (moved == 0 || moved + rows_at(&c, a + 1) <= rows)) moved += rows_at(&c, ++a);
		if (a < home) a = home;
	}
	tline_free(&c.src);
	tline_free(&c.pre2);
	t->out_anchor = a >= n - 1 ? -1 : a;
	t->dirty |= D_OUT;
}
