/*
 * coord: the blocks a run's workers coordinate with (issue 11): shared
 * values, locks, semaphores, barriers, conditions and bounded queues.
 *
 * A run declares its blocks (a coord_spec, from run{}); coord_new lays them
 * out in one MAP_SHARED anonymous region, made before the runner forks, so
 * that worker processes (forked copies) and worker threads (one process)
 * use the very same memory. The waits are process-shared pthread mutexes
 * and conditions in that region (futexes in the kernel): a waiting worker
 * is off the CPU, nothing polls.
 *
 * Every block has a visible name. The region also records, by worker id,
 * who holds each lock and what each worker is waiting on right now
 * (coord_holder, coord_waiting_on): cheap stores, readable by any process
 * that maps the region (the screen keeps it: the seam for showing blocked
 * workers and detecting deadlocks). Curses-free, Lua-free.
 */
#ifndef PARLAB_COORD_H
#define PARLAB_COORD_H
#include <stddef.h>

typedef enum {
	COORD_SHARED, COORD_LOCK, COORD_SEMAPHORE, COORD_BARRIER, COORD_CONDITION, COORD_QUEUE
} coord_kind;

#define COORD_MAX_BLOCKS 64       /* blocks of one run, all kinds */
#define COORD_MAX_NAME 31         /* bytes of a block's name */
#define COORD_MAX_ARRAY 4096      /* values of one shared array */
#define COORD_MAX_CAPACITY 4096   /* values a queue holds */
#define COORD_MAX_STRING 256      /* bytes of one string in a queue */
#define COORD_MAX_COUNT 1000000   /* a semaphore's initial count */
#define COORD_MAX_WORKERS 1024    /* worker ids 0..1023 */

/* ---- what a run declares ---- */

typedef struct {
	coord_kind kind;
	char name[COORD_MAX_NAME + 1];
	int n;        /* shared: values (0: one plain value, else an array of n);
	                 semaphore: initial count; barrier: workers it waits for;
	                 queue: capacity; lock, condition: 0 */
	char lock[COORD_MAX_NAME + 1];   /* condition: the lock it goes with */
	double *init; /* shared: its max(n, 1) initial values */
} coord_decl;

typedef struct coord_spec {
	int nblocks;
	coord_decl b[COORD_MAX_BLOCKS];
	char err[160];   /* why the last coord_spec_add failed */
} coord_spec;

coord_spec *coord_spec_new(void);
void coord_spec_free(coord_spec *s);
/* Adds a block (init: shared values, max(n, 1) of them, copied; lock: a
 * condition's lock, declared before or after). -1 with s->err when a limit
 * is passed or the name is taken, empty or too long. */
int coord_spec_add(coord_spec *s, coord_kind kind, const char *name, int n, const double *init,
		   const char *lock);
/* Checks what needs every block: each condition's lock exists. -1 with s->err. */
int coord_spec_check(coord_spec *s);
/* "lock", "queue", ... and the plural ("locks", ...). */
const char *coord_kind_name(coord_kind k);
const char *coord_kind_plural(coord_kind k);

/* ---- the region ---- */

typedef struct coord coord;

/* The region for spec's blocks (checked), for workers 0..nworkers-1; NULL
 * with errno when it cannot be mapped. Every process forked after this
 * shares it. */
coord *coord_new(const coord_spec *spec, int nworkers);
void coord_free(coord *c);

int coord_nblocks(const coord *c);
/* Block i's name, kind and declared n (see coord_decl). */
const char *coord_name(const coord *c, int b);
coord_kind coord_kind_of(const coord *c, int b);
int coord_size(const coord *c, int b);
/* The block named name, or -1. */
int coord_find(const coord *c, const char *name);

/* Results of the operations below. */
enum {
	COORD_OK = 0,
	COORD_EHELD = -1,     /* lock: the worker already holds it */
	COORD_ENOTHELD = -2,  /* unlock, condition wait/notify: the worker does not hold the lock */
	COORD_EBUSY = -3,     /* try_lock: someone holds it */
	COORD_ETOOBIG = -4    /* put: a string longer than COORD_MAX_STRING */
};

/* ---- shared values (doubles; whole numbers are exact up to 2^53) ---- */
/* i: 0..max(n, 1)-1, checked by the caller. */
double coord_get(const coord *c, int b, int i);
void coord_set(coord *c, int b, int i, double v);
/* One indivisible read-add-write; the new value. */
double coord_add_atomic(coord *c, int b, int i, double d);
/* A read, then a write of read + d, as two separate steps with a window
 * between them (sched_yield: another worker that is ready to run gets the
 * CPU there, as a preemption would): other workers' updates made in the
 * window are lost, on purpose. The value written; *lost (if not NULL) what
 * the write overwrote: the value's change by others since the read, 0 when
 * nobody wrote in the window. */
double coord_add_racy(coord *c, int b, int i, double d, double *lost);

/* The write half of a racy add whose read saw seen (a stepped run makes the
 * read and the write two steps): as coord_add_racy after its window. */
double coord_racy_write(coord *c, int b, int i, double seen, double d, double *lost);

/* ---- locks (w: the calling worker's id) ---- */
int coord_lock(coord *c, int b, int w);      /* waits; COORD_OK or COORD_EHELD */
int coord_try_lock(coord *c, int b, int w);  /* COORD_OK, COORD_EBUSY or COORD_EHELD */
int coord_unlock(coord *c, int b, int w);    /* COORD_OK or COORD_ENOTHELD */
/* The worker holding lock b, or -1. */
int coord_holder(const coord *c, int b);

/* ---- semaphores ---- */
void coord_acquire(coord *c, int b, int w);  /* waits until the count is > 0, takes one */
void coord_release(coord *c, int b);
int coord_count(coord *c, int b);            /* the count now */

/* ---- barriers: waits until n workers have arrived, then all go on (and
 * the barrier is ready for the next round). The arrival order, 1..n. */
int coord_barrier_wait(coord *c, int b, int w);

/* ---- conditions, each with its lock, held by the caller ---- */
/* Releases the lock, waits for a notify, takes the lock again. May return
 * without a notify (as every condition variable): re-check in a loop.
 * COORD_OK or COORD_ENOTHELD. */
int coord_cond_wait(coord *c, int b, int w);
/* Wakes one waiter (all: every waiter). COORD_OK or COORD_ENOTHELD. */
int coord_notify(coord *c, int b, int w, int all);
/* The lock block a condition goes with. */
int coord_cond_lock(const coord *c, int b);

/* ---- bounded queues ---- */
typedef enum { COORD_NUMBER, COORD_STRING, COORD_BOOLEAN } coord_vtype;
typedef struct {
	coord_vtype type;
	double num;                    /* number; boolean: 0 or 1 */
	size_t len;                    /* string */
	char str[COORD_MAX_STRING];
} coord_value;
/* Waits while the queue is full. COORD_OK or COORD_ETOOBIG. */
int coord_put(coord *c, int b, int w, const coord_value *v);
/* Waits while the queue is empty; the oldest value. */
void coord_take(coord *c, int b, int w, coord_value *out);
int coord_length(coord *c, int b);
/* A semaphore's count, a barrier's arrivals this round, a queue's length:
 * one relaxed look, no lock taken (the screen's side). */
int coord_level(const coord *c, int b);
int coord_max_length(coord *c, int b);   /* the longest it has been */

/* A queue's length over time (the screen's side, no lock taken):
 * coord_queue_sample gives its length now and the least and most it has
 * been since the last call (the first: since its start), and starts the
 * next such window. coord_queue_time sums [from, to] (CLOCK_MONOTONIC
 * ns; from: the run's start, before any put): the time it was full and
 * empty, and its mean length (exact once the workers are done). */
void coord_queue_sample(coord *c, int b, int *len, int *lo, int *hi);
/* Its length integrated over time from its first change to now
 * (CLOCK_MONOTONIC ns): the difference between two calls over their time
 * apart is its mean length in between. */
double coord_queue_area(const coord *c, int b, long long now);
typedef struct {
	long long full_ns, empty_ns;
	double mean;
} coord_qtime;
void coord_queue_time(const coord *c, int b, long long from, long long to, coord_qtime *q);

/* ---- a stepped run (coord_step.h) ----
 * Only one worker runs at a time, and only when what it is about to do
 * needs no wait, so the waits that wait for another worker are split in
 * two steps: arriving at a barrier, then passing it once it opened;
 * waiting on a condition (the lock released), then waking, once notified,
 * with the lock taken again. A notify then wakes the waiter that came
 * first (notify_all: all of them), not whoever the kernel picks. Set
 * before the workers start. */
void coord_set_stepped(coord *c);
/* The arrival order (1..n); *gen, the round arrived in. The last to
 * arrive opens the barrier; the others wait on it (coord_waiting_on). */
int coord_barrier_arrive(coord *c, int b, int w, unsigned *gen);
int coord_barrier_open(const coord *c, int b, unsigned gen);   /* round gen has all arrived */
void coord_barrier_leave(coord *c, int b, int w);
/* Releases the condition's lock and waits on it: COORD_OK or COORD_ENOTHELD. */
int coord_cond_release(coord *c, int b, int w);
int coord_cond_notified(const coord *c, int w);
/* Notified, the lock free: takes the lock again, the wait is over. */
void coord_cond_retake(coord *c, int b, int w);

/* ---- what the workers are doing (any process, no lock taken) ---- */
/* The block worker w waits on now, or -1. */
int coord_waiting_on(const coord *c, int w);

/* ---- figures of a block (any process, no lock taken; exact once the
 * workers are done) ---- */
typedef struct {
	long long acquisitions;  /* lock: acquisitions (lock, try_lock); semaphore: acquires;
	                            barrier: arrivals; condition: waits */
	long long contended;     /* of those (and of a queue's puts and takes), the ones that waited */
	long long wait_ns, longest_ns;   /* their waits, in total and the longest */
	long long puts, takes;   /* queue */
	int max_length;          /* queue: the longest it has been */
	long long adds, sets;    /* shared: add_atomic and add_racy calls; set calls */
	double added;            /* shared: the sum of every add's d */
	/* shared without any set: lost = (its initial values + added) - its
	 * values now, summed over an array's elements: the adds that a racy
	 * add's window overwrote (0 for atomic adds, and for racy adds made
	 * under a lock). has_lost: 0 when a set made it undefined. */
	double lost;
	int has_lost;
} coord_figures;
void coord_figures_of(const coord *c, int b, coord_figures *f);

/* ---- deadlocks (the screen's side) ---- */
/* Workers 0..nworkers-1 are live from coord_new on; the screen says when
 * one ended (exited, crashed). An ended worker takes no part in a
 * deadlock, except by holding a lock (it can never release it). */
void coord_set_live(coord *c, int w, int live);
int coord_live(const coord *c, int w);

typedef struct {
	int w;              /* worker id */
	int live;           /* 0: it ended, holding locks */
	char holds[256];    /* the locks it holds, "A" or "A, C" ("" none) */
	int waits;          /* the block it waits on (-1: it ended) */
	int waits_for;      /* waits on a lock: its holder (-1 none) */
} coord_stuck_worker;
/* When every live worker (at least one) waits on a block that only
 * another worker could free (a lock another holds, an empty semaphore, a
 * barrier, a condition, an empty or full queue), nobody left can wake
 * any of them: each live worker, and each ended one holding a lock, into
 * out (max entries); the count. 0 when some live worker is not waiting
 * (running, sleeping, busy) or is about to get what it waits for. One
 * look at relaxed stores: the screen takes two in a row apart. */
int coord_stuck(const coord *c, coord_stuck_worker *out, int max);
/* "w0 holds A and waits for B", "w2 waits at barrier X", "w1 ended holding lock A". */
void coord_describe_stuck(const coord *c, const coord_stuck_worker *s, char *buf, size_t cap);
/* 1 and why ("w0 holds A and waits for B; w1 holds B and waits for A",
 * cut at cap) when coord_stuck finds a deadlock; 0 (why "") when not. */
int coord_deadlock(const coord *c, char *why, size_t cap);

#endif
