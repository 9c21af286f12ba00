/*
 * progress.c: the student's progress in SQLite (see progress.h).
 */
#include "engine/progress.h"
#include "trace/trace.h"
#include "util/fs.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* 2: answers and predictions keyed by the question's key (progress.h),
 * not only its position; version 1 rows are migrated with key "#STEP". */
#define SCHEMA_VERSION 2

struct progress {
	sqlite3 *db;
	char *path;
	FILE *msg;
	int said;             /* a write failed and that was said */
	char *unsaid;         /* ... or is waiting to be said (no msg stream) */
};

char *progress_take_problem(progress *p)
{
	char *m = p ? p->unsaid : NULL;
	if (p) p->unsaid = NULL;
	return m;
}

/* SQLite's words for db's last error, with the system's where it has one
 * ("disk I/O error (File too large)"). Caller frees. */
static char *db_why(sqlite3 *db)
{
	int sys = sqlite3_system_errno(db), code = sqlite3_errcode(db) & 0xff;
	if (sys && (code == SQLITE_IOERR || code == SQLITE_FULL || code == SQLITE_CANTOPEN || code == SQLITE_READONLY))
		return xasprintf("%s (%s)", sqlite3_errmsg(db), strerror(sys));
	return xstrdup(sqlite3_errmsg(db));
}

/* The tables as export and import see them; conflict: how an imported row
 * merges with one already there (idempotent). */
static const struct table {
	const char *name;
	const char *cols[10];
	const char *merge;
	const char *types;   /* per column: t text, i integer, r number (an import is held to them) */
} tables[] = {
	{ "lessons", { "course", "file", "idx", "title", "nsteps" },
	  "ON CONFLICT(course, file) DO UPDATE SET idx = excluded.idx, title = excluded.title, nsteps = excluded.nsteps", "ttiti" },
	{ "position", { "course", "lesson", "step", "updated" },
	  "ON CONFLICT(course) DO UPDATE SET lesson = excluded.lesson, step = excluded.step, updated = excluded.updated"
	  " WHERE excluded.updated > position.updated", "tiii" },
	{ "seen", { "course", "file", "step", "first" }, "ON CONFLICT DO NOTHING", "ttii" },
	{ "answers", { "course", "file", "step", "question", "attempt", "answer", "correct", "time", "key" },
	  "ON CONFLICT DO NOTHING", "ttititiit" },
	{ "time_spent", { "course", "file", "seconds" },
	  "ON CONFLICT(course, file) DO UPDATE SET seconds = max(seconds, excluded.seconds)", "ttr" },
	{ "predictions", { "course", "file", "step", "prediction", "time", "key" },
	  "ON CONFLICT(course, file, key) DO UPDATE SET prediction = excluded.prediction, time = excluded.time"
	  " WHERE excluded.time >= predictions.time", "ttitit" },
};
#define NTABLES (sizeof tables / sizeof *tables)

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS lessons(course TEXT NOT NULL, file TEXT NOT NULL, idx INTEGER,"
	" title TEXT, nsteps INTEGER, PRIMARY KEY(course, file));"
	"CREATE TABLE IF NOT EXISTS position(course TEXT PRIMARY KEY, lesson INTEGER NOT NULL,"
	" step INTEGER NOT NULL, updated INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS seen(course TEXT NOT NULL, file TEXT NOT NULL, step INTEGER NOT NULL,"
	" first INTEGER, PRIMARY KEY(course, file, step));"
	"CREATE TABLE IF NOT EXISTS answers(course TEXT NOT NULL, file TEXT NOT NULL, step INTEGER NOT NULL,"
	" question TEXT, attempt INTEGER NOT NULL, answer TEXT, correct INTEGER, time INTEGER, key TEXT NOT NULL,"
	" PRIMARY KEY(course, file, key, attempt));"
	"CREATE TABLE IF NOT EXISTS time_spent(course TEXT NOT NULL, file TEXT NOT NULL, seconds REAL NOT NULL,"
	" PRIMARY KEY(course, file));"
	/* a predict question's latest prediction: kept until a run judges it,
	 * and after (added in place: older databases simply gain the table) */
	"CREATE TABLE IF NOT EXISTS predictions(course TEXT NOT NULL, file TEXT NOT NULL, step INTEGER NOT NULL,"
	" prediction TEXT, time INTEGER, key TEXT NOT NULL, PRIMARY KEY(course, file, key));";

/* Version 1 to 2: the same rows, each keyed "#STEP" (read by position
 * until the engine meets the question and re-keys it). */
static const char migrate_v1[] =
	"ALTER TABLE answers RENAME TO answers_v1;"
	"ALTER TABLE predictions RENAME TO predictions_v1;"
	"CREATE TABLE answers(course TEXT NOT NULL, file TEXT NOT NULL, step INTEGER NOT NULL,"
	" question TEXT, attempt INTEGER NOT NULL, answer TEXT, correct INTEGER, time INTEGER, key TEXT NOT NULL,"
	" PRIMARY KEY(course, file, key, attempt));"
	"CREATE TABLE predictions(course TEXT NOT NULL, file TEXT NOT NULL, step INTEGER NOT NULL,"
	" prediction TEXT, time INTEGER, key TEXT NOT NULL, PRIMARY KEY(course, file, key));"
	"INSERT INTO answers SELECT course, file, step, question, attempt, answer, correct, time, '#' || step"
	" FROM answers_v1;"
	"INSERT INTO predictions SELECT course, file, step, prediction, time, '#' || step FROM predictions_v1;"
	"DROP TABLE answers_v1; DROP TABLE predictions_v1;";

/* ---- where ------------------------------------------------------------------ */

char *progress_state_dir(const char *dir)
{
	if (dir && *dir) return xstrdup(dir);
	const char *s = getenv("PARLAB_STATE");
	if (s && *s) return xstrdup(s);
	s = getenv("XDG_STATE_HOME");
	if (s && *s == '/') return xasprintf("%s/parlab", s);
	s = getenv("HOME");
	if (s && *s) return xasprintf("%s/.local/state/parlab", s);
	return NULL;
}


/* ---- statements --------------------------------------------------------------- */

/* Binds args by fmt: s text, i int, I int64, d double, n NULL. */
static int bindv(sqlite3_stmt *st, const char *fmt, va_list ap)
{
	for (int i = 1; *fmt; fmt++, i++) {
		int rc = SQLITE_OK;
		switch (*fmt) {
		case 's': { const char *v = va_arg(ap, const char *);
			rc = v ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i); break; }
		case 'i': rc = sqlite3_bind_int(st, i, va_arg(ap, int)); break;
		case 'I': rc = sqlite3_bind_int64(st, i, va_arg(ap, sqlite3_int64)); break;
		case 'd': rc = sqlite3_bind_double(st, i, va_arg(ap, double)); break;
		default: rc = sqlite3_bind_null(st, i); break;
		}
		if (rc != SQLITE_OK) return rc;
	}
	return SQLITE_OK;
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return NULL;
	va_list ap;
	va_start(ap, fmt);
	int rc = bindv(st, fmt, ap);
	va_end(ap);
	if (rc != SQLITE_OK) { sqlite3_finalize(st); return NULL; }
	return st;
}

/* Runs one statement to its end. */
static int exec1(sqlite3 *db, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
	va_list ap;
	va_start(ap, fmt);
	int rc = bindv(st, fmt, ap);
	va_end(ap);
	if (rc == SQLITE_OK) while ((rc = sqlite3_step(st)) == SQLITE_ROW) {}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int begin(progress *p) { return sqlite3_exec(p->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1; }

/* Commits when ok, else rolls back and says so (once). */
static int end(progress *p, int ok)
{
	if (ok && sqlite3_exec(p->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK) return 0;
	char *why = db_why(p->db);   /* before ROLLBACK resets it */
	if (!sqlite3_get_autocommit(p->db)) sqlite3_exec(p->db, "ROLLBACK", NULL, NULL, NULL);
	if (!p->said) {
		if (p->msg) fprintf(p->msg, "parlab: could not save progress in %s: %s\n", p->path, why);
		else p->unsaid = xasprintf("could not save progress in %s: %s", p->path, why);
		p->said = 1;
	}
	free(why);
	return -1;
}

/* ---- opening ------------------------------------------------------------------ */

/* db's last error says the file itself is damaged. */
static int damaged(sqlite3 *db)
{
	int code = sqlite3_errcode(db) & 0xff;
	return code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
}

/* Opens path and makes sure it is a readable parlab database; NULL and
 * *why (caller frees) when not. *newer: made by a newer parlab. *broken:
 * the file itself is damaged (not a database, corrupt), not merely out of
 * reach (a full disk, a file size limit, a read-only folder, busy): only
 * then is it worth putting aside. */
static sqlite3 *try_open(const char *path, char **why, int *newer, int *broken)
{
	sqlite3 *db = NULL;
	*newer = 0;
	*broken = 0;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) goto bad;
	sqlite3_busy_timeout(db, 5000);
	sqlite3_extended_result_codes(db, 1);
	if (sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", NULL, NULL, NULL) != SQLITE_OK) goto bad;
	sqlite3_stmt *st = prep(db, "PRAGMA quick_check", "");
	if (!st) goto bad;
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW || strcmp((const char *)sqlite3_column_text(st, 0), "ok")) {
		*why = rc == SQLITE_ROW ? xasprintf("integrity check: %s", sqlite3_column_text(st, 0)) : db_why(db);
		*broken = rc == SQLITE_ROW || damaged(db);
		sqlite3_finalize(st);
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_finalize(st);
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) goto bad;
	st = prep(db, "PRAGMA user_version", "");
	int v = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	if (v > SCHEMA_VERSION) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		*why = xasprintf("made by a newer parlab (schema version %d; this one knows %d)", v, SCHEMA_VERSION);
		*newer = 1;
		sqlite3_close(db);
		return NULL;
	}
	char *sql = xasprintf("%s%s PRAGMA user_version = %d;", v == 1 ? migrate_v1 : "", schema, SCHEMA_VERSION);
	rc = v < 0 ? SQLITE_ERROR : sqlite3_exec(db, sql, NULL, NULL, NULL);
	free(sql);
	if (rc != SQLITE_OK || sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		*why = db_why(db);
		*broken = damaged(db);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(db);
		return NULL;
	}
	return db;
bad:
	*why = db ? db_why(db) : xstrdup("out of memory");
	*broken = db && damaged(db);
	sqlite3_close(db);
	return NULL;
}

static int exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* path, read only: for a database that cannot be written (a read-only
 * folder or disk, a full one, a file size limit), so that the earlier
 * progress is still read. A WAL database needs its -shm written even to be
 * read; where that cannot be, and no -wal holds what the file lacks, it is
 * read as immutable (SQLite takes no locks). NULL: not this schema. */
static sqlite3 *open_ro(const char *path)
{
	char *wal = xasprintf("%s-wal", path);
	struct stat st;
	int no_wal = stat(wal, &st) != 0 || st.st_size == 0;
	free(wal);
	for (int immutable = 0; immutable <= no_wal; immutable++) {
		/* a URI, to say immutable: '%', '?' and '#' escaped; "file:///"
		 * for an absolute path, so that "//x" is no host */
		size_t n = strlen(path), k = 0;
		char *uri = xmalloc(3 * n + 40);
		k += (size_t)sprintf(uri, "file:%s", path[0] == '/' ? "//" : "");
		for (const char *c = path; *c; c++)
			k += (size_t)(*c == '%' || *c == '?' || *c == '#' ? sprintf(uri + k, "%%%02X", (unsigned char)*c)
									  : sprintf(uri + k, "%c", *c));
		sprintf(uri + k, "?mode=ro%s", immutable ? "&immutable=1" : "");
		sqlite3 *db = NULL;
		int rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
		free(uri);
		sqlite3_stmt *q = rc == SQLITE_OK ? prep(db, "PRAGMA user_version", "") : NULL;
		int v = q && sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
		sqlite3_finalize(q);
		if (v == SCHEMA_VERSION) {
			sqlite3_busy_timeout(db, 5000);
			return db;
		}
		sqlite3_close(db);
	}
	return NULL;
}

int progress_off(const char *dir_opt)
{
	const char *s = dir_opt && *dir_opt ? dir_opt : getenv("PARLAB_STATE");
	return s && !strcmp(s, "off");
}

progress *progress_open(const char *dir_opt, FILE *msg)
{
	if (progress_off(dir_opt)) return NULL;
	char *dir = progress_state_dir(dir_opt);
	if (!dir) {
		if (msg) fputs("parlab: no HOME nor PARLAB_STATE: progress is not saved this time\n", msg);
		return NULL;
	}
	if (fs_mkdirs(dir, 0700) < 0) {
		if (msg) fprintf(msg, "parlab: cannot make %s (%s): progress is not saved this time\n", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	char *path = xasprintf("%s/progress.db", dir);
	free(dir);
	char *why = NULL;
	int newer, broken;
	sqlite3 *db = try_open(path, &why, &newer, &broken);
	if (!db && broken && exists(path)) {
		char stamp[32], *aside;
		time_t now = time(NULL);
		strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&now));
		aside = xasprintf("%s.broken-%s", path, stamp);
		for (int i = 2; exists(aside); i++) {   /* never over an earlier one */
			free(aside);
			aside = xasprintf("%s.broken-%s-%d", path, stamp, i);
		}
		if (msg)
			fprintf(msg, "parlab: progress database %s is unreadable: %s; keeping it as %s and starting fresh\n",
				path, why, aside);
		if (rename(path, aside) == 0) {
			static const char *const side[] = { "-wal", "-shm", "-journal" };
			for (size_t i = 0; i < 3; i++) {   /* its journal files go with it */
				char *a = xasprintf("%s%s", path, side[i]), *b = xasprintf("%s%s", aside, side[i]);
				if (exists(a)) rename(a, b);
				free(a);
				free(b);
			}
			free(why);
			why = NULL;
			db = try_open(path, &why, &newer, &broken);
		} else if (msg) {
			free(why);
			why = xasprintf("cannot rename it: %s", strerror(errno));
		}
		free(aside);
	}
	int ro = 0;
	if (!db && !newer && !broken && exists(path) && (db = open_ro(path))) {
		ro = 1;
		/* the folder's own reason says more than SQLite's about its -shm */
		char *slash = strrchr(path, '/');
		*slash = '\0';
		if (access(path, W_OK) != 0) {
			free(why);
			why = xasprintf("%s: %s", path, strerror(errno));
		}
		*slash = '/';
		if (msg)
			fprintf(msg, "parlab: cannot write in %s (%s): your earlier progress is read, nothing new is saved"
				     " this time\n", path, why);
	}
	if (!db) {
		if (msg) fprintf(msg, "parlab: cannot use %s (%s): progress is not saved this time\n", path, why);
		free(why);
		free(path);
		return NULL;
	}
	progress *p = xcalloc(1, sizeof *p);
	p->db = db;
	p->path = path;
	p->msg = msg;
	p->said = ro;   /* said already: every write fails */
	/* for the screen, whose msg stream is set to NULL after the open */
	if (ro) p->unsaid = xasprintf("cannot write in %s (%s): nothing new is saved this time", path, why);
	free(why);
	return p;
}

void progress_close(progress *p)
{
	if (!p) return;
	sqlite3_close(p->db);
	free(p->path);
	free(p->unsaid);
	free(p);
}

const char *progress_path(const progress *p) { return p->path; }
int progress_failed(const progress *p) { return p && p->said; }
int progress_readonly(const progress *p) { return p && sqlite3_db_readonly(p->db, "main") == 1; }
void progress_set_msg(progress *p, FILE *msg) { if (p) p->msg = msg; }

/* ---- writing ---------------------------------------------------------------------- */

int progress_lesson(progress *p, const char *course, const char *file, int index, const char *title, int nsteps)
{
	if (!p || begin(p) < 0) return p ? end(p, 0) : -1;
	return end(p, !exec1(p->db, "INSERT INTO lessons VALUES(?, ?, ?, ?, ?) ON CONFLICT(course, file) DO UPDATE"
				    " SET idx = excluded.idx, title = excluded.title, nsteps = excluded.nsteps",
			     "ssisi", course, file, index, title, nsteps));
}

int progress_set_position(progress *p, const char *course, const char *file, int lesson, int step)
{
	if (!p || begin(p) < 0) return p ? end(p, 0) : -1;
	sqlite3_int64 now = (sqlite3_int64)time(NULL);
	int ok = !exec1(p->db, "INSERT OR REPLACE INTO position VALUES(?, ?, ?, ?)", "siiI", course, lesson, step, now) &&
		 !exec1(p->db, "INSERT OR IGNORE INTO seen VALUES(?, ?, ?, ?)", "ssiI", course, file, step, now);
	return end(p, ok);
}

int progress_get_position(progress *p, const char *course, int *lesson, int *step)
{
	if (!p) return -1;
	sqlite3_stmt *st = prep(p->db, "SELECT lesson, step FROM position WHERE course = ?", "s", course);
	if (!st) return -1;
	int rc = sqlite3_step(st), found = 0;
	if (rc == SQLITE_ROW) {
		*lesson = sqlite3_column_int(st, 0);
		*step = sqlite3_column_int(st, 1);
		found = 1;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : -1;
}

/* A NULL key: the position's, "#STEP". */
static char *key_or_step(const char *key, int step)
{
	return key ? xstrdup(key) : xasprintf("#%d", step);
}

int progress_answer(progress *p, const char *course, const char *file, int step, const char *key,
		    const char *question, const char *answer, int correct)
{
	if (!p || begin(p) < 0) return p ? end(p, 0) : -1;
	char *k = key_or_step(key, step);
	int ok = !exec1(p->db,
			"INSERT INTO answers SELECT ?1, ?2, ?3, ?4, COALESCE(MAX(attempt), 0) + 1, ?5, ?6, ?7, ?8"
			" FROM answers WHERE course = ?1 AND file = ?2 AND key = ?8",
			"ssissiIs", course, file, step, question, answer, correct, (sqlite3_int64)time(NULL), k);
	free(k);
	return end(p, ok);
}

int progress_predict(progress *p, const char *course, const char *file, int step, const char *key,
		     const char *prediction)
{
	if (!p || begin(p) < 0) return p ? end(p, 0) : -1;
	char *k = key_or_step(key, step);
	int ok = !exec1(p->db, "INSERT OR REPLACE INTO predictions VALUES(?, ?, ?, ?, ?, ?)", "ssisIs", course, file,
			step, prediction, (sqlite3_int64)time(NULL), k);
	free(k);
	return end(p, ok);
}

int progress_rekey(progress *p, const char *course, const char *file, const char *from, const char *to, int step)
{
	if (!p || begin(p) < 0) return p ? end(p, 0) : -1;
	int ok = !exec1(p->db, "UPDATE OR IGNORE answers SET key = ?4, step = ?5 WHERE course = ?1 AND file = ?2 AND key = ?3",
			"ssssi", course, file, from, to, step) &&
		 !exec1(p->db, "UPDATE OR IGNORE predictions SET key = ?4, step = ?5 WHERE course = ?1 AND file = ?2 AND key = ?3",
			"ssssi", course, file, from, to, step);
	return end(p, ok);
}

int progress_add_time(progress *p, const char *course, const char *file, double seconds)
{
	if (!p || begin(p) < 0) return p ? end(p, 0) : -1;
	return end(p, !exec1(p->db, "INSERT INTO time_spent VALUES(?, ?, ?)"
				    " ON CONFLICT(course, file) DO UPDATE SET seconds = seconds + excluded.seconds",
			     "ssd", course, file, seconds));
}

/* ---- reading -------------------------------------------------------------------------- */

int progress_steps(progress *p, const char *course, progress_step_fn *fn, void *arg)
{
	/* The steps seen (by position, key NULL), then the questions answered
	 * or predicted (by key, with the position they were last at). */
	static const char sql[] =
		"SELECT file, step, NULL, 1, 0, 0, 0, NULL FROM seen WHERE course = ?1"
		" UNION ALL SELECT k.file,"
		" COALESCE((SELECT step FROM answers a WHERE a.course = ?1 AND a.file = k.file AND a.key = k.key"
		"  ORDER BY time DESC, attempt DESC LIMIT 1),"
		"  (SELECT step FROM predictions r WHERE r.course = ?1 AND r.file = k.file AND r.key = k.key)),"
		" k.key, 0,"
		" (SELECT COUNT(*) FROM answers a WHERE a.course = ?1 AND a.file = k.file AND a.key = k.key),"
		" (SELECT correct FROM answers a WHERE a.course = ?1 AND a.file = k.file AND a.key = k.key"
		"  ORDER BY attempt LIMIT 1),"
		" (SELECT MAX(correct) FROM answers a WHERE a.course = ?1 AND a.file = k.file AND a.key = k.key),"
		" (SELECT prediction FROM predictions r WHERE r.course = ?1 AND r.file = k.file AND r.key = k.key)"
		" FROM (SELECT file, key FROM answers WHERE course = ?1"
		" UNION SELECT file, key FROM predictions WHERE course = ?1) k";
	if (!p) return -1;
	sqlite3_stmt *st = prep(p->db, sql, "s", course);
	if (!st) return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(arg, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1),
		   (const char *)sqlite3_column_text(st, 2), sqlite3_column_int(st, 3), sqlite3_column_int(st, 4),
		   sqlite3_column_int(st, 5), sqlite3_column_int(st, 6), (const char *)sqlite3_column_text(st, 7));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void fmt_time(char *buf, size_t cap, double s)
{
	long t = (long)(s + 0.5);
	if (t >= 3600) snprintf(buf, cap, "%ldh%02ldm", t / 3600, t / 60 % 60);
	else snprintf(buf, cap, "%ldm%02lds", t / 60, t % 60);
}

/* Every course any table knows, in name order. */
static const char courses[] =
	"SELECT course FROM lessons UNION SELECT course FROM position UNION SELECT course FROM answers"
	" UNION SELECT course FROM seen UNION SELECT course FROM time_spent ORDER BY 1";

char **progress_courses(progress *p, int *n)
{
	sqlite3_stmt *cs = prep(p->db, courses, "");
	char **v = xmalloc(sizeof *v);
	size_t cap = 1;
	*n = 0;
	while (cs && sqlite3_step(cs) == SQLITE_ROW) {
		v = xgrow(v, &cap, (size_t)*n + 2, sizeof *v);
		v[(*n)++] = xstrdup((const char *)sqlite3_column_text(cs, 0));
	}
	v[*n] = NULL;
	sqlite3_finalize(cs);
	return v;
}

int progress_report(progress *p, FILE *out)
{
	/* Lessons of a course: the known ones in order, then any others met. */
	static const char lessons[] =
		"WITH f(file) AS (SELECT file FROM lessons WHERE course = ?1 UNION SELECT file FROM seen WHERE course = ?1"
		" UNION SELECT file FROM answers WHERE course = ?1 UNION SELECT file FROM time_spent WHERE course = ?1)"
		" SELECT f.file, l.idx, l.title, l.nsteps,"
		" (SELECT COUNT(*) FROM seen s WHERE s.course = ?1 AND s.file = f.file),"
		" (SELECT COUNT(*) FROM answers a WHERE a.course = ?1 AND a.file = f.file AND a.attempt = 1 AND a.correct),"
		" (SELECT COUNT(*) FROM answers a WHERE a.course = ?1 AND a.file = f.file AND a.attempt = 1),"
		" (SELECT seconds FROM time_spent t WHERE t.course = ?1 AND t.file = f.file)"
		" FROM f LEFT JOIN lessons l ON l.course = ?1 AND l.file = f.file ORDER BY l.idx IS NULL, l.idx, f.file";
	sqlite3_stmt *cs = prep(p->db, courses, "");
	if (!cs) { fprintf(stderr, "parlab progress: %s\n", sqlite3_errmsg(p->db)); return -1; }
	int n = 0;
	fprintf(out, "Progress (%s):\n", p->path);
	while (sqlite3_step(cs) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(cs, 0);
		int li, si;
		n++;
		char shown[512];   /* a course's and a lesson's title, as a terminal may show them (an import, a hostile lesson) */
		fprintf(out, "\n%s", c ? (trace_sanitize(shown, sizeof shown, c, strlen(c)), shown) : "");
		if (progress_get_position(p, c, &li, &si) == 1) fprintf(out, ": at lesson %d, step %d", li + 1, si + 1);
		fputc('\n', out);
		sqlite3_stmt *ls = prep(p->db, lessons, "s", c);
		int seen = 0, total = 0, right = 0, asked = 0;
		double secs = 0;
		while (ls && sqlite3_step(ls) == SQLITE_ROW) {
			const char *file = (const char *)sqlite3_column_text(ls, 0);
			const char *title = (const char *)sqlite3_column_text(ls, 2);
			int ns = sqlite3_column_int(ls, 3), sn = sqlite3_column_int(ls, 4);
			int r = sqlite3_column_int(ls, 5), a = sqlite3_column_int(ls, 6);
			double t = sqlite3_column_double(ls, 7);
			char num[16], tm[32], steps[32], qs[48];
			if (sqlite3_column_type(ls, 1) == SQLITE_NULL) snprintf(num, sizeof num, "  -");
			else snprintf(num, sizeof num, "%3d.", sqlite3_column_int(ls, 1) + 1);
			if (sqlite3_column_type(ls, 3) == SQLITE_NULL) snprintf(steps, sizeof steps, "%d steps seen", sn);
			else snprintf(steps, sizeof steps, "%d/%d steps", sn, ns);
			if (a) snprintf(qs, sizeof qs, "%d/%d right", r, a);
			else snprintf(qs, sizeof qs, "no questions answered");
			fmt_time(tm, sizeof tm, t);
			const char *name = title ? title : file ? file : "";
			trace_sanitize(shown, sizeof shown, name, strlen(name));
			fprintf(out, "  %s %-34.34s %-14s %-22s %s\n", num, shown, steps, qs, tm);
			seen += sn; total += ns; right += r; asked += a; secs += t;
		}
		sqlite3_finalize(ls);
		char tm[32];
		fmt_time(tm, sizeof tm, secs);
		fprintf(out, "  total: %d/%d steps seen, %d/%d questions right at the first try, %s spent\n", seen, total,
			right, asked, tm);
	}
	sqlite3_finalize(cs);
	if (!n) fputs("\nNothing yet: open a course (parlab) and your progress is kept here.\n", out);
	return 0;
}

int progress_reset(progress *p, const char *course)
{
	if (begin(p) < 0) return end(p, 0);
	int ok = 1, n = 0;
	for (size_t i = 0; ok && i < NTABLES; i++) {
		char *sql = xasprintf("DELETE FROM %s%s", tables[i].name, course ? " WHERE course = ?" : "");
		ok = !exec1(p->db, sql, course ? "s" : "", course);
		n += sqlite3_changes(p->db);
		free(sql);
	}
	return end(p, ok) < 0 ? -1 : n;
}

/* ---- export and import ------------------------------------------------------------------ */

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcasecmp(s + a - b, suf);
}

static char *select_sql(const struct table *t)
{
	size_t cap = 256;
	char *sql = xmalloc(cap);
	strcpy(sql, "SELECT ");
	for (int c = 0; t->cols[c]; c++) {
		if (c) strcat(sql, ", ");
		strcat(sql, t->cols[c]);
	}
	strcat(sql, " FROM ");
	strcat(sql, t->name);
	return sql;
}

/* Every column that any table has, for CSV: "table" first. */
static const char *const csv_cols[] = { "table", "course", "file", "idx", "title", "nsteps", "lesson", "step",
					 "updated", "first", "question", "attempt", "answer", "correct", "time",
					 "seconds", "prediction", "key", NULL };

static void csv_field(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"') fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* The row st is on, as a JSON object of table t's columns. */
static json_t *row_object(sqlite3_stmt *st, const struct table *t)
{
	json_t *o = json_object();
	for (int c = 0; t->cols[c]; c++) {
		json_t *v;
		switch (sqlite3_column_type(st, c)) {
		case SQLITE_INTEGER: v = json_integer(sqlite3_column_int64(st, c)); break;
		case SQLITE_FLOAT: v = json_real(sqlite3_column_double(st, c)); break;
		case SQLITE_NULL: v = json_null(); break;
		default: v = json_string((const char *)sqlite3_column_text(st, c)); break;
		}
		json_object_set_new(o, t->cols[c], v ? v : json_null());
	}
	return o;
}

/* One CSV line: the table's name, then row o's value of every csv_cols. */
static void csv_row(FILE *f, const struct table *t, json_t *o)
{
	csv_field(f, t->name);
	for (int k = 1; csv_cols[k]; k++) {
		fputc(',', f);
		json_t *v = json_object_get(o, csv_cols[k]);
		if (json_is_string(v)) csv_field(f, json_string_value(v));
		else if (json_is_integer(v)) fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		else if (json_is_real(v)) fprintf(f, "%.17g", json_real_value(v));
	}
	fputc('\n', f);
}

/* Writes every table to f, as CSV lines or one JSON object. The number of
 * rows, or -1: *err on a database error, else a write error (errno). */
static int export_to(progress *p, FILE *f, int csv, char **err)
{
	json_t *root = json_object();
	json_object_set_new(root, "parlab_progress", json_integer(SCHEMA_VERSION));
	for (int c = 0; csv && csv_cols[c]; c++) fprintf(f, "%s%s", c ? "," : "", csv_cols[c]);
	if (csv) fputc('\n', f);
	int rows = 0, rc = 0;
	/* One read transaction: a consistent snapshot. */
	sqlite3_exec(p->db, "BEGIN", NULL, NULL, NULL);
	for (size_t i = 0; i < NTABLES && !rc; i++) {
		const struct table *t = &tables[i];
		char *sql = select_sql(t);
		sqlite3_stmt *st = prep(p->db, sql, "");
		free(sql);
		if (!st) { rc = -1; break; }
		json_t *arr = json_array();
		int s;
		for (; (s = sqlite3_step(st)) == SQLITE_ROW; rows++) {
			json_t *o = row_object(st, t);
			if (csv) { csv_row(f, t, o); json_decref(o); }
			else json_array_append_new(arr, o);
		}
		if (s != SQLITE_DONE) rc = -1;
		sqlite3_finalize(st);
		json_object_set_new(root, t->name, arr);
	}
	if (rc) *err = xasprintf("%s: %s", p->path, sqlite3_errmsg(p->db));
	sqlite3_exec(p->db, "COMMIT", NULL, NULL, NULL);
	if (!rc && !csv && json_dumpf(root, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER) < 0) rc = -1;   /* errno says why */
	if (!rc && !csv) fputc('\n', f);
	json_decref(root);
	return rc ? -1 : rows;
}

struct export_args { progress *p; int csv; };

static int export_put(FILE *f, void *arg, char **err)
{
	struct export_args *a = arg;
	return export_to(a->p, f, a->csv, err);
}

/* The export is written whole or not at all (fs_write_whole, as
 * trace_save): an export that fails (a full disk, a file size limit, FILE
 * a folder) leaves FILE as it was, and no temporary file behind. */
int progress_export(progress *p, const char *file, char **err)
{
	*err = NULL;
	int csv = ends_with(file, ".csv");
	if (!csv && !ends_with(file, ".json")) { *err = xasprintf("%s: name a .json or .csv file", file); return -1; }
	struct export_args a = { p, csv };
	return fs_write_whole(file, export_put, &a, err);
}

static const struct table *table_named(const char *name)
{
	for (size_t i = 0; i < NTABLES; i++)
		if (!strcmp(tables[i].name, name)) return &tables[i];
	return NULL;
}

/* An export from before keys (schema 1) has no "key": the row's is then
 * its position's, "#STEP", as a migrated database has. */
static char *insert_sql(const struct table *t)
{
	char cols[256] = "", qs[256] = "";
	int step = 0;
	for (int c = 0; t->cols[c]; c++)
		if (!strcmp(t->cols[c], "step")) step = c + 1;
	for (int c = 0; t->cols[c]; c++) {
		char q[48];
		if (!strcmp(t->cols[c], "key") && step) snprintf(q, sizeof q, "COALESCE(?%d, '#' || ?%d)", c + 1, step);
		else snprintf(q, sizeof q, "?%d", c + 1);
		strcat(cols, c ? ", " : "");
		strcat(cols, t->cols[c]);
		strcat(qs, c ? ", " : "");
		strcat(qs, q);
	}
	return xasprintf("INSERT INTO %s(%s) VALUES(%s) %s", t->name, cols, qs, t->merge);
}

/* Reads one CSV record (RFC 4180 quoting) from *pos: fields into f[] (at
 * most max), quoted[] 1 for a quoted field, 2 for one whose quote the file
 * ends in. Returns the count, 0 at the end. Fields point into buf. */
static int csv_record(char **pos, char **f, int max, int *quoted)
{
	char *s = *pos;
	if (!*s) return 0;
	int n = 0;
	for (;;) {
		char *o = s, *start = s;
		int q = 0;
		if (*s == '"') {
			q = 1;
			s++;
			for (;;) {
				if (!*s) { q = 2; break; }
				if (*s == '"' && s[1] == '"') { *o++ = '"'; s += 2; continue; }
				if (*s == '"') { s++; break; }
				*o++ = *s++;
			}
			while (*s && *s != ',' && *s != '\n' && *s != '\r') s++;
		} else {
			while (*s && *s != ',' && *s != '\n' && *s != '\r') *o++ = *s++;
		}
		char sep = *s;
		if (n < max) { f[n] = start; quoted[n] = q; n++; }
		*o = '\0';
		if (sep == ',') { s++; continue; }
		if (sep == '\r') { s++; if (*s == '\n') s++; }
		else if (sep == '\n') s++;
		break;
	}
	*pos = s;
	return n;
}

/* An imported value of the type its column holds (tables[].types): text
 * is a string, an integer a whole number within 64 bits, r any number. */
static const char *type_name(char type)
{
	return type == 'i' ? "a whole number" : type == 'r' ? "a number" : "text";
}

static int json_typed(json_t *v, char type)
{
	return type == 'i' ? json_is_integer(v) : type == 'r' ? json_is_number(v) : json_is_string(v);
}

static int csv_typed(const char *s, char type)
{
	if (type == 't') return 1;
	char *end;
	errno = 0;
	double d = 0;
	if (type == 'i') (void)strtoll(s, &end, 10);
	else d = strtod(s, &end);
	return end != s && !*end && errno != ERANGE && isfinite(d);
}

static int import_csv(progress *p, const char *file, char **err)
{
	char *buf = fs_slurp(file, 0, err), *pos;
	if (!buf) return -1;
	pos = buf;
	char *head[32], *f[32];
	int hq[32], q[32];
	int nh = csv_record(&pos, head, 32, hq), rows = 0, line = 1;
	if (nh < 2 || strcmp(head[0], "table")) {
		*err = xasprintf("%s: not a parlab progress CSV (its first column must be \"table\")", file);
		free(buf);
		return -1;
	}
	int n;
	while (!*err && (n = csv_record(&pos, f, 32, q)) > 0) {
		line++;
		if (n == 1 && !*f[0]) continue;
		for (int h = 0; h < n; h++)
			if (q[h] == 2) *err = xasprintf("%s:%d: a quoted field is not closed (the file is cut short?)", file, line);
		if (*err) break;
		const struct table *t = table_named(f[0]);
		if (!t) {
			char shown[64];
			size_t k = strlen(f[0]);
			trace_sanitize(shown, sizeof shown, f[0], k > 40 ? 40 : k);
			*err = xasprintf("%s:%d: no table \"%s%s\"", file, line, shown, k > 40 ? "..." : "");
			break;
		}
		char *sql = insert_sql(t);
		sqlite3_stmt *st = prep(p->db, sql, "");
		free(sql);
		for (int c = 0; st && t->cols[c]; c++)
			for (int h = 1; h < nh && h < n; h++)
				if (!strcmp(head[h], t->cols[c])) {
					if (!*err && (*f[h] || q[h]) && !csv_typed(f[h], t->types[c]))
						*err = xasprintf("%s:%d: %s: %s is not %s", file, line, t->name, t->cols[c],
								 type_name(t->types[c]));
					else if (*f[h] || q[h]) sqlite3_bind_text(st, c + 1, f[h], -1, SQLITE_TRANSIENT);
					break;
				}
		if (!*err && (!st || sqlite3_step(st) != SQLITE_DONE))
			*err = xasprintf("%s:%d: %s", file, line, sqlite3_errmsg(p->db));
		else rows++;
		sqlite3_finalize(st);
	}
	free(buf);
	return *err ? -1 : rows;
}

static int import_json(progress *p, const char *file, char **err)
{
	json_error_t je;
	FILE *f = fopen(file, "r");
	if (!f) { *err = xasprintf("%s: %s", file, strerror(errno)); return -1; }
	json_t *root = json_loadf(f, 0, &je);
	fclose(f);
	if (!root && je.line < 1) { *err = xasprintf("%s: %s", file, je.text); return -1; }
	if (!root) { *err = xasprintf("%s:%d: %s", file, je.line, je.text); return -1; }
	if (!json_is_object(root) || !json_object_get(root, "parlab_progress")) {
		*err = xasprintf("%s: not a parlab progress export", file);
		json_decref(root);
		return -1;
	}
	int rows = 0;
	for (size_t i = 0; i < NTABLES && !*err; i++) {
		const struct table *t = &tables[i];
		json_t *arr = json_object_get(root, t->name), *o;
		size_t k;
		if (arr && !json_is_array(arr)) { *err = xasprintf("%s: %s is not a list", file, t->name); break; }
		char *sql = insert_sql(t);
		json_array_foreach(arr, k, o) {
			sqlite3_stmt *st = prep(p->db, sql, "");
			for (int c = 0; st && t->cols[c]; c++) {
				json_t *v = json_object_get(o, t->cols[c]);
				if (v && !json_is_null(v) && !json_typed(v, t->types[c])) {
					*err = xasprintf("%s: %s[%zu]: %s is not %s", file, t->name, k, t->cols[c],
							 type_name(t->types[c]));
					break;
				}
				if (json_is_integer(v)) sqlite3_bind_int64(st, c + 1, json_integer_value(v));
				else if (json_is_real(v)) sqlite3_bind_double(st, c + 1, json_real_value(v));
				else if (json_is_string(v)) sqlite3_bind_text(st, c + 1, json_string_value(v), -1, SQLITE_TRANSIENT);
			}
			if (*err || !st || sqlite3_step(st) != SQLITE_DONE) {
				if (!*err) *err = xasprintf("%s: %s[%zu]: %s", file, t->name, k, sqlite3_errmsg(p->db));
				sqlite3_finalize(st);
				break;
			}
			sqlite3_finalize(st);
			rows++;
		}
		free(sql);
	}
	json_decref(root);
	return *err ? -1 : rows;
}

int progress_import(progress *p, const char *file, char **err)
{
	*err = NULL;
	int csv = ends_with(file, ".csv");
	if (!csv && !ends_with(file, ".json")) { *err = xasprintf("%s: name a .json or .csv file", file); return -1; }
	struct stat st;
	if (stat(file, &st) == 0 && S_ISDIR(st.st_mode)) { *err = xasprintf("%s: %s", file, strerror(EISDIR)); return -1; }
	if (begin(p) < 0) { *err = xasprintf("%s: %s", p->path, sqlite3_errmsg(p->db)); return -1; }
	int n = csv ? import_csv(p, file, err) : import_json(p, file, err);
	if (n < 0 && *err) {   /* it may quote the file's bytes (jansson's "near '...'"): inert */
		size_t k = strlen(*err), cap = 8 * k + 1;   /* a tab may become spaces */
		char *shown = xmalloc(cap);
		trace_sanitize(shown, cap, *err, k);
		free(*err);
		*err = shown;
	}
	if (n < 0) {
		sqlite3_exec(p->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (sqlite3_exec(p->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		*err = xasprintf("%s: %s", p->path, sqlite3_errmsg(p->db));
		sqlite3_exec(p->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return n;
}
