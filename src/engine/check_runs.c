/*
 * check_runs.c: `parlab check --runs N` (see check_runs.h). The runs are
 * the batch engine's (engine_run, the loop turned until the run is done),
 * with no transcript: what is kept of each run is what a report needs.
 */
#include "engine/check_runs.h"
#include "engine/engine_int.h"
#include "util/xmalloc.h"

#include <lauxlib.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Distinct texts and how often each was met. */
typedef struct {
	char **text;
	int *count;
	int n;
	size_t cap;
} tally;

static void tally_add(tally *t, const char *s)
{
	for (int i = 0; i < t->n; i++)
		if (!strcmp(t->text[i], s)) { t->count[i]++; return; }
	size_t cap = t->cap;
	t->text = xgrow(t->text, &cap, (size_t)t->n + 1, sizeof *t->text);
	t->count = xgrow(t->count, &t->cap, (size_t)t->n + 1, sizeof *t->count);
	t->text[t->n] = xstrdup(s);
	t->count[t->n++] = 1;
}

static int tally_total(const tally *t)
{
	int n = 0;
	for (int i = 0; i < t->n; i++) n += t->count[i];
	return n;
}

static void tally_free(tally *t)
{
	for (int i = 0; i < t->n; i++) free(t->text[i]);
	free(t->text);
	free(t->count);
}

/* "2 in 4 runs, 1 in 1 run" (most met first). */
static void tally_print(FILE *out, const tally *t)
{
	int *done = xcalloc((size_t)t->n + 1, sizeof *done);
	for (int k = 0; k < t->n; k++) {
		int best = -1;
		for (int i = 0; i < t->n; i++)
			if (!done[i] && (best < 0 || t->count[i] > t->count[best])) best = i;
		done[best] = 1;
		fprintf(out, "%s%s in %d run%s", k ? ", " : "", t->text[best], t->count[best], t->count[best] == 1 ? "" : "s");
	}
	free(done);
}

/* What is kept of one step over the repetitions. */
typedef struct {
	const step *s;
	int li, qno;          /* lesson, and for a question its number in the lesson (1-based) */
	tally seen;           /* questions: what was observed (or the verdict) */
	tally errors;         /* observe, note or text errors */
	tally failures;       /* runs: failed, timed out (unexpectedly), not started */
} watched;

typedef struct {
	int done;
} waiter;

static void on_done(run *r, void *arg)
{
	(void)r;
	((waiter *)arg)->done = 1;
}

/* An error the engine wrote in place of a note or a text body. */
static int said_error(const char *text)
{
	return text && !strncmp(text, "parlab: ", 8);
}

static watched *find(watched *w, int n, const step *s)
{
	for (int i = 0; i < n; i++)
		if (w[i].s == s) return &w[i];
	return NULL;
}

/* A level's check: its solution replayed, or its claim searched. */
static void goal_start(engine *e, const step *s, char **fail)
{
	char why[300];
	if (s->goal_never) {
		if (engine_sched_search(e, why, sizeof why) < 0) *fail = xasprintf("its claim could not be searched: %s", why);
		return;
	}
	if (!s->solution) return;
	int *plan, n;
	if (engine_sched_parse(s->solution, s->rkind == RUN_COMMAND ? 0 : s->nworkers, &plan, &n, why, sizeof why) < 0 ||
	    engine_sched_replay(e, plan, n, 0, why, sizeof why) < 0)
		*fail = xasprintf("its solution could not be replayed: %s", why);
	else free(plan);
}

/* After the run: what went wrong with the goal, or NULL. */
static char *goal_judged(engine *e, const step *s)
{
	engine_goal g;
	if (!engine_sched_goal(e, &g)) return NULL;
	if (g.error) return xasprintf("its goal failed: %s", g.error);
	if (engine_sched_stopped(e)) return xasprintf("its solution fell short: %s", engine_sched_stopped(e));
	if (g.never && g.reached_at >= 0)
		return xasprintf("a schedule did what its claim says never happens (%s)", g.search ? g.search : "");
	if (!g.never && s->solution && g.reached_at < 0) return xstrdup("its solution did not reach its goal");
	return NULL;
}

/* One repetition: every run step of the course in order, with a fresh
 * engine. Returns the runs made. */
static int one_pass(course *c, loop *l, watched *w, int nw, FILE *out)
{
	engine *e = engine_new(c, l);
	int runs = 0;
	for (int li = 0; li < course_nlessons(c); li++) {
		const lesson *les = course_lesson(c, li);
		for (int si = 0; si < les->nsteps; si++) {
			const step *s = &les->steps[si];
			if (s->kind == STEP_TEXT && s->note_fn != LUA_NOREF) {
				if (engine_goto(e, li, si) != 0) continue;
				char *body = engine_text_body(e, s);
				if (said_error(body)) tally_add(&find(w, nw, s)->errors, body + 8);
				free(body);
			}
			if (s->kind != STEP_RUN || engine_goto(e, li, si) != 0) continue;
			watched *rw = find(w, nw, s);
			waiter st = { 0 };
			run_events ev = { NULL, on_done, &st, NULL };
			char *err = NULL;
			runs++;
			if ((s->goal > 0 ? engine_run_stepped(e, &ev, &err) : engine_run(e, &ev, &err)) < 0) {   /* a level: stepped */
				char *m = xasprintf("could not start: %s", err);
				tally_add(&rw->failures, m);
				free(m);
				free(err);
				continue;
			}
			char *goal_fail = NULL;
			if (s->goal > 0) goal_start(e, s, &goal_fail);
			while (!st.done) {   /* a stepped run: every worker goes, in turn (once a search is over) */
				if (!engine_sched_replaying(e)) engine_sched_go(e);
				loop_once(l, 1000);
			}
			if (s->goal > 0 && !goal_fail) goal_fail = goal_judged(e, s);
			if (goal_fail) { tally_add(&rw->failures, goal_fail); free(goal_fail); }
			if (engine_run_failed(e)) {
				trace *t = engine_trace(e);
				tally_add(&rw->failures, t ? trace_outcome(t) : "failed");
			}
			char *note = engine_run_note(e, s);
			if (s->note_fn != LUA_NOREF && said_error(note)) {
				const char *why = note + 8;
				if (!strncmp(why, "the run's note failed: ", 23)) why += 23;
				tally_add(&rw->errors, why);
			}
			free(note);
			const engine_verdict *v;
			int nv = engine_verdicts(e, s, &v);
			for (int i = 0; i < nv; i++) {
				watched *q = find(w, nw, v[i].q);
				if (!q) continue;
				if (v[i].error) tally_add(&q->errors, v[i].error);
				else if (v[i].observed) tally_add(&q->seen, v[i].observed);
				else tally_add(&q->seen, v[i].judged ? (v[i].correct ? "a true verdict" : "a false verdict")
								    : "nothing");
			}
		}
	}
	engine_free(e);
	fprintf(out, "  %d run%s done\n", runs, runs == 1 ? "" : "s");
	fflush(out);
	return runs;
}

int check_runs(const char *path, int n, FILE *out)
{
	char *err = NULL;
	course *c = course_load(path, &err);
	if (!c) {
		fprintf(out, "%s\n", err);
		free(err);
		return 1;
	}
	/* Nothing is answered here: a lesson that does not let a student skip
	 * must not keep the runs after its first question from being made. */
	int nw = 0;
	for (int li = 0; li < course_nlessons(c); li++) {
		lesson *les = (lesson *)course_lesson(c, li);
		les->must_answer = 0;
		nw += les->nsteps;
	}
	watched *w = xcalloc((size_t)nw + 1, sizeof *w);
	nw = 0;
	for (int li = 0; li < course_nlessons(c); li++) {
		const lesson *les = course_lesson(c, li);
		int qno = 0;
		for (int si = 0; si < les->nsteps; si++) {
			const step *s = &les->steps[si];
			if (s->kind == STEP_QUIZ) qno++;
			w[nw++] = (watched){ .s = s, .li = li, .qno = s->kind == STEP_QUIZ ? qno : 0 };
		}
	}
	char *cwd = getcwd(NULL, 0);
	loop *l = loop_new();
	int total = 0, problems = 0, nruns = 0, nq = 0;
	fprintf(out, "%s: every run step %d time%s\n", path, n, n == 1 ? "" : "s");
	for (int k = 0; k < n; k++) {
		fprintf(out, "pass %d of %d:\n", k + 1, n);
		fflush(out);
		total += one_pass(c, l, w, nw, out);
	}
	for (int i = 0; i < nw; i++) {
		watched *x = &w[i];
		const step *s = x->s;
		char where[64];
		const char *file = s->file;   /* as the lesson's errors say it: from here */
		if (cwd && !strncmp(file, cwd, strlen(cwd)) && file[strlen(cwd)] == '/') file += strlen(cwd) + 1;
		if (s->kind == STEP_QUIZ) snprintf(where, sizeof where, "lesson %d, question %d", x->li + 1, x->qno);
		else snprintf(where, sizeof where, "lesson %d, %s", x->li + 1, s->kind == STEP_RUN ? "run" : "text");
		if (s->kind == STEP_RUN) nruns++;
		if (s->kind == STEP_QUIZ && s->predicts) nq++;
		if (x->seen.n > 1) {
			fprintf(out, "%s (%s:%d): observed ", where, file, s->line);
			tally_print(out, &x->seen);
			fputc('\n', out);
			problems++;
		}
		if (x->failures.n) {
			fprintf(out, "%s \"%s\" (%s:%d): failed in %d of %d runs: ", where, s->title, file, s->line,
				tally_total(&x->failures), n);
			tally_print(out, &x->failures);
			fputc('\n', out);
			problems++;
		}
		if (x->errors.n) {
			fprintf(out, "%s%s%s%s (%s:%d): %s in %d of %d runs: ", where, s->title ? " \"" : "",
				s->title ? s->title : "", s->title ? "\"" : "", file, s->line,
				s->kind == STEP_QUIZ ? "observe failed" : s->kind == STEP_RUN ? "the note failed" : "the text failed",
				tally_total(&x->errors), n);
			tally_print(out, &x->errors);
			fputc('\n', out);
			problems++;
		}
		tally_free(&x->seen);
		tally_free(&x->errors);
		tally_free(&x->failures);
	}
	if (problems)
		fprintf(out, "not stable: %d problem%s in %d runs (%d run steps, %d predict questions)\n", problems,
			problems == 1 ? "" : "s", total, nruns, nq);
	else
		fprintf(out, "stable: %d runs (%d run step%s x %d), %d predict question%s observed the same each time\n",
			total, nruns, nruns == 1 ? "" : "s", n, nq, nq == 1 ? "" : "s");
	free(w);
	free(cwd);
	loop_free(l);
	course_free(c);
	return problems ? 1 : 0;
}
