/* dask_feed: the task stream a Python program's Dask cluster reports
 * (python/parlab/_dask.py) into a trace: workers, the tasks each worker
 * thread ran, transfers. Messages come from the run's helper channel;
 * times are the sending worker's CLOCK_MONOTONIC, this machine's clock
 * when it shares this boot, else moved by the two machines' offsets of
 * CLOCK_REALTIME from CLOCK_MONOTONIC. */
#ifndef PARLAB_DASK_FEED_H
#define PARLAB_DASK_FEED_H
#include "trace/trace.h"

typedef struct dask_feed dask_feed;

dask_feed *dask_feed_new(void);
void dask_feed_free(dask_feed *f);
/* One message without its leading \1 ("dworker ...", "dstart ...",
 * "dtask ...", "dxfer ..."): 1 when it was one of these (a malformed one
 * is dropped), 0 when it is not a task-stream message. */
int dask_feed_message(dask_feed *f, trace *t, const char *msg);
/* For tests: the boot id and realtime offset (ns) of this machine, as a
 * worker would send them (NULL: read them). */
void dask_feed_set_machine(dask_feed *f, const char *boot_id, long long offset_ns);

#endif
