/*
 * engine.c: a student's session through a course: position, runs, answers.
 * Runs are handed to src/run with callbacks that execute on the runner's
 * side; nothing of a lesson's work happens in this process.
 */
#include "engine/engine.h"
#include "engine/lua_api.h"
#include "engine/prepare.h"
#include "engine/progress.h"
#include "engine/quiz.h"
#include "util/xmalloc.h"

#include <lauxlib.h>

#include <ctype.h>
#include <ftw.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct engine {
	course *c;
	loop *l;
	int li, si;           /* lesson, step */
	run *r;
	trace *t;             /* last run's trace */
	const step *t_step;   /* the step that trace belongs to */
	int run_failed, run_skipped;
	char *scratch;
	int *loff;            /* each lesson's first step in sstate */
	struct sstate {
		unsigned seen : 1, saved_seen : 1, first_right : 1, right : 1, revealed : 1;
		unsigned last_right : 1, predicted_now : 1;
		int tries;        /* answers judged (predictions: verdicts) */
		int last_choice;  /* choice questions: the last answer's choice */
		char *last_input; /* the last judged answer, as typed */
		int hints_shown;
		int saved_tries;  /* answers in the saved progress */
		int saved_first_right, saved_right;
		char *prediction; /* predict questions: the student's, as typed */
		int pred_judged;  /* a run has judged this prediction */
		int sum_ref, prev_ref;   /* run steps: summaries of the last two runs */
		int64_t wall, work;      /* run steps: the last run's wall and CPU time, 0 never run */
	} *ss;
	engine_verdict *verd; /* the last run's verdicts on predictions */
	int nverd;
	run_events user_ev;
	progress *prog;       /* where progress is kept, or NULL */
	char *prog_course;    /* the course's id there */
	int prog_li;          /* the lesson whose time is being counted */
	int64_t prog_since;   /* the last sign of life (loop_now_ns) */
	int64_t prog_active;  /* time counted for prog_li, not yet written */
};

int engine_ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

engine *engine_new(course *c, loop *l)
{
	engine *e = xcalloc(1, sizeof *e);
	e->c = c;
	e->l = l;
	int n = course_nlessons(c), total = 0;
	e->loff = xcalloc((size_t)n + 1, sizeof *e->loff);
	for (int i = 0; i < n; i++) {
		e->loff[i] = total;
		total += course_lesson(c, i)->nsteps;
	}
	e->loff[n] = total;
	e->ss = xcalloc((size_t)(total ? total : 1), sizeof *e->ss);
	for (int i = 0; i < total; i++) e->ss[i].sum_ref = e->ss[i].prev_ref = LUA_NOREF;
	return e;
}

int engine_locate(const engine *e, const step *s, int *li)
{
	for (int i = 0; i < course_nlessons(e->c); i++) {
		const lesson *l = course_lesson(e->c, i);
		if (s >= l->steps && s < l->steps + l->nsteps) {
			if (li) *li = i;
			return (int)(s - l->steps);
		}
	}
	return -1;   /* not reached: every step is in a lesson */
}

static struct sstate *sst(const engine *e, const step *s)
{
	int li, si = engine_locate(e, s, &li);
	return &e->ss[e->loff[li] + si];
}

static void free_verdicts(engine *e)
{
	for (int i = 0; i < e->nverd; i++) {
		free(e->verd[i].prediction);
		free(e->verd[i].observed);
		free(e->verd[i].note);
		free(e->verd[i].error);
	}
	free(e->verd);
	e->verd = NULL;
	e->nverd = 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	remove(path);
	return 0;
}

static void drop_scratch(engine *e)
{
	if (!e->scratch) return;
	nftw(e->scratch, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(e->scratch);
	e->scratch = NULL;
}

static void drop_run(engine *e)
{
	if (e->r) { run_free(e->r); e->r = NULL; }
	drop_scratch(e);
}

void engine_free(engine *e)
{
	if (!e) return;
	engine_set_progress(e, NULL, NULL);
	drop_run(e);
	trace_free(e->t);
	free_verdicts(e);
	for (int i = 0; i < e->loff[course_nlessons(e->c)]; i++) {
		free(e->ss[i].prediction);
		free(e->ss[i].last_input);
		lapi_unref(course_lua(e->c), e->ss[i].sum_ref);
		lapi_unref(course_lua(e->c), e->ss[i].prev_ref);
	}
	free(e->ss);
	free(e->loff);
	free(e);
}

course *engine_course(engine *e) { return e->c; }
int engine_lesson_index(const engine *e) { return e->li; }
int engine_step_index(const engine *e) { return e->si; }
const lesson *engine_lesson(const engine *e) { return course_lesson(e->c, e->li); }

const step *engine_step(const engine *e)
{
	const lesson *l = engine_lesson(e);
	return (l && e->si < l->nsteps) ? &l->steps[e->si] : NULL;
}

/* ---- progress --------------------------------------------------------------- */

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

/* A student away longer than this between two signs of life (a key, a
 * move, an answer, a run) was not studying: count this much of the gap. */
#define AWAY_NS (5LL * 60 * 1000000000LL)

/* The time since the last sign of life counts for lesson prog_li. */
static void tick(engine *e)
{
	int64_t now = loop_now_ns(), gap = now - e->prog_since;
	if (gap > 0) e->prog_active += gap < AWAY_NS ? gap : AWAY_NS;
	e->prog_since = now;
}

char *engine_progress_problem(engine *e)
{
	return progress_take_problem(e->prog);
}

void engine_touch(engine *e)
{
	if (e->prog) tick(e);
}

/* Writes the time counted for lesson prog_li; lesson li counts from now. */
static void note_time(engine *e)
{
	const lesson *l = course_lesson(e->c, e->prog_li);
	tick(e);
	if (l && e->prog_active > 0)
		progress_add_time(e->prog, e->prog_course, base_name(l->file), (double)e->prog_active / 1e9);
	e->prog_active = 0;
	e->prog_li = e->li;
}

static void note_move(engine *e, int old_li)
{
	e->ss[e->loff[e->li] + e->si].seen = 1;
	if (!e->prog) return;
	if (old_li != e->li) note_time(e);
	else tick(e);
	progress_set_position(e->prog, e->prog_course, base_name(engine_lesson(e)->file), e->li, e->si);
}

/* One more judged answer to s (for a predict question: a verdict); choice:
 * the choice it meant, else 0. */
static void note_answer(engine *e, const step *s, const char *input, int correct, int choice)
{
	struct sstate *x = sst(e, s);
	if (!x->tries++) x->first_right = correct;
	if (correct) x->right = 1;
	x->last_right = correct != 0;
	x->last_choice = choice;
	free(x->last_input);
	x->last_input = xstrdup(input ? input : "");
	if (!e->prog) return;
	tick(e);
	progress_answer(e->prog, e->prog_course, base_name(s->file), engine_locate(e, s, NULL), s->body, input, correct);
}

/* The saved progress of one step (progress_steps). */
static void load_step(void *arg, const char *file, int si, int seen, int answers, int first_right, int any_right,
		      const char *prediction)
{
	engine *e = arg;
	for (int i = 0; i < course_nlessons(e->c); i++) {
		const lesson *l = course_lesson(e->c, i);
		if (strcmp(base_name(l->file), file) || si < 0 || si >= l->nsteps) continue;
		struct sstate *x = &e->ss[e->loff[i] + si];
		x->saved_seen = seen != 0;
		x->saved_tries = answers;
		x->saved_first_right = first_right;
		x->saved_right = any_right;
		if (prediction && !x->prediction && l->steps[si].predict) {
			x->prediction = xstrdup(prediction);
			x->pred_judged = answers > 0;   /* its verdict is saved already */
		}
	}
}

void engine_set_progress(engine *e, progress *p, const char *course_id)
{
	if (e->prog) {
		note_time(e);
		free(e->prog_course);
		e->prog = NULL;
		e->prog_course = NULL;
	}
	if (!p || !course_id) return;
	e->prog = p;
	e->prog_course = xstrdup(course_id);
	progress_steps(p, course_id, load_step, e);
	for (int i = 0; i < course_nlessons(e->c); i++) {
		const lesson *l = course_lesson(e->c, i);
		progress_lesson(p, course_id, base_name(l->file), i, l->title, l->nsteps);
	}
	e->prog_li = e->li;
	e->prog_since = loop_now_ns();
	e->prog_active = 0;
}

int engine_goto(engine *e, int li, int si)
{
	const lesson *l = course_lesson(e->c, li);
	if (!l || si < 0 || si >= l->nsteps) return -1;
	if (engine_blocker(e, li, si)) return -2;
	int old = e->li;
	e->li = li;
	e->si = si;
	note_move(e, old);
	return 0;
}

int engine_next(engine *e)
{
	const lesson *l = engine_lesson(e);
	if (e->si + 1 < l->nsteps) return engine_goto(e, e->li, e->si + 1);
	return engine_goto(e, e->li + 1, 0);
}

int engine_settled(const engine *e, const step *q)
{
	if (!q || q->kind != STEP_QUIZ) return 0;
	const struct sstate *x = sst(e, q);
	if (q->predict) return x->prediction || x->saved_tries;
	int tries = q->retries > 0 ? q->retries : 2;
	return x->right || x->saved_right || (x->revealed && x->tries) || x->tries >= tries || x->saved_tries >= tries;
}

void engine_reveal(engine *e, const step *q)
{
	if (q && q->kind == STEP_QUIZ) sst(e, q)->revealed = 1;
}

const step *engine_blocker(const engine *e, int li, int si)
{
	int from = e->loff[e->li] + e->si, to = e->loff[li] + si;
	for (int g = from, i = e->li; g < to; g++) {
		while (g >= e->loff[i + 1]) i++;
		const lesson *l = course_lesson(e->c, i);
		const step *s = &l->steps[g - e->loff[i]];
		if (l->must_answer && s->kind == STEP_QUIZ && !engine_settled(e, s)) return s;
	}
	return NULL;
}

void engine_lesson_status(const engine *e, int li, lesson_status *st)
{
	memset(st, 0, sizeof *st);
	const lesson *l = course_lesson(e->c, li);
	if (!l) return;
	st->nsteps = l->nsteps;
	for (int i = 0; i < l->nsteps; i++) {
		const struct sstate *x = &e->ss[e->loff[li] + i];
		st->seen += x->seen || x->saved_seen;
		if (l->steps[i].kind != STEP_QUIZ) continue;
		st->questions++;
		st->settled += engine_settled(e, &l->steps[i]);
		if (x->saved_tries) { st->asked++; st->right += x->saved_first_right; }
		else if (x->tries) { st->asked++; st->right += x->first_right; }
	}
	st->done = st->seen == st->nsteps && st->settled == st->questions;
}

int engine_back(engine *e)
{
	if (e->si > 0) return engine_goto(e, e->li, e->si - 1);
	const lesson *prev = course_lesson(e->c, e->li - 1);
	return prev ? engine_goto(e, e->li - 1, prev->nsteps - 1) : -1;
}

int engine_position(const engine *e, int *total)
{
	int pos = 0, n = 0;
	for (int i = 0; i < course_nlessons(e->c); i++) {
		if (i == e->li) pos = n + e->si;
		n += course_lesson(e->c, i)->nsteps;
	}
	if (total) *total = n;
	return pos + 1;
}

/* ---- runs ------------------------------------------------------------------- */

static void observe_run(engine *e, const step *r);

typedef struct {
	engine *e;
	const step *s;
} run_ctx;

static run_ctx the_ctx;   /* the runner's copy is what its children read */

/* Runner side. */
static int prepare_cb(void *ctx, char ***argv, int out_fd, int err_fd)
{
	(void)err_fd;
	run_ctx *rc = ctx;
	const step *s = rc->s;
	FILE *msg = fdopen(dup(out_fd), "w");
	if (!msg) return 1;
	setvbuf(msg, NULL, _IOLBF, 0);
	int rc_ = 0;
	if (prepare_files(course_dir(rc->e->c), s->files, msg) < 0) rc_ = 1;
	if (!rc_ && s->csv_file &&
	    prepare_csv(s->csv_file, s->csv_column, s->csv_rows, s->csv_mean, msg) < 0) rc_ = 1;
	if (!rc_ && s->rkind == RUN_COMMAND && *argv &&
	    (!strcmp((*argv)[0], "python3") || !strcmp((*argv)[0], "python"))) {
		/* Unbuffered, a print becomes two writes (text, newline) and lines of
		 * processes sharing the pipe can interleave mid-line; buffered, each
		 * line leaves whole, as from a terminal's line buffering. */
		unsetenv("PYTHONUNBUFFERED");
		const char *py = prepare_python(s->python, msg);
		if (!py) rc_ = 1;
		else (*argv)[0] = (char *)py;   /* our copy of the process: safe to change */
	}
	fclose(msg);
	return rc_;
}

/* Worker side: a child process of the runner, or a thread. */
static int work_cb(void *ctx, const run_worker *w)
{
	run_ctx *rc = ctx;
	if (rc->s->rkind == RUN_THREADS)
		return lapi_run_worker_fresh(rc->s->file, rc->s->index, w);
	return lapi_run_worker(course_lua(rc->e->c), rc->s->ref, w);
}

static void on_update(run *r, void *arg)
{
	(void)r;
	engine *e = arg;
	if (e->user_ev.update) e->user_ev.update(r, e->user_ev.arg);
}

/* Wall time and CPU work (the workers' CPU time) of a finished trace. */
static void figures_of(const trace *t, int64_t *wall, int64_t *work)
{
	*wall = trace_end(t);
	*work = 0;
	for (int i = 0; i < trace_ntasks(t); i++) {
		const trace_task *k = trace_task_at(t, i);
		if (k->worker >= 0) *work += k->cpu_ns;
	}
}

static const step *find_run(const lesson *l, const char *title)
{
	for (int i = 0; l && i < l->nsteps; i++)
		if (l->steps[i].kind == STEP_RUN && l->steps[i].title && !strcmp(l->steps[i].title, title))
			return &l->steps[i];
	return NULL;
}

/* Keeps this run's figures and, if the step names a baseline run that has
 * been run, says how the two compare, as a line of the trace (so the TUI's
 * output pane and the batch transcript both show it). Speedup is work done
 * per second of wall time, relative to the baseline's. */
static void compare(engine *e, const step *s, trace *t)
{
	struct sstate *x = sst(e, s);
	figures_of(t, &x->wall, &x->work);
	int64_t wall = x->wall, work = x->work;
	if (!s->baseline || e->run_failed || e->run_skipped) return;
	const step *base = find_run(engine_lesson(e), s->baseline);
	const struct sstate *b = base ? sst(e, base) : NULL;
	char msg[256], w1[24], w2[24];
	if (!b || b->wall <= 0 || b->work <= 0 || wall <= 0) {
		snprintf(msg, sizeof msg, "run \"%s\" too, to compare this run with it", s->baseline);
	} else {
		double time_ratio = (double)wall / (double)b->wall, work_ratio = (double)work / (double)b->work;
		snprintf(msg, sizeof msg, "vs \"%s\": %.2fx the CPU work in %.2fx the wall time (%s vs %s): speedup %.2fx",
			 s->baseline, work_ratio, time_ratio, trace_fmt_ns(w1, sizeof w1, wall),
			 trace_fmt_ns(w2, sizeof w2, b->wall), work_ratio / time_ratio);
	}
	trace_line_add(t, -1, trace_end(t), 0, msg, strlen(msg));
}

static void on_done(run *r, void *arg)
{
	engine *e = arg;
	e->run_failed = run_failed(r);
	e->run_skipped = run_skipped(r);
	engine_touch(e);
	compare(e, e->t_step, e->t);
	observe_run(e, e->t_step);
	if (e->user_ev.done) e->user_ev.done(r, e->user_ev.arg);
}

static char *make_scratch(void)
{
	const char *tmp = getenv("TMPDIR");
	char *tmpl = xasprintf("%s/parlab-run-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tmpl)) { free(tmpl); return NULL; }
	return tmpl;
}

int engine_run(engine *e, const run_events *ev, char **err)
{
	const step *s = engine_step(e);
	*err = NULL;
	if (!s || s->kind != STEP_RUN) { *err = xstrdup("this step has nothing to run"); return -1; }
	if (engine_running(e)) { *err = xstrdup("a run is already going (type stop to end it)"); return -1; }
	engine_touch(e);
	drop_run(e);
	trace_free(e->t);
	free_verdicts(e);
	e->scratch = make_scratch();
	e->t = trace_new(s->title, loop_now_ns());
	trace_set_ncpu(e->t, engine_ncpu());
	e->t_step = s;
	e->user_ev = ev ? *ev : (run_events){ 0 };
	the_ctx = (run_ctx){ e, s };
	run_spec spec = {
		.kind = s->rkind, .nworkers = s->nworkers, .argv = s->argv, .cwd = e->scratch,
		.timeout_ms = s->timeout_ms, .ctx = &the_ctx, .prepare = prepare_cb, .work = work_cb,
	};
	run_events mine = { on_update, on_done, e };
	e->r = run_start(e->l, &spec, e->t, &mine, err);
	if (!e->r) { drop_scratch(e); return -1; }
	return 0;
}

void engine_stop(engine *e, const char *why)
{
	if (e->r) run_stop(e->r, why);
}

int engine_running(const engine *e) { return e->r && run_live(e->r); }
trace *engine_trace(engine *e) { return e->t_step == engine_step(e) ? e->t : NULL; }
int engine_run_failed(const engine *e) { return e->run_failed; }
int engine_run_skipped(const engine *e) { return e->run_skipped; }

trace *engine_last_trace(engine *e, const step **s)
{
	if (s) *s = e->t ? e->t_step : NULL;
	return e->t;
}

/* ---- quizzes ------------------------------------------------------------------ */

const char *engine_quiz_prompt(const step *s) { return quiz_prompt(s); }

int engine_answer(engine *e, const char *input, quiz_result *res)
{
	const step *s = engine_step(e);
	memset(res, 0, sizeof *res);
	if (!s || s->kind != STEP_QUIZ || !input) return -1;
	res->explain = s->explain;
	res->why = quiz_why(s);
	if (quiz_judge(course_lua(e->c), s, input, res) < 0) return -1;
	if (s->predict) {   /* kept; the run judges it */
		struct sstate *x = sst(e, s);
		free(x->prediction);
		x->prediction = xstrdup(input);
		x->pred_judged = 0;
		x->predicted_now = 1;
		if (e->prog) progress_predict(e->prog, e->prog_course, base_name(s->file), engine_locate(e, s, NULL), input);
		res->predicted = 1;
		res->correct = 0;
		return 0;
	}
	note_answer(e, s, input, res->correct, res->choice);
	return 0;
}

char *engine_right_answer(const step *s)
{
	return s && s->kind == STEP_QUIZ ? quiz_right_answer(s) : xstrdup("");
}

const char *engine_hint(engine *e)
{
	const step *s = engine_step(e);
	if (!s || s->kind != STEP_QUIZ) return NULL;
	struct sstate *x = sst(e, s);
	return x->hints_shown < s->nhints ? s->hints[x->hints_shown++] : NULL;
}

const char *engine_hint_at(const engine *e, const step *q, int i)
{
	if (!q || q->kind != STEP_QUIZ || i < 0 || i >= sst(e, q)->hints_shown) return NULL;
	return q->hints[i];
}

void engine_quiz_state(const engine *e, const step *q, engine_quiz_view *v)
{
	memset(v, 0, sizeof *v);
	if (!q || q->kind != STEP_QUIZ) return;
	const struct sstate *x = sst(e, q);
	int retries = q->retries > 0 ? q->retries : 2;
	v->tries = x->tries;
	v->settled = engine_settled(e, q);
	v->earlier = v->settled && !x->tries && !x->predicted_now;
	v->correct = x->tries ? x->last_right : v->settled && x->saved_right;
	v->revealed = v->settled && !v->correct;
	v->tries_left = v->settled || x->tries >= retries ? 0 : retries - x->tries;
	v->chosen = x->last_choice;
	v->last_input = x->last_input;
	v->nhints = x->hints_shown;
}

/* The words for an answer given in this session that was not right and
 * left tries: what was not it, and how many tries are left. */
static char *try_again(const engine_quiz_view *v)
{
	const char *tries = v->tries_left == 1 ? "try" : "tries";
	if (v->chosen)
		return xasprintf("Not quite: %d) is not it. Try again (%d %s left), or type hint.", v->chosen,
				 v->tries_left, tries);
	return xasprintf("Not quite: \"%s\" is not it. Try again (%d %s left), or type hint.",
			 v->last_input ? v->last_input : "", v->tries_left, tries);
}

void engine_feedback_of(const engine *e, const step *q, engine_feedback *fb)
{
	engine_quiz_view v;
	memset(fb, 0, sizeof *fb);
	engine_quiz_state(e, q, &v);
	if (!q || q->kind != STEP_QUIZ || q->predict || (!v.tries && !v.settled)) return;
	fb->said = 1;
	fb->right = v.correct;
	fb->shown = v.correct || v.revealed;
	char *shown = quiz_answer_shown(q);
	if (v.earlier) {
		fb->text = xasprintf("Answered %sin an earlier session. %s", v.correct ? "right " : "", shown);
	} else if (v.correct) {
		char *said = quiz_praise(q, v.last_input);
		fb->text = xasprintf("Right: %s", said);
		free(said);
	} else if (v.revealed) {
		fb->text = xasprintf("Not quite. %s", shown);
	} else {
		fb->text = try_again(&v);
	}
	free(shown);
}

void engine_feedback_free(engine_feedback *fb)
{
	free(fb->text);
	fb->text = NULL;
}

char *engine_not_an_answer(const step *q, const char *input)
{
	return quiz_refusal(q, input ? input : "");
}

char *engine_answer_shown(const step *q)
{
	return q && q->kind == STEP_QUIZ ? quiz_answer_shown(q) : xstrdup("");
}

void engine_score(const engine *e, int *right, int *asked)
{
	*right = *asked = 0;
	for (int i = 0; i < e->loff[course_nlessons(e->c)]; i++)
		if (e->ss[i].tries) {
			++*asked;
			*right += e->ss[i].first_right;
		}
}

char *engine_accepted(const step *s)
{
	return s && s->kind == STEP_QUIZ ? quiz_accepted(s) : xstrdup("");
}

/* ---- predict, then observe ---------------------------------------------------- */

const char *engine_prediction(const engine *e, const step *q)
{
	return q && q->kind == STEP_QUIZ ? sst(e, q)->prediction : NULL;
}

char *engine_answer_text(const step *q, const char *input)
{
	return quiz_spell(q, input);
}

int engine_unpredicted(const engine *e, const step *r)
{
	int li, n = 0;
	if (!r || engine_locate(e, r, &li) < 0) return 0;
	const lesson *l = course_lesson(e->c, li);
	for (int i = 0; i < l->nsteps; i++)
		if (l->steps[i].predicts == r && !sst(e, &l->steps[i])->prediction) n++;
	return n;
}

char *engine_verdict_seen(const engine_verdict *v)
{
	if (v->observed && v->note) return xasprintf("%s (%s)", v->observed, v->note);
	return v->observed || v->note ? xstrdup(v->observed ? v->observed : v->note) : NULL;
}

const char *engine_verdict_says(const engine_verdict *v)
{
	if (v->error) return v->error;
	if (v->judged) return v->correct ? "Right: your machine did what you predicted." : "Not quite: your machine did otherwise.";
	return v->prediction ? "Not judged yet: run it again." : "Nothing was predicted, so nothing is judged.";
}

int engine_verdicts(engine *e, const step *r, const engine_verdict **v)
{
	*v = r && r == e->t_step ? e->verd : NULL;
	return *v ? e->nverd : 0;
}

/* Why o, what observe returned, is no answer to q (caller frees). */
static char *not_observed(const step *q, const lapi_observed *o)
{
	static const char *const lname[] = { [LUA_TNUMBER] = "number", [LUA_TSTRING] = "string",
		[LUA_TTABLE] = "list", [LUA_TFUNCTION] = "function" };
	const char *what = o->type >= 0 && o->type < (int)(sizeof lname / sizeof *lname) && lname[o->type]
			   ? lname[o->type] : "value";
	return xasprintf("%s:%d: observe returned a %s that is no answer to this %s question",
			 q->file, q->line, what, quiz_name(q->qtype));
}

/* Judges the prediction on q by what observe said (o). */
static void verdict_of(engine *e, const step *q, const lapi_observed *o, engine_verdict *v)
{
	v->note = o->note ? xstrdup(o->note) : NULL;
	if (o->type == LUA_TNIL) return;   /* the run could not tell (yet) */
	if (o->type == LUA_TBOOLEAN) {
		v->judged = v->prediction != NULL;
		v->correct = o->boolean;
		return;
	}
	step s;
	char *acc[2];
	int ans[LAPI_MAX_LIST];
	if (quiz_observed(q, o, &s, acc, ans) < 0) { v->error = not_observed(q, o); return; }
	v->observed = engine_right_answer(&s);
	quiz_result r = { 0 };
	if (v->prediction && quiz_judge(course_lua(e->c), &s, v->prediction, &r) == 0) {
		v->judged = 1;
		v->correct = r.correct;
	}
}

/* After run r: its summary, and a verdict for each prediction on it. */
static void observe_run(engine *e, const step *r)
{
	lua_State *L = course_lua(e->c);
	struct sstate *x = sst(e, r);
	free_verdicts(e);
	if (e->run_skipped) return;
	lapi_unref(L, x->prev_ref);
	x->prev_ref = x->sum_ref;
	char *why = NULL;
	x->sum_ref = lapi_summary(L, e->t, e->run_failed, x->prev_ref, &why);
	int li;
	engine_locate(e, r, &li);
	const lesson *l = course_lesson(e->c, li);
	const char **titles = xcalloc((size_t)l->nsteps, sizeof *titles);
	int *refs = xcalloc((size_t)l->nsteps, sizeof *refs), nr = 0;
	for (int i = 0; i < l->nsteps; i++) {
		const struct sstate *y = &e->ss[e->loff[li] + i];
		if (l->steps[i].kind == STEP_RUN && y->sum_ref != LUA_NOREF) {
			titles[nr] = l->steps[i].title;
			refs[nr++] = y->sum_ref;
		}
	}
	for (int i = 0; i < l->nsteps; i++) {
		const step *q = &l->steps[i];
		if (q->predicts != r) continue;
		struct sstate *qs = sst(e, q);
		e->verd = xrealloc(e->verd, sizeof *e->verd * (size_t)(e->nverd + 1));
		engine_verdict *v = &e->verd[e->nverd++];
		*v = (engine_verdict){ .q = q, .prediction = qs->prediction ? xstrdup(qs->prediction) : NULL };
		lapi_observed o;
		if (x->sum_ref == LUA_NOREF)
			v->error = xasprintf("%s:%d: no summary of the run to judge by: %s", q->file, q->line, why);
		else if (lapi_observe(L, q->observe, x->sum_ref, v->prediction, titles, refs, nr, &o) < 0)
			v->error = xstrdup(o.error);
		else
			verdict_of(e, q, &o, v);
		if (x->sum_ref != LUA_NOREF) lapi_observed_free(&o);
		if (v->judged && !qs->pred_judged) {   /* a prediction is scored once */
			qs->pred_judged = 1;
			note_answer(e, q, v->prediction, v->correct, 0);
		}
	}
	free(titles);
	free(refs);
	free(why);
}
