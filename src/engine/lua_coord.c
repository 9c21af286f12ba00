/*
 * lua_coord.c: a run's blocks as run{} declares them (shared, locks,
 * semaphores, barriers, conditions, queues), checked at load with the
 * lesson's file:line and turned into a coord_spec (coord.h). The worker
 * functions that use them are in lua_worker.c.
 */
#include "engine/lua_api.h"
#include "engine/coord.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

/* The fields, in the order their blocks are laid out. */
static const struct { const char *field; coord_kind kind; } decls[] = {
	{ "shared", COORD_SHARED }, { "locks", COORD_LOCK }, { "semaphores", COORD_SEMAPHORE },
	{ "barriers", COORD_BARRIER }, { "conditions", COORD_CONDITION }, { "queues", COORD_QUEUE },
};
#define NDECLS (sizeof decls / sizeof decls[0])

/* The spec being built lives in a userdata box, so that an error (a
 * longjmp) leaves it to the garbage collector. */
static int box_gc(lua_State *L)
{
	coord_spec **box = lua_touserdata(L, 1);
	coord_spec_free(*box);
	*box = NULL;
	return 0;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Adds one block, or raises the spec's reason. */
static void add(lua_State *L, coord_spec *s, coord_kind kind, const char *name, int n, const double *init,
		const char *lock)
{
	if (coord_spec_add(s, kind, name, n, init, lock) < 0) luaL_error(L, "run{}: %s", s->err);
}

/* A whole number from lo to hi at the top of the stack, for block name. */
static int whole(lua_State *L, const char *field, const char *name, int lo, int hi, const char *what)
{
	int ok = 0;
	lua_Integer v = lua_tointegerx(L, -1, &ok);
	if (lua_type(L, -1) != LUA_TNUMBER || !ok || v < lo || v > hi)
		luaL_error(L, "run{}: %s['%s'] must be %s, a whole number from %d to %d", field, name, what, lo, hi);
	return (int)v;
}

/* shared = { name = number | { numbers } } */
static void one_shared(lua_State *L, coord_spec *s, const char *name)
{
	if (lua_type(L, -1) == LUA_TNUMBER) {
		double v = lua_tonumber(L, -1);
		add(L, s, COORD_SHARED, name, 0, &v, NULL);
		return;
	}
	if (!lua_istable(L, -1))
		luaL_error(L, "run{}: shared['%s'] must be a number or a list of numbers, not %s", name, luaL_typename(L, -1));
	lua_Integer n = luaL_len(L, -1);
	if (n < 1 || n > COORD_MAX_ARRAY)
		luaL_error(L, "run{}: shared['%s'] must have 1 to %d numbers, not %d", name, COORD_MAX_ARRAY, (int)n);
	double *v = lua_newuserdatauv(L, (size_t)n * sizeof *v, 0);   /* freed with the state */
	for (lua_Integer i = 1; i <= n; i++) {
		if (lua_geti(L, -2, i) != LUA_TNUMBER)
			luaL_error(L, "run{}: shared['%s'][%d] must be a number, not %s", name, (int)i, luaL_typename(L, -1));
		v[i - 1] = lua_tonumber(L, -1);
		lua_pop(L, 1);
	}
	add(L, s, COORD_SHARED, name, (int)n, v, NULL);
	lua_pop(L, 1);
}

/* One name = value entry of field (the value on top). */
static void one(lua_State *L, coord_spec *s, coord_kind kind, const char *field, const char *name, int nworkers)
{
	switch (kind) {
	case COORD_SHARED: one_shared(L, s, name); break;
	case COORD_SEMAPHORE:
		add(L, s, kind, name, whole(L, field, name, 0, COORD_MAX_COUNT, "its initial count"), NULL, NULL);
		break;
	case COORD_BARRIER: {
		int n = whole(L, field, name, 1, COORD_MAX_WORKERS, "the workers it waits for");
		if (n > nworkers)
			luaL_error(L, "run{}: barrier '%s' waits for %d workers, but the run has %d: it would never open",
				   name, n, nworkers);
		add(L, s, kind, name, n, NULL, NULL);
		break;
	}
	case COORD_QUEUE:
		add(L, s, kind, name, whole(L, field, name, 1, COORD_MAX_CAPACITY, "its capacity"), NULL, NULL);
		break;
	case COORD_CONDITION:
		if (lua_type(L, -1) != LUA_TSTRING)
			luaL_error(L, "run{}: conditions['%s'] must be the name of the lock it goes with", name);
		add(L, s, kind, name, 0, NULL, lua_tostring(L, -1));
		break;
	case COORD_LOCK: break;
	}
}

/* One field: locks is a list of names; barriers a list of names (each for
 * all the run's workers) and/or name = workers; the others name = value. */
static void field(lua_State *L, coord_spec *s, int t, coord_kind kind, const char *f, int nworkers)
{
	lua_getfield(L, t, f);
	if (lua_isnil(L, -1)) { lua_pop(L, 1); return; }
	if (!nworkers) luaL_error(L, "run{}: a 'command' run has no workers to share '%s' with", f);
	if (!lua_istable(L, -1))
		luaL_error(L, "run{}: '%s' must be a table%s", f, kind == COORD_LOCK ? " of names, like { \"A\", \"B\" }" : "");
	int ft = lua_gettop(L);
	lua_Integer len = luaL_len(L, ft);
	const char *names[COORD_MAX_BLOCKS + 1];
	int nn = 0;
	lua_pushnil(L);
	while (lua_next(L, ft)) {
		int listed = lua_isinteger(L, -2) && lua_tointeger(L, -2) >= 1 && lua_tointeger(L, -2) <= len;
		if (kind == COORD_LOCK || (kind == COORD_BARRIER && listed)) {
			if (!listed || lua_type(L, -1) != LUA_TSTRING)
				luaL_error(L, "run{}: '%s' must be a list of names, like { \"A\", \"B\" }", f);
			if (kind == COORD_LOCK) add(L, s, kind, lua_tostring(L, -1), 0, NULL, NULL);
			else add(L, s, kind, lua_tostring(L, -1), nworkers, NULL, NULL);
		} else {
			if (lua_type(L, -2) != LUA_TSTRING)
				luaL_error(L, "run{}: '%s' must be a table of name = value, like { %s }", f,
					   kind == COORD_SHARED ? "counter = 0" : kind == COORD_CONDITION ? "ready = \"A\""
					   : kind == COORD_QUEUE ? "jobs = 4" : kind == COORD_BARRIER ? "start = 4" : "slots = 2");
			if (nn > COORD_MAX_BLOCKS)
				luaL_error(L, "run{}: at most %d blocks (shared values, locks, ...) in a run", COORD_MAX_BLOCKS);
			names[nn++] = lua_tostring(L, -2);   /* alive while the table is on the stack */
		}
		lua_pop(L, 1);
	}
	qsort(names, (size_t)nn, sizeof *names, by_name);   /* a fixed order, whatever the hash's */
	for (int i = 0; i < nn; i++) {
		lua_getfield(L, ft, names[i]);
		one(L, s, kind, f, names[i], nworkers);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

coord_spec *lapi_coord_spec(lua_State *L, int t, int nworkers)
{
	t = lua_absindex(L, t);
	coord_spec **box = lua_newuserdatauv(L, sizeof *box, 0);
	*box = NULL;
	lua_createtable(L, 0, 1);
	lua_pushcfunction(L, box_gc);
	lua_setfield(L, -2, "__gc");
	lua_setmetatable(L, -2);
	*box = coord_spec_new();
	for (size_t i = 0; i < NDECLS; i++) field(L, *box, t, decls[i].kind, decls[i].field, nworkers);
	if (coord_spec_check(*box) < 0) luaL_error(L, "run{}: %s", (*box)->err);
	coord_spec *s = *box;
	*box = NULL;
	lua_pop(L, 1);
	if (s->nblocks == 0) { coord_spec_free(s); return NULL; }
	return s;
}
