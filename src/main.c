/* parlab: a terminal tutor for parallel and distributed computing. */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "engine/engine.h"
#include "ui/batch.h"
#include "ui/tui.h"
#include "util/loop.h"
#include "util/xmalloc.h"

static void usage(FILE *f)
{
	fputs("Usage: parlab [OPTIONS] [PATH]        open a course (default: Module 14)\n"
	      "       parlab --batch [PATH] < answers  the course as a plain transcript\n"
	      "       parlab check PATH...             load lessons without running them\n"
	      "       parlab list                      the bundled courses and lessons\n"
	      "\n"
	      "PATH is a course folder or a single lesson file.\n"
	      "\n"
	      "Options:\n"
	      "  -b, --batch     plain-text mode (the default when stdout is not a terminal);\n"
	      "                  one answer per question is read from stdin\n"
	      "  -h, --help      this help\n"
	      "  -V, --version   the version\n"
	      "\n"
	      "Environment: PARLAB_LESSONS (bundled lessons folder), PARLAB_PYTHON (the\n"
	      "Python for command runs), PARLAB_SAMPLE_MS (/proc sampling interval),\n"
	      "NO_COLOR (no colours).\n", f);
}

static int cmd_check(int argc, char **argv)
{
	if (argc < 1) { fputs("parlab check: name at least one lesson file or course folder\n", stderr); return 2; }
	int errors = 0;
	for (int i = 0; i < argc; i++) errors += course_check(argv[i], stderr);
	if (!errors) printf("ok: %d path%s checked, no errors\n", argc, argc == 1 ? "" : "s");
	return errors ? 1 : 0;
}

static int cmd_list(void)
{
	const char *dir = course_bundled_dir();
	if (!dir) { fputs("parlab: no bundled lessons found (set PARLAB_LESSONS)\n", stderr); return 1; }
	char *path = xasprintf("%s/module14", dir);
	char *err = NULL;
	course *c = course_load(path, &err);
	printf("Bundled courses (%s):\n", dir);
	if (!c) {
		fprintf(stderr, "%s\n", err);
		free(err);
		free(path);
		return 1;
	}
	printf("\n  module14  %s\n", course_title(c));
	for (int i = 0; i < course_nlessons(c); i++) {
		const lesson *l = course_lesson(c, i);
		const char *base = strrchr(l->file, '/');
		printf("    %2d. %-40s %s\n", i + 1, l->title, base ? base + 1 : l->file);
	}
	course_free(c);
	free(path);
	return 0;
}

/* Capture keeps two descriptors open per watched task: allow many. */
static void raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	raise_nofile();
	static const struct option opts[] = {
		{ "batch", no_argument, NULL, 'b' }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 },
	};
	int batch = !isatty(STDOUT_FILENO), c;
	while ((c = getopt_long(argc, argv, "+bhV", opts, NULL)) != -1) {
		switch (c) {
		case 'b': batch = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("parlab %s\n", PARLAB_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc >= 1 && !strcmp(argv[0], "check")) return cmd_check(argc - 1, argv + 1);
	if (argc >= 1 && !strcmp(argv[0], "list")) return cmd_list();
	if (argc > 1) { fprintf(stderr, "parlab: one course at a time (got %d paths)\n", argc); usage(stderr); return 2; }

	char *path = argc ? xstrdup(argv[0]) : course_default_path();
	if (!path) { fputs("parlab: no bundled lessons found (set PARLAB_LESSONS)\n", stderr); return 1; }
	char *err = NULL;
	course *co = course_load(path, &err);
	if (!co) {
		fprintf(stderr, "%s\n", err);
		free(err);
		free(path);
		return 1;
	}
	loop *l = loop_new();
	engine *e = engine_new(co, l);
	int rc = batch ? batch_main(e, l, stdin, stdout) : tui_main(e, l);
	engine_free(e);
	course_free(co);
	loop_free(l);
	free(path);
	return rc;
}
