/* Engine tests: loading, navigation, answers, real runs through the
 * runner (real forks, real threads) read back from the trace, and a run
 * that cannot start (no file descriptors left for its pipes). */
#include "engine/engine.h"
#include "check.h"
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>

static int done;
static void on_done(run *r, void *arg) { (void)r; (void)arg; done = 1; }

static trace *run_step(engine *e, loop *l)
{
	run_events ev = { NULL, on_done, NULL, NULL };
	char *err = NULL;
	done = 0;
	if (engine_run(e, &ev, &err) < 0) {
		fprintf(stderr, "engine_run: %s\n", err);
		free(err);
		return NULL;
	}
	for (int i = 0; i < 300 && !done; i++) loop_once(l, 100);
	return done ? engine_trace(e) : NULL;
}

static int count_lines(const trace *t, const char *text, int worker)
{
	int n = 0;
	for (size_t i = 0; i < trace_nlines(t); i++) {
		const trace_line *ln = trace_line_at(t, i);
		const trace_task *k = trace_task_at(t, ln->task);
		if (!strcmp(ln->text, text) && k && k->worker == worker) n++;
	}
	return n;
}

static void test_load_errors(void)
{
	char *err = NULL;
	CHECK(course_load(fixture("lessons/bad/unknown_field.lua"), &err) == NULL);
	CHECK_CONTAINS(err, "unknown_field.lua:5: run{}: unknown field 'proceses'");
	free(err);
	err = NULL;
	CHECK(course_load("/no/such/place", &err) == NULL);
	CHECK_CONTAINS(err, "no such course folder or lesson file");
	free(err);
}

static void test_session(engine *e)
{
	int total;
	CHECK(engine_position(e, &total) == 1 && total == 5);
	CHECK(engine_step(e)->kind == STEP_TEXT);
	CHECK_CONTAINS(engine_step(e)->body, "CPUs");
	CHECK(strstr(engine_step(e)->body, "${ncpu}") == NULL);
	CHECK(engine_back(e) == -1);
	CHECK(engine_next(e) == 0 && engine_step(e)->kind == STEP_CODE);
	CHECK_STR(engine_step(e)->lang, "lua");
	CHECK(engine_goto(e, 0, 4) == 0 && engine_step(e)->kind == STEP_QUIZ);
	CHECK(engine_next(e) == -1);

	quiz_result res;
	CHECK(engine_answer(e, "7", &res) == -1);
	CHECK(engine_answer(e, "", &res) == -1);
	CHECK(engine_answer(e, "1", &res) == 0 && !res.correct && res.choice == 1);
	CHECK(engine_answer(e, "  THREE. ", &res) == 0 && res.correct && res.choice == 2);
	CHECK(engine_answer(e, "2", &res) == 0 && res.correct);
	CHECK_STR(res.explain, "Three worker processes were forked.");
	int right, asked;
	engine_score(e, &right, &asked);
	CHECK(asked == 1 && right == 0);   /* the first answer counts */
	CHECK_STR(engine_hint(e), "Count the lanes.");
	CHECK_STR(engine_hint(e), "It is more than two.");
	CHECK(engine_hint(e) == NULL);
}

static void test_runs(engine *e, loop *l)
{
	engine_goto(e, 0, 2);   /* three processes */
	trace *t = run_step(e, l);
	CHECK(t != NULL);
	if (!t) return;
	CHECK_CONTAINS(trace_outcome(t), "all 3 workers exited 0");
	CHECK(!engine_run_failed(e));
	for (int w = 0; w < 3; w++) {
		char want[32];
		snprintf(want, sizeof want, "Worker: %d", w);
		CHECK(count_lines(t, want, w) == 1);
	}
	int workers = 0;
	for (int i = 0; i < trace_ntasks(t); i++) {
		const trace_task *k = trace_task_at(t, i);
		if (k->worker < 0) continue;
		workers++;
		CHECK(!k->is_thread);
		CHECK(k->exit_status == 0);
		CHECK(k->died >= k->born);
	}
	CHECK(workers == 3);

	engine_goto(e, 0, 3);   /* two threads */
	t = run_step(e, l);
	CHECK(t != NULL);
	if (!t) return;
	CHECK_CONTAINS(trace_outcome(t), "all 2 workers exited 0");
	CHECK(count_lines(t, "thread 0 of 2", 0) == 1);
	CHECK(count_lines(t, "thread 1 of 2", 1) == 1);
	pid_t pid = -1;
	for (int i = 0; i < trace_ntasks(t); i++) {
		const trace_task *k = trace_task_at(t, i);
		if (k->worker < 0) continue;
		CHECK(k->is_thread);
		CHECK(k->cpu_ns >= 15000000);   /* busy(20) burnt CPU time */
		if (pid < 0) pid = k->pid;
		CHECK(k->pid == pid);           /* one process */
	}
	/* no zombie of ours is left */
	CHECK(waitpid(-1, NULL, WNOHANG) <= 0);
}

/* engine_run with no file descriptor to spare: run_start cannot make its
 * pipes. Returns what engine_run did and fills *err. */
static int run_without_fds(engine *e, char **err)
{
	struct rlimit old, none;
	CHECK(getrlimit(RLIMIT_NOFILE, &old) == 0);
	none = old;
	none.rlim_cur = 0;
	CHECK(setrlimit(RLIMIT_NOFILE, &none) == 0);
	run_events ev = { NULL, on_done, NULL, NULL };
	*err = NULL;
	int rc = engine_run(e, &ev, err);
	CHECK(setrlimit(RLIMIT_NOFILE, &old) == 0);
	return rc;
}

/* A run that cannot start leaves no trace that looks live: none on a step
 * never run, the last (ended) one on a step that was. */
static void test_run_cannot_start(course *c, loop *l, engine *e)
{
	engine *fresh = engine_new(c, l);
	engine_goto(fresh, 0, 2);
	char *err = NULL;
	CHECK(run_without_fds(fresh, &err) == -1);
	CHECK_CONTAINS(err, "cannot create pipes");
	free(err);
	CHECK(engine_trace(fresh) == NULL && engine_last_trace(fresh, NULL) == NULL);
	CHECK(!engine_running(fresh));
	engine_free(fresh);

	engine_goto(e, 0, 3);   /* run by test_runs */
	trace *last = engine_trace(e);
	CHECK(last != NULL && trace_end(last) >= 0);
	CHECK(run_without_fds(e, &err) == -1);
	CHECK_CONTAINS(err, "cannot create pipes");
	free(err);
	CHECK(engine_trace(e) == last);   /* kept (else freed: not read below) */
	if (engine_trace(e) == last) {
		CHECK(trace_end(last) >= 0);
		CHECK_CONTAINS(trace_outcome(last), "all 2 workers exited 0");
	}
	CHECK(!engine_running(e));
	/* and the next run starts as usual */
	trace *t = run_step(e, l);
	CHECK(t != NULL && trace_end(t) >= 0 && !engine_run_failed(e));
}

int main(void)
{
	test_load_errors();
	char *err = NULL;
	course *c = course_load(fixture("lessons/good/mini.lua"), &err);
	CHECK(c != NULL);
	if (!c) { fprintf(stderr, "%s\n", err); return CHECK_DONE(); }
	CHECK_STR(course_title(c), "Mini lesson");
	loop *l = loop_new();
	engine *e = engine_new(c, l);
	test_session(e);
	test_runs(e, l);
	test_run_cannot_start(c, l, e);
	engine_free(e);
	course_free(c);
	loop_free(l);
	return CHECK_DONE();
}
