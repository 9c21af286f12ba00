/*
 * prepare.c: what a run step needs before its workers start, done inside
 * the runner (never on the screen): course files copied into the scratch
 * folder, a CSV with a known mean, and a Python interpreter that has the
 * modules the step needs.
 */
#include "engine/prepare.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int copy_file(const char *from, const char *to, FILE *msg)
{
	FILE *in = fopen(from, "rb");
	if (!in) { fprintf(msg, "parlab: cannot read %s: %s\n", from, strerror(errno)); return -1; }
	FILE *out = fopen(to, "wb");
	if (!out) { fprintf(msg, "parlab: cannot write %s: %s\n", to, strerror(errno)); fclose(in); return -1; }
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, out);
	fclose(in);
	return fclose(out) == 0 ? 0 : -1;
}

/* Makes the folders of relative path name (not its last part). */
static int make_parents(const char *name, FILE *msg)
{
	char *d = xstrdup(name);
	for (char *p = strchr(d, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (*d && mkdir(d, 0755) < 0 && errno != EEXIST) {
			fprintf(msg, "parlab: cannot make the folder %s: %s\n", d, strerror(errno));
			free(d);
			return -1;
		}
		*p = '/';
	}
	free(d);
	return 0;
}

/* Is name a relative path that stays inside the folder it is taken from? */
static int inside(const char *name)
{
	if (!name[0] || name[0] == '/') return 0;
	for (const char *p = name; (p = strstr(p, "..")); p += 2)
		if ((p == name || p[-1] == '/') && (p[2] == '/' || !p[2])) return 0;
	return 1;
}

int prepare_files(const char *course_dir, char **files, FILE *msg)
{
	for (char **f = files; f && *f; f++) {
		if (!inside(*f)) { fprintf(msg, "parlab: %s is outside the course folder: not copied\n", *f); return -1; }
		if (make_parents(*f, msg) < 0) return -1;
		char *from = xasprintf("%s/%s", course_dir, *f);
		int rc = copy_file(from, *f, msg);
		free(from);
		if (rc < 0) return -1;
	}
	return 0;
}

/* Row i's value: pairs (2k, 2k+1) sit at mean±d_k, d_k a multiple of 0.5,
 * so the column's sum is exact in binary floating point and its mean is
 * exactly the mean asked for. */
static double csv_value(double mean, long i)
{
	long k = i / 2;
	double d = (double)((k * 7919) % 81 - 40) * 0.5;
	return (i % 2) ? mean - d : mean + d;
}

int prepare_csv(const char *file, const char *column, long rows, double mean, FILE *msg)
{
	if (rows % 2) rows++;   /* pairs keep the mean exact */
	FILE *f = fopen(file, "w");
	if (!f) { fprintf(msg, "parlab: cannot write %s: %s\n", file, strerror(errno)); return -1; }
	static const char *const groups[] = { "north", "south", "east", "west" };
	fprintf(f, "id,%s,group\n", column);
	for (long i = 0; i < rows; i++)
		fprintf(f, "%ld,%.1f,%s\n", i, csv_value(mean, i), groups[(i / 2) % 4]);
	long size = ftell(f);
	if (fclose(f) != 0) { fprintf(msg, "parlab: cannot write %s\n", file); return -1; }
	fprintf(msg, "generated %s: %ld rows, %.1f MB; the mean of %s is %g\n",
		file, rows, size / 1e6, column, mean);
	return 0;
}

/* Exit status of argv run with output discarded, -1 if it cannot run. */
static int quiet_status(char *const argv[])
{
	pid_t pid = fork();
	if (pid < 0) return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);
		if (fd >= 0) { dup2(fd, 1); dup2(fd, 2); }
		execvp(argv[0], argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Does python have every module (checked without importing them)? */
static int python_has(const char *python, char **mods)
{
	const char *probe = "import importlib.util, sys\n"
		"sys.exit(0 if all(importlib.util.find_spec(m.split('.')[0]) for m in sys.argv[1:]) else 3)";
	size_t n = 0;
	while (mods && mods[n]) n++;
	char **argv = xcalloc(n + 4, sizeof *argv);
	argv[0] = (char *)python;
	argv[1] = "-c";
	argv[2] = (char *)probe;
	for (size_t i = 0; i < n; i++) argv[3 + i] = mods[i];
	int st = quiet_status(argv);
	free(argv);
	return st == 0;
}

static void join_list(char *dst, size_t cap, char **v, const char *sep, const char *pre, int top_only)
{
	dst[0] = '\0';
	for (char **p = v; p && *p; p++) {
		char item[96];
		snprintf(item, sizeof item, "%s%s", pre, *p);
		if (top_only) item[strcspn(item, ".")] = '\0';
		if (strstr(dst, item)) continue;
		size_t len = strlen(dst);
		snprintf(dst + len, cap - len, "%s%s", len ? sep : "", item);
	}
}

/* The interpreter behind a launcher (a pyenv shim is a shell script): exec
 * it directly so the trace shows Python, not the shim's helpers. */
static const char *real_python(const char *python)
{
	static char path[4096];
	int fds[2];
	if (pipe(fds) < 0) return python;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) dup2(fd, 2);
		execlp(python, python, "-c", "import sys; print(sys.executable)", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	ssize_t n = pid > 0 ? read(fds[0], path, sizeof path - 1) : -1;
	close(fds[0]);
	if (pid > 0) while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
	if (n <= 1 || path[0] != '/') return python;
	path[n] = '\0';
	path[strcspn(path, "\n")] = '\0';
	return access(path, X_OK) == 0 ? path : python;
}

const char *prepare_python(char **mods, int optional, FILE *msg)
{
	static const char *const candidates[] = { "python3", "/usr/bin/python3", NULL };
	const char *env = getenv("PARLAB_PYTHON");
	const char *const only[] = { env, NULL };
	const char *const *cands = (env && *env) ? only : candidates;
	char names[256], pkgs[256];
	join_list(names, sizeof names, mods, ", ", "", 0);
	for (const char *const *c = cands; *c; c++) {
		char *probe_argv[] = { (char *)*c, "-c", "", NULL };
		if (quiet_status(probe_argv) != 0) continue;
		if (mods && !python_has(*c, mods)) continue;
		const char *real = real_python(*c);
		if (mods && mods[0]) fprintf(msg, "using %s (it has %s)\n", real, names);
		return real;
	}
	join_list(pkgs, sizeof pkgs, mods, " ", "python3-", 1);
	if (optional && mods && mods[0]) {
		if (env && *env)
			fprintf(msg, "This optional step needs Python 3 with %s, which PARLAB_PYTHON=%s lacks: "
				"it is not run, and the course goes on.\n", names, env);
		else
			fprintf(msg, "This optional step needs Python 3 with %s, which is not installed here: "
				"it is not run, and the course goes on.\n", names);
		fprintf(msg, "(PARLAB_PYTHON=/path/to/python3 picks a Python that has it.)\n");
		return NULL;
	}
	if (env && *env)
		fprintf(msg, "PARLAB_PYTHON=%s cannot run%s%s.\n", env, mods ? " or lacks " : "", mods ? names : "");
	else if (mods && mods[0])
		fprintf(msg, "This step needs Python 3 with %s, and no python3 here has it.\n", names);
	else
		fprintf(msg, "This step needs Python 3, and none was found.\n");
	fprintf(msg, "Install on Debian/Ubuntu: sudo apt-get install python3 %s\n", (mods && mods[0]) ? pkgs : "");
	fprintf(msg, "(scripts/run installs it for you; PARLAB_PYTHON=/path/to/python3 picks another one.)\n");
	return NULL;
}
