/*
 * trace_stats: the numbers behind a run, as a pure function of its trace.
 * Wall time, per task CPU / wait / sleep time, context switches and
 * migrations, how many tasks were running at once over time (parallelism),
 * and how busy each CPU was. The TUI's stats panel, the replay's info pane
 * and the batch transcript all print these.
 *
 * Sources: time-resolved figures (parallelism, per-CPU busy time, sleep)
 * come from the state slices. Per-task totals come from the kernel's
 * counters in trace_task when they are known and the whole trace is
 * asked for; otherwise they are counted from the slices, which a sampling
 * capture makes a lower bound (a switch inside one sample is not seen).
 * What other programs did comes from the CPUs' own counters sampled during
 * the run (trace_cpu_sample): a CPU's busy time by them less the run's
 * own running slices on it. They tick at 10 ms (USER_HZ), so over a short
 * run the figure is rough.
 */
#ifndef PARLAB_TRACE_STATS_H
#define PARLAB_TRACE_STATS_H
#include <stdint.h>
#include <stdio.h>
#include "trace/trace.h"

/* trace_task_stats.kernel: which figures are the kernel's own counters. */
enum { TSS_K_CPU = 1, TSS_K_WAIT = 2, TSS_K_SWITCH = 4, TSS_K_MIGR = 8 };

typedef struct {
	int task;             /* index in the trace */
	int64_t cpu_ns;       /* on a CPU */
	int64_t wait_ns;      /* runnable: ready, waiting for a CPU */
	int64_t sleep_ns;     /* sleeping (from the slices) */
	int64_t blocked_ns;   /* uninterruptible, usually I/O (from the slices) */
	int64_t coord_ns;     /* blocked on the run's blocks: a lock, queue, barrier... (its spans) */
	int64_t step_ns;      /* a stepped run: held at step points until let go (its spans) */
	long vol, invol;      /* context switches: gave the CPU up (slept,
			       * blocked) / was preempted (became runnable) */
	long migrations;      /* moved to another CPU */
	unsigned kernel;      /* TSS_K_* */
} trace_task_stats;

typedef struct {
	int64_t until;        /* the instant the figures run up to */
	int64_t wall_ns;      /* 0 .. until: the run's wall-clock time */
	int observed;         /* the capture recorded any state slice */
	int ntasks;
	trace_task_stats *task;   /* ntasks entries, in trace order */
	int ncpu;             /* entries in cpu_busy_ns (at least the trace's ncpu) */
	int64_t *cpu_busy_ns; /* per CPU: time some task of the run ran there */
	int64_t run_ns;       /* running time of all tasks, from the slices */
	int par_max;          /* most tasks running at once (for a while) */
	double par_avg;       /* run_ns / wall_ns: tasks running on average */
	int64_t *par_ns;      /* ntasks + 1 entries: time with exactly k running */
	int workers_max;      /* most of the lesson's workers running at once */
	int64_t cpu_ns, wait_ns;      /* sums over the tasks */
	int64_t coord_ns;             /* the tasks' coord_ns, summed */
	long vol, invol, migrations;  /* sums over the tasks */
	/* Per CPU, from its counters over the span they cover (cpu_span_ns,
	 * 0 .. until at most; 0 and the rest -1 when unknown: no samples): */
	int64_t *cpu_span_ns;   /* the time the counters cover */
	int64_t *cpu_own_ns;    /* the run's own running time within that span */
	int64_t *cpu_other_ns;  /* other programs: busy by the counters less own, 0 ..
				 * span less own (their ticks may say more) */
	int64_t *cpu_steal_ns;  /* of the other programs' time, taken by a VM's host */
	int64_t *cpu_idle_ns;   /* idle (and waiting for I/O) */
	int64_t span_ns;        /* cpu_span_ns summed over the CPUs: CPU time covered */
	int64_t other_ns, steal_ns;   /* sums over the CPUs with counters */
	double other_share;     /* other_ns / span_ns: 0..1, -1 unknown */
	double steal_share;     /* steal_ns / span_ns: 0..1, -1 unknown */
} trace_stats;

/* The counters' tick (USER_HZ 100): their figures move in these steps. */
#define TRACE_STATS_TICK_NS 10000000LL
/* A CPU's counters over less than this span are not read (unknown). */
#define TRACE_STATS_MIN_SPAN_NS (3 * TRACE_STATS_TICK_NS)

/* The whole trace: up to its end (or, while live, its latest record). */
void trace_stats_compute(const trace *t, trace_stats *s);
/* Only what happened before until (a replay's clock): slices are cut
 * there, and the kernel's totals, which include the future, are not used. */
void trace_stats_until(const trace *t, int64_t until, trace_stats *s);
void trace_stats_free(trace_stats *s);

/* ns as a share (0..1) of the wall time; 0 when the wall is 0. */
double trace_stats_share(const trace_stats *s, int64_t ns);

/* A compact plain-text block (for batch transcripts): wall, parallelism
 * and its histogram, per-CPU busy time, per task CPU / wait / switches /
 * migrations. Each line starts with two spaces. */
void trace_stats_print(const trace *t, FILE *out);

/* The run's own running time on CPU cpu within [a, b], from the slices. */
int64_t trace_stats_cpu_own(const trace *t, int cpu, int64_t a, int64_t b);
/* Other programs' time on CPU cpu within [a, b]: the CPU's busy time from
 * its counters (trace_cpu_counters) less the run's own time there, never
 * below 0 nor above the time the run left free. -1 when the counters do not cover [a, b] (no samples); where
 * they cover only part of it, that part. For drawing a CPU lane: divide by
 * the cell's width for the share of it other programs took. */
int64_t trace_stats_cpu_other(const trace *t, int cpu, int64_t a, int64_t b);

/* Other programs took a noticeable share of the CPUs: at least 10 %, and
 * more than the counters' rounding (two ticks a CPU) could make up. */
int trace_stats_other_noticeable(const trace_stats *s);
/* What a run summary says about other programs, into buf: "other programs
 * used 46 % of the CPUs during this run: times can be longer than on a quiet
 * machine", with "(of which the VM's host took 3 %)" where steal is over
 * 1 %. Returns 0 and buf "" when there is nothing to say (unknown, or not
 * noticeable), 1 when it wrote the sentence. */
int trace_stats_other_note(const trace_stats *s, char *buf, size_t cap);

/* Speedup of many over one: wall(one) / wall(many); 0 when either is 0. */
double trace_stats_speedup(const trace *one, const trace *many);

#endif
