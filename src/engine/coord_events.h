/*
 * coord_events: what the run's workers did with its blocks, made visible
 * (issue 11): when a worker began and stopped waiting on a block, took and
 * released a lock, and the marks it made (mark("text")).
 *
 * Each worker writes to a ring of its own (one writer, one reader, no
 * lock) in a MAP_SHARED region made by the screen before the runner forks,
 * like the coord region: worker processes (forked copies) and threads
 * write the same memory. A worker never waits on a full ring: the event is
 * dropped and counted (cev_dropped), and the trace says so. The screen
 * drains the rings on its loop tick (cev_log_drain) into the trace: blocked
 * spans, held spans and marks (trace.h).
 *
 * The ring being written is the process's current one (cev_current),
 * set before the runner forks and inherited by every worker; coord.c's
 * wait paths note their events there (cev_note: a no-op without a ring, as
 * in the unit tests of coord.c). Curses-free, Lua-free.
 */
#ifndef PARLAB_COORD_EVENTS_H
#define PARLAB_COORD_EVENTS_H
#include "engine/coord.h"
#include "trace/trace.h"

#include <stdint.h>

typedef enum {
	CEV_WAIT = 1,   /* began waiting on block (holder: a lock's holder then, or -1; sub: CEV_FULL/CEV_EMPTY) */
	CEV_WAKE,       /* stopped waiting on block */
	CEV_TAKE,       /* took lock block (sub: see cev_note) */
	CEV_RELEASE,    /* released lock block (sub: 1 when another worker waited for it then) */
	CEV_MARK,       /* mark(text) */
	CEV_STEP,       /* a stepped run: held at a step point (block: its action's or -1; text: the action, "lock") */
	CEV_STEP_GO     /* let go from it by the schedule */
} cev_kind;

enum { CEV_FULL = 1, CEV_EMPTY = 2 };   /* a queue wait: put on a full one, take from an empty one */

#define CEV_TEXT 120        /* bytes of a mark's text (cut at a character) */
#define CEV_PER_WORKER 1024 /* events a worker's ring holds until drained */

typedef struct {
	int64_t t;          /* CLOCK_MONOTONIC ns */
	int kind, block, holder, sub;
	char text[CEV_TEXT];
} cev_event;

typedef struct cev_ring cev_ring;

/* A ring per worker 0..nworkers-1, shared with every process forked after
 * it; NULL with errno when it cannot be mapped. */
cev_ring *cev_new(int nworkers);
void cev_free(cev_ring *r);
/* The ring workers write to (NULL: none); set it before the runner forks. */
void cev_set_current(cev_ring *r);
cev_ring *cev_current(void);

/* Worker side: appends an event of worker w to r (now's time); drops and
 * counts it when w's ring is full. Never blocks. */
void cev_push(cev_ring *r, int w, cev_kind kind, int block, int holder, int sub, const char *text);
/* cev_push to the current ring, if any. A lock's hold is held back in
 * the worker until its release (or the worker's next event): one that
 * lasted under CEV_SHORT_HOLD_NS and nobody waited for is only counted
 * (cev_short_holds), and the same worker taking the same lock again within
 * CEV_SHORT_HOLD_NS, nobody else between, extends it (for up to
 * CEV_HOLD_FLUSH_NS): a worker taking a lock thousands of times a second
 * does not flood its ring with what no lane could show. For a TAKE, sub is
 * which acquisition of the lock it is (-1: none counted, a condition's). */
#define CEV_SHORT_HOLD_NS 100000LL
#define CEV_HOLD_FLUSH_NS 20000000LL
void cev_note(int w, cev_kind kind, int block, int holder, int sub);
void cev_mark(int w, const char *text);
/* A stepped run's step point (coord_step.h): worker w is held at one
 * (go 0; action: its next action's word, block: its block or -1), or was
 * let go from it (go 1). A hold not yet in the ring goes in first. */
void cev_step(int w, int go, int block, const char *action);
/* Worker side, at its end: a lock it still holds goes into the ring. */
void cev_flush(void);
unsigned long cev_short_holds(const cev_ring *r);

/* Reader side (one reader): the oldest event of w not yet taken, without
 * taking it (1), or 0 when there is none; cev_pop takes it. */
int cev_peek(const cev_ring *r, int w, cev_event *out);
void cev_pop(cev_ring *r, int w);
/* Events dropped on full rings so far. */
unsigned long cev_dropped(const cev_ring *r);
int cev_nworkers(const cev_ring *r);

/* ---- the screen's side: the rings drained into a trace ---- */
typedef struct cev_log cev_log;
/* The log of a ring (which it does not own) for the blocks of c (may be NULL). */
cev_log *cev_log_new(cev_ring *r, const coord *c);
void cev_log_free(cev_log *lg);
/* Moves every event whose worker's task is in t into t: blocked spans, a
 * lock's held spans on its holder's lane, marks; events of a worker with
 * no task yet wait in the ring unless final (then they are dropped and
 * counted); a stepped run's step points become step spans. Sets the
 * trace's dropped events. Returns the events moved. */
int cev_log_drain(cev_log *lg, trace *t, int final);

#endif
