/*
 * engine_sched.c: a stepped run, the student as its scheduler (engine.h,
 * "a stepped run"; the gate is a sched_gate.h: coord_step.h's for Lua
 * workers, pystep.h's for a Python program). The screen's side only: it
 * lets workers go and reads where they are; it never runs their work.
 *
 * Each step is also a mark on the worker's lane in the trace ("#3 read
 * counter (now 0)"), so a replay, an export and the stats see the
 * schedule as the live view did.
 *
 * Undo, restart, a loaded schedule and the search all work the same way:
 * workers are deterministic given the schedule (the blocks are the only
 * interleaving points), so an earlier state is reached again by running
 * from the start with a plan, the schedule to replay. The plan outlives
 * the run it stops: the next run of the step takes it.
 */
#include "engine/engine_int.h"
#include "engine/coord_step.h"
#include "engine/lua_api.h"
#include "engine/sched_gate.h"
#include "util/fs.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOPS (SP_MARK + 1)
#define SEARCH_MAX_WORKERS 64   /* a step's choices are a 64-bit mask */
#define AHEAD_MAX 8             /* steps asked for before the workers were ready */

/* ---- coord_step's gate as a sched_gate ---------------------------------------------- */

/* Each action's verb, as a goal function reads it (s.workers[i].did.lock). */
static const char *const op_verb[NOPS] = {
	[SP_GET] = "get", [SP_SET] = "set", [SP_ADD] = "add", [SP_READ] = "read", [SP_WRITE] = "write",
	[SP_LOCK] = "lock", [SP_TRY] = "try", [SP_UNLOCK] = "unlock", [SP_ACQUIRE] = "acquire",
	[SP_RELEASE] = "release", [SP_ARRIVE] = "arrive", [SP_PASS] = "pass", [SP_WAIT] = "wait",
	[SP_WAKE] = "wake", [SP_NOTIFY] = "notify", [SP_NOTIFY_ALL] = "notify_all", [SP_PUT] = "put",
	[SP_TAKE] = "take", [SP_PRINT] = "print", [SP_MARK] = "mark",
};

/* The adapter's gate: coord_step knows its workers, but does not say. */
struct cs_gate { coord_step *s; int n; };
#define CS(g) (((struct cs_gate *)(g))->s)

static int cs_nworkers(void *g) { return ((struct cs_gate *)g)->n; }
static int cs_fd(void *g) { return coord_step_fd(CS(g)); }
static void cs_drain(void *g) { coord_step_drain(CS(g)); }
static int cs_settled(void *g) { return coord_step_settled(CS(g)); }
static int cs_enabled(void *g, int w, char *why, size_t cap) { return coord_step_enabled(CS(g), w, why, cap); }
static void cs_describe(void *g, int w, char *buf, size_t cap) { coord_step_describe(CS(g), w, buf, cap); }
static void cs_go(void *g, int w) { coord_step_go(CS(g), w); }
static void cs_free(void *g) { coord_step_free(CS(g)); free(g); }
static int cs_tid(void *g, int w) { return coord_step_tid(CS(g), w); }

static sg_state cs_state(void *g, int w, int *verb)
{
	sp_action a;
	sp_state st = coord_step_state(CS(g), w, &a);
	if (st == SP_AT && verb) *verb = (int)a.op;
	return st == SP_AT ? SG_AT : st == SP_DONE ? SG_DONE : SG_RUNNING;
}

static int cs_stuck(void *g, const unsigned char *ended, int n, char *why, size_t cap)
{
	for (int w = 0; w < n; w++)
		if (ended[w]) coord_step_end(CS(g), w);   /* a worker that crashed says nothing itself */
	return coord_step_stuck(CS(g), why, cap);
}

static const sched_gate_ops coord_ops = {
	cs_nworkers, cs_fd, cs_drain, cs_settled, cs_state, cs_enabled, cs_describe, cs_go, cs_stuck, cs_free, cs_tid,
	op_verb, NOPS,
};

sched_gate *sched_gate_coord(coord_step *s, int nworkers)
{
	if (!s) return NULL;
	struct cs_gate *cg = xmalloc(sizeof *cg);
	*cg = (struct cs_gate){ s, nworkers };
	sched_gate *g = xmalloc(sizeof *g);
	g->ops = &coord_ops;
	g->impl = cg;
	return g;
}

void sched_gate_free(sched_gate *g)
{
	if (!g) return;
	g->ops->free(g->impl);
	free(g);
}

/* The gate's operations, shorter. */
#define G_N(g) ((g)->ops->nworkers((g)->impl))
#define G_SETTLED(g) ((g)->ops->settled((g)->impl))
#define G_STATE(g, w, v) ((g)->ops->state((g)->impl, (w), (v)))
#define G_ENABLED(g, w, why, cap) ((g)->ops->enabled((g)->impl, (w), (why), (cap)))
#define G_DESCRIBE(g, w, buf, cap) ((g)->ops->describe((g)->impl, (w), (buf), (cap)))

struct esched {
	sched_gate *gate;             /* the live (or last) stepped run's, or NULL */
	const step *s;                /* its step */
	int n;                        /* its workers so far (a Python run's grow: grow()) */
	int *sched, nsched, cap;      /* the workers let go so far, in order */
	char **said;                  /* per step: its action in words (run.actions) */
	unsigned long long *en;       /* per step: the workers that could go then */
	int *did;                     /* [w * nverbs + verb]: actions let go, for n workers */
	int go;                       /* every worker that can goes, in turn */
	int go_w;                     /* this worker goes until it cannot (blocked, done), or -1 */
	int *plan, nplan, at;         /* a schedule being replayed: plan[at] goes next */
	int ahead[AHEAD_MAX], nahead; /* steps asked for while a worker still ran (-1: the next that can) */
	int delay_ms;
	long timer;                   /* the replay's pace, or 0 */
	long restart_timer;           /* the run starts again from the loop, or 0 */
	int restarting;               /* the live run is being stopped to start over */
	char *stopped;                /* why a replay or a step asked ahead stopped short, or NULL */
	int judged;                   /* steps when the goal was last judged, -1 never */
	int goal_at;                  /* the goal reached: at this many steps, else -1 */
	char *goal_msg, *goal_err;
	int searching;                /* trying every schedule (engine_sched_search) */
	long tried;
	int proved;                   /* the search tried every schedule: none reached it */
	char *search_msg;             /* its outcome, or NULL */
};

static struct esched *sc_of(engine *e)
{
	if (!e->sc) e->sc = xcalloc(1, sizeof *e->sc);
	return e->sc;
}

static void set_text(char **dst, char *s) { free(*dst); *dst = s; }

/* The schedule so far is no more (a new run, or a free one). */
static void forget_steps(struct esched *sc)
{
	for (int i = 0; i < sc->nsched; i++) free(sc->said[i]);
	sc->nsched = 0;
}

int engine_sched_workers(const engine *e) { return e->sc && e->sc->gate && engine_running(e) ? G_N(e->sc->gate) : 0; }

int engine_sched_ready(const engine *e)
{
	return engine_sched_workers(e) && G_SETTLED(e->sc->gate) && !e->sc->restarting;
}

void engine_sched_next(const engine *e, int w, char *buf, size_t cap, int *can)
{
	char why[160];
	sched_gate *g = e->sc ? e->sc->gate : NULL;
	if (can) *can = g && G_ENABLED(g, w, why, sizeof why);
	if (g) G_DESCRIBE(g, w, buf, cap);
	else snprintf(buf, cap, "not stepped");
}

/* The gate's workers so far: a Python run's appear as it goes, and the
 * per-worker counts grow with them. */
static void grow(struct esched *sc)
{
	int n = G_N(sc->gate), nv = sc->gate->ops->nverbs;
	if (n <= sc->n) return;
	sc->did = xrealloc(sc->did, (size_t)n * (size_t)nv * sizeof *sc->did);
	memset(sc->did + (size_t)sc->n * (size_t)nv, 0, (size_t)(n - sc->n) * (size_t)nv * sizeof *sc->did);
	sc->n = n;
}

static unsigned long long enabled_mask(const struct esched *sc)
{
	unsigned long long m = 0;
	char why[160];
	for (int w = 0; w < sc->n && w < SEARCH_MAX_WORKERS; w++)
		if (G_ENABLED(sc->gate, w, why, sizeof why)) m |= 1ull << w;
	return m;
}

/* The step's mark on worker w's lane: a Lua worker's, or a Python
 * thread's (run.c places it once the capture has seen the thread). */
static void mark_step(engine *e, int w, const char *mark)
{
	const sched_gate *g = e->sc->gate;
	int tid = g->ops->tid ? g->ops->tid(g->impl, w) : 0;
	if (tid > 0 && e->r) run_mark(e->r, (pid_t)tid, mark);   /* on its lane, once the capture has seen it */
	else trace_mark_add_task(e->t, trace_worker_task(e->t, g->ops == &coord_ops ? w : 0), trace_rel(e->t, loop_now_ns()), mark);
}

static void judge(engine *e);

static void let_go(engine *e, int w, char *what, size_t cap)
{
	struct esched *sc = e->sc;
	judge(e);   /* the state this step leaves behind, before it goes (once a state) */
	char said[160];
	int verb = -1;
	grow(sc);
	G_DESCRIBE(sc->gate, w, said, sizeof said);
	if (G_STATE(sc->gate, w, &verb) == SG_AT && verb >= 0 && verb < sc->gate->ops->nverbs)
		sc->did[w * sc->gate->ops->nverbs + verb]++;
	if (sc->nsched == sc->cap) {
		sc->cap = sc->cap ? 2 * sc->cap : 64;
		sc->sched = xrealloc(sc->sched, (size_t)sc->cap * sizeof *sc->sched);
		sc->en = xrealloc(sc->en, (size_t)sc->cap * sizeof *sc->en);
		sc->said = xrealloc(sc->said, (size_t)sc->cap * sizeof *sc->said);
	}
	sc->en[sc->nsched] = enabled_mask(sc);
	sc->said[sc->nsched] = xstrdup(said);
	sc->sched[sc->nsched++] = w;
	char mark[200];
	snprintf(mark, sizeof mark, "#%d %s", sc->nsched, said);
	mark_step(e, w, mark);
	if (what) snprintf(what, cap, "%s", said);
	sc->gate->ops->go(sc->gate->impl, w);
}

/* The first worker that can go, after the one let go last (searching:
 * the lowest, so that schedules are tried in order). */
static int next_can(const struct esched *sc)
{
	int n = G_N(sc->gate);
	int from = sc->nsched && !sc->searching ? sc->sched[sc->nsched - 1] + 1 : 0;
	char why[160];
	for (int i = 0; i < n; i++)
		if (G_ENABLED(sc->gate, (from + i) % n, why, sizeof why)) return (from + i) % n;
	return -1;
}

/* A step may be taken now, by w if w >= 0: 0; -1 and why; or -2 and why
 * when it could be once every worker is at its next step. */
static int may_step(const engine *e, int w, char *why, size_t cap)
{
	if (!engine_sched_workers(e)) { snprintf(why, cap, "no stepped run is going"); return -1; }
	const struct esched *sc = e->sc;
	if (sc->searching) { snprintf(why, cap, "the search is going"); return -1; }
	if (sc->restarting || sc->at < sc->nplan) {   /* undo, restart, load: at once, then the keys typed meanwhile */
		snprintf(why, cap, "a schedule is being replayed");
		if (sc->delay_ms || (w >= sc->s->nworkers && sc->s->rkind != RUN_COMMAND)) return -1;
		return -2;
	}
	int n = G_N(sc->gate), settled = G_SETTLED(sc->gate) && !sc->nahead;
	if (w >= n && (settled || sc->s->rkind != RUN_COMMAND)) {   /* a program's workers appear as it runs */
		snprintf(why, cap, "there is no w%d: this run has w0 to w%d", w, n - 1);
		return -1;
	}
	if (!settled) { snprintf(why, cap, "a worker is still running to its next step"); return -2; }
	char not[160];
	if (w >= 0 && !G_ENABLED(sc->gate, w, not, sizeof not)) { snprintf(why, cap, "w%d cannot go: %s", w, not); return -1; }
	return 0;
}

/* A step may_step allowed: w, or the next that can, goes now. */
static int step_now(engine *e, int w, char *what, size_t cap)
{
	if (w < 0 && (w = next_can(e->sc)) < 0) { snprintf(what, cap, "no worker can go"); return -1; }
	set_text(&e->sc->stopped, NULL);   /* the student steps on: why the last one stopped is old news */
	let_go(e, w, what, cap);
	return w;
}

int engine_sched_step(engine *e, int w, char *what, size_t cap)
{
	return may_step(e, w, what, cap) < 0 ? -1 : step_now(e, w, what, cap);
}

int engine_sched_ahead(engine *e, int w, char *what, size_t cap)
{
	int rc = may_step(e, w, what, cap);
	if (rc == 0) return step_now(e, w, what, cap);
	if (rc == -1) return -1;
	struct esched *sc = e->sc;
	if (sc->nahead == AHEAD_MAX) {
		snprintf(what, cap, "%d steps are waiting already for every worker to reach its next step", AHEAD_MAX);
		return -1;
	}
	sc->ahead[sc->nahead++] = w;
	set_text(&sc->stopped, NULL);
	return ENGINE_SCHED_AHEAD;
}

/* Every worker is at its next step: the first step asked ahead goes, or
 * none of them does (it cannot go now: the student is told why). */
static int ahead_step(engine *e)
{
	struct esched *sc = e->sc;
	int w = sc->ahead[0];
	memmove(sc->ahead, sc->ahead + 1, (size_t)--sc->nahead * sizeof *sc->ahead);
	char why[160] = "no worker can go";
	if (w < 0) w = next_can(sc);
	if (w >= G_N(sc->gate)) snprintf(why, sizeof why, "there is no w%d: this run has w0 to w%d", w, G_N(sc->gate) - 1);
	else if (w >= 0 && G_ENABLED(sc->gate, w, why, sizeof why)) {
		let_go(e, w, NULL, 0);
		return 1;
	}
	set_text(&sc->stopped, w < 0 ? xasprintf("the step asked for before the workers were ready did not go: %s", why)
				      : xasprintf("the step of w%d asked for before the workers were ready did not go: %s", w, why));
	sc->nahead = 0;
	return 0;
}

void engine_sched_go(engine *e)
{
	if (!engine_sched_workers(e)) return;
	struct esched *sc = e->sc;
	sc->go = 1;
	if (sc->at >= sc->nplan && !sc->restarting && G_SETTLED(sc->gate)) {
		int w = next_can(sc);
		if (w >= 0) let_go(e, w, NULL, 0);
	}
}

int engine_sched_go_worker(engine *e, int w, char *why, size_t cap)
{
	if (w < 0) { snprintf(why, cap, "there is no w%d", w); return -1; }
	if (may_step(e, w, why, cap) < 0) return -1;
	e->sc->go_w = w;
	let_go(e, w, NULL, 0);
	return 0;
}

const int *engine_sched_list(const engine *e, int *n)
{
	*n = e->sc ? e->sc->nsched : 0;
	return e->sc ? e->sc->sched : NULL;
}

/* ---- the goal: judged on the real state after each step --------------------------- */

static void judge(engine *e)
{
	struct esched *sc = e->sc;
	const step *s = sc->s;
	if (!s || s->goal <= 0 || sc->judged == sc->nsched || sc->goal_err) return;
	if (sc->goal_at >= 0) return;   /* reached: it stays reached */
	grow(sc);
	if (!sc->n) return;   /* a Python program's first worker is not there yet */
	sc->judged = sc->nsched;
	char **next = xcalloc((size_t)sc->n, sizeof *next);
	unsigned char *done = xcalloc((size_t)sc->n, 1);
	for (int w = 0; w < sc->n; w++) {
		char buf[160];
		G_DESCRIBE(sc->gate, w, buf, sizeof buf);
		next[w] = xstrdup(buf);
		done[w] = G_STATE(sc->gate, w, NULL) == SG_DONE;
	}
	char why[512];
	lapi_goal_state gs = {
		.co = e->co, .n = sc->n, .sched = sc->sched, .nsched = sc->nsched, .next = (const char *const *)next,
		.done = done, .did = sc->did, .verbs = sc->gate->ops->verbs, .nverbs = sc->gate->ops->nverbs,
		.deadlock = sc->gate->ops->stuck(sc->gate->impl, NULL, 0, why, sizeof why),
	};
	int hit = 0;
	char *msg = NULL, *err = NULL;
	if (lapi_goal(course_lua(e->c), s, &gs, &hit, &msg, &err) < 0) set_text(&sc->goal_err, err);
	else if (hit) {
		sc->goal_at = sc->nsched;
		set_text(&sc->goal_msg, msg);
		msg = NULL;
		if (!s->goal_never) eng_note_goal(e, s, sc->sched, sc->nsched);   /* the level is solved */
	}
	free(msg);
	for (int w = 0; w < sc->n; w++) free(next[w]);
	free(next);
	free(done);
}

/* ---- replaying a schedule: the run starts over, its workers go by the plan ---------- */

static void restart_run(engine *e);
static void search_next(engine *e);
static void search_stop(engine *e, char *msg);

/* Every worker done, or none can go: this schedule has come to its end. */
static int at_end(const struct esched *sc)
{
	for (int w = 0; w < G_N(sc->gate); w++) {
		char why[160];
		if (G_ENABLED(sc->gate, w, why, sizeof why)) return 0;
	}
	return 1;
}

static void plan_step(engine *e)
{
	struct esched *sc = e->sc;
	int w = sc->plan[sc->at];
	char why[160];
	if (w >= G_N(sc->gate)) {
		set_text(&sc->stopped, xasprintf("the replay stopped: step %d of the schedule names w%d: this run has w0 to w%d",
						  sc->at + 1, w, G_N(sc->gate) - 1));
	} else if (!G_ENABLED(sc->gate, w, why, sizeof why)) {
		set_text(&sc->stopped, xasprintf("the replay stopped: step %d of the schedule: w%d cannot go: %s", sc->at + 1, w, why));
	} else {
		sc->at++;
		let_go(e, w, NULL, 0);
		return;
	}
	sc->at = sc->nplan;   /* the rest of it cannot be replayed */
	sc->go = 0;
	sc->go_w = -1;
	if (e->user_ev.update) e->user_ev.update(e->r, e->user_ev.arg);
}

static void on_pace(loop *l, long id, void *arg)
{
	(void)l; (void)id;
	engine *e = arg;
	e->sc->timer = 0;
	if (!e->sc->restarting && !e->sc->restart_timer && engine_sched_workers(e) && G_SETTLED(e->sc->gate) && e->sc->at < e->sc->nplan) plan_step(e);
}

/* A worker reached a point or its end: the goal is judged; a replay, a
 * search or going freely lets the next one go; the front end redraws. */
static void on_gate(loop *l, int fd, int events, void *arg)
{
	(void)fd; (void)events;
	engine *e = arg;
	struct esched *sc = e->sc;
	sc->gate->ops->drain(sc->gate->impl);
	if (!G_SETTLED(sc->gate) || sc->restarting || sc->restart_timer) return;   /* a new run is coming */
	judge(e);
	if (!engine_running(e)) return;   /* its end is on the way (or told): nothing more goes */
	if (sc->searching) { search_next(e); return; }
	if (sc->at < sc->nplan) {
		if (!sc->delay_ms) { plan_step(e); return; }
		if (!sc->timer) sc->timer = loop_timer_add(l, sc->delay_ms, 0, on_pace, e);
	} else if (sc->nahead && ahead_step(e)) {
		return;
	} else if (sc->go) {
		int w = next_can(sc);
		if (w >= 0) { let_go(e, w, NULL, 0); return; }
	} else if (sc->go_w >= 0) {   /* on until it blocks or ends */
		char why[160];
		if (G_ENABLED(sc->gate, sc->go_w, why, sizeof why)) { let_go(e, sc->go_w, NULL, 0); return; }
		sc->go_w = -1;
	}
	if (e->user_ev.update) e->user_ev.update(e->r, e->user_ev.arg);
}

static void take_plan(struct esched *sc, const int *plan, int n, int delay_ms)
{
	int *p = n ? xmalloc((size_t)n * sizeof *p) : NULL;
	if (n) memcpy(p, plan, (size_t)n * sizeof *p);   /* plan may be sc->sched itself */
	free(sc->plan);
	sc->plan = p;
	sc->nplan = n;
	sc->at = 0;
	sc->nahead = 0;
	sc->delay_ms = delay_ms;
	set_text(&sc->stopped, NULL);
}

static void on_restart(loop *l, long id, void *arg)
{
	(void)l; (void)id;
	engine *e = arg;
	struct esched *sc = e->sc;
	sc->restart_timer = 0;
	char *err = NULL;
	run_events ev = e->user_ev;
	if (engine_step(e) != sc->s || engine_run_stepped(e, &ev, &err) < 0) {   /* moved on, or cannot start */
		if (err) set_text(&sc->stopped, xasprintf("cannot start the run again: %s", err));
		free(err);
		sc->searching = 0;
		sc->nahead = 0;
		if (e->user_ev.done && e->r) e->user_ev.done(e->r, e->user_ev.arg);   /* the last run's end stands */
		return;
	}
	if (e->user_ev.started) e->user_ev.started(e->r, e->user_ev.arg);
	if (e->user_ev.update) e->user_ev.update(e->r, e->user_ev.arg);
}

/* Stops the live run to start it again (eng_sched_restart, from its end),
 * or starts it again soon: from the loop, never inside a run's callback. */
static void restart_run(engine *e)
{
	struct esched *sc = e->sc;
	if (engine_running(e)) {
		sc->restarting = 1;
		engine_stop(e, "started over");
		return;
	}
	if (!sc->restart_timer) sc->restart_timer = loop_timer_add(e->l, 0, 0, on_restart, e);
}

int eng_sched_restart(engine *e, int ended_well)
{
	struct esched *sc = e->sc;
	if (!sc || !sc->gate) return 0;
	if (sc->searching && !sc->restarting) {   /* the schedule ended the run before the search saw it */
		sc->gate->ops->drain(sc->gate->impl);
		judge(e);
		if (ended_well && sc->goal_at < 0 && !sc->goal_err && at_end(sc)) search_next(e);
		else if (sc->goal_at < 0) search_stop(e, xasprintf("the search stopped: the run ended (%s)",
			sc->goal_err ? sc->goal_err : "not as planned"));
		else search_next(e);
		return sc->restart_timer != 0;   /* 0: the search is over, the end stands */
	}
	if (!sc->restarting) {   /* it ended on its own: the goal as it left it */
		sc->nahead = 0;
		sc->gate->ops->drain(sc->gate->impl);
		judge(e);
		return 0;
	}
	sc->restarting = 0;
	restart_run(e);
	return 1;
}

/* The step whose stepped run can start over, or NULL with why. */
static const step *stepped_step(engine *e, char *why, size_t cap)
{
	const step *s = engine_step(e);
	if (!s || s->kind != STEP_RUN || !s->stepper) { snprintf(why, cap, "this step is not a stepped run"); return NULL; }
	if (e->sc && (e->sc->restarting || e->sc->restart_timer)) { snprintf(why, cap, "the run is starting over already"); return NULL; }
	if (engine_running(e) && e->t_step != s) {
		snprintf(why, cap, "the run of another step is going (type stop to end it)");
		return NULL;
	}
	return s;
}

int engine_sched_replay(engine *e, const int *plan, int n, int delay_ms, char *why, size_t cap)
{
	const step *s = stepped_step(e, why, cap);
	if (!s) return -1;
	for (int i = 0; i < n; i++)
		if (plan[i] < 0 || (s->rkind != RUN_COMMAND && plan[i] >= s->nworkers)) {   /* a program's: as they appear */
			snprintf(why, cap, "step %d of the schedule names w%d: this run has w0 to w%d", i + 1, plan[i], s->nworkers - 1);
			return -1;
		}
	struct esched *sc = sc_of(e);
	take_plan(sc, plan, n, delay_ms);
	sc->searching = 0;
	if (engine_sched_workers(e) && sc->s == s && !sc->nsched) {   /* not a step taken yet: this run will do */
		if (G_SETTLED(sc->gate) && !sc->timer) sc->timer = loop_timer_add(e->l, delay_ms, 0, on_pace, e);
		return 0;
	}
	restart_run(e);
	return 0;
}

int engine_sched_undo(engine *e, int k, char *why, size_t cap)
{
	int n;
	const int *l = engine_sched_list(e, &n);
	if (!e->sc || e->sc->s != engine_step(e) || !n) { snprintf(why, cap, "no step to undo"); return -1; }
	if (k < 1) k = 1;
	if (k > n) k = n;
	return engine_sched_replay(e, l, n - k, 0, why, cap);
}

int engine_sched_replaying(const engine *e)
{
	if (!e->sc) return 0;
	return e->sc->restarting || e->sc->restart_timer || e->sc->searching ? 1 : e->sc->nplan - e->sc->at;
}

const char *engine_sched_stopped(const engine *e) { return e->sc ? e->sc->stopped : NULL; }

int engine_sched_waiting(const engine *e) { return e->sc && engine_sched_workers(e) ? e->sc->nahead : 0; }

/* ---- schedules as text: "0 1 w1 0", saved and loaded --------------------------------- */

int engine_sched_parse(const char *text, int nworkers, int **plan, int *n, char *why, size_t cap)
{
	int *p = NULL, k = 0, c = 0, line = 1;
	*plan = NULL;
	*n = 0;
	for (const char *q = text; *q;) {
		if (*q == '#') { while (*q && *q != '\n') q++; continue; }
		if (*q == '\n') line++;
		if (strchr(" \t\r\n,", *q)) { q++; continue; }
		const char *w0 = q + (*q == 'w' || *q == 'W');
		char *end;
		errno = 0;
		long v = strtol(w0, &end, 10);
		if (end == w0 || errno || !strchr(" \t\r\n,#", *end ? *end : ' ') || v < 0 || (nworkers > 0 && v >= nworkers) ||
		    v > 1000000) {
			int len = 0;
			while (q[len] && !strchr(" \t\r\n,", q[len]) && len < 20) len++;
			if (nworkers > 0)
				snprintf(why, cap, "line %d: '%.*s' is not a worker of this run (w0 to w%d)", line, len, q, nworkers - 1);
			else snprintf(why, cap, "line %d: '%.*s' is not a worker (w0, w1, ...)", line, len, q);
			free(p);
			return -1;
		}
		if (k == c) p = xrealloc(p, (size_t)(c = c ? 2 * c : 64) * sizeof *p);
		p[k++] = (int)v;
		q = end;
	}
	*plan = p;
	*n = k;
	return 0;
}

struct save_args { const engine *e; const step *s; };

static int save_put(FILE *f, void *arg, char **err)
{
	(void)err;
	struct save_args *a = arg;
	int n;
	const int *l = engine_sched_list(a->e, &n);
	fprintf(f, "# parlab schedule: %s, \"%s\" (%d steps)\n", course_title(a->e->c), a->s->title, n);
	for (int i = 0; i < n; i++) fprintf(f, "%d%s", l[i], (i + 1) % 32 && i + 1 < n ? " " : "\n");
	return 0;
}

int engine_sched_save(const engine *e, const char *path, char *why, size_t cap)
{
	struct save_args a = { e, e->sc ? e->sc->s : NULL };
	if (!a.s) { snprintf(why, cap, "no stepped run to save the schedule of"); return -1; }
	char *err = NULL;
	int rc = fs_write_whole(path, save_put, &a, &err);
	if (rc < 0) snprintf(why, cap, "cannot write %s", err);
	free(err);
	return rc < 0 ? -1 : 0;
}

/* ---- the goal, and the search of every schedule ---------------------------------------- */

int engine_sched_goal(const engine *e, engine_goal *g) { return eng_sched_goal_of(e, engine_step(e), g); }

int eng_sched_goal_of(const engine *e, const step *s, engine_goal *g)
{
	memset(g, 0, sizeof *g);
	if (!s || s->kind != STEP_RUN || s->goal <= 0) return 0;
	const struct esched *sc = e->sc && e->sc->s == s ? e->sc : NULL;
	g->text = s->goal_text;
	g->never = s->goal_never;
	g->reached_at = sc ? sc->goal_at : -1;
	g->proved = sc && sc->proved;
	g->msg = sc ? sc->goal_msg : NULL;
	g->error = sc ? sc->goal_err : NULL;
	g->searching = sc && sc->searching;
	g->tried = sc ? sc->tried : 0;
	g->bound = s->goal_schedules;
	g->steps = sc ? sc->nsched : 0;
	g->search = sc ? sc->search_msg : NULL;
	return 1;
}

int engine_sched_search(engine *e, char *why, size_t cap)
{
	const step *s = stepped_step(e, why, cap);
	if (!s) return -1;
	if (s->goal <= 0 || !s->goal_never) {
		snprintf(why, cap, "this run's goal is reached by a schedule of yours; there is nothing to search");
		return -1;
	}
	if (s->nworkers > SEARCH_MAX_WORKERS) { snprintf(why, cap, "a search takes at most %d workers", SEARCH_MAX_WORKERS); return -1; }
	struct esched *sc = sc_of(e);
	take_plan(sc, NULL, 0, 0);
	sc->searching = 1;
	sc->tried = 0;
	sc->proved = 0;
	set_text(&sc->search_msg, NULL);
	restart_run(e);
	return 0;
}

static void search_stop(engine *e, char *msg)
{
	struct esched *sc = e->sc;
	sc->searching = 0;
	set_text(&sc->search_msg, msg);
	if (e->user_ev.update) e->user_ev.update(e->r, e->user_ev.arg);
}

/* Searching, after a step: on by the plan, else the lowest worker that can
 * go; at a schedule's end the next one in order starts, until none is
 * left, the bound is reached, or one reached what the goal says never
 * happens (then the run stays there, for the student to see). */
static void search_next(engine *e)
{
	struct esched *sc = e->sc;
	if (sc->goal_err) { search_stop(e, xasprintf("the search stopped: %s", sc->goal_err)); return; }
	if (sc->goal_at >= 0) {
		search_stop(e, xasprintf("schedule %ld of the search did what the claim says never happens", sc->tried + 1));
		return;
	}
	if (sc->at < sc->nplan) { plan_step(e); return; }
	if (!at_end(sc)) { let_go(e, next_can(sc), NULL, 0); return; }
	sc->tried++;
	int i = sc->nsched - 1;
	unsigned long long later = 0;
	for (; i >= 0; i--) {
		later = sc->en[i] & ~((2ull << sc->sched[i]) - 1);   /* workers after the one taken */
		if (later) break;
	}
	if (i < 0) {
		sc->proved = 1;
		eng_note_goal(e, sc->s, NULL, 0);   /* the claim's level: proved */
		search_stop(e, xasprintf("every schedule (%ld) tried: none did what the claim says never happens", sc->tried));
		return;
	}
	if (sc->tried >= sc->s->goal_schedules) {
		search_stop(e, xasprintf("the first %ld schedules in order tried (there are more): none did what the claim says never happens", sc->tried));
		return;
	}
	int *p = xmalloc((size_t)(i + 1) * sizeof *p);
	memcpy(p, sc->sched, (size_t)i * sizeof *p);
	p[i] = __builtin_ctzll(later);
	take_plan(sc, p, i + 1, 0);
	free(p);
	if (e->user_ev.update) e->user_ev.update(e->r, e->user_ev.arg);
	restart_run(e);
}

/* ---- the run's gate ------------------------------------------------------------------ */

void eng_sched_attach(engine *e, sched_gate *g, const step *s)
{
	if (!g) {   /* a free run: what the last stepped run of s did is no more its last run's */
		if (e->sc && e->sc->s == s) { e->sc->s = NULL; e->sc->nahead = 0; forget_steps(e->sc); }
		return;
	}
	struct esched *sc = sc_of(e);
	sc->gate = g;
	sc->s = s;
	sc->n = 0;
	forget_steps(sc);
	sc->go = 0;
	sc->go_w = -1;
	sc->judged = -1;
	sc->goal_at = -1;
	set_text(&sc->goal_msg, NULL);
	set_text(&sc->goal_err, NULL);
	free(sc->did);
	sc->did = NULL;
	grow(sc);
	loop_fd_add(e->l, g->ops->fd(g->impl), LOOP_READ, on_gate, e);
}

void eng_sched_free(engine *e)
{
	struct esched *sc = e->sc;
	if (!sc || !sc->gate) return;
	if (sc->timer) loop_timer_del(e->l, sc->timer);
	sc->timer = 0;
	loop_fd_del(e->l, sc->gate->ops->fd(sc->gate->impl));
	sched_gate_free(sc->gate);
	sc->gate = NULL;
}

void eng_sched_destroy(engine *e)
{
	struct esched *sc = e->sc;
	if (!sc) return;
	if (sc->restart_timer) loop_timer_del(e->l, sc->restart_timer);
	eng_sched_free(e);
	forget_steps(sc);
	free(sc->said);
	free(sc->sched);
	free(sc->en);
	free(sc->did);
	free(sc->plan);
	free(sc->stopped);
	free(sc->goal_msg);
	free(sc->goal_err);
	free(sc->search_msg);
	free(sc);
	e->sc = NULL;
}

int eng_sched_stuck(sched_gate *g, const unsigned char *ended, int n, char *why, size_t cap)
{
	return g->ops->stuck(g->impl, ended, n, why, cap);
}

void eng_sched_summary(engine *e, const step *s, int ref)
{
	if (!e->sc || e->sc->s != s || ref < 0) return;
	engine_goal g;
	int has = eng_sched_goal_of(e, s, &g);
	lapi_goal_summary(course_lua(e->c), ref, e->sc->sched, (const char *const *)e->sc->said, e->sc->nsched, has ? &g : NULL);
}
