/* test_held: a stepped run's workers held at their step points (issue 14),
 * with real fork()ed processes and real pthreads through the gate
 * (coord_step) and the event rings (coord_events): each point a worker
 * reaches is a step span on its lane, open while it waits (a live run's
 * drain), closed when let go, naming the action it waits to do; a free
 * run (no gate) has none; the gate's step count, a stepped run's now(),
 * reads the same numbers at the same places for the same schedule, 20
 * rounds in a row; a worker killed while held has its span end at its
 * death, not at the run's end. */
#include "engine/coord_events.h"
#include "engine/coord_step.h"
#include "check.h"
#include "team.h"
#include "settle.h"
#include "util/loop.h"

#include <poll.h>
#include <signal.h>
#include <sys/mman.h>

static coord_step *gate;     /* made before the workers fork: theirs too */
static unsigned long *seen;  /* MAP_SHARED: per worker, the counts it read */


static void drive(coord_step *s, const int *sched, int n)
{
	for (int k = 0; k < n; k++) {
		settle(s);
		char why[96];
		if (!coord_step_enabled(s, sched[k], why, sizeof why)) { fprintf(stderr, "step %d: %s\n", k, why); exit(1); }
		coord_step_go(s, sched[k]);
	}
	settle(s);
}

/* Reads the count at its start and after each add (now() in a stepped run). */
static int two_adds(coord *c, int w, void *arg)
{
	(void)arg;
	seen[w * 3] = coord_step_count(gate);
	for (int i = 0; i < 2; i++) {
		coord_step_add(gate, c, w, coord_find(c, "counter"), 0, 1, 1, NULL);
		seen[w * 3 + 1 + i] = coord_step_count(gate);
	}
	coord_step_end(gate, w);
	return 0;
}

static coord *counter(void)
{
	coord_spec *sp = coord_spec_new();
	double zero = 0;
	coord_spec_add(sp, COORD_SHARED, "counter", 0, &zero, NULL);
	coord *c = coord_new(sp, 2);
	coord_spec_free(sp);
	if (!c) { perror("coord_new"); exit(1); }
	return c;
}

/* Task k's step spans, in order, into out (at most max); how many. */
static int steps_of(const trace *t, int k, const trace_span **out, int max)
{
	int n = 0;
	for (size_t i = 0; i < trace_nspans(t); i++) {
		const trace_span *sp = trace_span_at(t, i);
		if (sp->task == k && sp->kind == TRACE_SPAN_STEP && n < max) out[n++] = sp;
	}
	return n;
}

static void held(int mode, int round)
{
	coord *c = counter();
	gate = coord_step_new(c, 2);
	cev_ring *r = cev_new(2);
	if (!gate || !r) exit(1);
	cev_set_current(r);   /* the workers write to it, forked or not */
	trace *t = trace_new("held", loop_now_ns());
	int k[2] = { trace_task_add(t, 100, 100, 1, 0, "w0"), trace_task_add(t, 101, 101, 1, 1, "w1") };
	cev_log *lg = cev_log_new(r, c);
	team tm;
	start(&tm, mode, 2, c, two_adds, NULL);
	static const int sched[] = { 0, 1, 0, 1 };   /* both read 0, both write 1: one update lost */
	drive(gate, sched, 4);
	cev_log_drain(lg, t, 0);   /* live: each waits at its second read, its span open */
	const trace_span *sp[8];
	char d[128];
	for (int w = 0; w < 2; w++) {
		int n = steps_of(t, k[w], sp, 8);
		CHECK(n == 3);
		if (n != 3) continue;
		CHECK(sp[0]->t1 >= sp[0]->t0 && sp[1]->t1 >= sp[1]->t0 && sp[2]->t1 == -1);
		CHECK(sp[1]->t0 >= sp[0]->t1 && sp[2]->t0 >= sp[1]->t1);
		CHECK_STR(sp[1]->what, "write");
		CHECK_STR(trace_span_describe(t, sp[2], d, sizeof d), "held at a step point, next: read counter");
		CHECK(trace_span_find(t, k[w], TRACE_SPAN_STEP, trace_last(t)) == sp[2]);
	}
	CHECK(coord_step_count(gate) == 4);
	static const int rest[] = { 0, 0, 1, 1 };
	drive(gate, rest, 4);
	CHECK(finish(&tm) == 0);
	cev_log_drain(lg, t, 0);
	trace_finish_as(t, trace_last(t) + 1, TRACE_FINISHED, "finished");
	cev_log_drain(lg, t, 1);
	static const char *const acts[] = { "read", "write", "read", "write" };
	for (int w = 0; w < 2; w++) {
		int n = steps_of(t, k[w], sp, 8);
		CHECK(n == 4);   /* one span per point: two racy adds are four */
		for (int i = 0; i < n && i < 4; i++) {
			CHECK(sp[i]->t1 >= sp[i]->t0 && sp[i]->holder == -1);
			CHECK_STR(sp[i]->what, acts[i]);
			CHECK_STR(sp[i]->block, "counter");
		}
		CHECK(trace_step_ns(t, k[w]) > 0 && trace_blocked_ns(t, k[w]) == 0);
	}
	CHECK(coord_get(c, 0, 0) == 3);   /* of 4 adds, the one overwritten at step 4 lost */
	/* the counts read, the schedule's: w0 after steps 3 and 5..6, w1 after 4 and 7..8 */
	static const unsigned long want[6] = { 0, 3, 6, 0, 4, 8 };
	int same = 1;
	for (int i = 0; i < 6; i++) same &= seen[i] == want[i];
	if (!same)
		fprintf(stderr, "%s round %d: counts %lu %lu %lu / %lu %lu %lu\n", mode_name[mode], round, seen[0], seen[1],
			seen[2], seen[3], seen[4], seen[5]);
	CHECK(same);
	CHECK(trace_events_dropped(t) == 0);
	cev_log_free(lg);
	trace_free(t);
	cev_free(r);
	coord_step_free(gate);
	coord_free(c);
}

/* No gate: the same calls are plain ones, no step spans, count 0. */
static int free_adds(coord *c, int w, void *arg)
{
	(void)arg;
	for (int i = 0; i < 2; i++) coord_step_add(NULL, c, w, coord_find(c, "counter"), 0, 1, 0, NULL);
	return coord_step_count(NULL) != 0;
}

static void free_run(int mode)
{
	coord *c = counter();
	cev_ring *r = cev_new(2);
	cev_set_current(r);
	trace *t = trace_new("free", loop_now_ns());
	trace_task_add(t, 100, 100, 1, 0, "w0");
	trace_task_add(t, 101, 101, 1, 1, "w1");
	cev_log *lg = cev_log_new(r, c);
	team tm;
	start(&tm, mode, 2, c, free_adds, NULL);
	CHECK(finish(&tm) == 0);
	trace_finish_as(t, trace_last(t) + 1, TRACE_FINISHED, "finished");
	cev_log_drain(lg, t, 1);
	CHECK(trace_nspans_of(t, TRACE_SPAN_STEP) == 0 && coord_get(c, 0, 0) == 4);
	cev_log_free(lg);
	trace_free(t);
	cev_free(r);
	coord_free(c);
}

/* w1 killed (SIGKILL) while held at its first point: its span ends at its
 * death, when the run's end is later. */
static int one_add(coord *c, int w, void *arg)
{
	(void)arg;
	coord_step_add(gate, c, w, coord_find(c, "counter"), 0, 1, 0, NULL);
	coord_step_end(gate, w);
	return 0;
}

static void killed(void)
{
	coord *c = counter();
	gate = coord_step_new(c, 2);
	cev_ring *r = cev_new(2);
	cev_set_current(r);
	trace *t = trace_new("killed", loop_now_ns());
	trace_task_add(t, 100, 100, 1, 0, "w0");
	int k1 = trace_task_add(t, 101, 101, 1, 1, "w1");
	cev_log *lg = cev_log_new(r, c);
	team tm;
	start(&tm, PROCS, 2, c, one_add, NULL);
	static const int s[] = { 0 };
	drive(gate, s, 1);   /* w0 added and is done; w1 waits at its add */
	kill(tm.pid[1], SIGKILL);
	int st;
	CHECK(waitpid(tm.pid[1], &st, 0) == tm.pid[1] && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	CHECK(waitpid(tm.pid[0], &st, 0) == tm.pid[0] && WIFEXITED(st));
	int64_t died = trace_rel(t, loop_now_ns());
	trace_task_get(t, k1)->died = died;
	struct timespec ts = { 0, 20000000 };
	nanosleep(&ts, NULL);
	trace_finish_as(t, trace_rel(t, loop_now_ns()), TRACE_CRASHED, "crashed");
	cev_log_drain(lg, t, 1);
	const trace_span *sp[4];
	CHECK(steps_of(t, k1, sp, 4) == 1 && sp[0]->t1 == died && died < trace_end(t));
	cev_log_free(lg);
	trace_free(t);
	cev_free(r);
	coord_step_free(gate);
	coord_free(c);
}

int main(void)
{
	seen = mmap(NULL, sizeof *seen * 6, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (seen == MAP_FAILED) return 1;
	for (int mode = PROCS; mode <= THREADS; mode++) {
		for (int round = 0; round < 20; round++) held(mode, round);
		printf("ok - %s: a step span per point, open while held; the same counts 20 rounds in a row\n",
		       mode_name[mode]);
		free_run(mode);
		printf("ok - %s: a free run has no step spans\n", mode_name[mode]);
	}
	killed();
	printf("ok - a worker killed while held: its span ends at its death\n");
	return CHECK_DONE();
}
