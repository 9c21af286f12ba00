/*
 * proto.c: writing and parsing the runner's control lines (see proto.h for
 * the format). The parser is strict: exactly the fields a writer makes, in
 * range, one space apart, nothing after.
 */
#include "run/proto.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

_Static_assert(PROTO_LINE_MAX <= PIPE_BUF, "a control line must be one atomic pipe write");

#define PROTO_MAX_FIELDS 8

/* ---- writing ------------------------------------------------------------- */

static int proto_writef(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Formats one line, adds the newline and writes it in one call. */
static int proto_writef(int fd, const char *fmt, ...)
{
	char buf[PROTO_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof buf - 1) { errno = EOVERFLOW; return -1; }
	buf[n++] = '\n';
	ssize_t w;
	while ((w = write(fd, buf, (size_t)n)) < 0 && errno == EINTR) {}
	if (w < 0) return -1;
	if (w != n) { errno = EPIPE; return -1; }   /* cannot happen below PIPE_BUF */
	return 0;
}

int proto_write_ready(int fd)
{
	return proto_writef(fd, "R");
}

int proto_write_start(int fd, const proto_start *m)
{
	return proto_writef(fd, "S %d %d %d %" PRId64, m->id, (int)m->pid, (int)m->tid, m->at);
}

int proto_write_end(int fd, const proto_end *m)
{
	return proto_writef(fd, "E %d %d %d %d %" PRId64 " %" PRId64 " %d %" PRId64, m->id, (int)m->pid,
			    (int)m->tid, m->status, m->cpu_ns, m->wait_ns, m->last_cpu, m->at);
}

/* Appends v in decimal at *p (no locale, no allocation: signal-safe). */
static void put_dec(char **p, int64_t v)
{
	char tmp[24];
	int n = 0;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do tmp[n++] = (char)('0' + u % 10); while (u /= 10);
	if (v < 0) *(*p)++ = '-';
	while (n) *(*p)++ = tmp[--n];
}

int proto_write_end_sigsafe(int fd, const proto_end *m)
{
	char buf[PROTO_LINE_MAX], *p = buf;
	const int64_t f[] = { m->id, m->pid, m->tid, m->status, m->cpu_ns, m->wait_ns, m->last_cpu, m->at };
	*p++ = 'E';
	for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
		*p++ = ' ';
		put_dec(&p, f[i]);
	}
	*p++ = '\n';
	ssize_t w;
	while ((w = write(fd, buf, (size_t)(p - buf))) < 0 && errno == EINTR) {}
	return w == p - buf ? 0 : -1;
}

int proto_write_not_started(int fd, const proto_not_started *m)
{
	return proto_writef(fd, "N %d %d", m->id, m->err);
}

int proto_write_preparing(int fd, const char *what)
{
	char text[PROTO_TEXT_MAX + 1];
	size_t n = 0;
	for (; what && what[n] && n < PROTO_TEXT_MAX; n++) {
		unsigned char c = (unsigned char)what[n];
		text[n] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
	}
	if (what && what[n])   /* cut: not inside a UTF-8 character */
		while (n > 0 && ((unsigned char)what[n] & 0xc0) == 0x80) n--;
	if (n == 0) { errno = EINVAL; return -1; }
	text[n] = '\0';
	return proto_writef(fd, "P %s", text);
}

/* ---- parsing ------------------------------------------------------------- */

/* A field's allowed range. */
typedef struct {
	int64_t lo, hi;
} proto_range;

/* Reads exactly n integers, each after one space, within their ranges, up
 * to the end of the line. 0, or -1. */
static int proto_ints(const char *p, int n, const proto_range *range, int64_t *v)
{
	for (int i = 0; i < n; i++) {
		if (*p++ != ' ') return -1;
		const char *d = *p == '-' ? p + 1 : p;
		if (*d < '0' || *d > '9') return -1;   /* no space, '+' or empty field */
		char *end;
		errno = 0;
		long long x = strtoll(p, &end, 10);
		if (errno == ERANGE || x < range[i].lo || x > range[i].hi) return -1;
		v[i] = x;
		p = end;
	}
	return *p ? -1 : 0;
}

static const proto_range proto_start_ranges[] = {
	{ 0, INT_MAX }, { 1, INT_MAX }, { 1, INT_MAX }, { 0, INT64_MAX },
};

static const proto_range proto_end_ranges[] = {
	{ -1, INT_MAX }, { 1, INT_MAX }, { 1, INT_MAX }, { 0, 0xffff },
	{ 0, INT64_MAX }, { 0, INT64_MAX }, { -1, INT_MAX }, { 0, INT64_MAX },
};

static const proto_range proto_not_started_ranges[] = {
	{ 0, INT_MAX }, { 0, INT_MAX },
};

/* A "P" line's text: 1 to PROTO_TEXT_MAX bytes, no control characters, up to
 * the end of the line; copied into what (PROTO_TEXT_MAX + 1 bytes). 0, or -1. */
static int proto_text(const char *p, char *what)
{
	size_t n = 0;
	for (; p[n]; n++) {
		unsigned char c = (unsigned char)p[n];
		if (n >= PROTO_TEXT_MAX || c < 0x20 || c == 0x7f) return -1;
	}
	if (n == 0) return -1;
	memcpy(what, p, n + 1);
	return 0;
}

proto_kind proto_parse(const char *line, proto_msg *out)
{
	int64_t v[PROTO_MAX_FIELDS];
	if (!line || !line[0]) return PROTO_BAD;
	if (line[0] == 'R' && !line[1]) {
		out->kind = PROTO_READY;
	} else if (line[0] == 'S' && proto_ints(line + 1, 4, proto_start_ranges, v) == 0) {
		out->kind = PROTO_START;
		out->start = (proto_start){ (int)v[0], (pid_t)v[1], (pid_t)v[2], v[3] };
	} else if (line[0] == 'E' && proto_ints(line + 1, 8, proto_end_ranges, v) == 0) {
		out->kind = PROTO_END;
		out->end = (proto_end){ (int)v[0], (pid_t)v[1], (pid_t)v[2], (int)v[3],
					v[4], v[5], (int)v[6], v[7] };
	} else if (line[0] == 'P' && line[1] == ' ' && proto_text(line + 2, out->preparing.what) == 0) {
		out->kind = PROTO_PREPARING;
	} else if (line[0] == 'N' && proto_ints(line + 1, 2, proto_not_started_ranges, v) == 0) {
		out->kind = PROTO_NOT_STARTED;
		out->not_started = (proto_not_started){ (int)v[0], (int)v[1] };
	} else {
		return PROTO_BAD;
	}
	return out->kind;
}
