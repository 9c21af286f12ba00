/*
 * course.c: a course is a folder of lessons (ordered by its course.lua, or
 * by file name) or a single lesson file. All lessons share one Lua state,
 * which keeps their worker functions for the runs.
 */
#include "engine/engine.h"
#include "engine/lua_api.h"
#include "util/xmalloc.h"

#include <dirent.h>
#include <lauxlib.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LESSON_MEM_CAP (256u << 20)

struct course {
	char *title, *dir;
	lesson *lessons;
	int nlessons;
	lua_State *L;
};

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* *.lua files of dir but course.lua, sorted; NULL-terminated. */
static char **list_lessons(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) return NULL;
	char **v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".lua") || !strcmp(de->d_name, "course.lua"))
			continue;
		v = xgrow(v, &cap, n + 2, sizeof *v);
		v[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (!v) return xcalloc(1, sizeof *v);
	qsort(v, n, sizeof *v, cmp_str);
	v[n] = NULL;
	return v;
}

static void free_list(char **v)
{
	for (char **p = v; p && *p; p++) free(*p);
	free(v);
}

static char *pop_error(lua_State *L)
{
	const char *m = lua_tostring(L, -1);
	char *e = xstrdup(m ? m : "unknown error");
	lua_pop(L, 1);
	return e;
}

/* A course's course.lua named where a lesson is wanted: what it is, and
 * what to do instead; NULL for any other file. */
static char *not_a_lesson(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (strcmp(base, "course.lua")) return NULL;
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash) *slash = '\0'; else strcpy(dir, ".");
	char *e = xasprintf("%s:1: this is a course's list of lessons (course { ... }), not a lesson: "
			    "name its folder instead (%s)", path, dir);
	free(dir);
	return e;
}

/* Loads one lesson file into c; on error sets *err. */
static int add_lesson(course *c, const char *path, char **err)
{
	if ((*err = not_a_lesson(path))) return -1;
	if (lapi_load_lesson(c->L, path) < 0) { *err = pop_error(c->L); return -1; }
	c->lessons = xrealloc(c->lessons, sizeof *c->lessons * (size_t)(c->nlessons + 1));
	/* Absolute: threads load the file again from the run's scratch folder. */
	char *abs = realpath(path, NULL);
	lapi_lesson_to_c(c->L, abs ? abs : path, &c->lessons[c->nlessons++]);
	free(abs);
	return 0;
}

/* The line of file that names name in quotes ("name" or 'name'), or 0. */
static int line_naming(const char *file, const char *name)
{
	FILE *f = fopen(file, "r");
	if (!f) return 0;
	char buf[4096];
	int line = 0, found = 0;
	size_t n = strlen(name);
	while (!found && fgets(buf, sizeof buf, f)) {
		line++;
		for (char *p = strstr(buf, name); p && !found; p = strstr(p + 1, name))
			found = p > buf && (p[-1] == '"' || p[-1] == '\'') && p[n] == p[-1];
	}
	fclose(f);
	return found ? line : 0;
}

/* Errors for the lessons course.lua names that are not files of the
 * folder, each at the line of course.lua that names it; NULL if none. */
static char *missing_lessons(const char *dir, const char *cpath, char **files)
{
	char *err = NULL;
	for (char **f = files; f && *f; f++) {
		char *p = xasprintf("%s/%s", dir, *f);
		if (!is_file(p)) {
			char *e = xasprintf("%s%s%s:%d: course{}: lesson '%s' is not a file of the course folder", err ? err : "",
					    err ? "\n" : "", cpath, line_naming(cpath, *f), *f);
			free(err);
			err = e;
		}
		free(p);
	}
	return err;
}

/* The lesson files of a course folder; *title from course.lua if any. */
static char **course_files(lua_State *L, const char *dir, char **title, char **err)
{
	char *cpath = xasprintf("%s/course.lua", dir);
	char **files = NULL;
	if (is_file(cpath)) {
		if (lapi_load_course(L, cpath, title, &files) < 0) *err = pop_error(L);
		else *err = missing_lessons(dir, cpath, files);
	} else {
		files = list_lessons(dir);
		if (!files || !files[0]) *err = xasprintf("%s: no lessons here (no course.lua, no *.lua files)", dir);
	}
	free(cpath);
	return files;
}

course *course_load(const char *path, char **err)
{
	*err = NULL;
	course *c = xcalloc(1, sizeof *c);
	c->L = lapi_newstate(LESSON_MEM_CAP);
	if (is_dir(path)) {
		c->dir = realpath(path, NULL);
		if (!c->dir) c->dir = xstrdup(path);
		char **files = course_files(c->L, path, &c->title, err);
		for (char **f = files; !*err && f && *f; f++) {
			char *p = xasprintf("%s/%s", path, *f);
			add_lesson(c, p, err);
			free(p);
		}
		free_list(files);
	} else if (is_file(path)) {
		char *d = realpath(path, NULL);
		if (!d) d = xstrdup(path);
		char *slash = strrchr(d, '/');
		if (slash) *slash = '\0'; else strcpy(d, ".");
		c->dir = d;
		add_lesson(c, path, err);
	} else {
		*err = xasprintf("%s: no such course folder or lesson file", path);
	}
	if (*err) { course_free(c); return NULL; }
	if (!c->title) c->title = xstrdup(c->lessons[0].title);
	return c;
}

int course_check(const char *path, FILE *out)
{
	lua_State *L = lapi_newstate(LESSON_MEM_CAP);
	int errors = 0;
	char *err = NULL, *title = NULL;
	if (is_dir(path)) {
		char **files = course_files(L, path, &title, &err);
		if (err) { fprintf(out, "%s\n", err); free(err); errors++; }
		for (char **f = files; f && *f; f++) {
			char *p = xasprintf("%s/%s", path, *f);
			if (!is_file(p)) { free(p); continue; }   /* said above, at course.lua's line */
			if (lapi_load_lesson(L, p) < 0) { fprintf(out, "%s\n", lua_tostring(L, -1)); errors++; }
			lua_settop(L, 0);
			free(p);
		}
		free_list(files);
	} else if ((err = not_a_lesson(path))) {
		fprintf(out, "%s\n", err);
		free(err);
		errors++;
	} else if (is_file(path)) {
		if (lapi_load_lesson(L, path) < 0) { fprintf(out, "%s\n", lua_tostring(L, -1)); errors++; }
	} else {
		fprintf(out, "%s: no such course folder or lesson file\n", path);
		errors++;
	}
	free(title);
	lapi_close(L);
	return errors;
}

void course_free(course *c)
{
	if (!c) return;
	for (int i = 0; i < c->nlessons; i++) {
		lesson *l = &c->lessons[i];
		for (int j = 0; j < l->nsteps; j++) {
			step *s = &l->steps[j];
			free(s->title); free(s->body); free(s->lang); free(s->note);
			free(s->explain); free(s->id); free(s->csv_file); free(s->csv_column); free(s->baseline); free(s->predict); free(s->from);
			free_list(s->argv); free_list(s->python); free_list(s->files); free(s->start_method); free(s->dask_scheduler); free(s->goal_text); free(s->solution);
			free_list(s->choices); free_list(s->hints);
			free(s->answers); free_list(s->accept); free_list(s->patterns);
			coord_spec_free(s->coord);
		}
		free(l->steps);
		free(l->title);
		free(l->file);
	}
	free(c->lessons);
	free(c->title);
	free(c->dir);
	lapi_close(c->L);
	free(c);
}

const char *course_title(const course *c) { return c->title; }
const char *course_dir(const course *c) { return c->dir; }
int course_nlessons(const course *c) { return c->nlessons; }
const lesson *course_lesson(const course *c, int i) { return (i >= 0 && i < c->nlessons) ? &c->lessons[i] : NULL; }
lua_State *course_lua(course *c) { return c->L; }

const char *course_bundled_dir(void)
{
	static char found[PATH_MAX];
	if (found[0]) return found;
	const char *env = getenv("PARLAB_LESSONS");
	if (env && is_dir(env)) { snprintf(found, sizeof found, "%s", env); return found; }
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) *slash = '\0';
		const char *rel[] = { "../share/parlab/lessons", "../lessons", "lessons" };
		for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
			char cand[PATH_MAX + 32];
			snprintf(cand, sizeof cand, "%s/%s", exe, rel[i]);
			char real[PATH_MAX];
			if (is_dir(cand) && realpath(cand, real)) { snprintf(found, sizeof found, "%s", real); return found; }
		}
	}
	if (is_dir(PARLAB_SOURCE_LESSONS)) { snprintf(found, sizeof found, "%s", PARLAB_SOURCE_LESSONS); return found; }
	if (is_dir(PARLAB_INSTALL_LESSONS)) { snprintf(found, sizeof found, "%s", PARLAB_INSTALL_LESSONS); return found; }
	return NULL;
}

char *course_default_path(void)
{
	const char *d = course_bundled_dir();
	return d ? xasprintf("%s/module14", d) : NULL;
}
