/* Unit tests of the runner through run_start, without lessons: a thread
 * that cannot be created is reported with pthread_create's own error (not
 * errno's, which it does not set), and the run as failed, not finished; so
 * is a run whose workers did not all report an end; threads and processes
 * that run report their starts and ends with the kind of how the run ended. */
#include "run/run.h"
#include "check.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

/* More than any address space holds: mmap of the stack must fail. */
#define HUGE_STACK ((size_t)1 << 62)

static int done, failed, skipped;   /* run_failed and run_skipped once done */
static void on_done(run *r, void *arg)
{
	(void)arg;
	done = 1;
	failed = run_failed(r);
	skipped = run_skipped(r);
}

/* Runner side: every thread created from now on asks for HUGE_STACK. */
static int huge_stacks(void *ctx, char ***argv, int out_fd, int err_fd)
{
	(void)ctx; (void)argv; (void)out_fd; (void)err_fd;
	pthread_attr_t a;
	pthread_attr_init(&a);
	int rc = pthread_attr_setstacksize(&a, HUGE_STACK);
	if (!rc) rc = pthread_setattr_default_np(&a);
	pthread_attr_destroy(&a);
	if (rc) dprintf(err_fd, "cannot set the default stack size: %s\n", strerror(rc));
	return rc;
}

static int work_ok(void *ctx, const run_worker *w)
{
	(void)ctx;
	dprintf(w->out_fd, "worker %d of %d\n", w->id, w->n);
	return w->id == 2 ? 3 : 0;
}

static void *nothing(void *arg) { return arg; }

/* Runs spec to its end; the trace, or NULL. */
static trace *run_it(loop *l, const run_spec *spec)
{
	trace *t = trace_new("t", loop_now_ns());
	run_events ev = { NULL, on_done, NULL, NULL };
	char *err = NULL;
	done = 0;
	failed = skipped = -1;
	run *r = run_start(l, spec, t, &ev, &err);
	CHECK(r != NULL);
	if (!r) { fprintf(stderr, "run_start: %s\n", err); free(err); trace_free(t); return NULL; }
	for (int i = 0; i < 300 && !done; i++) loop_once(l, 100);
	CHECK(done);
	/* The run's own verdict is its trace's: one rule for both. */
	CHECK(done && failed == trace_failed(t) && skipped == (trace_outcome_kind(t) == TRACE_NOT_RUN));
	run_free(r);
	return t;
}

/* The first of the runner's own messages (task -1) that holds s. */
static const char *message(const trace *t, const char *s)
{
	for (size_t i = 0; i < trace_nlines(t); i++) {
		const trace_line *ln = trace_line_at(t, i);
		if (ln->task == -1 && strstr(ln->text, s)) return ln->text;
	}
	return NULL;
}

static void test_thread_create_fails(loop *l)
{
	/* What pthread_create returns for such a stack here, and what errno
	 * says after it (the old message): they must differ for the test to
	 * tell them apart. */
	pthread_attr_t a;
	pthread_attr_init(&a);
	CHECK(pthread_attr_setstacksize(&a, HUGE_STACK) == 0);
	pthread_t th;
	errno = 0;
	int rc = pthread_create(&th, &a, nothing, NULL);
	int after = errno;
	pthread_attr_destroy(&a);
	CHECK(rc != 0);
	if (!rc) { pthread_join(th, NULL); return; }
	CHECK(after != rc);   /* glibc: EAGAIN returned, ENOMEM left in errno by mmap */

	run_spec spec = { .kind = RUN_THREADS, .nworkers = 2, .capture = "none", .timeout_ms = 20000,
			  .prepare = huge_stacks, .work = work_ok };
	trace *t = run_it(l, &spec);
	if (!t) return;
	char want[160];
	snprintf(want, sizeof want, "parlab: could not start thread 0: %s", strerror(rc));
	const char *said = message(t, "could not start thread");
	CHECK_STR(said, want);
	CHECK(trace_ntasks(t) == 0);   /* no worker ever started */
	/* Not "finished: all 0 workers exited 0": the run failed, and says why. */
	CHECK(trace_outcome_kind(t) == TRACE_FAILED && trace_failed(t));
	snprintf(want, sizeof want, "failed: 2 of 2 workers could not start (%s)", strerror(rc));
	CHECK_STR(trace_outcome(t), want);
	CHECK(failed == 1 && skipped == 0);   /* batch exits 1 */
	trace_free(t);
}

/* Worker 1 ends the whole runner (exit 0) before it reports its end. */
static int work_exit(void *ctx, const run_worker *w)
{
	(void)ctx;
	if (w->id == 0) return 0;
	usleep(300000);   /* worker 0 has reported its end by now */
	_exit(0);
}

static void test_missing_end(loop *l)
{
	run_spec spec = { .kind = RUN_THREADS, .nworkers = 2, .capture = "none", .timeout_ms = 20000,
			  .work = work_exit };
	trace *t = run_it(l, &spec);
	if (!t) return;
	CHECK(trace_outcome_kind(t) == TRACE_FAILED && trace_failed(t));
	CHECK_CONTAINS(trace_outcome(t), "failed: ");
	CHECK_CONTAINS(trace_outcome(t), " of 2 workers did not report an end");
	CHECK(failed == 1);
	trace_free(t);
}

/* Runner side: a prerequisite is missing. */
static int missing(void *ctx, char ***argv, int out_fd, int err_fd)
{
	(void)ctx; (void)argv; (void)out_fd;
	dprintf(err_fd, "no such thing\n");
	return 1;
}

static int work_slow(void *ctx, const run_worker *w)
{
	(void)ctx; (void)w;
	sleep(10);
	return 0;
}

/* Not run is no failure; a time limit is, and every kind says the same as
 * run_failed (checked in run_it). */
static void test_verdicts(loop *l)
{
	run_spec spec = { .kind = RUN_PROCESSES, .nworkers = 2, .capture = "none", .timeout_ms = 20000,
			  .prepare = missing, .work = work_ok };
	trace *t = run_it(l, &spec);
	if (t) {
		CHECK(trace_outcome_kind(t) == TRACE_NOT_RUN && failed == 0 && skipped == 1);
		trace_free(t);
	}
	spec = (run_spec){ .kind = RUN_PROCESSES, .nworkers = 2, .capture = "none", .timeout_ms = 200,
			   .work = work_slow };
	t = run_it(l, &spec);
	if (t) {
		CHECK(trace_outcome_kind(t) == TRACE_TIMED_OUT && failed == 1 && skipped == 0);
		trace_free(t);
	}
}

static void test_ends(loop *l)
{
	run_spec spec = { .kind = RUN_THREADS, .nworkers = 2, .capture = "none", .timeout_ms = 20000, .work = work_ok };
	trace *t = run_it(l, &spec);
	if (t) {
		CHECK(trace_ntasks(t) == 2);
		CHECK(trace_outcome_kind(t) == TRACE_FINISHED && !trace_failed(t) && failed == 0);
		CHECK_STR(trace_outcome(t), "finished: all 2 workers exited 0");
		for (int i = 0; i < trace_ntasks(t); i++) {
			const trace_task *k = trace_task_at(t, i);
			CHECK(k->is_thread && k->worker >= 0 && k->worker < 2);   /* threads of the runner */
			CHECK(k->born >= 0 && k->died >= k->born && k->exit_status == 0);
		}
		trace_free(t);
	}
	spec.kind = RUN_PROCESSES;
	spec.nworkers = 3;
	t = run_it(l, &spec);
	if (t) {
		CHECK(trace_ntasks(t) == 3);
		CHECK(trace_outcome_kind(t) == TRACE_FAILED && trace_failed(t) && failed == 1);
		CHECK_STR(trace_outcome(t), "1 of 3 workers failed: w2 exit 3");
		for (int i = 0; i < trace_ntasks(t); i++) {
			const trace_task *k = trace_task_at(t, i);
			CHECK(!k->is_thread && k->worker >= 0 && k->worker < 3);
			CHECK(k->born >= 0 && k->died >= k->born);
			CHECK(k->exit_status == (k->worker == 2 ? 3 << 8 : 0));
			CHECK(k->last_cpu >= 0);   /* field 39 of its stat, read before the reaping */
		}
		trace_free(t);
	}
}

int main(void)
{
	loop *l = loop_new();
	test_thread_create_fails(l);
	test_missing_end(l);
	test_ends(l);
	test_verdicts(l);
	loop_free(l);
	return CHECK_DONE();
}
