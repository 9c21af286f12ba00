/*
 * engine_answer.c: answers to the current question. Judging goes through
 * the question-type table (quiz.c); the engine keeps what was answered
 * (engine_progress.c saves it), hands out hints one by one, and says what
 * the front ends show: each question's state (engine_quiz_state) and the
 * words on it (engine_feedback_of), the same for the TUI and batch.
 */
#include "engine/engine_int.h"
#include "engine/lua_api.h"
#include "engine/quiz.h"
#include "util/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *engine_quiz_prompt(const step *s) { return quiz_prompt(s); }

int engine_answer(engine *e, const char *input, quiz_result *res)
{
	const step *s = engine_step(e);
	memset(res, 0, sizeof *res);
	if (!s || s->kind != STEP_QUIZ || !input) return -1;
	res->explain = s->explain;
	res->why = quiz_why(s);
	if (s->from) {   /* the answer comes from the run now */
		char *why = NULL;
		int rc = eng_from_judge(e, s, input, res, &why);
		free(why);
		if (rc < 0) return rc;
	} else if (quiz_judge(course_lua(e->c), s, input, res) < 0) {
		return -1;
	}
	if (s->predict) {   /* kept; the run judges it */
		eng_note_prediction(e, s, input);
		res->predicted = 1;
		res->correct = 0;
		return 0;
	}
	eng_note_answer(e, s, input, res->correct, res->choice);
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
	struct sstate *x = eng_sst(e, s);
	return x->hints_shown < s->nhints ? s->hints[x->hints_shown++] : NULL;
}

const char *engine_hint_at(const engine *e, const step *q, int i)
{
	if (!q || q->kind != STEP_QUIZ || i < 0 || i >= eng_sst(e, q)->hints_shown) return NULL;
	return q->hints[i];
}

void engine_quiz_state(const engine *e, const step *q, engine_quiz_view *v)
{
	memset(v, 0, sizeof *v);
	if (!q || q->kind != STEP_QUIZ) return;
	const struct sstate *x = eng_sst(e, q);
	int retries = q->retries > 0 ? q->retries : 2;
	v->tries = x->tries;
	v->settled = engine_settled(e, q);
	v->earlier = v->settled && !x->tries && !x->predicted_now;
	v->correct = x->tries ? x->last_right : v->settled && x->saved_right;
	v->revealed = v->settled && !v->correct;
	v->tries_left = v->settled || x->tries + x->saved_tries >= retries ? 0 : retries - x->tries - x->saved_tries;
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
	const struct sstate *x = eng_sst(e, q);
	char *shown = !q->from ? quiz_answer_shown(q)
		      : x->from_shown ? xstrdup(x->from_shown)
		      : xasprintf("Its answer came from your run \"%s\".", q->from);
	if (v.earlier) {
		fb->text = xasprintf("Answered %sin an earlier session. %s", v.correct ? "right " : "", shown);
	} else if (v.correct) {
		char *said = q->from && x->from_praise ? xstrdup(x->from_praise) : quiz_praise(q, v.last_input);
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

char *engine_accepted(const step *s)
{
	return s && s->kind == STEP_QUIZ ? quiz_accepted(s) : xstrdup("");
}
