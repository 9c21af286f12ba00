/*
 * trace.c: the trace data model (trace.h): tasks and their state slices,
 * output lines (sanitized on the way in), marks, CPU counter samples, and
 * how the run ended.
 */
#include "trace/trace.h"
#include "trace/line_store.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

typedef struct {
	trace_task info;
	trace_slice *slices;
	size_t nslices, capslices;
} task_rec;

struct trace {
	char *title, *backend, *outcome;
	trace_end_kind end_kind;
	int64_t start, end, last;
	int ncpu;
	task_rec *tasks;
	size_t ntasks, captasks;
	trace_line *lines;   /* in order; with an output cap (trace_set_line_cap): the
	                        head, a gap slot, then a ring of the latest */
	size_t nlines, caplines, dropped;
	struct { size_t lines, bytes; } head_cap, tail_cap;   /* 0: no cap */
	size_t nhead, head_bytes;   /* capped: lines (bytes) in the head, full once it stops taking them */
	int head_full, gap;         /* the head takes no more; the gap line is there */
	int gap_stale;              /* its words are not yet said anew (gap_text) */
	size_t gap_dropped, gap_tn; /* what it says: lines not kept, lines in the ring */
	size_t tstart, tn, tail_bytes;   /* the ring: first, count, bytes */
	line_store head_text, tail_text; /* the lines' text (the gap line's is its own) */
	trace_mark *marks;
	size_t nmarks, capmarks;
	trace_span *spans;
	size_t nspans, capspans;
	size_t nspans_of[TRACE_SPAN_NKINDS];   /* how many of each kind */
	unsigned long ev_dropped;
	trace_cpusample *samples;   /* in time order */
	size_t nsamples, capsamples;
	char *scratch;              /* trace_line_add sanitizes here first (SCRATCH_MAX) */
	unsigned long version, lost;
	struct trace_blocks *blocks;   /* trace_blocks.c */
	struct trace_dask *dask;       /* trace_dask.c */
};

static trace_line *line_slot(const trace *t, size_t i);

#define SCRATCH_MAX (64u << 10)   /* a line longer than a third of it gets a buffer of its own */

static const char *state_names[TS_NSTATES] = {
	"unknown", "running", "runnable", "sleeping", "blocked", "exited",
};

const char *trace_state_name(trace_state s)
{
	return (s >= 0 && s < TS_NSTATES) ? state_names[s] : "?";
}

trace *trace_new(const char *title, int64_t start_ns)
{
	trace *t = xcalloc(1, sizeof *t);
	t->title = xstrdup(title ? title : "run");
	t->backend = xstrdup("none");
	t->start = start_ns;
	t->end = -1;
	t->ncpu = 1;
	return t;
}

void trace_free(trace *t)
{
	if (!t) return;
	for (size_t i = 0; i < t->ntasks; i++) free(t->tasks[i].slices);
	if (t->gap) free(t->lines[t->head_cap.lines].text);
	line_store_clear(&t->head_text);
	line_store_clear(&t->tail_text);
	for (size_t i = 0; i < t->nmarks; i++) free(t->marks[i].text);
	free(t->tasks);
	free(t->lines);
	free(t->scratch);
	free(t->marks);
	free(t->spans);
	free(t->samples);
	free(t->title);
	free(t->backend);
	free(t->outcome);
	trace_blocks_free(t->blocks);
	trace_dask_free(t->dask);
	free(t);
}

struct trace_blocks **trace_blocks_slot(const trace *t) { return &((trace *)t)->blocks; }
void trace_touch_store(trace *t) { t->version++; }
struct trace_dask **trace_dask_slot(const trace *t) { return &((trace *)t)->dask; }

static void touch(trace *t, int64_t at)
{
	t->version++;
	if (at > t->last) t->last = at;
}

const char *trace_title(const trace *t) { return t->title; }

void trace_restart(trace *t, int64_t start_ns)
{
	int64_t d = start_ns - t->start;
	t->start = start_ns;
	for (size_t i = 0; i < t->nlines; i++) {
		trace_line *l = line_slot(t, i);
		l->t = l->t > d ? l->t - d : 0;
	}
	for (size_t i = 0; i < t->nmarks; i++) t->marks[i].t = t->marks[i].t > d ? t->marks[i].t - d : 0;
	for (size_t i = 0; i < t->nspans; i++) {
		trace_span *sp = &t->spans[i];
		sp->t0 = sp->t0 > d ? sp->t0 - d : 0;
		if (sp->t1 >= 0) sp->t1 = sp->t1 > d ? sp->t1 - d : 0;
	}
	size_t k = 0;
	for (size_t i = 0; i < t->nsamples; i++)
		if (t->samples[i].t >= d) { t->samples[k] = t->samples[i]; t->samples[k++].t -= d; }
	t->nsamples = k;
	t->last = t->last > d ? t->last - d : 0;
	t->version++;
}
int64_t trace_start_ns(const trace *t) { return t->start; }
int64_t trace_rel(const trace *t, int64_t abs_ns) { return abs_ns - t->start; }
void trace_set_ncpu(trace *t, int ncpu) { t->ncpu = ncpu > 0 ? ncpu : 1; t->version++; }
int trace_ncpu(const trace *t) { return t->ncpu; }
const char *trace_backend(const trace *t) { return t->backend; }
int64_t trace_end(const trace *t) { return t->end; }
int64_t trace_last(const trace *t) { return t->end >= 0 ? t->end : t->last; }
const char *trace_outcome(const trace *t) { return t->outcome; }
unsigned long trace_version(const trace *t) { return t->version; }

void trace_set_backend(trace *t, const char *name)
{
	free(t->backend);
	t->backend = xstrdup(name);
	t->version++;
}

void trace_set_lost(trace *t, unsigned long lost) { t->lost = lost; t->version++; }
unsigned long trace_lost(const trace *t) { return t->lost; }

void trace_finish_as(trace *t, int64_t end, trace_end_kind kind, const char *outcome)
{
	if (end < t->last) end = t->last;
	t->end = end;
	for (size_t i = 0; i < t->nspans; i++)
		if (t->spans[i].t1 < 0) t->spans[i].t1 = end > t->spans[i].t0 ? end : t->spans[i].t0;
	trace_dask_finish(t, end);
	t->end_kind = kind > TRACE_RUNNING && kind < TRACE_NEND_KINDS ? kind : TRACE_ENDED;
	free(t->outcome);
	t->outcome = outcome ? xstrdup(outcome) : NULL;
	t->version++;
}

void trace_finish(trace *t, int64_t end, const char *outcome)
{
	trace_finish_as(t, end, trace_end_kind_infer(outcome), outcome);
}

trace_end_kind trace_outcome_kind(const trace *t) { return t->end_kind; }

int trace_failed(const trace *t)
{
	switch (t->end_kind) {
	case TRACE_FINISHED: case TRACE_NOT_RUN: return 0;
	case TRACE_FAILED: case TRACE_CRASHED: case TRACE_TIMED_OUT: case TRACE_STOPPED: case TRACE_RUNNER_FAILED:
	case TRACE_DEADLOCK:
		return 1;
	case TRACE_RUNNING: case TRACE_ENDED: case TRACE_NEND_KINDS: break;
	}
	for (size_t i = 0; i < t->ntasks; i++) {
		int st = t->tasks[i].info.exit_status;
		if (st >= 0 && (!WIFEXITED(st) || WEXITSTATUS(st))) return 1;
	}
	return 0;
}

/* ---- outcome kinds ---------------------------------------------------------- */

static const char *const end_kind_names[TRACE_NEND_KINDS] = {
	"running", "finished", "failed", "crashed", "timed_out", "stopped", "not_run", "runner_failed", "ended", "deadlock",
};

const char *trace_end_kind_name(trace_end_kind k)
{
	return k >= 0 && k < TRACE_NEND_KINDS ? end_kind_names[k] : "?";
}

int trace_end_kind_from_name(const char *name)
{
	for (int k = 0; k < TRACE_NEND_KINDS; k++)
		if (!strcmp(name, end_kind_names[k])) return k;
	return -1;
}

static int starts(const char *s, const char *prefix) { return !strncmp(s, prefix, strlen(prefix)); }

static int ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

/* Follows run.c's wording (outcome()), which has only grown since trace
 * files exist ("failed: ...", for workers that could not start, came after
 * version 1 files): order matters, a stop's reason is free text. */
trace_end_kind trace_end_kind_infer(const char *s)
{
	if (!s) return TRACE_RUNNING;
	if (starts(s, "finished: ")) return TRACE_FINISHED;
	if (starts(s, "not run")) return TRACE_NOT_RUN;
	if (starts(s, "the runner failed (")) return TRACE_RUNNER_FAILED;
	if (ends(s, ": the run was stopped; every task killed and reaped")) return TRACE_CRASHED;
	if (starts(s, "deadlock") && ends(s, "; every task killed and reaped")) return TRACE_DEADLOCK;
	if (starts(s, "timed out after ") && ends(s, ": every task killed and reaped")) return TRACE_TIMED_OUT;
	if (ends(s, ": every task killed and reaped")) return TRACE_STOPPED;
	if (starts(s, "failed: ") || strstr(s, " workers failed: ") || strstr(s, " exit ") || strstr(s, " killed by ")) return TRACE_FAILED;
	return TRACE_ENDED;
}

int trace_task_add(trace *t, pid_t pid, pid_t tid, pid_t ppid, int worker, const char *label)
{
	t->tasks = xgrow(t->tasks, &t->captasks, t->ntasks + 1, sizeof *t->tasks);
	task_rec *r = &t->tasks[t->ntasks];
	memset(r, 0, sizeof *r);
	trace_task *k = &r->info;
	k->pid = pid;
	k->tid = tid;
	k->ppid = ppid;
	k->worker = worker;
	k->is_thread = pid != tid;
	k->born = k->died = -1;
	k->exit_status = -1;
	k->last_cpu = -1;
	k->nvcsw = k->nivcsw = k->migrations = -1;
	if (label && *label)
		snprintf(k->label, sizeof k->label, "%s", label);
	else
		snprintf(k->label, sizeof k->label, "%s%d", k->is_thread ? "T" : "P", (int)tid);
	t->version++;
	return (int)t->ntasks++;
}

int trace_task_find(const trace *t, pid_t tid)
{
	/* Newest first: a recycled tid belongs to the latest task. */
	for (size_t i = t->ntasks; i-- > 0;)
		if (t->tasks[i].info.tid == tid) return (int)i;
	return -1;
}

int trace_ntasks(const trace *t) { return (int)t->ntasks; }

trace_task *trace_task_get(trace *t, int id)
{
	if (id < 0 || (size_t)id >= t->ntasks) return NULL;
	t->version++;   /* the caller may change it */
	return &t->tasks[id].info;
}

const trace_task *trace_task_at(const trace *t, int id)
{
	if (id < 0 || (size_t)id >= t->ntasks) return NULL;
	return &t->tasks[id].info;
}

void trace_slice_add(trace *t, int task, int64_t t0, int64_t t1, trace_state st, int cpu)
{
	if (task < 0 || (size_t)task >= t->ntasks || t1 < t0) return;
	task_rec *r = &t->tasks[task];
	if (st != TS_RUNNING) cpu = -1;
	if (st == TS_RUNNING && cpu >= 0 && cpu < 64) r->info.cpus |= 1ULL << cpu;
	if (r->nslices) {
		trace_slice *p = &r->slices[r->nslices - 1];
		if (t0 < p->t1) t0 = p->t1;   /* slices of a task never overlap */
		if (t1 < t0) return;
		if (p->state == st && p->cpu == cpu && t0 == p->t1) {
			p->t1 = t1;
			touch(t, t1);
			return;
		}
	}
	r->slices = xgrow(r->slices, &r->capslices, r->nslices + 1, sizeof *r->slices);
	r->slices[r->nslices++] = (trace_slice){ t0, t1, st, cpu };
	touch(t, t1);
}

int trace_slice_move_start(trace *t, int task, size_t i, int64_t t0)
{
	if (task < 0 || (size_t)task >= t->ntasks || i >= t->tasks[task].nslices) return -1;
	task_rec *r = &t->tasks[task];
	trace_slice *s = &r->slices[i], *p = i ? &r->slices[i - 1] : NULL;
	int meet = p && p->t1 == s->t0;
	if (t0 >= s->t1 || (meet && t0 <= p->t0) || (p && !meet && t0 < p->t1) ||
	    (r->info.born >= 0 && t0 < r->info.born))
		return -1;
	if (meet) p->t1 = t0;
	s->t0 = t0;
	touch(t, t0);
	return 0;
}

const trace_slice *trace_slices(const trace *t, int task, size_t *n)
{
	if (task < 0 || (size_t)task >= t->ntasks) { *n = 0; return NULL; }
	*n = t->tasks[task].nslices;
	return t->tasks[task].slices;
}

trace_state trace_state_at(const trace *t, int task, int64_t at, int *cpu)
{
	size_t n;
	const trace_slice *s = trace_slices(t, task, &n);
	if (cpu) *cpu = -1;
	size_t lo = 0, hi = n;
	while (lo < hi) {   /* first slice with t1 > at */
		size_t mid = (lo + hi) / 2;
		if (s[mid].t1 <= at) lo = mid + 1; else hi = mid;
	}
	if (lo < n && s[lo].t0 <= at) {
		if (cpu) *cpu = s[lo].cpu;
		return s[lo].state;
	}
	const trace_task *k = &t->tasks[task].info;
	if (k->died >= 0 && at >= k->died) return TS_EXITED;
	return TS_UNKNOWN;
}

size_t trace_sanitize(char *dst, size_t cap, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0, i = 0;
	if (!cap) return 0;
	while (i < len && o + 4 < cap) {
		unsigned char c = s[i];
		if (c >= 0x20 && c < 0x7f) {   /* a run of plain ASCII, copied as it is */
			size_t j = i + 1, room = cap - 4 - o;   /* each byte wants o + 4 < cap */
			size_t end = len - i < room ? len : i + room;
			while (j < end && s[j] >= 0x20 && s[j] < 0x7f) j++;
			memcpy(dst + o, s + i, j - i);
			o += j - i;
			i = j;
			continue;
		}
		if (c == 0x1b) {   /* skip an escape sequence: ESC [ ... final */
			i++;
			if (i < len && (s[i] == '[' || s[i] == ']')) {
				int osc = s[i] == ']';
				i++;
				while (i < len) {
					unsigned char d = s[i++];
					if (osc ? (d == 0x07) : (d >= 0x40 && d <= 0x7e)) break;
					if (osc && d == 0x1b) { if (i < len) i++; break; }
				}
			} else if (i < len) {
				i++;
			}
			continue;
		}
		if (c == '\t') {
			do dst[o++] = ' '; while (o % 4 && o + 4 < cap);
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) { i++; continue; }   /* \r, \b, bells... */
		size_t n = utf8_safe_len(src + i, len - i);
		if (!n) {   /* U+FFFD */
			dst[o++] = (char)0xEF; dst[o++] = (char)0xBF; dst[o++] = (char)0xBD;
			i++;
			continue;
		}
		memcpy(dst + o, s + i, n);
		o += n;
		i += n;
	}
	dst[o] = '\0';
	return o;
}

void trace_set_line_cap(trace *t, size_t head_lines, size_t head_bytes, size_t tail_lines, size_t tail_bytes)
{
	if (t->head_cap.lines || t->nlines >= head_lines || !head_lines || !tail_lines) return;
	t->nhead = t->nlines;   /* lines before it (a run's preparation) are its head's */
	for (size_t i = 0; i < t->nlines; i++) t->head_bytes += strlen(t->lines[i].text);
	t->head_cap.lines = head_lines;
	t->head_cap.bytes = head_bytes;
	t->tail_cap.lines = tail_lines;
	t->tail_cap.bytes = tail_bytes;
}

/* The gap line's words, said anew when its counts moved since. They are
 * put in words only when the line is read (a flood drops a line for each
 * one it adds: one snprintf and allocation each would cost more than the
 * line). The trace's own memory: const only to its readers. */
static void gap_text(const trace *ct)
{
	trace *t = (trace *)ct;
	if (!t->gap_stale) return;
	trace_line *g = &t->lines[t->head_cap.lines];
	free(g->text);
	g->text = xasprintf("... %zu lines not kept here: the output cap keeps the first %zu and the last %zu lines ...",
			    t->gap_dropped, t->nhead, t->gap_tn);
	t->gap_stale = 0;
}

/* Physical slot of line i (0 <= i < nlines). */
static trace_line *line_slot(const trace *t, size_t i)
{
	if (!t->head_full || i < t->nhead) return &t->lines[i];
	i -= t->nhead;
	size_t ring = t->head_cap.lines + 1;
	if (t->gap && i-- == 0) {
		gap_text(t);
		return &t->lines[t->head_cap.lines];
	}
	return &t->lines[ring + (t->tstart + i) % t->tail_cap.lines];
}

/* The line that stands for the lines not kept, its count to be said anew
 * (gap_text). */
static void gap_say(trace *t, int64_t at)
{
	trace_line *g = &t->lines[t->head_cap.lines];
	if (!t->gap) {
		t->gap = 1;
		t->nlines++;
		*g = (trace_line){ -1, at, 0, NULL };
	}
	t->gap_dropped = t->dropped;
	t->gap_tn = t->tn;
	t->gap_stale = 1;
}

/* Capped: the head is full, the line goes into the ring, the oldest there
 * out when it is full (by lines or by bytes). */
static void line_ring(trace *t, trace_line l, size_t len)
{
	size_t ring = t->head_cap.lines + 1;
	if (!t->lines || t->caplines < ring + t->tail_cap.lines) {
		size_t want = ring + t->tail_cap.lines;
		t->lines = xrealloc(t->lines, want * sizeof *t->lines);
		t->caplines = want;
	}
	while (t->tn && (t->tn == t->tail_cap.lines || t->tail_bytes + len > t->tail_cap.bytes)) {
		trace_line *old = &t->lines[ring + t->tstart];
		t->tail_bytes -= strlen(old->text);
		int64_t when = old->t;
		line_store_drop(&t->tail_text, old->text);
		t->tstart = (t->tstart + 1) % t->tail_cap.lines;
		t->tn--;
		t->nlines--;
		t->dropped++;
		if (!t->gap) gap_say(t, when);
	}
	t->lines[ring + (t->tstart + t->tn) % t->tail_cap.lines] = l;
	t->tn++;
	t->nlines++;
	t->tail_bytes += len;
	if (t->gap) gap_say(t, 0);
}

void trace_line_add(trace *t, int task, int64_t at, int stream, const char *buf, size_t len)
{
	size_t cap = len * 3 + 8, n;   /* a bad byte may become 3 */
	char *clean;
	if (cap <= SCRATCH_MAX) {   /* the usual line */
		if (!t->scratch) t->scratch = xmalloc(SCRATCH_MAX);
		clean = t->scratch;
	} else {
		clean = xmalloc(cap);
	}
	n = trace_sanitize(clean, cap, buf, len);
	if (t->head_cap.lines && !t->head_full &&
	    (t->nhead == t->head_cap.lines || t->head_bytes + n > t->head_cap.bytes)) t->head_full = 1;
	trace_line l = { task, at, stream, line_store_add(t->head_full ? &t->tail_text : &t->head_text, clean, n) };
	if (clean != t->scratch) free(clean);
	if (t->head_full) {
		line_ring(t, l, n);
	} else {
		t->lines = xgrow(t->lines, &t->caplines, t->nlines + 1, sizeof *t->lines);
		t->lines[t->nlines++] = l;
		t->nhead++;
		t->head_bytes += n;
	}
	touch(t, at);
}

size_t trace_nlines(const trace *t) { return t->nlines; }
const trace_line *trace_line_at(const trace *t, size_t i) { return i < t->nlines ? line_slot(t, i) : NULL; }
void trace_lines_dropped(trace *t, size_t n) { t->dropped += n; t->version++; }
size_t trace_ndropped(const trace *t) { return t->dropped; }

void trace_mark_add(trace *t, int64_t at, const char *text) { trace_mark_add_task(t, -1, at, text); }

void trace_mark_add_task(trace *t, int task, int64_t at, const char *text)
{
	size_t len = strlen(text), cap = len * 3 + 8;
	char *clean = xmalloc(cap);
	trace_sanitize(clean, cap, text, len);
	t->marks = xgrow(t->marks, &t->capmarks, t->nmarks + 1, sizeof *t->marks);
	t->marks[t->nmarks++] = (trace_mark){ at, clean, task >= 0 && (size_t)task < t->ntasks ? task : -1 };
	touch(t, at);
}

/* ---- coordination spans -------------------------------------------------- */

static void copy_name(char *dst, const char *src)
{
	size_t n = src ? strlen(src) : 0;
	if (n >= TRACE_SPAN_NAME) n = TRACE_SPAN_NAME - 1;
	if (n) memcpy(dst, src, n);
	dst[n] = '\0';
}

size_t trace_span_open(trace *t, int task, trace_span_kind kind, int64_t at, const char *what, const char *block,
		       int holder)
{
	trace_span sp = { .task = task, .kind = kind, .t0 = at, .t1 = -1, .holder = holder };
	copy_name(sp.what, what);
	copy_name(sp.block, block);
	trace_span_add(t, &sp);
	return t->nspans - 1;
}

void trace_span_add(trace *t, const trace_span *sp)
{
	t->spans = xgrow(t->spans, &t->capspans, t->nspans + 1, sizeof *t->spans);
	t->spans[t->nspans++] = *sp;
	if ((unsigned)sp->kind < TRACE_SPAN_NKINDS) t->nspans_of[sp->kind]++;
	touch(t, sp->t1 > sp->t0 ? sp->t1 : sp->t0);
}

void trace_span_close(trace *t, size_t i, int64_t at)
{
	if (i >= t->nspans) return;
	trace_span *sp = &t->spans[i];
	sp->t1 = at > sp->t0 ? at : sp->t0;
	touch(t, sp->t1);
}

size_t trace_nspans(const trace *t) { return t->nspans; }
const char *trace_span_kind_word(trace_span_kind kind)
{
	return kind == TRACE_SPAN_HELD ? "held" : kind == TRACE_SPAN_STEP ? "step" : "blocked";
}

size_t trace_nspans_of(const trace *t, trace_span_kind kind)
{
	return (unsigned)kind < TRACE_SPAN_NKINDS ? t->nspans_of[kind] : 0;
}
const trace_span *trace_span_at(const trace *t, size_t i) { return i < t->nspans ? &t->spans[i] : NULL; }

const trace_span *trace_span_find(const trace *t, int task, trace_span_kind kind, int64_t at)
{
	const trace_span *best = NULL;
	for (size_t i = 0; i < t->nspans; i++) {
		const trace_span *sp = &t->spans[i];
		if (sp->task != task || sp->kind != kind || at < sp->t0) continue;
		if (sp->t1 >= 0 && at >= sp->t1 && !(sp->t1 == sp->t0 && at == sp->t0)) continue;
		if (!best || sp->t0 >= best->t0) best = sp;
	}
	return best;
}

static int64_t spans_ns(const trace *t, int task, trace_span_kind kind)
{
	int64_t sum = 0, last = trace_last(t);
	for (size_t i = 0; i < t->nspans; i++) {
		const trace_span *sp = &t->spans[i];
		if (sp->task != task || sp->kind != kind) continue;
		int64_t e = sp->t1 >= 0 ? sp->t1 : last;
		if (e > sp->t0) sum += e - sp->t0;
	}
	return sum;
}

int64_t trace_blocked_ns(const trace *t, int task) { return spans_ns(t, task, TRACE_SPAN_BLOCKED); }
int64_t trace_step_ns(const trace *t, int task) { return spans_ns(t, task, TRACE_SPAN_STEP); }

char *trace_span_describe(const trace *t, const trace_span *sp, char *buf, size_t cap)
{
	char what[TRACE_SPAN_NAME];
	const char *paren = strchr(sp->what, '(');
	copy_name(what, sp->what);
	if (paren) what[paren - sp->what > 0 ? paren - sp->what - 1 : 0] = '\0';
	if (sp->kind == TRACE_SPAN_HELD) {
		snprintf(buf, cap, "holds %s %s", what, sp->block);
		return buf;
	}
	if (sp->kind == TRACE_SPAN_STEP) {   /* the schedule held it: no holder, no paren */
		snprintf(buf, cap, "held at a step point, next: %s%s%s", sp->what, *sp->block ? " " : "", sp->block);
		return buf;
	}
	const trace_task *h = sp->holder >= 0 ? trace_task_at(t, sp->holder) : NULL;
	snprintf(buf, cap, "waiting for %s %s%s%s%s", what, sp->block, paren ? " " : "", paren ? paren : "",
		 h ? ", held by " : "");
	if (h) {
		size_t n = strlen(buf);
		if (n < cap) snprintf(buf + n, cap - n, "%s", trace_task_name(h));
	}
	return buf;
}

void trace_set_events_dropped(trace *t, unsigned long n) { t->ev_dropped = n; t->version++; }
unsigned long trace_events_dropped(const trace *t) { return t->ev_dropped; }

size_t trace_nmarks(const trace *t) { return t->nmarks; }
const trace_mark *trace_mark_at(const trace *t, size_t i) { return i < t->nmarks ? &t->marks[i] : NULL; }

/* ---- CPU counter samples ------------------------------------------------- */

void trace_cpu_sample(trace *t, int64_t at, int cpu, int64_t busy_ns, int64_t steal_ns, int64_t idle_ns)
{
	if (cpu < 0 || at < 0 || busy_ns < 0 || steal_ns < 0 || idle_ns < 0) return;
	if (t->nsamples && at < t->samples[t->nsamples - 1].t) return;
	t->samples = xgrow(t->samples, &t->capsamples, t->nsamples + 1, sizeof *t->samples);
	t->samples[t->nsamples++] = (trace_cpusample){ at, cpu, busy_ns, steal_ns, idle_ns };
	touch(t, at);
}

size_t trace_ncpu_samples(const trace *t) { return t->nsamples; }
const trace_cpusample *trace_cpu_sample_at(const trace *t, size_t i)
{
	return i < t->nsamples ? &t->samples[i] : NULL;
}

/* The counters of a CPU at time x, between its samples p (at or before x)
 * and n (after it, or NULL); v: busy, steal, idle. */
static void cpu_at(const trace_cpusample *p, const trace_cpusample *n, int64_t x, double v[3])
{
	double f = n && n->t > p->t ? (double)(x - p->t) / (double)(n->t - p->t) : 0;
	v[0] = (double)p->busy_ns + (n ? f * (double)(n->busy_ns - p->busy_ns) : 0);
	v[1] = (double)p->steal_ns + (n ? f * (double)(n->steal_ns - p->steal_ns) : 0);
	v[2] = (double)p->idle_ns + (n ? f * (double)(n->idle_ns - p->idle_ns) : 0);
}

/* Index of the first sample at or after time x (binary search). */
static size_t sample_from(const trace *t, int64_t x)
{
	size_t lo = 0, hi = t->nsamples;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (t->samples[mid].t < x) lo = mid + 1; else hi = mid;
	}
	return lo;
}

/* The counters of cpu at x (within its samples): v; 0, or -1 outside. The
 * samples of one CPU are interleaved with the others': walk from near x. */
static int cpu_value(const trace *t, int cpu, int64_t x, double v[3])
{
	const trace_cpusample *p = NULL, *n = NULL;
	size_t i = sample_from(t, x);
	for (size_t j = i; j < t->nsamples && !n; j++)
		if (t->samples[j].cpu == cpu) n = &t->samples[j];
	for (size_t j = i; j-- > 0 && !p;)
		if (t->samples[j].cpu == cpu) p = &t->samples[j];
	if (n && n->t == x) { p = n; n = NULL; }
	if (!p || (!n && p->t != x)) return -1;
	cpu_at(p, n, x, v);
	return 0;
}

int trace_cpu_sampled(const trace *t, int cpu, int64_t *first, int64_t *last)
{
	size_t n = 0;
	for (size_t i = 0; i < t->nsamples; i++)
		if (t->samples[i].cpu == cpu) { if (!n++) *first = t->samples[i].t; *last = t->samples[i].t; }
	return n >= 2 && *last > *first ? 0 : -1;
}

/* vb - va rounded, 0 when the counter went back, cut to int64_t (a file
 * may hold any counter). */
static int64_t counter_delta(double va, double vb)
{
	double d = vb - va + 0.5;
	if (!(d >= 1)) return 0;
	return d >= 9.2e18 ? INT64_MAX : (int64_t)d;
}

int64_t trace_cpu_counters(const trace *t, int cpu, int64_t a, int64_t b, int64_t *busy, int64_t *steal,
			   int64_t *idle)
{
	int64_t first = 0, last = 0;
	double va[3], vb[3];
	if (busy) *busy = 0;
	if (steal) *steal = 0;
	if (idle) *idle = 0;
	if (trace_cpu_sampled(t, cpu, &first, &last) < 0) return -1;
	if (a < first) a = first;
	if (b > last) b = last;
	if (b < a) return -1;
	if (b == a || cpu_value(t, cpu, a, va) < 0 || cpu_value(t, cpu, b, vb) < 0) return 0;
	if (busy) *busy = counter_delta(va[0], vb[0]);
	if (steal) *steal = counter_delta(va[1], vb[1]);
	if (idle) *idle = counter_delta(va[2], vb[2]);
	return b - a;
}

char *trace_fmt_ns(char *buf, size_t cap, int64_t ns)
{
	double v = (double)ns;
	if (ns < 0) snprintf(buf, cap, "-");
	else if (ns < 1000000) snprintf(buf, cap, "%.0fus", v / 1e3);
	else if (ns < 10000000) snprintf(buf, cap, "%.2fms", v / 1e6);
	else if (ns < 1000000000) snprintf(buf, cap, "%.1fms", v / 1e6);
	else if (ns < 100000000000LL) snprintf(buf, cap, "%.2fs", v / 1e9);
	else snprintf(buf, cap, "%.0fs", v / 1e9);
	return buf;
}

char *trace_fmt_cpus(char *buf, size_t cap, uint64_t mask)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int c = 0; c < 64 && o + 8 < cap; c++) {
		if (!(mask >> c & 1)) continue;
		int e = c;
		while (e + 1 < 64 && (mask >> (e + 1) & 1)) e++;
		o += (size_t)snprintf(buf + o, cap - o, o ? ",%d" : "%d", c);
		if (e > c) o += (size_t)snprintf(buf + o, cap - o, e == c + 1 ? ",%d" : "-%d", e);
		c = e;
	}
	if (!o) snprintf(buf, cap, "-");
	return buf;
}

/* ---- what tasks are called ------------------------------------------------------------ */

int trace_task_is_runner(const trace_task *k)
{
	return k && k->worker < 0 && !strcmp(k->label, "parlab-runner");
}

int trace_task_is_worker(const trace_task *k)
{
	char w[24];
	if (!k || k->worker < 0) return 0;
	snprintf(w, sizeof w, "w%d", k->worker);
	return !strcmp(k->label, w);
}

const char *trace_task_name(const trace_task *k)
{
	if (trace_task_is_runner(k)) return "parlab";
	if (trace_task_is_worker(k)) return k->label;
	if (k->pyname[0]) return k->pyname;
	if (!k->comm[0]) return k->label;
	return k->comm;
}

int trace_task_name_width(const trace *t, int min)
{
	int w = min;
	for (int i = 0; i < trace_ntasks(t); i++) {
		const char *n = trace_task_name(trace_task_at(t, i));
		int cw = utf8_width(n, strlen(n));
		if (cw > w) w = cw;
	}
	return w < TRACE_NAME_COLS ? w : TRACE_NAME_COLS;
}

void trace_task_set_pyname(trace *t, int id, const char *name)
{
	trace_task *k = trace_task_get(t, id);
	if (!k || !name) return;
	char clean[sizeof k->pyname * 3 + 8];
	size_t len = strlen(name);
	if (len > sizeof k->pyname - 1) len = sizeof k->pyname - 1;
	size_t n = trace_sanitize(clean, sizeof clean, name, len);
	while (n > sizeof k->pyname - 1) n--;   /* a cut UTF-8 sequence is sanitized again below */
	clean[n] = '\0';
	while (n && ((unsigned char)clean[n - 1] & 0xC0) == 0x80) clean[--n] = '\0';
	if (n && (unsigned char)clean[n - 1] >= 0xC0) clean[--n] = '\0';
	memcpy(k->pyname, clean, n + 1);   /* n < sizeof k->pyname */
	t->version++;
}

int trace_worker_task(const trace *t, int w)
{
	for (int i = 0; i < trace_ntasks(t); i++) {
		const trace_task *k = trace_task_at(t, i);
		if (k->worker == w && trace_task_is_worker(k)) return i;
	}
	for (int i = 0; i < trace_ntasks(t); i++)
		if (trace_task_at(t, i)->worker == w) return i;
	return -1;
}
