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

/* Question types (quiz{ type = ... }): one row each in quiz.c's table. */
typedef enum { QUIZ_CHOICE, QUIZ_MULTI, QUIZ_TEXT, QUIZ_NUMBER, QUIZ_ORDER } quiz_type;

typedef struct step {
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
	char *start_method;   /* a Python command's multiprocessing start method, or NULL */
	int optional;         /* run{ optional = true }: where a module of python is
	                         missing, the step says so and is not run, with no
	                         package to install (it may have none) */
	char *dask_scheduler; /* run{ dask_scheduler = "tcp://HOST:PORT" }: an existing
	                         Dask cluster for a run that uses one, or NULL */
	int timeout_ms;
	int memory_mb;        /* run{ memory = MiB }, 0: the default (run.h) */
	int max_tasks;        /* run{ tasks = N }, 0: the default */
	trace_end_kind expect;   /* run{ expect = ... }: TRACE_FINISHED, or
	                            TRACE_TIMED_OUT, TRACE_DEADLOCK, TRACE_CRASHED
	                            (engine_expect_lookup) */
	char *note;           /* shown after the run (a fixed text), or NULL */
	int note_fn;          /* private: a run's note = function(run, runs), or a
	                         text step's body = function(runs), in the registry */
	char **files;         /* course files copied next to the command */
	char *baseline;       /* title of an earlier run to compare with */
	char *csv_file;       /* a CSV to generate before the run, or NULL */
	char *csv_column;
	int csv_rows;
	double csv_mean;
	struct coord_spec *coord;   /* the blocks its workers share (coord.h), or NULL */
	int stepper;          /* run{ stepper = true }: the student schedules its workers
	                         one action at a time (engine_sched_*): STEPPER_ON;
	                         "allow": it runs freely, or stepped when started so
	                         (engine_run_stepped): STEPPER_ALLOW; else STEPPER_OFF */
	int goal;             /* private: run{ goal = {...} } in the registry, or LUA_NOREF */
	char *goal_text;      /* its text */
	int goal_never;       /* it is a claim: 'never' rather than 'reached' */
	int goal_schedules;   /* a claim: the schedules the search may try */
	char *solution;       /* a schedule that reaches the goal (parlab check --runs), or NULL */
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
	char *predict;        /* predict-then-observe: title of the later run step
	                         whose run judges the answer, else NULL */
	const struct step *predicts;   /* that run step */
	int observe;          /* private: the observe function in the registry (a
	                         question from a run: its answer function) */
	char *from;           /* a question from a run: title of the earlier run
	                         step whose latest run gives the answer, else NULL */
	const struct step *from_run;   /* that run step */
	char *explain;
	char *id;             /* quiz{ id = ... }: a stable name for progress, or NULL */
	char **hints;         /* NULL-terminated */
	int nhints;
	int ref;              /* private: worker function in the registry */
	int index;            /* private: 1-based position in the lesson table */
} step;

enum { STEPPER_OFF, STEPPER_ON, STEPPER_ALLOW };

typedef struct {
	char *title;
	char *file;
	step *steps;
	int nsteps;
	int must_answer;      /* its questions cannot be skipped */
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
/* next and goto return -2 (not moving) when a lesson with must_answer has
 * a question before the target that is not settled yet; this says which
 * (NULL when the way to lesson li, step si is free). */
const step *engine_blocker(const engine *e, int li, int si);
/* Where step s is: its index in its lesson, *li the lesson's (may be NULL). */
int engine_locate(const engine *e, const step *s, int *li);
/* A question's key in the progress store: "id:ID" for quiz{ id = ID },
 * else "q:" and a hash of its type and text ("#2" added for the same
 * question's second time in a lesson); NULL for other steps. Caller frees. */
char *engine_step_key(const engine *e, const step *s);
/* The course nc (the same course loaded again after an edit) takes the
 * place of the engine's: this session's state of each question goes with
 * it (by engine_step_key), of other steps by their kind, title and text;
 * the place stays on the same step where it is still there, else at the
 * same index of the same lesson file. The last run, its trace and the
 * verdicts are dropped. The engine owns nc from then on (and frees a
 * course an earlier reload gave it; the first stays the caller's). -1
 * (nothing changed, nc still the caller's) while a run is live. */
int engine_reload(engine *e, course *nc);
/* Steps counted over the whole course, for "step 7/31". */
int engine_position(const engine *e, int *total);

/* Starts the current step's run in a scratch folder of its own (made in
 * $TMPDIR, else /tmp; removed with the run); its trace is engine_trace
 * afterwards. The events are the front end's (redraw on update, go on when
 * done). -1 and *err (caller frees) when it cannot start: not a run step,
 * a run going, no scratch folder (the path and why), or the run itself
 * could not start (no pipes, no fork); the last run's trace and verdicts
 * are kept then as they were (ended; NULL if there was none): no trace is
 * left without an end. */
int engine_run(engine *e, const run_events *ev, char **err);
/* The same, stepped: for a step with stepper = true or "allow" (the
 * student is the scheduler); else as engine_run. */
int engine_run_stepped(engine *e, const run_events *ev, char **err);
void engine_stop(engine *e, const char *why);
int engine_running(const engine *e);
/* The trace of the last run of the current step, or NULL. */
trace *engine_trace(engine *e);
/* What to say after run step r's last run: its fixed note, or what its
 * note function said of that run (NULL before any run, or for none; an
 * error in the function is said in its place). Caller frees. */
char *engine_run_note(const engine *e, const step *r);
/* A text step's body: as written, or what its body function made of the
 * course's latest runs (by title; written again after each run, an error
 * said in its place). Caller frees. */
char *engine_text_body(engine *e, const step *s);
/* The last run's exit status (0 ok): an end its step expects (run{
 * expect = "timeout" }) is no failure. */
int engine_run_failed(const engine *e);
/* The last run ended the way its step expects (a finish, or the declared
 * expect); 0 while it is live or before any run. */
int engine_run_as_expected(const engine *e);
/* What the current run is preparing (copying files, generating a CSV,
 * finding a Python), and since when (*since, CLOCK_MONOTONIC ns, the run's
 * start): NULL once its workers start, and when no run is live. */
const char *engine_preparing(const engine *e, int64_t *since);
/* While the run's Python program imports a module at its top level: which
 * (run_importing), since when; NULL when not. */
const char *engine_importing(const engine *e, int64_t *since);
/* run{ expect = name }: the end it names ("finish", "timeout"; one row each
 * in engine_run.c's table), 0 and *kind; -1 for a name it does not know. */
int engine_expect_lookup(const char *name, trace_end_kind *kind);
/* The names engine_expect_lookup knows, for an error message: "finish, timeout". */
const char *engine_expect_names(void);
/* The name of an expected end (engine_expect_lookup's inverse), or NULL. */
const char *engine_expect_name(trace_end_kind kind);
/* The last run was skipped: its prerequisites were missing. */
int engine_run_skipped(const engine *e);
/* An existing Dask cluster for the runs that use one (a Python command whose
 * `python` list names "distributed"): they get its scheduler's address as
 * DASK_SCHEDULER_ADDRESS, Dask's own setting. From, in this order: addr
 * (parlab --dask-scheduler; NULL: none), $PARLAB_DASK_SCHEDULER, the run's
 * dask_scheduler field. engine_set_dask_scheduler copies addr. */
void engine_set_dask_scheduler(engine *e, const char *addr);
/* The address run step s would be given, or NULL (it uses no Dask cluster,
 * or none was named: the program starts its own). */
const char *engine_dask_scheduler(const engine *e, const step *s);
/* Whether a looks like a Dask scheduler's address, tcp:// or tls:// then
 * HOST:PORT (an IPv6 host in brackets): 0, else -1 and why (a sentence
 * naming a) in buf. */
int engine_dask_address_check(const char *a, char *why, size_t cap);
/* The last run's trace, whatever the current step (NULL if none), and the
 * step it belongs to. Valid until the next engine_run or engine_free. */
trace *engine_last_trace(engine *e, const step **s);

/* ---- a stepped run: the student is the scheduler (run{ stepper = true },
 * engine_sched.c over coord_step.h). Its workers stop at each call on the
 * run's blocks (and at print, mark) until let go, one action at a time;
 * no timeout applies while they wait. ---- */
/* Its workers, when the live run is stepped; else 0. */
int engine_sched_workers(const engine *e);
/* The live run is stepped and every worker is at a step point or done:
 * a step may be taken now. */
int engine_sched_ready(const engine *e);
/* Worker w's next action in words ("read counter (now 41)", "lock B (held
 * by w0)", "done", "running"); *can: it may go now (if can). */
void engine_sched_next(const engine *e, int w, char *buf, size_t cap, int *can);
/* Lets w do its next action (w -1: the first worker that can, after the
 * one let go last). The worker let go (its action in what), or -1 with
 * why ("w1 cannot go: lock A is held by w0"). */
int engine_sched_step(engine *e, int w, char *what, size_t cap);
/* As engine_sched_step, for keys typed faster than workers move (a Python
 * program starting a process): while a worker still runs to its next
 * point, the step waits for every worker to reach one, after those asked
 * for before it (at most 8), and ENGINE_SCHED_AHEAD is returned. A step
 * that cannot go when its turn comes goes no more, nor do those after
 * it: engine_sched_stopped says why. */
#define ENGINE_SCHED_AHEAD (-2)
int engine_sched_ahead(engine *e, int w, char *what, size_t cap);
/* Steps asked for ahead that have not gone yet. */
int engine_sched_waiting(const engine *e);
/* From now on every worker that can go goes, in turn, until all are done
 * or none can (a deadlock: the run stops as free runs do). */
void engine_sched_go(engine *e);
/* Lets w go, and again each time it is at its next point, until it cannot
 * (it waits for another worker) or is done. 0, or -1 and why. */
int engine_sched_go_worker(engine *e, int w, char *why, size_t cap);
/* The workers let go so far, in order (n of them): the live run's, or the
 * last stepped run's. */
const int *engine_sched_list(const engine *e, int *n);

/* Starting over. Workers are deterministic given the schedule, so an
 * earlier state is reached again by running the step from the start and
 * letting its workers go by a plan. engine_sched_replay stops the live run
 * of the current (stepped) step, if any, starts it again and lets plan[0],
 * plan[1]... go (n steps; delay_ms between them, 0: at once); then the
 * student steps on. 0, or -1 and why. */
int engine_sched_replay(engine *e, const int *plan, int n, int delay_ms, char *why, size_t cap);
/* The schedule so far less its last k steps (at least 1), replayed. */
int engine_sched_undo(engine *e, int k, char *why, size_t cap);
/* Steps still to replay (1 while starting over or searching), else 0. */
int engine_sched_replaying(const engine *e);
/* Why the last replay stopped short of its plan (a step that could not
 * be taken: the lesson changed?), or a step asked ahead did not go, as a
 * sentence ("the replay stopped: step 3 ..."), or NULL. */
const char *engine_sched_stopped(const engine *e);
/* A schedule as text: worker ids, "0 1 w1 0" (spaces, commas, new lines;
 * '#' to the end of a line is a comment), for a run of nworkers (0: a
 * Python program's, whose workers appear as it runs: any id). 0 and
 * *plan (caller frees), or -1 and why ("line 2: 'w7' is not a worker of
 * this run (w0 to w1)"). */
int engine_sched_parse(const char *text, int nworkers, int **plan, int *n, char *why, size_t cap);
/* Writes the schedule so far to path (a comment naming the course and the
 * run, then the ids), replacing it whole. 0, or -1 and why. */
int engine_sched_save(const engine *e, const char *path, char *why, size_t cap);

/* A stepped run's goal (run{ goal = {...} }), judged by the engine on the
 * real state after each step. */
typedef struct {
	const char *text;     /* what the student is to do */
	int never;            /* a claim ("no schedule loses an update"): the
	                         search checks it; reached_at is then where a
	                         schedule did what it says never happens */
	int reached_at;       /* reached after this many steps; -1 not (yet) */
	const char *msg;      /* what the goal's function said when reached, or NULL */
	const char *error;    /* the goal's function failed: "file:line: msg" */
	int steps;            /* steps so far */
	int searching;        /* the search is going */
	long tried, bound;    /* schedules it tried, and may try */
	int proved;           /* it tried every schedule: none reached it */
	const char *search;   /* the search's outcome in words, or NULL */
} engine_goal;
/* 1 and *g when the current step has a goal (its state as of the step's
 * last stepped run), else 0. */
int engine_sched_goal(const engine *e, engine_goal *g);
/* A claim's check: runs the step again and again, each schedule in order
 * (the lowest worker that can go first), until none is left (proved), the
 * step's bound is reached, or one does what the claim says never happens
 * (the run is left there). 0, or -1 and why. */
int engine_sched_search(engine *e, char *why, size_t cap);

typedef struct {
	int correct;
	int predicted;        /* a predict question: the answer was kept as the
	                         prediction, to be judged by the run */
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
 * -1 when the input is no answer of that shape (res->why says what is);
 * -2, a question from a run that cannot be judged now (engine_from_answer
 * says why: e.g. the run has not happened yet). */
int engine_answer(engine *e, const char *input, quiz_result *res);
/* The right answer in a human-readable form, e.g. "2) three", "1) a, 3) c",
 * "Dask", "2 (±0.5)", "2, 3, 1: run, exit, fork". Caller frees. */
char *engine_right_answer(const step *s);
/* What the student types for this question, e.g. "(type a number)". */
const char *engine_quiz_prompt(const step *s);
/* The right answer for choice/text questions in full: every accepted
 * form of a text question ("Dask / dask.dataframe / ..."), else as
 * engine_right_answer. For "you can see the accepted answers". */
char *engine_accepted(const step *s);

/* ---- a question's state and the words on it -----------------------------------
 * The engine keeps, per question, the answers given in this session and
 * what the saved progress says; front ends read it here and keep no copy. */
typedef struct {
	int tries;            /* answers judged in this session */
	int tries_left;       /* wrong answers left before the answer is shown (0 once settled) */
	int correct;          /* the last answer was right; with no answer in this
	                         session, a right answer in the saved progress */
	int revealed;         /* the answer is shown, not having been given: settled
	                         and the last answer not right */
	int settled;          /* as engine_settled: counts for must_answer and scores */
	int earlier;          /* settled by an earlier session (no answer in this one) */
	int chosen;           /* choice questions: the last choice (1-based), else 0 */
	const char *last_input;   /* the last answer as typed, NULL when none */
	int nhints;           /* hints shown so far (engine_hint_at) */
} engine_quiz_view;
/* Question q's state (zeros for other steps). last_input holds until the
 * next answer, the end of a run (it may judge a prediction) or engine_free. */
void engine_quiz_state(const engine *e, const step *q, engine_quiz_view *v);
/* The i-th hint shown on q (0-based, i < nhints of its view), or NULL. */
const char *engine_hint_at(const engine *e, const step *q, int i);

/* What to say about the answers to q so far, in the same words for every
 * front end (the TUI adds its mark, ✓ or ✗, before text). */
typedef struct {
	int said;             /* 0: nothing to say yet (no answer); text is NULL */
	int right;            /* the words are of a right answer */
	int shown;            /* the answer is on the page: show the explanation */
	char *text;           /* "Right: 2) three", "Right: \"Ray\"",
	                         "Not quite. The answer is 2) three",
	                         "Not quite. Accepted answers: Dask / dask.distributed",
	                         "Not quite: 1) is not it. Try again (1 try left), or type hint.",
	                         "Answered in an earlier session. The answer is 2) three" */
} engine_feedback;
void engine_feedback_of(const engine *e, const step *q, engine_feedback *fb);
void engine_feedback_free(engine_feedback *fb);
/* Input of no answer's shape (engine_answer gave -1), in words:
 * "\"9\" is not one of the choices (1-3)", "\"two\" is no answer here
 * (type a number)". Caller frees. */
char *engine_not_an_answer(const step *q, const char *input);
/* The right answer as a sentence: "The answer is 2) three", or for text
 * questions "Accepted answers: Dask / dask.distributed". Caller frees. */
char *engine_answer_shown(const step *q);

/* ---- predict, then observe ---------------------------------------------------
 * A quiz with predict = "Run title" is asked before that run: its answer is
 * kept as the prediction. When the run ends, the quiz's observe function
 * gets a summary of the run's trace and says what happened, in the shape
 * of an answer (a choice, a number, a list, a text) or as a verdict
 * (true/false); the prediction is judged against that. */
typedef struct {
	const step *q;        /* the question */
	char *prediction;     /* as typed; NULL when none was made */
	int judged;           /* 1: correct holds the verdict; 0: none (no
	                         prediction, or the run could not tell yet) */
	int correct;
	char *observed;       /* what the run showed, as an answer ("2", "2) No"),
	                         or NULL */
	char *note;           /* the lesson's words on it, or NULL */
	char *error;          /* observe failed: "file:line: message", or NULL */
} engine_verdict;
/* What v says was observed, with the lesson's note: "2 (at most 2 ran at
 * once)", or either alone; NULL when neither. Caller frees. */
char *engine_verdict_seen(const engine_verdict *v);
/* The verdict in words ("Right: your machine did what you predicted."),
 * or, when observe failed, "The lesson could not judge it: file:line:
 * message". Caller frees. */
char *engine_verdict_says(const engine_verdict *v);
/* What was predicted, spelled out ("2) No"), or "nothing (skipped)".
 * Caller frees. */
char *engine_verdict_predicted(const engine_verdict *v);
/* Said when a prediction is kept: "Prediction kept: the run \"T\" will
 * judge it." Caller frees. */
char *engine_prediction_kept(const step *q);
/* The verdicts on run step r's last run (one per predict question on it). */
int engine_verdicts(engine *e, const step *r, const engine_verdict **v);
/* An answer as typed, spelled out: "2" to a choice question is "2) No".
 * Caller frees. */
char *engine_answer_text(const step *q, const char *input);
/* ---- questions from runs ------------------------------------------------------
 * A quiz with from = "Run title" and answer = function(run, runs) is asked
 * after that run: its right answer is what the function returns for the
 * run's latest summary (as observe returns it; a second result, a string,
 * is shown beside the answer). Judged by its type's rules like any answer.
 * 0 and *shown, the answer spelled out ("The answer is 62598 (your counter
 * ended at 137402)"); -1 and *shown says why it cannot be judged now: the
 * run has not happened yet (it says to run it first), the function failed
 * ("file:line: message"), or returned nil. Caller frees *shown. */
int engine_from_answer(engine *e, const step *q, char **shown);

/* The prediction kept for question q, or NULL. */
const char *engine_prediction(const engine *e, const step *q);
/* Predict questions on run step r still without a prediction: how many. */
int engine_unpredicted(const engine *e, const step *r);

/* Next hint for the current quiz (NULL when none are left). Hints shown
 * stay with the question for the session (engine_hint_at). */
const char *engine_hint(engine *e);
/* Right answers / questions asked so far in this session. */
void engine_score(const engine *e, int *right, int *asked);

/* Where a student stands in a lesson, from this session and the saved
 * progress together (for menus and scores). A question is settled when
 * it was answered right, ran out of tries, or (predict) was predicted. */
typedef struct {
	int nsteps, seen;     /* steps, steps seen */
	int questions;        /* quiz steps */
	int settled;          /* questions settled */
	int asked, right;     /* answered at least once / right at the first try */
	int unjudged;         /* predictions made that no run has judged yet */
	int done;             /* every step seen, every question settled, every prediction judged */
} lesson_status;
void engine_lesson_status(const engine *e, int li, lesson_status *st);
/* The right answer to q was shown (batch shows it after one answer): once
 * q has been answered (a judged answer, right or wrong), it counts as
 * settled. Input of no answer's shape does not settle it. */
void engine_reveal(engine *e, const step *q);
/* The current question is settled (see above); a level, once its goal was
 * reached (or its claim proved), now or in the saved progress; 0 for
 * other steps. */
int engine_settled(const engine *e, const step *q);
/* s is a level: a stepped run with a goal. Progress keeps it as a question
 * answered by a schedule (a right answer when the goal was reached), and
 * lessons count it with their questions. */
int engine_is_level(const step *s);

/* Keeps the session's progress in p (see engine/progress.h) under the
 * course id: every move (position, steps seen, time per lesson) and every
 * answer; what p holds already counts for settled questions and scores.
 * Records nothing by itself: the next move (engine_goto) does. p stays
 * the caller's; NULL stops keeping (as engine_free does). */
struct progress;
void engine_set_progress(engine *e, struct progress *p, const char *course_id);

/* A failed progress write not yet said (see progress_take_problem), once;
 * caller frees. NULL when none. */
char *engine_progress_problem(engine *e);

/* A sign of life from the student (a key): time per lesson counts from one
 * sign of life to the next, gaps capped at 5 minutes (away, not studying).
 * Moves, answers and runs are signs of life by themselves. */
void engine_touch(engine *e);

/* Number of online CPUs, as lessons see it. */
int engine_ncpu(void);

#endif
