/*
 * trace_stats.c: run statistics from a trace (see trace_stats.h). One pass
 * over each task's slices gives its totals, switches and migrations and the
 * per-CPU busy time; parallelism is a sweep over the start (+1) and end
 * (-1) of every running slice in time order.
 */
#include "trace/trace_stats.h"
#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	int64_t t;
	int d;   /* +1 a running slice starts, -1 it ends */
} par_ev;

static int ev_cmp(const void *a, const void *b)
{
	const par_ev *x = a, *y = b;
	return x->t < y->t ? -1 : x->t > y->t ? 1 : x->d - y->d;
}

/* One task's totals from its slices cut at until; running slices become
 * parallelism events and per-CPU busy time. */
static void task_slices(const trace *t, int i, int64_t until, trace_stats *s, par_ev *ev, size_t *nev,
			par_ev *wev, size_t *nwev)
{
	trace_task_stats *ts = &s->task[i];
	size_t n;
	const trace_slice *sl = trace_slices(t, i, &n);
	int last_cpu = -1;
	for (size_t j = 0; j < n && sl[j].t0 < until; j++) {
		int64_t a = sl[j].t0 > 0 ? sl[j].t0 : 0, b = sl[j].t1 < until ? sl[j].t1 : until;
		int64_t len = b > a ? b - a : 0;
		if (j > 0 && sl[j - 1].state == TS_RUNNING) {   /* it left the CPU: how? */
			if (sl[j].state == TS_SLEEPING || sl[j].state == TS_BLOCKED) ts->vol++;
			else if (sl[j].state == TS_RUNNABLE) ts->invol++;
		}
		switch (sl[j].state) {
		case TS_RUNNING:
			ts->cpu_ns += len;
			if (sl[j].cpu >= 0) {
				if (last_cpu >= 0 && sl[j].cpu != last_cpu) ts->migrations++;
				last_cpu = sl[j].cpu;
				if (sl[j].cpu < s->ncpu) s->cpu_busy_ns[sl[j].cpu] += len;
			}
			if (len > 0) {
				ev[(*nev)++] = (par_ev){ a, 1 };
				ev[(*nev)++] = (par_ev){ b, -1 };
				if (trace_task_at(t, i)->worker >= 0) {
					wev[(*nwev)++] = (par_ev){ a, 1 };
					wev[(*nwev)++] = (par_ev){ b, -1 };
				}
			}
			s->run_ns += len;
			break;
		case TS_RUNNABLE: ts->wait_ns += len; break;
		case TS_SLEEPING: ts->sleep_ns += len; break;
		case TS_BLOCKED: ts->blocked_ns += len; break;
		default: break;
		}
	}
}

/* The kernel's counters replace the counted ones when they cover the same
 * span as the figures: the whole trace. */
static void task_kernel(const trace_task *k, trace_task_stats *ts)
{
	if (k->cpu_ns > 0) {
		ts->cpu_ns = k->cpu_ns;
		ts->wait_ns = k->wait_ns;
		ts->kernel |= TSS_K_CPU | TSS_K_WAIT;
	}
	if (k->nvcsw >= 0 && k->nivcsw >= 0) {
		ts->vol = k->nvcsw;
		ts->invol = k->nivcsw;
		ts->kernel |= TSS_K_SWITCH;
	}
	if (k->migrations >= 0) {
		ts->migrations = k->migrations;
		ts->kernel |= TSS_K_MIGR;
	}
}

static void other_programs(const trace *t, trace_stats *s);

/* Sizes for the arrays: running slices before until, highest CPU + 1 (of
 * the slices and the CPU samples). */
static size_t count_running(const trace *t, int64_t until, int *ncpu, int *observed)
{
	size_t nrun = 0;
	for (size_t i = 0; i < trace_ncpu_samples(t); i++) {
		int c = trace_cpu_sample_at(t, i)->cpu;
		if (c >= *ncpu && c < 1 << 16) *ncpu = c + 1;
	}
	for (int i = 0; i < trace_ntasks(t); i++) {
		size_t n;
		const trace_slice *sl = trace_slices(t, i, &n);
		if (n) *observed = 1;
		for (size_t j = 0; j < n && sl[j].t0 < until; j++) {
			if (sl[j].state != TS_RUNNING) continue;
			nrun++;
			if (sl[j].cpu >= *ncpu && sl[j].cpu < 1 << 16) *ncpu = sl[j].cpu + 1;
		}
	}
	return nrun;
}

/* Time with k tasks running (par_ns, may be NULL), from the events in
 * time order; returns the most running at once. */
static int sweep(par_ev *ev, size_t n, int64_t until, int cap, int64_t *par_ns)
{
	qsort(ev, n, sizeof *ev, ev_cmp);
	int cur = 0, max = 0;
	int64_t prev = 0;
	for (size_t i = 0; i <= n;) {
		int64_t at = i < n ? ev[i].t : until;
		if (at > prev) {
			int k = cur < 0 ? 0 : cur > cap ? cap : cur;
			if (par_ns) par_ns[k] += at - prev;
			if (k > max) max = k;
			prev = at;
		}
		if (i == n) break;
		while (i < n && ev[i].t == at) cur += ev[i++].d;
	}
	return max;
}

void trace_stats_until(const trace *t, int64_t until, trace_stats *s)
{
	memset(s, 0, sizeof *s);
	if (until < 0) until = 0;
	s->until = s->wall_ns = until;
	s->ntasks = trace_ntasks(t);
	s->ncpu = trace_ncpu(t);
	size_t nrun = count_running(t, until, &s->ncpu, &s->observed);
	s->task = xcalloc((size_t)(s->ntasks ? s->ntasks : 1), sizeof *s->task);
	s->cpu_busy_ns = xcalloc((size_t)s->ncpu, sizeof *s->cpu_busy_ns);
	s->par_ns = xcalloc((size_t)s->ntasks + 1, sizeof *s->par_ns);
	par_ev *ev = xmalloc(sizeof *ev * (2 * nrun + 1)), *wev = xmalloc(sizeof *wev * (2 * nrun + 1));
	size_t nev = 0, nwev = 0;
	int full = until >= trace_last(t);
	for (size_t j = 0; j < trace_nspans(t); j++) {   /* blocked on the run's blocks, held at step points, up to until */
		const trace_span *sp = trace_span_at(t, j);
		int64_t b = sp->t1 >= 0 && sp->t1 < until ? sp->t1 : until;
		if (sp->kind == TRACE_SPAN_HELD || sp->task < 0 || sp->task >= s->ntasks || b <= sp->t0) continue;
		if (sp->kind == TRACE_SPAN_STEP) {   /* held by the schedule, not by another worker */
			s->task[sp->task].step_ns += b - sp->t0;
			continue;
		}
		s->task[sp->task].coord_ns += b - sp->t0;
		s->coord_ns += b - sp->t0;
	}
	for (int i = 0; i < s->ntasks; i++) {
		s->task[i].task = i;
		task_slices(t, i, until, s, ev, &nev, wev, &nwev);
		if (full) task_kernel(trace_task_at(t, i), &s->task[i]);
		s->cpu_ns += s->task[i].cpu_ns;
		s->wait_ns += s->task[i].wait_ns;
		s->vol += s->task[i].vol;
		s->invol += s->task[i].invol;
		s->migrations += s->task[i].migrations;
	}
	s->par_max = sweep(ev, nev, s->until, s->ntasks, s->par_ns);
	s->workers_max = sweep(wev, nwev, s->until, s->ntasks, NULL);
	free(ev);
	free(wev);
	s->par_avg = s->wall_ns > 0 ? (double)s->run_ns / (double)s->wall_ns : 0;
	other_programs(t, s);
}

void trace_stats_compute(const trace *t, trace_stats *s)
{
	trace_stats_until(t, trace_last(t), s);
}

void trace_stats_free(trace_stats *s)
{
	free(s->task);
	free(s->cpu_busy_ns);
	free(s->par_ns);
	free(s->cpu_span_ns);
	free(s->cpu_own_ns);
	free(s->cpu_other_ns);
	free(s->cpu_steal_ns);
	free(s->cpu_idle_ns);
	memset(s, 0, sizeof *s);
}

double trace_stats_share(const trace_stats *s, int64_t ns)
{
	return s->wall_ns > 0 ? (double)ns / (double)s->wall_ns : 0;
}

double trace_stats_speedup(const trace *one, const trace *many)
{
	int64_t a = trace_last(one), b = trace_last(many);
	return a > 0 && b > 0 ? (double)a / (double)b : 0;
}

/* ---- other programs ------------------------------------------------------ */

/* First slice of a task that ends after a (slices are in time order). */
static size_t first_after(const trace_slice *sl, size_t n, int64_t a)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (sl[mid].t1 <= a) lo = mid + 1; else hi = mid;
	}
	return lo;
}

int64_t trace_stats_cpu_own(const trace *t, int cpu, int64_t a, int64_t b)
{
	int64_t own = 0;
	for (int i = 0; i < trace_ntasks(t); i++) {
		size_t n;
		const trace_slice *sl = trace_slices(t, i, &n);
		for (size_t j = first_after(sl, n, a); j < n && sl[j].t0 < b; j++) {
			if (sl[j].state != TS_RUNNING || sl[j].cpu != cpu) continue;
			int64_t x = sl[j].t0 > a ? sl[j].t0 : a, y = sl[j].t1 < b ? sl[j].t1 : b;
			if (y > x) own += y - x;
		}
	}
	return own;
}

/* Busy time per the counters less own time: counters tick at 10 ms, so
 * over a short span they may say less than the run's exact slices. */
int64_t trace_stats_cpu_other(const trace *t, int cpu, int64_t a, int64_t b)
{
	int64_t busy, first, last;
	if (trace_cpu_counters(t, cpu, a, b, &busy, NULL, NULL) < 0 || trace_cpu_sampled(t, cpu, &first, &last) < 0)
		return -1;
	if (a < first) a = first;   /* own time over the part the counters cover */
	if (b > last) b = last;
	int64_t own = trace_stats_cpu_own(t, cpu, a, b), other = busy - own;
	if (other > b - a - own) other = b - a - own;   /* ticks can say more than there was */
	return other > 0 ? other : 0;
}

/* a + b for non-negative figures, held at INT64_MAX (a file may say anything). */
static int64_t sat_add(int64_t a, int64_t b)
{
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

/* Per CPU, what its counters say over [0, until] less the run's own time;
 * the shares over all the CPU time they cover. */
static void other_programs(const trace *t, trace_stats *s)
{
	size_t n = (size_t)s->ncpu;
	s->cpu_span_ns = xcalloc(n, sizeof *s->cpu_span_ns);
	s->cpu_own_ns = xcalloc(n, sizeof *s->cpu_own_ns);
	s->cpu_other_ns = xcalloc(n, sizeof *s->cpu_other_ns);
	s->cpu_steal_ns = xcalloc(n, sizeof *s->cpu_steal_ns);
	s->cpu_idle_ns = xcalloc(n, sizeof *s->cpu_idle_ns);
	for (int c = 0; c < s->ncpu; c++) {
		int64_t busy, steal, idle, first, last, a = 0, b = s->until;
		int64_t span = trace_cpu_counters(t, c, a, b, &busy, &steal, &idle);
		/* The counters move in ticks: over less than a few they say nothing. */
		if (span < TRACE_STATS_MIN_SPAN_NS || trace_cpu_sampled(t, c, &first, &last) < 0) {
			s->cpu_own_ns[c] = s->cpu_other_ns[c] = s->cpu_steal_ns[c] = s->cpu_idle_ns[c] = -1;
			continue;
		}
		if (a < first) a = first;
		if (b > last) b = last;
		s->cpu_span_ns[c] = span;
		s->cpu_own_ns[c] = trace_stats_cpu_own(t, c, a, b);
		s->cpu_other_ns[c] = busy > s->cpu_own_ns[c] ? busy - s->cpu_own_ns[c] : 0;
		if (s->cpu_other_ns[c] > span - s->cpu_own_ns[c])   /* ticks can say more than there was */
			s->cpu_other_ns[c] = span > s->cpu_own_ns[c] ? span - s->cpu_own_ns[c] : 0;
		s->cpu_steal_ns[c] = steal < s->cpu_other_ns[c] ? steal : s->cpu_other_ns[c];
		s->cpu_idle_ns[c] = idle;
		s->span_ns = sat_add(s->span_ns, span);
		s->other_ns = sat_add(s->other_ns, s->cpu_other_ns[c]);
		s->steal_ns = sat_add(s->steal_ns, s->cpu_steal_ns[c]);
	}
	s->other_share = s->span_ns > 0 ? (double)s->other_ns / (double)s->span_ns : -1;
	s->steal_share = s->span_ns > 0 ? (double)s->steal_ns / (double)s->span_ns : -1;
}

int trace_stats_other_noticeable(const trace_stats *s)
{
	int known = 0;
	for (int c = 0; c < s->ncpu; c++) known += s->cpu_span_ns[c] > 0;
	return s->other_share >= 0.10 && s->other_ns > 2 * TRACE_STATS_TICK_NS * known;
}

int trace_stats_other_note(const trace_stats *s, char *buf, size_t cap)
{
	char steal[64] = "";
	if (cap) buf[0] = '\0';
	if (!trace_stats_other_noticeable(s)) return 0;
	if (s->steal_share > 0.01)
		snprintf(steal, sizeof steal, " (of which the VM's host took %.0f %%)", 100 * s->steal_share);
	snprintf(buf, cap, "other programs used %.0f %% of the CPUs during this run%s: times can be longer than on a "
		 "quiet machine", 100 * s->other_share, steal);
	return 1;
}

/* ---- the plain-text block ------------------------------------------------ */

/* Workers by id first, then the other tasks in trace order. */
static int *print_order(const trace *t, int n)
{
	int *o = xmalloc(sizeof(int) * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++) {
		int w = trace_task_at(t, i)->worker, j = i;
		for (; j > 0; j--) {
			int v = trace_task_at(t, o[j - 1])->worker;
			if (w < 0 || (v >= 0 && v <= w)) break;
			o[j] = o[j - 1];
		}
		o[j] = i;
	}
	return o;
}

/* "  CPU busy: CPU0 80.0ms 67% | ...": one figure per CPU, four a line;
 * of: the time each share is of (NULL: the wall). */
static void print_cpu_row(const trace_stats *s, const char *label, const int64_t *v, const int64_t *of, FILE *out)
{
	char a[24];
	int shown = 0, indent = (int)strlen(label) + 2;
	for (int c = 0; c < s->ncpu; c++) {
		if (s->ncpu > 8 && !s->cpu_busy_ns[c]) continue;   /* big machine: the CPUs used */
		if (v[c] < 0) continue;
		int64_t whole = of ? of[c] : s->wall_ns;
		if (shown % 4) fputs(" |", out);
		else if (shown) fprintf(out, "\n%*s", indent, "");
		else fprintf(out, "  %s", label);
		fprintf(out, " CPU%d %s %.0f%%", c, trace_fmt_ns(a, sizeof a, v[c]),
			whole > 0 ? 100.0 * (double)v[c] / (double)whole : 0.0);
		shown++;
	}
	if (shown) fputc('\n', out);
	else fprintf(out, "  %s none seen\n", label);
}

/* Busy with the run, and where the counters say it, other programs and idle. */
static void print_cpus(const trace_stats *s, FILE *out)
{
	print_cpu_row(s, "CPU busy:", s->cpu_busy_ns, NULL, out);
	if (s->other_share < 0) return;
	print_cpu_row(s, "other programs:", s->cpu_other_ns, s->cpu_span_ns, out);
	print_cpu_row(s, "CPU idle:", s->cpu_idle_ns, s->cpu_span_ns, out);
}

static void print_tasks(const trace *t, const trace_stats *s, FILE *out)
{
	char a[24], b[24], c[24], sw[48], mg[24];
	int approx = 0, *o = print_order(t, s->ntasks);
	int spans = trace_nspans(t) > trace_nspans_of(t, TRACE_SPAN_STEP), steps = trace_nspans_of(t, TRACE_SPAN_STEP) > 0;
	int w = trace_task_name_width(t, 14);
	fprintf(out, "  %-*s %10s %10s  %-18s %s%s%s\n", w, "task", "cpu time", "waited", "switches vol+pre", "migrations",
		spans ? "  blocked" : "", steps ? "     held" : "");
	for (int i = 0; i < s->ntasks; i++) {
		const trace_task_stats *ts = &s->task[o[i]];
		int ksw = ts->kernel & TSS_K_SWITCH, kmg = ts->kernel & TSS_K_MIGR;
		approx |= !ksw || !kmg;
		snprintf(sw, sizeof sw, "%s%ld+%ld", ksw ? "" : "~", ts->vol, ts->invol);
		snprintf(mg, sizeof mg, "%s%ld", kmg ? "" : "~", ts->migrations);
		fprintf(out, "  %-*.*s %10s %10s  %-18s %-*s", w, w, trace_task_name(trace_task_at(t, o[i])),
			trace_fmt_ns(a, sizeof a, ts->cpu_ns), trace_fmt_ns(b, sizeof b, ts->wait_ns), sw, spans || steps ? 10 : 0,
			mg);
		if (spans) fprintf(out, " %8s", trace_fmt_ns(c, sizeof c, ts->coord_ns));
		if (steps) fprintf(out, " %8s", trace_fmt_ns(c, sizeof c, ts->step_ns));
		fputc('\n', out);
	}
	if (spans) fputs("  (blocked: waiting for a lock, queue, barrier, semaphore or condition\n   of the run)\n", out);
	if (steps) fputs("  (held: waiting at a step point until the schedule let it go)\n", out);
	if (approx && s->ntasks) fputs("  (~ counted from the sampled timeline: at least that many)\n", out);
	free(o);
}

void trace_stats_print(const trace *t, FILE *out)
{
	trace_stats s;
	char a[24];
	trace_stats_compute(t, &s);
	fprintf(out, "  statistics: wall %s", trace_fmt_ns(a, sizeof a, s.wall_ns));
	if (!s.observed) {
		fprintf(out, "; no scheduling was captured (capture: %s)\n", trace_backend(t));
	} else {
		fprintf(out, ", tasks running at once: %.2f on average, at most %d\n", s.par_avg, s.par_max);
		fputs("  share of the wall time with k running:", out);
		for (int k = 0; k <= s.par_max; k++)
			fprintf(out, "%s k=%d %.0f%%", k ? " |" : "", k, 100 * trace_stats_share(&s, s.par_ns[k]));
		fputc('\n', out);
		print_cpus(&s, out);
	}
	print_tasks(t, &s, out);
	trace_stats_free(&s);
}
