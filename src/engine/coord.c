/*
 * coord.c: the run's blocks in one shared region (see coord.h).
 *
 * Layout: struct coord (the header, what each worker waits on), its blocks,
 * then the blocks' data (shared values as 64-bit words, queue slots). The
 * region is the only state: the pointer to it is the coord, valid in every
 * process forked after coord_new and in all their threads.
 *
 * Each block has a process-shared mutex guarding its fields and two
 * process-shared conditions. A lock block's mutex is the lock itself
 * (held between coord_lock and coord_unlock; its holder field says by
 * whom); a condition waits on its lock's mutex. Semaphores, barriers and
 * queues hold their mutex only for a few instructions and wait on their
 * conditions. waiting_on is set before a worker may block and cleared
 * after: a relaxed store each, for whoever draws or checks the run.
 */
#include "engine/coord.h"
#include "engine/coord_events.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>

struct cblock {
	coord_kind kind;
	char name[COORD_MAX_NAME + 1];
	int n;
	int lock;              /* condition: its lock's block */
	int holder;            /* lock: the worker holding it, -1 */
	int count;             /* semaphore: count; barrier: arrived; queue: length */
	int maxlen;            /* queue: the longest it has been */
	int head;              /* queue: the oldest value's slot */
	/* queue, its length over time (under mu, read relaxed by the screen):
	 * since its first change (first_t, 0: none yet) up to the last (len_t),
	 * the length integrated over time and the time full and empty; lo and
	 * hi, the least and most length since the screen last sampled */
	int64_t first_t, len_t;
	long long len_area, full_ns, empty_ns;
	int lo, hi;
	unsigned gen;          /* barrier: rounds completed; condition: notifies */
	size_t off;            /* shared: its words; queue: its slots (from the region's start) */
	pthread_mutex_t mu;
	pthread_cond_t c1, c2; /* semaphore, barrier, condition: c1; queue: c1 not empty, c2 not full */
	/* figures (coord_figures_of): relaxed atomics, updated by the operations */
	long long acq, contended, wait_ns, longest_ns, puts, takes, adds, sets;
	uint64_t added;        /* shared: the sum of every add's d (double bits) */
	uint64_t init_sum;     /* shared: the sum of its initial values (double bits) */
};

struct coord {
	size_t size;
	int nblocks, nworkers;
	int waiting_on[COORD_MAX_WORKERS];
	int live[COORD_MAX_WORKERS];   /* the screen clears a worker's when it ended */
	/* what each wait began with, for coord_stuck: a barrier's round, a
	 * condition's notifies; a queue wait's side (1: put, 0: take) */
	unsigned wait_gen[COORD_MAX_WORKERS];
	int wait_put[COORD_MAX_WORKERS];
	/* a stepped run (coord_step.h): condition waits queue up by ticket and
	 * a notify picks whom it wakes, instead of the pthread conditions */
	int stepped;
	unsigned tickets;
	unsigned ticket[COORD_MAX_WORKERS];    /* 0: not waiting on a condition */
	int notified[COORD_MAX_WORKERS];
	struct cblock b[];
};

/* ---- the spec ------------------------------------------------------------ */

static const char *const kind_names[] = { "shared value", "lock", "semaphore", "barrier", "condition", "queue" };
static const char *const kind_plurals[] = { "shared", "locks", "semaphores", "barriers", "conditions", "queues" };

const char *coord_kind_name(coord_kind k) { return kind_names[k]; }
const char *coord_kind_plural(coord_kind k) { return kind_plurals[k]; }

coord_spec *coord_spec_new(void)
{
	coord_spec *s = calloc(1, sizeof *s);
	if (!s) abort();
	return s;
}

void coord_spec_free(coord_spec *s)
{
	if (!s) return;
	for (int i = 0; i < s->nblocks; i++) free(s->b[i].init);
	free(s);
}

static int spec_find(const coord_spec *s, const char *name)
{
	for (int i = 0; i < s->nblocks; i++)
		if (!strcmp(s->b[i].name, name)) return i;
	return -1;
}

int coord_spec_add(coord_spec *s, coord_kind kind, const char *name, int n, const double *init,
		   const char *lock)
{
	size_t len = strlen(name);
	if (len == 0 || len > COORD_MAX_NAME) {
		snprintf(s->err, sizeof s->err, "a block's name has 1 to %d characters, not %zu", COORD_MAX_NAME, len);
		return -1;
	}
	int other = spec_find(s, name);
	if (other >= 0) {
		snprintf(s->err, sizeof s->err, "'%s' names two blocks (a %s and a %s): each needs its own name",
			 name, kind_names[s->b[other].kind], kind_names[kind]);
		return -1;
	}
	if (s->nblocks >= COORD_MAX_BLOCKS) {
		snprintf(s->err, sizeof s->err, "at most %d blocks (shared values, locks, ...) in a run", COORD_MAX_BLOCKS);
		return -1;
	}
	int lo = 0, hi = 0;
	switch (kind) {
	case COORD_SHARED: lo = 0; hi = COORD_MAX_ARRAY; break;
	case COORD_SEMAPHORE: lo = 0; hi = COORD_MAX_COUNT; break;
	case COORD_BARRIER: lo = 1; hi = COORD_MAX_WORKERS; break;
	case COORD_QUEUE: lo = 1; hi = COORD_MAX_CAPACITY; break;
	default: break;
	}
	if (n < lo || n > hi) {
		snprintf(s->err, sizeof s->err, "%s '%s': %d is not from %d to %d", kind_names[kind], name, n, lo, hi);
		return -1;
	}
	coord_decl *d = &s->b[s->nblocks++];
	memset(d, 0, sizeof *d);
	d->kind = kind;
	memcpy(d->name, name, len + 1);
	d->n = n;
	if (kind == COORD_CONDITION && lock) snprintf(d->lock, sizeof d->lock, "%s", lock);
	if (kind == COORD_SHARED) {
		size_t k = n > 0 ? (size_t)n : 1;
		d->init = calloc(k, sizeof *d->init);
		if (!d->init) abort();
		if (init) memcpy(d->init, init, k * sizeof *init);
	}
	return 0;
}

int coord_spec_check(coord_spec *s)
{
	for (int i = 0; i < s->nblocks; i++) {
		const coord_decl *d = &s->b[i];
		if (d->kind != COORD_CONDITION) continue;
		int l = spec_find(s, d->lock);
		if (l < 0 || s->b[l].kind != COORD_LOCK) {
			snprintf(s->err, sizeof s->err, "condition '%s' goes with lock '%s', but the run has no lock '%s'",
				 d->name, d->lock, d->lock);
			return -1;
		}
	}
	return 0;
}

/* ---- the region ---------------------------------------------------------- */

static size_t align16(size_t n) { return (n + 15) & ~(size_t)15; }

static uint64_t *words(coord *c, const struct cblock *k) { return (uint64_t *)((char *)c + k->off); }
static coord_value *slots(coord *c, const struct cblock *k) { return (coord_value *)((char *)c + k->off); }

static uint64_t bits_of(double v) { uint64_t u; memcpy(&u, &v, sizeof u); return u; }
static double double_of(uint64_t u) { double v; memcpy(&v, &u, sizeof v); return v; }

coord *coord_new(const coord_spec *spec, int nworkers)
{
	if (nworkers < 1 || nworkers > COORD_MAX_WORKERS) { errno = EINVAL; return NULL; }
	size_t size = align16(sizeof(struct coord) + (size_t)spec->nblocks * sizeof(struct cblock));
	size_t off[COORD_MAX_BLOCKS] = { 0 };
	for (int i = 0; i < spec->nblocks; i++) {
		const coord_decl *d = &spec->b[i];
		off[i] = size;
		if (d->kind == COORD_SHARED) size += align16((size_t)(d->n > 0 ? d->n : 1) * sizeof(uint64_t));
		else if (d->kind == COORD_QUEUE) size += align16((size_t)d->n * sizeof(coord_value));
	}
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) return NULL;
	coord *c = p;   /* zero-filled */
	c->size = size;
	c->nblocks = spec->nblocks;
	c->nworkers = nworkers;
	for (int w = 0; w < COORD_MAX_WORKERS; w++) {
		c->waiting_on[w] = -1;
		c->live[w] = w < nworkers;
	}
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_condattr_init(&ca);
	pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
	for (int i = 0; i < spec->nblocks; i++) {
		const coord_decl *d = &spec->b[i];
		struct cblock *k = &c->b[i];
		k->kind = d->kind;
		memcpy(k->name, d->name, sizeof k->name);
		k->n = d->n;
		k->holder = -1;
		k->lock = -1;
		k->off = off[i];
		pthread_mutex_init(&k->mu, &ma);
		pthread_cond_init(&k->c1, &ca);
		pthread_cond_init(&k->c2, &ca);
		if (d->kind == COORD_SEMAPHORE) k->count = d->n;
		if (d->kind == COORD_SHARED)
		{
			double sum = 0;
			for (int j = 0; j < (d->n > 0 ? d->n : 1); j++) {
				words(c, k)[j] = bits_of(d->init ? d->init[j] : 0);
				sum += d->init ? d->init[j] : 0;
			}
			k->init_sum = bits_of(sum);
		}
		if (d->kind == COORD_CONDITION) {
			for (int j = 0; j < spec->nblocks; j++)
				if (spec->b[j].kind == COORD_LOCK && !strcmp(spec->b[j].name, d->lock)) k->lock = j;
			if (k->lock < 0) { munmap(p, size); errno = EINVAL; return NULL; }
		}
	}
	pthread_mutexattr_destroy(&ma);
	pthread_condattr_destroy(&ca);
	return c;
}

void coord_free(coord *c)
{
	if (c) munmap(c, c->size);
}

int coord_nblocks(const coord *c) { return c->nblocks; }
const char *coord_name(const coord *c, int b) { return c->b[b].name; }
coord_kind coord_kind_of(const coord *c, int b) { return c->b[b].kind; }
int coord_size(const coord *c, int b) { return c->b[b].n; }
int coord_cond_lock(const coord *c, int b) { return c->b[b].lock; }

int coord_find(const coord *c, const char *name)
{
	for (int i = 0; i < c->nblocks; i++)
		if (!strcmp(c->b[i].name, name)) return i;
	return -1;
}

int coord_waiting_on(const coord *c, int w)
{
	if (w < 0 || w >= COORD_MAX_WORKERS) return -1;
	return __atomic_load_n(&c->waiting_on[w], __ATOMIC_RELAXED);
}

static void set_waiting(coord *c, int w, int b)
{
	if (w >= 0 && w < COORD_MAX_WORKERS) __atomic_store_n(&c->waiting_on[w], b, __ATOMIC_RELAXED);
}

/* What the wait about to begin waits for (before set_waiting). */
static void set_wait_gen(coord *c, int w, unsigned gen, int put)
{
	if (w < 0 || w >= COORD_MAX_WORKERS) return;
	__atomic_store_n(&c->wait_gen[w], gen, __ATOMIC_RELAXED);
	__atomic_store_n(&c->wait_put[w], put, __ATOMIC_RELAXED);
}

static void set_holder(struct cblock *k, int w) { __atomic_store_n(&k->holder, w, __ATOMIC_RELAXED); }

/* ---- figures: relaxed atomics, a few per operation ------------------------ */

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void bump(long long *p, long long d) { __atomic_fetch_add(p, d, __ATOMIC_RELAXED); }

/* Under a lock's mutex: which acquisition of it this is (for the event
 * rings: a hold right after one's own last of the same lock extends it). */
static int acq_number(struct cblock *k) { return (int)(__atomic_load_n(&k->acq, __ATOMIC_RELAXED) & 0x3fffffff); }

/* A wait that began at t0 (now_ns) is over: one more contended operation. */
static void waited(struct cblock *k, int64_t t0)
{
	long long ns = now_ns() - t0, old = __atomic_load_n(&k->longest_ns, __ATOMIC_RELAXED);
	bump(&k->contended, 1);
	bump(&k->wait_ns, ns);
	while (ns > old && !__atomic_compare_exchange_n(&k->longest_ns, &old, ns, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {}
}

/* An add of d to a shared value: counted, and d summed exactly. */
static void added(struct cblock *k, double d)
{
	uint64_t old = __atomic_load_n(&k->added, __ATOMIC_RELAXED), new;
	do new = bits_of(double_of(old) + d);
	while (!__atomic_compare_exchange_n(&k->added, &old, new, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	bump(&k->adds, 1);
}

/* ---- shared values ------------------------------------------------------- */

double coord_get(const coord *c, int b, int i)
{
	const uint64_t *p = (const uint64_t *)((const char *)c + c->b[b].off);
	return double_of(__atomic_load_n(&p[i], __ATOMIC_SEQ_CST));
}

void coord_set(coord *c, int b, int i, double v)
{
	__atomic_store_n(&words(c, &c->b[b])[i], bits_of(v), __ATOMIC_SEQ_CST);
	bump(&c->b[b].sets, 1);
}

double coord_add_atomic(coord *c, int b, int i, double d)
{
	uint64_t *p = &words(c, &c->b[b])[i];
	uint64_t old = __atomic_load_n(p, __ATOMIC_RELAXED), new;
	do new = bits_of(double_of(old) + d);
	while (!__atomic_compare_exchange_n(p, &old, new, 1, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
	added(&c->b[b], d);
	return double_of(new);
}

double coord_add_racy(coord *c, int b, int i, double d, double *lost)
{
	double seen = double_of(__atomic_load_n(&words(c, &c->b[b])[i], __ATOMIC_RELAXED));
	sched_yield();   /* the window: see coord.h */
	return coord_racy_write(c, b, i, seen, d, lost);
}

double coord_racy_write(coord *c, int b, int i, double seen, double d, double *lost)
{
	/* The write as plain as before; the exchange only tells what it overwrote. */
	double v = seen + d, was = double_of(__atomic_exchange_n(&words(c, &c->b[b])[i], bits_of(v), __ATOMIC_RELAXED));
	added(&c->b[b], d);
	if (lost) *lost = was - seen;
	return v;
}

/* ---- locks --------------------------------------------------------------- */

int coord_lock(coord *c, int b, int w)
{
	struct cblock *k = &c->b[b];
	if (coord_holder(c, b) == w) return COORD_EHELD;
	if (pthread_mutex_trylock(&k->mu) != 0) {   /* someone holds it: a contended acquisition */
		int64_t t0 = now_ns();
		set_waiting(c, w, b);
		cev_note(w, CEV_WAIT, b, coord_holder(c, b), 0);   /* events: coord_events.h */
		pthread_mutex_lock(&k->mu);
		cev_note(w, CEV_WAKE, b, -1, 0);
		set_waiting(c, w, -1);
		waited(k, t0);
	}
	set_holder(k, w);
	bump(&k->acq, 1);
	cev_note(w, CEV_TAKE, b, -1, acq_number(k));
	return COORD_OK;
}

int coord_try_lock(coord *c, int b, int w)
{
	struct cblock *k = &c->b[b];
	if (coord_holder(c, b) == w) return COORD_EHELD;
	if (pthread_mutex_trylock(&k->mu) != 0) return COORD_EBUSY;
	set_holder(k, w);
	bump(&k->acq, 1);
	cev_note(w, CEV_TAKE, b, -1, acq_number(k));
	return COORD_OK;
}

/* Some worker waits for block b now (one look at relaxed stores). */
static int someone_waits(const coord *c, int b)
{
	for (int i = 0; i < c->nworkers; i++)
		if (__atomic_load_n(&c->waiting_on[i], __ATOMIC_RELAXED) == b) return 1;
	return 0;
}

int coord_unlock(coord *c, int b, int w)
{
	struct cblock *k = &c->b[b];
	if (coord_holder(c, b) != w) return COORD_ENOTHELD;
	cev_note(w, CEV_RELEASE, b, -1, someone_waits(c, b));
	set_holder(k, -1);
	pthread_mutex_unlock(&k->mu);
	return COORD_OK;
}

int coord_holder(const coord *c, int b) { return __atomic_load_n(&c->b[b].holder, __ATOMIC_RELAXED); }

/* ---- semaphores ---------------------------------------------------------- */

void coord_acquire(coord *c, int b, int w)
{
	struct cblock *k = &c->b[b];
	pthread_mutex_lock(&k->mu);
	int64_t t0 = k->count == 0 ? now_ns() : 0;
	int nw = 0;   /* waits so far (the first one is an event) */
	while (k->count == 0) {
		set_waiting(c, w, b);
		if (!nw++) cev_note(w, CEV_WAIT, b, -1, 0);
		pthread_cond_wait(&k->c1, &k->mu);
	}
	set_waiting(c, w, -1);
	if (t0) waited(k, t0);
	bump(&k->acq, 1);
	if (nw) cev_note(w, CEV_WAKE, b, -1, 0);
	k->count--;
	pthread_mutex_unlock(&k->mu);
}

void coord_release(coord *c, int b)
{
	struct cblock *k = &c->b[b];
	pthread_mutex_lock(&k->mu);
	if (k->count < 0x7fffffff) k->count++;
	pthread_cond_signal(&k->c1);
	pthread_mutex_unlock(&k->mu);
}

int coord_count(coord *c, int b)
{
	struct cblock *k = &c->b[b];
	pthread_mutex_lock(&k->mu);
	int n = k->kind == COORD_SEMAPHORE || k->kind == COORD_QUEUE ? k->count : 0;
	pthread_mutex_unlock(&k->mu);
	return n;
}

/* ---- barriers ------------------------------------------------------------ */

int coord_barrier_wait(coord *c, int b, int w)
{
	struct cblock *k = &c->b[b];
	pthread_mutex_lock(&k->mu);
	unsigned gen = k->gen;
	int order = ++k->count;
	bump(&k->acq, 1);
	if (order >= k->n) {   /* the last one: everyone goes, the next round starts empty */
		k->count = 0;
		__atomic_store_n(&k->gen, gen + 1, __ATOMIC_RELAXED);
		pthread_cond_broadcast(&k->c1);
	} else {
		int64_t t0 = now_ns();
		set_wait_gen(c, w, gen, 0);
		set_waiting(c, w, b);
		cev_note(w, CEV_WAIT, b, -1, 0);
		while (k->gen == gen) pthread_cond_wait(&k->c1, &k->mu);
		set_waiting(c, w, -1);
		waited(k, t0);
		cev_note(w, CEV_WAKE, b, -1, 0);
	}
	pthread_mutex_unlock(&k->mu);
	return order;
}

/* ---- conditions ---------------------------------------------------------- */

int coord_cond_wait(coord *c, int b, int w)
{
	struct cblock *k = &c->b[b];
	struct cblock *l = &c->b[k->lock];
	if (coord_holder(c, k->lock) != w) return COORD_ENOTHELD;
	cev_note(w, CEV_RELEASE, k->lock, -1, someone_waits(c, k->lock));
	set_holder(l, -1);
	int64_t t0 = now_ns();
	set_wait_gen(c, w, __atomic_load_n(&k->gen, __ATOMIC_RELAXED), 0);
	set_waiting(c, w, b);
	cev_note(w, CEV_WAIT, b, -1, 0);
	pthread_cond_wait(&k->c1, &l->mu);
	set_waiting(c, w, -1);
	set_holder(l, w);
	bump(&k->acq, 1);
	waited(k, t0);
	cev_note(w, CEV_WAKE, b, -1, 0);
	cev_note(w, CEV_TAKE, k->lock, -1, -1);
	return COORD_OK;
}

/* A stepped run's notify: the waiter that came first (all: every waiter)
 * is notified; it wakes when it is let go and the lock is free. */
static void step_notify(coord *c, int b, int all)
{
	for (;;) {
		int first = -1;
		for (int w = 0; w < c->nworkers; w++)
			if (c->waiting_on[w] == b && c->ticket[w] && !c->notified[w] &&
			    (first < 0 || c->ticket[w] < c->ticket[first])) first = w;
		if (first < 0) return;
		__atomic_store_n(&c->notified[first], 1, __ATOMIC_RELAXED);
		if (!all) return;
	}
}

int coord_notify(coord *c, int b, int w, int all)
{
	struct cblock *k = &c->b[b];
	if (coord_holder(c, k->lock) != w) return COORD_ENOTHELD;
	__atomic_fetch_add(&k->gen, 1, __ATOMIC_RELAXED);   /* a waiter may be on its way out */
	if (c->stepped) { step_notify(c, b, all); return COORD_OK; }
	if (all) pthread_cond_broadcast(&k->c1);
	else pthread_cond_signal(&k->c1);
	return COORD_OK;
}

/* ---- a stepped run's halves of the waits (coord.h) ---------------------- */

void coord_set_stepped(coord *c) { c->stepped = 1; }

int coord_barrier_arrive(coord *c, int b, int w, unsigned *gen)
{
	struct cblock *k = &c->b[b];
	pthread_mutex_lock(&k->mu);
	*gen = k->gen;
	int order = ++k->count;
	bump(&k->acq, 1);
	if (order >= k->n) {
		k->count = 0;
		__atomic_store_n(&k->gen, *gen + 1, __ATOMIC_RELAXED);
	} else {
		set_wait_gen(c, w, *gen, 0);
		set_waiting(c, w, b);
		cev_note(w, CEV_WAIT, b, -1, 0);
	}
	pthread_mutex_unlock(&k->mu);
	return order;
}

int coord_barrier_open(const coord *c, int b, unsigned gen) { return __atomic_load_n(&c->b[b].gen, __ATOMIC_RELAXED) != gen; }

void coord_barrier_leave(coord *c, int b, int w)
{
	set_waiting(c, w, -1);
	cev_note(w, CEV_WAKE, b, -1, 0);
}

int coord_cond_release(coord *c, int b, int w)
{
	struct cblock *k = &c->b[b];
	if (coord_holder(c, k->lock) != w) return COORD_ENOTHELD;
	cev_note(w, CEV_RELEASE, k->lock, -1, someone_waits(c, k->lock));
	c->ticket[w] = ++c->tickets;
	c->notified[w] = 0;
	set_wait_gen(c, w, __atomic_load_n(&k->gen, __ATOMIC_RELAXED), 0);
	set_waiting(c, w, b);
	cev_note(w, CEV_WAIT, b, -1, 0);
	set_holder(&c->b[k->lock], -1);
	pthread_mutex_unlock(&c->b[k->lock].mu);
	return COORD_OK;
}

int coord_cond_notified(const coord *c, int w)
{
	return w >= 0 && w < COORD_MAX_WORKERS && __atomic_load_n(&c->notified[w], __ATOMIC_RELAXED);
}

void coord_cond_retake(coord *c, int b, int w)
{
	struct cblock *k = &c->b[b];
	pthread_mutex_lock(&c->b[k->lock].mu);
	c->ticket[w] = 0;
	c->notified[w] = 0;
	set_waiting(c, w, -1);
	set_holder(&c->b[k->lock], w);
	bump(&k->acq, 1);
	cev_note(w, CEV_WAKE, b, -1, 0);
	cev_note(w, CEV_TAKE, k->lock, -1, -1);
}

/* ---- queues -------------------------------------------------------------- */

/* Under k->mu: the queue's length goes from count to count + d now. */
static void qlen_change(struct cblock *k, int d)
{
	int64_t t = now_ns();
	if (k->first_t) {
		long long dt = t - k->len_t;
		__atomic_store_n(&k->len_area, k->len_area + dt * k->count, __ATOMIC_RELAXED);
		if (k->count == k->n) __atomic_store_n(&k->full_ns, k->full_ns + dt, __ATOMIC_RELAXED);
		if (k->count == 0) __atomic_store_n(&k->empty_ns, k->empty_ns + dt, __ATOMIC_RELAXED);
	} else {
		__atomic_store_n(&k->first_t, t, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&k->len_t, t, __ATOMIC_RELAXED);
	int n = k->count + d;
	__atomic_store_n(&k->count, n, __ATOMIC_RELAXED);
	/* the screen swaps lo and hi out as it samples: keep the extremes since */
	int lo = __atomic_load_n(&k->lo, __ATOMIC_RELAXED);
	while (n < lo && !__atomic_compare_exchange_n(&k->lo, &lo, n, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {}
	int hi = __atomic_load_n(&k->hi, __ATOMIC_RELAXED);
	while (n > hi && !__atomic_compare_exchange_n(&k->hi, &hi, n, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {}
}

int coord_put(coord *c, int b, int w, const coord_value *v)
{
	if (v->type == COORD_STRING && v->len > COORD_MAX_STRING) return COORD_ETOOBIG;
	struct cblock *k = &c->b[b];
	pthread_mutex_lock(&k->mu);
	int64_t t0 = k->count == k->n ? now_ns() : 0;
	int nw = 0;   /* waits so far (the first one is an event) */
	while (k->count == k->n) {
		set_wait_gen(c, w, 0, 1);
		set_waiting(c, w, b);
		if (!nw++) cev_note(w, CEV_WAIT, b, -1, CEV_FULL);
		pthread_cond_wait(&k->c2, &k->mu);
	}
	set_waiting(c, w, -1);
	if (t0) waited(k, t0);
	bump(&k->puts, 1);
	if (nw) cev_note(w, CEV_WAKE, b, -1, 0);
	coord_value *s = &slots(c, k)[(k->head + k->count) % k->n];
	s->type = v->type;
	s->num = v->num;
	s->len = v->type == COORD_STRING ? v->len : 0;
	if (s->len) memcpy(s->str, v->str, s->len);
	qlen_change(k, 1);
	if (k->count > k->maxlen) k->maxlen = k->count;
	pthread_cond_signal(&k->c1);
	pthread_mutex_unlock(&k->mu);
	return COORD_OK;
}

void coord_take(coord *c, int b, int w, coord_value *out)
{
	struct cblock *k = &c->b[b];
	pthread_mutex_lock(&k->mu);
	int64_t t0 = k->count == 0 ? now_ns() : 0;
	int nw = 0;   /* waits so far (the first one is an event) */
	while (k->count == 0) {
		set_wait_gen(c, w, 0, 0);
		set_waiting(c, w, b);
		if (!nw++) cev_note(w, CEV_WAIT, b, -1, CEV_EMPTY);
		pthread_cond_wait(&k->c1, &k->mu);
	}
	set_waiting(c, w, -1);
	if (t0) waited(k, t0);
	bump(&k->takes, 1);
	if (nw) cev_note(w, CEV_WAKE, b, -1, 0);
	const coord_value *s = &slots(c, k)[k->head];
	out->type = s->type;
	out->num = s->num;
	out->len = s->len;
	if (s->len) memcpy(out->str, s->str, s->len);
	k->head = (k->head + 1) % k->n;
	qlen_change(k, -1);
	pthread_cond_signal(&k->c2);
	pthread_mutex_unlock(&k->mu);
}

int coord_length(coord *c, int b) { return coord_count(c, b); }

int coord_level(const coord *c, int b) { return __atomic_load_n(&c->b[b].count, __ATOMIC_RELAXED); }

int coord_max_length(coord *c, int b)
{
	struct cblock *k = &c->b[b];
	pthread_mutex_lock(&k->mu);
	int n = k->maxlen;
	pthread_mutex_unlock(&k->mu);
	return n;
}

void coord_queue_sample(coord *c, int b, int *len, int *lo, int *hi)
{
	struct cblock *k = &c->b[b];
	/* the length first: a change after it lands in lo and hi, now or next time */
	int n = __atomic_load_n(&k->count, __ATOMIC_RELAXED);
	int l = __atomic_exchange_n(&k->lo, n, __ATOMIC_RELAXED), h = __atomic_exchange_n(&k->hi, n, __ATOMIC_RELAXED);
	*len = n;
	*lo = l < n ? l : n;
	*hi = h > n ? h : n;
}

double coord_queue_area(const coord *c, int b, long long now)
{
	const struct cblock *k = &c->b[b];
	if (!__atomic_load_n(&k->first_t, __ATOMIC_RELAXED)) return 0;
	int64_t last = __atomic_load_n(&k->len_t, __ATOMIC_RELAXED);
	int n = __atomic_load_n(&k->count, __ATOMIC_RELAXED);
	return (double)__atomic_load_n(&k->len_area, __ATOMIC_RELAXED) + (now > last ? (double)(now - last) * n : 0);
}

void coord_queue_time(const coord *c, int b, long long from, long long to, coord_qtime *q)
{
	const struct cblock *k = &c->b[b];
	memset(q, 0, sizeof *q);
	if (to <= from) return;
	int64_t first = __atomic_load_n(&k->first_t, __ATOMIC_RELAXED);
	if (!first) {   /* never changed: empty throughout */
		q->empty_ns = to - from;
		return;
	}
	int64_t last = __atomic_load_n(&k->len_t, __ATOMIC_RELAXED), rest = to > last ? to - last : 0;
	int n = __atomic_load_n(&k->count, __ATOMIC_RELAXED);
	long long area = __atomic_load_n(&k->len_area, __ATOMIC_RELAXED) + rest * n;
	q->full_ns = __atomic_load_n(&k->full_ns, __ATOMIC_RELAXED) + (n == k->n ? rest : 0);
	q->empty_ns = __atomic_load_n(&k->empty_ns, __ATOMIC_RELAXED) + (n == 0 ? rest : 0) +
		(first > from ? first - from : 0);
	q->mean = (double)area / (double)(to - from);
}

/* ---- figures and deadlocks (the screen's side) ------------------------------ */

static long long load(const long long *p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }

void coord_figures_of(const coord *c, int b, coord_figures *f)
{
	const struct cblock *k = &c->b[b];
	memset(f, 0, sizeof *f);
	f->acquisitions = load(&k->acq);
	f->contended = load(&k->contended);
	f->wait_ns = load(&k->wait_ns);
	f->longest_ns = load(&k->longest_ns);
	f->puts = load(&k->puts);
	f->takes = load(&k->takes);
	f->max_length = __atomic_load_n(&k->maxlen, __ATOMIC_RELAXED);
	f->adds = load(&k->adds);
	f->sets = load(&k->sets);
	f->added = double_of(__atomic_load_n(&k->added, __ATOMIC_RELAXED));
	f->lost = 0;
	f->has_lost = 0;
	if (k->kind == COORD_SHARED && f->sets == 0) {   /* see coord.h: lost is defined without sets */
		double init = 0, fin = 0;
		for (int j = 0; j < (k->n > 0 ? k->n : 1); j++)
			fin += double_of(__atomic_load_n(&((const uint64_t *)((const char *)c + k->off))[j], __ATOMIC_RELAXED));
		init = double_of(__atomic_load_n(&k->init_sum, __ATOMIC_RELAXED));
		f->lost = init + f->added - fin;
		f->has_lost = 1;
	}
}

void coord_set_live(coord *c, int w, int live)
{
	if (w >= 0 && w < COORD_MAX_WORKERS) __atomic_store_n(&c->live[w], live, __ATOMIC_RELAXED);
}

int coord_live(const coord *c, int w)
{
	return w >= 0 && w < c->nworkers && __atomic_load_n(&c->live[w], __ATOMIC_RELAXED);
}

/* Worker w waits on block b and only another worker could end the wait:
 * a lock someone else holds, an empty semaphore, a queue empty for a
 * taker or full for a putter, a barrier still in the round w arrived in,
 * a condition not notified since w began to wait. Anything else is a wait
 * about to end: a worker released but not yet back on a CPU. */
static int stuck_on(const coord *c, int w, int b)
{
	if (b < 0 || b >= c->nblocks) return 0;
	const struct cblock *k = &c->b[b];
	int count = __atomic_load_n(&k->count, __ATOMIC_RELAXED);
	switch (k->kind) {
	case COORD_LOCK: { int h = coord_holder(c, b); return h >= 0 && h != w; }
	case COORD_SEMAPHORE: return count == 0;
	case COORD_QUEUE:
		return __atomic_load_n(&c->wait_put[w], __ATOMIC_RELAXED) ? count == k->n : count == 0;
	case COORD_BARRIER: case COORD_CONDITION:
		return __atomic_load_n(&k->gen, __ATOMIC_RELAXED) == __atomic_load_n(&c->wait_gen[w], __ATOMIC_RELAXED);
	default: return 0;
	}
}

int coord_stuck(const coord *c, coord_stuck_worker *out, int max)
{
	int n = 0, live = 0;
	for (int w = 0; w < c->nworkers; w++) {
		if (!coord_live(c, w)) continue;
		live++;
		if (!stuck_on(c, w, coord_waiting_on(c, w))) return 0;   /* it runs, or is about to: it may wake the others */
	}
	if (!live) return 0;
	for (int w = 0; w < c->nworkers; w++) {
		int alive = coord_live(c, w), held = 0;
		coord_stuck_worker s = { w, alive, "", alive ? coord_waiting_on(c, w) : -1, -1 };
		for (int b = 0; b < c->nblocks; b++) {
			if (c->b[b].kind != COORD_LOCK || coord_holder(c, b) != w) continue;
			size_t o = strlen(s.holds);
			snprintf(s.holds + o, sizeof s.holds - o, "%s%s", held++ ? ", " : "", c->b[b].name);
		}
		if (!alive && !held) continue;   /* ended, holding nothing: no part of it */
		if (s.waits >= 0 && c->b[s.waits].kind == COORD_LOCK) s.waits_for = coord_holder(c, s.waits);
		if (n < max) out[n] = s;
		n++;
	}
	return n < max ? n : max;
}

/* "w0 holds A and waits for B", "w2 waits at barrier X", "w1 ended holding lock A" */
static void say(const coord *c, const coord_stuck_worker *s, char *buf, size_t cap)
{
	if (!s->live) { snprintf(buf, cap, "w%d ended holding lock %s", s->w, s->holds); return; }
	const struct cblock *k = &c->b[s->waits];
	char what[96];
	switch (k->kind) {
	case COORD_LOCK: snprintf(what, sizeof what, "waits for %s", k->name); break;
	case COORD_SEMAPHORE: snprintf(what, sizeof what, "waits for semaphore %s (count 0)", k->name); break;
	case COORD_BARRIER: snprintf(what, sizeof what, "waits at barrier %s", k->name); break;
	case COORD_CONDITION: snprintf(what, sizeof what, "waits on condition %s", k->name); break;
	case COORD_QUEUE:
		snprintf(what, sizeof what, !__atomic_load_n(&c->wait_put[s->w], __ATOMIC_RELAXED) ?
			 "waits to take from queue %s (empty)" : "waits to put into queue %s (full)", k->name);
		break;
	default: snprintf(what, sizeof what, "waits on %s", k->name); break;
	}
	if (*s->holds) snprintf(buf, cap, "w%d holds %s and %s", s->w, s->holds, what);
	else snprintf(buf, cap, "w%d %s", s->w, what);
}

int coord_deadlock(const coord *c, char *why, size_t cap)
{
	if (cap) *why = '\0';
	coord_stuck_worker *s = malloc(sizeof *s * COORD_MAX_WORKERS);   /* ~280 KiB: not on the stack */
	if (!s) return 0;
	int n = coord_stuck(c, s, COORD_MAX_WORKERS);
	for (int i = 0; i < n; i++) {
		char one[COORD_MAX_NAME * 4 + 160];
		say(c, &s[i], one, sizeof one);
		size_t o = strlen(why);
		if (o < cap) snprintf(why + o, cap - o, "%s%s", i ? "; " : "", one);
	}
	free(s);
	return n > 0;
}

void coord_describe_stuck(const coord *c, const coord_stuck_worker *s, char *buf, size_t cap)
{
	say(c, s, buf, cap);
}
