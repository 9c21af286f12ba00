/* cgroup: the run's pids cgroup, the task limit's backstop that binds root
 * too (internal to run; see cgroup.c). */
#ifndef PARLAB_RUN_CGROUP_H
#define PARLAB_RUN_CGROUP_H
#include <sys/types.h>

/* What the runner needs besides the run's tasks: itself, and room for the
 * screen to see the limit passed (it stops the run then, with its words). */
#define RUN_CGROUP_SLACK 16

/* Screen side, before a run: removes the parlab-run-PID cgroups of runners
 * that no longer run (a killed parlab's), killing what is left in them. */
void run_cgroup_sweep(void);
/* Screen side, once the run's processes are reaped: removes the runner's
 * cgroup if it is still there (the runner was killed), killing what is
 * left in it. */
void run_cgroup_remove(pid_t runner);

/* Runner side: creates parlab-run-PID in a writable pids cgroup (v2
 * delegated, else v1) with pids.max = max_pids, and moves the runner in;
 * its workers are then born in it. 0 done, -1 none available (nothing
 * changed: RLIMIT_NPROC is the backstop then). */
int run_cgroup_enter(long max_pids);
/* Runner side, async-signal-safe: the runner back into the cgroup it came
 * from, then SIGKILL to every process still in the run's cgroup. */
void run_cgroup_leave_and_kill(void);
/* Runner side, async-signal-safe: SIGKILL to every process in the run's
 * cgroup (after run_cgroup_leave_and_kill: a fork caught in flight). */
void run_cgroup_kill(void);
/* Runner side, async-signal-safe, at its end: the runner leaves the run's
 * cgroup and removes it (empty by then: every child is reaped). */
void run_cgroup_remove_own(void);

#endif
