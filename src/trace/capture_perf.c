/*
 * capture_perf: the precise backend behind capture.h, from the kernel's own
 * context-switch records (perf_event_open(2): a software "dummy" event with
 * context_switch, comm and task records; exclude_kernel, so that an
 * unprivileged user may open it at perf_event_paranoid <= 2).
 *
 * Events: one per online CPU on the root (pid = root, cpu = c), inherited
 * by every task root creates afterwards, each with its own ring (cpu = -1
 * with inherit cannot be mmap'd). The runner is still blocked on its "go"
 * pipe when they open, so every worker is covered from its first switch-in.
 *
 * Records end with pid, tid, time (CLOCK_MONOTONIC) and cpu. They are in
 * time order within a ring, not across rings: a drain copies every ring
 * into per-ring queues of fixed-size records (the ring space is released at
 * once), then merges the queues by time up to "now - PF_SLACK_NS" (a record
 * another CPU is writing may be older than now yet not visible); the rest
 * waits for the next drain. Drains run when a ring is a quarter full (its
 * watermark wakes the loop) and on a PF_TICK_MS timer: no system call per
 * record, and the loop never blocks.
 *
 * Slices: switch-in..switch-out runs on that CPU; after a preempted switch-
 * out the task is runnable until its next switch-in, after a voluntary one
 * sleeping (these records cannot tell S from D). A task's last slice ends
 * at its EXIT record. The kernel charges a context switch to the task
 * switched in, so a switch-in within PF_HANDOVER_NS of another traced
 * task's switch-out on the same CPU starts at that switch-out (a direct
 * switch takes 1 to 10 us here; a longer gap is a task we cannot see, the
 * screen's own drain among them, and is not given to the next one). At
 * each drain every live task's current state is laid down up to the merge
 * point, so a task that runs for seconds without a switch still shows
 * live.
 *
 * Totals: slices are wall-clock time between switch records, which is not
 * what the kernel charges. Measured here (a 2-CPU VM, HZ=250), a busy
 * task's slices were 0.5 to 1.1 % over its schedstat when alone on a CPU:
 * the host's steal, which the kernel leaves out of a task's time
 * (CONFIG_PARAVIRT_TIME_ACCOUNTING; /proc/stat's steal moved by as much),
 * and more where an unseen task sat in a handover gap; short by the
 * switches themselves (charged from the pick, recorded after the switch);
 * and a process's exit goes on after its EXIT record (the kernel turns
 * perf off before it frees the memory and closes the files: 0.1 to 0.25
 * ms of CPU for a small forked worker, 2 ms under ASan), which no record
 * shows. So when the capture stops, each task whose schedstat total the
 * runner reported at its end (trace cpu_ns, as of the E line's time, the
 * runner's died: a reaped process's zombie, every slice; a worker thread's
 * own CPU clock just before it returns, its slices up to then) has its
 * running slices reconciled with it (capture_reconcile): the difference,
 * spread in equal shares over its switch-ins, moves their starts, so that
 * the slices add up to the kernel's total, to the nanosecond where there
 * is room. It is an adjustment to the kernel's total, not a measurement:
 * a process's exit after its EXIT record, for one, is spread over its
 * switch-ins with the rest. Tasks nobody reported (the runner itself, a
 * command's own threads and children) keep their slices as recorded, and
 * their sum becomes their cpu_ns. cpu_ns stays 0 while the run is live
 * (the statistics add up slices then).
 *
 * When perf cannot start and the caller allows it, an embedded /proc
 * sampler takes over and the backend name says why.
 */
#include "trace/capture.h"
#include "util/procfs.h"
#include "util/xmalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef PERF_RECORD_MISC_SWITCH_OUT_PREEMPT
#define PERF_RECORD_MISC_SWITCH_OUT_PREEMPT (1 << 14)
#endif

#define PF_TICK_MS    25               /* drain at least this often */
#define PF_SLACK_NS   10000000LL       /* newer records wait for the next drain */
#define PF_RING_MAX   (2u << 20)       /* per CPU: ~30 ms of the worst switch storm */
#define PF_MIN_PAGES  4                /* smaller rings are not worth it */
#define PF_REC_MAX    256              /* longer records (none asked for) are skipped */
#define PF_ID_BYTES   24               /* sample_id: pid, tid, time, cpu, res */
#define PF_HANDOVER_NS 20000LL         /* a switch-in this soon after a switch-out: one switch */

/* One record, parsed: what the merge and the state machine need. */
typedef struct {
	int64_t time;          /* CLOCK_MONOTONIC ns */
	uint32_t type;
	uint16_t misc;
	int32_t pid, tid, ppid, ptid, cpu;
	char comm[16];
} pf_rec;

/* A CPU's last record, if it was a switch-out (t >= 0). */
typedef struct {
	int64_t t;
	pid_t tid;
} pf_last;

typedef struct {
	int fd, watched;
	int cpu;
	void *map;
	struct perf_event_mmap_page *meta;
	const unsigned char *data;
	uint64_t mask;         /* data bytes - 1 */
	pf_rec *q;             /* read, not yet merged: q[qhead..nq) */
	size_t nq, qhead, capq;
} pf_ring;

typedef struct {
	pid_t pid, tid;
	int id;                /* trace task */
	int cpu, last_cpu;     /* cpu: on it since `since`; -1 off CPU */
	trace_state off;       /* off CPU: runnable, sleeping; unknown before first seen */
	int64_t since;         /* the task's slices end here */
	int64_t born, died;    /* FORK and EXIT times, -1 unseen */
	int64_t told;          /* the runner's end for it (trace died before EXIT), -1 */
	int64_t run_ns, wait_ns;
	long nvcsw, nivcsw, migrations;
	char own_label, dead;
} pf_task;

typedef struct {
	capture base;
	capture *fb;           /* the /proc sampler, when perf could not start */
	int may_fall_back, started, stopped;
	pf_ring *rings;
	int nrings, ncpu, ntraced;   /* rings open now; CPUs traced */
	size_t map_bytes;
	long timer;
	pf_last *handover;     /* per CPU */
	pf_task *tasks;
	size_t ntasks, captasks;
	int *hash;             /* tid -> newest task index; -1 empty */
	size_t hcap;
	unsigned long lost;
	int *wfd;              /* events on processes the run did not start (pf_watch) */
	size_t nwfd, capwfd;
	char why[112];         /* why perf is not in use */
	char desc[256];
} pf;

/* ---- opening ------------------------------------------------------------- */

static long pf_read_long(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

/* Why perf_event_open or mmap failed, in words a user can act on. */
static void pf_explain(char *why, size_t cap, const char *what, int err)
{
	long p = pf_read_long("/proc/sys/kernel/perf_event_paranoid");
	if ((err == EACCES || err == EPERM) && p > 2)
		snprintf(why, cap, "perf_event_paranoid=%ld", p);
	else if (err == ENOSYS)
		snprintf(why, cap, "%s: not supported here", what);
	else
		snprintf(why, cap, "%s: %s", what, strerror(err));
}

/* Online CPUs ("0-3,6" in /sys), else 0..nprocs-1. Returns how many. */
static int pf_online_cpus(int **cpus)
{
	char buf[1024] = "";
	int fd = open("/sys/devices/system/cpu/online", O_RDONLY | O_CLOEXEC), n = 0;
	size_t cap = 0;
	ssize_t got = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
	if (fd >= 0) close(fd);
	for (char *p = buf; got > 0 && *p >= '0' && *p <= '9';) {
		long lo = strtol(p, &p, 10), hi = lo;
		if (*p == '-') hi = strtol(p + 1, &p, 10);
		for (long c = lo; c <= hi && c < 4096; c++) {
			*cpus = xgrow(*cpus, &cap, (size_t)n + 1, sizeof **cpus);
			(*cpus)[n++] = (int)c;
		}
		if (*p == ',') p++;
	}
	for (long c = 0, all = n ? 0 : sysconf(_SC_NPROCESSORS_ONLN); c < all; c++) {
		*cpus = xgrow(*cpus, &cap, (size_t)n + 1, sizeof **cpus);
		(*cpus)[n++] = (int)c;
	}
	return n;
}

static int pf_open_event(pid_t pid, int cpu, uint32_t watermark)
{
	struct perf_event_attr a;
	memset(&a, 0, sizeof a);
	a.size = sizeof a;
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_DUMMY;
	a.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU;
	a.disabled = 1;          /* enabled once every ring is mapped */
	a.inherit = 1;
	a.exclude_kernel = 1;    /* or unprivileged users get EACCES */
	a.exclude_hv = 1;
	a.comm = 1;
	a.comm_exec = 1;
	a.task = 1;
	a.context_switch = 1;
	a.sample_id_all = 1;
	a.use_clockid = 1;       /* the trace's time base */
	a.clockid = CLOCK_MONOTONIC;
	a.watermark = 1;         /* switch records do not count for wakeup_events */
	a.wakeup_watermark = watermark;
	return (int)syscall(SYS_perf_event_open, &a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* Data pages per ring: the largest power of two such that all rings fit
 * what an unprivileged user may lock (perf_event_mlock_kb per online CPU,
 * then RLIMIT_MEMLOCK), at most PF_RING_MAX. Others' use of the same
 * budget is met by retrying smaller. */
static size_t pf_ring_pages(int nrings)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	long kb = pf_read_long("/proc/sys/kernel/perf_event_mlock_kb");
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t budget = kb > 0 ? (uint64_t)kb * 1024 * (uint64_t)(online > 0 ? online : 1) : 0;
	struct rlimit rl;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0)
		budget += rl.rlim_cur == RLIM_INFINITY ? (uint64_t)PF_RING_MAX * 2 * (uint64_t)nrings : rl.rlim_cur;
	size_t pages = PF_RING_MAX / page;
	while (pages > PF_MIN_PAGES && (uint64_t)(pages + 1) * page * (uint64_t)nrings > budget) pages /= 2;
	return pages;
}

static void pf_close_rings(pf *c)
{
	for (size_t i = 0; i < c->nwfd; i++) close(c->wfd[i]);
	c->nwfd = 0;
	for (int i = 0; i < c->nrings; i++) {
		pf_ring *r = &c->rings[i];
		if (r->watched) loop_fd_del(c->base.l, r->fd);
		if (r->map) munmap(r->map, c->map_bytes);
		if (r->fd >= 0) close(r->fd);
		free(r->q);
	}
	free(c->rings);
	c->rings = NULL;
	c->nrings = 0;
}

/* Opens and maps one ring per CPU. 0: done; 1: mapping refused (locked
 * memory): try smaller; -1: perf is not usable (why says so). */
static int pf_try_rings(pf *c, pid_t pid, const int *cpus, int n, size_t pages)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	c->map_bytes = (pages + 1) * page;
	c->rings = xcalloc((size_t)n, sizeof *c->rings);
	for (int i = 0; i < n; i++) c->rings[i].fd = -1;
	c->nrings = n;
	for (int i = 0; i < n; i++) {
		pf_ring *r = &c->rings[i];
		r->cpu = cpus[i];
		r->fd = pf_open_event(pid, cpus[i], (uint32_t)(pages * page / 4));
		if (r->fd < 0) {
			pf_explain(c->why, sizeof c->why, "perf_event_open", errno);
			return -1;
		}
		void *m = mmap(NULL, c->map_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
		if (m == MAP_FAILED) {
			int err = errno;
			pf_explain(c->why, sizeof c->why, "perf ring buffer", err);
			return (err == EPERM || err == ENOMEM) && pages > PF_MIN_PAGES ? 1 : -1;
		}
		r->map = m;
		r->meta = m;
		r->data = (const unsigned char *)m + page;
		r->mask = pages * page - 1;
	}
	return 0;
}

/* Events and rings for root, enabled. -1 with c->why set. */
static int pf_open(pf *c, pid_t root)
{
	int *cpus = NULL;
	int n = pf_online_cpus(&cpus), rc = -1;
	if (n <= 0) snprintf(c->why, sizeof c->why, "no online CPU found");
	for (size_t pages = n > 0 ? pf_ring_pages(n) : 0; n > 0; pages /= 2) {
		rc = pf_try_rings(c, root, cpus, n, pages);
		if (rc == 0) break;
		pf_close_rings(c);
		if (rc < 0) break;
	}
	for (int i = 0; rc == 0 && i < c->nrings; i++) {
		if (ioctl(c->rings[i].fd, PERF_EVENT_IOC_ENABLE, 0) < 0) {
			pf_explain(c->why, sizeof c->why, "perf enable", errno);
			pf_close_rings(c);
			rc = -1;
		}
	}
	for (int i = 0; rc == 0 && i < n; i++)
		if (cpus[i] + 1 > c->ncpu) c->ncpu = cpus[i] + 1;
	if (rc == 0) {
		c->handover = xmalloc((size_t)c->ncpu * sizeof *c->handover);
		for (int i = 0; i < c->ncpu; i++) c->handover[i] = (pf_last){ -1, 0 };
	}
	free(cpus);
	return rc;
}

/* ---- tasks --------------------------------------------------------------- */

static size_t pf_slot(const pf *c, pid_t tid)
{
	return ((uint32_t)tid * 2654435761u) & (c->hcap - 1);
}

static pf_task *pf_find(pf *c, pid_t tid)
{
	if (!c->hcap) return NULL;
	for (size_t i = pf_slot(c, tid);; i = (i + 1) & (c->hcap - 1)) {
		int x = c->hash[i];
		if (x < 0) return NULL;
		if (c->tasks[x].tid == tid) return &c->tasks[x];
	}
}

static void pf_hash_put(pf *c, int idx)
{
	size_t i = pf_slot(c, c->tasks[idx].tid);
	while (c->hash[i] >= 0 && c->tasks[c->hash[i]].tid != c->tasks[idx].tid) i = (i + 1) & (c->hcap - 1);
	c->hash[i] = idx;   /* a recycled tid: the newest task wins */
}

/* Indexes task idx, growing the table to stay at most half full. */
static void pf_index(pf *c, int idx)
{
	if ((size_t)idx * 2 + 2 > c->hcap) {
		free(c->hash);
		c->hcap = c->hcap ? c->hcap * 2 : 64;
		c->hash = xmalloc(c->hcap * sizeof *c->hash);
		memset(c->hash, 0xff, c->hcap * sizeof *c->hash);
		for (int i = 0; i < idx; i++) pf_hash_put(c, i);
	}
	pf_hash_put(c, idx);
}

/* Counts into the trace. CPU time is not: cpu_ns is the kernel's own
 * total (the runner's, at the task's end) or 0 until the capture stops
 * (pf_stop); a runnable total, ours or the kernel's, the larger stays. */
static void pf_publish(pf *c, const pf_task *k)
{
	trace_task *tt = trace_task_get(c->base.t, k->id);
	if (k->wait_ns > tt->wait_ns) tt->wait_ns = k->wait_ns;
	tt->nvcsw = k->nvcsw;
	tt->nivcsw = k->nivcsw;
	tt->migrations = k->migrations;
	if (k->cpu >= 0 || k->last_cpu >= 0) tt->last_cpu = k->cpu >= 0 ? k->cpu : k->last_cpu;
}

/* The trace entry for a new task: the runner's, if it announced this one
 * and no earlier task of ours took it (its label and worker stay); else a
 * new entry named after comm. */
static int pf_trace_entry(pf *c, pid_t pid, pid_t tid, pid_t ppid, const char *comm, int *own)
{
	trace *t = c->base.t;
	int id = trace_task_find(t, tid);
	const trace_task *old = trace_task_at(t, id);
	const pf_task *prev = pf_find(c, tid);
	*own = 0;
	if (old && old->pid == pid && !(prev && prev->id == id)) return id;
	*own = 1;
	return trace_task_add(t, pid, tid, ppid, -1, comm);
}

/* A new task, off CPU in an unknown state from at. May move c->tasks. */
static pf_task *pf_task_new(pf *c, pid_t pid, pid_t tid, pid_t ppid, int64_t at, const char *comm)
{
	int own;
	int id = pf_trace_entry(c, pid, tid, ppid, comm, &own);
	c->tasks = xgrow(c->tasks, &c->captasks, c->ntasks + 1, sizeof *c->tasks);
	pf_task *k = &c->tasks[c->ntasks];
	*k = (pf_task){ .pid = pid, .tid = tid, .id = id, .cpu = -1, .last_cpu = -1,
			.off = TS_UNKNOWN, .since = at, .born = -1, .died = -1, .told = -1, .own_label = (char)own };
	pf_index(c, (int)c->ntasks++);
	trace_task *tt = trace_task_get(c->base.t, id);
	if (tt->born < 0) tt->born = at;   /* no later than this */
	pf_publish(c, k);
	return k;
}

/* The live task tid, or a new one (its FORK was before the capture, or
 * lost). */
static pf_task *pf_task_for(pf *c, pid_t pid, pid_t tid, int64_t at)
{
	pf_task *k = pf_find(c, tid);
	if (k && !k->dead) return k;
	char buf[1024], comm[20] = "";   /* its name as it is now, if it is still there */
	if (procfs_stat(pid, tid, buf, sizeof buf)) procfs_stat_comm(buf, comm, sizeof comm);
	return pf_task_new(c, pid, tid, 0, at, comm[0] ? comm : NULL);
}

/* ---- records into slices --------------------------------------------------- */

/* Lays [since, to) in state st and moves the cursor. */
static void pf_lay(pf *c, pf_task *k, int64_t to, trace_state st, int cpu)
{
	if (to <= k->since) return;
	trace_slice_add(c->base.t, k->id, k->since, to, st, cpu);
	if (st == TS_RUNNING) k->run_ns += to - k->since;
	else if (st == TS_RUNNABLE) k->wait_ns += to - k->since;
	k->since = to;
}

/* Lays the task's current state up to `to`. Unknown stays unlaid. */
static void pf_lay_current(pf *c, pf_task *k, int64_t to)
{
	if (k->cpu >= 0) pf_lay(c, k, to, TS_RUNNING, k->cpu);
	else if (k->off != TS_UNKNOWN) pf_lay(c, k, to, k->off, -1);
}

/* from: when the CPU left the previous task, if that was one of ours just
 * before (the kernel charges the switch itself to the incoming task). */
static void pf_switch_in(pf *c, pf_task *k, int64_t at, int cpu, int64_t from)
{
	if (at < k->since) at = k->since;   /* a late record: keep the order */
	if (from < k->since || from > at) from = at;
	if (k->cpu < 0) pf_lay_current(c, k, from);
	k->since = from;                    /* (a lost switch-out: unknown gap) */
	if (k->last_cpu >= 0 && k->last_cpu != cpu) k->migrations++;
	k->cpu = cpu;
	pf_publish(c, k);
}

/* It ran up to here (from its cursor, if no switch-in was seen: the root
 * was still on its way to the go pipe when capture opened, or a record was
 * lost), and is runnable (preempted) or sleeping from here. */
static void pf_switch_out(pf *c, pf_task *k, int64_t at, int cpu, int preempted)
{
	if (at < k->since) at = k->since;
	pf_lay(c, k, at, TS_RUNNING, k->cpu >= 0 ? k->cpu : cpu);
	k->since = at;
	if (preempted) k->nivcsw++;
	else k->nvcsw++;
	k->off = preempted ? TS_RUNNABLE : TS_SLEEPING;
	k->last_cpu = cpu;
	k->cpu = -1;
	pf_publish(c, k);
}

/* A new task: runnable from its FORK until its first switch-in. Its comm
 * is its creator's until a COMM record says otherwise. */
static void pf_fork(pf *c, const pf_rec *e, int64_t at)
{
	char comm[20] = "";
	pid_t ppid = e->ppid;
	const pf_task *p = pf_find(c, e->ptid), *lead = pf_find(c, e->pid);
	if (p) snprintf(comm, sizeof comm, "%s", trace_task_at(c->base.t, p->id)->comm);
	char buf[1024];   /* a creator not seen (a watched process's): its name as it is now */
	if (!comm[0] && procfs_stat(e->pid, e->tid, buf, sizeof buf)) procfs_stat_comm(buf, comm, sizeof comm);
	if (e->pid != e->tid && lead) ppid = trace_task_at(c->base.t, lead->id)->ppid;
	pf_task *k = pf_find(c, e->tid);
	if (!k || k->dead) k = pf_task_new(c, e->pid, e->tid, ppid, at, comm);
	trace_task *tt = trace_task_get(c->base.t, k->id);
	if (comm[0]) snprintf(tt->comm, sizeof tt->comm, "%s", comm);
	k->born = tt->born = at;
	k->since = at;
	k->off = TS_RUNNABLE;
}

/* The task's end: it was on its CPU up to here. */
static void pf_exit(pf *c, const pf_rec *e, int64_t at)
{
	pf_task *k = pf_find(c, e->tid);
	if (!k || k->dead) return;
	if (at < k->since) at = k->since;
	pf_lay_current(c, k, at);
	if (k->cpu >= 0) k->last_cpu = k->cpu;
	k->cpu = -1;
	k->dead = 1;
	k->died = at;
	trace_task *tt = trace_task_get(c->base.t, k->id);
	if (tt->died >= 0) k->told = tt->died;   /* the runner's E line came first */
	tt->died = at;
	pf_publish(c, k);
}

/* exec or a thread renaming itself: comm, and the label if it is ours. */
static void pf_comm(pf *c, const pf_rec *e, int64_t at)
{
	pf_task *k = pf_task_for(c, e->pid, e->tid, at);
	trace_task *tt = trace_task_get(c->base.t, k->id);
	snprintf(tt->comm, sizeof tt->comm, "%s", e->comm);
	if (k->own_label && tt->worker < 0) snprintf(tt->label, sizeof tt->label, "%s", e->comm);
}

static void pf_apply(pf *c, const pf_rec *e)
{
	int64_t at = trace_rel(c->base.t, e->time);
	if (at < 0) at = 0;
	int out = e->type == PERF_RECORD_SWITCH && (e->misc & PERF_RECORD_MISC_SWITCH_OUT);
	pf_last *last = e->cpu >= 0 && e->cpu < c->ncpu ? &c->handover[e->cpu] : NULL;
	if (e->type == PERF_RECORD_SWITCH) {
		pf_task *k = pf_task_for(c, e->pid, e->tid, at);
		int handover = !out && last && last->t >= 0 && last->tid != e->tid && at - last->t <= PF_HANDOVER_NS;
		if (out)
			pf_switch_out(c, k, at, e->cpu, !!(e->misc & PERF_RECORD_MISC_SWITCH_OUT_PREEMPT));
		else
			pf_switch_in(c, k, at, e->cpu, handover ? last->t : at);
	} else if (e->type == PERF_RECORD_FORK) {
		pf_fork(c, e, at);
	} else if (e->type == PERF_RECORD_EXIT) {
		pf_exit(c, e, at);
	} else if (e->type == PERF_RECORD_COMM) {
		pf_comm(c, e, at);
	}
	if (last) *last = (pf_last){ out ? at : -1, e->tid };
}

/* ---- draining ------------------------------------------------------------- */

static uint32_t pf_u32(const unsigned char *p) { uint32_t v; memcpy(&v, p, sizeof v); return v; }
static uint64_t pf_u64(const unsigned char *p) { uint64_t v; memcpy(&v, p, sizeof v); return v; }

/* One record (header at p, size bytes) into the ring's queue; LOST is
 * counted at once (it needs no order). */
static void pf_parse(pf *c, pf_ring *r, const unsigned char *p, uint32_t type, uint16_t misc, size_t size)
{
	if (size < 8 + PF_ID_BYTES) return;
	const unsigned char *id = p + size - PF_ID_BYTES, *body = p + 8;
	if (type == PERF_RECORD_LOST) { c->lost += pf_u64(body + 8); return; }
	if (type == PERF_RECORD_LOST_SAMPLES) { c->lost += pf_u64(body); return; }
	if (type != PERF_RECORD_SWITCH && type != PERF_RECORD_FORK && type != PERF_RECORD_EXIT &&
	    type != PERF_RECORD_COMM) return;
	r->q = xgrow(r->q, &r->capq, r->nq + 1, sizeof *r->q);
	pf_rec *e = &r->q[r->nq++];
	e->time = (int64_t)pf_u64(id + 8);
	e->type = type;
	e->misc = misc;
	e->pid = (int32_t)pf_u32(id);
	e->tid = (int32_t)pf_u32(id + 4);
	e->cpu = (int32_t)pf_u32(id + 16);
	e->ppid = e->ptid = 0;
	e->comm[0] = '\0';
	if (type == PERF_RECORD_FORK || type == PERF_RECORD_EXIT) {
		e->pid = (int32_t)pf_u32(body);
		e->ppid = (int32_t)pf_u32(body + 4);
		e->tid = (int32_t)pf_u32(body + 8);
		e->ptid = (int32_t)pf_u32(body + 12);
	} else if (type == PERF_RECORD_COMM) {
		size_t n = size - 16 - PF_ID_BYTES;
		e->pid = (int32_t)pf_u32(body);
		e->tid = (int32_t)pf_u32(body + 4);
		memcpy(e->comm, body + 8, n < sizeof e->comm ? n : sizeof e->comm);
		e->comm[sizeof e->comm - 1] = '\0';
	}
}

/* Copies every complete record out of the ring and releases the space. */
static void pf_read_ring(pf *c, pf_ring *r)
{
	uint64_t head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = r->meta->data_tail, size = r->mask + 1;
	unsigned char buf[PF_REC_MAX];
	while (head - tail >= sizeof(struct perf_event_header)) {
		struct perf_event_header h;
		uint64_t off = tail & r->mask;
		memcpy(&h, r->data + off, sizeof h);   /* 8-aligned: never wraps */
		if (h.size < sizeof h || h.size > head - tail) { tail = head; break; }
		if (h.size <= PF_REC_MAX) {
			const unsigned char *p = r->data + off;
			if (off + h.size > size) {   /* wraps around the end */
				memcpy(buf, p, size - off);
				memcpy(buf + (size - off), r->data, h.size - (size - off));
				p = buf;
			}
			pf_parse(c, r, p, h.type, h.misc, h.size);
		}
		tail += h.size;
	}
	__atomic_store_n(&r->meta->data_tail, tail, __ATOMIC_RELEASE);
}

/* Applies queued records in time order up to limit (absolute ns): take
 * the ring with the oldest head, and run on in it while it stays oldest. */
static void pf_merge(pf *c, int64_t limit)
{
	for (;;) {
		pf_ring *best = NULL;
		int64_t next = limit;   /* the second-oldest head, or the limit */
		for (int i = 0; i < c->nrings; i++) {
			pf_ring *r = &c->rings[i];
			if (r->qhead >= r->nq || r->q[r->qhead].time > limit) continue;
			int64_t tm = r->q[r->qhead].time;
			if (!best || tm < best->q[best->qhead].time) {
				if (best && best->q[best->qhead].time < next) next = best->q[best->qhead].time;
				best = r;
			} else if (tm < next) {
				next = tm;
			}
		}
		if (!best) break;
		do pf_apply(c, &best->q[best->qhead++]);
		while (best->qhead < best->nq && best->q[best->qhead].time <= next);
	}
	for (int i = 0; i < c->nrings; i++) {
		pf_ring *r = &c->rings[i];
		if (!r->qhead) continue;
		memmove(r->q, r->q + r->qhead, (r->nq - r->qhead) * sizeof *r->q);
		r->nq -= r->qhead;
		r->qhead = 0;
	}
}

static void pf_name(pf *c)
{
	snprintf(c->desc, sizeof c->desc, "perf_event context switches (%d CPU%s, %lu lost)",
		 c->ntraced, c->ntraced == 1 ? "" : "s", c->lost);
	trace_set_backend(c->base.t, c->desc);
	trace_set_lost(c->base.t, c->lost);
}

/* Reads every ring, applies what is surely complete, and lays each live
 * task's state up to there. final: everything (the run is over). */
static void pf_drain(pf *c, int final)
{
	int64_t now = loop_now_ns();   /* before the rings are read */
	unsigned long lost = c->lost;
	for (int i = 0; i < c->nrings; i++) pf_read_ring(c, &c->rings[i]);
	pf_merge(c, final ? INT64_MAX : now - PF_SLACK_NS);
	if (!final) {
		int64_t upto = trace_rel(c->base.t, now - PF_SLACK_NS);
		for (size_t i = 0; i < c->ntasks; i++) {
			pf_task *k = &c->tasks[i];
			if (k->dead) continue;
			pf_lay_current(c, k, upto);
			pf_publish(c, k);
		}
	}
	if (c->lost != lost) pf_name(c);
}

static void pf_on_tick(loop *l, long id, void *arg)
{
	(void)l; (void)id;
	pf_drain(arg, 0);
}

static void pf_on_ring(loop *l, int fd, int events, void *arg)
{
	pf *c = arg;
	pf_drain(c, 0);
	if (!(events & LOOP_HUP)) return;
	/* Every traced task is gone: hang-up stays set, stop watching. */
	loop_fd_del(l, fd);
	for (int i = 0; i < c->nrings; i++)
		if (c->rings[i].fd == fd) c->rings[i].watched = 0;
}

/* ---- ops ----------------------------------------------------------------- */

/* The runner is off CPU, blocked on its go pipe, from the start. */
static void pf_add_root(pf *c, pid_t root)
{
	char buf[1024], comm[20] = "";
	long long ppid = 0;
	if (procfs_stat(root, 0, buf, sizeof buf)) {
		procfs_stat_comm(buf, comm, sizeof comm);
		if (procfs_stat_field(buf, PROCFS_PPID, &ppid) < 0) ppid = 0;
	}
	int64_t now = trace_rel(c->base.t, loop_now_ns());
	pf_task *k = pf_task_new(c, root, root, ppid, now, comm);
	trace_task_get(c->base.t, k->id)->born = 0;   /* older than the run */
	k->off = TS_SLEEPING;
}

static void pf_describe_fallback(pf *c)
{
	char fb[96];
	snprintf(fb, sizeof fb, "%s", capture_describe(c->fb));
	snprintf(c->desc, sizeof c->desc, "%s (perf_event unavailable: %s)", fb, c->why);
}

static void pf_name_fallback(pf *c)
{
	pf_describe_fallback(c);
	trace_set_backend(c->base.t, c->desc);
}

static int pf_start(capture *base, pid_t root)
{
	pf *c = (pf *)base;
	if (c->started || c->fb || root <= 0) return -1;
	if (pf_open(c, root) == 0) {
		c->started = 1;
		c->ntraced = c->nrings;
		trace_set_ncpu(c->base.t, c->ncpu);
		pf_add_root(c, root);
		for (int i = 0; i < c->nrings; i++) {
			loop_fd_add(c->base.l, c->rings[i].fd, LOOP_READ, pf_on_ring, c);
			c->rings[i].watched = 1;
		}
		c->timer = loop_timer_add(c->base.l, PF_TICK_MS, 1, pf_on_tick, c);
		pf_name(c);
		return 0;
	}
	if (!c->may_fall_back) {
		snprintf(c->desc, sizeof c->desc, "none (perf unavailable: %s)", c->why);
		trace_set_backend(c->base.t, c->desc);
		return -1;
	}
	c->fb = capture_proc_new(c->base.t, c->base.l, 0);
	if (capture_start(c->fb, root) < 0) return -1;
	pf_name_fallback(c);
	return 0;
}

static void pf_hint(capture *base, pid_t pid, pid_t tid)
{
	pf *c = (pf *)base;
	if (c->fb) capture_hint(c->fb, pid, tid);   /* perf needs none: it sees every fork */
}

#define PF_WATCH_FDS 4096   /* events on processes the run did not start, at most */

/* Thread tid of pid into the rings: an event per CPU (inherited by what
 * it creates) whose records go to that CPU's ring (SET_OUTPUT), so they
 * merge with the run's. 0, or -1 with nothing left open. */
static int pf_watch_thread(pf *c, pid_t pid, pid_t tid, int64_t now)
{
	size_t first = c->nwfd;
	for (int i = 0; i < c->nrings; i++) {
		int fd = c->nwfd < PF_WATCH_FDS ? pf_open_event(tid, c->rings[i].cpu, 0) : -1;
		if (fd < 0 || ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, c->rings[i].fd) < 0) {
			if (fd >= 0) close(fd);
			while (c->nwfd > first) close(c->wfd[--c->nwfd]);
			return -1;
		}
		c->wfd = xgrow(c->wfd, &c->capwfd, c->nwfd + 1, sizeof *c->wfd);
		c->wfd[c->nwfd++] = fd;
	}
	char buf[1024], comm[20] = "";
	long long ppid = 0, st = 0;
	if (procfs_stat(pid, tid, buf, sizeof buf)) {
		procfs_stat_comm(buf, comm, sizeof comm);
		if (procfs_stat_field(buf, PROCFS_STATE, &st) < 0) st = 0;
	}
	if (procfs_stat(pid, 0, buf, sizeof buf) && procfs_stat_field(buf, PROCFS_PPID, &ppid) < 0) ppid = 0;
	pf_task *k = pf_task_new(c, pid, tid, (pid_t)ppid, now, comm);
	trace_task_get(c->base.t, k->id)->born = 0;   /* older than the run */
	/* Asleep now: so until its next switch-in (R: on a CPU or waiting for
	 * one, unknown until its next record). */
	if (st == 'S' || st == 'D') k->off = st == 'D' ? TS_BLOCKED : TS_SLEEPING;
	for (size_t i = first; i < c->nwfd; i++) ioctl(c->wfd[i], PERF_EVENT_IOC_ENABLE, 0);
	return 0;
}

/* A process the run did not start, and its threads: each thread's events
 * go to the rings (threads it creates later are inherited). The threads
 * are listed until a pass finds no new one. */
static int pf_watch(capture *base, pid_t pid)
{
	pf *c = (pf *)base;
	if (c->fb) return capture_watch(c->fb, pid);
	if (!c->started || c->stopped || pid <= 0) return -1;
	int64_t now = trace_rel(c->base.t, loop_now_ns());
	int any = 0;
	for (int pass = 0, added = 1; added && pass < 4; pass++) {
		char path[40];
		snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
		DIR *d = opendir(path);
		if (!d) break;
		added = 0;
		struct dirent *de;
		while ((de = readdir(d))) {
			char *end;
			long tid = strtol(de->d_name, &end, 10);
			if (*end || tid <= 0) continue;
			const pf_task *k = pf_find(c, (pid_t)tid);
			if (k && !k->dead) { any = 1; continue; }
			if (pf_watch_thread(c, pid, (pid_t)tid, now) == 0) any = added = 1;
		}
		closedir(d);
	}
	return any ? 0 : -1;
}

static void pf_reconcile(pf *c);

static void pf_stop(capture *base, int64_t end)
{
	pf *c = (pf *)base;
	if (c->fb) {
		capture_stop(c->fb, end);
		pf_name_fallback(c);   /* the sampler may have renamed itself */
		return;
	}
	if (c->stopped) return;
	c->stopped = 1;
	if (!c->started) return;
	if (c->timer) loop_timer_del(c->base.l, c->timer);
	c->timer = 0;
	pf_drain(c, 1);
	for (size_t i = 0; i < c->ntasks; i++) {
		pf_task *k = &c->tasks[i];
		trace_task *tt = trace_task_get(c->base.t, k->id);
		if (tt->died >= 0 && tt->died != k->died) k->told = tt->died;   /* E after EXIT */
		if (!k->dead) pf_lay_current(c, k, end);
		/* The runner's own lines may have moved these; ours are exact. */
		if (k->born >= 0) tt->born = k->born;
		if (k->died >= 0) tt->died = k->died;
	}
	pf_reconcile(c);
	pf_close_rings(c);
	pf_name(c);
}

/* Each task's running slices made to add up to the kernel's CPU time
 * where the runner read it at its end (trace cpu_ns, as of the runner's
 * died: a reaped process's is after its EXIT record, all of it; a
 * thread's just before it returned); see capture_reconcile. A thread's
 * cpu_ns then adds what the records saw it run after that read (its exit,
 * which its clock could not count), so that its slices and cpu_ns agree.
 * A task whose total is not known keeps its slices, and their sum becomes
 * its cpu_ns. */
static void pf_reconcile(pf *c)
{
	trace *t = c->base.t;
	int nt = trace_ntasks(t);
	int64_t *kernel = xmalloc((size_t)(nt ? nt : 1) * sizeof *kernel);
	int64_t *as_of = xmalloc((size_t)(nt ? nt : 1) * sizeof *as_of);
	for (int i = 0; i < nt; i++) kernel[i] = as_of[i] = -1;
	for (size_t i = 0; i < c->ntasks; i++) {
		const pf_task *k = &c->tasks[i];
		const trace_task *tt = trace_task_at(t, k->id);
		if (tt->cpu_ns <= 0) continue;
		kernel[k->id] = tt->cpu_ns;
		as_of[k->id] = k->told;
	}
	capture_reconcile(t, kernel, as_of, NULL);
	free(kernel);
	free(as_of);
	for (size_t i = 0; i < c->ntasks; i++) {
		pf_task *k = &c->tasks[i];
		size_t n;
		const trace_slice *s = trace_slices(t, k->id, &n);
		k->run_ns = k->wait_ns = 0;
		int64_t after = 0;   /* running after its total was read: a thread's exit */
		for (size_t j = 0; j < n; j++) {
			if (s[j].state == TS_RUNNING) k->run_ns += s[j].t1 - s[j].t0;
			else if (s[j].state == TS_RUNNABLE) k->wait_ns += s[j].t1 - s[j].t0;
			if (s[j].state == TS_RUNNING && k->told >= 0 && s[j].t1 > k->told)
				after += s[j].t1 - (s[j].t0 > k->told ? s[j].t0 : k->told);
		}
		trace_task *tt = trace_task_get(t, k->id);
		if (tt->cpu_ns <= 0) tt->cpu_ns = k->run_ns;
		else tt->cpu_ns += after;   /* the kernel's total then, plus what the records saw after */
		pf_publish(c, k);
	}
}

static const char *pf_describe(capture *base)
{
	pf *c = (pf *)base;
	if (c->fb) pf_describe_fallback(c);
	return c->desc;
}

static void pf_free(capture *base)
{
	pf *c = (pf *)base;
	if (c->started && !c->stopped) pf_stop(base, trace_rel(c->base.t, loop_now_ns()));
	if (c->timer) loop_timer_del(c->base.l, c->timer);
	pf_close_rings(c);
	capture_free(c->fb);
	free(c->wfd);
	free(c->tasks);
	free(c->hash);
	free(c->handover);
	free(c);
}

static const capture_ops pf_ops = {
	.name = "perf",
	.start = pf_start,
	.hint = pf_hint,
	.watch = pf_watch,
	.stop = pf_stop,
	.describe = pf_describe,
	.free = pf_free,
};

/* The perf backend; with may_fall_back, start() hands over to the /proc
 * sampler when perf cannot be used. */
capture *capture_perf_new(trace *t, loop *l, int may_fall_back)
{
	pf *c = xcalloc(1, sizeof *c);
	c->base = (capture){ &pf_ops, t, l };
	c->may_fall_back = may_fall_back;
	snprintf(c->desc, sizeof c->desc, "perf_event context switches");
	return &c->base;
}

/* Whether perf can work here: the same event and a small ring, on this
 * process, opened and closed at once. -1 with the reason in why. */
int capture_perf_probe(char *why, size_t cap)
{
	pf c;
	int *cpus = NULL;
	memset(&c, 0, sizeof c);
	int n = pf_online_cpus(&cpus), rc = -1;
	if (n <= 0) snprintf(c.why, sizeof c.why, "no online CPU found");
	else rc = pf_try_rings(&c, 0, cpus, 1, PF_MIN_PAGES);
	pf_close_rings(&c);
	free(cpus);
	snprintf(why, cap, "%s", rc == 0 ? "" : c.why);
	return rc == 0 ? 0 : -1;
}
