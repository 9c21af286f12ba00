/*
 * coord_step: the stepper's gate (issue 14). In a stepped run every call a
 * worker makes on the run's blocks (and print, mark) is a step point: the
 * worker says what it is about to do, its next action, then waits at its
 * gate until the screen lets it do that one action; it then runs freely to
 * its next step point or its end. The screen lets one worker go at a time,
 * only when its action needs no wait for another worker (a free lock, a
 * queue with room...), and waits until that worker is at its next point
 * again before the next step. So the blocks change only by the actions let
 * go, in that order: the same schedule gives the same run, again and again.
 *
 * The gate is one MAP_SHARED region made before the runner forks, as the
 * coord region is: worker processes and threads alike see it. A worker
 * waits on a futex word of its own (off the CPU, nothing polls) and says it
 * is at a point (or done) with a byte on a pipe the screen polls. The time
 * it waits there goes into its event ring (coord_events.h: CEV_STEP, then
 * CEV_STEP_GO), a "held" span on its lane.
 * Curses-free, Lua-free.
 */
#ifndef PARLAB_COORD_STEP_H
#define PARLAB_COORD_STEP_H
#include <stddef.h>
#include "engine/coord.h"

typedef struct coord_step coord_step;

/* What a worker is about to do. */
typedef enum {
	SP_GET, SP_SET, SP_ADD,  /* shared: read, write, atomic add */
	SP_READ, SP_WRITE,       /* a racy add's two halves */
	SP_LOCK, SP_TRY, SP_UNLOCK,
	SP_ACQUIRE, SP_RELEASE,  /* semaphores */
	SP_ARRIVE, SP_PASS,      /* barriers: arrive, then pass once open */
	SP_WAIT, SP_WAKE,        /* conditions: release and wait, then wake */
	SP_NOTIFY, SP_NOTIFY_ALL,
	SP_PUT, SP_TAKE,         /* queues */
	SP_PRINT, SP_MARK
} sp_op;

typedef struct {
	sp_op op;
	int block;        /* -1: print, mark */
	int index;        /* shared: the value's index */
	double arg;       /* set, add: the value; write: the value it writes */
	unsigned gen;     /* pass: the barrier's round */
} sp_action;

typedef enum { SP_RUNNING, SP_AT, SP_DONE } sp_state;

/* The gate for workers 0..nworkers-1 of coord c's run (c: NULL when the
 * run has no blocks); c is marked stepped. NULL with errno on failure. */
coord_step *coord_step_new(coord *c, int nworkers);
void coord_step_free(coord_step *s);

/* ---- the worker's side ---- */
/* Says a (the action about to be done), then waits until let go. */
void coord_step_point(coord_step *s, int w, const sp_action *a);
/* Worker w is done (returned, or ended by an error). */
void coord_step_end(coord_step *s, int w);
/* The run's logical time: how many actions were let go so far (all
 * workers'). Only coord_step_go moves it, and it goes one worker at a
 * time, waiting until that one is at its next point: a worker reading it
 * between two points reads the same number for the same schedule, in
 * processes and threads (now() in a stepped run; 0 for NULL). */
unsigned long coord_step_count(const coord_step *s);
/* An action's verb: "read", "lock", "put into", "print". */
const char *coord_step_verb(sp_op op);

/* ---- the screen's side ---- */
/* Worker w's thread id (its task in the trace), once it reached a point;
 * else 0. */
int coord_step_tid(const coord_step *s, int w);
/* Readable when a worker reached a point or its end (coord_step_drain). */
int coord_step_fd(const coord_step *s);
void coord_step_drain(coord_step *s);
/* Where worker w is: running to its next point, at one (*a: its action),
 * or done. */
sp_state coord_step_state(const coord_step *s, int w, sp_action *a);
/* 1 when w is at a point whose action needs no wait now; else 0 with why
 * ("lock B is held by w0", "w1 is done", "w1 is running"). */
int coord_step_enabled(const coord_step *s, int w, char *why, size_t cap);
/* Lets w do its action (checked enabled by the caller); w is running from
 * now until it is at its next point or done. */
void coord_step_go(coord_step *s, int w);
/* Every worker is at a point or done: a step may be taken. */
int coord_step_settled(const coord_step *s);
/* 1 when every worker is at a point or done, some are not done, and none
 * can go: a deadlock of the schedule, in coord's words for a free run's
 * ("w0 holds A and waits for B; w1 holds B and waits for A"). */
int coord_step_stuck(const coord_step *s, char *why, size_t cap);
/* "read counter (now 41)", "lock B (held by w0)", "done", "running". */
void coord_step_describe(const coord_step *s, int w, char *buf, size_t cap);

/* ---- a worker's calls on the blocks ----
 * Each is the coord.h call of that name, a step point first when s is not
 * NULL (s NULL: just the call): racy adds, barriers and condition waits
 * are two steps (coord.h, "a stepped run"). */
double coord_step_get(coord_step *s, coord *c, int w, int b, int i);
void coord_step_set(coord_step *s, coord *c, int w, int b, int i, double v);
double coord_step_add(coord_step *s, coord *c, int w, int b, int i, double d, int racy, double *lost);
int coord_step_lock(coord_step *s, coord *c, int w, int b, int try);
int coord_step_unlock(coord_step *s, coord *c, int w, int b);
void coord_step_acquire(coord_step *s, coord *c, int w, int b);
void coord_step_release(coord_step *s, coord *c, int w, int b);
int coord_step_barrier(coord_step *s, coord *c, int w, int b);
int coord_step_cond_wait(coord_step *s, coord *c, int w, int b);
int coord_step_notify(coord_step *s, coord *c, int w, int b, int all);
int coord_step_put(coord_step *s, coord *c, int w, int b, const coord_value *v);
void coord_step_take(coord_step *s, coord *c, int w, int b, coord_value *out);

#endif
