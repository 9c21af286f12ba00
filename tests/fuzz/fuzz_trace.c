/* fuzz_trace: the trace file reader (trace_file.h). Any input is read or
 * refused with a message that names the file; one that is read saves and
 * reads back to the same records. */
#include "fuzz.h"
#include "trace/trace_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("in.trace", data, size);
	char *err = NULL;
	trace *t = trace_load(path, &err);
	if (!t) {
		FUZZ_ASSERT(err && strstr(err, "in.trace"));
		free(err);
		return 0;
	}
	FUZZ_ASSERT(!err);
	char out[512];
	snprintf(out, sizeof out, "%s.again", path);
	FUZZ_ASSERT(trace_save(t, out, &err) == 0);
	trace *u = trace_load(out, &err);
	FUZZ_ASSERT(u);
	FUZZ_ASSERT(trace_ntasks(u) == trace_ntasks(t) && trace_nlines(u) == trace_nlines(t));
	FUZZ_ASSERT(trace_nmarks(u) == trace_nmarks(t) && trace_end(u) == trace_end(t));
	trace_free(u);
	trace_free(t);
	return 0;
}
