/*
 * engine_run.c: running the current run step. A run gets a scratch folder
 * of its own (the runner works in it; it is removed with the run) and is
 * handed to src/run with callbacks that execute on the runner's side:
 * nothing of a lesson's work happens in this process. When it ends, its
 * figures are kept for the runs that name it as their baseline, and the
 * predictions on it are judged (engine_predict.c).
 */
#include "engine/engine_int.h"
#include "engine/coord_events.h"
#include "trace/trace_stats.h"
#include "engine/lua_api.h"
#include "engine/prepare.h"
#include "engine/pystep.h"
#include "engine/sched_gate.h"
#include "run/proto.h"
#include "util/procfs.h"
#include "util/xmalloc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- how a run is expected to end ---------------------------------------------------- */

/* run{ expect = "..." }: the ends a lesson can declare. One row each; an
 * end that is not TRACE_FINISHED is then no failure, and run.c's words say
 * "as this step expects". */
static const struct {
	const char *name;
	trace_end_kind kind;
} expects[] = {
	{ "finish", TRACE_FINISHED },
	{ "timeout", TRACE_TIMED_OUT },
	{ "deadlock", TRACE_DEADLOCK },   /* run.c stops a deadlocked run at once */
	{ "crash", TRACE_CRASHED },       /* a worker dies of a signal */
};
#define NEXPECTS ((int)(sizeof expects / sizeof *expects))

int engine_expect_lookup(const char *name, trace_end_kind *kind)
{
	for (int i = 0; name && i < NEXPECTS; i++)
		if (!strcmp(expects[i].name, name)) { *kind = expects[i].kind; return 0; }
	return -1;
}

const char *engine_expect_name(trace_end_kind kind)
{
	for (int i = 0; i < NEXPECTS; i++)
		if (expects[i].kind == kind) return expects[i].name;
	return NULL;
}

const char *engine_expect_names(void)
{
	static char buf[128];
	if (!*buf)
		for (int i = 0; i < NEXPECTS; i++)
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? ", " : "", expects[i].name);
	return buf;
}

/* ---- the scratch folder ---------------------------------------------------------- */

/* nftw: removes each entry, the folder's contents before the folder. */
static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	remove(path);
	return 0;
}

/* Removes a scratch folder and whatever a run left in it; frees the path. */
static void remove_scratch(char *path)
{
	if (!path) return;
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(path);
}

/* Removes the last run's scratch folder. */
static void drop_scratch(engine *e)
{
	remove_scratch(e->scratch);
	e->scratch = NULL;
}

static const char *scratch_parent(void)
{
	const char *tmp = getenv("TMPDIR");
	return tmp && *tmp ? tmp : "/tmp";
}

/* When process pid started (clock ticks after boot, /proc's field 22), or
 * -1 when there is no such process. */
static long long started_at(long pid)
{
	char buf[512];
	long long t;
	return procfs_stat((pid_t)pid, 0, buf, sizeof buf) && procfs_stat_field(buf, 22, &t) == 0 ? t : -1;
}

/* Whether the process that made a folder named with pid (and, in newer
 * names, its start time: a pid used again is another process) runs still. */
static int maker_alive(long pid, long long start)
{
	char buf[512], comm[32];
	if (start >= 0) return started_at(pid) == start;
	return procfs_stat((pid_t)pid, 0, buf, sizeof buf) && procfs_stat_comm(buf, comm, sizeof comm) == 0 &&
	       !strncmp(comm, "parlab", 6);   /* "parlab", or a runner that outlived it: not yet */
}

void eng_scratch_sweep(void)
{
	DIR *d = opendir(scratch_parent());
	if (!d) return;
	struct dirent *de;
	while ((de = readdir(d))) {
		long pid = 0;
		long long start = -1;
		int n = 0;
		if (strncmp(de->d_name, "parlab-run-", 11)) continue;
		int named = sscanf(de->d_name, "parlab-run-%ld-%n", &pid, &n) == 1 && n && pid > 0;
		if (named && sscanf(de->d_name + n, "t%lld-", &start) != 1) start = -1;
		if (named && maker_alive(pid, start)) continue;
		char *path = xasprintf("%s/%s", scratch_parent(), de->d_name);
		struct stat st;
		/* one of an older parlab (no pid in its name): left a day ago, it is not in use */
		int old = !named && lstat(path, &st) == 0 && st.st_mtime < time(NULL) - 86400;
		if ((named || old) && lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid()) remove_scratch(path);
		else free(path);
	}
	closedir(d);
}

/* A fresh scratch folder in $TMPDIR (or /tmp), named by our pid (so that
 * and its start time (so that the next parlab can tell it was left by one
 * that died: eng_scratch_sweep),
 * or NULL and *err: a run without one must not start, or it would work in
 * (and litter) the current folder. */
static char *make_scratch(char **err)
{
	const char *dir = scratch_parent();
	/* pid and start time: a unit test (not named parlab) is known alive too */
	char *tmpl = xasprintf("%s/parlab-run-%ld-t%lld-XXXXXX", dir, (long)getpid(), started_at(getpid()));
	if (mkdtemp(tmpl)) return tmpl;
	*err = xasprintf("cannot make a scratch folder for the run in %s: %s", dir, strerror(errno));
	free(tmpl);
	return NULL;
}

/* Ends the run (if any) and removes its scratch folder. */
void eng_drop_run(engine *e)
{
	if (e->r) { run_free(e->r); e->r = NULL; }
	eng_sched_free(e);
	coord_free(e->co);
	e->co = NULL;
	if (e->ev_timer) loop_timer_del(e->l, e->ev_timer);
	e->ev_timer = 0;
	cev_log_free(e->evlog);
	e->evlog = NULL;
	cev_free(e->ev);
	e->ev = NULL;
	drop_scratch(e);
}

/* ---- the runner's side ------------------------------------------------------------ */

typedef struct {
	engine *e;
	const step *s;
	coord *co;   /* its blocks, mapped here so the screen can read them too */
	coord_step *gate;   /* a stepped run's gate for its Lua workers, or NULL */
	sched_gate *sg;     /* the screen's side of a stepped run's gate, or NULL */
	pystep *py;         /* a stepped Python program's gate (sg's), or NULL */
} run_ctx;

static run_ctx the_ctx;   /* the runner's copy is what its children read */

/* parlab's Python helper (python/: sitecustomize.py and the parlab
 * package): next to the binary (installed or the build
 * tree), the source tree, the install prefix; NULL if none has it. */
static const char *python_helper_dir(void)
{
	static char found[PATH_MAX];
	struct stat st;
	char cand[PATH_MAX + 64];
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	const char *rel[] = { "../share/parlab/python", "../python", "python" };
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) *slash = '\0';
		for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
			snprintf(cand, sizeof cand, "%s/%s/sitecustomize.py", exe, rel[i]);
			if (stat(cand, &st) == 0) {
				snprintf(cand, sizeof cand, "%s/%s", exe, rel[i]);
				if (realpath(cand, found)) return found;
			}
		}
	}
	const char *fixed[] = { PARLAB_SOURCE_PYTHON, PARLAB_INSTALL_PYTHON };
	for (size_t i = 0; i < 2; i++) {
		snprintf(cand, sizeof cand, "%s/sitecustomize.py", fixed[i]);
		if (stat(cand, &st) == 0) return fixed[i];
	}
	return NULL;
}

/* Puts the helper first on PYTHONPATH (the run's own entries after it):
 * every Python process of the run gets its own output pipes and tells its
 * name (docs/lessons.md, "A command's side channel"). */
static void python_helper_path(void)
{
	const char *dir = python_helper_dir();
	if (!dir) return;
	const char *old = getenv("PYTHONPATH");
	char *v = old && *old ? xasprintf("%s:%s", dir, old) : xasprintf("%s", dir);
	setenv("PYTHONPATH", v, 1);
	free(v);
}

/* Runner side: the Python a python3 command runs with (1 if none). */
static int prepare_python_step(const step *s, char **argv, FILE *msg)
{
	char what[PROTO_TEXT_MAX + 1];
	/* Unbuffered, a print becomes two writes (text, newline) and lines of
	 * processes sharing the pipe can interleave mid-line; buffered, each
	 * line leaves whole, as from a terminal's line buffering. */
	unsetenv("PYTHONUNBUFFERED");
	size_t o = (size_t)snprintf(what, sizeof what, "finding a Python");
	for (char **m = s->python; m && *m && o < sizeof what; m++)
		o += (size_t)snprintf(what + o, sizeof what - o, "%s%s", m == s->python ? " with " : ", ", *m);
	run_report_preparing(what);
	const char *py = prepare_python(s->python, s->optional, msg);
	if (!py) return 1;
	argv[0] = (char *)py;   /* our copy of the process: safe to change */
	python_helper_path();
	if (s->start_method) setenv("PARLAB_START_METHOD", s->start_method, 1);   /* the helper sets it */
	else unsetenv("PARLAB_START_METHOD");
	if (the_ctx.py) setenv("PARLAB_STEP", "1", 1);   /* stepped: the helper makes its step points (_step.py) */
	else unsetenv("PARLAB_STEP");
	return 0;
}

/* ---- an existing Dask cluster ------------------------------------------------------- */

void engine_set_dask_scheduler(engine *e, const char *addr)
{
	free(e->dask_scheduler);
	e->dask_scheduler = addr && *addr ? xstrdup(addr) : NULL;
}

/* A Python command that declares it needs dask.distributed (its cluster). */
static int uses_dask_cluster(const step *s)
{
	if (s->kind != STEP_RUN || s->rkind != RUN_COMMAND || !s->argv || !s->argv[0] ||
	    (strcmp(s->argv[0], "python3") && strcmp(s->argv[0], "python")))
		return 0;
	for (char **m = s->python; m && *m; m++)
		if (!strcmp(*m, "distributed") || !strcmp(*m, "dask.distributed")) return 1;
	return 0;
}

const char *engine_dask_scheduler(const engine *e, const step *s)
{
	if (!s || !uses_dask_cluster(s)) return NULL;
	if (e && e->dask_scheduler) return e->dask_scheduler;
	const char *env = getenv("PARLAB_DASK_SCHEDULER");
	if (env && *env) return env;
	return s->dask_scheduler;
}

int engine_dask_address_check(const char *a, char *why, size_t cap)
{
	const char *h = NULL;
	if (a && (!strncmp(a, "tcp://", 6) || !strncmp(a, "tls://", 6))) h = a + 6;
	const char *colon = NULL;
	int ok = h && *h;
	if (ok && *h == '[') {   /* [IPv6]:PORT */
		const char *close = strchr(h, ']');
		ok = close && close > h + 1 && close[1] == ':';
		for (const char *p = h + 1; ok && p < close; p++) ok = isxdigit((unsigned char)*p) || *p == ':' || *p == '.';
		colon = ok ? close + 1 : NULL;
	} else if (ok) {
		colon = strrchr(h, ':');
		ok = colon && colon > h;
		for (const char *p = h; ok && p < colon; p++)
			ok = isalnum((unsigned char)*p) || *p == '.' || *p == '-' || *p == '_';
	}
	long port = 0;
	if (ok) {
		char *end;
		errno = 0;
		port = isdigit((unsigned char)colon[1]) ? strtol(colon + 1, &end, 10) : 0;
		ok = port >= 1 && port <= 65535 && !errno && !*end;
	}
	if (ok) return 0;
	snprintf(why, cap, "'%s' is not a Dask scheduler's address: want tcp://HOST:PORT or tls://HOST:PORT "
		 "(the address dask-scheduler prints, e.g. tcp://127.0.0.1:8786)", a ? a : "");
	return -1;
}

/* Runner side. */
static int prepare_cb(void *ctx, char ***argv, int out_fd, int err_fd)
{
	(void)err_fd;
	run_ctx *rc = ctx;
	const step *s = rc->s;
	FILE *msg = fdopen(dup(out_fd), "w");
	if (!msg) return 1;
	setvbuf(msg, NULL, _IOLBF, 0);
	int rc_ = 0;
	char what[PROTO_TEXT_MAX + 1];   /* each step said to the screen first (run_report_preparing) */
	int nfiles = 0;
	for (char **f = s->files; f && *f; f++) nfiles++;
	if (nfiles) {
		snprintf(what, sizeof what, "copying %s", nfiles == 1 ? s->files[0] : "the lesson's files");
		run_report_preparing(what);
	}
	if (prepare_files(course_dir(rc->e->c), s->files, msg) < 0) rc_ = 1;
	int python = s->rkind == RUN_COMMAND && *argv &&
		(!strcmp((*argv)[0], "python3") || !strcmp((*argv)[0], "python"));
	const char *ds = engine_dask_scheduler(rc->e, s);   /* before argv[0] is the Python found */
	if (!rc_ && python && s->optional) rc_ = prepare_python_step(s, *argv, msg);   /* missing: no CSV made */
	if (!rc_ && s->csv_file) {
		snprintf(what, sizeof what, "generating %s (%d rows)", s->csv_file, s->csv_rows);
		run_report_preparing(what);
		if (prepare_csv(s->csv_file, s->csv_column, s->csv_rows, s->csv_mean, msg) < 0) rc_ = 1;
	}
	if (!rc_ && python && !s->optional) rc_ = prepare_python_step(s, *argv, msg);
	if (!rc_ && python) {
		/* An existing cluster, in Dask's own setting (config
		 * scheduler-address): the program connects to it instead of
		 * starting one. Without one, none from outside parlab either: the
		 * run does what its lesson says. */
		if (ds) setenv("DASK_SCHEDULER_ADDRESS", ds, 1);
		else unsetenv("DASK_SCHEDULER_ADDRESS");
	}
	fclose(msg);
	return rc_;
}

/* Worker side: a child process of the runner, or a thread. */
static int work_cb(void *ctx, const run_worker *w)
{
	run_ctx *rc = ctx;
	if (rc->s->rkind == RUN_THREADS)
		return lapi_run_worker_fresh(rc->s->file, rc->s->index, w, rc->co, rc->gate);
	return lapi_run_worker(course_lua(rc->e->c), rc->s->ref, w, rc->co, rc->gate);
}

/* Screen side, every RUN_STUCK_MS while the workers run: the workers whose
 * end the screen has seen are no longer live in the region; then are the
 * others deadlocked (coord_deadlock)? */
static int stuck_cb(void *ctx, const unsigned char *ended, int n, char *why, size_t cap)
{
	run_ctx *rc = ctx;
	if (rc->sg) return eng_sched_stuck(rc->sg, ended, n, why, cap);
	if (!rc->co) return 0;
	for (int w = 0; w < n; w++)
		if (ended[w]) coord_set_live(rc->co, w, 0);
	return coord_deadlock(rc->co, why, cap);
}

/* Screen side: a stepped Python program's step message (run.c's hook). */
static void step_msg_cb(void *ctx, pid_t pid, const char *msg, const int *fds, int nfds)
{
	run_ctx *rc = ctx;
	if (rc->py) pystep_message(rc->py, pid, msg, fds, nfds);
	else for (int i = 0; i < nfds; i++) close(fds[i]);
}

/* Screen side: the trace grew; the front end redraws. */
static void on_update(run *r, void *arg)
{
	(void)r;
	engine *e = arg;
	if (e->user_ev.update) e->user_ev.update(r, e->user_ev.arg);
}

/* Screen side: each queue's length now, and its least and most since the
 * last tick, into the trace (its tracks are the queues in block order). */
static void sample_queues(engine *e, int final)
{
	coord *co = e->co;
	trace *t = e->t;
	int64_t at = trace_rel(t, loop_now_ns());
	if (at < 0) at = 0;
	if (final && trace_end(t) >= 0 && at > trace_end(t)) at = trace_end(t);   /* the run's last moment */
	int64_t now = trace_start_ns(t) + at;
	for (int b = 0, q = 0; co && b < coord_nblocks(co); b++) {   /* q < COORD_MAX_BLOCKS: queues are blocks */
		if (coord_kind_of(co, b) != COORD_QUEUE) continue;
		int len, lo, hi;
		coord_queue_sample(co, b, &len, &lo, &hi);
		double area = coord_queue_area(co, b, now);
		double mean = at > e->ev_last ? (area - e->qarea[q]) / (double)(at - e->ev_last) : len;
		e->qarea[q] = area;
		trace_queue_sample(t, q++, e->ev_last, at, len, lo, hi, mean);
	}
	e->ev_last = at;
}

static void record_blocks(coord *co, trace *t, int live);

/* Screen side, every EVENTS_MS: the workers' waits and marks into the
 * trace (often, so that their rings seldom fill); every
 * TRACE_QUEUE_TICK_NS the queues' lengths; every BLOCKS_NS the blocks'
 * figures so far. */
#define EVENTS_MS 10
#define BLOCKS_NS 200000000LL
static void on_events(loop *l, long id, void *arg)
{
	(void)l; (void)id;
	engine *e = arg;
	if (!e->r) return;
	unsigned long v = trace_version(e->t);
	int64_t now = loop_now_ns();
	cev_log_drain(e->evlog, e->t, 0);
	if (now - e->ev_sampled >= TRACE_QUEUE_TICK_NS) {
		sample_queues(e, 0);
		e->ev_sampled = now;
	}
	if (now - e->ev_blocks >= BLOCKS_NS && !run_preparing(e->r, NULL)) {
		record_blocks(e->co, e->t, 1);
		e->ev_blocks = now;
	}
	if (trace_version(e->t) != v && e->user_ev.update) e->user_ev.update(e->r, e->user_ev.arg);
}

/* Wall time and CPU work (the workers' CPU time) of a finished trace. */
static void figures_of(const trace *t, int64_t *wall, int64_t *work)
{
	*wall = trace_end(t);
	*work = 0;
	for (int i = 0; i < trace_ntasks(t); i++) {
		const trace_task *k = trace_task_at(t, i);
		if (k->worker >= 0) *work += k->cpu_ns;
	}
}

static const step *find_run(const lesson *l, const char *title)
{
	for (int i = 0; l && i < l->nsteps; i++)
		if (l->steps[i].kind == STEP_RUN && l->steps[i].title && !strcmp(l->steps[i].title, title))
			return &l->steps[i];
	return NULL;
}

/* Keeps this run's figures and, if the step names a baseline run that has
 * been run, says how the two compare, as a line of the trace (so the TUI's
 * output pane and the batch transcript both show it). Speedup is work done
 * per second of wall time, relative to the baseline's. */
static void compare(engine *e, const step *s, trace *t)
{
	struct sstate *x = eng_sst(e, s);
	figures_of(t, &x->wall, &x->work);
	trace_stats st;
	trace_stats_compute(t, &st);
	x->other = st.other_share;
	x->other_noticeable = trace_stats_other_noticeable(&st);
	trace_stats_free(&st);
	int64_t wall = x->wall, work = x->work;
	if (!s->baseline || e->run_failed || e->run_skipped) return;
	const step *base = find_run(engine_lesson(e), s->baseline);
	const struct sstate *b = base ? eng_sst(e, base) : NULL;
	char msg[512], w1[24], w2[24];
	if (!b || b->wall <= 0 || b->work <= 0 || wall <= 0) {
		snprintf(msg, sizeof msg, "run \"%s\" too, to compare this run with it", s->baseline);
	} else {
		double time_ratio = (double)wall / (double)b->wall, work_ratio = (double)work / (double)b->work;
		double speedup = work_ratio / time_ratio;
		int n = snprintf(msg, sizeof msg, "vs \"%s\": %.2fx the CPU work in %.2fx the wall time (%s vs %s): ",
				 s->baseline, work_ratio, time_ratio, trace_fmt_ns(w1, sizeof w1, wall),
				 trace_fmt_ns(w2, sizeof w2, b->wall));
		size_t o = n > 0 && (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1;
		double busiest = x->other > b->other ? x->other : b->other;
		if (speedup > trace_ncpu(t) * 1.05)   /* more than the CPUs can give: the baseline was slowed */
			snprintf(msg + o, sizeof msg - o, "speedup not shown: %.2fx on %d CPUs cannot be; \"%s\" was slowed "
				 "by other programs, run it again when the machine is quieter", speedup, trace_ncpu(t),
				 s->baseline);
		else if (x->other_noticeable || b->other_noticeable)
			snprintf(msg + o, sizeof msg - o, "speedup %.2fx (other programs used up to %.0f %% of the CPUs "
				 "during these runs: not what a quiet machine gives)", speedup, busiest * 100);
		else
			snprintf(msg + o, sizeof msg - o, "speedup %.2fx", speedup);
	}
	trace_line_add(t, -1, trace_end(t), 0, msg, strlen(msg));
}

/* Screen side: each block's figures and values into the trace: so far
 * (live), or once the run is done (its workers are gone, the region is
 * still mapped) final, and after a deadlock who held and waited for what. */
static void record_blocks(coord *co, trace *t, int live)
{
	int64_t from = trace_start_ns(t), to = live ? loop_now_ns() : from + trace_end(t);
	for (int b = 0; co && b < coord_nblocks(co); b++) {
		coord_figures f;
		coord_figures_of(co, b, &f);
		coord_kind k = coord_kind_of(co, b);
		trace_block tb = { .acquisitions = f.acquisitions, .contended = f.contended, .puts = f.puts,
				   .takes = f.takes, .wait_ns = f.wait_ns, .longest_ns = f.longest_ns,
				   .max_length = k == COORD_QUEUE ? f.max_length : -1, .has_lost = f.has_lost,
				   .lost = f.lost, .live = live };
		if (k == COORD_QUEUE) {
			coord_qtime q;
			coord_queue_time(co, b, from, to, &q);
			tb.full_ns = q.full_ns;
			tb.empty_ns = q.empty_ns;
			tb.mean_length = q.mean;
		}
		snprintf(tb.name, sizeof tb.name, "%s", coord_name(co, b));
		snprintf(tb.kind, sizeof tb.kind, "%s", k == COORD_SHARED ? "shared" : coord_kind_name(k));
		double vals[COORD_MAX_ARRAY];
		if (k == COORD_SHARED) {
			tb.nvalues = coord_size(co, b) > 0 ? coord_size(co, b) : 1;
			for (int i = 0; i < tb.nvalues; i++) vals[i] = coord_get(co, b, i);
			tb.values = vals;
		}
		trace_block_add(t, &tb);
	}
	if (!co || live || trace_outcome_kind(t) != TRACE_DEADLOCK) return;
	coord_stuck_worker *st = xmalloc(sizeof *st * COORD_MAX_WORKERS);   /* ~280 KiB: not on the stack */
	int n = coord_stuck(co, st, COORD_MAX_WORKERS);
	for (int i = 0; i < n; i++) {
		trace_stuck ts = { .worker = st[i].w, .live = st[i].live };
		snprintf(ts.holds, sizeof ts.holds, "%s", st[i].holds);
		if (st[i].waits >= 0) snprintf(ts.waits, sizeof ts.waits, "%s", coord_name(co, st[i].waits));
		trace_stuck_add(t, &ts);
	}
	free(st);
}

/* Screen side: the run ended: its figures, the baseline line, the verdicts. */
static void on_done(run *r, void *arg)
{
	engine *e = arg;
	if (e->ev_timer) loop_timer_del(e->l, e->ev_timer);
	e->ev_timer = 0;
	cev_log_drain(e->evlog, e->t, 1);   /* the last of them, before anything reads the trace */
	trace_end_kind k = trace_outcome_kind(e->t);
	if (eng_sched_restart(e, k == TRACE_FINISHED || k == TRACE_DEADLOCK)) return;   /* undo, restart, search */
	sample_queues(e, 1);
	e->run_failed = run_failed(r);
	e->run_skipped = run_skipped(r);
	e->run_as_expected = run_as_expected(r);
	engine_touch(e);
	record_blocks(e->co, e->t, 0);
	compare(e, e->t_step, e->t);
	eng_observe_run(e, e->t_step);
	if (e->user_ev.done) e->user_ev.done(r, e->user_ev.arg);
}

/* The last run is not live (engine_run checked), so it is only dropped
 * once the new one has started: a run that cannot start (no scratch
 * folder, no pipes, no fork) leaves the last run's trace, verdicts and
 * folder as they were, and no trace without an end that would look live. */
int engine_run(engine *e, const run_events *ev, char **err)
{
	const step *s = engine_step(e);
	*err = NULL;
	if (!s || s->kind != STEP_RUN) { *err = xstrdup("this step has nothing to run"); return -1; }
	if (engine_running(e)) { *err = xstrdup("a run is already going (type stop to end it)"); return -1; }
	char *scratch = make_scratch(err);
	if (!scratch) return -1;
	trace *t = trace_new(s->title, loop_now_ns());
	trace_set_ncpu(t, engine_ncpu());
	coord *co = s->coord ? coord_new(s->coord, s->nworkers) : NULL;   /* shared with the runner's workers */
	if (s->coord && !co) {
		*err = xasprintf("cannot map the run's shared blocks: %s", strerror(errno));
		trace_free(t); remove_scratch(scratch); return -1;
	}
	cev_ring *evr = s->rkind != RUN_COMMAND ? cev_new(s->nworkers) : NULL;   /* the workers' waits and marks */
	if (s->rkind != RUN_COMMAND && !evr) {
		*err = xasprintf("cannot map the run's event rings: %s", strerror(errno));
		coord_free(co); trace_free(t); remove_scratch(scratch); return -1;
	}
	int stepped = s->stepper == STEPPER_ON || (s->stepper == STEPPER_ALLOW && e->want_step);
	int py_stepped = stepped && s->rkind == RUN_COMMAND;   /* lua_api allows only a Python one */
	coord_step *gate = stepped && !py_stepped ? coord_step_new(co, s->nworkers) : NULL;
	pystep *py = py_stepped ? pystep_new() : NULL;
	if (stepped && !gate && !py) {
		*err = xasprintf("cannot map the stepper's gate: %s", strerror(errno));
		cev_free(evr); coord_free(co); trace_free(t); remove_scratch(scratch); return -1;
	}
	sched_gate *sg = py ? pystep_gate(py) : sched_gate_coord(gate, s->nworkers);
	cev_set_current(evr);   /* the runner forks with it */
	the_ctx = (run_ctx){ e, s, co, gate, sg, py };   /* the runner forks with it */
	run_spec spec = {
		.kind = s->rkind, .nworkers = s->nworkers, .argv = s->argv, .cwd = scratch,
		.timeout_ms = sg ? 0 : s->timeout_ms,   /* a stepped run (Lua or Python) waits for the student */
		.expect = s->expect, .ctx = &the_ctx, .prepare = prepare_cb, .work = work_cb,
		.stuck = co || sg ? stuck_cb : NULL, .memory_mb = s->memory_mb, .max_tasks = s->max_tasks,
		.step_msg = py ? step_msg_cb : NULL,
	};
	run_events mine = { on_update, on_done, e, NULL };
	run *r = run_start(e->l, &spec, t, &mine, err);   /* its events come from the loop, later */
	if (!r) { sched_gate_free(sg); cev_free(evr); coord_free(co); trace_free(t); remove_scratch(scratch); return -1; }
	engine_touch(e);
	eng_drop_run(e);
	eng_sched_attach(e, sg, s);
	e->co = co;
	e->ev = evr;
	e->evlog = evr ? cev_log_new(evr, co) : NULL;
	e->ev_timer = evr ? loop_timer_add(e->l, EVENTS_MS, 1, on_events, e) : 0;
	e->ev_sampled = e->ev_blocks = loop_now_ns();
	e->ev_last = 0;
	memset(e->qarea, 0, sizeof e->qarea);
	for (int b = 0; co && b < coord_nblocks(co); b++)   /* a lane each, from the start */
		if (coord_kind_of(co, b) == COORD_QUEUE) trace_queue_add(t, coord_name(co, b), coord_size(co, b));
	trace_free(e->t);
	eng_free_verdicts(e);
	e->r = r;
	e->scratch = scratch;
	e->t = t;
	e->t_step = s;
	e->user_ev = ev ? *ev : (run_events){ 0 };
	return 0;
}

int engine_run_stepped(engine *e, const run_events *ev, char **err)
{
	e->want_step = 1;
	int rc = engine_run(e, ev, err);
	e->want_step = 0;
	return rc;
}

void engine_stop(engine *e, const char *why)
{
	if (e->r) run_stop(e->r, why);
}

int engine_running(const engine *e) { return e->r && run_live(e->r); }
trace *engine_trace(engine *e) { return e->t_step == engine_step(e) ? e->t : NULL; }
int engine_run_failed(const engine *e) { return e->run_failed; }
int engine_run_skipped(const engine *e) { return e->run_skipped; }
int engine_run_as_expected(const engine *e) { return e->r && !run_live(e->r) && e->run_as_expected; }

const char *engine_preparing(const engine *e, int64_t *since)
{
	return e->r ? run_preparing(e->r, since) : NULL;
}

const char *engine_importing(const engine *e, int64_t *since)
{
	return e->r ? run_importing(e->r, since) : NULL;
}

trace *engine_last_trace(engine *e, const step **s)
{
	if (s) *s = e->t ? e->t_step : NULL;
	return e->t;
}

