/*
 * procfs: reading /proc/<pid>/stat and schedstat lines, the one place that
 * walks their fields. A stat line is "pid (comm) state ppid pgrp ...": the
 * comm may hold spaces and parentheses, so the fields after it are found
 * from the LAST ')'. Field numbers are proc(5)'s, from 1. A schedstat line
 * is "run_ns wait_ns timeslices": time on a CPU, time waiting for one, and
 * how many times it got one. /proc/stat's "cpuN" lines are each CPU's
 * time since boot in USER_HZ ticks, by kind.
 */
#ifndef PARLAB_PROCFS_H
#define PARLAB_PROCFS_H
#include <stddef.h>
#include <sys/types.h>

/* The fields parlab reads, numbered as in proc(5). */
enum {
	PROCFS_PID = 1,
	PROCFS_COMM = 2,          /* text: procfs_stat_comm */
	PROCFS_STATE = 3,         /* a letter: its character code */
	PROCFS_PPID = 4,
	PROCFS_PGRP = 5,
	PROCFS_NUM_THREADS = 20,
	PROCFS_PROCESSOR = 39,    /* the CPU it last ran on */
};

/* Reads /proc/<pid>/task/<tid>/stat (tid <= 0: /proc/<pid>/stat) into buf
 * and returns buf, the whole line; NULL when the task is gone or it is no
 * stat line. */
char *procfs_stat(pid_t pid, pid_t tid, char *buf, size_t cap);

/* Reads several fields of a stat line in one pass: fields ascending (not
 * PROCFS_COMM), each value into out. Returns how many were found, in order
 * (a short line has fewer fields: the rest of out is untouched), or -1 when
 * the line has no "(comm)", the fields are not ascending, or a field asked
 * for is no integer (that fits a long long). */
int procfs_stat_fields(const char *line, const int *fields, long long *out, int n);
/* One field: 0, or -1 (missing or malformed). */
int procfs_stat_field(const char *line, int field, long long *out);
/* The comm (between the first '(' and the last ')'), cut to fit cap bytes
 * with its NUL: 0, or -1 when there is none. */
int procfs_stat_comm(const char *line, char *buf, size_t cap);

/* Splits a schedstat line: 0, or -1 (outputs untouched) when it does not
 * start with three non-negative integers one space apart (what follows a
 * space after them is ignored). slices may be NULL. */
int procfs_schedstat_parse(const char *line, long long *run_ns, long long *wait_ns, long long *slices);
/* Reads /proc/<pid>/task/<tid>/schedstat (tid <= 0: /proc/<pid>/schedstat)
 * into its totals: 0, or -1 (outputs untouched) when the task is gone or
 * the line is malformed. */
int procfs_schedstat(pid_t pid, pid_t tid, long long *run_ns, long long *wait_ns);

/* One CPU's counters from /proc/stat, in nanoseconds since boot: busy is
 * user+nice+system+irq+softirq+steal (guest time is already in user), idle
 * is idle+iowait. */
typedef struct {
	int cpu;
	long long busy_ns, steal_ns, idle_ns;
} procfs_cpu_time;

/* Reads the "cpuN" lines of a /proc/stat text (not the "cpu" total) into
 * out, at most cap of them, converting ticks at hz a second. Returns how
 * many, or -1 when a cpuN line is malformed (fewer than 4 numbers). */
int procfs_cpu_times_parse(const char *text, long hz, procfs_cpu_time *out, int cap);
/* The same from the real /proc/stat, ticks at sysconf(_SC_CLK_TCK): how
 * many, or -1 when it cannot be read. */
int procfs_cpu_times(procfs_cpu_time *out, int cap);

#endif
