/*
 * trace_file.c: saving a trace as text and reading it back with every
 * record checked. The format is described in docs/trace-format.md; the
 * reader goes through trace.h's public API only, so a loaded trace is
 * built exactly as a live one is.
 */
#include "trace/trace_file.h"
#include "util/fs.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- writing -------------------------------------------------------------- */

/* A string field: " \"...\"" with escapes, or " -" for none (NULL). */
static void tf_put_str(FILE *f, const char *s)
{
	if (!s) { fputs(" -", f); return; }
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;
	fputs(" \"", f);
	while (i < n) {
		unsigned char c = p[i];
		size_t k = c >= 0x80 ? utf8_safe_len((const char *)p + i, n - i) : 0;
		if (k) { fwrite(p + i, 1, k, f); i += k; continue; }
		if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
		else if (c == '\n') fputs("\\n", f);
		else if (c == '\t') fputs("\\t", f);
		else if (c == '\r') fputs("\\r", f);
		else if (c < 0x20 || c >= 0x7f) fprintf(f, "\\x%02x", c);
		else fputc(c, f);
		i++;
	}
	fputc('"', f);
}

static void tf_write_task(FILE *f, const trace *t, int id)
{
	const trace_task *k = trace_task_at(t, id);
	fprintf(f, "task %d %d %d %d %d", id, (int)k->pid, (int)k->tid, (int)k->ppid, k->worker);
	tf_put_str(f, k->label);
	fprintf(f, " %" PRId64 " %" PRId64 " %d %" PRId64 " %" PRId64 " 0x%" PRIx64 " %d %ld %ld %ld",
		k->born, k->died, k->exit_status, k->cpu_ns, k->wait_ns, k->cpus, k->last_cpu,
		k->nvcsw, k->nivcsw, k->migrations);
	tf_put_str(f, k->comm);
	fputc('\n', f);
	if (k->pyname[0]) {   /* version 5 on */
		fprintf(f, "pyname %d", id);
		tf_put_str(f, k->pyname);
		fputc('\n', f);
	}
	size_t n;
	const trace_slice *s = trace_slices(t, id, &n);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "slice %d %" PRId64 " %" PRId64 " %s %d\n", id, s[i].t0, s[i].t1,
			trace_state_name(s[i].state), s[i].cpu);
}

/* ---- the run's blocks (version 4 on): block and stuck records ---- */

static void tf_write_blocks(FILE *f, const trace *t)
{
	for (size_t i = 0; i < trace_nblocks(t); i++) {
		const trace_block *b = trace_block_at(t, i);
		fputs("block", f);
		tf_put_str(f, b->name);
		fprintf(f, " %s %lld %lld %" PRId64 " %" PRId64 " %lld %lld %d %" PRId64 " %" PRId64 " %.17g", b->kind,
			b->acquisitions, b->contended, b->wait_ns, b->longest_ns, b->puts, b->takes, b->max_length,
			b->full_ns, b->empty_ns, b->mean_length);
		if (b->has_lost) fprintf(f, " %.17g", b->lost);
		else fputs(" -", f);
		if (b->nvalues > 0) {
			fputs(" \"", f);
			for (int j = 0; j < b->nvalues; j++) fprintf(f, "%s%.17g", j ? " " : "", b->values[j]);
			fputc('"', f);
		} else {
			fputs(" -", f);
		}
		fputc('\n', f);
	}
	for (size_t q = 0; q < trace_nqueues(t); q++) {
		fputs("queue", f);
		tf_put_str(f, trace_queue_name(t, q));
		fprintf(f, " %d\n", trace_queue_capacity(t, q));
		size_t n;
		const trace_qlen *s = trace_queue_samples(t, q, &n);
		for (size_t i = 0; i < n; i++)
			fprintf(f, "qlen %zu %" PRId64 " %" PRId64 " %d %d %d %.6g\n", q, s[i].t0, s[i].t, s[i].len, s[i].lo,
				s[i].hi, s[i].mean);
	}
	for (size_t i = 0; i < trace_nstuck(t); i++) {
		const trace_stuck *k = trace_stuck_at(t, i);
		fprintf(f, "stuck %d %d", k->worker, k->live);
		tf_put_str(f, k->holds);
		tf_put_str(f, k->live ? k->waits : NULL);
		fputc('\n', f);
	}
}

/* ---- a distributed framework's task stream (version 6 on): dworker,
 * dtask and dxfer records. Tasks in the order the trace has them, so that
 * their lanes come back in the same order (a lane is made on its
 * thread's first task). */
static void tf_write_dask(FILE *f, const trace *t)
{
	for (size_t i = 0; i < trace_ndworkers(t); i++) {
		const trace_dworker *w = trace_dworker_at(t, i);
		fputs("dworker", f);
		tf_put_str(f, w->addr);
		tf_put_str(f, w->name);
		fprintf(f, " %d %d %d\n", (int)w->pid, w->nthreads, w->outside ? 2 : w->local);
	}
	for (size_t i = 0; i < trace_ndtasks(t); i++) {
		const trace_dtask *x = trace_dtask_at(t, i);
		const trace_dlane *l = trace_dlane_at(t, (size_t)x->lane);
		fprintf(f, "dtask %d %d %" PRId64 " %" PRId64, l->worker, (int)l->tid, x->t0, x->t1);
		tf_put_str(f, x->prefix);
		tf_put_str(f, x->key);
		fputc('\n', f);
	}
	for (size_t i = 0; i < trace_ndxfers(t); i++) {
		const trace_dxfer *x = trace_dxfer_at(t, i);
		fprintf(f, "dxfer %d %d %" PRId64 " %" PRId64 " %lld", x->from, x->to, x->t0, x->t1, x->nbytes);
		tf_put_str(f, x->key);
		fputc('\n', f);
	}
}

static void tf_write(FILE *f, const trace *t)
{
	fprintf(f, "%s %d\n", TRACE_FILE_MAGIC, TRACE_FILE_VERSION);
	fputs("meta title", f);
	tf_put_str(f, trace_title(t));
	fputs("\nmeta backend", f);
	tf_put_str(f, trace_backend(t));
	fprintf(f, "\nmeta start_ns %" PRId64 "\n", trace_start_ns(t));
	fprintf(f, "meta ncpu %d\nmeta lost %lu\nmeta dropped %zu\nmeta events_dropped %lu\n", trace_ncpu(t),
		trace_lost(t), trace_ndropped(t), trace_events_dropped(t));
	for (int i = 0; i < trace_ntasks(t); i++) tf_write_task(f, t, i);
	for (size_t i = 0; i < trace_nlines(t); i++) {
		const trace_line *l = trace_line_at(t, i);
		fprintf(f, "line %d %" PRId64 " %d", l->task, l->t, l->stream);
		tf_put_str(f, l->text);
		fputc('\n', f);
	}
	for (size_t i = 0; i < trace_nmarks(t); i++) {
		const trace_mark *m = trace_mark_at(t, i);
		fprintf(f, "mark %" PRId64 " %d", m->t, m->task);
		tf_put_str(f, m->text);
		fputc('\n', f);
	}
	for (size_t i = 0; i < trace_nspans(t); i++) {
		const trace_span *sp = trace_span_at(t, i);
		fprintf(f, "span %d %s %" PRId64 " %" PRId64, sp->task, trace_span_kind_word(sp->kind), sp->t0, sp->t1);
		tf_put_str(f, sp->what);
		tf_put_str(f, sp->block);
		fprintf(f, " %d\n", sp->holder);
	}
	for (size_t i = 0; i < trace_ncpu_samples(t); i++) {
		const trace_cpusample *c = trace_cpu_sample_at(t, i);
		fprintf(f, "cpu %" PRId64 " %d %" PRId64 " %" PRId64 " %" PRId64 "\n", c->t, c->cpu, c->busy_ns,
			c->steal_ns, c->idle_ns);
	}
	tf_write_blocks(f, t);
	tf_write_dask(f, t);
	fprintf(f, "end %" PRId64 " %s", trace_end(t), trace_end_kind_name(trace_outcome_kind(t)));
	tf_put_str(f, trace_outcome(t));
	fputc('\n', f);
}

static int tf_put(FILE *f, void *t, char **err)
{
	(void)err;
	tf_write(f, t);
	return 0;
}

int trace_save(const trace *t, const char *path, char **err)
{
	return fs_write_whole(path, tf_put, (void *)t, err) < 0 ? -1 : 0;
}

/* ---- reading -------------------------------------------------------------- */

#define TF_MAXTOK 20

typedef struct {
	char *s;          /* the bare word, or the decoded string */
	int quoted;
} tf_tok;

enum { TF_TITLE, TF_BACKEND, TF_START, TF_NCPU, TF_LOST, TF_DROPPED, TF_EVDROPPED, TF_NMETA };
static const char *const tf_meta_keys[TF_NMETA] = {
	"title", "backend", "start_ns", "ncpu", "lost", "dropped", "events_dropped",
};

typedef struct {
	const char *path;
	long line;
	const char *kind;     /* record being read, for messages; NULL: none */
	char *err;
	trace *t;             /* made at the first record that is not meta */
	char *title, *backend;
	int64_t num[TF_NMETA];
	unsigned seen;        /* bit per meta key read */
	int version;          /* the file's format version */
	int ended;
} tf_reader;

static int tf_fail(tf_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records the first error as "path:line: kind: message"; returns -1. */
static int tf_fail(tf_reader *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	free(r->err);
	if (r->kind) r->err = xasprintf("%s:%ld: %s: %s", r->path, r->line, r->kind, msg);
	else r->err = xasprintf("%s:%ld: %s", r->path, r->line, msg);
	free(msg);
	return -1;
}

/* A short, printable copy of a word from the file, for messages. */
static const char *tf_word(char *dst, size_t cap, const char *src, size_t n)
{
	size_t o = 0, i = 0;
	for (; i < n && o + 4 < cap; i++)
		dst[o++] = src[i] > 0x20 && src[i] < 0x7f ? src[i] : '?';
	if (i < n) { memcpy(dst + o, "...", 3); o += 3; }
	dst[o] = '\0';
	return dst;
}

static int tf_hex(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* Decodes the string starting at the quote p, in place (it only shrinks).
 * *end is set past the closing quote. */
static int tf_unquote(tf_reader *r, char *p, char **end)
{
	char *src = p + 1, *dst = p;
	for (;;) {
		unsigned char c = (unsigned char)*src++;
		if (!c) return tf_fail(r, "a string has no closing quote");
		if (c == '"') break;
		if (c < 0x20 || c == 0x7f) return tf_fail(r, "control character 0x%02x in a string (write it as \\x%02x)", c, c);
		if (c != '\\') { *dst++ = (char)c; continue; }
		c = (unsigned char)*src++;
		if (c == 'n') *dst++ = '\n';
		else if (c == 't') *dst++ = '\t';
		else if (c == 'r') *dst++ = '\r';
		else if (c == '"' || c == '\\') *dst++ = (char)c;
		else if (c == 'x' && tf_hex(src[0]) >= 0 && tf_hex(src[1]) >= 0) {
			int v = tf_hex(src[0]) * 16 + tf_hex(src[1]);
			if (!v) return tf_fail(r, "a string cannot hold \\x00");
			*dst++ = (char)v;
			src += 2;
		} else {
			return tf_fail(r, "bad escape in a string (\\n, \\t, \\r, \\\", \\\\ and \\xHH are known)");
		}
	}
	if (*src && *src != ' ') return tf_fail(r, "text right after a closing quote");
	*dst = '\0';
	*end = src;
	return 0;
}

/* Splits the fields of a record in place into bare words and strings. */
static int tf_split(tf_reader *r, char *p, tf_tok *tok, int *ntok)
{
	int n = 0;
	while (*p) {
		if (*p == ' ') { p++; continue; }
		if (n == TF_MAXTOK) return tf_fail(r, "too many fields");
		tok[n].s = p;
		tok[n].quoted = *p == '"';
		if (tok[n++].quoted) {
			if (tf_unquote(r, p, &p) < 0) return -1;
			continue;
		}
		while (*p && *p != ' ') {
			if (*p == '"') return tf_fail(r, "a quote inside a word");
			p++;
		}
		if (*p) *p++ = '\0';
	}
	*ntok = n;
	return 0;
}

/* An integer field in [lo, hi]: decimal, optional minus, nothing else. */
static int tf_int(tf_reader *r, const tf_tok *k, const char *what, int64_t lo, int64_t hi, int64_t *out)
{
	char w[32];
	const char *s = k->s;
	const char *d = *s == '-' ? s + 1 : s;
	if (k->quoted || *d < '0' || *d > '9')
		return tf_fail(r, "%s '%s' is not a number", what, tf_word(w, sizeof w, s, strlen(s)));
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end) return tf_fail(r, "%s '%s' is not a number", what, tf_word(w, sizeof w, s, strlen(s)));
	if (errno == ERANGE || v < lo || v > hi) {
		if (hi == INT64_MAX)
			return tf_fail(r, "%s %s is out of range (at least %" PRId64 ")", what, tf_word(w, sizeof w, s, strlen(s)), lo);
		return tf_fail(r, "%s %s is out of range (%" PRId64 "..%" PRId64 ")", what,
			       tf_word(w, sizeof w, s, strlen(s)), lo, hi);
	}
	*out = v;
	return 0;
}

/* A string field of at most max bytes; "-" gives NULL where none is allowed. */
static int tf_str(tf_reader *r, const tf_tok *k, const char *what, size_t max, int none, const char **out)
{
	if (none && !k->quoted && !strcmp(k->s, "-")) { *out = NULL; return 0; }
	if (!k->quoted) return tf_fail(r, "%s must be a quoted string", what);
	if (strlen(k->s) > max) return tf_fail(r, "%s is longer than %zu bytes", what, max);
	*out = k->s;
	return 0;
}

/* ---- records -------------------------------------------------------------- */

/* The trace itself is made once the meta records (they come first) are
 * read: trace.h sets the title and start only at trace_new. */
static void tf_ensure(tf_reader *r)
{
	if (r->t) return;
	r->t = trace_new(r->title ? r->title : "run", r->num[TF_START]);
	if (r->backend) trace_set_backend(r->t, r->backend);
	if (r->seen & 1u << TF_NCPU) trace_set_ncpu(r->t, (int)r->num[TF_NCPU]);
	trace_set_lost(r->t, (unsigned long)r->num[TF_LOST]);
	if (r->num[TF_DROPPED]) trace_lines_dropped(r->t, (size_t)r->num[TF_DROPPED]);
	if (r->num[TF_EVDROPPED]) trace_set_events_dropped(r->t, (unsigned long)r->num[TF_EVDROPPED]);
}

static int tf_meta(tf_reader *r, tf_tok *tok)
{
	static const int64_t hi[TF_NMETA] = { 0, 0, INT64_MAX, TRACE_FILE_MAX_CPU, INT64_MAX, INT64_MAX, INT64_MAX };
	static const int64_t lo[TF_NMETA] = { 0, 0, INT64_MIN, 1, 0, 0, 0 };
	char w[32];
	int key = 0;
	while (key < TF_NMETA && (tok[0].quoted || strcmp(tok[0].s, tf_meta_keys[key]))) key++;
	if (key == TF_NMETA) return tf_fail(r, "unknown key '%s'", tf_word(w, sizeof w, tok[0].s, strlen(tok[0].s)));
	if (r->t) return tf_fail(r, "%s: meta records come before the first task, slice, line or mark", tf_meta_keys[key]);
	if (r->seen & 1u << key) return tf_fail(r, "%s is given twice", tf_meta_keys[key]);
	if (key == TF_EVDROPPED && r->version < 4)
		return tf_fail(r, "events_dropped came with version 4 (this file is version %d)", r->version);
	r->seen |= 1u << key;
	if (key == TF_TITLE || key == TF_BACKEND) {
		const char *s = NULL;
		if (tf_str(r, &tok[1], tf_meta_keys[key], 4096, 0, &s) < 0) return -1;
		*(key == TF_TITLE ? &r->title : &r->backend) = xstrdup(s);
		return 0;
	}
	return tf_int(r, &tok[1], tf_meta_keys[key], lo[key], hi[key], &r->num[key]);
}

/* The numeric fields of a task record: position, name, range. */
static const struct {
	int at;
	const char *name;
	int64_t lo, hi;
} tf_task_nums[] = {
	{ 0, "id", 0, INT_MAX }, { 1, "pid", 1, INT_MAX }, { 2, "tid", 1, INT_MAX },
	{ 3, "ppid", 0, INT_MAX }, { 4, "worker", -1, INT_MAX }, { 6, "born", -1, INT64_MAX },
	{ 7, "died", -1, INT64_MAX }, { 8, "exit_status", -1, 0xffff }, { 9, "cpu_ns", 0, INT64_MAX },
	{ 10, "wait_ns", 0, INT64_MAX }, { 12, "last_cpu", -1, TRACE_FILE_MAX_CPU - 1 },
	{ 13, "nvcsw", -1, LONG_MAX }, { 14, "nivcsw", -1, LONG_MAX }, { 15, "migrations", -1, LONG_MAX },
};

static int tf_mask(tf_reader *r, const tf_tok *k, uint64_t *out)
{
	char w[32];
	const char *s = k->s;
	size_t n = strlen(s);
	int ok = !k->quoted && n > 2 && n <= 18 && s[0] == '0' && s[1] == 'x';
	for (size_t i = 2; ok && i < n; i++) ok = tf_hex(s[i]) >= 0;
	if (!ok) return tf_fail(r, "cpus '%s' is not a CPU mask (0x and up to 16 hex digits)", tf_word(w, sizeof w, s, n));
	*out = strtoull(s + 2, NULL, 16);
	return 0;
}

static int tf_task(tf_reader *r, tf_tok *tok)
{
	int64_t v[17] = { 0 };
	const char *label = NULL, *comm = NULL;
	uint64_t cpus = 0;
	for (size_t i = 0; i < sizeof tf_task_nums / sizeof *tf_task_nums; i++)
		if (tf_int(r, &tok[tf_task_nums[i].at], tf_task_nums[i].name, tf_task_nums[i].lo,
			   tf_task_nums[i].hi, &v[tf_task_nums[i].at]) < 0) return -1;
	if (v[0] != trace_ntasks(r->t))
		return tf_fail(r, "id %" PRId64 ", expected %d (tasks are numbered from 0, in order)", v[0], trace_ntasks(r->t));
	if (tf_str(r, &tok[5], "label", sizeof ((trace_task *)0)->label - 1, 0, &label) < 0 ||
	    tf_str(r, &tok[16], "comm", sizeof ((trace_task *)0)->comm - 1, 0, &comm) < 0 ||
	    tf_mask(r, &tok[11], &cpus) < 0) return -1;
	int id = trace_task_add(r->t, (pid_t)v[1], (pid_t)v[2], (pid_t)v[3], (int)v[4], label);
	trace_task *k = trace_task_get(r->t, id);
	snprintf(k->label, sizeof k->label, "%s", label);   /* even "": no made-up name */
	snprintf(k->comm, sizeof k->comm, "%s", comm);
	k->born = v[6];
	k->died = v[7];
	k->exit_status = (int)v[8];
	k->cpu_ns = v[9];
	k->wait_ns = v[10];
	k->cpus = cpus;
	k->last_cpu = (int)v[12];
	k->nvcsw = (long)v[13];
	k->nivcsw = (long)v[14];
	k->migrations = (long)v[15];
	return 0;
}

/* A task reference: -1 (the run itself) only where allowed. */
static int tf_task_ref(tf_reader *r, const tf_tok *k, int run_ok, int *out)
{
	int64_t v;
	if (tf_int(r, k, "task", run_ok ? -1 : 0, INT_MAX, &v) < 0) return -1;
	if (v >= trace_ntasks(r->t)) return tf_fail(r, "task %" PRId64 " does not exist", v);
	*out = (int)v;
	return 0;
}

static int tf_state(tf_reader *r, const tf_tok *k, trace_state *out)
{
	char w[32];
	for (int s = 0; s < TS_NSTATES; s++)
		if (!k->quoted && !strcmp(k->s, trace_state_name((trace_state)s))) { *out = (trace_state)s; return 0; }
	return tf_fail(r, "unknown state '%s' (running, runnable, sleeping, blocked, unknown or exited)",
		       tf_word(w, sizeof w, k->s, strlen(k->s)));
}

/* Slices of a task come in time order, never overlap, and never continue
 * the previous one unchanged (trace.c would merge them: write one). */
static int tf_slice(tf_reader *r, tf_tok *tok)
{
	int task = 0;
	int64_t t0 = 0, t1 = 0, cpu = -1;
	trace_state st = TS_UNKNOWN;
	if (tf_task_ref(r, &tok[0], 0, &task) < 0 || tf_int(r, &tok[1], "t0", 0, INT64_MAX, &t0) < 0 ||
	    tf_int(r, &tok[2], "t1", 0, INT64_MAX, &t1) < 0 || tf_state(r, &tok[3], &st) < 0 ||
	    tf_int(r, &tok[4], "cpu", -1, TRACE_FILE_MAX_CPU - 1, &cpu) < 0) return -1;
	if (t1 < t0) return tf_fail(r, "ends (%" PRId64 ") before it starts (%" PRId64 ")", t1, t0);
	if (st != TS_RUNNING && cpu != -1)
		return tf_fail(r, "a %s slice has no CPU (got %" PRId64 ", write -1)", trace_state_name(st), cpu);
	const trace_task *k = trace_task_at(r->t, task);
	if (cpu >= 0 && cpu < 64 && !(k->cpus >> cpu & 1))
		return tf_fail(r, "CPU %" PRId64 " is not in task %d's cpus (0x%" PRIx64 ")", cpu, task, k->cpus);
	size_t n;
	const trace_slice *s = trace_slices(r->t, task, &n);
	if (n && t0 < s[n - 1].t1)
		return tf_fail(r, "starts at %" PRId64 ", before the previous slice of task %d ends (%" PRId64 ")",
			       t0, task, s[n - 1].t1);
	if (n && t0 == s[n - 1].t1 && st == s[n - 1].state && cpu == s[n - 1].cpu)
		return tf_fail(r, "continues the previous slice of task %d in the same state (write one slice)", task);
	trace_slice_add(r->t, task, t0, t1, st, (int)cpu);
	return 0;
}

/* Output lines are kept sanitized (trace_line_add): a line that would
 * change on the way in is not one parlab wrote. */
static int tf_line(tf_reader *r, tf_tok *tok)
{
	int task = 0;
	int64_t t = 0, stream = 0;
	const char *text = NULL;
	if (tf_task_ref(r, &tok[0], 1, &task) < 0 || tf_int(r, &tok[1], "t", 0, INT64_MAX, &t) < 0 ||
	    tf_int(r, &tok[2], "stream", 0, 2, &stream) < 0 || tf_str(r, &tok[3], "text", SIZE_MAX, 0, &text) < 0)
		return -1;
	size_t len = strlen(text), cap = len * 3 + 8;
	char *clean = xmalloc(cap);
	size_t n = trace_sanitize(clean, cap, text, len);
	int same = n == len && !memcmp(clean, text, len);
	free(clean);
	if (!same) return tf_fail(r, "text has control characters or invalid UTF-8");
	trace_line_add(r->t, task, t, (int)stream, text, len);
	return 0;
}

/* "mark T TASK TEXT"; before version 4 "mark T TEXT" (the run's). A
 * task's mark is kept sanitized (trace_mark_add_task), as lines are. */
static int tf_mark(tf_reader *r, tf_tok *tok)
{
	int64_t t = 0;
	int task = -1, v4 = r->version >= 4;
	const char *text = NULL;
	if (tf_int(r, &tok[0], "t", 0, INT64_MAX, &t) < 0 || (v4 && tf_task_ref(r, &tok[1], 1, &task) < 0) ||
	    tf_str(r, &tok[v4 ? 2 : 1], "text", SIZE_MAX, 0, &text) < 0)
		return -1;
	if (task < 0) { trace_mark_add(r->t, t, text); return 0; }
	size_t len = strlen(text), cap = len * 3 + 8;
	char *clean = xmalloc(cap);
	size_t n = trace_sanitize(clean, cap, text, len);
	int same = n == len && !memcmp(clean, text, len);
	free(clean);
	if (!same) return tf_fail(r, "text has control characters or invalid UTF-8");
	trace_mark_add_task(r->t, task, t, text);
	return 0;
}

/* "pyname TASK NAME" (version 5 on): the program's own name for a task. */
static int tf_pyname(tf_reader *r, tf_tok *tok)
{
	int task = -1;
	const char *name = NULL;
	if (r->version < 5) return tf_fail(r, "pyname records came with version 5 (this file is version %d)", r->version);
	if (tf_task_ref(r, &tok[0], 0, &task) < 0 ||
	    tf_str(r, &tok[1], "name", sizeof ((trace_task *)0)->pyname - 1, 0, &name) < 0)
		return -1;
	trace_task_set_pyname(r->t, task, name);
	return 0;
}

/* "span TASK KIND T0 T1 WHAT BLOCK HOLDER" (version 4 on): a task blocked
 * on a block, or holding a lock; KIND step (version 7 on): held at a step
 * point of a stepped run. */
static int tf_span(tf_reader *r, tf_tok *tok)
{
	char w[32];
	int64_t t0 = 0, t1 = 0;
	const char *what = NULL, *block = NULL;
	trace_span sp = { 0 };
	if (r->version < 4) return tf_fail(r, "span records came with version 4 (this file is version %d)", r->version);
	if (tf_task_ref(r, &tok[0], 0, &sp.task) < 0) return -1;
	if (!tok[1].quoted && !strcmp(tok[1].s, "blocked")) sp.kind = TRACE_SPAN_BLOCKED;
	else if (!tok[1].quoted && !strcmp(tok[1].s, "held")) sp.kind = TRACE_SPAN_HELD;
	else if (!tok[1].quoted && !strcmp(tok[1].s, "step") && r->version >= 7) sp.kind = TRACE_SPAN_STEP;
	else if (!tok[1].quoted && !strcmp(tok[1].s, "step"))
		return tf_fail(r, "step spans came with version 7 (this file is version %d)", r->version);
	else return tf_fail(r, "unknown kind '%s' (blocked, held or step)", tf_word(w, sizeof w, tok[1].s, strlen(tok[1].s)));
	if (tf_int(r, &tok[2], "t0", 0, INT64_MAX, &t0) < 0 || tf_int(r, &tok[3], "t1", -1, INT64_MAX, &t1) < 0 ||
	    tf_str(r, &tok[4], "what", TRACE_SPAN_NAME - 1, 0, &what) < 0 ||
	    tf_str(r, &tok[5], "block", TRACE_SPAN_NAME - 1, 0, &block) < 0 ||
	    tf_task_ref(r, &tok[6], 1, &sp.holder) < 0)
		return -1;
	if (t1 >= 0 && t1 < t0) return tf_fail(r, "ends (%" PRId64 ") before it starts (%" PRId64 ")", t1, t0);
	if (sp.kind != TRACE_SPAN_BLOCKED && sp.holder >= 0)
		return tf_fail(r, "a %s span has no holder (write -1)", trace_span_kind_word(sp.kind));
	sp.t0 = t0;
	sp.t1 = t1;
	memcpy(sp.what, what, strlen(what) + 1);
	memcpy(sp.block, block, strlen(block) + 1);
	trace_span_add(r->t, &sp);
	return 0;
}

/* "cpu T CPU BUSY STEAL IDLE" (version 3 on): one CPU's counters, in time
 * order across all cpu records. */
static int tf_cpu(tf_reader *r, tf_tok *tok)
{
	int64_t t = 0, cpu = 0, busy = 0, steal = 0, idle = 0;
	if (r->version < 3) return tf_fail(r, "cpu records came with version 3 (this file is version %d)", r->version);
	if (tf_int(r, &tok[0], "t", 0, INT64_MAX, &t) < 0 ||
	    tf_int(r, &tok[1], "cpu", 0, TRACE_FILE_MAX_CPU - 1, &cpu) < 0 ||
	    tf_int(r, &tok[2], "busy_ns", 0, INT64_MAX, &busy) < 0 ||
	    tf_int(r, &tok[3], "steal_ns", 0, INT64_MAX, &steal) < 0 ||
	    tf_int(r, &tok[4], "idle_ns", 0, INT64_MAX, &idle) < 0) return -1;
	size_t n = trace_ncpu_samples(r->t);
	if (n && t < trace_cpu_sample_at(r->t, n - 1)->t)
		return tf_fail(r, "at %" PRId64 ", before the previous cpu record (%" PRId64 ")", t,
			       trace_cpu_sample_at(r->t, n - 1)->t);
	trace_cpu_sample(r->t, t, (int)cpu, busy, steal, idle);
	return 0;
}

/* A finite number (a bare word). */
static int tf_num(tf_reader *r, const char *s, const char *what, double *out)
{
	char w[32], *end;
	errno = 0;
	double v = strtod(s, &end);
	if (!*s || *end || errno == ERANGE || v != v || v - v != 0)
		return tf_fail(r, "%s '%s' is not a finite number", what, tf_word(w, sizeof w, s, strlen(s)));
	*out = v;
	return 0;
}

static int tf_v4(tf_reader *r)
{
	if (r->version < 4) return tf_fail(r, "came with version 4 (this file is version %d)", r->version);
	return 0;
}

/* "block NAME KIND ACQ CONTENDED WAIT_NS LONGEST_NS PUTS TAKES MAXLEN FULL_NS
 * EMPTY_NS MEAN_LENGTH LOST VALUES"; before version 5 without FULL_NS,
 * EMPTY_NS and MEAN_LENGTH (a queue's time figures). */
static int tf_block(tf_reader *r, tf_tok *tok)
{
	static const char *const kinds[] = { "shared", "lock", "semaphore", "barrier", "condition", "queue" };
	const char *name = NULL, *vals = NULL;
	int64_t acq, con, wait, longest, puts, takes, maxlen;
	char w[32];
	if (tf_v4(r) < 0 || tf_str(r, &tok[0], "name", 31, 0, &name) < 0) return -1;
	size_t k = 0;
	while (k < sizeof kinds / sizeof *kinds && (tok[1].quoted || strcmp(tok[1].s, kinds[k]))) k++;
	if (k == sizeof kinds / sizeof *kinds)
		return tf_fail(r, "unknown block kind '%s' (shared, lock, semaphore, barrier, condition or queue)",
			       tf_word(w, sizeof w, tok[1].s, strlen(tok[1].s)));
	if (tf_int(r, &tok[2], "acquisitions", 0, INT64_MAX, &acq) < 0 ||
	    tf_int(r, &tok[3], "contended", 0, INT64_MAX, &con) < 0 ||
	    tf_int(r, &tok[4], "wait_ns", 0, INT64_MAX, &wait) < 0 ||
	    tf_int(r, &tok[5], "longest_ns", 0, INT64_MAX, &longest) < 0 ||
	    tf_int(r, &tok[6], "puts", 0, INT64_MAX, &puts) < 0 ||
	    tf_int(r, &tok[7], "takes", 0, INT64_MAX, &takes) < 0 ||
	    tf_int(r, &tok[8], "max_length", -1, INT_MAX, &maxlen) < 0) return -1;
	trace_block b = { .acquisitions = acq, .contended = con, .wait_ns = wait, .longest_ns = longest,
			  .puts = puts, .takes = takes, .max_length = (int)maxlen };
	if (r->version >= 5) {
		int64_t full, empty;
		if (tf_int(r, &tok[9], "full_ns", 0, INT64_MAX, &full) < 0 ||
		    tf_int(r, &tok[10], "empty_ns", 0, INT64_MAX, &empty) < 0 ||
		    tf_num(r, tok[11].s, "mean_length", &b.mean_length) < 0) return -1;
		if (tok[11].quoted || b.mean_length < 0) return tf_fail(r, "mean_length must be a number, 0 or more");
		b.full_ns = full;
		b.empty_ns = empty;
		tok += 3;
	}
	snprintf(b.name, sizeof b.name, "%s", name);
	snprintf(b.kind, sizeof b.kind, "%s", kinds[k]);
	if (tok[9].quoted) return tf_fail(r, "lost must be a number or -");
	if (strcmp(tok[9].s, "-")) {
		if (tf_num(r, tok[9].s, "lost", &b.lost) < 0) return -1;
		b.has_lost = 1;
	}
	if (tf_str(r, &tok[10], "values", SIZE_MAX, 1, &vals) < 0) return -1;
	double *v = NULL;
	size_t nv = 0, cap = 0;
	for (char *p = (char *)vals, *save = NULL, *word; vals && (word = strtok_r(p, " ", &save)); p = NULL) {
		v = xgrow(v, &cap, nv + 1, sizeof *v);
		if (tf_num(r, word, "a value", &v[nv++]) < 0) { free(v); return -1; }
	}
	b.nvalues = (int)nv;
	b.values = v;
	trace_block_add(r->t, &b);
	free(v);
	return 0;
}

static int tf_v5(tf_reader *r)
{
	if (r->version < 5) return tf_fail(r, "came with version 5 (this file is version %d)", r->version);
	return 0;
}

/* "queue NAME CAPACITY" (version 5 on): a queue's length track, the next index. */
static int tf_queue(tf_reader *r, tf_tok *tok)
{
	const char *name = NULL;
	int64_t cap;
	if (tf_v5(r) < 0 || tf_str(r, &tok[0], "name", 31, 0, &name) < 0 ||
	    tf_int(r, &tok[1], "capacity", 1, INT_MAX, &cap) < 0) return -1;
	size_t before = trace_nqueues(r->t);
	if ((size_t)trace_queue_add(r->t, name, (int)cap) != before)
		return tf_fail(r, "a second queue named \"%s\"", name);
	return 0;
}

/* "qlen QUEUE T0 T LENGTH LEAST MOST MEAN" (version 5 on): a sample of a
 * queue's length at T, with the least, most and mean it was since T0, in
 * time order. */
static int tf_qlen(tf_reader *r, tf_tok *tok)
{
	int64_t q, t0, at, len, lo, hi;
	if (tf_v5(r) < 0 || tf_int(r, &tok[0], "queue", 0, INT_MAX, &q) < 0 ||
	    tf_int(r, &tok[1], "t0", 0, INT64_MAX, &t0) < 0 || tf_int(r, &tok[2], "t", 0, INT64_MAX, &at) < 0 ||
	    tf_int(r, &tok[3], "length", 0, INT_MAX, &len) < 0 || tf_int(r, &tok[4], "least", 0, INT_MAX, &lo) < 0 ||
	    tf_int(r, &tok[5], "most", 0, INT_MAX, &hi) < 0)
		return -1;
	double mean;
	if (tok[6].quoted || tf_num(r, tok[6].s, "mean", &mean) < 0) return tok[6].quoted ? tf_fail(r, "mean must be a number") : -1;
	if (mean < lo || mean > hi) return tf_fail(r, "the mean (%g) must lie within the least and most", mean);
	if ((size_t)q >= trace_nqueues(r->t)) return tf_fail(r, "queue %" PRId64 " has no queue record before it", q);
	if (lo > len || hi < len) return tf_fail(r, "the least (%" PRId64 ") and most (%" PRId64 ") must hold the length (%" PRId64 ")", lo, hi, len);
	if (t0 > at) return tf_fail(r, "t0 (%" PRId64 ") is after t (%" PRId64 ")", t0, at);
	size_t n;
	const trace_qlen *s = trace_queue_samples(r->t, (size_t)q, &n);
	if (n && t0 < s[n - 1].t) return tf_fail(r, "t0 %" PRId64 " is before the queue's last sample (%" PRId64 ")", t0, s[n - 1].t);
	trace_queue_sample(r->t, (int)q, t0, at, (int)len, (int)lo, (int)hi, mean);
	return 0;
}

/* "stuck WORKER LIVE HOLDS WAITS": a worker in the deadlock that stopped the run. */
static int tf_stuck(tf_reader *r, tf_tok *tok)
{
	int64_t wk, live;
	const char *holds = NULL, *waits = NULL;
	if (tf_v4(r) < 0 || tf_int(r, &tok[0], "worker", 0, INT_MAX, &wk) < 0 ||
	    tf_int(r, &tok[1], "live", 0, 1, &live) < 0 || tf_str(r, &tok[2], "holds", 255, 0, &holds) < 0 ||
	    tf_str(r, &tok[3], "waits", 31, 1, &waits) < 0) return -1;
	if (live != !!waits) return tf_fail(r, "a live worker waits for a block (a quoted name), an ended one for none (-)");
	trace_stuck s = { .worker = (int)wk, .live = (int)live };
	snprintf(s.holds, sizeof s.holds, "%s", holds);
	if (waits) snprintf(s.waits, sizeof s.waits, "%s", waits);
	trace_stuck_add(r->t, &s);
	return 0;
}

/* ---- Dask's task stream (version 6 on) ---- */

static int tf_v6(tf_reader *r)
{
	if (r->version < 6) return tf_fail(r, "came with version 6 (this file is version %d)", r->version);
	return 0;
}

/* A string field kept as the trace keeps a worker's words (sanitized): one
 * that would change on the way in is not one parlab wrote. */
static int tf_clean_str(tf_reader *r, const tf_tok *k, const char *what, size_t max, const char **out)
{
	if (tf_str(r, k, what, max, 0, out) < 0) return -1;
	size_t len = strlen(*out), cap = len * 3 + 8;
	char *clean = xmalloc(cap);
	size_t n = trace_sanitize(clean, cap, *out, len);
	int same = n == len && !memcmp(clean, *out, len);
	free(clean);
	if (!same) return tf_fail(r, "%s has control characters or invalid UTF-8", what);
	return 0;
}

/* "dworker ADDR NAME PID NTHREADS LOCAL": a worker of the cluster, numbered
 * 0, 1, ... in the order of their records; addresses are unique. LOCAL: 0
 * another machine, 1 this one, 2 this one but not started by the run. */
static int tf_dworker(tf_reader *r, tf_tok *tok)
{
	const char *addr = NULL, *name = NULL;
	int64_t pid, nth, local;
	if (tf_v6(r) < 0 || tf_clean_str(r, &tok[0], "addr", sizeof ((trace_dworker *)0)->addr - 1, &addr) < 0 ||
	    tf_clean_str(r, &tok[1], "name", sizeof ((trace_dworker *)0)->name - 1, &name) < 0 ||
	    tf_int(r, &tok[2], "pid", 0, INT_MAX, &pid) < 0 || tf_int(r, &tok[3], "nthreads", 0, INT_MAX, &nth) < 0 ||
	    tf_int(r, &tok[4], "local", 0, 2, &local) < 0)
		return -1;
	if (!*addr) return tf_fail(r, "addr is empty");
	if (trace_dworker_find(r->t, addr) >= 0) return tf_fail(r, "a second worker at \"%s\"", addr);
	int w = trace_dworker_add(r->t, addr, name, (pid_t)pid, (int)nth, local > 0);
	if (local == 2) trace_dworker_set_outside(r->t, (size_t)w);
	return 0;
}

/* A worker index: 0..workers-1 (-1 too where allowed: a peer not known). */
static int tf_dworker_ref(tf_reader *r, const tf_tok *k, const char *what, int unknown_ok, int *out)
{
	int64_t v;
	if (tf_int(r, k, what, unknown_ok ? -1 : 0, INT_MAX, &v) < 0) return -1;
	if (v >= (int64_t)trace_ndworkers(r->t)) return tf_fail(r, "%s %" PRId64 " has no dworker record before it", what, v);
	*out = (int)v;
	return 0;
}

/* "dtask WORKER TID T0 T1 PREFIX KEY": a task thread TID of WORKER ran
 * from T0 to T1 (-1: still running). */
static int tf_dtask(tf_reader *r, tf_tok *tok)
{
	int w = 0;
	int64_t tid, t0, t1;
	const char *prefix = NULL, *key = NULL;
	if (tf_v6(r) < 0 || tf_dworker_ref(r, &tok[0], "worker", 0, &w) < 0 ||
	    tf_int(r, &tok[1], "tid", 1, INT_MAX, &tid) < 0 || tf_int(r, &tok[2], "t0", 0, INT64_MAX, &t0) < 0 ||
	    tf_int(r, &tok[3], "t1", -1, INT64_MAX, &t1) < 0 ||
	    tf_clean_str(r, &tok[4], "prefix", sizeof ((trace_dtask *)0)->prefix - 1, &prefix) < 0 ||
	    tf_clean_str(r, &tok[5], "key", sizeof ((trace_dtask *)0)->key - 1, &key) < 0)
		return -1;
	if (t1 >= 0 && t1 < t0) return tf_fail(r, "ends (%" PRId64 ") before it starts (%" PRId64 ")", t1, t0);
	if (!*prefix) return tf_fail(r, "prefix is empty");
	for (size_t l = 0; t1 >= 0 && l < trace_ndlanes(r->t); l++) {   /* trace.h would close an open one */
		const trace_dlane *ln = trace_dlane_at(r->t, l);
		if (ln->worker != w || ln->tid != (pid_t)tid) continue;
		size_t n;
		const size_t *ix = trace_dlane_tasks(r->t, l, &n);
		for (size_t i = n; i > 0; i--) {   /* by start: only those begun at t0, from the back */
			const trace_dtask *o = trace_dtask_at(r->t, ix[i - 1]);
			if (o->t0 < t0) break;
			if (o->t1 < 0 && o->t0 == t0 && !strcmp(o->key, key))
				return tf_fail(r, "the end of an open task of the same thread, start and key (write one record)");
		}
	}
	trace_dtask_add(r->t, w, (pid_t)tid, t0, t1, prefix, key);
	return 0;
}

/* "dxfer FROM TO T0 T1 NBYTES KEY": KEY's data moved from worker FROM (-1:
 * a peer the trace does not know) to worker TO. */
static int tf_dxfer(tf_reader *r, tf_tok *tok)
{
	int from = -1, to = 0;
	int64_t t0, t1, nbytes;
	const char *key = NULL;
	if (tf_v6(r) < 0 || tf_dworker_ref(r, &tok[0], "from", 1, &from) < 0 ||
	    tf_dworker_ref(r, &tok[1], "to", 0, &to) < 0 || tf_int(r, &tok[2], "t0", 0, INT64_MAX, &t0) < 0 ||
	    tf_int(r, &tok[3], "t1", 0, INT64_MAX, &t1) < 0 || tf_int(r, &tok[4], "nbytes", 0, LLONG_MAX, &nbytes) < 0 ||
	    tf_clean_str(r, &tok[5], "key", sizeof ((trace_dxfer *)0)->key - 1, &key) < 0)
		return -1;
	if (t1 < t0) return tf_fail(r, "ends (%" PRId64 ") before it starts (%" PRId64 ")", t1, t0);
	trace_dxfer_add(r->t, from, to, t0, t1, (long long)nbytes, key);
	return 0;
}

/* "running, finished, ... or ended": every kind's name, from trace.c's
 * table, so that a new kind is listed without a second copy here. */
static void tf_kind_names(char *buf, size_t cap)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int k = 0; k < TRACE_NEND_KINDS && len < cap; k++) {
		const char *sep = k == 0 ? "" : k == TRACE_NEND_KINDS - 1 ? " or " : ", ";
		int n = snprintf(buf + len, cap - len, "%s%s", sep, trace_end_kind_name((trace_end_kind)k));
		if (n < 0) break;
		len += (size_t)n;
	}
}

/* How the run ended, by name (version 2 on). */
static int tf_end_kind(tf_reader *r, const tf_tok *k, trace_end_kind *out)
{
	char w[32], names[160];
	int kind = k->quoted ? -1 : trace_end_kind_from_name(k->s);
	if (kind < 0) {
		tf_kind_names(names, sizeof names);
		return tf_fail(r, "unknown kind '%s' (%s)", tf_word(w, sizeof w, k->s, strlen(k->s)), names);
	}
	if (kind == TRACE_DEADLOCK && r->version < 4)
		return tf_fail(r, "kind deadlock came with version 4 (this file is version %d)", r->version);
	*out = (trace_end_kind)kind;
	return 0;
}

/* "end T KIND OUTCOME"; version 1 has no KIND: it is read from the words. */
static int tf_end(tf_reader *r, tf_tok *tok)
{
	int64_t end = 0;
	const char *outcome = NULL;
	trace_end_kind kind = TRACE_RUNNING;
	int v1 = r->version == 1;
	if (tf_int(r, &tok[0], "t", -1, INT64_MAX, &end) < 0 || (!v1 && tf_end_kind(r, &tok[1], &kind) < 0) ||
	    tf_str(r, &tok[v1 ? 1 : 2], "outcome", 4096, 1, &outcome) < 0)
		return -1;
	if (end < 0 && outcome) return tf_fail(r, "a live trace (end -1) has no outcome (write -)");
	if (!v1 && end < 0 && kind != TRACE_RUNNING) return tf_fail(r, "a live trace (end -1) is of kind running");
	if (!v1 && end >= 0 && kind == TRACE_RUNNING)
		return tf_fail(r, "a trace that ended (at %" PRId64 ") is not of kind running", end);
	if (end >= 0 && end < trace_last(r->t))
		return tf_fail(r, "%" PRId64 " is before the last recorded time (%" PRId64 ")", end, trace_last(r->t));
	if (r->version < 6 && trace_ndropped(r->t)) {   /* then the lines not kept were the last ones: said at the end */
		char said[96];
		int n = snprintf(said, sizeof said, "(%zu more lines were not kept: output cap)", trace_ndropped(r->t));
		trace_line_add(r->t, -1, trace_last(r->t), 0, said, (size_t)n);
	}
	if (end >= 0 && v1) trace_finish(r->t, end, outcome);   /* the kind from the words */
	else if (end >= 0) trace_finish_as(r->t, end, kind, outcome);
	r->ended = 1;
	return 0;
}

static const struct {
	const char *name;
	/* fields in this version; in version 4; in versions 2 and 3; in version 1 */
	int nfields, nfields_v4, nfields_v3, nfields_v1;
	int (*read)(tf_reader *r, tf_tok *tok);
} tf_records[] = {
	{ "meta", 2, 2, 2, 2, tf_meta }, { "task", 17, 17, 17, 17, tf_task }, { "slice", 5, 5, 5, 5, tf_slice },
	{ "line", 4, 4, 4, 4, tf_line }, { "mark", 3, 3, 2, 2, tf_mark }, { "span", 7, 7, 7, 7, tf_span },
	{ "cpu", 5, 5, 5, 5, tf_cpu }, { "end", 3, 3, 3, 2, tf_end },
	{ "block", 14, 11, 11, 11, tf_block }, { "stuck", 4, 4, 4, 4, tf_stuck },
	{ "queue", 2, 2, 2, 2, tf_queue }, { "qlen", 7, 7, 7, 7, tf_qlen }, { "pyname", 2, 2, 2, 2, tf_pyname },
	{ "dworker", 5, 5, 5, 5, tf_dworker }, { "dtask", 6, 6, 6, 6, tf_dtask }, { "dxfer", 6, 6, 6, 6, tf_dxfer },
};

static int tf_header(tf_reader *r, char *line)
{
	size_t m = strlen(TRACE_FILE_MAGIC);
	if (strncmp(line, TRACE_FILE_MAGIC, m) || line[m] != ' ')
		return tf_fail(r, "not a parlab trace (the first line must be '%s %d')", TRACE_FILE_MAGIC, TRACE_FILE_VERSION);
	tf_tok v = { line + m + 1, 0 };
	int64_t version;
	if (tf_int(r, &v, "version", 0, INT_MAX, &version) < 0) return -1;
	if (version < 1 || version > TRACE_FILE_VERSION)
		return tf_fail(r, "trace format version %" PRId64 " is not supported (this parlab reads versions 1 to %d)",
			       version, TRACE_FILE_VERSION);
	r->version = (int)version;
	return 0;
}

static int tf_record(tf_reader *r, char *line)
{
	char w[32];
	size_t k = strcspn(line, " ");
	size_t i = 0, nrec = sizeof tf_records / sizeof *tf_records;
	if (r->ended) return tf_fail(r, "a record after the end record");
	if (!k) return tf_fail(r, "an empty record");
	while (i < nrec && (strlen(tf_records[i].name) != k || memcmp(tf_records[i].name, line, k))) i++;
	if (i == nrec) return tf_fail(r, "unknown record '%s'", tf_word(w, sizeof w, line, k));
	r->kind = tf_records[i].name;
	tf_tok tok[TF_MAXTOK];
	int n = 0;
	if (tf_split(r, line + k, tok, &n) < 0) return -1;
	int want = r->version == 1 ? tf_records[i].nfields_v1 : r->version < 4 ? tf_records[i].nfields_v3
		: r->version == 4 ? tf_records[i].nfields_v4 : tf_records[i].nfields;
	if (n != want) return tf_fail(r, "expected %d fields, got %d", want, n);
	if (tf_records[i].read != tf_meta) tf_ensure(r);
	return tf_records[i].read(r, tok);
}

/* Reads records until the end or the first error. */
static void tf_read_all(tf_reader *r, FILE *f)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&buf, &cap, f)) >= 0) {
		r->line++;
		r->kind = NULL;
		int nl = len > 0 && buf[len - 1] == '\n';
		if (nl) buf[--len] = '\0';
		if (r->line == 1 && tf_header(r, buf) < 0) break;
		if (strlen(buf) != (size_t)len) { tf_fail(r, "a NUL byte in the record"); break; }
		if (!nl) { tf_fail(r, "truncated (the last line has no newline)"); break; }
		if (len && buf[len - 1] == '\r') { tf_fail(r, "a carriage return ends the line (DOS line ends?)"); break; }
		if (r->line > 1 && tf_record(r, buf) < 0) break;
	}
	if (!r->err && ferror(f)) r->err = xasprintf("%s: %s", r->path, strerror(errno));
	else if (!r->err && r->line == 0) r->err = xasprintf("%s: empty file (not a parlab trace)", r->path);
	else if (!r->err && !r->ended)
		r->err = xasprintf("%s: truncated after line %ld (no end record)", r->path, r->line);
	free(buf);
}

trace *trace_load(const char *path, char **err)
{
	*err = NULL;
	FILE *f = fopen(path, "r");
	if (!f) { *err = xasprintf("%s: %s", path, strerror(errno)); return NULL; }
	tf_reader r = { .path = path };
	tf_read_all(&r, f);
	fclose(f);
	free(r.title);
	free(r.backend);
	if (r.err) {
		trace_free(r.t);
		*err = r.err;
		return NULL;
	}
	return r.t;
}
