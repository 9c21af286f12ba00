/* prepare: a run step's set-up, done in the runner (internal to the engine).
 * Each function writes what it did or what went wrong to msg. */
#ifndef PARLAB_PREPARE_H
#define PARLAB_PREPARE_H
#include <stdio.h>

/* Copies course files (NULL-terminated; paths relative to course_dir, never
 * outside it) into the current directory, keeping their sub-paths
 * (data/input.csv lands in data/). */
int prepare_files(const char *course_dir, char **files, FILE *msg);
/* Writes a CSV "id,<column>,group" with rows rows whose column has exactly
 * the given mean. */
int prepare_csv(const char *file, const char *column, long rows, double mean, FILE *msg);
/* A Python interpreter that can import every module in mods (NULL: any),
 * honouring $PARLAB_PYTHON; NULL, after saying what to install, if none
 * (optional: that the modules are not installed here and the course goes
 * on, with no package named, for modules a distribution may not have). */
const char *prepare_python(char **mods, int optional, FILE *msg);

#endif
