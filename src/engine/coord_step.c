/*
 * coord_step.c: the stepper's gate (see coord_step.h).
 *
 * Each worker has a slot: its state, its next action and a futex word
 * `go`. At a point the worker reads go, writes its action, publishes
 * SP_AT, tells the screen (a byte on the pipe) and sleeps on go until it
 * changes. The screen lets it go by setting SP_RUNNING and bumping go:
 * it bumps only after it saw SP_AT, so a worker never misses its turn.
 */
#include "engine/coord_step.h"
#include "engine/coord_events.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

struct cslot {
	int state;             /* sp_state */
	int tid;               /* the worker's thread id, once at a point (its lane in the trace) */
	sp_action a;
	uint32_t go;           /* futex word: bumped once per action let go */
};

struct coord_step {
	size_t size;
	int nworkers;
	int fd[2];             /* the pipe: workers write, the screen polls */
	uint64_t steps;        /* actions let go so far, the whole run's: its logical time */
	coord *c;              /* the run's blocks, mapped before the fork too */
	struct cslot slot[];
};

coord_step *coord_step_new(coord *c, int nworkers)
{
	if (nworkers < 1 || nworkers > COORD_MAX_WORKERS) { errno = EINVAL; return NULL; }
	size_t size = sizeof(coord_step) + (size_t)nworkers * sizeof(struct cslot);
	coord_step *s = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED) return NULL;
	if (pipe2(s->fd, O_CLOEXEC | O_NONBLOCK) < 0) {   /* kept across fork, not exec */
		int e = errno;
		munmap(s, size);
		errno = e;
		return NULL;
	}
	s->size = size;
	s->nworkers = nworkers;
	s->c = c;
	if (c) coord_set_stepped(c);
	return s;   /* zero-filled: every worker SP_RUNNING to its first point */
}

void coord_step_free(coord_step *s)
{
	if (!s) return;
	close(s->fd[0]);
	close(s->fd[1]);
	munmap(s, s->size);
}

/* ---- the gate -------------------------------------------------------------- */

static void tell(coord_step *s)
{
	ssize_t n;
	do n = write(s->fd[1], "s", 1);
	while (n < 0 && errno == EINTR);   /* EAGAIN: the screen has bytes to read already */
}

static int valid(const coord_step *s, int w) { return s && w >= 0 && w < s->nworkers; }

const char *coord_step_verb(sp_op op)
{
	static const char *const verb[] = {
		[SP_GET] = "read", [SP_SET] = "set", [SP_ADD] = "add", [SP_READ] = "read", [SP_WRITE] = "write",
		[SP_LOCK] = "lock", [SP_TRY] = "try to lock", [SP_UNLOCK] = "unlock", [SP_ACQUIRE] = "acquire",
		[SP_RELEASE] = "release", [SP_ARRIVE] = "arrive at", [SP_PASS] = "pass", [SP_WAIT] = "wait on",
		[SP_WAKE] = "wake from", [SP_NOTIFY] = "notify", [SP_NOTIFY_ALL] = "notify all on",
		[SP_PUT] = "put into", [SP_TAKE] = "take from", [SP_PRINT] = "print", [SP_MARK] = "mark",
	};
	return (unsigned)op < sizeof verb / sizeof *verb && verb[op] ? verb[op] : "act";
}

void coord_step_point(coord_step *s, int w, const sp_action *a)
{
	if (!valid(s, w)) return;
	struct cslot *sl = &s->slot[w];
	uint32_t go = __atomic_load_n(&sl->go, __ATOMIC_ACQUIRE);
	cev_step(w, 0, a->block, coord_step_verb(a->op));   /* the lane's "held" span begins */
	sl->a = *a;
	__atomic_store_n(&sl->tid, (int)syscall(SYS_gettid), __ATOMIC_RELEASE);
	__atomic_store_n(&sl->state, SP_AT, __ATOMIC_RELEASE);
	tell(s);
	while (__atomic_load_n(&sl->go, __ATOMIC_ACQUIRE) == go)
		syscall(SYS_futex, &sl->go, FUTEX_WAIT, go, NULL, NULL, 0);   /* shared: not FUTEX_PRIVATE */
	cev_step(w, 1, a->block, NULL);   /* ... and ends */
}

unsigned long coord_step_count(const coord_step *s)
{
	return s ? (unsigned long)__atomic_load_n(&s->steps, __ATOMIC_ACQUIRE) : 0;
}

void coord_step_end(coord_step *s, int w)
{
	if (!valid(s, w)) return;
	__atomic_store_n(&s->slot[w].state, SP_DONE, __ATOMIC_RELEASE);
	tell(s);
}

int coord_step_fd(const coord_step *s) { return s->fd[0]; }

int coord_step_tid(const coord_step *s, int w)
{
	return valid(s, w) ? __atomic_load_n(&s->slot[w].tid, __ATOMIC_ACQUIRE) : 0;
}

void coord_step_drain(coord_step *s)
{
	char buf[256];
	while (read(s->fd[0], buf, sizeof buf) > 0) {}
}

sp_state coord_step_state(const coord_step *s, int w, sp_action *a)
{
	if (!valid(s, w)) return SP_DONE;
	sp_state st = __atomic_load_n(&s->slot[w].state, __ATOMIC_ACQUIRE);
	if (st == SP_AT && a) *a = s->slot[w].a;
	return st;
}

void coord_step_go(coord_step *s, int w)
{
	if (!valid(s, w)) return;
	struct cslot *sl = &s->slot[w];
	if (__atomic_load_n(&sl->state, __ATOMIC_ACQUIRE) != SP_AT) return;
	__atomic_store_n(&sl->state, SP_RUNNING, __ATOMIC_RELEASE);
	__atomic_fetch_add(&s->steps, 1, __ATOMIC_RELEASE);   /* before the wake: w reads it counted */
	__atomic_fetch_add(&sl->go, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &sl->go, FUTEX_WAKE, 1, NULL, NULL, 0);
}

int coord_step_settled(const coord_step *s)
{
	for (int w = 0; w < s->nworkers; w++)
		if (__atomic_load_n(&s->slot[w].state, __ATOMIC_ACQUIRE) == SP_RUNNING) return 0;
	return 1;
}

/* ---- what an action needs, in words ---------------------------------------- */

int coord_step_enabled(const coord_step *s, int w, char *why, size_t cap)
{
	sp_action a;
	if (cap) *why = '\0';
	sp_state st = coord_step_state(s, w, &a);
	if (st != SP_AT) {
		snprintf(why, cap, "w%d is %s", w, st == SP_DONE ? "done" : "running");
		return 0;
	}
	const coord *c = s->c;
	int h;
	switch (a.op) {
	case SP_LOCK:
		h = coord_holder(c, a.block);
		if (h < 0 || h == w) return 1;
		snprintf(why, cap, "lock %s is held by w%d", coord_name(c, a.block), h);
		return 0;
	case SP_ACQUIRE:
		if (coord_level(c, a.block) > 0) return 1;
		snprintf(why, cap, "semaphore %s is at 0", coord_name(c, a.block));
		return 0;
	case SP_PUT:
		if (coord_level(c, a.block) < coord_size(c, a.block)) return 1;
		snprintf(why, cap, "queue %s is full", coord_name(c, a.block));
		return 0;
	case SP_TAKE:
		if (coord_level(c, a.block) > 0) return 1;
		snprintf(why, cap, "queue %s is empty", coord_name(c, a.block));
		return 0;
	case SP_PASS:
		if (coord_barrier_open(c, a.block, a.gen)) return 1;
		snprintf(why, cap, "barrier %s waits for %d more", coord_name(c, a.block),
			 coord_size(c, a.block) - coord_level(c, a.block));
		return 0;
	case SP_WAKE:
		h = coord_holder(c, coord_cond_lock(c, a.block));
		if (!coord_cond_notified(c, w)) snprintf(why, cap, "nobody notified %s yet", coord_name(c, a.block));
		else if (h >= 0) snprintf(why, cap, "lock %s is held by w%d", coord_name(c, coord_cond_lock(c, a.block)), h);
		else return 1;
		return 0;
	default:
		return 1;
	}
}

/* What w, at a point it cannot pass, waits for: coord's words for a
 * free run's deadlock ("waits for B", "waits at barrier X"). */
static void waits_for(const coord *c, const sp_action *a, int w, char *buf, size_t cap)
{
	const char *name = coord_name(c, a->block);
	switch (a->op) {
	case SP_ACQUIRE: snprintf(buf, cap, "waits for semaphore %s (count 0)", name); break;
	case SP_PASS: snprintf(buf, cap, "waits at barrier %s", name); break;
	case SP_PUT: snprintf(buf, cap, "waits to put into queue %s (full)", name); break;
	case SP_TAKE: snprintf(buf, cap, "waits to take from queue %s (empty)", name); break;
	case SP_WAKE:
		if (!coord_cond_notified(c, w)) snprintf(buf, cap, "waits on condition %s", name);
		else snprintf(buf, cap, "waits for %s", coord_name(c, coord_cond_lock(c, a->block)));
		break;
	default: snprintf(buf, cap, "waits for %s", name); break;
	}
}

int coord_step_stuck(const coord_step *s, char *why, size_t cap)
{
	if (cap) *why = '\0';
	if (!s->c || !coord_step_settled(s)) return 0;
	int waiting = 0;
	char one[160];
	for (int w = 0; w < s->nworkers; w++) {
		if (coord_step_state(s, w, NULL) == SP_DONE) continue;
		if (coord_step_enabled(s, w, one, sizeof one)) return 0;
		waiting++;
	}
	if (!waiting) return 0;
	size_t o = 0;
	for (int w = 0; w < s->nworkers && o < cap; w++) {
		sp_action a;
		if (coord_step_state(s, w, &a) != SP_AT) continue;
		char holds[256] = "", wf[128];
		for (int b = 0, n = 0; b < coord_nblocks(s->c); b++) {
			if (coord_kind_of(s->c, b) != COORD_LOCK || coord_holder(s->c, b) != w) continue;
			size_t h = strlen(holds);
			snprintf(holds + h, sizeof holds - h, "%s%s", n++ ? ", " : "", coord_name(s->c, b));
		}
		waits_for(s->c, &a, w, wf, sizeof wf);
		int k = *holds ? snprintf(why + o, cap - o, "%sw%d holds %s and %s", o ? "; " : "", w, holds, wf)
			       : snprintf(why + o, cap - o, "%sw%d %s", o ? "; " : "", w, wf);
		if (k < 0) break;
		o += (size_t)k;
	}
	return 1;
}

static void num(char *buf, size_t cap, double v) { snprintf(buf, cap, "%.15g", v); }

void coord_step_describe(const coord_step *s, int w, char *buf, size_t cap)
{
	sp_action a;
	sp_state st = coord_step_state(s, w, &a);
	if (st != SP_AT) { snprintf(buf, cap, "%s", st == SP_DONE ? "done" : "running"); return; }
	const coord *c = s->c;
	const char *name = a.block >= 0 && c ? coord_name(c, a.block) : "";
	char now[40] = "", arg[40], idx[16] = "";
	num(arg, sizeof arg, a.arg);
	if (c && a.block >= 0 && coord_kind_of(c, a.block) == COORD_SHARED) {
		num(now, sizeof now, coord_get(c, a.block, a.index));
		if (coord_size(c, a.block) > 0) snprintf(idx, sizeof idx, "[%d]", a.index + 1);
	}
	int h = c && a.block >= 0 && coord_kind_of(c, a.block) == COORD_LOCK ? coord_holder(c, a.block) : -1;
	switch (a.op) {
	case SP_GET: case SP_READ: snprintf(buf, cap, "read %s%s (now %s)", name, idx, now); break;
	case SP_SET: snprintf(buf, cap, "set %s%s = %s (now %s)", name, idx, arg, now); break;
	case SP_WRITE: snprintf(buf, cap, "write %s%s = %s (now %s)", name, idx, arg, now); break;
	case SP_ADD: snprintf(buf, cap, "add %s to %s%s at once (now %s)", arg, name, idx, now); break;
	case SP_LOCK: case SP_TRY:
		if (h >= 0 && h != w) snprintf(buf, cap, "%s %s (held by w%d)", a.op == SP_TRY ? "try to lock" : "lock", name, h);
		else snprintf(buf, cap, "%s %s", a.op == SP_TRY ? "try to lock" : "lock", name);
		break;
	case SP_UNLOCK: snprintf(buf, cap, "unlock %s", name); break;
	case SP_ACQUIRE: case SP_RELEASE:
		snprintf(buf, cap, "%s %s (count %d)", a.op == SP_ACQUIRE ? "acquire" : "release", name, coord_level(c, a.block));
		break;
	case SP_ARRIVE:
		snprintf(buf, cap, "arrive at barrier %s (%d of %d there)", name, coord_level(c, a.block), coord_size(c, a.block));
		break;
	case SP_PASS:
		snprintf(buf, cap, "pass barrier %s%s", name, coord_barrier_open(c, a.block, a.gen) ? "" : " (not open yet)");
		break;
	case SP_WAIT:
		snprintf(buf, cap, "wait on %s (releases %s)", name, coord_name(c, coord_cond_lock(c, a.block)));
		break;
	case SP_WAKE:
		snprintf(buf, cap, "wake from %s and lock %s%s", name, coord_name(c, coord_cond_lock(c, a.block)),
			 coord_cond_notified(c, w) ? "" : " (not notified yet)");
		break;
	case SP_NOTIFY: case SP_NOTIFY_ALL:
		snprintf(buf, cap, "%s %s", a.op == SP_NOTIFY ? "notify" : "notify all on", name);
		break;
	case SP_PUT: case SP_TAKE:
		snprintf(buf, cap, "%s %s (%d of %d)", a.op == SP_PUT ? "put into" : "take from", name,
			 coord_level(c, a.block), coord_size(c, a.block));
		break;
	case SP_PRINT: snprintf(buf, cap, "print"); break;
	case SP_MARK: snprintf(buf, cap, "mark"); break;
	}
}

/* ---- a worker's calls on the blocks: step points when stepped (s) ---------- */

static void point(coord_step *s, int w, sp_op op, int b, int i, double arg, unsigned gen)
{
	sp_action a = { op, b, i, arg, gen };
	coord_step_point(s, w, &a);
}

double coord_step_get(coord_step *s, coord *c, int w, int b, int i)
{
	if (s) point(s, w, SP_GET, b, i, 0, 0);
	return coord_get(c, b, i);
}

void coord_step_set(coord_step *s, coord *c, int w, int b, int i, double v)
{
	if (s) point(s, w, SP_SET, b, i, v, 0);
	coord_set(c, b, i, v);
}

double coord_step_add(coord_step *s, coord *c, int w, int b, int i, double d, int racy, double *lost)
{
	if (!s) return racy ? coord_add_racy(c, b, i, d, lost) : coord_add_atomic(c, b, i, d);
	if (!racy) {
		point(s, w, SP_ADD, b, i, d, 0);
		if (lost) *lost = 0;
		return coord_add_atomic(c, b, i, d);
	}
	point(s, w, SP_READ, b, i, d, 0);
	double seen = coord_get(c, b, i);
	point(s, w, SP_WRITE, b, i, seen + d, 0);
	return coord_racy_write(c, b, i, seen, d, lost);
}

int coord_step_lock(coord_step *s, coord *c, int w, int b, int try)
{
	if (s) point(s, w, try ? SP_TRY : SP_LOCK, b, 0, 0, 0);
	return try ? coord_try_lock(c, b, w) : coord_lock(c, b, w);
}

int coord_step_unlock(coord_step *s, coord *c, int w, int b)
{
	if (s) point(s, w, SP_UNLOCK, b, 0, 0, 0);
	return coord_unlock(c, b, w);
}

void coord_step_acquire(coord_step *s, coord *c, int w, int b)
{
	if (s) point(s, w, SP_ACQUIRE, b, 0, 0, 0);
	coord_acquire(c, b, w);
}

void coord_step_release(coord_step *s, coord *c, int w, int b)
{
	if (s) point(s, w, SP_RELEASE, b, 0, 0, 0);
	coord_release(c, b);
}

int coord_step_barrier(coord_step *s, coord *c, int w, int b)
{
	if (!s) return coord_barrier_wait(c, b, w);
	point(s, w, SP_ARRIVE, b, 0, 0, 0);
	unsigned gen;
	int order = coord_barrier_arrive(c, b, w, &gen);
	if (coord_barrier_open(c, b, gen) && order >= coord_size(c, b)) return order;   /* the last one opened it */
	point(s, w, SP_PASS, b, 0, 0, gen);
	coord_barrier_leave(c, b, w);
	return order;
}

int coord_step_cond_wait(coord_step *s, coord *c, int w, int b)
{
	if (!s) return coord_cond_wait(c, b, w);
	point(s, w, SP_WAIT, b, 0, 0, 0);
	int rc = coord_cond_release(c, b, w);
	if (rc != COORD_OK) return rc;
	point(s, w, SP_WAKE, b, 0, 0, 0);
	coord_cond_retake(c, b, w);
	return COORD_OK;
}

int coord_step_notify(coord_step *s, coord *c, int w, int b, int all)
{
	if (s) point(s, w, all ? SP_NOTIFY_ALL : SP_NOTIFY, b, 0, 0, 0);
	return coord_notify(c, b, w, all);
}

int coord_step_put(coord_step *s, coord *c, int w, int b, const coord_value *v)
{
	if (s) point(s, w, SP_PUT, b, 0, 0, 0);
	return coord_put(c, b, w, v);
}

void coord_step_take(coord_step *s, coord *c, int w, int b, coord_value *out)
{
	if (s) point(s, w, SP_TAKE, b, 0, 0, 0);
	coord_take(c, b, w, out);
}
