/*
 * tui_replay.c: a saved trace played back on the lesson screen. While it
 * plays, a loop timer moves a clock at speed times real time; paused, no
 * timer is left (an idle replay sleeps in poll like the lesson screen).
 * The trace panes draw what had happened by the clock (tui_now: the
 * same drawing as a live run, with a slower clock), and the left pane
 * says what the trace is and gives its statistics up to the clock. Its
 * commands (play, step, seek, speed, restart) are rows of the command
 * table (tui_cmd.c) valid in a replay.
 */
#include "ui/tui_int.h"
#include "util/xmalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TICK_MS 40

static int64_t end_of(const tui *t)
{
	return trace_last(t->tr);
}

static int word_is(const char *w, const char *a, const char *b)
{
	return !strcasecmp(w, a) || (b && !strcasecmp(w, b));
}

/* Moves the clock; zoomed in, the window pages along with it. */
static void set_clock(tui *t, int64_t c)
{
	int64_t end = end_of(t);
	t->clock = c < 0 ? 0 : c > end ? end : c;
	view_follow(&t->view, t->clock);
	t->dirty |= D_TL | D_OUT | D_DOC | D_HDR;
}

void replay_pause(tui *t)
{
	if (t->play) loop_timer_del(t->l, t->play);
	t->play = 0;
	t->dirty |= D_HDR | D_STATUS | D_DOC;
}

void replay_stop(tui *t)
{
	replay_pause(t);
}

static void tick(loop *l, long id, void *arg)
{
	(void)l; (void)id;
	tui *t = arg;
	if (!t->open) return;
	double ran = (double)(loop_now_ns() - t->play_wall) * t->speed;
	set_clock(t, view_clock_add(t->play_from, ran, end_of(t)));   /* no overflow near INT64_MAX */
	if (t->clock >= end_of(t)) replay_pause(t);
	tui_render(t);
}

/* play: the clock runs from where it is (from the start again at the end). */
void replay_play(tui *t, const char *arg)
{
	(void)arg;
	if (t->clock >= end_of(t)) set_clock(t, 0);
	t->play_wall = loop_now_ns();
	t->play_from = t->clock;
	if (!t->play) t->play = loop_timer_add(t->l, TICK_MS, 1, tick, t);
	t->dirty |= D_HDR | D_STATUS | D_DOC;
}

/* Enter: pause, or play on. */
void replay_toggle(tui *t, const char *arg)
{
	if (t->play) replay_pause(t);
	else replay_play(t, arg);
}

/* step [back|TIME]: pause and move the clock a column (or TIME). */
void replay_step(tui *t, const char *arg)
{
	double col = timeline_col_ns(t);
	int64_t d = col > 0 ? (int64_t)ceil(col) : 1000000;   /* a column, else 1 ms */
	int back = word_is(arg, "back", "-");
	if (*arg && !back && (view_parse_ns(arg, &d) < 0 || d <= 0)) {
		tui_msg(t, R_ERR, "step, step back, or step TIME (e.g. step 1ms): not \"%s\"", arg);
		return;
	}
	replay_pause(t);
	if (!back && t->clock >= end_of(t)) {
		tui_msg(t, R_DIM, "This is the end of the trace: restart, step back or seek TIME.");
		return;
	}
	set_clock(t, view_clock_add(t->clock, back ? -(double)d : (double)d, end_of(t)));
}

void replay_seek(tui *t, const char *arg)
{
	int64_t at;
	if (view_parse_ns(arg, &at) < 0) {
		tui_msg(t, R_ERR, "seek TIME moves the clock there (e.g. seek 12.5ms)");
		return;
	}
	replay_pause(t);
	set_clock(t, at);
}

void replay_speed(tui *t, const char *arg)
{
	char *end;
	double v = strtod(arg, &end);
	if (*end == 'x' || *end == 'X') end++;
	if (end == arg || *end || !isfinite(v) || v < REPLAY_MIN_SPEED || v > REPLAY_MAX_SPEED) {
		tui_msg(t, R_ERR, "speed X: from %g (slow motion) to %g times real time, e.g. speed 0.1", REPLAY_MIN_SPEED,
			REPLAY_MAX_SPEED);
		return;
	}
	t->play_from = t->clock;   /* the clock keeps its time; only its rate changes */
	t->play_wall = loop_now_ns();
	t->speed = v;
	t->dirty |= D_HDR | D_DOC;
}

void replay_restart(tui *t, const char *arg)
{
	set_clock(t, 0);
	replay_play(t, arg);
}

/* ---- what it looks like -------------------------------------------------------------- */

static void clock_str(const tui *t, char *buf, size_t cap)
{
	char a[24], b[24];
	trace_fmt_ns(a, sizeof a, t->clock);
	trace_fmt_ns(b, sizeof b, end_of(t));
	if (t->clock >= end_of(t)) snprintf(buf, cap, "the end, %s", b);
	else snprintf(buf, cap, "%s of %s", a, b);
}

void replay_header(tui *t)
{
	WINDOW *w = t->hdr;
	int W = getmaxx(w);
	char right[96], clk[64];
	werase(w);
	tui_fill(w, 0, 0, W, tui_attr(R_HEADER_DIM), " ");
	clock_str(t, clk, sizeof clk);
	snprintf(right, sizeof right, "%s %gx %s %s ", t->play ? tui_glyph.play : "||", t->speed, tui_glyph.dot, clk);
	int rw = utf8_width(right, strlen(right));
	int x = tui_puts(w, 0, 0, W - rw - 1, tui_attr(R_HEADER), " parlab replay ");
	char *mid = xasprintf("%s %s", tui_glyph.hline, trace_title(t->tr));
	int room = W - rw - 1 - x;
	if (utf8_width(mid, strlen(mid)) > room && room > 2) {
		x += tui_put(w, 0, x, room - 1, tui_attr(R_HEADER), mid, utf8_fit(mid, strlen(mid), room - 1));
		tui_puts(w, 0, x, 1, tui_attr(R_HEADER), tui_glyph.ellipsis);
	} else {
		tui_puts(w, 0, x, room, tui_attr(R_HEADER), mid);
	}
	free(mid);
	tui_puts(w, 0, W - rw, rw, tui_attr(R_HEADER_DIM), right);
	wnoutrefresh(w);
}

void replay_status(tui *t, int W)
{
	WINDOW *w = t->status;
	int x = 1;
	if (t->overlay) {
		x = tui_hint(w, x, W, "Esc", ": back to the replay");
		x = tui_hint(w, x, W, "PgUp/PgDn", ": scroll");
	} else if (t->play) {
		x = tui_hint(w, x, W, "Enter", ": pause");
		x = tui_hint(w, x, W, "speed X", NULL);
		x = tui_hint(w, x, W, "zoom in", NULL);
		x = tui_hint(w, x, W, "at TIME", NULL);
		x = tui_hint(w, x, W, "help", NULL);
		x = tui_hint(w, x, W, "quit", NULL);
	} else {
		if (t->clock < end_of(t)) x = tui_hint(w, x, W, "Enter", ": play");
		x = tui_hint(w, x, W, "step", NULL);
		x = tui_hint(w, x, W, "restart", NULL);
		x = tui_hint(w, x, W, "seek TIME", NULL);
		x = tui_hint(w, x, W, "at TIME", NULL);
		x = tui_hint(w, x, W, "zoom in", NULL);
		x = tui_hint(w, x, W, "help", NULL);
		x = tui_hint(w, x, W, "quit", NULL);
	}
	(void)x;
	wnoutrefresh(w);
}

/* The box at the top of the left pane: the trace and the clock. */
static void info_box(tui *t, tdoc *d)
{
	const trace *tr = t->tr;
	char buf[320], clk[64];
	int n = trace_ntasks(tr), ncpu = trace_ncpu(tr);
	size_t nl = trace_nlines(tr);
	doc_paras(d, R_BOLD, trace_title(tr), NULL, NULL, R_BOLD);
	snprintf(buf, sizeof buf, "%d CPU%s, %d task%s, %zu line%s of output; capture: %s", ncpu, ncpu == 1 ? "" : "s",
		 n, n == 1 ? "" : "s", nl, nl == 1 ? "" : "s", trace_backend(tr));
	doc_paras(d, R_DIM, buf, NULL, NULL, R_DIM);
	if (trace_lost(tr)) {
		snprintf(buf, sizeof buf, "the capture lost %lu records: gaps are possible", trace_lost(tr));
		doc_paras(d, R_ERR, buf, NULL, NULL, R_ERR);
	}
	if (trace_outcome(tr)) {
		int role;
		const char *mark = output_outcome_mark(trace_outcome_kind(tr), trace_failed(tr), &role);
		snprintf(buf, sizeof buf, "%s %s", mark, trace_outcome(tr));
		doc_paras(d, role, buf, NULL, "  ", role);
	}
	doc_blank(d);
	clock_str(t, clk, sizeof clk);
	if (t->play) snprintf(buf, sizeof buf, "%s playing at %gx: %s", tui_glyph.play, t->speed, clk);
	else if (t->clock >= end_of(t))
		snprintf(buf, sizeof buf, "Played to the end (%gx). restart plays it again.", t->speed);
	else snprintf(buf, sizeof buf, "Paused at %s (%gx). Enter plays on; step moves one column.", clk, t->speed);
	doc_paras(d, t->play ? R_OK : R_TEXT, buf, NULL, NULL, t->play ? R_OK : R_TEXT);
}

void replay_build(tui *t)
{
	tdoc *d = &t->doc;
	doc_reset(d, t->lw - 2);
	tline_adds(doc_line(d), R_HEAD, "Replay of a saved run");
	info_box(t, d);
	doc_blank(d);
	stats_doc(d, t->tr, tui_now(t, t->tr, NULL));
}
