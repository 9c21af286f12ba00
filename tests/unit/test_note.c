/* Notes written from the student's own run: tests/lessons/good/note.lua's
 * run steps have note = function(run, runs); after real runs (forked
 * workers and threads), engine_run_note says what the function made of
 * that run's summary (and of the lesson's other runs), a fixed note stays
 * as written, and a function that returns no text, fails or never ends
 * is said in the note's place with its file:line, in bounded time. A text
 * step's body function is written from the course's runs so far, again
 * after each run. */
#include "engine/engine.h"
#include "check.h"
#include <stdlib.h>
#include <string.h>

static engine *E;
static loop *L;
static int done;
static void on_done(run *r, void *arg) { (void)r; (void)arg; done = 1; }

/* Runs step si of lesson 1 and returns its note (caller frees). */
static char *run_note(int si)
{
	run_events ev = { NULL, on_done, NULL, NULL };
	char *err = NULL;
	CHECK(engine_goto(E, 0, si) == 0);
	done = 0;
	if (engine_run(E, &ev, &err) < 0) {
		fprintf(stderr, "engine_run: %s\n", err);
		free(err);
		return NULL;
	}
	for (int i = 0; i < 300 && !done; i++) loop_once(L, 100);
	CHECK(done);
	return engine_run_note(E, engine_step(E));
}

int main(void)
{
	char path[512], *err = NULL;
	snprintf(path, sizeof path, "%s/lessons/good/note.lua", getenv("PARLAB_TEST_DIR"));
	course *c = course_load(path, &err);
	if (!c) { fprintf(stderr, "%s\n", err); return 1; }
	L = loop_new();
	E = engine_new(c, L);
	const lesson *l = course_lesson(c, 0);
	CHECK(engine_run_note(E, &l->steps[0]) == NULL);   /* a note function before any run: nothing */
	char *body = engine_text_body(E, &l->steps[7]);   /* a text body function before any run */
	char first[64];   /* ${ncpu} in a written text too */
	snprintf(first, sizeof first, "# So far\n\nNothing run yet on %d CPUs.", engine_ncpu());
	CHECK_STR(body, first);
	free(body);
	char *fixed = engine_run_note(E, &l->steps[6]);     /* a fixed note: as written, before a run too */
	CHECK(fixed && strstr(fixed, "A fixed note on ") && !strstr(fixed, "${ncpu}"));
	free(fixed);

	char *n = run_note(1);   /* "Two" before "One": the function says what is missing */
	CHECK_STR(n, "Run \"One\" first to compare.");
	free(n);
	n = run_note(0);
	char want[128];
	CHECK(n != NULL);
	if (n) {
		int ms = -1, cpus = -1;
		CHECK(sscanf(n, "Your run took %d ms on %d CPUs", &ms, &cpus) == 2);
		CHECK(ms >= 30 && cpus == engine_ncpu());   /* at least its 30 ms of work */
		snprintf(want, sizeof want, "on %d CPUs; 1 worker printed 1 line.", cpus);
		CHECK_CONTAINS(n, want);
	}
	free(n);
	n = run_note(1);
	CHECK_STR(n, "Two workers: 2 lines, after \"One\" with 1.");
	free(n);
	n = engine_run_note(E, &l->steps[0]);   /* each run step keeps its own note */
	CHECK(n && !strncmp(n, "Your run took ", 14));
	free(n);
	CHECK(run_note(2) == NULL);             /* nil: no note */
	n = run_note(3);
	CHECK_CONTAINS(n, "note.lua:");
	CHECK_CONTAINS(n, "the run's note returned a table, not a text (or nil)");
	free(n);
	n = run_note(4);
	CHECK_CONTAINS(n, "note.lua:");
	CHECK_CONTAINS(n, "the note failed on purpose");
	free(n);
	n = run_note(5);
	CHECK_CONTAINS(n, "took too long");
	free(n);
	body = engine_text_body(E, &l->steps[7]);   /* written again from the runs so far */
	CHECK_STR(body, "# So far\n\n\"One\" printed 1 line; 6 runs so far.");
	free(body);
	free(run_note(6));
	body = engine_text_body(E, &l->steps[7]);   /* a new run: written again */
	CHECK_STR(body, "# So far\n\n\"One\" printed 1 line; 7 runs so far.");
	free(body);
	body = engine_text_body(E, &l->steps[8]);   /* no text returned: said, with file:line */
	CHECK_CONTAINS(body, "note.lua:");
	CHECK_CONTAINS(body, "the text's body returned a number, not a text (or nil)");
	free(body);
	body = engine_text_body(E, &l->steps[6]);   /* not a text step: NULL */
	CHECK(body == NULL);
	free(body);
	engine_free(E);
	course_free(c);
	loop_free(L);
	return CHECK_DONE();
}
