/* Question types: every type of tests/lessons/good/quiz_types.lua judged
 * right and wrong, inputs of no answer's shape, the right answer's text,
 * and the score (first answer of each question counts). */
#include "engine/engine.h"
#include "check.h"
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
	engine_free(E);
	course_free(c);
	loop_free(l);
	return CHECK_DONE();
}
