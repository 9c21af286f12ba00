/*
 * tui_menu.c: the two pages shown over the lesson pane that are not the
 * lesson: help (every command, from the command table, and every key)
 * and the course menu (each lesson with its progress; Up/Down choose,
 * Enter opens). Both are documents
 * rebuilt at the pane's width; the menu tags each lesson's lines with the
 * lesson's index so that the selection can be kept on screen.
 */
#include "ui/tui_int.h"
#include "util/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- help -------------------------------------------------------------------------- */

static void kv(tdoc *d, const char *k, const char *v)
{
	tline src = { 0 }, pre = { 0 };
	tline_adds(&src, R_KEY, k);
	int kw = utf8_width(k, strlen(k));
	for (int w = kw; w < 13 || w == kw; w++) tline_adds(&src, R_TEXT, " ");
	tline_adds(&src, R_TEXT, v);
	tline_adds(&pre, R_TEXT, "               ");
	tline p1 = { 0 };
	tline_adds(&p1, R_TEXT, "  ");
	doc_flow(d, &src, &p1, &pre, 1);
	tline_free(&src);
	tline_free(&pre);
	tline_free(&p1);
}

static void heading(tdoc *d, const char *s)
{
	doc_blank(d);
	tline_adds(doc_line(d), R_HEAD, s);
}

/* "quit, exit", "save [FILE]", "Enter": how help names a command. */
static void cmd_label(const tui_cmd *c, char *buf, size_t cap)
{
	size_t o = (size_t)snprintf(buf, cap, "%s", *c->name ? c->name : "Enter");
	for (int k = 0; k < c->shown && k < CMD_MAXALIAS && c->aliases[k] && o < cap; k++)
		o += (size_t)snprintf(buf + o, cap - o, ", %s", c->aliases[k]);
	if (c->args && o < cap) snprintf(buf + o, cap - o, " %s", c->args);
}

/* The rows of the command table valid here that belong to part. */
static void help_commands(tui *t, tdoc *d, int part)
{
	size_t n;
	const tui_cmd *c = cmd_table(&n);
	int where = cmd_where(t) & (CMD_LESSON | CMD_REPLAY);
	char key[64];
	for (size_t i = 0; i < n; i++) {
		if (!c[i].help || !(c[i].where & where) || c[i].part != part) continue;
		cmd_label(&c[i], key, sizeof key);
		kv(d, key, c[i].help);
	}
}

static void help_keys(tui *t, tdoc *d)
{
	kv(d, "F1 or ?", "this page (? on an empty prompt; elsewhere it is just a character)");
	kv(d, "Esc", "close this page, the menu or the statistics (Enter too; q on an empty prompt)");
	kv(d, "Tab", "on an empty prompt: focus the next pane, lesson, timeline, output (Shift-Tab: back); "
		     "after a word: complete a command");
	kv(d, "PgUp PgDn", "scroll the focused pane: the lesson by a page, the timeline's lanes, the output");
	kv(d, "Home End", "on an empty prompt: the top, the bottom of the focused pane");
	kv(d, "Up Down", t->replay ? "command history; on this page: scroll"
				   : "command history; in the course menu: choose a lesson (Enter opens it)");
	kv(d, "F12", t->replay ? "pause or play" : "pause the live picture, or resume it");
	kv(d, "Ctrl-Up/Down", "scroll the output (or Alt-PgUp/PgDn, F7/F8); at the bottom it follows new lines again");
	kv(d, "Alt-Up/Down", "scroll the timeline's lanes when they do not all fit (or F5/F6)");
	kv(d, "Alt-Left/Right", "pan the timeline (zoomed in)");
	kv(d, "F9 F10", "zoom out, in (or Alt-minus, Alt-=)");
	kv(d, "Shift-Left/Right", "move the timeline's cursor a column (it appears in the middle)");
	kv(d, "Ctrl-L", "redraw the screen");
	kv(d, "Ctrl-C", t->replay ? "quit" : "stop a live run; with none, quit");
	kv(d, "Ctrl-D", "quit (on an empty prompt)");
}

void menu_help(tui *t)
{
	tdoc *d = &t->ov;
	doc_reset(d, t->lw - 2);
	d->tag = -1;
	tline_adds(doc_line(d), R_HEAD, "Commands");
	help_commands(t, d, CMD_MAIN);
	heading(d, "Another course");
	doc_paras(d, R_TEXT,
		  "lessons opens this course's menu. For another course, quit and start parlab with its folder or "
		  "lesson file: parlab PATH. parlab list names the bundled courses.", NULL, NULL, R_TEXT);
	heading(d, "Timeline");
	help_commands(t, d, CMD_TIMELINE);
	heading(d, "Keys");
	help_keys(t, d);
	heading(d, "Reading the timeline");
	char *s = xasprintf("One lane per CPU: which task of this run ran there when; %s idle, and %s where "
			    "other programs kept the CPU busy (from the kernel's own counters, so at a "
			    "coarser grain: about 50 ms; blank where they have not said yet, at a live run's edge). "
			    "One lane per task: %s running on a CPU, %s ready but waiting for one, "
			    "%s sleeping, %s blocked in the kernel (usually I/O), blank once exited; "
			    "a lower block (%s%s%s) ran part of that moment, as high as the share it ran. "
			    "%s blocked: waiting for one of the run's blocks (a lock another worker holds, a full "
			    "or empty queue, a barrier, a semaphore at 0, a condition); an underlined stretch: "
			    "the task held a lock then (a hold under 0.1 ms that no one waited for is not drawn); "
			    "%s held: in a stepped run, waiting at a step point until you let it go; "
			    "%s a mark the task made (mark(\"text\")), also a line in "
			    "the output. A queue of the run has a lane of its own under the CPUs, named as the "
			    "lesson names it: a bar as high as the queue was full on average in that moment (%s half "
			    "full, %s full, %s empty; at least %s where jobs passed through), its length of its "
			    "capacity at the end (2/2 full); the lengths are sampled every 25 ms, with the least, "
			    "most and mean between samples. "
			    "A Dask computation (dask.distributed) has a lane per worker thread that ran its tasks, "
			    "under the CPUs, named dask PID.N (the worker's process id, or its address when it "
			    "runs elsewhere, and the thread's number in it): each task is a bar in the colour of "
			    "its key's prefix (getitem, series-sum-chunk ...), as high as the thread was busy "
			    "with tasks in that moment, with the prefix written inside where the task is wide "
			    "enough (zoom in to read them); %s marks where data from another worker arrived, "
			    "on the receiving worker's first lane, between its tasks; stats lists each worker, its tasks and the "
			    "transfers. "
			    "at TIME says who waited for what then (w1: waiting for lock A, held by w0), how "
			    "full each queue was, and the task each Dask lane ran then, with its key and time. "
			    "A task lane is named as the kernel names the task (a lesson's worker by its own "
			    "name: w0, w1 ...), with its process id: the ids a program prints (os.getpid()) are "
			    "the ones on the lanes; a thread is indented under its process, with its thread id "
			    "where there is room. Each task keeps its colour in its lane, in the CPU lanes and in "
			    "the output; tasks that appear later take the next colour, and with more tasks than "
			    "colours (12 in a 256-colour terminal, else 6) colours repeat. The parlab lane is "
			    "parlab's runner, in a colour of its own: it prepares the run and starts the workers, "
			    "then waits for them.",
			    tui_glyph.idle, tui_glyph.other, tui_glyph.run, tui_glyph.wait,
			    tui_glyph.sleep, tui_glyph.blocked, tui_glyph.level[1], tui_glyph.level[4], tui_glyph.level[7],
			    tui_glyph.coord, tui_glyph.held, tui_glyph.down, tui_glyph.level[4], tui_glyph.level[8], tui_glyph.level[0],
			    tui_glyph.level[1], tui_glyph.says);
	doc_paras(d, R_TEXT, s, NULL, NULL, R_TEXT);
	free(s);
	doc_blank(d);
	doc_paras(d, R_DIM, "Esc or Enter goes back.", NULL, NULL, R_DIM);
}

/* ---- the course menu ------------------------------------------------------------------ */

/* "here · 5/7 seen · score 1/2" */
static void entry_details(tui *t, int li, const lesson_status *st, char *buf, size_t cap)
{
	int here = li == engine_lesson_index(t->e);
	int n = snprintf(buf, cap, "%s%s%s%d/%d seen", here ? "here " : "", here ? tui_glyph.dot : "", here ? " " : "",
			 st->seen, st->nsteps);
	size_t o = n > 0 && (size_t)n < cap ? (size_t)n : 0;
	if (st->asked) o += (size_t)snprintf(buf + o, cap - o, " %s score %d/%d", tui_glyph.dot, st->right, st->asked);
	else if (st->questions)
		o += (size_t)snprintf(buf + o, cap - o, " %s %d question%s", tui_glyph.dot, st->questions,
				      st->questions == 1 ? "" : "s");
	if (st->unjudged && o < cap) snprintf(buf + o, cap - o, " %s %d not judged yet", tui_glyph.dot, st->unjudged);
}

/* Pads the lines from first on to the full width: the selection's bar. */
static void bar(tdoc *d, size_t first)
{
	for (size_t i = first; i < d->n; i++)
		for (int w = tline_width(&d->v[i]); w < d->width; w++) tline_adds(&d->v[i], R_CUR, " ");
}

enum { MENU_PRE = 8 };   /* "▶ ✓ 12. " */

/* The column the details start at when every lesson fits on one line
 * (a table), else 0: each lesson's details go on a line of their own. */
static int details_col(tui *t, int width)
{
	int n = course_nlessons(engine_course(t->e)), tw = 0, dw = 0;
	char det[160];
	for (int i = 0; i < n; i++) {
		const char *title = course_lesson(engine_course(t->e), i)->title;
		lesson_status st;
		engine_lesson_status(t->e, i, &st);
		entry_details(t, i, &st, det, sizeof det);
		int a = utf8_width(title, strlen(title)), b = utf8_width(det, strlen(det));
		if (a > tw) tw = a;
		if (b > dw) dw = b;
	}
	int col = MENU_PRE + tw + 2;
	return col + dw <= width ? col : 0;
}

/* One lesson: "▶ ✓  3. Title   details". */
static void menu_entry(tui *t, tdoc *d, int li, int col)
{
	const lesson *L = course_lesson(engine_course(t->e), li);
	lesson_status st;
	engine_lesson_status(t->e, li, &st);
	int sel = li == t->menu_sel, here = li == engine_lesson_index(t->e);
	char num[16], det[160];
	snprintf(num, sizeof num, " %2d. ", li + 1);
	entry_details(t, li, &st, det, sizeof det);
	tline src = { 0 }, p1 = { 0 }, p2 = { 0 }, dl = { 0 };
	tline_adds(&p1, sel ? R_CUR : R_KEY, sel ? tui_glyph.play : " ");
	tline_adds(&p1, sel ? R_CUR : R_TEXT, " ");
	tline_adds(&p1, sel ? R_CUR : R_OK, st.done ? tui_glyph.ok : " ");
	tline_adds(&p1, sel ? R_CUR : R_KEY, num);
	for (int i = 0; i < MENU_PRE; i++) tline_adds(&p2, sel ? R_CUR : R_TEXT, " ");
	tline_adds(&src, sel ? R_CUR : here ? R_BOLD : R_TEXT, L->title);
	tline_adds(&dl, sel ? R_CUR : here ? R_OK : R_DIM, det);
	size_t first = d->n;
	d->tag = li;   /* menu_reveal finds the entry by it */
	if (col) {
		for (int w = MENU_PRE + tline_width(&src); w < col; w++) tline_adds(&src, sel ? R_CUR : R_TEXT, " ");
		tline_add(&src, dl.sp[0].role, dl.buf, dl.len);
		doc_flow(d, &src, &p1, &p2, 1);
	} else {
		doc_flow(d, &src, &p1, &p2, 1);
		doc_flow(d, &dl, &p2, &p2, 1);
	}
	if (sel) bar(d, first);
	d->tag = -1;
	tline_free(&src);
	tline_free(&p1);
	tline_free(&p2);
	tline_free(&dl);
}

/* "2 of 10 lessons done · 14/52 steps seen · score 3/4" */
static void menu_summary(tui *t, tdoc *d)
{
	int n = course_nlessons(engine_course(t->e)), done = 0, seen = 0, steps = 0, right = 0, asked = 0;
	for (int i = 0; i < n; i++) {
		lesson_status st;
		engine_lesson_status(t->e, i, &st);
		done += st.done;
		seen += st.seen;
		steps += st.nsteps;
		right += st.right;
		asked += st.asked;
	}
	char score[48] = "";
	if (asked) snprintf(score, sizeof score, " %s score %d/%d", tui_glyph.dot, right, asked);
	char *s = xasprintf("%d of %d lessons done %s %d/%d steps seen%s", done, n, tui_glyph.dot, seen, steps, score);
	doc_paras(d, R_BOLD, s, NULL, NULL, R_BOLD);
	free(s);
}

void menu_list(tui *t)
{
	tdoc *d = &t->ov;
	course *c = engine_course(t->e);
	int n = course_nlessons(c);
	if (t->overlay != OV_LESSONS || t->menu_sel < 0 || t->menu_sel >= n) {   /* opening */
		t->menu_sel = engine_lesson_index(t->e);
		t->focus = F_LESSON;   /* PgUp/PgDn should move the menu */
		t->dirty |= D_TL | D_OUT;   /* their titles lose the focus */
	}
	t->menu_show = 1;
	doc_reset(d, t->lw - 2);
	d->tag = -1;
	tline_adds(doc_line(d), R_HEAD, "Lessons");
	doc_paras(d, R_DIM, course_title(c), NULL, NULL, R_DIM);
	menu_summary(t, d);
	doc_blank(d);
	int col = details_col(t, d->width);
	for (int i = 0; i < n; i++) menu_entry(t, d, i, col);
	doc_blank(d);
	tline src = { 0 };
	tline_adds(&src, R_KEY, "Up/Down");
	tline_adds(&src, R_TEXT, " choose, ");
	tline_adds(&src, R_KEY, "Enter");
	tline_adds(&src, R_TEXT, " opens it (or type ");
	tline_adds(&src, R_KEY, "lessons N");
	tline_adds(&src, R_TEXT, "), ");
	tline_adds(&src, R_KEY, "Esc");
	tline_adds(&src, R_TEXT, " goes back. ");
	tline_adds(&src, R_OK, tui_glyph.ok);
	tline_adds(&src, R_TEXT, ": every step seen, every question settled and every prediction judged.");
	doc_flow(d, &src, NULL, NULL, 1);
	tline_free(&src);
}

void menu_move(tui *t, int delta)
{
	int n = course_nlessons(engine_course(t->e)), sel = t->menu_sel + delta;
	t->menu_sel = sel < 0 ? 0 : sel >= n ? n - 1 : sel;
	menu_list(t);
	t->dirty |= D_LESSON | D_STATUS;
}

void menu_reveal(tui *t, int rows)
{
	if (!t->menu_show || t->overlay != OV_LESSONS) return;
	t->menu_show = 0;
	int first = -1, last = -1;
	for (size_t i = 0; i < t->ov.n; i++)
		if (t->ov.v[i].tag == t->menu_sel) {
			if (first < 0) first = (int)i;
			last = (int)i;
		}
	if (first < 0) return;
	if (t->menu_sel == 0) first = 0;   /* the first lesson: the summary above it too */
	if (first < t->lesson_top) t->lesson_top = first;
	else if (last >= t->lesson_top + rows) t->lesson_top = last - rows + 1;
}

void menu_open(tui *t)
{
	int li = t->menu_sel;
	if (li == engine_lesson_index(t->e)) {   /* here already: just back to it */
		cmd_close(t);
		return;
	}
	int rc = engine_goto(t->e, li, 0);
	if (rc == -2) {
		int bl = 0;
		const step *q = engine_blocker(t->e, li, 0);
		int bs = q ? engine_locate(t->e, q, &bl) : 0;
		tui_msg(t, R_HINT, "Answer the question in lesson %d first (step %d): it cannot be skipped.", bl + 1, bs + 1);
		return;
	}
	if (rc < 0) {
		tui_msg(t, R_ERR, "Lesson %d cannot be opened.", li + 1);
		return;
	}
	tui_moved(t);
}
