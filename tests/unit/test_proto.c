/* Unit tests of the runner's control lines (run/proto.h): every kind goes
 * through a real pipe and comes back equal; lines written at once from
 * several threads arrive whole (and a lost one fails the test at once);
 * malformed, truncated and out-of-range lines are refused; a "P" line's
 * text is kept clean and cut whole. */
#include "run/proto.h"
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

/* Reads the pipe to EOF and splits it into lines (newlines dropped). */
static int read_lines(int fd, char lines[][PROTO_LINE_MAX + 8], int max)
{
	static char buf[1 << 20];
	size_t len = 0;
	ssize_t n;
	while ((n = read(fd, buf + len, sizeof buf - 1 - len)) > 0) len += (size_t)n;
	buf[len] = '\0';
	int got = 0;
	for (char *p = buf, *nl; (nl = strchr(p, '\n')) && got < max; p = nl + 1) {
		size_t k = (size_t)(nl - p) < PROTO_LINE_MAX + 7 ? (size_t)(nl - p) : PROTO_LINE_MAX + 7;
		memcpy(lines[got], p, k);
		lines[got++][k] = '\0';
	}
	return got;
}

static int same_start(const proto_start *a, const proto_start *b)
{
	return a->id == b->id && a->pid == b->pid && a->tid == b->tid && a->at == b->at;
}

static int same_end(const proto_end *a, const proto_end *b)
{
	return a->id == b->id && a->pid == b->pid && a->tid == b->tid && a->status == b->status &&
	       a->cpu_ns == b->cpu_ns && a->wait_ns == b->wait_ns && a->last_cpu == b->last_cpu && a->at == b->at;
}

static void test_round_trip(void)
{
	int fds[2];
	CHECK(pipe(fds) == 0);
	proto_start s1 = { 0, 1, 1, 0 };
	proto_start s2 = { INT_MAX, INT_MAX, INT_MAX - 1, INT64_MAX };
	proto_end e1 = { -1, 42, 43, 0, 0, 0, -1, 0 };                   /* an orphan, nothing known */
	proto_end e2 = { 7, 1234, 1240, 0xffff, INT64_MAX, INT64_MAX - 5, 8191, INT64_MAX };
	proto_end e3 = { 3, 99, 99, 11, 123456789, 987654, 2, 4750552894455LL };   /* SIGSEGV */
	proto_not_started n1 = { 2, 11 };                                  /* EAGAIN */
	proto_not_started n2 = { INT_MAX, 0 };                             /* no reason known */
	CHECK(proto_write_ready(fds[1]) == 0);
	CHECK(proto_write_start(fds[1], &s1) == 0);
	CHECK(proto_write_start(fds[1], &s2) == 0);
	CHECK(proto_write_end(fds[1], &e1) == 0);
	CHECK(proto_write_end(fds[1], &e2) == 0);
	CHECK(proto_write_end(fds[1], &e3) == 0);
	CHECK(proto_write_not_started(fds[1], &n1) == 0);
	CHECK(proto_write_not_started(fds[1], &n2) == 0);
	close(fds[1]);
	char lines[10][PROTO_LINE_MAX + 8];
	int n = read_lines(fds[0], lines, 10);
	close(fds[0]);
	CHECK(n == 8);
	if (n != 8) return;
	for (int i = 0; i < n; i++) CHECK(strlen(lines[i]) + 1 <= PROTO_LINE_MAX);

	proto_msg m;
	CHECK(proto_parse(lines[0], &m) == PROTO_READY && m.kind == PROTO_READY);
	CHECK(proto_parse(lines[1], &m) == PROTO_START && same_start(&m.start, &s1));
	CHECK(proto_parse(lines[2], &m) == PROTO_START && same_start(&m.start, &s2));
	CHECK(proto_parse(lines[3], &m) == PROTO_END && same_end(&m.end, &e1));
	CHECK(proto_parse(lines[4], &m) == PROTO_END && same_end(&m.end, &e2));
	CHECK(proto_parse(lines[5], &m) == PROTO_END && same_end(&m.end, &e3));
	CHECK_STR(lines[5], "E 3 99 99 11 123456789 987654 2 4750552894455");
	CHECK(proto_parse(lines[6], &m) == PROTO_NOT_STARTED && m.not_started.id == 2 && m.not_started.err == 11);
	CHECK_STR(lines[6], "N 2 11");
	CHECK(proto_parse(lines[7], &m) == PROTO_NOT_STARTED && m.not_started.id == INT_MAX &&
	      m.not_started.err == 0);
}

#define WRITERS 8
#define PER_WRITER 2000

static int wfd;
static int lose = -1;   /* writer 0 drops its line of this number (-1: none) */
static pthread_t th[WRITERS];

static void *writer(void *arg)
{
	int w = (int)(intptr_t)arg;
	for (int i = 0; i < PER_WRITER; i++) {
		if (w == 0 && i == lose) continue;
		proto_end e = { w, 1000 + w, 2000 + i, i & 0xff, (int64_t)i * 1000003, i, w, INT64_MAX - i };
		if (proto_write_end(wfd, &e) < 0) break;
	}
	return NULL;
}

/* Joins the writers, then closes the write end: the reader gets EOF when
 * they are done, however many lines arrived (a lost one fails, not hangs). */
static void *closer(void *arg)
{
	(void)arg;
	for (int w = 0; w < WRITERS; w++) pthread_join(th[w], NULL);
	close(wfd);
	return NULL;
}

/* Eight threads write at once into one pipe, read here to EOF: *total
 * lines parsed, *bad of them malformed or out of their writer's order,
 * *partial bytes of a last line cut short. */
static void write_and_read(int *total, int *bad, size_t *partial)
{
	int fds[2];
	*total = *bad = 0;
	*partial = 0;
	CHECK(pipe(fds) == 0);
	wfd = fds[1];
	for (int w = 0; w < WRITERS; w++) CHECK(pthread_create(&th[w], NULL, writer, (void *)(intptr_t)w) == 0);
	pthread_t cl;
	CHECK(pthread_create(&cl, NULL, closer, NULL) == 0);
	/* Read while they write: the pipe (64 KiB) holds fewer than all lines. */
	static char buf[1 << 16];
	char line[PROTO_LINE_MAX + 8];
	size_t ll = 0;
	int next[WRITERS] = { 0 };
	ssize_t n;
	while ((n = read(fds[0], buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != '\n') { if (ll < sizeof line - 1) line[ll++] = buf[i]; continue; }
			line[ll] = '\0';
			ll = 0;
			proto_msg m;
			if (proto_parse(line, &m) != PROTO_END || m.end.id < 0 || m.end.id >= WRITERS) { (*bad)++; continue; }
			int w = m.end.id, k = next[w]++;
			if (m.end.tid != 2000 + k || m.end.cpu_ns != (int64_t)k * 1000003 || m.end.at != INT64_MAX - k) (*bad)++;
			(*total)++;
		}
	}
	pthread_join(cl, NULL);
	close(fds[0]);
	*partial = ll;
}

/* Every line parses, and each writer's lines arrive complete and in its
 * order. Then the check itself: with a line lost it fails, at once. */
static void test_no_interleaving(void)
{
	int total, bad;
	size_t partial;
	write_and_read(&total, &bad, &partial);
	CHECK(bad == 0);
	CHECK(total == WRITERS * PER_WRITER);
	CHECK(partial == 0);   /* nothing more, no partial line */
	/* The last line lost: every line read is good, only one is missing
	 * (a read that stopped at a count waited for it for ever). */
	lose = PER_WRITER - 1;
	write_and_read(&total, &bad, &partial);
	CHECK(total == WRITERS * PER_WRITER - 1 && bad == 0 && partial == 0);
	/* An early line lost: writer 0's later lines are out of order. */
	lose = 5;
	write_and_read(&total, &bad, &partial);
	CHECK(total == WRITERS * PER_WRITER - 1 && bad == PER_WRITER - 1 - 5 && partial == 0);
	lose = -1;
}

/* Lines no writer makes are refused, and the message is left untouched. */
static void test_malformed(void)
{
	static const char *const bad[] = {
		"", "R ", " R", "RR", "r", "X 1 2 3", "S", "S ", "E",
		"S 1 2 3",                      /* truncated */
		"S 1 2 3 4 5",                  /* one too many */
		"S 1 2 3 4 ",                   /* trailing space */
		"S  1 2 3 4",                   /* double space */
		"S 1 2 3 4\n",                  /* the newline is not part of a line */
		"S 1 2 3 x",
		"S 1 2 3 4x",
		"S +1 2 3 4",
		"S 1 2 3 -",
		"S -1 2 3 4",                   /* a start is always a worker's */
		"S 1 0 3 4",                    /* pid 0 */
		"S 1 2 3 -4",                   /* time before the clock's zero */
		"S 2147483648 2 3 4",           /* id beyond int */
		"S 1 2 3 9223372036854775808",  /* beyond int64 */
		"E 1 2 3 0 5 6 0",              /* truncated: no time */
		"E 1 2 3 0 5 6",
		"E 1 2 3 65536 5 6 0 7",        /* status beyond wait(2)'s */
		"E 1 2 3 0 -5 6 0 7",           /* negative CPU time */
		"E 1 2 3 0 5 -6 0 7",
		"E 1 2 3 0 5 6 -2 7",           /* last CPU below -1 */
		"E -2 2 3 0 5 6 0 7",
		"E 1 2 3 0 5 6 0 7 8",
		"E\t1 2 3 0 5 6 0 7",
		"E 1 2 3 0 5 6 0 7\r",
		"N", "N ", "N 1",               /* truncated */
		"N 1 2 3",
		"N -1 2",                       /* a worker's id */
		"N 1 -2",                       /* errno values are positive */
		"N 1 2 ",
		"N 2147483648 1",
		"P", "P ",                      /* no text */
		"Pgenerating",                  /* no space */
		"P a\tb", "P a\rb", "P a\x7f",  /* control characters */
		"P xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",   /* 121 bytes: one more than PROTO_TEXT_MAX */
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		proto_msg m = { .kind = PROTO_READY };
		m.start.id = 12345;
		proto_kind k = proto_parse(bad[i], &m);
		if (k != PROTO_BAD) fprintf(stderr, "accepted: \"%s\"\n", bad[i]);
		CHECK(k == PROTO_BAD);
		CHECK(m.kind == PROTO_READY && m.start.id == 12345);
	}
	proto_msg m;
	CHECK(proto_parse(NULL, &m) == PROTO_BAD);
	/* The same lines whole are accepted: the refusals above are about form. */
	CHECK(proto_parse("S 1 2 3 4", &m) == PROTO_START && m.start.at == 4);
	CHECK(proto_parse("E -1 2 3 0 5 6 -1 7", &m) == PROTO_END && m.end.id == -1 && m.end.last_cpu == -1);
	CHECK(proto_parse("N 1 2", &m) == PROTO_NOT_STARTED && m.not_started.id == 1 && m.not_started.err == 2);
	CHECK(proto_parse("P  x", &m) == PROTO_PREPARING && !strcmp(m.preparing.what, " x"));   /* text as it is */
}

/* "P" lines: the text comes back as written; control characters become
 * spaces, a long text is cut at PROTO_TEXT_MAX bytes, not inside a UTF-8
 * character; an empty one is refused. */
static void test_preparing(void)
{
	int fds[2];
	CHECK(pipe(fds) == 0);
	char longer[300], utf[300];
	memset(longer, 'a', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	/* 119 ASCII bytes then "é" (2 bytes): the cut at 120 would split it */
	memset(utf, 'b', 119);
	strcpy(utf + 119, "\xc3\xa9zzz");
	CHECK(proto_write_preparing(fds[1], "finding a Python with dask.dataframe") == 0);
	CHECK(proto_write_preparing(fds[1], "generating big.csv\n(3000000 rows)\t\x7f") == 0);
	CHECK(proto_write_preparing(fds[1], longer) == 0);
	CHECK(proto_write_preparing(fds[1], utf) == 0);
	CHECK(proto_write_preparing(fds[1], "copying caf\xc3\xa9.py") == 0);
	CHECK(proto_write_preparing(fds[1], "") == -1 && errno == EINVAL);
	CHECK(proto_write_preparing(fds[1], NULL) == -1);
	close(fds[1]);
	char lines[8][PROTO_LINE_MAX + 8];
	int n = read_lines(fds[0], lines, 8);
	close(fds[0]);
	CHECK(n == 5);
	if (n != 5) return;
	proto_msg m;
	CHECK_STR(lines[0], "P finding a Python with dask.dataframe");
	CHECK(proto_parse(lines[0], &m) == PROTO_PREPARING);
	CHECK_STR(m.preparing.what, "finding a Python with dask.dataframe");
	CHECK(proto_parse(lines[1], &m) == PROTO_PREPARING);
	CHECK_STR(m.preparing.what, "generating big.csv (3000000 rows)  ");
	CHECK(proto_parse(lines[2], &m) == PROTO_PREPARING);
	CHECK(strlen(m.preparing.what) == PROTO_TEXT_MAX && strspn(m.preparing.what, "a") == PROTO_TEXT_MAX);
	CHECK(proto_parse(lines[3], &m) == PROTO_PREPARING);
	CHECK(strlen(m.preparing.what) == 119 && strspn(m.preparing.what, "b") == 119);   /* é left out whole */
	CHECK(proto_parse(lines[4], &m) == PROTO_PREPARING);
	CHECK_STR(m.preparing.what, "copying caf\xc3\xa9.py");
}

/* A write to a pipe nobody reads fails, and says so. */
static void test_write_error(void)
{
	int fds[2];
	CHECK(pipe(fds) == 0);
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	proto_start s = { 1, 2, 3, 4 };
	CHECK(proto_write_start(fds[1], &s) == -1);
	close(fds[1]);
	CHECK(proto_write_ready(fds[1]) == -1);   /* closed fd */
}

int main(void)
{
	alarm(60);   /* a read that waits for ever fails here, not at ctest's timeout */
	test_round_trip();
	test_no_interleaving();
	test_malformed();
	test_preparing();
	test_write_error();
	return CHECK_DONE();
}
