/* Unit tests of the stepper's gate (coord_step) with real fork()ed worker
 * processes and real pthreads: a schedule of worker ids drives racy adds
 * to the same final value and the same actions 100 times in a row; a held
 * lock, a barrier not yet open and a condition not yet notified are not
 * steps one can take (and say why); two workers driven into a lock cycle
 * leave no step at all. */
#include "engine/coord_step.h"
#include "check.h"
#include "team.h"
#include "settle.h"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>

static coord_step *gate;   /* made before the workers fork: theirs too */


/* Takes the steps of sched (worker ids); each step's action into said
 * (when not NULL). The index of the first step that could not be taken
 * (its why in why), or n. */
static int drive(coord_step *s, const int *sched, int n, char (*said)[96], char *why, size_t cap)
{
	for (int k = 0; k < n; k++) {
		settle(s);
		if (!coord_step_enabled(s, sched[k], why, cap)) return k;
		if (said) coord_step_describe(s, sched[k], said[k], sizeof said[k]);
		coord_step_go(s, sched[k]);
	}
	settle(s);
	return n;
}

/* Lets every worker run to its end, lowest id first (none may be stuck). */
static int run_out(coord_step *s, int nw)
{
	for (int guard = 0; guard < 10000; guard++) {
		settle(s);
		int done = 0, moved = 0;
		for (int w = 0; w < nw && !moved; w++) {
			char why[96];
			if (coord_step_state(s, w, NULL) == SP_DONE) { done++; continue; }
			if (coord_step_enabled(s, w, why, sizeof why)) { coord_step_go(s, w); moved = 1; }
		}
		if (done == nw) return 0;
		if (!moved) return -1;
	}
	return -1;
}

static coord *blocks(const char *shared, const char *lock, const char *barrier, int bn, const char *cond, int nw)
{
	coord_spec *sp = coord_spec_new();
	double zero = 0;
	if (shared) coord_spec_add(sp, COORD_SHARED, shared, 0, &zero, NULL);
	if (lock) coord_spec_add(sp, COORD_LOCK, lock, 0, NULL, NULL);
	if (lock) coord_spec_add(sp, COORD_LOCK, "B", 0, NULL, NULL);
	if (barrier) coord_spec_add(sp, COORD_BARRIER, barrier, bn, NULL, NULL);
	if (cond) coord_spec_add(sp, COORD_CONDITION, cond, 0, NULL, lock);
	coord *c = coord_new(sp, nw);
	coord_spec_free(sp);
	if (!c) { perror("coord_new"); exit(1); }
	return c;
}

/* ---- racy adds: the schedule decides what is lost, every time ---- */

static int two_racy_adds(coord *c, int w, void *arg)
{
	(void)arg;
	for (int i = 0; i < 2; i++) coord_step_add(gate, c, w, coord_find(c, "counter"), 0, 1, 1, NULL);
	coord_step_end(gate, w);
	return 0;
}

static void test_replay(int mode)
{
	static const int interleaved[] = { 0, 1, 0, 1, 0, 1, 0, 1 }, serial[] = { 0, 0, 0, 0, 1, 1, 1, 1 };
	const struct { const int *s; double want; } cases[] = { { interleaved, 2 }, { serial, 4 } };
	char first[8][96], said[8][96], inter[8][96], why[96];
	for (int k = 0; k < 2; k++) {
		int same = 0;
		for (int round = 0; round < 100; round++) {
			coord *c = blocks("counter", NULL, NULL, 0, NULL, 2);
			gate = coord_step_new(c, 2);
			team t;
			start(&t, mode, 2, c, two_racy_adds, NULL);
			int took = drive(gate, cases[k].s, 8, round ? said : first, why, sizeof why);
			CHECK(took == 8);
			CHECK(coord_step_state(gate, 0, NULL) == SP_DONE && coord_step_state(gate, 1, NULL) == SP_DONE);
			CHECK(finish(&t) == 0);
			double v = coord_get(c, 0, 0);
			int eq = v == cases[k].want;
			for (int i = 0; round && i < 8; i++) eq = eq && !strcmp(said[i], first[i]);
			same += eq;
			coord_step_free(gate);
			coord_free(c);
		}
		if (k == 0) memcpy(inter, first, sizeof inter);
		if (same != 100) fprintf(stderr, "%s, schedule %d: %d of 100 replays the same\n", mode_name[mode], k, same);
		CHECK(same == 100);
	}
	/* what the interleaved schedule said, step by step: w1's write
	 * overwrites w0's, the update lost */
	CHECK_STR(inter[0], "read counter (now 0)");
	CHECK_STR(inter[1], "read counter (now 0)");
	CHECK_STR(inter[2], "write counter = 1 (now 0)");
	CHECK_STR(inter[3], "write counter = 1 (now 1)");
	printf("ok - %s: 2 x 100 replays of a schedule, the same final value and actions\n", mode_name[mode]);
}

/* ---- a held lock, a lock cycle ---- */

static int lock_a_then_b(coord *c, int w, void *arg)
{
	(void)arg;
	int first = coord_find(c, w == 0 ? "A" : "B"), second = coord_find(c, w == 0 ? "B" : "A");
	coord_step_lock(gate, c, w, first, 0);
	coord_step_lock(gate, c, w, second, 0);
	coord_step_unlock(gate, c, w, second);
	coord_step_unlock(gate, c, w, first);
	coord_step_end(gate, w);
	return 0;
}

static void test_locks(int mode)
{
	char why[96], d[96];
	/* w0 takes both locks first: w1 cannot take B, its first, while w0 holds it */
	coord *c = blocks(NULL, "A", NULL, 0, NULL, 2);
	gate = coord_step_new(c, 2);
	team t;
	start(&t, mode, 2, c, lock_a_then_b, NULL);
	static const int s1[] = { 0, 0, 1 };
	CHECK(drive(gate, s1, 3, NULL, why, sizeof why) == 2);   /* w0: A, B; w1 may not take B */
	CHECK(coord_step_stuck(gate, d, sizeof d) == 0);          /* w0 can go on */
	CHECK_STR(why, "lock B is held by w0");
	coord_step_describe(gate, 1, d, sizeof d);
	CHECK_STR(d, "lock B (held by w0)");
	CHECK(run_out(gate, 2) == 0);
	CHECK(finish(&t) == 0);
	coord_step_free(gate);
	coord_free(c);

	/* each takes its first lock: no step is left, none is done. The team
	 * runs in a process of its own, threads too (as in a runner), so that
	 * the test can end it as the screen ends a stopped run: a kill. */
	c = blocks(NULL, "A", NULL, 0, NULL, 2);
	gate = coord_step_new(c, 2);
	pid_t runner = fork();
	if (runner == 0) {
		setpgid(0, 0);
		start(&t, mode, 2, c, lock_a_then_b, NULL);
		_exit(finish(&t));
	}
	static const int cyc[] = { 0, 1 };
	CHECK(drive(gate, cyc, 2, NULL, why, sizeof why) == 2);
	CHECK(!coord_step_enabled(gate, 0, why, sizeof why));
	CHECK_STR(why, "lock B is held by w1");
	CHECK(!coord_step_enabled(gate, 1, why, sizeof why));
	CHECK_STR(why, "lock A is held by w0");
	char dl[256];
	CHECK(coord_step_stuck(gate, dl, sizeof dl) == 1);
	CHECK_STR(dl, "w0 holds A and waits for B; w1 holds B and waits for A");
	setpgid(runner, runner);   /* (the child may not have yet) */
	kill(-runner, SIGKILL);    /* the runner and its process workers */
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR) {}   /* we are their subreaper */
	coord_step_free(gate);
	coord_free(c);
	printf("ok - %s: a held lock is no step (and says by whom); a lock cycle leaves no step\n", mode_name[mode]);
}

/* ---- a barrier opens at its last arrival; a condition wakes when notified ---- */

static int at_barrier(coord *c, int w, void *arg)
{
	(void)arg;
	coord_step_barrier(gate, c, w, coord_find(c, "X"));
	coord_step_add(gate, c, w, coord_find(c, "counter"), 0, 1, 0, NULL);
	coord_step_end(gate, w);
	return 0;
}

static void test_barrier(int mode)
{
	char why[96];
	coord *c = blocks("counter", NULL, "X", 3, NULL, 3);
	gate = coord_step_new(c, 3);
	team t;
	start(&t, mode, 3, c, at_barrier, NULL);
	static const int s[] = { 0, 1 };   /* two arrive */
	CHECK(drive(gate, s, 2, NULL, why, sizeof why) == 2);
	CHECK(!coord_step_enabled(gate, 0, why, sizeof why));
	CHECK_STR(why, "barrier X waits for 1 more");
	static const int last[] = { 2, 2 };   /* the last arrives (no pass for it), then adds */
	CHECK(drive(gate, last, 2, NULL, why, sizeof why) == 2);
	CHECK(coord_step_state(gate, 2, NULL) == SP_DONE);
	CHECK(coord_step_enabled(gate, 0, why, sizeof why) && coord_step_enabled(gate, 1, why, sizeof why));
	CHECK(run_out(gate, 3) == 0);
	CHECK(finish(&t) == 0);
	CHECK(coord_get(c, coord_find(c, "counter"), 0) == 3);
	coord_step_free(gate);
	coord_free(c);
	printf("ok - %s: a barrier is passed only once its last worker arrived\n", mode_name[mode]);
}

static int waiter_notifier(coord *c, int w, void *arg)
{
	(void)arg;
	int a = coord_find(c, "A"), cv = coord_find(c, "C");
	coord_step_lock(gate, c, w, a, 0);
	if (w == 0) coord_step_cond_wait(gate, c, w, cv);
	else coord_step_notify(gate, c, w, cv, 0);
	coord_step_unlock(gate, c, w, a);
	coord_step_end(gate, w);
	return 0;
}

static void test_condition(int mode)
{
	char why[96], d[96];
	coord *c = blocks(NULL, "A", NULL, 0, "C", 2);
	gate = coord_step_new(c, 2);
	team t;
	start(&t, mode, 2, c, waiter_notifier, NULL);
	static const int s[] = { 0, 0, 1 };   /* w0: lock A, wait on C (A released); w1: lock A */
	CHECK(drive(gate, s, 3, NULL, why, sizeof why) == 3);
	CHECK(!coord_step_enabled(gate, 0, why, sizeof why));
	CHECK_STR(why, "nobody notified C yet");
	static const int n[] = { 1 };         /* w1 notifies, still holding A */
	CHECK(drive(gate, n, 1, NULL, why, sizeof why) == 1);
	CHECK(!coord_step_enabled(gate, 0, why, sizeof why));
	CHECK_STR(why, "lock A is held by w1");
	static const int u[] = { 1 };         /* w1 unlocks: w0 may wake */
	CHECK(drive(gate, u, 1, NULL, why, sizeof why) == 1);
	coord_step_describe(gate, 0, d, sizeof d);
	CHECK_STR(d, "wake from C and lock A");
	CHECK(coord_step_enabled(gate, 0, why, sizeof why));
	CHECK(run_out(gate, 2) == 0);
	CHECK(finish(&t) == 0);
	coord_step_free(gate);
	coord_free(c);
	printf("ok - %s: a condition's waiter wakes only once notified and its lock is free\n", mode_name[mode]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	for (int mode = PROCS; mode <= THREADS; mode++) {
		test_replay(mode);
		test_locks(mode);
		test_barrier(mode);
		test_condition(mode);
	}
	return CHECK_DONE();
}
