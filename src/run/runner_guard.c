/*
 * runner_guard.c: when the screen process dies (kill -9 included), the
 * runner takes the whole run down with it. The kernel tells the runner
 * (PR_SET_PDEATHSIG, SIGUSR2); its handler kills every process of the
 * run's group and every child it has, reaps them, and again, since the
 * runner is a child subreaper and a killed process's children come to it,
 * until none is left; then the runner exits. Daemons that left the group
 * (setsid) are still the runner's descendants, so they come to it too.
 * Everything here is async-signal-safe: raw syscalls, no allocation.
 */
#include "run/runner.h"
#include "run/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The ppid and pgrp of pid, from /proc/PID/stat; -1 when gone. */
static int stat_of(long pid, long *ppid, long *pgrp)
{
	char path[40], buf[512];
	int n = 0;
	char digits[24];
	long v = pid;
	do digits[n++] = (char)('0' + v % 10); while ((v /= 10) && n < 20);
	const char pre[] = "/proc/", post[] = "/stat";
	int o = 0;
	for (const char *p = pre; *p; p++) path[o++] = *p;
	while (n) path[o++] = digits[--n];
	for (const char *p = post; *p; p++) path[o++] = *p;
	path[o] = '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return -1;
	ssize_t got = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (got <= 0) return -1;
	buf[got] = '\0';
	char *p = NULL;
	for (char *q = buf; *q; q++) if (*q == ')') p = q;   /* comm may hold ") " */
	if (!p) return -1;
	/* ") S PPID PGRP": state, then the two numbers */
	long f[2] = { 0, 0 };
	p += 2;
	while (*p && *p != ' ') p++;
	for (int k = 0; k < 2; k++) {
		while (*p == ' ') p++;
		int neg = *p == '-';
		if (neg) p++;
		while (*p >= '0' && *p <= '9') f[k] = f[k] * 10 + (*p++ - '0');
		if (neg) f[k] = -f[k];
	}
	*ppid = f[0];
	*pgrp = f[1];
	return 0;
}

/* One pass over /proc: SIGKILL to the run's group (not us) and our children. */
static void kill_run(pid_t self, pid_t group)
{
	int dir = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0) return;
	char buf[4096];
	long n;
	while ((n = syscall(SYS_getdents64, dir, buf, sizeof buf)) > 0) {
		for (long off = 0; off < n;) {
			struct { unsigned long long ino; long long off; unsigned short reclen; unsigned char type; char name[]; } *d =
				(void *)(buf + off);
			off += d->reclen;
			long pid = 0;
			const char *s = d->name;
			if (*s < '1' || *s > '9') continue;
			while (*s >= '0' && *s <= '9') pid = pid * 10 + (*s++ - '0');
			if (*s || pid == self) continue;
			long ppid, pgrp;
			if (stat_of(pid, &ppid, &pgrp) == 0 && (ppid == self || pgrp == group)) kill((pid_t)pid, SIGKILL);
		}
	}
	close(dir);
}

static void on_screen_gone(int sig)
{
	(void)sig;
	pid_t self = getpid(), group = getpgrp();
	run_cgroup_leave_and_kill();   /* the run's cgroup, if any: everything in it */
	for (int round = 0; round < 200; round++) {   /* about a second at most */
		run_cgroup_kill();
		kill_run(self, group);
		int st;
		pid_t pid;
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {}
		if (pid < 0 && errno == ECHILD) break;
		struct timespec ts = { 0, 5000000 };
		nanosleep(&ts, NULL);
	}
	run_cgroup_remove_own();
	_exit(RUNNER_NOT_RUN);
}

void runner_kill_all(void)
{
	kill_run(getpid(), getpgrp());
}

void runner_guard(void)
{
	struct sigaction sa;
	sa.sa_handler = on_screen_gone;
	sigfillset(&sa.sa_mask);   /* nothing else runs in its middle */
	sa.sa_flags = 0;
	sigaction(RUNNER_GUARD_SIG, &sa, NULL);
	prctl(PR_SET_PDEATHSIG, RUNNER_GUARD_SIG);
	if (getppid() == 1) on_screen_gone(RUNNER_GUARD_SIG);   /* gone already, before the prctl */
}
