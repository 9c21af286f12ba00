/*
 * tui.c: the interactive front end. ncurses draws the panes, GNU readline
 * (callback interface) edits the prompt, and both live inside the one event
 * loop of the screen process: stdin is a loop watch, signals come through
 * the loop's self-pipe, and a redraw timer exists only while a run is live
 * (or a replay plays), so an idle screen sleeps in poll(2). tui_replay uses
 * the same screen with no engine: t->e is NULL and t->replay is set.
 *
 *  ┌ header: course · lesson n/N · step k/K ─────────────────────────────┐
 *  │ lesson pane               │ timeline: CPU lanes, task lanes, axis  │
 *  │ (steps up to the current) ├─ Output ──────────────────────────────┤
 *  │                           │ 12.3ms w1 Worker: 1                    │
 *  │ status: what to type next                                          │
 *  │ parlab> _                                                          │
 *
 * Redraw is damage-tracked: each pane has a dirty bit, the trace panes
 * compare the trace's version, and one doupdate() ends every round.
 *
 * Readline inside ncurses (after ulfalizer/readline-and-ncurses): readline
 * never touches the terminal. It gets bytes from rl_getc_function (fed from
 * wgetch in nodelay mode), says what to show through rl_redisplay_function,
 * and has its own signal and terminal handling switched off.
 *
 * Exit paths: quit, Ctrl-D, SIGINT (stops a live run, else quits), SIGTERM,
 * SIGHUP and SIGQUIT (quit) all leave through teardown(); fatal signals
 * restore the terminal with async-signal-safe writes before dying.
 */
#include "ui/tui.h"
#include "trace/trace_file.h"
#include "ui/tui_int.h"
#include "util/xmalloc.h"

#include <ctype.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <term.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#define MIN_COLS 80
#define MIN_ROWS 24
#define ANIM_MS 40

tui T;

static SCREEN *scr;
static FILE *devnull;

static void render(tui *t);
static void quit(tui *t, int rc);

/* ---- fatal signals: put the terminal back, then die as we would have ---- */

static struct termios saved_tio;
static int saved_tio_ok;
static char restore_seq[512];
static size_t restore_len;
static pid_t tui_pid;
static volatile sig_atomic_t screen_up;
static const int fatal_sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL };

/* Only async-signal-safe calls: this is what endwin() would do (leave the
 * alternate screen, show the cursor, reset attributes, restore the tty
 * modes), precomputed from terminfo when the screen came up. */
static void on_fatal(int sig)
{
	if (screen_up && getpid() == tui_pid) {
		if (restore_len && write(STDOUT_FILENO, restore_seq, restore_len) < 0) { /* nothing to do */ }
		if (saved_tio_ok) tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
		static const char msg[] = "\r\nparlab: fatal signal; the terminal was restored\r\n";
		if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0) { /* nothing to do */ }
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void add_cap(const char *name)
{
	char *s = tigetstr((char *)name);
	if (!s || s == (char *)-1) return;
	size_t n = strlen(s);
	if (restore_len + n < sizeof restore_seq) {
		memcpy(restore_seq + restore_len, s, n);
		restore_len += n;
	}
}

static void fatal_install(int on)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on ? on_fatal : SIG_DFL;
	sa.sa_flags = on ? SA_RESETHAND : 0;
	for (size_t i = 0; i < sizeof fatal_sigs / sizeof *fatal_sigs; i++) sigaction(fatal_sigs[i], &sa, NULL);
}

/* ---- layout ------------------------------------------------------------------ */

static void drop_windows(tui *t)
{
	WINDOW **ws[] = { &t->hdr, &t->lesson, &t->sep, &t->tl, &t->rule, &t->out, &t->status, &t->prompt, &t->full };
	for (size_t i = 0; i < sizeof ws / sizeof *ws; i++)
		if (*ws[i]) { delwin(*ws[i]); *ws[i] = NULL; }
}

static WINDOW *mkwin(int h, int w, int y, int x)
{
	WINDOW *win = newwin(h, w, y, x);
	if (win) {
		leaveok(win, TRUE);
		scrollok(win, FALSE);
	}
	return win;
}

/* The timeline's rows for a body of the given height. */
static int timeline_rows(tui *t, int body)
{
	int want = timeline_rows_wanted(t);
	int hi = body * 60 / 100, lo = 8 < hi ? 8 : hi;
	return want < lo ? lo : want > hi ? hi : want;
}

/* Places every pane for the current size; clear repaints the terminal. */
static void layout(tui *t, int clear)
{
	getmaxyx(stdscr, t->rows, t->cols);
	drop_windows(t);
	werase(stdscr);
	wnoutrefresh(stdscr);
	if (clear) clearok(curscr, TRUE);
	t->small = t->cols < MIN_COLS || t->rows < MIN_ROWS;
	if (t->small) {
		t->full = mkwin(t->rows, t->cols, 0, 0);
		if (t->rows >= 3) t->prompt = newwin(1, t->cols, t->rows - 1, 0);
	} else {
		int body = t->rows - 3;
		int lw = t->cols * 45 / 100;
		t->lw = lw < 44 ? 44 : lw > 88 ? 88 : lw;
		int rx = t->lw + 2, rw = t->cols - rx;
		t->tlh = timeline_rows(t, body);
		t->hdr = mkwin(1, t->cols, 0, 0);
		t->lesson = mkwin(body, t->lw - 2, 1, 1);
		t->sep = mkwin(body, 1, 1, t->lw);
		t->tl = mkwin(t->tlh, rw, 1, rx);
		t->rule = mkwin(1, rw, 1 + t->tlh, rx);
		t->out = mkwin(body - t->tlh - 1, rw, 2 + t->tlh, rx);
		t->status = mkwin(1, t->cols, t->rows - 2, 0);
		t->prompt = newwin(1, t->cols, t->rows - 1, 0);
	}
	if (t->prompt) {
		leaveok(t->prompt, FALSE);
		nodelay(t->prompt, TRUE);
		keypad(t->prompt, FALSE);   /* readline sees the raw bytes */
	}
	if (t->full) nodelay(t->full, TRUE);
	rl_set_screen_size(1, t->cols > 1 ? t->cols : 80);
	t->dirty = D_ALL;
}

/* Picks the size up from the terminal after SIGWINCH. */
static void resize(tui *t)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0 &&
	    (ws.ws_row != LINES || ws.ws_col != COLS))
		resizeterm(ws.ws_row, ws.ws_col);
	layout(t, 1);
}

/* ---- header, status, prompt --------------------------------------------------------- */

static void draw_header(tui *t)
{
	if (t->replay) { replay_header(t); return; }
	WINDOW *w = t->hdr;
	int W = getmaxx(w);
	werase(w);
	wbkgdset(w, ' ' | tui_attr(R_HEADER_DIM));
	tui_fill(w, 0, 0, W, tui_attr(R_HEADER_DIM), " ");
	course *c = engine_course(t->e);
	const lesson *L = engine_lesson(t->e);
	int li = engine_lesson_index(t->e), si = engine_step_index(t->e);
	char right[96], mid[256];
	int right_n = snprintf(right, sizeof right, "step %d/%d ", si + 1, L ? L->nsteps : 0);
	lesson_status st;   /* this lesson's score, saved answers included */
	engine_lesson_status(t->e, li, &st);
	if (st.asked && right_n > 0 && (size_t)right_n < sizeof right)
		snprintf(right + right_n, sizeof right - (size_t)right_n, " score %d/%d ", st.right, st.asked);
	snprintf(mid, sizeof mid, " %s %d/%d %s ", G.hline, li + 1, course_nlessons(c), L ? L->title : "");
	const char *pz = view_paused(t) ? " || paused " : "";   /* the live view stands still */
	int pw = u8_width(pz, strlen(pz));
	int rw = u8_width(right, strlen(right)), mw = u8_width(mid, strlen(mid));
	const char *ct = course_title(c);
	int cw = u8_width(ct, strlen(ct));
	int room = W - rw - pw - 2;
	int x = tui_puts(w, 0, 0, 1, tui_attr(R_HEADER), " ");
	if (cw + mw > room) {
		int keep = room - mw - 1;
		if (keep < 12) keep = room / 2;
		if (keep < cw) {
			x += tui_put(w, 0, x, keep, tui_attr(R_HEADER), ct, u8_fit(ct, strlen(ct), keep));
			x += tui_puts(w, 0, x, 1, tui_attr(R_HEADER), G.ellipsis);
		} else x += tui_puts(w, 0, x, keep, tui_attr(R_HEADER), ct);
	} else x += tui_puts(w, 0, x, cw, tui_attr(R_HEADER), ct);
	x += tui_puts(w, 0, x, W - rw - pw - x, tui_attr(R_HEADER), mid);
	if (pw) tui_puts(w, 0, W - rw - pw, pw, tui_attr(R_FOCUS), pz);
	tui_puts(w, 0, W - rw, rw, tui_attr(R_HEADER_DIM), right);
	wnoutrefresh(w);
}

/* Appends "key text · " pieces to the status line; a piece that does not
 * fit whole is left out, and so is every one after it. */
int tui_hint(WINDOW *w, int x, int W, const char *key, const char *text)
{
	int need = u8_width(key, strlen(key)) + (text ? u8_width(text, strlen(text)) : 0) + (x > 1 ? 3 : 0);
	if (x + need > W) return W;
	if (x > 1) {
		x += tui_puts(w, 0, x, W - x, tui_attr(R_DIM), " ");
		x += tui_puts(w, 0, x, W - x, tui_attr(R_DIM), G.dot);
		x += tui_puts(w, 0, x, W - x, tui_attr(R_DIM), " ");
	}
	x += tui_puts(w, 0, x, W - x, tui_attr(R_KEY), key);
	if (text) x += tui_puts(w, 0, x, W - x, tui_attr(R_DIM), text);
	return x;
}

static const char *const pane_names[F_NPANES] = { "lesson", "timeline", "output" };

/* "Tab focus: output" at the right end of the status line; returns the
 * columns it took (0 when the line is too narrow to spare them). */
static int focus_hint(tui *t, WINDOW *w, int W)
{
	const char *name = pane_names[t->focus];
	int need = (int)strlen("Tab focus: ") + (int)strlen(name) + 1;
	if (W < 60) return 0;
	int x = W - need;
	x += tui_puts(w, 0, x, 3, tui_attr(R_KEY), "Tab");
	x += tui_puts(w, 0, x, 8, tui_attr(R_DIM), " focus: ");
	tui_puts(w, 0, x, W - x, tui_attr(R_FOCUS_RULE), name);
	return need + 2;
}

/* The live view is paused: say so, and that the run goes on. */
static void paused_status(tui *t, WINDOW *w, int W)
{
	char b[24], what[64];
	snprintf(what, sizeof what, "|| paused at %s", trace_fmt_ns(b, sizeof b, t->clock));
	int x = 1 + tui_puts(w, 0, 1, W - 1, tui_attr(R_HINT), what);
	if (engine_running(t->e)) x += tui_puts(w, 0, x, W - x, tui_attr(R_DIM), ", the run goes on");
	else if (t->tr && trace_end(t->tr) > t->clock) x += tui_puts(w, 0, x, W - x, tui_attr(R_DIM), ", the run has ended since");
	x = tui_hint(w, x, W, "resume", ": live again");
	if (engine_running(t->e)) x = tui_hint(w, x, W, "stop", NULL);
	x = tui_hint(w, x, W, "zoom in", NULL);
	x = tui_hint(w, x, W, "help", NULL);
	(void)x;
}

static void draw_status(tui *t)
{
	WINDOW *w = t->status;
	int W = getmaxx(w);
	werase(w);
	int x = 1;
	if (t->msg[0]) {
		tui_puts(w, 0, 1, W - 2, tui_attr(t->msg_role), t->msg);
		wnoutrefresh(w);
		return;
	}
	W -= focus_hint(t, w, W);
	if (t->replay) { replay_status(t, W); return; }
	const step *s = engine_step(t->e);
	const lesson *L = engine_lesson(t->e);
	if (view_paused(t) && !t->overlay) {
		paused_status(t, w, W);
		wnoutrefresh(w);
		return;
	}
	if (!t->overlay && lesson_more_below(t)) {
		x = tui_hint(w, x, W, "Enter", ": read on");
		x = tui_hint(w, x, W, "PgUp/PgDn", ": scroll");
		if (engine_running(t->e)) x = tui_hint(w, x, W, "stop", ": end the run");
		x = tui_hint(w, x, W, "next", ": skip ahead");
		x = tui_hint(w, x, W, "help", NULL);
		wnoutrefresh(w);
		return;
	}
	int last = L && engine_step_index(t->e) == L->nsteps - 1 &&
		   engine_lesson_index(t->e) == course_nlessons(engine_course(t->e)) - 1;
	if (t->out_anchor >= 0) x = tui_hint(w, x, W, "Ctrl-Down", ": follow the output");
	if (t->overlay == OV_LESSONS) {
		x = tui_hint(w, x, W, "Up/Down", ": choose");
		x = tui_hint(w, x, W, "Enter", ": open");
		x = tui_hint(w, x, W, "Esc", ": back");
		x = tui_hint(w, x, W, "lessons N", NULL);
	} else if (engine_running(t->e)) {
		x = tui_hint(w, x, W, "stop", ": end the run");
		x = tui_hint(w, x, W, "pause", NULL);
		x = tui_hint(w, x, W, "Enter", ": next");
		x = tui_hint(w, x, W, "help", NULL);
		x = tui_hint(w, x, W, "Ctrl-Up/Down", ": scroll output");
	} else if (t->overlay) {
		x = tui_hint(w, x, W, "Esc", ": back to the lesson");
		x = tui_hint(w, x, W, "PgUp/PgDn", ": scroll");
	} else if (s && s->kind == STEP_QUIZ && !lesson_quiz(t, s)->correct && !lesson_quiz(t, s)->revealed) {
		char k[32];
		switch (s->qtype) {
		case QUIZ_CHOICE: snprintf(k, sizeof k, "1-%d", s->nchoices); break;
		case QUIZ_MULTI: snprintf(k, sizeof k, "numbers, e.g. 1 3"); break;
		case QUIZ_ORDER: snprintf(k, sizeof k, "numbers in order"); break;
		case QUIZ_NUMBER: snprintf(k, sizeof k, "a number"); break;
		case QUIZ_TEXT: snprintf(k, sizeof k, "words"); break;
		}
		x = tui_hint(w, x, W, k, ": answer");
		if (s->nhints) x = tui_hint(w, x, W, "hint", NULL);
		x = tui_hint(w, x, W, "Enter", ": skip");
		x = tui_hint(w, x, W, "back", NULL);
		x = tui_hint(w, x, W, "help", NULL);
	} else if (s && s->kind == STEP_RUN && lesson_run(t, s)->state == 0) {
		x = tui_hint(w, x, W, "run", ": start it");
		x = tui_hint(w, x, W, "Enter", ": next");
		x = tui_hint(w, x, W, "back", NULL);
		x = tui_hint(w, x, W, "help", NULL);
	} else if (last) {
		x = tui_hint(w, x, W, "back", NULL);
		x = tui_hint(w, x, W, "lessons", NULL);
		if (s && s->kind == STEP_RUN) x = tui_hint(w, x, W, "run", ": again");
		if (t->tr) x = tui_hint(w, x, W, "stats", NULL);
		x = tui_hint(w, x, W, "quit", NULL);
	} else if (t->cursor >= 0 || t->vspan) {   /* looking closely at the timeline */
		x = tui_hint(w, x, W, "Enter", ": next");
		if (t->cursor >= 0) x = tui_hint(w, x, W, "Shift-Left/Right", ": cursor");
		if (t->vspan) x = tui_hint(w, x, W, "Alt-Left/Right", ": pan");
		x = tui_hint(w, x, W, t->vspan ? "zoom fit" : "at off", NULL);
		x = tui_hint(w, x, W, "help", NULL);
	} else {
		x = tui_hint(w, x, W, "Enter", ": next");
		if (s && s->kind == STEP_RUN) x = tui_hint(w, x, W, "run", ": again");
		if (s && s->kind == STEP_RUN && t->tr) x = tui_hint(w, x, W, "stats", NULL);
		x = tui_hint(w, x, W, "back", NULL);
		x = tui_hint(w, x, W, "lessons", NULL);
		x = tui_hint(w, x, W, "help", NULL);
		x = tui_hint(w, x, W, "quit", NULL);
	}
	(void)x;
	wnoutrefresh(w);
}

/* Readline's line in the prompt window, scrolled so the cursor shows. */
static void draw_prompt(tui *t)
{
	WINDOW *w = t->prompt;
	if (!w) return;
	int W = getmaxx(w);
	werase(w);
	const char *pr = rl_display_prompt ? rl_display_prompt : "";
	int x = tui_puts(w, 0, 0, W - 8, tui_attr(R_PROMPT), pr);
	const char *line = rl_line_buffer ? rl_line_buffer : "";
	size_t end = (size_t)(rl_end > 0 ? rl_end : 0), point = (size_t)(rl_point > 0 ? rl_point : 0);
	if (point > end) point = end;
	int avail = W - x - 1;
	size_t start = 0, adv;
	while (u8_width(line + start, point - start) > avail && start < point) {
		u8_char(line + start, end - start, &adv);
		start += adv;
	}
	int pre = start ? tui_puts(w, 0, x, 1, tui_attr(R_DIM), G.ellipsis) : 0;
	tui_put(w, 0, x + pre, avail - pre, tui_attr(R_TEXT), line + start, end - start);
	int cx = x + pre + u8_width(line + start, point - start);
	wmove(w, 0, cx < W ? cx : W - 1);
}

static void draw_small(tui *t)
{
	WINDOW *w = t->full;
	werase(w);
	char msg[96];
	snprintf(msg, sizeof msg, "terminal too small (need %dx%d, have %dx%d)", MIN_COLS, MIN_ROWS, t->cols, t->rows);
	const char *sub = "enlarge the window, or type quit";
	int ph = t->prompt ? 1 : 0;
	tdoc d;
	doc_init(&d, t->cols > 2 ? t->cols - 2 : 1);
	doc_para(&d, R_BOLD, msg, strlen(msg), NULL, NULL, R_BOLD);
	doc_para(&d, R_DIM, sub, strlen(sub), NULL, NULL, R_DIM);
	int y0 = (t->rows - ph - (int)d.n) / 2;
	if (y0 < 0) y0 = 0;
	for (size_t i = 0; i < d.n; i++) {
		const tline *l = &d.v[i];
		int lw = line_width(l), x = (t->cols - lw) / 2;
		if (x < 0) x = 0;
		for (size_t k = 0; k < l->nsp; k++)
			x += tui_put(w, y0 + (int)i, x, t->cols - x, tui_attr(l->sp[k].role), l->buf + l->sp[k].off,
				     (size_t)l->sp[k].len);
	}
	doc_free(&d);
	wnoutrefresh(w);
}

/* ---- the trace being shown ----------------------------------------------------------- */

static unsigned long out_sig(tui *t, const trace *tr)
{
	return (unsigned long)output_count(t, tr) * 131 + trace_ndropped(tr) * 7 + (trace_end(tr) >= 0) +
	       (unsigned long)trace_ntasks(tr) * 1000003 +
	       (view_paused(t) ? trace_nlines(tr) * 17 : 0);   /* paused: the rule counts what came since */
}

/* The current step's trace, or the last one shown while in the same lesson. */
static void track_trace(tui *t)
{
	trace *cur = t->e ? engine_trace(t->e) : NULL;
	if (cur && cur != t->tr) {
		view_live(t);   /* a pause was of the trace shown before */
		t->tr = cur;
		t->tr_step = engine_step(t->e);
		t->lane_top = 0;
		t->out_anchor = -1;
		view_reset(t);
		t->dirty |= D_TL | D_OUT;
	}
	if (!t->tr) return;
	unsigned long v = trace_version(t->tr), o = out_sig(t, t->tr);
	if (v != t->tl_ver) { t->tl_ver = v; t->dirty |= D_TL; }
	if (o != t->out_ver) { t->out_ver = o; t->dirty |= D_OUT; }
}

/* ---- rendering -------------------------------------------------------------------------- */

/* The stats panel: the shown trace's numbers up to the instant shown. */
static void stats_panel(tui *t)
{
	doc_reset(&t->ov, t->lw - 2);
	stats_doc(&t->ov, t->tr, tui_now(t, t->tr, NULL));
	doc_blank(&t->ov);
	doc_para(&t->ov, R_DIM, "Esc or Enter goes back.", 23, NULL, NULL, R_DIM);
}

/* Help and the menu are built at the pane's width: again after a resize. */
static void overlay_fit(tui *t)
{
	if (t->ov.width == t->lw - 2) return;
	if (t->overlay == OV_HELP) lesson_help(t);
	else if (t->overlay == OV_LESSONS) lesson_list(t);
}

static void render(tui *t)
{
	if (!t->open) return;
	track_trace(t);
	if (t->small) {
		if (t->dirty & ~D_PROMPT) draw_small(t);
	} else {
		if (timeline_rows(t, t->rows - 3) != t->tlh) layout(t, 0);
		if (t->dirty & D_DOC) { t->replay ? replay_build(t) : lesson_build(t); t->dirty |= D_LESSON; }
		if (t->dirty & D_LESSON) overlay_fit(t);
		if (t->overlay == OV_STATS && t->tr && (t->dirty & D_TL)) { stats_panel(t); t->dirty |= D_LESSON; }
		if (t->dirty & D_HDR) draw_header(t);
		if (t->dirty & D_LESSON) { lesson_draw(t); t->dirty |= D_STATUS; }
		if (t->dirty & D_TL) timeline_draw(t);
		if (t->dirty & D_OUT) output_draw(t);
		if (t->dirty & D_STATUS) draw_status(t);
	}
	if (t->prompt) {
		draw_prompt(t);   /* cheap, and the cursor must end up here */
		wnoutrefresh(t->prompt);
	}
	doupdate();
	t->dirty = 0;
}

void tui_render(tui *t) { render(t); }

/* ---- runs ------------------------------------------------------------------------------- */

static void on_anim(loop *l, long id, void *arg)
{
	(void)l; (void)id;
	tui *t = arg;
	if (!t->open) return;
	if (!view_paused(t)) t->dirty |= D_TL;   /* paused: the same picture */
	render(t);
}

static void anim_stop(tui *t)
{
	if (t->anim) loop_timer_del(t->l, t->anim);
	t->anim = 0;
}

static void on_run_update(run *r, void *arg)
{
	(void)r;
	tui *t = arg;
	if (!t->open) return;
	if (!t->anim) render(t);   /* else the next frame shows it */
}

static const step *live_step;

static void on_run_done(run *r, void *arg)
{
	(void)r;
	tui *t = arg;
	if (!t->open) return;
	anim_stop(t);
	if (live_step) {
		run_state *rs = lesson_run(t, live_step);
		rs->state = 2;
		rs->failed = engine_run_failed(t->e);
		free(rs->outcome);
		rs->outcome = xstrdup(t->tr && trace_outcome(t->tr) ? trace_outcome(t->tr) : "finished");
	}
	live_step = NULL;
	if (t->msg_run) t->msg[0] = '\0';   /* "Stopping the run..." is over */
	t->dirty |= D_DOC | D_TL | D_OUT | D_STATUS | D_HDR;   /* predictions judged: the score moved */
	render(t);
}

void tui_msg(tui *t, int role, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof t->msg, fmt, ap);
	va_end(ap);
	t->msg_role = role;
	t->msg_run = 0;
	t->dirty |= D_STATUS;
}

static void do_run(tui *t)
{
	const step *s = engine_step(t->e);
	if (s && s->kind == STEP_RUN && !engine_running(t->e)) {
		/* engine_run frees the previous trace: forget it first. */
		t->tr = NULL;
		t->tr_step = NULL;
	}
	run_events ev = { on_run_update, on_run_done, t };
	char *err = NULL;
	if (engine_run(t->e, &ev, &err) < 0) {
		if (s && s->kind != STEP_RUN)
			tui_msg(t, R_ERR, "Nothing to run on this step: run steps have a box with \"Type run\".");
		else
			tui_msg(t, R_ERR, "%s", err ? err : "the run could not start");
		free(err);
		return;
	}
	live_step = s;
	run_state *rs = lesson_run(t, s);
	rs->state = 1;
	rs->failed = 0;
	t->lane_top = 0;
	t->out_anchor = -1;
	view_reset(t);
	t->dirty |= D_DOC | D_TL | D_OUT | D_STATUS;
	if (!t->anim) t->anim = loop_timer_add(t->l, ANIM_MS, 1, on_anim, t);
	if (!engine_running(t->e)) on_run_done(NULL, t);   /* over already */
}

/* ---- commands --------------------------------------------------------------------------- */

static const char *commands[] = {
	"next", "back", "run", "stop", "pause", "resume", "play", "hint", "lessons", "stats", "zoom", "pan", "at", "focus",
	"save", "help", "quit", "exit", NULL,
};
static const char *replay_commands[] = {
	"pause", "play", "resume", "step", "seek", "speed", "restart", "stats", "zoom", "pan", "at", "focus", "save", "help",
	"quit", "exit", NULL,
};

static void moved(tui *t)
{
	int li = engine_lesson_index(t->e);
	if (li != t->last_li && !engine_trace(t->e) && !engine_running(t->e)) {
		t->tr = NULL;   /* another lesson: the old run's picture would confuse */
		t->tr_step = NULL;
		view_live(t);
	}
	t->last_li = li;
	t->last_si = engine_step_index(t->e);
	t->lesson_follow = 1;
	t->overlay = OV_NONE;
	t->dirty |= D_DOC | D_HDR | D_STATUS | D_TL | D_OUT;
}

void tui_moved(tui *t) { moved(t); }

/* A lesson that does not let the student skip its questions held them. */
static void blocked(tui *t, const step *q)
{
	int li = 0, si = q ? engine_locate(t->e, q, &li) : 0;
	if (q && li == engine_lesson_index(t->e) && si == engine_step_index(t->e))
		tui_msg(t, R_HINT, "This lesson asks you to answer its questions: answer this one first (hint can help).");
	else
		tui_msg(t, R_HINT, "Lesson %d asks you to answer its questions: step %d has one still open (lessons %d).",
			li + 1, si + 1, li + 1);
}

static int is_cmd(const char *w, const char *a, const char *b)
{
	return !strcasecmp(w, a) || (b && !strcasecmp(w, b));
}

static void do_answer(tui *t, const step *s, const char *input)
{
	quiz_result res;
	if (engine_answer(t->e, input, &res) < 0) {
		if (s->qtype == QUIZ_CHOICE)
			tui_msg(t, R_ERR, "\"%s\" is not one of the choices (1-%d) nor a command; type help for the commands.",
			    input, s->nchoices);
		else
			tui_msg(t, R_ERR, "\"%s\" is no answer here (%s) nor a command; type help for the commands.",
			    input, res.why);
		return;
	}
	if (res.predicted) {
		tui_msg(t, R_OK, "Prediction kept. Type next, then run: the run \"%s\" will judge it.", s->predict);
		t->lesson_follow = 1;
		t->dirty |= D_DOC | D_STATUS;
		return;
	}
	quiz_state *q = lesson_quiz(t, s);
	q->tries++;
	q->chosen = res.choice;
	snprintf(q->input, sizeof q->input, "%s", input);
	q->correct = res.correct;
	if (!res.correct && q->tries >= (s->retries > 0 ? s->retries : 2)) q->revealed = 1;
	t->lesson_follow = 1;
	t->dirty |= D_DOC | D_HDR | D_STATUS;
}

/* ---- the timeline's commands and save ------------------------------------------------- */

static void cmd_zoom(tui *t, const char *arg)
{
	int64_t ns;
	if (!*arg || !strcasecmp(arg, "in")) view_zoom(t, 2);
	else if (!strcasecmp(arg, "out")) view_zoom(t, 0.5);
	else if (!strcasecmp(arg, "fit") || !strcasecmp(arg, "all")) view_zoom(t, 0);
	else if (!tui_parse_ns(arg, &ns) && ns > 0) view_zoom_span(t, ns);
	else tui_msg(t, R_ERR, "zoom in, zoom out, zoom fit, or zoom TIME (e.g. zoom 5ms): not \"%s\"", arg);
}

static void cmd_pan(tui *t, const char *arg)
{
	if (!strcasecmp(arg, "left") || !strcasecmp(arg, "l") || !strcasecmp(arg, "earlier")) view_pan(t, -1);
	else if (!strcasecmp(arg, "right") || !strcasecmp(arg, "r") || !strcasecmp(arg, "later")) view_pan(t, 1);
	else tui_msg(t, R_ERR, "pan left or pan right (or Alt-Left/Right)");
}

static void cmd_at(tui *t, const char *arg)
{
	int64_t ns;
	if (!*arg || !strcasecmp(arg, "off") || !strcasecmp(arg, "none")) view_cursor(t, -1);
	else if (!tui_parse_ns(arg, &ns)) view_cursor(t, ns);
	else tui_msg(t, R_ERR, "at TIME puts the cursor there (e.g. at 12.5ms, at 300us); at off removes it");
}

/* ./parlab-five-worker-processes-20250101-120000.trace */
static char *save_name(const trace *tr)
{
	char slug[40], when[32];
	size_t o = 0;
	for (const char *p = trace_title(tr); *p && o + 1 < sizeof slug; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x80 && isalnum(c)) slug[o++] = (char)tolower(c);
		else if (o && slug[o - 1] != '-') slug[o++] = '-';
	}
	while (o && slug[o - 1] == '-') o--;
	slug[o] = '\0';
	time_t now = time(NULL);
	strftime(when, sizeof when, "%Y%m%d-%H%M%S", localtime(&now));
	return xasprintf("parlab-%s%s%s.trace", slug, o ? "-" : "", when);
}

static void cmd_save(tui *t, const char *arg)
{
	if (!t->tr) { tui_msg(t, R_DIM, "No run to save yet: type run first."); return; }
	if (trace_end(t->tr) < 0) { tui_msg(t, R_DIM, "The run is still going: save it once it has ended."); return; }
	if (!*arg && t->replay) { tui_msg(t, R_DIM, "save FILE: name the copy."); return; }
	const char *home = getenv("HOME");
	char *path = !*arg ? save_name(t->tr)
		     : arg[0] == '~' && arg[1] == '/' && home ? xasprintf("%s%s", home, arg + 1) : xstrdup(arg);
	char *err = NULL, cwd[4096];
	if (trace_save(t->tr, path, &err) < 0) {
		tui_msg(t, R_ERR, "Not saved: %s", err ? err : path);
	} else {
		char *full = path[0] != '/' && getcwd(cwd, sizeof cwd) ? xasprintf("%s/%s", cwd, path) : xstrdup(path);
		tui_msg(t, R_OK, "Saved: %s (parlab replay FILE plays it back)", full);
		free(full);
	}
	free(err);
	free(path);
}

/* ---- focus, pause, overlays: commands and keys share these ---------------------------- */

static void focus_set(tui *t, int f)
{
	t->focus = (f % F_NPANES + F_NPANES) % F_NPANES;
	t->dirty |= D_LESSON | D_TL | D_OUT | D_STATUS;   /* titles, rule and separator */
}

static void cmd_focus(tui *t, const char *arg)
{
	for (int f = 0; f < F_NPANES; f++)
		if (*arg && !strncasecmp(arg, pane_names[f], strlen(arg))) { focus_set(t, f); return; }
	if (!strcasecmp(arg, "tl") || !strcasecmp(arg, "lanes")) { focus_set(t, F_TIMELINE); return; }
	tui_msg(t, R_ERR, "focus lesson, focus timeline or focus output (Tab on an empty prompt cycles)");
}

/* pause / resume of the live picture (the replay has its own clock). */
static void set_paused(tui *t, int on)
{
	if (t->replay) {
		replay_command(t, on ? "pause" : "play", "");
		return;
	}
	if (on) view_pause(t);
	else if (view_paused(t)) view_live(t);
	else tui_msg(t, R_DIM, "Not paused: the picture is live. pause (or F12) freezes it.");
}

static void ov_close(tui *t)
{
	t->overlay = OV_NONE;
	t->lesson_follow = !t->replay;
	t->dirty |= D_LESSON | D_STATUS;
}

static void ov_help(tui *t)
{
	lesson_help(t);
	t->overlay = OV_HELP;
	t->lesson_top = 0;
	focus_set(t, F_LESSON);   /* PgUp/PgDn should move the page */
}

/* Commands of both the lesson and the replay: 1 when word was one. */
static int common_command(tui *t, const char *word, const char *arg)
{
	if (is_cmd(word, "zoom", "z")) cmd_zoom(t, arg);
	else if (is_cmd(word, "focus", NULL)) cmd_focus(t, arg);
	else if (is_cmd(word, "pause", NULL)) set_paused(t, 1);
	else if (is_cmd(word, "resume", "play") || is_cmd(word, "live", NULL)) set_paused(t, 0);
	else if (is_cmd(word, "pan", NULL)) cmd_pan(t, arg);
	else if (is_cmd(word, "at", "cursor")) cmd_at(t, arg);
	else if (is_cmd(word, "save", NULL)) cmd_save(t, arg);
	else if (is_cmd(word, "trace", NULL) && !strncmp(arg, "save", 4) && (!arg[4] || arg[4] == ' '))
		cmd_save(t, arg[4] ? arg + 5 : "");   /* "trace save [FILE]", as the docs also call it */
	else if (is_cmd(word, "stats", "statistics")) {
		if (t->replay) { tui_msg(t, R_DIM, "The statistics are on the left, up to the replay's clock."); return 1; }
		if (!t->tr) { tui_msg(t, R_DIM, "No run yet: the statistics come after a run."); return 1; }
		t->overlay = OV_STATS;
		t->lesson_top = 0;
		focus_set(t, F_LESSON);
		t->dirty |= D_TL | D_LESSON;   /* the panel is built with the timeline */
	} else if (is_cmd(word, "help", "?") || is_cmd(word, "h", NULL)) {
		ov_help(t);
	} else if (is_cmd(word, "quit", "exit") || is_cmd(word, "q", NULL)) {
		quit(t, 0);
	} else return 0;
	return 1;
}

/* ---- commands of the lesson ------------------------------------------------------------ */

static void command(tui *t, char *line)
{
	char *p = line;
	while (*p == ' ' || *p == '\t') p++;
	size_t n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t')) p[--n] = '\0';
	char word[64] = "";
	const char *arg = "";
	sscanf(p, "%63s", word);
	const char *sp = strpbrk(p, " \t");
	if (sp) { arg = sp; while (*arg == ' ' || *arg == '\t') arg++; }

	t->msg[0] = '\0';
	t->dirty |= D_STATUS;
	/* The stats panel stays open for zoom, pan and the cursor: the numbers
	 * beside the picture they describe. */
	int keep = t->overlay == OV_STATS && (is_cmd(word, "zoom", "pan") || is_cmd(word, "at", "stats") ||
					      is_cmd(word, "pause", "resume") || is_cmd(word, "focus", "play"));
	if (t->overlay == OV_LESSONS && !*p && !t->replay) {   /* Enter opens the lesson chosen */
		menu_open(t);
		return;
	}
	if (t->overlay && !keep && !is_cmd(word, "help", "?") && !is_cmd(word, "lessons", "lesson")) {
		ov_close(t);
		if (!*p) return;   /* Enter just closes it */
	}
	if (t->replay) {
		if (!replay_command(t, word, arg) && !common_command(t, word, arg))
			tui_msg(t, R_ERR, "Unknown command \"%s\" in a replay. Type help for the commands.", word);
		return;
	}
	if (common_command(t, word, arg)) return;
	const step *s = engine_step(t->e);
	if (!*p && !t->small && lesson_more_below(t)) {   /* Enter reads on before moving on */
		lesson_scroll(t, getmaxy(t->lesson) - 2);
		return;
	}
	if (!*p || is_cmd(word, "next", "n")) {
		if (*arg) { tui_msg(t, R_ERR, "next takes no argument"); return; }
		int rc = engine_next(t->e);
		if (rc == -2) blocked(t, engine_blocker(t->e, engine_lesson_index(t->e), engine_step_index(t->e) + 1));
		else if (rc < 0) tui_msg(t, R_DIM, "This is the last step of the course: type lessons to pick one, or quit.");
		else moved(t);
	} else if (is_cmd(word, "back", "b") || is_cmd(word, "prev", NULL)) {
		if (engine_back(t->e) < 0) tui_msg(t, R_DIM, "This is the first step of the course.");
		else moved(t);
	} else if (is_cmd(word, "run", "r")) {
		do_run(t);
	} else if (is_cmd(word, "stop", NULL)) {
		if (engine_running(t->e)) {
			engine_stop(t->e, "stopped by you");
			tui_msg(t, R_DIM, "Stopping the run...");
			t->msg_run = 1;
		} else tui_msg(t, R_DIM, "Nothing is running.");
	} else if (is_cmd(word, "hint", NULL)) {
		if (!s || s->kind != STEP_QUIZ) { tui_msg(t, R_DIM, "Hints are for questions; this step has none."); return; }
		const char *h = engine_hint(t->e);
		quiz_state *q = lesson_quiz(t, s);
		if (!h) { tui_msg(t, R_DIM, q->nhints ? "No more hints." : "This question has no hints."); return; }
		if (q->nhints < (int)(sizeof q->hints / sizeof *q->hints)) q->hints[q->nhints++] = h;
		t->lesson_follow = 1;
		t->dirty |= D_DOC;
	} else if (is_cmd(word, "lessons", "lesson") || is_cmd(word, "l", NULL)) {
		if (*arg) {
			char *end;
			long k = strtol(arg, &end, 10);
			int nl = course_nlessons(engine_course(t->e));
			int rc = *end ? -1 : engine_goto(t->e, (int)k - 1, 0);
			if (rc == -2) {
				blocked(t, engine_blocker(t->e, (int)k - 1, 0));
				return;
			}
			if (rc < 0) {
				tui_msg(t, R_ERR, "There is no lesson \"%s\": lessons are numbered 1-%d.", arg, nl);
				return;
			}
			moved(t);
			return;
		}
		lesson_list(t);
		t->overlay = OV_LESSONS;
		t->lesson_top = 0;
		t->dirty |= D_LESSON;
	} else if (s && s->kind == STEP_QUIZ) {
		do_answer(t, s, p);
	} else {
		char *end;
		strtol(p, &end, 10);
		if (!*end) tui_msg(t, R_ERR, "There is no question on this step to answer.");
		else tui_msg(t, R_ERR, "Unknown command \"%s\". Type help for the commands.", word);
	}
}

static void on_line(char *line)
{
	tui *t = &T;
	if (!line) {   /* Ctrl-D on an empty line */
		quit(t, 0);
		return;
	}
	if (*line) {
		HIST_ENTRY *h = history_length ? history_get(history_base + history_length - 1) : NULL;
		if (!h || strcmp(h->line, line)) add_history(line);
	}
	command(t, line);
	free(line);
	char *problem = t->e ? engine_progress_problem(t->e) : NULL;   /* said once, not hidden */
	if (problem) tui_msg(t, R_ERR, "parlab: %s", problem);
	free(problem);
	t->dirty |= D_PROMPT;
}

/* ---- readline hooks ------------------------------------------------------------------------- */

static int rl_getc_cb(FILE *f)
{
	(void)f;
	if (T.inpos < T.inlen) return T.in[T.inpos++];
	/* Readline wants the rest of a sequence we have not seen: wait a bit. */
	struct pollfd p = { STDIN_FILENO, POLLIN, 0 };
	if (poll(&p, 1, 100) > 0 && T.prompt) {
		nodelay(T.prompt, FALSE);
		wtimeout(T.prompt, 50);
		int c = wgetch(T.prompt);
		nodelay(T.prompt, TRUE);
		if (c != ERR && c >= 0 && c < 256) return c;
	}
	return 7;   /* ^G: abort the half-typed key sequence */
}

static int rl_avail_cb(void) { return T.inpos < T.inlen; }

static void rl_redisplay_cb(void) { T.dirty |= D_PROMPT; }

static char *cmd_gen(const char *text, int state)
{
	static int i;
	static size_t len;
	if (!state) { i = 0; len = strlen(text); }
	const char **cmds = T.replay ? replay_commands : commands;
	while (cmds[i]) {
		const char *c = cmds[i++];
		if (!strncasecmp(c, text, len)) return xstrdup(c);
	}
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	(void)end;
	rl_attempted_completion_over = 1;   /* never file names */
	return start == 0 ? rl_completion_matches(text, cmd_gen) : NULL;
}

/* Several completions: list them on the status line, not on the terminal. */
static void show_matches(char **matches, int num, int maxlen)
{
	(void)maxlen;
	char buf[256] = "Completions:";
	size_t o = strlen(buf);
	for (int i = 1; i <= num && o + 2 < sizeof buf; i++)
		o += (size_t)snprintf(buf + o, sizeof buf - o, " %s", matches[i]);
	tui_msg(&T, R_DIM, "%s", buf);
}

/* PgUp/PgDn (whole: Home/End) move the focused pane by a page. */
static void pane_move(tui *t, int dir, int whole)
{
	enum { ALL = 1 << 20 };   /* clamped by each pane */
	if (t->small) return;
	if (t->focus == F_LESSON) {
		lesson_scroll(t, dir * (whole ? ALL : getmaxy(t->lesson) - 2));
	} else if (t->focus == F_TIMELINE) {
		lanes_scroll(t, dir * (whole ? ALL : t->lane_page > 1 ? t->lane_page - 1 : 1));
	} else if (whole && dir > 0) {   /* the bottom of the output: follow it again */
		t->out_anchor = -1;
		t->dirty |= D_OUT;
	} else {
		output_scroll(t, dir * (whole ? ALL : t->out_page > 2 ? t->out_page - 1 : 1));
	}
	t->dirty |= D_STATUS;
}

/* Keys that mean something else on an empty prompt than in a typed line:
 * there, ?, Tab, q, Home/End and Up/Down act on the screen. */
static int key_page_up(int c, int k) { (void)c; (void)k; pane_move(&T, -1, 0); return 0; }
static int key_page_down(int c, int k) { (void)c; (void)k; pane_move(&T, 1, 0); return 0; }
static int key_top(int c, int k)
{
	if (rl_end) return rl_beg_of_line(c, k);
	pane_move(&T, -1, 1);
	return 0;
}
static int key_bottom(int c, int k)
{
	if (rl_end) return rl_end_of_line(c, k);
	pane_move(&T, 1, 1);
	return 0;
}
static int key_tab(int c, int k)
{
	if (rl_end) return rl_complete(c, k);
	T.msg[0] = '\0';
	focus_set(&T, T.focus + 1);
	return 0;
}
static int key_backtab(int c, int k) { (void)c; (void)k; T.msg[0] = '\0'; focus_set(&T, T.focus - 1); return 0; }
static int key_open_help(int c, int k)
{
	(void)c; (void)k;
	T.msg[0] = '\0';
	if (T.overlay == OV_HELP) ov_close(&T);
	else ov_help(&T);
	return 0;
}
static int key_question(int c, int k) { return rl_end ? rl_insert(c, k) : key_open_help(c, k); }
static int key_q(int c, int k)
{
	if (rl_end || !T.overlay) return rl_insert(c, k);
	ov_close(&T);
	return 0;
}
/* Up/Down over an open page: the menu's selection, else a line. */
static int overlay_line(int delta)
{
	if (T.overlay == OV_LESSONS && !T.replay) menu_move(&T, delta);
	else lesson_scroll(&T, delta);
	return 0;
}
static int key_hist_prev(int c, int k) { return rl_end || !T.overlay || T.small ? rl_get_previous_history(c, k) : overlay_line(-1); }
static int key_hist_next(int c, int k) { return rl_end || !T.overlay || T.small ? rl_get_next_history(c, k) : overlay_line(1); }
static int key_pause(int c, int k)
{
	(void)c; (void)k;
	T.msg[0] = '\0';
	set_paused(&T, T.replay ? T.play != 0 : !view_paused(&T));
	T.dirty |= D_STATUS;
	return 0;
}
static int key_out_up(int c, int k) { (void)c; (void)k; output_scroll(&T, -(T.out_page > 2 ? T.out_page / 2 : 1)); T.dirty |= D_STATUS; return 0; }
static int key_out_down(int c, int k) { (void)c; (void)k; output_scroll(&T, T.out_page > 2 ? T.out_page / 2 : 1); T.dirty |= D_STATUS; return 0; }
static int key_lanes_up(int c, int k) { (void)c; (void)k; lanes_scroll(&T, -3); return 0; }
static int key_lanes_down(int c, int k) { (void)c; (void)k; lanes_scroll(&T, 3); return 0; }
static int key_redraw(int c, int k) { (void)c; (void)k; clearok(curscr, TRUE); T.dirty |= D_ALL; return 0; }
/* The timeline's keys: a message they leave replaces the last one. */
static int key_view(int (*fn)(tui *, int), int arg)
{
	T.msg[0] = '\0';
	fn(&T, arg);
	T.dirty |= D_STATUS;
	return 0;
}
static int zoom_by(tui *t, int in) { return view_zoom(t, in ? 2 : 0.5); }
static int key_pan_left(int c, int k) { (void)c; (void)k; return key_view(view_pan, -1); }
static int key_pan_right(int c, int k) { (void)c; (void)k; return key_view(view_pan, 1); }
static int key_zoom_in(int c, int k) { (void)c; (void)k; return key_view(zoom_by, 1); }
static int key_zoom_out(int c, int k) { (void)c; (void)k; return key_view(zoom_by, 0); }
static int key_cur_left(int c, int k) { (void)c; (void)k; return key_view(view_cursor_step, -1); }
static int key_cur_right(int c, int k) { (void)c; (void)k; return key_view(view_cursor_step, 1); }

static void readline_init(void)
{
	rl_readline_name = "parlab";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;   /* else LINES/COLUMNS get exported and ncurses stops resizing */
	rl_prep_term_function = NULL;
	rl_deprep_term_function = NULL;
	rl_getc_function = rl_getc_cb;
	rl_input_available_hook = rl_avail_cb;
	rl_redisplay_function = rl_redisplay_cb;
	rl_attempted_completion_function = complete;
	rl_completion_display_matches_hook = show_matches;
	devnull = fopen("/dev/null", "w");
	rl_outstream = devnull ? devnull : stderr;   /* readline must never write to the screen */
	rl_instream = stdin;
	rl_initialize();
	rl_variable_bind("bell-style", "none");
	static const struct { const char *seq; rl_command_func_t *fn; } keys[] = {
		{ "\\e[5~", key_page_up }, { "\\e[6~", key_page_down },
		{ "\\e[1~", key_top }, { "\\e[7~", key_top }, { "\\e[H", key_top }, { "\\eOH", key_top },
		{ "\\e[4~", key_bottom }, { "\\e[8~", key_bottom }, { "\\e[F", key_bottom }, { "\\eOF", key_bottom },
		{ "\\e[A", key_hist_prev }, { "\\eOA", key_hist_prev }, { "\\e[B", key_hist_next }, { "\\eOB", key_hist_next },
		{ "\\t", key_tab }, { "\\e[Z", key_backtab }, { "?", key_question }, { "q", key_q },
		{ "\\eOP", key_open_help }, { "\\e[11~", key_open_help }, { "\\e[24~", key_pause },
		{ "\\e[1;5A", key_out_up }, { "\\e[1;5B", key_out_down },
		{ "\\e[5;3~", key_out_up }, { "\\e[6;3~", key_out_down },
		{ "\\e[18~", key_out_up }, { "\\e[19~", key_out_down },
		{ "\\e[1;3A", key_lanes_up }, { "\\e[1;3B", key_lanes_down },
		{ "\\e[15~", key_lanes_up }, { "\\e[17~", key_lanes_down },
		{ "\\e[1;3D", key_pan_left }, { "\\e[1;3C", key_pan_right },
		{ "\\e[20~", key_zoom_out }, { "\\e[21~", key_zoom_in },
		{ "\\e-", key_zoom_out }, { "\\e=", key_zoom_in }, { "\\e+", key_zoom_in },
		{ "\\e[1;2D", key_cur_left }, { "\\e[1;2C", key_cur_right },
		{ "\\C-l", key_redraw },
	};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) rl_bind_keyseq(keys[i].seq, keys[i].fn);
	using_history();
	stifle_history(500);
}

/* Esc closes what is open over the lesson pane, else the message. */
static void key_escape(tui *t)
{
	if (t->overlay) ov_close(t);
	else if (t->msg[0]) { t->msg[0] = '\0'; t->dirty |= D_STATUS; }
}

/* ---- input ------------------------------------------------------------------------------------- */

/* Bytes at the end of buf that start an unfinished UTF-8 character. */
static size_t partial_utf8(const unsigned char *buf, size_t n)
{
	for (size_t k = 1; k <= 3 && k <= n; k++) {
		unsigned char c = buf[n - k];
		if ((c & 0xC0) == 0x80) continue;   /* continuation: look further back */
		size_t need = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
		return need > k ? k : 0;
	}
	return 0;
}

static void feed(tui *t)
{
	size_t lim = t->inlen - partial_utf8(t->in, t->inlen);
	while (t->inpos < lim && !t->quitting) rl_callback_read_char();
	if (t->quitting) { t->inlen = t->inpos = 0; return; }
	memmove(t->in, t->in + t->inpos, t->inlen - t->inpos);
	t->inlen -= t->inpos;
	t->inpos = 0;
}

static void on_stdin(loop *l, int fd, int events, void *arg)
{
	(void)l; (void)fd;
	tui *t = arg;
	static int empty_wakeups;
	if (!t->open) return;
	WINDOW *in = t->prompt ? t->prompt : t->full;
	int got = 0, c, esc = 0;
	for (;;) {
		while (in && !t->quitting && (c = wgetch(in)) != ERR) {
			got = 1;
			if (c == KEY_RESIZE) { layout(t, 1); in = t->prompt ? t->prompt : t->full; continue; }
			if (c < 0 || c > 255) continue;
			t->in[t->inlen++] = (unsigned char)c;
			if (t->inlen == sizeof t->in) feed(t);
		}
		if (!t->inlen || t->in[t->inlen - 1] != 27 || t->quitting) break;
		/* Esc on its own is a key here; readline would wait for the rest
		 * of a sequence. A key's sequence arrives at once: wait briefly. */
		struct pollfd pf = { STDIN_FILENO, POLLIN, 0 };
		if (poll(&pf, 1, 25) > 0) continue;
		while (t->inlen > t->inpos && t->in[t->inlen - 1] == 27) t->inlen--;
		esc = 1;
		break;
	}
	if (got && t->e) engine_touch(t->e);   /* the student is here: time counts */
	feed(t);
	if (esc && !t->quitting) key_escape(t);
	/* Readable but nothing to read, again and again: the terminal is gone. */
	if (!got && ((events & LOOP_HUP) || ++empty_wakeups > 50)) quit(t, 129);
	if (got) empty_wakeups = 0;
	render(t);
}

/* ---- signals and the way out --------------------------------------------------------------------- */

static void quit(tui *t, int rc)
{
	if (t->quitting) return;
	t->quitting = 1;
	t->rc = rc;
	loop_stop(t->l);
}

static void on_signal(loop *l, int sig, void *arg)
{
	(void)l;
	tui *t = arg;
	if (!t->open) return;
	switch (sig) {
	case SIGWINCH:
		resize(t);
		break;
	case SIGINT:
		if (t->e && engine_running(t->e)) {
			engine_stop(t->e, "stopped by you (Ctrl-C)");
			tui_msg(t, R_DIM, "Stopping the run... (Ctrl-C with no run quits)");
			t->msg_run = 1;
		} else {
			quit(t, 130);
		}
		break;
	default:   /* SIGTERM, SIGHUP, SIGQUIT */
		quit(t, 128 + sig);
		break;
	}
	render(t);
}

static void teardown(tui *t)
{
	if (!t->open) return;
	anim_stop(t);
	loop_fd_del(t->l, STDIN_FILENO);
	rl_callback_handler_remove();
	drop_windows(t);
	endwin();
	screen_up = 0;
	fatal_install(0);
	if (scr) { delscreen(scr); scr = NULL; }
	t->open = 0;
	if (devnull) { rl_outstream = stdout; fclose(devnull); devnull = NULL; }
	doc_free(&t->doc);
	doc_free(&t->ov);
	for (size_t i = 0; i < t->nruns; i++) free(t->runs[i].outcome);
	free(t->runs);
	free(t->quiz);
	t->runs = NULL;
	t->quiz = NULL;
	t->nruns = t->nquiz = 0;
}

static void tui_init(tui *t, engine *e, loop *l)
{
	memset(t, 0, sizeof *t);
	t->e = e;
	t->l = l;
	t->out_anchor = -1;
	t->lesson_follow = 1;
	t->clock = -1;
	t->cursor = -1;
	if (e) t->last_li = engine_lesson_index(e);
}

/* Brings the screen up (terminal, readline, the loop's watches); 0, or the
 * exit code when it cannot. */
static int screen_open(tui *t)
{
	loop *l = t->l;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fputs("parlab: the interactive screen needs a terminal (use --batch)\n", stderr);
		return 2;
	}
	setlocale(LC_ALL, "");   /* main does too; the screen depends on it */
	const char *cs = nl_langinfo(CODESET);
	tui_glyphs_init(cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8")));
	const char *nc = getenv("NO_COLOR");

	readline_init();
	saved_tio_ok = tcgetattr(STDIN_FILENO, &saved_tio) == 0;
	scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		const char *term = getenv("TERM");
		fprintf(stderr, "parlab: cannot drive terminal type '%s'; try --batch\n", term ? term : "(unset)");
		if (devnull) { rl_outstream = stdout; fclose(devnull); devnull = NULL; }
		return 1;
	}
	set_term(scr);
	t->open = 1;
	tui_pid = getpid();
	restore_len = 0;
	add_cap("rmcup");
	add_cap("sgr0");
	add_cap("cnorm");
	screen_up = 1;
	fatal_install(1);

	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	typeahead(-1);
	curs_set(1);
	tui_theme_init(!(nc && *nc));
	doc_init(&t->doc, 40);
	doc_init(&t->ov, 40);

	loop_signal(l, SIGINT, on_signal, t);
	loop_signal(l, SIGTERM, on_signal, t);
	loop_signal(l, SIGHUP, on_signal, t);
	loop_signal(l, SIGQUIT, on_signal, t);
	loop_signal(l, SIGWINCH, on_signal, t);   /* replaces ncurses' own handler */
	loop_fd_add(l, STDIN_FILENO, LOOP_READ, on_stdin, t);

	rl_callback_handler_install("parlab> ", on_line);
	layout(t, 1);
	render(t);
	return 0;
}

static char *welcome;

void tui_welcome(const char *msg)
{
	free(welcome);
	welcome = msg ? xstrdup(msg) : NULL;
}

int tui_main(engine *e, loop *l)
{
	tui *t = &T;
	tui_init(t, e, l);
	/* The step on screen first counts as seen (a move records that; with
	 * no saved progress to resume, nothing moved yet). */
	engine_goto(e, engine_lesson_index(e), engine_step_index(e));
	int rc = screen_open(t);
	if (rc) return rc;
	if (welcome) {
		tui_msg(t, R_OK, "%s", welcome);
		render(t);
	}
	loop_run(l);

	/* A live run is stopped and reaped while the screen still says so. */
	if (engine_running(e)) {
		engine_stop(e, "parlab is closing");
		tui_msg(t, R_DIM, "Stopping the run...");
		render(t);
		int64_t until = loop_now_ns() + 5000000000LL;
		while (engine_running(e) && loop_now_ns() < until) loop_once(l, 100);
	}
	teardown(t);
	return t->rc;
}

int tui_replay(trace *tr, double speed)
{
	tui *t = &T;
	loop *l = loop_new();
	tui_init(t, NULL, l);
	t->replay = 1;
	t->tr = tr;
	t->clock = 0;
	t->speed = speed < REPLAY_MIN_SPEED ? REPLAY_MIN_SPEED : speed > REPLAY_MAX_SPEED ? REPLAY_MAX_SPEED : speed;
	t->lesson_follow = 0;
	t->dirty = D_DOC;
	int rc = screen_open(t);
	if (!rc) {
		replay_command(t, "play", "");
		render(t);
		loop_run(l);
		replay_stop(t);
		teardown(t);
		rc = t->rc;
	}
	loop_free(l);
	return rc;
}
