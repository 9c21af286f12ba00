/*
 * batch.c: the course as a plain-text transcript. Everything comes from the
 * engine and, for runs, from the trace: the same data the TUI draws, and
 * the same words (answer feedback, verdicts) and text blocks (markup.c).
 */
#include "ui/batch.h"
#include "engine/markup.h"
#include "engine/quiz.h"
#include "trace/trace_file.h"
#include "trace/trace_stats.h"
#include "ui/view.h"
#include "util/fs.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define WIDTH 78

typedef struct {
	FILE *out;
	int done;
} batch_state;

/* The transcript is inert: whatever a lesson's text, a code file, a note or
 * an answer holds reaches stdout without control characters (ESC, BEL, C1;
 * newline and tab kept) and with invalid UTF-8 as U+FFFD, so a lesson
 * cannot drive the student's terminal. (Worker output is sanitized already,
 * trace_sanitize.) A character cut between two writes waits in tail. */
typedef struct {
	FILE *to;
	char tail[4];
	size_t ntail;
} inert;

static ssize_t inert_write(void *cookie, const char *buf, size_t n)
{
	inert *f = cookie;
	size_t len = f->ntail + n;
	char *s = xmalloc(len ? len : 1);
	memcpy(s, f->tail, f->ntail);
	memcpy(s + f->ntail, buf, n);
	f->ntail = 0;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		size_t k;
		if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f)) {   /* a run of these, as it is */
			for (k = i + 1; k < len; k++) {
				unsigned char d = (unsigned char)s[k];
				if (!(d == '\n' || d == '\t' || (d >= 0x20 && d < 0x7f))) break;
			}
			fwrite(s + i, 1, k - i, f->to);
			i = k;
			continue;
		}
		if (c < 0x80) { i++; continue; }   /* C0 controls, DEL */
		if ((k = utf8_safe_len(s + i, len - i))) { fwrite(s + i, 1, k, f->to); i += k; continue; }
		if ((k = utf8_len(s + i, len - i))) { i += k; continue; }   /* a C1 control */
		if (len - i < 4 && utf8_partial_tail(s + i, len - i) == len - i) {
			memcpy(f->tail, s + i, len - i);
			f->ntail = len - i;
			break;
		}
		fputs("\xef\xbf\xbd", f->to);
		i++;
	}
	free(s);
	fflush(f->to);
	return (ssize_t)n;
}

static int inert_close(void *cookie)
{
	inert *f = cookie;
	if (f->ntail) fputs("\xef\xbf\xbd", f->to);
	fflush(f->to);
	free(f);
	return 0;
}

/* out, filtered as above (out itself stays open); out when that fails. */
static FILE *inert_open(FILE *out)
{
	inert *f = xcalloc(1, sizeof *f);
	f->to = out;
	FILE *w = fopencookie(f, "w", (cookie_io_functions_t){ .write = inert_write, .close = inert_close });
	if (!w) { free(f); return out; }
	if (isatty(fileno(out))) setvbuf(w, NULL, _IOLBF, 0);
	return w;
}

/* The word of text[0..len) at i: its end; i is past the blanks before it. */
static size_t word_at(const char *text, size_t len, size_t *i)
{
	while (*i < len && (text[*i] == ' ' || text[*i] == '\n')) (*i)++;
	size_t j = *i;
	while (j < len && text[j] != ' ' && text[j] != '\n') j++;
	return j;
}

/* Prints one paragraph re-wrapped to WIDTH, with a prefix on each line. A
 * word of closing punctuation only (")", ").": markup_closing) stays on
 * the line of the word before it. */
static void wrap(FILE *out, const char *text, size_t len, const char *first, const char *rest)
{
	const char *pre = first;
	size_t col = 0;
	size_t i = 0;
	int glued = 0;   /* words still to come that close the one placed last */
	while (i < len) {
		size_t j = word_at(text, len, &i);
		if (j == i) break;
		size_t w = j - i, unit = w;
		if (glued) glued--;
		else {   /* this word and what closes it go on one line */
			for (size_t a = j, b; (b = word_at(text, len, &a)) > a && markup_closing(text + a, b - a); a = b) {
				unit += 1 + (b - a);
				glued++;
			}
			if (col && col + 1 + unit > WIDTH) { fputc('\n', out); col = 0; }
		}
		if (!col) { fputs(pre, out); col = strlen(pre); pre = rest; }
		else { fputc(' ', out); col++; }
		fwrite(text + i, 1, w, out);
		col += w;
		i = j;
	}
	if (col) fputc('\n', out);
}

/* wrap of a formatted line: the transcript's sentences in 80 columns. */
static void wrapf(FILE *out, const char *first, const char *rest, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void wrapf(FILE *out, const char *first, const char *rest, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *line = xvasprintf(fmt, ap);
	va_end(ap);
	wrap(out, line, strlen(line), first, rest);
	free(line);
}

/* A lesson's one-paragraph text (a question, a choice, a hint) as the
 * transcript shows it: {batch: ...} spans kept, {screen: ...} left out. */
static void wrap_lesson(FILE *out, const char *text, const char *first, const char *rest)
{
	char *shown = markup_shown(text, MARKUP_BATCH);
	wrap(out, shown, strlen(shown), first, rest);
	free(shown);
}

/* Text steps, notes and explanations: the engine's blocks (markup.h),
 * spaced as on screen (markup_gap_before): paragraphs and headings
 * re-wrapped, "  - " items, verbatim lines as written; an empty line
 * after the body parts it from what follows: 1 when it printed any,
 * so that the caller adds no second one. */
static int print_text(FILE *out, const char *body)
{
	markup *m = markup_parse_for(body, MARKUP_BATCH);
	for (int i = 0; i < markup_count(m); i++) {
		const markup_block *b = markup_at(m, i);
		if (markup_gap_before(m, i)) fputc('\n', out);
		switch (b->kind) {
		case MARKUP_HEADING: fprintf(out, "%s\n", b->text); break;
		case MARKUP_PARAGRAPH: wrap(out, b->text, strlen(b->text), "", ""); break;
		case MARKUP_ITEM: wrap(out, b->text, strlen(b->text), "  - ", "    "); break;
		case MARKUP_VERBATIM: fprintf(out, "%s\n", b->text); break;
		case MARKUP_BLANK: break;   /* markup_gap_before spaces the blocks */
		}
	}
	int any = markup_count(m) > 0;
	if (any) fputc('\n', out);
	markup_free(m);
	return any;
}

static void print_code(FILE *out, const step *s)
{
	fprintf(out, "--- %s (%s) ---\n", s->title, s->lang ? s->lang : "text");
	int n = 1;
	for (const char *p = s->body; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		fprintf(out, "%4d | %.*s\n", n++, (int)len, p);
		if (!eol) break;
		p = eol + 1;
	}
	fputs("---\n\n", out);
}

static const char *status_text(char *buf, size_t cap, const trace *t, const trace_task *k)
{
	int st = k->exit_status;
	if (view_task_killed(t, k)) snprintf(buf, cap, "killed");   /* by parlab, when it stopped the run */
	else if (k->is_thread && st < 0) snprintf(buf, cap, "thread");
	else if (st < 0) snprintf(buf, cap, k->died >= 0 ? "exited" : "-");
	else if (WIFSIGNALED(st)) snprintf(buf, cap, "killed: %s", strsignal(WTERMSIG(st)));
	else snprintf(buf, cap, "exit %d", WEXITSTATUS(st));
	return buf;
}

static void print_lines(FILE *out, const trace *t)
{
	char cont[64], pre[96];
	/* pre is the prefix of the line before: the lines of one read share
	 * their time, task and stream, and so their prefix */
	int64_t pre_t = -1;
	int pre_task = -2, pre_stream = -1;
	int w = trace_task_name_width(t, 8);   /* MainProcess; longer names (a pool's threads) overflow */
	if (w > 14) w = 14;
	snprintf(cont, sizeof cont, "%*s", w + 14, "");
	for (size_t i = 0; i < trace_nlines(t); i++) {
		const trace_line *l = trace_line_at(t, i);
		const trace_task *k = trace_task_at(t, l->task);
		if (l->t != pre_t || l->t < 0 || l->task != pre_task || l->stream != pre_stream) {
			char ts[24];
			const char *who = k ? trace_task_name(k) : "parlab";
			snprintf(pre, sizeof pre, "%9s  %-*s %s ", trace_fmt_ns(ts, sizeof ts, l->t), w, who,
				 l->stream == 2 ? "!" : "|");
			pre_t = l->t;
			pre_task = l->task;
			pre_stream = l->stream;
		}
		if (!k || trace_task_is_runner(k)) {   /* parlab's own words wrap; a program's lines stay as written */
			wrap(out, l->text, strlen(l->text), pre, cont);
		} else {
			fputs(pre, out);
			fputs(l->text, out);
			putc('\n', out);
		}
	}
}

/* The marks, in time order, each with who made it; events the workers'
 * rings could not keep are said. */
static void print_marks(FILE *out, const trace *t)
{
	char ts[24];
	size_t n = trace_nmarks(t);
	if (!n && !trace_events_dropped(t)) return;
	size_t *o = xmalloc(sizeof *o * (n ? n : 1));
	for (size_t i = 0; i < n; i++) o[i] = i;
	for (size_t i = 1; i < n; i++)   /* insertion sort: stable, and marks come nearly sorted */
		for (size_t j = i; j > 0 && trace_mark_at(t, o[j])->t < trace_mark_at(t, o[j - 1])->t; j--) {
			size_t x = o[j]; o[j] = o[j - 1]; o[j - 1] = x;
		}
	for (size_t i = 0; i < n; i++) {
		const trace_mark *m = trace_mark_at(t, o[i]);
		const trace_task *k = trace_task_at(t, m->task);
		char pre[64];
		snprintf(pre, sizeof pre, "%9s  %-8s v ", trace_fmt_ns(ts, sizeof ts, m->t), k ? trace_task_name(k) : "parlab");
		wrapf(out, pre, "                      ", "mark: %s", m->text);
	}
	free(o);
	if (trace_events_dropped(t))
		wrapf(out, "           ", "            ", "(%lu events of the workers' waits and marks were not kept: too "
		      "many at once)", trace_events_dropped(t));
}

static const trace *sort_trace;

/* Workers by id first, then the other tasks in order of discovery. */
static int by_worker(const void *a, const void *b)
{
	int i = *(const int *)a, j = *(const int *)b;
	int wi = trace_task_at(sort_trace, i)->worker, wj = trace_task_at(sort_trace, j)->worker;
	if ((wi < 0) != (wj < 0)) return wi < 0 ? 1 : -1;
	if (wi != wj) return wi - wj;
	return i - j;
}

static void print_summary(FILE *out, const trace *t)
{
	char a[24], b[24], c[64], d[48];
	int n = trace_ntasks(t);
	int *order = xmalloc(sizeof(int) * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++) order[i] = i;
	sort_trace = t;
	qsort(order, (size_t)n, sizeof *order, by_worker);
	int w = trace_task_name_width(t, 14);
	fprintf(out, "\n  %-*s %7s %7s %10s %10s  %-8s %s\n", w, "task", "pid", "tid", "cpu time", "waited", "cpus", "status");
	for (int o = 0; o < n; o++) {
		const trace_task *k = trace_task_at(t, order[o]);
		fprintf(out, "  %-*.*s %7d %7d %10s %10s  %-8s %s\n", w, w, trace_task_name(k), (int)k->pid, (int)k->tid,
			trace_fmt_ns(a, sizeof a, k->cpu_ns), trace_fmt_ns(b, sizeof b, k->wait_ns),
			trace_fmt_cpus(c, sizeof c, k->cpus),
			status_text(d, sizeof d, t, k));
	}
	free(order);
}

/* ---- saved traces --------------------------------------------------------- */

static char *save_dir;    /* --save-trace DIR, or NULL */
static int nsaved;        /* runs saved so far: the NN of DIR/NN-slug.trace */

/* Saves every run of the session into dir (created if missing); see batch.h. */
int batch_save_traces(const char *dir, char **err)
{
	*err = NULL;
	if (!*dir) { *err = xstrdup("\"\": an empty folder name"); return -1; }
	if (fs_mkdirs(dir, 0777) < 0) { *err = xasprintf("%s: %s", dir, strerror(errno)); return -1; }
	free(save_dir);
	save_dir = xstrdup(dir);
	nsaved = 0;
	return 0;
}

/* "Two threads!" -> "two-threads": lower-case letters and digits only. */
/* Saves the run's trace as save_dir/NN-slug.trace; 1 if that failed. */
static int save_run(const trace *t, const step *s, FILE *out)
{
	char slug[48], *err = NULL;
	if (!fs_slug(slug, sizeof slug, s->title)) snprintf(slug, sizeof slug, "run");
	size_t len = strlen(save_dir);
	const char *sep = len && save_dir[len - 1] == '/' ? "" : "/";
	char *path = xasprintf("%s%s%02d-%s.trace", save_dir, sep, ++nsaved, slug);
	int bad = trace_save(t, path, &err) < 0;
	if (bad) fprintf(out, "parlab: cannot save the trace: %s\n", err);
	else fprintf(out, "trace saved: %s\n", path);
	free(err);
	free(path);
	return bad;
}

/* Question numbers in the transcript, for predictions judged later. */
static const step **numbered;
static size_t nnumbered, capnumbered;

static int question_no(const step *q)
{
	for (size_t i = 0; i < nnumbered; i++)
		if (numbered[i] == q) return (int)i + 1;
	return 0;
}

/* The verdicts on this run's predictions, each beside what was observed;
 * blank says whether the transcript ends in an empty line, before and
 * after (returned). */
static int print_verdicts(engine *e, const step *r, FILE *out, int blank)
{
	const engine_verdict *v;
	int n = engine_verdicts(e, r, &v);
	for (int i = 0; i < n; i++) {
		fprintf(out, "%s--- your prediction (question %d) ---\n", blank ? "" : "\n", question_no(v[i].q));
		wrap_lesson(out, v[i].q->body, "", "");
		char *said = engine_verdict_predicted(&v[i]);
		wrapf(out, "", "  ", "You predicted: %s", said);
		free(said);
		char *seen = engine_verdict_seen(&v[i]);
		if (seen) {
			wrapf(out, "", "  ", "Observed: %s", seen);
			free(seen);
		}
		char *says = engine_verdict_says(&v[i]);
		wrap(out, says, strlen(says), "", "");
		free(says);
		blank = v[i].q->explain && print_text(out, v[i].q->explain);
	}
	return blank;
}

static void on_done(run *r, void *arg)
{
	(void)r;
	((batch_state *)arg)->done = 1;
}

/* After the statistics: other programs' share, when it was noticeable. */
static void print_other(FILE *out, const trace *t)
{
	trace_stats st;
	char note[200];
	trace_stats_compute(t, &st);
	if (trace_stats_other_note(&st, note, sizeof note)) {
		wrapf(out, "  ", "  ", "%s.", note);
	}
	trace_stats_free(&st);
}

/* After the statistics: each block's figures (trace_block_describe), one
 * item each, and each queue's length over the run, a digit a moment. */
#define BATCH_STRIP 60
static void print_blocks(FILE *out, const trace *t)
{
	if (!trace_nblocks(t)) return;
	fputs("  blocks:\n", out);
	for (size_t i = 0; i < trace_nblocks(t); i++) {
		char line[512];
		trace_block_describe(trace_block_at(t, i), line, sizeof line);
		wrap(out, line, strlen(line), "    ", "      ");
	}
	int64_t end = trace_end(t);
	for (size_t q = 0; q < trace_nqueues(t) && end > 0; q++) {   /* each queue's length over time */
		char strip[BATCH_STRIP + 1], caption[160];
		trace_queue_strip(t, q, end, BATCH_STRIP, strip, caption, sizeof caption);
		wrap(out, caption, strlen(caption), "    ", "      ");
		fprintf(out, "      %s\n", strip);
	}
}

/* ---- Dask's task stream: a table per worker, then the transfers ---- */

/* A Dask key for the transcript: each run of 9 or more hex digits (a
 * token of the graph) cut to its first 8 and "..", so that keys fit in a
 * line: "('series-sum-chunk-f4ab05f4..-e1905eb6..', 0)". */
static void short_key(char *dst, size_t cap, const char *key)
{
	size_t o = 0;
	for (const char *p = key; *p && o + 1 < cap;) {
		size_t n = strspn(p, "0123456789abcdef");
		if (n > 8) {
			int w = snprintf(dst + o, cap - o, "%.8s..", p);
			o += w > 0 && (size_t)w < cap - o ? (size_t)w : 0;
			p += n;
			continue;
		}
		if (!n) n = 1;
		while (n-- && *p && o + 1 < cap) dst[o++] = *p++;
	}
	dst[o] = '\0';
}

/* The workers' names in the transcript: the address without its scheme. */
static const char *dworker_short(const trace *t, int w, char *buf, size_t cap)
{
	const trace_dworker *dw = trace_dworker_at(t, (size_t)(w < 0 ? 0 : w));
	if (w < 0 || !dw) snprintf(buf, cap, "a worker not in the trace");
	else trace_dworker_short(dw, buf, cap);
	return buf;
}

#define BATCH_XFERS 8   /* transfers listed; the rest counted */

/* After the statistics, for a run with Dask workers (trace.h, trace_dask.c):
 * each worker (its address, where it ran), its threads' lanes (the lane's
 * name, the thread and its OS name where the capture saw it), how many
 * tasks and how long busy, and per key prefix how many and how long; then
 * the data moved between workers. All from the trace. */
static void print_dask(FILE *out, const trace *t)
{
	size_t nw = trace_ndworkers(t), np = trace_ndprefixes(t), nx = trace_ndxfers(t);
	if (!nw) return;
	int64_t end = trace_end(t) >= 0 ? trace_end(t) : trace_last(t);
	char a[24], b[96], c[160];
	long *cnt = xcalloc(np ? np : 1, sizeof *cnt);
	int64_t *ns = xcalloc(np ? np : 1, sizeof *ns);
	wrapf(out, "  ", "    ", "Dask: %zu worker%s, %zu task%s, %zu transfer%s between workers", nw, nw == 1 ? "" : "s",
	      trace_ndtasks(t), trace_ndtasks(t) == 1 ? "" : "s", nx, nx == 1 ? "" : "s");
	for (size_t w = 0; w < nw; w++) {
		const trace_dworker *dw = trace_dworker_at(t, w);
		long tasks = 0, lanes = 0;
		int64_t busy = 0;
		for (size_t l = 0; l < trace_ndlanes(t); l++) {
			if (trace_dlane_at(t, l)->worker != (int)w) continue;
			lanes++;
			tasks += trace_dlane_at(t, l)->ntasks;
			busy += trace_dlane_busy(t, l, 0, end);
		}
		char name[48] = "";
		if (dw->name[0]) snprintf(name, sizeof name, " (\"%s\")", dw->name);
		wrapf(out, "    ", "      ", "worker %s%s, %s: %ld task%s on %ld thread%s, %s busy", trace_dworker_short(dw, b, sizeof b),
		      name, trace_dworker_where_text(t, w, c, sizeof c), tasks, tasks == 1 ? "" : "s", lanes,
		      lanes == 1 ? "" : "s", trace_fmt_ns(a, sizeof a, busy));
		for (size_t l = 0; l < trace_ndlanes(t); l++) {
			const trace_dlane *ln = trace_dlane_at(t, l);
			if (ln->worker != (int)w) continue;
			memset(cnt, 0, sizeof *cnt * (np ? np : 1));
			memset(ns, 0, sizeof *ns * (np ? np : 1));
			size_t n;
			const size_t *ix = trace_dlane_tasks(t, l, &n);
			for (size_t i = 0; i < n; i++) {
				const trace_dtask *x = trace_dtask_at(t, ix[i]);
				int s = trace_dprefix_slot(t, x->prefix);
				int64_t e = x->t1 >= 0 ? x->t1 : end;
				cnt[s]++;
				ns[s] += e > x->t0 ? e - x->t0 : 0;
			}
			int k = trace_dlane_task(t, l);
			char os[64] = "";
			if (k >= 0) snprintf(os, sizeof os, " (%s)", trace_task_name(trace_task_at(t, k)));
			char *line = xasprintf("%s, thread %d%s: %d task%s, %s busy", trace_dlane_name(t, l, b, sizeof b),
					       (int)ln->tid, os, ln->ntasks, ln->ntasks == 1 ? "" : "s",
					       trace_fmt_ns(a, sizeof a, trace_dlane_busy(t, l, 0, end)));
			size_t len = strlen(line), cap = len + 1;
			for (size_t p = 0, first = 1; p < np; p++) {   /* "getitem 2 in 88.7ms" */
				if (!cnt[p]) continue;
				line = xgrow(line, &cap, len + 96 + strlen(trace_dprefix_at(t, p)), 1);
				len += (size_t)snprintf(line + len, cap - len, "%s %s %ld in %s", first ? ":" : ",",
							trace_dprefix_at(t, p), cnt[p], trace_fmt_ns(a, sizeof a, ns[p]));
				first = 0;
			}
			wrap(out, line, len, "      ", "        ");
			free(line);
		}
	}
	free(cnt);
	free(ns);
	if (!nx) return;
	wrapf(out, "  ", "    ", "Data moved between Dask workers (from -> to, bytes, time, key):");
	for (size_t i = 0; i < nx && i < BATCH_XFERS; i++) {
		const trace_dxfer *x = trace_dxfer_at(t, i);
		char from[96], key[160];
		short_key(key, sizeof key, x->key);
		wrapf(out, "    ", "      ", "%s -> %s: %lld B in %s, %s", dworker_short(t, x->from, from, sizeof from),
		      dworker_short(t, x->to, b, sizeof b), x->nbytes, trace_fmt_ns(a, sizeof a, x->t1 - x->t0), key);
	}
	if (nx > BATCH_XFERS) wrapf(out, "    ", "      ", "and %zu more", nx - BATCH_XFERS);
}

static int read_answer(FILE *in, char *line, size_t cap);

/* Runs the loop until the stepped run can take a step, or is over. */
static int sched_wait(engine *e, loop *l, const batch_state *st)
{
	while (!st->done && !engine_sched_ready(e)) loop_once(l, 100);
	return !st->done;
}

static void sched_print_next(engine *e, FILE *out)
{
	for (int w = 0; w < engine_sched_workers(e); w++) {
		char next[160];
		int can;
		engine_sched_next(e, w, next, sizeof next, &can);
		wrapf(out, "  ", "      ", "w%d: %s%s", w, next, can || !strcmp(next, "done") ? "" : " (cannot go now)");
	}
}

/* "search": the goal's claim checked over every schedule (up to its
 * bound); then the run goes on to its end. */
static void sched_search(engine *e, loop *l, FILE *out, const batch_state *st)
{
	char why[300];
	engine_goal g;
	if (engine_sched_search(e, why, sizeof why) < 0) {
		wrapf(out, "", "  ", "search: %s", why);
	} else {
		while (!st->done && engine_sched_goal(e, &g) && (g.searching || engine_sched_replaying(e))) loop_once(l, 100);
		if (engine_sched_goal(e, &g) && g.search) wrapf(out, "", "  ", "search: %s", g.search);
		if (g.reached_at >= 0) {
			int n;
			const int *sched = engine_sched_list(e, &n);
			fprintf(out, "its schedule:");
			for (int i = 0; i < n; i++) fprintf(out, " %d", sched[i]);
			fputc('\n', out);
		}
	}
	fprintf(out, "go: every worker that can goes, in turn\n");
	fflush(out);
	while (!st->done && !engine_sched_ready(e)) loop_once(l, 100);
	engine_sched_go(e);
}

/* What came of a stepped run's goal, after the run. */
static void print_goal(engine *e, FILE *out)
{
	engine_goal g;
	if (!engine_sched_goal(e, &g)) return;
	if (g.error) wrapf(out, "", "  ", "goal: not judged: %s", g.error);
	else if (g.never && g.reached_at >= 0)
		wrapf(out, "", "  ", "goal: a schedule did what the claim says never happens, at step %d%s%s", g.reached_at,
		      g.msg ? ": " : "", g.msg ? g.msg : "");
	else if (g.never) wrapf(out, "", "  ", "goal: %s", g.proved ? "proved: no schedule does what the claim says never happens"
							      : "not proved: search every schedule (type search as the schedule)");
	else if (g.reached_at >= 0)
		wrapf(out, "", "  ", "goal reached at step %d%s%s", g.reached_at, g.msg ? ": " : "", g.msg ? g.msg : "");
	else wrapf(out, "", "  ", "goal not reached (%d step%s)", g.steps, g.steps == 1 ? "" : "s");
}

/* A stepped run (run{ stepper = true }): the schedule is one answer line
 * of worker ids ("0 0 1 0"); each step is said, then what every worker
 * would do next; then every worker that can goes, in turn, to the end. */
static void sched_drive(engine *e, loop *l, FILE *in, FILE *out, const batch_state *st)
{
	char line[4096] = "";
	fputs("schedule> ", out);
	fflush(out);
	if (!read_answer(in, line, sizeof line)) line[0] = '\0';
	fputc('\n', out);
	if (!sched_wait(e, l, st)) return;
	fprintf(out, "stepped run: the workers wait at their first steps\n");
	engine_goal g;
	if (engine_sched_goal(e, &g)) wrapf(out, "", "  ", "goal: %s", g.text);
	sched_print_next(e, out);
	char word[8];
	if (sscanf(line, " %7s", word) == 1 && !strcmp(word, "search")) { sched_search(e, l, out, st); return; }
	int k = 0;
	for (char *tok = strtok(line, " \t,"); tok; tok = strtok(NULL, " \t,")) {
		char *end, what[200];
		long w = strtol(tok[0] == 'w' ? tok + 1 : tok, &end, 10);
		if (!sched_wait(e, l, st)) return;   /* first: a Python program's workers appear as it runs */
		if (*end || end == tok || w < 0 || w >= engine_sched_workers(e)) {
			wrapf(out, "", "  ", "schedule: '%s' is not a worker (w0 to w%d): the schedule stops there", tok,
			      engine_sched_workers(e) - 1);
			break;
		}
		if (engine_sched_step(e, (int)w, what, sizeof what) < 0) {
			wrapf(out, "", "  ", "step %d: %s: the schedule stops there", k + 1, what);
			break;
		}
		wrapf(out, "", "  ", "step %d: w%ld %s", ++k, w, what);
	}
	if (!sched_wait(e, l, st)) return;
	fprintf(out, "after %d step%s, next:\n", k, k == 1 ? "" : "s");
	sched_print_next(e, out);
	fprintf(out, "go: every worker that can goes, in turn\n");
	fflush(out);
	engine_sched_go(e);
}

/* Preparing a run for longer than this is said in the transcript. */
#define BATCH_PREP_SAY_NS 1000000000LL

static int do_run(engine *e, loop *l, const step *s, FILE *in, FILE *out)
{
	int one = s->nworkers == 1;
	const char *kind = s->rkind == RUN_PROCESSES ? (one ? "process" : "processes")
			   : s->rkind == RUN_THREADS ? (one ? "thread" : "threads") : "command";
	fprintf(out, "--- run: %s (", s->title);
	if (s->rkind == RUN_COMMAND)
		for (char **a = s->argv; a && *a; a++) fprintf(out, "%s%s", a == s->argv ? "" : " ", *a);
	else
		fprintf(out, "%d %s", s->nworkers, kind);
	fprintf(out, ") ---\n");
	fflush(out);
	batch_state st = { out, 0 };
	run_events ev = { NULL, on_done, &st, NULL };
	char *err = NULL;
	if (engine_run(e, &ev, &err) < 0) {
		fprintf(out, "parlab: cannot start the run: %s\n", err);
		free(err);
		return 1;
	}
	/* A preparation that takes a while (a large CSV, finding a Python) is
	 * said once, at the time it is being done; a quick one not at all, so
	 * that transcripts stay the same from one machine to the next. */
	int said_prep = 0;
	if (s->stepper == STEPPER_ON) sched_drive(e, l, in, out, &st);   /* "allow": batch runs it freely */
	while (!st.done) {
		loop_once(l, said_prep ? 1000 : 100);
		int64_t since;
		const char *prep = said_prep ? NULL : engine_preparing(e, &since);
		if (prep && loop_now_ns() - since > BATCH_PREP_SAY_NS) {
			fprintf(out, "preparing: %s...\n", prep);
			fflush(out);
			said_prep = 1;
		}
	}
	trace *t = engine_trace(e);
	char w[24];
	print_lines(out, t);
	print_marks(out, t);
	fputc('\n', out);
	wrapf(out, "", "  ", "run %s after %s: %s", s->title, trace_fmt_ns(w, sizeof w, trace_end(t)), trace_outcome(t));
	if (s->stepper == STEPPER_ON) print_goal(e, out);
	int ran = trace_outcome_kind(t) != TRACE_NOT_RUN;   /* not run: no tasks, no figures, no note (as on screen) */
	if (ran) {
		fprintf(out, "capture: %s, %d CPUs\n", trace_backend(t), trace_ncpu(t));
		print_summary(out, t);
		fputc('\n', out);
		trace_stats_print(t, out);
		print_other(out, t);
		print_blocks(out, t);
		print_dask(out, t);
	}
	int unsaved = 0;
	if (save_dir) { fputc('\n', out); unsaved = save_run(t, s, out); }
	char *note = ran ? engine_run_note(e, s) : NULL;
	int blank = 0;
	if (note) { fputc('\n', out); blank = print_text(out, note); }
	free(note);
	if (!print_verdicts(e, s, out, blank)) fputc('\n', out);
	return engine_run_failed(e) || unsaved;
}

/* Says how an answer was judged, in the engine's words (the TUI's too);
 * input of no answer's shape, and the right answer after it. */
/* The right answer as shown; a question from a run: what its run gives
 * now, or why it gives none. */
static char *shown_of(engine *e, const step *s)
{
	char *m = NULL;
	if (!s->from) return engine_answer_shown(s);
	engine_from_answer(e, s, &m);
	return m;
}

static void print_judged(engine *e, const step *s, const char *line, int rc, FILE *out)
{
	if (rc < 0) {
		char *no = engine_not_an_answer(s, line), *shown = shown_of(e, s);
		wrapf(out, "", "", "%s. %s", no, shown);
		free(no);
		free(shown);
		return;
	}
	engine_feedback fb;
	engine_feedback_of(e, s, &fb);
	if (fb.said) wrap(out, fb.text, strlen(fb.text), "", "");
	engine_feedback_free(&fb);
}

/* The next answer line: comments (#) passed over, the newline dropped, a
 * line longer than cap cut there (the rest is not the next answer). */
static int read_answer(FILE *in, char *line, size_t cap)
{
	char *buf = NULL;
	size_t n = 0;
	ssize_t len = -1;
	if (in)
		while ((len = getline(&buf, &n, in)) >= 0 && buf[0] == '#') {}
	if (len >= 0) {
		buf[strcspn(buf, "\r\n")] = '\0';
		snprintf(line, cap, "%s", buf);
	}
	free(buf);
	return len >= 0;
}

/* Whether an answer line asks for a hint ("hint", any case, spaces
 * around), as the TUI's command of that name. */
static int is_hint(const char *line)
{
	while (*line == ' ' || *line == '\t') line++;
	if (strncasecmp(line, "hint", 4)) return 0;
	for (line += 4; *line == ' ' || *line == '\t'; line++) {}
	return !*line;
}

/* Prompts and reads the answer line; a line "hint" prints the next hint
 * (as the TUI shows it under the question) and reads the next line. */
static int ask(engine *e, const step *s, FILE *in, FILE *out, char *line, size_t cap)
{
	for (;;) {
		fputs("answer> ", out);
		fflush(out);
		if (!read_answer(in, line, cap)) return 0;
		if (!is_hint(line)) return 1;
		fprintf(out, "%s\n", line);
		const char *h = engine_hint(e);
		if (h) wrap_lesson(out, h, "Hint: ", "      ");
		else fputs(s->nhints ? "No more hints.\n" : "This question has no hints.\n", out);
	}
}

static void do_quiz(engine *e, const step *s, FILE *in, FILE *out)
{
	numbered = xgrow(numbered, &capnumbered, nnumbered + 1, sizeof *numbered);
	numbered[nnumbered++] = s;
	fprintf(out, "--- question %zu%s ---\n", nnumbered,
		s->predict ? " (predict, then observe)" : s->from ? " (from your run)" : "");
	wrap_lesson(out, s->body, "", "");
	for (int i = 0; i < s->nchoices; i++) {
		char num[16];
		snprintf(num, sizeof num, "  %d) ", i + 1);
		wrap_lesson(out, s->choices[i], num, "     ");
	}
	if (s->nchoices) fputc('\n', out);   /* a blank line after the list, as on the screen */
	if (quiz_shows_prompt(s)) fprintf(out, "%s\n", engine_quiz_prompt(s));
	char line[512];
	char *cannot = NULL;
	if (s->from && engine_from_answer(e, s, &cannot) == 0) {
		free(cannot);
		cannot = NULL;
	}
	int got = ask(e, s, in, out, line, sizeof line);
	if (cannot) {   /* its run has not happened (or cannot tell): not judged */
		fprintf(out, "%s\n", got ? line : "");
		wrap(out, cannot, strlen(cannot), "", "");
		fputc('\n', out);
		free(cannot);
		return;
	}
	if (!got || !strcmp(line, "-") || !*line) {
		fputs("(no answer: skipped)\n", out);
		if (s->predict) fprintf(out, "The run \"%s\" will show what happens.\n\n", s->predict);
		else {
			char *shown = shown_of(e, s);
			wrap(out, shown, strlen(shown), "", "");
			free(shown);
		}
		if (!s->predict && !(s->explain && print_text(out, s->explain))) fputc('\n', out);
		return;
	}
	fprintf(out, "%s\n", line);
	quiz_result res;
	int rc = engine_answer(e, line, &res);
	if (rc == 0 && res.predicted) {
		char *kept = engine_prediction_kept(s);
		fprintf(out, "%s\n\n", kept);
		free(kept);
		return;
	}
	if (rc < 0 && s->predict) {
		char *no = engine_not_an_answer(s, line);
		fprintf(out, "%s: no prediction kept.\n\n", no);
		free(no);
		return;
	}
	engine_reveal(e, s);   /* the answer goes on the page now */
	print_judged(e, s, line, rc, out);
	if (!(s->explain && print_text(out, s->explain))) fputc('\n', out);
}

int batch_main(engine *e, loop *l, FILE *in, FILE *to)
{
	FILE *out = inert_open(to);
	course *c = engine_course(e);
	int failed = 0, last_lesson = -1, moved;
	fprintf(out, "=== %s ===\n", course_title(c));
	engine_goto(e, 0, 0);
	do {
		const step *s = engine_step(e);
		int li = engine_lesson_index(e);
		if (li != last_lesson) {
			fprintf(out, "\n== Lesson %d/%d: %s ==\n\n", li + 1, course_nlessons(c), engine_lesson(e)->title);
			last_lesson = li;
		}
		switch (s->kind) {
		case STEP_TEXT:
			if (s->title) fprintf(out, "# %s\n\n", s->title);
			{
				char *body = engine_text_body(e, s);
				print_text(out, body);
				free(body);
			}
			break;
		case STEP_CODE: print_code(out, s); break;
		case STEP_RUN: failed |= do_run(e, l, s, in, out); break;
		case STEP_QUIZ: do_quiz(e, s, in, out); break;
		}
		fflush(out);
	} while ((moved = engine_next(e)) == 0);
	if (moved == -2) {
		const step *b = engine_blocker(e, engine_lesson_index(e), engine_step_index(e) + 1);
		fprintf(out, "parlab: stopped: lesson %d does not let you skip its questions, and question %d "
			"(%s:%d) has no answer yet. Give answers on stdin or with --answers FILE.\n",
			engine_lesson_index(e) + 1, question_no(b), b->file, b->line);
		failed = 1;
	}
	int right, asked;
	engine_score(e, &right, &asked);
	/* The TUI's score: questions answered (judged) so far; the rest said apart. */
	char more[64] = "";
	if ((int)nnumbered > asked) snprintf(more, sizeof more, " (%d more not answered or not judged)", (int)nnumbered - asked);
	wrapf(out, "", "", "=== end of %s: %d of %d questions answered right%s ===", course_title(c), right, asked, more);
	if (getenv("PARLAB_SELF_STATS")) {   /* for scripts/bench: the screen side's own cost */
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		fprintf(stderr, "parlab-self-cpu-us %ld\n",
			(long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
		fprintf(stderr, "parlab-maxrss-kb %ld\n", ru.ru_maxrss);
	}
	if (out != to) fclose(out);
	return failed ? 1 : 0;
}
