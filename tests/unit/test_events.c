/* test_events: the workers' event rings (engine/coord_events.h) and their
 * draining into a trace: a lock held 200 ms by w0 while w1 waits for it,
 * in processes and in threads, gives w1 a blocked span of about 150 ms on
 * lock A with holder w0 and w0 a held span; a queue wait says "empty";
 * marks land on their worker's task; a full ring drops and counts, never
 * blocks; a mark's text is cut at a character; lock holds: repeated ones
 * by one worker extend one span, short ones nobody waited for are counted,
 * not kept. */
#include "check.h"
#include "engine/coord.h"
#include "engine/coord_events.h"
#include "util/loop.h"

#include <pthread.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void ms_sleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0) {}
}

static coord *blocks(void)
{
	coord_spec *s = coord_spec_new();
	CHECK(coord_spec_add(s, COORD_LOCK, "A", 0, NULL, NULL) == 0);
	CHECK(coord_spec_add(s, COORD_QUEUE, "jobs", 1, NULL, NULL) == 0);
	CHECK(coord_spec_add(s, COORD_SHARED, "held", 0, NULL, NULL) == 0);
	coord *c = coord_new(s, 2);
	coord_spec_free(s);
	if (!c) exit(1);
	return c;
}

/* w0: takes A, marks, keeps it 200 ms, puts a job after 100 more ms.
 * w1: 50 ms later waits for A, then takes from the (empty) queue. */
static int work(coord *c, int w)
{
	int a = coord_find(c, "A"), q = coord_find(c, "jobs");
	coord_value v = { COORD_NUMBER, 7, 0, "" };
	if (w == 0) {
		coord_lock(c, a, 0);
		cev_mark(0, "took the lock");
		coord_set(c, coord_find(c, "held"), 0, 1);
		ms_sleep(200);
		coord_unlock(c, a, 0);
		ms_sleep(100);
		coord_put(c, q, 0, &v);
	} else {
		while (coord_get(c, coord_find(c, "held"), 0) == 0) ms_sleep(2);   /* however late w0 starts */
		ms_sleep(50);
		coord_lock(c, a, 1);
		coord_unlock(c, a, 1);
		coord_take(c, q, 1, &v);
		cev_mark(1, "got a job \xe2\x9c\x93");
	}
	return 0;
}

struct targ { coord *c; int w; };
static void *thread_main(void *p)
{
	struct targ *a = p;
	work(a->c, a->w);
	return NULL;
}

static const trace_span *span_of(const trace *t, int task, trace_span_kind kind, const char *what)
{
	for (size_t i = 0; i < trace_nspans(t); i++) {
		const trace_span *sp = trace_span_at(t, i);
		if (sp->task == task && sp->kind == kind && !strcmp(sp->what, what)) return sp;
	}
	return NULL;
}

static void lock_and_queue(int threads)
{
	coord *c = blocks();
	cev_ring *r = cev_new(2);
	CHECK(r != NULL);
	if (!r) exit(1);
	cev_set_current(r);
	trace *t = trace_new("events", loop_now_ns());
	int t0 = trace_task_add(t, 100, 100, 1, 0, "w0"), t1 = trace_task_add(t, 101, 101, 1, 1, "w1");
	cev_log *lg = cev_log_new(r, c);
	if (threads) {
		pthread_t th[2];
		struct targ a[2] = { { c, 0 }, { c, 1 } };
		for (int i = 0; i < 2; i++) pthread_create(&th[i], NULL, thread_main, &a[i]);
		for (int i = 0; i < 1000 && !span_of(t, t1, TRACE_SPAN_BLOCKED, "lock"); i++) {   /* mid-run: w1 */
			ms_sleep(5);                                                              /* waits, its */
			cev_log_drain(lg, t, 0);                                                  /* span open */
		}
		const trace_span *open = span_of(t, t1, TRACE_SPAN_BLOCKED, "lock");
		CHECK(open && open->t1 == -1 && open->holder == t0);
		for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
	} else {
		pid_t p[2];
		for (int i = 0; i < 2; i++)
			if ((p[i] = fork()) == 0) _exit(work(c, i));
		for (int i = 0; i < 2; i++) {
			int st;
			CHECK(waitpid(p[i], &st, 0) == p[i] && WIFEXITED(st) && WEXITSTATUS(st) == 0);
		}
	}
	CHECK(cev_log_drain(lg, t, 0) > 0);
	trace_finish_as(t, trace_last(t) + 1, TRACE_FINISHED, "finished");
	cev_log_drain(lg, t, 1);
	const trace_span *b = span_of(t, t1, TRACE_SPAN_BLOCKED, "lock");
	CHECK(b != NULL);
	if (b) {
		int64_t d = b->t1 - b->t0;
		CHECK(d > 100000000 && d < 1000000000);   /* about 150 ms, however busy the machine */
		CHECK(b->holder == t0);
		CHECK_STR(b->block, "A");
		char buf[160];
		CHECK_STR(trace_span_describe(t, b, buf, sizeof buf), "waiting for lock A, held by w0");
		CHECK(trace_span_find(t, t1, TRACE_SPAN_BLOCKED, b->t0 + (b->t1 - b->t0) / 2) == b);
	}
	const trace_span *h = span_of(t, t0, TRACE_SPAN_HELD, "lock");
	CHECK(h && h->t1 - h->t0 >= 150000000 && h->holder == -1);
	CHECK(!span_of(t, t0, TRACE_SPAN_BLOCKED, "lock"));   /* w0 never waited for A */
	const trace_span *q = span_of(t, t1, TRACE_SPAN_BLOCKED, "queue (empty)");
	CHECK(q && q->t1 - q->t0 > 50000000 && q->holder == -1);
	CHECK(trace_blocked_ns(t, t1) > 150000000 && trace_blocked_ns(t, t0) == 0);
	CHECK(trace_nmarks(t) == 2);
	int seen = 0;
	for (size_t i = 0; i < trace_nmarks(t); i++) {
		const trace_mark *m = trace_mark_at(t, i);
		if (m->task == t0 && !strcmp(m->text, "took the lock")) seen |= 1;
		if (m->task == t1 && !strcmp(m->text, "got a job \xe2\x9c\x93")) seen |= 2;
	}
	CHECK(seen == 3);
	for (size_t i = 0; i < trace_nspans(t); i++) CHECK(trace_span_at(t, i)->t1 >= 0);   /* all closed */
	CHECK(trace_events_dropped(t) == 0);
	cev_log_free(lg);
	trace_free(t);
	cev_free(r);
	CHECK(cev_current() == NULL);
	coord_free(c);
}

static void ring(void)
{
	cev_ring *r = cev_new(1);
	cev_event e;
	CHECK(!cev_peek(r, 0, &e));
	for (int i = 0; i < CEV_PER_WORKER + 5; i++) cev_push(r, 0, CEV_TAKE, i, -1, 0, NULL);   /* never waits */
	CHECK(cev_dropped(r) == 5);
	for (int i = 0; i < CEV_PER_WORKER; i++) {
		CHECK(cev_peek(r, 0, &e) && e.block == i && e.kind == CEV_TAKE);
		cev_pop(r, 0);
	}
	CHECK(!cev_peek(r, 0, &e));
	cev_push(r, 0, CEV_MARK, -1, -1, 0, "again");   /* room again */
	CHECK(cev_peek(r, 0, &e) && !strcmp(e.text, "again"));
	cev_pop(r, 0);
	char big[300];
	memset(big, 'a', sizeof big);
	memcpy(big + CEV_TEXT - 3, "\xe2\x9c\x93", 3);   /* a 3-byte character across the cut */
	big[sizeof big - 1] = '\0';
	cev_push(r, 0, CEV_MARK, -1, -1, 0, big);
	CHECK(cev_peek(r, 0, &e) && strlen(e.text) == CEV_TEXT - 3);
	cev_push(r, 5, CEV_MARK, -1, -1, 0, "no such worker");   /* ignored */
	cev_note(0, CEV_TAKE, 0, -1, 0);   /* no current ring: nothing */
	CHECK(cev_dropped(r) == 5);
	cev_free(r);
	CHECK(cev_new(0) == NULL && cev_new(COORD_MAX_WORKERS + 1) == NULL);
}

/* A WAKE lost to a full ring: the worker's next act ends its wait there,
 * not at the run's end. */
static void lost_wake(void)
{
	coord *c = blocks();
	cev_ring *r = cev_new(1);
	trace *t = trace_new("lost", loop_now_ns());
	int k = trace_task_add(t, 100, 100, 1, 0, "w0");
	cev_log *lg = cev_log_new(r, c);
	cev_push(r, 0, CEV_WAIT, coord_find(c, "jobs"), -1, CEV_EMPTY, NULL);
	ms_sleep(20);
	cev_push(r, 0, CEV_MARK, -1, -1, 0, "after");   /* no WAKE before it */
	CHECK(cev_log_drain(lg, t, 0) == 2);
	const trace_span *sp = span_of(t, k, TRACE_SPAN_BLOCKED, "queue (empty)");
	CHECK(sp && sp->t1 >= 0 && sp->t1 - sp->t0 >= 20000000 && sp->t1 == trace_mark_at(t, 0)->t);
	ms_sleep(30);
	trace_finish_as(t, trace_rel(t, loop_now_ns()), TRACE_FINISHED, NULL);
	CHECK(sp && sp->t1 < trace_end(t) - 20000000);
	cev_log_free(lg);
	trace_free(t);
	cev_free(r);
	coord_free(c);
}

static void spin_us(int us)
{
	int64_t end = loop_now_ns() + us * 1000LL;
	while (loop_now_ns() < end) {}
}

/* Pops a TAKE/RELEASE pair of worker w's ring into [t0, t1]; 0 when the
 * ring has no such pair next. */
static int pop_hold(cev_ring *r, int w, int64_t *t0, int64_t *t1)
{
	cev_event e, e2;
	if (!cev_peek(r, w, &e) || e.kind != CEV_TAKE) return 0;
	cev_pop(r, w);
	if (!cev_peek(r, w, &e2) || e2.kind != CEV_RELEASE) return 0;
	cev_pop(r, w);
	*t0 = e.t;
	*t1 = e2.t;
	return 1;
}

/* Lock holds in the rings: a worker taking the same lock again at once
 * (nobody else between) extends its hold, so a thousand 20 us holds come
 * out as a few spans covering most of the loop, not a thousand; a hold
 * under CEV_SHORT_HOLD_NS nobody waited for is counted, not kept; another
 * worker's take between ends a hold; a long hold keeps its take's time;
 * a lock still held at the worker's end (cev_flush) is kept. */
static void holds(void)
{
	coord *c = blocks();
	cev_ring *r = cev_new(2);
	cev_set_current(r);
	int a = coord_find(c, "A");
	int64_t start = loop_now_ns();
	for (int i = 0; i < 1000; i++) {
		coord_lock(c, a, 0);
		spin_us(20);
		coord_unlock(c, a, 0);
	}
	int64_t end = loop_now_ns(), t0, t1, covered = 0, first = -1, last = 0;
	cev_flush();
	int pairs = 0;
	while (pop_hold(r, 0, &t0, &t1)) {
		CHECK(t0 >= start && t1 <= end && t1 > t0 && t0 >= last);
		if (first < 0) first = t0;
		covered += t1 - t0;
		last = t1;
		pairs++;
	}
	CHECK(pairs >= 1 && pairs <= 200);   /* not a thousand */
	CHECK(covered >= (end - start) / 2);
	printf("1000 holds of 20 us in %.1f ms: %d span(s), %lu short holds counted\n", (end - start) / 1e6, pairs,
	       cev_short_holds(r));
	unsigned long before_short = cev_short_holds(r);
	coord_lock(c, a, 0);   /* too short to draw */
	coord_unlock(c, a, 0);
	cev_flush();
	cev_event e;
	CHECK(!cev_peek(r, 0, &e) && cev_short_holds(r) == before_short + 1);
	/* w0, then w1, then w0 again, each 300 us: three holds, in two rings */
	for (int w = 0; w < 3; w++) {
		coord_lock(c, a, w % 2);
		spin_us(300);
		coord_unlock(c, a, w % 2);
	}
	cev_flush();
	CHECK(pop_hold(r, 0, &t0, &t1) && t1 - t0 >= 300000);
	CHECK(pop_hold(r, 1, &t0, &t1) && t1 - t0 >= 300000);
	CHECK(!cev_peek(r, 1, &e));
	cev_set_current(r);
	int64_t before = loop_now_ns();
	coord_lock(c, a, 0);   /* w0's first after w1's: a new hold */
	ms_sleep(2);
	coord_unlock(c, a, 0);
	cev_mark(0, "after");  /* any other event puts the hold in the ring */
	CHECK(pop_hold(r, 0, &t0, &t1));   /* w0's second 300 us hold */
	CHECK(pop_hold(r, 0, &t0, &t1) && t0 >= before && t0 < before + 1000000 && t1 - t0 >= 2000000);
	CHECK(cev_peek(r, 0, &e) && e.kind == CEV_MARK);
	cev_pop(r, 0);
	coord_lock(c, a, 0);
	CHECK(!cev_peek(r, 0, &e));   /* held back until its release */
	cev_flush();
	CHECK(cev_peek(r, 0, &e) && e.kind == CEV_TAKE);
	cev_pop(r, 0);
	coord_unlock(c, a, 0);   /* its TAKE is out: the RELEASE goes too */
	CHECK(cev_peek(r, 0, &e) && e.kind == CEV_RELEASE);
	cev_free(r);
	coord_free(c);
}

int main(void)
{
	ring();
	holds();
	lost_wake();
	lock_and_queue(0);
	lock_and_queue(1);
	return CHECK_DONE();
}
