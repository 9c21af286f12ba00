/*
 * engine_reload.c: a course loaded again (its lesson files edited while
 * the session goes on) takes the place of the one the engine had. The
 * session's state of each question goes with the question (matched by
 * its progress key, engine_step_key), the place goes with the step where
 * that step is still there; runs, their traces and their summaries (Lua
 * values of the old course's state) are dropped.
 */
#include "engine/engine_int.h"
#include "engine/lua_api.h"
#include "util/xmalloc.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

static const char *base_of(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

static int same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* The same step, as far as a reader can tell: its kind, title and text. */
static int same_step(const step *a, const step *b)
{
	return a->kind == b->kind && same_text(a->title, b->title) && same_text(a->body, b->body);
}

/* Lets go of a step state's run values (Lua values of course oc). */
static void drop_run_state(course *oc, struct sstate *x)
{
	lapi_unref(course_lua(oc), x->sum_ref);
	lapi_unref(course_lua(oc), x->prev_ref);
	x->sum_ref = x->prev_ref = LUA_NOREF;
	free(x->note);
	x->note = NULL;
	x->text_gen = 0;
	x->wall = x->work = 0;
	x->other = -1;
	x->other_noticeable = 0;
}

int engine_reload(engine *e, course *nc)
{
	if (!nc || engine_running(e)) return -1;
	course *oc = e->c;
	int *oloff = e->loff, otot = oloff[course_nlessons(oc)];
	struct sstate *oss = e->ss;
	/* Keys and lessons of the old steps, while e still has the old course. */
	char **okey = xcalloc((size_t)otot + 1, sizeof *okey);
	int *oli = xcalloc((size_t)otot + 1, sizeof *oli), *used = xcalloc((size_t)otot + 1, sizeof *used);
	for (int li = 0; li < course_nlessons(oc); li++) {
		const lesson *l = course_lesson(oc, li);
		for (int si = 0; si < l->nsteps; si++) {
			okey[oloff[li] + si] = engine_step_key(e, &l->steps[si]);
			oli[oloff[li] + si] = li;
		}
	}
	int cur = oloff[e->li] + e->si;
	const char *cur_file = base_of(engine_lesson(e)->file);
	int cur_si = e->si;

	/* The time so far is written; the store is attached again below
	 * without reading it back (this session's states come along). */
	progress *p = e->prog;
	char *id = p ? xstrdup(e->prog_course) : NULL;
	engine_set_progress(e, NULL, NULL);
	eng_drop_run(e);
	trace_free(e->t);
	e->t = NULL;
	e->t_step = NULL;
	eng_free_verdicts(e);

	int n = course_nlessons(nc), total = 0;
	int *loff = xcalloc((size_t)n + 1, sizeof *loff);
	for (int i = 0; i < n; i++) {
		loff[i] = total;
		total += course_lesson(nc, i)->nsteps;
	}
	loff[n] = total;
	struct sstate *ss = xcalloc((size_t)(total ? total : 1), sizeof *ss);
	for (int i = 0; i < total; i++) {
		ss[i].sum_ref = ss[i].prev_ref = LUA_NOREF;
		ss[i].other = -1;
	}
	e->c = nc;
	e->loff = loff;
	e->ss = ss;
	int new_li = -1, new_si = 0;
	for (int li = 0; li < n; li++) {
		const lesson *l = course_lesson(nc, li);
		for (int si = 0; si < l->nsteps; si++) {
			const step *s = &l->steps[si];
			char *key = engine_step_key(e, s);
			int from = -1;
			for (int k = 0; k < otot && from < 0; k++) {
				const lesson *ol = course_lesson(oc, oli[k]);
				if (used[k] || strcmp(base_of(ol->file), base_of(l->file))) continue;
				const step *o = &ol->steps[k - oloff[oli[k]]];
				if (key ? okey[k] && !strcmp(key, okey[k]) : same_step(o, s)) from = k;
			}
			free(key);
			if (from < 0) continue;
			used[from] = 1;
			ss[loff[li] + si] = oss[from];
			memset(&oss[from], 0, sizeof oss[from]);
			oss[from].sum_ref = oss[from].prev_ref = LUA_NOREF;
			if (s->kind == STEP_RUN || s->kind == STEP_TEXT) {
				struct sstate *x = &ss[loff[li] + si];
				lapi_unref(course_lua(oc), x->sum_ref);
				lapi_unref(course_lua(oc), x->prev_ref);
				x->sum_ref = x->prev_ref = LUA_NOREF;
				drop_run_state(nc, x);   /* refs are NOREF now: frees the note only */
			}
			if (from == cur) { new_li = li; new_si = si; }
		}
	}
	/* The step left behind: the same place in the same lesson file. */
	for (int li = 0; new_li < 0 && li < n; li++)
		if (!strcmp(base_of(course_lesson(nc, li)->file), cur_file)) {
			new_li = li;
			new_si = cur_si < course_lesson(nc, li)->nsteps ? cur_si : course_lesson(nc, li)->nsteps - 1;
		}
	if (new_li < 0) new_li = new_si = 0;
	for (int k = 0; k < otot; k++) {
		free(oss[k].prediction);
		free(oss[k].last_input);
		drop_run_state(oc, &oss[k]);
		free(okey[k]);
	}
	free(okey);
	free(oli);
	free(used);
	free(oss);
	free(oloff);
	if (e->owned == oc) course_free(oc);
	e->owned = nc;
	e->li = new_li;
	e->si = new_si;
	if (p) {
		e->prog = p;
		e->prog_course = id;
		for (int i = 0; i < n; i++) {
			const lesson *l = course_lesson(nc, i);
			progress_lesson(p, id, base_of(l->file), i, l->title, l->nsteps);
		}
		e->prog_li = e->li;
		e->prog_since = loop_now_ns();
		e->prog_active = 0;
	}
	eng_note_move(e, e->li);
	return 0;
}
