/* Unit tests of util/procfs: stat lines whose comm holds spaces and
 * parentheses ("a) b (c"), short and malformed lines, and the real
 * /proc/self/stat of this process and of a thread renamed to such a comm;
 * schedstat lines, and this thread's own schedstat against its CPU clock;
 * /proc/stat's per-CPU times, canned and real (a busy loop shows up). */
#include "util/procfs.h"
#include "check.h"

#include <pthread.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

/* A stat line as Linux 6 writes it (52 fields), with a hostile comm. */
static const char line[] =
	"4242 (a) b (c) S 17 4242 4242 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 3 0 "
	"1234567 12345678 456 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 5 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

static void test_fields(void)
{
	long long v = 0;
	CHECK(procfs_stat_field(line, PROCFS_PID, &v) == 0 && v == 4242);
	CHECK(procfs_stat_field(line, PROCFS_STATE, &v) == 0 && v == 'S');
	CHECK(procfs_stat_field(line, PROCFS_PPID, &v) == 0 && v == 17);
	CHECK(procfs_stat_field(line, PROCFS_PGRP, &v) == 0 && v == 4242);
	CHECK(procfs_stat_field(line, 7, &v) == 0 && v == 0);          /* tty_nr */
	CHECK(procfs_stat_field(line, 8, &v) == 0 && v == -1);         /* tpgid: negative */
	CHECK(procfs_stat_field(line, 14, &v) == 0 && v == 3);         /* utime */
	CHECK(procfs_stat_field(line, PROCFS_NUM_THREADS, &v) == 0 && v == 3);
	CHECK(procfs_stat_field(line, 22, &v) == 0 && v == 1234567);   /* starttime */
	CHECK(procfs_stat_field(line, 38, &v) == 0 && v == 17);        /* exit_signal */
	CHECK(procfs_stat_field(line, PROCFS_PROCESSOR, &v) == 0 && v == 5);
	CHECK(procfs_stat_field(line, 52, &v) == 0 && v == 0);         /* the last one */
	v = 99;
	CHECK(procfs_stat_field(line, 53, &v) == -1 && v == 99);       /* beyond the line */
	CHECK(procfs_stat_field(line, 25, &v) == -1);                  /* rsslim: beyond long long */
	CHECK(procfs_stat_field(line, PROCFS_COMM, &v) == -1);         /* text, not a number */
	CHECK(procfs_stat_field(line, 0, &v) == -1);

	char comm[32];
	CHECK(procfs_stat_comm(line, comm, sizeof comm) == 0);
	CHECK_STR(comm, "a) b (c");
	CHECK(procfs_stat_comm(line, comm, 4) == 0);
	CHECK_STR(comm, "a) ");                                         /* cut to fit */
	CHECK(procfs_stat_comm("1 () R 0", comm, sizeof comm) == 0);
	CHECK_STR(comm, "");

	/* Several at once, in one pass. */
	static const int want[] = { PROCFS_PID, PROCFS_STATE, PROCFS_PPID, PROCFS_NUM_THREADS, PROCFS_PROCESSOR };
	long long out[5] = { 0 };
	CHECK(procfs_stat_fields(line, want, out, 5) == 5);
	CHECK(out[0] == 4242 && out[1] == 'S' && out[2] == 17 && out[3] == 3 && out[4] == 5);
	static const int backwards[] = { PROCFS_PPID, PROCFS_STATE };
	CHECK(procfs_stat_fields(line, backwards, out, 2) == -1);
	static const int with_comm[] = { PROCFS_PID, PROCFS_COMM };
	CHECK(procfs_stat_fields(line, with_comm, out, 2) == -1);
	CHECK(procfs_stat_fields(line, want, out, 0) == 0);
}

static void test_short_and_bad(void)
{
	/* An old kernel's shorter line: the fields there are read, the rest counted out. */
	static const int want[] = { PROCFS_STATE, PROCFS_PPID, PROCFS_PGRP, PROCFS_NUM_THREADS, PROCFS_PROCESSOR };
	long long out[5] = { 0, 0, 0, 77, 88 };
	CHECK(procfs_stat_fields("9 (x y) R 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 2\n", want, out, 5) == 4);
	CHECK(out[0] == 'R' && out[1] == 1 && out[2] == 9 && out[3] == 2 && out[4] == 88);
	CHECK(procfs_stat_fields("9 (x) Z\n", want, out, 5) == 1 && out[0] == 'Z');
	CHECK(procfs_stat_fields("9 (x)", want, out, 5) == 0);

	long long v = 5;
	CHECK(procfs_stat_field("", PROCFS_STATE, &v) == -1);
	CHECK(procfs_stat_field("9 x R 1", PROCFS_PPID, &v) == -1);         /* no parentheses */
	CHECK(procfs_stat_field("9 (x R 1", PROCFS_PPID, &v) == -1);
	CHECK(procfs_stat_field("9 )x( R 1", PROCFS_PPID, &v) == -1);       /* the wrong way round */
	CHECK(procfs_stat_field("9 (x) R one 2", PROCFS_PPID, &v) == -1);   /* no number */
	CHECK(procfs_stat_field("9 (x) R 1x 2", PROCFS_PPID, &v) == -1);
	CHECK(procfs_stat_field("nine (x) R 1", PROCFS_PID, &v) == -1);
	CHECK(v == 5);
	/* Read from the last ')': a comm that looks like fields does not shift them. */
	CHECK(procfs_stat_field("9 (x) R 1 2) S 3 4", PROCFS_PPID, &v) == 0 && v == 3);
	CHECK(procfs_stat_field("9 (x)  R  1", PROCFS_PPID, &v) == 0 && v == 1);   /* extra spaces */
}

static volatile int renamed, done_reading;
static volatile pid_t thread_tid;

static void *renamed_thread(void *arg)
{
	(void)arg;
	prctl(PR_SET_NAME, "a) b (c");
	thread_tid = gettid();
	renamed = 1;
	while (!done_reading) usleep(1000);
	return NULL;
}

/* This process and a thread of it, as the kernel writes them. */
static void test_real(void)
{
	char buf[1024], comm[32];
	long long v;
	CHECK(procfs_stat(getpid(), 0, buf, sizeof buf) == buf);
	CHECK(procfs_stat_field(buf, PROCFS_PID, &v) == 0 && v == getpid());
	CHECK(procfs_stat_field(buf, PROCFS_STATE, &v) == 0 && v == 'R');   /* it is reading */
	CHECK(procfs_stat_field(buf, PROCFS_PPID, &v) == 0 && v == getppid());
	CHECK(procfs_stat_field(buf, PROCFS_PGRP, &v) == 0 && v == getpgrp());
	CHECK(procfs_stat_field(buf, PROCFS_NUM_THREADS, &v) == 0 && v == 1);
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	CHECK(procfs_stat_field(buf, PROCFS_PROCESSOR, &v) == 0 && v >= 0 && v < ncpu);

	pthread_t th;
	CHECK(pthread_create(&th, NULL, renamed_thread, NULL) == 0);
	while (!renamed) usleep(1000);
	pid_t tid = thread_tid;
	CHECK(tid > 0 && tid != getpid());
	CHECK(procfs_stat(getpid(), tid, buf, sizeof buf) == buf);
	CHECK(procfs_stat_comm(buf, comm, sizeof comm) == 0);
	CHECK_STR(comm, "a) b (c");
	CHECK(procfs_stat_field(buf, PROCFS_PID, &v) == 0 && v == tid);
	CHECK(procfs_stat_field(buf, PROCFS_STATE, &v) == 0 && (v == 'S' || v == 'R'));
	CHECK(procfs_stat_field(buf, PROCFS_PPID, &v) == 0 && v == getppid());
	CHECK(procfs_stat_field(buf, PROCFS_NUM_THREADS, &v) == 0 && v == 2);
	CHECK(procfs_stat(getpid(), 0, buf, sizeof buf) && procfs_stat_field(buf, PROCFS_NUM_THREADS, &v) == 0 && v == 2);
	done_reading = 1;
	pthread_join(th, NULL);

	CHECK(procfs_stat(999999999, 0, buf, sizeof buf) == NULL);   /* no such process */
}

static long long thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void test_schedstat(void)
{
	long long run = 1, wait = 2, slices = 3;
	CHECK(procfs_schedstat_parse("123456789 987 42\n", &run, &wait, &slices) == 0);
	CHECK(run == 123456789 && wait == 987 && slices == 42);
	CHECK(procfs_schedstat_parse("0 0 0", &run, &wait, NULL) == 0 && run == 0 && wait == 0);
	CHECK(procfs_schedstat_parse("9223372036854775807 1 2 7 8\n", &run, &wait, &slices) == 0);   /* later fields */
	CHECK(run == 9223372036854775807LL && wait == 1 && slices == 2);
	static const char *const bad[] = {
		"", "\n", "1 2", "1 2\n", "1 2 ", "1  2 3", " 1 2 3", "-1 2 3", "1 -2 3", "+1 2 3",
		"1 2 3x", "1 2 x", "a b c", "1\t2\t3", "9223372036854775808 1 2",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		run = wait = slices = 5;
		int rc = procfs_schedstat_parse(bad[i], &run, &wait, &slices);
		if (rc != -1) fprintf(stderr, "accepted: \"%s\"\n", bad[i]);
		CHECK(rc == -1 && run == 5 && wait == 5 && slices == 5);
	}

	/* This thread's: at least the CPU it burnt, at most its CPU clock after. */
	long long t0 = thread_cpu_ns();
	while (thread_cpu_ns() - t0 < 20000000) {}
	usleep(1000);   /* a switch brings schedstat's run time up to date */
	CHECK(procfs_schedstat(getpid(), gettid(), &run, &wait) == 0);
	long long t1 = thread_cpu_ns();
	CHECK(run >= 20000000 && run <= t1 && wait >= 0);
	CHECK(procfs_schedstat(getpid(), 0, &run, &wait) == 0 && run > 0);   /* /proc/<pid>/schedstat */
	run = wait = 7;
	CHECK(procfs_schedstat(999999999, 0, &run, &wait) == -1 && run == 7 && wait == 7);   /* gone */
}

/* A /proc/stat as Linux 6 writes it, with a short (old kernel) line. */
static const char stat_text[] =
	"cpu  300 20 100 5000 40 3 7 2 0 0\n"
	"cpu0 100 10 50 2500 20 1 4 2 0 0\n"
	"cpu1 200 10 50 2500 20 2 3 0 9 9\n"
	"cpu3 1 2 3 4\n"
	"intr 12345 0 0 0\n"
	"ctxt 999\n"
	"cpufreq 1\n";

static void test_cpu_times_canned(void)
{
	procfs_cpu_time c[8];
	CHECK(procfs_cpu_times_parse(stat_text, 100, c, 8) == 3);
	CHECK(c[0].cpu == 0 && c[1].cpu == 1 && c[2].cpu == 3);   /* cpu2 offline: absent */
	/* ticks of 10 ms: busy = user+nice+system+irq+softirq+steal */
	CHECK(c[0].busy_ns == (100 + 10 + 50 + 1 + 4 + 2) * 10000000LL);
	CHECK(c[0].steal_ns == 2 * 10000000LL && c[0].idle_ns == 2520 * 10000000LL);
	CHECK(c[1].busy_ns == 265 * 10000000LL && c[1].steal_ns == 0);   /* guest: in user already */
	CHECK(c[2].busy_ns == 6 * 10000000LL && c[2].idle_ns == 4 * 10000000LL && c[2].steal_ns == 0);
	CHECK(procfs_cpu_times_parse(stat_text, 250, c, 8) == 3 && c[2].busy_ns == 24000000LL);   /* HZ 250 */
	CHECK(procfs_cpu_times_parse(stat_text, 100, c, 1) == 1 && c[0].cpu == 0);   /* cap */
	CHECK(procfs_cpu_times_parse("cpu0 1 2 3\n", 100, c, 8) == -1);    /* too short */
	CHECK(procfs_cpu_times_parse("cpu0 1 x 3 4\n", 100, c, 8) == -1);
	CHECK(procfs_cpu_times_parse("cpux 1 2 3 4\n", 100, c, 8) == 0);   /* not a CPU line */
	CHECK(procfs_cpu_times_parse("", 100, c, 8) == 0);
	CHECK(procfs_cpu_times_parse(stat_text, 0, c, 8) == -1);
	/* a counter near the end of 64 bits of ticks still converts */
	CHECK(procfs_cpu_times_parse("cpu0 0 0 0 922337203685 0 0 0 0\n", 100, c, 8) == 1 &&
	      c[0].idle_ns == 9223372036850000000LL);
}

/* The real file: every online CPU, and a busy loop of ours shows up. */
static void test_cpu_times_real(void)
{
	procfs_cpu_time a[256], b[256];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int n = procfs_cpu_times(a, 256);
	CHECK(n >= 1 && n == (ncpu < 256 ? ncpu : 256));
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do clock_gettime(CLOCK_MONOTONIC, &t);   /* 200 ms busy */
	while ((t.tv_sec - t0.tv_sec) * 1000000000LL + (t.tv_nsec - t0.tv_nsec) < 200000000LL);
	CHECK(procfs_cpu_times(b, 256) == n);
	long long busy = 0, all = 0;
	for (int i = 0; i < n && i < 256; i++) {
		CHECK(b[i].cpu == a[i].cpu && b[i].busy_ns >= a[i].busy_ns);
		busy += b[i].busy_ns - a[i].busy_ns;
		all += b[i].busy_ns - a[i].busy_ns + b[i].idle_ns - a[i].idle_ns;
	}
	/* at least our 200 ms, less a tick or two, and no more than the CPUs had */
	CHECK(busy >= 150000000LL);
	CHECK(all <= (long long)n * 300000000LL);
}

int main(void)
{
	test_cpu_times_canned();
	test_cpu_times_real();
	test_fields();
	test_short_and_bad();
	test_real();
	test_schedstat();
	return CHECK_DONE();
}
