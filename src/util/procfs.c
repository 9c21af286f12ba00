/*
 * procfs.c: /proc/<pid>/stat and schedstat, read and split into their
 * fields (procfs.h).
 */
#include "util/procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reads a task's /proc file (name: "stat", "schedstat") into buf, NUL
 * ended; NULL when the task is gone. */
static char *procfs_read(pid_t pid, pid_t tid, const char *name, char *buf, size_t cap)
{
	char path[64];
	if (tid > 0) snprintf(path, sizeof path, "/proc/%d/task/%d/%s", (int)pid, (int)tid, name);
	else snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return NULL;
	ssize_t n = read(fd, buf, cap - 1);
	close(fd);
	if (n <= 0) return NULL;
	buf[n] = '\0';
	return buf;
}

char *procfs_stat(pid_t pid, pid_t tid, char *buf, size_t cap)
{
	if (!procfs_read(pid, tid, "stat", buf, cap)) return NULL;
	return strchr(buf, '(') && strrchr(buf, ')') ? buf : NULL;
}

/* The integer at p, which must end at a space or the line's end. */
static int procfs_int(const char *p, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(p, &end, 10);
	if (end == p || errno == ERANGE || (*end && *end != ' ' && *end != '\n')) return -1;
	*out = v;
	return 0;
}

int procfs_stat_fields(const char *line, const int *fields, long long *out, int n)
{
	const char *open = strchr(line, '('), *close = strrchr(line, ')');
	if (!open || !close || close < open) return -1;
	int got = 0;
	if (got < n && fields[got] == PROCFS_PID) {
		if (procfs_int(line, &out[got]) < 0) return -1;
		got++;
	}
	const char *p = close + 1;
	for (int field = PROCFS_STATE; got < n; field++) {
		if (fields[got] < field) return -1;   /* not ascending, or the comm */
		while (*p == ' ') p++;
		if (!*p || *p == '\n') break;          /* a shorter line (older kernel) */
		if (field == fields[got]) {
			if (field == PROCFS_STATE) out[got] = (unsigned char)*p;
			else if (procfs_int(p, &out[got]) < 0) return -1;
			got++;
		}
		while (*p && *p != ' ' && *p != '\n') p++;
	}
	return got;
}

int procfs_stat_field(const char *line, int field, long long *out)
{
	return procfs_stat_fields(line, &field, out, 1) == 1 ? 0 : -1;
}

int procfs_schedstat_parse(const char *line, long long *run_ns, long long *wait_ns, long long *slices)
{
	long long v[3];
	const char *p = line;
	for (int i = 0; i < 3; i++) {
		if (i > 0 && *p++ != ' ') return -1;
		if (*p < '0' || *p > '9') return -1;   /* no sign, no space, not empty */
		if (procfs_int(p, &v[i]) < 0) return -1;
		while (*p >= '0' && *p <= '9') p++;
	}
	*run_ns = v[0];
	*wait_ns = v[1];
	if (slices) *slices = v[2];
	return 0;
}

int procfs_schedstat(pid_t pid, pid_t tid, long long *run_ns, long long *wait_ns)
{
	char buf[128];
	if (!procfs_read(pid, tid, "schedstat", buf, sizeof buf)) return -1;
	return procfs_schedstat_parse(buf, run_ns, wait_ns, NULL);
}

int procfs_stat_comm(const char *line, char *buf, size_t cap)
{
	const char *open = strchr(line, '('), *close = strrchr(line, ')');
	if (!open || !close || close < open || !cap) return -1;
	size_t n = (size_t)(close - open - 1);
	if (n >= cap) n = cap - 1;
	memcpy(buf, open + 1, n);
	buf[n] = '\0';
	return 0;
}
