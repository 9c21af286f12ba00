/* Other programs, for real: a 1-worker run of tests/lessons/good/other.lua
 * while busy processes outside the run (one pinned to each CPU, up to 16)
 * keep the CPUs busy. The run's summary (observe's run.other_share, per
 * CPU cpus_other) and the statistics must see them: at least 20 % of the
 * CPUs went to others. A run without them only has to know its share. */
#include "engine/engine.h"
#include "trace/trace_stats.h"
#include "ui/batch.h"
#include "check.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_HOGS 16

static engine *E;
static loop *L;
static int done;
static pid_t hogs[MAX_HOGS];
static int nhogs;
static void on_done(run *r, void *arg) { (void)r; (void)arg; done = 1; }

/* One busy child per CPU (up to MAX_HOGS), each pinned to its CPU. */
static void hogs_start(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	nhogs = 0;
	for (int c = 0; c < ncpu && c < MAX_HOGS; c++) {
		pid_t pid = fork();
		if (pid < 0) break;
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			cpu_set_t set;
			CPU_ZERO(&set);
			CPU_SET(c, &set);
			sched_setaffinity(0, sizeof set, &set);
			for (volatile unsigned long x = 0;; x++) {}
		}
		hogs[nhogs++] = pid;
	}
}

/* Kills the busy children still ours: the run reaps every child left at
 * its end (parlab is a subreaper), so a pid already reaped is not killed
 * again (it may be another process's by now). */
static void hogs_stop(void)
{
	for (int i = 0; i < nhogs; i++) {
		int st;
		pid_t w = waitpid(hogs[i], &st, WNOHANG);
		if (w == 0) {
			kill(hogs[i], SIGKILL);
			waitpid(hogs[i], &st, 0);
		}
	}
	nhogs = 0;
}

/* Predicts, runs, and returns other programs' share in % (-1 unknown). */
static int share_of_run(const char **note)
{
	quiz_result res;
	run_events ev = { NULL, on_done, NULL, NULL };
	char *err = NULL;
	CHECK(engine_goto(E, 0, 0) == 0 && engine_answer(E, "0", &res) == 0);
	CHECK(engine_goto(E, 0, 1) == 0);
	done = 0;
	if (engine_run(E, &ev, &err) < 0) { fprintf(stderr, "engine_run: %s\n", err); free(err); return -2; }
	for (int i = 0; i < 300 && !done; i++) loop_once(L, 100);
	CHECK(done);
	const engine_verdict *v;
	int n = engine_verdicts(E, &engine_lesson(E)->steps[1], &v);
	CHECK(n == 1);
	if (n != 1) return -2;
	*note = v->note;
	if (!v->judged) return -1;
	return atoi(v->observed);
}

int main(void)
{
	char *err = NULL;
	course *c = course_load(fixture("lessons/good/other.lua"), &err);
	if (!c) { fprintf(stderr, "%s\n", err); return 1; }
	L = loop_new();
	E = engine_new(c, L);
	const char *note = NULL;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	/* As the machine is: known, a share 0..100, every CPU counted. */
	int quiet = share_of_run(&note);
	fprintf(stderr, "as the machine is: other programs %d %% (%s)\n", quiet, note ? note : "");
	CHECK(quiet >= 0 && quiet <= 100);
	CHECK_CONTAINS(note, "cpu0=");
	CHECK(!note || !strstr(note, "?"));

	/* With a busy program on every CPU. */
	hogs_start();
	CHECK(nhogs >= 1);
	int busy = share_of_run(&note);
	hogs_stop();
	fprintf(stderr, "with %ld busy programs: other programs %d %% (%s)\n", ncpu < MAX_HOGS ? ncpu : MAX_HOGS, busy,
		note ? note : "");
	CHECK(busy >= (ncpu <= MAX_HOGS ? 20 : 0));
	CHECK_CONTAINS(note, "noticeable");
	if (ncpu <= MAX_HOGS) CHECK(note && !strstr(note, "not noticeable"));
	trace_stats st;
	char sentence[200];
	trace_stats_compute(engine_trace(E), &st);
	CHECK(st.other_share >= 0.2 || ncpu > MAX_HOGS);
	CHECK(trace_stats_other_note(&st, sentence, sizeof sentence) == 1 || ncpu > MAX_HOGS);
	CHECK(!strncmp(sentence, "other programs used ", 20));   /* the host's steal may follow the figure */
	CHECK_CONTAINS(sentence, "% of the CPUs during this run");
	CHECK_CONTAINS(sentence, ": times can be longer than on a quiet machine");
	trace_stats_free(&st);

	/* The batch transcript says it after the statistics. */
	hogs_start();
	char *buf = NULL;
	size_t len = 0;
	FILE *in = fmemopen((char *)"0\n", 2, "r"), *out = open_memstream(&buf, &len);
	batch_main(E, L, in, out);
	hogs_stop();
	fclose(in);
	fclose(out);
	char *stats = buf ? strstr(buf, "statistics: wall") : NULL, *said = buf ? strstr(buf, "  other programs used ") : NULL;
	CHECK(stats && said && said > stats);
	/* The sentence wraps at 80 columns: read with each break and its indent one space. */
	char *flat = said ? xstrdup(said) : NULL;
	for (char *r = flat, *w = flat; r && (*w = *r); r++) {
		if (*r == '\n' && r[1] == ' ') { *w++ = ' '; while (r[1] == ' ') r++; }
		else w++;
	}
	CHECK_CONTAINS(flat, "% of the CPUs during this run");
	CHECK_CONTAINS(flat, ": times can be longer than on a quiet machine.\n");
	free(flat);
	if (!said) fprintf(stderr, "%s", buf ? buf : "");
	free(buf);

	engine_free(E);
	course_free(c);
	loop_free(L);
	return CHECK_DONE();
}
