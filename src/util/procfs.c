/*
 * procfs.c: /proc/<pid>/stat, read and split into its fields (procfs.h).
 */
#include "util/procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *procfs_stat(pid_t pid, pid_t tid, char *buf, size_t cap)
{
	char path[64];
	if (tid > 0) snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	else snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return NULL;
	ssize_t n = read(fd, buf, cap - 1);
	close(fd);
	if (n <= 0) return NULL;
	buf[n] = '\0';
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
