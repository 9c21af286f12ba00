/*
 * scaffold.c: `parlab new PATH`: a lesson (PATH.lua) or a course folder
 * (course.lua and a first lesson) to start from. What it writes passes
 * `parlab check` and runs: a run of a few workers sharing a counter under
 * a lock (the coordination blocks), a predict-then-observe question judged
 * by that run, and a plain question.
 */
#include "engine/scaffold.h"
#include "util/fs.h"
#include "util/xmalloc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The lesson; @T@ is its title, @P@ its path (fill). */
static const char lesson_fmt[] =
	"-- @T@: a lesson made by `parlab new`. Edit it, then:\n"
	"--   parlab check @P@            mistakes, each at its file:line\n"
	"--   parlab check --runs 3 @P@   run it 3 times: is every answer stable?\n"
	"--   parlab @P@                  open it (saving it reloads it)\n"
	"-- The format: docs/lessons.md (or man parlab).\n"
	"local WORKERS, ROUNDS = 3, 1000\n"
	"\n"
	"return lesson {\n"
	"  title = \"@T@\",\n"
	"  text [[\n"
	"# @T@\n"
	"\n"
	"Three workers add 1 to one shared counter, 1000 times each. Each addition\n"
	"reads the counter and writes it back while holding a lock, so no two\n"
	"workers are ever between the read and the write at the same moment.\n"
	"]],\n"
	"  quiz {\n"
	"    id = \"total\",\n"
	"    type = \"number\",\n"
	"    q = \"What will the counter hold when the three workers are done?\",\n"
	"    predict = \"Three workers, one lock\",\n"
	"    observe = function(run)\n"
	"      for _, line in ipairs(run.output) do\n"
	"        local n = line.text:match(\"^total (%d+)\")\n"
	"        if n then return tonumber(n), line.text end\n"
	"      end\n"
	"      error(\"the run printed no total (it \" .. run.ended .. \")\")\n"
	"    end,\n"
	"    hints = { \"No update is lost while the lock is held.\" },\n"
	"    explain = \"3 workers times 1000 additions, none lost: 3000.\",\n"
	"  },\n"
	"  run {\n"
	"    title = \"Three workers, one lock\",\n"
	"    processes = WORKERS,\n"
	"    shared = { counter = 0 },\n"
	"    locks = { \"L\" },\n"
	"    barriers = { \"done\" },\n"
	"    worker = function(w)\n"
	"      for _ = 1, ROUNDS do\n"
	"        with_lock(\"L\", function() set(\"counter\", get(\"counter\") + 1) end)\n"
	"      end\n"
	"      -- the last worker to arrive at the barrier says the total\n"
	"      if wait(\"done\") == w.n then print((\"total %d\"):format(get(\"counter\"))) end\n"
	"    end,\n"
	"    note = \"Each lane shows a worker; a worker waiting for the lock is not running.\",\n"
	"  },\n"
	"  quiz {\n"
	"    id = \"why-lock\",\n"
	"    q = \"Without the lock, what could happen to the total?\",\n"
	"    choices = { \"it could come out short\", \"it would always be 3000\", \"it would be larger\" },\n"
	"    answer = 1,\n"
	"    hints = { \"Two workers read the same value, then both write it plus 1.\" },\n"
	"    explain = \"Two read-then-write updates that overlap lose one of them (try add_racy).\",\n"
	"  },\n"
	"}\n";

static const char course_fmt[] =
	"-- @T@: a course made by `parlab new`. Its lessons, in order, are\n"
	"-- files of this folder. parlab check @P@ checks them all.\n"
	"return course {\n"
	"  title = \"@T@\",\n"
	"  lessons = {\n"
	"    \"01-first.lua\",\n"
	"  },\n"
	"}\n";

/* fmt with every @T@ replaced by title, every @P@ by path. */
static char *fill(const char *fmt, const char *title, const char *path)
{
	size_t cap = strlen(fmt) + 1, len = 0;
	for (const char *f = fmt; (f = strchr(f, '@')); f++) cap += strlen(title) + strlen(path);
	char *o = xmalloc(cap);
	for (const char *f = fmt; *f;) {
		if (!strncmp(f, "@T@", 3) || !strncmp(f, "@P@", 3)) {
			const char *v = f[1] == 'T' ? title : path;
			memcpy(o + len, v, strlen(v));
			len += strlen(v);
			f += 3;
		} else {
			o[len++] = *f++;
		}
	}
	o[len] = '\0';
	return o;
}

/* A title from a file or folder name: "my-first_lesson.lua" -> "My first lesson". */
static char *title_of(const char *path)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/') n--;
	const char *b = path + n;
	while (b > path && b[-1] != '/') b--;
	size_t len = (size_t)(path + n - b);
	if (len > 4 && !strncmp(b + len - 4, ".lua", 4)) len -= 4;
	char *t = xmalloc(len + 16), *o = t;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)b[i];
		if (c == '-' || c == '_') c = ' ';
		if (c == '"' || c == '\\' || c == '[' || c == ']' || c == '{' || c == '}' || c == '$' || c == '*' ||
		    c == '`' || c < 32)
			continue;
		*o++ = (char)c;
	}
	*o = '\0';
	if (!*t) strcpy(t, "A new lesson");
	t[0] = (char)toupper((unsigned char)t[0]);
	return t;
}

/* Writes text to path, which must not exist (O_EXCL). */
static int write_new(const char *path, const char *text, FILE *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST) fprintf(err, "parlab new: %s exists already: not overwriting it\n", path);
		else fprintf(err, "parlab new: cannot create %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t len = strlen(text), done = 0;
	while (done < len) {
		ssize_t k = write(fd, text + done, len - done);
		if (k <= 0) {
			fprintf(err, "parlab new: cannot write %s: %s\n", path, strerror(errno));
			close(fd);
			unlink(path);
			return -1;
		}
		done += (size_t)k;
	}
	if (close(fd) != 0) { fprintf(err, "parlab new: cannot write %s: %s\n", path, strerror(errno)); unlink(path); return -1; }
	return 0;
}

static int empty_dir(const char *path)
{
	DIR *d = opendir(path);
	if (!d) return 0;
	struct dirent *de;
	int n = 0;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) n++;
	closedir(d);
	return n == 0;
}

int scaffold_new(const char *path, FILE *out, FILE *err)
{
	size_t n = strlen(path);
	if (!n) { fputs("parlab new: name a lesson file (NAME.lua) or a course folder\n", err); return 2; }
	char *title = title_of(path), *text;
	int rc = 1;
	if (n > 4 && !strcmp(path + n - 4, ".lua")) {
		const char *slash = strrchr(path, '/');
		char *dir = slash ? xstrndup(path, (size_t)(slash - path) + 1) : NULL;
		struct stat st;
		if (dir && stat(dir, &st) != 0) {
			fprintf(err, "parlab new: no folder %s for the lesson (%s)\n", dir, strerror(errno));
		} else {
			text = fill(lesson_fmt, title, path);
			if (!write_new(path, text, err)) {
				fprintf(out, "%s: a new lesson \"%s\". Next: parlab check %s, then parlab %s\n", path, title,
					path, path);
				rc = 0;
			}
			free(text);
		}
		free(dir);
		free(title);
		return rc;
	}
	struct stat st;
	if (stat(path, &st) == 0 && (!S_ISDIR(st.st_mode) || !empty_dir(path))) {
		fprintf(err, "parlab new: %s exists already%s: not overwriting it (name a new folder, or NAME.lua for a lesson)\n",
			path, S_ISDIR(st.st_mode) ? " and is not empty" : "");
		free(title);
		return 1;
	}
	if (fs_mkdirs(path, 0755) < 0) {
		fprintf(err, "parlab new: cannot make the folder %s: %s\n", path, strerror(errno));
		free(title);
		return 1;
	}
	char *cpath = xasprintf("%s/course.lua", path), *lpath = xasprintf("%s/01-first.lua", path);
	char *ctext = fill(course_fmt, title, path);
	char *ltitle = xasprintf("%s: a first lesson", title);
	char *ltext = fill(lesson_fmt, ltitle, lpath);
	if (!write_new(cpath, ctext, err) && !write_new(lpath, ltext, err)) {
		fprintf(out, "%s: a new course \"%s\" (course.lua, 01-first.lua). Next: parlab check %s, then parlab %s\n",
			path, title, path, path);
		rc = 0;
	}
	free(cpath);
	free(lpath);
	free(ctext);
	free(ltitle);
	free(ltext);
	free(title);
	return rc;
}
