/*
 * engine_sched.c: a stepped run, the student as its scheduler (engine.h,
 * "a stepped run"; the gate is coord_step.h). The screen's side only: it
 * lets workers go and reads where they are; it never runs their work.
 *
 * Each step is also a mark on the worker's lane in the trace ("#3 read
 * counter (now 0)"), so a replay, an export and the stats see the
 * schedule as the live view did.
 */
#include "engine/engine_int.h"
#include "engine/coord_step.h"
#include "util/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>

int engine_sched_workers(const engine *e) { return e->gate && engine_running(e) ? e->t_step->nworkers : 0; }

int engine_sched_ready(const engine *e) { return engine_sched_workers(e) && coord_step_settled(e->gate); }

void engine_sched_next(const engine *e, int w, char *buf, size_t cap, int *can)
{
	char why[160];
	if (can) *can = e->gate && coord_step_enabled(e->gate, w, why, sizeof why);
	if (e->gate) coord_step_describe(e->gate, w, buf, cap);
	else snprintf(buf, cap, "not stepped");
}


static void let_go(engine *e, int w, char *what, size_t cap)
{
	char said[160];
	coord_step_describe(e->gate, w, said, sizeof said);
	if (e->nsched == e->capsched) {
		e->capsched = e->capsched ? 2 * e->capsched : 64;
		e->sched = xrealloc(e->sched, (size_t)e->capsched * sizeof *e->sched);
	}
	e->sched[e->nsched++] = w;
	char mark[200];
	snprintf(mark, sizeof mark, "#%d %s", e->nsched, said);
	trace_mark_add_task(e->t, trace_worker_task(e->t, w), trace_rel(e->t, loop_now_ns()), mark);
	if (what) snprintf(what, cap, "%s", said);
	coord_step_go(e->gate, w);
}

/* The first worker that can go, after the one let go last. */
static int next_can(const engine *e)
{
	int n = e->t_step->nworkers, from = e->nsched ? e->sched[e->nsched - 1] + 1 : 0;
	char why[160];
	for (int i = 0; i < n; i++)
		if (coord_step_enabled(e->gate, (from + i) % n, why, sizeof why)) return (from + i) % n;
	return -1;
}

int engine_sched_step(engine *e, int w, char *what, size_t cap)
{
	if (!engine_sched_workers(e)) { snprintf(what, cap, "no stepped run is going"); return -1; }
	if (!coord_step_settled(e->gate)) { snprintf(what, cap, "a worker is still running to its next step"); return -1; }
	int n = e->t_step->nworkers;
	if (w >= n) { snprintf(what, cap, "there is no w%d: this run has w0 to w%d", w, n - 1); return -1; }
	if (w < 0 && (w = next_can(e)) < 0) { snprintf(what, cap, "no worker can go"); return -1; }
	char why[160];
	if (!coord_step_enabled(e->gate, w, why, sizeof why)) { snprintf(what, cap, "w%d cannot go: %s", w, why); return -1; }
	let_go(e, w, what, cap);
	return w;
}

void engine_sched_go(engine *e)
{
	if (!engine_sched_workers(e)) return;
	e->sched_go = 1;
	if (coord_step_settled(e->gate)) {
		int w = next_can(e);
		if (w >= 0) let_go(e, w, NULL, 0);
	}
}

const int *engine_sched_list(const engine *e, int *n)
{
	*n = e->nsched;
	return e->sched;
}

/* A worker reached a point or its end: going freely, the next one goes;
 * the front end redraws either way. */
static void on_gate(loop *l, int fd, int events, void *arg)
{
	(void)l; (void)fd; (void)events;
	engine *e = arg;
	coord_step_drain(e->gate);
	if (!coord_step_settled(e->gate)) return;
	if (e->sched_go) {
		int w = next_can(e);
		if (w >= 0) { let_go(e, w, NULL, 0); return; }
	}
	if (e->user_ev.update) e->user_ev.update(e->r, e->user_ev.arg);
}

void eng_sched_attach(engine *e, coord_step *g)
{
	e->gate = g;
	e->nsched = 0;
	e->sched_go = 0;
	if (g) loop_fd_add(e->l, coord_step_fd(g), LOOP_READ, on_gate, e);
}

void eng_sched_free(engine *e)
{
	if (!e->gate) return;
	loop_fd_del(e->l, coord_step_fd(e->gate));
	coord_step_free(e->gate);
	e->gate = NULL;
}

int eng_sched_stuck(coord_step *g, const unsigned char *ended, int n, char *why, size_t cap)
{
	for (int w = 0; w < n; w++)
		if (ended[w]) coord_step_end(g, w);   /* a worker that crashed says nothing itself */
	return coord_step_stuck(g, why, cap);
}
