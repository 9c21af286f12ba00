/*
 * runner.c: the runner process, forked by run_start. Everything here runs
 * outside the screen process, in the run's own process group.
 *
 * It prepares, says "R" (ready), waits for the "go" byte (so that capture
 * can be armed before any * worker exists), prepares, spawns the workers, reports each start and end
 * on the control pipe as one short line (a single write, so lines from
 * threads never interleave), reaps every child including re-parented
 * orphans (it is a child subreaper), and exits when none are left.
 */
#include "run/runner.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/proto.h"
#include "util/loop.h"
#include "util/procfs.h"

static runner_ctx *R;   /* the runner's one context (per runner process) */

/* schedstat totals and last CPU of a task, from /proc; zeros when gone. */
static void task_stats(pid_t pid, pid_t tid, int64_t *cpu, int64_t *wait, int *lastcpu)
{
	char path[64], buf[1024];
	*cpu = *wait = 0;
	*lastcpu = -1;
	snprintf(path, sizeof path, "/proc/%d/task/%d/schedstat", (int)pid, (int)tid);
	FILE *f = fopen(path, "re");
	if (f) {
		if (fscanf(f, "%" SCNd64 " %" SCNd64, cpu, wait) != 2) *cpu = *wait = 0;
		fclose(f);
	}
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
 * readable (a thread before it returns, a zombie not yet reaped). */
static void report_end(int id, pid_t pid, pid_t tid, int status)
{
	proto_end m = { id, pid, tid, status, 0, 0, -1, 0 };
	task_stats(pid, tid, &m.cpu_ns, &m.wait_ns, &m.last_cpu);
	m.at = loop_now_ns();
	(void)proto_write_end(R->ctl, &m);
}

/* Keeps only the fds a worker needs: its two pipes as 1 and 2, and ctl. */
static void worker_fds(int i)
{
	dup2(R->outs[i], 1);
	dup2(R->errs[i], 2);
	for (int k = 0; k < R->n; k++) {
		if (R->outs[k] > 2) close(R->outs[k]);
		if (R->errs[k] > 2) close(R->errs[k]);
	}
}

static int call_work(int i, int out_fd, int err_fd)
{
	run_worker w = { i, R->n, out_fd, err_fd, R->start_ns };
	return R->spec->work(R->spec->ctx, &w);
}

static void *thread_main(void *arg)
{
	int i = (int)(intptr_t)arg;
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

static pid_t spawn_process(int i)
{
	pid_t pid = fork();
	if (pid != 0) return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	report_start(i, getpid(), getpid());
	worker_fds(i);
	if (R->spec->kind == RUN_COMMAND) {
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
	}
}

static void set_limits(void)
{
	struct rlimit rl = { 0, 0 };
	setrlimit(RLIMIT_CORE, &rl);   /* a crashing worker leaves no core file */
	rl.rlim_cur = rl.rlim_max = 1UL << 30;
	setrlimit(RLIMIT_FSIZE, &rl);  /* a worker cannot fill the disk */
}

void runner_main(runner_ctx *ctx)
{
	R = ctx;
	for (int s = 1; s < NSIG; s++) signal(s, SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	prctl(PR_SET_NAME, "parlab-runner");
	set_limits();

	int devnull = open("/dev/null", O_RDWR);
	if (devnull >= 0) { dup2(devnull, 0); close(devnull); }
	dup2(R->msg, 1);
	dup2(R->msg, 2);

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
	/* Ready: the screen arms capture now, so that what prepare ran (Python
	 * probes) is not traced and every worker is. */
	(void)proto_write_ready(R->ctl);
	char b;
	while (read(R->go, &b, 1) < 0 && errno == EINTR) {}
	close(R->go);
	R->start_ns = loop_now_ns();

	int n = R->spec->kind == RUN_COMMAND ? 1 : R->n;
	pid_t *pids = calloc((size_t)n, sizeof *pids);
	if (R->spec->kind == RUN_THREADS) {
		pthread_t *th = calloc((size_t)n, sizeof *th);
		int started = 0;
		for (int i = 0; i < n; i++) {
			if (pthread_create(&th[i], NULL, thread_main, (void *)(intptr_t)i) != 0) {
				printf("parlab: could not start thread %d: %s\n", i, strerror(errno));
				break;
			}
			started++;
		}
		for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
	} else {
		for (int i = 0; i < n; i++) {
			pids[i] = spawn_process(i);
			if (pids[i] < 0) {
				printf("parlab: could not start worker %d: %s\n", i, strerror(errno));
				break;
			}
			close(R->outs[i]);
			close(R->errs[i]);
		}
	}
	fflush(NULL);
	reap_children(pids, n);
	_exit(0);
}
