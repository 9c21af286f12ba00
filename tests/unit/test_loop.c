/* Unit tests of the event loop: fds, timers, signals through the loop. */
#include "util/loop.h"
#include "check.h"
#include <signal.h>
#include <unistd.h>

static int reads, fired, periodic, sigs;
static long periodic_id;

static void on_read(loop *l, int fd, int ev, void *arg)
{
	(void)arg;
	char buf[16];
	if (ev & LOOP_READ) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n > 0) reads += (int)n;
		else loop_fd_del(l, fd);
	}
}

static void on_timer(loop *l, long id, void *arg) { (void)id; (void)arg; fired++; loop_stop(l); }
static void on_periodic(loop *l, long id, void *arg) { (void)arg; if (++periodic == 3) loop_timer_del(l, id); }
static void on_sig(loop *l, int sig, void *arg) { (void)l; (void)arg; if (sig == SIGUSR1) sigs++; }

int main(void)
{
	loop *l = loop_new();
	int p[2];
	CHECK(pipe(p) == 0);
	loop_fd_add(l, p[0], LOOP_READ, on_read, NULL);
	CHECK(write(p[1], "abc", 3) == 3);
	loop_once(l, 100);
	CHECK(reads == 3);

	int64_t t0 = loop_now_ns();
	loop_timer_add(l, 30, 0, on_timer, NULL);
	loop_run(l);
	CHECK(fired == 1);
	CHECK(loop_now_ns() - t0 >= 29000000);

	periodic_id = loop_timer_add(l, 5, 1, on_periodic, NULL);
	for (int i = 0; i < 20 && periodic < 3; i++) loop_once(l, 50);
	CHECK(periodic == 3);
	loop_once(l, 20);
	CHECK(periodic == 3);   /* deleted: never again */

	loop_signal(l, SIGUSR1, on_sig, NULL);
	raise(SIGUSR1);
	loop_once(l, 100);
	CHECK(sigs == 1);

	close(p[1]);
	loop_once(l, 100);   /* EOF: the callback removes the watch */
	loop_once(l, 10);
	loop_free(l);
	close(p[0]);
	return CHECK_DONE();
}
