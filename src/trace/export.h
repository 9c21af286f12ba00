/* export: a trace in other tools' formats. */
#ifndef PARLAB_EXPORT_H
#define PARLAB_EXPORT_H
#include "trace/trace.h"

/* Pid of the synthetic "CPUs" process of an export: above Linux's
 * PID_MAX_LIMIT (2^22), so it never names a real process (Perfetto reads
 * pids as unsigned and takes 0 for the idle task: neither 0 nor -1). Its
 * threads, one per CPU, are EXPORT_CPU_PID + 1 + cpu. */
#define EXPORT_CPU_PID 4194305
/* Pid of the synthetic "dask" process: the task lanes of Dask workers the
 * run did not start (no OS lanes to group them with). Every Dask lane and
 * transfer track is a thread of its own, EXPORT_DASK_PID + 1 + n, under
 * that process or under its worker's own (a process of the run). */
#define EXPORT_DASK_PID 8388608

/* Writes t as Chrome Trace Event JSON (what the Perfetto UI and
 * chrome://tracing open) to path ("-": stdout). Returns the number of
 * events written, or -1 with *err set to "path: reason" (caller frees). */
int export_perfetto(const trace *t, const char *path, char **err);

#endif
