/* capture.c: picks the capture backend for a run. */
#include "trace/capture.h"

#include <stdlib.h>
#include <string.h>

capture *capture_open(trace *t, loop *l, const char *which)
{
	if (!which) which = getenv("PARLAB_CAPTURE");
	if (which && !strcmp(which, "none")) {
		trace_set_backend(t, "none (PARLAB_CAPTURE=none)");
		return NULL;
	}
	capture *c = capture_proc_new(t, l, 0);
	if (!c) trace_set_backend(t, "none (capture unavailable)");
	return c;
}
