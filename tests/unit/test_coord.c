/* Unit tests of coord (the run's blocks) from C, with real fork()ed worker
 * processes and real pthreads, each test in both: counters (racy ones lose
 * updates under contention, atomic and locked ones never do), locks and
 * try_lock, a full queue whose producer waits off the CPU, a barrier that
 * opens only at the last arrival, semaphore counts, a condition, and the
 * spec's limits. */
#include "engine/coord.h"
#include "check.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "team.h"

/* Worker i's CPU time so far (ns). */
static int64_t cpu_ns(team *t, int i)
{
	clockid_t id;
	int rc = t->mode == THREADS ? pthread_getcpuclockid(t->th[i], &id) : clock_getcpuclockid(t->pid[i], &id);
	struct timespec ts;
	if (rc != 0 || clock_gettime(id, &ts) != 0) return -1;
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void ms_sleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

/* Polls (the test, not the blocks) until worker w waits on block b. */
static int wait_until_waiting(coord *c, int w, int b)
{
	for (int i = 0; i < 5000; i++) {
		if (coord_waiting_on(c, w) == b) return 1;
		ms_sleep(1);
	}
	return 0;
}

static coord *make(coord_spec *s, int n)
{
	CHECK(coord_spec_check(s) == 0);
	coord *c = coord_new(s, n);
	CHECK(c != NULL);
	coord_spec_free(s);
	if (!c) exit(1);
	return c;
}

/* ---- counters ------------------------------------------------------------ */

#define ROUNDS 2000

static int count_work(coord *c, int w, void *arg)
{
	(void)arg;
	int racy = coord_find(c, "racy"), atomic = coord_find(c, "atomic"), locked = coord_find(c, "locked");
	int lk = coord_find(c, "L"), go = coord_find(c, "go"), half = coord_find(c, "half");
	int lracy = coord_find(c, "lracy");
	coord_barrier_wait(c, go, w);   /* all start together: they contend */
	for (int i = 0; i < ROUNDS; i++) {
		coord_add_racy(c, racy, 0, 1, NULL);
		coord_add_atomic(c, atomic, 0, 1);
		coord_add_atomic(c, half, w % 2, 0.5);
		if (coord_lock(c, lk, w) != COORD_OK) return 2;
		coord_set(c, locked, 0, coord_get(c, locked, 0) + 1);
		if (coord_unlock(c, lk, w) != COORD_OK) return 3;
		if (coord_lock(c, lk, w) != COORD_OK) return 2;
		coord_add_racy(c, lracy, 0, 1, NULL);
		if (coord_unlock(c, lk, w) != COORD_OK) return 3;
	}
	return 0;
}

/* Why "racy < expected in one of 5 tries" is reliable: there are more
 * workers than CPUs, all released together by a barrier, and each racy
 * increment yields the CPU between its read and its write; another worker
 * ready on that CPU then runs and increments from the same old value,
 * whose update the first one's write erases. To lose none, not one of the
 * n * ROUNDS windows could overlap another worker's increment. Atomic and
 * locked increments must come out exact in every try. */
static void test_counters(int mode)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int n = ncpu < 2 ? 4 : ncpu * 2 > 16 ? 16 : (int)ncpu * 2;
	double want = (double)n * ROUNDS;
	int lost_seen = 0;
	for (int attempt = 0; attempt < 5; attempt++) {
		coord_spec *s = coord_spec_new();
		double halves[2] = { 0, 0 };
		CHECK(coord_spec_add(s, COORD_SHARED, "racy", 0, NULL, NULL) == 0);
		CHECK(coord_spec_add(s, COORD_SHARED, "atomic", 0, NULL, NULL) == 0);
		CHECK(coord_spec_add(s, COORD_SHARED, "locked", 0, NULL, NULL) == 0);
		CHECK(coord_spec_add(s, COORD_SHARED, "lracy", 0, NULL, NULL) == 0);
		CHECK(coord_spec_add(s, COORD_SHARED, "half", 2, halves, NULL) == 0);
		CHECK(coord_spec_add(s, COORD_LOCK, "L", 0, NULL, NULL) == 0);
		CHECK(coord_spec_add(s, COORD_BARRIER, "go", n, NULL, NULL) == 0);
		coord *c = make(s, n);
		team t;
		start(&t, mode, n, c, count_work, NULL);
		CHECK(finish(&t) == 0);
		double racy = coord_get(c, coord_find(c, "racy"), 0);
		if (coord_get(c, coord_find(c, "atomic"), 0) != want || coord_get(c, coord_find(c, "locked"), 0) != want)
			fprintf(stderr, "%s: atomic %.0f, locked %.0f, want %.0f\n", mode_name[mode],
				coord_get(c, coord_find(c, "atomic"), 0), coord_get(c, coord_find(c, "locked"), 0), want);
		CHECK(coord_get(c, coord_find(c, "atomic"), 0) == want);
		CHECK(coord_get(c, coord_find(c, "locked"), 0) == want);
		double halfsum = coord_get(c, coord_find(c, "half"), 0) + coord_get(c, coord_find(c, "half"), 1);
		CHECK(halfsum == want / 2);
		CHECK(racy >= 1 && racy <= want);
		CHECK(coord_holder(c, coord_find(c, "L")) == -1);
		coord_figures f;
		coord_figures_of(c, coord_find(c, "racy"), &f);   /* lost: every add's d, less what is there */
		CHECK(f.adds == (long long)want && f.added == want && f.has_lost && f.lost == want - racy);
		coord_figures_of(c, coord_find(c, "atomic"), &f);
		CHECK(f.adds == (long long)want && f.has_lost && f.lost == 0);
		coord_figures_of(c, coord_find(c, "lracy"), &f);   /* racy adds under a lock lose nothing */
		CHECK(f.adds == (long long)want && f.has_lost && f.lost == 0);
		coord_figures_of(c, coord_find(c, "locked"), &f);   /* set: lost is not defined */
		CHECK(f.sets == (long long)want && !f.has_lost);
		coord_figures_of(c, coord_find(c, "half"), &f);
		CHECK(f.adds == (long long)want && f.added == want / 2 && f.has_lost && f.lost == 0);
		coord_figures_of(c, coord_find(c, "L"), &f);
		CHECK(f.acquisitions == 2 * (long long)want);
		CHECK(f.contended >= 0 && f.contended <= f.acquisitions && f.longest_ns <= f.wait_ns);
		CHECK(f.contended == 0 || f.longest_ns > 0);
		coord_figures_of(c, coord_find(c, "go"), &f);
		CHECK(f.acquisitions == n && f.contended == n - 1 && f.longest_ns > 0);   /* all but the last waited */
		printf("%s, %d workers: racy %.0f of %.0f (%.0f lost), atomic and locked exact\n", mode_name[mode], n,
		       racy, want, want - racy);
		coord_free(c);
		if (racy < want) { lost_seen = 1; if (attempt >= 1) break; }   /* two exact runs of the others at least */
	}
	CHECK(lost_seen);
}

/* ---- locks --------------------------------------------------------------- */

static int hold_work(coord *c, int w, void *arg)
{
	(void)arg;
	int lk = coord_find(c, "A"), flag = coord_find(c, "flag");
	if (coord_lock(c, lk, w) != COORD_OK) return 2;
	if (coord_lock(c, lk, w) != COORD_EHELD) return 3;     /* a second lock is refused, not a hang */
	if (coord_try_lock(c, lk, w) != COORD_EHELD) return 4;
	coord_set(c, flag, 0, 1);
	while (coord_get(c, flag, 0) != 2) ms_sleep(1);          /* until the test has tried */
	return coord_unlock(c, lk, w) == COORD_OK ? 0 : 5;
}

static void test_locks(int mode)
{
	coord_spec *s = coord_spec_new();
	CHECK(coord_spec_add(s, COORD_LOCK, "A", 0, NULL, NULL) == 0);
	CHECK(coord_spec_add(s, COORD_SHARED, "flag", 0, NULL, NULL) == 0);
	coord *c = make(s, 2);
	int lk = coord_find(c, "A"), flag = coord_find(c, "flag");
	CHECK(coord_holder(c, lk) == -1);
	CHECK(coord_unlock(c, lk, 1) == COORD_ENOTHELD);
	team t;
	start(&t, mode, 1, c, hold_work, NULL);   /* worker 0 holds A */
	for (int i = 0; i < 5000 && coord_get(c, flag, 0) != 1; i++) ms_sleep(1);
	CHECK(coord_holder(c, lk) == 0);
	CHECK(coord_try_lock(c, lk, 1) == COORD_EBUSY);   /* held by w0: try_lock says no at once */
	CHECK(coord_unlock(c, lk, 1) == COORD_ENOTHELD);
	coord_set(c, flag, 0, 2);
	CHECK(finish(&t) == 0);
	CHECK(coord_holder(c, lk) == -1);
	CHECK(coord_try_lock(c, lk, 1) == COORD_OK);
	CHECK(coord_holder(c, lk) == 1);
	CHECK(coord_unlock(c, lk, 1) == COORD_OK);
	coord_free(c);
}

/* ---- a full queue: the producer waits, off the CPU ------------------------ */

static int produce(coord *c, int w, void *arg)
{
	(void)arg;
	int q = coord_find(c, "jobs");
	for (int i = 1; i <= 5; i++) {
		coord_value v = { .type = COORD_NUMBER, .num = i };
		if (i == 3) { v.type = COORD_STRING; v.len = 5; memcpy(v.str, "three", 5); }
		if (coord_put(c, q, w, &v) != COORD_OK) return 2;
	}
	coord_value big = { .type = COORD_STRING, .len = COORD_MAX_STRING + 1 };
	return coord_put(c, q, w, &big) == COORD_ETOOBIG ? 0 : 3;
}

static void test_queue(int mode)
{
	coord_spec *s = coord_spec_new();
	CHECK(coord_spec_add(s, COORD_QUEUE, "jobs", 2, NULL, NULL) == 0);
	coord *c = make(s, 2);
	int q = coord_find(c, "jobs");
	team t;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	long long from = ts.tv_sec * 1000000000LL + ts.tv_nsec;
	start(&t, mode, 1, c, produce, NULL);
	CHECK(wait_until_waiting(c, 0, q));   /* it put 2 and waits to put the third */
	int len, lo, hi;
	coord_queue_sample(c, q, &len, &lo, &hi);
	CHECK(len == 2 && lo == 0 && hi == 2);
	int64_t before = cpu_ns(&t, 0);
	ms_sleep(300);
	int64_t used = cpu_ns(&t, 0) - before;
	CHECK(before >= 0 && used >= 0);
	CHECK(used < 20000000);   /* 300 ms blocked, under 20 ms of CPU: it sleeps in the kernel, it does not spin */
	printf("%s: a producer blocked on a full queue for 300 ms used %.3f ms of CPU\n", mode_name[mode], used / 1e6);
	CHECK(coord_length(c, q) == 2);
	CHECK(coord_waiting_on(c, 0) == q);
	coord_value v;
	coord_take(c, q, 1, &v);
	CHECK(v.type == COORD_NUMBER && v.num == 1);
	coord_take(c, q, 1, &v);
	CHECK(v.type == COORD_NUMBER && v.num == 2);
	coord_take(c, q, 1, &v);
	CHECK(v.type == COORD_STRING && v.len == 5 && !memcmp(v.str, "three", 5));
	coord_take(c, q, 1, &v);
	CHECK(v.type == COORD_NUMBER && v.num == 4);
	coord_take(c, q, 1, &v);
	CHECK(v.type == COORD_NUMBER && v.num == 5);
	CHECK(finish(&t) == 0);
	CHECK(coord_waiting_on(c, 0) == -1);
	CHECK(coord_length(c, q) == 0);
	CHECK(coord_max_length(c, q) == 2);
	/* its length over time: full for the 300 ms at least, 2 then; the
	 * samples' least and most since the last */
	coord_queue_sample(c, q, &len, &lo, &hi);
	CHECK(len == 0 && lo == 0 && hi == 2);
	coord_queue_sample(c, q, &len, &lo, &hi);
	CHECK(len == 0 && lo == 0 && hi == 0);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	long long to = ts.tv_sec * 1000000000LL + ts.tv_nsec;
	coord_qtime qt;
	coord_queue_time(c, q, from, to, &qt);
	CHECK(qt.full_ns >= 300000000LL && qt.full_ns + qt.empty_ns <= to - from);
	CHECK(qt.mean >= 2.0 * 300e6 / (double)(to - from) && qt.mean <= 2);
	coord_qtime later;   /* 1 us more, after the last take: empty that long more */
	coord_queue_time(c, q, from, to + 1000, &later);
	CHECK(later.empty_ns == qt.empty_ns + 1000 && later.full_ns == qt.full_ns && later.mean < qt.mean);
	coord_free(c);
}

/* ---- a barrier opens only when the last arrives ----------------------------- */

static int barrier_work(coord *c, int w, void *arg)
{
	(void)arg;
	int b = coord_find(c, "start"), passed = coord_find(c, "passed"), order = coord_find(c, "order");
	for (int round = 0; round < 2; round++) {
		int o = coord_barrier_wait(c, b, w);
		if (round == 0) coord_add_atomic(c, order, o - 1, 1);
		coord_add_atomic(c, passed, 0, 1);
	}
	return 0;
}

static void test_barrier(int mode)
{
	coord_spec *s = coord_spec_new();
	double zero[4] = { 0 };
	CHECK(coord_spec_add(s, COORD_BARRIER, "start", 4, NULL, NULL) == 0);
	CHECK(coord_spec_add(s, COORD_SHARED, "passed", 0, NULL, NULL) == 0);
	CHECK(coord_spec_add(s, COORD_SHARED, "order", 4, zero, NULL) == 0);
	coord *c = make(s, 4);
	int b = coord_find(c, "start"), passed = coord_find(c, "passed"), order = coord_find(c, "order");
	team t;
	start(&t, mode, 3, c, barrier_work, NULL);   /* 3 of the 4 */
	for (int w = 0; w < 3; w++) CHECK(wait_until_waiting(c, w, b));
	ms_sleep(100);
	CHECK(coord_get(c, passed, 0) == 0);   /* none went on with 3 of 4 there */
	int o = coord_barrier_wait(c, b, 3);   /* the fourth: all go */
	CHECK(o == 4);
	for (int i = 0; i < 5000 && coord_get(c, passed, 0) < 3; i++) ms_sleep(1);
	CHECK(coord_get(c, passed, 0) == 3);
	coord_barrier_wait(c, b, 3);           /* the next round works the same */
	CHECK(finish(&t) == 0);
	CHECK(coord_get(c, passed, 0) == 6);
	/* In the first round the workers arrived 1st, 2nd and 3rd, the test 4th. */
	for (int i = 0; i < 3; i++) CHECK(coord_get(c, order, i) == 1);
	CHECK(coord_get(c, order, 3) == 0);
	for (int w = 0; w < 4; w++) CHECK(coord_waiting_on(c, w) == -1);
	coord_free(c);
}

/* ---- semaphores ------------------------------------------------------------ */

static int sem_work(coord *c, int w, void *arg)
{
	(void)arg;
	int sem = coord_find(c, "slots"), inside = coord_find(c, "inside"), most = coord_find(c, "most");
	int lk = coord_find(c, "L"), pair = coord_find(c, "pair"), round = coord_find(c, "round");
	for (int i = 0; i < 3; i++) {
		coord_acquire(c, sem, w);
		double now = coord_add_atomic(c, inside, 0, 1);
		coord_lock(c, lk, w);
		if (now > coord_get(c, most, 0)) coord_set(c, most, 0, now);
		coord_unlock(c, lk, w);
		coord_barrier_wait(c, pair, w);   /* the two inside meet: 2 at once, whatever the load */
		coord_add_atomic(c, inside, 0, -1);
		coord_release(c, sem);
		/* Rounds: within one, each worker enters once, so the pairs always
		 * meet (in a second entry a worker could meet another's last one and
		 * leave a third alone at the barrier for good). */
		coord_barrier_wait(c, round, w);
	}
	return 0;
}

static void test_semaphore(int mode)
{
	coord_spec *s = coord_spec_new();
	CHECK(coord_spec_add(s, COORD_SEMAPHORE, "slots", 2, NULL, NULL) == 0);
	CHECK(coord_spec_add(s, COORD_SEMAPHORE, "none", 0, NULL, NULL) == 0);
	CHECK(coord_spec_add(s, COORD_SHARED, "inside", 0, NULL, NULL) == 0);
	CHECK(coord_spec_add(s, COORD_SHARED, "most", 0, NULL, NULL) == 0);
	CHECK(coord_spec_add(s, COORD_LOCK, "L", 0, NULL, NULL) == 0);
	CHECK(coord_spec_add(s, COORD_BARRIER, "pair", 2, NULL, NULL) == 0);
	CHECK(coord_spec_add(s, COORD_BARRIER, "round", 4, NULL, NULL) == 0);
	coord *c = make(s, 4);
	int sem = coord_find(c, "slots");
	CHECK(coord_count(c, sem) == 2);
	team t;
	start(&t, mode, 4, c, sem_work, NULL);
	CHECK(finish(&t) == 0);
	CHECK(coord_get(c, coord_find(c, "most"), 0) == 2);   /* two at once, never three */
	CHECK(coord_count(c, sem) == 2);
	/* A count of 0: acquire waits until a release. */
	int none = coord_find(c, "none");
	CHECK(coord_count(c, none) == 0);
	coord_release(c, none);
	CHECK(coord_count(c, none) == 1);
	coord_acquire(c, none, 0);
	CHECK(coord_count(c, none) == 0);
	coord_free(c);
}

/* ---- a condition ------------------------------------------------------------ */

static int cond_work(coord *c, int w, void *arg)
{
	(void)arg;
	int lk = coord_find(c, "L"), cv = coord_find(c, "ready"), go = coord_find(c, "go");
	if (coord_cond_wait(c, cv, w) != COORD_ENOTHELD) return 2;   /* without its lock: refused */
	coord_lock(c, lk, w);
	while (coord_get(c, go, 0) == 0)
		if (coord_cond_wait(c, cv, w) != COORD_OK) return 3;
	int held = coord_holder(c, lk) == w;
	coord_unlock(c, lk, w);
	return held ? 0 : 4;
}

static void test_condition(int mode)
{
	coord_spec *s = coord_spec_new();
	CHECK(coord_spec_add(s, COORD_CONDITION, "ready", 0, NULL, "L") == 0);   /* its lock may come after */
	CHECK(coord_spec_add(s, COORD_LOCK, "L", 0, NULL, NULL) == 0);
	CHECK(coord_spec_add(s, COORD_SHARED, "go", 0, NULL, NULL) == 0);
	coord *c = make(s, 4);
	int lk = coord_find(c, "L"), cv = coord_find(c, "ready"), go = coord_find(c, "go");
	CHECK(coord_cond_lock(c, cv) == lk);
	team t;
	start(&t, mode, 3, c, cond_work, NULL);
	for (int w = 0; w < 3; w++) CHECK(wait_until_waiting(c, w, cv));
	CHECK(coord_holder(c, lk) == -1);   /* waiting released the lock */
	CHECK(coord_notify(c, cv, 3, 1) == COORD_ENOTHELD);
	coord_lock(c, lk, 3);
	coord_set(c, go, 0, 1);
	CHECK(coord_notify(c, cv, 3, 1) == COORD_OK);
	coord_unlock(c, lk, 3);
	CHECK(finish(&t) == 0);
	coord_free(c);
}

/* ---- who holds what, who waits for what: a deadlock, read from outside ---- */

static int opposite_order(coord *c, int w, void *arg)
{
	(void)arg;
	int a = coord_find(c, "A"), b = coord_find(c, "B"), both = coord_find(c, "both");
	int first = w == 0 ? a : b, second = w == 0 ? b : a;
	coord_lock(c, first, w);
	coord_barrier_wait(c, both, w);
	coord_lock(c, second, w);   /* never returns: the other holds it and waits for ours */
	return 9;
}

/* Processes only: a thread waiting for a mutex cannot be ended from outside. */
static void test_deadlock_seen(void)
{
	coord_spec *s = coord_spec_new();
	CHECK(coord_spec_add(s, COORD_LOCK, "A", 0, NULL, NULL) == 0);
	CHECK(coord_spec_add(s, COORD_LOCK, "B", 0, NULL, NULL) == 0);
	CHECK(coord_spec_add(s, COORD_BARRIER, "both", 2, NULL, NULL) == 0);
	coord *c = make(s, 2);
	int a = coord_find(c, "A"), b = coord_find(c, "B");
	team t;
	start(&t, PROCS, 2, c, opposite_order, NULL);
	CHECK(wait_until_waiting(c, 0, b));
	CHECK(wait_until_waiting(c, 1, a));
	CHECK(coord_holder(c, a) == 0);   /* w0 holds A and waits for B; w1 holds B and waits for A */
	CHECK(coord_holder(c, b) == 1);
	int64_t before = cpu_ns(&t, 0);
	ms_sleep(100);
	CHECK(cpu_ns(&t, 0) - before < 10000000);   /* deadlocked workers sleep */
	for (int i = 0; i < 2; i++) kill(t.pid[i], SIGKILL);
	CHECK(finish(&t) == 2);
	coord_free(c);
}

/* ---- deadlock detection: coord_deadlock read from outside, as the screen does ---- */

static int cycle_work(coord *c, int w, void *arg)
{
	int n = *(int *)arg;
	char mine[16], next[16];
	snprintf(mine, sizeof mine, "L%d", w);
	snprintf(next, sizeof next, "L%d", (w + 1) % n);
	coord_lock(c, coord_find(c, mine), w);
	coord_barrier_wait(c, coord_find(c, "all"), w);
	coord_lock(c, coord_find(c, next), w);   /* never returns */
	return 9;
}

/* A team in a child process of its own: threads too can then be ended
 * from outside (by killing the child). */
typedef struct { pid_t pid; team t; } boxed;

static void start_boxed(boxed *b, int mode, int n, coord *c, work_fn f, void *arg)
{
	if (mode == PROCS) { start(&b->t, mode, n, c, f, arg); return; }
	b->pid = fork();
	if (b->pid < 0) { perror("fork"); exit(1); }
	if (b->pid == 0) { team t; start(&t, THREADS, n, c, f, arg); _exit(finish(&t)); }
}

static void kill_boxed(boxed *b, int mode)
{
	if (mode == PROCS) {
		for (int i = 0; i < b->t.n; i++) kill(b->t.pid[i], SIGKILL);
		finish(&b->t);
		return;
	}
	kill(b->pid, SIGKILL);
	int st;
	while (waitpid(b->pid, &st, 0) < 0 && errno == EINTR) {}
}

/* Polls until coord_deadlock says so (up to 5 s); 1 and why if it did. */
static int wait_deadlock(coord *c, char *why, size_t cap)
{
	for (int i = 0; i < 5000; i++) {
		if (coord_deadlock(c, why, cap)) return 1;
		ms_sleep(1);
	}
	return 0;
}

static void test_deadlock_cycle(int mode, int n)
{
	coord_spec *s = coord_spec_new();
	char name[16];
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof name, "L%d", i);
		CHECK(coord_spec_add(s, COORD_LOCK, name, 0, NULL, NULL) == 0);
	}
	CHECK(coord_spec_add(s, COORD_BARRIER, "all", n, NULL, NULL) == 0);
	coord *c = make(s, n);
	char why[512];
	CHECK(coord_deadlock(c, why, sizeof why) == 0 && !*why);   /* nobody waits yet */
	boxed b;
	start_boxed(&b, mode, n, c, cycle_work, &n);
	CHECK(wait_deadlock(c, why, sizeof why));
	if (n == 2) CHECK_STR(why, "w0 holds L0 and waits for L1; w1 holds L1 and waits for L0");
	else CHECK_STR(why, "w0 holds L0 and waits for L1; w1 holds L1 and waits for L2; w2 holds L2 and waits for L0");
	coord_stuck_worker st[8];
	CHECK(coord_stuck(c, st, 8) == n);
	for (int i = 0; i < n; i++)
		CHECK(st[i].w == i && st[i].live && st[i].waits == coord_find(c, i + 1 < n ? (snprintf(name, sizeof name, "L%d", i + 1), name) : "L0") &&
		      st[i].waits_for == (i + 1) % n);
	printf("%s, %d workers: deadlock: %s\n", mode_name[mode], n, why);
	kill_boxed(&b, mode);
	coord_free(c);
}

/* w0 holds A and sleeps (or runs) for a while, then lets go; w1 waits for
 * A all that time: no deadlock, w0 will release it. */
static int release_later(coord *c, int w, void *arg)
{
	int a = coord_find(c, "A"), spin = *(int *)arg;
	if (w == 0) {
		coord_lock(c, a, w);
		coord_barrier_wait(c, coord_find(c, "go"), w);
		if (spin) { struct timespec t0, t1; clock_gettime(CLOCK_MONOTONIC, &t0);
			do clock_gettime(CLOCK_MONOTONIC, &t1);
			while ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 300); }
		else ms_sleep(300);
		coord_unlock(c, a, w);
		return 0;
	}
	coord_barrier_wait(c, coord_find(c, "go"), w);
	coord_lock(c, a, w);
	coord_unlock(c, a, w);
	return 0;
}

static void test_no_false_deadlock(int mode)
{
	for (int spin = 0; spin <= 1; spin++) {
		coord_spec *s = coord_spec_new();
		CHECK(coord_spec_add(s, COORD_LOCK, "A", 0, NULL, NULL) == 0);
		CHECK(coord_spec_add(s, COORD_BARRIER, "go", 2, NULL, NULL) == 0);
		coord *c = make(s, 2);
		team t;
		start(&t, mode, 2, c, release_later, &spin);
		CHECK(wait_until_waiting(c, 1, coord_find(c, "A")));
		char why[256];
		int seen = 0, looks = 0;
		while (coord_waiting_on(c, 1) == coord_find(c, "A")) {   /* every look while w1 waits */
			seen += coord_deadlock(c, why, sizeof why);
			looks++;
			ms_sleep(5);
		}
		CHECK(looks >= 10 && seen == 0);
		CHECK(finish(&t) == 0);
		coord_free(c);
	}
}

/* A producer that sleeps between puts keeps its consumers waiting on an
 * empty queue: no deadlock. Once it has ended (the screen says so), the
 * consumers still waiting are deadlocked. */
static int slow_producer(coord *c, int w, void *arg)
{
	(void)arg;
	int q = coord_find(c, "q");
	coord_value v = { .type = COORD_NUMBER, .num = 1 };
	if (w == 0) {
		for (int i = 0; i < 4; i++) { ms_sleep(60); coord_put(c, q, w, &v); }
		return 0;
	}
	for (;;) coord_take(c, q, w, &v);
}

static void test_queue_deadlock(int mode)
{
	coord_spec *s = coord_spec_new();
	CHECK(coord_spec_add(s, COORD_QUEUE, "q", 1, NULL, NULL) == 0);
	coord *c = make(s, 3);
	boxed b;
	start_boxed(&b, mode, 3, c, slow_producer, NULL);
	char why[256];
	int seen = 0;
	for (int i = 0; i < 40; i++) { seen += coord_deadlock(c, why, sizeof why); ms_sleep(5); }
	CHECK(seen == 0);
	if (mode == PROCS) { int st; waitpid(b.t.pid[0], &st, 0); b.t.pid[0] = getpid(); }
	else ms_sleep(400);
	coord_set_live(c, 0, 0);   /* as the screen does when it sees the producer's end */
	CHECK(wait_deadlock(c, why, sizeof why));
	CHECK_STR(why, "w1 waits to take from queue q (empty); w2 waits to take from queue q (empty)");
	coord_figures f;
	coord_figures_of(c, coord_find(c, "q"), &f);
	CHECK(f.puts == 4 && f.takes == 4 && f.max_length == 1 && f.contended >= 3);
	if (mode == PROCS) { b.t.pid[0] = -1; for (int i = 1; i < 3; i++) kill(b.t.pid[i], SIGKILL);
		for (int i = 1; i < 3; i++) waitpid(b.t.pid[i], NULL, 0); }
	else kill_boxed(&b, mode);
	coord_free(c);
}

/* w0 holds A and waits at a barrier or on an empty queue of 1; w1 waits
 * for A. The test releases w0 (the barrier's last arrival, a put) while w0
 * is stopped (SIGSTOP): released but not yet running, it still looks as if
 * it waited, and must not count as stuck (nor w1, then). */
static int released_work(coord *c, int w, void *arg)
{
	int use_queue = *(int *)arg, a = coord_find(c, "A");
	if (w == 0) {
		coord_lock(c, a, w);
		if (use_queue) { coord_value v; coord_take(c, coord_find(c, "q"), w, &v); }
		else coord_barrier_wait(c, coord_find(c, "b"), w);
		coord_unlock(c, a, w);
		return 0;
	}
	coord_acquire(c, coord_find(c, "go"), w);
	coord_lock(c, a, w);
	coord_unlock(c, a, w);
	return 0;
}

/* Stops worker process pid inside its wait in the kernel (a futex: its
 * condition wait, with the block's mutex released). Stopped in user space
 * it might hold that mutex (preempted between saying it waits and waiting,
 * on a busy machine), and the test's release would wait for it forever:
 * then it is let go and stopped again. Where /proc/PID/syscall cannot be
 * read, the first stop stands. */
static void stop_in_wait(pid_t pid)
{
	for (int i = 0; i < 1000; i++) {
		int st;
		char path[64], buf[64] = "";
		kill(pid, SIGSTOP);
		if (waitpid(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st)) return;
		snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
		FILE *f = fopen(path, "r");
		if (!f) return;
		int got = fgets(buf, sizeof buf, f) != NULL;
		fclose(f);
		if (!got || atol(buf) == SYS_futex) return;   /* ("running": in user space) */
		kill(pid, SIGCONT);
		ms_sleep(2);
	}
}

static void test_released_not_stuck(void)
{
	for (int use_queue = 0; use_queue <= 1; use_queue++) {
		coord_spec *s = coord_spec_new();
		CHECK(coord_spec_add(s, COORD_LOCK, "A", 0, NULL, NULL) == 0);
		CHECK(coord_spec_add(s, COORD_BARRIER, "b", 2, NULL, NULL) == 0);
		CHECK(coord_spec_add(s, COORD_QUEUE, "q", 1, NULL, NULL) == 0);
		CHECK(coord_spec_add(s, COORD_SEMAPHORE, "go", 0, NULL, NULL) == 0);
		coord *c = make(s, 2);
		team t;
		start(&t, PROCS, 2, c, released_work, &use_queue);
		CHECK(wait_until_waiting(c, 0, coord_find(c, use_queue ? "q" : "b")));
		stop_in_wait(t.pid[0]);
		if (use_queue) { coord_value v = { .type = COORD_NUMBER, .num = 1 }; coord_put(c, coord_find(c, "q"), 2, &v); }
		else coord_barrier_wait(c, coord_find(c, "b"), 2);   /* the last arrival: w0 may go */
		coord_release(c, coord_find(c, "go"));
		CHECK(wait_until_waiting(c, 1, coord_find(c, "A")));
		char why[256];
		int seen = 0;
		for (int i = 0; i < 10; i++) { seen += coord_deadlock(c, why, sizeof why); ms_sleep(3); }
		if (seen) fprintf(stderr, "%s: a false deadlock: %s\n", use_queue ? "queue" : "barrier", why);
		CHECK(seen == 0);
		CHECK(coord_waiting_on(c, 0) == coord_find(c, use_queue ? "q" : "b"));   /* it still looks waiting */
		kill(t.pid[0], SIGCONT);
		CHECK(finish(&t) == 0);
		coord_free(c);
	}
}

/* A worker that ended holding a lock: the others waiting for it are deadlocked. */
static int end_holding(coord *c, int w, void *arg)
{
	(void)arg;
	int a = coord_find(c, "A");
	if (w == 0) { coord_lock(c, a, w); coord_barrier_wait(c, coord_find(c, "go"), w); return 0; }
	coord_barrier_wait(c, coord_find(c, "go"), w);
	coord_lock(c, a, w);
	return 9;
}

static void test_ended_holding(void)
{
	coord_spec *s = coord_spec_new();
	CHECK(coord_spec_add(s, COORD_LOCK, "A", 0, NULL, NULL) == 0);
	CHECK(coord_spec_add(s, COORD_BARRIER, "go", 2, NULL, NULL) == 0);
	coord *c = make(s, 2);
	team t;
	start(&t, PROCS, 2, c, end_holding, NULL);
	int st;
	waitpid(t.pid[0], &st, 0);
	CHECK(wait_until_waiting(c, 1, coord_find(c, "A")));
	char why[256];
	CHECK(coord_deadlock(c, why, sizeof why) == 0);   /* w0 counts as live until the screen says it ended */
	coord_set_live(c, 0, 0);
	CHECK(coord_deadlock(c, why, sizeof why) == 1);
	CHECK_STR(why, "w0 ended holding lock A; w1 waits for A");
	kill(t.pid[1], SIGKILL);
	waitpid(t.pid[1], &st, 0);
	coord_free(c);
}

/* ---- the spec's limits ------------------------------------------------------ */

static void test_spec(void)
{
	coord_spec *s = coord_spec_new();
	CHECK(coord_spec_add(s, COORD_LOCK, "A", 0, NULL, NULL) == 0);
	CHECK(coord_spec_add(s, COORD_QUEUE, "A", 2, NULL, NULL) == -1);
	CHECK_CONTAINS(s->err, "'A' names two blocks (a lock and a queue)");
	CHECK(coord_spec_add(s, COORD_QUEUE, "q", COORD_MAX_CAPACITY + 1, NULL, NULL) == -1);
	CHECK_CONTAINS(s->err, "queue 'q': 4097 is not from 1 to 4096");
	CHECK(coord_spec_add(s, COORD_QUEUE, "q0", 0, NULL, NULL) == -1);
	CHECK(coord_spec_add(s, COORD_SHARED, "big", COORD_MAX_ARRAY + 1, NULL, NULL) == -1);
	CHECK(coord_spec_add(s, COORD_LOCK, "", 0, NULL, NULL) == -1);
	CHECK(coord_spec_add(s, COORD_LOCK, "a_name_that_is_much_too_long_for_a_block", 0, NULL, NULL) == -1);
	CHECK(coord_spec_add(s, COORD_CONDITION, "c", 0, NULL, "B") == 0);
	CHECK(coord_spec_check(s) == -1);
	CHECK_CONTAINS(s->err, "condition 'c' goes with lock 'B', but the run has no lock 'B'");
	coord_spec_free(s);
	s = coord_spec_new();
	char name[16];
	for (int i = 0; i < COORD_MAX_BLOCKS; i++) {
		snprintf(name, sizeof name, "L%d", i);
		CHECK(coord_spec_add(s, COORD_LOCK, name, 0, NULL, NULL) == 0);
	}
	CHECK(coord_spec_add(s, COORD_LOCK, "one_more", 0, NULL, NULL) == -1);
	coord *c = coord_new(s, COORD_MAX_WORKERS);
	CHECK(c != NULL);
	CHECK(c && coord_nblocks(c) == COORD_MAX_BLOCKS && coord_find(c, "L63") == 63 && coord_find(c, "L64") == -1);
	coord_free(c);
	CHECK(coord_new(s, COORD_MAX_WORKERS + 1) == NULL);
	coord_spec_free(s);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_spec();
	test_deadlock_seen();
	test_ended_holding();
	test_released_not_stuck();
	for (int mode = PROCS; mode <= THREADS; mode++) {
		test_deadlock_cycle(mode, 2);
		test_deadlock_cycle(mode, 3);
		test_no_false_deadlock(mode);
		test_queue_deadlock(mode);
	}
	for (int mode = PROCS; mode <= THREADS; mode++) {
		test_locks(mode);
		test_queue(mode);
		test_barrier(mode);
		test_semaphore(mode);
		test_condition(mode);
		test_counters(mode);
	}
	return CHECK_DONE();
}
