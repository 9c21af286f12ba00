/* view_lanes: what the timeline's lanes show in each column of a frame,
 * computed from the trace (no curses, unit-tested): how the time of a
 * slice spreads over the columns, and the CPU lanes' cells. The work is
 * proportional to what is in the window, not to the whole trace: a
 * task's slices are in time order, so the window's first one is found
 * by a binary search. */
#ifndef PARLAB_VIEW_LANES_H
#define PARLAB_VIEW_LANES_H
#include "trace/trace.h"
#include <stddef.h>
#include <stdint.h>

/* One frame's columns: lw columns of scale ns from v0; nothing at or
 * after now counts (the live edge, a pause, a replay's clock). */
typedef struct {
	int64_t v0, now;
	double scale;
	int lw;
} view_cols;

/* The first of a task's n slices that ends after t (n: none). */
size_t view_slice_from(const trace_slice *s, size_t n, int64_t t);

/* Adds the overlap of [a, b) (cut at now and to the window) with each
 * column to acc[col * stride + k]. Returns 1 when [a, b) begins at or
 * past the window's right edge (so will every later slice of the task),
 * else 0. */
int view_spread(int64_t *acc, int stride, int k, const view_cols *w, int64_t a, int64_t b);

/* The CPU lanes of one frame: nc lanes, lane l for CPU cpus[l] (< 64),
 * w->lw columns each. Per cell (l * lw + c): task[] the task that ran
 * there longest (-1: none of the run's; of equal ones the first added)
 * and tot[] the run's running time there. One pass over the running
 * slices in the window, each folded only into the cells it touched. */
void view_cpu_cols(const trace *tr, const view_cols *w, const int *cpus, int nc, int *task, int64_t *tot);

/* The same across frames, as the view's cache: what changed since the
 * last call is folded in, as long as the trace only grew (slices added,
 * the last one of a task longer), now did not go back, and the columns,
 * the lanes and the caller's epoch are the same; else it starts again
 * (a new trace, zoom, pan, resize, a replay's seek, a capture's
 * reconcile at the run's end: the caller changes the epoch when the
 * trace may have changed otherwise). task and tot point into the cache,
 * valid until the next call. */
typedef struct view_cpu_cache view_cpu_cache;
view_cpu_cache *view_cpu_cache_new(void);
void view_cpu_cache_free(view_cpu_cache *c);
void view_cpu_cols_cached(view_cpu_cache *c, const trace *tr, const view_cols *w, const int *cpus, int nc,
			  unsigned long epoch, const int **task, const int64_t **tot);

#endif
