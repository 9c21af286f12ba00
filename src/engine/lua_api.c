/*
 * lua_api.c: lessons as Lua. Lesson files run in a sandbox (text chunks
 * only, a small safe library, a memory cap and a time budget) and call the
 * step constructors below, which validate their fields on the spot so that
 * an error names the lesson's own file:line.
 */
#include "engine/lua_api.h"
#include "engine/markup.h"
#include "engine/quiz.h"
#include "trace/trace.h"
#include "util/loop.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LOAD_BUDGET_NS (3LL * 1000000000LL)   /* per lesson file */
#define MAX_PROCESSES 512   /* worker processes of one run */
#define MAX_THREADS 1024    /* worker threads of one run (COORD_MAX_WORKERS) */
#define MAX_ERRORS 100   /* kept per lesson file: a loop of mistakes says no more */

typedef struct { size_t used, cap; } mem_cap;

static void *cap_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	mem_cap *m = ud;
	if (!ptr) osize = 0;
	if (nsize == 0) {
		m->used -= osize;
		free(ptr);
		return NULL;
	}
	if (m->cap && nsize > osize && m->used + (nsize - osize) > m->cap) return NULL;
	void *p = realloc(ptr, nsize);
	if (p) m->used = m->used - osize + nsize;
	return p;
}

/* ---- helpers ----------------------------------------------------------- */

/* The lesson line that called the running constructor (set by guarded). */
static int caller_line(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, "parlab.line");
	int line = (int)lua_tointeger(L, -1);
	lua_pop(L, 1);
	return line;
}

/* ---- collected errors ------------------------------------------------------
 * A load goes on past an error: each constructor's first error, and each
 * error lesson{} finds across its steps, is kept in the registry list
 * parlab.errors as {line, "file:line: message"}; load_chunk fails at the
 * end with all of them, one per line, in line order. */

static void add_error(lua_State *L, int line, const char *msg)
{
	lua_getfield(L, LUA_REGISTRYINDEX, "parlab.src");
	const char *src = lua_tostring(L, -1);
	lua_getfield(L, LUA_REGISTRYINDEX, "parlab.errors");
	if (!lua_istable(L, -1) || lua_rawlen(L, -1) >= MAX_ERRORS) { lua_pop(L, 2); return; }
	lua_createtable(L, 2, 0);
	lua_pushinteger(L, line);
	lua_rawseti(L, -2, 1);
	lua_pushfstring(L, "%s:%d: %s", src ? src : "?", line, msg);
	lua_rawseti(L, -2, 2);
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	lua_pop(L, 2);
}

static void add_errorf(lua_State *L, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lua_pushvfstring(L, fmt, ap);
	va_end(ap);
	add_error(L, line, lua_tostring(L, -1));
	lua_pop(L, 1);
}

/* Edit distance of a and b (short names), capped. */
static int distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 31 || lb > 31) return 99;
	int d[32][32];
	for (size_t i = 0; i <= la; i++) d[i][0] = (int)i;
	for (size_t j = 0; j <= lb; j++) d[0][j] = (int)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < c) c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c) c = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < c)
				c = d[i - 2][j - 2] + 1;   /* two letters swapped */
			d[i][j] = c;
		}
	return d[la][lb];
}

const char *lapi_nearest(const char *word, const char *const *names)
{
	if (!word) return NULL;
	int best = 99;
	const char *pick = NULL;
	for (const char *const *n = names; *n; n++) {
		int d = distance(word, *n);
		if (d < best) { best = d; pick = *n; }
	}
	size_t len = strlen(word);
	return best <= (len <= 4 ? 1 : 2) && best < (int)len ? pick : NULL;
}

/* "; did you mean 'x'?" when word is close to one of names, else "". */
static const char *did_you_mean(lua_State *L, const char *word, const char *const *names)
{
	const char *n = lapi_nearest(word, names);
	if (!n) return "";
	lua_pushfstring(L, "; did you mean '%s'?", n);
	return lua_tostring(L, -1);   /* left on the stack until the error */
}

/* Errors on any string key of table idx not in allowed. */
static void check_fields(lua_State *L, int idx, const char *ctor, const char *const *allowed)
{
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING) continue;
		const char *k = lua_tostring(L, -1);
		int ok = 0;
		for (const char *const *a = allowed; *a; a++)
			if (!strcmp(*a, k)) ok = 1;
		if (!ok) {
			luaL_Buffer b;
			luaL_buffinit(L, &b);
			for (const char *const *a = allowed; *a; a++) {
				if (a != allowed) luaL_addstring(&b, ", ");
				luaL_addstring(&b, *a);
			}
			luaL_pushresult(&b);
			const char *list = lua_tostring(L, -1);
			luaL_error(L, "%s{}: unknown field '%s' (known: %s%s)", ctor, k, list, did_you_mean(L, k, allowed));
		}
	}
}

static const char *opt_string(lua_State *L, int idx, const char *field, const char *ctor)
{
	lua_getfield(L, idx, field);
	int t = lua_type(L, -1);
	lua_pop(L, 1);
	if (t == LUA_TNIL) return NULL;
	if (t != LUA_TSTRING) luaL_error(L, "%s{}: '%s' must be a string, not %s", ctor, field, lua_typename(L, t));
	lua_getfield(L, idx, field);
	const char *s = lua_tostring(L, -1);
	lua_pop(L, 1);   /* still referenced by the table */
	return s;
}

int lapi_opt_int(lua_State *L, int idx, const char *field, const char *ctor, int lo, int hi, int *out)
{
	lua_getfield(L, idx, field);
	if (lua_isnil(L, -1)) { lua_pop(L, 1); return 0; }
	int isnum;
	lua_Integer v = lua_tointegerx(L, -1, &isnum);
	lua_pop(L, 1);
	if (!isnum || v < lo || v > hi)
		luaL_error(L, "%s{}: '%s' must be a whole number from %d to %d", ctor, field, lo, hi);
	*out = (int)v;
	return 1;
}

/* Errors unless field is nil or an array of strings (min..max items). */
int lapi_check_list(lua_State *L, int idx, const char *field, const char *ctor, int min, int max)
{
	lua_getfield(L, idx, field);
	if (lua_isnil(L, -1)) { lua_pop(L, 1); return 0; }
	if (!lua_istable(L, -1)) luaL_error(L, "%s{}: '%s' must be a list of strings", ctor, field);
	int n = (int)luaL_len(L, -1);
	if (n < min || n > max) luaL_error(L, "%s{}: '%s' needs %d to %d items, has %d", ctor, field, min, max, n);
	for (int i = 1; i <= n; i++) {
		if (lua_geti(L, -1, i) != LUA_TSTRING)
			luaL_error(L, "%s{}: '%s'[%d] must be a string", ctor, field, i);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return n;
}

/* Starts the step table: {kind=kind, line=caller's line}. */
static void new_step(lua_State *L, const char *kind)
{
	lua_newtable(L);
	lua_pushstring(L, kind);
	lua_setfield(L, -2, "kind");
	lua_pushinteger(L, caller_line(L));
	lua_setfield(L, -2, "line");
}

/* Copies field from table src to the table on top of the stack. */
static void copy_field(lua_State *L, int src, const char *field)
{
	lua_getfield(L, src, field);
	lua_setfield(L, -2, field);
}

static const char *lesson_dir(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, "parlab.dir");
	const char *d = lua_tostring(L, -1);
	lua_pop(L, 1);
	return d ? d : ".";
}

/* Is name a file of the course folder (dir) a lesson may name? 0 when it
 * is; -1 when it lies outside it (an absolute path, "..", a link out of
 * it); -2 when there is no file by that name (errno says why). */
static int course_file(const char *dir, const char *name)
{
	int up = name[0] == '/' || !name[0];
	for (const char *p = name; !up && (p = strstr(p, "..")); p += 2)
		up = (p == name || p[-1] == '/') && (p[2] == '/' || !p[2]);
	if (up) return -1;
	char *path = xasprintf("%s/%s", dir, name);
	char *real = realpath(path, NULL);
	int e = errno;
	free(path);
	struct stat st;
	if (!real || stat(real, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (real) e = EISDIR;
		free(real);
		errno = e;
		return -2;
	}
	char *top = realpath(dir, NULL);
	int in = top && !strncmp(real, top, strlen(top)) && real[strlen(top)] == '/';
	free(real);
	free(top);
	return in ? 0 : -1;
}

#define OUTSIDE "is outside the course folder: name a file inside it, like data/input.csv"

/* Reads a course file; pushes its text. */
static void push_file(lua_State *L, const char *name, const char *ctor)
{
	if (course_file(lesson_dir(L), name) == -1) luaL_error(L, "%s{}: file '%s' " OUTSIDE, ctor, name);
	char *path = xasprintf("%s/%s", lesson_dir(L), name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		int e = errno;
		free(path);
		luaL_error(L, "%s{}: cannot read '%s': %s", ctor, name, strerror(e));
	}
	free(path);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) luaL_addlstring(&b, buf, n);
	fclose(f);
	luaL_pushresult(&b);
}

/* A run's 'files': each a file inside the course folder. */
static void check_files(lua_State *L, int idx)
{
	int n = lapi_check_list(L, idx, "files", "run", 0, 64);
	for (int i = 1; i <= n; i++) {
		lua_getfield(L, idx, "files");
		lua_geti(L, -1, i);
		const char *name = lua_tostring(L, -1);
		int rc = course_file(lesson_dir(L), name);
		if (rc == -1) luaL_error(L, "run{}: 'files'[%d] '%s' " OUTSIDE, i, name);
		if (rc == -2) luaL_error(L, "run{}: 'files'[%d]: cannot read '%s': %s", i, name, strerror(errno));
		lua_pop(L, 2);
	}
}

/* The markup of the text on top of the stack (engine/markup.h), popped;
 * an error names the field (what) and the text's line. */
static void check_markup_top(lua_State *L, const char *what, const char *ctor)
{
	if (lua_type(L, -1) == LUA_TSTRING) {
		markup *m = markup_parse(lua_tostring(L, -1));
		int line;
		const char *err = markup_error(m, &line);
		char why[512];
		int bad = err != NULL;
		snprintf(why, sizeof why, "%s", bad ? err : "");
		markup_free(m);   /* before the error leaves this function */
		if (bad) luaL_error(L, "%s{}: %s, its line %d: %s", ctor, what, line, why);
	}
	lua_pop(L, 1);
}

/* A text field's markup: the text is at idx (field NULL: said as 'body')
 * or in field of the table at idx. */
static void check_markup(lua_State *L, int idx, const char *field, const char *ctor)
{
	char what[64];
	snprintf(what, sizeof what, "'%s'", field ? field : "body");
	if (field) lua_getfield(L, idx, field);
	else lua_pushvalue(L, idx);
	check_markup_top(L, what, ctor);
}

/* The markup of each text of the list field of the table at idx. */
static void check_markup_list(lua_State *L, int idx, const char *field, const char *ctor)
{
	lua_getfield(L, idx, field);
	int n = lua_istable(L, -1) ? (int)luaL_len(L, -1) : 0;
	for (int i = 1; i <= n; i++) {
		char what[64];
		snprintf(what, sizeof what, "'%s'[%d]", field, i);
		lua_geti(L, -1, i);
		check_markup_top(L, what, ctor);
	}
	lua_pop(L, 1);
}

/* ---- constructors -------------------------------------------------------- */

static int l_text(lua_State *L)
{
	static const char *const fields[] = { "title", "body", NULL };
	if (lua_type(L, 1) == LUA_TSTRING) {
		check_markup(L, 1, NULL, "text");
		new_step(L, "text");
		lua_pushvalue(L, 1);
		lua_setfield(L, -2, "body");
		return 1;
	}
	luaL_argexpected(L, lua_istable(L, 1), 1, "string or table");
	check_fields(L, 1, "text", fields);
	opt_string(L, 1, "title", "text");
	lua_getfield(L, 1, "body");
	int bty = lua_type(L, -1);
	lua_pop(L, 1);
	if (bty == LUA_TNIL) luaL_error(L, "text{}: 'body' is missing");
	if (bty != LUA_TSTRING && bty != LUA_TFUNCTION)
		luaL_error(L, "text{}: 'body' must be a text or a function(runs) that returns one, not %s",
			   lua_typename(L, bty));
	check_markup(L, 1, "body", "text");
	new_step(L, "text");
	copy_field(L, 1, "title");
	copy_field(L, 1, "body");
	return 1;
}

static const char *lang_of(const char *name)
{
	const char *dot = name ? strrchr(name, '.') : NULL;
	if (!dot) return "text";
	if (!strcmp(dot, ".py")) return "python";
	if (!strcmp(dot, ".lua")) return "lua";
	if (!strcmp(dot, ".c") || !strcmp(dot, ".h")) return "c";
	if (!strcmp(dot, ".sh")) return "sh";
	return "text";
}

static int l_code(lua_State *L)
{
	static const char *const fields[] = { "file", "src", "title", "lang", NULL };
	luaL_argexpected(L, lua_istable(L, 1), 1, "table");
	check_fields(L, 1, "code", fields);
	const char *file = opt_string(L, 1, "file", "code");
	const char *src = opt_string(L, 1, "src", "code");
	const char *title = opt_string(L, 1, "title", "code");
	const char *lang = opt_string(L, 1, "lang", "code");
	if (!file == !src) luaL_error(L, "code{}: give exactly one of 'file' or 'src'");
	new_step(L, "code");
	if (file) push_file(L, file, "code");
	else lua_pushstring(L, src);
	lua_setfield(L, -2, "body");
	lua_pushstring(L, title ? title : file ? file : "listing");
	lua_setfield(L, -2, "title");
	lua_pushstring(L, lang ? lang : lang_of(file ? file : title));
	lua_setfield(L, -2, "lang");
	if (file) {
		lua_pushstring(L, file);
		lua_setfield(L, -2, "file");
	}
	return 1;
}

static void check_csv(lua_State *L, int idx)
{
	static const char *const fields[] = { "file", "rows", "column", "mean", NULL };
	lua_getfield(L, idx, "csv");
	if (lua_isnil(L, -1)) { lua_pop(L, 1); return; }
	if (!lua_istable(L, -1)) luaL_error(L, "run{}: 'csv' must be a table");
	int t = lua_gettop(L);
	check_fields(L, t, "run.csv", fields);
	const char *f = opt_string(L, t, "file", "run.csv");
	if (!f || strchr(f, '/')) luaL_error(L, "run.csv{}: 'file' must be a plain file name");
	int rows = 0;
	if (!lapi_opt_int(L, t, "rows", "run.csv", 2, 50000000, &rows)) luaL_error(L, "run.csv{}: 'rows' is missing");
	if (!opt_string(L, t, "column", "run.csv")) luaL_error(L, "run.csv{}: 'column' is missing");
	lua_getfield(L, t, "mean");
	if (!lua_isnumber(L, -1)) luaL_error(L, "run.csv{}: 'mean' must be a number");
	lua_pop(L, 2);
}

/* run{}'s command starts python3 (or python). */
static int python_command(lua_State *L, int t)
{
	lua_getfield(L, t, "command");
	int yes = 0;
	if (lua_istable(L, -1)) {
		lua_geti(L, -1, 1);
		const char *a = lua_tostring(L, -1);
		yes = a && (!strcmp(a, "python3") || !strcmp(a, "python"));
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return yes;
}

/* run{ dask_scheduler = "tcp://HOST:PORT" }: an existing cluster, for a
 * Python command that names dask.distributed among its modules. */
static void check_dask_scheduler(lua_State *L, int t)
{
	const char *a = opt_string(L, t, "dask_scheduler", "run");
	if (!a) return;
	char why[256];
	if (engine_dask_address_check(a, why, sizeof why) < 0) luaL_error(L, "run{}: 'dask_scheduler': %s", why);
	int named = 0;
	lua_getfield(L, t, "python");
	for (int i = 1; lua_istable(L, -1) && i <= (int)luaL_len(L, -1); i++) {
		lua_geti(L, -1, i);
		const char *m = lua_tostring(L, -1);
		named |= m && (!strcmp(m, "distributed") || !strcmp(m, "dask.distributed"));
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	if (!python_command(L, t) || !named)
		luaL_error(L, "run{}: 'dask_scheduler' is for a Python command that uses a Dask cluster: "
			   "command = { \"python3\", ... } with \"distributed\" in its 'python' list");
}

static int l_run(lua_State *L)
{
	static const char *const fields[] = { "title", "processes", "threads", "command", "worker",
		"timeout", "note", "files", "python", "start_method", "optional", "dask_scheduler", "csv", "baseline",
		"expect", "shared", "locks", "semaphores", "barriers", "conditions", "queues", "memory", "tasks", "stepper", "goal", NULL };
	luaL_argexpected(L, lua_istable(L, 1), 1, "table");
	check_fields(L, 1, "run", fields);
	const char *expect = opt_string(L, 1, "expect", "run");
	trace_end_kind ek;
	if (expect && engine_expect_lookup(expect, &ek) < 0)
		luaL_error(L, "run{}: 'expect' must be one of %s, not '%s'", engine_expect_names(), expect);
	if (expect && ek == TRACE_DEADLOCK) {   /* only the run's own blocks can deadlock, as parlab sees it */
		static const char *const waits[] = { "locks", "semaphores", "barriers", "conditions", "queues" };
		lua_getfield(L, 1, "stepper");
		int any = lua_toboolean(L, -1) && python_command(L, 1);   /* a stepped program's own locks and queues */
		lua_pop(L, 1);
		for (size_t i = 0; i < sizeof waits / sizeof *waits; i++) {
			lua_getfield(L, 1, waits[i]);
			any |= !lua_isnil(L, -1);
			lua_pop(L, 1);
		}
		if (!any)
			luaL_error(L, "run{}: expect = \"deadlock\" needs blocks its workers can wait on "
				   "(locks, semaphores, barriers, conditions or queues): parlab finds deadlocks on those");
	}
	opt_string(L, 1, "baseline", "run");
	opt_string(L, 1, "title", "run");
	lua_getfield(L, 1, "note");
	int nty = lua_type(L, -1);
	lua_pop(L, 1);
	if (nty != LUA_TNIL && nty != LUA_TSTRING && nty != LUA_TFUNCTION)
		luaL_error(L, "run{}: 'note' must be a text or a function(run, runs) that returns one, not %s",
			   lua_typename(L, nty));
	check_markup(L, 1, "note", "run");
	int np = 0, nt = 0;
	int has_p = lapi_opt_int(L, 1, "processes", "run", 1, MAX_PROCESSES, &np);
	int has_t = lapi_opt_int(L, 1, "threads", "run", 1, MAX_THREADS, &nt);
	int has_c = lapi_check_list(L, 1, "command", "run", 1, 64) > 0;
	if (has_p + has_t + has_c != 1)
		luaL_error(L, "run{}: give exactly one of 'processes', 'threads' or 'command'");
	lua_getfield(L, 1, "worker");
	int has_w = lua_isfunction(L, -1);
	if (!lua_isnil(L, -1) && !has_w) luaL_error(L, "run{}: 'worker' must be a function");
	lua_pop(L, 1);
	if ((has_p || has_t) && !has_w) luaL_error(L, "run{}: 'worker' function is missing");
	if (has_c && has_w) luaL_error(L, "run{}: a 'command' run takes no 'worker'");
	lua_getfield(L, 1, "timeout");
	if (!lua_isnil(L, -1) && (!lua_isnumber(L, -1) || lua_tonumber(L, -1) <= 0 || lua_tonumber(L, -1) > 3600))
		luaL_error(L, "run{}: 'timeout' must be seconds, more than 0 and at most 3600");
	lua_pop(L, 1);
	lua_getfield(L, 1, "memory");
	if (!lua_isnil(L, -1) && (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < RUN_MEMORY_MIN_MB ||
				  lua_tointeger(L, -1) > RUN_MEMORY_MAX_MB))
		luaL_error(L, "run{}: 'memory' is the run's memory limit in MiB: a whole number from %d to %d",
			   RUN_MEMORY_MIN_MB, RUN_MEMORY_MAX_MB);
	lua_pop(L, 1);
	int lim;
	lapi_opt_int(L, 1, "tasks", "run", 1, RUN_TASKS_MAX, &lim);
	check_files(L, 1);
	lapi_check_list(L, 1, "python", "run", 0, 32);
	const char *sm = opt_string(L, 1, "start_method", "run");
	if (sm && strcmp(sm, "fork") && strcmp(sm, "spawn") && strcmp(sm, "forkserver"))
		luaL_error(L, "run{}: 'start_method' must be \"fork\", \"spawn\" or \"forkserver\", not '%s'", sm);
	if (sm && !python_command(L, 1))
		luaL_error(L, "run{}: 'start_method' is for a Python command (command = { \"python3\", ... })");
	lua_getfield(L, 1, "stepper");
	int sty = lua_type(L, -1), stepped = lua_toboolean(L, -1);
	if (sty != LUA_TNIL && sty != LUA_TBOOLEAN && (sty != LUA_TSTRING || strcmp(lua_tostring(L, -1), "allow"))) {
		if (sty == LUA_TSTRING)
			luaL_error(L, "run{}: 'stepper' must be true, false or \"allow\" (it runs freely; step runs it stepped), not '%s'",
				   lua_tostring(L, -1));
		luaL_error(L, "run{}: 'stepper' must be true, false or \"allow\" (it runs freely; step runs it stepped), not %s",
			   lua_typename(L, sty));
	}
	lua_pop(L, 1);
	if (stepped && has_c && !python_command(L, 1))
		luaL_error(L, "run{}: a command's program is stepped only when it is Python (the helper makes its locks, "
			   "values and queues step points)");
	lapi_check_goal(L, 1, has_p ? np : nt, stepped);
	lua_getfield(L, 1, "optional");
	int oty = lua_type(L, -1), opt = lua_toboolean(L, -1);
	lua_pop(L, 1);
	if (oty != LUA_TNIL && oty != LUA_TBOOLEAN)
		luaL_error(L, "run{}: 'optional' must be true or false, not %s", lua_typename(L, oty));
	if (opt && (!python_command(L, 1) || lapi_check_list(L, 1, "python", "run", 0, 32) < 1))
		luaL_error(L, "run{}: 'optional' is for a Python command that names its modules (python = { ... })");
	check_dask_scheduler(L, 1);
	check_csv(L, 1);
	coord_spec_free(lapi_coord_spec(L, 1, has_c ? 0 : has_p ? np : nt));   /* checked here, kept by run_to_c */
	new_step(L, "run");
	for (const char *const *f = fields; *f; f++) copy_field(L, 1, *f);
	return 1;
}

/* string.find(s, pattern) in L, protected: 1 match, 0 none, -1 malformed. */
int lapi_find(lua_State *L, const char *s, const char *pattern)
{
	int top = lua_gettop(L);
	luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	lua_getfield(L, -1, LUA_STRLIBNAME);
	int rc = -1;
	if (lua_istable(L, -1) && lua_getfield(L, -1, "find") == LUA_TFUNCTION) {
		lua_pushstring(L, s);
		lua_pushstring(L, pattern);
		if (lua_pcall(L, 2, 1, 0) == LUA_OK) rc = !lua_isnil(L, -1);
	}
	lua_settop(L, top);
	return rc;
}

/* predict and observe come together; the run gives the answer, so a
 * predict question has none of its own. 1 when it is one. */
static int check_predict(lua_State *L, quiz_type t)
{
	const char *run = opt_string(L, 1, "predict", "quiz");
	lua_getfield(L, 1, "observe");
	int obs = lua_type(L, -1);
	lua_pop(L, 1);
	if (obs != LUA_TNIL && obs != LUA_TFUNCTION)
		luaL_error(L, "quiz{}: 'observe' must be a function(run, prediction, runs), not %s", lua_typename(L, obs));
	if (!run && obs == LUA_TNIL) return 0;
	if (!run) luaL_error(L, "quiz{}: 'observe' goes with 'predict', the title of the run that judges the answer");
	if (obs == LUA_TNIL)
		luaL_error(L, "quiz{}: a 'predict' question needs 'observe', a function that says what the run showed");
	quiz_check_predict(L, t);
	return 1;
}

/* A question from a run: from = "Run title" with answer = function(run,
 * runs); its list and tolerance as a predict question's. 1 when it is one. */
static int check_from(lua_State *L, quiz_type t, int fn)
{
	const char *run = opt_string(L, 1, "from", "quiz");
	if (!run && !fn) return 0;
	if (!run) luaL_error(L, "quiz{}: 'answer' is a function only with 'from', the title of the earlier run it reads");
	if (!fn) luaL_error(L, "quiz{}: a question 'from' a run needs 'answer' = function(run, runs) returning the right answer");
	lua_getfield(L, 1, "predict");
	int pr = !lua_isnil(L, -1);
	lua_pop(L, 1);
	if (pr) luaL_error(L, "quiz{}: a question has 'from' or 'predict', not both");
	for (const char *const *f = (const char *const[]){ "accept", "patterns", NULL }; *f; f++) {
		lua_getfield(L, 1, *f);
		int given = !lua_isnil(L, -1);
		lua_pop(L, 1);
		if (given) luaL_error(L, "quiz{}: a question 'from' a run takes no '%s': its answer function gives the answer", *f);
	}
	quiz_check_predict(L, t);   /* its list and tolerance as a predict question's */
	return 1;
}

/* (run, prediction, runs) -> answer(run, runs): a question's answer
 * function called the way observe is (lapi_observe). */
static int from_answer_call(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 3);
	lua_call(L, 2, 2);
	return 2;
}

/* quiz{}: the fields every question has here; its type's own fields
 * through the question-type table (quiz.c). */
static int l_quiz(lua_State *L)
{
	static const char *const common[] = { "q", "id", "type", "retries", "explain", "hints", "predict", "observe", "from" };
	const char *fields[32];   /* common, then what the types take (quiz.c) */
	size_t n = 0;
	for (size_t i = 0; i < sizeof common / sizeof *common; i++) fields[n++] = common[i];
	for (const char *const *f = quiz_fields(); *f && n < sizeof fields / sizeof *fields - 1; f++) fields[n++] = *f;
	fields[n] = NULL;
	luaL_argexpected(L, lua_istable(L, 1), 1, "table");
	check_fields(L, 1, "quiz", fields);
	if (!opt_string(L, 1, "q", "quiz")) luaL_error(L, "quiz{}: the question 'q' is missing");
	opt_string(L, 1, "explain", "quiz");
	opt_string(L, 1, "id", "quiz");   /* progress keys answers by it (engine_step_key) */
	check_markup(L, 1, "explain", "quiz");
	check_markup(L, 1, "q", "quiz");
	const char *type = opt_string(L, 1, "type", "quiz");
	quiz_type t;
	if (quiz_lookup(type, &t) < 0) {
		const char *names[16];
		int k = 0;
		for (int i = 0; i <= (int)QUIZ_ORDER && k < 15; i++)
			if ((names[k] = quiz_name((quiz_type)i))) k++;
		names[k] = NULL;
		luaL_error(L, "quiz{}: unknown type '%s' (known: %s%s)", type, quiz_names(), did_you_mean(L, type, names));
	}
	lua_getfield(L, 1, "answer");
	int afn = lua_gettop(L);   /* a question from a run: its answer function, */
	if (lua_isfunction(L, afn)) {   /* set aside while the type's fields are checked */
		lua_pushnil(L);
		lua_setfield(L, 1, "answer");
	}
	quiz_check_fields(L, t);
	int r = 0;
	lapi_opt_int(L, 1, "retries", "quiz", 1, 20, &r);
	if (check_from(L, t, lua_isfunction(L, afn))) {
		lua_pushvalue(L, afn);
		lua_setfield(L, 1, "answer");   /* copied into the step below */
	} else if (!check_predict(L, t)) {
		quiz_check_answer(L, t);
	}
	lua_pop(L, 1);
	lapi_check_list(L, 1, "hints", "quiz", 0, 9);
	check_markup_list(L, 1, "hints", "quiz");
	check_markup_list(L, 1, "choices", "quiz");
	new_step(L, "quiz");
	for (const char *const *f = fields; *f; f++) copy_field(L, 1, *f);
	return 1;
}

/* Is item j of the lesson table at 1 a run titled title? */
static int is_run_titled(lua_State *L, int j, const char *title)
{
	lua_geti(L, 1, j);
	int found = 0;
	if (lua_istable(L, -1)) {
		lua_getfield(L, -1, "kind");
		lua_getfield(L, -2, "title");
		found = lua_type(L, -2) == LUA_TSTRING && !strcmp(lua_tostring(L, -2), "run") &&
			lua_type(L, -1) == LUA_TSTRING && !strcmp(lua_tostring(L, -1), title);
		lua_pop(L, 2);
	}
	lua_pop(L, 1);
	return found;
}

/* Step i (on top of the stack): a run's baseline must name an earlier run
 * of the same lesson, a question's predict a later one, its from an
 * earlier one; said at its line. */
static void check_titles(lua_State *L, int i, int n)
{
	int line = lapi_field_int(L, -1, "line", 0);
	lua_getfield(L, -1, "baseline");
	const char *b = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
	int found = 0;
	for (int j = 1; b && !found && j < i; j++) found = is_run_titled(L, j, b);
	if (b && !found) add_errorf(L, line, "run{}: baseline '%s' is not the title of an earlier run", b);
	lua_pop(L, 1);
	lua_getfield(L, -1, "predict");
	const char *p = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
	found = 0;
	for (int j = i + 1; p && !found && j <= n; j++) found = is_run_titled(L, j, p);
	if (p && !found) add_errorf(L, line, "quiz{}: predict '%s' is not the title of a later run in this lesson", p);
	lua_pop(L, 1);
	lua_getfield(L, -1, "from");
	const char *f = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
	found = 0;
	for (int j = 1; f && !found && j < i; j++) found = is_run_titled(L, j, f);
	if (f && !found) add_errorf(L, line, "quiz{}: from '%s' is not the title of an earlier run in this lesson", f);
	lua_pop(L, 1);
}

static int l_lesson(lua_State *L)
{
	luaL_argexpected(L, lua_istable(L, 1), 1, "table");
	static const char *const fields[] = { "title", "must_answer", NULL };
	check_fields(L, 1, "lesson", fields);
	int line = caller_line(L);
	lua_getfield(L, 1, "must_answer");
	int ma = lua_type(L, -1);
	lua_pop(L, 1);
	if (ma != LUA_TNIL && ma != LUA_TBOOLEAN) add_errorf(L, line, "lesson{}: 'must_answer' must be true or false");
	lua_getfield(L, 1, "title");
	int tty = lua_type(L, -1);
	lua_pop(L, 1);
	if (tty == LUA_TNIL) add_errorf(L, line, "lesson{}: 'title' is missing");
	else if (tty != LUA_TSTRING)
		add_errorf(L, line, "lesson{}: 'title' must be a string, not %s", lua_typename(L, tty));
	int n = (int)luaL_len(L, 1);
	if (n == 0) add_errorf(L, line, "lesson{}: it has no steps (text, code, run or quiz)");
	for (int i = 1; i <= n; i++) {
		int ok = lua_geti(L, 1, i) == LUA_TTABLE;
		if (ok) {
			lua_getfield(L, -1, "kind");
			ok = lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), "lesson");
			lua_pop(L, 1);
		}
		if (!ok) add_errorf(L, line, "lesson{}: item %d is not a step (use text, code, run or quiz)", i);
		else check_titles(L, i, n);
		lua_pop(L, 1);
	}
	lua_pushstring(L, "lesson");
	lua_setfield(L, 1, "kind");
	lua_settop(L, 1);
	return 1;
}

static int l_course(lua_State *L)
{
	luaL_argexpected(L, lua_istable(L, 1), 1, "table");
	static const char *const fields[] = { "title", "lessons", NULL };
	check_fields(L, 1, "course", fields);
	if (!opt_string(L, 1, "title", "course")) luaL_error(L, "course{}: 'title' is missing");
	if (!lapi_check_list(L, 1, "lessons", "course", 1, 200)) luaL_error(L, "course{}: 'lessons' is missing");
	lua_pushstring(L, "course");
	lua_setfield(L, 1, "kind");
	lua_settop(L, 1);
	return 1;
}

/* ---- constructors, guarded ----------------------------------------------- */

static const char *const step_kinds[] = { "text", "code", "run", "quiz", "lesson", "course", NULL };

static int is_overtime(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, "parlab.deadline");
	lua_Integer deadline = lua_tointeger(L, -1);
	lua_pop(L, 1);
	return deadline && loop_now_ns() > deadline;
}

/* The error's text with "to '?'" (a constructor called through guarded
 * has no name of its own) said as "to 'kind'". */
static void name_in_error(lua_State *L, const char *kind)
{
	const char *m = lua_tostring(L, -1);
	const char *q = m ? strstr(m, " to '?'") : NULL;
	if (!q) return;
	lua_pushlstring(L, m, (size_t)(q - m));
	lua_pushfstring(L, " to '%s'%s", kind, q + 7);
	lua_concat(L, 2);
	lua_remove(L, -2);
}

/* A step that stands for one in error: kind, line and (for predict and
 * baseline) the title; the load fails at the end anyway. */
static void push_placeholder(lua_State *L, int arg, const char *kind, int line)
{
	lua_newtable(L);
	lua_pushstring(L, kind);
	lua_setfield(L, -2, "kind");
	lua_pushinteger(L, line);
	lua_setfield(L, -2, "line");
	lua_pushboolean(L, 1);
	lua_setfield(L, -2, "invalid");
	if (arg && lua_istable(L, arg)) {
		lua_getfield(L, arg, "title");
		if (lua_type(L, -1) == LUA_TSTRING) lua_setfield(L, -2, "title");
		else lua_pop(L, 1);
	}
}

/* Calls constructor upvalue 1 (kind: upvalue 2) with the lesson line in
 * parlab.line; an error in it is kept (add_error) and a placeholder step
 * returned, so that the load goes on to the file's other errors. Outside
 * a load (a worker, a note) a constructor is an error. */
static int guarded(lua_State *L)
{
	const char *kind = lua_tostring(L, lua_upvalueindex(2));
	lua_getfield(L, LUA_REGISTRYINDEX, "parlab.errors");
	int loading = lua_istable(L, -1);
	lua_pop(L, 1);
	if (!loading)
		return luaL_error(L, "%s{}: steps are made while the lesson file loads, not in a worker, a note or observe",
				  kind);
	lua_Debug ar;
	int line = 0;
	if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar) && ar.currentline > 0) line = ar.currentline;
	lua_getfield(L, LUA_REGISTRYINDEX, "parlab.line");
	lua_Integer outer = lua_tointeger(L, -1);
	lua_pop(L, 1);
	lua_pushinteger(L, line);
	lua_setfield(L, LUA_REGISTRYINDEX, "parlab.line");
	int n = lua_gettop(L);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	int rc = lua_pcall(L, n, 1, 0);
	lua_pushinteger(L, outer);
	lua_setfield(L, LUA_REGISTRYINDEX, "parlab.line");
	if (rc == LUA_OK) return 1;
	if (rc != LUA_ERRRUN || is_overtime(L)) return lua_error(L);
	if (!lua_isstring(L, -1)) { lua_pushliteral(L, "error"); lua_remove(L, -2); }
	name_in_error(L, kind);
	add_error(L, line, lua_tostring(L, -1));
	lua_pop(L, 1);
	push_placeholder(L, 1, kind, line);
	return 1;
}

/* A step kind misspelt at a lesson's top level (quizz { ... }): answers
 * the call with a clear error and a placeholder step. */
static int unknown_step(lua_State *L)
{
	const char *name = lua_tostring(L, lua_upvalueindex(1));
	const char *near = lua_tostring(L, lua_upvalueindex(2));
	lua_Debug ar;
	int line = 0;
	if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar) && ar.currentline > 0) line = ar.currentline;
	add_errorf(L, line, "unknown step kind '%s' (known: text, code, run, quiz, lesson, course; did you mean '%s'?)",
		   name, near);
	push_placeholder(L, 1, near, line);
	return 1;
}

/* The lesson env's __index: nil as for any table, except while a lesson
 * file loads, where a name close to a step kind stands for that mistake. */
static int env_index(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, "parlab.errors");
	int loading = lua_istable(L, -1);
	lua_pop(L, 1);
	const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : NULL;
	const char *near = loading && k ? lapi_nearest(k, step_kinds) : NULL;
	if (!near) { lua_pushnil(L); return 1; }
	lua_pushvalue(L, 2);
	lua_pushstring(L, near);
	lua_pushcclosure(L, unknown_step, 2);
	return 1;
}

/* ---- sandbox -------------------------------------------------------------- */

static void budget_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	lua_getfield(L, LUA_REGISTRYINDEX, "parlab.deadline");
	lua_Integer deadline = lua_tointeger(L, -1);
	lua_pop(L, 1);
	if (deadline && loop_now_ns() > deadline) {
		lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);   /* every instruction fails now: pcall cannot save it */
		luaL_where(L, 0);   /* in a hook, level 0 is the running lesson code */
		lua_getfield(L, LUA_REGISTRYINDEX, "parlab.overtime");
		lua_concat(L, 2);
		lua_error(L);
	}
}

void lapi_budget(lua_State *L, int64_t ns, const char *what)
{
	lua_pushinteger(L, loop_now_ns() + ns);
	lua_setfield(L, LUA_REGISTRYINDEX, "parlab.deadline");
	lua_pushstring(L, what);
	lua_setfield(L, LUA_REGISTRYINDEX, "parlab.overtime");
	lua_sethook(L, budget_hook, LUA_MASKCOUNT, 10000);
}

void lapi_budget_off(lua_State *L)
{
	lua_sethook(L, NULL, 0, 0);
}

lua_State *lapi_newstate(size_t cap)
{
	mem_cap *m = xcalloc(1, sizeof *m);   /* freed by lapi_close */
	m->cap = cap;
	lua_State *L = lua_newstate(cap_alloc, m);
	if (!L) { free(m); return NULL; }
	luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
	luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
	luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
	lua_settop(L, 0);
	return L;
}

/* setmetatable without __gc: Lua runs finalizers with hooks off, so a
 * finalizer could loop forever past every time budget. */
static int l_setmetatable(lua_State *L)
{
	int t = lua_type(L, 2);
	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
	if (t == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		int gc = lua_rawget(L, 2) != LUA_TNIL;
		lua_pop(L, 1);
		if (gc) return luaL_error(L, "setmetatable: lessons cannot use __gc finalizers");
	}
	if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL) return luaL_error(L, "cannot change a protected metatable");
	lua_settop(L, 2);
	lua_setmetatable(L, 1);
	return 1;
}

/* Pushes the environment lesson chunks run in: a copy of the safe globals
 * plus the constructors. Kept in the registry and shared by all lessons. */
static void push_env(lua_State *L)
{
	if (lua_getfield(L, LUA_REGISTRYINDEX, "parlab.env") == LUA_TTABLE) return;
	lua_pop(L, 1);
	static const char *const safe[] = { "assert", "error", "ipairs", "next", "pairs", "pcall",
		"rawequal", "rawget", "rawlen", "rawset", "select", "setmetatable", "getmetatable",
		"tonumber", "tostring", "type", "xpcall", "string", "table", "math", "utf8", NULL };
	static const luaL_Reg ctors[] = { { "text", l_text }, { "code", l_code }, { "run", l_run },
		{ "quiz", l_quiz }, { "lesson", l_lesson }, { "course", l_course }, { NULL, NULL } };
	lua_newtable(L);
	lua_pushglobaltable(L);
	for (const char *const *s = safe; *s; s++) {
		lua_getfield(L, -1, *s);
		lua_setfield(L, -3, *s);
	}
	lua_pop(L, 1);
	for (const luaL_Reg *c = ctors; c->name; c++) {
		lua_pushcfunction(L, c->func);
		lua_pushstring(L, c->name);
		lua_pushcclosure(L, guarded, 2);
		lua_setfield(L, -2, c->name);
	}
	lua_createtable(L, 0, 1);
	lua_pushcfunction(L, env_index);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
	lua_pushcfunction(L, l_setmetatable);
	lua_setfield(L, -2, "setmetatable");
	lua_pushinteger(L, engine_ncpu());
	lua_setfield(L, -2, "ncpu");
	lua_pushvalue(L, -1);
	lua_setfield(L, LUA_REGISTRYINDEX, "parlab.env");
}

static int traceback(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	if (!msg) msg = luaL_tolstring(L, 1, NULL);
	lua_pushstring(L, msg);
	return 1;
}

static int by_line(const void *a, const void *b)
{
	const long *x = a, *y = b;
	return x[0] != y[0] ? (x[0] < y[0] ? -1 : 1) : (x[1] < y[1] ? -1 : x[1] > y[1]);
}

/* The line of a "src:line: ..." message, or a line past every other. */
static long line_of(const char *src, const char *msg)
{
	size_t n = strlen(src);
	if (!msg || strncmp(msg, src, n) || msg[n] != ':') return 1L << 30;
	char *end;
	long line = strtol(msg + n + 1, &end, 10);
	return end > msg + n + 1 && *end == ':' ? line : 1L << 30;
}

/* Replaces the stack's top (the load's own error, or nil if it had none)
 * with every error of the load, one per line, in line order; 0 when there
 * are none and the top was nil (then popped). */
static int all_errors(lua_State *L, const char *src)
{
	int top = lua_gettop(L);
	lua_getfield(L, LUA_REGISTRYINDEX, "parlab.errors");
	int n = lua_istable(L, -1) ? (int)lua_rawlen(L, -1) : 0;
	int own = !lua_isnil(L, top);
	if (!n) { lua_settop(L, top); if (!own) lua_pop(L, 1); return own; }
	long (*order)[2] = xcalloc((size_t)n + 1, sizeof *order);
	for (int i = 1; i <= n; i++) {
		lua_rawgeti(L, -1, i);
		lua_rawgeti(L, -1, 1);
		order[i - 1][0] = (long)lua_tointeger(L, -1);
		order[i - 1][1] = i;
		lua_pop(L, 2);
	}
	int m = n;
	if (own) { order[m][0] = line_of(src, lua_tostring(L, top)); order[m][1] = 0; m++; }
	qsort(order, (size_t)m, sizeof *order, by_line);
	luaL_Buffer b;
	luaL_buffinit(L, &b);   /* the list stays at top + 1 */
	for (int i = 0; i < m; i++) {
		if (i) luaL_addchar(&b, '\n');
		if (order[i][1] == 0) lua_pushvalue(L, top);
		else {
			lua_rawgeti(L, top + 1, order[i][1]);
			lua_rawgeti(L, -1, 2);
			lua_remove(L, -2);
		}
		luaL_addvalue(&b);
	}
	if (n >= MAX_ERRORS) {
		lua_pushfstring(L, "\n%s: more errors, not shown (the first %d are)", src, MAX_ERRORS);
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	free(order);
	lua_replace(L, top);
	lua_settop(L, top);
	return 1;
}

/* Runs a text chunk from path in the lesson env; one result on the stack,
 * or -1 and every error of the file (all_errors). */
static int load_chunk(lua_State *L, const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash) *slash = '\0'; else strcpy(dir, ".");
	lua_pushstring(L, dir);
	lua_setfield(L, LUA_REGISTRYINDEX, "parlab.dir");
	free(dir);

	lua_pushcfunction(L, traceback);
	int h = lua_gettop(L);
	int rc = luaL_loadfilex(L, path, "t");
	if (rc != LUA_OK) {
		lua_remove(L, h);
		if (rc == LUA_ERRFILE) {
			lua_pushfstring(L, "%s:0: cannot read the file: %s", path, strerror(errno));
			lua_remove(L, -2);
		}
		return -1;
	}
	lua_Debug ar;
	lua_pushvalue(L, -1);
	lua_getinfo(L, ">S", &ar);
	lua_pushstring(L, ar.short_src);
	lua_setfield(L, LUA_REGISTRYINDEX, "parlab.src");
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "parlab.errors");
	push_env(L);
	lua_setupvalue(L, -2, 1);
	lapi_budget(L, LOAD_BUDGET_NS, "the lesson took too long to load (an endless loop?)");
	rc = lua_pcall(L, 0, 1, h);
	lapi_budget_off(L);
	lua_remove(L, h);
	if (rc == LUA_ERRMEM || (rc != LUA_OK && lua_isstring(L, -1) && !strcmp(lua_tostring(L, -1), "not enough memory"))) {
		lua_pop(L, 1);
		lua_pushfstring(L, "%s:0: the lesson used too much memory while loading", path);
		rc = LUA_ERRMEM;
	}
	if (rc == LUA_OK) lua_pushnil(L);   /* the load's own error: none */
	int failed = rc == LUA_ERRMEM ? 1 : all_errors(L, ar.short_src);
	lua_pushnil(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "parlab.errors");
	if (failed) {
		if (rc == LUA_OK) lua_remove(L, -2);   /* the lesson table */
		return -1;
	}
	return 0;
}

static int expect_kind(lua_State *L, const char *path, const char *kind)
{
	int ok = lua_istable(L, -1);
	if (ok) {
		lua_getfield(L, -1, "kind");
		ok = lua_type(L, -1) == LUA_TSTRING && !strcmp(lua_tostring(L, -1), kind);
		lua_pop(L, 1);
	}
	if (ok) return 0;
	lua_pop(L, 1);
	lua_pushfstring(L, "%s:0: the file must end with 'return %s { ... }'", path, kind);
	return -1;
}

/* The load's errors (the top, one a line) as a terminal may show them: a
 * lesson's error("\27[2J") or bytes that are not UTF-8 quoted in a message
 * reach check's and batch's stderr inert (trace_sanitize each line; a line
 * is cut at 4 KiB). Returns -1. */
static int errors_inert(lua_State *L)
{
	size_t n;
	const char *s = lua_tolstring(L, -1, &n);
	if (!s) return -1;
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	char line[4096];
	for (const char *p = s, *end = s + n;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		luaL_addlstring(&b, line, trace_sanitize(line, sizeof line, p, len));
		if (!nl) break;
		luaL_addchar(&b, '\n');
		p = nl + 1;
	}
	luaL_pushresult(&b);
	lua_replace(L, -2);
	return -1;
}

int lapi_load_lesson(lua_State *L, const char *path)
{
	if (load_chunk(L, path) < 0 || expect_kind(L, path, "lesson") < 0) return errors_inert(L);
	return 0;
}

int lapi_load_course(lua_State *L, const char *path, char **title, char ***files)
{
	if (load_chunk(L, path) < 0 || expect_kind(L, path, "course") < 0) return errors_inert(L);
	lua_getfield(L, -1, "title");
	*title = xstrdup(lua_tostring(L, -1));
	lua_pop(L, 1);
	lua_getfield(L, -1, "lessons");
	int n = (int)luaL_len(L, -1);
	*files = xcalloc((size_t)n + 1, sizeof **files);
	for (int i = 1; i <= n; i++) {
		lua_geti(L, -1, i);
		(*files)[i - 1] = xstrdup(lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	lua_pop(L, 2);
	return 0;
}

/* ---- lesson table to C --------------------------------------------------- */

static char *field_dup(lua_State *L, int idx, const char *field)
{
	lua_getfield(L, idx, field);
	char *s = lua_isstring(L, -1) ? xstrdup(lua_tostring(L, -1)) : NULL;
	lua_pop(L, 1);
	return s;
}

char **lapi_field_list(lua_State *L, int idx, const char *field, int *count)
{
	lua_getfield(L, idx, field);
	if (!lua_istable(L, -1)) { lua_pop(L, 1); if (count) *count = 0; return NULL; }
	int n = (int)luaL_len(L, -1);
	char **v = xcalloc((size_t)n + 1, sizeof *v);
	for (int i = 1; i <= n; i++) {
		lua_geti(L, -1, i);
		v[i - 1] = xstrdup(lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	if (count) *count = n;
	return v;
}

int lapi_field_int(lua_State *L, int idx, const char *field, int dflt)
{
	lua_getfield(L, idx, field);
	int v = lua_isnumber(L, -1) ? (int)lua_tointeger(L, -1) : dflt;
	lua_pop(L, 1);
	return v;
}

char *lapi_expand(char *s)
{
	if (!s) return s;
	const char *key = "${ncpu}";
	char num[16];
	snprintf(num, sizeof num, "%d", engine_ncpu());
	char *p;
	while ((p = strstr(s, key))) {
		*p = '\0';
		char *t = xasprintf("%s%s%s", s, num, p + strlen(key));
		free(s);
		s = t;
	}
	return s;
}

static void run_to_c(lua_State *L, int t, step *s)
{
	if (!s->title) s->title = xstrdup("Run");
	lua_getfield(L, t, "note");
	if (lua_isfunction(L, -1)) {
		s->note_fn = luaL_ref(L, LUA_REGISTRYINDEX);
	} else {
		lua_pop(L, 1);
		s->note = lapi_expand(field_dup(L, t, "note"));
	}
	s->timeout_ms = 30000;
	lua_getfield(L, t, "timeout");
	if (lua_isnumber(L, -1)) s->timeout_ms = (int)(lua_tonumber(L, -1) * 1000);
	lua_pop(L, 1);
	char *expect = field_dup(L, t, "expect");
	s->expect = TRACE_FINISHED;
	if (expect) engine_expect_lookup(expect, &s->expect);   /* checked at the call */
	free(expect);
	if ((s->nworkers = lapi_field_int(L, t, "processes", 0)) > 0) s->rkind = RUN_PROCESSES;
	else if ((s->nworkers = lapi_field_int(L, t, "threads", 0)) > 0) s->rkind = RUN_THREADS;
	else { s->rkind = RUN_COMMAND; s->nworkers = 1; }
	s->memory_mb = lapi_field_int(L, t, "memory", 0);
	s->max_tasks = lapi_field_int(L, t, "tasks", 0);
	s->argv = lapi_field_list(L, t, "command", NULL);
	s->python = lapi_field_list(L, t, "python", NULL);
	s->start_method = field_dup(L, t, "start_method");
	lua_getfield(L, t, "optional");
	s->optional = lua_toboolean(L, -1);
	lua_pop(L, 1);
	lua_getfield(L, t, "stepper");
	s->stepper = lua_type(L, -1) == LUA_TSTRING ? STEPPER_ALLOW : lua_toboolean(L, -1) ? STEPPER_ON : STEPPER_OFF;
	lua_pop(L, 1);
	lapi_goal_to_c(L, t, s);
	s->dask_scheduler = field_dup(L, t, "dask_scheduler");
	s->files = lapi_field_list(L, t, "files", NULL);
	s->baseline = field_dup(L, t, "baseline");
	s->coord = lapi_coord_spec(L, t, s->rkind == RUN_COMMAND ? 0 : s->nworkers);
	lua_getfield(L, t, "worker");
	s->ref = lua_isfunction(L, -1) ? luaL_ref(L, LUA_REGISTRYINDEX) : (lua_pop(L, 1), LUA_NOREF);
	lua_getfield(L, t, "csv");
	if (lua_istable(L, -1)) {
		int c = lua_gettop(L);
		s->csv_file = field_dup(L, c, "file");
		s->csv_column = field_dup(L, c, "column");
		s->csv_rows = lapi_field_int(L, c, "rows", 0);
		lua_getfield(L, c, "mean");
		s->csv_mean = lua_tonumber(L, -1);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

static void free_strings(char **v)
{
	for (char **p = v; p && *p; p++) free(*p);
	free(v);
}

/* The fields every question has; quiz_to_c adds its type's own. */
static void question_to_c(lua_State *L, int st, step *s)
{
	char *type = field_dup(L, st, "type");
	quiz_lookup(type, &s->qtype);   /* checked at the call */
	free(type);
	s->hints = lapi_field_list(L, st, "hints", &s->nhints);
	for (int i = 0; i < s->nhints; i++) s->hints[i] = lapi_expand(s->hints[i]);
	s->explain = lapi_expand(field_dup(L, st, "explain"));
	s->id = field_dup(L, st, "id");
	s->retries = lapi_field_int(L, st, "retries", 2);
	s->predict = lapi_expand(field_dup(L, st, "predict"));
	lua_getfield(L, st, "observe");
	s->observe = lua_isfunction(L, -1) ? luaL_ref(L, LUA_REGISTRYINDEX) : (lua_pop(L, 1), LUA_NOREF);
	s->from = lapi_expand(field_dup(L, st, "from"));
	lua_getfield(L, st, "answer");
	if (s->from && lua_isfunction(L, -1)) {
		lua_pushcclosure(L, from_answer_call, 1);
		s->observe = luaL_ref(L, LUA_REGISTRYINDEX);
	} else {
		lua_pop(L, 1);
	}
	quiz_to_c(L, st, s);
	for (char **c = s->choices; c && *c; c++) *c = lapi_expand(*c);
	for (char **h = s->hints; h && *h; h++) *h = lapi_expand(*h);
}

int lapi_lesson_to_c(lua_State *L, const char *path, lesson *l)
{
	int t = lua_gettop(L);
	memset(l, 0, sizeof *l);
	l->file = xstrdup(path);
	l->title = field_dup(L, t, "title");
	l->nsteps = (int)luaL_len(L, t);
	l->steps = xcalloc((size_t)l->nsteps, sizeof *l->steps);
	for (int i = 0; i < l->nsteps; i++) {
		step *s = &l->steps[i];
		lua_geti(L, t, i + 1);
		int st = lua_gettop(L);
		char *kind = field_dup(L, st, "kind");
		s->kind = !strcmp(kind, "text") ? STEP_TEXT : !strcmp(kind, "code") ? STEP_CODE
			: !strcmp(kind, "run") ? STEP_RUN : STEP_QUIZ;
		free(kind);
		s->file = l->file;
		s->line = lapi_field_int(L, st, "line", 0);
		s->index = i + 1;
		s->ref = s->observe = s->note_fn = LUA_NOREF;
		s->title = lapi_expand(field_dup(L, st, "title"));
		lua_getfield(L, st, "body");
		if (s->kind == STEP_TEXT && lua_isfunction(L, -1)) {
			s->note_fn = luaL_ref(L, LUA_REGISTRYINDEX);   /* written from the runs when shown */
			s->body = xstrdup("");
		} else {
			lua_pop(L, 1);
			s->body = lapi_expand(field_dup(L, st, s->kind == STEP_QUIZ ? "q" : "body"));
		}
		s->lang = field_dup(L, st, "lang");
		if (s->kind == STEP_RUN) run_to_c(L, st, s);
		if (s->kind == STEP_QUIZ) question_to_c(L, st, s);
		lua_settop(L, t);
	}
	/* A command run without 'files' gets the lesson's code files. */
	char **code = xcalloc((size_t)l->nsteps + 1, sizeof *code);
	int ncode = 0;
	for (int i = 0; i < l->nsteps; i++)
		if (l->steps[i].kind == STEP_CODE) {
			lua_geti(L, t, i + 1);
			char *f = field_dup(L, lua_gettop(L), "file");
			for (int k = 0; f && k < ncode; k++)
				if (!strcmp(code[k], f)) { free(f); f = NULL; }
			if (f) code[ncode++] = f;
			lua_pop(L, 1);
		}
	for (int i = 0; i < l->nsteps; i++) {
		step *r = &l->steps[i];
		if (r->kind != STEP_RUN || r->rkind != RUN_COMMAND || r->files || !ncode) continue;
		r->files = xcalloc((size_t)ncode + 1, sizeof *r->files);
		for (int k = 0; k < ncode; k++) r->files[k] = xstrdup(code[k]);
	}
	free_strings(code);
	for (int i = 0; i < l->nsteps; i++) {
		step *q = &l->steps[i];
		for (int j = i + 1; q->predict && !q->predicts && j < l->nsteps; j++)
			if (l->steps[j].kind == STEP_RUN && l->steps[j].title && !strcmp(l->steps[j].title, q->predict))
				q->predicts = &l->steps[j];
		for (int j = i - 1; q->from && j >= 0; j--)
			if (l->steps[j].kind == STEP_RUN && l->steps[j].title && !strcmp(l->steps[j].title, q->from)) {
				q->from_run = &l->steps[j];
				break;
			}
	}
	lua_getfield(L, t, "must_answer");
	l->must_answer = lua_toboolean(L, -1);
	lua_pop(L, 1);
	lua_settop(L, t - 1);
	return 0;
}

void lapi_set_mem_cap(lua_State *L, size_t cap)
{
	void *ud;
	lua_getallocf(L, &ud);
	mem_cap *m = ud;
	if (m) m->cap = cap ? m->used + cap : 0;
}

void lapi_close(lua_State *L)
{
	if (!L) return;
	void *ud;
	lua_getallocf(L, &ud);
	lua_close(L);
	free(ud);
}
