/* Unit tests of run statistics on hand-built traces where every number is
 * known: wall, parallelism (max, average, histogram), per-CPU busy time,
 * per-task totals, switches and migrations, kernel counters, a cut at a
 * replay clock, the printed block and the speedup; other programs' time
 * from CPU counter samples (clamped, cut, unknown without samples). */
#include "trace/trace_stats.h"
#include "check.h"
#include <math.h>
#include <stdlib.h>

#define MS 1000000LL

static int near(double a, double b) { return fabs(a - b) < 1e-9; }

/*
 * 2 CPUs, finished at 120 ms. Times in ms:
 *   w0: run cpu0 0-40, wait 40-50, run cpu1 50-80, sleep 80-90, run cpu1 90-100, exit
 *   w1: sleep 0-20, run cpu1 20-50, run cpu0 50-70, I/O 70-80, wait 80-90, run cpu0 90-100
 *   runner: sleep 0-40, run cpu0 40-50, sleep 50-100; kernel counters known
 * Running at once: 0-20 one, 20-70 two, 70-80 one, 80-90 none, 90-100 two,
 * 100-120 none: 0 for 30 ms, 1 for 30 ms, 2 for 60 ms; 150 ms of running.
 */
static trace *sample(void)
{
	trace *t = trace_new("sample", 0);
	trace_set_ncpu(t, 2);
	int a = trace_task_add(t, 11, 11, 10, 0, "w0");
	int b = trace_task_add(t, 12, 12, 10, 1, "w1");
	int r = trace_task_add(t, 10, 10, 1, -1, "runner");
	trace_slice_add(t, a, 0, 40 * MS, TS_RUNNING, 0);
	trace_slice_add(t, a, 40 * MS, 50 * MS, TS_RUNNABLE, -1);
	trace_slice_add(t, a, 50 * MS, 80 * MS, TS_RUNNING, 1);
	trace_slice_add(t, a, 80 * MS, 90 * MS, TS_SLEEPING, -1);
	trace_slice_add(t, a, 90 * MS, 100 * MS, TS_RUNNING, 1);
	trace_task_get(t, a)->died = 100 * MS;
	trace_slice_add(t, b, 0, 20 * MS, TS_SLEEPING, -1);
	trace_slice_add(t, b, 20 * MS, 50 * MS, TS_RUNNING, 1);
	trace_slice_add(t, b, 50 * MS, 70 * MS, TS_RUNNING, 0);
	trace_slice_add(t, b, 70 * MS, 80 * MS, TS_BLOCKED, -1);
	trace_slice_add(t, b, 80 * MS, 90 * MS, TS_RUNNABLE, -1);
	trace_slice_add(t, b, 90 * MS, 100 * MS, TS_RUNNING, 0);
	trace_slice_add(t, r, 0, 40 * MS, TS_SLEEPING, -1);
	trace_slice_add(t, r, 40 * MS, 50 * MS, TS_RUNNING, 0);
	trace_slice_add(t, r, 50 * MS, 100 * MS, TS_SLEEPING, -1);
	trace_task *k = trace_task_get(t, r);
	k->cpu_ns = 12 * MS;
	k->wait_ns = 3 * MS;
	k->nvcsw = 7;
	k->nivcsw = 3;
	k->migrations = 5;
	trace_finish(t, 120 * MS, "finished");
	return t;
}

static void test_whole(void)
{
	trace *t = sample();
	trace_stats s;
	trace_stats_compute(t, &s);
	CHECK(s.observed);
	CHECK(s.wall_ns == 120 * MS);
	CHECK(s.ntasks == 3 && s.ncpu == 2);
	CHECK(s.par_max == 2);
	CHECK(s.par_ns[0] == 30 * MS && s.par_ns[1] == 30 * MS && s.par_ns[2] == 60 * MS);
	CHECK(s.run_ns == 150 * MS);
	CHECK(near(s.par_avg, 1.25));
	CHECK(near(trace_stats_share(&s, s.par_ns[2]), 0.5));
	CHECK(s.cpu_busy_ns[0] == 80 * MS && s.cpu_busy_ns[1] == 70 * MS);

	const trace_task_stats *a = &s.task[0], *b = &s.task[1], *r = &s.task[2];
	CHECK(a->cpu_ns == 80 * MS && a->wait_ns == 10 * MS && a->sleep_ns == 10 * MS && a->blocked_ns == 0);
	CHECK(a->vol == 1 && a->invol == 1 && a->migrations == 1 && a->kernel == 0);
	/* w1: run cpu1 -> run cpu0 is a migration, not a switch */
	CHECK(b->cpu_ns == 60 * MS && b->wait_ns == 10 * MS && b->sleep_ns == 20 * MS && b->blocked_ns == 10 * MS);
	CHECK(b->vol == 1 && b->invol == 0 && b->migrations == 1);
	/* the runner: the kernel's counters */
	CHECK(r->cpu_ns == 12 * MS && r->wait_ns == 3 * MS && r->sleep_ns == 90 * MS);
	CHECK(r->vol == 7 && r->invol == 3 && r->migrations == 5);
	CHECK(r->kernel == (TSS_K_CPU | TSS_K_WAIT | TSS_K_SWITCH | TSS_K_MIGR));
	CHECK(s.cpu_ns == 152 * MS && s.wait_ns == 23 * MS);
	CHECK(s.vol == 9 && s.invol == 4 && s.migrations == 7);
	trace_stats_free(&s);
	trace_free(t);
}

/* A replay clock at 60 ms: slices cut there, kernel totals not used. */
static void test_until(void)
{
	trace *t = sample();
	trace_stats s;
	trace_stats_until(t, 60 * MS, &s);
	CHECK(s.wall_ns == 60 * MS && s.until == 60 * MS);
	CHECK(s.par_max == 2);
	CHECK(s.par_ns[0] == 0 && s.par_ns[1] == 20 * MS && s.par_ns[2] == 40 * MS);
	CHECK(s.run_ns == 100 * MS);
	CHECK(near(s.par_avg, 100.0 / 60.0));
	CHECK(s.cpu_busy_ns[0] == 60 * MS && s.cpu_busy_ns[1] == 40 * MS);
	CHECK(s.task[0].cpu_ns == 50 * MS && s.task[0].invol == 1 && s.task[0].vol == 0 && s.task[0].migrations == 1);
	CHECK(s.task[1].cpu_ns == 40 * MS && s.task[1].vol == 0 && s.task[1].migrations == 1);
	CHECK(s.task[2].cpu_ns == 10 * MS && s.task[2].vol == 1 && s.task[2].migrations == 0 && s.task[2].kernel == 0);
	trace_stats_free(&s);

	trace_stats_until(t, 0, &s);   /* the very start: nothing yet */
	CHECK(s.wall_ns == 0 && s.par_max == 0 && s.run_ns == 0 && near(s.par_avg, 0));
	trace_stats_free(&s);
	trace_free(t);
}

/* Three tasks at once on a 2-CPU machine (sampling can claim that), a
 * running slice with no CPU known, a CPU beyond the trace's count, and a
 * live trace (no end: up to the latest record). */
static void test_edges(void)
{
	trace *t = trace_new("edges", 0);
	trace_set_ncpu(t, 2);
	int x = trace_task_add(t, 1, 1, 0, 0, "a"), y = trace_task_add(t, 2, 2, 0, 1, "b");
	int z = trace_task_add(t, 3, 3, 0, 2, "c");
	trace_slice_add(t, x, 0, 10, TS_RUNNING, 0);
	trace_slice_add(t, y, 5, 10, TS_RUNNING, -1);
	trace_slice_add(t, z, 8, 9, TS_RUNNING, 5);
	trace_slice_add(t, z, 9, 20, TS_RUNNABLE, -1);
	trace_stats s;
	trace_stats_compute(t, &s);
	CHECK(trace_end(t) < 0 && s.wall_ns == 20);
	CHECK(s.par_max == 3);
	CHECK(s.par_ns[0] == 10 && s.par_ns[1] == 5 && s.par_ns[2] == 4 && s.par_ns[3] == 1);
	CHECK(s.run_ns == 16);
	CHECK(s.ncpu == 6 && s.cpu_busy_ns[0] == 10 && s.cpu_busy_ns[1] == 0 && s.cpu_busy_ns[5] == 1);
	CHECK(s.task[2].invol == 1 && s.task[2].wait_ns == 11);
	trace_stats_free(&s);
	trace_free(t);

	t = trace_new("empty", 0);   /* no capture: nothing observed */
	trace_task_add(t, 1, 1, 0, 0, "a");
	trace_finish(t, 5 * MS, "finished");
	trace_stats_compute(t, &s);
	CHECK(!s.observed && s.wall_ns == 5 * MS && s.par_max == 0 && s.par_ns[0] == 5 * MS);
	trace_stats_free(&s);
	trace_free(t);
}

static void add_counters(trace *t);

static void test_print_other(void)
{
	trace *t = sample();
	add_counters(t);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	trace_stats_print(t, f);
	fclose(f);
	CHECK_CONTAINS(buf, "\n  CPU busy: CPU0 80.0ms 67% | CPU1 70.0ms 58%\n");
	CHECK_CONTAINS(buf, "\n  other programs: CPU0 40.0ms 33% | CPU1 20.0ms 17%\n");
	CHECK_CONTAINS(buf, "\n  CPU idle: CPU0 10.0ms 8% | CPU1 30.0ms 25%\n");
	free(buf);
	trace_free(t);
}

static void test_print(void)
{
	trace *t = sample();
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	trace_stats_print(t, f);
	fclose(f);
	CHECK_CONTAINS(buf, "statistics: wall 120.0ms, tasks running at once: 1.25 on average, at most 2");
	CHECK_CONTAINS(buf, "k=0 25% | k=1 25% | k=2 50%");
	CHECK_CONTAINS(buf, "CPU0 80.0ms 67% | CPU1 70.0ms 58%");
	CHECK_CONTAINS(buf, "~1+1");
	CHECK_CONTAINS(buf, "7+3");
	CHECK_CONTAINS(buf, "~ counted from the sampled timeline");
	CHECK(!strstr(buf, "other programs"));   /* unknown: not said */
	char *w0 = strstr(buf, "\n  w0"), *w1 = strstr(buf, "\n  w1"), *rn = strstr(buf, "\n  runner");
	CHECK(w0 && w1 && rn && w0 < w1 && w1 < rn);
	free(buf);
	trace_free(t);

	t = trace_new("none", 0);
	trace_finish(t, 2 * MS, "finished");
	f = open_memstream(&buf, &len);
	trace_stats_print(t, f);
	fclose(f);
	CHECK_CONTAINS(buf, "no scheduling was captured (capture: none)");
	free(buf);
	trace_free(t);
}

static void test_speedup(void)
{
	trace *one = trace_new("one", 0), *many = trace_new("many", 0), *empty = trace_new("empty", 0);
	trace_finish(one, 200 * MS, NULL);
	trace_finish(many, 50 * MS, NULL);
	CHECK(near(trace_stats_speedup(one, many), 4.0));
	CHECK(near(trace_stats_speedup(many, one), 0.25));
	CHECK(near(trace_stats_speedup(one, empty), 0));
	trace_free(one);
	trace_free(many);
	trace_free(empty);
}

/* The sample's CPUs as counted by the kernel: samples at 0, 60 and 120 ms.
 * cpu0: busy +50 by 60 ms (own 60: less, so 0 other), +120 in all (own 80:
 * 40 other, 5 of it steal), idle 10. cpu1: busy +40 by 60 (own 40), +90 in
 * all (own 70: 20 other), idle 30. */
static void add_counters(trace *t)
{
	int64_t base = 1000000 * MS;
	trace_cpu_sample(t, 0, 0, base, 7 * MS, base);
	trace_cpu_sample(t, 0, 1, base, 0, base);
	trace_cpu_sample(t, 60 * MS, 0, base + 50 * MS, 7 * MS, base + 10 * MS);
	trace_cpu_sample(t, 60 * MS, 1, base + 40 * MS, 0, base + 20 * MS);
	trace_cpu_sample(t, 120 * MS, 0, base + 120 * MS, 12 * MS, base + 10 * MS);
	trace_cpu_sample(t, 120 * MS, 1, base + 90 * MS, 0, base + 30 * MS);
}

static void test_other(void)
{
	trace *t = sample();
	trace_stats s;
	char note[200];
	/* no samples: unknown, not 0 */
	trace_stats_compute(t, &s);
	CHECK(s.other_share == -1 && s.steal_share == -1 && s.span_ns == 0);
	CHECK(s.cpu_other_ns[0] == -1 && s.cpu_other_ns[1] == -1 && s.cpu_idle_ns[0] == -1 && s.cpu_span_ns[0] == 0);
	CHECK(!trace_stats_other_noticeable(&s));
	CHECK(trace_stats_other_note(&s, note, sizeof note) == 0 && !note[0]);
	CHECK(trace_stats_cpu_other(t, 0, 0, 120 * MS) == -1);
	trace_stats_free(&s);
	/* a single sample: still unknown */
	trace_cpu_sample(t, 0, 0, 5 * MS, 0, 5 * MS);
	trace_stats_compute(t, &s);
	CHECK(s.other_share == -1 && s.cpu_other_ns[0] == -1);
	trace_stats_free(&s);
	trace_free(t);

	t = sample();
	add_counters(t);
	trace_stats_compute(t, &s);
	CHECK(s.wall_ns == 120 * MS && s.span_ns == 240 * MS);
	CHECK(s.cpu_span_ns[0] == 120 * MS && s.cpu_own_ns[0] == 80 * MS && s.cpu_other_ns[0] == 40 * MS);
	CHECK(s.cpu_steal_ns[0] == 5 * MS && s.cpu_idle_ns[0] == 10 * MS);
	CHECK(s.cpu_own_ns[1] == 70 * MS && s.cpu_other_ns[1] == 20 * MS && s.cpu_idle_ns[1] == 30 * MS);
	CHECK(s.other_ns == 60 * MS && near(s.other_share, 0.25) && near(s.steal_share, 5.0 / 240));
	CHECK(trace_stats_other_noticeable(&s));
	CHECK(trace_stats_other_note(&s, note, sizeof note) == 1);
	CHECK_STR(note, "other programs used 25 % of the CPUs during this run (of which the VM's host took 2 %): "
		  "times can be longer than on a quiet machine");
	trace_stats_free(&s);
	/* a window: [60, 120] on cpu0 is 70 busy by the ticks (more than its
	 * 60 ms), 20 of it the run's (w1): the 40 ms the run left */
	CHECK(trace_stats_cpu_own(t, 0, 60 * MS, 120 * MS) == 20 * MS);
	CHECK(trace_stats_cpu_other(t, 0, 60 * MS, 120 * MS) == 40 * MS);
	CHECK(trace_stats_cpu_other(t, 0, 0, 60 * MS) == 0);   /* 50 busy, 60 own */
	CHECK(trace_stats_cpu_other(t, 0, 30 * MS, 45 * MS) == 0);   /* 12.5 busy, 15 own: clamped */
	/* cut at the last sample: 20 ms at 50 busy in 60, none of it the run's */
	CHECK(llabs(trace_stats_cpu_other(t, 1, 100 * MS, 200 * MS) - 50 * MS / 3) <= 1);
	CHECK(trace_stats_cpu_other(t, 1, 130 * MS, 200 * MS) == -1);
	/* ticks that say more than there was: no more than the time the run left */
	trace_cpu_sample(t, 180 * MS, 1, 1000000 * MS + 250 * MS, 0, 1000000 * MS + 30 * MS);
	CHECK(trace_stats_cpu_other(t, 1, 120 * MS, 180 * MS) == 60 * MS);
	CHECK(trace_stats_cpu_other(t, 1, 90 * MS, 180 * MS) == 90 * MS - 10 * MS);   /* w0 ran 90-100 */
	/* up to 60 ms the counters say less than the run's own time: clamped at 0 */
	trace_stats_until(t, 60 * MS, &s);
	CHECK(s.cpu_span_ns[0] == 60 * MS && s.cpu_own_ns[0] == 60 * MS && s.cpu_other_ns[0] == 0);
	CHECK(s.cpu_own_ns[1] == 40 * MS && s.cpu_other_ns[1] == 0);
	CHECK(s.other_ns == 0 && near(s.other_share, 0) && near(s.steal_share, 0));
	CHECK(!trace_stats_other_noticeable(&s) && trace_stats_other_note(&s, note, sizeof note) == 0);
	trace_stats_free(&s);
	trace_free(t);

	/* 15 % of a 40 ms run on 2 CPUs is 12 ms: less than the ticks' rounding */
	t = trace_new("short", 0);
	trace_set_ncpu(t, 2);
	trace_cpu_sample(t, 0, 0, 0, 0, 0);
	trace_cpu_sample(t, 0, 1, 0, 0, 0);
	trace_cpu_sample(t, 40 * MS, 0, 12 * MS, 0, 28 * MS);
	trace_cpu_sample(t, 40 * MS, 1, 0, 0, 40 * MS);
	trace_finish(t, 40 * MS, "finished: exit 0");
	trace_stats_compute(t, &s);
	CHECK(near(s.other_share, 0.15) && !trace_stats_other_noticeable(&s));
	trace_stats_free(&s);
	trace_free(t);

	/* 20 ms: two ticks at most, no figure at all (a 2 ms run read 0 % other, 0 % idle) */
	t = trace_new("shorter", 0);
	trace_set_ncpu(t, 1);
	trace_cpu_sample(t, 0, 0, 0, 0, 0);
	trace_cpu_sample(t, 20 * MS, 0, 0, 0, 0);
	trace_finish(t, 20 * MS, "finished: exit 0");
	trace_stats_compute(t, &s);
	CHECK(s.other_share == -1 && s.cpu_other_ns[0] == -1 && s.cpu_idle_ns[0] == -1);
	trace_stats_free(&s);
	trace_free(t);
}

int main(void)
{
	test_other();
	test_whole();
	test_until();
	test_edges();
	test_print();
	test_print_other();
	test_speedup();
	return CHECK_DONE();
}
