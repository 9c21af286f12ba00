/* view: the timeline's time window (zoom, pan, cursor) and the live
 * pause, as arithmetic on a small struct. No curses: the calls return
 * what to say to the student instead of saying it. */
#ifndef PARLAB_VIEW_H
#define PARLAB_VIEW_H
#include "trace/trace.h"
#include <stdint.h>

typedef struct view {
	int64_t v0, span;   /* zoomed in: the window [v0, v0 + span); span 0: the whole run */
	int64_t cursor;     /* the instant the lanes' status column shows, -1 none */
	int64_t pause;      /* the live picture stands at this instant, -1: live */
	double fit;         /* the last frame's whole-run span (ns) and lane */
	int cols;           /* columns, 0 before the first: steps go by columns */
} view;

/* What the trace panes show at this moment (the caller knows: view_now). */
typedef struct {
	int64_t now;        /* the instant shown; -1: no trace on screen */
	int growing;        /* more of the run is still to come */
	int clocked;        /* the picture stands at a clock (a replay's or a pause) */
} view_shown;

/* What a call has to say: nothing, a note, or an error. */
enum { VIEW_QUIET, VIEW_NOTE, VIEW_ERROR };
typedef struct {
	int level;
	char text[160];
} view_msg;

/* One frame's window: the instant at the lanes' left edge, ns a column,
 * the cursor's column (-1 none or outside), whether it is part of the run. */
typedef struct {
	int64_t v0;
	double scale;
	int cur;
	int zoomed;
} view_win;

/* Live, the whole run, no cursor. */
void view_init(view *v);
/* A new trace (or none): the whole of it, no cursor (a pause stays). */
void view_reset(view *v);

/* The instant the trace panes show: the pause, else a replay's clock
 * (clock >= 0, up to the end), else the live now (wall: loop_now_ns())
 * or the end. *growing (may be NULL): more is still to come. */
int64_t view_now(const view *v, const trace *tr, int64_t clock, int64_t wall, int *growing);

/* The window of a frame cols wide showing up to now (growing: the span
 * grows in steps, so lanes stretch rather than crawl); at: the cursor's
 * instant, or -1. Keeps a zoomed window inside the run and remembers the
 * frame for the calls that move by columns. */
void view_frame(view *v, int64_t now, int growing, int cols, int64_t at, view_win *w);
/* The time one column stands for (ns), 0 before the first frame. */
double view_col_ns(const view *v, const view_shown *s);

/* zoom: factor > 1 in, < 1 out, 0 fit; around the cursor, else the
 * middle. zoom_span: a window span ns wide (at least 1us a column). pan:
 * a quarter of the window per step (negative: earlier). cursor: at an
 * instant (-1: off); cursor_step: by columns, starting in the middle.
 * Each returns 0, or -1 when nothing could move; m says why (or notes
 * that nothing changed). */
int view_zoom(view *v, const view_shown *s, double factor, view_msg *m);
int view_zoom_span(view *v, const view_shown *s, int64_t span, view_msg *m);
int view_pan(view *v, const view_shown *s, int quarters, view_msg *m);
int view_cursor(view *v, const view_shown *s, int64_t at, view_msg *m);
int view_cursor_step(view *v, const view_shown *s, int cols, view_msg *m);

/* The live pause: the picture stays at the instant of the pause while
 * the run goes on underneath. view_pause returns 0, or -1 with m saying
 * why nothing stopped; view_live returns 1 when it was paused. */
int view_paused(const view *v);
int view_pause(view *v, const view_shown *s, view_msg *m);
int view_live(view *v);

/* Zoomed in, the window follows a replay's clock at: when the clock has
 * left it, the window starts a tenth of its span before the clock (or at
 * 0). Not zoomed, the whole run shows the clock anyway: nothing moves. */
void view_follow(view *v, int64_t at);
/* A replay's clock moved by d ns (negative: back; elapsed time times the
 * speed, or a step), truncated to whole ns and kept inside [0, end]:
 * saturating, so no d overflows however late the clock stands. */
int64_t view_clock_add(int64_t clock, double d, int64_t end);

/* "12.5ms", "300us", "1.2s", "12.5" (ms): 0 and *ns, else -1. */
int view_parse_ns(const char *s, int64_t *ns);

/* ---- the tasks: their names and the order of their lanes (no curses) ---- */

/* Task indices in lane order: each worker by id with what it started under
 * it (threads under their process, children under their parent; workers
 * that are threads under their process, e.g. the runner), then the rest
 * (the runner and its helpers) as a tree (caller frees). */
int *view_lane_order(const trace *tr);

/* Task i's colour slot: its place among the run's tasks in order of
 * appearance (the trace's order, which never changes as a run grows), the
 * runner left out: 0, 1, 2 ... for the others, -1 for the runner. */
int view_task_slot(const trace *tr, int i);

/* Whether parlab killed task k when it stopped the run (a timeout, a stop,
 * a crash of another worker): it died by SIGKILL, or is a thread with no
 * status of its own, in a run that ended that way. */
int view_task_killed(const trace *tr, const trace_task *k);

enum {
	VIEW_NAME_INDENT = 1,   /* a thread is indented one column under its process */
	VIEW_NAME_ROLE = 2,     /* the runner says what it does: "parlab 812 (starts the workers)" */
};
/* A task's name in at most width columns, into buf: its base name and its
 * pid ("python3 20719", "w0 20719"; a lesson's worker that renamed itself
 * "w0 myname 20719"); a thread its tid only where there is room. What is
 * too long loses, in order: the runner's role, a renamed worker's comm, a
 * thread's tid, then the end of the name (cut with ell, e.g. "…") but a
 * process's pid stays while the name keeps a character. Returns the
 * columns used. */
int view_task_name(const trace_task *k, int width, int flags, const char *ell, char *buf, size_t cap);

#endif
