/* loop.c: the screen process's one poll(2) loop: fds, timers, signals through a
 * self-pipe (the design is in loop.h). */
#include "util/loop.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NSIG_MAX 65

typedef struct {
	int fd, events;
	loop_fd_fn *fn;
	void *arg;
	int dead;
} fd_watch;

typedef struct {
	long id;
	int64_t due, every;       /* ns; every == 0: one-shot */
	loop_timer_fn *fn;
	void *arg;
} timer;

struct loop {
	fd_watch *fds;
	size_t nfds, capfds;
	timer *timers;
	size_t ntimers, captimers;
	long next_id;
	int stop;
	struct pollfd *pfd;
	size_t cappfd;
	struct { loop_signal_fn *fn; void *arg; } sig[NSIG_MAX];
	int sigpipe[2];
};

/* One loop per process takes signals; the handler only writes a byte. */
static int sig_wfd = -1;

static void on_signal(int sig)
{
	int e = errno;
	unsigned char b = (unsigned char)sig;
	if (sig_wfd >= 0 && write(sig_wfd, &b, 1) < 0) { /* pipe full: dropped */ }
	errno = e;
}

int64_t loop_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

loop *loop_new(void)
{
	loop *l = xcalloc(1, sizeof *l);
	l->sigpipe[0] = l->sigpipe[1] = -1;
	l->next_id = 1;
	return l;
}

void loop_signal_reset(loop *l)
{
	for (int s = 1; s < NSIG_MAX; s++)
		if (l->sig[s].fn) {
			signal(s, SIG_DFL);
			l->sig[s].fn = NULL;
		}
}

void loop_free(loop *l)
{
	if (!l) return;
	loop_signal_reset(l);
	if (l->sigpipe[0] >= 0) {
		close(l->sigpipe[0]);
		close(l->sigpipe[1]);
		if (sig_wfd == l->sigpipe[1]) sig_wfd = -1;
	}
	free(l->fds);
	free(l->timers);
	free(l->pfd);
	free(l);
}

void loop_fd_add(loop *l, int fd, int events, loop_fd_fn *fn, void *arg)
{
	for (size_t i = 0; i < l->nfds; i++)
		if (l->fds[i].fd == fd && !l->fds[i].dead) {
			l->fds[i] = (fd_watch){ fd, events, fn, arg, 0 };
			return;
		}
	l->fds = xgrow(l->fds, &l->capfds, l->nfds + 1, sizeof *l->fds);
	l->fds[l->nfds++] = (fd_watch){ fd, events, fn, arg, 0 };
}

void loop_fd_del(loop *l, int fd)
{
	/* Marked, then swept after dispatch: callbacks may delete mid-round. */
	for (size_t i = 0; i < l->nfds; i++)
		if (l->fds[i].fd == fd) l->fds[i].dead = 1;
}

long loop_timer_add(loop *l, int64_t ms, int periodic, loop_timer_fn *fn, void *arg)
{
	l->timers = xgrow(l->timers, &l->captimers, l->ntimers + 1, sizeof *l->timers);
	int64_t ns = ms * 1000000LL;
	timer t = { l->next_id++, loop_now_ns() + ns, periodic ? ns : 0, fn, arg };
	l->timers[l->ntimers++] = t;
	return t.id;
}

void loop_timer_del(loop *l, long id)
{
	for (size_t i = 0; i < l->ntimers; i++)
		if (l->timers[i].id == id) l->timers[i].fn = NULL;
}

void loop_signal(loop *l, int sig, loop_signal_fn *fn, void *arg)
{
	if (sig <= 0 || sig >= NSIG_MAX) return;
	if (l->sigpipe[0] < 0) {
		if (pipe2(l->sigpipe, O_CLOEXEC | O_NONBLOCK) < 0) return;
		sig_wfd = l->sigpipe[1];
	}
	l->sig[sig].fn = fn;
	l->sig[sig].arg = arg;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void sweep(loop *l)
{
	size_t j = 0;
	for (size_t i = 0; i < l->nfds; i++)
		if (!l->fds[i].dead) l->fds[j++] = l->fds[i];
	l->nfds = j;
	j = 0;
	for (size_t i = 0; i < l->ntimers; i++)
		if (l->timers[i].fn) l->timers[j++] = l->timers[i];
	l->ntimers = j;
}

static int next_timeout(loop *l, int max_ms)
{
	int64_t now = loop_now_ns(), best = -1;
	for (size_t i = 0; i < l->ntimers; i++) {
		if (!l->timers[i].fn) continue;
		int64_t d = l->timers[i].due - now;
		if (d < 0) d = 0;
		if (best < 0 || d < best) best = d;
	}
	if (best < 0) return max_ms;
	int ms = (int)((best + 999999) / 1000000);
	return (max_ms >= 0 && max_ms < ms) ? max_ms : ms;
}

static void fire_timers(loop *l)
{
	int64_t now = loop_now_ns();
	size_t n = l->ntimers;   /* timers added by callbacks wait a round */
	for (size_t i = 0; i < n; i++) {
		timer *t = &l->timers[i];
		if (!t->fn || t->due > now) continue;
		loop_timer_fn *fn = t->fn;
		void *arg = t->arg;
		long id = t->id;
		if (t->every) {   /* keep the cadence; skip beats only if far behind */
			t->due += t->every;
			if (t->due < now) t->due = now + t->every;
		}
		else t->fn = NULL;
		fn(l, id, arg);
		t = NULL;   /* the array may have moved */
	}
}

static void drain_signals(loop *l)
{
	unsigned char buf[64];
	ssize_t n;
	while ((n = read(l->sigpipe[0], buf, sizeof buf)) > 0)
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] < NSIG_MAX && l->sig[buf[i]].fn)
				l->sig[buf[i]].fn(l, buf[i], l->sig[buf[i]].arg);
}

void loop_once(loop *l, int max_ms)
{
	sweep(l);
	size_t n = l->nfds + 1;
	l->pfd = xgrow(l->pfd, &l->cappfd, n, sizeof *l->pfd);
	size_t k = 0;
	if (l->sigpipe[0] >= 0) l->pfd[k++] = (struct pollfd){ l->sigpipe[0], POLLIN, 0 };
	size_t base = k;
	for (size_t i = 0; i < l->nfds; i++) {
		short ev = 0;
		if (l->fds[i].events & LOOP_READ) ev |= POLLIN;
		if (l->fds[i].events & LOOP_WRITE) ev |= POLLOUT;
		l->pfd[k++] = (struct pollfd){ l->fds[i].fd, ev, 0 };
	}
	int r = poll(l->pfd, k, next_timeout(l, max_ms));
	if (r < 0 && errno != EINTR) return;
	if (r > 0) {
		if (base && (l->pfd[0].revents & POLLIN)) drain_signals(l);
		size_t nw = l->nfds;   /* watches added by callbacks wait a round */
		for (size_t i = 0; i < nw && i + base < k; i++) {
			short re = l->pfd[i + base].revents;
			if (!re || l->fds[i].dead || l->fds[i].fd != l->pfd[i + base].fd) continue;
			int ev = 0;
			if (re & POLLIN) ev |= LOOP_READ;
			if (re & POLLOUT) ev |= LOOP_WRITE;
			if (re & (POLLHUP | POLLERR | POLLNVAL)) ev |= LOOP_HUP;
			fd_watch w = l->fds[i];
			w.fn(l, w.fd, ev, w.arg);
		}
	}
	fire_timers(l);
}

void loop_run(loop *l)
{
	l->stop = 0;
	while (!l->stop) loop_once(l, -1);
}

void loop_stop(loop *l) { l->stop = 1; }
int loop_stopped(const loop *l) { return l->stop; }
