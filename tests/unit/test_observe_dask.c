/* observe's run.dask (lua_observe.c): a hand-built trace with Dask's task
 * stream (a worker of the run and a remote one, tasks on three threads,
 * one still open at the end, a transfer from a known worker and one from
 * a peer the trace does not know) seen by a lesson's note function field
 * by field; a run without Dask has empty tables. */
#include "engine/lua_api.h"
#include "check.h"

#include <lauxlib.h>
#include <stdlib.h>

#define MS 1000000LL

/* Every field of run.dask, one line each, prefixes sorted. */
static const char dump_src[] =
	"return function(run)\n"
	"  local d, out = run.dask, {}\n"
	"  for i, w in ipairs(d.workers) do\n"
	"    out[#out + 1] = ('w%d %s [%s] %d %s %s threads=%d tasks=%d busy=%.1f'):format(i, w.addr, w.name, w.pid,\n"
	"      tostring(w['local']), w.where, w.threads, w.tasks, w.busy_ms)\n"
	"  end\n"
	"  for _, k in ipairs(d.tasks) do\n"
	"    out[#out + 1] = ('k %d %d %s %s %.1f %.1f'):format(k.worker, k.thread, k.prefix, k.key, k.start_ms, k.ms)\n"
	"  end\n"
	"  for _, x in ipairs(d.transfers) do\n"
	"    out[#out + 1] = ('x %s %d %d %.1f %.1f %s'):format(tostring(x.from), x.to, x.bytes, x.start_ms, x.ms, x.key)\n"
	"  end\n"
	"  local ps = {}\n"
	"  for p, n in pairs(d.prefixes) do ps[#ps + 1] = p .. '=' .. n end\n"
	"  table.sort(ps)\n"
	"  out[#out + 1] = 'prefixes ' .. table.concat(ps, ',') .. ' ntasks ' .. d.ntasks\n"
	"  return table.concat(out, '\\n')\n"
	"end\n";

static char *dump(lua_State *L, int fn, const trace *t)
{
	char *err = NULL, *text = NULL;
	int ref = lapi_summary(L, t, 0, LUA_NOREF, &err);
	CHECK(ref != LUA_NOREF && !err);
	if (ref == LUA_NOREF) { fprintf(stderr, "summary: %s\n", err); free(err); return NULL; }
	int rc = lapi_note(L, fn, ref, NULL, NULL, 0, &text, &err);
	CHECK(rc == 0 && text);
	if (rc) { fprintf(stderr, "note: %s\n", err); free(err); }
	lapi_unref(L, ref);
	return text;
}

int main(void)
{
	lua_State *L = lapi_newstate(64u << 20);
	CHECK(L != NULL);
	if (!L) return CHECK_DONE();
	CHECK(luaL_loadstring(L, dump_src) == LUA_OK && lua_pcall(L, 0, 1, 0) == LUA_OK);
	int fn = luaL_ref(L, LUA_REGISTRYINDEX);

	trace *t = trace_new("dask", 0);
	trace_set_ncpu(t, 2);
	int p = trace_task_add(t, 300, 300, 1, -1, "python3");
	trace_task_add(t, 300, 301, 1, -1, NULL);
	trace_slice_add(t, p, 0, 50 * MS, TS_RUNNING, 0);
	int w0 = trace_dworker_add(t, "tcp://127.0.0.1:41271", "0", 300, 2, 1);
	int w1 = trace_dworker_add(t, "tcp://10.0.0.2:9000", "", 77, 1, 0);
	trace_dtask_add(t, w0, 301, 0, 10 * MS, "getitem", "('getitem-ab', 0)");
	trace_dtask_add(t, w1, 9, 5 * MS, 15 * MS, "getitem", "('getitem-ab', 1)");
	trace_dtask_add(t, w0, 301, 20 * MS, 25 * MS, "series-mean", "('series-mean-cd', 0)");
	trace_dtask_add(t, w0, 302, 30 * MS, -1, "series-sum-agg", "('series-sum-agg-ef', 0)");   /* open: ends with the run */
	trace_dxfer_add(t, w1, w0, 16 * MS, 18 * MS, 32, "('getitem-ab', 1)");
	trace_dxfer_add(t, -1, w0, 19 * MS, 19 * MS, 0, "peer");
	trace_finish_as(t, 50 * MS, TRACE_FINISHED, "finished: exit 0");

	char *s = dump(L, fn, t);
	if (s) {
		CHECK_CONTAINS(s, "w1 tcp://127.0.0.1:41271 [0] 300 true process 300 of this run threads=2 tasks=3 busy=35.0\n");
		CHECK_CONTAINS(s, "w2 tcp://10.0.0.2:9000 [] 77 false on another machine threads=1 tasks=1 busy=10.0\n");
		CHECK_CONTAINS(s, "\nk 1 301 getitem ('getitem-ab', 0) 0.0 10.0\n");
		CHECK_CONTAINS(s, "\nk 2 9 getitem ('getitem-ab', 1) 5.0 10.0\n");
		CHECK_CONTAINS(s, "\nk 1 301 series-mean ('series-mean-cd', 0) 20.0 5.0\n");
		CHECK_CONTAINS(s, "\nk 1 302 series-sum-agg ('series-sum-agg-ef', 0) 30.0 20.0\n");
		CHECK_CONTAINS(s, "\nx 2 1 32 16.0 2.0 ('getitem-ab', 1)\n");
		CHECK_CONTAINS(s, "\nx nil 1 0 19.0 0.0 peer\n");
		CHECK_CONTAINS(s, "\nprefixes getitem=2,series-mean=1,series-sum-agg=1 ntasks 4");
	}
	free(s);
	trace_free(t);

	t = trace_new("no dask", 0);   /* empty tables, never nil */
	trace_finish_as(t, MS, TRACE_FINISHED, "finished: exit 0");
	s = dump(L, fn, t);
	if (s) CHECK_STR(s, "prefixes  ntasks 0");
	free(s);
	trace_free(t);
	luaL_unref(L, LUA_REGISTRYINDEX, fn);
	lapi_close(L);
	return CHECK_DONE();
}
