/*
 * capture_proc: the /proc sampler behind capture.h.
 *
 * Every tick (2 ms by default) it preads, for each watched task, the kept-
 * open /proc/<pid>/task/<tid>/schedstat (run ns, wait ns, switches) and,
 * when that moved (or now and then for a sleeper), .../stat (state, CPU,
 * comm). The kernel's totals advance in steps: run time at scheduler ticks
 * and context switches, wait time when a waiting task gets its CPU. So each
 * task keeps a cursor: slices are laid down as far as the accounting
 * reaches (runnable time first, then running), and the unaccounted rest of
 * an interval is sleeping or blocked when the task is off the CPU. A task
 * in state R that no accounting has covered for longer than any tick is
 * waiting for a CPU: that gap is shown runnable and squared away when its
 * wait time arrives.
 *
 * Discovery: /proc/<pid>/task/<tid>/children needs CONFIG_PROC_CHILDREN,
 * so new processes are the numeric /proc entries that were not there at the
 * previous scan and whose parent is watched (or that sit in root's process
 * group: orphans). Threads come from listing /proc/<pid>/task when the
 * kernel's thread count differs from what is watched. Scans run every
 * 10 ms or more, and only when /proc/loadavg's last pid moved: a quiet
 * system costs one pread.
 *
 * Its own cost is measured (thread CPU time): sampling and discovery each
 * keep to a budget by stretching their period, so that a run of many tasks,
 * or fork churn, cannot make the screen process expensive.
 */
#include "trace/capture.h"
#include "util/procfs.h"
#include "util/xmalloc.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CP_DEFAULT_MS   2
#define CP_DISCOVER_NS  10000000LL      /* between discovery passes, at least */
#define CP_DISCOVER_MAX_NS 100000000LL  /* and at most */
#define CP_DISCOVER_BUDGET 10           /* per mille of a core for discovery */
#define CP_FULL_NS      1000000000LL    /* a pass that trusts no shortcut */
#define CP_IDLE_STAT    4               /* an unchanged sleeper's stat: every 4th tick */
#define CP_LAG_NS       15000000LL      /* longer than a tick at HZ >= 100 */
#define CP_CARRY_NS     20000000LL      /* accounted time not yet laid down, at most */
#define CP_BUDGET       30              /* sampling CPU time, per mille of the period */
#define CP_MAX_MS       50              /* the period stretches up to this */
#define CP_WINDOW       64              /* ticks over which that is judged */

typedef struct {
	pid_t pid, tid;
	int id;                       /* trace task */
	int fd_sched, fd_stat;
	int64_t run, wait;            /* schedstat totals at the last sample */
	long switches;
	int64_t run_done, wait_done;  /* of those, laid down (or guessed) already */
	int64_t run0, wait0;          /* a task older than the trace: its totals then */
	int64_t cur;                  /* the task's slices end here */
	int64_t last;                 /* time of the last good sample */
	char st, placed;              /* state letter now; at the last placement */
	int cpu, idle;
} cp_task;

typedef struct {
	pid_t pid;
	int nthreads;     /* the kernel's count, from any of its tasks' stat */
	int nwatched;
	int leader_gone;  /* a zombie leader still counts in nthreads */
} cp_proc;

typedef struct {
	pid_t pid, ppid, pgrp;
	int taken;
} cp_cand;

typedef struct {
	char state, comm[20];
	pid_t ppid, pgrp;
	int nthreads, cpu;
} cp_stat;

typedef struct {
	capture base;
	int interval_ms, period_ms, started, stopped, scanned;
	long timer;
	pid_t root, pgrp;             /* pgrp: root's group if it leads one */
	cp_task *tasks;
	size_t ntasks, captasks;
	cp_proc *procs;
	size_t nprocs, capprocs;
	pid_t *seen, *scan, *tids;    /* /proc pids at the last scan, this scan */
	size_t nseen, capseen, nscan, capscan, captids;
	cp_cand *cand;
	size_t ncand, capcand;
	int fd_proc;                  /* /proc, kept open */
	int fd_loadavg;
	long last_pid;
	unsigned long ticks;
	int64_t last_full, next_discover;
	int64_t cost_ns;              /* sampling's CPU time in this window */
	char desc[80];
} cp;

static int64_t cp_now(cp *c) { return trace_rel(c->base.t, loop_now_ns()); }
static int cp_exited(char st) { return st == 'Z' || st == 'X' || st == 'x'; }
static trace_state cp_off(char st) { return st == 'D' ? TS_BLOCKED : TS_SLEEPING; }

static int64_t cp_clamp(int64_t v, int64_t hi)
{
	return v < 0 ? 0 : v > hi ? hi : v;
}

/* ---- reading /proc ------------------------------------------------------- */

static ssize_t cp_pread(int fd, char *buf, size_t cap)
{
	ssize_t n = pread(fd, buf, cap - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* A schedstat line (util/procfs) into a task's totals and switch count. */
static int cp_parse_sched(const char *buf, int64_t *run, int64_t *wait, long *sw)
{
	long long r, w, s;
	if (procfs_schedstat_parse(buf, &r, &w, &s) < 0) return -1;
	*run = r;
	*wait = w;
	*sw = (long)s;
	return 0;
}

/* A stat line (util/procfs): state, parents and group are needed; the
 * thread count and CPU are 0 and -1 when the line stops short of them. */
static int cp_parse_stat(const char *buf, cp_stat *s)
{
	static const int fields[] = { PROCFS_STATE, PROCFS_PPID, PROCFS_PGRP, PROCFS_NUM_THREADS, PROCFS_PROCESSOR };
	long long v[5] = { 0, 0, 0, 0, -1 };
	if (procfs_stat_fields(buf, fields, v, 5) < 3 || procfs_stat_comm(buf, s->comm, sizeof s->comm) < 0)
		return -1;
	s->state = (char)v[0];
	s->ppid = (pid_t)v[1];
	s->pgrp = (pid_t)v[2];
	s->nthreads = (int)v[3];
	s->cpu = (int)v[4];
	return 0;
}

/* The newest pid the kernel handed out (last field of /proc/loadavg). */
static long cp_last_pid(cp *c)
{
	char buf[128];
	if (c->fd_loadavg < 0 || cp_pread(c->fd_loadavg, buf, sizeof buf) <= 0) return -1;
	const char *sp = strrchr(buf, ' ');
	return sp ? strtol(sp + 1, NULL, 10) : -1;
}

/* One-shot read of /proc/<pid>/stat for a process we may adopt. */
static int cp_read_proc_stat(cp *c, pid_t pid, cp_stat *s)
{
	char path[32], buf[1024];
	snprintf(path, sizeof path, "%d/stat", (int)pid);
	int fd = openat(c->fd_proc, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return -1;
	ssize_t n = cp_pread(fd, buf, sizeof buf);
	close(fd);
	return n > 0 ? cp_parse_stat(buf, s) : -1;
}

/* The numeric entries of directory fd into *v (grown as needed); returns
 * how many. Raw getdents64 into a stack buffer: no DIR, no allocation. */
static size_t cp_list_pids(int fd, pid_t **v, size_t *cap)
{
	_Alignas(8) char buf[16384];
	size_t n = 0;
	ssize_t got;
	while ((got = getdents64(fd, buf, sizeof buf)) > 0) {
		for (ssize_t off = 0; off < got;) {
			const struct dirent64 *de = (const struct dirent64 *)(buf + off);
			off += de->d_reclen;
			if (de->d_name[0] < '1' || de->d_name[0] > '9') continue;
			*v = xgrow(*v, cap, n + 1, sizeof **v);
			(*v)[n++] = (pid_t)strtol(de->d_name, NULL, 10);
		}
	}
	return n;
}

/* ---- bookkeeping --------------------------------------------------------- */

static cp_proc *cp_find_proc(cp *c, pid_t pid)
{
	for (size_t i = 0; i < c->nprocs; i++)
		if (c->procs[i].pid == pid) return &c->procs[i];
	return NULL;
}

static cp_proc *cp_proc_add(cp *c, pid_t pid)
{
	cp_proc *p = cp_find_proc(c, pid);
	if (p) return p;
	c->procs = xgrow(c->procs, &c->capprocs, c->nprocs + 1, sizeof *c->procs);
	p = &c->procs[c->nprocs++];
	*p = (cp_proc){ pid, 0, 0, 0 };
	return p;
}

static void cp_proc_del(cp *c, cp_proc *p)
{
	*p = c->procs[--c->nprocs];
}

static int cp_watched(cp *c, pid_t tid)
{
	for (size_t i = 0; i < c->ntasks; i++)
		if (c->tasks[i].tid == tid) return 1;
	return 0;
}

/* Totals, CPU and comm into the trace; the runner's label stays. */
static void cp_publish(cp *c, cp_task *k, const char *comm)
{
	trace_task *tt = trace_task_get(c->base.t, k->id);
	if (!tt) return;
	if (k->run - k->run0 > tt->cpu_ns) tt->cpu_ns = k->run - k->run0;   /* within the trace */
	if (k->wait - k->wait0 > tt->wait_ns) tt->wait_ns = k->wait - k->wait0;
	if (k->cpu >= 0) tt->last_cpu = k->cpu;
	if (comm) snprintf(tt->comm, sizeof tt->comm, "%s", comm);
}

/* ---- slices -------------------------------------------------------------- */

/* Appends [cur, cur + len) in state st and moves the cursor. */
static void cp_lay(cp *c, cp_task *k, int64_t len, trace_state st)
{
	if (len <= 0) return;
	trace_slice_add(c->base.t, k->id, k->cur, k->cur + len, st, st == TS_RUNNING ? k->cpu : -1);
	k->cur += len;
}

/* Turns what the accounting gained since the cursor into slices up to now:
 * runnable, then running, then off the CPU for the rest. */
static void cp_place(cp *c, cp_task *k, int64_t now)
{
	int64_t avail = now - k->cur;
	if (avail <= 0) return;
	int64_t w = cp_clamp(k->wait - k->wait_done, avail);
	int64_t r = cp_clamp(k->run - k->run_done, avail - w);
	int64_t rest = avail - w - r;
	k->wait_done += w;
	k->run_done += r;
	if (k->st == 'R' && k->placed != 'R' && !cp_exited(k->placed)) {
		cp_lay(c, k, rest, cp_off(k->placed));   /* it woke up since: slept first */
		rest = 0;
	}
	cp_lay(c, k, w, TS_RUNNABLE);
	cp_lay(c, k, r, TS_RUNNING);
	if (k->st == 'R') {
		/* Unaccounted for longer than a tick: waiting for a CPU. The
		 * guess counts as wait, so the real run_delay is absorbed. */
		int64_t gap = now - k->cur - CP_LAG_NS;
		if (gap > 0) {
			cp_lay(c, k, gap, TS_RUNNABLE);
			k->wait_done += gap;
		}
	} else if (!cp_exited(k->st)) {
		cp_lay(c, k, rest, cp_off(k->st));
	}
	k->placed = k->st;
	/* Accounting older than what was already laid down is let go. */
	if (k->run - k->run_done > CP_CARRY_NS) k->run_done = k->run - CP_CARRY_NS;
	if (k->wait - k->wait_done > CP_CARRY_NS) k->wait_done = k->wait - CP_CARRY_NS;
}

/* ---- tasks --------------------------------------------------------------- */

/* A task ended (zombie: its accounting is final, death is where it ends)
 * or vanished (death is its last good sample). Closes its descriptors. */
static void cp_drop(cp *c, size_t i, int exited)
{
	cp_task *k = &c->tasks[i];
	if (!exited && k->st == 'R') cp_lay(c, k, k->last - k->cur, TS_RUNNING);
	int64_t died = exited ? k->cur : k->last;
	trace_task *tt = trace_task_get(c->base.t, k->id);
	if (tt && tt->died < 0) tt->died = died > tt->born ? died : tt->born;
	close(k->fd_sched);
	close(k->fd_stat);
	cp_proc *p = cp_find_proc(c, k->pid);
	if (p) {
		if (k->tid == k->pid) p->leader_gone = 1;
		if (--p->nwatched <= 0) cp_proc_del(c, p);
	}
	c->tasks[i] = c->tasks[--c->ntasks];
}

/* The trace entry for a new task: the runner's if it announced it (its
 * label and worker stay), else a new one named after comm. -1: skip it. */
static int cp_trace_task(cp *c, cp_task *k, const cp_stat *s, int64_t now)
{
	trace *t = c->base.t;
	int id = trace_task_find(t, k->tid);
	const trace_task *old = trace_task_at(t, id);
	if (old && old->died >= 0 && cp_exited(s->state)) return -1;   /* its end is known */
	if (old && (old->died >= 0 || old->pid != k->pid)) id = -1;   /* a recycled tid */
	if (id < 0) id = trace_task_add(t, k->pid, k->tid, s->ppid, -1, s->comm);
	trace_task *tt = trace_task_get(t, id);
	int64_t age = k->run + k->wait;
	if (tt->born < 0) {
		/* New: it has lived at least as long as its accounting. Older
		 * than the trace: that accounting is a baseline. */
		tt->born = now - age > 0 ? now - age : 0;
		if (now - age < 0) { k->run_done = k->run0 = k->run; k->wait_done = k->wait0 = k->wait; }
	}
	k->cur = tt->born < now ? tt->born : now;
	/* Both are upper bounds: a process is no younger than its threads. */
	trace_task *lead = k->tid != k->pid ? trace_task_get(t, trace_task_find(t, k->pid)) : NULL;
	if (lead && lead->died < 0 && lead->born > tt->born) lead->born = tt->born;
	return id;
}

static int cp_open_task(cp *c, pid_t pid, pid_t tid, const char *file)
{
	char path[64];
	snprintf(path, sizeof path, "%d/task/%d/%s", (int)pid, (int)tid, file);
	return openat(c->fd_proc, path, O_RDONLY | O_CLOEXEC);
}

/* Starts watching a task: opens its files, takes the first sample (its
 * whole accounting so far, since it is new). Tasks gone already are left. */
static void cp_watch(cp *c, pid_t pid, pid_t tid, int64_t now)
{
	cp_task k = { .pid = pid, .tid = tid, .id = -1, .placed = 'R', .last = now };
	char buf[1024];
	cp_stat s;
	k.fd_sched = cp_open_task(c, pid, tid, "schedstat");
	k.fd_stat = k.fd_sched < 0 ? -1 : cp_open_task(c, pid, tid, "stat");
	if (k.fd_stat < 0 || cp_pread(k.fd_sched, buf, sizeof buf) <= 0 ||
	    cp_parse_sched(buf, &k.run, &k.wait, &k.switches) < 0 ||
	    cp_pread(k.fd_stat, buf, sizeof buf) <= 0 || cp_parse_stat(buf, &s) < 0 ||
	    (k.id = cp_trace_task(c, &k, &s, now)) < 0) {
		if (k.fd_sched >= 0) close(k.fd_sched);
		if (k.fd_stat >= 0) close(k.fd_stat);
		return;
	}
	k.st = s.state;
	k.cpu = s.cpu;
	cp_proc *p = cp_proc_add(c, pid);
	p->nwatched++;
	p->nthreads = s.nthreads;
	c->tasks = xgrow(c->tasks, &c->captasks, c->ntasks + 1, sizeof *c->tasks);
	c->tasks[c->ntasks++] = k;
	cp_task *w = &c->tasks[c->ntasks - 1];
	cp_place(c, w, now);
	cp_publish(c, w, s.comm);
	if (cp_exited(w->st)) cp_drop(c, c->ntasks - 1, 1);   /* lived between scans */
}

enum { CP_ALIVE, CP_EXITED, CP_GONE };

/* One sample: schedstat first (the cheap one), stat only when the task
 * moved, or now and then while it sleeps (to see S/D and wake-ups). */
static int cp_sample(cp *c, cp_task *k, int64_t now, int force)
{
	char buf[1024];
	int64_t run, wait;
	long sw;
	cp_stat s;
	if (cp_pread(k->fd_sched, buf, sizeof buf) <= 0 ||
	    cp_parse_sched(buf, &run, &wait, &sw) < 0) return CP_GONE;
	int moved = run != k->run || wait != k->wait || sw != k->switches;
	int need = moved || force || (k->st != 'R' && ++k->idle >= CP_IDLE_STAT);
	if (need && (cp_pread(k->fd_stat, buf, sizeof buf) <= 0 || cp_parse_stat(buf, &s) < 0))
		return CP_GONE;
	if (run < k->run || wait < k->wait) {   /* another task behind the tid (exec) */
		k->run_done = run;
		k->wait_done = wait;
		k->run0 = k->wait0 = 0;
	}
	k->run = run;
	k->wait = wait;
	k->switches = sw;
	k->last = now;
	if (need) {
		k->idle = 0;
		k->st = s.state;
		k->cpu = s.cpu;
		cp_proc *p = cp_find_proc(c, k->pid);
		if (p) p->nthreads = s.nthreads;
	}
	cp_place(c, k, now);
	if (moved || need) cp_publish(c, k, need ? s.comm : NULL);
	return cp_exited(k->st) ? CP_EXITED : CP_ALIVE;
}

static void cp_sample_all(cp *c, int64_t now, int force)
{
	for (size_t i = c->ntasks; i-- > 0;) {   /* downwards: drops swap in the tail */
		int r = cp_sample(c, &c->tasks[i], now, force);
		if (r != CP_ALIVE) cp_drop(c, i, r == CP_EXITED);
	}
}

/* ---- discovery ----------------------------------------------------------- */

/* Watches the threads of pid listed in /proc/<pid>/task that are new. */
static void cp_scan_threads(cp *c, pid_t pid, int64_t now)
{
	char path[32];
	snprintf(path, sizeof path, "%d/task", (int)pid);
	int fd = openat(c->fd_proc, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) return;
	size_t n = cp_list_pids(fd, &c->tids, &c->captids);
	close(fd);
	for (size_t i = 0; i < n; i++)
		if (!cp_watched(c, c->tids[i])) cp_watch(c, pid, c->tids[i], now);
}

static void cp_adopt(cp *c, pid_t pid, int64_t now)
{
	if (cp_find_proc(c, pid)) return;
	cp_proc_add(c, pid);
	cp_scan_threads(c, pid, now);
	cp_proc *p = cp_find_proc(c, pid);
	if (p && p->nwatched == 0) cp_proc_del(c, p);
}

static int cp_pid_cmp(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

/* Lists /proc into c->scan (sorted) and returns the pids new since the last
 * scan as candidates; c->seen becomes this scan. Comparing whole lists (not
 * "pid > last") copes with pid wrap-around. */
static void cp_list_new(cp *c)
{
	c->ncand = c->nscan = 0;
	if (lseek(c->fd_proc, 0, SEEK_SET) == 0)
		c->nscan = cp_list_pids(c->fd_proc, &c->scan, &c->capscan);
	int sorted = 1;
	for (size_t i = 1; i < c->nscan && sorted; i++) sorted = c->scan[i - 1] < c->scan[i];
	if (!sorted) qsort(c->scan, c->nscan, sizeof *c->scan, cp_pid_cmp);
	for (size_t i = 0, j = 0; i < c->nscan; i++) {
		pid_t pid = c->scan[i];
		while (j < c->nseen && c->seen[j] < pid) j++;
		if (j < c->nseen && c->seen[j] == pid) continue;
		if (!c->scanned && pid <= c->root) continue;   /* older than the run */
		c->cand = xgrow(c->cand, &c->capcand, c->ncand + 1, sizeof *c->cand);
		c->cand[c->ncand++] = (cp_cand){ pid, 0, 0, 0 };
	}
	pid_t *tmp = c->seen;
	size_t cap = c->capseen;
	c->seen = c->scan, c->capseen = c->capscan, c->nseen = c->nscan;
	c->scan = tmp, c->capscan = cap;
	c->scanned = 1;
}

/* New processes whose parent is watched (or in root's group: orphans). A
 * parent and its child can be new together, hence the passes. */
static void cp_scan_procs(cp *c, int64_t now)
{
	cp_list_new(c);
	size_t n = 0;
	for (size_t i = 0; i < c->ncand; i++) {
		cp_stat s;
		if (cp_read_proc_stat(c, c->cand[i].pid, &s) < 0) continue;
		c->cand[n++] = (cp_cand){ c->cand[i].pid, s.ppid, s.pgrp, 0 };
	}
	for (int progress = 1; progress;) {
		progress = 0;
		for (size_t i = 0; i < n; i++) {
			cp_cand *k = &c->cand[i];
			if (k->taken) continue;
			if (!cp_find_proc(c, k->ppid) && !(c->pgrp && k->pgrp == c->pgrp)) continue;
			k->taken = progress = 1;
			cp_adopt(c, k->pid, now);
		}
	}
}

/* A discovery pass: processes when any pid was handed out since the last
 * one, threads where the kernel counts more (or fewer) than are watched. */
static void cp_discover(cp *c, int64_t now, int full)
{
	long lp = cp_last_pid(c);
	int moved = lp < 0 || lp != c->last_pid;
	c->last_pid = lp;
	if (full) c->last_full = now;
	if (moved || full) cp_scan_procs(c, now);
	for (size_t i = 0; i < c->nprocs; i++) {
		cp_proc *p = &c->procs[i];
		int known = p->nwatched + p->leader_gone;
		if (full || p->nthreads != known || (p->leader_gone && moved))
			cp_scan_threads(c, p->pid, now);
	}
}

static void cp_on_tick(loop *l, long id, void *arg);

static void cp_set_period(cp *c, int ms)
{
	c->period_ms = ms;
	if (ms == c->interval_ms)
		snprintf(c->desc, sizeof c->desc, "/proc sampler, %d ms", ms);
	else
		snprintf(c->desc, sizeof c->desc, "/proc sampler, %d ms (%d ms asked; %zu tasks)",
			 ms, c->interval_ms, c->ntasks);
	if (!c->started || c->stopped) return;
	trace_set_backend(c->base.t, c->desc);
	if (c->timer) loop_timer_del(c->base.l, c->timer);
	c->timer = loop_timer_add(c->base.l, ms, 1, cp_on_tick, c);
}

/* Keeps sampling under CP_BUDGET per mille of a core: with many tasks the
 * period stretches (up to CP_MAX_MS), and shrinks back later. Judged on
 * windows of CP_WINDOW ticks. */
static void cp_adapt(cp *c)
{
	int64_t per_tick = c->cost_ns / CP_WINDOW;
	c->cost_ns = 0;
	int64_t want = (per_tick * 1000 / CP_BUDGET + 999999) / 1000000;
	if (want < c->interval_ms) want = c->interval_ms;
	if (want > CP_MAX_MS) want = CP_MAX_MS;
	/* Shrinking waits for a clear margin, so the period does not flap. */
	if (want > c->period_ms || (want < c->period_ms && want * 4 <= c->period_ms * 3))
		cp_set_period(c, (int)want);
}

static int64_t cp_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Discovery has its own budget: a costly pass (fork churn anywhere on the
 * system means reading many stat files) pushes the next one out, without
 * slowing the sampling of the tasks already watched. */
static void cp_discover_timed(cp *c, int64_t now)
{
	int64_t t0 = cp_cpu_ns();
	cp_discover(c, now, now - c->last_full >= CP_FULL_NS);
	int64_t gap = (cp_cpu_ns() - t0) * 1000 / CP_DISCOVER_BUDGET;
	gap = gap < CP_DISCOVER_NS ? CP_DISCOVER_NS : gap > CP_DISCOVER_MAX_NS ? CP_DISCOVER_MAX_NS : gap;
	c->next_discover = now + gap;
}

static void cp_on_tick(loop *l, long id, void *arg)
{
	(void)l; (void)id;
	cp *c = arg;
	int64_t t0 = cp_cpu_ns(), now = cp_now(c);
	cp_sample_all(c, now, 0);
	c->cost_ns += cp_cpu_ns() - t0;
	if (now >= c->next_discover) cp_discover_timed(c, now);
	if (++c->ticks % CP_WINDOW == 0) cp_adapt(c);
}

/* ---- ops ----------------------------------------------------------------- */

static int cp_start(capture *base, pid_t root)
{
	cp *c = (cp *)base;
	cp_stat s;
	if (c->started || root <= 0) return -1;
	c->fd_proc = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->fd_proc < 0) return -1;
	if (cp_read_proc_stat(c, root, &s) < 0 || cp_exited(s.state)) {
		close(c->fd_proc);
		c->fd_proc = -1;
		return -1;
	}
	c->started = 1;
	c->root = root;
	c->pgrp = s.pgrp == root ? root : 0;
	c->fd_loadavg = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	trace_set_ncpu(c->base.t, ncpu > 0 ? (int)ncpu : 1);
	trace_set_backend(c->base.t, c->desc);
	int64_t now = cp_now(c);
	cp_adopt(c, root, now);
	c->last_full = now;
	c->next_discover = now + CP_DISCOVER_NS;
	c->last_pid = cp_last_pid(c);
	cp_scan_procs(c, now);   /* whatever root spawned already */
	c->timer = loop_timer_add(c->base.l, c->period_ms, 1, cp_on_tick, c);
	return 0;
}

static void cp_hint(capture *base, pid_t pid, pid_t tid)
{
	cp *c = (cp *)base;
	if (!c->started || c->stopped || pid <= 0 || tid <= 0) return;
	int64_t now = cp_now(c);
	if (!cp_watched(c, tid)) {
		cp_proc_add(c, pid);
		cp_watch(c, pid, tid, now);
		cp_proc *p = cp_find_proc(c, pid);
		if (p && p->nwatched == 0) cp_proc_del(c, p);
	}
	/* Its siblings and children are looked for at the next tick: a burst
	 * of announcements (16 workers starting) makes one pass, not 16. */
	c->next_discover = now;
}

/* A process the run did not start: adopted as if discovered (its threads,
 * and processes it starts, are found as the run's are). */
static int cp_watch_outside(capture *base, pid_t pid)
{
	cp *c = (cp *)base;
	if (!c->started || c->stopped || pid <= 0) return -1;
	if (cp_find_proc(c, pid)) return 0;
	cp_adopt(c, pid, cp_now(c));
	return cp_find_proc(c, pid) ? 0 : -1;
}

/* Lays down the rest of a live task's time up to end from what was seen
 * last (R: on its CPU) and closes its descriptors. */
static void cp_close_task(cp *c, cp_task *k, int64_t end)
{
	cp_lay(c, k, end - k->cur, k->st == 'R' ? TS_RUNNING : cp_off(k->st));
	close(k->fd_sched);
	close(k->fd_stat);
}

static void cp_stop(capture *base, int64_t end)
{
	cp *c = (cp *)base;
	if (c->stopped) return;
	c->stopped = 1;
	if (c->timer) loop_timer_del(c->base.l, c->timer);
	c->timer = 0;
	if (!c->started) return;
	cp_sample_all(c, end, 1);
	for (size_t i = 0; i < c->ntasks; i++) cp_close_task(c, &c->tasks[i], end);
	c->ntasks = c->nprocs = 0;
	if (c->fd_loadavg >= 0) close(c->fd_loadavg);
	c->fd_loadavg = -1;
	close(c->fd_proc);
	c->fd_proc = -1;
}

static const char *cp_describe(capture *base)
{
	return ((cp *)base)->desc;
}

static void cp_free(capture *base)
{
	cp *c = (cp *)base;
	if (c->started && !c->stopped) cp_stop(base, cp_now(c));
	if (c->timer) loop_timer_del(c->base.l, c->timer);
	free(c->tasks);
	free(c->procs);
	free(c->seen);
	free(c->scan);
	free(c->tids);
	free(c->cand);
	free(c);
}

static const capture_ops cp_ops = {
	.name = "proc",
	.start = cp_start,
	.hint = cp_hint,
	.watch = cp_watch_outside,
	.stop = cp_stop,
	.describe = cp_describe,
	.free = cp_free,
};

/* interval_ms > 0 wins, then PARLAB_SAMPLE_MS (1..1000), then 2 ms. */
static int cp_interval(int ms)
{
	if (ms > 0) return ms;
	const char *e = getenv("PARLAB_SAMPLE_MS");
	if (e && *e) {
		char *end;
		long v = strtol(e, &end, 10);
		if (!*end && v >= 1 && v <= 1000) return (int)v;
	}
	return CP_DEFAULT_MS;
}

capture *capture_proc_new(trace *t, loop *l, int interval_ms)
{
	cp *c = xcalloc(1, sizeof *c);
	c->base = (capture){ &cp_ops, t, l };
	c->interval_ms = cp_interval(interval_ms);
	c->fd_loadavg = c->fd_proc = -1;
	cp_set_period(c, c->interval_ms);
	return &c->base;
}
