/* Unit test of the /proc sampler on a real process tree: a child spinning
 * ~300 ms of CPU, a grandchild sleeping ~200 ms, and a thread of the
 * grandchild spinning ~150 ms. Checks that all three are discovered, that
 * the child's running slices add up to about its schedstat CPU time, that
 * the grandchild mostly sleeps, that each death is seen and that slices are
 * ordered. No tight timing: it must pass on a loaded 2-core machine. */
#include "trace/capture.h"
#include "util/loop.h"
#include "check.h"

#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MS 1000000LL

static int64_t thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static volatile unsigned long sink;

/* Burns ms of this thread's own CPU time, however long that takes. */
static void spin_cpu(int ms)
{
	int64_t end = thread_cpu_ns() + ms * MS;
	while (thread_cpu_ns() < end)
		for (int i = 0; i < 10000; i++) sink += (unsigned long)i;
}

static void *spinner(void *arg)
{
	(void)arg;
	spin_cpu(150);
	return NULL;
}

static void grandchild(void)
{
	pthread_t th;
	if (pthread_create(&th, NULL, spinner, NULL)) _exit(3);
	struct timespec ts = { 0, 200 * MS };
	nanosleep(&ts, NULL);
	pthread_join(th, NULL);
	_exit(0);
}

/* Waits for "go" (capture is armed by then, as with the runner). */
static void child(int go)
{
	char b;
	if (read(go, &b, 1) != 1) _exit(2);
	pid_t g = fork();
	if (g == 0) grandchild();
	spin_cpu(300);
	int st;
	if (g < 0 || waitpid(g, &st, 0) != g || !WIFEXITED(st) || WEXITSTATUS(st)) _exit(4);
	_exit(0);
}

static pid_t child_pid;
static int child_status = -1, reaped;

static void on_reap(loop *l, long id, void *arg)
{
	(void)l; (void)id; (void)arg;
	if (!reaped && waitpid(child_pid, &child_status, WNOHANG) == child_pid) reaped = 1;
}

static int64_t sum_state(const trace *t, int task, trace_state st)
{
	size_t n;
	const trace_slice *s = trace_slices(t, task, &n);
	int64_t sum = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i].state == st) sum += s[i].t1 - s[i].t0;
	return sum;
}

static int slices_ordered(const trace *t, int task)
{
	size_t n;
	const trace_slice *s = trace_slices(t, task, &n);
	for (size_t i = 0; i < n; i++) {
		if (s[i].t0 < 0 || s[i].t1 < s[i].t0) return 0;
		if (i && s[i].t0 < s[i - 1].t1) return 0;
	}
	return 1;
}

static int64_t last_t1(const trace *t, int task)
{
	size_t n;
	const trace_slice *s = trace_slices(t, task, &n);
	return n ? s[n - 1].t1 : -1;
}

static int find_task(const trace *t, pid_t pid, pid_t ppid, int thread)
{
	for (int i = 0; i < trace_ntasks(t); i++) {
		const trace_task *k = trace_task_at(t, i);
		if (k->is_thread != thread) continue;
		if ((pid && k->pid == pid) || (!pid && k->ppid == ppid)) return i;
	}
	return -1;
}

static void report(const trace *t, int i, const char *what)
{
	const trace_task *k = trace_task_at(t, i);
	if (!k) { printf("%-10s not found\n", what); return; }
	printf("%-10s tid %d %-8s cpu %5.1f ms running %5.1f runnable %5.1f sleeping %5.1f"
	       " born %5.1f died %5.1f\n", what, (int)k->tid, k->comm, k->cpu_ns / 1e6,
	       sum_state(t, i, TS_RUNNING) / 1e6, sum_state(t, i, TS_RUNNABLE) / 1e6,
	       sum_state(t, i, TS_SLEEPING) / 1e6, k->born / 1e6, k->died / 1e6);
}

static void check_task(const trace *t, int i)
{
	const trace_task *k = trace_task_at(t, i);
	if (!k) return;
	CHECK(slices_ordered(t, i));
	CHECK(k->died >= 0);
	CHECK(k->born >= 0 && k->died >= k->born);
	CHECK(last_t1(t, i) > k->born && last_t1(t, i) <= k->died);
}

static int open_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	if (!d) return -1;
	while (readdir(d)) n++;
	closedir(d);
	return n;
}

/* Forks the tree, captures it until the child is reaped, stops capture. */
static void run_tree(trace *t, loop *l)
{
	int go[2];
	CHECK(pipe(go) == 0);
	fflush(stdout);   /* or the children would print it again */
	child_pid = fork();
	if (child_pid == 0) { close(go[1]); child(go[0]); }
	close(go[0]);
	capture *c = capture_proc_new(t, l, 0);
	CHECK(capture_start(c, child_pid) == 0);
	CHECK_STR(trace_backend(t), capture_describe(c));
	CHECK(trace_ncpu(t) == (int)sysconf(_SC_NPROCESSORS_ONLN));
	CHECK(write(go[1], "g", 1) == 1);
	close(go[1]);

	struct timespec c0, c1;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	int64_t w0 = loop_now_ns(), deadline = w0 + 60000 * MS;
	loop_timer_add(l, 5, 1, on_reap, NULL);
	while (!reaped && loop_now_ns() < deadline) loop_once(l, 100);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	double cpu = (double)(c1.tv_sec - c0.tv_sec) * 1e9 + (double)(c1.tv_nsec - c0.tv_nsec);
	double wall = (double)(loop_now_ns() - w0);
	printf("sampler and loop: %.1f ms CPU over %.0f ms wall (%.2f%% of a core)\n",
	       cpu / 1e6, wall / 1e6, 100 * cpu / wall);
	if (!reaped) {
		kill(child_pid, SIGKILL);
		waitpid(child_pid, &child_status, 0);
	}
	CHECK(reaped && WIFEXITED(child_status) && WEXITSTATUS(child_status) == 0);
	capture_stop(c, trace_rel(t, loop_now_ns()));
	capture_free(c);
}

static void test_tree(void)
{
	trace *t = trace_new("capture", loop_now_ns());
	loop *l = loop_new();
	int fds = open_fds();
	run_tree(t, l);
	CHECK(open_fds() == fds);   /* every descriptor closed */
	int ci = trace_task_find(t, child_pid);
	int gi = find_task(t, 0, child_pid, 0);
	pid_t gpid = gi >= 0 ? trace_task_at(t, gi)->pid : -1;
	int ti = gpid > 0 ? find_task(t, gpid, 0, 1) : -1;
	report(t, ci, "child");
	report(t, gi, "grandchild");
	report(t, ti, "thread");
	CHECK(ci >= 0 && gi >= 0 && ti >= 0);
	CHECK(trace_ntasks(t) == 3);
	if (ci >= 0) {   /* spinning: running time close to its CPU time */
		const trace_task *k = trace_task_at(t, ci);
		int64_t run = sum_state(t, ci, TS_RUNNING);
		CHECK(k->cpu_ns > 150 * MS);
		CHECK(run > 150 * MS);
		CHECK(run > k->cpu_ns * 7 / 10 && run < k->cpu_ns * 13 / 10);
		CHECK(k->cpus != 0 && k->last_cpu >= 0);
		check_task(t, ci);
	}
	if (gi >= 0) {   /* sleeping, mostly */
		const trace_task *k = trace_task_at(t, gi);
		int64_t sleep = sum_state(t, gi, TS_SLEEPING);
		CHECK(k->ppid == child_pid);
		CHECK(sleep > 100 * MS);
		CHECK(sleep > sum_state(t, gi, TS_RUNNING) && sleep > sum_state(t, gi, TS_RUNNABLE));
		check_task(t, gi);
	}
	if (ti >= 0) {
		const trace_task *k = trace_task_at(t, ti);
		CHECK(k->cpu_ns > 75 * MS);
		CHECK(sum_state(t, ti, TS_RUNNING) > k->cpu_ns / 2);
		check_task(t, ti);
	}
	loop_free(l);
	trace_free(t);
}

/* A task the runner announced keeps its label and worker id. */
static void test_hint(void)
{
	trace *t = trace_new("hint", loop_now_ns());
	loop *l = loop_new();
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		struct timespec ts = { 0, 100 * MS };
		nanosleep(&ts, NULL);
		_exit(0);
	}
	int id = trace_task_add(t, p, p, getpid(), 0, "w0");
	capture *c = capture_proc_new(t, l, 0);
	CHECK(capture_start(c, p) == 0);
	capture_hint(c, p, p);
	int st;
	while (waitpid(p, &st, WNOHANG) == 0) loop_once(l, 10);
	capture_stop(c, trace_rel(t, loop_now_ns()));
	CHECK(trace_ntasks(t) == 1);
	const trace_task *k = trace_task_at(t, id);
	CHECK_STR(k->label, "w0");
	CHECK(k->worker == 0);
	CHECK(k->died >= 0);
	CHECK(sum_state(t, id, TS_SLEEPING) > 50 * MS);
	CHECK(slices_ordered(t, id));
	capture_free(c);
	capture_free(c = capture_proc_new(t, l, 0));   /* never started */
	CHECK(capture_start(c = capture_proc_new(t, l, 0), p) < 0);   /* reaped */
	capture_free(c);
	loop_free(l);
	trace_free(t);
}

static void test_interval(void)
{
	trace *t = trace_new("interval", 0);
	loop *l = loop_new();
	struct { const char *env; int arg; const char *want; } cases[] = {
		{ NULL, 0, "/proc sampler, 2 ms" }, { "7", 0, "/proc sampler, 7 ms" },
		{ "7", 3, "/proc sampler, 3 ms" }, { "0", 0, "/proc sampler, 2 ms" },
		{ "1001", 0, "/proc sampler, 2 ms" }, { "5x", 0, "/proc sampler, 2 ms" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (cases[i].env) setenv("PARLAB_SAMPLE_MS", cases[i].env, 1);
		else unsetenv("PARLAB_SAMPLE_MS");
		capture *c = capture_proc_new(t, l, cases[i].arg);
		CHECK_STR(capture_describe(c), cases[i].want);
		CHECK_STR(c->ops->name, "proc");
		capture_free(c);
	}
	unsetenv("PARLAB_SAMPLE_MS");
	loop_free(l);
	trace_free(t);
}

int main(void)
{
	test_interval();
	unsetenv("PARLAB_SAMPLE_MS");
	test_tree();
	test_hint();
	return CHECK_DONE();
}
