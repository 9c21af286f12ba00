/*
 * progress: what a student has done, kept across sessions in SQLite:
 * the position per course, every answer, the steps seen and the time spent
 * per lesson. The database is $PARLAB_STATE/progress.db, else
 * $XDG_STATE_HOME/parlab/progress.db, else ~/.local/state/parlab/progress.db
 * (WAL, a busy timeout: two parlab at once are fine). Every write is one
 * transaction. A database that is damaged is renamed aside
 * (X.broken-<time>), never deleted, and a fresh one started; one that
 * cannot be written (a read-only folder, a full disk, a file size limit)
 * is opened read only, said once, and every write fails.
 */
#ifndef PARLAB_PROGRESS_H
#define PARLAB_PROGRESS_H
#include <stdio.h>

typedef struct progress progress;

/* The folder the database goes in: dir if given, else from the
 * environment as above. Freshly allocated, or NULL (no HOME). */
char *progress_state_dir(const char *dir);

/* The folder is "off" (--state off, PARLAB_STATE=off): keep nothing. */
int progress_off(const char *dir);

/* Opens (creating folders 0700 and the schema) dir/progress.db. Problems
 * are said on msg; NULL when even a fresh database could not be had (the
 * caller runs without saving); NULL, silently, when progress_off. */
progress *progress_open(const char *dir, FILE *msg);
void progress_close(progress *p);
/* Where a failed write is said (once); NULL: nowhere (under the TUI). */
void progress_set_msg(progress *p, FILE *msg);
const char *progress_path(const progress *p);
/* With no msg stream: the first failed write's message, once (caller
 * frees), for the screen to show; NULL when there is none. */
char *progress_take_problem(progress *p);
/* A write has failed since the database was opened (said once on msg). */
int progress_failed(const progress *p);
/* Opened read only (progress_open said why): every write fails. */
int progress_readonly(const progress *p);

/* A lesson of a course (its file's basename, 0-based index, title, steps),
 * so reports can say "3/7 steps". */
int progress_lesson(progress *p, const char *course, const char *file, int index, const char *title, int nsteps);
/* The current position (0-based) and that this step was seen. */
int progress_set_position(progress *p, const char *course, const char *file, int lesson, int step);
/* 1 and the saved position when there is one, 0 when none, -1 on error. */
int progress_get_position(progress *p, const char *course, int *lesson, int *step);
/* Answers and predictions are kept by the question's key (engine_step_key:
 * its id, else a hash of its type and text), so that a lesson edited
 * between sessions (a step inserted before it) keeps them; step is where
 * it was. key NULL: "#STEP", the position's (as rows of before keys are).
 * An answer; the attempt number is counted here per key (1 for the first). */
int progress_answer(progress *p, const char *course, const char *file, int step, const char *key,
		    const char *question, const char *answer, int correct);
/* Adds seconds spent on a lesson. */
int progress_add_time(progress *p, const char *course, const char *file, double seconds);

/* A predict question's prediction (the latest one counts). */
int progress_predict(progress *p, const char *course, const char *file, int step, const char *key,
		     const char *prediction);
/* The answers and prediction kept under key from (e.g. "#3") are kept
 * under key to from now on (unless to has some already). */
int progress_rekey(progress *p, const char *course, const char *file, const char *from, const char *to, int step);

/* What the database knows of a course's steps: once per step seen (key
 * NULL, seen 1), and once per question answered or predicted (its key, the
 * position it was last at, seen 0): the answers given, whether the first
 * was right, whether any was, and the latest prediction (NULL: none). */
typedef void progress_step_fn(void *arg, const char *file, int step, const char *key, int seen, int answers,
			      int first_right, int any_right, const char *prediction);
int progress_steps(progress *p, const char *course, progress_step_fn *fn, void *arg);

/* Per course and lesson: steps seen/total, questions right/asked (first
 * attempts), time spent. */
int progress_report(progress *p, FILE *out);
/* The courses the store knows, in name order: a NULL-terminated list of
 * *n names (the caller frees each and the list). */
char **progress_courses(progress *p, int *n);
/* Forgets one course (or all when course is NULL). Returns rows removed. */
int progress_reset(progress *p, const char *course);
/* .json or .csv by the file's extension; written to FILE.PID.tmp and
 * renamed over file, so a failed export leaves file as it was. The rows
 * exported, or -1 with *err (caller frees). */
int progress_export(progress *p, const char *file, char **err);
/* Merges a .json or .csv export; importing twice changes nothing more. */
int progress_import(progress *p, const char *file, char **err);

#endif
