/* runner: the process between the screen and the workers (internal to run). */
#ifndef PARLAB_RUNNER_H
#define PARLAB_RUNNER_H
#include <signal.h>
#include <stdint.h>
#include "run/run.h"

/* Runner exit code: the run never started (prepare or chdir said why). */
#define RUNNER_NOT_RUN 3
/* The signal the kernel sends the runner when the screen process dies
 * (runner_guard.c): the runner then kills and reaps the whole run. */
#define RUNNER_GUARD_SIG SIGUSR2
void runner_guard(void);
/* One pass: SIGKILL to every other process of the run's group and every
 * child of the runner (async-signal-safe). */
void runner_kill_all(void);
/* A command's main process has exited: what it left running this long
 * after is stopped (runner.c). */
#define RUNNER_LEFT_GRACE_S 1

typedef struct {
	const run_spec *spec;
	char **argv;
	int n;               /* worker pipes */
	int *outs, *errs;    /* write ends, one pair per worker */
	int ctl;             /* control lines to the screen (run/proto.h) */
	int msg;             /* the runner's own stdout/stderr */
	int go;              /* read end: one byte starts the run */
	int mark;            /* a command's marks (PARLAB_MARK_FD), or -1 */
	int64_t start_ns;
} runner_ctx;

/* Never returns. */
void runner_main(runner_ctx *ctx) __attribute__((noreturn));

#endif
