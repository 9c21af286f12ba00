/* test_dask_cluster: lesson 7's cluster step (lessons/module14/07-dask.lua,
 * example2_cluster.py) on an existing Dask cluster named by
 * PARLAB_DASK_SCHEDULER: a dask-scheduler and two dask-worker processes
 * this test starts on 127.0.0.1 (tests/dask_cluster.sh; they are not the
 * run's). The run's trace has the task stream of both workers: each is
 * this machine's, its pid one of the cluster's worker processes, said to
 * be "not started by this run"; each ran tasks on threads of its own
 * process, which the capture watched (OS lanes, marked outside the run,
 * seen running); the run started no worker process of its own; the known mean
 * was printed. The cluster is still running after the run, then stopped
 * with SIGTERM. Skipped (77) where python3-distributed is missing. */
#include "check.h"
#include "engine/engine.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/parlab-dask-cluster-XXXXXX";
static int started;

static int done;
static void on_done(run *r, void *arg) { (void)r; (void)arg; done = 1; }

/* tests/dask_cluster.sh CMD dir: its exit status, its first line of output in out. */
static int helper(const char *cmd, char *out, size_t cap)
{
	char line[2048];
	snprintf(line, sizeof line, "bash '%s' %s '%s'", fixture("dask_cluster.sh"), cmd, dir);
	FILE *p = popen(line, "r");
	if (!p) return -1;
	if (out) {
		out[0] = '\0';
		if (fgets(out, (int)cap, p)) out[strcspn(out, "\n")] = '\0';
	}
	char rest[512];
	while (fgets(rest, sizeof rest, p)) {}
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void stop_cluster(void)
{
	if (started) helper("stop", NULL, 0);
	started = 0;
	char rm[256];
	snprintf(rm, sizeof rm, "rm -rf '%s'", dir);
	if (system(rm) != 0) fprintf(stderr, "could not remove %s\n", dir);
}

/* The cluster's nannies and worker processes. */
static int cluster_pids(pid_t *v, int cap)
{
	char line[2048];
	snprintf(line, sizeof line, "bash '%s' pids '%s'", fixture("dask_cluster.sh"), dir);
	FILE *p = popen(line, "r");
	int n = 0;
	long x;
	while (p && n < cap && fscanf(p, "%ld", &x) == 1) v[n++] = (pid_t)x;
	if (p) pclose(p);
	return n;
}

static int in(pid_t x, const pid_t *v, int n)
{
	for (int i = 0; i < n; i++)
		if (v[i] == x) return 1;
	return 0;
}

int main(void)
{
	char line[2048];
	snprintf(line, sizeof line, "bash '%s' check", fixture("dask_cluster.sh"));
	int st = system(line);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77) return 77;   /* said why */
	if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
	atexit(stop_cluster);
	started = 1;
	char addr[256];
	if (helper("start", addr, sizeof addr) != 0 || strncmp(addr, "tcp://127.0.0.1:", 16)) {
		fprintf(stderr, "the cluster did not start (%s)\n", addr);
		return 1;
	}
	pid_t pids[16];
	int npids = cluster_pids(pids, 16);
	CHECK(npids == 4);   /* two nannies, a worker process under each */
	setenv("PARLAB_DASK_SCHEDULER", addr, 1);
	unsetenv("DASK_SCHEDULER_ADDRESS");

	char *err = NULL;
	course *c = course_load(fixture("../lessons/module14/07-dask.lua"), &err);
	if (!c) { fprintf(stderr, "%s\n", err); return 1; }
	loop *l = loop_new();
	engine *e = engine_new(c, l);
	engine_goto(e, 0, 0);
	while (engine_step(e)->kind != STEP_RUN || !engine_dask_scheduler(e, engine_step(e)))
		if (engine_next(e) != 0) { fprintf(stderr, "lesson 7 has no Dask cluster run\n"); return 1; }
	CHECK_STR(engine_dask_scheduler(e, engine_step(e)), addr);
	run_events ev = { NULL, on_done, NULL, NULL };
	if (engine_run(e, &ev, &err) < 0) { fprintf(stderr, "engine_run: %s\n", err); return 1; }
	for (int i = 0; i < 3000 && !done; i++) loop_once(l, 100);   /* 300 s at most */
	CHECK(done);
	trace *t = engine_trace(e);
	CHECK(!engine_run_failed(e));

	int mean = 0, connected = 0;
	for (size_t i = 0; i < trace_nlines(t); i++) {
		const char *s = trace_line_at(t, i)->text;
		mean |= !strcmp(s, "Mean value: 42.5");
		connected |= !strncmp(s, "Connecting to the cluster at ", 29) && !strcmp(s + 29, addr);
	}
	CHECK(mean && connected);
	/* No cluster of its own: none of its processes is a Dask worker. The
	 * cluster's worker processes are watched: tasks of the trace, marked
	 * outside the run, named after their worker. */
	int outside = 0;
	for (int i = 0; i < trace_ntasks(t); i++) {
		const trace_task *k = trace_task_at(t, i);
		if (!in(k->pid, pids, npids)) {
			CHECK(!trace_task_outside(t, i));
			CHECK(!strstr(k->pyname, "Dask Worker") && !strstr(k->pyname, "Nanny"));
			continue;
		}
		outside++;
		CHECK(trace_task_outside(t, i));
		CHECK(k->died < 0);   /* alive at the end: the run did not stop it */
		if (k->tid == k->pid) CHECK(!strncmp(k->pyname, "worker ext-", 11) && strstr(k->pyname, ", not this run's"));
	}
	printf("%d tasks of the cluster's processes watched\n", outside);
	if (strncmp(trace_backend(t), "none", 4)) CHECK(outside >= 2 * 3);   /* each: its loop and 2 executor threads at least */

	/* Both workers' task streams. */
	CHECK(trace_ndworkers(t) == 2);
	int tasks[2] = { 0, 0 };
	for (size_t l2 = 0; l2 < trace_ndlanes(t); l2++) {
		const trace_dlane *ln = trace_dlane_at(t, l2);
		const trace_dworker *w = trace_dworker_at(t, (size_t)ln->worker);
		if (ln->worker < 2) tasks[ln->worker] += ln->ntasks;
		char path[64];
		struct stat sb;
		snprintf(path, sizeof path, "/proc/%d/task/%d", (int)w->pid, (int)ln->tid);
		CHECK(stat(path, &sb) == 0);   /* a thread of that worker process, still running */
		CHECK(ln->tid != w->pid);      /* an executor thread, not its event loop */
		/* its OS lane: the capture watched that thread, and saw it run */
		int k = trace_dlane_task(t, l2);
		int64_t ran = 0;
		size_t ns = 0;
		const trace_slice *sl = k >= 0 ? trace_slices(t, k, &ns) : NULL;
		for (size_t j = 0; j < ns; j++) if (sl[j].state == TS_RUNNING) ran += sl[j].t1 - sl[j].t0;
		/* Watched from the moment its worker's message came (its first
		 * slice): a task running on it after that shows as running. */
		int64_t watched = ns ? sl[0].t0 : -1, last = -1;
		size_t nt;
		const size_t *ti = trace_dlane_tasks(t, l2, &nt);
		for (size_t j = 0; j < nt; j++)
			if (trace_dtask_at(t, ti[j])->t1 > last) last = trace_dtask_at(t, ti[j])->t1;
		printf("lane %zu: tid %d, task %d, outside %d, watched from %.1f ms, ran %.1f ms, its last task ended at %.1f ms\n",
		       l2, (int)ln->tid, k, k >= 0 ? trace_task_outside(t, k) : -1, watched / 1e6, ran / 1e6, last / 1e6);
		if (strncmp(trace_backend(t), "none", 4)) {
			CHECK(k >= 0 && trace_task_outside(t, k));
			if (watched >= 0 && last > watched + 1000000) CHECK(ran > 0);
		}
	}
	for (size_t i = 0; i < trace_ndworkers(t); i++) {
		const trace_dworker *w = trace_dworker_at(t, i);
		char buf[160];
		printf("worker %s (%s, pid %d): %d tasks; %s\n", w->addr, w->name, (int)w->pid, i < 2 ? tasks[i] : -1,
		       trace_dworker_where_text(t, i, buf, sizeof buf));
		CHECK(w->local);
		CHECK(in(w->pid, pids, npids));
		CHECK(trace_dworker_where(t, i) == TRACE_DW_HOST);
		CHECK_CONTAINS(trace_dworker_where_text(t, i, buf, sizeof buf), "not started by this run");
		CHECK(!strncmp(w->name, "ext-", 4));
		CHECK(i >= 2 || tasks[i] > 0);
	}
	CHECK(trace_ndtasks(t) >= 6);   /* at least one per partition */
	for (size_t i = 0; i < trace_ndtasks(t); i++) CHECK(trace_dtask_at(t, i)->t1 >= trace_dtask_at(t, i)->t0);

	/* The cluster outlives the run; then it stops on SIGTERM. */
	for (int i = 0; i < npids; i++) CHECK(kill(pids[i], 0) == 0);
	CHECK(helper("stop", NULL, 0) == 0);
	started = 0;
	for (int i = 0; i < npids; i++) CHECK(kill(pids[i], 0) != 0);

	engine_free(e);
	course_free(c);
	loop_free(l);
	return CHECK_DONE();
}
