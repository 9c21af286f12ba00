/*
 * lua_goal.c: a stepped run's goal, run{ goal = { ... } } (engine.h,
 * engine_goal). Checked when the lesson loads; judged by the screen after
 * each step, from the real state of the run's blocks and workers, by the
 * lesson's function under the same budget as a note or an observe call.
 *
 *   goal = {
 *     text = "Make the counter lose an update.",
 *     reached = function(s) return s.done and s.values.counter < 4 end,
 *     solution = "0 0 1 1 1 0",            -- parlab check --runs tries it
 *   }
 *   goal = {                               -- a claim the search checks
 *     text = "No schedule loses an update now.",
 *     never = function(s) return s.done and s.values.counter < 4 end,
 *     schedules = 500,
 *   }
 */
#include "engine/lua_api.h"
#include "util/xmalloc.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#define GOAL_BUDGET_NS 200000000LL   /* as an observe call's */
#define SCHEDULES_DEFAULT 1000
#define SCHEDULES_MAX 100000

static void goal_error(lua_State *L, const char *msg)
{
	luaL_error(L, "run{}: 'goal' %s", msg);
}

void lapi_check_goal(lua_State *L, int t, int nworkers, int stepped)
{
	static const char *const fields[] = { "text", "reached", "never", "schedules", "solution", NULL };
	lua_getfield(L, t, "goal");
	if (lua_isnil(L, -1)) { lua_pop(L, 1); return; }
	int g = lua_gettop(L);
	if (!lua_istable(L, g)) goal_error(L, "must be a table: { text = ..., reached = function(s) ... end }");
	if (!stepped) goal_error(L, "is for a stepped run (stepper = true): the engine judges it after each step");
	for (lua_pushnil(L); lua_next(L, g); lua_pop(L, 1)) {
		const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		int ok = 0;
		for (const char *const *f = fields; k && *f; f++) ok |= !strcmp(k, *f);
		if (!ok) {
			const char *near = k ? lapi_nearest(k, fields) : NULL;
			luaL_error(L, "run{}: 'goal' has no field '%s'%s%s%s (it takes text, reached or never, schedules, solution)",
				   k ? k : "?", near ? ": did you mean '" : "", near ? near : "", near ? "'?" : "");
		}
	}
	lua_getfield(L, g, "text");
	if (lua_type(L, -1) != LUA_TSTRING || !*lua_tostring(L, -1))
		goal_error(L, "needs a 'text': what the student is to do");
	lua_pop(L, 1);
	lua_getfield(L, g, "reached");
	int reached = lua_type(L, -1);
	lua_getfield(L, g, "never");
	int never = lua_type(L, -1);
	lua_pop(L, 2);
	if ((reached == LUA_TFUNCTION) == (never == LUA_TFUNCTION) ||
	    (reached != LUA_TNIL && reached != LUA_TFUNCTION) || (never != LUA_TNIL && never != LUA_TFUNCTION))
		goal_error(L, "takes one function: reached = function(s) (a schedule reaches it) "
			   "or never = function(s) (a claim the search checks)");
	lua_getfield(L, g, "schedules");
	if (!lua_isnil(L, -1)) {
		if (never != LUA_TFUNCTION) goal_error(L, "'schedules' bounds the search of a 'never' claim");
		if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > SCHEDULES_MAX)
			luaL_error(L, "run{}: 'goal' 'schedules' must be a whole number from 1 to %d", SCHEDULES_MAX);
	}
	lua_pop(L, 1);
	lua_getfield(L, g, "solution");
	if (!lua_isnil(L, -1)) {
		if (lua_type(L, -1) != LUA_TSTRING) goal_error(L, "'solution' must be a schedule: a text of worker ids, \"0 1 1 0\"");
		if (never == LUA_TFUNCTION) goal_error(L, "'solution' is for a goal a schedule reaches, not a 'never' claim");
		int *p, n;
		char why[200];
		if (engine_sched_parse(lua_tostring(L, -1), nworkers, &p, &n, why, sizeof why) < 0)
			luaL_error(L, "run{}: 'goal' 'solution': %s", why);
		free(p);
	}
	lua_pop(L, 2);
}

void lapi_goal_to_c(lua_State *L, int t, step *s)
{
	lua_getfield(L, t, "goal");
	if (!lua_istable(L, -1)) { lua_pop(L, 1); return; }
	int g = lua_gettop(L);
	lua_getfield(L, g, "text");
	s->goal_text = lapi_expand(xstrdup(lua_tostring(L, -1)));
	lua_getfield(L, g, "never");
	s->goal_never = lua_isfunction(L, -1);
	lua_getfield(L, g, "schedules");
	s->goal_schedules = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : SCHEDULES_DEFAULT;
	lua_getfield(L, g, "solution");
	s->solution = lua_isstring(L, -1) ? xstrdup(lua_tostring(L, -1)) : NULL;
	lua_pop(L, 4);
	s->goal = luaL_ref(L, LUA_REGISTRYINDEX);   /* pops the table */
}

/* ---- the state a goal's function reads --------------------------------------------- */

static void push_shared(lua_State *L, const coord *c, int b)
{
	int n = coord_size(c, b);
	if (!n) { lua_pushnumber(L, coord_get(c, b, 0)); return; }
	lua_createtable(L, n, 0);
	for (int i = 0; i < n; i++) {
		lua_pushnumber(L, coord_get(c, b, i));
		lua_rawseti(L, -2, i + 1);
	}
}

/* s[tab][name] = the value on top (popped); s is just below it. */
static void set_in(lua_State *L, const char *tab, const char *name)
{
	lua_getfield(L, -2, tab);
	lua_insert(L, -2);
	lua_setfield(L, -2, name);
	lua_pop(L, 1);
}

/* s.values, s.lost, s.locks, s.semaphores, s.queues: each block by name. */
static void block_tables(lua_State *L, const lapi_goal_state *gs)
{
	static const char *const tab[] = { "values", "lost", "locks", "semaphores", "queues" };
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++) { lua_newtable(L); lua_setfield(L, -2, tab[i]); }
	coord *c = (coord *)gs->co;   /* counts and lengths are read under the block's own lock */
	for (int b = 0; c && b < coord_nblocks(c); b++) {
		const char *name = coord_name(c, b);
		coord_figures f;
		switch (coord_kind_of(c, b)) {
		case COORD_SHARED:
			push_shared(L, c, b);
			set_in(L, "values", name);
			coord_figures_of(c, b, &f);
			if (f.has_lost) { lua_pushnumber(L, f.lost); set_in(L, "lost", name); }
			break;
		case COORD_LOCK:
			if (coord_holder(c, b) >= 0) lua_pushinteger(L, coord_holder(c, b));
			else lua_pushboolean(L, 0);
			set_in(L, "locks", name);
			break;
		case COORD_SEMAPHORE:
			lua_pushinteger(L, coord_count(c, b));
			set_in(L, "semaphores", name);
			break;
		case COORD_QUEUE:
			lua_pushinteger(L, coord_length(c, b));
			set_in(L, "queues", name);
			break;
		default:
			break;
		}
	}
}

/* s.workers[id] = { id, done, next, steps, did = { verb = count } }. */
static void worker_table(lua_State *L, const lapi_goal_state *gs)
{
	lua_createtable(L, 0, gs->n);
	for (int w = 0; w < gs->n; w++) {
		lua_createtable(L, 0, 5);
		lua_pushinteger(L, w);
		lua_setfield(L, -2, "id");
		lua_pushboolean(L, gs->done[w]);
		lua_setfield(L, -2, "done");
		lua_pushstring(L, gs->next[w]);
		lua_setfield(L, -2, "next");
		int steps = 0;
		lua_createtable(L, 0, 4);
		for (int v = 0; v < gs->nverbs; v++) {
			int k = gs->did[w * gs->nverbs + v];
			steps += k;
			lua_pushinteger(L, k);
			lua_setfield(L, -2, gs->verbs[v]);
		}
		lua_setfield(L, -2, "did");
		lua_pushinteger(L, steps);
		lua_setfield(L, -2, "steps");
		lua_rawseti(L, -2, w);
	}
	lua_setfield(L, -2, "workers");
}

typedef struct {
	const step *s;
	const lapi_goal_state *gs;
	int hit;
	char *msg;
} goal_args;

static int goal_p(lua_State *L)
{
	goal_args *a = lua_touserdata(L, 1);
	const lapi_goal_state *gs = a->gs;
	lapi_budget(L, GOAL_BUDGET_NS, "the goal's function took too long (an endless loop?)");
	lua_rawgeti(L, LUA_REGISTRYINDEX, a->s->goal);
	lua_getfield(L, -1, a->s->goal_never ? "never" : "reached");
	lua_createtable(L, 0, 12);
	lua_pushinteger(L, gs->nsched);
	lua_setfield(L, -2, "steps");
	lua_createtable(L, gs->nsched, 0);
	for (int i = 0; i < gs->nsched; i++) {
		lua_pushinteger(L, gs->sched[i]);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, "schedule");
	int all = 1;
	for (int w = 0; w < gs->n; w++) all &= gs->done[w];
	lua_pushboolean(L, all);
	lua_setfield(L, -2, "done");
	lua_pushboolean(L, gs->deadlock);
	lua_setfield(L, -2, "deadlock");
	block_tables(L, gs);
	worker_table(L, gs);
	lua_call(L, 1, 1);
	a->hit = lua_toboolean(L, -1);
	if (lua_type(L, -1) == LUA_TSTRING) a->msg = xstrdup(lua_tostring(L, -1));
	return 0;
}

int lapi_goal(lua_State *L, const step *s, const lapi_goal_state *gs, int *hit, char **msg, char **err)
{
	goal_args a = { s, gs, 0, NULL };
	*hit = 0;
	*msg = *err = NULL;
	int rc = lapi_protect(L, goal_p, &a, err);
	lapi_budget_off(L);
	if (rc < 0) { free(a.msg); return -1; }
	*hit = a.hit;
	*msg = a.msg ? lapi_expand(a.msg) : NULL;
	return 0;
}

/* ---- what a note and an observe function read of a stepped run ---------------------- */

static void set_str(lua_State *L, const char *k, const char *v)
{
	if (!v) return;
	lua_pushstring(L, v);
	lua_setfield(L, -2, k);
}

void lapi_goal_summary(lua_State *L, int ref, const int *sched, const char *const *said, int n, const engine_goal *g)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
	if (!lua_istable(L, -1)) { lua_pop(L, 1); return; }
	lua_createtable(L, n, 0);
	for (int i = 0; i < n; i++) {
		lua_pushinteger(L, sched[i]);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, "schedule");
	lua_createtable(L, n, 0);
	for (int i = 0; i < n; i++) {
		lua_createtable(L, 0, 2);
		lua_pushinteger(L, sched[i]);
		lua_setfield(L, -2, "worker");
		set_str(L, "text", said[i]);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, "actions");
	if (g) {
		lua_createtable(L, 0, 6);
		set_str(L, "text", g->text);
		lua_pushboolean(L, !g->never && g->reached_at >= 0);
		lua_setfield(L, -2, "reached");
		if (g->reached_at >= 0) { lua_pushinteger(L, g->reached_at); lua_setfield(L, -2, "step"); }
		set_str(L, "said", g->msg);
		lua_pushboolean(L, g->proved);
		lua_setfield(L, -2, "proved");
		if (g->never) { lua_pushboolean(L, g->reached_at >= 0); lua_setfield(L, -2, "broken"); }
		set_str(L, "error", g->error);
		lua_setfield(L, -2, "goal");
	}
	lua_pop(L, 1);
}
