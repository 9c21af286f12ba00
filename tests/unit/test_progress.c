/* test_progress: the progress store: positions and answers read back, two
 * processes writing at once, a writer killed mid-way, a corrupt file; a
 * question settled in one session reads as settled in the next (resume). */
#include "check.h"
#include "engine/engine.h"
#include "engine/progress.h"
#include "util/xmalloc.h"

#include <dirent.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *fresh_dir(const char *base, const char *name)
{
	char *d = xasprintf("%s/%s", base, name);
	return d;
}

/* A number from one SQL query on the database in dir. */
static long long query(const char *dir, const char *sql)
{
	char *path = xasprintf("%s/progress.db", dir);
	sqlite3 *db;
	long long v = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		sqlite3_busy_timeout(db, 5000);
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	free(path);
	return v;
}

static int integrity_ok(const char *dir)
{
	char *path = xasprintf("%s/progress.db", dir);
	sqlite3 *db;
	int ok = 0;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
		sqlite3_busy_timeout(db, 5000);
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			ok = !strcmp((const char *)sqlite3_column_text(st, 0), "ok");
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	free(path);
	return ok;
}

static void test_roundtrip(const char *base)
{
	char *dir = fresh_dir(base, "a/b/state");   /* folders made as needed */
	progress *p = progress_open(dir, stderr);
	CHECK(p != NULL);
	if (!p) { free(dir); return; }
	int li = -1, si = -1;
	CHECK(progress_get_position(p, "course", &li, &si) == 0);
	CHECK(progress_lesson(p, "course", "01-a.lua", 0, "First", 4) == 0);
	CHECK(progress_set_position(p, "course", "01-a.lua", 0, 1) == 0);
	CHECK(progress_set_position(p, "course", "01-a.lua", 0, 2) == 0);
	CHECK(progress_get_position(p, "course", &li, &si) == 1);
	CHECK(li == 0 && si == 2);
	CHECK(progress_answer(p, "course", "01-a.lua", 2, NULL, "Q?", "1", 0) == 0);
	CHECK(progress_answer(p, "course", "01-a.lua", 2, NULL, "Q?", "2", 1) == 0);
	CHECK(progress_add_time(p, "course", "01-a.lua", 1.5) == 0);
	CHECK(progress_add_time(p, "course", "01-a.lua", 2.0) == 0);
	progress_close(p);

	CHECK(query(dir, "SELECT COUNT(*) FROM answers") == 2);
	CHECK(query(dir, "SELECT MAX(attempt) FROM answers") == 2);
	CHECK(query(dir, "SELECT correct FROM answers WHERE attempt = 1") == 0);
	CHECK(query(dir, "SELECT COUNT(*) FROM seen") == 2);
	CHECK(query(dir, "SELECT seconds * 10 FROM time_spent") == 35);
	CHECK(query(dir, "PRAGMA user_version") == 2);

	p = progress_open(dir, stderr);
	CHECK(p && progress_get_position(p, "course", &li, &si) == 1 && li == 0 && si == 2);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (p) progress_report(p, m);
	fclose(m);
	CHECK_CONTAINS(buf, "course: at lesson 1, step 3");
	CHECK_CONTAINS(buf, "2/4 steps");
	CHECK_CONTAINS(buf, "0/1 right");
	free(buf);
	CHECK(p && progress_reset(p, "nothing") == 0);
	CHECK(p && progress_reset(p, "course") > 0);
	CHECK(p && progress_get_position(p, "course", &li, &si) == 0);
	progress_close(p);
	free(dir);
}

#define WRITES 400

static void writer(const char *dir, int id, int forever)
{
	progress *p = progress_open(dir, stderr);
	if (!p) _exit(3);
	int bad = 0;
	for (int i = 0; forever || i < WRITES; i++) {
		char ans[32];
		snprintf(ans, sizeof ans, "%d-%d", id, i);
		bad += progress_answer(p, "c", "l.lua", 0, NULL, "Q", ans, i % 2) < 0;
		bad += progress_set_position(p, "c", "l.lua", id, i % 7) < 0;
	}
	progress_close(p);
	_exit(bad ? 1 : 0);
}

static void test_two_writers(const char *base)
{
	char *dir = fresh_dir(base, "two");
	progress *p = progress_open(dir, stderr);   /* the schema first, as parlab would */
	CHECK(p != NULL);
	progress_close(p);
	pid_t a = fork();
	if (a == 0) writer(dir, 1, 0);
	pid_t b = fork();
	if (b == 0) writer(dir, 2, 0);
	int sa = -1, sb = -1;
	waitpid(a, &sa, 0);
	waitpid(b, &sb, 0);
	CHECK(WIFEXITED(sa) && WEXITSTATUS(sa) == 0);
	CHECK(WIFEXITED(sb) && WEXITSTATUS(sb) == 0);
	CHECK(query(dir, "SELECT COUNT(*) FROM answers") == 2 * WRITES);
	/* Attempts were counted inside each transaction: 1..N, none twice. */
	CHECK(query(dir, "SELECT COUNT(DISTINCT attempt) FROM answers") == 2 * WRITES);
	CHECK(query(dir, "SELECT MAX(attempt) FROM answers") == 2 * WRITES);
	CHECK(query(dir, "SELECT COUNT(*) FROM position") == 1);
	CHECK(integrity_ok(dir));
	free(dir);
}

static void test_killed_writer(const char *base)
{
	char *dir = fresh_dir(base, "killed");
	progress *p = progress_open(dir, stderr);
	CHECK(p != NULL);
	progress_close(p);
	pid_t a = fork();
	if (a == 0) writer(dir, 1, 1);
	/* Let it get going, then kill it wherever it is. */
	for (int i = 0; i < 200 && query(dir, "SELECT COUNT(*) FROM answers") < 50; i++) usleep(10000);
	kill(a, SIGKILL);
	int st;
	waitpid(a, &st, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	p = progress_open(dir, stderr);
	CHECK(p != NULL);
	CHECK(p && progress_answer(p, "c", "l.lua", 0, NULL, "Q", "after", 1) == 0);
	progress_close(p);
	CHECK(integrity_ok(dir));
	long long n = query(dir, "SELECT COUNT(*) FROM answers");
	CHECK(n >= 50);
	CHECK(query(dir, "SELECT MAX(attempt) FROM answers") == n);
	free(dir);
}

static int count_broken(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (!strncmp(de->d_name, "progress.db.broken-", 19) && !strchr(de->d_name + 19, 'w')) n++;
	if (d) closedir(d);
	return n;
}

static void test_corrupt(const char *base)
{
	char *dir = fresh_dir(base, "corrupt");
	progress *p = progress_open(dir, stderr);
	CHECK(p != NULL);
	progress_close(p);
	char *path = xasprintf("%s/progress.db", dir);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	for (int i = 0; f && i < 8192; i++) fputc((i * 7919) % 251, f);
	if (f) fclose(f);

	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	p = progress_open(dir, m);
	fclose(m);
	CHECK(p != NULL);
	char *want = xasprintf("progress database %s is unreadable: ", path);
	CHECK_CONTAINS(buf, want);
	CHECK_CONTAINS(buf, "; keeping it as ");
	CHECK_CONTAINS(buf, "and starting fresh");
	CHECK(count_broken(dir) == 1);
	CHECK(p && progress_set_position(p, "c", "l.lua", 0, 1) == 0);
	int li, si;
	CHECK(p && progress_get_position(p, "c", &li, &si) == 1 && si == 1);
	progress_close(p);
	CHECK(integrity_ok(dir));
	free(want);
	free(buf);
	free(path);
	free(dir);
}

/* progress_steps' rows: how many, and what step 2 had. */
typedef struct { int n, answers, first, any; char predicted[32]; } step_rows;

static void count_step(void *arg, const char *file, int step, const char *key, int seen, int answers, int first,
		       int any, const char *prediction)
{
	step_rows *g = arg;
	(void)file; (void)seen; (void)key;
	g->n++;
	if (step == 2) { g->answers = answers; g->first = first; g->any = any; }
	if (step == 5 && prediction) snprintf(g->predicted, sizeof g->predicted, "%s", prediction);
}

/* The steps read back for scores; a write that fails under the TUI (no
 * message stream) is kept to be said, once. */
static void test_failed_write(const char *base)
{
	char *dir = fresh_dir(base, "failing");
	progress *p = progress_open(dir, stderr);
	CHECK(p != NULL);
	if (!p) { free(dir); return; }
	progress_set_msg(p, NULL);
	CHECK(progress_answer(p, "c", "l1.lua", 2, NULL, "q?", "a", 0) == 0);
	CHECK(progress_answer(p, "c", "l1.lua", 2, NULL, "q?", "b", 1) == 0);
	CHECK(progress_set_position(p, "c", "l1.lua", 0, 3) == 0);
	CHECK(progress_predict(p, "c", "l1.lua", 5, NULL, "three") == 0);
	CHECK(progress_predict(p, "c", "l1.lua", 5, NULL, "four") == 0);   /* the latest counts */
	step_rows got = { 0 };
	CHECK(progress_steps(p, "c", count_step, &got) == 0);
	CHECK(got.n == 3 && got.answers == 2 && got.first == 0 && got.any == 1);
	CHECK_STR(got.predicted, "four");
	CHECK(progress_take_problem(p) == NULL);
	char *path = xasprintf("%s/progress.db", dir);
	sqlite3 *db;
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "CREATE TRIGGER full BEFORE INSERT ON answers BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END",
			   NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	CHECK(progress_answer(p, "c", "l1.lua", 2, NULL, "q?", "c", 1) < 0);
	char *m = progress_take_problem(p);
	CHECK_CONTAINS(m, "could not save progress in ");
	CHECK_CONTAINS(m, "disk full (test)");
	free(m);
	CHECK(progress_answer(p, "c", "l1.lua", 2, NULL, "q?", "d", 1) < 0);
	CHECK(progress_take_problem(p) == NULL);   /* said once */
	progress_close(p);
	free(path);
	free(dir);
}

/* Files in dir whose name starts with prefix. */
static int count_prefixed(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (!strncmp(de->d_name, prefix, strlen(prefix))) n++;
	if (d) closedir(d);
	return n;
}

/* The temporary files an export of FILE would leave in dir: FILE.PID.tmp
 * (fs_write_whole). */
static int count_tmp(const char *dir, const char *file)
{
	DIR *d = opendir(dir);
	int n = 0;
	size_t fl = strlen(file);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		size_t l = strlen(de->d_name);
		n += l > fl + 5 && !strncmp(de->d_name, file, fl) && de->d_name[fl] == '.' && !strcmp(de->d_name + l - 4, ".tmp");
	}
	if (d) closedir(d);
	return n;
}

/* The first bytes of a file (up to cap - 1), or "" when unreadable. */
static void slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, cap - 1, f) : 0;
	buf[n] = '\0';
	if (f) fclose(f);
}

/* Child: exports to target with files capped at 4 KiB (SIGXFSZ ignored, so
 * a write past it fails with EFBIG). Exits 0 when the export said so. */
static void capped_export(const char *dir, const char *target)
{
	progress *p = progress_open(dir, stderr);
	if (!p) _exit(2);
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit rl = { 4096, 4096 };
	setrlimit(RLIMIT_FSIZE, &rl);
	char *err = NULL;
	int rc = progress_export(p, target, &err);
	if (err) fprintf(stderr, "capped export: %s\n", err);
	_exit(rc == -1 && err && strstr(err, target) && strstr(err, strerror(EFBIG)) ? 0 : 1);
}

/* A failed export leaves the file it was to replace as it was, and no
 * temporary file; a good one replaces it. */
static void test_export_fails(const char *base)
{
	char *dir = fresh_dir(base, "export");
	progress *p = progress_open(dir, stderr);
	CHECK(p != NULL);
	if (!p) { free(dir); return; }
	for (int i = 0; i < 200; i++)   /* an export of some 40 KB */
		progress_answer(p, "course", "01-a.lua", i % 5, NULL, "A question long enough to fill the export", "an answer", i % 2);
	progress_close(p);
	char *target = xasprintf("%s/out.json", dir), buf[64];
	FILE *f = fopen(target, "w");
	if (f) { fputs("the last export\n", f); fclose(f); }
	pid_t c = fork();
	if (c == 0) capped_export(dir, target);
	int st = -1;
	waitpid(c, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	slurp(target, buf, sizeof buf);
	CHECK_STR(buf, "the last export\n");
	CHECK(count_tmp(dir, "out.json") == 0);
	/* FILE a folder: refused, the folder as it was, no temporary file */
	char *folder = xasprintf("%s/folder.csv", dir), *err = NULL;
	CHECK(mkdir(folder, 0700) == 0);
	p = progress_open(dir, stderr);
	CHECK(p && progress_export(p, folder, &err) == -1);
	CHECK_CONTAINS(err, "folder.csv: Is a directory");
	free(err);
	CHECK(count_tmp(dir, "folder.csv") == 0 && count_prefixed(folder, "") == 2);   /* . and .. */
	/* and a good export replaces the file */
	err = NULL;
	CHECK(p && progress_export(p, target, &err) == 200);
	free(err);
	slurp(target, buf, sizeof buf);
	CHECK(buf[0] == '{');
	CHECK(count_tmp(dir, "out.json") == 0);
	progress_close(p);
	free(folder);
	free(target);
	free(dir);
}

/* One session on mini.lua's question (lesson 1, step 5) with progress kept
 * in dir: the answers given, then the engine and the store closed. */
static void session(const char *dir, const char *const *answers)
{
	char *err = NULL;
	course *c = course_load(fixture("lessons/good/mini.lua"), &err);
	progress *p = progress_open(dir, stderr);
	CHECK(c && p);
	if (!c || !p) { free(err); course_free(c); progress_close(p); return; }
	engine *e = engine_new(c, NULL);
	engine_set_progress(e, p, "mini");
	engine_goto(e, 0, 4);
	quiz_result res;
	for (const char *const *a = answers; *a; a++) CHECK(engine_answer(e, *a, &res) == 0);
	CHECK(engine_hint(e) != NULL);
	engine_free(e);
	progress_close(p);
	course_free(c);
}

/* The state of that question in a fresh session on dir; the view, the
 * feedback, engine_settled and the lesson's status must agree. */
static void resumed(const char *dir, int settled, int correct, const char *said, int left)
{
	char *err = NULL;
	course *c = course_load(fixture("lessons/good/mini.lua"), &err);
	progress *p = progress_open(dir, stderr);
	CHECK(c && p);
	if (!c || !p) { free(err); course_free(c); progress_close(p); return; }
	engine *e = engine_new(c, NULL);
	engine_set_progress(e, p, "mini");
	const step *q = &course_lesson(c, 0)->steps[4];
	engine_quiz_view v;
	engine_quiz_state(e, q, &v);
	CHECK(v.tries == 0 && v.nhints == 0 && v.last_input == NULL);
	CHECK(v.settled == settled && engine_settled(e, q) == settled);
	CHECK(v.earlier == settled);
	CHECK(v.correct == correct);
	CHECK(v.revealed == (settled && !correct));
	CHECK(v.tries_left == left);
	lesson_status st;
	engine_lesson_status(e, 0, &st);
	CHECK(st.questions == 1 && st.settled == settled && st.asked == 1 && st.right == correct);
	engine_feedback fb;
	engine_feedback_of(e, q, &fb);
	CHECK(fb.said == (said != NULL) && fb.shown == settled && fb.right == correct);
	if (said) CHECK_STR(fb.text, said);
	engine_feedback_free(&fb);
	CHECK(engine_hint_at(e, q, 0) == NULL);   /* hints are this session's */
	engine_free(e);
	progress_close(p);
	course_free(c);
}

static void test_resume_settled(const char *base)
{
	static const char *const right[] = { "2", NULL }, *const out[] = { "1", "3", NULL }, *const one[] = { "1", NULL };
	char *dir = fresh_dir(base, "resume-right");
	session(dir, right);
	resumed(dir, 1, 1, "Answered right in an earlier session. The answer is 2) three", 0);
	free(dir);
	dir = fresh_dir(base, "resume-out");   /* out of tries: settled, the answer shown */
	session(dir, out);
	resumed(dir, 1, 0, "Answered in an earlier session. The answer is 2) three", 0);
	free(dir);
	dir = fresh_dir(base, "resume-open");  /* one wrong answer: still open, one try left */
	session(dir, one);
	resumed(dir, 0, 0, NULL, 1);
	session(dir, one);                     /* and one more in the next session: out of tries */
	resumed(dir, 1, 0, "Answered in an earlier session. The answer is 2) three", 0);
	free(dir);
}

/* A lesson in dir: a text step, then (with extra) one more inserted, then
 * a choice question and a predict question on a run. */
static char *write_lesson(const char *dir, int extra)
{
	char *path = xasprintf("%s/edited.lua", dir);
	FILE *f = fopen(path, "w");
	if (!f) return path;
	fprintf(f, "return lesson {\n  title = 'Edited',\n  text [[Hello.]],\n%s"
		   "  quiz { q = 'How many?', choices = { 'one', 'two' }, answer = 2 },\n"
		   "  quiz { id = 'first', type = 'number', q = 'Which worker prints first?', predict = 'Speakers',\n"
		   "    observe = function(run) return run.first end },\n"
		   "  run { title = 'Speakers', processes = 2, worker = function(w) print(w.id) end },\n}\n",
		extra ? "  text [[Inserted before the questions.]],\n" : "");
	fclose(f);
	return path;
}

/* Answers and a prediction given in one session are still there after a
 * step was inserted before them; the TUI's score and the report agree. */
static void test_edit_keeps(const char *base)
{
	char *dir = fresh_dir(base, "edited"), *err = NULL;
	mkdir(dir, 0700);
	char *path = write_lesson(dir, 0);
	course *c = course_load(path, &err);
	progress *p = progress_open(dir, stderr);
	CHECK(c && p);
	if (!c || !p) { free(err); course_free(c); progress_close(p); free(path); free(dir); return; }
	engine *e = engine_new(c, NULL);
	engine_set_progress(e, p, "edited");
	quiz_result res;
	engine_goto(e, 0, 1);
	CHECK(engine_answer(e, "2", &res) == 0 && res.correct);
	engine_goto(e, 0, 2);
	CHECK(engine_answer(e, "1", &res) == 0);   /* a prediction, kept */
	CHECK_STR(engine_prediction(e, engine_step(e)), "1");
	engine_free(e);
	progress_close(p);
	course_free(c);
	free(path);

	path = write_lesson(dir, 1);   /* a step inserted before both */
	c = course_load(path, &err);
	p = progress_open(dir, stderr);
	CHECK(c && p);
	if (!c || !p) { free(err); course_free(c); progress_close(p); free(path); free(dir); return; }
	e = engine_new(c, NULL);
	engine_set_progress(e, p, "edited");
	const lesson *l = course_lesson(c, 0);
	CHECK(engine_settled(e, &l->steps[2]));
	CHECK_STR(engine_prediction(e, &l->steps[3]), "1");
	lesson_status st;
	engine_lesson_status(e, 0, &st);
	CHECK(st.questions == 2 && st.asked == 1 && st.right == 1);
	/* an answer now is a second attempt, not a first one again */
	engine_goto(e, 0, 2);
	CHECK(engine_answer(e, "1", &res) == 0 || 1);
	CHECK(query(dir, "SELECT COUNT(*) FROM answers WHERE attempt = 1") == 1);
	char *rep = xasprintf("%s/report.txt", dir);
	FILE *f = fopen(rep, "w+");
	CHECK(f && progress_report(p, f) == 0);
	char buf[2048] = "";
	if (f) { rewind(f); buf[fread(buf, 1, sizeof buf - 1, f)] = 0; fclose(f); }
	CHECK_CONTAINS(buf, "1/1 right");
	engine_free(e);
	progress_close(p);
	course_free(c);
	free(rep);
	free(path);
	free(dir);
}

/* engine_reload: the edited lesson (a step inserted before the
 * questions) replaces the old one in the same session: the place stays on
 * the same question, its answer and the prediction come along, and what
 * is kept in the store is not counted twice. */
static void test_reload(const char *base)
{
	char *dir = fresh_dir(base, "reload"), *err = NULL;
	mkdir(dir, 0700);
	char *path = write_lesson(dir, 0);
	course *c = course_load(path, &err);
	progress *p = progress_open(dir, stderr);
	CHECK(c && p);
	if (!c || !p) { free(err); course_free(c); progress_close(p); free(path); free(dir); return; }
	engine *e = engine_new(c, NULL);
	engine_set_progress(e, p, "edited");
	quiz_result res;
	engine_goto(e, 0, 2);
	CHECK(engine_answer(e, "7", &res) == 0);   /* the prediction */
	engine_goto(e, 0, 1);
	CHECK(engine_answer(e, "2", &res) == 0 && res.correct);
	free(write_lesson(dir, 1));
	course *c2 = course_load(path, &err);
	CHECK(c2 != NULL);
	CHECK(c2 && engine_reload(e, c2) == 0);
	CHECK(engine_course(e) == c2);
	CHECK(engine_lesson_index(e) == 0 && engine_step_index(e) == 2);   /* the same question, one further down */
	const lesson *l = course_lesson(c2, 0);
	CHECK(engine_settled(e, &l->steps[2]));
	CHECK_STR(engine_prediction(e, &l->steps[3]), "7");
	int right, asked;
	engine_score(e, &right, &asked);
	CHECK(right == 1 && asked == 1);
	lesson_status st;
	engine_lesson_status(e, 0, &st);
	CHECK(st.asked == 1 && st.right == 1 && st.settled == 2);
	/* the step on screen removed: the same index of the same lesson */
	engine_goto(e, 0, 4);   /* the run */
	FILE *f = fopen(path, "w");
	if (f) { fputs("return lesson { title = 'Edited', text [[Only this.]], text [[And this.]] }\n", f); fclose(f); }
	course *c3 = course_load(path, &err);
	CHECK(c3 && engine_reload(e, c3) == 0);
	CHECK(engine_lesson_index(e) == 0 && engine_step_index(e) == 1);
	engine_free(e);   /* frees c3 (c2 went at the second reload) */
	progress_close(p);
	course_free(c);
	free(path);
	free(dir);
}

/* Rows kept by position (before keys: key "#STEP") are read where a
 * question is at that step, and re-keyed by the question's own key. */
static void test_legacy_rows(const char *base)
{
	char *dir = fresh_dir(base, "legacy"), *err = NULL;
	/* a database of schema 1 (rows by position) is migrated on open */
	mkdir(dir, 0700);
	char *db1 = xasprintf("%s/progress.db", dir);
	sqlite3 *db;
	CHECK(sqlite3_open(db1, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "CREATE TABLE answers(course TEXT NOT NULL, file TEXT NOT NULL, step INTEGER NOT NULL,"
			   " question TEXT, attempt INTEGER NOT NULL, answer TEXT, correct INTEGER, time INTEGER,"
			   " PRIMARY KEY(course, file, step, attempt));"
			   "CREATE TABLE predictions(course TEXT NOT NULL, file TEXT NOT NULL, step INTEGER NOT NULL,"
			   " prediction TEXT, time INTEGER, PRIMARY KEY(course, file, step));"
			   "INSERT INTO answers VALUES('mini', 'mini.lua', 4, 'Q', 1, '2', 1, 5);"
			   "PRAGMA user_version = 1;", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	free(db1);
	progress *p = progress_open(dir, stderr);
	CHECK(p != NULL);
	CHECK(query(dir, "PRAGMA user_version") == 2);
	CHECK(query(dir, "SELECT COUNT(*) FROM answers WHERE key = '#4' AND step = 4") == 1);
	course *c = course_load(fixture("lessons/good/mini.lua"), &err);
	CHECK(c != NULL);
	if (!c || !p) { free(err); course_free(c); progress_close(p); free(dir); return; }
	engine *e = engine_new(c, NULL);
	engine_set_progress(e, p, "mini");
	const step *q = &course_lesson(c, 0)->steps[4];
	CHECK(engine_settled(e, q));
	char *key = engine_step_key(e, q);
	CHECK(key && !strncmp(key, "q:", 2));
	char *sql = xasprintf("SELECT COUNT(*) FROM answers WHERE key = '%s'", key ? key : "");
	CHECK(query(dir, sql) == 1);
	CHECK(query(dir, "SELECT COUNT(*) FROM answers WHERE key = '#4'") == 0);
	CHECK(engine_step_key(e, &course_lesson(c, 0)->steps[0]) == NULL);
	free(sql);
	free(key);
	engine_free(e);
	progress_close(p);
	course_free(c);
	free(dir);
}

/* The view within one session: tries, the last answer, hints shown. */
static void test_view(void)
{
	char *err = NULL;
	course *c = course_load(fixture("lessons/good/mini.lua"), &err);
	CHECK(c != NULL);
	if (!c) { free(err); return; }
	engine *e = engine_new(c, NULL);
	engine_goto(e, 0, 4);
	const step *q = engine_step(e);
	engine_quiz_view v;
	quiz_result res;
	engine_quiz_state(e, q, &v);
	CHECK(!v.tries && !v.settled && v.tries_left == 2 && !v.chosen);
	CHECK(engine_answer(e, "one", &res) == 0);
	engine_quiz_state(e, q, &v);
	CHECK(v.tries == 1 && v.chosen == 1 && !v.correct && !v.revealed && v.tries_left == 1 && !v.earlier);
	CHECK_STR(v.last_input, "one");
	CHECK_STR(engine_hint(e), "Count the lanes.");
	engine_goto(e, 0, 0);
	engine_goto(e, 0, 4);   /* hints shown stay with the question */
	CHECK_STR(engine_hint(e), "It is more than two.");
	CHECK(engine_hint(e) == NULL);
	engine_quiz_state(e, q, &v);
	CHECK(v.nhints == 2);
	CHECK_STR(engine_hint_at(e, q, 1), "It is more than two.");
	CHECK(engine_hint_at(e, q, 2) == NULL);
	CHECK(engine_answer(e, "2", &res) == 0);
	engine_quiz_state(e, q, &v);
	CHECK(v.tries == 2 && v.correct && v.settled && !v.revealed && v.tries_left == 0 && v.chosen == 2);
	engine_quiz_state(e, &course_lesson(c, 0)->steps[0], &v);   /* not a question */
	CHECK(!v.tries && !v.settled);
	engine_free(e);
	course_free(c);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	char *base = xasprintf("%s/test-progress-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(base)) { perror(base); return 1; }
	test_roundtrip(base);
	test_two_writers(base);
	test_killed_writer(base);
	test_corrupt(base);
	test_failed_write(base);
	test_export_fails(base);
	test_resume_settled(base);
	test_edit_keeps(base);
	test_legacy_rows(base);
	test_reload(base);
	test_view();
	char *cmd = xasprintf("rm -rf '%s'", base);
	if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", base);
	free(cmd);
	free(base);
	return CHECK_DONE();
}
