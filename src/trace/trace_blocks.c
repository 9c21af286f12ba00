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

struct trace_blocks {
	trace_block *b;
	size_t n, cap;
	trace_stuck *s;
	size_t ns, caps;
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
	free(b->b);
	free(b->s);
	free(b);
}

void trace_block_add(trace *t, const trace_block *b)
{
	struct trace_blocks *s = store(t);
	s->b = xgrow(s->b, &s->cap, s->n + 1, sizeof *s->b);
	trace_block *d = &s->b[s->n++];
	*d = *b;
	d->name[sizeof d->name - 1] = d->kind[sizeof d->kind - 1] = '\0';
	d->values = NULL;
	if (b->nvalues > 0 && b->values) {
		d->values = xmalloc(sizeof *d->values * (size_t)b->nvalues);
		memcpy(d->values, b->values, sizeof *d->values * (size_t)b->nvalues);
	} else {
		d->nvalues = 0;
	}
	trace_touch_blocks(t);
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
	trace_touch_blocks(t);
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
		cat(buf, cap, "ended at ");
		for (int i = 0; i < b->nvalues && i < 8; i++) cat(buf, cap, "%s%.15g", i ? ", " : "", b->values[i]);
		if (b->nvalues > 8) cat(buf, cap, ", ... (%d values)", b->nvalues);
		if (b->has_lost) cat(buf, cap, "; %.15g update%s lost", b->lost, b->lost == 1 ? "" : "s");
		return;
	}
	if (!strcmp(b->kind, "queue"))
		cat(buf, cap, "%lld put, %lld taken, at most %d in it; ", b->puts, b->takes, b->max_length);
	else
		cat(buf, cap, "%lld %s%s, ", b->acquisitions,
		    !strcmp(b->kind, "lock") ? "acquisition" : !strcmp(b->kind, "semaphore") ? "acquire" :
		    !strcmp(b->kind, "barrier") ? "arrival" : "wait", b->acquisitions == 1 ? "" : "s");
	if (!b->contended) { cat(buf, cap, "none waited"); return; }
	cat(buf, cap, "%lld waited (%s in all, the longest %s)", b->contended, trace_fmt_ns(w1, sizeof w1, b->wait_ns),
	    trace_fmt_ns(w2, sizeof w2, b->longest_ns));
}
