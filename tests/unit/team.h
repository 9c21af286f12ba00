/* team.h: n workers running one function as real fork()ed processes or
 * real pthreads (the unit tests of coord and of the stepper). */
#ifndef PARLAB_TEAM_H
#define PARLAB_TEAM_H
#include "engine/coord.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

enum { PROCS, THREADS };
static const char *const mode_name[] = { "processes", "threads" };

typedef int (*work_fn)(coord *c, int w, void *arg);

typedef struct {
	int mode, n;
	pid_t pid[64];
	pthread_t th[64];
	struct warg { coord *c; int w; work_fn f; void *arg; int rc; } a[64];
} team;

static void *thread_main(void *p)
{
	struct warg *a = p;
	a->rc = a->f(a->c, a->w, a->arg);
	return NULL;
}

/* Starts n workers running f(c, id, arg) as processes or threads. */
static void start(team *t, int mode, int n, coord *c, work_fn f, void *arg)
{
	t->mode = mode;
	t->n = n;
	for (int i = 0; i < n; i++) {
		t->a[i] = (struct warg){ c, i, f, arg, -1 };
		if (mode == THREADS) {
			if (pthread_create(&t->th[i], NULL, thread_main, &t->a[i]) != 0) { perror("pthread_create"); exit(1); }
		} else {
			t->pid[i] = fork();
			if (t->pid[i] < 0) { perror("fork"); exit(1); }
			if (t->pid[i] == 0) _exit(f(c, i, arg));
		}
	}
}

/* Waits for every worker; how many returned nonzero. */
static int finish(team *t)
{
	int bad = 0;
	for (int i = 0; i < t->n; i++) {
		if (t->mode == THREADS) {
			pthread_join(t->th[i], NULL);
			bad += t->a[i].rc != 0;
		} else {
			int st;
			while (waitpid(t->pid[i], &st, 0) < 0 && errno == EINTR) {}
			bad += !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		}
	}
	return bad;
}

#endif
