/*
 * tui.c: the interactive front end's screen: its lifecycle (the terminal
 * brought up and restored on every exit path, signals, quit) and its
 * render (layout, header, status line, prompt, damage-tracked redraw, the
 * redraw timer of a live run). ncurses draws the panes, GNU readline
 * (callback interface, tui_input.c) edits the prompt, and both live inside
 * the one event loop of the screen process: stdin is a loop watch, signals
 * come through the loop's self-pipe, and a redraw timer exists only while
 * a run is live (or a replay plays), so an idle screen sleeps in poll(2).
 * Typed lines go to the command table (tui_cmd.c). tui_replay uses the
 * same screen with no engine: t->e is NULL and t->replay is set.
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
 * Readline inside ncurses (tui_input.c, after ulfalizer/readline-and-
 * ncurses): readline never touches the terminal. It gets bytes from
 * rl_getc_function (fed from wgetch in nodelay mode), says what to show
 * through rl_redisplay_function, and has its own signal and terminal
 * handling switched off.
 *
 * Exit paths: quit, Ctrl-D, SIGINT (stops a live run, else quits), SIGTERM,
 * SIGHUP and SIGQUIT (quit) all leave through teardown(); fatal signals
 * restore the terminal with async-signal-safe writes before dying.
 */
#include "engine/quiz.h"
#include "ui/tui.h"
#include "ui/tui_int.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <time.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

#include <readline/readline.h>

#define MIN_COLS 80
#define MIN_ROWS 24
#define ANIM_MS 40

tui tui_screen;

/* PARLAB_SELF_STATS (for scripts/bench): the screen's own cost, printed on
 * stderr once the terminal is restored: CPU time, frames drawn (render to
 * doupdate) with their mean and longest time, the timeline's part of them,
 * and the first frame's time since the process started (a constructor's
 * clock: after exec and the dynamic loader) and, when the launcher put its
 * CLOCK_REALTIME in PARLAB_SELF_T0 (nanoseconds) just before exec, since
 * then. */
static struct {
	int on;
	double t0, first, exec_first;   /* ms; first < 0: not drawn yet */
	long frames, tl_frames;
	double sum, max, tl_sum, tl_max;   /* ms, wall clock */
	double csum, cmax, tl_csum, tl_cmax;   /* ms, the screen's own CPU time (a busy machine preempts it) */
} self = { 0, 0, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

static double clock_ms(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

__attribute__((constructor)) static void self_start(void)
{
	self.on = getenv("PARLAB_SELF_STATS") != NULL;
	if (self.on) self.t0 = clock_ms(CLOCK_MONOTONIC);
}

static void self_frame(double start, double tl_ms, double cstart, double tl_cpu)
{
	double now = clock_ms(CLOCK_MONOTONIC), d = now - start, c = clock_ms(CLOCK_THREAD_CPUTIME_ID) - cstart;
	self.csum += c;
	if (c > self.cmax) self.cmax = c;
	if (self.first < 0) {
		self.first = now - self.t0;
		const char *e = getenv("PARLAB_SELF_T0");
		if (e && *e) self.exec_first = clock_ms(CLOCK_REALTIME) - strtod(e, NULL) / 1e6;
	}
	self.frames++;
	self.sum += d;
	if (d > self.max) self.max = d;
	if (tl_ms >= 0) {
		self.tl_frames++;
		self.tl_sum += tl_ms;
		if (tl_ms > self.tl_max) self.tl_max = tl_ms;
		self.tl_csum += tl_cpu;
		if (tl_cpu > self.tl_cmax) self.tl_cmax = tl_cpu;
	}
}

static void self_report(void)
{
	if (!self.on) return;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr, "parlab-self-cpu-us %ld\n",
		(long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	double nf = self.frames ? (double)self.frames : 1, nt = self.tl_frames ? (double)self.tl_frames : 1;
	fprintf(stderr, "parlab-frames %ld mean-us %.0f max-us %.0f cpu-mean-us %.0f cpu-max-us %.0f\n", self.frames,
		self.sum * 1e3 / nf, self.max * 1e3, self.csum * 1e3 / nf, self.cmax * 1e3);
	fprintf(stderr, "parlab-timeline-frames %ld mean-us %.0f max-us %.0f cpu-mean-us %.0f cpu-max-us %.0f\n",
		self.tl_frames, self.tl_sum * 1e3 / nt, self.tl_max * 1e3, self.tl_csum * 1e3 / nt, self.tl_cmax * 1e3);
	fprintf(stderr, "parlab-first-frame-us %.0f\n", self.first * 1e3);
	if (self.exec_first >= 0) fprintf(stderr, "parlab-first-frame-exec-us %.0f\n", self.exec_first * 1e3);
	fprintf(stderr, "parlab-maxrss-kb %ld\n", ru.ru_maxrss);
}

static SCREEN *scr;

static void render(tui *t);

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
void tui_layout(tui *t, int clear)
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
	tui_layout(t, 1);
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
	snprintf(mid, sizeof mid, " %s %d/%d %s ", tui_glyph.hline, li + 1, course_nlessons(c), L ? L->title : "");
	const char *pz = view_paused(&t->view) ? " || paused " : "";   /* the live view stands still */
	int pw = utf8_width(pz, strlen(pz));
	int rw = utf8_width(right, strlen(right)), mw = utf8_width(mid, strlen(mid));
	const char *ct = course_title(c);
	int cw = utf8_width(ct, strlen(ct));
	int room = W - rw - pw - 2;
	int x = tui_puts(w, 0, 0, 1, tui_attr(R_HEADER), " ");
	if (cw + mw > room) {
		int keep = room - mw - 1;
		if (keep < 12) keep = room / 2;
		if (keep < cw) {
			x += tui_put(w, 0, x, keep, tui_attr(R_HEADER), ct, utf8_fit(ct, strlen(ct), keep));
			x += tui_puts(w, 0, x, 1, tui_attr(R_HEADER), tui_glyph.ellipsis);
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
	int need = utf8_width(key, strlen(key)) + (text ? utf8_width(text, strlen(text)) : 0) + (x > 1 ? 3 : 0);
	if (x + need > W) return W;
	if (x > 1) {
		x += tui_puts(w, 0, x, W - x, tui_attr(R_DIM), " ");
		x += tui_puts(w, 0, x, W - x, tui_attr(R_DIM), tui_glyph.dot);
		x += tui_puts(w, 0, x, W - x, tui_attr(R_DIM), " ");
	}
	x += tui_puts(w, 0, x, W - x, tui_attr(R_KEY), key);
	if (text) x += tui_puts(w, 0, x, W - x, tui_attr(R_DIM), text);
	return x;
}

static const char *const pane_names[F_NPANES] = { "lesson", "timeline", "output" };

const char *tui_pane_name(int f) { return pane_names[f]; }

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
	snprintf(what, sizeof what, "|| paused at %s", trace_fmt_ns(b, sizeof b, t->view.pause));
	int x = 1 + tui_puts(w, 0, 1, W - 1, tui_attr(R_HINT), what);
	if (engine_running(t->e)) x += tui_puts(w, 0, x, W - x, tui_attr(R_DIM), ", the run goes on");
	else if (t->tr && trace_end(t->tr) > t->view.pause)
		x += tui_puts(w, 0, x, W - x, tui_attr(R_DIM), ", the run has ended since");
	x = tui_hint(w, x, W, "resume", ": live again");
	if (engine_running(t->e)) x = tui_hint(w, x, W, "stop", NULL);
	x = tui_hint(w, x, W, "zoom in", NULL);
	x = tui_hint(w, x, W, "help", NULL);
	(void)x;
}


/* Gives the status line h rows, growing up over the panes' last rows
 * (and giving them back: they are repainted from their windows). */
static WINDOW *status_rows(tui *t, int h)
{
	int old = getmaxy(t->status);
	if (old == h) return t->status;
	delwin(t->status);
	t->status = mkwin(h, t->cols, t->rows - 1 - h, 0);
	if (old > h) {   /* stdscr holds the gaps between the panes */
		touchline(stdscr, t->rows - 1 - old, old - h);
		wnoutrefresh(stdscr);
		WINDOW *under[] = { t->lesson, t->sep, t->out };
		for (size_t i = 0; i < sizeof under / sizeof *under; i++)
			if (under[i]) { touchwin(under[i]); wnoutrefresh(under[i]); }
	}
	return t->status;
}

/* The message, wrapped onto as many rows as it needs (up to a third of
 * the screen) so it can be read whole: a saved file's path, for one. */
static void draw_msg(tui *t)
{
	tdoc d;
	doc_init(&d, t->cols - 1);
	doc_paras(&d, t->msg_role, t->msg, " ", " ", t->msg_role);
	int most = t->rows / 3 > 1 ? t->rows / 3 : 1;
	int h = d.n < 1 ? 1 : (int)d.n > most ? most : (int)d.n;
	WINDOW *w = status_rows(t, h);
	werase(w);
	doc_draw(&d, w, 0, h, 0);
	doc_free(&d);
	wnoutrefresh(w);
}

static void draw_status(tui *t)
{
	if (t->msg[0]) { draw_msg(t); return; }
	WINDOW *w = status_rows(t, 1);
	int W = getmaxx(w);
	werase(w);
	int x = 1;
	W -= focus_hint(t, w, W);
	if (t->replay) { replay_status(t, W); return; }
	const step *s = engine_step(t->e);
	const lesson *L = engine_lesson(t->e);
	if (view_paused(&t->view) && !t->overlay) {
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
	} else if (s && s->kind == STEP_QUIZ && (s->predict || !engine_settled(t->e, s))) {
		char k[32];
		quiz_key_hint(s, k, sizeof k);
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
	} else if (t->view.cursor >= 0 || t->view.span) {   /* looking closely at the timeline */
		x = tui_hint(w, x, W, "Enter", ": next");
		if (t->view.cursor >= 0) x = tui_hint(w, x, W, "Shift-Left/Right", ": cursor");
		if (t->view.span) x = tui_hint(w, x, W, "Alt-Left/Right", ": pan");
		x = tui_hint(w, x, W, t->view.span ? "zoom fit" : "at off", NULL);
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
	while (utf8_width(line + start, point - start) > avail && start < point) {
		utf8_char(line + start, end - start, &adv);
		start += adv;
	}
	int pre = start ? tui_puts(w, 0, x, 1, tui_attr(R_DIM), tui_glyph.ellipsis) : 0;
	tui_put(w, 0, x + pre, avail - pre, tui_attr(R_TEXT), line + start, end - start);
	int cx = x + pre + utf8_width(line + start, point - start);
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
	doc_paras(&d, R_BOLD, msg, NULL, NULL, R_BOLD);
	doc_paras(&d, R_DIM, sub, NULL, NULL, R_DIM);
	int y0 = (t->rows - ph - (int)d.n) / 2;
	if (y0 < 0) y0 = 0;
	for (size_t i = 0; i < d.n; i++) {
		const tline *l = &d.v[i];
		int lw = tline_width(l), x = (t->cols - lw) / 2;
		if (x < 0) x = 0;
		for (size_t k = 0; k < l->nsp; k++)
			x += tui_put(w, y0 + (int)i, x, t->cols - x, tui_attr(l->sp[k].role), l->buf + l->sp[k].off,
				     (size_t)l->sp[k].len);
	}
	doc_free(&d);
	wnoutrefresh(w);
}

/* ---- the instant shown ------------------------------------------------------------------ */

int64_t tui_now(tui *t, const trace *tr, int *growing)
{
	return view_now(&t->view, tr, t->replay ? t->clock : -1, loop_now_ns(), growing);
}

int tui_clocked(const tui *t)
{
	return t->replay || view_paused(&t->view);
}

view_shown tui_shown(tui *t)
{
	view_shown s = { .now = -1 };
	if (t->tr) s.now = tui_now(t, t->tr, &s.growing);
	s.clocked = tui_clocked(t);
	return s;
}

int tui_pause(tui *t)
{
	view_shown s = tui_shown(t);
	view_msg m;
	if (view_pause(&t->view, &s, &m) < 0) {
		tui_msg(t, R_DIM, "%s", m.text);
		return -1;
	}
	t->dirty |= D_HDR | D_TL | D_OUT | D_STATUS;
	return 0;
}

void tui_live(tui *t)
{
	if (view_live(&t->view)) t->dirty |= D_HDR | D_TL | D_OUT | D_STATUS;
}

/* ---- the trace being shown ----------------------------------------------------------- */

static unsigned long out_sig(tui *t, const trace *tr)
{
	return (unsigned long)output_count(t, tr) * 131 + trace_ndropped(tr) * 7 + (trace_end(tr) >= 0) +
	       (unsigned long)trace_ntasks(tr) * 1000003 +
	       (view_paused(&t->view) ? trace_nlines(tr) * 17 : 0);   /* paused: the rule counts what came since */
}

/* The current step's trace, or the last one shown while in the same lesson. */
static void track_trace(tui *t)
{
	trace *cur = t->e ? engine_trace(t->e) : NULL;
	if (cur && cur != t->tr) {
		tui_live(t);   /* a pause was of the trace shown before */
		t->tr = cur;
		t->tr_step = engine_step(t->e);
		t->lane_top = 0;
		t->out_anchor = -1;
		view_reset(&t->view);
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
	doc_paras(&t->ov, R_DIM, "Esc or Enter goes back.", NULL, NULL, R_DIM);
}

/* Help and the menu are built at the pane's width: again after a resize. */
static void overlay_fit(tui *t)
{
	if (t->ov.width == t->lw - 2) return;
	if (t->overlay == OV_HELP) menu_help(t);
	else if (t->overlay == OV_LESSONS) menu_list(t);
}

static void render(tui *t)
{
	if (!t->open) return;
	double start = self.on ? clock_ms(CLOCK_MONOTONIC) : 0, tl_ms = -1, tl_cpu = 0;
	double cstart = self.on ? clock_ms(CLOCK_THREAD_CPUTIME_ID) : 0;
	track_trace(t);
	if (t->small) {
		if (t->dirty & ~D_PROMPT) draw_small(t);
	} else {
		if (timeline_rows(t, t->rows - 3) != t->tlh) tui_layout(t, 0);
		if (t->dirty & D_DOC) { t->replay ? replay_build(t) : lesson_build(t); t->dirty |= D_LESSON; }
		if (t->dirty & D_LESSON) overlay_fit(t);
		if (t->overlay == OV_STATS && t->tr && (t->dirty & D_TL)) { stats_panel(t); t->dirty |= D_LESSON; }
		if (t->dirty & D_HDR) draw_header(t);
		if (t->dirty & D_LESSON) { lesson_draw(t); t->dirty |= D_STATUS; }
		if (t->dirty & D_TL) {
			double s = self.on ? clock_ms(CLOCK_MONOTONIC) : 0, sc = self.on ? clock_ms(CLOCK_THREAD_CPUTIME_ID) : 0;
			timeline_draw(t);
			if (self.on) {
				tl_ms = clock_ms(CLOCK_MONOTONIC) - s;
				tl_cpu = clock_ms(CLOCK_THREAD_CPUTIME_ID) - sc;
			}
		}
		if (t->dirty & D_OUT) output_draw(t);
		if (t->dirty & D_STATUS) draw_status(t);
		else if (getmaxy(t->status) > 1) {   /* a long message stays over the panes */
			touchwin(t->status);
			wnoutrefresh(t->status);
		}
	}
	if (t->prompt) {
		draw_prompt(t);   /* cheap, and the cursor must end up here */
		wnoutrefresh(t->prompt);
	}
	doupdate();
	t->dirty = 0;
	if (self.on) self_frame(start, tl_ms, cstart, tl_cpu);
}

void tui_render(tui *t) { render(t); }

/* ---- runs ------------------------------------------------------------------------------- */

static void on_anim(loop *l, long id, void *arg)
{
	(void)l; (void)id;
	tui *t = arg;
	if (!t->open) return;
	if (!view_paused(&t->view)) t->dirty |= D_TL;   /* paused: the same picture */
	int prep = t->e && engine_preparing(t->e, NULL) != NULL;
	if (prep != t->anim_prep) t->dirty |= D_DOC;   /* the run box: "Preparing" became "Running" */
	t->anim_prep = prep;
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
	if (engine_sched_workers(t->e)) t->dirty |= D_DOC;   /* a worker reached its next step */
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
		trace *tr = engine_last_trace(t->e, NULL);   /* live_step's, wherever the student is now */
		rs->kind = tr ? trace_outcome_kind(tr) : TRACE_ENDED;
		rs->failed = tr ? trace_failed(tr) && !engine_run_as_expected(t->e) : engine_run_failed(t->e);
		free(rs->outcome);
		rs->outcome = xstrdup(tr && trace_outcome(tr) ? trace_outcome(tr) : "finished");
	}
	live_step = NULL;
	if (t->msg_run) t->msg[0] = '\0';   /* "Stopping the run..." is over */
	tui_reload_after_run(t);   /* a lesson saved during the run */
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

/* The live picture follows the new run of s from its start. */
static void run_began(tui *t, const step *s)
{
	live_step = s;
	run_state *rs = lesson_run(t, s);
	rs->state = 1;
	rs->failed = 0;
	t->lane_top = 0;
	t->out_anchor = -1;
	view_reset(&t->view);
	t->dirty |= D_DOC | D_TL | D_OUT | D_STATUS;
	if (!t->anim) t->anim = loop_timer_add(t->l, ANIM_MS, 1, on_anim, t);
}

/* The engine started the stepped run again (undo, restart, search): the
 * old trace is gone. */
static void on_run_started(run *r, void *arg)
{
	(void)r;
	tui *t = arg;
	t->tr = NULL;
	t->tr_step = NULL;
	if (t->open) run_began(t, engine_step(t->e));
}

/* run: engine_run with this screen's callbacks; the redraw timer runs
 * while the run is live. */
void tui_run(tui *t) { tui_run_as(t, 0); }

void tui_run_as(tui *t, int stepped)
{
	const step *s = engine_step(t->e);
	if (s && s->kind == STEP_RUN && !engine_running(t->e)) {
		/* engine_run frees the previous trace: forget it first. */
		t->tr = NULL;
		t->tr_step = NULL;
	}
	run_events ev = { on_run_update, on_run_done, t, on_run_started };
	char *err = NULL;
	if ((stepped ? engine_run_stepped(t->e, &ev, &err) : engine_run(t->e, &ev, &err)) < 0) {
		if (s && s->kind != STEP_RUN)
			tui_msg(t, R_ERR, "Nothing to run on this step: run steps have a box with \"Type run\".");
		else
			tui_msg(t, R_ERR, "%s", err ? err : "the run could not start");
		free(err);
		return;
	}
	run_began(t, s);
	if (!engine_running(t->e)) on_run_done(NULL, t);   /* over already */
}

/* ---- after the engine moved ---------------------------------------------------------- */

void tui_moved(tui *t)
{
	int li = engine_lesson_index(t->e);
	if (li != t->last_li && !engine_trace(t->e) && !engine_running(t->e)) {
		t->tr = NULL;   /* another lesson: the old run's picture would confuse */
		t->tr_step = NULL;
		tui_live(t);
	}
	t->last_li = li;
	t->last_si = engine_step_index(t->e);
	t->lesson_follow = 1;
	t->overlay = OV_NONE;
	t->dirty |= D_DOC | D_HDR | D_STATUS | D_TL | D_OUT;
}

/* ---- signals and the way out --------------------------------------------------------------------- */

void tui_quit(tui *t, int rc)
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
			tui_quit(t, 130);
		}
		break;
	default:   /* SIGTERM, SIGHUP, SIGQUIT */
		tui_quit(t, 128 + sig);
		break;
	}
	render(t);
}

static void teardown(tui *t)
{
	if (!t->open) return;
	anim_stop(t);
	tui_watch_stop(t);
	input_stop(t);
	drop_windows(t);
	endwin();
	self_report();
	screen_up = 0;
	fatal_install(0);
	if (scr) { delscreen(scr); scr = NULL; }
	t->open = 0;
	input_done();
	doc_free(&t->doc);
	doc_free(&t->ov);
	for (size_t i = 0; i < t->nruns; i++) free(t->runs[i].outcome);
	free(t->runs);
	t->runs = NULL;
	t->nruns = 0;
}

static void tui_init(tui *t, engine *e, loop *l)
{
	memset(t, 0, sizeof *t);
	t->e = e;
	t->l = l;
	t->out_anchor = -1;
	t->lesson_follow = 1;
	t->clock = -1;
	view_init(&t->view);
	if (e) t->last_li = engine_lesson_index(e);
}

int tui_need_terminal(void)
{
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) return 0;
	fputs("parlab: the interactive screen needs a terminal (use --batch)\n", stderr);
	return 2;
}

/* Brings the screen up (terminal, readline, the loop's watches); 0, or the
 * exit code when it cannot. */
static int screen_open(tui *t)
{
	loop *l = t->l;
	int no = tui_need_terminal();
	if (no) return no;
	setlocale(LC_ALL, "");   /* main does too; the screen depends on it */
	setlocale(LC_NUMERIC, "C");   /* as main: numbers keep the point (12.5ms) */
	const char *cs = nl_langinfo(CODESET);
	tui_glyphs_init(cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8")));
	const char *nc = getenv("NO_COLOR");

	input_init();
	saved_tio_ok = tcgetattr(STDIN_FILENO, &saved_tio) == 0;
	scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		const char *term = getenv("TERM");
		fprintf(stderr, "parlab: cannot drive terminal type '%s'; try --batch\n", term ? term : "(unset)");
		input_done();
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
	input_start(t);
	tui_layout(t, 1);
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
	tui *t = &tui_screen;
	tui_init(t, e, l);
	/* The step on screen first counts as seen (a move records that; with
	 * no saved progress to resume, nothing moved yet). */
	engine_goto(e, engine_lesson_index(e), engine_step_index(e));
	int rc = screen_open(t);
	if (rc) return rc;
	tui_watch_start(t);
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
	tui *t = &tui_screen;
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
		replay_play(t, "");
		render(t);
		loop_run(l);
		replay_stop(t);
		teardown(t);
		rc = t->rc;
	}
	loop_free(l);
	return rc;
}
