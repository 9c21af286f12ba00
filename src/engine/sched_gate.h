/*
 * sched_gate: what a stepped run's scheduler (engine_sched.c) needs of the
 * gate its workers wait at, whatever they are: a table of operations. Two
 * gates fill it in: coord_step.h's, for a lesson's Lua workers (its adapter
 * is in engine_sched.c), and pystep.h's, for the threads and processes of a
 * lesson's Python program (their number grows as they appear). The screen's
 * side only; curses-free.
 */
#ifndef PARLAB_SCHED_GATE_H
#define PARLAB_SCHED_GATE_H
#include <stddef.h>

typedef enum { SG_RUNNING, SG_AT, SG_DONE } sg_state;

typedef struct {
	/* The workers so far (0..n-1); it may grow, never shrinks. */
	int (*nworkers)(void *g);
	/* Readable when a worker reached a point or its end; drain empties it. */
	int (*fd)(void *g);
	void (*drain)(void *g);
	/* Every worker is at a point or done: a step may be taken. */
	int (*settled)(void *g);
	/* Where w is; at a point, *verb (if verb) is its action's index in verbs. */
	sg_state (*state)(void *g, int w, int *verb);
	/* 1 when w is at a point whose action needs no wait now; else 0, why. */
	int (*enabled)(void *g, int w, char *why, size_t cap);
	/* "read counter (now 41)", "lock B (held by w0)", "done", "running". */
	void (*describe)(void *g, int w, char *buf, size_t cap);
	/* Lets w (enabled) do its action. */
	void (*go)(void *g, int w);
	/* ended[w] for w < n: the run saw worker w end (a crashed one says
	 * nothing itself). 1 when settled, some not done and none can go. */
	int (*stuck)(void *g, const unsigned char *ended, int n, char *why, size_t cap);
	void (*free)(void *g);
	/* The thread id of w's task in the trace (0: not known yet): its step
	 * marks go on that lane. NULL: the run's worker w's (trace_worker_task). */
	int (*tid)(void *g, int w);
	/* The actions' verbs, as a goal reads them (s.workers[i].did.lock). */
	const char *const *verbs;
	int nverbs;
} sched_gate_ops;

typedef struct sched_gate {
	const sched_gate_ops *ops;
	void *impl;
} sched_gate;

struct coord_step;
/* coord_step's gate for nworkers as a sched_gate (engine_sched.c); NULL:
 * s was NULL. sched_gate_free frees s too. */
sched_gate *sched_gate_coord(struct coord_step *s, int nworkers);
/* Frees g and its gate (NULL: nothing). */
void sched_gate_free(sched_gate *g);

#endif
