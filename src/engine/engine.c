/*
 * engine.c: a student's session through a course: position, runs, answers.
 * Runs are handed to src/run with callbacks that execute on the runner's
 * side; nothing of a lesson's work happens in this process.
 */
#include "engine/engine.h"
#include "engine/lua_api.h"
#include "engine/prepare.h"
#include "engine/progress.h"
#include "util/xmalloc.h"

#include <ctype.h>
#include <ftw.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct engine {
	course *c;
	loop *l;
	int li, si;           /* lesson, step */
	run *r;
	trace *t;             /* last run's trace */
	const step *t_step;   /* the step that trace belongs to */
	int run_failed, run_skipped;
	char *scratch;
	int hint_next;
	int right, asked;
	const step *answered;  /* last quiz step judged (for score) */
	run_events user_ev;
	struct figures { const step *s; int64_t wall, work; } *figs;
	size_t nfigs, capfigs;
	progress *prog;       /* where progress is kept, or NULL */
	char *prog_course;    /* the course's id there */
	int prog_li;          /* the lesson whose time is being counted */
	int64_t prog_since;   /* since when (loop_now_ns) */
};

int engine_ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

engine *engine_new(course *c, loop *l)
{
	engine *e = xcalloc(1, sizeof *e);
	e->c = c;
	e->l = l;
	return e;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	remove(path);
	return 0;
}

static void drop_scratch(engine *e)
{
	if (!e->scratch) return;
	nftw(e->scratch, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(e->scratch);
	e->scratch = NULL;
}

static void drop_run(engine *e)
{
	if (e->r) { run_free(e->r); e->r = NULL; }
	drop_scratch(e);
}

void engine_free(engine *e)
{
	if (!e) return;
	engine_set_progress(e, NULL, NULL);
	drop_run(e);
	trace_free(e->t);
	free(e->figs);
	free(e);
}

course *engine_course(engine *e) { return e->c; }
int engine_lesson_index(const engine *e) { return e->li; }
int engine_step_index(const engine *e) { return e->si; }
const lesson *engine_lesson(const engine *e) { return course_lesson(e->c, e->li); }

const step *engine_step(const engine *e)
{
	const lesson *l = engine_lesson(e);
	return (l && e->si < l->nsteps) ? &l->steps[e->si] : NULL;
}

/* ---- progress --------------------------------------------------------------- */

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

/* Adds the time since prog_since to lesson prog_li. */
static void note_time(engine *e)
{
	const lesson *l = course_lesson(e->c, e->prog_li);
	int64_t now = loop_now_ns();
	if (l && now > e->prog_since)
		progress_add_time(e->prog, e->prog_course, base_name(l->file), (double)(now - e->prog_since) / 1e9);
	e->prog_since = now;
	e->prog_li = e->li;
}

static void note_move(engine *e, int old_li)
{
	if (!e->prog) return;
	if (old_li != e->li) note_time(e);
	progress_set_position(e->prog, e->prog_course, base_name(engine_lesson(e)->file), e->li, e->si);
}

static void note_answer(engine *e, const step *s, const char *input, int correct)
{
	if (!e->prog) return;
	progress_answer(e->prog, e->prog_course, base_name(s->file), e->si, s->body, input, correct);
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
	for (int i = 0; i < course_nlessons(e->c); i++) {
		const lesson *l = course_lesson(e->c, i);
		progress_lesson(p, course_id, base_name(l->file), i, l->title, l->nsteps);
	}
	e->prog_li = e->li;
	e->prog_since = loop_now_ns();
	note_move(e, e->li);
}

int engine_goto(engine *e, int li, int si)
{
	const lesson *l = course_lesson(e->c, li);
	if (!l || si < 0 || si >= l->nsteps) return -1;
	int old = e->li;
	e->li = li;
	e->si = si;
	e->hint_next = 0;
	note_move(e, old);
	return 0;
}

int engine_next(engine *e)
{
	const lesson *l = engine_lesson(e);
	if (e->si + 1 < l->nsteps) return engine_goto(e, e->li, e->si + 1);
	return engine_goto(e, e->li + 1, 0);
}

int engine_back(engine *e)
{
	if (e->si > 0) return engine_goto(e, e->li, e->si - 1);
	const lesson *prev = course_lesson(e->c, e->li - 1);
	return prev ? engine_goto(e, e->li - 1, prev->nsteps - 1) : -1;
}

int engine_position(const engine *e, int *total)
{
	int pos = 0, n = 0;
	for (int i = 0; i < course_nlessons(e->c); i++) {
		if (i == e->li) pos = n + e->si;
		n += course_lesson(e->c, i)->nsteps;
	}
	if (total) *total = n;
	return pos + 1;
}

/* ---- runs ------------------------------------------------------------------- */

typedef struct {
	engine *e;
	const step *s;
} run_ctx;

static run_ctx the_ctx;   /* the runner's copy is what its children read */

/* Runner side. */
static int prepare_cb(void *ctx, char ***argv, int out_fd, int err_fd)
{
	(void)err_fd;
	run_ctx *rc = ctx;
	const step *s = rc->s;
	FILE *msg = fdopen(dup(out_fd), "w");
	if (!msg) return 1;
	setvbuf(msg, NULL, _IOLBF, 0);
	int rc_ = 0;
	if (prepare_files(course_dir(rc->e->c), s->files, msg) < 0) rc_ = 1;
	if (!rc_ && s->csv_file &&
	    prepare_csv(s->csv_file, s->csv_column, s->csv_rows, s->csv_mean, msg) < 0) rc_ = 1;
	if (!rc_ && s->rkind == RUN_COMMAND && *argv &&
	    (!strcmp((*argv)[0], "python3") || !strcmp((*argv)[0], "python"))) {
		/* Unbuffered, a print becomes two writes (text, newline) and lines of
		 * processes sharing the pipe can interleave mid-line; buffered, each
		 * line leaves whole, as from a terminal's line buffering. */
		unsetenv("PYTHONUNBUFFERED");
		const char *py = prepare_python(s->python, msg);
		if (!py) rc_ = 1;
		else (*argv)[0] = (char *)py;   /* our copy of the process: safe to change */
	}
	fclose(msg);
	return rc_;
}

/* Worker side: a child process of the runner, or a thread. */
static int work_cb(void *ctx, const run_worker *w)
{
	run_ctx *rc = ctx;
	if (rc->s->rkind == RUN_THREADS)
		return lapi_run_worker_fresh(rc->s->file, rc->s->index, w);
	return lapi_run_worker(course_lua(rc->e->c), rc->s->ref, w);
}

static void on_update(run *r, void *arg)
{
	(void)r;
	engine *e = arg;
	if (e->user_ev.update) e->user_ev.update(r, e->user_ev.arg);
}

/* Wall time and CPU work (the workers' CPU time) of a finished trace. */
static void figures_of(const trace *t, int64_t *wall, int64_t *work)
{
	*wall = trace_end(t);
	*work = 0;
	for (int i = 0; i < trace_ntasks(t); i++) {
		const trace_task *k = trace_task_at(t, i);
		if (k->worker >= 0) *work += k->cpu_ns;
	}
}

static struct figures *figures_for(engine *e, const step *s)
{
	for (size_t i = 0; i < e->nfigs; i++)
		if (e->figs[i].s == s) return &e->figs[i];
	return NULL;
}

static const step *find_run(const lesson *l, const char *title)
{
	for (int i = 0; l && i < l->nsteps; i++)
		if (l->steps[i].kind == STEP_RUN && l->steps[i].title && !strcmp(l->steps[i].title, title))
			return &l->steps[i];
	return NULL;
}

/* Keeps this run's figures and, if the step names a baseline run that has
 * been run, says how the two compare, as a line of the trace (so the TUI's
 * output pane and the batch transcript both show it). Speedup is work done
 * per second of wall time, relative to the baseline's. */
static void compare(engine *e, const step *s, trace *t)
{
	int64_t wall, work;
	figures_of(t, &wall, &work);
	struct figures *f = figures_for(e, s);
	if (!f) {
		e->figs = xgrow(e->figs, &e->capfigs, e->nfigs + 1, sizeof *e->figs);
		f = &e->figs[e->nfigs++];
	}
	*f = (struct figures){ s, wall, work };
	if (!s->baseline || e->run_failed || e->run_skipped) return;
	const struct figures *b = figures_for(e, find_run(engine_lesson(e), s->baseline));
	char msg[256], w1[24], w2[24];
	if (!b || b->wall <= 0 || b->work <= 0 || wall <= 0) {
		snprintf(msg, sizeof msg, "run \"%s\" too, to compare this run with it", s->baseline);
	} else {
		double time_ratio = (double)wall / (double)b->wall, work_ratio = (double)work / (double)b->work;
		snprintf(msg, sizeof msg, "vs \"%s\": %.2fx the CPU work in %.2fx the wall time (%s vs %s): speedup %.2fx",
			 s->baseline, work_ratio, time_ratio, trace_fmt_ns(w1, sizeof w1, wall),
			 trace_fmt_ns(w2, sizeof w2, b->wall), work_ratio / time_ratio);
	}
	trace_line_add(t, -1, trace_end(t), 0, msg, strlen(msg));
}

static void on_done(run *r, void *arg)
{
	engine *e = arg;
	e->run_failed = run_failed(r);
	e->run_skipped = run_skipped(r);
	compare(e, e->t_step, e->t);
	if (e->user_ev.done) e->user_ev.done(r, e->user_ev.arg);
}

static char *make_scratch(void)
{
	const char *tmp = getenv("TMPDIR");
	char *tmpl = xasprintf("%s/parlab-run-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tmpl)) { free(tmpl); return NULL; }
	return tmpl;
}

int engine_run(engine *e, const run_events *ev, char **err)
{
	const step *s = engine_step(e);
	*err = NULL;
	if (!s || s->kind != STEP_RUN) { *err = xstrdup("this step has nothing to run"); return -1; }
	if (engine_running(e)) { *err = xstrdup("a run is already going (type stop to end it)"); return -1; }
	drop_run(e);
	trace_free(e->t);
	e->scratch = make_scratch();
	e->t = trace_new(s->title, loop_now_ns());
	trace_set_ncpu(e->t, engine_ncpu());
	e->t_step = s;
	e->user_ev = ev ? *ev : (run_events){ 0 };
	the_ctx = (run_ctx){ e, s };
	run_spec spec = {
		.kind = s->rkind, .nworkers = s->nworkers, .argv = s->argv, .cwd = e->scratch,
		.timeout_ms = s->timeout_ms, .ctx = &the_ctx, .prepare = prepare_cb, .work = work_cb,
	};
	run_events mine = { on_update, on_done, e };
	e->r = run_start(e->l, &spec, e->t, &mine, err);
	if (!e->r) { drop_scratch(e); return -1; }
	return 0;
}

void engine_stop(engine *e, const char *why)
{
	if (e->r) run_stop(e->r, why);
}

int engine_running(const engine *e) { return e->r && run_live(e->r); }
trace *engine_trace(engine *e) { return e->t_step == engine_step(e) ? e->t : NULL; }
int engine_run_failed(const engine *e) { return e->run_failed; }
int engine_run_skipped(const engine *e) { return e->run_skipped; }

trace *engine_last_trace(engine *e, const step **s)
{
	if (s) *s = e->t ? e->t_step : NULL;
	return e->t;
}

/* ---- quizzes ------------------------------------------------------------------ */

/* Copies s trimmed of surrounding space and trailing punctuation. */
static void trim(char *dst, size_t cap, const char *s)
{
	while (isspace((unsigned char)*s)) s++;
	size_t n = strlen(s);
	while (n && (isspace((unsigned char)s[n - 1]) || strchr(".!?", s[n - 1]))) n--;
	if (n >= cap) n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* Text answers: lower case, no surrounding space or punctuation, inner
 * runs of space as one space. */
static void normalize(char *dst, size_t cap, const char *s)
{
	static const char punct[] = ".,!?;:'\"";
	while (*s && (isspace((unsigned char)*s) || strchr(punct, *s))) s++;
	size_t o = 0;
	int space = 0;
	for (; *s && o + 1 < cap; s++) {
		if (isspace((unsigned char)*s)) { space = 1; continue; }
		if (space && o) dst[o++] = ' ';
		space = 0;
		if (o + 1 < cap) dst[o++] = (char)tolower((unsigned char)*s);
	}
	while (o && strchr(punct, dst[o - 1])) o--;
	while (o && dst[o - 1] == ' ') o--;
	dst[o] = '\0';
}

/* The first number in s ("~2 CPUs" -> 2), locale-independent: digits with
 * an optional '.' fraction and a sign right before them. 0 if none. */
static int first_number(const char *s, double *out)
{
	for (const char *p = s; *p; p++) {
		int neg = 0;
		const char *q = p;
		if (*q == '-' || *q == '+') { neg = *q == '-'; q++; }
		if (!isdigit((unsigned char)*q) && !(*q == '.' && isdigit((unsigned char)q[1]))) continue;
		double v = 0, scale = 1;
		while (isdigit((unsigned char)*q)) v = v * 10 + (*q++ - '0');
		if (*q == '.')
			for (q++; isdigit((unsigned char)*q); q++) { scale /= 10; v += (*q - '0') * scale; }
		if ((*q == 'e' || *q == 'E') && (isdigit((unsigned char)q[1]) ||
		    ((q[1] == '-' || q[1] == '+') && isdigit((unsigned char)q[2])))) {
			int eneg = q[1] == '-', ex = 0;
			q += 1 + (q[1] == '-' || q[1] == '+');
			while (isdigit((unsigned char)*q)) { if (ex < 400) ex = ex * 10 + (*q - '0'); q++; }
			for (int i = 0; i < ex; i++) v = eneg ? v / 10 : v * 10;
		}
		*out = neg ? -v : v;
		return 1;
	}
	return 0;
}

/* Numbers separated by spaces or commas, each 1..max; -1 otherwise. */
static int parse_numbers(const char *s, int max, int *v, int cap)
{
	int n = 0;
	while (*s) {
		if (isspace((unsigned char)*s) || *s == ',' || *s == ';') { s++; continue; }
		char *end;
		long x = strtol(s, &end, 10);
		if (end == s || x < 1 || x > max || n == cap) return -1;
		if (*end && !isspace((unsigned char)*end) && *end != ',' && *end != ';' && *end != '.') return -1;
		v[n++] = (int)x;
		s = *end == '.' ? end + 1 : end;
	}
	return n;
}

static int judge_choice(const step *s, const char *input, quiz_result *res)
{
	char in[512], ch[512];
	trim(in, sizeof in, input);
	int choice = 0;
	char *end;
	long n = strtol(in, &end, 10);
	if (*in && !*end && n >= 1 && n <= s->nchoices) choice = (int)n;
	for (int i = 0; *in && !choice && i < s->nchoices; i++) {
		trim(ch, sizeof ch, s->choices[i]);
		if (!strcasecmp(in, ch)) choice = i + 1;
	}
	if (!choice) return -1;
	res->choice = choice;
	res->correct = choice == s->answer;
	return 0;
}

static int judge(engine *e, const step *s, const char *input, quiz_result *res)
{
	int v[64];
	switch (s->qtype) {
	case QUIZ_CHOICE: return judge_choice(s, input, res);
	case QUIZ_MULTI: {
		int n = parse_numbers(input, s->nchoices, v, 64);
		if (n <= 0) return -1;
		int set[10] = { 0 }, want[10] = { 0 };
		for (int i = 0; i < n; i++) set[v[i]] = 1;
		for (int i = 0; i < s->nanswers; i++) want[s->answers[i]] = 1;
		res->correct = !memcmp(set, want, sizeof set);
		return 0;
	}
	case QUIZ_ORDER: {
		int n = parse_numbers(input, s->nchoices, v, 64);
		if (n != s->nchoices) return -1;
		int seen[10] = { 0 };
		for (int i = 0; i < n; i++)
			if (seen[v[i]]++) return -1;
		res->correct = 1;
		for (int i = 0; i < n; i++)
			if (v[i] != s->answers[i]) res->correct = 0;
		return 0;
	}
	case QUIZ_NUMBER: {
		double x;
		if (!first_number(input, &x)) return -1;
		double slack = 1e-9 * (fabs(s->number) > 1 ? fabs(s->number) : 1);
		res->correct = fabs(x - s->number) <= s->tolerance + slack;
		return 0;
	}
	case QUIZ_TEXT: {
		char in[512], ac[512];
		normalize(in, sizeof in, input);
		if (!*in) return -1;
		for (char **a = s->accept; a && *a && !res->correct; a++) {
			normalize(ac, sizeof ac, *a);
			res->correct = !strcmp(in, ac);
		}
		for (char **p = s->patterns; p && *p && !res->correct; p++)
			res->correct = lapi_find(course_lua(e->c), in, *p) == 1;
		return 0;
	}
	}
	return -1;
}

const char *engine_quiz_prompt(const step *s)
{
	switch (s->qtype) {
	case QUIZ_MULTI: return "(type the numbers of every right choice, e.g. 1 3)";
	case QUIZ_TEXT: return "(type your answer)";
	case QUIZ_NUMBER: return "(type a number)";
	case QUIZ_ORDER: return "(type the items' numbers in order, e.g. 2 3 1)";
	case QUIZ_CHOICE: break;
	}
	return "(type the number of a choice)";
}

static const char *why_not(const step *s)
{
	switch (s->qtype) {
	case QUIZ_MULTI: return "type the numbers of every right choice, e.g. 1 3";
	case QUIZ_TEXT: return "type your answer in words";
	case QUIZ_NUMBER: return "type a number";
	case QUIZ_ORDER: return "type every item's number once, in the right order";
	case QUIZ_CHOICE: break;
	}
	return "type the number or the text of a choice";
}

int engine_answer(engine *e, const char *input, quiz_result *res)
{
	const step *s = engine_step(e);
	if (!s || s->kind != STEP_QUIZ || !input) return -1;
	res->correct = 0;
	res->choice = 0;
	res->explain = s->explain;
	res->why = why_not(s);
	if (judge(e, s, input, res) < 0) return -1;
	note_answer(e, s, input, res->correct);
	if (e->answered != s) {   /* the first answer to a question counts */
		e->answered = s;
		e->asked++;
		if (res->correct) e->right++;
	}
	return 0;
}

/* Appends to an allocated string. */
static void cat(char **buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cat(char **buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *piece = xvasprintf(fmt, ap);
	va_end(ap);
	char *t = xasprintf("%s%s", *buf ? *buf : "", piece);
	free(piece);
	free(*buf);
	*buf = t;
}

char *engine_right_answer(const step *s)
{
	char *out = NULL;
	if (!s || s->kind != STEP_QUIZ) return xstrdup("");
	switch (s->qtype) {
	case QUIZ_CHOICE:
		if (s->answer >= 1 && s->answer <= s->nchoices) cat(&out, "%d) %s", s->answer, s->choices[s->answer - 1]);
		break;
	case QUIZ_MULTI:
		for (int i = 0; i < s->nanswers; i++)
			cat(&out, "%s%d) %s", i ? ", " : "", s->answers[i], s->choices[s->answers[i] - 1]);
		break;
	case QUIZ_ORDER:
		for (int i = 0; i < s->nanswers; i++) cat(&out, "%s%d", i ? ", " : "", s->answers[i]);
		cat(&out, ":");
		for (int i = 0; i < s->nanswers; i++) cat(&out, "%s %s", i ? "," : "", s->choices[s->answers[i] - 1]);
		break;
	case QUIZ_NUMBER:
		cat(&out, "%g", s->number);
		if (s->tolerance > 0) cat(&out, " (\xc2\xb1%g)", s->tolerance);
		break;
	case QUIZ_TEXT:
		if (s->accept && s->accept[0]) cat(&out, "%s", s->accept[0]);
		else if (s->patterns && s->patterns[0]) cat(&out, "a text matching the pattern %s", s->patterns[0]);
		break;
	}
	return out ? out : xstrdup("");
}

const char *engine_hint(engine *e)
{
	const step *s = engine_step(e);
	if (!s || s->kind != STEP_QUIZ || e->hint_next >= s->nhints) return NULL;
	return s->hints[e->hint_next++];
}

void engine_score(const engine *e, int *right, int *asked)
{
	*right = e->right;
	*asked = e->asked;
}
