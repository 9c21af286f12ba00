/* Unit tests of the trace model: slices, state lookup, sanitizing, CPU
 * counter samples and their interpolation; a capture's slices reconciled
 * with the kernel's totals (capture_reconcile) on made-up traces. */
#include "trace/capture.h"
#include "trace/trace.h"
#include "util/utf8.h"
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
	CHECK(trace_outcome_kind(t) == TRACE_RUNNING);
	trace_finish(t, 450, "done");
	CHECK(trace_end(t) == 450);
	CHECK_STR(trace_outcome(t), "done");
	CHECK(trace_outcome_kind(t) == TRACE_ENDED);   /* words parlab does not write */
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

/* trace_sanitize as it was before its plain-ASCII fast path: the fast
 * path must give the same bytes for every input and every cap. */
static size_t sanitize_ref(char *dst, size_t cap, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0, i = 0;
	if (!cap) return 0;
	while (i < len && o + 4 < cap) {
		unsigned char c = s[i];
		if (c == 0x1b) {
			i++;
			if (i < len && (s[i] == '[' || s[i] == ']')) {
				int osc = s[i] == ']';
				i++;
				while (i < len) {
					unsigned char d = s[i++];
					if (osc ? (d == 0x07) : (d >= 0x40 && d <= 0x7e)) break;
					if (osc && d == 0x1b) { if (i < len) i++; break; }
				}
			} else if (i < len) {
				i++;
			}
			continue;
		}
		if (c == '\t') {
			do dst[o++] = ' '; while (o % 4 && o + 4 < cap);
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) { i++; continue; }
		size_t n = utf8_safe_len(src + i, len - i);
		if (!n) {
			dst[o++] = (char)0xEF; dst[o++] = (char)0xBF; dst[o++] = (char)0xBD;
			i++;
			continue;
		}
		memcpy(dst + o, s + i, n);
		o += n;
		i += n;
	}
	dst[o] = '\0';
	return o;
}

/* Random bytes, mostly plain text with escapes, tabs, controls, UTF-8 and
 * bad bytes among it, at every small cap and a roomy one. */
static void test_sanitize_same(void)
{
	static const char *bits[] = { "\x1b[31m", "\x1b]0;t\x07", "\x1b]2;x\x1b\\", "\t", "\r", "\x7f", "\xc3\xa9",
				      "\xe2\x82\xac", "\xf0\x9f\x9a\x80", "\xc2\x9b", "\xff", "\xc3", "\x1b", "\x1b[" };
	unsigned seed = 12345;
	char in[200], a[700], b[700];
	int same = 1;
	for (int round = 0; round < 4000 && same; round++) {
		size_t len = 0;
		while (len < 150) {
			seed = seed * 1103515245u + 12345u;
			unsigned r = seed >> 16;
			if (r % 4) {
				in[len++] = (char)(0x20 + r % 95);
			} else if (r % 8 == 4) {
				in[len++] = (char)(r >> 4);   /* any byte */
			} else {
				const char *x = bits[(r >> 4) % (sizeof bits / sizeof *bits)];
				size_t n = strlen(x);
				memcpy(in + len, x, n);
				len += n;
			}
		}
		len = (size_t)(round % 151) < len ? (size_t)(round % 151) : len;
		size_t cap = round % 3 ? (size_t)(round % 40) : sizeof a;
		memset(a, 'A', sizeof a);
		memset(b, 'A', sizeof b);
		size_t na = trace_sanitize(a, cap, in, len), nb = sanitize_ref(b, cap, in, len);
		same = na == nb && !memcmp(a, b, sizeof a);
	}
	CHECK(same);
	char out[16];
	CHECK(trace_sanitize(out, 9, "0123456789", 10) == 5 && !strcmp(out, "01234"));   /* o + 4 < cap */
	CHECK(trace_sanitize(out, 16, "ab\x1b[1mcd\tx", 10) == 9 && !strcmp(out, "abcd    x"));
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

/* Every kind is kept as given, named, and found again by its name. */
static void test_outcome_kinds(void)
{
	int seen[TRACE_NEND_KINDS] = { 0 };
	for (int k = 0; k < TRACE_NEND_KINDS; k++) {
		const char *name = trace_end_kind_name((trace_end_kind)k);
		CHECK(name && strcmp(name, "?") && !strchr(name, ' '));
		CHECK(trace_end_kind_from_name(name) == k);
		seen[k]++;
		trace *t = trace_new("t", 0);
		unsigned long v = trace_version(t);
		trace_finish_as(t, 10, (trace_end_kind)k, "words");
		CHECK(trace_version(t) != v && trace_end(t) == 10);
		/* Finishing as "running" is no end: it is taken as ended, how unknown. */
		CHECK(trace_outcome_kind(t) == (k == TRACE_RUNNING ? TRACE_ENDED : (trace_end_kind)k));
		CHECK_STR(trace_outcome(t), "words");
		trace_free(t);
	}
	CHECK(trace_end_kind_from_name("timed out") == -1 && trace_end_kind_from_name("") == -1);
	CHECK(trace_end_kind_from_name("Finished") == -1);
	CHECK_STR(trace_end_kind_name(TRACE_NEND_KINDS), "?");
	CHECK_STR(trace_end_kind_name(TRACE_TIMED_OUT), "timed_out");
	CHECK_STR(trace_end_kind_name(TRACE_NOT_RUN), "not_run");
	trace *t = trace_new("t", 0);
	trace_finish_as(t, 5, TRACE_FINISHED, NULL);
	CHECK(trace_outcome(t) == NULL && trace_outcome_kind(t) == TRACE_FINISHED);
	trace_free(t);
}

/* Each wording of run.c's outcome() maps to its kind. */
static void test_outcome_infer(void)
{
	static const struct { const char *text; trace_end_kind kind; } cases[] = {
		{ NULL, TRACE_RUNNING },
		{ "finished: all 5 workers exited 0", TRACE_FINISHED },
		{ "finished: the worker exited 0", TRACE_FINISHED },
		{ "finished: exit 0", TRACE_FINISHED },
		{ "not run (see the message above)", TRACE_NOT_RUN },
		{ "the runner failed (status 9); every task killed and reaped", TRACE_RUNNER_FAILED },
		{ "w1 crashed (Segmentation fault): the run was stopped; every task killed and reaped", TRACE_CRASHED },
		{ "timed out after 2.0 s: every task killed and reaped", TRACE_TIMED_OUT },
		{ "stopped by you: every task killed and reaped", TRACE_STOPPED },
		{ "stopped by you (Ctrl-C): every task killed and reaped", TRACE_STOPPED },
		{ "parlab is closing: every task killed and reaped", TRACE_STOPPED },
		{ "2 of 5 workers failed: w1 exit 3, w4 exit 1", TRACE_FAILED },
		{ "python3 exit 1", TRACE_FAILED },
		{ "python3 killed by Killed", TRACE_FAILED },
		{ "failed: 2 of 4 workers could not start (Resource temporarily unavailable)", TRACE_FAILED },
		{ "failed: the command could not start", TRACE_FAILED },
		{ "failed: 1 of 2 workers did not report an end; 1 of 1 workers failed: w0 exit 1", TRACE_FAILED },
		{ "done", TRACE_ENDED },
		{ "finished", TRACE_ENDED },    /* not run.c's wording: no colon */
		{ "", TRACE_ENDED },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		trace_end_kind k = trace_end_kind_infer(cases[i].text);
		if (k != cases[i].kind)
			fprintf(stderr, "\"%s\": %s, expected %s\n", cases[i].text ? cases[i].text : "(null)",
				trace_end_kind_name(k), trace_end_kind_name(cases[i].kind));
		CHECK(k == cases[i].kind);
	}
}

/* A run failed by its end kind; live or of unknown kind, when a task died
 * of a signal or exited non-zero. */
static void test_run_failed(void)
{
	trace *t = trace_new("t", 0);
	CHECK(!trace_failed(t));   /* no task: nothing failed (not run) */
	int a = trace_task_add(t, 10, 10, 1, 0, "w0");
	int b = trace_task_add(t, 11, 11, 1, 1, "w1");
	CHECK(!trace_failed(t));   /* still running: exit unknown */
	trace_task_get(t, a)->exit_status = 0;
	trace_task_get(t, b)->exit_status = 0;
	CHECK(!trace_failed(t));
	trace_task_get(t, b)->exit_status = 3 << 8;   /* exit 3 */
	CHECK(trace_failed(t));
	trace_task_get(t, b)->exit_status = 11;       /* SIGSEGV */
	CHECK(trace_failed(t));
	trace_task_get(t, b)->exit_status = -1;       /* never seen to end */
	CHECK(!trace_failed(t));
	/* Once it has ended, its kind decides, whatever the tasks said. */
	static const struct { trace_end_kind kind; int failed; } by_kind[] = {
		{ TRACE_FINISHED, 0 }, { TRACE_NOT_RUN, 0 }, { TRACE_FAILED, 1 }, { TRACE_CRASHED, 1 },
		{ TRACE_TIMED_OUT, 1 }, { TRACE_STOPPED, 1 }, { TRACE_RUNNER_FAILED, 1 },
	};
	for (size_t i = 0; i < sizeof by_kind / sizeof *by_kind; i++) {
		trace *u = trace_new("u", 0);
		trace_finish_as(u, 5, by_kind[i].kind, "words");
		CHECK(trace_failed(u) == by_kind[i].failed);
		trace_free(u);
	}
	trace_task_get(t, b)->exit_status = 11;
	trace_finish_as(t, 5, TRACE_ENDED, "ended somehow");   /* an old file's unknown words: the tasks say */
	CHECK(trace_failed(t));
	trace_free(t);
}

static void test_cpu_samples(void)
{
	trace *t = trace_new("t", 1000);
	int64_t busy = -5, steal = -5, idle = -5;
	CHECK(trace_cpu_counters(t, 0, 0, 100, &busy, &steal, &idle) == -1);   /* none: unknown */
	CHECK(busy == 0 && steal == 0 && idle == 0);
	trace_cpu_sample(t, 0, 0, 5000, 100, 9000);
	trace_cpu_sample(t, 0, 1, 7000, 0, 1000);
	CHECK(trace_cpu_counters(t, 0, 0, 100, &busy, NULL, NULL) == -1);       /* one sample: unknown */
	trace_cpu_sample(t, 100, 0, 5060, 110, 9040);   /* 60 busy (10 steal), 40 idle */
	trace_cpu_sample(t, 100, 1, 6000, 0, 1100);     /* busy went back: counts 0 */
	trace_cpu_sample(t, 50, 0, 1, 1, 1);            /* out of order: ignored */
	trace_cpu_sample(t, 200, 0, -1, 0, 0);          /* negative: ignored */
	CHECK(trace_ncpu_samples(t) == 4);
	CHECK(trace_cpu_sample_at(t, 2)->t == 100 && trace_cpu_sample_at(t, 2)->busy_ns == 5060);
	CHECK(trace_cpu_sample_at(t, 4) == NULL);
	CHECK(trace_last(t) == 100);
	CHECK(trace_cpu_counters(t, 0, 0, 100, &busy, &steal, &idle) == 100);
	CHECK(busy == 60 && steal == 10 && idle == 40);
	CHECK(trace_cpu_counters(t, 0, 25, 75, &busy, &steal, &idle) == 50);     /* interpolated */
	CHECK(busy == 30 && steal == 5 && idle == 20);
	CHECK(trace_cpu_counters(t, 0, -50, 500, &busy, NULL, NULL) == 100 && busy == 60);   /* cut */
	CHECK(trace_cpu_counters(t, 0, 40, 40, &busy, NULL, NULL) == 0 && busy == 0);
	CHECK(trace_cpu_counters(t, 0, 150, 300, &busy, NULL, NULL) == -1);      /* after the samples */
	CHECK(trace_cpu_counters(t, 1, 0, 100, &busy, NULL, &idle) == 100 && busy == 0 && idle == 100);
	CHECK(trace_cpu_counters(t, 2, 0, 100, &busy, NULL, NULL) == -1);        /* no such CPU */
	trace_cpu_sample(t, 300, 0, 5260, 110, 9040);   /* 200 busy over 200 */
	CHECK(trace_cpu_counters(t, 0, 50, 200, &busy, NULL, NULL) == 150 && busy == 30 + 100);
	/* restarting later drops what came before the new start */
	trace_restart(t, 1100);
	CHECK(trace_ncpu_samples(t) == 3 && trace_cpu_sample_at(t, 0)->t == 0);
	CHECK(trace_cpu_counters(t, 0, 0, 200, &busy, NULL, NULL) == 200 && busy == 200);
	trace_free(t);
}

/* ---- capture_reconcile ------------------------------------------------------------ */

static int64_t running_sum(const trace *t, int task)
{
	size_t n;
	const trace_slice *s = trace_slices(t, task, &n);
	int64_t sum = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i].state == TS_RUNNING) sum += s[i].t1 - s[i].t0;
	return sum;
}

static int slice_is(const trace *t, int task, size_t i, int64_t t0, int64_t t1, trace_state st)
{
	size_t n;
	const trace_slice *s = trace_slices(t, task, &n);
	return i < n && s[i].t0 == t0 && s[i].t1 == t1 && s[i].state == st;
}

/* waiting [0,100) running [100,200) waiting [200,300) running [300,400), born 0 */
static int two_switch_ins(trace *t, pid_t tid, int cpu)
{
	int x = trace_task_add(t, 1, tid, 1, -1, NULL);
	trace_task_get(t, x)->born = 0;
	trace_slice_add(t, x, 0, 100, TS_RUNNABLE, -1);
	trace_slice_add(t, x, 100, 200, TS_RUNNING, cpu);
	trace_slice_add(t, x, 200, 300, TS_SLEEPING, -1);
	trace_slice_add(t, x, 300, 400, TS_RUNNING, cpu);
	return x;
}

static void test_reconcile(void)
{
	trace *t = trace_new("reconcile", 0);
	int shortx = two_switch_ins(t, 11, 0), over = two_switch_ins(t, 12, 1), odd = two_switch_ins(t, 13, 2);
	int unknown = two_switch_ins(t, 14, 3);
	/* no room: running from its first slice, birth unknown; and a
	 * running slice right after one on another CPU */
	int none = trace_task_add(t, 1, 15, 1, -1, NULL);
	trace_slice_add(t, none, 0, 100, TS_RUNNING, 4);
	trace_slice_add(t, none, 100, 200, TS_RUNNING, 5);
	/* a neighbour on its CPU: task nb runs on CPU 6 until 140, so
	 * crowded's switch-in at 150 may move to 140, not earlier; another
	 * task on CPU 7 until 149 does not count */
	int crowded = trace_task_add(t, 1, 16, 1, -1, NULL);
	trace_task_get(t, crowded)->born = 0;
	trace_slice_add(t, crowded, 0, 150, TS_RUNNABLE, -1);
	trace_slice_add(t, crowded, 150, 250, TS_RUNNING, 6);
	int nb = trace_task_add(t, 1, 17, 1, -1, NULL);
	trace_slice_add(t, nb, 100, 140, TS_RUNNING, 6);
	int other = trace_task_add(t, 1, 18, 1, -1, NULL);
	trace_slice_add(t, other, 100, 149, TS_RUNNING, 7);
	/* unequal rooms: 5 ns of waiting before the first switch-in (it keeps
	 * 1 ns), plenty before the second; born 95 */
	int uneq = trace_task_add(t, 1, 19, 1, -1, NULL);
	trace_task_get(t, uneq)->born = 95;
	trace_slice_add(t, uneq, 95, 100, TS_RUNNABLE, -1);
	trace_slice_add(t, uneq, 100, 200, TS_RUNNING, 8);
	trace_slice_add(t, uneq, 200, 400, TS_RUNNABLE, -1);
	trace_slice_add(t, uneq, 400, 500, TS_RUNNING, 8);
	/* first slice running, born known: may start as early as birth */
	int born = trace_task_add(t, 1, 20, 1, -1, NULL);
	trace_task_get(t, born)->born = 50;
	trace_slice_add(t, born, 60, 100, TS_RUNNING, 9);

	/* a process: its exit after its death (perf's EXIT record) is not
	 * shown there, its shortfall is spread like a thread's */
	int exitp = trace_task_add(t, 30, 30, 1, -1, NULL);
	trace_task_get(t, exitp)->born = 0;
	trace_task_get(t, exitp)->died = 200;
	trace_slice_add(t, exitp, 0, 100, TS_RUNNABLE, -1);
	trace_slice_add(t, exitp, 100, 200, TS_RUNNING, 10);

	int nt = trace_ntasks(t);
	int64_t kernel[16], left[16];
	for (int i = 0; i < nt; i++) kernel[i] = -1;
	kernel[shortx] = 240;   /* 40 short: 20 earlier at each switch-in */
	kernel[over] = 150;     /* 50 over: 25 later at each */
	kernel[odd] = 201;      /* 1 ns short: one of them takes it */
	kernel[none] = 300;
	kernel[crowded] = 150;  /* 50 short, room for 10 */
	kernel[nb] = 40;        /* exact: untouched */
	kernel[uneq] = 260;     /* 60 short: 4 + 56 */
	kernel[born] = 45;      /* 5 short: back to 55 */
	kernel[exitp] = 140;    /* 40 short: all before */
	unsigned long v = trace_version(t);
	capture_reconcile(t, kernel, NULL, left);
	CHECK(trace_version(t) != v);

	CHECK(running_sum(t, shortx) == 240 && left[shortx] == 0);
	CHECK(slice_is(t, shortx, 0, 0, 80, TS_RUNNABLE) && slice_is(t, shortx, 1, 80, 200, TS_RUNNING));
	CHECK(slice_is(t, shortx, 2, 200, 280, TS_SLEEPING) && slice_is(t, shortx, 3, 280, 400, TS_RUNNING));

	CHECK(running_sum(t, over) == 150 && left[over] == 0);
	CHECK(slice_is(t, over, 0, 0, 125, TS_RUNNABLE) && slice_is(t, over, 1, 125, 200, TS_RUNNING));
	CHECK(slice_is(t, over, 2, 200, 325, TS_SLEEPING) && slice_is(t, over, 3, 325, 400, TS_RUNNING));

	CHECK(running_sum(t, odd) == 201 && left[odd] == 0);

	CHECK(running_sum(t, unknown) == 200 && left[unknown] == 0);   /* not known: as it was */
	CHECK(slice_is(t, unknown, 1, 100, 200, TS_RUNNING));

	CHECK(running_sum(t, none) == 200 && left[none] == -100);
	CHECK(slice_is(t, none, 0, 0, 100, TS_RUNNING) && slice_is(t, none, 1, 100, 200, TS_RUNNING));

	CHECK(running_sum(t, crowded) == 110 && left[crowded] == -40);
	CHECK(slice_is(t, crowded, 0, 0, 140, TS_RUNNABLE) && slice_is(t, crowded, 1, 140, 250, TS_RUNNING));
	CHECK(slice_is(t, nb, 0, 100, 140, TS_RUNNING) && left[nb] == 0);
	CHECK(slice_is(t, other, 0, 100, 149, TS_RUNNING));

	CHECK(running_sum(t, uneq) == 260 && left[uneq] == 0);
	CHECK(slice_is(t, uneq, 0, 95, 96, TS_RUNNABLE) && slice_is(t, uneq, 1, 96, 200, TS_RUNNING));
	CHECK(slice_is(t, uneq, 2, 200, 344, TS_RUNNABLE) && slice_is(t, uneq, 3, 344, 500, TS_RUNNING));

	CHECK(running_sum(t, born) == 45 && slice_is(t, born, 0, 55, 100, TS_RUNNING));

	CHECK(running_sum(t, exitp) == 140 && left[exitp] == 0);
	CHECK(slice_is(t, exitp, 0, 0, 60, TS_RUNNABLE) && slice_is(t, exitp, 1, 60, 200, TS_RUNNING));
	CHECK(trace_task_at(t, exitp)->died == 200);

	/* Over by more than the slices can give: each keeps 1 ns. */
	kernel[shortx] = 0;
	capture_reconcile(t, kernel, NULL, left);
	CHECK(running_sum(t, shortx) == 2 && left[shortx] == 2);
	CHECK(slice_is(t, shortx, 1, 199, 200, TS_RUNNING) && slice_is(t, shortx, 3, 399, 400, TS_RUNNING));
	CHECK(slice_is(t, shortx, 2, 200, 399, TS_SLEEPING));

	/* the primitive refuses what would break a slice */
	CHECK(trace_slice_move_start(t, uneq, 1, 95) == -1);    /* the waiting one would vanish */
	CHECK(trace_slice_move_start(t, uneq, 1, 200) == -1);   /* the slice would */
	CHECK(trace_slice_move_start(t, born, 0, 49) == -1);    /* before birth */
	CHECK(trace_slice_move_start(t, uneq, 9, 0) == -1);
	CHECK(slice_is(t, uneq, 1, 96, 200, TS_RUNNING));
	trace_free(t);

	/* A total as of a moment: only the slices before it count and move. */
	t = trace_new("as of", 0);
	int early = two_switch_ins(t, 21, 0), mid = two_switch_ins(t, 22, 1), whole = two_switch_ins(t, 23, 2);
	int64_t k3[3] = { 0 }, at3[3] = { 0 };
	k3[early] = 120;   /* 100 before 250: 20 short, at the first switch-in only */
	at3[early] = 250;
	k3[mid] = 100;     /* 150 before 350: 50 over, 25 at each (the second keeps 24 before 350) */
	at3[mid] = 350;
	k3[whole] = 240;
	at3[whole] = -1;   /* up to its end */
	capture_reconcile(t, k3, at3, left);
	CHECK(slice_is(t, early, 1, 80, 200, TS_RUNNING) && slice_is(t, early, 3, 300, 400, TS_RUNNING) && left[early] == 0);
	CHECK(slice_is(t, mid, 1, 125, 200, TS_RUNNING) && slice_is(t, mid, 3, 325, 400, TS_RUNNING) && left[mid] == 0);
	CHECK(running_sum(t, whole) == 240 && left[whole] == 0);
	trace_free(t);
}

/* The output cap keeps the head and the latest lines; the gap between is
 * one line of parlab's that counts them; bytes cap as lines do. */
static void test_line_cap(void)
{
	trace *t = trace_new("cap", 0);
	trace_line_add(t, -1, 0, 0, "preparing", 9);   /* before the cap: the head's */
	trace_set_line_cap(t, 3, 1000, 4, 1000);
	char buf[32];
	for (int i = 0; i < 20; i++) {
		int n = snprintf(buf, sizeof buf, "line %d", i);
		trace_line_add(t, 0, 10 + i, 1, buf, (size_t)n);
	}
	CHECK(trace_nlines(t) == 3 + 1 + 4);
	CHECK(trace_ndropped(t) == 20 - 2 - 4);
	CHECK_STR(trace_line_at(t, 0)->text, "preparing");
	CHECK_STR(trace_line_at(t, 2)->text, "line 1");
	const trace_line *g = trace_line_at(t, 3);
	CHECK(g->task == -1 && g->stream == 0 && g->t == 12);   /* where the first was dropped */
	CHECK_CONTAINS(g->text, "14 lines not kept here");
	CHECK_CONTAINS(g->text, "first 3 and the last 4");
	CHECK_STR(trace_line_at(t, 4)->text, "line 16");
	CHECK_STR(trace_line_at(t, 7)->text, "line 19");
	CHECK(trace_line_at(t, 8) == NULL);
	trace_line_add(t, 0, 30, 1, "line 20", 7);   /* the gap's words follow: said when read */
	CHECK_CONTAINS(trace_line_at(t, 3)->text, "15 lines not kept here");
	CHECK_STR(trace_line_at(t, 7)->text, "line 20");
	trace_line_add(t, 0, 31, 1, "line 21", 7);
	trace_line_add(t, 0, 32, 1, "line 22", 7);
	CHECK_CONTAINS(trace_line_at(t, 3)->text, "17 lines not kept here");
	CHECK(trace_line_at(t, 3)->t == 12);
	CHECK_STR(trace_line_at(t, 4)->text, "line 19");
	for (size_t i = 1; i < trace_nlines(t); i++) CHECK(trace_line_at(t, i)->t >= trace_line_at(t, i - 1)->t);
	trace_restart(t, 5);
	CHECK(trace_line_at(t, 7)->t == 32 - 5);
	trace_free(t);

	/* by bytes: a head of 10 bytes takes "aaaa" twice; a tail of 12 bytes keeps the last two "bbbbb" */
	t = trace_new("bytes", 0);
	trace_set_line_cap(t, 100, 10, 100, 12);
	for (int i = 0; i < 3; i++) trace_line_add(t, 0, i, 1, "aaaa", 4);
	for (int i = 0; i < 5; i++) trace_line_add(t, 0, 10 + i, 1, "bbbbb", 5);
	CHECK(trace_nlines(t) == 2 + 1 + 2);
	CHECK(trace_ndropped(t) == 1 + 3);
	CHECK_CONTAINS(trace_line_at(t, 2)->text, "4 lines not kept");
	CHECK_CONTAINS(trace_line_at(t, 2)->text, "the last 2 lines");
	CHECK_STR(trace_line_at(t, 4)->text, "bbbbb");
	trace_free(t);

	/* no cap: everything kept */
	t = trace_new("all", 0);
	for (int i = 0; i < 1000; i++) trace_line_add(t, 0, i, 1, "x", 1);
	CHECK(trace_nlines(t) == 1000 && trace_ndropped(t) == 0);
	trace_free(t);
}

int main(void)
{
	test_line_cap();
	test_reconcile();
	test_cpu_samples();
	test_slices();
	test_outcome_kinds();
	test_outcome_infer();
	test_run_failed();
	test_sanitize();
	test_sanitize_same();
	test_lines();
	test_format();
	return CHECK_DONE();
}
