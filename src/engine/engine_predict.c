/*
 * engine_predict.c: predict, then observe. A predict question's answer is
 * kept as the prediction; when the run it names ends, the engine builds
 * the run's summary (lua_observe.c), calls each question's observe with
 * it, turns what observe returned into the question's right answer for
 * this run (quiz_observed) and judges the prediction by its type's rules.
 * The verdicts belong to that run until the next one.
 */
#include "engine/engine_int.h"
#include "engine/lua_api.h"
#include "engine/markup.h"
#include "engine/quiz.h"
#include "util/xmalloc.h"

#include <lauxlib.h>

#include <stdlib.h>
#include <string.h>

/* Forgets the last run's verdicts. */
void eng_free_verdicts(engine *e)
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

const char *engine_prediction(const engine *e, const step *q)
{
	return q && q->kind == STEP_QUIZ ? eng_sst(e, q)->prediction : NULL;
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
		if (l->steps[i].predicts == r && !eng_sst(e, &l->steps[i])->prediction) n++;
	return n;
}

char *engine_verdict_seen(const engine_verdict *v)
{
	if (v->observed && v->note) return xasprintf("%s (%s)", v->observed, v->note);
	return v->observed || v->note ? xstrdup(v->observed ? v->observed : v->note) : NULL;
}

char *engine_verdict_says(const engine_verdict *v)
{
	if (v->error) return xasprintf("The lesson could not judge it: %s", v->error);
	if (v->judged)
		return xstrdup(v->correct ? "Right: your machine did what you predicted."
					  : "Not quite: your machine did otherwise.");
	return xstrdup(v->prediction ? "Not judged yet: run it again." : "Nothing was predicted, so nothing is judged.");
}

char *engine_verdict_predicted(const engine_verdict *v)
{
	return v->prediction ? engine_answer_text(v->q, v->prediction) : xstrdup("nothing (skipped)");
}

char *engine_prediction_kept(const step *q)
{
	return xasprintf("Prediction kept: the run \"%s\" will judge it.", q->predict ? q->predict : "");
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

/* Whether text (a note's or a text body's, from its function) has bad
 * markup (engine/markup.h); *err then says what, as lapi_note's errors do. */
static int bad_markup(const char *text, char **err)
{
	markup *m = markup_parse(text);
	int line;
	const char *why = markup_error(m, &line);
	if (why) *err = xasprintf("returned a text whose line %d has bad markup: %s", line, why);
	markup_free(m);
	return why != NULL;
}

/* What run r's note function says of this run (x->note), or the error in
 * its place, with the run's file:line. */
static void run_note(engine *e, const step *r, struct sstate *x, const char **titles, const int *refs, int nr,
		     const char *why)
{
	free(x->note);
	x->note = NULL;
	if (r->note_fn == LUA_NOREF) return;
	char *text = NULL, *err = NULL;
	int rc = x->sum_ref == LUA_NOREF ? -3
		 : lapi_note(course_lua(e->c), r->note_fn, x->sum_ref, titles, refs, nr, &text, &err);
	if (rc == 0 && text && bad_markup(text, &err)) rc = -2, free(text);
	if (rc == 0) x->note = text;
	else if (rc == -1) x->note = xasprintf("parlab: the run's note failed: %s", err);
	else if (rc == -2) x->note = xasprintf("parlab: %s:%d: the run's note %s", r->file, r->line, err);
	else x->note = xasprintf("parlab: %s:%d: no summary of the run for its note: %s", r->file, r->line,
				 why ? why : "unknown");
	free(err);
}

char *engine_run_note(const engine *e, const step *r)
{
	if (!r || r->kind != STEP_RUN) return NULL;
	if (r->note_fn == LUA_NOREF) return r->note ? xstrdup(r->note) : NULL;
	const char *n = eng_sst(e, r)->note;
	return n ? xstrdup(n) : NULL;
}

/* The latest run summaries of lessons [l0, l1) by run title, for observe,
 * notes and text bodies (caller frees both arrays). */
typedef struct {
	const char **titles;
	int *refs;
	int n;
} run_refs;

static run_refs runs_of(const engine *e, int l0, int l1)
{
	int cap = 1;
	for (int li = l0; li < l1; li++) cap += course_lesson(e->c, li)->nsteps;
	run_refs rr = { xcalloc((size_t)cap, sizeof *rr.titles), xcalloc((size_t)cap, sizeof *rr.refs), 0 };
	for (int li = l0; li < l1; li++) {
		const lesson *l = course_lesson(e->c, li);
		for (int i = 0; i < l->nsteps; i++) {
			const struct sstate *y = &e->ss[e->loff[li] + i];
			if (l->steps[i].kind != STEP_RUN || y->sum_ref == LUA_NOREF) continue;
			rr.titles[rr.n] = l->steps[i].title;
			rr.refs[rr.n++] = y->sum_ref;
		}
	}
	return rr;
}

static void run_refs_free(run_refs *rr)
{
	free(rr->titles);
	free(rr->refs);
}

char *engine_text_body(engine *e, const step *s)
{
	if (!s || s->kind != STEP_TEXT || s->note_fn == LUA_NOREF) return s && s->body ? xstrdup(s->body) : NULL;
	struct sstate *x = eng_sst(e, s);
	if (x->note && x->text_gen == e->run_gen) return xstrdup(x->note);
	run_refs rr = runs_of(e, 0, course_nlessons(e->c));   /* the whole course's */
	char *text = NULL, *err = NULL;
	int rc = lapi_note(course_lua(e->c), s->note_fn, LUA_NOREF, rr.titles, rr.refs, rr.n, &text, &err);
	free(x->note);
	if (rc == 0 && text && bad_markup(text, &err)) rc = -2, free(text);
	if (rc == 0) x->note = text ? text : xstrdup("");
	else if (rc == -1) x->note = xasprintf("parlab: the text failed: %s", err);
	else x->note = xasprintf("parlab: %s:%d: the text's body %s", s->file, s->line, err);
	x->text_gen = e->run_gen;
	free(err);
	run_refs_free(&rr);
	return xstrdup(x->note);
}

/* After run r: its summary, its note, and a verdict for each prediction on it. */
void eng_observe_run(engine *e, const step *r)
{
	lua_State *L = course_lua(e->c);
	struct sstate *x = eng_sst(e, r);
	eng_free_verdicts(e);
	if (e->run_skipped) return;
	lapi_unref(L, x->prev_ref);
	e->run_gen++;   /* text bodies written from the runs are stale */
	x->prev_ref = x->sum_ref;
	char *why = NULL;
	x->sum_ref = lapi_summary(L, e->t, e->run_failed, x->prev_ref, &why);
	if (r->stepper) eng_sched_summary(e, r, x->sum_ref);
	int li;
	engine_locate(e, r, &li);
	const lesson *l = course_lesson(e->c, li);
	run_refs rr = runs_of(e, li, li + 1);   /* this lesson's */
	run_note(e, r, x, rr.titles, rr.refs, rr.n, why);
	for (int i = 0; i < l->nsteps; i++) {
		const step *q = &l->steps[i];
		if (q->predicts != r) continue;
		struct sstate *qs = eng_sst(e, q);
		e->verd = xrealloc(e->verd, sizeof *e->verd * (size_t)(e->nverd + 1));
		engine_verdict *v = &e->verd[e->nverd++];
		*v = (engine_verdict){ .q = q, .prediction = qs->prediction ? xstrdup(qs->prediction) : NULL };
		lapi_observed o;
		if (x->sum_ref == LUA_NOREF)
			v->error = xasprintf("%s:%d: no summary of the run to judge by: %s", q->file, q->line, why);
		else if (lapi_observe(L, q->observe, x->sum_ref, v->prediction, rr.titles, rr.refs, rr.n, &o) < 0)
			v->error = xstrdup(o.error);
		else
			verdict_of(e, q, &o, v);
		if (x->sum_ref != LUA_NOREF) lapi_observed_free(&o);
		if (v->judged && !qs->pred_judged) {   /* a prediction is scored once */
			qs->pred_judged = 1;
			eng_note_answer(e, q, v->prediction, v->correct, 0);
		}
	}
	run_refs_free(&rr);
	free(why);
}

/* ---- questions from runs ------------------------------------------------------ */

/* q's right answer from its run's latest summary: *s is q with that
 * answer (acc, ans and *o hold its storage; free o with
 * lapi_observed_free). 0, or -1 and *why (caller frees). */
static int from_step(engine *e, const step *q, step *s, char **acc, int *ans, lapi_observed *o, char **why)
{
	memset(o, 0, sizeof *o);
	const struct sstate *x = q->from_run ? eng_sst(e, q->from_run) : NULL;
	if (!x || x->sum_ref == LUA_NOREF) {
		*why = xasprintf("This question is about your run \"%s\": it has not happened yet. Run it first "
				 "(type back to it, then run), then answer.", q->from ? q->from : "");
		return -1;
	}
	int li;
	engine_locate(e, q, &li);
	run_refs rr = runs_of(e, li, li + 1);
	int rc = lapi_observe(course_lua(e->c), q->observe, x->sum_ref, NULL, rr.titles, rr.refs, rr.n, o);
	run_refs_free(&rr);
	if (rc < 0) {
		*why = xasprintf("The lesson could not work out the answer: %s", o->error);
		return -1;
	}
	if (o->type == LUA_TNIL) {
		*why = xasprintf("Your run \"%s\" cannot answer this question%s%s. Run it again, then answer.", q->from,
				 o->note ? ": " : "", o->note ? o->note : "");
		return -1;
	}
	if (o->type == LUA_TBOOLEAN || quiz_observed(q, o, s, acc, ans) < 0) {
		char *no = not_observed(q, o);
		char *at = strstr(no, "observe returned");   /* this is the answer function */
		*why = at ? xasprintf("The lesson could not work out the answer: %.*sanswer%s", (int)(at - no), no,
				      at + strlen("observe"))
			  : xstrdup(no);
		free(no);
		return -1;
	}
	s->from = NULL;
	return 0;
}

/* What is shown of s's answer, with the function's note (o->note). */
static char *with_note(char *text, const lapi_observed *o)
{
	if (!o->note) return text;
	char *t = xasprintf("%s (%s)", text, o->note);
	free(text);
	return t;
}

int engine_from_answer(engine *e, const step *q, char **shown)
{
	step s;
	char *acc[2];
	int ans[LAPI_MAX_LIST];
	lapi_observed o;
	*shown = NULL;
	if (!q || q->kind != STEP_QUIZ || !q->from) return -1;
	if (from_step(e, q, &s, acc, ans, &o, shown) < 0) {
		lapi_observed_free(&o);
		return -1;
	}
	*shown = with_note(quiz_answer_shown(&s), &o);
	struct sstate *x = eng_sst(e, q);
	free(x->from_shown);
	x->from_shown = xstrdup(*shown);
	lapi_observed_free(&o);
	return 0;
}

int eng_from_judge(engine *e, const step *q, const char *input, quiz_result *res, char **why)
{
	step s;
	char *acc[2];
	int ans[LAPI_MAX_LIST];
	lapi_observed o;
	*why = NULL;
	if (from_step(e, q, &s, acc, ans, &o, why) < 0) {
		lapi_observed_free(&o);
		return -2;
	}
	int rc = quiz_judge(course_lua(e->c), &s, input, res);
	if (rc == 0) {
		struct sstate *x = eng_sst(e, q);
		free(x->from_shown);
		x->from_shown = with_note(quiz_answer_shown(&s), &o);
		free(x->from_praise);
		x->from_praise = with_note(quiz_praise(&s, input), &o);
	}
	lapi_observed_free(&o);
	return rc;
}
