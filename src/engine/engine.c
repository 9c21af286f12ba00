/*
 * engine.c: a student's session through a course: where the student is,
 * moving (and what blocks a move), which questions are settled, each
 * lesson's status and the score. The rest of the session is split by
 * concern (see engine_int.h): progress, runs, answers, predictions.
 */
#include "engine/engine_int.h"
#include "engine/lua_api.h"
#include "util/xmalloc.h"

#include <lauxlib.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Number of online CPUs, as lessons see it. */
int engine_ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

engine *engine_new(course *c, loop *l)
{
	engine *e = xcalloc(1, sizeof *e);
	eng_scratch_sweep();   /* what a killed parlab left */
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

struct sstate *eng_sst(const engine *e, const step *s)
{
	int li, si = engine_locate(e, s, &li);
	return &e->ss[e->loff[li] + si];
}

void engine_free(engine *e)
{
	if (!e) return;
	engine_set_progress(e, NULL, NULL);
	eng_drop_run(e);
	trace_free(e->t);
	eng_sched_destroy(e);
	eng_free_verdicts(e);
	for (int i = 0; i < e->loff[course_nlessons(e->c)]; i++) {
		free(e->ss[i].prediction);
		free(e->ss[i].last_input);
		free(e->ss[i].from_shown);
		free(e->ss[i].from_praise);
		free(e->ss[i].note);
		lapi_unref(course_lua(e->c), e->ss[i].sum_ref);
		lapi_unref(course_lua(e->c), e->ss[i].prev_ref);
	}
	free(e->ss);
	free(e->dask_scheduler);
	free(e->loff);
	course_free(e->owned);   /* engine_reload's */
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

/* ---- moves -------------------------------------------------------------------- */

int engine_goto(engine *e, int li, int si)
{
	const lesson *l = course_lesson(e->c, li);
	if (!l || si < 0 || si >= l->nsteps) return -1;
	if (engine_blocker(e, li, si)) return -2;
	int old = e->li;
	e->li = li;
	e->si = si;
	eng_note_move(e, old);
	return 0;
}

int engine_next(engine *e)
{
	const lesson *l = engine_lesson(e);
	if (e->si + 1 < l->nsteps) return engine_goto(e, e->li, e->si + 1);
	return engine_goto(e, e->li + 1, 0);
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

/* ---- settled questions, status, score ----------------------------------------------- */

int engine_is_level(const step *s) { return s && s->kind == STEP_RUN && s->goal > 0; }

int engine_settled(const engine *e, const step *q)
{
	if (engine_is_level(q)) return eng_sst(e, q)->right || eng_sst(e, q)->saved_right;
	if (!q || q->kind != STEP_QUIZ) return 0;
	const struct sstate *x = eng_sst(e, q);
	if (q->predict) return x->prediction || x->saved_tries;
	int tries = q->retries > 0 ? q->retries : 2;
	/* tries count across sessions: the saved ones and this session's */
	return x->right || x->saved_right || (x->revealed && x->tries) || x->tries + x->saved_tries >= tries;
}

void engine_reveal(engine *e, const step *q)
{
	if (q && q->kind == STEP_QUIZ) eng_sst(e, q)->revealed = 1;
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
		if (l->steps[i].kind != STEP_QUIZ && !engine_is_level(&l->steps[i])) continue;
		st->questions++;
		st->settled += engine_settled(e, &l->steps[i]);
		if (x->saved_tries) { st->asked++; st->right += x->saved_first_right; }
		else if (x->tries) { st->asked++; st->right += x->first_right; }
		else if (l->steps[i].predict && x->prediction) st->unjudged++;   /* "not judged": run it again */
	}
	st->done = st->seen == st->nsteps && st->settled == st->questions && !st->unjudged;
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
