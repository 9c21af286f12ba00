/*
 * lua_worker.c: what a lesson's worker function sees. Runs only in the
 * runner's children (worker processes) or threads, never on the screen.
 * Each worker's print goes to its own pipe in one write per line.
 */
#include "engine/lua_api.h"
#include "engine/coord_events.h"
#include "engine/coord_step.h"
#include "util/loop.h"

#include <errno.h>
#include <lauxlib.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const run_worker *worker_of(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, "parlab.worker");
	const run_worker *w = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return w;
}

static void write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, s, n);
		if (k < 0 && errno == EINTR) continue;
		if (k <= 0) return;
		s += k;
		n -= (size_t)k;
	}
}

/* print/eprint: Lua's print, but one write per line to this worker's pipe. */
static void point(lua_State *L, sp_op op);

static int print_to(lua_State *L, int fd)
{
	int n = lua_gettop(L);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (int i = 1; i <= n; i++) {
		if (i > 1) luaL_addchar(&b, '\t');
		luaL_tolstring(L, i, NULL);
		luaL_addvalue(&b);
	}
	luaL_addchar(&b, '\n');
	luaL_pushresult(&b);
	size_t len;
	const char *s = lua_tolstring(L, -1, &len);
	point(L, SP_PRINT);
	write_all(fd, s, len);
	return 0;
}

static int l_print(lua_State *L) { return print_to(L, worker_of(L)->out_fd); }
static int l_eprint(lua_State *L) { return print_to(L, worker_of(L)->err_fd); }

static int64_t thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* busy(ms): burns ms of this thread's CPU time. Counting CPU time, not
 * wall time, is the point: with more busy workers than CPUs each one
 * takes longer, which is what the lanes should show. */
static int l_busy(lua_State *L)
{
	double ms = luaL_checknumber(L, 1);
	luaL_argcheck(L, ms >= 0 && ms <= 600000, 1, "milliseconds from 0 to 600000");
	int64_t until = thread_cpu_ns() + (int64_t)(ms * 1e6);
	volatile unsigned long x = 0;
	while (thread_cpu_ns() < until)
		for (int i = 0; i < 20000; i++) x += (unsigned long)i * 2654435761u;
	(void)x;
	return 0;
}

static int l_sleep(lua_State *L)
{
	double ms = luaL_checknumber(L, 1);
	luaL_argcheck(L, ms >= 0 && ms <= 600000, 1, "milliseconds from 0 to 600000");
	struct timespec ts = { (time_t)(ms / 1000), (long)(((int64_t)(ms * 1e6)) % 1000000000LL) };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
	return 0;
}

/* crash(): a real crash (SIGSEGV), to show what happens to the run. In a
 * thread it takes the whole process down, which is the lesson. */
static int l_crash(lua_State *L)
{
	(void)L;
	raise(SIGSEGV);
	return 0;
}

static coord_step *step_of(lua_State *L);

/* now(): ms since the run started; in a stepped run its logical time
 * instead, the steps the whole run took so far (1 step = 1 ms), so the
 * same schedule reads the same values (coord_step_count). */
static int l_now(lua_State *L)
{
	coord_step *s = step_of(L);
	if (s) lua_pushinteger(L, (lua_Integer)coord_step_count(s));   /* a count: prints as 7, not 7.0 */
	else lua_pushnumber(L, (double)(loop_now_ns() - worker_of(L)->start_ns) / 1e6);
	return 1;
}

/* ---- the run's blocks (coord.h): shared values, locks, semaphores,
 * barriers, conditions, queues. Each function names its block; a wrong
 * name, kind, index or value is a Lua error at the worker's line. ---- */

static coord *coord_of(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, "parlab.coord");
	coord *c = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return c;
}

/* The stepper's gate of a stepped run (coord_step.h), else NULL: every
 * call below on a block is then a step point. */
static coord_step *step_of(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, "parlab.step");
	coord_step *s = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return s;
}

static int me(lua_State *L);

/* A step point for print and mark (the blocks' calls have theirs). */
static void point(lua_State *L, sp_op op)
{
	coord_step *s = step_of(L);
	if (!s) return;
	sp_action a = { op, -1, 0, 0, 0 };
	coord_step_point(s, me(L), &a);
}

/* "A, B" or "none": the names of the blocks of kind k (and k2). */
static void push_names(lua_State *L, const coord *c, coord_kind k, coord_kind k2)
{
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	int n = 0;
	for (int i = 0; c && i < coord_nblocks(c); i++) {
		if (coord_kind_of(c, i) != k && coord_kind_of(c, i) != k2) continue;
		if (n++) luaL_addstring(&b, ", ");
		luaL_addstring(&b, coord_name(c, i));
	}
	if (!n) luaL_addstring(&b, "none");
	luaL_pushresult(&b);
}

/* The block named by argument 1, of kind k (or k2); raises otherwise. */
static int block2(lua_State *L, const char *fn, coord_kind k, coord_kind k2)
{
	const char *name = luaL_checkstring(L, 1);
	coord *c = coord_of(L);
	int b = c ? coord_find(c, name) : -1;
	const char *what = k == k2 ? coord_kind_name(k) : "barrier or a condition";
	if (b < 0) {
		if (k == k2) {
			push_names(L, c, k, k2);
			luaL_error(L, "no %s named '%s' in this run (%s: %s)", what, name, coord_kind_plural(k),
				   lua_tostring(L, -1));
		}
		push_names(L, c, k, k);
		push_names(L, c, k2, k2);
		luaL_error(L, "no barrier or condition named '%s' in this run (barriers: %s; conditions: %s)", name,
			   lua_tostring(L, -2), lua_tostring(L, -1));
	}
	if (coord_kind_of(c, b) != k && coord_kind_of(c, b) != k2)
		luaL_error(L, "%s: '%s' is a %s, not a %s", fn, name, coord_kind_name(coord_kind_of(c, b)), what);
	return b;
}

static int block(lua_State *L, const char *fn, coord_kind k) { return block2(L, fn, k, k); }

/* Whole numbers come back as integers (shared values are doubles). */
static void push_num(lua_State *L, double v)
{
	if (v >= -9007199254740992.0 && v <= 9007199254740992.0 && (double)(lua_Integer)v == v)
		lua_pushinteger(L, (lua_Integer)v);
	else
		lua_pushnumber(L, v);
}

/* A shared value's index: for an array, argument at (1-based) is required
 * and *next is the argument after it; for one value there is none. */
static int value_index(lua_State *L, const char *fn, int b, int *next)
{
	coord *c = coord_of(L);
	int n = coord_size(c, b);
	const char *name = coord_name(c, b);
	if (n == 0) { *next = 2; return 0; }
	*next = 3;
	if (!lua_isinteger(L, 2))
		luaL_error(L, "%s: '%s' is a list of %d values: give an index from 1 to %d", fn, name, n, n);
	lua_Integer i = lua_tointeger(L, 2);
	if (i < 1 || i > n) luaL_error(L, "%s: '%s' has values 1 to %d, not %d", fn, name, n, (int)i);
	return (int)i - 1;
}

/* get(name [, i]) */
static int l_get(lua_State *L)
{
	int b = block(L, "get", COORD_SHARED), next;
	int i = value_index(L, "get", b, &next);
	if (!lua_isnone(L, next)) luaL_error(L, "get: '%s' is one value: get(\"%s\")", coord_name(coord_of(L), b),
					      coord_name(coord_of(L), b));
	push_num(L, coord_step_get(step_of(L), coord_of(L), me(L), b, i));
	return 1;
}

/* set(name, [i,] v) */
static int l_set(lua_State *L)
{
	int b = block(L, "set", COORD_SHARED), next;
	int i = value_index(L, "set", b, &next);
	if (lua_type(L, next) != LUA_TNUMBER)
		luaL_error(L, "set: '%s' holds numbers, not %s", coord_name(coord_of(L), b), luaL_typename(L, next));
	coord_step_set(step_of(L), coord_of(L), me(L), b, i, lua_tonumber(L, next));
	return 0;
}

/* add_racy's lost update, shown where it happened: a mark on this
 * worker's lane for the first LOST_MARKS per block (run.blocks counts
 * them all); more would bury the lanes. */
#define LOST_MARKS 8
static void lost_mark(lua_State *L, int b, double lost)
{
	static _Thread_local unsigned char shown[COORD_MAX_BLOCKS];   /* a worker's own, in a thread or a process */
	if (lost <= 0 || b < 0 || b >= COORD_MAX_BLOCKS || shown[b] >= LOST_MARKS) return;   /* < 0: another racy write set it back */
	shown[b]++;
	char text[96];
	snprintf(text, sizeof text, "lost update: overwrote %+g that others added to %s", lost, coord_name(coord_of(L), b));
	cev_mark(me(L), text);
}

/* add_racy / add_atomic(name, [i,] [d = 1]): the value written. */
static int add(lua_State *L, const char *fn, int racy)
{
	int b = block(L, fn, COORD_SHARED), next;
	int i = value_index(L, fn, b, &next);
	double d = 1;
	if (!lua_isnoneornil(L, next)) {
		if (lua_type(L, next) != LUA_TNUMBER)
			luaL_error(L, "%s: adds a number to '%s', not %s", fn, coord_name(coord_of(L), b), luaL_typename(L, next));
		d = lua_tonumber(L, next);
	}
	double lost = 0, v = coord_step_add(step_of(L), coord_of(L), me(L), b, i, d, racy, &lost);
	lost_mark(L, b, lost);
	push_num(L, v);
	return 1;
}

static int l_add_racy(lua_State *L) { return add(L, "add_racy", 1); }
static int l_add_atomic(lua_State *L) { return add(L, "add_atomic", 0); }

static int me(lua_State *L) { return worker_of(L)->id; }

static int l_lock(lua_State *L)
{
	int b = block(L, "lock", COORD_LOCK);
	if (coord_step_lock(step_of(L), coord_of(L), me(L), b, 0) == COORD_EHELD)
		luaL_error(L, "lock: w%d already holds lock '%s' (waiting for it would be waiting for itself)", me(L),
			   coord_name(coord_of(L), b));
	return 0;
}

static int l_try_lock(lua_State *L)
{
	int b = block(L, "try_lock", COORD_LOCK);
	lua_pushboolean(L, coord_step_lock(step_of(L), coord_of(L), me(L), b, 1) == COORD_OK);
	return 1;
}

static void not_held(lua_State *L, const char *fn, int lk)
{
	coord *c = coord_of(L);
	int h = coord_holder(c, lk);
	if (h < 0) luaL_error(L, "%s: w%d does not hold lock '%s' (nobody does)", fn, me(L), coord_name(c, lk));
	luaL_error(L, "%s: w%d does not hold lock '%s' (w%d does)", fn, me(L), coord_name(c, lk), h);
}

static int l_unlock(lua_State *L)
{
	int b = block(L, "unlock", COORD_LOCK);
	if (coord_step_unlock(step_of(L), coord_of(L), me(L), b) != COORD_OK) not_held(L, "unlock", b);
	return 0;
}

/* with_lock(name, f, ...): f(...) holding the lock; its results. The lock
 * is released when f raises an error too (which goes on). */
static int l_with_lock(lua_State *L)
{
	int b = block(L, "with_lock", COORD_LOCK);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	coord *c = coord_of(L);
	if (coord_step_lock(step_of(L), c, me(L), b, 0) == COORD_EHELD)
		luaL_error(L, "with_lock: w%d already holds lock '%s'", me(L), coord_name(c, b));
	int base = 1;
	int rc = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0);
	if (coord_holder(c, b) == me(L)) coord_step_unlock(step_of(L), c, me(L), b);
	if (rc != LUA_OK) return lua_error(L);
	return lua_gettop(L) - base;
}

static int l_acquire(lua_State *L)
{
	coord_step_acquire(step_of(L), coord_of(L), me(L), block(L, "acquire", COORD_SEMAPHORE));
	return 0;
}

static int l_release(lua_State *L)
{
	coord_step_release(step_of(L), coord_of(L), me(L), block(L, "release", COORD_SEMAPHORE));
	return 0;
}

/* wait(barrier): the arrival order (1..n); wait(condition): nothing. */
static int l_wait(lua_State *L)
{
	int b = block2(L, "wait", COORD_BARRIER, COORD_CONDITION);
	coord *c = coord_of(L);
	if (coord_kind_of(c, b) == COORD_BARRIER) {
		lua_pushinteger(L, coord_step_barrier(step_of(L), c, me(L), b));
		return 1;
	}
	if (coord_step_cond_wait(step_of(L), c, me(L), b) != COORD_OK) not_held(L, "wait", coord_cond_lock(c, b));
	return 0;
}

static int notify(lua_State *L, const char *fn, int all)
{
	int b = block(L, fn, COORD_CONDITION);
	coord *c = coord_of(L);
	if (coord_step_notify(step_of(L), c, me(L), b, all) != COORD_OK) not_held(L, fn, coord_cond_lock(c, b));
	return 0;
}

static int l_notify(lua_State *L) { return notify(L, "notify", 0); }
static int l_notify_all(lua_State *L) { return notify(L, "notify_all", 1); }

static int l_put(lua_State *L)
{
	int b = block(L, "put", COORD_QUEUE);
	coord *c = coord_of(L);
	coord_value v = { 0 };
	switch (lua_type(L, 2)) {
	case LUA_TNUMBER: v.type = COORD_NUMBER; v.num = lua_tonumber(L, 2); break;
	case LUA_TBOOLEAN: v.type = COORD_BOOLEAN; v.num = lua_toboolean(L, 2); break;
	case LUA_TSTRING: {
		const char *s = lua_tolstring(L, 2, &v.len);
		if (v.len > COORD_MAX_STRING)
			luaL_error(L, "put: '%s' holds values up to %d bytes, not %d", coord_name(c, b), COORD_MAX_STRING,
				   (int)v.len);
		v.type = COORD_STRING;
		memcpy(v.str, s, v.len);
		break;
	}
	default:
		luaL_error(L, "put: '%s' holds numbers, strings and booleans, not %s", coord_name(c, b), luaL_typename(L, 2));
	}
	coord_step_put(step_of(L), c, me(L), b, &v);
	return 0;
}

static int l_take(lua_State *L)
{
	coord_value v;
	coord_step_take(step_of(L), coord_of(L), me(L), block(L, "take", COORD_QUEUE), &v);
	if (v.type == COORD_STRING) lua_pushlstring(L, v.str, v.len);
	else if (v.type == COORD_BOOLEAN) lua_pushboolean(L, v.num != 0);
	else push_num(L, v.num);
	return 1;
}

/* mark(text): a mark on this worker's lane, now (coord_events.h). */
static int l_mark(lua_State *L)
{
	size_t len;
	const char *text = luaL_checklstring(L, 1, &len);
	luaL_argcheck(L, len <= CEV_TEXT - 1, 1, "a mark's text has at most 119 bytes");
	point(L, SP_MARK);
	cev_mark(me(L), text);
	return 0;
}

static int msgh(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	lua_pushstring(L, msg ? msg : luaL_tolstring(L, 1, NULL));
	return 1;
}

/* Adds the worker API to the lesson env and calls the function on top. */
static int call_worker(lua_State *L, const run_worker *w, coord *co, coord_step *st)
{
	static const luaL_Reg api[] = { { "print", l_print }, { "eprint", l_eprint },
		{ "busy", l_busy }, { "sleep", l_sleep }, { "now", l_now }, { "crash", l_crash },
		{ "get", l_get }, { "set", l_set }, { "add_racy", l_add_racy }, { "add_atomic", l_add_atomic },
		{ "lock", l_lock }, { "unlock", l_unlock }, { "try_lock", l_try_lock }, { "with_lock", l_with_lock },
		{ "acquire", l_acquire }, { "release", l_release }, { "wait", l_wait },
		{ "notify", l_notify }, { "notify_all", l_notify_all }, { "put", l_put }, { "take", l_take },
		{ "mark", l_mark }, { NULL, NULL } };
	lua_pushlightuserdata(L, (void *)w);
	lua_setfield(L, LUA_REGISTRYINDEX, "parlab.worker");
	lua_pushlightuserdata(L, co);
	lua_setfield(L, LUA_REGISTRYINDEX, "parlab.coord");
	lua_pushlightuserdata(L, st);
	lua_setfield(L, LUA_REGISTRYINDEX, "parlab.step");
	lua_getfield(L, LUA_REGISTRYINDEX, "parlab.env");
	if (lua_istable(L, -1)) luaL_setfuncs(L, api, 0);
	lua_pop(L, 1);

	lua_pushcfunction(L, msgh);
	lua_insert(L, -2);
	lua_createtable(L, 0, 4);
	lua_pushinteger(L, w->id); lua_setfield(L, -2, "id");
	lua_pushinteger(L, w->n); lua_setfield(L, -2, "n");
	lua_pushinteger(L, getpid()); lua_setfield(L, -2, "pid");
	lua_pushinteger(L, (lua_Integer)syscall(SYS_gettid)); lua_setfield(L, -2, "tid");
	lapi_set_mem_cap(L, w->mem_limit);   /* the run's memory limit holds for each worker */
	int rc = lua_pcall(L, 1, 0, -3);
	coord_step_end(st, w->id);   /* (an error too: it does no more steps) */
	cev_flush();   /* a lock it still holds is drawn held */
	if (rc == LUA_ERRMEM && w->mem_limit) {
		lapi_set_mem_cap(L, 0);
		char msg[160];
		int n = snprintf(msg, sizeof msg, "error: w%d used more memory than this run's limit of %zu MiB: stopped\n",
				 w->id, w->mem_limit >> 20);
		write_all(w->err_fd, msg, n > 0 && (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
		return 1;
	}
	if (rc != LUA_OK) {
		size_t len;
		const char *m = lua_tolstring(L, -1, &len);
		write_all(w->err_fd, "error: ", 7);
		write_all(w->err_fd, m ? m : "?", m ? len : 1);
		write_all(w->err_fd, "\n", 1);
		return 1;
	}
	return 0;
}

int lapi_run_worker(lua_State *L, int ref, const run_worker *w, coord *co, coord_step *st)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
	return call_worker(L, w, co, st);
}

int lapi_run_worker_fresh(const char *path, int index, const run_worker *w, coord *co, coord_step *st)
{
	lua_State *L = lapi_newstate(0);
	if (!L) return 1;
	int code = 1;
	if (lapi_load_lesson(L, path) < 0) {
		const char *m = lua_tostring(L, -1);
		write_all(w->err_fd, m, strlen(m));
		write_all(w->err_fd, "\n", 1);
	} else {
		lua_geti(L, -1, index);
		lua_getfield(L, -1, "worker");
		code = call_worker(L, w, co, st);
	}
	lapi_close(L);
	return code;
}
