/*
 * coord_events.c: the workers' event rings and their draining into the
 * trace (see coord_events.h).
 *
 * Layout: the header (worker count, the dropped count), then one ring per
 * worker: its head (written by the worker), its tail (written by the
 * reader) and CEV_PER_WORKER slots. The worker fills a slot and then
 * publishes it by a release store of head; the reader reads head with
 * acquire, copies the slot and releases it by a store of tail. A worker is
 * the only writer of its ring (one worker is one process or one thread).
 */
#include "engine/coord_events.h"
#include "util/loop.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct wring {
	uint64_t head;   /* events written */
	uint64_t pad1[7];
	uint64_t tail;   /* events read */
	uint64_t pad2[7];
	cev_event ev[CEV_PER_WORKER];
};

struct cev_ring {
	size_t size;
	int nworkers;
	unsigned long dropped;
	unsigned long short_holds;   /* lock holds not kept: short, nobody waited */
	struct wring w[];
};

static cev_ring *current;

void cev_set_current(cev_ring *r) { current = r; }
cev_ring *cev_current(void) { return current; }

cev_ring *cev_new(int nworkers)
{
	if (nworkers < 1 || nworkers > COORD_MAX_WORKERS) { errno = EINVAL; return NULL; }
	size_t size = sizeof(cev_ring) + (size_t)nworkers * sizeof(struct wring);
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) return NULL;
	cev_ring *r = p;   /* zero-filled */
	r->size = size;
	r->nworkers = nworkers;
	return r;
}

void cev_free(cev_ring *r)
{
	if (!r) return;
	if (current == r) current = NULL;
	munmap(r, r->size);
}

int cev_nworkers(const cev_ring *r) { return r->nworkers; }
unsigned long cev_dropped(const cev_ring *r) { return __atomic_load_n(&r->dropped, __ATOMIC_RELAXED); }

/* Appends an event of time t (0: now). */
static void push_at(cev_ring *r, int w, int64_t t, cev_kind kind, int block, int holder, int sub, const char *text)
{
	if (!r || w < 0 || w >= r->nworkers) return;
	struct wring *q = &r->w[w];
	uint64_t head = __atomic_load_n(&q->head, __ATOMIC_RELAXED);
	uint64_t tail = __atomic_load_n(&q->tail, __ATOMIC_ACQUIRE);
	if (head - tail >= CEV_PER_WORKER) {
		__atomic_fetch_add(&r->dropped, 1, __ATOMIC_RELAXED);
		return;
	}
	cev_event *e = &q->ev[head % CEV_PER_WORKER];
	e->t = t ? t : loop_now_ns();
	e->kind = (int)kind;
	e->block = block;
	e->holder = holder;
	e->sub = sub;
	size_t n = text ? strlen(text) : 0;
	if (n >= CEV_TEXT) {   /* cut at a character's start */
		n = CEV_TEXT - 1;
		while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80) n--;
	}
	if (n) memcpy(e->text, text, n);
	e->text[n] = '\0';
	__atomic_store_n(&q->head, head + 1, __ATOMIC_RELEASE);
}

void cev_push(cev_ring *r, int w, cev_kind kind, int block, int holder, int sub, const char *text)
{
	push_at(r, w, 0, kind, block, holder, sub, text);
}

/* This thread's last lock hold, not yet in the ring (a worker is one
 * thread of its own, or one process): from t0, to t1 (0: still held);
 * acq, which acquisition of the lock it began with (its own next one
 * follows it when acq + 1); waited: another worker waited for it. */
static _Thread_local struct {
	int valid, w, block, acq, waited;
	int64_t t0, t1;
} pending;

/* The pending hold into the ring: as held since t0, or as a span; a short
 * one nobody waited for is only counted. */
static void flush_pending(void)
{
	if (!pending.valid) return;
	pending.valid = 0;
	if (pending.t1 && !pending.waited && pending.t1 - pending.t0 < CEV_SHORT_HOLD_NS) {
		__atomic_fetch_add(&current->short_holds, 1, __ATOMIC_RELAXED);
		return;
	}
	push_at(current, pending.w, pending.t0, CEV_TAKE, pending.block, -1, 0, NULL);
	if (pending.t1) push_at(current, pending.w, pending.t1, CEV_RELEASE, pending.block, -1, 0, NULL);
}

/* A take of the lock just released, by its releaser, with no other
 * acquisition between and within CEV_SHORT_HOLD_NS: the same hold, for
 * the lanes (up to CEV_HOLD_FLUSH_NS, so that a live run still shows it). */
static int extends(int w, int block, int acq, int64_t now)
{
	return pending.valid && pending.t1 && pending.w == w && pending.block == block && acq > 0 &&
	       acq == ((pending.acq + 1) & 0x3fffffff) && now - pending.t1 < CEV_SHORT_HOLD_NS &&
	       now - pending.t0 < CEV_HOLD_FLUSH_NS;
}

void cev_note(int w, cev_kind kind, int block, int holder, int sub)
{
	if (!current) return;
	int64_t now = loop_now_ns();
	if (kind == CEV_TAKE) {   /* held back until its release says how long it was held */
		if (extends(w, block, sub, now)) {
			pending.t1 = 0;
		} else {
			flush_pending();
			pending.valid = 1;
			pending.w = w;
			pending.block = block;
			pending.t0 = now;
			pending.t1 = 0;
			pending.waited = 0;
		}
		pending.acq = sub;
		return;
	}
	if (kind == CEV_RELEASE && pending.valid && !pending.t1 && pending.w == w && pending.block == block) {
		pending.t1 = now;
		pending.waited |= sub;
		return;
	}
	flush_pending();
	push_at(current, w, now, kind, block, holder, sub, NULL);
}

void cev_flush(void)
{
	if (current) flush_pending();
}

unsigned long cev_short_holds(const cev_ring *r) { return __atomic_load_n(&r->short_holds, __ATOMIC_RELAXED); }

void cev_mark(int w, const char *text)
{
	if (!current) return;
	flush_pending();
	push_at(current, w, 0, CEV_MARK, -1, -1, 0, text);
}

void cev_step(int w, int go, int block, const char *action)
{
	if (!current) return;
	if (!go) flush_pending();   /* a lock held at the point shows held while it waits */
	push_at(current, w, 0, go ? CEV_STEP_GO : CEV_STEP, block, -1, 0, go ? NULL : action);
}

int cev_peek(const cev_ring *r, int w, cev_event *out)
{
	if (!r || w < 0 || w >= r->nworkers) return 0;
	const struct wring *q = &r->w[w];
	uint64_t head = __atomic_load_n(&q->head, __ATOMIC_ACQUIRE);
	uint64_t tail = __atomic_load_n(&q->tail, __ATOMIC_RELAXED);
	if (tail == head) return 0;
	*out = q->ev[tail % CEV_PER_WORKER];
	return 1;
}

void cev_pop(cev_ring *r, int w)
{
	struct wring *q = &r->w[w];
	uint64_t tail = __atomic_load_n(&q->tail, __ATOMIC_RELAXED);
	__atomic_store_n(&q->tail, tail + 1, __ATOMIC_RELEASE);
}

/* ---- the screen's side --------------------------------------------------- */

struct cev_log {
	cev_ring *r;
	const coord *c;
	unsigned long lost;        /* events of workers that never had a task */
	long wait[COORD_MAX_WORKERS];   /* each worker's open blocked span, -1 */
	long held[COORD_MAX_BLOCKS];    /* each lock's open held span, -1 */
	long step[COORD_MAX_WORKERS];   /* each worker's open step span, -1 */
};

cev_log *cev_log_new(cev_ring *r, const coord *c)
{
	cev_log *lg = xmalloc(sizeof *lg);
	lg->r = r;
	lg->c = c;
	lg->lost = 0;
	for (int i = 0; i < COORD_MAX_WORKERS; i++) lg->wait[i] = lg->step[i] = -1;
	for (int i = 0; i < COORD_MAX_BLOCKS; i++) lg->held[i] = -1;
	return lg;
}

void cev_log_free(cev_log *lg) { free(lg); }


static const char *what_of(const coord *c, int b, int sub)
{
	if (!c || b < 0 || b >= coord_nblocks(c)) return "block";
	if (coord_kind_of(c, b) == COORD_QUEUE) return sub == CEV_FULL ? "queue (full)" : "queue (empty)";
	return coord_kind_name(coord_kind_of(c, b));
}

static void apply(cev_log *lg, trace *t, int w, int task, const cev_event *e)
{
	const coord *c = lg->c;
	int64_t at = trace_rel(t, e->t), end = trace_end(t);
	if (at < 0) at = 0;
	if (end >= 0 && at > end) at = end;   /* drained after the run ended */
	int ok = c && e->block >= 0 && e->block < coord_nblocks(c);
	if (e->kind != CEV_WAIT && e->kind != CEV_WAKE && lg->wait[w] >= 0) {
		trace_span_close(t, (size_t)lg->wait[w], at);   /* a worker that acts waits no more: */
		lg->wait[w] = -1;                              /* its WAKE was dropped (a full ring) */
	}
	switch ((cev_kind)e->kind) {
	case CEV_WAIT:
		if (!ok) break;
		if (lg->wait[w] >= 0) trace_span_close(t, (size_t)lg->wait[w], at);
		lg->wait[w] = (long)trace_span_open(t, task, TRACE_SPAN_BLOCKED, at, what_of(c, e->block, e->sub),
						     coord_name(c, e->block), e->holder >= 0 ? trace_worker_task(t, e->holder) : -1);
		break;
	case CEV_WAKE:
		if (lg->wait[w] >= 0) trace_span_close(t, (size_t)lg->wait[w], at);
		lg->wait[w] = -1;
		break;
	case CEV_TAKE:
		if (!ok) break;
		if (lg->held[e->block] >= 0) trace_span_close(t, (size_t)lg->held[e->block], at);
		lg->held[e->block] = (long)trace_span_open(t, task, TRACE_SPAN_HELD, at, "lock", coord_name(c, e->block), -1);
		break;
	case CEV_RELEASE:
		if (!ok) break;
		if (lg->held[e->block] >= 0) trace_span_close(t, (size_t)lg->held[e->block], at);
		lg->held[e->block] = -1;
		break;
	case CEV_MARK:
		trace_mark_add_task(t, task, at, e->text);
		break;
	case CEV_STEP:
		if (lg->step[w] >= 0) trace_span_close(t, (size_t)lg->step[w], at);
		lg->step[w] = (long)trace_span_open(t, task, TRACE_SPAN_STEP, at, e->text, ok ? coord_name(c, e->block) : "", -1);
		break;
	case CEV_STEP_GO:
		if (lg->step[w] >= 0) trace_span_close(t, (size_t)lg->step[w], at);
		lg->step[w] = -1;
		break;
	}
}

/* The end of worker w's span i still open when the run ended: its task's
 * death (killed at a step point, or crashed), else the run's end. */
static int64_t open_end(trace *t, long i)
{
	const trace_span *sp = trace_span_at(t, (size_t)i);
	const trace_task *k = sp ? trace_task_at(t, sp->task) : NULL;
	int64_t end = trace_end(t);
	return k && k->died >= 0 && k->died < end ? k->died : end;
}

int cev_log_drain(cev_log *lg, trace *t, int final)
{
	if (!lg || !lg->r) return 0;
	int moved = 0;
	cev_event e;
	for (int w = 0; w < lg->r->nworkers; w++) {
		int task = -1;
		while (cev_peek(lg->r, w, &e)) {
			if (task < 0) task = trace_worker_task(t, w);
			if (task < 0 && !final) break;   /* its task comes later */
			if (task < 0) lg->lost++;
			else { apply(lg, t, w, task, &e); moved++; }
			cev_pop(lg->r, w);
		}
	}
	if (final && trace_end(t) >= 0) {   /* what was still waiting or held when the run ended */
		for (int w = 0; w < COORD_MAX_WORKERS; w++) {
			if (lg->wait[w] >= 0) { trace_span_close(t, (size_t)lg->wait[w], trace_end(t)); lg->wait[w] = -1; }
			if (lg->step[w] >= 0) { trace_span_close(t, (size_t)lg->step[w], open_end(t, lg->step[w])); lg->step[w] = -1; }
		}
		for (int b = 0; b < COORD_MAX_BLOCKS; b++)
			if (lg->held[b] >= 0) { trace_span_close(t, (size_t)lg->held[b], trace_end(t)); lg->held[b] = -1; }
	}
	unsigned long d = cev_dropped(lg->r) + lg->lost;
	if (d != trace_events_dropped(t)) trace_set_events_dropped(t, d);
	return moved;
}
