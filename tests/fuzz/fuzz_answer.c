/* fuzz_answer: the answer parser (quiz_judge) on every question of the
 * bundled courses (and tests/fuzz/all_types.lua: one of each type) that is judged from the answer alone: the first byte
 * picks the question, the rest is what the student typed. An answer is
 * judged right or wrong, or said to be of the wrong shape with why. */
#include "fuzz.h"
#include "engine/engine.h"
#include "engine/lua_api.h"
#include "engine/quiz.h"

#include <stdlib.h>
#include <string.h>

static course *courses[3];
static const step *qs[256];
static course *qc[256];
static int nq;

static void load(void)
{
	static const char *const names[] = { "module14", "concurrency", "../tests/fuzz/all_types.lua" };
	for (int k = 0; k < 3; k++) {
		char path[1024], *err = NULL;
		snprintf(path, sizeof path, "%s/%s", PARLAB_SOURCE_LESSONS, names[k]);
		courses[k] = course_load(path, &err);
		if (!courses[k]) fuzz_fail(path, 0, err ? err : "no course");
		for (int i = 0; i < course_nlessons(courses[k]); i++) {
			const lesson *l = course_lesson(courses[k], i);
			for (int j = 0; j < l->nsteps && nq < 256; j++)
				if (l->steps[j].kind == STEP_QUIZ && !l->steps[j].predict && !l->steps[j].from) {
					qc[nq] = courses[k];
					qs[nq++] = &l->steps[j];
				}
		}
	}
	FUZZ_ASSERT(nq > 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!nq) load();
	if (!size) return 0;
	int i = data[0] % nq;
	char *input = malloc(size);
	memcpy(input, data + 1, size - 1);
	input[size - 1] = '\0';
	quiz_result r;
	memset(&r, 0, sizeof r);
	int rc = quiz_judge(course_lua(qc[i]), qs[i], input, &r);
	FUZZ_ASSERT(rc == 0 || rc == -1);
	if (rc == -1) FUZZ_ASSERT(quiz_why(qs[i]) && *quiz_why(qs[i]));
	else FUZZ_ASSERT(r.correct == 0 || r.correct == 1);
	free(input);
	return 0;
}
