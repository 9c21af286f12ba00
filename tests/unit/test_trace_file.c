/* Unit tests of trace files: a hand-built trace with every kind of record
 * survives save and load field by field; corrupt, truncated and empty
 * files are rejected with the message expected; the Perfetto export holds
 * every task, slice, line and mark. */
#include "trace/export.h"
#include "trace/trace_file.h"
#include "check.h"
#include <math.h>

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/parlab-test-trace-XXXXXX";

static char *tmp_path(const char *name)
{
	static char buf[256];
	snprintf(buf, sizeof buf, "%s/%s", dir, name);
	return buf;
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f) { perror(path); exit(1); }
	fwrite(data, 1, len, f);
	fclose(f);
}

/* Every record kind, with UTF-8, quotes, backslashes, control characters
 * and invalid bytes where the model allows them. */
static trace *sample(void)
{
	trace *t = trace_new("T\xc3\xaftle \"q\" \\ new\nline\ttab", 123456789);
	trace_set_backend(t, "/proc sampler, 2 ms \xe2\x9c\x93");
	trace_set_ncpu(t, 8);
	trace_set_lost(t, 42);
	trace_lines_dropped(t, 7);
	int a = trace_task_add(t, 100, 100, 1, 0, "w\xc3\xb6rker 0");
	int b = trace_task_add(t, 100, 101, 1, -1, NULL);
	int c = trace_task_add(t, 200, 200, 100, 2, "py\"3\\");
	trace_task *k = trace_task_get(t, a);
	k->born = 5; k->died = 900; k->exit_status = 9 << 8; k->cpu_ns = 500; k->wait_ns = 60;
	k->nvcsw = 12; k->nivcsw = 3; k->migrations = 2; k->last_cpu = 3;
	snprintf(k->comm, sizeof k->comm, "lua 5.4 \xe2\x9c\x93");
	k = trace_task_get(t, c);
	k->label[0] = '\0';   /* no label at all: must stay empty */
	k->exit_status = 9;   /* killed by SIGKILL */
	k->cpus = 1ULL << 63 | 1ULL << 5;   /* bits no slice set */
	k->born = 0;
	k->died = 1500;
	snprintf(k->comm, sizeof k->comm, "%s", "0123456789abcdefghi");   /* 19 bytes: the most */

	trace_slice_add(t, a, 5, 100, TS_RUNNING, 1);
	trace_slice_add(t, a, 100, 150, TS_RUNNABLE, -1);
	trace_slice_add(t, a, 150, 150, TS_RUNNING, 3);   /* zero length */
	trace_slice_add(t, a, 150, 300, TS_SLEEPING, -1);
	trace_slice_add(t, a, 300, 400, TS_BLOCKED, -1);
	trace_slice_add(t, a, 400, 500, TS_UNKNOWN, -1);
	trace_slice_add(t, a, 600, 900, TS_RUNNING, -1);  /* running, CPU unknown; a gap before */
	trace_slice_add(t, a, 900, 950, TS_EXITED, -1);
	trace_slice_add(t, b, 10, 20, TS_RUNNING, 63);
	trace_slice_add(t, b, 20, 1000, TS_RUNNING, 100); /* beyond the mask */
	trace_slice_add(t, c, 0, 1500, TS_RUNNING, 1);

	const char *utf8 = "Worker: 0 \xe2\x80\x94 \xc3\xbcn\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9 \xf0\x9f\x9a\x80";
	trace_line_add(t, a, 50, 1, utf8, strlen(utf8));
	const char *odd = "quote \" backslash \\ percent %41 % \\x41 \\n";
	trace_line_add(t, b, 60, 2, odd, strlen(odd));
	trace_line_add(t, -1, 70, 0, "parlab says hi", 14);
	trace_line_add(t, c, 80, 1, "", 0);
	const char *raw = "tab\there \x1b[31mred\x1b[0m bad\xff c1\xc2\x85";   /* sanitized on the way in */
	trace_line_add(t, c, 80, 1, raw, strlen(raw));
	trace_mark_add(t, 10, "mark \n newline \x01 control \x7f del \xff" " bad \"quoted\" \\");   /* sanitized too */
	trace_mark_add(t, 20, "");
	trace_mark_add(t, 30, "C1 \xc2\x85 and \xe2\x82\xac");
	trace_mark_add_task(t, a, 40, "took \"A\"");   /* a worker's mark (version 4) */
	trace_task_set_pyname(t, b, "Counter");   /* a Python thread's name (version 5) */
	size_t sp = trace_span_open(t, a, TRACE_SPAN_BLOCKED, 100, "lock", "A", b);
	trace_span_close(t, sp, 300);
	trace_span_open(t, b, TRACE_SPAN_HELD, 50, "lock", "A", -1);   /* still open: closed at the end */
	trace_span_open(t, c, TRACE_SPAN_BLOCKED, 60, "queue (full)", "jobs \xe2\x82\xac", -1);
	sp = trace_span_open(t, a, TRACE_SPAN_STEP, 400, "put into", "jobs", -1);   /* a stepped run's (version 7) */
	trace_span_close(t, sp, 450);
	trace_span_open(t, a, TRACE_SPAN_STEP, 500, "print", "", -1);   /* open: the end closes it */
	trace_set_events_dropped(t, 7);
	trace_cpu_sample(t, 0, 0, 1000000000000LL, 5, 2000000000000LL);
	trace_cpu_sample(t, 0, 7, 3, 0, 4);
	trace_cpu_sample(t, 1200, 0, 1000000000900LL, 6, 2000000000300LL);
	trace_cpu_sample(t, 1200, 7, INT64_MAX, INT64_MAX, 0);   /* the extremes */
	/* Dask's task stream (version 6): a worker of the run (pid 100 is a
	 * task) and a remote one, lanes in order of their first task, an open
	 * task (the end closes it), a transfer from a known worker and one
	 * from a peer the trace does not know. */
	int w0 = trace_dworker_add(t, "tcp://127.0.0.1:41271", "0", 100, 2, 1);
	int w1 = trace_dworker_add(t, "tls://10.0.0.2:9000", "ext \"1\" \xe2\x82\xac", 4242, 4, 0);
	trace_dtask_add(t, w0, 101, 100, 400, "getitem", "('getitem-9908a1753df83f3555e101187ccfad15', 0)");
	trace_dtask_add(t, w1, 7, 150, -1, "series-sum-chunk", "('series-sum-chunk-x', 1)");
	trace_dtask_add(t, w0, 100, 120, 130, "getitem", "('getitem-9908a1753df83f3555e101187ccfad15', 1)");
	trace_dtask_add(t, w0, 101, 450, 500, "series-mean", "k \\ \"q\" \xe2\x82\xac");
	trace_dxfer_add(t, w0, w1, 410, 430, 32, "('getitem-9908a1753df83f3555e101187ccfad15', 0)");
	trace_dxfer_add(t, -1, w0, 420, 440, 0, "from a peer");
	/* the kind, not the words; words as they are, escaped in the file */
	trace_finish_as(t, 2000, TRACE_TIMED_OUT, "finished: \xe2\x9c\x93 \"ok\"\n \x01 control \x7f del \xff bad, C1 \xc2\x85 and \xe2\x82\xac");
	return t;
}

static void compare_dask(const trace *a, const trace *b)
{
	CHECK(trace_ndworkers(a) == trace_ndworkers(b));
	for (size_t i = 0; i < trace_ndworkers(a) && i < trace_ndworkers(b); i++) {
		const trace_dworker *x = trace_dworker_at(a, i), *y = trace_dworker_at(b, i);
		CHECK_STR(x->addr, y->addr);
		CHECK_STR(x->name, y->name);
		CHECK(x->pid == y->pid && x->nthreads == y->nthreads && x->local == y->local);
	}
	CHECK(trace_ndlanes(a) == trace_ndlanes(b));
	for (size_t i = 0; i < trace_ndlanes(a) && i < trace_ndlanes(b); i++) {
		const trace_dlane *x = trace_dlane_at(a, i), *y = trace_dlane_at(b, i);
		CHECK(x->worker == y->worker && x->tid == y->tid && x->ntasks == y->ntasks);
	}
	CHECK(trace_ndtasks(a) == trace_ndtasks(b));
	for (size_t i = 0; i < trace_ndtasks(a) && i < trace_ndtasks(b); i++) {
		const trace_dtask *x = trace_dtask_at(a, i), *y = trace_dtask_at(b, i);
		CHECK(x->lane == y->lane && x->t0 == y->t0 && x->t1 == y->t1);
		CHECK_STR(x->prefix, y->prefix);
		CHECK_STR(x->key, y->key);
	}
	CHECK(trace_ndprefixes(a) == trace_ndprefixes(b));
	for (size_t i = 0; i < trace_ndprefixes(a) && i < trace_ndprefixes(b); i++)
		CHECK_STR(trace_dprefix_at(a, i), trace_dprefix_at(b, i));
	CHECK(trace_ndxfers(a) == trace_ndxfers(b));
	for (size_t i = 0; i < trace_ndxfers(a) && i < trace_ndxfers(b); i++) {
		const trace_dxfer *x = trace_dxfer_at(a, i), *y = trace_dxfer_at(b, i);
		CHECK(x->from == y->from && x->to == y->to && x->t0 == y->t0 && x->t1 == y->t1 && x->nbytes == y->nbytes);
		CHECK_STR(x->key, y->key);
	}
}

static void compare_tasks(const trace *a, const trace *b)
{
	CHECK(trace_ntasks(a) == trace_ntasks(b));
	for (int i = 0; i < trace_ntasks(a) && i < trace_ntasks(b); i++) {
		const trace_task *x = trace_task_at(a, i), *y = trace_task_at(b, i);
		CHECK(x->pid == y->pid && x->tid == y->tid && x->ppid == y->ppid);
		CHECK(x->worker == y->worker && x->is_thread == y->is_thread);
		CHECK_STR(x->pyname, y->pyname);
		CHECK_STR(x->label, y->label);
		CHECK_STR(x->comm, y->comm);
		CHECK(x->born == y->born && x->died == y->died && x->exit_status == y->exit_status);
		CHECK(x->cpu_ns == y->cpu_ns && x->wait_ns == y->wait_ns);
		CHECK(x->cpus == y->cpus && x->last_cpu == y->last_cpu);
		CHECK(x->nvcsw == y->nvcsw && x->nivcsw == y->nivcsw && x->migrations == y->migrations);
		size_t nx, ny;
		const trace_slice *sx = trace_slices(a, i, &nx), *sy = trace_slices(b, i, &ny);
		CHECK(nx == ny);
		for (size_t j = 0; j < nx && j < ny; j++)
			CHECK(sx[j].t0 == sy[j].t0 && sx[j].t1 == sy[j].t1 && sx[j].state == sy[j].state &&
			      sx[j].cpu == sy[j].cpu);
	}
}

static void compare(const trace *a, const trace *b)
{
	CHECK_STR(trace_title(a), trace_title(b));
	CHECK_STR(trace_backend(a), trace_backend(b));
	CHECK((trace_outcome(a) == NULL) == (trace_outcome(b) == NULL));
	CHECK(trace_outcome_kind(a) == trace_outcome_kind(b));
	if (trace_outcome(a)) CHECK_STR(trace_outcome(a), trace_outcome(b));
	CHECK(trace_start_ns(a) == trace_start_ns(b));
	CHECK(trace_ncpu(a) == trace_ncpu(b));
	CHECK(trace_lost(a) == trace_lost(b));
	CHECK(trace_ndropped(a) == trace_ndropped(b));
	CHECK(trace_end(a) == trace_end(b));
	CHECK(trace_last(a) == trace_last(b));
	compare_tasks(a, b);
	CHECK(trace_nlines(a) == trace_nlines(b));
	for (size_t i = 0; i < trace_nlines(a) && i < trace_nlines(b); i++) {
		const trace_line *x = trace_line_at(a, i), *y = trace_line_at(b, i);
		CHECK(x->task == y->task && x->t == y->t && x->stream == y->stream);
		CHECK_STR(x->text, y->text);
	}
	CHECK(trace_nmarks(a) == trace_nmarks(b));
	for (size_t i = 0; i < trace_nmarks(a) && i < trace_nmarks(b); i++) {
		CHECK(trace_mark_at(a, i)->t == trace_mark_at(b, i)->t);
		CHECK(trace_mark_at(a, i)->task == trace_mark_at(b, i)->task);
		CHECK_STR(trace_mark_at(a, i)->text, trace_mark_at(b, i)->text);
	}
	CHECK(trace_events_dropped(a) == trace_events_dropped(b));
	CHECK(trace_nspans(a) == trace_nspans(b));
	for (size_t i = 0; i < trace_nspans(a) && i < trace_nspans(b); i++) {
		const trace_span *x = trace_span_at(a, i), *y = trace_span_at(b, i);
		CHECK(x->task == y->task && x->kind == y->kind && x->t0 == y->t0 && x->t1 == y->t1 && x->holder == y->holder);
		CHECK_STR(x->what, y->what);
		CHECK_STR(x->block, y->block);
	}
	CHECK(trace_ncpu_samples(a) == trace_ncpu_samples(b));
	for (size_t i = 0; i < trace_ncpu_samples(a) && i < trace_ncpu_samples(b); i++) {
		const trace_cpusample *x = trace_cpu_sample_at(a, i), *y = trace_cpu_sample_at(b, i);
		CHECK(x->t == y->t && x->cpu == y->cpu && x->busy_ns == y->busy_ns && x->steal_ns == y->steal_ns &&
		      x->idle_ns == y->idle_ns);
	}	compare_dask(a, b);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) return NULL;
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	char *buf = malloc(*len + 1);
	if (fread(buf, 1, *len, f) != *len) *len = 0;
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static void test_round_trip(void)
{
	trace *t = sample();
	char *err = NULL;
	const char *path = tmp_path("sample.trace");
	CHECK(trace_save(t, path, &err) == 0 && !err);
	trace *u = trace_load(path, &err);
	CHECK(u != NULL);
	if (!u) { fprintf(stderr, "load: %s\n", err); free(err); trace_free(t); return; }
	compare(t, u);
	CHECK_STR(trace_task_at(u, 1)->label, "T101");
	CHECK_STR(trace_task_at(u, 2)->label, "");
	CHECK(trace_task_at(u, 1)->died == -1);
	/* Saving the loaded trace gives the same bytes: nothing drifts. */
	CHECK(trace_save(u, tmp_path("again.trace"), &err) == 0);
	size_t n1 = 0, n2 = 0;
	char *b1 = slurp(path, &n1), *b2 = slurp(tmp_path("again.trace"), &n2);
	CHECK(b1 && b2 && n1 == n2 && !memcmp(b1, b2, n1));
	CHECK(!strncmp(b1, "parlab-trace 7\n", 15));
	/* Dask's records, before the end: the open task closed at it */
	CHECK_CONTAINS(b1, "\ndworker \"tcp://127.0.0.1:41271\" \"0\" 100 2 1\n");
	CHECK_CONTAINS(b1, "\ndworker \"tls://10.0.0.2:9000\" \"ext \\\"1\\\" \xe2\x82\xac\" 4242 4 0\n");
	CHECK_CONTAINS(b1, "\ndtask 0 101 100 400 \"getitem\" \"('getitem-9908a1753df83f3555e101187ccfad15', 0)\"\n");
	CHECK_CONTAINS(b1, "\ndtask 1 7 150 2000 \"series-sum-chunk\"");
	CHECK_CONTAINS(b1, "\ndxfer -1 0 420 440 0 \"from a peer\"\nend ");
	CHECK(trace_ndlanes(u) == 3 && trace_dlane_at(u, 0)->tid == 101 && trace_dlane_at(u, 0)->ntasks == 2 &&
	      trace_dlane_at(u, 2)->tid == 100);
	CHECK(trace_dworker_where(u, 0) == TRACE_DW_RUN && trace_dworker_where(u, 1) == TRACE_DW_REMOTE);
	CHECK(trace_dlane_task(u, 0) == 1);   /* thread 101 is task 1 */
	CHECK_CONTAINS(b1, "\npyname 1 \"Counter\"\n");
	CHECK_STR(trace_task_name(trace_task_at(u, 1)), "Counter");   /* not its comm */
	CHECK_CONTAINS(b1, "\nmark 40 0 \"took \\\"A\\\"\"\n");
	CHECK_CONTAINS(b1, "\nspan 0 blocked 100 300 \"lock\" \"A\" 1\n");
	CHECK_CONTAINS(b1, "\nspan 1 held 50 2000 \"lock\" \"A\" -1\n");   /* closed by the end */
	CHECK_CONTAINS(b1, "\nmeta events_dropped 7\n");
	CHECK_CONTAINS(b1, "\nspan 0 step 400 450 \"put into\" \"jobs\" -1\n");
	CHECK_CONTAINS(b1, "\nspan 0 step 500 2000 \"print\" \"\" -1\n");
	CHECK(trace_step_ns(u, 0) == 1550 && trace_step_ns(u, 1) == 0 && trace_nspans_of(u, TRACE_SPAN_STEP) == 2);
	{
		char d[96];
		CHECK_STR(trace_span_describe(u, trace_span_find(u, 0, TRACE_SPAN_STEP, 420), d, sizeof d),
			  "held at a step point, next: put into jobs");
		CHECK_STR(trace_span_describe(u, trace_span_find(u, 0, TRACE_SPAN_STEP, 600), d, sizeof d),
			  "held at a step point, next: print");
	}
	CHECK(trace_blocked_ns(u, 0) == 200 && trace_blocked_ns(u, 1) == 0 && trace_blocked_ns(u, 2) == 1940);
	CHECK(trace_ncpu_samples(t) == 4);
	CHECK_CONTAINS(b1, "\ncpu 1200 0 1000000000900 6 2000000000300\n");
	CHECK_CONTAINS(b1, "\ncpu 1200 7 9223372036854775807 9223372036854775807 0\ndworker ");
	CHECK_CONTAINS(b1, "\nend 2000 timed_out \"finished: ");
	/* Strings are escaped: one record a line, the file valid UTF-8. */
	CHECK_CONTAINS(b1, "meta title \"T\xc3\xaftle \\\"q\\\" \\\\ new\\nline\\ttab\"\n");
	CHECK_CONTAINS(b1, "\\x01 control \\x7f del \\xff bad");
	CHECK_CONTAINS(b1, "\nmark 10 -1 \"mark  newline  control  del \xef\xbf\xbd bad \\\"quoted\\\" \\\\\"\n");
	CHECK_CONTAINS(b1, "C1 \\xc2\\x85 and \xe2\x82\xac");
	free(b1);
	free(b2);
	trace_free(u);

	/* A live trace: no end, no outcome. */
	trace *live = trace_new("live", 0);
	int k = trace_task_add(live, 7, 7, 1, -1, "x");
	trace_slice_add(live, k, 0, 10, TS_RUNNING, 0);
	int lw = trace_dworker_add(live, "tcp://127.0.0.1:1", "", 7, 1, 1);
	trace_dtask_add(live, lw, 7, 5, -1, "getitem", "('getitem-a', 0)");   /* still running: -1 */
	CHECK(trace_save(live, tmp_path("live.trace"), &err) == 0);
	u = trace_load(tmp_path("live.trace"), &err);
	CHECK(u && trace_end(u) == -1 && trace_outcome(u) == NULL && trace_outcome_kind(u) == TRACE_RUNNING);
	CHECK(u && trace_ndtasks(u) == 1 && trace_dtask_at(u, 0)->t1 == -1);
	if (u) compare(live, u);
	trace_free(u);
	trace_free(live);

	/* Saving where it cannot. */
	CHECK(trace_save(t, "/nonexistent-dir/x.trace", &err) < 0);
	CHECK_CONTAINS(err, "/nonexistent-dir/x.trace: No such file or directory");
	free(err);
	trace_free(t);
}

/* Every prefix of a good file is rejected (the end record comes last). */
static void test_truncated(void)
{
	size_t len = 0;
	char *full = slurp(tmp_path("sample.trace"), &len);
	CHECK(full && len > 100);
	int rejected = 0;
	const char *path = tmp_path("cut.trace");
	for (size_t n = 0; n < len; n++) {
		write_file(path, full, n);
		char *err = NULL;
		trace *t = trace_load(path, &err);
		if (!t && err) rejected++;
		if (t) fprintf(stderr, "a %zu-byte prefix loaded\n", n);
		trace_free(t);
		free(err);
	}
	CHECK(rejected == (int)len);
	char *err = NULL;
	write_file(path, full, len - 1);
	CHECK(!trace_load(path, &err));
	CHECK_CONTAINS(err, "cut.trace:");
	CHECK_CONTAINS(err, "truncated (the last line has no newline)");
	free(err);
	free(full);
}

#define HDR "parlab-trace 1\n"    /* most cases: version 1 files must still load */
#define HDR2 "parlab-trace 2\n"
#define HDR3 "parlab-trace 3\n"
#define HDR4 "parlab-trace 4\n"
#define HDR5 "parlab-trace 5\n"
#define HDR6 "parlab-trace 6\n"
#define HDR7 "parlab-trace 7\n"
#define DW0 "dworker \"tcp://a:1\" \"0\" 5 2 1\n"
#define TASK0 "task 0 10 10 1 0 \"w0\" 0 -1 -1 0 0 0x1 -1 -1 -1 -1 \"w0\"\n"

static const struct {
	const char *data;
	const char *expect;
} bad_files[] = {
	{ "", "empty file (not a parlab trace)" },
	{ "hello\n", ":1: not a parlab trace (the first line must be 'parlab-trace 7')" },
	{ "\x7f" "ELF\x02\x01\x01", ":1: not a parlab trace" },
	{ "parlab-trace\n", ":1: not a parlab trace" },
	{ "parlab-trace 8\nend -1 running -\n", ":1: trace format version 8 is not supported (this parlab reads versions 1 to 7)" },
	/* Dask's records: not before version 6, and checked field by field */
	{ HDR5 DW0 "end -1 running -\n", ":2: dworker: came with version 6 (this file is version 5)" },
	{ HDR5 "dtask 0 5 1 2 \"p\" \"k\"\nend -1 running -\n", ":2: dtask: came with version 6 (this file is version 5)" },
	{ HDR5 "dxfer 0 0 1 2 3 \"k\"\nend -1 running -\n", ":2: dxfer: came with version 6 (this file is version 5)" },
	{ HDR6 "dtask 0 5 1 2 \"p\" \"k\"\nend -1 running -\n", ":2: dtask: worker 0 has no dworker record before it" },
	{ HDR6 DW0 "dtask 0 5 9 2 \"p\" \"k\"\nend -1 running -\n", ":3: dtask: ends (2) before it starts (9)" },
	{ HDR6 DW0 "dtask 0 0 1 2 \"p\" \"k\"\nend -1 running -\n", ":3: dtask: tid 0 is out of range" },
	{ HDR6 DW0 "dtask 0 5 1 2 \"\" \"k\"\nend -1 running -\n", ":3: dtask: prefix is empty" },
	{ HDR6 DW0 "dtask 0 5 1 2 p \"k\"\nend -1 running -\n", ":3: dtask: prefix must be a quoted string" },
	{ HDR6 DW0 "dtask 0 5 1 2 \"0123456789012345678901234567890123\" \"k\"\nend -1 running -\n",
	  ":3: dtask: prefix is longer than 31 bytes" },
	{ HDR6 DW0 "dtask 0 5 1 2 \"p\" \"a\\x1bb\"\nend -1 running -\n", ":3: dtask: key has control characters" },
	{ HDR6 DW0 "dtask 0 5 1 2 \"p\"\nend -1 running -\n", ":3: dtask: expected 6 fields, got 5" },
	{ HDR6 DW0 "dtask 0 5 1 -1 \"p\" \"k\"\ndtask 0 5 1 3 \"p\" \"k\"\nend -1 running -\n",
	  ":4: dtask: the end of an open task of the same thread, start and key (write one record)" },
	{ HDR6 DW0 DW0 "end -1 running -\n", ":3: dworker: a second worker at \"tcp://a:1\"" },
	{ HDR6 "dworker \"\" \"0\" 5 2 1\nend -1 running -\n", ":2: dworker: addr is empty" },
	{ HDR6 "dworker \"tcp://a:1\" \"0\" 5 2 3\nend -1 running -\n", ":2: dworker: local 3 is out of range (0..2)" },
	{ HDR6 "dworker \"tcp://a:1\" \"0\" -5 2 1\nend -1 running -\n", ":2: dworker: pid -5 is out of range" },
	{ HDR6 "dworker \"tcp://a:1\" \"a\\tb\" 5 2 1\nend -1 running -\n", ":2: dworker: name has control characters" },
	{ HDR6 "dworker \"tcp://a:1\" - 5 2 1\nend -1 running -\n", ":2: dworker: name must be a quoted string" },
	{ HDR6 DW0 "dxfer -2 0 1 2 3 \"k\"\nend -1 running -\n", ":3: dxfer: from -2 is out of range" },
	{ HDR6 DW0 "dxfer 0 1 1 2 3 \"k\"\nend -1 running -\n", ":3: dxfer: to 1 has no dworker record before it" },
	{ HDR6 DW0 "dxfer 0 -1 1 2 3 \"k\"\nend -1 running -\n", ":3: dxfer: to -1 is out of range" },
	{ HDR6 DW0 "dxfer 0 0 5 4 3 \"k\"\nend -1 running -\n", ":3: dxfer: ends (4) before it starts (5)" },
	{ HDR6 DW0 "dxfer 0 0 1 2 -5 \"k\"\nend -1 running -\n", ":3: dxfer: nbytes -5 is out of range" },
	{ HDR6 DW0 "dxfer 0 0 1 2 x \"k\"\nend -1 running -\n", ":3: dxfer: nbytes 'x' is not a number" },
	{ HDR6 DW0 "dxfer 0 0 1 2 3\nend -1 running -\n", ":3: dxfer: expected 6 fields, got 5" },
	{ HDR4 "queue \"q\" 2\nend -1 running -\n", ":2: queue: came with version 5 (this file is version 4)" },
	{ HDR5 "block \"L\" lock 1 0 0 0 0 0 -1 - -\nend -1 running -\n", ":2: block: expected 14 fields, got 11" },
	{ HDR5 "block \"q\" queue 0 0 0 0 1 1 1 5 5 -1 - -\nend -1 running -\n", ":2: block: mean_length must be a number, 0 or more" },
	{ HDR5 "queue \"q\" 0\nend -1 running -\n", ":2: queue: capacity 0 is out of range" },
	{ HDR5 "queue \"q\" 2\nqueue \"q\" 3\nend -1 running -\n", ":3: queue: a second queue named \"q\"" },
	{ HDR5 "qlen 0 0 5 1 1 1 1\nend -1 running -\n", ":2: qlen: queue 0 has no queue record before it" },
	{ HDR5 "queue \"q\" 2\nqlen 0 0 5 1 2 2 2\nend -1 running -\n", ":3: qlen: the least (2) and most (2) must hold the length (1)" },
	{ HDR5 "queue \"q\" 2\nqlen 0 6 5 1 0 2 1\nend -1 running -\n", ":3: qlen: t0 (6) is after t (5)" },
	{ HDR5 "queue \"q\" 2\nqlen 0 0 5 1 0 2 1\nqlen 0 4 6 2 2 2 2\nend -1 running -\n", ":4: qlen: t0 4 is before the queue's last sample (5)" },
	{ HDR5 "queue \"q\" 2\nqlen 0 0 5 1 0 2 3\nend -1 running -\n", ":3: qlen: the mean (3) must lie within the least and most" },
	{ HDR5 "queue \"q\" 2\nqlen 0 0 5 1 0 2 x\nend -1 running -\n", ":3: qlen: mean 'x' is not" },
	{ HDR4 TASK0 "pyname 0 \"MainProcess\"\nend -1 running -\n", ":3: pyname: pyname records came with version 5 (this file is version 4)" },
	{ HDR3 "block \"L\" lock 1 0 0 0 0 0 -1 - -\nend -1 running -\n", ":2: block: came with version 4 (this file is version 3)" },
	{ HDR3 "end 5 deadlock \"x\"\n", ":2: end: kind deadlock came with version 4 (this file is version 3)" },
	{ HDR4 "block \"L\" lok 1 0 0 0 0 0 -1 - -\nend -1 running -\n", ":2: block: unknown block kind 'lok'" },
	{ HDR4 "block \"c\" shared 0 0 0 0 0 0 -1 nan \"1\"\nend -1 running -\n", ":2: block: lost 'nan' is not a finite number" },
	{ HDR4 "block \"c\" shared 0 0 0 0 0 0 -1 0 \"1 x\"\nend -1 running -\n", ":2: block: a value 'x' is not a finite number" },
	{ HDR4 "block \"L\" lock -1 0 0 0 0 0 -1 - -\nend -1 running -\n", ":2: block: acquisitions -1 is out of range" },
	{ HDR4 "stuck 0 1 \"A\" -\nend -1 running -\n", ":2: stuck: a live worker waits for a block" },
	{ HDR4 "stuck 0 2 \"A\" \"B\"\nend -1 running -\n", ":2: stuck: live 2 is out of range (0..1)" },
	{ HDR3 TASK0 "span 0 blocked 1 2 \"lock\" \"A\" -1\nend -1 running -\n",
	  ":3: span: span records came with version 4 (this file is version 3)" },
	{ HDR3 "meta events_dropped 3\nend -1 running -\n", ":2: meta: events_dropped came with version 4" },
	{ HDR3 TASK0 "mark 5 0 \"x\"\nend -1 running -\n", ":3: mark: expected 2 fields, got 3" },
	{ HDR4 TASK0 "mark 5 \"x\"\nend -1 running -\n", ":3: mark: expected 3 fields, got 2" },
	{ HDR4 TASK0 "mark 5 3 \"x\"\nend -1 running -\n", ":3: mark: task 3 does not exist" },
	{ HDR4 TASK0 "mark 5 0 \"a\\tb\"\nend -1 running -\n", ":3: mark: text has control characters" },
	{ HDR4 TASK0 "span 0 waiting 1 2 \"lock\" \"A\" -1\nend -1 running -\n", ":3: span: unknown kind 'waiting' (blocked, held or step)" },
	{ HDR6 TASK0 "span 0 step 1 2 \"read\" \"c\" -1\nend -1 running -\n",
	  ":3: span: step spans came with version 7 (this file is version 6)" },
	{ HDR7 TASK0 "span 0 step 1 2 \"read\" \"c\" 0\nend -1 running -\n", ":3: span: a step span has no holder" },
	{ HDR4 TASK0 "span 0 blocked 5 2 \"lock\" \"A\" -1\nend -1 running -\n", ":3: span: ends (2) before it starts (5)" },
	{ HDR4 TASK0 "span 0 held 1 2 \"lock\" \"A\" 0\nend -1 running -\n", ":3: span: a held span has no holder" },
	{ HDR4 TASK0 "span -1 held 1 2 \"lock\" \"A\" -1\nend -1 running -\n", ":3: span: task -1 is out of range" },
	{ HDR4 TASK0 "span 0 blocked 1 2 \"lock\" \"0123456789012345678901234567890123\" -1\nend -1 running -\n",
	  ":3: span: block is longer than 31 bytes" },
	{ HDR2 "cpu 0 0 1 2 3\nend -1 running -\n", ":2: cpu: cpu records came with version 3 (this file is version 2)" },
	{ HDR "cpu 0 0 1 2 3\nend -1 -\n", ":2: cpu: cpu records came with version 3 (this file is version 1)" },
	{ HDR3 "cpu 0 0 1 2\nend -1 running -\n", ":2: cpu: expected 5 fields, got 4" },
	{ HDR3 "cpu 0 -1 1 2 3\nend -1 running -\n", ":2: cpu: cpu -1 is out of range (0..8191)" },
	{ HDR3 "cpu 0 0 -1 2 3\nend -1 running -\n", ":2: cpu: busy_ns -1 is out of range (at least 0)" },
	{ HDR3 "cpu 0 0 1 x 3\nend -1 running -\n", ":2: cpu: steal_ns 'x' is not a number" },
	{ HDR3 "cpu 0 0 1 2 \"3\"\nend -1 running -\n", ":2: cpu: idle_ns '3' is not a number" },
	{ HDR3 "cpu 50 0 1 2 3\ncpu 40 1 1 2 3\nend -1 running -\n", ":3: cpu: at 40, before the previous cpu record (50)" },
	{ HDR3 "cpu 50 0 1 2 3\nend 40 finished -\n", ":3: end: 40 is before the last recorded time (50)" },
	{ "parlab-trace 0\nend -1 -\n", ":1: trace format version 0 is not supported" },
	{ HDR2 "end -1 -\n", ":2: end: expected 3 fields, got 2" },          /* a version-1 end in version 2 */
	{ HDR "end -1 running -\n", ":2: end: expected 2 fields, got 3" },    /* and the other way */
	{ HDR2 "end 5 done \"x\"\n", ":2: end: unknown kind 'done' (running, finished," },
	{ HDR2 "end 5 \"finished\" \"x\"\n", ":2: end: unknown kind 'finished'" },
	{ HDR2 "end 5 Finished -\n", ":2: end: unknown kind 'Finished'" },
	{ HDR2 "end -1 finished -\n", ":2: end: a live trace (end -1) is of kind running" },
	{ HDR2 "end 5 running \"x\"\n", ":2: end: a trace that ended (at 5) is not of kind running" },
	{ HDR2 "end -1 running \"x\"\n", ":2: end: a live trace (end -1) has no outcome (write -)" },
	{ "parlab-trace x\n", ":1: version 'x' is not a number" },
	{ HDR, "truncated after line 1 (no end record)" },
	{ HDR TASK0, "truncated after line 2 (no end record)" },
	{ HDR "end 5 \"x\"", ":2: truncated (the last line has no newline)" },
	{ HDR "bogus 1 2\nend -1 -\n", ":2: unknown record 'bogus'" },
	{ HDR "abcdefghijklmnopqrstuvwxyz0123456789 1\nend -1 -\n", "unknown record 'abcdefghijklmnopqrstuvwxyz01...'" },
	{ HDR "end -1 -\r\n", ":2: a carriage return ends the line" },
	{ HDR "\nend -1 -\n", ":2: an empty record" },
	{ HDR "slice 9 0 1 running 0\nend -1 -\n", ":2: slice: task 9 does not exist" },
	{ HDR TASK0 "slice 0 100 200 running 0\nslice 0 50 60 sleeping -1\nend -1 -\n",
	  ":4: slice: starts at 50, before the previous slice of task 0 ends (200)" },
	{ HDR TASK0 "slice 0 100 200 running 0\nslice 0 150 300 sleeping -1\nend -1 -\n",
	  "slice: starts at 150, before the previous slice of task 0 ends (200)" },
	{ HDR TASK0 "slice 0 100 200 running 0\nslice 0 200 300 running 0\nend -1 -\n",
	  "slice: continues the previous slice of task 0 in the same state" },
	{ HDR TASK0 "slice 0 20 10 running 0\nend -1 -\n", "slice: ends (10) before it starts (20)" },
	{ HDR TASK0 "slice 0 abc 1 running 0\nend -1 -\n", "slice: t0 'abc' is not a number" },
	{ HDR TASK0 "slice 0 -5 1 running 0\nend -1 -\n", "slice: t0 -5 is out of range (at least 0)" },
	{ HDR TASK0 "slice 0 99999999999999999999 1 running 0\nend -1 -\n", "slice: t0 99999999999999999999 is out of range" },
	{ HDR TASK0 "slice 0 0 1 dancing 0\nend -1 -\n", "slice: unknown state 'dancing'" },
	{ HDR TASK0 "slice 0 0 1 sleeping 0\nend -1 -\n", "slice: a sleeping slice has no CPU (got 0, write -1)" },
	{ HDR TASK0 "slice 0 0 1 running 1\nend -1 -\n", "slice: CPU 1 is not in task 0's cpus (0x1)" },
	{ HDR TASK0 "slice 0 0 1 running 9000\nend -1 -\n", "slice: cpu 9000 is out of range (-1..8191)" },
	{ HDR TASK0 "slice 0 1 2\nend -1 -\n", ":3: slice: expected 5 fields, got 3" },
	{ HDR "task 0 0 10 1 0 \"w0\" 0 -1 -1 0 0 0x1 -1 -1 -1 -1 \"w0\"\nend -1 -\n", "task: pid 0 is out of range (1..2147483647)" },
	{ HDR "task 1 10 10 1 0 \"w0\" 0 -1 -1 0 0 0x1 -1 -1 -1 -1 \"w0\"\nend -1 -\n",
	  "task: id 1, expected 0 (tasks are numbered from 0, in order)" },
	{ HDR "task 0 10 10 1 0 \"0123456789abcdefghijklmn\" 0 -1 -1 0 0 0x1 -1 -1 -1 -1 \"\"\nend -1 -\n",
	  "task: label is longer than 23 bytes" },
	{ HDR "task 0 10 10 1 0 w0 0 -1 -1 0 0 0x1 -1 -1 -1 -1 \"w0\"\nend -1 -\n", "task: label must be a quoted string" },
	{ HDR "task 0 10 10 1 0 \"w0\" 0 -1 -1 0 0 0xZZ -1 -1 -1 -1 \"w0\"\nend -1 -\n", "task: cpus '0xZZ' is not a CPU mask" },
	{ HDR "task 0 10 10 1 0 \"w0\" 0 -1 70000 0 0 0x1 -1 -1 -1 -1 \"w0\"\nend -1 -\n", "task: exit_status 70000 is out of range" },
	{ HDR TASK0 "line 0 1 1 \"a\\qb\"\nend -1 -\n", ":3: line: bad escape in a string" },
	{ HDR TASK0 "line 0 1 1 \"open\nend -1 -\n", ":3: line: a string has no closing quote" },
	{ HDR TASK0 "line 0 1 1 \"a\tb\"\nend -1 -\n", "line: control character 0x09 in a string (write it as \\x09)" },
	{ HDR TASK0 "line 0 1 1 \"a\\tb\"\nend -1 -\n", "line: text has control characters or invalid UTF-8" },
	{ HDR TASK0 "line 0 1 1 \"bad\\xff\"\nend -1 -\n", "line: text has control characters or invalid UTF-8" },
	{ HDR TASK0 "line 0 1 1 \"nul\\x00\"\nend -1 -\n", "line: a string cannot hold \\x00" },
	{ HDR TASK0 "line 0 1 1 \"a\"b\nend -1 -\n", "line: text right after a closing quote" },
	{ HDR TASK0 "line 0 1 1 a\"b\nend -1 -\n", "line: a quote inside a word" },
	{ HDR TASK0 "line 3 1 1 \"x\"\nend -1 -\n", "line: task 3 does not exist" },
	{ HDR TASK0 "line 0 1 3 \"x\"\nend -1 -\n", "line: stream 3 is out of range (0..2)" },
	{ HDR TASK0 "line -2 1 1 \"x\"\nend -1 -\n", "line: task -2 is out of range" },
	{ HDR "mark 5\nend -1 -\n", "mark: expected 2 fields, got 1" },
	{ HDR "end -1 -\nmark 5 \"late\"\n", ":3: a record after the end record" },
	{ HDR TASK0 "slice 0 0 500 running 0\nend 100 \"done\"\n", ":4: end: 100 is before the last recorded time (500)" },
	{ HDR "end -1 \"done\"\n", "end: a live trace (end -1) has no outcome (write -)" },
	{ HDR "end 5 done\n", "end: outcome must be a quoted string" },
	{ HDR TASK0 "meta ncpu 4\nend -1 -\n", ":3: meta: ncpu: meta records come before the first task" },
	{ HDR "meta ncpu 4\nmeta ncpu 2\nend -1 -\n", ":3: meta: ncpu is given twice" },
	{ HDR "meta ncpu 0\nend -1 -\n", "meta: ncpu 0 is out of range (1..8192)" },
	{ HDR "meta colour \"red\"\nend -1 -\n", "meta: unknown key 'colour'" },
};

/* Every kind survives save and load; a file is identical saved again. */
static void test_kinds_round_trip(void)
{
	for (int k = 0; k < TRACE_NEND_KINDS; k++) {
		trace *t = trace_new("kinds", 0);
		int id = trace_task_add(t, 7, 7, 1, 0, "w0");
		trace_slice_add(t, id, 0, 10, TS_RUNNING, 0);
		if (k != TRACE_RUNNING) trace_finish_as(t, 20, (trace_end_kind)k, k % 2 ? NULL : "some words");
		char *err = NULL;
		const char *path = tmp_path("kind.trace");
		CHECK(trace_save(t, path, &err) == 0);
		trace *u = trace_load(path, &err);
		CHECK(u != NULL);
		if (!u) { fprintf(stderr, "kind %s: %s\n", trace_end_kind_name((trace_end_kind)k), err); free(err); }
		if (u) {
			CHECK(trace_outcome_kind(u) == (trace_end_kind)k);
			compare(t, u);
		}
		size_t len = 0;
		char *b = slurp(path, &len);
		char want[64];
		snprintf(want, sizeof want, "\nend %d %s ", k == TRACE_RUNNING ? -1 : 20, trace_end_kind_name((trace_end_kind)k));
		CHECK_CONTAINS(b, want);
		free(b);
		trace_free(u);
		trace_free(t);
	}
}

/* An unknown kind's error lists every kind there is, each by its name in
 * files, in order: the list is trace.c's, so it grows with a new kind. */
static void test_unknown_kind(void)
{
	char want[512];
	size_t len = (size_t)snprintf(want, sizeof want, ":2: end: unknown kind 'done' (");
	for (int k = 0; k < TRACE_NEND_KINDS; k++) {
		const char *sep = k == 0 ? "" : k == TRACE_NEND_KINDS - 1 ? " or " : ", ";
		len += (size_t)snprintf(want + len, sizeof want - len, "%s%s", sep, trace_end_kind_name((trace_end_kind)k));
	}
	snprintf(want + len, sizeof want - len, ")");
	CHECK_CONTAINS(want, "(running, finished, failed, crashed, timed_out, stopped, not_run, runner_failed, ended or deadlock)");
	const char *path = tmp_path("kind.trace");
	static const char data[] = HDR2 "end 5 done \"x\"\n";
	write_file(path, data, strlen(data));
	char *err = NULL;
	trace *t = trace_load(path, &err);
	CHECK(!t);
	CHECK(err && strlen(err) > strlen(want) && !strcmp(err + strlen(err) - strlen(want), want));
	if (err && !strstr(err, want)) fprintf(stderr, "  got: %s\n  want: ...%s\n", err, want);
	free(err);
	trace_free(t);
}

/* A version-1 file (no kind) loads; the kind is read from run.c's words. */
static void test_version1(void)
{
	static const struct { const char *end; trace_end_kind kind; const char *outcome; } v1[] = {
		{ "end -1 -\n", TRACE_RUNNING, NULL },
		{ "end 10 -\n", TRACE_ENDED, NULL },
		{ "end 10 \"finished: all 2 workers exited 0\"\n", TRACE_FINISHED, "finished: all 2 workers exited 0" },
		{ "end 10 \"1 of 2 workers failed: w1 exit 3\"\n", TRACE_FAILED, "1 of 2 workers failed: w1 exit 3" },
		{ "end 10 \"w0 crashed (Segmentation fault): the run was stopped; every task killed and reaped\"\n",
		  TRACE_CRASHED, NULL },
		{ "end 10 \"timed out after 1.0 s: every task killed and reaped\"\n", TRACE_TIMED_OUT, NULL },
		{ "end 10 \"stopped by you: every task killed and reaped\"\n", TRACE_STOPPED, NULL },
		{ "end 10 \"not run (see the message above)\"\n", TRACE_NOT_RUN, "not run (see the message above)" },
		{ "end 10 \"the runner failed (status 9); every task killed and reaped\"\n", TRACE_RUNNER_FAILED, NULL },
		{ "end 10 \"a hand-written ending\"\n", TRACE_ENDED, "a hand-written ending" },
	};
	const char *path = tmp_path("v1.trace");
	for (size_t i = 0; i < sizeof v1 / sizeof *v1; i++) {
		char data[512];
		snprintf(data, sizeof data, "%s%s", HDR TASK0 "slice 0 0 10 running 0\n", v1[i].end);
		write_file(path, data, strlen(data));
		char *err = NULL;
		trace *t = trace_load(path, &err);
		CHECK(t != NULL);
		if (!t) { fprintf(stderr, "%s", data); fprintf(stderr, "-> %s\n", err); free(err); continue; }
		CHECK(trace_outcome_kind(t) == v1[i].kind);
		if (v1[i].outcome) CHECK_STR(trace_outcome(t), v1[i].outcome);
		/* Saved again, it is a file of the current version that keeps the kind. */
		CHECK(trace_save(t, tmp_path("v2.trace"), &err) == 0);
		trace *u = trace_load(tmp_path("v2.trace"), &err);
		CHECK(u && trace_outcome_kind(u) == v1[i].kind);
		if (u) compare(t, u);
		trace_free(u);
		trace_free(t);
	}
}

/* A version-2 file (no cpu records) loads, without samples: unknown. */
static void test_version2(void)
{
	const char *path = tmp_path("v2only.trace");
	const char *data = HDR2 TASK0 "slice 0 0 10 running 0\nend 10 finished \"finished: exit 0\"\n";
	write_file(path, data, strlen(data));
	char *err = NULL;
	trace *t = trace_load(path, &err);
	CHECK(t != NULL);
	if (!t) { fprintf(stderr, "-> %s\n", err); free(err); return; }
	CHECK(trace_ncpu_samples(t) == 0 && trace_outcome_kind(t) == TRACE_FINISHED);
	CHECK(trace_cpu_counters(t, 0, 0, 10, NULL, NULL, NULL) == -1);
	trace_free(t);
}

static void test_corrupt(void)
{
	const char *path = tmp_path("bad.trace");
	for (size_t i = 0; i < sizeof bad_files / sizeof *bad_files; i++) {
		write_file(path, bad_files[i].data, strlen(bad_files[i].data));
		char *err = NULL;
		trace *t = trace_load(path, &err);
		CHECK(!t);
		CHECK_CONTAINS(err, bad_files[i].expect);
		if (err && !strstr(err, bad_files[i].expect)) fprintf(stderr, "  (case %zu)\n", i);
		CHECK(err && !strncmp(err, path, strlen(path)));   /* names the file */
		trace_free(t);
		free(err);
	}
	/* A NUL byte inside a record. */
	static const char nul[] = HDR "end -1 -\0x\n";
	write_file(path, nul, sizeof nul - 1);
	char *err = NULL;
	CHECK(!trace_load(path, &err));
	CHECK_CONTAINS(err, ":2: a NUL byte in the record");
	free(err);
	CHECK(!trace_load(tmp_path("missing.trace"), &err));
	CHECK_CONTAINS(err, "missing.trace: No such file or directory");
	free(err);
	CHECK(!trace_load(dir, &err));
	CHECK_CONTAINS(err, ": Is a directory");
	free(err);
	/* The smallest good file, and one a person might write. */
	write_file(path, HDR "end -1 -\n", strlen(HDR "end -1 -\n"));
	trace *t = trace_load(path, &err);
	CHECK(t && trace_ntasks(t) == 0 && !strcmp(trace_title(t), "run"));
	trace_free(t);
	static const char ok[] = HDR "meta title  \"hand made\"\n" TASK0 "slice 0 0 10 running 0\nline 0 5 1 \"hi\"\nend 10 -\n";
	write_file(path, ok, strlen(ok));
	t = trace_load(path, &err);
	CHECK(t && trace_ntasks(t) == 1 && trace_nlines(t) == 1 && trace_end(t) == 10 && !trace_outcome(t));
	if (t) CHECK_STR(trace_title(t), "hand made");
	if (!t) { fprintf(stderr, "%s\n", err); free(err); }
	trace_free(t);
}

/* Counts events of a phase and category; checks ts/dur of state slices
 * come back as the exact nanoseconds the way Perfetto reads them. */
static int count_events(json_t *evs, const char *ph, const char *cat, const char *name)
{
	int n = 0;
	size_t i;
	json_t *e;
	json_array_foreach(evs, i, e) {
		const char *p = json_string_value(json_object_get(e, "ph"));
		const char *c = json_string_value(json_object_get(e, "cat"));
		const char *nm = json_string_value(json_object_get(e, "name"));
		if (strcmp(p, ph) || (cat && (!c || strcmp(c, cat))) || (name && strcmp(nm, name))) continue;
		n++;
	}
	return n;
}

/* A run's other-programs share in the export's otherData, once the
 * counters cover enough of it (40 ms, 10 ms of it busy: 25 %). */
static void test_export_share(void)
{
	trace *t = trace_new("share", 0);
	trace_set_ncpu(t, 1);
	trace_cpu_sample(t, 0, 0, 0, 0, 0);
	trace_cpu_sample(t, 40000000, 0, 10000000, 0, 30000000);
	trace_finish(t, 40000000, "finished: exit 0");
	char *err = NULL;
	const char *path = tmp_path("share.json");
	CHECK(export_perfetto(t, path, &err) > 0 && !err);
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	CHECK(root != NULL);
	json_t *share = root ? json_object_get(json_object_get(root, "otherData"), "other_share") : NULL;
	CHECK(json_is_real(share) && json_real_value(share) > 0.249 && json_real_value(share) < 0.251);
	json_decref(root);
	free(err);
	trace_free(t);
}

/* A version 3 file: marks without a task (the run's), no spans. */
static void test_version3(void)
{
	const char *path = tmp_path("v3.trace");
	const char *data = HDR3 TASK0 "slice 0 0 10 running 0\nmark 5 \"the run's\"\nend 10 finished -\n";
	write_file(path, data, strlen(data));
	char *err = NULL;
	trace *t = trace_load(path, &err);
	CHECK(t != NULL);
	if (!t) { fprintf(stderr, "-> %s\n", err); free(err); return; }
	CHECK(trace_nmarks(t) == 1 && trace_mark_at(t, 0)->task == -1 && trace_mark_at(t, 0)->t == 5);
	CHECK_STR(trace_mark_at(t, 0)->text, "the run's");
	CHECK(trace_nspans(t) == 0 && trace_events_dropped(t) == 0 && trace_blocked_ns(t, 0) == 0);
	trace_free(t);
}

/* A version-5 file loads, with no Dask records (none then). */
static void test_version5(void)
{
	const char *path = tmp_path("v5.trace");
	const char *data = HDR5 TASK0 "pyname 0 \"MainProcess\"\nslice 0 0 10 running 0\nend 10 finished -\n";
	write_file(path, data, strlen(data));
	char *err = NULL;
	trace *t = trace_load(path, &err);
	CHECK(t != NULL);
	if (!t) { fprintf(stderr, "-> %s\n", err); free(err); return; }
	CHECK_STR(trace_task_at(t, 0)->pyname, "MainProcess");
	CHECK(trace_ndworkers(t) == 0 && trace_ndtasks(t) == 0 && trace_ndxfers(t) == 0);
	trace_free(t);
	/* Before version 6 the output cap dropped the last lines: a line of parlab's says so at the end. */
	data = HDR5 "meta dropped 7\n" TASK0 "line 0 5 1 \"kept\"\nend 10 finished -\n";
	write_file(path, data, strlen(data));
	t = trace_load(path, &err);
	CHECK(t && trace_nlines(t) == 2 && trace_ndropped(t) == 7);
	if (t) CHECK_STR(trace_line_at(t, 1)->text, "(7 more lines were not kept: output cap)");
	if (t) CHECK(trace_line_at(t, 1)->task == -1 && trace_line_at(t, 1)->t == 5);
	trace_free(t);
}

/* A version-4 block record (no queue time figures) still loads. */
static void test_version4(void)
{
	const char *path = tmp_path("v4.trace");
	const char *data = HDR4 "block \"q\" queue 0 3 100 50 9 9 2 - -\nend 10 finished -\n";
	write_file(path, data, strlen(data));
	char *err = NULL;
	trace *t = trace_load(path, &err);
	CHECK(t != NULL);
	if (!t) { fprintf(stderr, "-> %s\n", err); free(err); return; }
	const trace_block *b = trace_block_find(t, "q");
	CHECK(b && b->puts == 9 && b->max_length == 2 && b->full_ns == 0 && b->mean_length == 0 && trace_nqueues(t) == 0);
	trace_free(t);
}

static void test_export(void)
{
	trace *t = sample();
	char *err = NULL;
	const char *path = tmp_path("sample.json");
	int n = export_perfetto(t, path, &err);
	CHECK(n > 0 && !err);
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	CHECK(root != NULL);
	if (!root) { fprintf(stderr, "%s: %s\n", path, je.text); trace_free(t); return; }
	json_t *evs = json_object_get(root, "traceEvents");
	CHECK((int)json_array_size(evs) == n);
	json_t *other = json_object_get(root, "otherData");
	CHECK_STR(json_string_value(json_object_get(other, "outcome_kind")), "timed_out");
	CHECK_CONTAINS(json_string_value(json_object_get(other, "outcome")), "finished: ");
	/* CPUs 0 and 7 sampled, over 1.2 us: below the counters' ticks, no share */
	CHECK(json_is_null(json_object_get(other, "other_share")));
	/* 3 tasks; CPUs 0-7; CPU 1's overlap lane (tasks 0 and 2); CPUs 63 and
	 * 100; 3 Dask lanes and a transfer track for each of the 2 receivers. */
	CHECK(count_events(evs, "M", NULL, "thread_name") == 3 + 8 + 1 + 2 + 3 + 2);
	CHECK(count_events(evs, "M", NULL, "process_name") == 4);   /* CPUs, 100, 200, dask */
	{   /* Dask: a slice per task named by its prefix on its lane's thread,
	     * the run's worker's lanes under its process (100), the remote
	     * one's under "dask"; the transfers as slices, and an arrow from
	     * the task that made the data to the transfer where it is known */
		CHECK(count_events(evs, "X", "dask", NULL) == (int)trace_ndtasks(t));
		CHECK(count_events(evs, "X", "dask", "getitem") == 2);
		CHECK(count_events(evs, "X", "dask-transfer", "transfer") == 2);
		CHECK(count_events(evs, "s", "dask-transfer", "transfer") == 1);
		CHECK(count_events(evs, "f", "dask-transfer", "transfer") == 1);
		json_int_t lane0 = -1, xtrack = -1, sflow = -1, fflow = -1;
		int remote = 0, mean_key = 0;
		size_t i;
		json_t *e;
		json_array_foreach(evs, i, e) {
			const char *nm = json_string_value(json_object_get(e, "name"));
			const char *ph = json_string_value(json_object_get(e, "ph"));
			json_t *args = json_object_get(e, "args");
			const char *an = json_string_value(json_object_get(args, "name"));
			json_int_t pid = json_integer_value(json_object_get(e, "pid"));
			json_int_t tid = json_integer_value(json_object_get(e, "tid"));
			if (!strcmp(nm, "thread_name") && an && !strcmp(an, "dask 100.0") && pid == 100) lane0 = tid;
			if (!strcmp(nm, "thread_name") && an && !strcmp(an, "dask ext \"1\" \xe2\x82\xac.0"))
				remote += pid == EXPORT_DASK_PID;
			if (!strcmp(nm, "thread_name") && an && !strcmp(an, "dask ext \"1\" \xe2\x82\xac transfers in"))
				xtrack = tid;
			if (!strcmp(nm, "series-mean") && !strcmp(ph, "X"))
				mean_key = !strcmp(json_string_value(json_object_get(args, "key")), "k \\ \"q\" \xe2\x82\xac") &&
					   json_integer_value(json_object_get(args, "thread")) == 101;
			if (!strcmp(ph, "s")) {
				sflow = tid;
				CHECK((int64_t)(json_number_value(json_object_get(e, "ts")) * 1000.0) == 399);   /* in its task */
			}
			if (!strcmp(ph, "f")) {
				fflow = tid;
				CHECK(!strcmp(json_string_value(json_object_get(e, "bp")), "e"));
				CHECK((int64_t)(json_number_value(json_object_get(e, "ts")) * 1000.0) == 420);   /* inside 410-430 */
			}
		}
		CHECK(lane0 > EXPORT_DASK_PID && sflow == lane0 && remote == 1 && mean_key);
		CHECK(xtrack > EXPORT_DASK_PID && fflow == xtrack);
		json_t *d = json_object_get(other, "dask");
		CHECK(json_integer_value(json_object_get(d, "tasks")) == 4 && json_integer_value(json_object_get(d, "transfers")) == 2);
		CHECK(json_array_size(json_object_get(d, "workers")) == 2);
	}
	{   /* task 1's thread name is its Python name, not its label T101 */
		int named = 0, t101 = 0;
		size_t i;
		json_t *e;
		json_array_foreach(evs, i, e) {
			const char *nm = json_string_value(json_object_get(e, "name"));
			const char *an = json_string_value(json_object_get(json_object_get(e, "args"), "name"));
			if (!nm || strcmp(nm, "thread_name") || !an) continue;
			named += !strcmp(an, "Counter");
			t101 += !strcmp(an, "T101");
		}
		CHECK(named == 1 && t101 == 0);
	}
	size_t slices = 0, running = 0;
	for (int i = 0; i < trace_ntasks(t); i++) {
		size_t ns;
		const trace_slice *s = trace_slices(t, i, &ns);
		slices += ns;
		for (size_t j = 0; j < ns; j++) running += s[j].state == TS_RUNNING && s[j].cpu >= 0;
	}
	CHECK(count_events(evs, "X", "state", NULL) == (int)slices);
	CHECK(count_events(evs, "X", "cpu", NULL) == (int)running);
	CHECK(count_events(evs, "i", "output", NULL) == (int)trace_nlines(t));
	CHECK(count_events(evs, "i", "mark", NULL) == (int)trace_nmarks(t));
	CHECK(count_events(evs, "b", "blocked", "waiting for lock A, held by Counter") == 1);   /* its Python name */
	CHECK(count_events(evs, "e", "blocked", "waiting for lock A, held by Counter") == 1);   /* its Python name */
	CHECK(count_events(evs, "b", "held", "holds lock A") == 1);
	CHECK(count_events(evs, "b", "blocked", "waiting for queue jobs \xe2\x82\xac (full)") == 1);
	CHECK(json_integer_value(json_object_get(other, "dropped_events")) == 7);
	{   /* the worker's mark on its task's track, the run's global */
		json_t *me;
		size_t mi;
		int on_task = 0;
		json_array_foreach(evs, mi, me) {
			const char *nm = json_string_value(json_object_get(me, "name"));
			if (nm && !strcmp(nm, "took \"A\"") && json_integer_value(json_object_get(me, "tid")) == 100 &&
			    !strcmp(json_string_value(json_object_get(me, "s")), "t")) on_task++;
		}
		CHECK(on_task == 1);
	}
	/* Other programs: CPU 0 and 7 sampled at 0 and 1200, a value and a 0 each. */
	CHECK(count_events(evs, "C", "cpu", "CPU 0: other programs %") == 2);
	CHECK(count_events(evs, "C", "cpu", "CPU 7: other programs %") == 2);
	CHECK(count_events(evs, "C", "cpu", NULL) == 4);
	/* CPU 0: 900 ns busy over 1200, none of it the run's: 75 % */
	json_t *e0;
	size_t i0;
	double v0 = -1;
	json_array_foreach(evs, i0, e0) {
		const char *nm = json_string_value(json_object_get(e0, "name"));
		if (nm && !strcmp(nm, "CPU 0: other programs %") && json_number_value(json_object_get(e0, "ts")) == 0)
			v0 = json_number_value(json_object_get(json_object_get(e0, "args"), "value"));
	}
	CHECK(v0 > 74.99 && v0 < 75.01);
	/* Task 0's slices, in order: exact nanoseconds after (int64)(us * 1000). */
	size_t ns, k = 0, i;
	const trace_slice *s = trace_slices(t, 0, &ns);
	json_t *e;
	json_array_foreach(evs, i, e) {
		const char *c = json_string_value(json_object_get(e, "cat"));
		if (!c || strcmp(c, "state") || json_integer_value(json_object_get(e, "tid")) != 100 || k >= ns) continue;
		int64_t ts = (int64_t)(json_number_value(json_object_get(e, "ts")) * 1000.0);
		int64_t dur = (int64_t)(json_number_value(json_object_get(e, "dur")) * 1000.0);
		CHECK(ts == s[k].t0 && ts + dur == s[k].t1);
		k++;
	}
	CHECK(k == ns);
	json_decref(root);
	CHECK(export_perfetto(t, "/nonexistent-dir/x.json", &err) < 0);
	CHECK_CONTAINS(err, "/nonexistent-dir/x.json: No such file or directory");
	free(err);
	trace_free(t);
}

/* Nanosecond values whose microseconds Perfetto would truncate one short. */
static void test_export_times(void)
{
	trace *t = trace_new("times", 0);
	int k = trace_task_add(t, 5, 5, 1, -1, "x");
	int64_t at = 0;
	for (int i = 1; i < 2000; i++) {
		trace_slice_add(t, k, at, at + i * 7 + 1, i % 2 ? TS_RUNNING : TS_SLEEPING, i % 2 ? 0 : -1);
		at += i * 7 + 1;
	}
	trace_task_get(t, k)->cpus = 1;
	char *err = NULL;
	const char *path = tmp_path("times.json");
	CHECK(export_perfetto(t, path, &err) > 0);
	json_t *root = json_load_file(path, 0, NULL);
	CHECK(root != NULL);
	size_t ns, j = 0, i;
	const trace_slice *s = trace_slices(t, k, &ns);
	json_t *e;
	int exact = 0;
	json_array_foreach(json_object_get(root, "traceEvents"), i, e) {
		const char *c = json_string_value(json_object_get(e, "cat"));
		if (!c || strcmp(c, "state") || j >= ns) continue;
		int64_t ts = (int64_t)(json_number_value(json_object_get(e, "ts")) * 1000.0);
		int64_t dur = (int64_t)(json_number_value(json_object_get(e, "dur")) * 1000.0);
		exact += ts == s[j].t0 && ts + dur == s[j].t1;
		j++;
	}
	CHECK(j == ns && exact == (int)ns);
	json_decref(root);
	trace_free(t);
}

/* Block and stuck records (version 4): every field survives save and
 * load, and the file is the same saved again. */
static void test_blocks_round_trip(void)
{
	trace *t = trace_new("blocks", 0);
	trace_task_add(t, 10, 10, 1, 0, "w0");
	double vals[3] = { 137402, -0.5, 1e300 };
	trace_block b = { .name = "L", .kind = "lock", .acquisitions = 40000, .contended = 1234, .wait_ns = 987654321,
			  .longest_ns = 12345678, .max_length = -1 };
	trace_block_add(t, &b);
	trace_block c = { .name = "racy", .kind = "shared", .max_length = -1, .has_lost = 1, .lost = 62598, .nvalues = 1,
			  .values = vals };
	trace_block_add(t, &c);
	trace_block a = { .name = "arr", .kind = "shared", .max_length = -1, .nvalues = 3, .values = vals };
	trace_block_add(t, &a);
	trace_block q = { .name = "jobs \"q\"", .kind = "queue", .contended = 7, .wait_ns = 1000, .longest_ns = 600,
			  .puts = 40, .takes = 38, .max_length = 2, .full_ns = 60, .empty_ns = 15, .mean_length = 1.25 };
	trace_block_add(t, &q);
	int qi = trace_queue_add(t, "jobs \"q\"", 2);
	CHECK(qi == 0 && trace_queue_add(t, "jobs \"q\"", 2) == 0 && trace_nqueues(t) == 1);
	trace_queue_sample(t, qi, 0, 5, 0, 0, 0, 0);       /* as it began: not kept */
	trace_queue_sample(t, qi, 5, 10, 2, 0, 2, 1.5);
	trace_queue_sample(t, qi, 10, 20, 2, 2, 2, 2);     /* unchanged: not kept */
	trace_queue_sample(t, qi, 20, 30, 1, 0, 2, 0.25);
	trace_queue_sample(t, qi, 30, 40, 0, 0, 1, 5);     /* a mean outside least..most: clamped to 1 */
	trace_stuck s0 = { 0, 1, "L", "M" }, s1 = { 1, 0, "M, N", "" };
	trace_stuck_add(t, &s0);
	trace_stuck_add(t, &s1);
	trace_finish_as(t, 100, TRACE_DEADLOCK, "deadlock: w0 holds L and waits for M; w1 ended holding lock M, N; every task killed and reaped");
	char *err = NULL;
	CHECK(trace_save(t, tmp_path("blocks.trace"), &err) == 0);
	trace *u = trace_load(tmp_path("blocks.trace"), &err);
	if (!u) { fprintf(stderr, "%s\n", err); free(err); trace_free(t); CHECK(0); return; }
	CHECK(trace_outcome_kind(u) == TRACE_DEADLOCK);
	CHECK(trace_nblocks(u) == 4 && trace_nstuck(u) == 2);
	const trace_block *l = trace_block_find(u, "L"), *r = trace_block_find(u, "racy"), *ar = trace_block_find(u, "arr");
	const trace_block *qq = trace_block_find(u, "jobs \"q\"");
	CHECK(l && !strcmp(l->kind, "lock") && l->acquisitions == 40000 && l->contended == 1234 && l->wait_ns == 987654321 &&
	      l->longest_ns == 12345678 && l->max_length == -1 && !l->has_lost && l->nvalues == 0);
	CHECK(r && r->has_lost && r->lost == 62598 && r->nvalues == 1 && r->values[0] == 137402);
	CHECK(ar && !ar->has_lost && ar->nvalues == 3 && ar->values[1] == -0.5 && ar->values[2] == 1e300);
	CHECK(qq && !strcmp(qq->kind, "queue") && qq->puts == 40 && qq->takes == 38 && qq->max_length == 2 && qq->contended == 7);
	CHECK(qq && qq->full_ns == 60 && qq->empty_ns == 15 && qq->mean_length == 1.25);
	size_t nq;
	const trace_qlen *ql = trace_queue_samples(u, 0, &nq);
	CHECK(trace_nqueues(u) == 1 && !strcmp(trace_queue_name(u, 0), "jobs \"q\"") && trace_queue_capacity(u, 0) == 2);
	CHECK(nq == 3 && ql[0].t0 == 5 && ql[0].t == 10 && ql[0].len == 2 && ql[0].lo == 0 && ql[1].t0 == 20 &&
	      ql[1].t == 30 && ql[1].len == 1 && ql[1].hi == 2 && ql[2].len == 0 && ql[2].hi == 1);
	int lo, hi;   /* a cell's least and most: its length at the start, and the samples whose window meets it */
	CHECK(trace_queue_range(u, 0, 0, 5, &lo, &hi) == 0 && lo == 0 && hi == 0);
	CHECK(trace_queue_range(u, 0, 0, 6, &lo, &hi) == 0 && lo == 0 && hi == 2);    /* (5, 10] meets [0, 6) */
	CHECK(trace_queue_range(u, 0, 12, 20, &lo, &hi) == 2 && lo == 2 && hi == 2);  /* nothing sampled in it: unchanged */
	CHECK(trace_queue_range(u, 0, 12, 21, &lo, &hi) == 2 && lo == 0 && hi == 2);  /* (20, 30] meets it */
	CHECK(trace_queue_range(u, 0, 40, 99, &lo, &hi) == 0 && lo == 0 && hi == 0);
	/* means: a sample's over its window, its last length where none covers */
	CHECK(fabs(trace_queue_mean(u, 0, 0, 5) - 0) < 1e-9);
	CHECK(fabs(trace_queue_mean(u, 0, 5, 10) - 1.5) < 1e-9);
	CHECK(fabs(trace_queue_mean(u, 0, 10, 20) - 2) < 1e-9);       /* unchanged between 10 and 20 */
	CHECK(fabs(trace_queue_mean(u, 0, 0, 40) - (5 * 1.5 + 10 * 2 + 10 * 0.25 + 10 * 1) / 40) < 1e-9);
	CHECK(fabs(trace_queue_mean(u, 0, 40, 60) - 0) < 1e-9);
	const trace_stuck *a0 = trace_stuck_at(u, 0), *a1 = trace_stuck_at(u, 1);
	CHECK(a0 && a0->worker == 0 && a0->live && !strcmp(a0->holds, "L") && !strcmp(a0->waits, "M"));
	CHECK(a1 && a1->worker == 1 && !a1->live && !strcmp(a1->holds, "M, N") && !*a1->waits);
	CHECK(trace_save(u, tmp_path("blocks2.trace"), &err) == 0);
	size_t n1, n2;
	char *b1 = slurp(tmp_path("blocks.trace"), &n1), *b2 = slurp(tmp_path("blocks2.trace"), &n2);
	CHECK(b1 && b2 && !strcmp(b1, b2));
	CHECK_CONTAINS(b1, "\nblock \"racy\" shared 0 0 0 0 0 0 -1 0 0 0 62598 \"137402\"\n");
	CHECK_CONTAINS(b1, "\nqueue \"jobs \\\"q\\\"\" 2\nqlen 0 5 10 2 0 2 1.5\nqlen 0 20 30 1 0 2 0.25\nqlen 0 30 40 0 0 1 1\n");
	CHECK_CONTAINS(b1, "\nstuck 1 0 \"M, N\" -\nend 100 deadlock ");
	free(b1); free(b2);
	/* exports carry them in otherData */
	CHECK(export_perfetto(u, tmp_path("blocks.json"), &err) > 0);
	json_error_t je;
	json_t *root = json_load_file(tmp_path("blocks.json"), 0, &je);
	json_t *other = root ? json_object_get(root, "otherData") : NULL;
	json_t *bl = json_object_get(other, "blocks"), *dl = json_object_get(other, "deadlock");
	CHECK(json_array_size(bl) == 4 && json_array_size(dl) == 2);
	json_t *j1 = json_array_get(bl, 1), *j3 = json_array_get(bl, 3), *d1 = json_array_get(dl, 1);
	CHECK_STR(json_string_value(json_object_get(j1, "name")), "racy");
	CHECK(json_real_value(json_object_get(j1, "lost")) == 62598);
	CHECK(json_real_value(json_array_get(json_object_get(j1, "final"), 0)) == 137402);
	CHECK(json_integer_value(json_object_get(j3, "max_length")) == 2 && json_integer_value(json_object_get(j3, "puts")) == 40);
	CHECK(json_real_value(json_object_get(j3, "mean_length")) == 1.25 && json_integer_value(json_object_get(j3, "full_ns")) == 60);
	int counters = 0;   /* the queue's length as a counter track */
	json_t *evs = json_object_get(root, "traceEvents");
	for (size_t i = 0; i < json_array_size(evs); i++) {
		json_t *e = json_array_get(evs, i);
		const char *nm = json_string_value(json_object_get(e, "name"));
		if (nm && !strcmp(nm, "queue jobs \"q\": length") && !strcmp(json_string_value(json_object_get(e, "ph")), "C")) counters++;
	}
	CHECK(counters == 4);   /* 0 at the start, then each kept sample */
	CHECK(json_is_true(json_object_get(d1, "ended")) && !json_object_get(d1, "waits"));
	CHECK_STR(json_string_value(json_object_get(json_array_get(dl, 0), "waits")), "M");
	CHECK_STR(json_string_value(json_object_get(other, "outcome_kind")), "deadlock");
	json_decref(root);
	trace_free(u);
	trace_free(t);
}

/* An existing cluster's worker on this machine (watched, not the run's)
 * stays one when saved and read back: LOCAL 2. */
static void test_dworker_outside(void)
{
	trace *t = trace_new("outside", 0);
	trace_task_add(t, 700, 700, 1, -1, "python3");
	int w = trace_dworker_add(t, "tcp://127.0.0.1:5000", "ext-1", 700, 2, 1);
	trace_dworker_set_outside(t, (size_t)w);
	trace_finish(t, 10, "finished: exit 0");
	const char *path = tmp_path("outside.trace");
	char *err = NULL;
	CHECK(trace_save(t, path, &err) == 0);
	size_t n = 0;
	char *b = slurp(path, &n);
	CHECK_CONTAINS(b, "\ndworker \"tcp://127.0.0.1:5000\" \"ext-1\" 700 2 2\n");
	free(b);
	trace *u = trace_load(path, &err);
	CHECK(u && trace_dworker_where(u, 0) == TRACE_DW_HOST && trace_task_outside(u, 0));
	trace_free(u);
	trace_free(t);
}

int main(void)
{
	if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
	test_round_trip();
	test_truncated();
	test_kinds_round_trip();
	test_blocks_round_trip();
	test_dworker_outside();
	test_version1();
	test_version2();
	test_version3();
	test_version4();
	test_version5();
	test_corrupt();
	test_unknown_kind();
	test_export();
	test_export_share();
	test_export_times();
	int rc = CHECK_DONE();
	if (!rc) {   /* leave the files to look at when something failed */
		char *cmd = NULL;
		size_t len = strlen(dir) + 16;
		cmd = malloc(len);
		snprintf(cmd, len, "rm -rf '%s'", dir);
		if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
		free(cmd);
	}
	return rc;
}
