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

struct cblock {
	coord_kind kind;
	char name[COORD_MAX_NAME + 1];
	int n;
	int lock;              /* condition: its lock's block */
	int holder;            /* lock: the worker holding it, -1 */
	int count;             /* semaphore: count; barrier: arrived; queue: length */
	int maxlen;            /* queue: the longest it has been */
	int head;              /* queue: the oldest value's slot */
	unsigned gen;          /* barrier: rounds completed */
	size_t off;            /* shared: its words; queue: its slots (from the region's start) */
	pthread_mutex_t mu;
	pthread_cond_t c1, c2; /* semaphore, barrier, condition: c1; queue: c1 not empty, c2 not full */
};

struct coord {
	size_t size;
	int nblocks, nworkers;
	int waiting_on[COORD_MAX_WORKERS];
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
	for (int w = 0; w < COORD_MAX_WORKERS; w++) c->waiting_on[w] = -1;
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
			for (int j = 0; j < (d->n > 0 ? d->n : 1); j++) words(c, k)[j] = bits_of(d->init ? d->init[j] : 0);
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

static void set_holder(struct cblock *k, int w) { __atomic_store_n(&k->holder, w, __ATOMIC_RELAXED); }

/* ---- shared values ------------------------------------------------------- */

double coord_get(coord *c, int b, int i)
{
	return double_of(__atomic_load_n(&words(c, &c->b[b])[i], __ATOMIC_SEQ_CST));
}

void coord_set(coord *c, int b, int i, double v)
{
	__atomic_store_n(&words(c, &c->b[b])[i], bits_of(v), __ATOMIC_SEQ_CST);
}

double coord_add_atomic(coord *c, int b, int i, double d)
{
	uint64_t *p = &words(c, &c->b[b])[i];
	uint64_t old = __atomic_load_n(p, __ATOMIC_RELAXED), new;
	do new = bits_of(double_of(old) + d);
	while (!__atomic_compare_exchange_n(p, &old, new, 1, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
	return double_of(new);
}

double coord_add_racy(coord *c, int b, int i, double d)
{
	uint64_t *p = &words(c, &c->b[b])[i];
	double v = double_of(__atomic_load_n(p, __ATOMIC_RELAXED)) + d;
	sched_yield();   /* the window: see coord.h */
	__atomic_store_n(p, bits_of(v), __ATOMIC_RELAXED);
	return v;
}

/* ---- locks --------------------------------------------------------------- */

int coord_lock(coord *c, int b, int w)
{
	struct cblock *k = &c->b[b];
	if (coord_holder(c, b) == w) return COORD_EHELD;
	set_waiting(c, w, b);
	int waits = pthread_mutex_trylock(&k->mu) != 0;   /* events: coord_events.h */
	if (waits) cev_note(w, CEV_WAIT, b, coord_holder(c, b), 0);
	if (waits) pthread_mutex_lock(&k->mu);
	if (waits) cev_note(w, CEV_WAKE, b, -1, 0);
	set_waiting(c, w, -1);
	set_holder(k, w);
	cev_note(w, CEV_TAKE, b, -1, 0);
	return COORD_OK;
}

int coord_try_lock(coord *c, int b, int w)
{
	struct cblock *k = &c->b[b];
	if (coord_holder(c, b) == w) return COORD_EHELD;
	if (pthread_mutex_trylock(&k->mu) != 0) return COORD_EBUSY;
	set_holder(k, w);
	cev_note(w, CEV_TAKE, b, -1, 0);
	return COORD_OK;
}

int coord_unlock(coord *c, int b, int w)
{
	struct cblock *k = &c->b[b];
	if (coord_holder(c, b) != w) return COORD_ENOTHELD;
	cev_note(w, CEV_RELEASE, b, -1, 0);
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
	int waited = 0;
	while (k->count == 0) {
		set_waiting(c, w, b);
		if (!waited++) cev_note(w, CEV_WAIT, b, -1, 0);
		pthread_cond_wait(&k->c1, &k->mu);
	}
	set_waiting(c, w, -1);
	if (waited) cev_note(w, CEV_WAKE, b, -1, 0);
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
	if (order >= k->n) {   /* the last one: everyone goes, the next round starts empty */
		k->count = 0;
		k->gen++;
		pthread_cond_broadcast(&k->c1);
	} else {
		set_waiting(c, w, b);
		cev_note(w, CEV_WAIT, b, -1, 0);
		while (k->gen == gen) pthread_cond_wait(&k->c1, &k->mu);
		set_waiting(c, w, -1);
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
	cev_note(w, CEV_RELEASE, k->lock, -1, 0);
	set_holder(l, -1);
	set_waiting(c, w, b);
	cev_note(w, CEV_WAIT, b, -1, 0);
	pthread_cond_wait(&k->c1, &l->mu);
	set_waiting(c, w, -1);
	set_holder(l, w);
	cev_note(w, CEV_WAKE, b, -1, 0);
	cev_note(w, CEV_TAKE, k->lock, -1, 0);
	return COORD_OK;
}

int coord_notify(coord *c, int b, int w, int all)
{
	struct cblock *k = &c->b[b];
	if (coord_holder(c, k->lock) != w) return COORD_ENOTHELD;
	if (all) pthread_cond_broadcast(&k->c1);
	else pthread_cond_signal(&k->c1);
	return COORD_OK;
}

/* ---- queues -------------------------------------------------------------- */

int coord_put(coord *c, int b, int w, const coord_value *v)
{
	if (v->type == COORD_STRING && v->len > COORD_MAX_STRING) return COORD_ETOOBIG;
	struct cblock *k = &c->b[b];
	pthread_mutex_lock(&k->mu);
	int waited = 0;
	while (k->count == k->n) {
		set_waiting(c, w, b);
		if (!waited++) cev_note(w, CEV_WAIT, b, -1, CEV_FULL);
		pthread_cond_wait(&k->c2, &k->mu);
	}
	set_waiting(c, w, -1);
	if (waited) cev_note(w, CEV_WAKE, b, -1, 0);
	coord_value *s = &slots(c, k)[(k->head + k->count) % k->n];
	s->type = v->type;
	s->num = v->num;
	s->len = v->type == COORD_STRING ? v->len : 0;
	if (s->len) memcpy(s->str, v->str, s->len);
	k->count++;
	if (k->count > k->maxlen) k->maxlen = k->count;
	pthread_cond_signal(&k->c1);
	pthread_mutex_unlock(&k->mu);
	return COORD_OK;
}

void coord_take(coord *c, int b, int w, coord_value *out)
{
	struct cblock *k = &c->b[b];
	pthread_mutex_lock(&k->mu);
	int waited = 0;
	while (k->count == 0) {
		set_waiting(c, w, b);
		if (!waited++) cev_note(w, CEV_WAIT, b, -1, CEV_EMPTY);
		pthread_cond_wait(&k->c1, &k->mu);
	}
	set_waiting(c, w, -1);
	if (waited) cev_note(w, CEV_WAKE, b, -1, 0);
	const coord_value *s = &slots(c, k)[k->head];
	out->type = s->type;
	out->num = s->num;
	out->len = s->len;
	if (s->len) memcpy(out->str, s->str, s->len);
	k->head = (k->head + 1) % k->n;
	k->count--;
	pthread_cond_signal(&k->c2);
	pthread_mutex_unlock(&k->mu);
}

int coord_length(coord *c, int b) { return coord_count(c, b); }

int coord_max_length(coord *c, int b)
{
	struct cblock *k = &c->b[b];
	pthread_mutex_lock(&k->mu);
	int n = k->maxlen;
	pthread_mutex_unlock(&k->mu);
	return n;
}
