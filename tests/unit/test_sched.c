/* Stepped runs through the whole engine (engine_sched.c): real workers,
 * threads and processes, started again by undo, replay and search.
 *  - undo after every step of a 52-step schedule reaches each earlier
 *    state again (every worker's next action, with the values it reads);
 *  - a goal is reached by its solution, a lock's claim is proved over every
 *    schedule, and a wrong claim is broken by the search, with the
 *    schedule that breaks it;
 *  - a schedule that names a worker the run has not is refused. */
#include "engine/engine.h"
#include "check.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int done;
static void on_done(run *r, void *arg) { (void)r; (void)arg; done = 1; }

/* Turns the loop until a step may be taken (no replay going), or the run
 * is over; 0 when it took too long. */
static int settle(engine *e, loop *l)
{
	for (int i = 0; i < 600; i++) {
		if (done || (engine_sched_ready(e) && !engine_sched_replaying(e))) return 1;
		loop_once(l, 50);
	}
	return 0;
}

/* Where every worker is: the state a step leaves. */
static char *state_of(engine *e)
{
	size_t cap = 1024, o = 0;
	char *s = malloc(cap), next[160];
	int n;
	engine_sched_list(e, &n);
	o += (size_t)snprintf(s + o, cap - o, "%d:", n);
	for (int w = 0; w < engine_sched_workers(e); w++) {
		engine_sched_next(e, w, next, sizeof next, NULL);
		o += (size_t)snprintf(s + o, cap - o, " w%d %s;", w, next);
	}
	return s;
}

static int start(engine *e, loop *l, int li, int si)
{
	run_events ev = { NULL, on_done, NULL, NULL };
	char *err = NULL;
	done = 0;
	CHECK(engine_goto(e, li, si) == 0);
	if (engine_run(e, &ev, &err) < 0) {
		fprintf(stderr, "engine_run: %s\n", err);
		free(err);
		return 0;
	}
	return settle(e, l);
}

static void finish(engine *e, loop *l)
{
	for (int i = 0; i < 600 && !done; i++) {
		if (!engine_sched_replaying(e)) engine_sched_go(e);
		loop_once(l, 50);
	}
	CHECK(done);
}

/* Steps 52 times (w0 twice, then w1, and so on, whoever can), then undoes
 * one step at a time: each state is the one recorded on the way there. */
static void test_undo(engine *e, loop *l, int si)
{
	enum { STEPS = 52 };
	char *seen[STEPS + 1] = { 0 };
	CHECK(start(e, l, 0, si));
	seen[0] = state_of(e);
	for (int k = 1; k <= STEPS; k++) {
		char what[200];
		int w = (k / 2) % 2;
		if (engine_sched_step(e, w, what, sizeof what) < 0) CHECK(engine_sched_step(e, -1, what, sizeof what) >= 0);
		CHECK(settle(e, l));
		seen[k] = state_of(e);
	}
	CHECK_CONTAINS(seen[STEPS], "w0 done; w1 done;");
	int bad = 0;
	for (int k = STEPS - 1; k >= 0; k--) {
		char why[200];
		if (engine_sched_undo(e, 1, why, sizeof why) != 0) { fprintf(stderr, "undo to %d: %s\n", k, why); CHECK(0); }
		CHECK(settle(e, l));
		if (done) {
			trace *t = engine_last_trace(e, NULL);
			fprintf(stderr, "undo to %d: the run ended: %s\n", k, t ? trace_outcome(t) : "?");
			for (size_t i = 0; t && i < trace_nlines(t); i++) fprintf(stderr, "  | %s\n", trace_line_at(t, i)->text);
			CHECK(0);
			break;
		}
		char *now = state_of(e);
		if (strcmp(now, seen[k]) && bad++ < 3) {
			int m;
			const int *sl = engine_sched_list(e, &m);
			fprintf(stderr, "undo to %d: %s\n  was: %s\n  stopped: %s\n  sched:", k, now, seen[k],
				engine_sched_stopped(e) ? engine_sched_stopped(e) : "-");
			for (int i = 0; i < m; i++) fprintf(stderr, " %d", sl[i]);
			fprintf(stderr, "\n");
		}
		free(now);
	}
	CHECK(bad == 0);
	for (int k = 0; k <= STEPS; k++) free(seen[k]);
	finish(e, l);
}

static void test_goal(engine *e, loop *l)
{
	engine_goal g;
	char why[200];
	/* a goal, and its solution replayed */
	CHECK(start(e, l, 0, 2));
	CHECK(engine_sched_goal(e, &g) && !g.never && g.reached_at < 0);
	CHECK_STR(g.text, "Make the counter end short of 4.");
	int *plan, n;
	CHECK(engine_sched_parse(engine_step(e)->solution, 2, &plan, &n, why, sizeof why) == 0 && n == 8);
	CHECK(engine_sched_replay(e, plan, n, 0, why, sizeof why) == 0);
	free(plan);
	finish(e, l);
	CHECK(engine_sched_goal(e, &g) && g.reached_at == 8);
	CHECK_STR(g.msg, "the counter ended at 2 of 4");
	/* go alone (w0, w1, w0, ... whoever can) loses an update too: not
	 * asserted; a schedule that keeps each add whole does not */
	CHECK(start(e, l, 0, 2));
	int whole[] = { 0, 0, 0, 0, 1, 1, 1, 1 };
	CHECK(engine_sched_replay(e, whole, 8, 0, why, sizeof why) == 0);
	finish(e, l);
	CHECK(engine_sched_goal(e, &g) && g.reached_at < 0 && g.steps == 8);
	/* a claim the search proves: 6 orders of the 4 locked adds */
	CHECK(start(e, l, 0, 3));
	CHECK(engine_sched_search(e, why, sizeof why) == 0);
	finish(e, l);
	CHECK(engine_sched_goal(e, &g) && g.never && g.proved && g.reached_at < 0 && g.tried == 6);
	CHECK_CONTAINS(g.search, "every schedule (6) tried");
	/* a wrong claim, broken by the search's second schedule */
	CHECK(start(e, l, 0, 4));
	CHECK(engine_sched_search(e, why, sizeof why) == 0);
	finish(e, l);
	CHECK(engine_sched_goal(e, &g) && g.never && !g.proved && g.reached_at == 8);
	CHECK_STR(g.msg, "the counter ended at 3 of 4");
	const int *sched = engine_sched_list(e, &n);
	CHECK(n == 8 && sched[0] == 0 && sched[1] == 0 && sched[2] == 0 && sched[3] == 1);
	/* a deadlock is a goal too; the run ends as one */
	CHECK(start(e, l, 0, 6));
	int both[] = { 0, 1 };
	CHECK(engine_sched_replay(e, both, 2, 0, why, sizeof why) == 0);
	finish(e, l);
	CHECK(engine_sched_goal(e, &g) && g.reached_at == 2);
	CHECK(engine_run_as_expected(e));
}

/* go w0: w0 alone to its end (nobody blocks it); a lock held stops it. */
static void test_go_worker(engine *e, loop *l)
{
	char why[200], next[160];
	int n;
	CHECK(start(e, l, 0, 2));
	CHECK(engine_sched_go_worker(e, 0, why, sizeof why) == 0);
	for (int i = 0; i < 600 && (engine_sched_list(e, &n), n < 4 || !engine_sched_ready(e)); i++) loop_once(l, 50);
	engine_sched_list(e, &n);
	CHECK(n == 4);
	engine_sched_next(e, 0, next, sizeof next, NULL);
	CHECK_STR(next, "done");
	engine_sched_next(e, 1, next, sizeof next, NULL);
	CHECK_STR(next, "read counter (now 2)");
	CHECK(engine_sched_go_worker(e, 0, why, sizeof why) == -1);
	CHECK_STR(why, "w0 cannot go: w0 is done");
	finish(e, l);
	/* the deadlock run: w0 takes A, then B; with w1 holding B, it stops at B */
	CHECK(start(e, l, 0, 6));
	char what[200];
	CHECK(engine_sched_step(e, 1, what, sizeof what) == 1);
	CHECK(settle(e, l));
	CHECK(engine_sched_go_worker(e, 0, why, sizeof why) == 0);
	for (int i = 0; i < 100; i++) loop_once(l, 20);   /* it would have gone on by now */
	engine_sched_list(e, &n);
	CHECK(n == 2);
	engine_sched_next(e, 0, next, sizeof next, NULL);
	CHECK_STR(next, "lock B (held by w1)");
	finish(e, l);
}

/* Steps asked for while a worker still runs to its next point (keys typed
 * faster than workers move) wait for every worker to reach one, in order;
 * one that cannot go then goes no more, nor do those after it. The
 * workers sleep 300 ms before each point (stepper_ahead.lua). */
static void test_ahead(loop *l)
{
	char *err = NULL, what[200];
	course *c = course_load(fixture("lessons/good/stepper_ahead.lua"), &err);
	CHECK(c != NULL);
	if (!c) { fprintf(stderr, "%s\n", err); return; }
	engine *e = engine_new(c, l);
	int n;
	CHECK(start(e, l, 0, 0));
	CHECK(engine_sched_step(e, 0, what, sizeof what) == 0);   /* w0 takes L, then sleeps */
	CHECK(!engine_sched_ready(e));
	CHECK(engine_sched_ahead(e, 0, what, sizeof what) == ENGINE_SCHED_AHEAD);
	CHECK(engine_sched_ahead(e, 1, what, sizeof what) == ENGINE_SCHED_AHEAD);
	CHECK(engine_sched_ahead(e, -1, what, sizeof what) == ENGINE_SCHED_AHEAD);
	CHECK(engine_sched_waiting(e) == 3);
	CHECK(engine_sched_step(e, 1, what, sizeof what) == -1);   /* not before those asked for */
	CHECK_STR(what, "a worker is still running to its next step");
	CHECK(engine_sched_ahead(e, 7, what, sizeof what) == -1);
	CHECK_STR(what, "there is no w7: this run has w0 to w1");
	for (int k = 0; k < 5; k++) CHECK(engine_sched_ahead(e, 1, what, sizeof what) == ENGINE_SCHED_AHEAD);
	CHECK(engine_sched_ahead(e, 1, what, sizeof what) == -1);
	CHECK_STR(what, "8 steps are waiting already for every worker to reach its next step");
	/* w0 unlocks; w1 locks; -1: w0 waits for L, so w1 unlocks; w1 then has
	 * 3 steps left of the 5 asked for: the last one cannot go */
	for (int i = 0; i < 600 && !engine_sched_stopped(e); i++) loop_once(l, 50);
	CHECK(engine_sched_waiting(e) == 0);
	const int *sched = engine_sched_list(e, &n);
	int want[] = { 0, 0, 1, 1, 1, 1, 1, 1 };
	CHECK(n == 8 && !memcmp(sched, want, sizeof want));
	CHECK(engine_sched_stopped(e) != NULL);
	CHECK_STR(engine_sched_stopped(e) ? engine_sched_stopped(e) : "",
		  "the step of w1 asked for before the workers were ready did not go: w1 is done");
	CHECK(settle(e, l));
	CHECK(engine_sched_step(e, 0, what, sizeof what) == 0);   /* the student steps on */
	CHECK(engine_sched_stopped(e) == NULL);
	/* a key typed while an undo starts the run over goes after the replay */
	CHECK(settle(e, l));
	CHECK(engine_sched_undo(e, 2, what, sizeof what) == 0);
	CHECK(engine_sched_ahead(e, 1, what, sizeof what) == ENGINE_SCHED_AHEAD);
	CHECK(engine_sched_ahead(e, 7, what, sizeof what) == -1);
	CHECK_STR(what, "a schedule is being replayed");
	for (int i = 0; i < 600 && (engine_sched_list(e, &n), n < 8 || !engine_sched_ready(e) || engine_sched_replaying(e)); i++)
		loop_once(l, 50);
	sched = engine_sched_list(e, &n);
	CHECK(n == 8 && !memcmp(sched, want, sizeof want));   /* 7 replayed, then w1's */
	CHECK(engine_sched_stopped(e) == NULL);
	finish(e, l);
	engine_free(e);
	course_free(c);
}

/* stepper = "allow": run runs it freely, engine_run_stepped stepped. */
static void test_allowed(engine *e, loop *l)
{
	run_events ev = { NULL, on_done, NULL, NULL };
	char *err = NULL, why[200];
	CHECK(engine_goto(e, 0, 5) == 0);
	done = 0;
	CHECK(engine_run(e, &ev, &err) == 0);
	CHECK(engine_sched_workers(e) == 0);
	for (int i = 0; i < 600 && !done; i++) loop_once(l, 50);
	CHECK(done);
	done = 0;
	CHECK(engine_run_stepped(e, &ev, &err) == 0);
	CHECK(settle(e, l) && engine_sched_workers(e) == 2);
	int plan[] = { 0, 1, 0, 1, 0, 1, 0, 1 };
	CHECK(engine_sched_replay(e, plan, 8, 0, why, sizeof why) == 0);
	finish(e, l);
	engine_goal g;
	CHECK(engine_sched_goal(e, &g) && g.reached_at == 8);
	CHECK(engine_settled(e, engine_step(e)));   /* a level solved */
}

static void test_refused(engine *e, loop *l)
{
	char why[200];
	int *plan, n, bad[] = { 0, 7 };
	CHECK(engine_sched_parse("0 1\n# a comment\nw1, w0", 2, &plan, &n, why, sizeof why) == 0 && n == 4 && plan[3] == 0);
	free(plan);
	CHECK(engine_sched_parse("0 1\n0 x", 2, &plan, &n, why, sizeof why) == -1);
	CHECK_STR(why, "line 2: 'x' is not a worker of this run (w0 to w1)");
	CHECK(start(e, l, 0, 2));
	CHECK(engine_sched_replay(e, bad, 2, 0, why, sizeof why) == -1);
	CHECK_STR(why, "step 2 of the schedule names w7: this run has w0 to w1");
	CHECK(engine_sched_search(e, why, sizeof why) == -1);
	CHECK_CONTAINS(why, "nothing to search");
	finish(e, l);
}

int main(void)
{
	char tmp[] = "/tmp/test_sched.XXXXXX", *err = NULL;
	if (mkdtemp(tmp)) setenv("TMPDIR", tmp, 1);   /* its scratch folders: no other engine's sweep sees them */
	course *c = course_load(fixture("lessons/good/stepper_goal.lua"), &err);
	CHECK(c != NULL);
	if (!c) { fprintf(stderr, "%s\n", err); return CHECK_DONE(); }
	loop *l = loop_new();
	engine *e = engine_new(c, l);
	test_undo(e, l, 0);   /* threads */
	test_undo(e, l, 1);   /* processes */
	test_goal(e, l);
	test_go_worker(e, l);
	test_ahead(l);
	test_allowed(e, l);
	test_refused(e, l);
	engine_free(e);
	course_free(c);
	loop_free(l);
	rmdir(tmp);
	return CHECK_DONE();
}
