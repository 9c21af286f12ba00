/*
 * tui_stats.c: a run's statistics (trace_stats) as the TUI shows them: a
 * document for the stats panel and the replay's info pane (wall time,
 * parallelism and its histogram, per-CPU busy time, each CPU's split into
 * this run / other programs / idle, a per-task table that gains columns
 * when the pane is wide; Dask's workers, their tasks and transfers when
 * the run had them), and a one-line summary for the Run box after a
 * run, which says when other programs took a noticeable share.
 */
#include "trace/trace_stats.h"
#include "ui/tui_int.h"
#include "util/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIDE 70   /* from this pane width on, the task table shows more */

static void heading(tdoc *d, const char *s)
{
	doc_blank(d);
	doc_paras(d, R_BOLD, s, NULL, NULL, R_BOLD);
}

/* "  name  ████████──────  54%  14.0ms": a share as a bar. */
static void bar_row(tdoc *d, const char *name, int namew, int role, double share, int64_t ns)
{
	char num[48], dur[24];
	snprintf(num, sizeof num, " %3.0f%% %7s", 100 * share, trace_fmt_ns(dur, sizeof dur, ns));
	int bw = d->width - 2 - namew - 1 - (int)strlen(num);
	if (bw > 40) bw = 40;
	if (bw < 4) bw = 4;
	int full = (int)(share * bw + 0.5);
	if (full > bw) full = bw;
	tline *l = doc_line(d);
	tline_addf(l, role, "  %-*s ", namew, name);
	for (int i = 0; i < bw; i++) tline_adds(l, i < full ? R_HEAD : R_IDLE, i < full ? tui_glyph.run : tui_glyph.idle);
	tline_adds(l, R_TEXT, num);
}

static void parallelism(tdoc *d, const trace_stats *s, int ncpu)
{
	char buf[160], w[24];
	tline *l = doc_line(d);
	tline_adds(l, R_DIM, "wall time    ");
	tline_adds(l, R_BOLD, trace_fmt_ns(w, sizeof w, s->wall_ns));
	if (!s->observed) {
		doc_paras(d, R_DIM, "The capture recorded no scheduling: no parallelism to show.", NULL, NULL, R_DIM);
		return;
	}
	snprintf(buf, sizeof buf, "%.2f tasks running on average, at most %d (%d CPU%s)", s->par_avg, s->par_max, ncpu,
		 ncpu == 1 ? "" : "s");
	doc_paras(d, R_TEXT, buf, "at once      ", "             ", R_DIM);
	heading(d, "Tasks running at once (share of the wall time)");
	for (int k = 0; k <= s->par_max; k++) {
		snprintf(buf, sizeof buf, "%d", k);
		bar_row(d, buf, s->par_max >= 10 ? 2 : 1, R_TEXT, trace_stats_share(s, s->par_ns[k]), s->par_ns[k]);
	}
	heading(d, "CPU busy with the run");
	for (int c = 0; c < s->ncpu; c++) {
		if (s->ncpu > 8 && !s->cpu_busy_ns[c]) continue;   /* big machine: the CPUs used */
		snprintf(buf, sizeof buf, "CPU%d", c);
		bar_row(d, buf, s->ncpu > 10 ? 5 : 4, R_DIM, trace_stats_share(s, s->cpu_busy_ns[c]), s->cpu_busy_ns[c]);
	}
}

/* Each CPU: this run / other programs / idle, from its counters; nothing
 * when the trace has none (unknown is not 0). Durations when wide. */
static void cpu_split(tdoc *d, const trace_stats *s)
{
	char a[24], b[24], c[24], note[200];
	if (s->other_share < 0) return;
	int wide = d->width >= WIDE;
	heading(d, "Each CPU: this run / other programs / idle");
	for (int i = 0; i < s->ncpu; i++) {
		int64_t span = s->cpu_span_ns[i];
		if (span <= 0 || (s->ncpu > 8 && !s->cpu_busy_ns[i] && !s->cpu_other_ns[i])) continue;
		double run = (double)s->cpu_own_ns[i] / (double)span, oth = (double)s->cpu_other_ns[i] / (double)span;
		double idle = (double)s->cpu_idle_ns[i] / (double)span;
		tline *l = doc_line(d);
		tline_addf(l, R_DIM, "  CPU%-*d ", s->ncpu > 10 ? 2 : 1, i);
		tline_addf(l, R_TEXT, "%3.0f%%", 100 * run);
		if (wide) tline_addf(l, R_DIM, " %7s", trace_fmt_ns(a, sizeof a, s->cpu_own_ns[i]));
		tline_adds(l, R_DIM, " / ");
		tline_addf(l, oth >= 0.10 ? R_HINT : R_TEXT, "%3.0f%%", 100 * oth);
		if (wide) tline_addf(l, R_DIM, " %7s", trace_fmt_ns(b, sizeof b, s->cpu_other_ns[i]));
		tline_adds(l, R_DIM, " / ");
		tline_addf(l, R_TEXT, "%3.0f%%", 100 * idle);
		if (wide) tline_addf(l, R_DIM, " %7s", trace_fmt_ns(c, sizeof c, s->cpu_idle_ns[i]));
		if ((double)s->cpu_steal_ns[i] > 0.01 * (double)span)
			tline_addf(l, R_DIM, " (host %.0f%%)", 100.0 * (double)s->cpu_steal_ns[i] / (double)span);
	}
	doc_blank(d);
	doc_paras(d, R_DIM, "Other programs: the CPU's busy time by the kernel's counters (10 ms steps) less "
		  "this run's own. host: the time a virtual machine's host took from its CPU (steal), part of other programs.", NULL, NULL, R_DIM);
	if (trace_stats_other_note(s, note, sizeof note)) {
		char *para = xasprintf("O%s.", note + 1);   /* a sentence of its own here */
		doc_paras(d, R_HINT, para, NULL, NULL, R_HINT);
		free(para);
	}
}

/* One row of the task table; wide adds sleep, I/O and the CPUs used. */
static void task_row(tdoc *d, const trace *tr, const trace_task_stats *ts, int labw, int wide)
{
	const trace_task *k = trace_task_at(tr, ts->task);
	char a[24], b[24], c[24], e[24], sw[40], mg[24], cpus[64];
	snprintf(sw, sizeof sw, "%s%ld+%ld", ts->kernel & TSS_K_SWITCH ? "" : "~", ts->vol, ts->invol);
	snprintf(mg, sizeof mg, "%s%ld", ts->kernel & TSS_K_MIGR ? "" : "~", ts->migrations);
	tline *l = doc_line(d);
	char name[48], lab[64];
	int nw = tui_task_name(tr, ts->task, labw, 0, name, sizeof name);
	snprintf(lab, sizeof lab, " %s%*s", name, labw - nw, "");
	tline_adds(l, tui_task_role(tr, ts->task), lab);
	tline_addf(l, R_TEXT, " %7s %7s %8s %6s", trace_fmt_ns(a, sizeof a, ts->cpu_ns),
		  trace_fmt_ns(b, sizeof b, ts->wait_ns), sw, mg);
	if (wide)
		tline_addf(l, R_DIM, " %7s %7s  %s", trace_fmt_ns(c, sizeof c, ts->sleep_ns),
			  trace_fmt_ns(e, sizeof e, ts->blocked_ns), trace_fmt_cpus(cpus, sizeof cpus, k->cpus));
}

static void tasks(tdoc *d, const trace *tr, const trace_stats *s)
{
	int wide = d->width >= WIDE, labw = 4, approx = 0;
	/* Names as on the lanes ("python3 20719"), in what the row leaves. */
	int labmax = d->width - 1 - 33 - (wide ? 26 : 0);
	char name[48];
	if (labmax > 20) labmax = 20;
	if (labmax < 8) labmax = 8;
	for (int i = 0; i < s->ntasks; i++) {
		int n = tui_task_name(tr, i, labmax, 0, name, sizeof name);
		if (n > labw) labw = n;
		approx |= (s->task[i].kernel & (TSS_K_SWITCH | TSS_K_MIGR)) != (TSS_K_SWITCH | TSS_K_MIGR);
	}
	heading(d, "Per task");
	tline *l = doc_line(d);
	tline_addf(l, R_DIM, " %-*s %7s %7s %8s %6s", labw, "task", "cpu", "wait", "switches", "moves");
	if (wide) tline_addf(l, R_DIM, " %7s %7s  %s", "sleep", "I/O", "CPUs");
	int *order = view_lane_order(tr);
	for (int i = 0; i < s->ntasks; i++) task_row(d, tr, &s->task[order[i]], labw, wide);
	free(order);
	doc_blank(d);
	const char *key = "cpu: time on a CPU; wait: ready but waiting for one; switches: gave the CPU up "
			  "(slept, blocked) + preempted; moves: to another CPU.";
	doc_paras(d, R_DIM, key, NULL, NULL, R_DIM);
	if (approx) {
		const char *ap = "~ counted from the sampled timeline: at least that many (a switch inside one "
				 "sample is not seen).";
		doc_paras(d, R_DIM, ap, NULL, NULL, R_DIM);
	}
}

/* The run's blocks (trace_block_describe), one paragraph each: so far
 * while the run goes (the engine refreshes them every 200 ms), then as
 * they ended; each queue's length over time, a digit a moment; the
 * deadlock that stopped the run, if one did. */
static void blocks(tdoc *d, const trace *tr)
{
	if (!trace_nblocks(tr)) return;
	heading(d, trace_block_at(tr, 0)->live ? "Blocks (so far)" : "Blocks (at the run's end)");
	for (size_t i = 0; i < trace_nblocks(tr); i++) {
		char line[512];
		trace_block_describe(trace_block_at(tr, i), line, sizeof line);
		doc_paras(d, R_TEXT, line, "  ", "    ", R_DIM);
	}
	int64_t end = trace_end(tr) >= 0 ? trace_end(tr) : trace_last(tr);
	int n = d->width - 4 > 60 ? 60 : d->width - 4;
	for (size_t q = 0; q < trace_nqueues(tr) && end > 0 && n >= 1; q++) {
		char strip[64], caption[160];
		trace_queue_strip(tr, q, end, n, strip, caption, sizeof caption);
		doc_paras(d, R_TEXT, caption, "  ", "    ", R_DIM);
		doc_paras(d, R_COORD, strip, "    ", "    ", R_COORD);
	}
	if (trace_outcome_kind(tr) == TRACE_DEADLOCK && trace_outcome(tr)) {
		doc_blank(d);
		doc_paras(d, R_ERR, trace_outcome(tr), NULL, NULL, R_ERR);
	}
	doc_blank(d);
	doc_paras(d, R_DIM, "waited: operations that had to wait for another worker (a lock held, an empty "
		  "semaphore or queue, a full queue, a barrier not yet full, a condition); updates lost: the "
		  "adds a racy add's window overwrote.", NULL, NULL, R_DIM);
}

/* " (12 %)": part of the wall time, when there is any. */
static void share(tline *l, int64_t ns, int64_t wall)
{
	if (wall > 0 && ns) tline_addf(l, R_DIM, " (%.0f %%)", 100.0 * (double)ns / (double)wall);
}

/* The run's blocks: each task's time blocked on them (a stepped run's:
 * held at step points), and the marks, up to until. */
static void coordination(tdoc *d, const trace *tr, const trace_stats *s, int64_t until)
{
	char a[24], name[48];
	size_t nm = 0;
	for (size_t i = 0; i < trace_nmarks(tr); i++) nm += trace_mark_at(tr, i)->t <= until;
	if (!trace_nspans(tr) && !nm) return;
	heading(d, "Waits and marks");
	size_t steps = trace_nspans_of(tr, TRACE_SPAN_STEP);
	int coord = trace_nspans(tr) > steps;   /* blocked and lock spans: a stepped run's may have none */
	if (trace_nspans(tr)) {
		int *order = view_lane_order(tr);
		for (int i = 0; i < s->ntasks; i++) {
			const trace_task_stats *ts = &s->task[order[i]];
			if (trace_task_at(tr, ts->task)->worker < 0) continue;
			tui_task_name(tr, ts->task, 12, 0, name, sizeof name);
			tline *l = doc_line(d);
			tline_addf(l, tui_task_role(tr, ts->task), " %-12s", name);
			if (coord) {
				tline_addf(l, ts->coord_ns ? R_TEXT : R_DIM, " blocked %s", trace_fmt_ns(a, sizeof a, ts->coord_ns));
				share(l, ts->coord_ns, s->wall_ns);
			}
			if (steps) {   /* the time the schedule kept it waiting */
				tline_addf(l, ts->step_ns ? R_TEXT : R_DIM, " held %s", trace_fmt_ns(a, sizeof a, ts->step_ns));
				share(l, ts->step_ns, s->wall_ns);
			}
		}
		free(order);
	}
	size_t *o = xmalloc(sizeof *o * (trace_nmarks(tr) + 1)), k = 0;
	for (size_t i = 0; i < trace_nmarks(tr); i++)
		if (trace_mark_at(tr, i)->t <= until) o[k++] = i;
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && trace_mark_at(tr, o[j])->t < trace_mark_at(tr, o[j - 1])->t; j--) {
			size_t x = o[j]; o[j] = o[j - 1]; o[j - 1] = x;
		}
	for (size_t i = 0; i < k; i++) {
		const trace_mark *m = trace_mark_at(tr, o[i]);
		tline *l = doc_line(d);
		tline_addf(l, R_DIM, " %8s ", trace_fmt_ns(a, sizeof a, m->t));
		if (trace_task_at(tr, m->task)) {
			tui_task_name(tr, m->task, 12, 0, name, sizeof name);
			tline_addf(l, tui_task_role(tr, m->task), "%s ", name);
		}
		tline_adds(l, R_KEY, tui_glyph.down);
		tline_adds(l, R_KEY, " mark: ");
		tline_adds(l, R_TEXT, m->text);
	}
	free(o);
	if (trace_events_dropped(tr))
		tline_addf(doc_line(d), R_ERR, " %lu events of the workers' waits and marks were not kept (too many at once)",
			   trace_events_dropped(tr));
	doc_blank(d);
	if (coord || !steps)
		doc_paras(d, R_DIM, "blocked: waiting for a lock, queue, barrier, semaphore or condition of the run (off the CPU).",
			  NULL, NULL, R_DIM);
	if (steps)
		doc_paras(d, R_DIM, "held: waiting at a step point until the schedule let it go (off the CPU).", NULL, NULL,
			  R_DIM);
}

/* "32 B", "1.5 kB", "3.4 MB": a transfer's size. */
static const char *fmt_bytes(char *buf, size_t cap, long long n)
{
	if (n < 1000) snprintf(buf, cap, "%lld B", n);
	else if (n < 1000000) snprintf(buf, cap, "%.1f kB", (double)n / 1e3);
	else if (n < 1000000000) snprintf(buf, cap, "%.1f MB", (double)n / 1e6);
	else snprintf(buf, cap, "%.1f GB", (double)n / 1e9);
	return buf;
}

/* A Dask key with its long hex token cut ("('getitem-…', 2)"), into buf. */
const char *stats_dask_key(const char *key, char *buf, size_t cap)
{
	size_t o = 0;
	for (const char *p = key; *p && o + 1 < cap;) {
		size_t n = 0, hex = 0;   /* a run of hex tokens joined by dashes */
		for (; (p[n] >= '0' && p[n] <= '9') || (p[n] >= 'a' && p[n] <= 'f') || p[n] == '-'; n++) hex += p[n] != '-';
		while (n && p[n - 1] == '-') n--;
		if (hex >= 12 && p > key && p[-1] == '-') {
			int k = snprintf(buf + o, cap - o, "%s", tui_glyph.ellipsis);
			o += k > 0 && (size_t)k < cap - o ? (size_t)k : 0;
			p += n;
			continue;
		}
		buf[o++] = *p++;
	}
	buf[o < cap ? o : cap - 1] = '\0';
	return buf;
}

#define DASK_XFERS_SHOWN 12   /* transfers listed; the rest counted */

/* Dask's workers up to until: per worker its address, where it ran, its
 * tasks per lane (thread) with their busy time, and per key prefix; then
 * the data moved between workers. Nothing when the run had no Dask. */
static void dask(tdoc *d, const trace *tr, int64_t until)
{
	size_t nw = trace_ndworkers(tr), np = trace_ndprefixes(tr);
	if (!nw) return;
	char a[24], b[24], where[128], addr[80], nm[64];
	heading(d, "Dask workers");
	int *cnt = xcalloc(np + 1, sizeof(int));
	int64_t *ns = xcalloc(np + 1, sizeof(int64_t));
	for (size_t w = 0; w < nw; w++) {
		const trace_dworker *dw = trace_dworker_at(tr, w);
		int total = 0;
		int64_t busy = 0;
		memset(cnt, 0, sizeof(int) * (np + 1));
		memset(ns, 0, sizeof(int64_t) * (np + 1));
		for (size_t i = 0; i < trace_ndtasks(tr); i++) {
			const trace_dtask *k = trace_dtask_at(tr, i);
			if (trace_dlane_at(tr, (size_t)k->lane)->worker != (int)w || k->t0 > until) continue;
			int64_t e = k->t1 < 0 || k->t1 > until ? until : k->t1;
			int s = trace_dprefix_slot(tr, k->prefix);
			cnt[s]++;
			ns[s] += e > k->t0 ? e - k->t0 : 0;
			total++;
		}
		tline *l = doc_line(d);
		tline_addf(l, R_BOLD, "  %s", trace_dworker_short(dw, addr, sizeof addr));
		if (dw->name[0]) tline_addf(l, R_DIM, " (worker %s)", dw->name);
		doc_paras(d, R_DIM, trace_dworker_where_text(tr, w, where, sizeof where), "    ", "    ", R_DIM);
		for (size_t ln = 0; ln < trace_ndlanes(tr); ln++) {
			if (trace_dlane_at(tr, ln)->worker != (int)w) continue;
			size_t nt, run = 0;
			const size_t *ix = trace_dlane_tasks(tr, ln, &nt);
			while (run < nt && trace_dtask_at(tr, ix[run])->t0 <= until) run++;
			int64_t bz = trace_dlane_busy(tr, ln, 0, until);
			busy += bz;
			l = doc_line(d);
			tline_addf(l, R_TEXT, "    %-14s", trace_dlane_name(tr, ln, nm, sizeof nm));
			tline_addf(l, R_TEXT, " %3zu task%s", run, run == 1 ? " " : "s");
			tline_addf(l, R_DIM, "  busy %s", trace_fmt_ns(a, sizeof a, bz));
		}
		l = doc_line(d);
		tline_addf(l, R_DIM, "    %-14s %3d task%s  busy %s", "all", total, total == 1 ? " " : "s",
			   trace_fmt_ns(b, sizeof b, busy));
		for (size_t s = 0; s < np; s++) {
			if (!cnt[s]) continue;
			const char *pf = trace_dprefix_at(tr, s);
			l = doc_line(d);
			tline_adds(l, R_TEXT, "      ");
			tline_addf(l, R_WORKER + (int)s % tui_ncolours(), "%-20s", pf);
			tline_addf(l, R_TEXT, " %3d", cnt[s]);
			tline_addf(l, R_DIM, " %8s", trace_fmt_ns(a, sizeof a, ns[s]));
		}
	}
	free(cnt);
	free(ns);
	doc_blank(d);
	doc_paras(d, R_DIM, "Each worker's lanes are its threads that ran tasks (dask PID.N, as on the timeline), "
		  "busy: the time they ran tasks; then the tasks by their key's prefix: how many, and their time.",
		  NULL, NULL, R_DIM);
	size_t nx = 0;
	for (size_t i = 0; i < trace_ndxfers(tr); i++) nx += trace_dxfer_at(tr, i)->t1 <= until;
	heading(d, "Dask transfers (data moved to a worker)");
	if (!nx) {
		doc_paras(d, R_DIM, "None: each task found its inputs on its own worker.", "  ", "  ", R_DIM);
		return;
	}
	size_t *o = xmalloc(sizeof *o * nx), k = 0, shown = 0;   /* in order of start */
	for (size_t i = 0; i < trace_ndxfers(tr); i++)
		if (trace_dxfer_at(tr, i)->t1 <= until) o[k++] = i;
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && trace_dxfer_at(tr, o[j])->t0 < trace_dxfer_at(tr, o[j - 1])->t0; j--) {
			size_t x = o[j]; o[j] = o[j - 1]; o[j - 1] = x;
		}
	for (size_t i = 0; i < k && shown < DASK_XFERS_SHOWN; i++) {
		const trace_dxfer *x = trace_dxfer_at(tr, o[i]);
		const trace_dworker *f = x->from >= 0 ? trace_dworker_at(tr, (size_t)x->from) : NULL;
		char from[80], to[80], by[24], key[160], at[24];
		if (f) trace_dworker_short(f, from, sizeof from);
		else snprintf(from, sizeof from, "a worker not seen");
		trace_dworker_short(trace_dworker_at(tr, (size_t)x->to), to, sizeof to);
		char *line = xasprintf("%s \xe2\x86\x92 %s: %s, %s in %s at %s", from, to, stats_dask_key(x->key, key, sizeof key),
				       fmt_bytes(by, sizeof by, x->nbytes), trace_fmt_ns(a, sizeof a, x->t1 - x->t0),
				       trace_fmt_ns(at, sizeof at, x->t0));
		doc_paras(d, R_TEXT, line, "  ", "      ", R_DIM);
		free(line);
		shown++;
	}
	free(o);
	if (nx > shown) {
		char more[64];
		snprintf(more, sizeof more, "and %zu more", nx - shown);
		doc_paras(d, R_DIM, more, "  ", "  ", R_DIM);
	}
}

void stats_doc(tdoc *d, const trace *tr, int64_t until)
{
	trace_stats s;
	char buf[256], at[24];
	trace_stats_until(tr, until, &s);
	tline_adds(doc_line(d), R_HEAD, "Run statistics");
	int partial = until < trace_last(tr);
	snprintf(buf, sizeof buf, "%s%s%s", trace_title(tr), partial ? ", up to " : "",
		 partial ? trace_fmt_ns(at, sizeof at, until) : "");
	doc_paras(d, R_DIM, buf, NULL, NULL, R_DIM);
	doc_blank(d);
	parallelism(d, &s, trace_ncpu(tr));
	cpu_split(d, &s);
	tasks(d, tr, &s);
	blocks(d, tr);
	coordination(d, tr, &s, until);
	dask(d, tr, until);
	trace_stats_free(&s);
}

void stats_summary(tline *l, const trace *tr)
{
	trace_stats s;
	char w[24], note[200];
	trace_stats_compute(tr, &s);
	tline_adds(l, R_DIM, "wall ");
	tline_adds(l, R_BOLD, trace_fmt_ns(w, sizeof w, s.wall_ns));
	if (s.observed) {
		tline_adds(l, R_DIM, " ");
		tline_adds(l, R_DIM, tui_glyph.dot);
		tline_addf(l, R_BOLD, " %.2f", s.par_avg);
		tline_addf(l, R_DIM, " tasks running on average, at most %d", s.par_max);
	}
	tline_adds(l, R_DIM, " ");
	tline_adds(l, R_DIM, tui_glyph.dot);
	tline_adds(l, R_DIM, " type ");
	tline_adds(l, R_KEY, "stats");
	tline_adds(l, R_DIM, " for more");
	if (trace_stats_other_note(&s, note, sizeof note)) {   /* last: the longest, and only on a busy machine */
		tline_adds(l, R_DIM, " ");
		tline_adds(l, R_DIM, tui_glyph.dot);
		tline_adds(l, R_HINT, " ");
		tline_adds(l, R_HINT, note);
	}
	trace_stats_free(&s);
}
