/*
 * engine_progress.c: a session kept in the progress database (progress.c):
 * every move, answer and prediction as it happens, time per lesson from
 * the student's signs of life, and on engine_set_progress what an earlier
 * session left (steps seen, answers, predictions) read back in.
 */
#include "engine/engine_int.h"
#include "engine/quiz.h"
#include "util/xmalloc.h"

#include <stdint.h>

#include <stdlib.h>
#include <string.h>

/* A lesson file as the database knows it: its name without the folder. */
static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

/* FNV-1a, 64 bits. */
static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

char *engine_step_key(const engine *e, const step *s)
{
	if (engine_is_level(s)) {   /* a level: by its run's title and goal */
		uint64_t h = fnv(fnv(fnv(14695981039346656037ULL, s->title ? s->title : ""), "\n"), s->goal_text);
		return xasprintf("goal:%016llx", (unsigned long long)h);
	}
	if (s->kind != STEP_QUIZ) return NULL;
	if (s->id) return xasprintf("id:%s", s->id);
	uint64_t h = fnv(fnv(14695981039346656037ULL, quiz_name(s->qtype)), "\n");
	h = fnv(h, s->body ? s->body : "");
	/* The same question twice in a lesson: the second is "...#2". */
	int li, si = engine_locate(e, s, &li), n = 1;
	const lesson *l = si >= 0 ? course_lesson(e->c, li) : NULL;
	for (int i = 0; l && i < si; i++) {
		const step *o = &l->steps[i];
		n += o->kind == STEP_QUIZ && !o->id && o->qtype == s->qtype && !strcmp(o->body ? o->body : "", s->body ? s->body : "");
	}
	return n > 1 ? xasprintf("q:%016llx#%d", (unsigned long long)h, n) : xasprintf("q:%016llx", (unsigned long long)h);
}

/* A student away longer than this between two signs of life (a key, a
 * move, an answer, a run) was not studying: count this much of the gap. */
#define AWAY_NS (5LL * 60 * 1000000000LL)

/* The time since the last sign of life counts for lesson prog_li. */
static void tick(engine *e)
{
	int64_t now = loop_now_ns(), gap = now - e->prog_since;
	if (gap > 0) e->prog_active += gap < AWAY_NS ? gap : AWAY_NS;
	e->prog_since = now;
}

char *engine_progress_problem(engine *e)
{
	return progress_take_problem(e->prog);
}

void engine_touch(engine *e)
{
	if (e->prog) tick(e);
}

/* Writes the time counted for lesson prog_li; lesson li counts from now. */
static void note_time(engine *e)
{
	const lesson *l = course_lesson(e->c, e->prog_li);
	tick(e);
	if (l && e->prog_active > 0)
		progress_add_time(e->prog, e->prog_course, base_name(l->file), (double)e->prog_active / 1e9);
	e->prog_active = 0;
	e->prog_li = e->li;
}

void eng_note_move(engine *e, int old_li)
{
	e->ss[e->loff[e->li] + e->si].seen = 1;
	if (!e->prog) return;
	if (old_li != e->li) note_time(e);
	else tick(e);
	progress_set_position(e->prog, e->prog_course, base_name(engine_lesson(e)->file), e->li, e->si);
}

/* One more judged answer to s (for a predict question: a verdict). */
void eng_note_answer(engine *e, const step *s, const char *input, int correct, int choice)
{
	struct sstate *x = eng_sst(e, s);
	if (!x->tries++) x->first_right = correct;
	if (correct) x->right = 1;
	x->last_right = correct != 0;
	x->last_choice = choice;
	free(x->last_input);
	x->last_input = xstrdup(input ? input : "");
	if (!e->prog) return;
	tick(e);
	char *key = engine_step_key(e, s);
	progress_answer(e->prog, e->prog_course, base_name(s->file), engine_locate(e, s, NULL), key, s->body, input, correct);
	free(key);
}

void eng_note_goal(engine *e, const step *s, const int *sched, int n)
{
	struct sstate *x = eng_sst(e, s);
	if (x->right) return;   /* once a session: the first schedule that did it */
	if (!sched) { eng_note_answer(e, s, "search", 1, 0); return; }   /* a claim, proved */
	size_t cap = (size_t)n * 12 + 1, o = 0;
	char *text = xmalloc(cap);
	text[0] = '\0';
	for (int i = 0; i < n; i++) o += (size_t)snprintf(text + o, cap - o, "%s%d", i ? " " : "", sched[i]);
	eng_note_answer(e, s, text, 1, 0);
	free(text);
}

/* A prediction on s: kept (the run judges it), and saved. */
void eng_note_prediction(engine *e, const step *s, const char *input)
{
	struct sstate *x = eng_sst(e, s);
	free(x->prediction);
	x->prediction = xstrdup(input);
	x->pred_judged = 0;
	x->predicted_now = 1;
	if (!e->prog) return;
	char *key = engine_step_key(e, s);
	progress_predict(e->prog, e->prog_course, base_name(s->file), engine_locate(e, s, NULL), key, input);
	free(key);
}

/* A saved key "#STEP" (kept before keys, by position) met at a question
 * now: that question's rows are re-keyed by its own key. */
struct legacy {
	char *file, *from;
	int li, si;
};
struct loading {
	engine *e;
	struct legacy *v;
	size_t n, cap;
};

/* The step of lesson li whose key is key, or -1. */
static int step_by_key(const engine *e, int li, const char *key)
{
	const lesson *l = course_lesson(e->c, li);
	for (int i = 0; i < l->nsteps; i++) {
		if (l->steps[i].kind != STEP_QUIZ && !engine_is_level(&l->steps[i])) continue;
		char *k = engine_step_key(e, &l->steps[i]);
		int same = k && !strcmp(k, key);
		free(k);
		if (same) return i;
	}
	return -1;
}

/* The saved progress of one step (progress_steps): seen ones by position,
 * questions by key (an old "#STEP" key: by position, if a question is
 * there). */
static void load_step(void *arg, const char *file, int pos, const char *key, int seen, int answers,
		      int first_right, int any_right, const char *prediction)
{
	struct loading *ld = arg;
	engine *e = ld->e;
	for (int i = 0; i < course_nlessons(e->c); i++) {
		const lesson *l = course_lesson(e->c, i);
		if (strcmp(base_name(l->file), file)) continue;
		int si = pos;
		if (key && key[0] == '#') {
			if (si < 0 || si >= l->nsteps || l->steps[si].kind != STEP_QUIZ) continue;
			ld->v = xgrow(ld->v, &ld->cap, ld->n + 1, sizeof *ld->v);
			ld->v[ld->n++] = (struct legacy){ xstrdup(file), xstrdup(key), i, si };
		} else if (key) {
			si = step_by_key(e, i, key);
		}
		if (si < 0 || si >= l->nsteps) continue;
		struct sstate *x = &e->ss[e->loff[i] + si];
		if (!key) {
			x->saved_seen = seen != 0;
			continue;
		}
		if (x->saved_tries && key[0] == '#') continue;   /* its own key's rows count */
		x->saved_tries = answers;
		x->saved_first_right = first_right;
		x->saved_right = any_right;
		if (prediction && !x->prediction && l->steps[si].predict) {
			x->prediction = xstrdup(prediction);
			x->pred_judged = answers > 0;   /* its verdict is saved already */
		}
	}
}

void engine_set_progress(engine *e, progress *p, const char *course_id)
{
	if (e->prog) {
		note_time(e);
		free(e->prog_course);
		e->prog = NULL;
		e->prog_course = NULL;
	}
	if (!p || !course_id) return;
	e->prog = p;
	e->prog_course = xstrdup(course_id);
	struct loading ld = { e, NULL, 0, 0 };
	progress_steps(p, course_id, load_step, &ld);
	for (size_t k = 0; k < ld.n; k++) {
		const lesson *l = course_lesson(e->c, ld.v[k].li);
		char *key = engine_step_key(e, &l->steps[ld.v[k].si]);
		progress_rekey(p, course_id, ld.v[k].file, ld.v[k].from, key, ld.v[k].si);
		free(key);
		free(ld.v[k].file);
		free(ld.v[k].from);
	}
	free(ld.v);
	for (int i = 0; i < course_nlessons(e->c); i++) {
		const lesson *l = course_lesson(e->c, i);
		progress_lesson(p, course_id, base_name(l->file), i, l->title, l->nsteps);
	}
	e->prog_li = e->li;
	e->prog_since = loop_now_ns();
	e->prog_active = 0;
}

