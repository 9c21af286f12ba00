/* Question types: every type of tests/lessons/good/quiz_types.lua judged
 * right and wrong, inputs of no answer's shape, the right answer's text,
 * and the score (first answer of each question counts); then every row of
 * the question-type table (quiz.c) through its functions: name lookup,
 * unknown names, judge, prompt, key hint, right answer, accepted forms,
 * marks on listed choices, and observe results as answers. */
#include "engine/engine.h"
#include "engine/lua_api.h"
#include "engine/quiz.h"
#include "check.h"
#include <lua.h>
#include <stdlib.h>

static engine *E;

/* 1 right, 0 wrong, -1 no answer of that shape. */
static int judge(int step, const char *input)
{
	quiz_result res;
	engine_goto(E, 0, step);
	if (engine_answer(E, input, &res) < 0) {
		if (!res.why || !*res.why) return -2;
		return -1;
	}
	return res.correct;
}

static void right_is(int step, const char *want)
{
	engine_goto(E, 0, step);
	char *r = engine_right_answer(engine_step(E));
	CHECK_STR(r, want);
	free(r);
}

static void test_types(void)
{
	const lesson *l = engine_lesson(E);
	CHECK(l->nsteps == 7);
	CHECK(l->steps[0].qtype == QUIZ_CHOICE && l->steps[0].retries == 2);
	CHECK(l->steps[1].qtype == QUIZ_MULTI && l->steps[1].retries == 3);
	CHECK(l->steps[2].qtype == QUIZ_TEXT);
	CHECK(l->steps[3].qtype == QUIZ_NUMBER);
	CHECK(l->steps[4].qtype == QUIZ_ORDER && l->steps[4].nchoices == 3);
	CHECK(l->steps[5].retries == 1);
}

static void test_choice(void)
{
	quiz_result res;
	engine_goto(E, 0, 0);
	CHECK(engine_answer(E, "2", &res) == 0 && res.correct && res.choice == 2);
	CHECK(engine_answer(E, "one", &res) == 0 && !res.correct && res.choice == 1);
	CHECK(judge(0, "4") == -1);
	CHECK(judge(0, "") == -1);
	right_is(0, "2) three");
}

static void test_multi(void)
{
	quiz_result res;
	engine_goto(E, 0, 1);
	CHECK(engine_answer(E, "1,3", &res) == 0 && res.correct && res.choice == 0);
	CHECK(judge(1, "1 3") == 1);
	CHECK(judge(1, "3 1") == 1);
	CHECK(judge(1, " 3, 1. ") == 1);
	CHECK(judge(1, "3 1 3") == 1);      /* a set: repeats change nothing */
	CHECK(judge(1, "1") == 0);          /* a subset */
	CHECK(judge(1, "1 2 3") == 0);      /* a superset */
	CHECK(judge(1, "2 4") == 0);
	CHECK(judge(1, "1 5") == -1);       /* no such choice */
	CHECK(judge(1, "processes") == -1);
	CHECK(judge(1, "  ") == -1);
	right_is(1, "1) processes, 3) threads");
}

static void test_text(void)
{
	CHECK(judge(2, "Dask") == 1);
	CHECK(judge(2, "  dask  ") == 1);
	CHECK(judge(2, "DASK!") == 1);
	CHECK(judge(2, "\"Dask.\"") == 1);
	CHECK(judge(2, "dask.distributed") == 1);
	CHECK(judge(2, "Dask.Distributed?") == 1);
	CHECK(judge(2, "dask distributed") == 0);   /* inner punctuation counts */
	CHECK(judge(2, "das k") == 0);
	CHECK(judge(2, "Spark") == 0);
	CHECK(judge(2, " ?! ") == -1);
	right_is(2, "Dask");
	/* patterns, against the normalized input */
	CHECK(judge(5, "Ray") == 1);
	CHECK(judge(5, "  ray   serve ") == 1);
	CHECK(judge(5, "Spark.") == 1);
	CHECK(judge(5, "pyspark") == 0);
	CHECK(judge(5, "spark streaming") == 0);
	CHECK(judge(5, "array") == 0);
	right_is(5, "a text matching the pattern ^ray");
}

static void test_number(void)
{
	CHECK(judge(3, "2") == 1);
	CHECK(judge(3, "2 CPUs") == 1);
	CHECK(judge(3, "~2") == 1);
	CHECK(judge(3, "about 2.4") == 1);
	CHECK(judge(3, "2.5") == 1);        /* the edge is in */
	CHECK(judge(3, "1.5") == 1);
	CHECK(judge(3, ".5e1") == 0);
	CHECK(judge(3, "2.51") == 0);
	CHECK(judge(3, "1.49") == 0);
	CHECK(judge(3, "-2") == 0);
	CHECK(judge(3, "3 or 2") == 0);     /* the first number counts */
	CHECK(judge(3, "two") == -1);
	right_is(3, "2 (\xc2\xb1" "0.5)");
}

static void test_order(void)
{
	CHECK(judge(4, "1 2 3") == 1);
	CHECK(judge(4, "1,2,3") == 1);
	CHECK(judge(4, "2 1 3") == 0);
	CHECK(judge(4, "3 2 1") == 0);
	CHECK(judge(4, "1 2") == -1);       /* every item once */
	CHECK(judge(4, "1 1 2") == -1);
	CHECK(judge(4, "1 2 3 4") == -1);
	right_is(4, "1, 2, 3: fork, run, exit");
	CHECK(judge(6, "2 3 1") == 1);
	CHECK(judge(6, "1 2 3") == 0);
	right_is(6, "2, 3, 1: cache, memory, disk");
}

static void test_score(void)
{
	int right, asked;
	engine_score(E, &right, &asked);
	/* first answers: choice 2 (right), multi 1,3 (right), text Dask (right),
	 * number 2 (right), order 1 2 3 (right), pattern Ray (right), order 2 3 1 */
	CHECK(asked == 7 && right == 7);
}

/* ---- the table, row by row ---------------------------------------------------- */

/* quiz_judge straight on step i: 1 right, 0 wrong, -1 no answer's shape. */
static int tjudge(int i, const char *input)
{
	const step *s = &engine_lesson(E)->steps[i];
	quiz_result res = { 0 };
	if (quiz_judge(course_lua(engine_course(E)), s, input, &res) < 0) return -1;
	return res.correct;
}

static void hint_is(int i, const char *want)
{
	char buf[64];
	quiz_key_hint(&engine_lesson(E)->steps[i], buf, sizeof buf);
	CHECK_STR(buf, want);
}

static void test_names(void)
{
	static const char *const names[] = { "choice", "multi", "text", "number", "order" };
	quiz_type t;
	CHECK_STR(quiz_names(), "choice, multi, text, number, order");
	for (int i = 0; i < 5; i++) {
		CHECK(quiz_lookup(names[i], &t) == 0);
		CHECK((int)t == i);
		CHECK_STR(quiz_name(t), names[i]);
	}
	CHECK(quiz_lookup("essay", &t) == -1);
	CHECK(quiz_lookup("Choice", &t) == -1);   /* names are exact */
	CHECK(quiz_lookup(NULL, &t) == 0 && t == QUIZ_CHOICE);   /* no type: choice */
	char *err = NULL;
	CHECK(course_load(fixture("lessons/bad/quiz_type.lua"), &err) == NULL);
	CHECK_CONTAINS(err, "quiz_type.lua:4: quiz{}: unknown type 'essay' (known: choice, multi, text, number, order)");
	free(err);
	err = NULL;
	CHECK(course_load(fixture("lessons/bad/quiz_wrong_field.lua"), &err) == NULL);
	CHECK_CONTAINS(err, "a 'number' question takes no 'choices'");
	free(err);
}

/* Every row: judge, prompt, what an answer looks like, key hint. */
static void test_rows(void)
{
	const step *st = engine_lesson(E)->steps;
	static const int row_step[] = { 0, 1, 2, 3, 4 };   /* a step of each type, in quiz_type order */
	static const char *const right[] = { "2", "1 3", "dask", "2", "1 2 3" };
	static const char *const wrong[] = { "1", "1", "spark", "3", "3 2 1" };
	static const char *const shapeless[] = { "4", "x", "?!", "two", "1 2" };
	static const char *const prompt[] = { "(type the number of a choice)",
		"(type the numbers of every right choice, e.g. 1 3)", "(type your answer)", "(type a number)",
		"(type the items' numbers in order, e.g. 2 3 1)" };
	static const char *const why[] = { "type the number or the text of a choice",
		"type the numbers of every right choice, e.g. 1 3", "type your answer in words", "type a number",
		"type every item's number once, in the right order" };
	static const char *const hint[] = { "1-3", "numbers, e.g. 1 3", "words", "a number", "numbers in order" };
	for (int t = 0; t < 5; t++) {
		int i = row_step[t];
		CHECK((int)st[i].qtype == t);
		CHECK(tjudge(i, right[t]) == 1);
		CHECK(tjudge(i, wrong[t]) == 0);
		CHECK(tjudge(i, shapeless[t]) == -1);
		CHECK_STR(quiz_prompt(&st[i]), prompt[t]);
		CHECK_STR(engine_quiz_prompt(&st[i]), prompt[t]);
		CHECK_STR(quiz_why(&st[i]), why[t]);
		CHECK(quiz_shows_prompt(&st[i]) == (t != QUIZ_CHOICE));
		hint_is(i, hint[t]);
	}
	CHECK(tjudge(5, "Ray") == 1);   /* text by pattern, with the course's Lua state */
}

/* Right answers, accepted forms, spelled-out answers and marks. */
static void test_right(void)
{
	const step *st = engine_lesson(E)->steps;
	static const char *const right[] = { "2) three", "1) processes, 3) threads", "Dask", "2 (\xc2\xb1" "0.5)",
		"1, 2, 3: fork, run, exit", "a text matching the pattern ^ray", "2, 3, 1: cache, memory, disk" };
	static const char *const accepted[] = { "2) three", "1) processes, 3) threads", "Dask / dask.distributed",
		"2 (\xc2\xb1" "0.5)", "1, 2, 3: fork, run, exit",
		"a text matching the pattern ^ray / a text matching the pattern ^spark$", "2, 3, 1: cache, memory, disk" };
	for (int i = 0; i < 7; i++) {
		char *r = quiz_right_answer(&st[i]), *a = quiz_accepted(&st[i]);
		CHECK_STR(r, right[i]);
		CHECK_STR(a, accepted[i]);
		free(r);
		free(a);
	}
	char *sp = quiz_spell(&st[0], "3");
	CHECK_STR(sp, "3) five");
	free(sp);
	sp = quiz_spell(&st[0], "nine");   /* no choice: as typed */
	CHECK_STR(sp, "nine");
	free(sp);
	sp = quiz_spell(&st[3], "2");
	CHECK_STR(sp, "2");
	free(sp);
	/* which listed choices are right: choice (one), multi (a set), others none */
	for (int c = 1; c <= 3; c++) CHECK(quiz_choice_is_right(&st[0], c) == (c == 2));
	for (int c = 1; c <= 4; c++) CHECK(quiz_choice_is_right(&st[1], c) == (c == 1 || c == 3));
	for (int c = 1; c <= 3; c++) CHECK(!quiz_choice_is_right(&st[4], c));
	CHECK(!quiz_choice_is_right(&st[2], 1) && !quiz_choice_is_right(&st[3], 1));
}

/* What observe returned, as each type's answer (or not). */
static void test_observed(void)
{
	const step *st = engine_lesson(E)->steps;
	step s;
	char *acc[2];
	int ans[LAPI_MAX_LIST];
	lapi_observed num = { .type = LUA_TNUMBER, .number = 3 }, str = { .type = LUA_TSTRING, .string = "one" };
	lapi_observed list = { .type = LUA_TTABLE, .list = { 3, 2 }, .nlist = 2 };
	lapi_observed perm = { .type = LUA_TTABLE, .list = { 3, 1, 2 }, .nlist = 3 };
	lapi_observed twice = { .type = LUA_TTABLE, .list = { 1, 1, 2 }, .nlist = 3 };
	CHECK(quiz_observed(&st[0], &num, &s, acc, ans) == 0 && s.answer == 3);
	CHECK(quiz_observed(&st[0], &str, &s, acc, ans) == 0 && s.answer == 1);
	CHECK(quiz_observed(&st[0], &list, &s, acc, ans) == -1);
	CHECK(quiz_observed(&st[1], &list, &s, acc, ans) == 0 && s.nanswers == 2 && s.answers[0] == 2 && s.answers[1] == 3);
	CHECK(quiz_observed(&st[1], &num, &s, acc, ans) == -1);
	CHECK(quiz_observed(&st[2], &str, &s, acc, ans) == 0 && !strcmp(s.accept[0], "one") && !s.accept[1] && !s.patterns);
	CHECK(quiz_observed(&st[5], &str, &s, acc, ans) == 0 && !s.patterns);   /* patterns give way to what was seen */
	CHECK(quiz_observed(&st[2], &num, &s, acc, ans) == -1);
	CHECK(quiz_observed(&st[3], &num, &s, acc, ans) == 0 && s.number == 3);
	lapi_observed about = { .type = LUA_TSTRING, .string = "about 7 CPUs" };
	CHECK(quiz_observed(&st[3], &about, &s, acc, ans) == 0 && s.number == 7);
	CHECK(quiz_observed(&st[3], &list, &s, acc, ans) == -1);
	CHECK(quiz_observed(&st[4], &perm, &s, acc, ans) == 0 && s.nanswers == 3 && s.answers[0] == 3);
	CHECK(quiz_observed(&st[4], &list, &s, acc, ans) == -1);    /* not every item */
	CHECK(quiz_observed(&st[4], &twice, &s, acc, ans) == -1);
	CHECK(quiz_observed(&st[4], &perm, &s, acc, ans) == 0 && tjudge(4, "1 2 3") == 1);   /* q itself unchanged */
	/* s judges by what was observed */
	quiz_result r = { 0 };
	quiz_observed(&st[4], &perm, &s, acc, ans);
	CHECK(quiz_judge(NULL, &s, "3 1 2", &r) == 0 && r.correct);
}

/* Answers to step i of engine f; the feedback on it afterwards. */
static void said(engine *f, int i, const char *input, const char *want, int right, int shown)
{
	quiz_result res;
	engine_goto(f, 0, i);
	if (input) engine_answer(f, input, &res);
	engine_feedback fb;
	engine_feedback_of(f, engine_step(f), &fb);
	CHECK(fb.said == (want != NULL));
	if (want) CHECK_STR(fb.text, want);
	CHECK(fb.right == right && fb.shown == shown);
	engine_feedback_free(&fb);
}

/* The feedback words, as the TUI says them (and batch after engine_reveal). */
static void test_feedback(void)
{
	engine *f = engine_new(engine_course(E), NULL);
	said(f, 0, NULL, NULL, 0, 0);   /* nothing to say before an answer */
	said(f, 0, "1", "Not quite: 1) is not it. Try again (1 try left), or type hint.", 0, 0);
	said(f, 0, "3", "Not quite. The answer is 2) three", 0, 1);   /* out of tries (2) */
	said(f, 0, "three", "Right: 2) three", 1, 1);
	said(f, 1, "1", "Not quite: \"1\" is not it. Try again (2 tries left), or type hint.", 0, 0);
	said(f, 2, "dask.distributed", "Right: Dask", 1, 1);
	said(f, 3, "3", "Not quite: \"3\" is not it. Try again (1 try left), or type hint.", 0, 0);
	engine_reveal(f, engine_step(f));   /* batch: the answer is on the page */
	said(f, 3, NULL, "Not quite. The answer is 2 (\xc2\xb1" "0.5)", 0, 1);
	said(f, 5, "pyspark", "Not quite. Accepted answers: a text matching the pattern ^ray / "
	     "a text matching the pattern ^spark$", 0, 1);   /* retries = 1 */
	said(f, 5, "ray serve", "Right: \"ray serve\"", 1, 1);   /* a pattern: said back as typed */
	said(f, 6, "1 2 3", "Not quite: \"1 2 3\" is not it. Try again (1 try left), or type hint.", 0, 0);
	engine_goto(f, 0, 2);
	quiz_result res;
	engine_answer(f, "spark", &res);
	engine_answer(f, "ray", &res);
	said(f, 2, NULL, "Not quite. Accepted answers: Dask / dask.distributed", 0, 1);
	/* input of no answer's shape */
	const step *st = engine_lesson(f)->steps;
	char *no = engine_not_an_answer(&st[0], "9");
	CHECK_STR(no, "\"9\" is not one of the choices (1-3)");
	free(no);
	no = engine_not_an_answer(&st[3], "two");
	CHECK_STR(no, "\"two\" is no answer here (type a number)");
	free(no);
	no = engine_answer_shown(&st[5]);
	CHECK_STR(no, "Accepted answers: a text matching the pattern ^ray / a text matching the pattern ^spark$");
	free(no);
	engine_free(f);
}

int main(void)
{
	char *err = NULL;
	course *c = course_load(fixture("lessons/good/quiz_types.lua"), &err);
	CHECK(c != NULL);
	if (!c) { fprintf(stderr, "%s\n", err); free(err); return CHECK_DONE(); }
	loop *l = loop_new();
	E = engine_new(c, l);
	test_types();
	test_choice();
	test_multi();
	test_text();
	test_number();
	test_order();
	test_score();
	test_names();
	test_rows();
	test_right();
	test_observed();
	test_feedback();
	engine_free(E);
	course_free(c);
	loop_free(l);
	return CHECK_DONE();
}
