/* Unit tests of the trace model: slices, state lookup, sanitizing. */
#include "trace/trace.h"
#include "check.h"
#include <stdlib.h>

static void test_slices(void)
{
	trace *t = trace_new("t", 0);
	int a = trace_task_add(t, 10, 10, 1, 0, "w0");
	int b = trace_task_add(t, 10, 11, 1, -1, NULL);
	CHECK(a == 0 && b == 1);
	CHECK_STR(trace_task_at(t, b)->label, "T11");
	CHECK(trace_task_at(t, b)->is_thread);
	CHECK(trace_task_find(t, 11) == b);
	CHECK(trace_task_find(t, 99) == -1);

	trace_slice_add(t, a, 0, 100, TS_RUNNING, 1);
	trace_slice_add(t, a, 100, 200, TS_RUNNING, 1);   /* merges */
	trace_slice_add(t, a, 200, 300, TS_RUNNING, 0);   /* other CPU: new */
	trace_slice_add(t, a, 250, 400, TS_SLEEPING, 3);  /* overlap clipped; cpu dropped */
	size_t n;
	const trace_slice *s = trace_slices(t, a, &n);
	CHECK(n == 3);
	CHECK(s[0].t0 == 0 && s[0].t1 == 200 && s[0].cpu == 1);
	CHECK(s[2].t0 == 300 && s[2].t1 == 400 && s[2].cpu == -1);
	CHECK(trace_task_at(t, a)->cpus == 3);   /* CPUs 0 and 1 */

	int cpu;
	CHECK(trace_state_at(t, a, 150, &cpu) == TS_RUNNING && cpu == 1);
	CHECK(trace_state_at(t, a, 250, &cpu) == TS_RUNNING && cpu == 0);
	CHECK(trace_state_at(t, a, 350, &cpu) == TS_SLEEPING && cpu == -1);
	CHECK(trace_state_at(t, a, 500, NULL) == TS_UNKNOWN);
	trace_task_get(t, a)->died = 400;
	CHECK(trace_state_at(t, a, 500, NULL) == TS_EXITED);
	CHECK(trace_last(t) == 400);
	trace_finish(t, 450, "done");
	CHECK(trace_end(t) == 450);
	CHECK_STR(trace_outcome(t), "done");
	trace_free(t);
}

static void test_sanitize(void)
{
	char out[64];
	trace_sanitize(out, sizeof out, "a\x1b[31mred\x1b[0m b", 16);
	CHECK_STR(out, "ared b");
	trace_sanitize(out, sizeof out, "\x1b]0;title\x07x", 11);
	CHECK_STR(out, "x");
	trace_sanitize(out, sizeof out, "bell\a\rcr", 8);
	CHECK_STR(out, "bellcr");
	trace_sanitize(out, sizeof out, "caf\xc3\xa9", 5);
	CHECK_STR(out, "caf\xc3\xa9");
	trace_sanitize(out, sizeof out, "bad\xff", 4);
	CHECK_STR(out, "bad\xef\xbf\xbd");
	trace_sanitize(out, sizeof out, "c1\xc2\x9b" "2J", 6);   /* CSI as C1 */
	CHECK_STR(out, "c1\xef\xbf\xbd\xef\xbf\xbd" "2J");
	trace_sanitize(out, 8, "0123456789abcdef", 16);
	CHECK(strlen(out) < 8);
}

static void test_lines(void)
{
	trace *t = trace_new("t", 1000);
	CHECK(trace_rel(t, 1500) == 500);
	trace_line_add(t, -1, 5, 0, "hello\x1b[2J", 9);
	CHECK(trace_nlines(t) == 1);
	CHECK_STR(trace_line_at(t, 0)->text, "hello");
	CHECK(trace_line_at(t, 1) == NULL);
	unsigned long v = trace_version(t);
	trace_lines_dropped(t, 3);
	CHECK(trace_ndropped(t) == 3 && trace_version(t) != v);
	trace_mark_add(t, 7, "mark");
	CHECK(trace_nmarks(t) == 1 && trace_mark_at(t, 0)->t == 7);
	trace_free(t);
}

static void test_format(void)
{
	char b[32];
	CHECK_STR(trace_fmt_ns(b, sizeof b, 1500), "2us");
	CHECK_STR(trace_fmt_ns(b, sizeof b, 2500000), "2.50ms");
	CHECK_STR(trace_fmt_ns(b, sizeof b, 1500000000), "1.50s");
	CHECK_STR(trace_fmt_cpus(b, sizeof b, 0), "-");
	CHECK_STR(trace_fmt_cpus(b, sizeof b, 0x1), "0");
	CHECK_STR(trace_fmt_cpus(b, sizeof b, 0x3), "0,1");
	CHECK_STR(trace_fmt_cpus(b, sizeof b, 0xf | 0x40), "0-3,6");
}

int main(void)
{
	test_slices();
	test_sanitize();
	test_lines();
	test_format();
	return CHECK_DONE();
}
