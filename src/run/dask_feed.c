/*
 * dask_feed.c: Dask's task stream (python/parlab/_dask.py) into the trace.
 */
#include "run/dask_feed.h"
#include "util/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct dask_feed {
	char boot[64];          /* this machine's boot id */
	long long offset;       /* its CLOCK_REALTIME - CLOCK_MONOTONIC */
	long long *shift;       /* per trace worker: what to add to its times */
	size_t nshift, cap;
};

static long long clock_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

dask_feed *dask_feed_new(void)
{
	dask_feed *f = xcalloc(1, sizeof *f);
	FILE *b = fopen("/proc/sys/kernel/random/boot_id", "r");
	if (!b || !fgets(f->boot, sizeof f->boot, b)) snprintf(f->boot, sizeof f->boot, "-");
	if (b) fclose(b);
	f->boot[strcspn(f->boot, "\n")] = '\0';
	long long m = clock_ns(CLOCK_MONOTONIC);
	f->offset = clock_ns(CLOCK_REALTIME) - m;
	return f;
}

void dask_feed_set_machine(dask_feed *f, const char *boot_id, long long offset_ns)
{
	snprintf(f->boot, sizeof f->boot, "%s", boot_id);
	f->offset = offset_ns;
}

void dask_feed_free(dask_feed *f)
{
	if (!f) return;
	free(f->shift);
	free(f);
}

/* The next space-separated word of *s (NUL-terminated in place), or NULL. */
static char *word(char **s)
{
	char *p = *s;
	while (*p == ' ') p++;
	if (!*p) return NULL;
	char *e = strchr(p, ' ');
	if (e) *e++ = '\0';
	*s = e ? e : p + strlen(p);
	return p;
}

static int num(const char *w, long long *v)
{
	if (!w) return -1;
	char *end;
	*v = strtoll(w, &end, 10);
	return *end || end == w ? -1 : 0;
}

/* A worker's time (its monotonic ns) in the trace's time. */
static int64_t when(const dask_feed *f, const trace *t, int w, long long ns)
{
	long long shift = w >= 0 && (size_t)w < f->nshift ? f->shift[w] : 0;
	return trace_rel(t, ns + shift);
}

/* The worker at addr; one not introduced yet is added with what is known. */
static int worker(trace *t, const char *addr)
{
	int w = trace_dworker_find(t, addr);
	if (w < 0) w = trace_dworker_add(t, addr, "", 0, 0, 0);
	return w;
}

static void set_shift(dask_feed *f, int w, long long shift)
{
	f->shift = xgrow(f->shift, &f->cap, (size_t)w + 1, sizeof *f->shift);
	while (f->nshift <= (size_t)w) f->shift[f->nshift++] = 0;
	f->shift[w] = shift;
}

/* "ADDR PID NTHREADS BOOT_ID OFFSET NAME" */
static int on_worker(dask_feed *f, trace *t, char *s)
{
	char *addr = word(&s), *boot;
	long long pid, nth, off;
	if (!addr || num(word(&s), &pid) || num(word(&s), &nth) || !(boot = word(&s)) || num(word(&s), &off)) return -1;
	int local = !strcmp(boot, f->boot);
	int w = trace_dworker_add(t, addr, s, (pid_t)pid, (int)nth, local);
	set_shift(f, w, local ? 0 : off - f->offset);
	return 0;
}

/* "ADDR TID T0 PREFIX KEY" (begun) or "ADDR TID T0 T1 PREFIX KEY" */
static int on_task(dask_feed *f, trace *t, char *s, int done)
{
	char *addr = word(&s), *prefix;
	long long tid, t0, t1 = -1;
	if (!addr || num(word(&s), &tid) || num(word(&s), &t0)) return -1;
	if ((done && num(word(&s), &t1)) || !(prefix = word(&s))) return -1;
	int w = worker(t, addr);
	trace_dtask_add(t, w, (pid_t)tid, when(f, t, w, t0), done ? when(f, t, w, t1) : -1, prefix, s);
	return 0;
}

/* "FROM TO T0 T1 NBYTES KEY" */
static int on_xfer(dask_feed *f, trace *t, char *s)
{
	char *from = word(&s), *to = word(&s);
	long long t0, t1, n;
	if (!from || !to || num(word(&s), &t0) || num(word(&s), &t1) || num(word(&s), &n)) return -1;
	int wt = worker(t, to), wf = trace_dworker_find(t, from);
	trace_dxfer_add(t, wf, wt, when(f, t, wt, t0), when(f, t, wt, t1), n, s);
	return 0;
}

int dask_feed_message(dask_feed *f, trace *t, const char *msg)
{
	static const char *const kinds[] = { "dworker ", "dstart ", "dtask ", "dxfer " };
	size_t k = 0;
	while (k < 4 && strncmp(msg, kinds[k], strlen(kinds[k]))) k++;
	if (k == 4) return 0;
	char *copy = xstrdup(msg + strlen(kinds[k]));
	if (k == 0) on_worker(f, t, copy);
	else if (k == 3) on_xfer(f, t, copy);
	else on_task(f, t, copy, k == 2);
	free(copy);
	return 1;
}
