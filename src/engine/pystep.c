/*
 * pystep.c: the stepper's gate for a Python program (see pystep.h).
 *
 * The program's state is not readable from here (its locks and queues
 * live in its processes), so the gate keeps a model of it from the actions
 * it let go: each one is done for real right after, and the next step
 * waits until every worker is at its next point, so the model is the
 * program's state whenever a step may be taken.
 *
 * A start let go keeps its worker running until the new thread or
 * process says hello; a process that dies before it can (a spawned child
 * that cannot unpickle its target) never will, so the gate watches the
 * child its parent names (a pidfd, in the epoll set the loop polls).
 */
#include "engine/pystep.h"
#include "trace/trace.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { PV_LOCK, PV_TRY, PV_UNLOCK, PV_GET, PV_SET, PV_PUT, PV_TAKE, PV_START, PV_JOIN, NVERBS };
static const char *const verbs[NVERBS] = { "lock", "try", "unlock", "get", "set", "put", "take", "start", "join" };

#define KEY_MAX 48
#define NAME_MAX_ 64

struct pact {
	int verb;
	char key[KEY_MAX], aux[KEY_MAX];
	long arg;
	char detail[120];
};

struct pworker {
	pid_t pid, tid;
	char name[NAME_MAX_];
	sg_state state;
	int fd;           /* the reply socket: a byte lets it go; -1 none */
	int pending;      /* let go a start: running until its thread or process says hello */
	int child_fd;     /* a pidfd of the process that start made, until it says hello; -1 none */
	int child_gone;   /* that process ended: its start is over after one more turn of the loop */
	struct pact a;    /* at a point: its action */
};

struct pobj {
	char key[KEY_MAX];
	char name[NAME_MAX_];
	int holder, count;   /* locks: who holds it (-1 none), how many times */
	long len;            /* queues: items put and not taken */
};

struct pystep {
	int ep;           /* the gate's fd: wake[0] and the children's pidfds */
	int wake[2];      /* a byte when a worker reached a point or its end */
	struct pworker *w;
	int n, cap;
	struct pobj *o;
	int no, ocap;
	int nlocks, nvalues, nqueues;   /* for names of objects the program did not name */
};

static void wake(pystep *p)
{
	ssize_t k;
	do k = write(p->wake[1], "s", 1);
	while (k < 0 && errno == EINTR);   /* EAGAIN: a byte is there already */
}

/* ---- workers and objects ------------------------------------------------------ */

/* The live worker of pid/tid (a tid may be used again once one is done). */
static struct pworker *worker_of(pystep *p, pid_t pid, pid_t tid)
{
	for (int i = p->n - 1; i >= 0; i--)
		if (p->w[i].pid == pid && p->w[i].tid == tid && p->w[i].state != SG_DONE) return &p->w[i];
	return NULL;
}

/* The worker a join's "PID.TID" names, or -1. */
static int worker_named(const pystep *p, const char *pidtid)
{
	long pid, tid;
	if (sscanf(pidtid, "%ld.%ld", &pid, &tid) != 2) return -1;
	for (int i = p->n - 1; i >= 0; i--)
		if (p->w[i].pid == pid && p->w[i].tid == tid) return i;
	return -1;
}

static struct pobj *obj_find(const pystep *p, const char *key)
{
	for (int i = 0; *key && strcmp(key, "-") && i < p->no; i++)
		if (!strcmp(p->o[i].key, key)) return &p->o[i];
	return NULL;
}

static int name_used(const pystep *p, const char *name)
{
	for (int i = 0; i < p->no; i++)
		if (!strcmp(p->o[i].name, name)) return 1;
	return 0;
}

/* The object of key, made on its first action: named by the program's
 * name for it (hint) unless another object has it, else by its kind. */
static struct pobj *obj_get(pystep *p, const char *key, int verb, const char *hint)
{
	struct pobj *o = obj_find(p, key);
	if (o || !*key || !strcmp(key, "-")) return o;
	if (p->no == p->ocap) p->o = xrealloc(p->o, (size_t)(p->ocap = p->ocap ? 2 * p->ocap : 16) * sizeof *p->o);
	o = &p->o[p->no];
	memset(o, 0, sizeof *o);
	snprintf(o->key, sizeof o->key, "%s", key);
	o->holder = -1;
	char h[NAME_MAX_];
	trace_sanitize(h, sizeof h, hint ? hint : "", hint ? strlen(hint) : 0);
	if (*h && strcmp(h, "-") && !name_used(p, h)) snprintf(o->name, sizeof o->name, "%s", h);
	else if (verb == PV_GET || verb == PV_SET) snprintf(o->name, sizeof o->name, "value%d", ++p->nvalues);
	else if (verb == PV_PUT || verb == PV_TAKE) snprintf(o->name, sizeof o->name, "queue%d", ++p->nqueues);
	else snprintf(o->name, sizeof o->name, "lock%d", ++p->nlocks);
	p->no++;
	return o;
}

static const char *obj_name(const pystep *p, const char *key)
{
	const struct pobj *o = obj_find(p, key);
	return o ? o->name : key;
}

/* w's start is over: its thread or process said hello, or is gone. */
static void start_over(struct pworker *w)
{
	w->pending = 0;
	w->child_gone = 0;
	if (w->child_fd >= 0) close(w->child_fd);   /* (out of the epoll set with it) */
	w->child_fd = -1;
}

static void worker_done(struct pworker *w)
{
	w->state = SG_DONE;
	start_over(w);
	if (w->fd >= 0) close(w->fd);
	w->fd = -1;
}

/* ---- messages ------------------------------------------------------------------ */

static void on_hello(pystep *p, pid_t pid, const char *rest, const int *fds, int nfds)
{
	long tid;
	int started, off = 0;
	if (sscanf(rest, "%ld %d %n", &tid, &started, &off) < 2 || tid <= 0 || !off || nfds < 1 || worker_of(p, pid, (pid_t)tid))
		return;   /* (the caller closes fds not taken) */
	if (p->n == p->cap) p->w = xrealloc(p->w, (size_t)(p->cap = p->cap ? 2 * p->cap : 8) * sizeof *p->w);
	struct pworker *w = &p->w[p->n++];
	memset(w, 0, sizeof *w);
	w->pid = pid;
	w->tid = (pid_t)tid;
	w->state = SG_RUNNING;
	w->fd = fds[0];
	w->child_fd = -1;
	trace_sanitize(w->name, sizeof w->name, rest + off, strlen(rest + off));   /* the program's words */
	for (int i = 0; started && i < p->n - 1; i++) start_over(&p->w[i]);   /* the start that made it is over */
}

static int verb_of(const char *s)
{
	for (int v = 0; v < NVERBS; v++)
		if (!strcmp(verbs[v], s)) return v;
	return -1;
}

static void on_at(pystep *p, struct pworker *w, const char *rest)
{
	char verb[16], key[KEY_MAX], aux[KEY_MAX], hint[NAME_MAX_];
	long arg;
	int off = 0;
	if (sscanf(rest, "%15s %47s %47s %ld %63s%n", verb, key, aux, &arg, hint, &off) != 5 || verb_of(verb) < 0) return;
	struct pact *a = &w->a;
	a->verb = verb_of(verb);
	snprintf(a->key, sizeof a->key, "%s", key);
	snprintf(a->aux, sizeof a->aux, "%s", aux);
	a->arg = arg;
	const char *d = rest + off;
	while (*d == ' ') d++;
	trace_sanitize(a->detail, sizeof a->detail, d, strlen(d));
	if (a->verb != PV_START && a->verb != PV_JOIN) obj_get(p, key, a->verb, hint);
	w->state = SG_AT;
}

/* w's start made process child, which has not said hello yet: watched. */
static void on_started(pystep *p, struct pworker *w, const char *rest)
{
	long child;
	if (!w->pending || w->child_fd >= 0 || sscanf(rest, "%ld", &child) != 1 || child <= 0) return;
	int fd = (int)syscall(SYS_pidfd_open, (pid_t)child, 0);
	if (fd < 0) {
		if (errno == ESRCH) start_over(w);   /* gone and reaped already */
		return;   /* (no pidfds, before Linux 5.3: as before, it waits for the hello) */
	}
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
	if (epoll_ctl(p->ep, EPOLL_CTL_ADD, fd, &ev) < 0) { close(fd); return; }
	w->child_fd = fd;
}

void pystep_message(pystep *p, pid_t pid, const char *msg, const int *fds, int nfds)
{
	int taken = 0;
	long tid = 0;
	char kind[16];
	int off = 0;
	if (sscanf(msg, "%15s %ld%n", kind, &tid, &off) == 2 && pid > 0) {
		struct pworker *w = worker_of(p, pid, (pid_t)tid);
		if (!strcmp(kind, "hello")) {
			on_hello(p, pid, msg + strlen("hello "), fds, nfds);
			taken = nfds > 0 && p->n && p->w[p->n - 1].fd == fds[0];
		} else if (w && !strcmp(kind, "at") && w->state == SG_RUNNING) {
			on_at(p, w, msg + off);
		} else if (w && !strcmp(kind, "end")) {
			worker_done(w);
		} else if (w && !strcmp(kind, "nochild")) {
			start_over(w);
		} else if (w && !strcmp(kind, "started")) {
			on_started(p, w, msg + off);
		}
	}
	for (int i = taken; i < nfds; i++) close(fds[i]);
	wake(p);
}

/* A worker whose reply socket hung up (its thread or process is gone
 * without saying so: killed, crashed) is done. */
static void reap(pystep *p)
{
	int changed = 0;
	for (int i = 0; i < p->n; i++) {
		struct pworker *w = &p->w[i];
		if (w->state == SG_DONE || w->fd < 0) continue;
		struct pollfd pf = { w->fd, POLLIN, 0 };
		char c;
		if (poll(&pf, 1, 0) == 1 && recv(w->fd, &c, 1, MSG_DONTWAIT) <= 0) {
			worker_done(w);
			changed = 1;
		}
	}
	if (changed) wake(p);
}

/* ---- the gate's operations --------------------------------------------------------- */

static int py_nworkers(void *g) { return ((pystep *)g)->n; }
static int py_fd(void *g) { return ((pystep *)g)->ep; }

/* The wake-ups read. A started process that ended before its hello ends
 * its start a turn of the loop later: a hello it sent before it ended was
 * ready in the side channel when its end was, and is read by then. */
static void py_drain(void *g)
{
	pystep *p = g;
	char buf[256];
	while (read(p->wake[0], buf, sizeof buf) > 0) {}
	for (int i = 0; i < p->n; i++) {
		struct pworker *w = &p->w[i];
		struct pollfd pf = { w->child_fd, POLLIN, 0 };
		if (w->child_gone) {
			start_over(w);
		} else if (pf.fd >= 0 && poll(&pf, 1, 0) == 1) {
			close(w->child_fd);   /* out of the epoll set: the loop wakes for it no more */
			w->child_fd = -1;
			w->child_gone = 1;
			wake(p);
		}
	}
}

static int py_settled(void *g)
{
	const pystep *p = g;
	for (int i = 0; i < p->n; i++)
		if (p->w[i].state == SG_RUNNING || p->w[i].pending) return 0;
	return 1;
}

static sg_state py_state(void *g, int w, int *verb)
{
	const pystep *p = g;
	if (w < 0 || w >= p->n) return SG_DONE;
	const struct pworker *k = &p->w[w];
	if (k->state == SG_AT && verb) *verb = k->a.verb;
	return k->pending && k->state == SG_AT ? SG_RUNNING : k->state;
}

/* Whether w's action needs no wait now; else why, and what it waits for
 * (a free run's deadlock words: "waits for b"). */
static int can_go(const pystep *p, int w, char *why, size_t cap, char *waits, size_t wcap)
{
	const struct pworker *k = &p->w[w];
	const struct pact *a = &k->a;
	const struct pobj *o = obj_find(p, a->key), *l = obj_find(p, a->aux);
	int j;
	switch (a->verb) {
	case PV_LOCK:
		if (!o || o->holder < 0 || (o->holder == w && a->arg)) return 1;
		snprintf(why, cap, "lock %s is held by w%d", o->name, o->holder);
		snprintf(waits, wcap, "waits for %s", o->name);
		return 0;
	case PV_GET: case PV_SET:   /* a Value's get and set take its lock for a moment */
		if (!l || l->holder < 0 || l->holder == w) return 1;
		snprintf(why, cap, "lock %s is held by w%d", l->name, l->holder);
		snprintf(waits, wcap, "waits for %s", l->name);
		return 0;
	case PV_PUT:
		if (!o || a->arg <= 0 || o->len < a->arg) return 1;
		snprintf(why, cap, "queue %s is full", o->name);
		snprintf(waits, wcap, "waits to put into queue %s (full)", o->name);
		return 0;
	case PV_TAKE:
		if (!o || o->len > 0 || !strcmp(a->aux, "nowait")) return 1;
		snprintf(why, cap, "queue %s is empty", o->name);
		snprintf(waits, wcap, "waits to take from queue %s (empty)", o->name);
		return 0;
	case PV_JOIN:
		j = worker_named(p, a->aux);
		if (j < 0 || p->w[j].state == SG_DONE) return 1;
		snprintf(why, cap, "w%d (%s) is not done", j, p->w[j].name);
		snprintf(waits, wcap, "waits for w%d (%s) to end", j, p->w[j].name);
		return 0;
	default:
		return 1;
	}
}

static int py_enabled(void *g, int w, char *why, size_t cap)
{
	const pystep *p = g;
	char waits[160];
	if (cap) *why = '\0';
	sg_state st = py_state(g, w, NULL);
	if (st != SG_AT) {
		snprintf(why, cap, "w%d is %s", w, st == SG_DONE ? "done" : "running");
		return 0;
	}
	return can_go(p, w, why, cap, waits, sizeof waits);
}

static void py_describe(void *g, int w, char *buf, size_t cap)
{
	const pystep *p = g;
	sg_state st = py_state(g, w, NULL);
	if (st != SG_AT) { snprintf(buf, cap, "%s", st == SG_DONE ? "done" : "running"); return; }
	const struct pworker *k = &p->w[w];
	const struct pact *a = &k->a;
	const struct pobj *o = obj_find(p, a->key);
	const char *name = obj_name(p, a->key), *sp = *a->detail ? " " : "";
	int j = a->verb == PV_JOIN ? worker_named(p, a->aux) : -1;
	char more[NAME_MAX_ + 64] = "";
	if (a->verb == PV_LOCK && o && o->holder >= 0 && !(o->holder == w && a->arg))
		snprintf(more, sizeof more, " (held by w%d)", o->holder);
	if ((a->verb == PV_PUT || a->verb == PV_TAKE) && o)
		snprintf(more, sizeof more, a->arg > 0 ? " (%ld of %ld)" : " (%ld in it)", o->len, a->arg);
	if (j >= 0) snprintf(more, sizeof more, " w%d (%s%s)", j, p->w[j].name, p->w[j].state == SG_DONE ? "" : ", not done");
	switch (a->verb) {
	case PV_PUT: snprintf(buf, cap, "%s: put %s%sinto %s%s", k->name, a->detail, sp, name, more); break;
	case PV_TAKE: snprintf(buf, cap, "%s: take from %s%s", k->name, name, more); break;
	case PV_SET: snprintf(buf, cap, "%s: set %s = %s", k->name, name, a->detail); break;
	case PV_START: case PV_JOIN: snprintf(buf, cap, "%s: %s%s%s", k->name, verbs[a->verb], j >= 0 ? "" : " ", j >= 0 ? more : a->detail); break;
	default: snprintf(buf, cap, "%s: %s %s%s", k->name, verbs[a->verb], name, more); break;
	}
}

/* What w's action does to the program's state, as it goes. */
static void apply(pystep *p, int w)
{
	struct pworker *k = &p->w[w];
	struct pobj *o = obj_find(p, k->a.key);
	switch (k->a.verb) {
	case PV_LOCK: case PV_TRY:
		if (o && (o->holder < 0 || o->holder == w)) { o->holder = w; o->count++; }
		break;
	case PV_UNLOCK:
		if (o && o->count > 0 && --o->count == 0) o->holder = -1;
		break;
	case PV_PUT: if (o) o->len++; break;
	case PV_TAKE: if (o && o->len > 0) o->len--; break;
	case PV_START: k->pending = 1; break;
	default: break;
	}
}

static void py_go(void *g, int w)
{
	pystep *p = g;
	if (py_state(g, w, NULL) != SG_AT) return;
	apply(p, w);
	struct pworker *k = &p->w[w];
	k->state = SG_RUNNING;
	ssize_t n;
	do n = send(k->fd, "g", 1, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != 1) { worker_done(k); wake(p); }   /* it is gone */
}

static int py_stuck(void *g, const unsigned char *ended, int n, char *why, size_t cap)
{
	(void)ended; (void)n;   /* the command's end: its threads' sockets say it (reap) */
	pystep *p = g;
	if (cap) *why = '\0';
	reap(p);
	if (!py_settled(g)) return 0;
	int waiting = 0;
	size_t o = 0;
	for (int w = 0; w < p->n; w++) {
		char one[160], waits[160] = "", holds[256] = "";
		if (p->w[w].state == SG_DONE) continue;
		if (can_go(p, w, one, sizeof one, waits, sizeof waits)) return 0;
		waiting++;
		for (int b = 0, k = 0; b < p->no; b++)
			if (p->o[b].holder == w) {
				size_t h = strlen(holds);
				snprintf(holds + h, sizeof holds - h, "%s%s", k++ ? ", " : "", p->o[b].name);
			}
		int m = *holds ? snprintf(why + o, cap - o, "%sw%d holds %s and %s", o ? "; " : "", w, holds, waits)
			       : snprintf(why + o, cap - o, "%sw%d %s", o ? "; " : "", w, waits);
		if (m > 0) o += (size_t)m;
		if (o >= cap) o = cap ? cap - 1 : 0;
	}
	return waiting > 0;
}

static void py_free(void *g)
{
	pystep *p = g;
	for (int i = 0; i < p->n; i++) {
		if (p->w[i].fd >= 0) close(p->w[i].fd);
		if (p->w[i].child_fd >= 0) close(p->w[i].child_fd);
	}
	close(p->ep);
	close(p->wake[0]);
	close(p->wake[1]);
	free(p->w);
	free(p->o);
	free(p);
}

static int py_tid(void *g, int w)
{
	const pystep *p = g;
	return w >= 0 && w < p->n ? (int)p->w[w].tid : 0;
}

static const sched_gate_ops py_ops = {
	py_nworkers, py_fd, py_drain, py_settled, py_state, py_enabled, py_describe, py_go, py_stuck, py_free, py_tid,
	verbs, NVERBS,
};

pystep *pystep_new(void)
{
	pystep *p = xcalloc(1, sizeof *p);
	if (pipe2(p->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
		free(p);
		return NULL;
	}
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = p->wake[0] };
	if ((p->ep = epoll_create1(EPOLL_CLOEXEC)) < 0 || epoll_ctl(p->ep, EPOLL_CTL_ADD, p->wake[0], &ev) < 0) {
		if (p->ep >= 0) close(p->ep);
		close(p->wake[0]);
		close(p->wake[1]);
		free(p);
		return NULL;
	}
	return p;
}

sched_gate *pystep_gate(pystep *p)
{
	if (!p) return NULL;
	sched_gate *g = xmalloc(sizeof *g);
	g->ops = &py_ops;
	g->impl = p;
	return g;
}
