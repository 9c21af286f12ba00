/*
 * runner.c: the runner process, forked by run_start. Everything here runs
 * outside the screen process, in the run's own process group.
 *
 * It sets itself up (own group, limits, a pids cgroup where one is
 * writable (cgroup.c), signals back to default, output to the message
 * pipe), prepares (enters the run's folder; the lesson copies
 * files, generates data, picks Python), says it is ready ("R"), and waits
 * for the "go" byte, so that capture is armed after what prepare ran and
 * before any worker exists. Then it starts the workers: threads here, or
 * forked processes (a command is exec'd in one). Each worker reports its
 * start and the runner each end on the control pipe (run/proto.h), one
 * write per line so that lines from threads never interleave. A worker
 * that cannot be started (fork or pthread_create failed) is said on the
 * message pipe and in an "N" line, and no later one is started. It reaps
 * every child, re-parented orphans too (it is a child subreaper), and exits
 * when none is left, after removing its cgroup.
 */
#include "run/runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run/cgroup.h"
#include "run/proto.h"
#include "util/loop.h"
#include "util/procfs.h"
#include "util/xmalloc.h"

static runner_ctx *R;   /* the runner's one context (per runner process) */

/* schedstat totals and last CPU of a task, from /proc; zeros when gone. */
static void task_stats(pid_t pid, pid_t tid, int64_t *cpu, int64_t *wait, int *lastcpu)
{
	char buf[1024];
	long long run_ns = 0, wait_ns = 0;
	(void)procfs_schedstat(pid, tid, &run_ns, &wait_ns);   /* untouched when gone */
	*cpu = run_ns;
	*wait = wait_ns;
	*lastcpu = -1;
	long long cpu_nr;
	if (procfs_stat(pid, tid, buf, sizeof buf) && procfs_stat_field(buf, PROCFS_PROCESSOR, &cpu_nr) == 0)
		*lastcpu = (int)cpu_nr;
}

/* A worker's "S" line; a write error means the screen is gone: nothing to tell. */
static void report_start(int id, pid_t pid, pid_t tid)
{
	proto_start m = { id, pid, tid, loop_now_ns() };
	(void)proto_write_start(R->ctl, &m);
}

/* An "E" line for a task that ended with status; stats must still be
 * readable (a thread before it returns, a zombie not yet reaped). A
 * running task's schedstat is as of its last tick or switch (up to a tick
 * behind): a thread reporting itself reads its own CPU clock instead (the
 * same sum, brought up to date), right before the line's time, which the
 * capture takes as the moment of that total when it reconciles. */
static void report_end(int id, pid_t pid, pid_t tid, int status)
{
	proto_end m = { id, pid, tid, status, 0, 0, -1, 0 };
	task_stats(pid, tid, &m.cpu_ns, &m.wait_ns, &m.last_cpu);
	struct timespec ts;
	if (tid == gettid() && clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
		m.cpu_ns = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
	m.at = loop_now_ns();
	(void)proto_write_end(R->ctl, &m);
}

/* In a forked worker: its own two pipes become stdout and stderr, and every
 * worker's pipe fds besides are closed. The control pipe stays open for a
 * Lua worker (the runner, not the worker, reports its end); like every
 * pipe of the run it is close-on-exec, so a command never inherits it. */
static void worker_fds(int i)
{
	dup2(R->outs[i], 1);
	dup2(R->errs[i], 2);
	for (int k = 0; k < R->n; k++) {
		if (R->outs[k] > 2) close(R->outs[k]);
		if (R->errs[k] > 2) close(R->errs[k]);
	}
}

/* Runs the lesson's work for worker i; returns its exit code. */
static int call_work(int i, int out_fd, int err_fd)
{
	run_worker w = { .id = i, .n = R->n, .mem_limit = run_memory_limit(R->spec->memory_mb), .out_fd = out_fd,
			 .err_fd = err_fd, .start_ns = R->start_ns };
	return R->spec->work(R->spec->ctx, &w);
}

/* A worker thread's id (-1: the runner's own thread). */
static _Thread_local int thread_worker = -1;

/* A fatal signal in a thread takes the whole process down; first, the
 * thread that caused it says it ended of that signal, so that the screen
 * names the worker ("w1 crashed") rather than "the runner failed". Only
 * signal-safe calls; then the signal again, at its default action. */
static void on_thread_crash(int sig)
{
	int saved = errno;
	if (thread_worker >= 0) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		proto_end m = { thread_worker, getpid(), gettid(), sig, 0, 0, -1,
				(int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec };
		(void)proto_write_end_sigsafe(R->ctl, &m);
	}
	signal(sig, SIG_DFL);
	errno = saved;
	raise(sig);   /* delivered when the handler returns: the process ends of it */
}

static void catch_thread_crashes(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa = { 0 };
	sa.sa_handler = on_thread_crash;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) sigaction(sigs[i], &sa, NULL);
}

/* A worker thread: named w<i>, reports its start, works, closes its pipes
 * (EOF for the screen) and reports its end while /proc still has it. */
static void *thread_main(void *arg)
{
	int i = (int)(intptr_t)arg;
	thread_worker = i;
	pid_t tid = gettid();
	char name[16];
	snprintf(name, sizeof name, "w%d", i);
	pthread_setname_np(pthread_self(), name);
	report_start(i, getpid(), tid);
	int code = call_work(i, R->outs[i], R->errs[i]);
	close(R->outs[i]);
	close(R->errs[i]);
	report_end(i, getpid(), tid, (code & 0xff) << 8);
	return NULL;
}

/* Forks worker i (the command is exec'd in worker 0); the child reports its
 * own start. Returns the pid, or -1 (errno set) when fork failed. */
static pid_t spawn_process(int i)
{
	pid_t pid = fork();
	if (pid != 0) return pid;
	signal(RUNNER_GUARD_SIG, SIG_DFL);   /* the runner's alone */
	signal(SIGALRM, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	report_start(i, getpid(), getpid());
	worker_fds(i);
	if (R->spec->kind == RUN_COMMAND) {
		int m = R->mark >= 0 ? dup(R->mark) : -1;   /* a copy without close-on-exec: the command's */
		char num[16];
		snprintf(num, sizeof num, "%d", m);
		if (m >= 0) setenv("PARLAB_MARK_FD", num, 1);
		else unsetenv("PARLAB_MARK_FD");
		execvp(R->argv[0], R->argv);
		fprintf(stderr, "parlab: cannot run %s: %s\n", R->argv[0], strerror(errno));
		_exit(127);
	}
	char name[16];
	snprintf(name, sizeof name, "w%d", i);
	prctl(PR_SET_NAME, name);
	int code = call_work(i, 1, 2);
	fflush(NULL);
	_exit(code & 0xff);
}

static void on_left_alarm(int sig)
{
	(void)sig;
	runner_kill_all();
	alarm(1);   /* a process forked in the meantime: the next pass */
}

/* Once a command's main process has exited, what it left running (children,
 * daemons) has RUNNER_LEFT_GRACE_S to end by itself, then it is stopped:
 * the run ends, it does not wait for the timeout. */
static void stop_left_later(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_left_alarm;
	sigfillset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);   /* no SA_RESTART: waitid comes back */
	alarm(RUNNER_LEFT_GRACE_S);
}

/* Reaps every child (workers and adopted orphans) until none is left. Each
 * is looked at with WNOWAIT first, while its /proc entry still holds the
 * final schedstat. */
static void reap_children(pid_t *pids, int n)
{
	for (;;) {
		siginfo_t si;
		memset(&si, 0, sizeof si);
		if (waitid(P_ALL, 0, &si, WEXITED | WNOWAIT) < 0) {
			if (errno == EINTR) continue;
			return;   /* ECHILD: all done */
		}
		pid_t pid = si.si_pid;
		int id = -1;
		for (int i = 0; i < n; i++)
			if (pids[i] == pid) id = i;
		proto_end m = { id, pid, pid, 0, 0, 0, -1, 0 };
		task_stats(pid, pid, &m.cpu_ns, &m.wait_ns, &m.last_cpu);
		if (waitpid(pid, &m.status, 0) < 0) continue;
		m.at = loop_now_ns();
		(void)proto_write_end(R->ctl, &m);
		if (id == 0 && R->spec->kind == RUN_COMMAND) stop_left_later();
	}
}

/* Tasks (processes and threads) the real user has now, for RLIMIT_NPROC. */
static long user_tasks(void)
{
	DIR *d = opendir("/proc");
	if (!d) return -1;
	long n = 0;
	uid_t uid = getuid();
	struct dirent *de;
	while ((de = readdir(d))) {
		char *end, buf[512];
		long pid = strtol(de->d_name, &end, 10);
		long long threads;
		struct stat st;
		char path[64];
		snprintf(path, sizeof path, "/proc/%ld", pid);
		if (*end || pid <= 0 || stat(path, &st) < 0 || st.st_uid != uid) continue;
		if (procfs_stat((pid_t)pid, 0, buf, sizeof buf) && procfs_stat_field(buf, PROCFS_NUM_THREADS, &threads) == 0)
			n += threads;
	}
	closedir(d);
	return n;
}

/* No core files, no file bigger than 1 GiB, for every worker; and a
 * backstop for the run's task limit the screen enforces (a fork bomb can
 * starve the screen): RLIMIT_NPROC at the user's tasks now plus the limit.
 * The kernel never holds root to it; a pids cgroup, where one is writable
 * (cgroup.c), binds root too. */
static void set_limits(void)
{
	struct rlimit rl = { 0, 0 };
	setrlimit(RLIMIT_CORE, &rl);   /* a crashing worker leaves no core file */
	rl.rlim_cur = rl.rlim_max = 1UL << 30;
	setrlimit(RLIMIT_FSIZE, &rl);  /* a worker cannot fill the disk */
	long now = getuid() ? user_tasks() : -1;
	if (now >= 0 && getrlimit(RLIMIT_NPROC, &rl) == 0) {
		rlim_t want = (rlim_t)(now + run_task_limit(R->spec->max_tasks) + 16);
		if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > want) {
			rl.rlim_cur = want;
			setrlimit(RLIMIT_NPROC, &rl);
		}
	}
}

/* Leaves the screen's signal setup behind: own process group, limits, a
 * death signal with the screen, orphans adopted, stdout and stderr to the
 * message pipe. */
static void runner_setup(void)
{
	for (int s = 1; s < NSIG; s++) signal(s, SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	runner_guard();   /* the screen's death takes the run down (kill -9 too) */
	prctl(PR_SET_NAME, "parlab-runner");
	set_limits();
	(void)run_cgroup_enter(run_task_limit(R->spec->max_tasks) + RUN_CGROUP_SLACK);   /* -1: none, as before */
	int devnull = open("/dev/null", O_RDWR);
	if (devnull >= 0) { dup2(devnull, 0); close(devnull); }
	dup2(R->msg, 1);
	dup2(R->msg, 2);
}

void run_report_preparing(const char *what)
{
	if (R) (void)proto_write_preparing(R->ctl, what);   /* the screen gone: nothing to tell */
}

/* Enters the run's folder and lets the lesson prepare (files, data, the
 * Python to use); on failure, says why and exits as "not run". */
static void runner_prepare(void)
{
	if (R->spec->cwd && chdir(R->spec->cwd) < 0) {
		printf("parlab: cannot enter %s: %s\n", R->spec->cwd, strerror(errno));
		fflush(stdout);
		_exit(RUNNER_NOT_RUN);
	}
	R->argv = R->spec->argv;
	if (R->spec->prepare && R->spec->prepare(R->spec->ctx, &R->argv, 1, 2) != 0) {
		fflush(NULL);
		_exit(RUNNER_NOT_RUN);
	}
	fflush(NULL);
}

/* Worker id could not start (err, an errno value): an "N" line, so that the
 * screen reports the run as failed, not finished; no later one starts. */
static void not_started(int id, int err)
{
	fflush(stdout);   /* the message line first */
	proto_not_started m = { id, err };
	(void)proto_write_not_started(R->ctl, &m);
}

/* n worker threads in this process; returns once every started one has. */
static void start_threads(int n)
{
	pthread_t *th = xcalloc((size_t)n, sizeof *th);
	int started = 0;
	catch_thread_crashes();
	for (int i = 0; i < n; i++) {
		int rc = pthread_create(&th[i], NULL, thread_main, (void *)(intptr_t)i);
		if (rc != 0) {   /* pthread_create returns its error; errno is not set */
			printf("parlab: could not start thread %d: %s\n", i, strerror(rc));
			not_started(i, rc);
			break;
		}
		started++;
	}
	for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
	free(th);
}

/* n worker processes (or the command), their pids into pids. */
static void start_processes(pid_t *pids, int n)
{
	for (int i = 0; i < n; i++) {
		pids[i] = spawn_process(i);
		if (pids[i] < 0) {
			int err = errno;
			printf("parlab: could not start worker %d: %s\n", i, strerror(err));
			not_started(i, err);
			break;
		}
		close(R->outs[i]);   /* the worker's now: EOF when it is done */
		close(R->errs[i]);
	}
}

/* The runner's life, in order (see the top of this file). */
void runner_main(runner_ctx *ctx)
{
	R = ctx;
	runner_setup();
	runner_prepare();
	/* Ready: the screen arms capture now, so that what prepare ran (Python
	 * probes) is not traced and every worker is. */
	(void)proto_write_ready(R->ctl);
	int64_t zero = 0;   /* the run's time 0, as the screen's trace has it */
	ssize_t got;
	while ((got = read(R->go, &zero, sizeof zero)) < 0 && errno == EINTR) {}
	close(R->go);
	R->start_ns = got == (ssize_t)sizeof zero && zero > 0 ? zero : loop_now_ns();

	int n = R->spec->kind == RUN_COMMAND ? 1 : R->n;
	pid_t *pids = xcalloc((size_t)n, sizeof *pids);
	if (R->spec->kind == RUN_THREADS) start_threads(n);
	else start_processes(pids, n);
	fflush(NULL);
	reap_children(pids, n);
	free(pids);
	run_cgroup_remove_own();   /* every child reaped: it is empty */
	_exit(0);
}
