/*
 * engine: courses, lessons and steps, and a student's session through them.
 * Knows nothing of ncurses: the TUI and the batch front end both drive it.
 *
 * A course is a folder of Lua lessons (or one lesson file). Loading runs the
 * lesson scripts in a restricted Lua state; a lesson returns a table of
 * steps: text, code, run and quiz. Worker functions never run in this
 * process: engine_run hands them to the runner (src/run).
 */
#ifndef PARLAB_ENGINE_H
#define PARLAB_ENGINE_H
#include <stdio.h>
#include "run/run.h"
#include "trace/trace.h"
#include "util/loop.h"

typedef enum { STEP_TEXT, STEP_CODE, STEP_RUN, STEP_QUIZ } step_kind;

/* Question types (quiz{ type = ... }). */
typedef enum { QUIZ_CHOICE, QUIZ_MULTI, QUIZ_TEXT, QUIZ_NUMBER, QUIZ_ORDER } quiz_type;

typedef struct {
	step_kind kind;
	const char *file;     /* lesson file it was defined in */
	int line;             /* line of the constructor call */
	char *title;          /* code: file name; run: run title; may be NULL */
	char *body;           /* text, code source, or the question */
	/* code */
	char *lang;           /* "python", "lua", "text" */
	/* run */
	run_kind rkind;
	int nworkers;
	char **argv;          /* command, NULL-terminated */
	char **python;        /* Python modules the command needs, or NULL */
	int timeout_ms;
	char *note;           /* shown after the run */
	char **files;         /* course files copied next to the command */
	char *baseline;       /* title of an earlier run to compare with */
	char *csv_file;       /* a CSV to generate before the run, or NULL */
	char *csv_column;
	int csv_rows;
	double csv_mean;
	/* quiz */
	quiz_type qtype;
	char **choices;       /* NULL-terminated; order: the items, as shown */
	int nchoices;
	int answer;           /* choice: 1-based; other types 0 */
	int *answers;         /* multi: the right choices (ascending); order: the
	                         right sequence of item numbers */
	int nanswers;
	char **accept;        /* text: equivalent right answers, NULL-terminated */
	char **patterns;      /* text: Lua patterns matched against the normalized input */
	double number;        /* number: the right value */
	double tolerance;     /* number: absolute, >= 0 */
	int retries;          /* wrong answers before the answer is revealed (default 2) */
	char *explain;
	char **hints;         /* NULL-terminated */
	int nhints;
	int ref;              /* private: worker function in the registry */
	int index;            /* private: 1-based position in the lesson table */
} step;

typedef struct {
	char *title;
	char *file;
	step *steps;
	int nsteps;
} lesson;

typedef struct course course;

/* Loads a course folder or a single lesson file. On error returns NULL and
 * sets *err to "file:line: message" (caller frees). */
course *course_load(const char *path, char **err);
void course_free(course *c);
/* Loads every lesson of a course folder or file without running anything,
 * printing each error as "file:line: message" to out. Returns the count. */
int course_check(const char *path, FILE *out);
const char *course_title(const course *c);
const char *course_dir(const course *c);
int course_nlessons(const course *c);
const lesson *course_lesson(const course *c, int i);

/* Where bundled courses live: $PARLAB_LESSONS, next to the binary, or the
 * source tree it was built from. NULL if none found. */
const char *course_bundled_dir(void);
/* The default course path (Module 14), freshly allocated, or NULL. */
char *course_default_path(void);

/* ---- a session ---------------------------------------------------------- */

typedef struct engine engine;

engine *engine_new(course *c, loop *l);
void engine_free(engine *e);
course *engine_course(engine *e);

int engine_lesson_index(const engine *e);
int engine_step_index(const engine *e);
const lesson *engine_lesson(const engine *e);
const step *engine_step(const engine *e);
/* Moves one step; crosses lessons. 0 when moved, -1 at either end. */
int engine_next(engine *e);
int engine_back(engine *e);
int engine_goto(engine *e, int lesson, int step);
/* Steps counted over the whole course, for "step 7/31". */
int engine_position(const engine *e, int *total);

/* Starts the current step's run; its trace is engine_trace afterwards.
 * The events are the front end's (redraw on update, go on when done). */
int engine_run(engine *e, const run_events *ev, char **err);
void engine_stop(engine *e, const char *why);
int engine_running(const engine *e);
/* The trace of the last run of the current step, or NULL. */
trace *engine_trace(engine *e);
/* The last run's exit status (0 ok). */
int engine_run_failed(const engine *e);
/* The last run was skipped: its prerequisites were missing. */
int engine_run_skipped(const engine *e);
/* The last run's trace, whatever the current step (NULL if none), and the
 * step it belongs to. Valid until the next engine_run or engine_free. */
trace *engine_last_trace(engine *e, const step **s);

typedef struct {
	int correct;
	int choice;           /* choice type: 1-based choice the input meant; else 0 */
	const char *explain;  /* the step's explanation (may be NULL) */
	const char *why;      /* on -1: what an answer to this question looks like */
} quiz_result;

/* Judges an answer to the current quiz step, by its type:
 *  choice: a choice number or the text of a choice (case-insensitive,
 *          surrounding space ignored);
 *  multi:  the numbers of every right choice, any order ("1,3", "3 1");
 *  text:   any text, normalized (case, surrounding space and punctuation,
 *          inner runs of space) and compared with accept / patterns;
 *  number: the first number in the input, within the tolerance;
 *  order:  every item's number once, in the right sequence ("2 3 1").
 * -1 when the input is no answer of that shape (res->why says what is). */
int engine_answer(engine *e, const char *input, quiz_result *res);
/* The right answer in a human-readable form, e.g. "2) three", "1) a, 3) c",
 * "Dask", "2 (±0.5)", "2, 3, 1: run, exit, fork". Caller frees. */
char *engine_right_answer(const step *s);
/* What the student types for this question, e.g. "(type a number)". */
const char *engine_quiz_prompt(const step *s);
/* Next hint for the current quiz (NULL when none are left). */
const char *engine_hint(engine *e);
/* Right answers / questions asked so far in this session. */
void engine_score(const engine *e, int *right, int *asked);

/* Keeps the session's progress in p (see engine/progress.h) under the
 * course id: every move (position, steps seen, time per lesson) and every
 * answer. p stays the caller's; NULL stops keeping (as engine_free does). */
struct progress;
void engine_set_progress(engine *e, struct progress *p, const char *course_id);

/* Number of online CPUs, as lessons see it. */
int engine_ncpu(void);

#endif
