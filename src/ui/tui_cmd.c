/*
 * tui_cmd.c: the commands typed at the prompt, as one table. A row names a
 * command and its other words, says where it is valid (the lesson screen,
 * a replay, the open course menu) and what it keeps open, and gives its
 * function, its argument hint and its line on the help page. The help
 * page (menu_help), Tab completion (tui_input.c) and the running of a
 * typed line all read the table: a new command is one row plus its
 * function. A line that names no command answers the step's question.
 *
 * Also here: the actions that commands and keys share (focus, the pages
 * over the lesson pane, pause and resume).
 */
#include "trace/trace_file.h"
#include "ui/tui_int.h"
#include "util/fs.h"
#include "util/xmalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* ---- focus, pause, overlays: commands and keys share these ---------------------------- */

/* The pane PgUp/PgDn move; its title, rule or separator lights up. */
void cmd_focus(tui *t, int f)
{
	t->focus = (f % F_NPANES + F_NPANES) % F_NPANES;
	t->dirty |= D_LESSON | D_TL | D_OUT | D_STATUS;   /* titles, rule and separator */
}

/* pause / resume of the live picture (the replay has its own clock). */
void cmd_pause(tui *t, int on)
{
	if (t->replay) {
		if (on) replay_pause(t);
		else replay_play(t, "");
		return;
	}
	if (on) tui_pause(t);
	else if (view_paused(&t->view)) tui_live(t);
	else tui_msg(t, R_DIM, "Not paused: the picture is live. pause (or F12) freezes it.");
}

/* Closes help, the menu or the stats panel: back to the lesson, scrolled
 * as it was when the page opened. */
void cmd_close(tui *t)
{
	if (!t->overlay) return;
	t->overlay = OV_NONE;
	t->lesson_top = t->under_top;
	t->lesson_follow = t->under_follow;
	t->dirty |= D_LESSON | D_STATUS;
}

/* Opens a page over the lesson pane, from its top; the lesson's scroll is
 * kept for cmd_close. */
void cmd_overlay(tui *t, int ov)
{
	if (!t->overlay) {
		t->under_top = t->lesson_top;
		t->under_follow = t->lesson_follow;
	}
	t->overlay = ov;
	t->lesson_top = 0;
	t->dirty |= D_LESSON | D_STATUS;
}

/* Opens the help page over the lesson pane. */
void cmd_help(tui *t)
{
	menu_help(t);
	cmd_overlay(t, OV_HELP);
	cmd_focus(t, F_LESSON);   /* PgUp/PgDn should move the page */
}

/* ---- moving through the lesson ------------------------------------------------------ */

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

/* next: the next step, unless the lesson holds an open question. */
static void do_next(tui *t, const char *arg)
{
	if (*arg) { tui_msg(t, R_ERR, "next takes no argument"); return; }
	int rc = engine_next(t->e);
	if (rc == -2) blocked(t, engine_blocker(t->e, engine_lesson_index(t->e), engine_step_index(t->e) + 1));
	else if (rc < 0) tui_msg(t, R_DIM, "This is the last step of the course: type lessons to pick one, or quit.");
	else tui_moved(t);
}

/* A question on this step still waits for its first answer (or prediction). */
static int question_open(tui *t)
{
	const step *s = engine_step(t->e);
	if (!s || s->kind != STEP_QUIZ) return 0;
	if (s->predict) return engine_prediction(t->e, s) == NULL;
	engine_quiz_view q;
	engine_quiz_state(t->e, s, &q);
	return !q.tries && !q.settled;
}

/* Enter reads on before moving on; at a question not answered yet it does
 * not skip it by accident: next does, on purpose. */
static void do_enter(tui *t, const char *arg)
{
	if (!t->small && lesson_more_below(t)) {
		lesson_scroll(t, getmaxy(t->lesson) - 2);
		return;
	}
	if (question_open(t)) {
		tui_msg(t, R_DIM, "Type your answer and Enter (hint for a hint), or next to leave this question unanswered.");
		return;
	}
	do_next(t, arg);
}

/* back: the step before. */
static void do_back(tui *t, const char *arg)
{
	(void)arg;
	if (engine_back(t->e) < 0) tui_msg(t, R_DIM, "This is the first step of the course.");
	else tui_moved(t);
}

/* run: this step's run (tui.c keeps the screen up to date with it). */
static void do_run(tui *t, const char *arg)
{
	(void)arg;
	tui_run(t);
}

/* stop: ends the live run; the screen says so when it has. */
static void do_stop(tui *t, const char *arg)
{
	(void)arg;
	if (engine_running(t->e)) {
		engine_stop(t->e, "stopped by you");
		tui_msg(t, R_DIM, "Stopping the run...");
		t->msg_run = 1;
	} else tui_msg(t, R_DIM, "Nothing is running.");
}

/* ---- a stepped run: the student schedules its workers ---------------------------------- */

static int stepped(tui *t)
{
	if (engine_sched_workers(t->e)) return 1;
	const step *s = engine_step(t->e);
	if (s && s->kind == STEP_RUN && s->stepper && !engine_running(t->e)) {   /* not going: step starts it */
		tui_run_as(t, 1);
		if (engine_running(t->e)) tui_msg(t, R_DIM, "The run starts stepped: you are its scheduler.");
		return 0;
	}
	tui_msg(t, R_DIM, "Nothing to schedule: step and go are for a stepped run while it goes (its box says so).");
	return 0;
}

/* step [wN]: one action of wN, or of the next worker that can go. */
static void do_sched_step(tui *t, const char *arg)
{
	if (!stepped(t)) return;
	int w = -1;
	if (*arg) {
		char *end;
		long v = strtol(arg + (*arg == 'w' || *arg == 'W'), &end, 10);
		while (*end == ' ') end++;
		if (*end || end == arg || v < 0 || v > 999) {   /* (a number the run has not: the engine says) */
			tui_msg(t, R_ERR, "step takes a worker, w0 to w%d (or nothing: the next that can go)",
				engine_sched_workers(t->e) - 1);
			return;
		}
		w = (int)v;
	}
	char what[200];
	int got = engine_sched_ahead(t->e, w, what, sizeof what), n;
	engine_sched_list(t->e, &n);
	if (got == ENGINE_SCHED_AHEAD && w >= 0) tui_msg(t, R_DIM, "Asked for w%d: it goes once every worker is at its next step.", w);
	else if (got == ENGINE_SCHED_AHEAD) tui_msg(t, R_DIM, "Asked for a step: it goes once every worker is at its next step.");
	else if (got < 0) tui_msg(t, R_HINT, "%s.", what);
	else tui_msg(t, R_DIM, "Step %d: w%d %s.", n, got, what);
	t->dirty |= D_DOC;
}

/* go: every worker that can goes, in turn, to the end; go wN: wN alone,
 * until it waits for another or is done. */
static void do_sched_go(tui *t, const char *arg)
{
	if (!stepped(t)) return;
	if (!*arg) {
		engine_sched_go(t->e);
		tui_msg(t, R_DIM, "Go: every worker that can goes, in turn, to the end.");
		return;
	}
	char *end, why[200];
	long w = strtol(arg + (*arg == 'w' || *arg == 'W'), &end, 10);
	if (*end || end == arg + (*arg == 'w' || *arg == 'W') || w < 0 || w >= engine_sched_workers(t->e)) {
		tui_msg(t, R_ERR, "go takes a worker, w0 to w%d (or nothing: every worker, in turn)", engine_sched_workers(t->e) - 1);
		return;
	}
	if (engine_sched_go_worker(t->e, (int)w, why, sizeof why) < 0) tui_msg(t, R_HINT, "%s.", why);
	else tui_msg(t, R_DIM, "Go w%ld: it goes on until it waits for another worker or is done.", w);
	t->dirty |= D_DOC;
}

/* The step is a stepped run (live or not): undo, restart, replay and
 * search start it again. */
static int stepped_step(tui *t)
{
	const step *s = engine_step(t->e);
	if (s && s->kind == STEP_RUN && s->stepper) return 1;
	tui_msg(t, R_DIM, "This step is not a stepped run: undo, restart, replay and search are for one.");
	return 0;
}

static void said(tui *t, int rc, const char *why, const char *fmt, int n)
{
	if (rc < 0) tui_msg(t, R_HINT, "%c%s.", toupper((unsigned char)why[0]), why + 1);
	else tui_msg(t, R_DIM, fmt, n, n == 1 ? "" : "s");
	t->dirty |= D_DOC;
}

/* undo [N]: the run starts over and replays the schedule less its last N steps. */
static void do_sched_undo(tui *t, const char *arg)
{
	if (!stepped_step(t)) return;
	char *end, why[200];
	long k = *arg ? strtol(arg, &end, 10) : 1;
	if (*arg && (*end || k < 1)) { tui_msg(t, R_ERR, "undo takes a number of steps (1 when none is given)"); return; }
	int n;
	engine_sched_list(t->e, &n);
	int left = n - (k > n ? n : (int)k);
	said(t, engine_sched_undo(t->e, (int)k, why, sizeof why), why,
	     "Undone: the run starts over and replays the first %d step%s.", left);
}

/* restart: the stepped run from its start, no step taken. */
static void do_sched_restart(tui *t, const char *arg)
{
	(void)arg;
	if (!stepped_step(t)) return;
	char why[200];
	said(t, engine_sched_replay(t->e, NULL, 0, 0, why, sizeof why), why, "The run starts over%.0d%s: no step taken.", 0);
}

/* replay [N]: the schedule so far again from the start, N steps a second. */
static void do_sched_replay(tui *t, const char *arg)
{
	if (!stepped_step(t)) return;
	char *end, why[200];
	double rate = *arg ? strtod(arg, &end) : 2;
	if (*arg && (*end || !(rate >= 0.1 && rate <= 1000))) {
		tui_msg(t, R_ERR, "replay takes steps a second, 0.1 to 1000 (2 when none is given)");
		return;
	}
	int n;
	const int *l = engine_sched_list(t->e, &n);
	if (!n) { tui_msg(t, R_DIM, "No schedule to replay yet: step first (or schedule load FILE)."); return; }
	said(t, engine_sched_replay(t->e, l, n, (int)(1000 / rate), why, sizeof why), why,
	     "Replaying the schedule's %d step%s from the start.", n);
}

/* search: the goal's claim checked over every schedule. */
static void do_sched_search(tui *t, const char *arg)
{
	(void)arg;
	if (!stepped_step(t)) return;
	char why[300];
	engine_goal g;
	if (engine_sched_search(t->e, why, sizeof why) < 0) { said(t, -1, why, "", 0); return; }
	engine_sched_goal(t->e, &g);
	tui_msg(t, R_DIM, "Searching: each schedule in turn, up to %ld of them%s", g.bound, tui_glyph.ellipsis);
	t->dirty |= D_DOC;
}

static char *home_path(const char *arg)
{
	const char *home = getenv("HOME");
	return arg[0] == '~' && arg[1] == '/' && home ? xasprintf("%s%s", home, arg + 1) : xstrdup(arg);
}

/* schedule save FILE / schedule load FILE. */
static void sched_file(tui *t, int save, const char *arg)
{
	if (!*arg) { tui_msg(t, R_ERR, "schedule %s FILE: name the file.", save ? "save" : "load"); return; }
	if (!stepped_step(t)) return;
	char *path = home_path(arg), why[300];
	if (save) {
		int n;
		engine_sched_list(t->e, &n);
		if (engine_sched_save(t->e, path, why, sizeof why) < 0) tui_msg(t, R_ERR, "Not saved: %s", why);
		else tui_msg(t, R_OK, "Saved the schedule (%d step%s) to %s; schedule load FILE replays it.", n, n == 1 ? "" : "s", path);
		free(path);
		return;
	}
	char *err = NULL, *text = fs_slurp(path, 1 << 20, &err);
	int *plan = NULL, n = 0;
	if (!text) tui_msg(t, R_ERR, "Not loaded: %s", err);
	else if (engine_sched_parse(text, engine_step(t->e)->rkind == RUN_COMMAND ? 0 : engine_step(t->e)->nworkers, &plan, &n,
				    why, sizeof why) < 0)   /* a Python program's workers appear as it runs */
		tui_msg(t, R_ERR, "Not loaded: %s: %s", path, why);
	else said(t, engine_sched_replay(t->e, plan, n, 0, why, sizeof why), why,
		  "Loaded: the run starts over and replays the schedule's %d step%s.", n);
	free(plan);
	free(text);
	free(err);
	free(path);
}

/* schedule: the workers let go so far; schedule save|load FILE. */
static void do_sched_list(tui *t, const char *arg)
{
	if (!strncmp(arg, "save", 4) && (!arg[4] || arg[4] == ' ')) { sched_file(t, 1, arg[4] ? arg + 5 : ""); return; }
	if (!strncmp(arg, "load", 4) && (!arg[4] || arg[4] == ' ')) { sched_file(t, 0, arg[4] ? arg + 5 : ""); return; }
	if (*arg) { tui_msg(t, R_ERR, "schedule shows the steps so far; schedule save FILE, schedule load FILE"); return; }
	int n;
	const int *l = engine_sched_list(t->e, &n);
	if (!engine_sched_workers(t->e) && !n) { stepped(t); return; }
	char buf[sizeof t->msg];
	size_t o = 0;
	buf[0] = '\0';
	for (int i = 0; i < n && o + 8 < sizeof buf; i++) o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%d", i ? " " : "", l[i]);
	if (!n) tui_msg(t, R_DIM, "No step yet: step w0 lets w0 do its next action.");
	else tui_msg(t, R_DIM, "The schedule so far (%d step%s): %s", n, n == 1 ? "" : "s", buf);
}

/* hint: the question's next hint, shown under it. */
static void do_hint(tui *t, const char *arg)
{
	(void)arg;
	const step *s = engine_step(t->e);
	if (!s || s->kind != STEP_QUIZ) { tui_msg(t, R_DIM, "Hints are for questions; this step has none."); return; }
	if (!engine_hint(t->e)) { tui_msg(t, R_DIM, s->nhints ? "No more hints." : "This question has no hints."); return; }
	t->lesson_follow = 1;
	t->dirty |= D_DOC;
}

/* lessons: the course menu; lessons N: open lesson N. */
static void do_lessons(tui *t, const char *arg)
{
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
		tui_moved(t);
		return;
	}
	menu_list(t);
	cmd_overlay(t, OV_LESSONS);
}

/* Enter in the course menu opens the lesson chosen. */
static void do_menu_open(tui *t, const char *arg)
{
	(void)arg;
	menu_open(t);
}

/* A line that is no command, on a question: the engine judges it. */
static void do_answer(tui *t, const step *s, const char *input)
{
	quiz_result res;
	int rc = engine_answer(t->e, input, &res);
	if (rc == -2) {   /* a question from a run that cannot be judged now */
		char *why = NULL;
		engine_from_answer(t->e, s, &why);
		tui_msg(t, R_ERR, "%s", why ? why : "This question cannot be judged now.");
		free(why);
		return;
	}
	if (rc < 0) {
		char *no = engine_not_an_answer(s, input);
		tui_msg(t, R_ERR, "%s nor a command; type help for the commands.", no);
		free(no);
		return;
	}
	if (res.predicted) {
		char *kept = engine_prediction_kept(s);
		tui_msg(t, R_OK, "%s Type next, then run.", kept);
		free(kept);
		t->lesson_follow = 1;
		t->dirty |= D_DOC | D_STATUS;
		return;
	}
	t->lesson_follow = 1;   /* the engine keeps the answer; the pane shows its feedback */
	t->dirty |= D_DOC | D_HDR | D_STATUS;
}

/* ---- the timeline's commands and save ------------------------------------------------- */

/* zoom in | out | fit | TIME */
static void do_zoom(tui *t, const char *arg)
{
	int64_t ns;
	if (!*arg || !strcasecmp(arg, "in")) timeline_zoom(t, 2);
	else if (!strcasecmp(arg, "out")) timeline_zoom(t, 0.5);
	else if (!strcasecmp(arg, "fit") || !strcasecmp(arg, "all")) timeline_zoom(t, 0);
	else if (!view_parse_ns(arg, &ns) && ns > 0) timeline_zoom_span(t, ns);
	else tui_msg(t, R_ERR, "zoom in, zoom out, zoom fit, or zoom TIME (e.g. zoom 5ms): not \"%s\"", arg);
}

/* pan left | right */
static void do_pan(tui *t, const char *arg)
{
	if (!strcasecmp(arg, "left") || !strcasecmp(arg, "l") || !strcasecmp(arg, "earlier")) timeline_pan(t, -1);
	else if (!strcasecmp(arg, "right") || !strcasecmp(arg, "r") || !strcasecmp(arg, "later")) timeline_pan(t, 1);
	else tui_msg(t, R_ERR, "pan left or pan right (or Alt-Left/Right)");
}

/* at TIME | off: the timeline's cursor. */
static void do_at(tui *t, const char *arg)
{
	int64_t ns;
	if (!*arg || !strcasecmp(arg, "off") || !strcasecmp(arg, "none")) timeline_cursor(t, -1);
	else if (!view_parse_ns(arg, &ns)) timeline_cursor(t, ns);
	else tui_msg(t, R_ERR, "at TIME puts the cursor there (e.g. at 12.5ms, at 300us); at off removes it");
}

/* Where save puts a trace it names: the user's data folder
 * ($XDG_DATA_HOME/parlab/traces, else ~/.local/share/parlab/traces), or
 * the current folder when there is no home. */
static char *traces_dir(void)
{
	const char *s = getenv("XDG_DATA_HOME");
	if (s && *s == '/') return xasprintf("%s/parlab/traces", s);
	s = getenv("HOME");
	if (s && *s) return xasprintf("%s/.local/share/parlab/traces", s);
	return xstrdup(".");
}

/* DIR/parlab-five-worker-processes-20250101-120000.trace, DIR made as
 * needed; NULL (a message said why) when it cannot be. */
static char *save_name(tui *t, const trace *tr)
{
	char slug[40], when[32];
	size_t o = fs_slug(slug, sizeof slug, trace_title(tr));
	time_t now = time(NULL);
	strftime(when, sizeof when, "%Y%m%d-%H%M%S", localtime(&now));
	char *dir = traces_dir();
	if (fs_mkdirs(dir, 0755) < 0) {
		tui_msg(t, R_ERR, "Not saved: cannot make the folder %s: %s (save FILE saves elsewhere)", dir,
			strerror(errno));
		free(dir);
		return NULL;
	}
	char *path = xasprintf("%s/parlab-%s%s%s.trace", dir, slug, o ? "-" : "", when);
	free(dir);
	return path;
}

/* save [FILE]: the trace shown, once its run has ended. */
static void do_save(tui *t, const char *arg)
{
	if (!t->tr) { tui_msg(t, R_DIM, "No run to save yet: type run first."); return; }
	if (trace_end(t->tr) < 0) { tui_msg(t, R_DIM, "The run is still going: save it once it has ended."); return; }
	if (!*arg && t->replay) { tui_msg(t, R_DIM, "save FILE: name the copy."); return; }
	const char *home = getenv("HOME");
	char *path = !*arg ? save_name(t, t->tr)
		     : arg[0] == '~' && arg[1] == '/' && home ? xasprintf("%s%s", home, arg + 1) : xstrdup(arg);
	if (!path) return;
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

/* "trace save [FILE]", as the docs also call it. */
static void do_trace(tui *t, const char *arg)
{
	if (!strncmp(arg, "save", 4) && (!arg[4] || arg[4] == ' ')) do_save(t, arg[4] ? arg + 5 : "");
	else tui_msg(t, R_ERR, "trace save [FILE] saves the run's trace; type help for the commands.");
}

/* ---- what the screen shows ---------------------------------------------------------- */

/* focus lesson | timeline | output (any prefix). */
static void do_focus(tui *t, const char *arg)
{
	for (int f = 0; f < F_NPANES; f++)
		if (*arg && !strncasecmp(arg, tui_pane_name(f), strlen(arg))) { cmd_focus(t, f); return; }
	if (!strcasecmp(arg, "tl") || !strcasecmp(arg, "lanes")) { cmd_focus(t, F_TIMELINE); return; }
	tui_msg(t, R_ERR, "focus lesson, focus timeline or focus output (Tab on an empty prompt cycles)");
}

static void do_pause(tui *t, const char *arg) { (void)arg; cmd_pause(t, 1); }
static void do_resume(tui *t, const char *arg) { (void)arg; cmd_pause(t, 0); }
static void do_help(tui *t, const char *arg) { (void)arg; cmd_help(t); }
static void do_quit(tui *t, const char *arg) { (void)arg; tui_quit(t, 0); }
static void do_reload(tui *t, const char *arg) { (void)arg; tui_reload(t, 1); }
static void do_replay_pause(tui *t, const char *arg) { (void)arg; replay_pause(t); }

/* stats: the statistics panel over the lesson pane. */
static void do_stats(tui *t, const char *arg)
{
	(void)arg;
	if (t->replay) { tui_msg(t, R_DIM, "The statistics are on the left, up to the replay's clock."); return; }
	if (!t->tr) { tui_msg(t, R_DIM, "No run yet: the statistics come after a run."); return; }
	cmd_overlay(t, OV_STATS);
	cmd_focus(t, F_LESSON);
	t->dirty |= D_TL | D_LESSON;   /* the panel is built with the timeline */
}

/* ---- the table ------------------------------------------------------------------------ */

enum { L = CMD_LESSON, R = CMD_REPLAY, LR = CMD_LESSON | CMD_REPLAY };
/* The stats panel stays open for zoom, pan and the cursor: the numbers
 * beside the picture they describe. */
enum { STATS = CMD_KEEPS_STATS, OVERLAY = CMD_KEEPS_OVERLAY };

/* The first row that matches a word where the screen is wins (so the
 * menu's Enter comes before the lesson's); the help page lists the rows
 * in this order. Rows without a function are lines of help only. */
static const tui_cmd table[] = {
	{ .name = "", .where = CMD_MENU, .keeps = OVERLAY, .fn = do_menu_open },
	{ .name = "", .where = L, .fn = do_enter,
	  .help = "read on when the step is longer than the pane, else the next step" },
	{ .name = "", .where = R, .fn = replay_toggle, .help = "pause, or play on" },
	{ .name = "next", .aliases = { "n" }, .where = L, .fn = do_next, .help = "the next step (then the next lesson)" },
	{ .name = "back", .aliases = { "b", "prev" }, .where = L, .fn = do_back, .help = "the step before" },
	{ .name = "run", .aliases = { "r" }, .where = L, .fn = do_run, .help = "start this step's run; again to rerun it" },
	{ .name = "stop", .where = L, .fn = do_stop, .help = "stop the live run (Ctrl-C too)" },
	{ .name = "1 2 3 ...", .where = L, .help = "answer the question (or type the text of a choice)" },
	{ .name = "hint", .where = L, .fn = do_hint, .help = "a hint for the question" },
	{ .name = "lessons", .aliases = { "lesson", "l" }, .where = L, .keeps = OVERLAY, .fn = do_lessons,
	  .help = "the course menu: what is done, where you are, your score" },
	{ .name = "lessons", .args = "N", .where = L, .help = "open lesson N" },
	{ .name = "reload", .where = L, .fn = do_reload,
	  .help = "load the lesson files again (saving one does too)" },
	{ .name = "pause", .where = R, .keeps = STATS, .fn = do_replay_pause, .help = "stop the replay clock (F12)" },
	{ .name = "play", .aliases = { "resume", "live" }, .shown = 1, .where = R, .keeps = STATS, .fn = replay_play,
	  .help = "start the replay clock from where it stands (F12)" },
	{ .name = "step", .aliases = { "s" }, .args = "[TIME]", .where = R, .fn = replay_step,
	  .help = "pause and move the clock one timeline column on (or by TIME, e.g. step 1ms)" },
	{ .name = "seek", .aliases = { "goto" }, .args = "TIME", .where = R, .fn = replay_seek,
	  .help = "pause with the clock at TIME" },
	{ .name = "speed", .args = "X", .where = R, .fn = replay_speed,
	  .help = "play X times as fast: 0.01 (slow motion) to 1000; 1 is real time" },
	{ .name = "restart", .where = R, .fn = replay_restart, .help = "play again from the start" },
	{ .name = "stats", .aliases = { "statistics" }, .where = L, .keeps = STATS, .fn = do_stats,
	  .help = "the run's numbers: wall time, tasks running at once, CPU use, per task" },
	{ .name = "stats", .aliases = { "statistics" }, .where = R, .keeps = STATS, .fn = do_stats,
	  .help = "the run's numbers: on the left, up to the replay's clock" },
	{ .name = "save", .args = "[FILE]", .where = L, .fn = do_save,
	  .help = "save the run's trace (in ~/.local/share/parlab/traces unless FILE is given); parlab replay FILE plays it back" },
	{ .name = "save", .args = "FILE", .where = R, .fn = do_save, .help = "save the trace again, elsewhere" },
	{ .name = "pause", .where = L, .keeps = STATS, .fn = do_pause,
	  .help = "freeze the timeline and the output at this instant; the run goes on underneath (F12)" },
	{ .name = "resume", .aliases = { "play", "live" }, .shown = 1, .where = L, .keeps = STATS, .fn = do_resume,
	  .help = "back to the live picture (F12)" },
	{ .name = "step", .aliases = { "s" }, .args = "[wN]", .where = L, .fn = do_sched_step,
	  .help = "a stepped run: one action of worker N (or of the next worker that can go)" },
	{ .name = "go", .args = "[wN]", .where = L, .fn = do_sched_go,
	  .help = "a stepped run: every worker that can goes, in turn, to the end; go wN: worker N alone, until it waits for another or is done" },
	{ .name = "undo", .aliases = { "u" }, .args = "[N]", .where = L, .fn = do_sched_undo,
	  .help = "a stepped run: take back the last step (or N): the run starts over and replays the rest" },
	{ .name = "restart", .where = L, .fn = do_sched_restart, .help = "a stepped run: start over, no step taken" },
	{ .name = "replay", .args = "[N]", .where = L, .fn = do_sched_replay,
	  .help = "a stepped run: start over and replay the schedule so far, N steps a second (2)" },
	{ .name = "search", .where = L, .fn = do_sched_search,
	  .help = "a stepped run whose goal is a claim: try every schedule, in order, for one that breaks it" },
	{ .name = "schedule", .args = "[save|load FILE]", .where = L, .fn = do_sched_list,
	  .help = "a stepped run: the workers let go so far; save them to FILE, or load FILE and replay it" },
	{ .name = "focus", .args = "PANE", .where = LR, .keeps = STATS, .fn = do_focus,
	  .help = "focus lesson, timeline or output (what PgUp/PgDn move)" },
	{ .name = "help", .aliases = { "?", "h" }, .where = LR, .keeps = OVERLAY, .fn = do_help,
	  .help = "this page (F1 or ? too)" },
	{ .name = "quit", .aliases = { "exit", "q" }, .shown = 1, .where = LR, .fn = do_quit,
	  .help = "leave parlab (Ctrl-D too)" },
	{ .name = "trace", .args = "save [FILE]", .where = LR, .fn = do_trace },   /* the docs' name for save */
	{ .name = "zoom", .aliases = { "z" }, .args = "in/out", .where = LR, .keeps = STATS, .part = CMD_TIMELINE,
	  .fn = do_zoom, .help = "show half / twice as much time (around the cursor, else the middle)" },
	{ .name = "zoom", .args = "TIME", .where = LR, .part = CMD_TIMELINE,
	  .help = "show TIME's worth, e.g. zoom 5ms; zoom fit shows the whole run" },
	{ .name = "pan", .args = "left", .where = LR, .keeps = STATS, .part = CMD_TIMELINE, .fn = do_pan,
	  .help = "earlier, by a quarter of the window (pan right: later)" },
	{ .name = "at", .aliases = { "cursor" }, .args = "TIME", .where = LR, .keeps = STATS, .part = CMD_TIMELINE,
	  .fn = do_at,
	  .help = "a cursor at TIME (12.5ms, 300us, 1.2s; a bare number is ms): each lane's right-hand "
		  "column says what it was doing then; at off removes it" },
};

enum { NCMD = sizeof table / sizeof *table, MAXWORDS = 1 + CMD_MAXALIAS };

/* The table, for the help page. */
const tui_cmd *cmd_table(size_t *n)
{
	*n = NCMD;
	return table;
}

/* Where the screen is, as a row's where flags. */
int cmd_where(const tui *t)
{
	if (t->replay) return CMD_REPLAY;
	return CMD_LESSON | (t->overlay == OV_LESSONS ? CMD_MENU : 0);
}

/* The k-th word of a row: its name, then its aliases; NULL past them. */
static const char *word_of(const tui_cmd *c, int k)
{
	if (k == 0) return c->name;
	return k <= CMD_MAXALIAS ? c->aliases[k - 1] : NULL;
}

/* The command a word names where the screen is, or NULL. */
static const tui_cmd *find(const char *word, int where)
{
	for (size_t i = 0; i < NCMD; i++) {
		const tui_cmd *c = &table[i];
		if (!c->fn || !(c->where & where)) continue;
		for (int k = 0; word_of(c, k); k++)
			if (!strcasecmp(word, word_of(c, k))) return c;
	}
	return NULL;
}

/* Tab: the rows' names and shown aliases valid here, in table order;
 * *state counts (row, word) pairs. */
const char *cmd_complete(const tui *t, const char *text, size_t *state)
{
	size_t len = strlen(text);
	int where = cmd_where(t) & (CMD_LESSON | CMD_REPLAY);
	while (*state < NCMD * MAXWORDS) {
		const tui_cmd *c = &table[*state / MAXWORDS];
		int k = (int)(*state % MAXWORDS);
		++*state;
		const char *w = k <= c->shown ? word_of(c, k) : NULL;
		if (w && *w && c->fn && c->help && (c->where & where) && !strncasecmp(w, text, len)) return w;
	}
	return NULL;
}

/* ---- a typed line ----------------------------------------------------------------------- */

/* A typed line: its first word finds the row; an open page closes first
 * unless the row keeps it; a line that names no command is an answer. */
void cmd_line(tui *t, char *line)
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
	const tui_cmd *c = find(word, cmd_where(t));
	int keeps = c ? c->keeps : 0;
	if (t->overlay == OV_STATS && (keeps & CMD_KEEPS_STATS)) keeps |= CMD_KEEPS_OVERLAY;
	if (t->overlay && !(keeps & CMD_KEEPS_OVERLAY)) {
		cmd_close(t);
		if (!*p) return;   /* Enter just closes it */
	}
	if (c) {
		c->fn(t, arg);
		return;
	}
	if (t->replay) {
		if (find(word, CMD_LESSON))
			tui_msg(t, R_DIM, "This is a replay of a saved run: no lessons or runs here. Type help for its commands.");
		else
			tui_msg(t, R_ERR, "Unknown command \"%s\" in a replay. Type help for the commands.", word);
		return;
	}
	const step *s = engine_step(t->e);
	if (s && s->kind == STEP_QUIZ) {
		do_answer(t, s, p);
	} else {
		char *end;
		strtol(p, &end, 10);
		if (!*end) tui_msg(t, R_ERR, "There is no question on this step to answer.");
		else tui_msg(t, R_ERR, "Unknown command \"%s\". Type help for the commands.", word);
	}
}
