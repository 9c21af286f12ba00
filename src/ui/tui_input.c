/*
 * tui_input.c: what the keyboard does. Bytes from the terminal (read in
 * nodelay mode from the loop's stdin watch) go to GNU readline through its
 * callback interface: readline edits the prompt line but never touches the
 * terminal (rl_getc_function feeds it, rl_redisplay_function only marks the
 * prompt dirty, its output goes to /dev/null). A finished line goes to the
 * command table (cmd_line). Also here: the key bindings (the key_*
 * functions: paging, Tab focus, help, pause, the timeline's keys), Tab
 * completion from the command table, and Esc on its own.
 */
#include "ui/tui_int.h"
#include "util/xmalloc.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

static FILE *devnull;

/* ---- a finished line ------------------------------------------------------------------ */

/* A line typed (NULL: Ctrl-D): the history keeps it, the command table runs it. */
static void on_line(char *line)
{
	tui *t = &tui_screen;
	if (!line) {   /* Ctrl-D on an empty line */
		tui_quit(t, 0);
		return;
	}
	if (*line) {
		HIST_ENTRY *h = history_length ? history_get(history_base + history_length - 1) : NULL;
		if (!h || strcmp(h->line, line)) add_history(line);
	}
	cmd_line(t, line);
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
	if (tui_screen.inpos < tui_screen.inlen) return tui_screen.in[tui_screen.inpos++];
	/* Readline wants the rest of a sequence we have not seen: wait a bit. */
	struct pollfd p = { STDIN_FILENO, POLLIN, 0 };
	if (poll(&p, 1, 100) > 0 && tui_screen.prompt) {
		nodelay(tui_screen.prompt, FALSE);
		wtimeout(tui_screen.prompt, 50);
		int c = wgetch(tui_screen.prompt);
		nodelay(tui_screen.prompt, TRUE);
		if (c != ERR && c >= 0 && c < 256) return c;
	}
	return 7;   /* ^G: abort the half-typed key sequence */
}

static int rl_avail_cb(void) { return tui_screen.inpos < tui_screen.inlen; }

static void rl_redisplay_cb(void) { tui_screen.dirty |= D_PROMPT; }

/* Tab completion: the commands valid here, from the command table. */
static char *cmd_gen(const char *text, int state)
{
	static size_t i;
	if (!state) i = 0;
	const char *c = cmd_complete(&tui_screen, text, &i);
	return c ? xstrdup(c) : NULL;
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
	tui_msg(&tui_screen, R_DIM, "%s", buf);
}

/* ---- keys: paging, focus, pages, pause, the timeline --------------------------------- */

/* PgUp/PgDn (whole: Home/End) move the focused pane by a page. */
static void pane_move(tui *t, int dir, int whole)
{
	enum { ALL = 1 << 20 };   /* clamped by each pane */
	if (t->small) return;
	if (t->focus == F_LESSON) {
		lesson_scroll(t, dir * (whole ? ALL : getmaxy(t->lesson) - 2));
	} else if (t->focus == F_TIMELINE) {
		timeline_scroll(t, dir * (whole ? ALL : t->lane_page > 1 ? t->lane_page - 1 : 1));
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
static int key_page_up(int c, int k) { (void)c; (void)k; pane_move(&tui_screen, -1, 0); return 0; }
static int key_page_down(int c, int k) { (void)c; (void)k; pane_move(&tui_screen, 1, 0); return 0; }
static int key_top(int c, int k)
{
	if (rl_end) return rl_beg_of_line(c, k);
	pane_move(&tui_screen, -1, 1);
	return 0;
}
static int key_bottom(int c, int k)
{
	if (rl_end) return rl_end_of_line(c, k);
	pane_move(&tui_screen, 1, 1);
	return 0;
}
/* Tab: completes a command in a typed line, else focuses the next pane. */
static int key_tab(int c, int k)
{
	tui *t = &tui_screen;
	if (rl_end) {
		/* Readline lists the matches on a second Tab only when the last
		 * key ran rl_complete itself: this one did, under another name. */
		if (rl_last_func == key_tab) rl_last_func = rl_complete;
		return rl_complete(c, k);
	}
	t->msg[0] = '\0';
	cmd_focus(t, t->focus + 1);
	return 0;
}
static int key_backtab(int c, int k)
{
	tui *t = &tui_screen;
	(void)c; (void)k;
	t->msg[0] = '\0';
	cmd_focus(t, t->focus - 1);
	return 0;
}
static int key_open_help(int c, int k)
{
	tui *t = &tui_screen;
	(void)c; (void)k;
	t->msg[0] = '\0';
	if (t->overlay == OV_HELP) cmd_close(t);
	else cmd_help(t);
	return 0;
}
static int key_question(int c, int k) { return rl_end ? rl_insert(c, k) : key_open_help(c, k); }
static int key_q(int c, int k)
{
	if (rl_end || !tui_screen.overlay) return rl_insert(c, k);
	cmd_close(&tui_screen);
	return 0;
}
/* A stepped run of this step, and nothing typed: keys step it (0-9: that
 * worker, '.': the next that can, '>': go, Backspace: undo). */
static int sched_keys(void)
{
	tui *t = &tui_screen;
	const step *s = t->e ? engine_step(t->e) : NULL;
	return !rl_end && !t->overlay && !t->replay && s && s->kind == STEP_RUN && s->stepper;
}
static int sched_key(const char *line)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%s", line);
	cmd_line(&tui_screen, buf);
	return 0;
}
static int key_digit(int c, int k)
{
	char line[16];
	if (!sched_keys() || !engine_sched_workers(tui_screen.e)) return rl_insert(c, k);
	snprintf(line, sizeof line, "step w%c", k);   /* readline: (count, key) */
	return sched_key(line);
}
static int key_dot(int c, int k) { return sched_keys() && engine_sched_workers(tui_screen.e) ? sched_key("step") : rl_insert(c, k); }
static int key_gt(int c, int k) { return sched_keys() && engine_sched_workers(tui_screen.e) ? sched_key("go") : rl_insert(c, k); }
static int key_rubout(int c, int k)
{
	int n;
	if (!sched_keys() || (engine_sched_list(tui_screen.e, &n), n == 0)) return rl_rubout(c, k);
	return sched_key("undo");
}

/* Up/Down over an open page: the menu's selection, else a line. */
static int overlay_line(int delta)
{
	tui *t = &tui_screen;
	if (t->overlay == OV_LESSONS && !t->replay) menu_move(t, delta);
	else lesson_scroll(t, delta);
	return 0;
}
/* Up/Down: the history, unless a page over the lesson pane is open. */
static int on_page(void) { return !rl_end && tui_screen.overlay && !tui_screen.small; }
static int key_hist_prev(int c, int k) { return on_page() ? overlay_line(-1) : rl_get_previous_history(c, k); }
static int key_hist_next(int c, int k) { return on_page() ? overlay_line(1) : rl_get_next_history(c, k); }
static int key_pause(int c, int k)
{
	tui *t = &tui_screen;
	(void)c; (void)k;
	t->msg[0] = '\0';
	cmd_pause(t, t->replay ? t->play != 0 : !view_paused(&t->view));
	t->dirty |= D_STATUS;
	return 0;
}
/* Ctrl-Up/Down: the output by half a pane. */
static int out_half(int dir)
{
	tui *t = &tui_screen;
	output_scroll(t, dir * (t->out_page > 2 ? t->out_page / 2 : 1));
	t->dirty |= D_STATUS;
	return 0;
}
static int key_out_up(int c, int k) { (void)c; (void)k; return out_half(-1); }
static int key_out_down(int c, int k) { (void)c; (void)k; return out_half(1); }
static int key_lanes_up(int c, int k) { (void)c; (void)k; timeline_scroll(&tui_screen, -3); return 0; }
static int key_lanes_down(int c, int k) { (void)c; (void)k; timeline_scroll(&tui_screen, 3); return 0; }
static int key_redraw(int c, int k) { (void)c; (void)k; clearok(curscr, TRUE); tui_screen.dirty |= D_ALL; return 0; }
/* The timeline's keys: a message they leave replaces the last one. */
static int key_view(int (*fn)(tui *, int), int arg)
{
	tui *t = &tui_screen;
	t->msg[0] = '\0';
	fn(t, arg);
	t->dirty |= D_STATUS;
	return 0;
}
static int zoom_by(tui *t, int in) { return timeline_zoom(t, in ? 2 : 0.5); }
static int key_pan_left(int c, int k) { (void)c; (void)k; return key_view(timeline_pan, -1); }
static int key_pan_right(int c, int k) { (void)c; (void)k; return key_view(timeline_pan, 1); }
static int key_zoom_in(int c, int k) { (void)c; (void)k; return key_view(zoom_by, 1); }
static int key_zoom_out(int c, int k) { (void)c; (void)k; return key_view(zoom_by, 0); }
static int key_cur_left(int c, int k) { (void)c; (void)k; return key_view(timeline_cursor_step, -1); }
static int key_cur_right(int c, int k) { (void)c; (void)k; return key_view(timeline_cursor_step, 1); }

/* Readline set up to live inside the screen: no signals, no terminal, our keys. */
void input_init(void)
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
		{ ".", key_dot }, { ">", key_gt }, { "\\C-?", key_rubout }, { "\\C-h", key_rubout },
	};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) rl_bind_keyseq(keys[i].seq, keys[i].fn);
	for (char d[2] = "0"; d[0] <= '9'; d[0]++) rl_bind_keyseq(d, key_digit);
	using_history();
	stifle_history(500);
}

/* Esc closes what is open over the lesson pane, else the message. */
static void key_escape(tui *t)
{
	if (t->overlay) cmd_close(t);
	else if (t->msg[0]) { t->msg[0] = '\0'; t->dirty |= D_STATUS; }
}

/* ---- bytes from the terminal ------------------------------------------------------------ */

static void feed(tui *t)
{
	/* A character cut by the read waits for its other bytes. */
	size_t lim = t->inlen - utf8_partial_tail((const char *)t->in, t->inlen);
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
		int more = 0;   /* bytes this round: none after poll said readable is a hang-up */
		while (in && !t->quitting && (c = wgetch(in)) != ERR) {
			got = more = 1;
			if (c == KEY_RESIZE) { tui_layout(t, 1); in = t->prompt ? t->prompt : t->full; continue; }
			if (c < 0 || c > 255) continue;
			t->in[t->inlen++] = (unsigned char)c;
			if (t->inlen == sizeof t->in) feed(t);
		}
		if (!t->inlen || t->in[t->inlen - 1] != 27 || t->quitting) break;
		/* Esc on its own is a key here; readline would wait for the rest
		 * of a sequence. A key's sequence arrives at once: wait briefly. */
		struct pollfd pf = { STDIN_FILENO, POLLIN, 0 };
		if (poll(&pf, 1, 25) > 0 && !(pf.revents & (POLLHUP | POLLERR | POLLNVAL)) && more) continue;
		while (t->inlen > t->inpos && t->in[t->inlen - 1] == 27) t->inlen--;
		esc = 1;
		break;
	}
	if (got && t->e) engine_touch(t->e);   /* the student is here: time counts */
	feed(t);
	if (esc && !t->quitting) key_escape(t);
	/* Readable but nothing to read, again and again: the terminal is gone. */
	if (!got && ((events & LOOP_HUP) || ++empty_wakeups > 50)) tui_quit(t, 129);
	if (got) empty_wakeups = 0;
	tui_render(t);
}

/* stdin becomes a loop watch; readline prompts with "parlab> ". */
void input_start(tui *t)
{
	loop_fd_add(t->l, STDIN_FILENO, LOOP_READ, on_stdin, t);
	rl_callback_handler_install("parlab> ", on_line);
}

/* Before the screen closes: no more keys, no prompt. */
void input_stop(tui *t)
{
	loop_fd_del(t->l, STDIN_FILENO);
	rl_callback_handler_remove();
}

/* Readline writes to stdout again (it wrote to /dev/null). */
void input_done(void)
{
	if (devnull) { rl_outstream = stdout; fclose(devnull); devnull = NULL; }
}
