/*
 * tui_reload.c: a lesson edited while the screen shows it is loaded again
 * (engine_reload): when a lesson file of the course is saved (inotify on
 * its folder, in the screen's one loop: editors that save by writing a
 * new file and renaming it over the old one are seen too), or by the
 * reload command. A lesson that no longer loads leaves the one on screen
 * as it was, and the status line says the error at its file:line. While a
 * run is live the reload waits for its end.
 */
#include "engine/trust.h"
#include "ui/tui_int.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

/* After a save, wait this long for more (an editor writes a file in a few
 * steps; a backup, then the file): one reload for one save. */
#define SETTLE_MS 150

static struct {
	char *path;       /* the course folder or lesson file, as opened */
	char *name;       /* a lesson file's name in its folder, or NULL (a folder: every .lua) */
	int fd, wd;       /* inotify, -1 none */
	long timer;       /* the settle timer, 0 none */
	int pending;      /* a reload waits for the run's end */
} w = { NULL, NULL, -1, -1, 0, 0 };

void tui_set_source(const char *path)
{
	free(w.path);
	w.path = path ? xstrdup(path) : NULL;
}

static void drop_runs(tui *t)
{
	for (size_t i = 0; i < t->nruns; i++) free(t->runs[i].outcome);
	t->nruns = 0;
}

static struct { int all; char *state; } trust;

void tui_set_trust(int all, const char *state)
{
	trust.all = all;
	free(trust.state);
	trust.state = state ? xstrdup(state) : NULL;
}

void tui_reload(tui *t, int asked)
{
	if (!t->e || !w.path) {
		if (asked) tui_msg(t, R_ERR, "Nothing to reload here.");
		return;
	}
	if (engine_running(t->e)) {
		w.pending = 1;
		tui_msg(t, R_DIM, "The lesson changed: it is reloaded when the run ends.");
		return;
	}
	w.pending = 0;
	char *err = NULL;
	course *c = course_load(w.path, &err);
	if (!c) {
		/* course_load's message starts with file:line */
		tui_msg(t, R_ERR, "Not reloaded (the lesson as it was stays): %s", err ? err : "it does not load");
		free(err);
		return;
	}
	trust_need need;
	if (!trust.all && trust_check(c, trust.state, &need)) {   /* new content that runs programs */
		tui_msg(t, R_ERR, "Not reloaded: the course changed and it runs programs (%s); open it again to be asked, "
			"or start parlab with --trust", need.commands[0]);
		trust_need_free(&need);
		course_free(c);
		return;
	}
	if (engine_reload(t->e, c) < 0) {
		course_free(c);
		tui_msg(t, R_ERR, "Not reloaded: a run is live.");
		return;
	}
	drop_runs(t);
	t->tr = NULL;   /* the trace went with the old course's run */
	t->tr_step = NULL;
	view_reset(&t->view);
	t->out_anchor = -1;
	t->lane_top = 0;
	if (t->menu_sel >= course_nlessons(c)) t->menu_sel = course_nlessons(c) - 1;
	tui_moved(t);
	t->dirty |= D_ALL;
	tui_msg(t, R_OK, "Reloaded %s: lesson %d, step %d.", w.name ? w.name : "the course",
		engine_lesson_index(t->e) + 1, engine_step_index(t->e) + 1);
}

void tui_reload_after_run(tui *t)
{
	if (w.pending) tui_reload(t, 0);
}

static void on_settled(loop *l, long id, void *arg)
{
	(void)l;
	(void)id;
	w.timer = 0;
	tui *t = arg;
	if (!t->open) return;
	tui_reload(t, 0);
	tui_render(t);
}

/* Whether an event's file name is a lesson file of the course. */
static int ours(const char *name)
{
	if (w.name) return !strcmp(name, w.name);
	size_t n = strlen(name);
	return n > 4 && !strcmp(name + n - 4, ".lua") && name[0] != '.';
}

static void on_inotify(loop *l, int fd, int events, void *arg)
{
	(void)events;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	int hit = 0;
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			if (ev->len && ours(ev->name)) hit = 1;
			p += sizeof *ev + ev->len;
		}
	}
	if (!hit) return;
	if (w.timer) loop_timer_del(l, w.timer);
	w.timer = loop_timer_add(l, SETTLE_MS, 0, on_settled, arg);
}

void tui_watch_start(tui *t)
{
	if (!t->e || !w.path || w.fd >= 0) return;
	struct stat st;
	if (stat(w.path, &st) != 0) return;
	char *dir;
	if (S_ISDIR(st.st_mode)) {
		dir = xstrdup(w.path);
	} else {
		const char *slash = strrchr(w.path, '/');
		dir = slash ? xstrndup(w.path, (size_t)(slash - w.path) + 1) : xstrdup(".");
		w.name = xstrdup(slash ? slash + 1 : w.path);
	}
	w.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w.fd >= 0) w.wd = inotify_add_watch(w.fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE);
	if (w.fd >= 0 && w.wd < 0) { close(w.fd); w.fd = -1; }   /* no watch: the reload command still works */
	if (w.fd >= 0) loop_fd_add(t->l, w.fd, LOOP_READ, on_inotify, t);
	free(dir);
}

void tui_watch_stop(tui *t)
{
	if (w.timer) loop_timer_del(t->l, w.timer);
	w.timer = 0;
	if (w.fd >= 0) {
		loop_fd_del(t->l, w.fd);
		close(w.fd);
	}
	w.fd = w.wd = -1;
	free(w.name);
	w.name = NULL;
	w.pending = 0;
}
