/*
 * run: one run of a lesson's workers, kept out of the screen process.
 *
 * run_start forks a runner into its own process group with resource limits.
 * The runner prepares, waits until the screen has armed capture, creates
 * the workers (processes, threads, or an exec'd command and its whole tree)
 * and reports on a control pipe (run/proto.h); each worker's stdout and
 * stderr come back on pipes of their own. The screen side reads them
 * from the event loop into the trace, and the capture backend fills in the
 * scheduling. On stop, crash or timeout the group is killed and reaped.
 */
#ifndef PARLAB_RUN_H
#define PARLAB_RUN_H
#include "trace/trace.h"
#include "util/loop.h"

#include <sys/types.h>

typedef enum { RUN_PROCESSES, RUN_THREADS, RUN_COMMAND } run_kind;

/* A run's limits (run_spec): its memory, all its processes' resident
 * memory together (a Lua worker's own memory, thread or process, is held
 * to it too), and the tasks (processes and threads) it may start. Past
 * either, the run is stopped and says which limit and what it was. */
#define RUN_MEMORY_DEFAULT_MB 1024   /* or half the machine's memory, if less */
#define RUN_MEMORY_MIN_MB 16
#define RUN_MEMORY_MAX_MB 65536      /* and at most half the machine's memory */
#define RUN_TASKS_DEFAULT 2048
#define RUN_TASKS_MAX 16384

typedef struct {
	int id, n;          /* worker id 0..n-1, and n */
	size_t mem_limit;   /* bytes its Lua state may hold, 0: no limit */
	int out_fd, err_fd; /* this worker's own output pipes */
	int64_t start_ns;   /* CLOCK_MONOTONIC at the run's start */
} run_worker;

typedef struct {
	run_kind kind;
	int nworkers;                /* processes or threads */
	char **argv;                 /* RUN_COMMAND */
	const char *cwd;             /* runner's working directory, or NULL */
	int timeout_ms;              /* 0: none */
	int memory_mb;               /* 0: RUN_MEMORY_DEFAULT_MB (run_memory_limit) */
	int max_tasks;               /* 0: RUN_TASKS_DEFAULT */
	trace_end_kind expect;       /* how the lesson expects it to end: TRACE_FINISHED
	                                (or 0), or e.g. TRACE_TIMED_OUT; such an end
	                                is no failure and its words say so */
	const char *capture;         /* backend name or NULL for the default */
	void *ctx;
	/* Runner side, in the run's folder, before capture is armed and any
	 * worker starts. May replace *argv (e.g. to pick the Python
	 * interpreter). Nonzero skips the run ("not run"); say why on err_fd. */
	int (*prepare)(void *ctx, char ***argv, int out_fd, int err_fd);
	/* In each worker, a child process or a thread. Returns its exit code. */
	int (*work)(void *ctx, const run_worker *w);
	/* Screen side, NULL: none. Every RUN_STUCK_MS while the workers run:
	 * nonzero (and why, "w0 holds A and waits for B; ...") when the
	 * workers still live are deadlocked; ended[id] is 1 for each worker
	 * whose end the screen has seen. Two such answers in a row stop the
	 * run at once, of kind TRACE_DEADLOCK. */
	int (*stuck)(void *ctx, const unsigned char *ended, int n, char *why, size_t cap);
	/* Screen side, NULL: none. A stepped Python program's "\1step ..."
	 * message (python/parlab/_step.py) from process pid: its text after
	 * "step ", and the fds it brought, which the callee owns from now. */
	void (*step_msg)(void *ctx, pid_t pid, const char *msg, const int *fds, int nfds);
} run_spec;

#define RUN_STUCK_MS 25

typedef struct run run;

typedef struct {
	void (*update)(run *r, void *arg);   /* trace changed (output, tasks) */
	void (*done)(run *r, void *arg);     /* everything reaped; trace final */
	void *arg;
	/* Not the runner's: the engine started the step's run again by itself
	 * (a stepped run's undo, restart, replay, search); the last run's trace
	 * is gone, r is the new run. NULL: not told. */
	void (*started)(run *r, void *arg);
} run_events;

/* Starts a run recording into t (which the caller owns). NULL and *err on
 * failure to start. */
run *run_start(loop *l, const run_spec *spec, trace *t, const run_events *ev, char **err);
/* A run's memory limit in bytes for a lesson's memory_mb (0: the default),
 * at most half of this machine's memory. */
size_t run_memory_limit(int memory_mb);
/* The same for a lesson's max_tasks (0: the default). */
int run_task_limit(int max_tasks);
/* Kills the whole group; the reason ends up in the trace's outcome (kind
 * TRACE_STOPPED; a worker's crash and the run's timeout have their own). */
void run_stop(run *r, const char *why);
int run_live(const run *r);
/* Once done, trace_failed of its trace (which must still exist): nonzero
 * when the run was stopped, timed out or crashed, a worker failed or could
 * not start, or the runner failed; 0 when every worker exited 0, for a
 * skipped run (not run is no failure), and for the end the spec expects
 * (spec.expect, e.g. a timeout). 0 while live. */
int run_failed(const run *r);
/* Once done, the run ended the way its spec expects (an expected timeout
 * too); 0 while live. */
int run_as_expected(const run *r);
/* The run never started: a prerequisite was missing (said in the trace;
 * its kind is TRACE_NOT_RUN). */
int run_skipped(const run *r);
/* While the runner prepares (before its workers start): what it is doing
 * (its last run_report_preparing, or "starting" before any) and since when
 * (*since: CLOCK_MONOTONIC ns, when run_start forked the runner); NULL
 * once the workers start, and when done. */
const char *run_preparing(const run *r, int64_t *since);
/* While a Python program of the run imports a module at its top level
 * (parlab's helper says so): the module ("dask.dataframe") and since when
 * (CLOCK_MONOTONIC ns); NULL when none. An import that took 0.3 s or more
 * is said in the output once done ("MainProcess 20719 took 1.23 s to
 * import dask.dataframe"). */
const char *run_importing(const run *r, int64_t *since);
/* Runner side, from spec->prepare only: says what it is preparing now
 * ("generating data.csv (100000 rows)"), for the screen to show with the
 * time preparing has taken so far. */
void run_report_preparing(const char *what);
/* A mark with text on thread tid's lane (a thread or process of a
 * command's run: a stepped Python program's step), placed in order with
 * the program's own marks once the capture has seen tid; on the command's
 * lane if it never does. */
void run_mark(run *r, pid_t tid, const char *text);
/* Stops if live, waits for the reaping to finish, frees. */
void run_free(run *r);

/* The loop's SIGCHLD handler for runs: reaps without blocking. */
void run_reap_all(void);

#endif
