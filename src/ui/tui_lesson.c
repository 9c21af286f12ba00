/*
 * tui_lesson.c: the lesson pane. The current lesson's steps, from its first
 * up to the current one, become one wrapped document (each line tagged with
 * its step); the pane follows the current step unless the student scrolled.
 * Help and the course menu (tui_menu.c) are documents shown in the same
 * place.
 */
#include "engine/quiz.h"
#include "ui/tui_int.h"
#include "util/xmalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- per-run state of the screen (live, done, its outcome) ------------------ */

run_state *lesson_run(tui *t, const step *s)
{
	for (size_t i = 0; i < t->nruns; i++)
		if (t->runs[i].s == s) return &t->runs[i];
	t->runs = xgrow(t->runs, &t->capruns, t->nruns + 1, sizeof *t->runs);
	run_state *r = &t->runs[t->nruns++];
	memset(r, 0, sizeof *r);
	r->s = s;
	return r;
}

/* ---- steps -------------------------------------------------------------------- */

/* Lines of inner (width d->width - 2) behind a "│ " bar: boxes are open
 * on the right, where the pane's own separator runs. */
static void box_body(tdoc *d, const tdoc *inner)
{
	for (size_t i = 0; i < inner->n; i++) {
		tline *l = doc_line(d);
		const tline *s = &inner->v[i];
		tline_adds(l, R_BOX, tui_glyph.vline);
		tline_adds(l, R_BOX, " ");
		for (size_t k = 0; k < s->nsp; k++)
			tline_add(l, s->sp[k].role, s->buf + s->sp[k].off, (size_t)s->sp[k].len);
	}
}

static void box_rule(tdoc *d, const char *left, const char *title)
{
	tline *l = doc_line(d);
	tline_adds(l, R_BOX, left);
	if (title) {
		tline_adds(l, R_BOX, tui_glyph.hline);
		tline_adds(l, R_BOX, " ");
		int room = d->width - 5;
		size_t fit = utf8_fit(title, strlen(title), room);
		tline_add(l, R_BOXTITLE, title, fit);
		tline_adds(l, R_BOX, " ");
	}
	for (int w = tline_width(l); w < d->width; w++) tline_adds(l, R_BOX, tui_glyph.hline);
}

/* Each prediction on run s beside what the run showed. */
static void verdicts(tui *t, tdoc *d, const step *s)
{
	const engine_verdict *v;
	int n = engine_verdicts(t->e, s, &v);
	for (int i = 0; i < n; i++) {
		doc_blank(d);
		if (!i) d->focus = (int)d->n;
		int role = v[i].judged ? (v[i].correct ? R_OK : R_ERR) : R_HINT;
		tline *h = doc_line(d);
		tline_adds(h, role, v[i].judged ? (v[i].correct ? tui_glyph.ok : tui_glyph.bad) : "?");
		tline_adds(h, R_HEAD, " Your prediction");
		doc_lesson_paras(d, R_BOLD, v[i].q->body, "  ", "  ", R_BOLD);
		char *said = engine_verdict_predicted(&v[i]);
		doc_paras(d, R_TEXT, said, "  You predicted: ", "    ", R_DIM);
		free(said);
		char *seen = engine_verdict_seen(&v[i]);
		if (seen) doc_paras(d, R_TEXT, seen, "  Observed:      ", "    ", R_DIM);
		free(seen);
		char *verdict = engine_verdict_says(&v[i]);
		doc_paras(d, v[i].error ? R_ERR : role, verdict, "  ", "  ", role);
		free(verdict);
		if (v[i].q->explain && (v[i].judged || !v[i].prediction)) {
			doc_blank(d);
			doc_text(d, v[i].q->explain);
		}
	}
}

/* A stepped run going: each worker's next action (dim when it cannot go
 * now, and why), the steps taken, the commands. */
static void sched_box(tui *t, tdoc *in)
{
	tline src = { 0 };
	int n, nw = engine_sched_workers(t->e);
	engine_sched_list(t->e, &n);
	char buf[200], next[160];
	int ahead = engine_sched_waiting(t->e);
	if (ahead) snprintf(buf, sizeof buf, "You are the scheduler: %d step%s so far, %d more waiting for the workers.", n, n == 1 ? "" : "s", ahead);
	else snprintf(buf, sizeof buf, "You are the scheduler: %d step%s so far.", n, n == 1 ? "" : "s");
	doc_paras(in, R_BOLD, buf, NULL, NULL, R_BOLD);
	for (int w = 0; w < nw; w++) {
		int can;
		engine_sched_next(t->e, w, next, sizeof next, &can);
		tline_clear(&src);
		snprintf(buf, sizeof buf, "w%d ", w);
		tline_adds(&src, can ? R_KEY : R_DIM, buf);
		tline_adds(&src, can ? R_TEXT : R_DIM, next);
		doc_flow(in, &src, NULL, NULL, 0);
	}
	tline_clear(&src);
	if (engine_sched_replaying(t->e)) {
		tline_adds(&src, R_DIM, "Replaying the schedule");
		tline_adds(&src, R_DIM, tui_glyph.ellipsis);
		doc_flow(in, &src, NULL, NULL, 1);
		tline_free(&src);
		return;
	}
	static const char *const keys[][2] = {
		{ "0", "-9 step that worker, " }, { ".", " the next that can, " }, { ">", " go (all, in turn), " },
		{ "Backspace", " undo. Type " }, { "undo", ", " }, { "restart", ", " }, { "schedule", " or " },
		{ "stop", "." },
	};
	tline_adds(&src, R_TEXT, "Keys: ");
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		tline_adds(&src, R_KEY, keys[i][0]);
		tline_adds(&src, R_TEXT, keys[i][1]);
	}
	doc_flow(in, &src, NULL, NULL, 1);
	tline_free(&src);
}

/* A stepped run's goal: what to do, and how far the student's run got. */
static void goal_box(tui *t, tdoc *in)
{
	engine_goal g;
	if (!engine_sched_goal(t->e, &g)) return;
	tline src = { 0 };
	tline_adds(&src, R_BOLD, "Goal: ");
	tline_adds(&src, R_TEXT, g.text);
	doc_flow(in, &src, NULL, NULL, 1);
	tline_clear(&src);
	char buf[400];
	int role = R_DIM;
	const char *mark = "";
	if (g.error) { role = R_ERR; mark = tui_glyph.bad; snprintf(buf, sizeof buf, " the goal could not be judged: %s", g.error); }
	else if (g.searching) snprintf(buf, sizeof buf, "Searching: %ld schedule%s tried%s", g.tried, g.tried == 1 ? "" : "s", tui_glyph.ellipsis);
	else if (g.never && g.reached_at >= 0) {
		role = R_ERR;
		mark = tui_glyph.bad;
		snprintf(buf, sizeof buf, " At step %d this schedule did what the claim says never happens%s%s", g.reached_at,
			 g.msg ? ": " : ".", g.msg ? g.msg : "");
	} else if (g.never && g.proved) { role = R_OK; mark = tui_glyph.ok; snprintf(buf, sizeof buf, " Proved: %s.", g.search); }
	else if (g.never) snprintf(buf, sizeof buf, "%s%s", g.search ? g.search : "Try to break it; then type search: parlab tries every schedule",
				   g.search ? "." : ".");
	else if (g.reached_at >= 0) {
		role = R_OK;
		mark = tui_glyph.ok;
		snprintf(buf, sizeof buf, " Reached at step %d%s%s", g.reached_at, g.msg ? ": " : ".", g.msg ? g.msg : "");
	} else if (engine_sched_workers(t->e)) snprintf(buf, sizeof buf, "Not reached yet.");
	else snprintf(buf, sizeof buf, "Not reached in %d step%s: undo, restart or run to try again.", g.steps, g.steps == 1 ? "" : "s");
	tline_adds(&src, role, mark);
	tline_adds(&src, role, buf);
	doc_flow(in, &src, NULL, NULL, 1);
	tline_free(&src);
}

/* Why the last replay, or a step asked for ahead, stopped short. */
static void stopped_box(tui *t, tdoc *in)
{
	const char *stopped = engine_sched_stopped(t->e);
	if (!stopped) return;
	char *say = xasprintf("%c%s.", toupper((unsigned char)stopped[0]), stopped + 1);
	doc_paras(in, R_HINT, say, NULL, NULL, R_HINT);
	free(say);
}

static void step_run(tui *t, tdoc *d, const step *s, int current)
{
	char *title = xasprintf("Run: %s", s->title ? s->title : "Run");
	int long_title = utf8_width(title, strlen(title)) > d->width - 5;
	box_rule(d, tui_glyph.tl, long_title ? "Run" : title);
	free(title);
	tdoc in;
	doc_init(&in, d->width - 2);
	if (long_title) doc_paras(&in, R_BOXTITLE, s->title, NULL, NULL, R_BOXTITLE);
	char buf[256];
	if (s->rkind == RUN_COMMAND) {
		tline src = { 0 };
		tline_adds(&src, R_DIM, "$ ");
		for (char **a = s->argv; a && *a; a++) {
			if (a != s->argv) tline_adds(&src, R_CODE, " ");
			for (const char *c = *a; *c; c++) {   /* a multi-line argument */
				if (*c == '\n') tline_adds(&src, R_DIM, tui_glyph.nl);
				else tline_add(&src, R_CODE, c, 1);
			}
		}
		doc_flow(&in, &src, NULL, NULL, 0);
		tline_free(&src);
		if (s->python && s->python[0]) {
			size_t o = 0;
			buf[0] = '\0';
			for (char **m = s->python; *m && o + 2 < sizeof buf; m++)
				o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", m == s->python ? "" : ", ", *m);
			char *msg = xasprintf("needs Python with %s", buf);
			doc_paras(&in, R_DIM, msg, NULL, NULL, R_DIM);
			free(msg);
		}
	} else {
		if (s->rkind == RUN_THREADS)
			snprintf(buf, sizeof buf, "%d thread%s in one process, running the lesson's worker",
				 s->nworkers, s->nworkers == 1 ? "" : "s");
		else
			snprintf(buf, sizeof buf, "%d worker process%s (fork), running the lesson's worker",
				 s->nworkers, s->nworkers == 1 ? "" : "es");
		doc_paras(&in, R_TEXT, buf, NULL, NULL, R_TEXT);
	}
	if (s->csv_file) {
		snprintf(buf, sizeof buf, "first generates %s (%d rows)", s->csv_file, s->csv_rows);
		doc_paras(&in, R_DIM, buf, NULL, NULL, R_DIM);
	}
	run_state *rs = lesson_run(t, s);
	tline src = { 0 };
	if (current && s->stepper) {
		goal_box(t, &in);
		stopped_box(t, &in);
	}
	if (rs->state == 1 && engine_sched_workers(t->e)) {
		sched_box(t, &in);
	} else if (rs->state == 1) {
		int prep = engine_preparing(t->e, NULL) != NULL;   /* the workers have not started */
		tline_adds(&src, R_BOLD, prep ? "Preparing" : "Running");
		tline_adds(&src, R_TEXT, tui_glyph.ellipsis);
		tline_adds(&src, R_TEXT, " type ");
		tline_adds(&src, R_KEY, "stop");
		tline_adds(&src, R_TEXT, " to end it.");
		doc_flow(&in, &src, NULL, NULL, 1);
	} else if (rs->state == 2) {
		d->focus = (int)d->n - 1;   /* the box's title: outcome and note below */
		int role;
		const char *mark = output_outcome_mark(rs->kind, rs->failed, &role);
		tline_adds(&src, role, mark);
		tline_adds(&src, role, " ");
		tline_adds(&src, role, rs->outcome ? rs->outcome : "finished");
		doc_flow(&in, &src, NULL, NULL, 1);
		if (rs->kind != TRACE_NOT_RUN && t->tr && t->tr_step == s && trace_end(t->tr) >= 0) {   /* this run's numbers */
			tline_clear(&src);
			stats_summary(&src, t->tr);
			doc_flow(&in, &src, NULL, NULL, 1);
		}
		if (current) {
			tline_clear(&src);
			tline_adds(&src, R_TEXT, "Type ");
			tline_adds(&src, R_KEY, "run");
			tline_adds(&src, R_TEXT, " to run it again, ");
			if (s->stepper) {
				tline_adds(&src, R_KEY, "undo");
				tline_adds(&src, R_TEXT, " (or Backspace) to take back the last step, ");
			}
			tline_adds(&src, R_TEXT, "Enter to go on.");
			doc_flow(&in, &src, NULL, NULL, 1);
		}
	} else if (!current) {
		tline_adds(&src, R_DIM, "(not run)");
		doc_flow(&in, &src, NULL, NULL, 1);
	} else {
		int np = engine_unpredicted(t->e, s);
		if (np) {
			char *m = xasprintf("%d question%s above ask%s you to predict this run first (type back).", np,
					    np == 1 ? "" : "s", np == 1 ? "s" : "");
			doc_paras(&in, R_HINT, m, NULL, NULL, R_HINT);
			free(m);
		}
		tline_adds(&src, R_TEXT, "Type ");
		tline_adds(&src, R_KEY, "run");
		tline_adds(&src, R_TEXT, " to start it");
		if (s->stepper == STEPPER_ALLOW) {
			tline_adds(&src, R_TEXT, ", or ");
			tline_adds(&src, R_KEY, "step");
			tline_adds(&src, R_TEXT, " to start it stepped: you are its scheduler");
		}
		tline_adds(&src, R_TEXT, ".");
		if (s->timeout_ms > 0) {
			char tb[64];
			snprintf(tb, sizeof tb, " (time limit %g s)", s->timeout_ms / 1000.0);
			tline_adds(&src, R_DIM, tb);
		}
		doc_flow(&in, &src, NULL, NULL, 1);
	}
	tline_free(&src);
	box_body(d, &in);
	doc_free(&in);
	box_rule(d, tui_glyph.bl, NULL);
	char *note = rs->state == 2 && rs->kind != TRACE_NOT_RUN ? engine_run_note(t->e, s) : NULL;
	if (note) {
		doc_blank(d);
		doc_text(d, note);
		free(note);
	}
	if (rs->state == 2) verdicts(t, d, s);
}

/* The hints asked for so far, under the question, the newest in view. */
static void hints_shown(tui *t, tdoc *d, const step *s)
{
	engine_quiz_view q;
	engine_quiz_state(t->e, s, &q);
	for (int i = 0; i < q.nhints; i++) {
		const char *hint = engine_hint_at(t->e, s, i);
		doc_blank(d);
		d->focus = (int)d->n;
		doc_lesson_paras(d, R_HINT, hint, "Hint: ", "      ", R_HINT);
	}
}

/* A predict question: the choices, hints asked for, and the prediction
 * kept; the verdict comes below the run (step_run). */
static void step_predict(tui *t, tdoc *d, const step *s)
{
	const char *p = engine_prediction(t->e, s);
	char *say = xasprintf("Predict, then observe: the run \"%s\" on this machine judges your answer.", s->predict);
	doc_paras(d, R_DIM, say, NULL, NULL, R_DIM);
	free(say);
	doc_blank(d);
	for (int i = 0; i < s->nchoices; i++) {
		char pre[32];
		snprintf(pre, sizeof pre, "   %d) ", i + 1);
		doc_lesson_paras(d, R_TEXT, s->choices[i], pre, "      ", R_KEY);
	}
	if (!p) {
		const char *how = engine_quiz_prompt(s);
		if (s->nchoices) doc_blank(d);
		doc_paras(d, R_DIM, how, NULL, NULL, R_DIM);
	}
	hints_shown(t, d, s);
	if (!p) return;
	doc_blank(d);
	d->focus = (int)d->n;
	char *said = engine_answer_text(s, p);
	char *msg = xasprintf("Your prediction: %s. Type next, then run: the run judges it "
			      "(type another answer to change it).", said);
	doc_paras(d, R_HINT, msg, NULL, "  ", R_HINT);
	free(msg);
	free(said);
}

/* A question: the choices marked as the engine's state says (right ones
 * once the answer is on the page, the last wrong choice), hints shown,
 * and the engine's words on the answers so far. */
static void step_quiz(tui *t, tdoc *d, const step *s)
{
	engine_quiz_view q;
	engine_feedback fb;
	engine_quiz_state(t->e, s, &q);
	tline *h = doc_line(d);
	tline_adds(h, R_HEAD, s->title ? s->title : s->predict ? "Predict" : "Question");
	doc_lesson_paras(d, R_BOLD, s->body, NULL, NULL, R_BOLD);
	if (s->predict) { step_predict(t, d, s); return; }
	char *cannot = NULL;   /* a question from a run that has not happened */
	if (s->from && engine_from_answer(t->e, s, &cannot) < 0) {
		doc_blank(d);
		doc_paras(d, R_HINT, cannot, NULL, NULL, R_HINT);
	}
	free(cannot);
	engine_feedback_of(t->e, s, &fb);
	if (s->nchoices || !fb.shown) doc_blank(d);
	int chosen = q.chosen >= 1 && q.chosen <= s->nchoices ? q.chosen : 0;
	for (int i = 0; i < s->nchoices; i++) {
		char pre[32];
		int role = R_KEY;
		const char *mark = " ";
		if (fb.shown && quiz_choice_is_right(s, i + 1)) { mark = tui_glyph.ok; role = R_OK; }
		else if (chosen == i + 1 && !q.correct) { mark = tui_glyph.bad; role = R_ERR; }
		snprintf(pre, sizeof pre, " %s %d) ", mark, i + 1);
		int text_role = role == R_KEY ? R_TEXT : role;
		doc_lesson_paras(d, text_role, s->choices[i], pre, "      ", role);
	}
	if (quiz_shows_prompt(s) && !fb.shown) {
		const char *p = engine_quiz_prompt(s);
		if (s->nchoices) doc_blank(d);   /* below the items */
		doc_paras(d, R_DIM, p, NULL, NULL, R_DIM);
	}
	hints_shown(t, d, s);
	if (fb.said) {
		int role = fb.right ? R_OK : fb.shown && !q.tries ? R_HINT : R_ERR;
		char *msg = xasprintf("%s %s", fb.right ? tui_glyph.ok : q.tries ? tui_glyph.bad : tui_glyph.bullet, fb.text);
		doc_blank(d);
		d->focus = (int)d->n;
		doc_paras(d, role, msg, NULL, "  ", role);
		free(msg);
	}
	if (fb.shown && s->explain) {
		doc_blank(d);
		doc_text(d, s->explain);
	}
	engine_feedback_free(&fb);
}

void lesson_build(tui *t)
{
	tdoc *d = &t->doc;
	doc_reset(d, t->lw - 2);
	const lesson *L = engine_lesson(t->e);
	if (!L) return;
	int cur = engine_step_index(t->e);
	for (int i = 0; i <= cur && i < L->nsteps; i++) {
		const step *s = &L->steps[i];
		d->tag = i;
		if (i > 0) doc_blank(d);
		switch (s->kind) {
		case STEP_TEXT:
			if (s->title) {
				tline *h = doc_line(d);
				tline_adds(h, R_HEAD, s->title);
				doc_blank(d);
			}
			{
				char *body = engine_text_body(t->e, s);
				doc_text(d, body);
				free(body);
			}
			break;
		case STEP_CODE: doc_code(d, s->title, s->lang, s->body); break;
		case STEP_RUN: step_run(t, d, s, i == cur); break;
		case STEP_QUIZ: step_quiz(t, d, s); break;
		}
	}
	if (cur == L->nsteps - 1) {
		d->tag = cur;
		doc_blank(d);
		course *c = engine_course(t->e);
		int li = engine_lesson_index(t->e), n = course_nlessons(c);
		char *msg;
		if (li + 1 < n)
			msg = xasprintf("End of lesson %d. Enter: lesson %d, %s", li + 1, li + 2,
					course_lesson(c, li + 1)->title);
		else
			msg = xasprintf("End of the course. Type lessons to pick one again, or quit.");
		doc_paras(d, R_DIM, msg, NULL, NULL, R_DIM);
		free(msg);
	}
}

/* ---- drawing and scrolling --------------------------------------------------------- */

static int pane_rows(tui *t)
{
	int h, w;
	getmaxyx(t->lesson, h, w);
	(void)w;
	return h;
}

static int max_top(tui *t, const tdoc *d)
{
	int h = pane_rows(t), m = (int)d->n - h;
	return m > 0 ? m : 0;
}

/* The first line that shows the current step as fully as the pane allows. */
static int follow_top(tui *t)
{
	const tdoc *d = &t->doc;
	if (!t->e) return t->lesson_top;   /* a replay's pane scrolls only by hand */
	int h = pane_rows(t), cur = engine_step_index(t->e);
	int cs = (int)d->n;
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].tag == cur) { cs = (int)i; break; }
	int ce = (int)d->n;
	if (ce - cs <= h) return ce - h > 0 ? ce - h : 0;
	if (d->focus > cs) {   /* feedback: show it, with a little context above */
		int top = d->focus - 2 < ce - h ? d->focus - 2 : ce - h;
		return top > cs ? top : cs;
	}
	return cs;
}

void lesson_draw(tui *t)
{
	if (!t->lesson) return;
	const tdoc *d = t->overlay ? &t->ov : &t->doc;
	int h = pane_rows(t);
	if (!t->overlay && t->lesson_follow) t->lesson_top = follow_top(t);
	menu_reveal(t, h);
	if (t->lesson_top > max_top(t, d)) t->lesson_top = max_top(t, d);
	if (t->lesson_top < 0) t->lesson_top = 0;
	werase(t->lesson);
	doc_draw(d, t->lesson, 0, h, t->lesson_top);
	wnoutrefresh(t->lesson);
	/* The separator doubles as the lesson's scroll bar, lit when the
	 * lesson pane has the focus. */
	if (t->sep) {
		int sh = getmaxy(t->sep);
		attr_t a = tui_attr(t->focus == F_LESSON ? R_FOCUS_RULE : R_SEP);
		for (int y = 0; y < sh; y++) tui_puts(t->sep, y, 0, 1, a, tui_glyph.vline);
		if (t->lesson_top > 0) tui_puts(t->sep, 0, 0, 1, tui_attr(R_KEY), tui_glyph.up);
		if (t->lesson_top + h < (int)d->n)
			tui_puts(t->sep, sh - 1 < h - 1 ? sh - 1 : h - 1, 0, 1, tui_attr(R_KEY), tui_glyph.down);
		wnoutrefresh(t->sep);
	}
}

int lesson_more_below(tui *t)
{
	if (!t->lesson) return 0;
	const tdoc *d = t->overlay ? &t->ov : &t->doc;
	int top = !t->overlay && t->lesson_follow ? follow_top(t) : t->lesson_top;
	return top + pane_rows(t) < (int)d->n;
}

void lesson_scroll(tui *t, int rows)
{
	const tdoc *d = t->overlay ? &t->ov : &t->doc;
	if (!t->overlay && t->lesson_follow) t->lesson_top = follow_top(t);
	t->lesson_top += rows;
	if (t->lesson_top > max_top(t, d)) t->lesson_top = max_top(t, d);
	if (t->lesson_top < 0) t->lesson_top = 0;
	t->lesson_follow = 0;
	t->dirty |= D_LESSON;
}
