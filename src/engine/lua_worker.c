/*
 * lua_worker.c: what a lesson's worker function sees. Runs only in the
 * runner's children (worker processes) or threads, never on the screen.
 * Each worker's print goes to its own pipe in one write per line.
 */
#include "engine/lua_api.h"
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

static int l_now(lua_State *L)
{
	lua_pushnumber(L, (double)(loop_now_ns() - worker_of(L)->start_ns) / 1e6);
	return 1;
}

static int msgh(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	lua_pushstring(L, msg ? msg : luaL_tolstring(L, 1, NULL));
	return 1;
}

/* Adds the worker API to the lesson env and calls the function on top. */
static int call_worker(lua_State *L, const run_worker *w)
{
	static const luaL_Reg api[] = { { "print", l_print }, { "eprint", l_eprint },
		{ "busy", l_busy }, { "sleep", l_sleep }, { "now", l_now }, { "crash", l_crash }, { NULL, NULL } };
	lua_pushlightuserdata(L, (void *)w);
	lua_setfield(L, LUA_REGISTRYINDEX, "parlab.worker");
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
	if (lua_pcall(L, 1, 0, -3) != LUA_OK) {
		size_t len;
		const char *m = lua_tolstring(L, -1, &len);
		write_all(w->err_fd, "error: ", 7);
		write_all(w->err_fd, m ? m : "?", m ? len : 1);
		write_all(w->err_fd, "\n", 1);
		return 1;
	}
	return 0;
}

int lapi_run_worker(lua_State *L, int ref, const run_worker *w)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
	return call_worker(L, w);
}

int lapi_run_worker_fresh(const char *path, int index, const run_worker *w)
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
		code = call_worker(L, w);
	}
	lapi_close(L);
	return code;
}
