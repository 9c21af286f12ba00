/*
 * cgroup.c: the run's pids cgroup. The screen counts the tasks a run starts
 * and stops it past the lesson's limit; RLIMIT_NPROC backs that for users
 * other than root, but the kernel never holds root to it, so as root a fork
 * bomb fast enough could starve the screen before it acts. Where a pids
 * cgroup is available and writable, the runner makes one for the run,
 * parlab-run-PID (its own pid), with pids.max = the limit plus
 * RUN_CGROUP_SLACK, and moves itself in before any worker exists: the
 * kernel then refuses forks past it (EAGAIN, the program's business) for
 * root too, while the screen still sees the limit passed and stops the run
 * with its usual words.
 *
 * Where: cgroup v2, if "pids" is in cgroup.subtree_control of the caller's
 * own cgroup (the hierarchy's root, as in a container) or of its parent (a
 * delegated subtree, as systemd gives a user: the run's cgroup is a
 * sibling of the caller's); else cgroup v1's pids hierarchy, in the
 * caller's own pids cgroup (writable by root). Whatever fails (not
 * mounted, not writable: the usual unprivileged case) leaves things as
 * they were.
 *
 * The end: the runner, once every child is reaped, moves back into the
 * cgroup it came from and removes the run's (runner.c); when the screen
 * has killed the runner, the screen removes it after reaping the rest
 * (run.c); when the screen was killed, the runner's guard does
 * (runner_guard.c); one left by a parlab killed with its runner is removed
 * by the next run's sweep. rmdir fails with EBUSY while a process is
 * inside: what is left is killed first (cgroup.kill on v2 where the kernel
 * has it, else each pid in cgroup.procs).
 */
#include "run/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/procfs.h"

#define CG_PATH 1024
#define CG_NAME "parlab-run-"

typedef struct {
	char dir[CG_PATH];    /* where parlab-run-PID cgroups are made */
	char home[CG_PATH];   /* the caller's own cgroup in that hierarchy */
	int v2;
} cg_base;

/* The runner's cgroup, once entered (read by the guard: static strings). */
static char run_dir[CG_PATH + 32];
static char home_dir[CG_PATH + 16];
static int run_v2;

/* A mount point from /proc/self/mounts, its octal escapes (\040) undone. */
static void unescape(char *s)
{
	char *o = s;
	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
			*o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else *o++ = *p;
	}
	*o = '\0';
}

/* Whether word is one of the list's items (separated by commas or spaces). */
static int has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; (p = strstr(p, word)); p += n) {
		int start = p == list || p[-1] == ',' || p[-1] == ' ';
		int end = p[n] == '\0' || p[n] == ',' || p[n] == ' ' || p[n] == '\n';
		if (start && end) return 1;
	}
	return 0;
}

/* The first line of dir/file into buf ("" when unreadable). */
static void read_small(const char *dir, const char *file, char *buf, size_t cap)
{
	char path[CG_PATH + 64];
	buf[0] = '\0';
	if (snprintf(path, sizeof path, "%s/%s", dir, file) >= (int)sizeof path) return;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return;
	ssize_t got = read(fd, buf, cap - 1);
	close(fd);
	buf[got > 0 ? got : 0] = '\0';
}

/* Writes text into dir/file (the path made without snprintf: the guard
 * calls it); 0 or -1. */
static int write_file(const char *dir, const char *file, const char *text)
{
	char path[CG_PATH + 64];
	size_t d = strlen(dir), f = strlen(file), t = strlen(text);
	if (d + f + 2 > sizeof path) return -1;
	memcpy(path, dir, d);
	path[d] = '/';
	memcpy(path + d + 1, file, f + 1);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) return -1;
	ssize_t put = write(fd, text, t);
	close(fd);
	return put == (ssize_t)t ? 0 : -1;
}

/* n in decimal into buf (at least 24 bytes), signal-safe. */
static void decimal(long n, char *buf)
{
	char d[24];
	int k = 0;
	if (n < 0) n = 0;
	do d[k++] = (char)('0' + n % 10); while ((n /= 10) && k < 20);
	int o = 0;
	while (k) buf[o++] = d[--k];
	buf[o++] = '\n';
	buf[o] = '\0';
}

/* The candidates, in order of preference; returns how many (at most 3). */
static int find_bases(cg_base *out)
{
	char v2_mnt[CG_PATH] = "", v1_mnt[CG_PATH] = "", v2_path[CG_PATH] = "", v1_path[CG_PATH] = "";
	char line[4096];
	FILE *f = fopen("/proc/self/mounts", "re");
	if (!f) return 0;
	while (fgets(line, sizeof line, f)) {
		char dev[256], mnt[CG_PATH], type[64], opts[1024];
		if (sscanf(line, "%255s %1023s %63s %1023s", dev, mnt, type, opts) != 4) continue;
		unescape(mnt);
		if (!strcmp(type, "cgroup2") && !v2_mnt[0]) snprintf(v2_mnt, sizeof v2_mnt, "%s", mnt);
		if (!strcmp(type, "cgroup") && has_word(opts, "pids") && !v1_mnt[0]) snprintf(v1_mnt, sizeof v1_mnt, "%s", mnt);
	}
	fclose(f);
	f = fopen("/proc/self/cgroup", "re");
	if (!f) return 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2) continue;
		*c2 = '\0';
		if (!strcmp(line, "0:")) snprintf(v2_path, sizeof v2_path, "%s", c2 + 1);
		else if (has_word(c1 + 1, "pids")) snprintf(v1_path, sizeof v1_path, "%s", c2 + 1);
	}
	fclose(f);
	int n = 0;
	if (v2_mnt[0] && v2_path[0] && strlen(v2_mnt) + strlen(v2_path) < CG_PATH) {
		char own[CG_PATH];
		if (snprintf(own, sizeof own, "%s%s", v2_mnt, strcmp(v2_path, "/") ? v2_path : "") >= (int)sizeof own) return 0;
		cg_base *b = &out[n++];
		snprintf(b->dir, sizeof b->dir, "%s", own);
		snprintf(b->home, sizeof b->home, "%s", own);
		b->v2 = 1;
		char *slash = strrchr(own, '/');
		if (strcmp(v2_path, "/") && slash && (size_t)(slash - own) >= strlen(v2_mnt)) {   /* its parent */
			*slash = '\0';
			b = &out[n++];
			snprintf(b->dir, sizeof b->dir, "%s", own);
			snprintf(b->home, sizeof b->home, "%s", out[0].home);
			b->v2 = 1;
		}
	}
	if (v1_mnt[0] && v1_path[0] && strlen(v1_mnt) + strlen(v1_path) < CG_PATH) {
		cg_base *b = &out[n++];
		if (snprintf(b->dir, sizeof b->dir, "%s%s", v1_mnt, strcmp(v1_path, "/") ? v1_path : "") >= (int)sizeof b->dir)
			return n - 1;
		snprintf(b->home, sizeof b->home, "%s", b->dir);
		b->v2 = 0;
	}
	return n;
}

/* SIGKILL to every process in the cgroup at dir but the caller:
 * cgroup.kill where v2 has it (atomic, forks in flight too), else each pid
 * of cgroup.procs. Signal-safe (the guard calls it). Returns 1 when it
 * found any. */
static int kill_in(const char *dir, int v2)
{
	if (v2 && write_file(dir, "cgroup.kill", "1\n") == 0) return 1;
	char path[CG_PATH + 64];
	size_t d = strlen(dir);
	if (d + 14 > sizeof path) return 0;
	memcpy(path, dir, d);
	memcpy(path + d, "/cgroup.procs", 14);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return 0;
	char buf[4096];
	long pid = 0;
	int any = 0, digits = 0;
	ssize_t got;
	pid_t self = getpid();
	while ((got = read(fd, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < got; i++) {
			if (buf[i] >= '0' && buf[i] <= '9') { pid = pid * 10 + (buf[i] - '0'); digits = 1; continue; }
			if (digits && pid > 0 && pid != self) { kill((pid_t)pid, SIGKILL); any = 1; }
			pid = 0;
			digits = 0;
		}
	}
	if (digits && pid > 0 && pid != self) { kill((pid_t)pid, SIGKILL); any = 1; }
	close(fd);
	return any;
}

/* Removes the cgroup at dir, killing what is inside first; bounded (about
 * half a second) so that a task stuck in the kernel cannot hang parlab.
 * A killed process leaves the cgroup as it dies (a zombie no longer holds
 * it), so no reaping is needed here. */
static void destroy(const char *dir, int v2)
{
	for (int round = 0; round < 250; round++) {
		if (rmdir(dir) == 0 || errno == ENOENT) return;
		if (errno != EBUSY) return;   /* not ours to remove */
		kill_in(dir, v2);
		struct timespec ts = { 0, 2000000 };
		nanosleep(&ts, NULL);
	}
}

/* Whether pid is a live runner (its cgroup in use). */
static int runner_alive(long pid)
{
	char buf[512], comm[32];
	return procfs_stat((pid_t)pid, 0, buf, sizeof buf) && procfs_stat_comm(buf, comm, sizeof comm) == 0 &&
	       !strcmp(comm, "parlab-runner");
}

void run_cgroup_sweep(void)
{
	cg_base b[3];
	int n = find_bases(b);
	for (int i = 0; i < n; i++) {
		if (access(b[i].dir, W_OK) < 0) continue;   /* none of ours can be there */
		DIR *d = opendir(b[i].dir);
		if (!d) continue;
		struct dirent *de;
		while ((de = readdir(d))) {
			long pid = 0;
			int end = 0;
			if (strncmp(de->d_name, CG_NAME, strlen(CG_NAME))) continue;
			if (sscanf(de->d_name, CG_NAME "%ld%n", &pid, &end) != 1 || de->d_name[end] || pid <= 0) continue;
			if (runner_alive(pid)) continue;
			char path[CG_PATH + 300];
			if (snprintf(path, sizeof path, "%s/%s", b[i].dir, de->d_name) >= (int)sizeof path) continue;
			destroy(path, b[i].v2);
		}
		closedir(d);
	}
}

void run_cgroup_remove(pid_t runner)
{
	cg_base b[3];
	int n = find_bases(b);
	for (int i = 0; i < n; i++) {
		char path[CG_PATH + 32];
		if (snprintf(path, sizeof path, "%s/" CG_NAME "%ld", b[i].dir, (long)runner) >= (int)sizeof path) continue;
		destroy(path, b[i].v2);
	}
}

int run_cgroup_enter(long max_pids)
{
	cg_base b[3];
	int n = find_bases(b);
	char buf[4096], num[24];
	for (int i = 0; i < n; i++) {
		if (b[i].v2) {   /* a child here has a pids.max only if so */
			read_small(b[i].dir, "cgroup.subtree_control", buf, sizeof buf);
			if (!has_word(buf, "pids")) continue;
		}
		if (access(b[i].dir, W_OK) < 0) continue;
		char path[CG_PATH + 32];
		if (snprintf(path, sizeof path, "%s/" CG_NAME "%ld", b[i].dir, (long)getpid()) >= (int)sizeof path) continue;
		destroy(path, b[i].v2);   /* a stale one of a runner that had our pid */
		if (mkdir(path, 0755) < 0) continue;
		decimal(max_pids, num);
		decimal(getpid(), buf);
		if (write_file(path, "pids.max", num) < 0 || write_file(path, "cgroup.procs", buf) < 0) {
			rmdir(path);
			continue;
		}
		snprintf(run_dir, sizeof run_dir, "%s", path);
		snprintf(home_dir, sizeof home_dir, "%s", b[i].home);
		run_v2 = b[i].v2;
		return 0;
	}
	return -1;
}

/* The runner back into the cgroup it came from. */
static void leave(void)
{
	char num[24];
	decimal(getpid(), num);
	(void)write_file(home_dir, "cgroup.procs", num);
}

void run_cgroup_leave_and_kill(void)
{
	if (!run_dir[0]) return;
	leave();
	kill_in(run_dir, run_v2);
}

void run_cgroup_kill(void)
{
	if (run_dir[0]) kill_in(run_dir, run_v2);
}

void run_cgroup_remove_own(void)
{
	if (!run_dir[0]) return;
	leave();
	destroy(run_dir, run_v2);
	run_dir[0] = '\0';
}
