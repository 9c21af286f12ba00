/*
 * trace_file: a trace saved to disk and read back. The format is a
 * versioned, line-oriented text file (docs/trace-format.md): one record a
 * line, strings in double quotes with C-like escapes. Reading validates
 * every record; a saved and reloaded trace is identical to the original.
 */
#ifndef PARLAB_TRACE_FILE_H
#define PARLAB_TRACE_FILE_H
#include "trace/trace.h"

#define TRACE_FILE_MAGIC "parlab-trace"
/* The version written; versions 1 (no end kind) to this one are read.
 * Version 3 added the CPU counter samples ("cpu" records), version 4 the
 * task of a mark, the coordination spans ("span": blocked and held), meta
 * events_dropped, the run's blocks ("block"), the deadlock's waits ("stuck")
 * and the end kind deadlock; version 5 the queues' lengths over time
 * ("queue", "qlen"), a queue's time figures in its block record and the
 * Python names of tasks ("pyname"); version 6 Dask's task stream: its
 * workers, the tasks their threads ran and the data moved between them
 * ("dworker", "dtask", "dxfer"). */
#define TRACE_FILE_VERSION 7
/* CPU numbers a file may name (the kernel's NR_CPUS limit). */
#define TRACE_FILE_MAX_CPU 8192

/* Writes t to path (through a temporary file renamed into place, so a
 * reader never sees half a trace). 0 on success; -1 with *err set to
 * "path: reason" (caller frees). */
int trace_save(const trace *t, const char *path, char **err);

/* Reads a trace written by trace_save. NULL on error, with *err set to
 * "path:line: record: reason" (or "path: reason"; caller frees). */
trace *trace_load(const char *path, char **err);

#endif
