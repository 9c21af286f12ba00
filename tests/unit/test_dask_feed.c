/* test_dask_feed: Dask's task stream (run/dask_feed.h) into a trace
 * (trace.h, trace_dask.c): workers on this machine keep their times, a
 * worker on another machine is moved by the machines' clock offsets; a
 * begun task is closed by its end, lanes are per thread in order of
 * appearance and their tasks in order of start; busy time and the task at
 * an instant; transfers between known workers; malformed messages are
 * dropped, other messages left alone; open tasks end with the run. */
#include "check.h"
#include "run/dask_feed.h"

#include <string.h>

#define S 1000000000LL   /* the trace starts at 1 s of the monotonic clock */

static void feed(dask_feed *f, trace *t, const char *m, int want)
{
	CHECK(dask_feed_message(f, t, m) == want);
}

int main(void)
{
	trace *t = trace_new("dask", S);
	dask_feed *f = dask_feed_new();
	dask_feed_set_machine(f, "boot-a", 5000);
	feed(f, t, "dworker tcp://127.0.0.1:4000 4711 2 boot-a 5100 0", 1);
	feed(f, t, "dworker tcp://10.0.0.9:4000 99 1 boot-b 7000 ext-1", 1);
	CHECK(trace_ndworkers(t) == 2);
	const trace_dworker *w0 = trace_dworker_at(t, 0), *w1 = trace_dworker_at(t, 1);
	CHECK(w0->local && w0->pid == 4711 && w0->nthreads == 2 && !strcmp(w0->name, "0"));
	CHECK(!w1->local && !strcmp(w1->name, "ext-1"));
	CHECK(trace_dworker_where(t, 1) == TRACE_DW_REMOTE);
	CHECK(trace_dworker_where(t, 0) == TRACE_DW_HOST);   /* no task 4711 in the trace */
	trace_task_add(t, 4711, 4711, 1, -1, "python3");
	trace_task_add(t, 4711, 4720, 1, -1, "python3");
	CHECK(trace_dworker_where(t, 0) == TRACE_DW_RUN);

	/* a begun task, then its end; a second thread; a task out of order */
	feed(f, t, "dstart tcp://127.0.0.1:4000 4720 1010000000 getitem ('getitem-ab', 0)", 1);
	CHECK(trace_ndtasks(t) == 1 && trace_dtask_at(t, 0)->t1 == -1);
	CHECK(trace_dtask_find(t, 0, 50000000) == trace_dtask_at(t, 0));   /* still running */
	feed(f, t, "dtask tcp://127.0.0.1:4000 4720 1010000000 1030000000 getitem ('getitem-ab', 0)", 1);
	CHECK(trace_ndtasks(t) == 1);
	const trace_dtask *k = trace_dtask_at(t, 0);
	CHECK(k->t0 == 10000000 && k->t1 == 30000000 && !strcmp(k->prefix, "getitem"));
	CHECK(!strcmp(k->key, "('getitem-ab', 0)"));
	feed(f, t, "dtask tcp://127.0.0.1:4000 4721 1012000000 1014000000 series-sum-chunk x", 1);
	feed(f, t, "dtask tcp://127.0.0.1:4000 4720 1005000000 1006000000 read-csv y", 1);
	CHECK(trace_ndlanes(t) == 2 && trace_dlane_at(t, 0)->tid == 4720 && trace_dlane_at(t, 1)->tid == 4721);
	size_t n;
	const size_t *ix = trace_dlane_tasks(t, 0, &n);
	CHECK(n == 2 && trace_dtask_at(t, ix[0])->t0 == 5000000 && trace_dtask_at(t, ix[1])->t0 == 10000000);
	CHECK(trace_dlane_task(t, 0) == 1 && trace_dlane_task(t, 1) == -1);
	char buf[64];
	CHECK(!strcmp(trace_dlane_name(t, 0, buf, sizeof buf), "dask 4711.0"));
	CHECK(!strcmp(trace_dlane_name(t, 1, buf, sizeof buf), "dask 4711.1"));
	CHECK(trace_dlane_busy(t, 0, 0, 100000000) == 21000000);
	CHECK(trace_dlane_busy(t, 0, 20000000, 25000000) == 5000000);
	CHECK(trace_dlane_busy(t, 0, 6000000, 10000000) == 0);
	CHECK(trace_dtask_find(t, 0, 7000000) == NULL);
	CHECK(trace_dtask_find(t, 0, 29999999) == k);
	CHECK(trace_ndprefixes(t) == 3 && trace_dprefix_slot(t, "read-csv") == 2);

	/* another machine: its clock is 2000 ns further from realtime */
	feed(f, t, "dtask tcp://10.0.0.9:4000 55 1100000000 1100001000 series-mean z", 1);
	const trace_dtask *r = trace_dtask_at(t, trace_ndtasks(t) - 1);
	CHECK(r->t0 == 100000000 + 2000 && r->t1 == 100001000 + 2000);
	CHECK(!strcmp(trace_dlane_name(t, 2, buf, sizeof buf), "dask ext-1.0"));

	feed(f, t, "dxfer tcp://10.0.0.9:4000 tcp://127.0.0.1:4000 1040000000 1041000000 32 ('x', 1)", 1);
	feed(f, t, "dxfer tcp://nobody:1 tcp://127.0.0.1:4000 1040000000 1041000000 8 k", 1);
	CHECK(trace_ndxfers(t) == 2);
	CHECK(trace_dxfer_at(t, 0)->from == 1 && trace_dxfer_at(t, 0)->to == 0 && trace_dxfer_at(t, 0)->nbytes == 32);
	CHECK(trace_dxfer_at(t, 1)->from == -1);

	/* malformed: dropped; not ours: left alone */
	size_t before = trace_ndtasks(t);
	feed(f, t, "dtask tcp://127.0.0.1:4000 x 1 2 p k", 1);
	feed(f, t, "dtask tcp://127.0.0.1:4000 4720", 1);
	feed(f, t, "dworker tcp://a 1", 1);
	CHECK(trace_ndtasks(t) == before && trace_ndworkers(t) == 2);
	feed(f, t, "name MainProcess", 0);
	feed(f, t, "dtasks x", 0);

	/* a task still open ends with the run; escapes in keys are inert */
	feed(f, t, "dstart tcp://127.0.0.1:4000 4721 1050000000 x \033[31mred", 1);
	trace_finish(t, 60000000, "finished");
	const trace_dtask *o = trace_dtask_at(t, trace_ndtasks(t) - 1);
	CHECK(o->t1 == 60000000 && !strchr(o->key, '\033'));
	dask_feed_free(f);
	trace_free(t);
	return CHECK_DONE();
}
