/* capture.c: picks the capture backend for a run. */
#include "trace/capture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "none": no capture; "proc": the /proc sampler; "perf": context-switch
 * records or nothing; anything else: perf, and the /proc sampler where
 * perf cannot start (its start() hands over and names the reason). */
capture *capture_open(trace *t, loop *l, const char *which)
{
	if (!which || !*which) which = getenv("PARLAB_CAPTURE");
	if (which && !strcmp(which, "none")) {
		trace_set_backend(t, "none (PARLAB_CAPTURE=none)");
		return NULL;
	}
	if (which && !strcmp(which, "proc")) return capture_proc_new(t, l, 0);
	if (which && !strcmp(which, "perf")) {
		char why[112], name[160];
		if (capture_perf_probe(why, sizeof why) < 0) {
			snprintf(name, sizeof name, "none (perf unavailable: %s)", why);
			trace_set_backend(t, name);
			return NULL;
		}
		return capture_perf_new(t, l, 0);
	}
	return capture_perf_new(t, l, 1);
}
