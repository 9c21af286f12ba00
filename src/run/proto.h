/*
 * proto: the control lines the runner sends the screen on the control pipe.
 * One writer and one parser per kind of line, so the format lives here only.
 *
 *   P what                                          preparing: what the runner is doing
 *                                                   now ("generating data.csv"), before R
 *   R                                               ready: prepared, waiting for "go"
 *   S id pid tid at                                 a worker starts (before its work)
 *   E id pid tid status cpu_ns wait_ns last_cpu at  a task ended (id -1: an adopted orphan)
 *   N id err                                        worker id, and every one after it, could
 *                                                   not start (fork or pthread_create: err)
 *
 * Fields are decimal integers separated by one space; `at` is CLOCK_MONOTONIC
 * nanoseconds, `status` a wait(2) status, cpu_ns and wait_ns the task's
 * schedstat totals, last_cpu the CPU it last ran on (-1 unknown), err an
 * errno value (0 unknown); `what` is text of 1 to PROTO_TEXT_MAX bytes
 * (UTF-8, no control characters) after one space. Every line
 * is one write(2) of less than PIPE_BUF bytes, so lines written at once from
 * several threads or processes never interleave.
 */
#ifndef PARLAB_PROTO_H
#define PARLAB_PROTO_H
#include <stdint.h>
#include <sys/types.h>

typedef enum {
	PROTO_BAD = 0,    /* not a control line: malformed, truncated, unknown */
	PROTO_READY,
	PROTO_START,
	PROTO_END,
	PROTO_NOT_STARTED,
	PROTO_PREPARING,
} proto_kind;

/* Longest text of a "P" line, in bytes. */
#define PROTO_TEXT_MAX 120

typedef struct {
	int id;           /* worker id, >= 0 */
	pid_t pid, tid;
	int64_t at;       /* CLOCK_MONOTONIC ns */
} proto_start;

typedef struct {
	int id;           /* worker id, or -1 for a task that is no worker */
	pid_t pid, tid;
	int status;       /* wait(2) status */
	int64_t cpu_ns, wait_ns;
	int last_cpu;     /* -1: unknown */
	int64_t at;
} proto_end;

/* The runner gave up starting workers at worker id: it and the ones after
 * it never ran. */
typedef struct {
	int id;           /* the first worker that could not start, >= 0 */
	int err;          /* why: an errno value, 0 unknown */
} proto_not_started;

/* What the runner is preparing now. */
typedef struct {
	char what[PROTO_TEXT_MAX + 1];   /* NUL-terminated, never empty */
} proto_preparing;

typedef struct {
	proto_kind kind;
	union {
		proto_start start;
		proto_end end;
		proto_not_started not_started;
		proto_preparing preparing;
	};
} proto_msg;

/* Longest line a writer makes, newline included (well below PIPE_BUF). */
#define PROTO_LINE_MAX 200

/* Each writes one line to fd in a single write: 0, or -1 (errno set; a
 * short write is EPIPE). */
int proto_write_ready(int fd);
int proto_write_start(int fd, const proto_start *m);
int proto_write_end(int fd, const proto_end *m);
int proto_write_not_started(int fd, const proto_not_started *m);
/* proto_write_end from a signal handler (a worker thread crashing): the
 * same line, formatted without stdio. */
int proto_write_end_sigsafe(int fd, const proto_end *m);
/* what: control characters become spaces, and a longer text is cut (at a
 * character's start) to PROTO_TEXT_MAX bytes; an empty one is EINVAL. */
int proto_write_preparing(int fd, const char *what);

/* Parses one line (without its newline) into *out and returns its kind;
 * PROTO_BAD (out untouched) for anything a writer here does not make. */
proto_kind proto_parse(const char *line, proto_msg *out);

#endif
