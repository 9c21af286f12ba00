/*
 * trace_blocks.c: the run's coordination blocks as they ended (trace.h,
 * "the run's blocks at its end"): one summary per block and, after a
 * deadlock, who held and waited for what. Kept apart from trace.c's
 * records; trace.c only holds the pointer and frees it.
 */
#include "trace/trace.h"
#include "util/xmalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tqueue {
	char name[32];
	int cap;
	trace_qlen *s;
	size_t n, scap;
};

struct trace_blocks {
	trace_block *b;
	size_t n, cap;
	trace_stuck *s;
	size_t ns, caps;
	struct tqueue *q;
	size_t nq, capq;
};

static struct trace_blocks *store(trace *t)
{
	struct trace_blocks **p = trace_blocks_slot(t);
	if (!*p) *p = xcalloc(1, sizeof **p);
	return *p;
}

void trace_blocks_free(struct trace_blocks *b)
{
	if (!b) return;
	for (size_t i = 0; i < b->n; i++) free(b->b[i].values);
	for (size_t i = 0; i < b->nq; i++) free(b->q[i].s);
	free(b->b);
	free(b->s);
	free(b->q);
	free(b);
}

void trace_block_add(trace *t, const trace_block *b)
{
	struct trace_blocks *s = store(t);
	trace_block *d = (trace_block *)trace_block_find(t, b->name);
	if (d) {
		free(d->values);
	} else {
		s->b = xgrow(s->b, &s->cap, s->n + 1, sizeof *s->b);
		d = &s->b[s->n++];
	}
	*d = *b;
	d->name[sizeof d->name - 1] = d->kind[sizeof d->kind - 1] = '\0';
	d->values = NULL;
	if (b->nvalues > 0 && b->values) {
		d->values = xmalloc(sizeof *d->values * (size_t)b->nvalues);
		memcpy(d->values, b->values, sizeof *d->values * (size_t)b->nvalues);
	} else {
		d->nvalues = 0;
	}
	trace_touch_store(t);
}

size_t trace_nblocks(const trace *t)
{
	const struct trace_blocks *s = *trace_blocks_slot(t);
	return s ? s->n : 0;
}

const trace_block *trace_block_at(const trace *t, size_t i)
{
	const struct trace_blocks *s = *trace_blocks_slot(t);
	return s && i < s->n ? &s->b[i] : NULL;
}

const trace_block *trace_block_find(const trace *t, const char *name)
{
	for (size_t i = 0; i < trace_nblocks(t); i++)
		if (!strcmp(trace_block_at(t, i)->name, name)) return trace_block_at(t, i);
	return NULL;
}

void trace_stuck_add(trace *t, const trace_stuck *k)
{
	struct trace_blocks *s = store(t);
	s->s = xgrow(s->s, &s->caps, s->ns + 1, sizeof *s->s);
	trace_stuck *d = &s->s[s->ns++];
	*d = *k;
	d->holds[sizeof d->holds - 1] = d->waits[sizeof d->waits - 1] = '\0';
	trace_touch_store(t);
}

size_t trace_nstuck(const trace *t)
{
	const struct trace_blocks *s = *trace_blocks_slot(t);
	return s ? s->ns : 0;
}

const trace_stuck *trace_stuck_at(const trace *t, size_t i)
{
	const struct trace_blocks *s = *trace_blocks_slot(t);
	return s && i < s->ns ? &s->s[i] : NULL;
}

/* ---- queues' lengths over time ---- */

int trace_queue_add(trace *t, const char *name, int cap)
{
	struct trace_blocks *s = store(t);
	for (size_t i = 0; i < s->nq; i++)
		if (!strcmp(s->q[i].name, name)) return (int)i;
	s->q = xgrow(s->q, &s->capq, s->nq + 1, sizeof *s->q);
	struct tqueue *q = &s->q[s->nq];
	memset(q, 0, sizeof *q);
	snprintf(q->name, sizeof q->name, "%s", name);
	q->cap = cap;
	trace_touch_store(t);
	return (int)s->nq++;
}

static struct tqueue *queue_at(const trace *t, size_t i)
{
	struct trace_blocks *s = *trace_blocks_slot(t);
	return s && i < s->nq ? &s->q[i] : NULL;
}

void trace_queue_sample(trace *t, int qi, int64_t t0, int64_t at, int len, int lo, int hi, double mean)
{
	struct tqueue *q = queue_at(t, (size_t)qi);
	if (!q) return;
	const trace_qlen *last = q->n ? &q->s[q->n - 1] : NULL;
	if (last ? lo == hi && len == last->len : lo == hi && len == 0) return;   /* unchanged (so is the mean) */
	if (last && at < last->t) at = last->t;
	if (last && t0 < last->t) t0 = last->t;
	if (t0 > at) t0 = at;
	q->s = xgrow(q->s, &q->scap, q->n + 1, sizeof *q->s);
	if (mean < lo) mean = lo;   /* the window's mean lies within its least and most */
	if (mean > hi) mean = hi;
	q->s[q->n++] = (trace_qlen){ t0, at, len, lo, hi, mean };
	trace_touch_store(t);
}

size_t trace_nqueues(const trace *t)
{
	const struct trace_blocks *s = *trace_blocks_slot(t);
	return s ? s->nq : 0;
}

const char *trace_queue_name(const trace *t, size_t i)
{
	const struct tqueue *q = queue_at(t, i);
	return q ? q->name : NULL;
}

int trace_queue_capacity(const trace *t, size_t i)
{
	const struct tqueue *q = queue_at(t, i);
	return q ? q->cap : 0;
}

const trace_qlen *trace_queue_samples(const trace *t, size_t i, size_t *n)
{
	const struct tqueue *q = queue_at(t, i);
	*n = q ? q->n : 0;
	return q ? q->s : NULL;
}

/* The first of the n samples s taken after t0 (n: none). */
static size_t first_after(const trace_qlen *s, size_t n, int64_t t0)
{
	size_t a = 0, b = n;
	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (s[m].t <= t0) a = m + 1;
		else b = m;
	}
	return a;
}

int trace_queue_range(const trace *t, size_t i, int64_t t0, int64_t t1, int *lo, int *hi)
{
	size_t n;
	const trace_qlen *s = trace_queue_samples(t, i, &n);
	size_t a = first_after(s, n, t0);
	int at0 = a ? s[a - 1].len : 0;   /* every queue starts empty */
	*lo = *hi = at0;
	for (size_t k = a; k < n && s[k].t0 < t1; k++) {
		if (s[k].lo < *lo) *lo = s[k].lo;
		if (s[k].hi > *hi) *hi = s[k].hi;
	}
	return at0;
}

double trace_queue_mean(const trace *t, size_t i, int64_t t0, int64_t t1)
{
	size_t n;
	const trace_qlen *s = trace_queue_samples(t, i, &n);
	if (t1 <= t0) return 0;
	double area = 0;
	int64_t at = t0;     /* covered up to here */
	size_t k = first_after(s, n, t0);   /* (one lane cell at a time: not from the run's start) */
	int len = k ? s[k - 1].len : 0;    /* the length before the next sample's window: the last one's */
	for (; k < n && at < t1; k++) {
		int64_t a = s[k].t0 > at ? s[k].t0 : at, b = s[k].t < t1 ? s[k].t : t1;
		if (a > at) area += (double)((a < t1 ? a : t1) - at) * len;   /* unchanged until its window */
		if (b > a) area += (double)(b - a) * s[k].mean;
		at = s[k].t;
		len = s[k].len;
	}
	if (at < t1) area += (double)(t1 - at) * len;
	return area / (double)(t1 - t0);
}

int trace_queue_strip(const trace *t, size_t q, int64_t t1, int max, char *out, char *caption, size_t cap)
{
	int qcap = trace_queue_capacity(t, q), tenths = qcap > 9;
	int64_t fit = (t1 + TRACE_QUEUE_TICK_NS - 1) / TRACE_QUEUE_TICK_NS;
	int n = fit < max ? (int)fit : max;
	for (int i = 0; i < n; i++) {
		int lo, hi;
		trace_queue_range(t, q, t1 * i / n, t1 * (i + 1) / n, &lo, &hi);
		int d = !tenths ? hi : hi >= qcap ? 9 : (hi * 9 + qcap - 1) / qcap;
		out[i] = (char)('0' + (d < 0 ? 0 : d > 9 ? 9 : d));
	}
	out[n > 0 ? n : 0] = '\0';
	char step[24];
	snprintf(caption, cap, "%s over time, each digit %s: %s", trace_queue_name(t, q),
		 trace_fmt_ns(step, sizeof step, t1 / (n ? n : 1)),
		 tenths ? "how full it was at most, in tenths (9: full)" : "the most it held");
	return n;
}

/* Appends to buf (cap bytes, NUL-terminated): what fits. */
static void cat(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void cat(char *buf, size_t cap, const char *fmt, ...)
{
	size_t o = strlen(buf);
	if (o + 1 >= cap) return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + o, cap - o, fmt, ap);
	va_end(ap);
}

void trace_block_describe(const trace_block *b, char *buf, size_t cap)
{
	char w1[24], w2[24];
	if (!cap) return;
	snprintf(buf, cap, "%s (%s): ", b->name, b->kind);
	if (!strcmp(b->kind, "shared")) {
		cat(buf, cap, b->live ? "at " : "ended at ");
		for (int i = 0; i < b->nvalues && i < 8; i++) cat(buf, cap, "%s%.15g", i ? ", " : "", b->values[i]);
		if (b->nvalues > 8) cat(buf, cap, ", ... (%d values)", b->nvalues);
		if (b->has_lost) cat(buf, cap, "; %.15g update%s lost", b->lost, b->lost == 1 ? "" : "s");
		return;
	}
	if (!strcmp(b->kind, "queue")) {
		cat(buf, cap, "%lld put, %lld taken, at most %d in it", b->puts, b->takes, b->max_length);
		int64_t all = b->full_ns + b->empty_ns;
		if (b->mean_length > 0 && b->mean_length < 0.01) cat(buf, cap, ", under 0.01 on average");
		else if (b->mean_length > 0 || all > 0) cat(buf, cap, ", %.2g on average", b->mean_length);
		if (all > 0)
			cat(buf, cap, ", full for %s, empty for %s", trace_fmt_ns(w1, sizeof w1, b->full_ns),
			    trace_fmt_ns(w2, sizeof w2, b->empty_ns));
		cat(buf, cap, "; ");
	}
	else
		cat(buf, cap, "%lld %s%s, ", b->acquisitions,
		    !strcmp(b->kind, "lock") ? "acquisition" : !strcmp(b->kind, "semaphore") ? "acquire" :
		    !strcmp(b->kind, "barrier") ? "arrival" : "wait", b->acquisitions == 1 ? "" : "s");
	if (!b->contended) { cat(buf, cap, "none waited"); return; }
	cat(buf, cap, "%lld waited (%s in all, the longest %s)", b->contended, trace_fmt_ns(w1, sizeof w1, b->wait_ns),
	    trace_fmt_ns(w2, sizeof w2, b->longest_ns));
}
