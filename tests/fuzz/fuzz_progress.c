/* fuzz_progress: the progress import (progress_import), JSON or CSV by the
 * first byte's lowest bit. Any input is merged or refused with a message;
 * the database stays usable (a report runs) either way. */
#include "fuzz.h"
#include "engine/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static progress *db;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db) {
		const char *dir = fuzz_file("keep", (const uint8_t *)"", 0);
		char state[300];
		snprintf(state, sizeof state, "%.*s", (int)(strlen(dir) - strlen("/keep")), dir);
		db = progress_open(state, stderr);
		FUZZ_ASSERT(db);
	}
	int csv = size && (data[0] & 1);
	const char *path = fuzz_file(csv ? "in.csv" : "in.json", size ? data + 1 : data, size ? size - 1 : 0);
	char *err = NULL;
	int n = progress_import(db, path, &err);
	FUZZ_ASSERT(n >= 0 ? !err : err != NULL);
	free(err);
	FILE *out = fopen("/dev/null", "w");
	FUZZ_ASSERT(out && progress_report(db, out) == 0);
	fclose(out);
	return 0;
}
