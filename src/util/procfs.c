/*
 * procfs.c: /proc/<pid>/stat and schedstat, read and split into their
 * fields, and /proc/stat's per-CPU times (procfs.h).
 */
#include "util/procfs.h"
#include "util/xmalloc.h"

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

/* Ticks to ns without overflow for any tick count a machine reaches. */
static long long procfs_ticks_ns(unsigned long long ticks, long hz)
{
	return (long long)(ticks / (unsigned long long)hz * 1000000000ULL +
			   ticks % (unsigned long long)hz * 1000000000ULL / (unsigned long long)hz);
}

/* One "cpuN v1 v2 ..." line (p after "cpu"); 0, or -1 when malformed. */
static int procfs_cpu_line(const char *p, long hz, procfs_cpu_time *out)
{
	char *end;
	errno = 0;
	long cpu = strtol(p, &end, 10);
	if (end == p || errno || cpu < 0 || cpu > 1 << 20 || *end != ' ') return -1;
	unsigned long long v[8] = { 0 };   /* user nice system idle iowait irq softirq steal */
	int n = 0;
	for (p = end; n < 8; n++) {
		while (*p == ' ') p++;
		if (*p < '0' || *p > '9') break;
		errno = 0;
		v[n] = strtoull(p, &end, 10);
		if (errno) return -1;
		p = end;
	}
	if (n < 4) return -1;
	out->cpu = (int)cpu;
	out->busy_ns = procfs_ticks_ns(v[0] + v[1] + v[2] + v[5] + v[6] + v[7], hz);
	out->steal_ns = procfs_ticks_ns(v[7], hz);
	out->idle_ns = procfs_ticks_ns(v[3] + v[4], hz);
	return 0;
}

int procfs_cpu_times_parse(const char *text, long hz, procfs_cpu_time *out, int cap)
{
	int n = 0;
	if (hz <= 0) return -1;
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, "cpu", 3) || p[3] < '0' || p[3] > '9') continue;
		procfs_cpu_time c;
		if (procfs_cpu_line(p + 3, hz, &c) < 0) return -1;
		if (n < cap) out[n++] = c;
	}
	return n;
}

int procfs_cpu_times(procfs_cpu_time *out, int cap)
{
	int fd = open("/proc/stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0) return -1;
	size_t len = 0, size = 0;
	char *buf = NULL;
	ssize_t n;
	do {   /* the whole file: its interrupt lines grow with the machine */
		buf = xgrow(buf, &size, len + 8192, 1);
		n = read(fd, buf + len, size - len - 1);
		if (n > 0) len += (size_t)n;
	} while (n > 0 || (n < 0 && errno == EINTR));
	close(fd);
	buf[len] = '\0';
	int rc = len ? procfs_cpu_times_parse(buf, sysconf(_SC_CLK_TCK), out, cap) : -1;
	free(buf);
	return rc;
}
