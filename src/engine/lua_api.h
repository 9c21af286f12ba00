/* lua_api: the Lua side of lessons (internal to the engine). Loading lesson
 * files in a sandbox, the step constructors, and the worker environment. */
#ifndef PARLAB_LUA_API_H
#define PARLAB_LUA_API_H
#include <lua.h>
#include <stdint.h>
#include "engine/engine.h"
#include "engine/coord.h"
#include "engine/coord_step.h"

/* A Lua state for loading lessons, with a memory cap (bytes). */
lua_State *lapi_newstate(size_t mem_cap);

/* Loads one lesson file; the lesson table is left on the stack.
 * On error returns -1 with the message ("file:line: ...") on the stack. */
int lapi_load_lesson(lua_State *L, const char *path);

/* Loads a course.lua; fills *title and a NULL-terminated list of lesson
 * file names. -1 with the message on the stack on error. */
int lapi_load_course(lua_State *L, const char *path, char **title, char ***files);

/* Turns the lesson table on top of the stack into l (popping it); worker
 * functions are kept in the registry (step.ref). -1 with message on stack. */
int lapi_lesson_to_c(lua_State *L, const char *path, lesson *l);

/* Worker side: installs print, busy, sleep... for worker w and calls the
 * worker function at registry ref. Returns the exit code. */
int lapi_run_worker(lua_State *L, int ref, const run_worker *w, struct coord *co, coord_step *st);

/* Thread side: a fresh state, the lesson loaded again, step index's worker
 * called. Returns the exit code. */
int lapi_run_worker_fresh(const char *path, int index, const run_worker *w, struct coord *co,
			  coord_step *st);
/* (co: the run's blocks, or NULL; lua_worker.c gives workers get, set,
 * lock, put, take... on them. st: a stepped run's gate, else NULL.) */

/* lua_coord.c: the blocks run{} table t declares, checked (raises
 * "run{}: ..." at the caller's line); NULL when it declares none.
 * nworkers: the run's workers, 0 for a command run (which has none). */
struct coord_spec *lapi_coord_spec(lua_State *L, int t, int nworkers);



/* ---- field helpers for the constructors (the quiz table uses them) ---- */

/* Integer field of table idx from lo to hi: 1 and *out, 0 when nil; else
 * raises "ctor{}: 'field' must be a whole number from lo to hi". */
int lapi_opt_int(lua_State *L, int idx, const char *field, const char *ctor, int lo, int hi, int *out);
/* Raises unless field is nil or a list of min..max strings; its length. */
int lapi_check_list(lua_State *L, int idx, const char *field, const char *ctor, int min, int max);
/* A checked list of strings, copied (NULL-terminated; NULL when absent). */
char **lapi_field_list(lua_State *L, int idx, const char *field, int *count);
int lapi_field_int(lua_State *L, int idx, const char *field, int dflt);

/* The course's shared Lua state (worker functions live in it). */
lua_State *course_lua(course *c);

/* string.find(s, pattern) in L: 1 when it matches, 0 when not, -1 when
 * the pattern is malformed. */
int lapi_find(lua_State *L, const char *s, const char *pattern);
/* The name of names (NULL-terminated) nearest to word, when it is close
 * enough to be a misspelling of it ("titel": "title"); else NULL. */
const char *lapi_nearest(const char *word, const char *const *names);

/* A time budget for lesson code in L: past ns from now, every instruction
 * raises "file:line: what" (so a pcall in the lesson cannot carry on). Arm
 * it where an error is caught; lapi_budget_off disarms it. */
void lapi_budget(lua_State *L, int64_t ns, const char *what);
void lapi_budget_off(lua_State *L);

/* ---- predict-then-observe (lua_observe.c) ---- */

/* A summary table of a finished run's trace, in the registry (the ref);
 * prev_ref (or LUA_NOREF): the step's previous summary, as run.previous.
 * LUA_NOREF and *err (caller frees) when Lua could not build it (memory). */
int lapi_summary(lua_State *L, const trace *t, int failed, int prev_ref, char **err);
void lapi_unref(lua_State *L, int ref);

/* s (freed) with ${ncpu} replaced by this machine's CPU count: every
 * lesson text, fixed or written by a function. */
char *lapi_expand(char *s);
#define LAPI_MAX_LIST 16
/* What an observe function returned. type: a LUA_T* of the first result,
 * LUA_TNONE when it was of no usable kind (a function, a list with holes
 * or non-numbers). */
typedef struct lapi_observed {
	int type;
	int boolean;
	double number;
	char *string;
	int list[LAPI_MAX_LIST], nlist;
	char *note;           /* the second result, when a string */
	char *error;          /* it raised an error: "file:line: message" */
} lapi_observed;
/* Calls observe(run, prediction, runs): run from run_ref, runs a table of
 * this lesson's latest run summaries by title. -1 with out->error. */
int lapi_observe(lua_State *L, int fn, int run_ref, const char *prediction, const char *const *titles,
		 const int *refs, int nruns, lapi_observed *out);
void lapi_observed_free(lapi_observed *o);
/* A run's note function, note(run, runs), under the same budget as
 * observe (run_ref LUA_NOREF: a text step's body, fn(runs)): 0 and *text
 * (NULL when it returned nil; caller frees); -1 and *err, a Lua error
 * ("file:line: message"); -2 and *err when it returned neither a text
 * nor nil (a message without a place). */
int lapi_note(lua_State *L, int fn, int run_ref, const char *const *titles, const int *refs, int nruns,
	      char **text, char **err);

/* Runs fn(arg) in protected mode (lua_observe.c); 0, or -1 with *err,
 * "file:line: message" (caller frees). */
int lapi_protect(lua_State *L, lua_CFunction fn, void *arg, char **err);

/* ---- a stepped run's goal (lua_goal.c) ---- */
/* Checks run{}'s goal field at table t (stepped: stepper = true), a Lua
 * error at the lesson's line if it is wrong. */
void lapi_check_goal(lua_State *L, int t, int nworkers, int stepped);
/* Copies it into s (s->goal: the table in the registry). */
void lapi_goal_to_c(lua_State *L, int t, step *s);
/* What the goal's function reads, from the screen's side of a stepped run. */
typedef struct {
	const struct coord *co;       /* the run's blocks, or NULL */
	int n;                        /* workers */
	const int *sched;             /* the schedule so far */
	int nsched;
	const char *const *next;      /* each worker's next action in words */
	const unsigned char *done;    /* each worker is done */
	const int *did;               /* [w * nverbs + v]: actions of each verb let go */
	const char *const *verbs;
	int nverbs;
	int deadlock;                 /* no worker can go, some are not done */
} lapi_goal_state;
/* Calls s's goal function (reached or never) on gs: 0 and *hit (what it
 * says is so) and *msg (the text it returned, or NULL; caller frees), or
 * -1 and *err. */
int lapi_goal(lua_State *L, const step *s, const lapi_goal_state *gs, int *hit, char **msg, char **err);

/* Sets run.schedule (the worker ids let go, in order), run.actions (each
 * step's { worker, text }: said[i] is step i+1's action in words) and,
 * g not NULL, run.goal = { text, reached, step, said, proved, error } on
 * the summary table at registry ref. */
void lapi_goal_summary(lua_State *L, int ref, const int *sched, const char *const *said, int n, const engine_goal *g);

/* From now on L may hold cap bytes more than it does (0: no limit); an
 * allocation past it fails (Lua's "not enough memory"). */
void lapi_set_mem_cap(lua_State *L, size_t cap);
/* Closes a state made by lapi_newstate and its allocator record. */
void lapi_close(lua_State *L);
#endif
