/* Unit tests of the timeline's view (src/ui/view.c), with no screen: the
 * window a frame draws, zoom in/out/fit and its bounds, zoom to a span
 * around the cursor, pan clamped at both ends of the run, the cursor
 * stepping by columns and following a zoomed window, the instant shown
 * (live, replay clock, pause, end), the live pause, times typed at the
 * prompt, a replay's clock moved and followed by a zoomed window, and all
 * of it with times near INT64_MAX (what trace files may hold). Every
 * number below is worked out in the comment beside it. Then the tasks:
 * how a lane, the cursor and stats name one (view_task_name) at every
 * width, the lane order and the colour slots. */
#include "ui/view.h"
#include "check.h"

#include <float.h>
#include <locale.h>
#include <math.h>

#define US 1000LL
#define MS 1000000LL

/* A finished run of 100 ms drawn once, 100 columns wide: 1 ms a column. */
static void drawn(view *v, view_shown *s)
{
	view_win w;
	view_init(v);
	*s = (view_shown){ .now = 100 * MS, .growing = 0, .clocked = 0 };
	view_frame(v, s->now, s->growing, 100, -1, &w);
	CHECK(w.v0 == 0 && !w.zoomed && w.cur == -1);
	CHECK(w.scale == 1e6);
}

static void test_frame(void)
{
	view v;
	view_win w;
	view_init(&v);
	CHECK(v.cursor == -1 && v.pause == -1 && v.span == 0 && v.cols == 0);
	/* Growing: the span is a "nice" number above 1.1 x now (3.3 ms -> 4 ms). */
	view_frame(&v, 3 * MS, 1, 100, 2 * MS, &w);
	CHECK(v.fit == 4e6 && v.cols == 100);
	CHECK(w.scale == 4e4 && w.cur == 50);   /* 2 ms / 40 us */
	/* Short runs: at least 10 ms while growing, 1 ms once ended. */
	view_frame(&v, 500 * US, 1, 100, -1, &w);
	CHECK(v.fit == 1e7);
	view_frame(&v, 500 * US, 0, 100, -1, &w);
	CHECK(v.fit == 1e6);
	/* A zoomed window past the end is pulled back inside the run. */
	v.span = 1 * MS;
	v.v0 = 10 * MS;
	view_frame(&v, 3 * MS, 0, 100, 9 * MS, &w);
	CHECK(w.zoomed && w.v0 == 2 * MS && v.v0 == 2 * MS);
	CHECK(w.scale == 1e4);
	CHECK(w.cur == -1);   /* the cursor at 9 ms is outside [2 ms, 3 ms) */
}

static void test_need_frame(void)
{
	view v;
	view_msg m;
	view_init(&v);
	view_shown none = { .now = -1 }, some = { .now = 100 * MS };
	CHECK(view_zoom(&v, &some, 2, &m) == -1);   /* no frame drawn yet */
	CHECK(m.level == VIEW_NOTE);
	CHECK_CONTAINS(m.text, "type run first");
	CHECK(view_pan(&v, &none, 1, &m) == -1);
	CHECK(view_cursor_step(&v, &none, 1, &m) == -1);
	CHECK(view_col_ns(&v, &some) == 0);
	CHECK(v.span == 0 && v.cursor == -1);
}

static void test_zoom(void)
{
	view v;
	view_shown s;
	view_msg m;
	view_win w;
	drawn(&v, &s);
	CHECK(view_col_ns(&v, &s) == 1e6);
	/* In: half of 100 ms around the middle: [25, 75) ms. */
	CHECK(view_zoom(&v, &s, 2, &m) == 0 && m.level == VIEW_QUIET);
	CHECK(v.span == 50 * MS && v.v0 == 25 * MS);
	CHECK(view_col_ns(&v, &s) == 5e5);
	view_frame(&v, s.now, 0, 100, -1, &w);
	CHECK(w.zoomed && w.v0 == 25 * MS && w.scale == 5e5);
	/* In again, still around the middle (50 ms): [37.5, 62.5) ms. */
	CHECK(view_zoom(&v, &s, 2, &m) == 0);
	CHECK(v.span == 25 * MS && v.v0 == 37500 * US);
	/* Out: back to [25, 75) ms, then the whole run, silently. */
	CHECK(view_zoom(&v, &s, 0.5, &m) == 0);
	CHECK(v.span == 50 * MS && v.v0 == 25 * MS);
	CHECK(view_zoom(&v, &s, 0.5, &m) == 0 && m.level == VIEW_QUIET);
	CHECK(v.span == 0 && v.v0 == 0);
	/* Out again: nothing changes, and it says so. */
	CHECK(view_zoom(&v, &s, 0.5, &m) == 0);
	CHECK(m.level == VIEW_NOTE);
	CHECK_CONTAINS(m.text, "whole run is in view already");
	CHECK(v.span == 0);
	/* Fit from anywhere. */
	CHECK(view_zoom(&v, &s, 8, &m) == 0 && v.span == 12500 * US);
	CHECK(view_zoom(&v, &s, 0, &m) == 0 && v.span == 0 && v.v0 == 0);
}

static void test_zoom_bounds(void)
{
	view v;
	view_shown s;
	view_msg m;
	drawn(&v, &s);
	/* 1 us asked for: the closest is 1 us a column, 100 us for 100 columns. */
	CHECK(view_zoom_span(&v, &s, 1 * US, &m) == 0);
	CHECK(v.span == 100 * US);
	CHECK(v.v0 == 50 * MS - 50 * US);   /* still around the middle */
	CHECK(view_zoom_span(&v, &s, 1 * US, &m) == -1);
	CHECK(m.level == VIEW_NOTE);
	CHECK_CONTAINS(m.text, "as close as it goes");
	CHECK(view_zoom(&v, &s, 2, &m) == -1 && v.span == 100 * US);
	/* A span as long as the run (or longer) is the whole run. */
	CHECK(view_zoom_span(&v, &s, 100 * MS, &m) == 0 && v.span == 0);
	CHECK(view_zoom_span(&v, &s, 5000 * MS, &m) == 0 && v.span == 0);
}

static void test_zoom_span_at_cursor(void)
{
	view v;
	view_shown s;
	view_msg m;
	drawn(&v, &s);
	CHECK(view_cursor(&v, &s, 80 * MS, &m) == 0 && v.cursor == 80 * MS);
	/* The cursor keeps its place on the screen: 80 % of 10 ms before it. */
	CHECK(view_zoom_span(&v, &s, 10 * MS, &m) == 0);
	CHECK(v.span == 10 * MS && v.v0 == 72 * MS);
	/* The cursor near the start: the window cannot start before 0. */
	drawn(&v, &s);
	v.cursor = 1 * MS;
	CHECK(view_zoom_span(&v, &s, 50 * MS, &m) == 0);
	CHECK(v.v0 == 500 * US);   /* 1 ms - 1 % of 50 ms */
}

static void test_pan(void)
{
	view v;
	view_shown s;
	view_msg m;
	drawn(&v, &s);
	CHECK(view_pan(&v, &s, 1, &m) == -1);   /* not zoomed */
	CHECK_CONTAINS(m.text, "zoom in first");
	v.span = 10 * MS;
	v.v0 = 72 * MS;
	CHECK(view_pan(&v, &s, 1, &m) == 0 && m.level == VIEW_QUIET);
	CHECK(v.v0 == 74500 * US);   /* a quarter of 10 ms later */
	/* Clamped at the end: the window's end is the run's end. */
	CHECK(view_pan(&v, &s, 40, &m) == 0 && v.v0 == 90 * MS && m.level == VIEW_QUIET);
	CHECK(view_pan(&v, &s, 1, &m) == 0 && v.v0 == 90 * MS);
	CHECK(m.level == VIEW_NOTE);
	CHECK_CONTAINS(m.text, "end of the run");
	/* Clamped at the start. */
	CHECK(view_pan(&v, &s, -1, &m) == 0 && v.v0 == 87500 * US);
	CHECK(view_pan(&v, &s, -40, &m) == 0 && v.v0 == 0 && m.level == VIEW_QUIET);
	CHECK(view_pan(&v, &s, -1, &m) == 0 && v.v0 == 0);
	CHECK_CONTAINS(m.text, "start of the run");
	/* Within 1/64 of the window of the start is the start. */
	v.v0 = 2500 * US + 100 * US;
	CHECK(view_pan(&v, &s, -1, &m) == 0 && v.v0 == 0);
}

static void test_cursor(void)
{
	view v;
	view_shown s;
	view_msg m;
	drawn(&v, &s);
	/* The first step puts it in the middle of column 50, then by columns. */
	CHECK(view_cursor_step(&v, &s, 1, &m) == 0 && v.cursor == 50500 * US);
	CHECK(view_cursor_step(&v, &s, 1, &m) == 0 && v.cursor == 51500 * US);
	CHECK(view_cursor_step(&v, &s, -3, &m) == 0 && v.cursor == 48500 * US);
	/* It stops at both ends of the run. */
	CHECK(view_cursor_step(&v, &s, 100, &m) == 0 && v.cursor == 100 * MS);
	CHECK(view_cursor_step(&v, &s, -1000, &m) == 0 && v.cursor == 0);
	/* Zoomed in, a column is smaller: 10 ms over 100 columns. */
	v.span = 10 * MS;
	v.v0 = 20 * MS;
	v.cursor = 25 * MS;
	CHECK(view_cursor_step(&v, &s, 1, &m) == 0 && v.cursor == 25150 * US);
	/* A cursor outside the zoomed window brings the window to it. */
	CHECK(view_cursor(&v, &s, 50 * MS, &m) == 0);
	CHECK(v.cursor == 50 * MS && v.v0 == 45 * MS);
	/* Past the end: an error; "so far" when the picture stands at a clock. */
	CHECK(view_cursor(&v, &s, 200 * MS, &m) == -1 && v.cursor == 50 * MS);
	CHECK(m.level == VIEW_ERROR);
	CHECK_CONTAINS(m.text, "is past");
	CHECK(!strstr(m.text, "so far"));
	s.clocked = 1;
	CHECK(view_cursor(&v, &s, 200 * MS, &m) == -1);
	CHECK_CONTAINS(m.text, "so far");
	/* Off. */
	CHECK(view_cursor(&v, &s, -1, &m) == 0 && v.cursor == -1 && m.level == VIEW_QUIET);
}

static void test_pause(void)
{
	view v;
	view_msg m;
	view_init(&v);
	view_shown live = { .now = 30 * MS, .growing = 1 }, ended = { .now = 30 * MS }, none = { .now = -1 };
	CHECK(!view_paused(&v));
	CHECK(view_pause(&v, &none, &m) == -1 && !view_paused(&v));
	CHECK_CONTAINS(m.text, "no run is shown");
	CHECK(view_pause(&v, &ended, &m) == -1 && !view_paused(&v));
	CHECK_CONTAINS(m.text, "has ended");
	CHECK(view_pause(&v, &live, &m) == 0 && m.level == VIEW_QUIET);
	CHECK(view_paused(&v) && v.pause == 30 * MS);
	live.now = 45 * MS;
	CHECK(view_pause(&v, &live, &m) == -1 && v.pause == 30 * MS);
	CHECK_CONTAINS(m.text, "Paused already");
	CHECK(view_live(&v) == 1 && !view_paused(&v));
	CHECK(view_live(&v) == 0);
	/* A new trace keeps the pause as it is (the screen resumes it). */
	v.pause = 5 * MS;
	view_reset(&v);
	CHECK(view_paused(&v) && v.cursor == -1 && v.cols == 0);
}

static void test_now(void)
{
	view v;
	int g = -1;
	view_init(&v);
	trace *tr = trace_new("now", 0);
	int k = trace_task_add(tr, 10, 10, 1, 0, "w0");
	trace_slice_add(tr, k, 0, 40 * MS, TS_RUNNING, 0);
	CHECK(trace_last(tr) == 40 * MS);
	/* Live: the wall clock, never before what was recorded. */
	CHECK(view_now(&v, tr, -1, 60 * MS, &g) == 60 * MS && g == 1);
	CHECK(view_now(&v, tr, -1, 30 * MS, &g) == 40 * MS);
	/* A replay's clock, up to the last record. */
	CHECK(view_now(&v, tr, 10 * MS, 60 * MS, &g) == 10 * MS && g == 1);
	CHECK(view_now(&v, tr, 50 * MS, 60 * MS, &g) == 40 * MS && g == 0);
	/* Paused: the instant of the pause while the run goes on. */
	v.pause = 20 * MS;
	CHECK(view_now(&v, tr, -1, 60 * MS, &g) == 20 * MS && g == 1);
	trace_finish(tr, 80 * MS, "finished");
	CHECK(view_now(&v, tr, -1, 90 * MS, &g) == 20 * MS && g == 1);   /* the end is still to come */
	v.pause = 90 * MS;
	CHECK(view_now(&v, tr, -1, 90 * MS, &g) == 80 * MS && g == 0);
	/* Ended and live: the end. */
	v.pause = -1;
	CHECK(view_now(&v, tr, -1, 500 * MS, &g) == 80 * MS && g == 0);
	CHECK(view_now(&v, tr, -1, 500 * MS, NULL) == 80 * MS);
	trace_free(tr);
}

/* Trace files take times up to INT64_MAX: nothing overflows, and out
 * never turns into in (a span cast past INT64_MAX came back negative and
 * zoomed to 1us a column). Run under -DPARLAB_UBSAN=ON to see the UB. */
static void test_huge_times(void)
{
	static const int64_t big[] = { INT64_MAX / 2, INT64_MAX - 1, INT64_MAX };
	for (size_t i = 0; i < sizeof big / sizeof *big; i++) {
		view v;
		view_msg m;
		view_win w;
		view_shown s = { .now = big[i] };
		view_init(&v);
		view_frame(&v, s.now, 0, 100, -1, &w);
		/* Out from the whole run: still the whole run, and it says so. */
		CHECK(view_zoom(&v, &s, 0.5, &m) == 0 && v.span == 0 && m.level == VIEW_NOTE);
		/* In, then out: the whole run again, never closer. */
		CHECK(view_zoom(&v, &s, 2, &m) == 0 && v.span > s.now / 4 && v.span < s.now);
		CHECK(view_zoom(&v, &s, 0.5, &m) == 0 && v.span == 0 && v.v0 == 0 && m.level == VIEW_QUIET);
		/* A factor that makes the span past any int64 is the whole run too. */
		CHECK(view_zoom(&v, &s, 8, &m) == 0 && v.span > 0);
		CHECK(view_zoom(&v, &s, DBL_MIN, &m) == 0 && v.span == 0);
		/* Pan far: clamped at the ends, no overflow on the way. */
		CHECK(view_zoom(&v, &s, 4, &m) == 0 && v.span > 0);
		CHECK(view_pan(&v, &s, 40, &m) == 0 && v.v0 == s.now - v.span);
		CHECK(view_pan(&v, &s, -40, &m) == 0 && v.v0 == 0);
		/* The cursor at the very end steps no further. */
		CHECK(view_zoom(&v, &s, 0, &m) == 0);
		CHECK(view_cursor(&v, &s, s.now, &m) == 0 && v.cursor == s.now);
		CHECK(view_cursor_step(&v, &s, 1, &m) == 0 && v.cursor == s.now);
		CHECK(view_cursor_step(&v, &s, 1000, &m) == 0 && v.cursor == s.now);
		CHECK(view_cursor_step(&v, &s, -1000, &m) == 0 && v.cursor == 0);
	}
}

/* A zoomed window follows the replay's clock: when the clock leaves it,
 * the window starts a tenth of its span before the clock. */
static void test_follow(void)
{
	view v;
	view_init(&v);
	v.v0 = 7 * MS;
	view_follow(&v, 90 * MS);   /* not zoomed: the whole run, nothing moves */
	CHECK(v.v0 == 7 * MS && v.span == 0);
	v.span = 10 * MS;
	v.v0 = 20 * MS;
	view_follow(&v, 25 * MS);   /* inside [20, 30] ms: stays */
	CHECK(v.v0 == 20 * MS);
	view_follow(&v, 20 * MS);
	CHECK(v.v0 == 20 * MS);
	view_follow(&v, 30 * MS);   /* the window's end still shows it */
	CHECK(v.v0 == 20 * MS);
	view_follow(&v, 31 * MS);   /* past: 31 ms - 1 ms */
	CHECK(v.v0 == 30 * MS && v.span == 10 * MS);
	view_follow(&v, 5 * MS);    /* before: 5 ms - 1 ms */
	CHECK(v.v0 == 4 * MS);
	view_follow(&v, 500 * US);  /* never before 0 */
	CHECK(v.v0 == 0);
	/* Near INT64_MAX: v0 + span is past any int64, and nothing overflows. */
	v.span = INT64_MAX / 2;
	v.v0 = INT64_MAX - INT64_MAX / 20;
	view_follow(&v, INT64_MAX);
	CHECK(v.v0 == INT64_MAX - INT64_MAX / 20);
	view_follow(&v, 0);
	CHECK(v.v0 == 0);
	view_follow(&v, INT64_MAX);
	CHECK(v.v0 == INT64_MAX - INT64_MAX / 20);
}

/* A replay's clock moved by any amount stays in [0, end], exactly. */
static void test_clock_add(void)
{
	CHECK(view_clock_add(10 * MS, 5 * MS, 100 * MS) == 15 * MS);
	CHECK(view_clock_add(10 * MS, -5 * MS, 100 * MS) == 5 * MS);
	CHECK(view_clock_add(10 * MS, 2.5e6 + 0.9, 100 * MS) == 12500 * US);   /* whole ns, as before */
	CHECK(view_clock_add(10 * MS, -20 * MS, 100 * MS) == 0);
	CHECK(view_clock_add(10 * MS, 200 * MS, 100 * MS) == 100 * MS);
	CHECK(view_clock_add(0, 0, 0) == 0);
	/* Near INT64_MAX: up to the end, never past it, never wrapped. */
	CHECK(view_clock_add(INT64_MAX - 10, 1e18, INT64_MAX) == INT64_MAX);
	CHECK(view_clock_add(INT64_MAX - 10, 5, INT64_MAX) == INT64_MAX - 5);
	CHECK(view_clock_add(INT64_MAX - 10, 1e18, INT64_MAX - 3) == INT64_MAX - 3);
	CHECK(view_clock_add(INT64_MAX, 1e300, INT64_MAX) == INT64_MAX);
	CHECK(view_clock_add(INT64_MAX, -1e300, INT64_MAX) == 0);
	CHECK(view_clock_add(INT64_MAX, -1e18, INT64_MAX) == INT64_MAX - 1000000000000000000LL);
	CHECK(view_clock_add(5, INFINITY, INT64_MAX) == INT64_MAX);
	CHECK(view_clock_add(5, NAN, INT64_MAX) == 5);
}

static void test_parse(void)
{
	int64_t ns = -1;
	CHECK(view_parse_ns("12.5ms", &ns) == 0 && ns == 12500 * US);
	CHECK(view_parse_ns("300us", &ns) == 0 && ns == 300 * US);
	CHECK(view_parse_ns("1.2s", &ns) == 0 && ns == 1200 * MS);
	CHECK(view_parse_ns("12.5", &ns) == 0 && ns == 12500 * US);   /* bare: ms */
	CHECK(view_parse_ns("7ns", &ns) == 0 && ns == 7);
	CHECK(view_parse_ns("2 MS", &ns) == 0 && ns == 2 * MS);
	CHECK(view_parse_ns("5µs", &ns) == 0 && ns == 5 * US);
	CHECK(view_parse_ns("0", &ns) == 0 && ns == 0);
	ns = 42;
	CHECK(view_parse_ns("", &ns) == -1);
	CHECK(view_parse_ns("ms", &ns) == -1);
	CHECK(view_parse_ns("12x", &ns) == -1);
	CHECK(view_parse_ns("-1ms", &ns) == -1);
	CHECK(view_parse_ns("nan", &ns) == -1);
	CHECK(view_parse_ns("1e30s", &ns) == -1);
	CHECK(ns == 42);   /* untouched on failure */
}

/* A trace task as the capture leaves it. */
static trace_task task(pid_t pid, pid_t tid, int worker, const char *label, const char *comm)
{
	trace_task k = { .pid = pid, .tid = tid, .ppid = 1, .worker = worker, .is_thread = pid != tid };
	snprintf(k.label, sizeof k.label, "%s", label);
	snprintf(k.comm, sizeof k.comm, "%s", comm);
	return k;
}

/* view_task_name at width w, with "~" for the ellipsis; *used: columns. */
static const char *named(const trace_task *k, int w, int flags, int *used)
{
	static char buf[64];
	int u = view_task_name(k, w, flags, "~", buf, sizeof buf);
	if (used) *used = u;
	return buf;
}

static void test_names(void)
{
	int used;
	/* A command's process: the kernel's name (comm), then its pid. */
	trace_task py = task(20719, 20719, 0, "python3", "python3");
	CHECK_STR(named(&py, 40, 0, &used), "python3 20719");
	CHECK(used == 13);
	CHECK_STR(named(&py, 13, 0, NULL), "python3 20719");
	/* Too narrow: the name is cut, the pid stays (12 = 6 + "~" + " 20719"). */
	CHECK_STR(named(&py, 12, 0, &used), "pytho~ 20719");
	CHECK(used == 12);
	CHECK_STR(named(&py, 8, 0, NULL), "p~ 20719");
	/* Narrower than one character, "~" and the pid: the name alone. */
	CHECK_STR(named(&py, 7, 0, NULL), "python3");
	CHECK_STR(named(&py, 6, 0, NULL), "pytho~");
	CHECK_STR(named(&py, 1, 0, NULL), "p");
	CHECK_STR(named(&py, 0, 0, &used), "");
	CHECK(used == 0);
	/* Siblings told apart by a numbered end (Python's pool threads and
	 * processes): cut in the middle, the end kept; a name without one
	 * ("python3") is cut at its end as before. */
	trace_task tp = task(20719, 20721, 0, "python3", "python3");
	tp.is_thread = 1;
	snprintf(tp.pyname, sizeof tp.pyname, "ThreadPoolExecutor-0_1");
	CHECK_STR(named(&tp, 40, 0, NULL), "ThreadPoolExecutor-0_1 20721");
	CHECK_STR(named(&tp, 12, VIEW_NAME_INDENT, &used), " Thread~-0_1");
	CHECK(used == 12);
	trace_task pr = task(20730, 20730, 0, "python3", "python3");
	snprintf(pr.pyname, sizeof pr.pyname, "Process-12");
	CHECK_STR(named(&pr, 14, 0, NULL), "Proc~-12 20730");
	/* A command that exec'd another program ("sh -c 'exec python3 ...'"):
	 * the label is argv[0]'s, the comm the kernel's, which wins. */
	trace_task sh = task(300, 300, 0, "sh", "python3");
	CHECK_STR(named(&sh, 40, 0, NULL), "python3 300");
	CHECK_STR(trace_task_name(&sh), "python3");
	/* A process the capture has no comm for (an old trace): its label. */
	trace_task old = task(301, 301, -1, "P301", "");
	CHECK_STR(named(&old, 40, 0, NULL), "P301 301");
	/* A lesson's worker keeps the lesson's name; renamed by
	 * prctl(PR_SET_NAME), it shows the new name too, while there is room. */
	trace_task w0 = task(512, 512, 0, "w0", "w0");
	CHECK_STR(named(&w0, 40, 0, NULL), "w0 512");
	trace_task w1 = task(513, 513, 1, "w1", "crunch");
	CHECK_STR(named(&w1, 40, 0, NULL), "w1 crunch 513");
	CHECK_STR(named(&w1, 12, 0, NULL), "w1 513");   /* the comm goes first */
	CHECK_STR(trace_task_name(&w1), "w1");
	/* A thread: indented under its process, with its tid where it fits;
	 * then without it, then cut. */
	trace_task th = task(512, 530, -1, "w0", "w0");
	CHECK_STR(named(&th, 40, VIEW_NAME_INDENT, &used), " w0 530");
	CHECK(used == 7);
	CHECK_STR(named(&th, 40, 0, NULL), "w0 530");
	CHECK_STR(named(&th, 6, VIEW_NAME_INDENT, NULL), " w0");
	trace_task pyth = task(20719, 20725, -1, "python3", "python3");
	CHECK_STR(named(&pyth, 8, VIEW_NAME_INDENT, NULL), " python3");
	CHECK_STR(named(&pyth, 6, VIEW_NAME_INDENT, NULL), " pyth~");
	/* A process's main thread is no thread: never indented. */
	CHECK_STR(named(&w0, 40, VIEW_NAME_INDENT, NULL), "w0 512");
	/* The runner: "parlab", its pid, what it does where asked and there
	 * is room. */
	trace_task run = task(400, 400, -1, "parlab-runner", "parlab-runner");
	CHECK(trace_task_is_runner(&run) && !trace_task_is_runner(&w0) && !trace_task_is_runner(&py));
	CHECK_STR(named(&run, 40, 0, NULL), "parlab 400");
	CHECK_STR(named(&run, 40, VIEW_NAME_ROLE, NULL), "parlab 400 (starts the workers)");
	CHECK_STR(named(&run, 30, VIEW_NAME_ROLE, NULL), "parlab 400");
	CHECK_STR(trace_task_name(&run), "parlab");
	/* A worker labelled parlab-runner by a lesson is a worker. */
	trace_task fake = task(401, 401, 2, "parlab-runner", "x");
	CHECK(!trace_task_is_runner(&fake));
	/* Wide characters in a comm are measured in columns, not bytes: each
	 * of 名前 is 2 columns; 4 columns leave "名" and "~" beside " 77". */
	CHECK(setlocale(LC_CTYPE, "C.UTF-8") || setlocale(LC_CTYPE, "C.utf8") || setlocale(LC_CTYPE, "en_US.UTF-8"));
	trace_task wide = task(77, 77, -1, "P77", "名前名前");
	CHECK_STR(named(&wide, 40, 0, &used), "名前名前 77");
	CHECK(used == 11);
	CHECK_STR(named(&wide, 7, 0, &used), "名~ 77");
	CHECK(used == 6);
	/* Whatever the width, never wider than asked. */
	for (int w = 0; w < 40; w++) {
		named(&wide, w, VIEW_NAME_INDENT, &used);
		CHECK(used <= w);
		named(&run, w, VIEW_NAME_ROLE, &used);
		CHECK(used <= w);
		named(&th, w, VIEW_NAME_INDENT, &used);
		CHECK(used <= w);
	}
}

/* The runner, two workers (w1 started first), a thread of w0 and a child
 * process of w0 that appears last. */
static trace *family(void)
{
	trace *tr = trace_new("family", 0);
	trace_task_add(tr, 100, 100, 1, -1, "parlab-runner");   /* 0 */
	trace_task_add(tr, 102, 102, 100, 1, "w1");             /* 1 */
	trace_task_add(tr, 101, 101, 100, 0, "w0");             /* 2 */
	trace_task_add(tr, 101, 103, 100, -1, "w0");            /* 3: w0's thread */
	trace_task_add(tr, 104, 104, 101, -1, "sh");            /* 4: w0's child */
	trace_task_add(tr, 101, 105, 100, -1, "w0");            /* 5: w0's second thread */
	return tr;
}

static void test_lanes(void)
{
	trace *tr = family();
	int *o = view_lane_order(tr);
	/* w0, its threads, its child; w1; the runner last. */
	int want[] = { 2, 3, 5, 4, 1, 0 };
	for (int i = 0; i < 6; i++) CHECK(o[i] == want[i]);
	free(o);
	/* Colour slots by order of appearance, the runner left out: each of
	 * the five others its own, whatever their lane order. */
	CHECK(view_task_slot(tr, 0) == -1);
	for (int i = 1; i < 6; i++) CHECK(view_task_slot(tr, i) == i - 1);
	/* A task added later takes the next slot; none of the others move. */
	trace_task_add(tr, 106, 106, 101, -1, "cat");
	CHECK(view_task_slot(tr, 6) == 5 && view_task_slot(tr, 2) == 1);
	trace_free(tr);
	/* Workers that are threads of the runner (run{ threads = N }): the
	 * runner's lane first, its worker threads under it by id, then its
	 * other threads. */
	tr = trace_new("threads", 0);
	trace_task_add(tr, 200, 200, 1, -1, "parlab-runner");   /* 0 */
	trace_task_add(tr, 200, 202, 1, 1, "w1");               /* 1 */
	trace_task_add(tr, 200, 201, 1, 0, "w0");               /* 2 */
	trace_task_add(tr, 200, 203, 1, -1, "parlab-runner");   /* 3: another thread */
	trace_task_add(tr, 300, 300, 1, -1, "bash");            /* 4: not ours */
	o = view_lane_order(tr);
	int want2[] = { 0, 2, 1, 3, 4 };
	for (int i = 0; i < 5; i++) CHECK(o[i] == want2[i]);
	free(o);
	trace_free(tr);
}

/* The lane order as view.c computed it before it was made O(n log n)
 * (quadratic: every task's parent and children found by a scan), kept here
 * as the reference the fast one must agree with. */
static int ref_parent_of(const trace *tr, int i)
{
	const trace_task *k = trace_task_at(tr, i);
	pid_t want = k->is_thread ? k->pid : k->ppid;
	if (want <= 0 || want == k->tid) return -1;
	for (int j = 0; j < trace_ntasks(tr); j++)
		if (j != i && trace_task_at(tr, j)->tid == want) return j;
	return -1;
}

static void ref_tree_add(const trace *tr, int i, const int *par, char *seen, int *o, int *n)
{
	seen[i] = 1;
	o[(*n)++] = i;
	for (int threads = 1; threads >= 0; threads--)
		for (int j = 0; j < trace_ntasks(tr); j++)
			if (!seen[j] && par[j] == i && trace_task_at(tr, j)->is_thread == threads)
				ref_tree_add(tr, j, par, seen, o, n);
}

static int *ref_lane_order(const trace *tr)
{
	int n = trace_ntasks(tr), k = 0;
	int *o = calloc((size_t)n + 1, sizeof(int)), *par = calloc((size_t)n + 1, sizeof(int));
	char *seen = calloc((size_t)n + 1, 1), *holds = calloc((size_t)n + 1, 1);
	for (int i = 0; i < n; i++) par[i] = ref_parent_of(tr, i);
	for (int w = 0; k < n; w++) {
		int found = 0;
		for (int i = 0; i < n; i++) {
			int wi = trace_task_at(tr, i)->worker, p = par[i];
			if (wi > w) found = 1;
			if (wi != w || seen[i]) continue;
			if (trace_task_at(tr, i)->is_thread && p >= 0 && !seen[p] && trace_task_at(tr, p)->worker < 0) {
				seen[p] = holds[p] = 1;
				o[k++] = p;
			}
			ref_tree_add(tr, i, par, seen, o, &k);
		}
		if (!found) break;
	}
	for (int p = 0; p < n; p++)
		for (int threads = 1; holds[p] && threads >= 0; threads--)
			for (int j = 0; j < n; j++)
				if (!seen[j] && par[j] == p && trace_task_at(tr, j)->is_thread == threads)
					ref_tree_add(tr, j, par, seen, o, &k);
	for (int i = 0; i < n; i++)
		if (!seen[i] && par[i] < 0) ref_tree_add(tr, i, par, seen, o, &k);
	for (int i = 0; i < n; i++)
		if (!seen[i]) { seen[i] = 1; o[k++] = i; }
	free(par);
	free(seen);
	free(holds);
	return o;
}

/* Random families (recycled tids, parents added after their children,
 * cycles, workers with gaps and twice the same id, threads of workers and
 * of others): the lane order is the reference's, a permutation. */
static void test_lanes_random(void)
{
	unsigned seed = 12345;
	int diffs = 0;
	for (int round = 0; round < 400; round++) {
		trace *tr = trace_new("random", 0);
		int n = (int)(rand_r(&seed) % (round < 300 ? 40 : 600)), span = 2 + n / 2;
		for (int i = 0; i < n; i++) {
			pid_t pid = 100 + (pid_t)(rand_r(&seed) % (unsigned)span);
			pid_t tid = rand_r(&seed) % 3 ? pid : 100 + (pid_t)(rand_r(&seed) % (unsigned)span);
			pid_t ppid = rand_r(&seed) % 8 ? 100 + (pid_t)(rand_r(&seed) % (unsigned)span) : (pid_t)(rand_r(&seed) % 2);
			int worker = rand_r(&seed) % 2 ? -1 : (int)(rand_r(&seed) % (unsigned)(2 + n / 3));
			trace_task_add(tr, pid, tid, ppid, worker, "t");
		}
		int *o = view_lane_order(tr), *r = ref_lane_order(tr);
		char *hit = calloc((size_t)n + 1, 1);
		for (int i = 0; i < n; i++) {
			diffs += o[i] != r[i];
			if (o[i] >= 0 && o[i] < n) hit[o[i]]++;
		}
		for (int i = 0; i < n; i++) CHECK(hit[i] == 1);
		free(hit);
		free(o);
		free(r);
		trace_free(tr);
	}
	CHECK(diffs == 0);
}

int main(void)
{
	test_names();
	test_lanes();
	test_lanes_random();
	test_frame();
	test_need_frame();
	test_zoom();
	test_zoom_bounds();
	test_zoom_span_at_cursor();
	test_pan();
	test_cursor();
	test_pause();
	test_now();
	test_huge_times();
	test_clock_add();
	test_follow();
	test_parse();
	return CHECK_DONE();
}
