/*
 * check_runs: `parlab check --runs N PATH` (check_runs.c): every run step
 * of a course run N times without a screen, to know whether the lesson
 * behaves the same each time (and so, likely, on other machines).
 */
#ifndef PARLAB_CHECK_RUNS_H
#define PARLAB_CHECK_RUNS_H
#include <stdio.h>

/* Loads path (a course folder or a lesson file) and runs its run steps in
 * order, n times over, each time with a fresh engine (as a new student
 * would: no predictions, nothing saved; must_answer lessons are not
 * blocked), on the batch engine. Reports on out each predict question
 * whose observed answer (or verdict) changed between runs, each observe,
 * note or text-body error, each run that failed, timed out or could not
 * start when its step does not expect that; progress lines go to out as
 * well. 0 when all was stable, 1 when not (or the course did not load). */
int check_runs(const char *path, int n, FILE *out);

#endif
