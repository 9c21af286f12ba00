/* The Python stepper's gate (pystep.c), its decisions from the messages a
 * stepped program's threads send (python/parlab/_step.py), each thread's
 * reply socket a real socketpair: the gate lets a thread go by writing a
 * byte to it, and a thread that is gone hangs it up.
 *  - workers in order of appearance, named as they said; settled only when
 *    every one is at a point or done, and a start let go keeps its worker
 *    running until the new thread says hello (or the start failed);
 *  - a lock held by another is no step and says by whom; a reentrant lock
 *    is its holder's again; a Value's get waits for its lock;
 *  - a queue's length from the puts and takes let go: full, empty, and a
 *    take that does not wait;
 *  - join waits for its worker's end; a started process that ends before
 *    its hello ends its parent's start;
 *  - a lock cycle is stuck, in a free run's words; a thread whose socket
 *    hung up is done; the program's words lose their escape sequences.
 * Then through the whole engine, with a real Python program
 * (tests/lessons/good/pystep.py, /usr/bin/python3): two processes' racy
 * v.value += 1 stepped so that an update is lost, then undone one step
 * at a time: each state is the one recorded on the way (the run starts
 * over and replays the schedule; the processes appear with the same ids). */
#include "engine/engine.h"
#include "engine/pystep.h"
#include "check.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
	sched_gate *g;
	pystep *p;
	int py[16];   /* the program's end of each thread's reply socket */
} gate;

#define PID 4000

static void hello(gate *t, int tid, int started, const char *name)
{
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	char msg[128];
	snprintf(msg, sizeof msg, "hello %d %d %s", tid, started, name);
	t->py[tid % 16] = sv[0];
	pystep_message(t->p, PID, msg, &sv[1], 1);   /* it owns sv[1] now */
}

static void msg(gate *t, const char *m) { pystep_message(t->p, PID, m, NULL, 0); }

static int enabled(gate *t, int w, char *why) { return t->g->ops->enabled(t->g->impl, w, why, 160); }
static int settled(gate *t) { return t->g->ops->settled(t->g->impl); }
static void go(gate *t, int w) { t->g->ops->go(t->g->impl, w); }

static const char *describe(gate *t, int w)
{
	static char buf[200];
	t->g->ops->describe(t->g->impl, w, buf, sizeof buf);
	return buf;
}

/* The thread of tid was let go: its byte is there. */
static int got_go(gate *t, int tid)
{
	char c;
	return recv(t->py[tid % 16], &c, 1, MSG_DONTWAIT) == 1 && c == 'g';
}

static void new_gate(gate *t)
{
	t->p = pystep_new();
	CHECK(t->p != NULL);
	t->g = pystep_gate(t->p);
}

static void free_gate(gate *t)
{
	sched_gate_free(t->g);
	for (int i = 0; i < 16; i++)
		if (t->py[i] > 0) close(t->py[i]);
	memset(t, 0, sizeof *t);
}

static void test_start_and_locks(void)
{
	gate t = { 0 };
	char why[160];
	new_gate(&t);
	CHECK(t.g->ops->nworkers(t.g->impl) == 0);
	hello(&t, 11, 0, "MainProcess");
	CHECK(t.g->ops->nworkers(t.g->impl) == 1);
	CHECK(!settled(&t));   /* running to its first point */
	msg(&t, "at 11 start - - 0 - Thread-1 (work)");
	CHECK(settled(&t));
	CHECK_STR(describe(&t, 0), "MainProcess: start Thread-1 (work)");
	CHECK(enabled(&t, 0, why));
	go(&t, 0);
	CHECK(got_go(&t, 11));
	msg(&t, "at 11 lock k1 - 0 a");
	CHECK(!settled(&t));   /* at a point, but its start has not made a thread yet */
	CHECK(!enabled(&t, 0, why));
	hello(&t, 12, 1, "Thread-1 (work)");
	CHECK(!settled(&t));   /* the new thread runs to its first point */
	msg(&t, "at 12 lock k1 - 0 first");
	CHECK(settled(&t));
	CHECK(t.g->ops->nworkers(t.g->impl) == 2);
	CHECK_STR(describe(&t, 1), "Thread-1 (work): lock a");   /* named where it was made first */
	go(&t, 1);
	CHECK(got_go(&t, 12) && !got_go(&t, 11));
	msg(&t, "at 12 lock k1 - 0 first");   /* again, not reentrant: itself */
	CHECK(!enabled(&t, 0, why));
	CHECK_STR(why, "lock a is held by w1");
	CHECK_STR(describe(&t, 0), "MainProcess: lock a (held by w1)");
	CHECK(!enabled(&t, 1, why));
	char stuck[300];
	CHECK(t.g->ops->stuck(t.g->impl, NULL, 0, stuck, sizeof stuck));
	CHECK_STR(stuck, "w0 waits for a; w1 holds a and waits for a");
	free_gate(&t);

	new_gate(&t);   /* reentrant: its holder takes it again; unlocked as often */
	hello(&t, 21, 0, "MainProcess");
	msg(&t, "at 21 lock r - 1 r");
	go(&t, 0);
	msg(&t, "at 21 lock r - 1 r");
	CHECK(enabled(&t, 0, why));
	go(&t, 0);
	msg(&t, "at 21 unlock r - 0 r");
	go(&t, 0);
	msg(&t, "at 21 get v r 0 v.value");
	CHECK(enabled(&t, 0, why));   /* its own lock */
	free_gate(&t);
}

static void test_values_queues_join(void)
{
	gate t = { 0 };
	char why[160];
	new_gate(&t);
	hello(&t, 31, 0, "MainProcess");
	hello(&t, 32, 0, "Process-1");
	msg(&t, "at 31 lock L - 0 v.get_lock()");
	msg(&t, "at 32 get V L 0 v.value");
	go(&t, 0);   /* w0 holds v's lock */
	msg(&t, "at 31 set V L 0 v.value 1");
	CHECK_STR(describe(&t, 0), "MainProcess: set v.value = 1");
	CHECK(enabled(&t, 0, why));
	CHECK(!enabled(&t, 1, why));
	CHECK_STR(why, "lock v.get_lock() is held by w0");
	go(&t, 0);
	msg(&t, "at 31 unlock L - 0 v.get_lock()");
	go(&t, 0);
	msg(&t, "at 31 put Q - 1 q 'a'");
	CHECK(enabled(&t, 1, why));   /* the lock is free again */
	CHECK_STR(describe(&t, 0), "MainProcess: put 'a' into q (0 of 1)");
	go(&t, 0);
	msg(&t, "at 31 put Q - 1 q 'b'");
	CHECK(!enabled(&t, 0, why));
	CHECK_STR(why, "queue q is full");
	go(&t, 1);
	msg(&t, "at 32 take Q - 1 q");
	go(&t, 1);
	msg(&t, "at 32 take Q - 1 q");
	CHECK(enabled(&t, 0, why) && !enabled(&t, 1, why));
	CHECK_STR(why, "queue q is empty");
	go(&t, 0);   /* put 'b' */
	CHECK(enabled(&t, 1, why));
	go(&t, 1);
	msg(&t, "at 31 take Q nowait 1 q");   /* a take that does not wait: even from an empty queue */
	CHECK(enabled(&t, 0, why));
	msg(&t, "at 32 join - 4000.31 0 - Process-1");
	CHECK(!enabled(&t, 1, why));
	CHECK_STR(why, "w0 (MainProcess) is not done");
	CHECK_STR(describe(&t, 1), "Process-1: join w0 (MainProcess, not done)");
	msg(&t, "end 31");
	CHECK(enabled(&t, 1, why));
	CHECK(t.g->ops->state(t.g->impl, 0, NULL) == SG_DONE);
	CHECK_STR(describe(&t, 0), "done");
	free_gate(&t);
}

static void test_failed_start_and_hangup(void)
{
	gate t = { 0 };
	char why[160], stuck[300];
	new_gate(&t);
	hello(&t, 41, 0, "MainProcess");
	msg(&t, "at 41 start - - 0 - Process-1");
	go(&t, 0);
	msg(&t, "nochild 41");   /* the start raised */
	msg(&t, "at 41 lock a - 0 a");
	CHECK(settled(&t) && enabled(&t, 0, why));
	hello(&t, 42, 0, "Thread-1");
	msg(&t, "at 42 lock a - 0 a");
	go(&t, 0);
	CHECK(!enabled(&t, 1, why));
	close(t.py[41 % 16]);   /* w0's thread is gone without a word */
	t.py[41 % 16] = 0;
	CHECK(t.g->ops->state(t.g->impl, 0, NULL) == SG_RUNNING);
	CHECK(t.g->ops->stuck(t.g->impl, NULL, 0, stuck, sizeof stuck));   /* it never unlocks a */
	CHECK(t.g->ops->state(t.g->impl, 0, NULL) == SG_DONE);
	CHECK_STR(stuck, "w1 waits for a");
	free_gate(&t);
}

/* A started process that ends before its hello (a spawned child that
 * cannot load its target) ends its parent's start, a turn of the loop
 * after its end shows: the gate watches it from the parent's "started". */
static void test_child_gone(void)
{
	gate t = { 0 };
	char why[160];
	int hold[2];
	new_gate(&t);
	hello(&t, 61, 0, "MainProcess");
	msg(&t, "at 61 start - - 0 - Process-1");
	go(&t, 0);
	CHECK(pipe(hold) == 0);
	pid_t child = fork();
	if (child == 0) {   /* the started process: ends when the test lets it */
		char c;
		close(hold[1]);
		_exit(read(hold[0], &c, 1) < 0 ? 2 : 1);
	}
	close(hold[0]);
	char m[64];
	snprintf(m, sizeof m, "started 61 %d", (int)child);
	msg(&t, m);
	msg(&t, "at 61 join - 0.0 0 - Process-1");
	int fd = t.g->ops->fd(t.g->impl);
	struct pollfd pf = { fd, POLLIN, 0 };
	for (int i = 0; i < 3; i++) {   /* alive, and no hello: still starting */
		t.g->ops->drain(t.g->impl);
		poll(&pf, 1, 50);
	}
	CHECK(!settled(&t) && !enabled(&t, 0, why));
	close(hold[1]);   /* it ends (a zombie until reaped: ended all the same) */
	for (int i = 0; i < 100 && !settled(&t); i++) {
		poll(&pf, 1, 100);
		t.g->ops->drain(t.g->impl);
	}
	CHECK(settled(&t) && enabled(&t, 0, why));
	CHECK_STR(describe(&t, 0), "MainProcess: join Process-1");
	waitpid(child, NULL, 0);
	free_gate(&t);

	new_gate(&t);   /* its hello came first: a "started" after it changes nothing */
	hello(&t, 71, 0, "MainProcess");
	msg(&t, "at 71 start - - 0 - Process-1");
	go(&t, 0);
	hello(&t, 72, 1, "Process-1");
	msg(&t, "started 71 999999");
	msg(&t, "at 71 join - 0.0 0 - Process-1");
	msg(&t, "at 72 get v - 0 v");
	CHECK(settled(&t));
	free_gate(&t);
}

/* The program's words (names, values, its names for objects) are shown
 * without its escape sequences. */
static void test_words(void)
{
	gate t = { 0 };
	new_gate(&t);
	hello(&t, 51, 0, "\x1b[2Jred");
	msg(&t, "at 51 set V - 0 \x1b[31mv 7\x1b[0m");
	CHECK_STR(describe(&t, 0), "red: set v = 7");
	free_gate(&t);
}

/* ---- through the engine ---- */

static int done;
static void on_done(run *r, void *arg) { (void)r; (void)arg; done = 1; }

static int settle(engine *e, loop *l)
{
	for (int i = 0; i < 1200; i++) {
		if (done || (engine_sched_ready(e) && !engine_sched_replaying(e))) return 1;
		loop_once(l, 50);
	}
	return 0;
}

static char *state_of(engine *e)
{
	size_t cap = 2048, o = 0;
	char *s = malloc(cap), next[200];
	int n;
	engine_sched_list(e, &n);
	o += (size_t)snprintf(s + o, cap - o, "%d:", n);
	for (int w = 0; w < engine_sched_workers(e) && o < cap; w++) {
		engine_sched_next(e, w, next, sizeof next, NULL);
		o += (size_t)snprintf(s + o, cap - o, " w%d %s;", w, next);
	}
	return s;
}

static void test_undo(engine *e, loop *l)
{
	enum { STEPS = 6 };
	static const int sched[STEPS] = { 0, 0, 1, 2, 1, 2 };
	char *seen[STEPS + 1] = { 0 }, what[200], why[200];
	run_events ev = { NULL, on_done, NULL, NULL };
	char *err = NULL;
	done = 0;
	CHECK(engine_goto(e, 0, 0) == 0);
	if (engine_run(e, &ev, &err) < 0) { fprintf(stderr, "engine_run: %s\n", err); free(err); CHECK(0); return; }
	CHECK(settle(e, l));
	seen[0] = state_of(e);
	CHECK_STR(seen[0], "0: w0 MainProcess: start Process-1;");
	for (int k = 1; k <= STEPS; k++) {
		CHECK(engine_sched_step(e, sched[k - 1], what, sizeof what) == sched[k - 1]);
		CHECK(settle(e, l));
		seen[k] = state_of(e);
	}
	CHECK_STR(seen[STEPS], "6: w0 MainProcess: join w1 (Process-1); w1 done; w2 done;");
	for (int k = STEPS - 1; k >= 0; k--) {
		CHECK(engine_sched_undo(e, 1, why, sizeof why) == 0);
		CHECK(settle(e, l) && !done);
		char *now = state_of(e);
		if (strcmp(now, seen[k])) fprintf(stderr, "undo to %d: %s\n  was: %s\n", k, now, seen[k]);
		CHECK(!strcmp(now, seen[k]));
		free(now);
	}
	CHECK(engine_sched_replay(e, sched, STEPS, 0, why, sizeof why) == 0);
	CHECK(settle(e, l));
	for (int i = 0; i < 1200 && !done; i++) {
		if (!engine_sched_replaying(e)) engine_sched_go(e);
		loop_once(l, 50);
	}
	CHECK(done);
	trace *t = engine_last_trace(e, NULL);
	int lost = 0;
	for (size_t i = 0; t && i < trace_nlines(t); i++) lost |= !strcmp(trace_line_at(t, i)->text, "final value 1");
	CHECK(lost);
	for (int k = 0; k <= STEPS; k++) free(seen[k]);
}

int main(void)
{
	test_start_and_locks();
	test_values_queues_join();
	test_failed_start_and_hangup();
	test_child_gone();
	test_words();
	if (access("/usr/bin/python3", X_OK) != 0) { printf("SKIP: no /usr/bin/python3\n"); return check_failures ? 1 : 77; }
	char tmp[] = "/tmp/test_pystep.XXXXXX", *err = NULL;
	if (mkdtemp(tmp)) setenv("TMPDIR", tmp, 1);   /* its scratch folders: no other engine's sweep sees them */
	setenv("PARLAB_PYTHON", "/usr/bin/python3", 1);
	course *c = course_load(fixture("lessons/good/pystep.lua"), &err);
	CHECK(c != NULL);
	if (!c) { fprintf(stderr, "%s\n", err); return CHECK_DONE(); }
	loop *l = loop_new();
	engine *e = engine_new(c, l);
	test_undo(e, l);
	engine_free(e);
	course_free(c);
	loop_free(l);
	rmdir(tmp);
	return CHECK_DONE();
}
