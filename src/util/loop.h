/*
 * loop: the one event loop of the screen process (after redis ae.c).
 * poll(2) over file descriptors, one-shot or periodic timers, and signals
 * turned into ordinary events through a self-pipe. Nothing here blocks but
 * the poll itself.
 */
#ifndef PARLAB_LOOP_H
#define PARLAB_LOOP_H
#include <stdint.h>

#define LOOP_READ  1
#define LOOP_WRITE 2
#define LOOP_HUP   4   /* reported only: error or hang-up on the fd */

typedef struct loop loop;
typedef void loop_fd_fn(loop *l, int fd, int events, void *arg);
typedef void loop_timer_fn(loop *l, long id, void *arg);
typedef void loop_signal_fn(loop *l, int sig, void *arg);

loop *loop_new(void);
void loop_free(loop *l);

/* Watches fd for events (LOOP_READ|LOOP_WRITE); replaces an earlier watch. */
void loop_fd_add(loop *l, int fd, int events, loop_fd_fn *fn, void *arg);
void loop_fd_del(loop *l, int fd);

/* Calls fn after ms milliseconds, then every ms if periodic. Returns an id. */
long loop_timer_add(loop *l, int64_t ms, int periodic, loop_timer_fn *fn, void *arg);
void loop_timer_del(loop *l, long id);

/* Delivers sig through the loop instead of an async handler. */
void loop_signal(loop *l, int sig, loop_signal_fn *fn, void *arg);
/* Restores default dispositions of every signal the loop took over. */
void loop_signal_reset(loop *l);

/* One round: waits at most max_ms (-1: until something happens). */
void loop_once(loop *l, int max_ms);
/* Runs rounds until loop_stop. */
void loop_run(loop *l);
void loop_stop(loop *l);
int loop_stopped(const loop *l);

/* CLOCK_MONOTONIC in nanoseconds, the time base of every trace. */
int64_t loop_now_ns(void);

#endif
