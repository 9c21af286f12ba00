/*
 * trace: the one data model behind the live view, batch transcripts and
 * statistics. A trace holds the tasks of one run (processes and threads),
 * each task's state slices over time, the output lines the tasks wrote,
 * marks, and samples of each CPU's own counters (what every program, not
 * only the run, did with it). Times are nanoseconds since the trace's start (CLOCK_MONOTONIC).
 * Capture backends and the runner write a trace; front ends only read it.
 */
#ifndef PARLAB_TRACE_H
#define PARLAB_TRACE_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef enum {
	TS_UNKNOWN = 0,   /* alive, not yet observed */
	TS_RUNNING,       /* on a CPU (slice.cpu) */
	TS_RUNNABLE,      /* ready, waiting for a CPU */
	TS_SLEEPING,      /* voluntarily off CPU (S) */
	TS_BLOCKED,       /* uninterruptible wait, usually I/O (D) */
	TS_EXITED,
	TS_NSTATES
} trace_state;

typedef struct {
	int64_t t0, t1;
	trace_state state;
	int cpu;          /* for TS_RUNNING; -1 otherwise */
} trace_slice;

typedef struct {
	pid_t pid, tid, ppid;
	int worker;       /* worker id given by the lesson, or -1 */
	int is_thread;    /* tid != pid */
	char label[24];   /* short lane name: "w3", "python3", "T12345" */
	char comm[20];
	char pyname[40];  /* the program's own name for it (Python's "Process-1"), or "" */
	int64_t born, died;   /* -1 when unknown / still alive */
	int exit_status;  /* wait(2) status, -1 when unknown */
	int64_t cpu_ns, wait_ns;  /* totals from the kernel's schedstat */
	uint64_t cpus;    /* bit c set: seen running on CPU c (c < 64) */
	int last_cpu;
	long nvcsw, nivcsw;   /* context switches: voluntary, preempted; -1 unknown */
	long migrations;      /* moves between CPUs; -1 unknown */
} trace_task;

typedef struct {
	int task;         /* index into tasks, -1: the run itself */
	int64_t t;
	int stream;       /* 1 stdout, 2 stderr, 0 parlab's own message */
	char *text;       /* one line, sanitized, no newline */
} trace_line;

typedef struct {
	int64_t t;
	char *text;
	int task;         /* the task that marked (a worker's mark()), -1: the run */
} trace_mark;

/* A coordination interval (issue 11): a task blocked on one of the run's
 * blocks (a lock another holds, a full or empty queue, a barrier, a
 * semaphore at 0, a condition), or a lock held by its holder; in a
 * stepped run (issue 14) also a worker held at a step point until the
 * schedule let it go (what: its next action, "lock"; block: that
 * action's block, "" for print and mark). */
typedef enum { TRACE_SPAN_BLOCKED, TRACE_SPAN_HELD, TRACE_SPAN_STEP } trace_span_kind;
#define TRACE_SPAN_NKINDS 3

#define TRACE_SPAN_NAME 32
typedef struct {
	int task;
	trace_span_kind kind;
	int64_t t0, t1;   /* t1 -1: still open (a live run) */
	char what[TRACE_SPAN_NAME];    /* "lock", "semaphore", "barrier", "condition",
	                                  "queue (full)", "queue (empty)"; a step
	                                  span: the action, "read", "lock", "print" */
	char block[TRACE_SPAN_NAME];   /* the block's name */
	int holder;       /* blocked on a lock: the task holding it when the wait began, or -1 */
} trace_span;

/* One CPU's counters at time t (cumulative since boot, /proc/stat):
 * busy (any program, steal included), steal (a VM's CPU taken by its
 * host) and idle (idle and iowait), in nanoseconds. */
typedef struct {
	int64_t t;
	int cpu;
	int64_t busy_ns, steal_ns, idle_ns;
} trace_cpusample;

typedef struct trace trace;

trace *trace_new(const char *title, int64_t start_ns);
void trace_free(trace *t);

const char *trace_title(const trace *t);
/* Moves the start to start_ns (the run really began then); what was
 * recorded before is kept, at time 0, but CPU samples taken before it are
 * dropped (they would count the preparation as the run's time). Call it before a capture backend
 * starts: backends keep cursors in the trace's time base. */
void trace_restart(trace *t, int64_t start_ns);
int64_t trace_start_ns(const trace *t);
/* Nanoseconds since start for a CLOCK_MONOTONIC time. */
int64_t trace_rel(const trace *t, int64_t abs_ns);

void trace_set_ncpu(trace *t, int ncpu);
int trace_ncpu(const trace *t);
void trace_set_backend(trace *t, const char *name);
/* Records the capture backend lost (dropped); shown, never hidden. */
void trace_set_lost(trace *t, unsigned long lost);
unsigned long trace_lost(const trace *t);
const char *trace_backend(const trace *t);

/* How a run ended. The wording for people is the outcome text beside it. */
typedef enum {
	TRACE_RUNNING = 0,     /* no outcome yet: live, or saved while live */
	TRACE_FINISHED,        /* every worker (or the command) exited 0 */
	TRACE_FAILED,          /* a worker (or the command) exited non-zero or could not start */
	TRACE_CRASHED,         /* a worker died of a signal, which stopped the run */
	TRACE_TIMED_OUT,       /* the run's time limit stopped it */
	TRACE_STOPPED,         /* stopped by the student, or by parlab closing */
	TRACE_NOT_RUN,         /* never started: a prerequisite was missing */
	TRACE_RUNNER_FAILED,   /* the runner itself failed */
	TRACE_ENDED,           /* ended, how is not known (an old file's unknown wording) */
	TRACE_DEADLOCK,        /* every live worker waited on another: parlab stopped it */
	TRACE_NEND_KINDS
} trace_end_kind;

/* "finished", "timed_out", "not_run"...: the kind's name in trace files. */
const char *trace_end_kind_name(trace_end_kind k);
/* The kind named name, or -1. */
int trace_end_kind_from_name(const char *name);
/* The kind an outcome text of parlab's says (for files saved before kinds
 * were stored); NULL is TRACE_RUNNING, wording it does not know TRACE_ENDED. */
trace_end_kind trace_end_kind_infer(const char *outcome);

/* Ends the trace at time end (relative; never before the last record) with
 * how it ended and the outcome text (may be NULL). TRACE_RUNNING is not an
 * end: it is taken as TRACE_ENDED. */
void trace_finish_as(trace *t, int64_t end, trace_end_kind kind, const char *outcome);
/* trace_finish_as with the kind read from the words (trace_end_kind_infer),
 * for traces made by hand that have only words. */
void trace_finish(trace *t, int64_t end, const char *outcome);
/* The end, or -1 while live. */
int64_t trace_end(const trace *t);
/* Latest time anything was recorded: the live "now". */
int64_t trace_last(const trace *t);
/* The outcome text ("finished: all 5 workers exited 0"), NULL while live. */
const char *trace_outcome(const trace *t);
/* How the run ended; TRACE_RUNNING while live. */
trace_end_kind trace_outcome_kind(const trace *t);
/* The run did not end well: by its kind (failed, crashed, timed out,
 * stopped, runner failed, deadlock; finished and not run did not fail), and where
 * the kind does not say (live, or an old file's unknown words), when one
 * of its tasks died of a signal or exited non-zero. */
int trace_failed(const trace *t);

int trace_task_add(trace *t, pid_t pid, pid_t tid, pid_t ppid, int worker, const char *label);
int trace_task_find(const trace *t, pid_t tid);
int trace_ntasks(const trace *t);
trace_task *trace_task_get(trace *t, int id);
const trace_task *trace_task_at(const trace *t, int id);

/* Appends a slice to a task, merging it with the previous one if it
 * continues it in the same state on the same CPU. */
void trace_slice_add(trace *t, int task, int64_t t0, int64_t t1, trace_state st, int cpu);
const trace_slice *trace_slices(const trace *t, int task, size_t *n);
/* Moves the start of slice i of task to t0 (a capture reconciling its
 * slices with the kernel's totals, capture_reconcile), and the end of the
 * slice before it with it when the two met. Both keep at least 1 ns; where
 * they did not meet, t0 stays at or after the earlier one's end, and never
 * before the task's birth (when known). Returns 0, or -1 and changes
 * nothing when t0 would break one of those. */
int trace_slice_move_start(trace *t, int task, size_t i, int64_t t0);
/* State of a task at time at (TS_UNKNOWN before its first slice). */
trace_state trace_state_at(const trace *t, int task, int64_t at, int *cpu);

/* Adds one line of output (len bytes, no newline). Control characters are
 * replaced so that a worker cannot drive the terminal. */
void trace_line_add(trace *t, int task, int64_t at, int stream, const char *buf, size_t len);
/* The output cap (set once, before head_lines lines; 0s: none, the default): the
 * first head_lines lines (head_bytes of text at most) are kept, then the
 * latest tail_lines (tail_bytes at most); the ones between give way, and
 * one line of parlab's (task -1, stream 0) at their place says how many. */
void trace_set_line_cap(trace *t, size_t head_lines, size_t head_bytes, size_t tail_lines, size_t tail_bytes);
size_t trace_nlines(const trace *t);
const trace_line *trace_line_at(const trace *t, size_t i);
/* Lines not kept (the output cap, or a trace file's count); never silently lost. */
void trace_lines_dropped(trace *t, size_t n);
size_t trace_ndropped(const trace *t);

/* A mark of the run's (trace_mark_add_task with task -1). */
void trace_mark_add(trace *t, int64_t at, const char *text);
/* A mark by task (-1: the run), text sanitized as output lines are. */
void trace_mark_add_task(trace *t, int task, int64_t at, const char *text);
size_t trace_nmarks(const trace *t);
const trace_mark *trace_mark_at(const trace *t, size_t i);

/* Opens a span (t1 -1) of task from at; what and block are cut to fit.
 * Returns its index. trace_finish_as closes every open span at the end. */
size_t trace_span_open(trace *t, int task, trace_span_kind kind, int64_t at, const char *what, const char *block,
		       int holder);
/* Closes span i at at (never before its start). */
void trace_span_close(trace *t, size_t i, int64_t at);
/* Adds a whole span (t1 -1: open), as a trace file has it. */
void trace_span_add(trace *t, const trace_span *sp);
size_t trace_nspans(const trace *t);
/* A kind's word in trace files and exports: "blocked", "held", "step". */
const char *trace_span_kind_word(trace_span_kind kind);
/* How many of the spans are of that kind. */
size_t trace_nspans_of(const trace *t, trace_span_kind kind);
const trace_span *trace_span_at(const trace *t, size_t i);
/* The span of that kind task is in at time at (the latest one begun), or NULL. */
const trace_span *trace_span_find(const trace *t, int task, trace_span_kind kind, int64_t at);
/* Total time task spent blocked on the run's blocks (open spans count to the last time). */
int64_t trace_blocked_ns(const trace *t, int task);
/* Total time task was held at step points (the same way). */
int64_t trace_step_ns(const trace *t, int task);
/* "waiting for lock A, held by w0" / "holds lock A" / "held at a step
 * point, next: lock A": a span in words. */
char *trace_span_describe(const trace *t, const trace_span *sp, char *buf, size_t cap);
/* Records dropped by the workers' event rings (full): said, never hidden. */
void trace_set_events_dropped(trace *t, unsigned long n);
unsigned long trace_events_dropped(const trace *t);

/* Appends a sample of CPU cpu's counters at time at (relative). Samples
 * come in time order: one earlier than the last one is ignored, as are
 * negative values. */
void trace_cpu_sample(trace *t, int64_t at, int cpu, int64_t busy_ns, int64_t steal_ns, int64_t idle_ns);
size_t trace_ncpu_samples(const trace *t);
const trace_cpusample *trace_cpu_sample_at(const trace *t, size_t i);
/* The first and last sample time of CPU cpu: 0, or -1 when it has fewer
 * than two samples apart (its counters say nothing then). */
int trace_cpu_sampled(const trace *t, int cpu, int64_t *first, int64_t *last);
/* CPU cpu's counters over [a, b], interpolated linearly between its
 * samples and cut to the span they cover: busy, steal and idle ns (each
 * may be NULL; a counter that went back counts 0). Returns the length of
 * [a, b] the samples cover (0 when [a, b] is empty), or -1 when they
 * cover none of it (fewer than two samples, or [a, b] outside them). */
int64_t trace_cpu_counters(const trace *t, int cpu, int64_t a, int64_t b, int64_t *busy, int64_t *steal,
			   int64_t *idle);

/* The task is parlab's runner (it prepares the run and starts the workers). */
int trace_task_is_runner(const trace_task *k);
/* The task is a lesson's worker under the lesson's name, w<id>. */
int trace_task_is_worker(const trace_task *k);
/* The task of worker id w (its worker's lane; else any task of that id),
 * or -1. */
int trace_worker_task(const trace *t, int w);
/* What a task is called, the same in every front end: a lesson's worker by
 * the lesson's name ("w0"), the runner "parlab", any other task by the
 * program's own name for it if it said one (trace_task_set_pyname), else the
 * kernel's name for it (comm: an exec or prctl(PR_SET_NAME) changes it),
 * else by its label. */
const char *trace_task_name(const trace_task *k);
/* The program's own name for task id (a Python process's
 * multiprocessing name, a thread's threading name, told by parlab's Python
 * helper): trace_task_name shows it instead of comm. Sanitized, cut to fit. */
void trace_task_set_pyname(trace *t, int id, const char *name);

/* The widest trace_task_name of the trace's tasks in columns, at least
 * min and at most TRACE_NAME_COLS: a table's name column (Python names run
 * to 22 and more; longer ones are cut there). */
#define TRACE_NAME_COLS 30
int trace_task_name_width(const trace *t, int min);

/* Bumped on every change: front ends redraw only when it moves. */
unsigned long trace_version(const trace *t);

const char *trace_state_name(trace_state s);

/* ---- the run's blocks at its end (trace_blocks.c) ---------------------------
 * A run with coordination blocks (engine/coord.h) ends with one record per
 * block: its figures and, for a shared value, its final values; and when
 * a deadlock stopped it, one per worker in it (who holds what, waits for
 * what). The engine adds them once the run is done; trace files and
 * exports carry them. */
typedef struct {
	char name[32];
	char kind[16];              /* "shared", "lock", "semaphore", "barrier", "condition", "queue" */
	long long acquisitions, contended, puts, takes;
	int64_t wait_ns, longest_ns;
	int max_length;             /* queue; -1 for other kinds */
	int64_t full_ns, empty_ns;  /* queue: time full and empty over the run */
	double mean_length;         /* queue: its length averaged over the run's time */
	int live;                   /* the figures so far of a run still going */
	int has_lost;               /* shared without set: lost is defined */
	double lost;                /* updates lost: see docs/lessons.md */
	int nvalues;                /* shared: its final values (0 for other kinds) */
	double *values;
} trace_block;

typedef struct {
	int worker;
	int live;                   /* 0: it had ended, holding locks */
	char holds[256];            /* the locks it held, "A" or "A, C" */
	char waits[32];             /* the block it waited on ("" when it had ended) */
} trace_stuck;

/* Copies b (and its values); replaces the block of b's name if there is one
 * (a live run's figures are refreshed, then made final). */
void trace_block_add(trace *t, const trace_block *b);
size_t trace_nblocks(const trace *t);
const trace_block *trace_block_at(const trace *t, size_t i);
/* The block named name, or NULL. */
const trace_block *trace_block_find(const trace *t, const char *name);
void trace_stuck_add(trace *t, const trace_stuck *s);
size_t trace_nstuck(const trace *t);
const trace_stuck *trace_stuck_at(const trace *t, size_t i);
/* One block's figures in words, the same in the batch transcript and the
 * stats screen: "L (lock): 40000 acquisitions, 1234 waited (987ms in all,
 * the longest 12.3ms)", "racy (shared): ended at 137402; 62598 updates
 * lost", "jobs (queue): 40 put, 38 taken, at most 2 in it; ...". */
void trace_block_describe(const trace_block *b, char *buf, size_t cap);
/* A queue's length over time: sampled while the run goes (engine), each
 * sample its length at t and the least and most it was in (t0, t], since
 * the sample before. Samples come in time order; one is kept only when
 * it differs from the last kept (a gap means: unchanged). */
typedef struct {
	int64_t t0, t;
	int len, lo, hi;
	double mean;      /* its mean length over (t0, t] */
} trace_qlen;
#define TRACE_QUEUE_TICK_NS 25000000LL   /* how often the engine samples them */
/* The queue track named name (made with capacity cap if new): its index. */
int trace_queue_add(trace *t, const char *name, int cap);
void trace_queue_sample(trace *t, int q, int64_t t0, int64_t at, int len, int lo, int hi, double mean);
size_t trace_nqueues(const trace *t);
const char *trace_queue_name(const trace *t, size_t q);
int trace_queue_capacity(const trace *t, size_t q);
const trace_qlen *trace_queue_samples(const trace *t, size_t q, size_t *n);
/* The least and most length of queue q over [t0, t1): its length at t0
 * (its last sample's by then) and the least and most of each sample whose
 * (t0, t] meets it; returns its length at t0. */
int trace_queue_range(const trace *t, size_t q, int64_t t0, int64_t t1, int *lo, int *hi);
/* Its mean length over [t0, t1): each sample's mean over the part of its
 * window in it, its last length where no sample covers (unchanged). */
double trace_queue_mean(const trace *t, size_t q, int64_t t0, int64_t t1);
/* Queue q's length over [0, t1) as at most max digits (out: max + 1
 * bytes), no finer than the samples (TRACE_QUEUE_TICK_NS), each the most
 * it held in its share of the time: the length itself when the capacity
 * is 9 or less, else how full it was in tenths (0-9, rounded up: 9 only
 * when full). The words that go above them, the same in stats and batch,
 * into caption ("jobs over time, each digit 22.0ms: the most it held").
 * Returns the digits written. */
int trace_queue_strip(const trace *t, size_t q, int64_t t1, int max, char *out, char *caption, size_t cap);
/* Internal: trace.c keeps the store, trace_blocks.c fills it. */
struct trace_blocks;
struct trace_blocks **trace_blocks_slot(const trace *t);
void trace_blocks_free(struct trace_blocks *b);
void trace_touch_store(trace *t);

/* ---- a distributed framework's task stream (trace_dask.c) -------------------
 * Dask's today (python/parlab/_dask.py reports it): the cluster's workers
 * (processes on this machine or another), each task a worker thread ran,
 * from when to when, and the data moved between workers. One lane per
 * executing thread, in order of appearance. Times are the trace's. */
typedef struct {
	char addr[64];     /* "tcp://127.0.0.1:41271" */
	char name[32];     /* the framework's name for it ("0", "ext-1"), or "" */
	pid_t pid;         /* its process, on its own machine */
	int nthreads;
	int local;         /* on this machine (same boot): pid and tids are this machine's */
	int outside;       /* on this machine, not started by the run (an existing
	                      cluster's): the capture may watch it (trace_task_outside) */
} trace_dworker;

typedef struct {
	int worker;        /* trace_dworker index */
	pid_t tid;         /* the thread (its machine's native id) */
	int ntasks;
} trace_dlane;

typedef struct {
	int lane;          /* trace_dlane index */
	int64_t t0, t1;    /* t1 -1: still running (trace_finish_as ends it) */
	char prefix[32];   /* the key's prefix: "getitem", "series-sum-chunk" */
	char key[128];
} trace_dtask;

typedef struct {
	int from, to;      /* trace_dworker indices; from -1: a peer the trace does not know */
	int64_t t0, t1;
	long long nbytes;
	char key[128];
} trace_dxfer;

/* The worker at addr, added or its facts replaced: its index. */
int trace_dworker_add(trace *t, const char *addr, const char *name, pid_t pid, int nthreads, int local);
int trace_dworker_find(const trace *t, const char *addr);
size_t trace_ndworkers(const trace *t);
const trace_dworker *trace_dworker_at(const trace *t, size_t i);
/* Where worker i runs, for its OS lanes: a process of this run (its lanes
 * are in the trace), a process on this machine the run did not start (an
 * existing cluster's: no lanes), or on another machine. */
typedef enum { TRACE_DW_RUN, TRACE_DW_HOST, TRACE_DW_REMOTE } trace_dwhere;
trace_dwhere trace_dworker_where(const trace *t, size_t i);
/* The same in words, the same in every front end: "process 5857 of this
 * run", "pid 5857 on this machine, not started by this run" (with "(no
 * lanes)" when the trace has no task of it), "on another machine". */
const char *trace_dworker_where_text(const trace *t, size_t i, char *buf, size_t cap);
/* Worker i is on this machine but not the run's (run.c: no descendant of
 * its runner); its process may then be watched, and is no "process of this
 * run" even with lanes. */
void trace_dworker_set_outside(trace *t, size_t i);
/* Task id belongs to a process the run did not start (an outside Dask
 * worker's, watched): its lanes are shown, but it was neither started nor
 * stopped by the run. */
int trace_task_outside(const trace *t, int id);
/* "tcp://127.0.0.1:41271" without its scheme, into buf. */
const char *trace_dworker_short(const trace_dworker *w, char *buf, size_t cap);

/* A task of worker w on thread tid: begun at t0 (t1 -1), or run over
 * [t0, t1]; the end of one begun on that lane with that key and start
 * closes it. Its lane is made on the thread's first task. */
void trace_dtask_add(trace *t, int w, pid_t tid, int64_t t0, int64_t t1, const char *prefix, const char *key);
size_t trace_ndtasks(const trace *t);
const trace_dtask *trace_dtask_at(const trace *t, size_t i);
size_t trace_ndlanes(const trace *t);
const trace_dlane *trace_dlane_at(const trace *t, size_t i);
/* Lane l's tasks in order of start: n of them, as indices into the trace's tasks. */
const size_t *trace_dlane_tasks(const trace *t, size_t l, size_t *n);
/* The task lane l ran at `at` (the latest begun), or NULL. */
const trace_dtask *trace_dtask_find(const trace *t, size_t l, int64_t at);
/* Time lane l spent running tasks over [a, b) (an open task: up to b). */
int64_t trace_dlane_busy(const trace *t, size_t l, int64_t a, int64_t b);
/* The trace task of lane l's thread (a local worker's thread the capture
 * saw), or -1. */
int trace_dlane_task(const trace *t, size_t l);
/* "dask 5857.0": the lane's name (its worker's pid, or its name or port
 * when remote, and the thread's place in it), into buf. */
const char *trace_dlane_name(const trace *t, size_t l, char *buf, size_t cap);
/* A prefix's colour slot: its place in order of appearance. */
int trace_dprefix_slot(const trace *t, const char *prefix);
size_t trace_ndprefixes(const trace *t);
const char *trace_dprefix_at(const trace *t, size_t i);

void trace_dxfer_add(trace *t, int from, int to, int64_t t0, int64_t t1, long long nbytes, const char *key);
size_t trace_ndxfers(const trace *t);
const trace_dxfer *trace_dxfer_at(const trace *t, size_t i);
/* Internal: trace.c keeps the store, trace_dask.c fills it. */
struct trace_dask;
struct trace_dask **trace_dask_slot(const trace *t);
void trace_dask_free(struct trace_dask *d);
/* Ends every task still open at end (trace_finish_as). */
void trace_dask_finish(trace *t, int64_t end);

/* "12.3ms", "1.25s", "850us": a duration in about 6 characters. */
char *trace_fmt_ns(char *buf, size_t cap, int64_t ns);
/* "0,1" or "0-3": the CPUs in a mask. */
char *trace_fmt_cpus(char *buf, size_t cap, uint64_t mask);

/* Copies text into dst (cap bytes) with control characters (C1 too) and
 * escape sequences removed, tabs expanded and invalid UTF-8 replaced by
 * U+FFFD (util/utf8.h decides what is valid); returns the length. */
size_t trace_sanitize(char *dst, size_t cap, const char *src, size_t len);

#endif
