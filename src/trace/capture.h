/*
 * capture: where a trace's scheduling slices come from. A backend watches
 * the tasks of one run (the runner's whole process tree) and writes state
 * slices into the trace. It lives in the screen process and is driven by
 * the event loop (timers, fds); it never blocks.
 *
 * Backends: "perf" (the default, capture_perf.c) reads the kernel's own
 * context-switch records from one perf_event ring per CPU; "proc"
 * (capture_proc.c) samples /proc/<pid>/task/<tid>/{schedstat,stat} with
 * kept-open descriptors, and is the fallback wherever perf is refused.
 */
#ifndef PARLAB_CAPTURE_H
#define PARLAB_CAPTURE_H
#include <sys/types.h>
#include "trace/trace.h"
#include "util/loop.h"

typedef struct capture capture;

typedef struct capture_ops {
	const char *name;
	/* Begins watching root and everything it spawns. */
	int (*start)(capture *c, pid_t root);
	/* A task the runner announced (pid, tid): watch it now, don't wait
	 * for discovery. */
	void (*hint)(capture *c, pid_t pid, pid_t tid);
	/* A process on this machine the run did not start (an existing Dask
	 * cluster's worker): watch it and its threads from now on, as tasks
	 * of the trace (made at once, older than the run). The capture only
	 * reads: it never waits for such a process nor stops it. 0, or -1
	 * when it cannot (not permitted, gone, not live). May be NULL. */
	int (*watch)(capture *c, pid_t pid);
	/* The run is over: take a last sample, close every slice at end
	 * (relative ns) and release descriptors. */
	void (*stop)(capture *c, int64_t end);
	/* Human-readable description of the live backend, e.g.
	 * "/proc sampler, 2 ms". */
	const char *(*describe)(capture *c);
	void (*free)(capture *c);
} capture_ops;

/* Base struct: backends embed it first. */
struct capture {
	const capture_ops *ops;
	trace *t;
	loop *l;
};

/* The /proc sampler. interval_ms <= 0 picks the default (PARLAB_SAMPLE_MS
 * or 2 ms). */
capture *capture_proc_new(trace *t, loop *l, int interval_ms);

/* The perf_event backend; with may_fall_back, start() hands over to an
 * embedded /proc sampler if perf cannot be used, and the backend name
 * says why. */
capture *capture_perf_new(trace *t, loop *l, int may_fall_back);
/* 0 if perf_event context-switch capture can work here; else -1 and why. */
int capture_perf_probe(char *why, size_t cap);

/* The backend for a run: which is "perf", "proc", "none" or NULL (the
 * default: $PARLAB_CAPTURE, else the best that works here). Falls back to
 * the /proc sampler and records why in the trace's backend name. NULL
 * for "none" (the trace says so). */
capture *capture_open(trace *t, loop *l, const char *which);

/* Reconciles running slices with the kernel's own totals: for each task i
 * with kernel_ns[i] >= 0 (its schedstat CPU time up to as_of[i], a time
 * in the trace; as_of NULL or as_of[i] < 0: up to its end; kernel_ns[i]
 * -1: not known, left as it is), the difference between that and the sum
 * of its running slices up to then is spread over its switch-ins before
 * then, in equal shares, moving each running slice's start earlier (the
 * kernel charges a task from the moment it is picked, before the switch
 * records are written) or later (wall-clock time it was not charged: a VM
 * host's steal, another task in a switch), and the end of the waiting
 * slice before it with it. A start moves only where there is room:
 * earlier, never into the slice before it unless that one is a waiting
 * one that keeps 1 ns, nor before the task's birth, nor into another
 * task's running slice on the same CPU; later, only after a waiting
 * slice, and the running one keeps 1 ns (before as_of). A share that does
 * not fit goes to the others. What room did not allow is left: left[i]
 * (may be NULL) gets the running time up to as_of minus kernel_ns[i]
 * afterwards (0 where not known). The perf backend calls it when it stops. */
void capture_reconcile(trace *t, const int64_t *kernel_ns, const int64_t *as_of, int64_t *left);

/* Helpers over the ops table. */
static inline int capture_start(capture *c, pid_t root) { return c->ops->start(c, root); }
static inline void capture_hint(capture *c, pid_t pid, pid_t tid) { if (c->ops->hint) c->ops->hint(c, pid, tid); }
static inline int capture_watch(capture *c, pid_t pid) { return c->ops->watch ? c->ops->watch(c, pid) : -1; }
static inline void capture_stop(capture *c, int64_t end) { c->ops->stop(c, end); }
static inline const char *capture_describe(capture *c) { return c->ops->describe(c); }
static inline void capture_free(capture *c) { if (c) c->ops->free(c); }

#endif
