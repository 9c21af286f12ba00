/*
 * run.c: the screen side of a run. Creates the pipes, forks the runner,
 * arms capture when the runner says it is ready, and turns what comes back
 * (control lines, see run/proto.h; output bytes; SIGCHLD) into the trace,
 * with samples of every CPU's own counters while it is live (what other
 * programs did), from the event loop without blocking it (only run_free waits, for a run
 * it has to end).
 */
#include "run/run.h"
#include "run/cgroup.h"
#include "run/dask_feed.h"
#include "run/proto.h"
#include "run/runner.h"
#include "trace/capture.h"
#include "util/procfs.h"
#include "util/xmalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PREPARE_LIMIT_MS 120000   /* preparing a run: files, a CSV, finding a Python */
#define LINE_MAX_BYTES 4096       /* longer lines are split */
/* The output cap: the first and the last lines of a run are kept (its end
 * matters most), the ones between are counted (trace_set_line_cap). */
#define RUN_HEAD_LINES 100000
#define RUN_TAIL_LINES 100000
#define RUN_CAP_BYTES  (8u << 20)   /* of text, for each of the two */
#define READ_CHUNK     65536      /* per callback: keeps the loop fair */
#define GRACE_MS       300        /* after the runner: wait for stray pipes */
#define RUN_MAX_WORKERS 1024      /* a run's workers (threads; processes: 512, lua_api.c) */
#define SAMPLE_MS      50         /* CPU counters: /proc/stat ticks are 10 ms */
#define SAMPLE_CPUS    1024

typedef struct {
	run *r;
	int fd;
	int worker;      /* -1: the runner's own messages */
	int stream;      /* 1, 2; 0 for ctl */
	pid_t pid;       /* >0: a process's own pipe (the Python helper's), its lines are its */
	char *buf;
	size_t len, cap;
} pipe_in;

struct run {
	loop *l;
	trace *t;
	run_events ev;
	run_spec spec;
	pid_t pid;
	int runner_status, runner_reaped;
	pipe_in *pipes;
	int npipes, open_pipes;
	int *worker_task;   /* task index per worker id, -1 unknown */
	int nworkers;
	capture *cap;
	long timeout_timer, grace_timer, sample_timer, stuck_timer;
	int go;             /* write end: released once capture is armed */
	int marks;          /* a command's marks come here (PARLAB_MARK_FD), or -1 */
	struct pmark { pid_t pid; int64_t at; int kind; char *text; size_t len; } *pmarks;   /* marks, names, lines */
	size_t npmarks, cappmarks;                            /* of processes capture has not seen yet */
	pipe_in **own;      /* pipes a process sent (PARLAB_MARK_FD "\1out"): its own output */
	size_t nown, capown;
	char *stop_why;
	char *crash;
	char importing[96]; /* a Python program's top-level import going on (its helper says), or "" */
	pid_t importing_pid;   /* who imports it */
	int64_t importing_since;
	dask_feed *dask;    /* a Dask cluster's task stream (its helper's "\1d..." messages), made on the first */
	char *deadlock;     /* who waits for what, when a deadlock stopped the run */
	unsigned char *worker_ended;   /* per worker id: its end was seen */
	int stuck_seen;     /* deadlock checks in a row that found one */
	int ended, failed_workers, done, killed;
	int timed_out;      /* the stop was the time limit's: 1, or 2 while preparing */
	int not_started;    /* workers the runner could not start ("N" line) */
	int not_started_err;   /* why, an errno value (0: not said) */
	char failures[160];
	int nleft;          /* a command's processes still running after it exited, stopped by the runner */
	char left[160];     /* their names */
	char prep_what[PROTO_TEXT_MAX + 1];   /* the runner's last "P" line */
	int64_t prep_since;                    /* when the runner was forked */
};

static run *active;   /* one live run per process */

/* The end the spec expects; 0 (unset) is the normal end. A timeout while
 * preparing is never the one a lesson expects. */
static trace_end_kind expected_kind(const run *r)
{
	if (r->timed_out == 2) return TRACE_FINISHED;
	return r->spec.expect == TRACE_RUNNING ? TRACE_FINISHED : r->spec.expect;
}

/* ---- reaping ------------------------------------------------------------- */

static void finish_if_done(run *r);

void run_reap_all(void)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (active && pid == active->pid) {
			active->runner_status = status;
			active->runner_reaped = 1;
		}
	}
}

/* SIGCHLD, through the loop: reap, and end the run once all is in. */
static void on_sigchld(loop *l, int sig, void *arg)
{
	(void)l; (void)sig; (void)arg;
	run *r = active;
	run_reap_all();
	if (r && r->runner_reaped) finish_if_done(r);
}

/* Kills processes re-parented to us (we are a subreaper): they can only
 * have come from a run whose runner died first. */
static void kill_orphans(void)
{
	DIR *d = opendir("/proc");
	if (!d) return;
	pid_t self = getpid();
	struct dirent *de;
	while ((de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0) continue;
		char buf[512];
		long long ppid;
		if (procfs_stat((pid_t)pid, 0, buf, sizeof buf) && procfs_stat_field(buf, PROCFS_PPID, &ppid) == 0 &&
		    ppid == self)
			kill((pid_t)pid, SIGKILL);
	}
	closedir(d);
}

/* Kills and reaps every child left to us, in rounds: a killed stray's own
 * children are adopted by us in turn. Bounded, so a task stuck in the
 * kernel cannot hang the screen. */
static void reap_strays(void)
{
	for (int round = 0; round < 100; round++) {
		kill_orphans();
		pid_t pid;
		int st;
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {}
		if (pid < 0 && errno == ECHILD) return;
		struct timespec ts = { 0, 2000000 };
		nanosleep(&ts, NULL);
	}
}

/* A Python import this long is said in the output (run_importing says it live). */
#define IMPORT_SAY_NS 300000000LL

/* ---- output -------------------------------------------------------------- */

static int worker_task(run *r, int worker);

/* What waits for capture to see its process (struct pmark's kind). */
enum { PM_MARK, PM_NAME, PM_THREAD, PM_LINE1, PM_LINE2, PM_NOTE };

/* Queues one for place_marks: in order, each waits for the ones before it. */
static void pend(run *r, pid_t pid, int64_t at, int kind, const char *text, size_t len)
{
	r->pmarks = xgrow(r->pmarks, &r->cappmarks, r->npmarks + 1, sizeof *r->pmarks);
	char *copy = xmalloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	r->pmarks[r->npmarks++] = (struct pmark){ pid, at, kind, copy, len };
}

/* One line of a worker's (or the runner's) output into the trace, read
 * at time at (relative). */
static void emit_line(pipe_in *p, int64_t at, const char *s, size_t len)
{
	run *r = p->r;
	if (p->pid > 0) {   /* a process's own pipe: its task, once capture has it */
		int task = r->npmarks ? -1 : trace_task_find(r->t, p->pid);
		if (task >= 0) trace_line_add(r->t, task, at, p->stream, s, len);
		else pend(r, p->pid, at, PM_LINE1 + p->stream - 1, s, len);
		return;
	}
	int task = p->worker >= 0 ? worker_task(r, p->worker) : -1;
	int stream = p->worker >= 0 ? p->stream : 0;
	trace_line_add(r->t, task, at, stream, s, len);
}

static void handle_ctl_line(run *r, char *line);
static void place_marks(run *r, int all);

/* Splits buffered bytes into lines; with flush, the tail too. The lines
 * of one read arrived together: they get its time. */
static void split_lines(pipe_in *p, int flush)
{
	size_t start = 0;
	int64_t at = trace_rel(p->r->t, loop_now_ns());
	for (;;) {   /* the next newline, or LINE_MAX_BYTES without one */
		size_t room = p->len - start;
		if (room > LINE_MAX_BYTES + 1) room = LINE_MAX_BYTES + 1;
		char *nl = room ? memchr(p->buf + start, '\n', room) : NULL;
		if (nl) {
			size_t i = (size_t)(nl - p->buf);
			if (p->stream == 0) {
				*nl = '\0';
				handle_ctl_line(p->r, p->buf + start);
			} else {
				emit_line(p, at, p->buf + start, i - start);
			}
			start = i + 1;
		} else if (room == LINE_MAX_BYTES + 1) {   /* too long: split */
			emit_line(p, at, p->buf + start, LINE_MAX_BYTES);
			start += LINE_MAX_BYTES;
		} else {
			break;
		}
	}
	if (flush && start < p->len) {
		if (p->stream == 0) {
			p->buf[p->len] = '\0';
			handle_ctl_line(p->r, p->buf + start);
		} else {
			emit_line(p, at, p->buf + start, p->len - start);
		}
		start = p->len;
	}
	if (start && p->len > start) memmove(p->buf, p->buf + start, p->len - start);
	p->len -= start;
}

/* At EOF: the last partial line, then the fd leaves the loop. */
static void pipe_close(pipe_in *p)
{
	if (p->fd < 0) return;
	split_lines(p, 1);
	loop_fd_del(p->r->l, p->fd);
	close(p->fd);
	p->fd = -1;
	p->r->open_pipes--;
}

/* 0: got bytes, -1: nothing there now, 1: EOF or error. */
static int pipe_read(pipe_in *p)
{
	p->buf = xgrow(p->buf, &p->cap, p->len + READ_CHUNK + 1, 1);
	ssize_t n = read(p->fd, p->buf + p->len, READ_CHUNK);
	if (n < 0) return (errno == EAGAIN || errno == EINTR) ? -1 : 1;
	if (n == 0) return 1;
	p->len += (size_t)n;
	split_lines(p, 0);
	return 0;
}

/* A pipe is readable or hung up: read a chunk, tell the front end. */
static void on_pipe(loop *l, int fd, int events, void *arg)
{
	(void)l; (void)fd;
	pipe_in *p = arg;
	run *r = p->r;
	int eof = 0;
	if (events & LOOP_READ) eof = pipe_read(p) == 1;
	else if (events & LOOP_HUP) eof = 1;
	if (eof) pipe_close(p);
	if (p->pid > 0 && r->npmarks) place_marks(r, 0);   /* its lines may wait for its task */
	if (r->ev.update) r->ev.update(r, r->ev.arg);
	finish_if_done(r);
}

/* ---- a command's marks ------------------------------------------------------ */

#define MARK_MAX_BYTES 512   /* a datagram: one write of the command's */

#define MARK_MAX_FDS 4

static void add_own_pipe(run *r, int fd, pid_t pid, int stream);

/* A helper's message ("\1out", "\1name NAME", "\1thread TID NAME", see
 * python/parlab/_boot.py; "\1step ...", to the spec's step_msg) from pid,
 * with the fds it sent. */
/* The import going on is name (as sanitized). */
static int importing_is(const run *r, const char *name)
{
	char s[sizeof r->importing];
	trace_sanitize(s, sizeof s, name, strlen(name));
	return !strcmp(s, r->importing);
}

/* pid is root or one of its descendants (by /proc's parents). */
static int descends_from(pid_t pid, pid_t root)
{
	for (int depth = 0; pid > 1 && depth < 64; depth++) {
		if (pid == root) return 1;
		char buf[1024];
		long long ppid;
		if (!procfs_stat(pid, 0, buf, sizeof buf) || procfs_stat_field(buf, PROCFS_PPID, &ppid) < 0) return 0;
		pid = (pid_t)ppid;
	}
	return 0;
}

/* A Dask worker introduced itself ("dworker ADDR PID ..."): one on this
 * machine that the run did not start (an existing cluster's) is marked
 * so, and the capture watches its process from now on, so that its lanes
 * show beside the tasks it runs. Only watched: nothing of the run's end
 * (waiting, stopping its processes) ever reaches it. */
static void watch_outside_worker(run *r, const char *rest)
{
	char addr[64];
	size_t n = strcspn(rest, " ");
	if (n >= sizeof addr) return;
	memcpy(addr, rest, n);
	addr[n] = '\0';
	int i = trace_dworker_find(r->t, addr);
	const trace_dworker *w = i >= 0 ? trace_dworker_at(r->t, (size_t)i) : NULL;
	if (!w || !w->local || w->outside || w->pid <= 0 || trace_task_find(r->t, w->pid) >= 0 ||
	    descends_from(w->pid, r->pid))
		return;   /* the run's own (its capture saw it start, or it is below the runner) */
	trace_dworker_set_outside(r->t, (size_t)i);
	if (!r->cap || r->done || capture_watch(r->cap, w->pid) < 0) return;
	int task = trace_task_find(r->t, w->pid);
	char name[96];   /* a pyname keeps what fits */
	snprintf(name, sizeof name, "worker %s, not this run's", w->name[0] ? w->name : addr);
	if (task >= 0) trace_task_set_pyname(r->t, task, name);
}

static void helper_message(run *r, pid_t pid, int64_t at, const char *msg, const int *fds, int nfds)
{
	int used = 0;
	if (!strncmp(msg, "step ", 5) && r->spec.step_msg && !r->done) {   /* a stepped program's step point */
		r->spec.step_msg(r->spec.ctx, pid, msg + 5, fds, nfds);
		used = 1;
	} else if (!strcmp(msg, "out") && nfds == 2 && pid > 0) {
		add_own_pipe(r, fds[0], pid, 1);
		add_own_pipe(r, fds[1], pid, 2);
		used = 1;
	} else if (!strncmp(msg, "name ", 5) && msg[5] && pid > 0) {
		pend(r, pid, at, PM_NAME, msg + 5, strlen(msg + 5));
	} else if (!strncmp(msg, "thread ", 7)) {
		char *end;
		long tid = strtol(msg + 7, &end, 10);
		if (tid > 0 && *end == ' ' && end[1]) pend(r, (pid_t)tid, at, PM_THREAD, end + 1, strlen(end + 1));
	} else if (msg[0] == 'd' && dask_feed_message(r->dask ? r->dask : (r->dask = dask_feed_new()), r->t, msg)) {
		/* a Dask worker's task stream: in the trace */
		if (!strncmp(msg, "dworker ", 8)) watch_outside_worker(r, msg + 8);
	} else if (!strncmp(msg, "import ", 7) && msg[7] && pid > 0) {   /* a top-level import began */
		trace_sanitize(r->importing, sizeof r->importing, msg + 7, strlen(msg + 7));   /* the program's words */
		r->importing_pid = pid;
		r->importing_since = loop_now_ns();
	} else if (!strncmp(msg, "imported ", 9) && pid == r->importing_pid && importing_is(r, msg + 9)) {
		int64_t took = loop_now_ns() - r->importing_since;
		if (took >= IMPORT_SAY_NS) {   /* said in the output: it explains the lanes' quiet start */
			char note[160];
			int n = snprintf(note, sizeof note, "took %.2f s to import %s", (double)took / 1e9, r->importing);
			pend(r, pid, at, PM_NOTE, note, n > 0 && (size_t)n < sizeof note ? (size_t)n : sizeof note - 1);
		}
		r->importing[0] = '\0';
		r->importing_pid = 0;
	}
	if (!used)
		for (int i = 0; i < nfds; i++) close(fds[i]);
}

/* Reads every datagram there is now: a helper's message (first byte 1),
 * or mark lines, each credited to the process that wrote it (the kernel
 * says who: SO_PASSCRED) if the trace has it, else to the command. */
static void drain_marks(run *r)
{
	while (r->marks >= 0) {
		char buf[MARK_MAX_BYTES + 1];
		union {
			struct cmsghdr h;
			char b[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(MARK_MAX_FDS * sizeof(int))];
		} ctl;
		struct iovec iov = { buf, MARK_MAX_BYTES };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof ctl.b };
		ssize_t n = recvmsg(r->marks, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR) continue;
		if (n < 0) return;
		pid_t pid = 0;
		int fds[MARK_MAX_FDS], nfds = 0;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level != SOL_SOCKET) continue;
			if (c->cmsg_type == SCM_CREDENTIALS) {
				struct ucred u;
				memcpy(&u, CMSG_DATA(c), sizeof u);
				pid = u.pid;
			} else if (c->cmsg_type == SCM_RIGHTS) {
				size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
				for (size_t j = 0; j < k; j++) {
					int fd;
					memcpy(&fd, CMSG_DATA(c) + j * sizeof(int), sizeof fd);
					if (nfds < MARK_MAX_FDS) fds[nfds++] = fd;
					else close(fd);
				}
			}
		}
		int64_t at = trace_rel(r->t, loop_now_ns());
		buf[n] = '\0';
		if (n > 0 && buf[0] == 1) {
			helper_message(r, pid, at, buf + 1, fds, nfds);
			continue;
		}
		for (int i = 0; i < nfds; i++) close(fds[i]);
		if (n == 0) continue;
		for (char *line = buf, *nl; line && *line; line = nl) {
			nl = strchr(line, '\n');
			if (nl) *nl++ = '\0';
			size_t len = strlen(line);
			if (len && line[len - 1] == '\r') line[--len] = '\0';
			if (!len) continue;
			pend(r, pid, at, PM_MARK, line, len);
		}
	}
}

/* "MainProcess 20719 took 1.23 s to import dask.dataframe": parlab's own
 * line, the importer named (m->text is from "took" on). */
static void note_import(run *r, int task, const struct pmark *m)
{
	const trace_task *k = trace_task_at(r->t, task);
	char line[256];
	int n = snprintf(line, sizeof line, "%s %d %s", k ? trace_task_name(k) : "python3", k ? (int)k->pid : 0, m->text);
	if (n > 0) trace_line_add(r->t, -1, m->at, 0, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* Marks, names and lines whose process the trace has now go in; with all,
 * the others too (marks and lines credited to the command, names
 * dropped). In order: one waits for the ones before it. */
static void place_marks(run *r, int all)
{
	size_t i = 0;
	for (; i < r->npmarks; i++) {
		struct pmark *m = &r->pmarks[i];
		int task = m->pid > 0 ? trace_task_find(r->t, m->pid) : -1;
		if (task < 0 && !all) break;
		if (m->kind == PM_NAME || m->kind == PM_THREAD) {
			if (task >= 0) trace_task_set_pyname(r->t, task, m->text);
		} else {
			if (task < 0) task = worker_task(r, 0);
			if (m->kind == PM_MARK) trace_mark_add_task(r->t, task, m->at, m->text);
			else if (m->kind == PM_NOTE) note_import(r, task, m);
			else trace_line_add(r->t, task, m->at, m->kind - PM_LINE1 + 1, m->text, m->len);
		}
		free(m->text);
	}
	if (!i) return;
	memmove(r->pmarks, r->pmarks + i, (r->npmarks - i) * sizeof *r->pmarks);
	r->npmarks -= i;
}

void run_mark(run *r, pid_t tid, const char *text)
{
	if (r->done) return;
	pend(r, tid, trace_rel(r->t, loop_now_ns()), PM_MARK, text, strlen(text));
	place_marks(r, 0);
}

static void on_marks(loop *l, int fd, int events, void *arg)
{
	(void)l; (void)fd; (void)events;
	run *r = arg;
	drain_marks(r);
	place_marks(r, 0);
	if (r->ev.update) r->ev.update(r, r->ev.arg);
}

/* ---- control lines --------------------------------------------------------- */

/* Reads every control line there is now. */
static void drain_ctl(run *r)
{
	pipe_in *c = &r->pipes[0];
	int rc = 0;
	while (c->fd >= 0 && rc == 0)
		if ((rc = pipe_read(c)) == 1) pipe_close(c);
}

/* The trace task of a worker id; -1 before its "S" line. */
static int worker_task(run *r, int worker)
{
	if (worker < 0 || worker >= r->nworkers) return -1;
	if (r->worker_task[worker] < 0) drain_ctl(r);   /* its S line is there */
	return r->worker_task[worker];
}

/* The task of tid, added (and labelled w<id> or by the command) if new. */
static int task_for(run *r, int worker, pid_t pid, pid_t tid)
{
	int task = trace_task_find(r->t, tid);
	if (task < 0) {
		char label[24] = "";
		if (worker >= 0 && r->spec.kind != RUN_COMMAND) {
			snprintf(label, sizeof label, "w%d", worker);
		} else if (worker == 0 && r->spec.argv && r->spec.argv[0]) {
			const char *base = strrchr(r->spec.argv[0], '/');
			snprintf(label, sizeof label, "%s", base ? base + 1 : r->spec.argv[0]);
		}
		task = trace_task_add(r->t, pid, tid, r->pid, worker, label);
	} else if (worker >= 0 && r->spec.kind != RUN_COMMAND) {
		trace_task *k = trace_task_get(r->t, task);
		k->worker = worker;
		snprintf(k->label, sizeof k->label, "w%d", worker);
	}
	if (worker >= 0 && worker < r->nworkers) r->worker_task[worker] = task;
	return task;
}

/* Adds "w1 exit 3" or "w1 killed by ..." to the run's failures. */
static void note_failure(run *r, const trace_task *k, int status)
{
	char one[48];
	if (WIFSIGNALED(status))
		snprintf(one, sizeof one, "%s killed by %s", k->label, strsignal(WTERMSIG(status)));
	else
		snprintf(one, sizeof one, "%s exit %d", k->label, WEXITSTATUS(status));
	r->failed_workers++;
	size_t len = strlen(r->failures);
	if (len + strlen(one) + 3 < sizeof r->failures)
		snprintf(r->failures + len, sizeof r->failures - len, "%s%s", len ? ", " : "", one);
}

/* A process the command left running, stopped once it had exited. */
static void note_left(run *r, const trace_task *k)
{
	r->nleft++;
	char one[48];
	snprintf(one, sizeof one, "%s %d", trace_task_name(k), (int)k->pid);
	size_t len = strlen(r->left);
	if (r->nleft <= 3 && len + strlen(one) + 3 < sizeof r->left)
		snprintf(r->left + len, sizeof r->left - len, "%s%s", len ? ", " : "", one);
}

/* "; 2 background processes it left were stopped (sleep 811, ...)" after buf. */
static void append_left(const run *r, char *buf, size_t cap)
{
	size_t len = strlen(buf);
	if (!r->nleft || len + 8 >= cap) return;
	snprintf(buf + len, cap - len, "; %d background process%s it left %s stopped (%s%s)", r->nleft,
		 r->nleft == 1 ? "" : "es", r->nleft == 1 ? "was" : "were", r->left, r->nleft > 3 ? ", ..." : "");
}

/* An "E" line: the task's end, totals and last CPU; a worker's failure is
 * noted, and a crash stops the run. */
static void handle_end(run *r, const proto_end *m)
{
	int task = task_for(r, m->id < r->nworkers ? m->id : -1, m->pid, m->tid);
	trace_task *k = trace_task_get(r->t, task);
	k->died = trace_rel(r->t, m->at);
	k->exit_status = m->status;
	if (m->cpu_ns > k->cpu_ns) k->cpu_ns = m->cpu_ns;
	if (m->wait_ns > k->wait_ns) k->wait_ns = m->wait_ns;
	if (m->last_cpu >= 0) {
		k->last_cpu = m->last_cpu;
		if (m->last_cpu < 64 && m->cpu_ns > 0) k->cpus |= 1ULL << m->last_cpu;
	}
	if (m->id < 0) {   /* an adopted orphan: shown, not judged */
		if (r->spec.kind == RUN_COMMAND && r->nworkers > 0 && r->worker_ended[0] && !r->killed &&
		    WIFSIGNALED(m->status) && WTERMSIG(m->status) == SIGKILL && m->pid == m->tid)
			note_left(r, k);   /* the runner stopped what the command left running */
		return;
	}
	if (m->id < r->nworkers) r->worker_ended[m->id] = 1;
	r->ended++;
	int status = m->status;
	int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (!ok) note_failure(r, k, status);
	/* A crash (not our own kill) takes the whole run down. */
	if (WIFSIGNALED(status) && !r->killed && !r->crash) {
		r->crash = xasprintf("%s crashed (%s)%s", k->label, strsignal(WTERMSIG(status)),
				     r->spec.kind == RUN_THREADS ? ", taking its process and every thread in it down" : "");
		run_stop(r, r->crash);
	}
}

/* Every CPU's counters (/proc/stat) into the trace at time at: what the
 * whole machine did, of which the run's own slices are a part. */
static void sample_cpus(run *r, int64_t at)
{
	static procfs_cpu_time c[SAMPLE_CPUS];   /* the screen has one run at a time */
	int n = procfs_cpu_times(c, SAMPLE_CPUS);
	for (int i = 0; i < n; i++) trace_cpu_sample(r->t, at, c[i].cpu, c[i].busy_ns, c[i].steal_ns, c[i].idle_ns);
}

size_t run_memory_limit(int memory_mb)
{
	size_t mb = memory_mb > 0 ? (size_t)memory_mb : RUN_MEMORY_DEFAULT_MB;
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
	size_t half = pages > 0 && size > 0 ? (size_t)pages / 2 * (size_t)size : 0;
	size_t bytes = mb << 20;
	if (half && bytes > half) bytes = half;
	return bytes;
}

int run_task_limit(int max_tasks) { return max_tasks > 0 ? max_tasks : RUN_TASKS_DEFAULT; }

/* A process's resident memory in bytes (0: gone). */
static size_t rss_of(pid_t pid)
{
	char path[48];
	snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f) return 0;
	unsigned long size = 0, res = 0;
	int ok = fscanf(f, "%lu %lu", &size, &res) == 2;
	fclose(f);
	return ok ? res * (size_t)sysconf(_SC_PAGESIZE) : 0;
}

/* The run's limits, while it runs: the tasks it started and its processes'
 * memory together; past one, the run is stopped and says which. */
/* The run's own tasks passed its limit: the words for it. */
static int tasks_passed(const run *r, int tasks, char *why, size_t cap)
{
	if (tasks <= run_task_limit(r->spec.max_tasks)) return 0;
	snprintf(why, cap, "the run started %d tasks, more than this lesson's limit of %d", tasks,
		 run_task_limit(r->spec.max_tasks));
	return 1;
}

/* Its tasks: not the runner, not an existing cluster's. */
static int own_tasks(const run *r)
{
	int n = 0;
	for (int i = 0; i < trace_ntasks(r->t); i++)
		n += !trace_task_outside(r->t, i) && !trace_task_is_runner(trace_task_at(r->t, i));
	return n;
}

static void check_limits(run *r)
{
	if (r->stop_why || r->go >= 0) return;
	char why[256];
	if (tasks_passed(r, own_tasks(r), why, sizeof why)) {
		run_stop(r, why);
		return;
	}
	int most = -1;
	size_t total = 0, biggest = 0;
	for (int i = 0; i < trace_ntasks(r->t); i++) {
		const trace_task *k = trace_task_at(r->t, i);
		if (trace_task_outside(r->t, i)) continue;   /* an existing cluster's: not the run's to limit */
		if (k->is_thread || k->died >= 0) continue;   /* the runner's memory counts: thread workers live in it */
		size_t rss = rss_of(k->pid);
		total += rss;
		if (rss > biggest) { biggest = rss; most = i; }
	}
	size_t limit = run_memory_limit(r->spec.memory_mb);
	if (total > limit && most >= 0) {
		const trace_task *k = trace_task_at(r->t, most);
		snprintf(why, sizeof why, "the run used %zu MiB of memory, more than this lesson's limit of %zu MiB "
			 "(the most: %s %d%s, %zu MiB)", total >> 20, limit >> 20, trace_task_name(k), (int)k->pid,
			 trace_task_is_runner(k) ? " with the worker threads" : "", biggest >> 20);
		run_stop(r, why);
	}
}

/* The sampling timer, every SAMPLE_MS while the run is live. */
static void on_sample(loop *l, long id, void *arg)
{
	(void)l; (void)id;
	run *r = arg;
	check_limits(r);
	if (r->done) return;
	sample_cpus(r, trace_rel(r->t, loop_now_ns()));
	if (r->npmarks) place_marks(r, 0);   /* capture may have seen their writers since */
}

static void on_timeout(loop *l, long id, void *arg);

/* Every RUN_STUCK_MS: are the live workers deadlocked? Twice in a row
 * (a worker between taking a block and waking looks stuck for a moment)
 * stops the run. */
static void on_stuck_check(loop *l, long id, void *arg)
{
	(void)l; (void)id;
	run *r = arg;
	char why[1024];
	if (r->killed || r->done) return;
	if (!r->spec.stuck(r->spec.ctx, r->worker_ended, r->nworkers, why, sizeof why)) { r->stuck_seen = 0; return; }
	if (++r->stuck_seen < 2) return;
	r->deadlock = xstrdup(why);
	run_stop(r, "deadlock");
}

/* write(2) to a pipe whose reader may be gone (the runner stopped before
 * it read): EPIPE, not SIGPIPE, and nothing pending after. The
 * disposition is left alone: a child would inherit an ignored SIGPIPE
 * through exec, and a lesson's program must see the default. */
static ssize_t write_quiet(int fd, const void *buf, size_t n)
{
	sigset_t pipe_set, old;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	ssize_t rc = write(fd, buf, n);
	if (rc < 0 && errno == EPIPE) {
		int saved = errno;
		struct timespec now = { 0, 0 };
		sigtimedwait(&pipe_set, NULL, &now);   /* the one this write raised, if it was not pending before */
		errno = saved;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

/* The runner has prepared: the run starts now. Arm capture, then let the
 * runner create the workers. */
static void start_workers(run *r)
{
	if (r->go < 0) return;
	trace *t = r->t;
	trace_restart(t, loop_now_ns());
	sample_cpus(r, 0);
	r->sample_timer = loop_timer_add(r->l, SAMPLE_MS, 1, on_sample, r);
	if (r->spec.stuck) r->stuck_timer = loop_timer_add(r->l, RUN_STUCK_MS, 1, on_stuck_check, r);
	r->cap = capture_open(t, r->l, r->spec.capture);
	if (r->cap && capture_start(r->cap, r->pid) < 0) {
		capture_free(r->cap);
		r->cap = NULL;
		if (strncmp(trace_backend(t), "none (", 6))   /* keep the backend's own reason */
			trace_set_backend(t, "none (capture could not start)");
	}
	/* the timeout counts from here: preparing and arming capture are not the lesson's */
	if (r->timeout_timer) loop_timer_del(r->l, r->timeout_timer);
	r->timeout_timer = r->spec.timeout_ms > 0 ? loop_timer_add(r->l, r->spec.timeout_ms, 0, on_timeout, r) : 0;
	/* go, with the run's time 0: the workers' now() counts from it, as the
	 * trace does (arming capture took some of it) */
	int64_t zero = trace_start_ns(t);
	if (write_quiet(r->go, &zero, sizeof zero) < 0) { /* runner died (stopped at once?): SIGCHLD tells */ }
	close(r->go);
	r->go = -1;
}

/* An "S" line: the worker's task, born now; capture may watch it early. */
static void handle_start(run *r, const proto_start *m)
{
	int task = task_for(r, m->id, m->pid, m->tid);
	trace_task *k = trace_task_get(r->t, task);
	k->born = trace_rel(r->t, m->at);
	if (k->born < 0) k->born = 0;
	if (r->cap) capture_hint(r->cap, m->pid, m->tid);
}

/* An "N" line: worker id and the ones after it never started. */
static void handle_not_started(run *r, const proto_not_started *m)
{
	if (m->id >= r->nworkers) return;
	r->not_started = r->nworkers - m->id;
	r->not_started_err = m->err;
}

/* A "P" line: what the runner is preparing now. */
static void handle_preparing(run *r, const proto_preparing *m)
{
	snprintf(r->prep_what, sizeof r->prep_what, "%s", m->what);
	if (r->ev.update) r->ev.update(r, r->ev.arg);
}

const char *run_importing(const run *r, int64_t *since)
{
	if (!r || r->done || !r->importing[0]) return NULL;
	if (since) *since = r->importing_since;
	return r->importing;
}

const char *run_preparing(const run *r, int64_t *since)
{
	if (!r || r->done || r->go < 0) return NULL;
	if (since) *since = r->prep_since;
	return r->prep_what[0] ? r->prep_what : "starting";
}

/* One control line from the runner (run/proto.h); anything else is ignored. */
static void handle_ctl_line(run *r, char *line)
{
	proto_msg m;
	switch (proto_parse(line, &m)) {
	case PROTO_READY: start_workers(r); break;
	case PROTO_START: handle_start(r, &m.start); break;
	case PROTO_END: handle_end(r, &m.end); break;
	case PROTO_NOT_STARTED: handle_not_started(r, &m.not_started); break;
	case PROTO_PREPARING: handle_preparing(r, &m.preparing); break;
	case PROTO_BAD: break;
	}
}

/* ---- lifecycle --------------------------------------------------------------- */

/* Words for workers that never ran to an end although the runner exited
 * 0: some could not start (the runner said why), or did not report one.
 * Then the failures of those that did run, if any. */
static void outcome_missing(run *r, char *buf, size_t cap)
{
	char why[80] = "";
	if (r->not_started_err) snprintf(why, sizeof why, " (%s)", strerror(r->not_started_err));
	int n = r->nworkers, k = r->not_started ? r->not_started : r->nworkers - r->ended;
	const char *what = r->not_started ? "could not start" : "did not report an end";
	if (r->spec.kind == RUN_COMMAND) snprintf(buf, cap, "failed: the command %s%s", what, why);
	else if (n == 1) snprintf(buf, cap, "failed: the worker %s%s", what, why);
	else snprintf(buf, cap, "failed: %d of %d workers %s%s", k, n, what, why);
	size_t len = strlen(buf);
	if (r->failed_workers && len < cap)
		snprintf(buf + len, cap - len, "; %d of %d workers failed: %s", r->failed_workers, r->ended, r->failures);
}

/* How the run ended, as a kind and in words for the trace. */
static trace_end_kind outcome(run *r, char *buf, size_t cap)
{
	int st = r->runner_status;
	if (r->stop_why && r->crash && r->stop_why == r->crash) {
		snprintf(buf, cap, "%s%s: the run was stopped; every task killed and reaped", r->crash,
			 expected_kind(r) == TRACE_CRASHED ? ", as this step expects" : "");
		return TRACE_CRASHED;
	}
	if (r->stop_why && r->deadlock) {
		snprintf(buf, cap, "deadlock%s: %s; every task killed and reaped",
			 expected_kind(r) == TRACE_DEADLOCK ? ", as this step expects" : "", r->deadlock);
		return TRACE_DEADLOCK;
	}
	if (r->stop_why) {
		trace_end_kind k = r->timed_out ? TRACE_TIMED_OUT : TRACE_STOPPED;
		snprintf(buf, cap, "%s%s: every task killed and reaped", r->stop_why,
			 k == expected_kind(r) ? ", as this step expects" : "");
		return k;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == RUNNER_NOT_RUN) {
		snprintf(buf, cap, "not run (see the message above)");
		return TRACE_NOT_RUN;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		snprintf(buf, cap, "the runner failed (status %d); every task killed and reaped", st);
		return TRACE_RUNNER_FAILED;
	}
	if (r->not_started || r->ended < r->nworkers) {
		outcome_missing(r, buf, cap);
		return TRACE_FAILED;
	}
	if (r->failed_workers && r->spec.kind == RUN_COMMAND)
		snprintf(buf, cap, "%s", r->failures);
	else if (r->failed_workers)
		snprintf(buf, cap, "%d of %d workers failed: %s", r->failed_workers, r->ended, r->failures);
	if (r->failed_workers) {
		append_left(r, buf, cap);
		return TRACE_FAILED;
	}
	if (r->spec.kind == RUN_COMMAND)
		snprintf(buf, cap, "finished: exit 0");
	else
		snprintf(buf, cap, r->ended == 1 ? "finished: the worker exited 0" : "finished: all %d workers exited 0", r->ended);
	append_left(r, buf, cap);
	return TRACE_FINISHED;
}

/* Everything is in: stop capture, kill strays, close the trace with its outcome. */
static void finish(run *r)
{
	char why[320];
	r->done = 1;
	if (r->go >= 0) {   /* never got to start */
		close(r->go);
		r->go = -1;
		trace_set_backend(r->t, "none (the run did not start)");
	}
	if (r->timeout_timer) loop_timer_del(r->l, r->timeout_timer);
	if (r->grace_timer) loop_timer_del(r->l, r->grace_timer);
	if (r->sample_timer) loop_timer_del(r->l, r->sample_timer);
	if (r->stuck_timer) loop_timer_del(r->l, r->stuck_timer);
	r->timeout_timer = r->grace_timer = r->sample_timer = r->stuck_timer = 0;
	drain_marks(r);   /* the last of them, then the socket goes */
	if (r->marks >= 0) { loop_fd_del(r->l, r->marks); close(r->marks); r->marks = -1; }
	int64_t end = trace_rel(r->t, loop_now_ns());
	if (r->cap) capture_stop(r->cap, end);
	if (trace_ncpu_samples(r->t)) sample_cpus(r, end);   /* sampled from the start: the end too */
	place_marks(r, 1);   /* capture has said every task it saw */
	/* The runner is gone, so any child of ours left is a stray of this run
	 * (adopted: we are a subreaper): kill it and reap it now, so nothing
	 * outlives the run, not even a zombie. */
	reap_strays();
	run_cgroup_remove(r->pid);   /* the runner's pids cgroup, if it was killed before removing it */
	/* Tasks that never reported an end died with the run; those of a
	 * process it did not start (watched) live on. */
	for (int i = 0; i < trace_ntasks(r->t); i++) {
		const trace_task *k = trace_task_at(r->t, i);
		if ((k->died >= 0 && k->exit_status >= 0) || trace_task_outside(r->t, i)) continue;
		trace_task *m = trace_task_get(r->t, i);
		if (m->died < 0) m->died = end;
		if (r->killed && !m->is_thread && m->exit_status < 0) m->exit_status = SIGKILL;
	}
	/* A fork bomb its backstop (RLIMIT_NPROC, the pids cgroup) held and that
	 * ended before a check saw it still passed the limit: said so. */
	if (!r->stop_why && tasks_passed(r, own_tasks(r), why, sizeof why)) r->stop_why = xstrdup(why);
	trace_end_kind kind = outcome(r, why, sizeof why);
	trace_finish_as(r->t, end, kind, why);
	if (active == r) active = NULL;
	if (r->ev.done) r->ev.done(r, r->ev.arg);
}

static void on_grace(loop *l, long id, void *arg)
{
	(void)l; (void)id;
	run *r = arg;
	r->grace_timer = 0;
	/* Something outside the runner still holds a pipe: a stray. What the
	 * control pipe holds still counts (the ends decide the outcome). */
	drain_ctl(r);
	kill_orphans();
	for (int i = 0; i < r->npipes; i++) pipe_close(&r->pipes[i]);
	for (size_t i = 0; i < r->nown; i++) pipe_close(r->own[i]);
	run_reap_all();
	finish_if_done(r);
}

/* Finishes once the runner is reaped and every pipe is at EOF; waits
 * GRACE_MS for pipes a stray still holds. */
static void finish_if_done(run *r)
{
	if (r->done || !r->runner_reaped) return;
	if (r->open_pipes == 0) { finish(r); return; }
	if (!r->grace_timer) r->grace_timer = loop_timer_add(r->l, GRACE_MS, 0, on_grace, r);
}

/* Preparing (finding a Python, copying files, making a CSV) has a limit
 * of its own: the run's timeout counts from its workers' start. */
static void on_prepare_timeout(loop *l, long id, void *arg)
{
	(void)l; (void)id;
	run *r = arg;
	r->timeout_timer = 0;
	char why[80];
	snprintf(why, sizeof why, "timed out while preparing, after %d s", PREPARE_LIMIT_MS / 1000);
	r->timed_out = r->killed ? 0 : 2;
	run_stop(r, why);
}

/* The run's time limit, from its workers' start. */
static void on_timeout(loop *l, long id, void *arg)
{
	(void)l; (void)id;
	run *r = arg;
	r->timeout_timer = 0;
	char why[64];
	snprintf(why, sizeof why, "timed out after %.1f s", r->spec.timeout_ms / 1000.0);
	r->timed_out = !r->killed;   /* an earlier stop keeps its own reason */
	run_stop(r, why);
}

void run_stop(run *r, const char *why)
{
	if (!r || r->done || r->killed) return;
	r->killed = 1;
	if (r->stop_why != r->crash) free(r->stop_why);
	r->stop_why = (why == r->crash) ? r->crash : xstrdup(why ? why : "stopped");
	kill(-r->pid, SIGKILL);
	kill(r->pid, SIGKILL);
	kill_orphans();
	if (r->ev.update) r->ev.update(r, r->ev.arg);
}

int run_live(const run *r) { return r && !r->done; }

/* Both decide on the kind outcome() gave the trace: one rule for the run,
 * its trace, the TUI and batch's exit code. */
int run_skipped(const run *r)
{
	return r->done && trace_outcome_kind(r->t) == TRACE_NOT_RUN;
}

int run_as_expected(const run *r)
{
	return r->done && trace_outcome_kind(r->t) == expected_kind(r);
}

int run_failed(const run *r)
{
	return r->done && trace_failed(r->t) && !run_as_expected(r);
}

/* ---- start ----------------------------------------------------------------- */

/* Every pipe of a run is close-on-exec: a command inherits only its 1 and 2. */
static int make_pipe(int fds[2])
{
	return pipe2(fds, O_CLOEXEC);
}

/* A read end the loop watches; stream 0 is the control pipe. */
static void add_pipe(run *r, int fd, int worker, int stream)
{
	pipe_in *p = &r->pipes[r->npipes++];
	*p = (pipe_in){ r, fd, worker, stream, 0, NULL, 0, 0 };
	fcntl(fd, F_SETFL, O_NONBLOCK);
	loop_fd_add(r->l, fd, LOOP_READ, on_pipe, p);
	r->open_pipes++;
}

/* A process's own output pipe (its read end, sent by the helper). */
static void add_own_pipe(run *r, int fd, pid_t pid, int stream)
{
	pipe_in *p = xcalloc(1, sizeof *p);
	*p = (pipe_in){ r, fd, -1, stream, pid, NULL, 0, 0 };
	r->own = xgrow(r->own, &r->capown, r->nown + 1, sizeof *r->own);
	r->own[r->nown++] = p;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	loop_fd_add(r->l, fd, LOOP_READ, on_pipe, p);
	r->open_pipes++;
}

static void close_all(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0) close(fds[i]);
}

run *run_start(loop *l, const run_spec *spec, trace *t, const run_events *ev, char **err)
{
	if (active) { *err = xstrdup("a run is already live"); return NULL; }
	int n = spec->kind == RUN_COMMAND ? 1 : spec->nworkers;
	if (n < 1 || n > RUN_MAX_WORKERS) {
		*err = xasprintf("cannot run %d workers (1..%d)", n, RUN_MAX_WORKERS);
		return NULL;
	}
	static int subreaper;
	if (!subreaper++) prctl(PR_SET_CHILD_SUBREAPER, 1);   /* strays come back to us */
	loop_signal(l, SIGCHLD, on_sigchld, NULL);

	/* fds: [0,1] ctl, [2,3] msg, [4,5] go, then out/err pairs per worker */
	int nfd = 6 + 4 * n;
	int *fds = xmalloc(sizeof(int) * (size_t)nfd);
	for (int i = 0; i < nfd; i++) fds[i] = -1;
	for (int i = 0; i < nfd; i += 2)
		if (make_pipe(fds + i) < 0) {
			*err = xasprintf("cannot create pipes: %s", strerror(errno));
			close_all(fds, nfd);
			free(fds);
			return NULL;
		}

	/* A command's marks: a datagram socket (one write, one mark line or
	 * more), the screen's end told who wrote each one. */
	int mk[2] = { -1, -1 }, on = 1;
	if (spec->kind == RUN_COMMAND && socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, mk) == 0)
		setsockopt(mk[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);

	run *r = xcalloc(1, sizeof *r);
	r->l = l;
	r->t = t;
	trace_set_line_cap(t, RUN_HEAD_LINES, RUN_CAP_BYTES, RUN_TAIL_LINES, RUN_CAP_BYTES);
	r->marks = mk[0];
	r->spec = *spec;
	if (ev) r->ev = *ev;
	r->nworkers = n;
	r->worker_task = xmalloc(sizeof(int) * (size_t)n);
	for (int i = 0; i < n; i++) r->worker_task[i] = -1;
	r->worker_ended = xcalloc((size_t)n, 1);

	int *outs = xmalloc(sizeof(int) * (size_t)n), *errs = xmalloc(sizeof(int) * (size_t)n);
	for (int i = 0; i < n; i++) {
		outs[i] = fds[6 + 4 * i + 1];
		errs[i] = fds[6 + 4 * i + 3];
	}
	run_cgroup_sweep();   /* pids cgroups a killed parlab's runner left */
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		*err = xasprintf("cannot fork the runner: %s", strerror(errno));
		close_all(fds, nfd);
		close_all(mk, 2);
		free(fds); free(outs); free(errs); free(r->worker_task); free(r->worker_ended); free(r);
		return NULL;
	}
	if (pid == 0) {
		for (int i = 0; i < nfd; i += 2)   /* read ends belong to the screen */
			if (i != 4) close(fds[i]);
		close(fds[5]);
		if (mk[0] >= 0) close(mk[0]);
		runner_ctx ctx = { spec, spec->argv, n, outs, errs, fds[1], fds[3], fds[4], mk[1], 0 };
		runner_main(&ctx);
	}
	setpgid(pid, pid);   /* both sides set it: no race with kill(-pgid) */
	r->pid = pid;
	active = r;
	for (int i = 0; i < nfd; i += 2)
		if (i != 4) close(fds[i + 1]);
	close(fds[4]);
	if (mk[1] >= 0) close(mk[1]);
	if (mk[0] >= 0) {
		fcntl(mk[0], F_SETFL, O_NONBLOCK);
		loop_fd_add(l, mk[0], LOOP_READ, on_marks, r);
	}
	free(outs);
	free(errs);

	r->pipes = xcalloc((size_t)(2 + 2 * n), sizeof *r->pipes);
	add_pipe(r, fds[0], -1, 0);   /* pipes[0] is ctl */
	add_pipe(r, fds[2], -1, 2);
	for (int i = 0; i < n; i++) {
		add_pipe(r, fds[6 + 4 * i], i, 1);
		add_pipe(r, fds[6 + 4 * i + 2], i, 2);
	}
	r->go = fds[5];
	r->prep_since = loop_now_ns();
	free(fds);
	trace_set_backend(t, "starting (preparing the run)");
	r->timeout_timer = loop_timer_add(l, PREPARE_LIMIT_MS, 0, on_prepare_timeout, r);
	return r;
}

void run_free(run *r)
{
	if (!r) return;
	if (!r->done) {
		run_stop(r, "parlab is closing");
		while (!r->done) loop_once(r->l, 50);
	}
	for (int i = 0; i < r->npipes; i++) free(r->pipes[i].buf);
	free(r->pipes);
	for (size_t i = 0; i < r->nown; i++) {
		if (r->own[i]->fd >= 0) { loop_fd_del(r->l, r->own[i]->fd); close(r->own[i]->fd); }
		free(r->own[i]->buf);
		free(r->own[i]);
	}
	free(r->own);
	free(r->worker_task);
	free(r->worker_ended);
	free(r->deadlock);
	for (size_t i = 0; i < r->npmarks; i++) free(r->pmarks[i].text);
	free(r->pmarks);
	dask_feed_free(r->dask);
	if (r->stop_why != r->crash) free(r->stop_why);
	free(r->crash);
	capture_free(r->cap);
	free(r);
}
