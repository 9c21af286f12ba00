/* batch: the whole course as a plain-text transcript (non-tty, CI, screen
 * readers, scripted answers read from a stream). */
#ifndef PARLAB_BATCH_H
#define PARLAB_BATCH_H
#include <stdio.h>
#include "engine/engine.h"
#include "util/loop.h"

/* Walks every step of the course, printing to out and reading one answer
 * line per question from in (NULL or EOF: skipped). Returns 0 unless a
 * lesson or parlab itself failed. */
int batch_main(engine *e, loop *l, FILE *in, FILE *out);

/* Saves every run's trace as dir/NN-<run>.trace (dir created if missing).
 * 0, or -1 with *err = "dir: reason" (caller frees). */
int batch_save_traces(const char *dir, char **err);

#endif
