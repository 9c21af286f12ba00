/* fuzz_lesson: the lesson loader (course_load on a lesson file). Any file
 * loads or is refused with "file:line: message" (or "file: message"),
 * within the loader's instruction and memory budgets. */
#include "fuzz.h"
#include "engine/engine.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("lesson.lua", data, size);
	char *err = NULL;
	course *c = course_load(path, &err);
	if (!c) {
		FUZZ_ASSERT(err && strstr(err, "lesson.lua"));
		free(err);
		return 0;
	}
	FUZZ_ASSERT(course_nlessons(c) >= 1);
	course_free(c);
	return 0;
}
