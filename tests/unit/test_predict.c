/* Predict-then-observe: tests/lessons/good/predict.lua's predictions kept
 * before its runs and judged after real runs (forked workers, the real
 * capture) by the lesson's observe functions; verdicts flip with the
 * prediction; errors in observe name the lesson's line; a must_answer
 * lesson holds the student at an open question. */
#include "engine/engine.h"
#include "check.h"
#include <stdlib.h>

static engine *E;
static loop *L;
static int done;
static void on_done(run *r, void *arg) { (void)r; (void)arg; done = 1; }

static int run_at(int step)
{
	run_events ev = { NULL, on_done, NULL, NULL };
	char *err = NULL;
	CHECK(engine_goto(E, 0, step) == 0);
	done = 0;
	if (engine_run(E, &ev, &err) < 0) {
		fprintf(stderr, "engine_run: %s\n", err);
		free(err);
		return -1;
	}
	for (int i = 0; i < 300 && !done; i++) loop_once(L, 100);
	return done ? 0 : -1;
}

static int predict(int step, const char *input)
{
	quiz_result res;
	CHECK(engine_goto(E, 0, step) == 0);
	if (engine_answer(E, input, &res) < 0) return -1;
	CHECK(res.predicted && !res.correct);
	return 0;
}

static const engine_verdict *verdict(const step *q)
{
	const engine_verdict *v;
	int n = engine_verdicts(E, q->predicts, &v);
	for (int i = 0; i < n; i++)
		if (v[i].q == q) return &v[i];
	return NULL;
}

static void test_must_answer(const lesson *l)
{
	CHECK(l->must_answer);
	CHECK(engine_next(E) == -2);
	CHECK(engine_blocker(E, 0, 1) == &l->steps[0]);
	CHECK(engine_goto(E, 0, 6) == -2);
	CHECK(engine_step_index(E) == 0);
	CHECK(engine_unpredicted(E, &l->steps[6]) == 6);
	CHECK(predict(0, "two") == -1);          /* no number: not kept */
	CHECK(engine_prediction(E, &l->steps[0]) == NULL);
	CHECK(predict(0, "2") == 0);
	CHECK_STR(engine_prediction(E, &l->steps[0]), "2");
	CHECK(engine_next(E) == 0 && engine_step_index(E) == 1);
	CHECK(engine_back(E) == 0);              /* back is always free */
}

static void test_first_run(const lesson *l)
{
	CHECK(predict(1, "no") == 0);
	CHECK(predict(2, "3") == 0);
	CHECK(predict(3, "99") == 0);
	CHECK(predict(4, "yes") == 0);
	CHECK(predict(5, "Hello from two!") == 0);
	CHECK(engine_unpredicted(E, &l->steps[6]) == 0);
	const engine_verdict *v;
	CHECK(engine_verdicts(E, &l->steps[6], &v) == 0);   /* not run yet */
	CHECK(run_at(6) == 0);
	CHECK(engine_verdicts(E, &l->steps[6], &v) == 6);

	v = verdict(&l->steps[0]);
	CHECK(v && v->judged && v->correct && !v->error);
	CHECK_STR(v->observed, "2");
	CHECK_CONTAINS(v->note, "lines in the order 2");
	v = verdict(&l->steps[1]);
	CHECK(v && v->judged && v->correct);
	CHECK_STR(v->observed, "2) no");
	CHECK_CONTAINS(v->note, "worker 3 was killed by signal 11");
	v = verdict(&l->steps[2]);
	CHECK(v && v->judged && v->correct);
	CHECK_STR(v->observed, "3) worker 2");
	v = verdict(&l->steps[3]);   /* the machine decides: 1 .. min(4, CPUs) */
	CHECK(v && v->judged && !v->correct && v->observed);
	int most = v->observed ? atoi(v->observed) : 0, cap = engine_ncpu() < 4 ? engine_ncpu() : 4;
	CHECK(most >= 1 && most <= cap);
	v = verdict(&l->steps[4]);   /* needs two runs */
	CHECK(v && !v->judged && !v->observed);
	CHECK_CONTAINS(v->note, "run it twice");
	v = verdict(&l->steps[5]);   /* text: case, space and punctuation aside */
	CHECK(v && v->judged && v->correct);
	CHECK_STR(v->observed, "hello from two");

	int right, asked;
	engine_score(E, &right, &asked);
	CHECK(right == 4 && asked == 5);
	lesson_status st;   /* the prediction no run has judged yet is said, and the lesson is not done */
	engine_lesson_status(E, 0, &st);
	CHECK(st.unjudged == 1 && !st.done);
}

static void test_second_run(const lesson *l)
{
	CHECK(predict(0, "1") == 0);   /* a new prediction, judged again */
	CHECK(run_at(6) == 0);
	const engine_verdict *v = verdict(&l->steps[0]);
	CHECK(v && v->judged && !v->correct);
	CHECK_STR(v->prediction, "1");
	CHECK_STR(v->observed, "2");
	v = verdict(&l->steps[4]);     /* the same worker printed first: yes */
	CHECK(v && v->judged && v->correct && !v->observed);
	v = verdict(&l->steps[1]);     /* judged before: shown, not counted again */
	CHECK(v && v->judged && v->correct);
	int right, asked;
	engine_score(E, &right, &asked);
	CHECK(right == 5 && asked == 6);   /* the first verdict of each counts */
	lesson_status st;
	engine_lesson_status(E, 0, &st);
	CHECK(st.questions == 8 && st.settled == 6 && st.asked == 6 && st.right == 5 && st.unjudged == 0 && !st.done);
}

static void test_observe_errors(const lesson *l)
{
	CHECK(predict(7, "5") == 0);
	CHECK(predict(8, "0") == 0);
	CHECK(run_at(9) == 0);
	const engine_verdict *v = verdict(&l->steps[7]);
	CHECK(v && !v->judged && v->error);
	CHECK_CONTAINS(v->error, "predict.lua:");
	CHECK_CONTAINS(v->error, "observe failed on purpose");
	v = verdict(&l->steps[8]);
	CHECK(v && !v->judged && v->error);
	CHECK_CONTAINS(v->error, "observe returned a list that is no answer to this number question");
	CHECK(engine_verdicts(E, &l->steps[6], &v) == 0);   /* the last run's only */
}

/* observe functions that raise from metamethods, loop past the budget
 * inside pcall, set __gc finalizers, poison run.previous, return inf, fill
 * memory: each gives an error in its verdict, in bounded time, and the
 * session goes on. */
static void test_hostile(void)
{
	char *err = NULL;
	course *c = course_load(fixture("lessons/good/observe_hostile.lua"), &err);
	CHECK(c != NULL);
	if (!c) { fprintf(stderr, "%s\n", err); free(err); return; }
	engine *keep = E;
	E = engine_new(c, L);
	const lesson *l = engine_lesson(E);
	for (int i = 0; i <= 4; i++) CHECK(predict(i, i ? "1" : "1 2") == 0);
	int64_t t0 = loop_now_ns();
	CHECK(run_at(5) == 0);
	CHECK(loop_now_ns() - t0 < 10000000000LL);   /* the budget held: seconds, not forever */
	const engine_verdict *v = verdict(&l->steps[0]);
	CHECK(v && !v->judged && v->error);
	CHECK_CONTAINS(v->error, "observe returned a list that is no answer");
	v = verdict(&l->steps[1]);
	CHECK(v && !v->judged && v->error);
	CHECK_CONTAINS(v->error, "observe took too long");
	v = verdict(&l->steps[2]);
	CHECK(v && v->error);
	CHECK_CONTAINS(v->error, "lessons cannot use __gc finalizers");
	v = verdict(&l->steps[3]);
	CHECK(v && v->judged && !v->error);
	v = verdict(&l->steps[4]);
	CHECK(v && !v->judged && v->error);
	CHECK_CONTAINS(v->error, "observe returned a number that is no answer");
	CHECK(run_at(5) == 0);   /* run.previous is set raw: the trap does not fire */
	v = verdict(&l->steps[3]);
	CHECK(v && v->judged && !v->error);
	CHECK(predict(6, "1") == 0);
	CHECK(run_at(7) == 0);
	v = verdict(&l->steps[6]);
	CHECK(v && !v->judged && v->error);
	CHECK_CONTAINS(v->error, "out of memory");
	CHECK(run_at(7) == 0);   /* the memory is still held: said, not an abort */
	v = verdict(&l->steps[6]);
	CHECK(v && !v->judged && v->error);
	engine_free(E);
	course_free(c);
	E = keep;
}

int main(void)
{
	char *err = NULL;
	course *c = course_load(fixture("lessons/good/predict.lua"), &err);
	if (!c) { fprintf(stderr, "%s\n", err); return 1; }
	L = loop_new();
	E = engine_new(c, L);
	const lesson *l = engine_lesson(E);
	CHECK(l->nsteps == 10 && l->steps[0].predicts == &l->steps[6] && l->steps[7].predicts == &l->steps[9]);
	test_must_answer(l);
	test_first_run(l);
	test_second_run(l);
	test_observe_errors(l);
	test_hostile();
	engine_free(E);
	course_free(c);
	loop_free(L);
	return CHECK_DONE();
}
