/*
 * trust.c: asking before a course from elsewhere runs programs (trust.h).
 */
#include "engine/trust.h"
#include "engine/progress.h"
#include "util/fs.h"
#include "util/sha256.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* path is dir itself or inside it (both real paths). */
static int inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

/* Adds a file to the hash: its name (relative to the course), its size,
 * its bytes; one that cannot be read counts as its name and "missing". */
static void hash_file(sha256_ctx *h, const char *dir, const char *rel)
{
	char *path = rel[0] == '/' ? xstrdup(rel) : xasprintf("%s/%s", dir, rel);
	sha256_update(h, rel, strlen(rel) + 1);
	FILE *f = fopen(path, "rb");
	free(path);
	if (!f) { sha256_update(h, "missing", 8); return; }
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) sha256_update(h, buf, n);
	fclose(f);
	sha256_update(h, "", 1);
}

static void add_command(trust_need *need, int li, const lesson *l, const step *s)
{
	size_t cap = 256, o = 0;
	char *line = xmalloc(cap);
	o = (size_t)snprintf(line, cap, "lesson %d (%s), %s:", li + 1, l->title ? l->title : "", s->title ? s->title : "run");
	for (char **a = s->argv; a && *a; a++) {
		size_t k = strlen(*a);
		line = xgrow(line, &cap, o + k + 2, 1);
		line[o++] = ' ';
		memcpy(line + o, *a, k + 1);
		o += k;
	}
	need->commands = xrealloc(need->commands, sizeof *need->commands * (size_t)(need->ncommands + 2));
	need->commands[need->ncommands++] = line;
	need->commands[need->ncommands] = NULL;
}

/* The "trusted" file of the state folder, or NULL (keeping state is off). */
static char *trusted_path(const char *state_opt)
{
	if (progress_off(state_opt)) return NULL;
	char *dir = progress_state_dir(state_opt);
	if (!dir) return NULL;
	char *p = xasprintf("%s/trusted", dir);
	free(dir);
	return p;
}

static int is_trusted(const char *state_opt, const trust_need *need)
{
	char *path = trusted_path(state_opt);
	FILE *f = path ? fopen(path, "r") : NULL;
	free(path);
	if (!f) return 0;
	char line[PATH_MAX + 80];
	int yes = 0;
	while (!yes && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		yes = strlen(line) > 65 && !strncmp(line, need->hash, 64) && line[64] == ' ' && !strcmp(line + 65, need->dir);
	}
	fclose(f);
	return yes;
}

int trust_check(const course *c, const char *state_opt, trust_need *need)
{
	memset(need, 0, sizeof *need);
	const char *env = getenv("PARLAB_TRUST");
	if (env && !strcmp(env, "1")) return 0;   /* --trust, or scripts that know the course */
	char real[PATH_MAX], bundled[PATH_MAX];
	const char *b = course_bundled_dir();
	if (!realpath(course_dir(c), real)) return 0;   /* loaded a moment ago: cannot fail here */
	if (b && realpath(b, bundled) && inside(real, bundled)) return 0;
	sha256_ctx h;
	sha256_init(&h);
	for (int li = 0; li < course_nlessons(c); li++) {
		const lesson *l = course_lesson(c, li);
		hash_file(&h, real, l->file);
		for (int si = 0; si < l->nsteps; si++) {
			const step *s = &l->steps[si];
			if (s->kind != STEP_RUN) continue;
			for (char **f = s->files; f && *f; f++) hash_file(&h, real, *f);
			if (s->rkind == RUN_COMMAND) add_command(need, li, l, s);
		}
	}
	hash_file(&h, real, "course.lua");
	if (!need->ncommands) return 0;
	sha256_hex(&h, need->hash);
	need->dir = xstrdup(real);
	if (is_trusted(state_opt, need)) {
		trust_need_free(need);
		return 0;
	}
	return 1;
}

void trust_need_free(trust_need *need)
{
	for (int i = 0; i < need->ncommands; i++) free(need->commands[i]);
	free(need->commands);
	free(need->dir);
	memset(need, 0, sizeof *need);
}

int trust_remember(const char *state_opt, const trust_need *need, char **err)
{
	char *path = trusted_path(state_opt);
	if (!path) { *err = xstrdup("keeping state is off: parlab will ask again next time"); return -1; }
	char *dir = progress_state_dir(state_opt);
	int ok = dir && fs_mkdirs(dir, 0700) == 0;
	free(dir);
	FILE *f = ok ? fopen(path, "a") : NULL;
	if (!f || fprintf(f, "%s %s\n", need->hash, need->dir) < 0 || fclose(f) != 0) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	return 0;
}

void trust_explain(const trust_need *need, FILE *out)
{
	fprintf(out, "%s is not one of parlab's own courses, and it runs programs on this machine, as you:\n",
		need->dir);
	for (int i = 0; i < need->ncommands; i++) fprintf(out, "  %s\n", need->commands[i]);
}
