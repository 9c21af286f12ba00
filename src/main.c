/* parlab: a terminal tutor for parallel and distributed computing. */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/check_runs.h"
#include "engine/engine.h"
#include "engine/progress.h"
#include "engine/scaffold.h"
#include "engine/trust.h"
#include "trace/export.h"
#include "trace/trace_file.h"
#include "ui/batch.h"
#include "ui/tui.h"
#include "util/loop.h"
#include "util/xmalloc.h"

static void usage(FILE *f)
{
	fputs("Usage: parlab [OPTIONS] [PATH]        open a course (default: Module 14)\n"
	      "       parlab --batch [PATH] [--answers FILE]\n"
	      "                                        the course as a plain transcript\n"
	      "       parlab check PATH...             load lessons without running them\n"
	      "       parlab check --runs N PATH...    run each run step N times: stable?\n"
	      "       parlab new PATH                  start a lesson (PATH.lua) or a course\n"
	      "       parlab list                      the bundled courses and lessons\n"
	      "       parlab export FILE --perfetto OUT.json\n"
	      "                                        a saved trace as Chrome/Perfetto JSON\n"
	      "       parlab replay FILE [--speed X]   play a saved trace back in the TUI\n"
	      "       parlab progress [--reset [COURSE] | --export FILE | --import FILE]\n"
	      "                                        your progress per course and lesson\n"
	      "\n"
	      "PATH is a course folder or a single lesson file: parlab PATH opens another\n"
	      "course (parlab list names the bundled ones). FILE is a trace saved with\n"
	      "--save-trace or the TUI's save command (format: docs/trace-format.md).\n"
	      "\n"
	      "Options:\n"
	      "  -b, --batch     plain-text mode (the default when stdout is not a terminal);\n"
	      "                  one answer per question is read from stdin\n"
	      "  --answers FILE  (batch) read the answers from FILE: one line per question,\n"
	      "                  in order; \"-\" or an empty line skips one, # starts a comment;\n"
	      "                  a line \"hint\" prints the question's next hint; a stepped\n"
	      "                  run reads its schedule, worker ids: \"0 1 0 1\" (or \"search\")\n"
	      "  --save-trace DIR  (batch) save each run's trace as DIR/NN-<run>.trace\n"
	      "  --state DIR     keep progress in DIR/progress.db (batch records only\n"
	      "                  with --state or PARLAB_STATE; it never resumes);\n"
	      "                  --state off keeps nothing\n"
	      "  --dask-scheduler ADDR  run the lessons' Dask computations on the existing\n"
	      "                  cluster at ADDR (tcp://HOST:PORT) instead of one they start\n"
	      "  --trust         run the programs of a course that is not parlab's own\n"
	      "                  without asking (else asked once per course and content)\n"
	      "  -h, --help      this help\n"
	      "  -V, --version   the version\n"
	      "\n"
	      "Environment:\n"
	      "  PARLAB_STATE    progress folder (else $XDG_STATE_HOME/parlab or\n"
	      "                  ~/.local/state/parlab); \"off\" keeps nothing\n"
	      "  PARLAB_LESSONS  the bundled lessons folder\n"
	      "  PARLAB_CAPTURE  how runs are captured: perf (kernel context switches),\n"
	      "                  proc (the /proc sampler) or none; default perf, else proc\n"
	      "  PARLAB_SAMPLE_MS  the /proc sampler's interval in ms\n"
	      "  PARLAB_PYTHON   the Python for command runs\n"
	      "  PARLAB_DASK_SCHEDULER  the cluster for Dask runs, as --dask-scheduler\n"
	      "  PARLAB_TRUST=1  as --trust\n"
	      "  TMPDIR          where runs get their scratch folders\n"
	      "  NO_COLOR        no colours\n"
	      "\n"
	      "More: man parlab.\n", f);
}

/* "--name VALUE" or "--name=VALUE" at argv[*i]: 1 and *val (NULL when the
 * value is missing) if it is that option, else 0. */
static int opt_value(int argc, char **argv, int *i, const char *name, const char **val);

static int trust_all;   /* --trust */
static int trusted(const course *co, const char *state, int can);

static int cmd_check(int argc, char **argv)
{
	int runs = 0, npaths = 0;
	char **paths = xcalloc((size_t)argc + 1, sizeof *paths);
	for (int i = 0; i < argc; i++) {
		const char *v;
		if (opt_value(argc, argv, &i, "--runs", &v)) {
			char *end;
			long n = v ? strtol(v, &end, 10) : 0;
			if (!v || !*v || *end || n < 1 || n > 1000) {
				fprintf(stderr, "parlab check: --runs wants a number of runs from 1 to 1000 (got '%s')\n", v ? v : "");
				free(paths);
				return 2;
			}
			runs = (int)n;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "parlab check: unknown option '%s' (usage: parlab check [--runs N] PATH...)\n", argv[i]);
			free(paths);
			return 2;
		} else {
			paths[npaths++] = argv[i];
		}
	}
	if (npaths < 1) { fputs("parlab check: name at least one lesson file or course folder\n", stderr); free(paths); return 2; }
	int errors = 0;
	for (int i = 0; i < npaths; i++) errors += course_check(paths[i], stderr);
	if (!errors && !runs) printf("ok: %d path%s checked, no errors\n", npaths, npaths == 1 ? "" : "s");
	int unstable = 0;
	for (int i = 0; !errors && runs && i < npaths; i++) {
		char *err = NULL;
		course *co = course_load(paths[i], &err);   /* loaded above without errors */
		int ok = !co || trust_all || trusted(co, NULL, 1);
		course_free(co);
		free(err);
		if (!ok) { free(paths); return 1; }
		unstable |= check_runs(paths[i], runs, stdout);
	}
	free(paths);
	return errors || unstable ? 1 : 0;
}

static int cmd_new(int argc, char **argv)
{
	static const char use[] = "Usage: parlab new PATH\n"
				  "  PATH.lua: a new lesson file; else a new course folder (course.lua and\n"
				  "  01-first.lua). Both pass parlab check and run; nothing is overwritten.\n";
	if (argc == 1 && (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help"))) { fputs(use, stdout); return 0; }
	if (argc != 1 || (argv[0][0] == '-' && argv[0][1])) {
		if (argc > 1) fprintf(stderr, "parlab new: one path at a time (got %d)\n", argc);
		else if (argc == 1) fprintf(stderr, "parlab new: unknown option '%s'\n", argv[0]);
		else fputs("parlab new: name the lesson file (NAME.lua) or course folder to make\n", stderr);
		fputs(use, stderr);
		return 2;
	}
	return scaffold_new(argv[0], stdout, stderr);
}

/* The bundled courses, in the order list shows them. */
static const char *const bundled_courses[] = { "module14", "concurrency", "levels" };

static int cmd_list(void)
{
	const char *dir = course_bundled_dir();
	if (!dir) { fputs("parlab: no bundled lessons found (set PARLAB_LESSONS)\n", stderr); return 1; }
	printf("Bundled courses (%s):\n", dir);
	int rc = 0;
	for (size_t k = 0; k < sizeof bundled_courses / sizeof *bundled_courses; k++) {
		char *path = xasprintf("%s/%s", dir, bundled_courses[k]);
		char *err = NULL;
		course *c = course_load(path, &err);
		free(path);
		if (!c) {
			fprintf(stderr, "%s\n", err);
			free(err);
			rc = 1;
			continue;
		}
		printf("\n  %s  %s\n", bundled_courses[k], course_title(c));
		for (int i = 0; i < course_nlessons(c); i++) {
			const lesson *l = course_lesson(c, i);
			const char *base = strrchr(l->file, '/');
			printf("    %2d. %-40s %s\n", i + 1, l->title, base ? base + 1 : l->file);
		}
		course_free(c);
	}
	return rc;
}

/* "--name VALUE" or "--name=VALUE" at argv[*i]: 1 and *val (NULL when the
 * value is missing) if it is that option, else 0. */
static int opt_value(int argc, char **argv, int *i, const char *name, const char **val)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n)) return 0;
	if (argv[*i][n] == '=') { *val = argv[*i] + n + 1; return 1; }
	if (argv[*i][n]) return 0;
	*val = *i + 1 < argc ? argv[++*i] : NULL;
	return 1;
}

/* The arguments of export and replay: one FILE and one option. 0 when
 * fine, else the exit code (help: 0 through *done). */
static int sub_args(const char *cmd, const char *opt, int argc, char **argv, const char **file,
		    const char **val, int *done)
{
	*file = *val = NULL;
	*done = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (opt_value(argc, argv, &i, opt, val)) {
			if (!*val || !**val) { fprintf(stderr, "parlab %s: %s needs a value\n", cmd, opt); return 2; }
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			*done = 1;
			return 0;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "parlab %s: unknown option '%s'\n", cmd, a);
			return 2;
		} else if (*file) {
			fprintf(stderr, "parlab %s: one trace file at a time (got '%s' and '%s')\n", cmd, *file, a);
			return 2;
		} else {
			*file = a;
		}
	}
	if (!*file) { fprintf(stderr, "parlab %s: name a trace file\n", cmd); return 2; }
	return 0;
}

static trace *load_or_say(const char *cmd, const char *file)
{
	char *err = NULL;
	trace *t = trace_load(file, &err);
	if (!t) fprintf(stderr, "parlab %s: %s\n", cmd, err);
	free(err);
	return t;
}

static int cmd_export(int argc, char **argv)
{
	static const char use[] = "Usage: parlab export FILE --perfetto OUT.json   (OUT.json may be - for stdout)\n";
	const char *file, *out;
	int done, rc = sub_args("export", "--perfetto", argc, argv, &file, &out, &done);
	if (done) { fputs(use, stdout); return 0; }
	if (!rc && !out) { fputs("parlab export: say what to write: --perfetto OUT.json\n", stderr); rc = 2; }
	if (rc) { fputs(use, stderr); return rc; }
	trace *t = load_or_say("export", file);
	if (!t) return 1;
	char *err = NULL;
	int n = export_perfetto(t, out, &err);
	if (n < 0) fprintf(stderr, "parlab export: %s\n", err);
	else if (strcmp(out, "-"))
		printf("%s: %d events (Chrome trace JSON: open it in the Perfetto UI or chrome://tracing)\n", out, n);
	free(err);
	trace_free(t);
	return n < 0 ? 1 : 0;
}

static int cmd_replay(int argc, char **argv)
{
	static const char use[] = "Usage: parlab replay FILE [--speed X]\n"
				  "  X from 0.01 to 1000; 2 is twice as fast\n";
	const char *file, *sp;
	int done, rc = sub_args("replay", "--speed", argc, argv, &file, &sp, &done);
	if (done) { fputs(use, stdout); return 0; }
	if (rc) { fputs(use, stderr); return rc; }
	double speed = 1.0;
	if (sp) {
		char *end;
		errno = 0;
		speed = strtod(sp, &end);
		/* The TUI's own "speed X" takes the same range. */
		if (*end || end == sp || errno || !isfinite(speed) || speed < 0.01 || speed > 1000) {
			fprintf(stderr, "parlab replay: --speed wants a number from 0.01 to 1000 (got '%s')\n", sp);
			return 2;
		}
	}
	trace *t = load_or_say("replay", file);
	if (!t) return 1;
	rc = tui_replay(t, speed);   /* t stays ours */
	trace_free(t);
	return rc;
}

/* Whether the progress store knows course; if not, says so with the
 * ones it knows. */
static int known_course(progress *p, const char *course)
{
	int n, found = 0;
	char **v = progress_courses(p, &n);
	for (int i = 0; i < n; i++) found |= !strcmp(v[i], course);
	if (!found) {
		fprintf(stderr, "parlab progress: no progress kept for a course named '%s'; ", course);
		if (!n) fputs("none is kept yet\n", stderr);
		else fputs(n == 1 ? "the one kept is:" : "the ones kept are:", stderr);
		for (int i = 0; i < n; i++) fprintf(stderr, " %s%s", v[i], i + 1 < n ? "," : "\n");
	}
	for (int i = 0; i < n; i++) free(v[i]);
	free(v);
	return found;
}

static int cmd_progress(const char *state, int argc, char **argv)
{
	static const char use[] =
		"Usage: parlab [--state DIR] progress\n"
		"                          the report per course and lesson\n"
		"       parlab [--state DIR] progress --reset [COURSE]\n"
		"                          forget one course (or all)\n"
		"       parlab [--state DIR] progress --export FILE\n"
		"                          .json or .csv by the name\n"
		"       parlab [--state DIR] progress --import FILE\n"
		"                          merge an export (twice: no change)\n";
	const char *exp = NULL, *imp = NULL, *course = NULL;
	int reset = 0;
	for (int i = 0; i < argc; i++) {
		const char *v;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) { fputs(use, stdout); return 0; }
		if (!strcmp(argv[i], "--reset")) { reset = 1; continue; }
		int o = opt_value(argc, argv, &i, "--export", &v) ? 1 : opt_value(argc, argv, &i, "--import", &v) ? 2
			: opt_value(argc, argv, &i, "--state", &v) ? 3 : 0;
		if (o && (!v || !*v)) { fprintf(stderr, "parlab progress: %s needs a value\n", o == 1 ? "--export" : o == 2 ? "--import" : "--state"); return 2; }
		if (o == 1) exp = v;
		else if (o == 2) imp = v;
		else if (o == 3) state = v;
		else if (reset && !course && argv[i][0] != '-') course = argv[i];
		else { fprintf(stderr, "parlab progress: unexpected '%s'\n", argv[i]); fputs(use, stderr); return 2; }
	}
	if (reset + !!exp + !!imp > 1) { fputs("parlab progress: one of --reset, --export, --import at a time\n", stderr); return 2; }
	if (progress_off(state)) { fputs("parlab progress: keeping progress is off (--state off or PARLAB_STATE=off)\n", stderr); return 1; }
	progress *p = progress_open(state, stderr);
	if (!p) return 1;
	int rc = 0;
	char *err = NULL;
	if ((reset || imp) && progress_readonly(p)) {
		fprintf(stderr, "parlab progress: %s can only be read now: nothing was changed\n", progress_path(p));
		rc = 1;
	} else if (reset && course && !known_course(p, course)) {
		rc = 1;
	} else if (reset) {
		int n = progress_reset(p, course);
		if (n < 0) rc = 1;
		else if (course) printf("%s: progress forgotten (%d records)\n", course, n);
		else printf("all progress forgotten (%d records)\n", n);
	} else if (exp || imp) {
		int n = exp ? progress_export(p, exp, &err) : progress_import(p, imp, &err);
		if (n < 0) { fprintf(stderr, "parlab progress: %s\n", err); rc = 1; }
		else printf("%s: %d records %s\n", exp ? exp : imp, n, exp ? "exported" : "merged");
	} else {
		rc = progress_report(p, stdout) < 0;
	}
	free(err);
	progress_close(p);
	return rc;
}

/* The course's id in the progress store: its folder's name, or for a
 * single lesson file its title. */
/* A course from elsewhere that runs programs: asked first, on the terminal
 * (can), before the screen or the transcript starts; without one, refused
 * until --trust says so. 1: go on. */
static int trusted(const course *co, const char *state, int can)
{
	trust_need need;
	if (!trust_check(co, state, &need)) return 1;
	trust_explain(&need, stderr);
	int yes = 0;
	if (can && isatty(STDIN_FILENO) && isatty(STDERR_FILENO)) {
		fputs("A yes is remembered until one of its files changes.\n"
		      "Run them? Type yes to trust this course as it is now: ", stderr);
		char line[32] = "";
		yes = fgets(line, sizeof line, stdin) && (!strcmp(line, "yes\n") || !strcmp(line, "y\n"));
		char *err = NULL;
		if (yes && trust_remember(state, &need, &err) < 0) {
			fprintf(stderr, "parlab: trusted this time, not remembered: %s\n", err);
			free(err);
		}
		if (!yes) fputs("parlab: not trusted: nothing was run\n", stderr);
	} else {
		fputs("parlab: not run: pass --trust to run its programs (or open it in a terminal to be asked)\n", stderr);
	}
	trust_need_free(&need);
	return yes;
}

static char *course_id(const char *path, course *c)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		char *real = realpath(path, NULL);
		const char *b = real ? strrchr(real, '/') : NULL;
		char *id = xstrdup(b && b[1] ? b + 1 : course_title(c));
		free(real);
		return id;
	}
	return xstrdup(course_title(c));
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

/* An address given for Dask's cluster (from where: the option or the
 * variable) looks like one; NULL or empty (unset) is fine. Else says why. */
static int dask_address_ok(const char *a, const char *from)
{
	char why[256];
	if (!a || !*a || engine_dask_address_check(a, why, sizeof why) == 0) return 1;
	fprintf(stderr, "parlab: %s: %s\n", from, why);
	return 0;
}

/* The TUI goes on where the student left off; where a lesson does not let
 * them skip a question, at that question. */
static void resume(engine *e, progress *prog, const char *id)
{
	int li, si;
	if (progress_get_position(prog, id, &li, &si) != 1 || (!li && !si) || engine_goto(e, li, si) == -1) {
		engine_goto(e, 0, 0);   /* records the first step as seen */
		return;
	}
	const step *b = engine_blocker(e, li, si);
	if (b) {
		engine_goto(e, 0, 0);
		si = engine_locate(e, b, &li);
		engine_goto(e, li, si);
	}
	char *hello = xasprintf("Welcome back: resuming at lesson %d, step %d%s", li + 1, si + 1,
				b ? ": answer this question first" : " (type lessons to choose another)");
	tui_welcome(hello);
	free(hello);
}

/* A write past the file size limit (ulimit -f) raises SIGXFSZ, whose
 * default ends parlab at once, mid-write: caught instead, the write fails
 * with EFBIG and is said like a full disk (progress, traces, exports). A
 * handler, not SIG_IGN, so that programs parlab starts get the default
 * back at exec (the runner resets every signal itself). */
static void on_xfsz(int sig) { (void)sig; }

int main(int argc, char **argv)
{
	struct sigaction xfsz = { .sa_handler = on_xfsz, .sa_flags = SA_RESTART };
	sigemptyset(&xfsz.sa_mask);
	sigaction(SIGXFSZ, &xfsz, NULL);
	setlocale(LC_ALL, "");
	/* Characters by the locale, numbers not: strtod and printf keep the
	 * point ("12.5ms", --speed 0.5, progress exports) in a decimal-comma
	 * locale too, as lessons, help and files write them. */
	setlocale(LC_NUMERIC, "C");
	raise_nofile();
	static const struct option opts[] = {
		{ "batch", no_argument, NULL, 'b' }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { "save-trace", required_argument, NULL, 'S' },
		{ "state", required_argument, NULL, 'P' }, { "answers", required_argument, NULL, 'A' },
		{ "dask-scheduler", required_argument, NULL, 'D' }, { "trust", no_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	int batch = !isatty(STDOUT_FILENO), c;
	const char *save_dir = NULL, *state = NULL, *answers = NULL, *dask = NULL;
	while ((c = getopt_long(argc, argv, "+bhV", opts, NULL)) != -1) {
		switch (c) {
		case 'b': batch = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("parlab %s\n", PARLAB_VERSION); return 0;
		case 'S': save_dir = optarg; break;
		case 'P': state = optarg; break;
		case 'A': answers = optarg; break;
		case 'D': dask = optarg; break;
		case 'T': trust_all = 1; break;
		default: usage(stderr); return 2;
		}
	}
	argc -= optind;
	argv += optind;
	static const char *const subs[] = { "check", "list", "export", "replay", "progress", "new" };
	for (size_t i = 0; (save_dir || dask) && argc && i < sizeof subs / sizeof *subs; i++)
		if (!strcmp(argv[0], subs[i])) {
			fprintf(stderr, "parlab: %s is for running a course, not %s\n",
				save_dir ? "--save-trace" : "--dask-scheduler", subs[i]);
			return 2;
		}
	if (argc >= 1 && !strcmp(argv[0], "check")) return cmd_check(argc - 1, argv + 1);
	if (argc >= 1 && !strcmp(argv[0], "list")) return cmd_list();
	if (argc >= 1 && !strcmp(argv[0], "new")) return cmd_new(argc - 1, argv + 1);
	if (argc >= 1 && !strcmp(argv[0], "export")) return cmd_export(argc - 1, argv + 1);
	if (argc >= 1 && !strcmp(argv[0], "replay")) return cmd_replay(argc - 1, argv + 1);
	if (argc >= 1 && !strcmp(argv[0], "progress")) return cmd_progress(state, argc - 1, argv + 1);
	if (state && !*state) { fputs("parlab: --state needs a folder name\n", stderr); return 2; }
	if (save_dir && !*save_dir) { fputs("parlab: --save-trace needs a folder name\n", stderr); return 2; }
	if (save_dir && !batch) {
		fputs("parlab: --save-trace goes with --batch (in the TUI, type save)\n", stderr);
		return 2;
	}
	if (answers && !batch) {
		fputs("parlab: --answers goes with --batch (in the TUI, type the answers)\n", stderr);
		return 2;
	}
	if (argc > 1) { fprintf(stderr, "parlab: one course at a time (got %d paths)\n", argc); usage(stderr); return 2; }
	if (dask && !*dask) { fputs("parlab: --dask-scheduler needs an address (tcp://HOST:PORT)\n", stderr); return 2; }
	if (!dask_address_ok(dask, "--dask-scheduler") || !dask_address_ok(getenv("PARLAB_DASK_SCHEDULER"), "PARLAB_DASK_SCHEDULER"))
		return 2;

	char *path = argc ? xstrdup(argv[0]) : course_default_path();
	if (!path) { fputs("parlab: no bundled lessons found (set PARLAB_LESSONS)\n", stderr); return 1; }
	char *err = NULL;
	if (save_dir && batch_save_traces(save_dir, &err) < 0) {
		fprintf(stderr, "parlab: cannot save traces in %s\n", err);
		free(err);
		free(path);
		return 1;
	}
	course *co = course_load(path, &err);
	if (!co) {
		fprintf(stderr, "%s\n", err);
		free(err);
		free(path);
		return 1;
	}
	if (!trust_all && !trusted(co, state, answers == NULL)) {
		course_free(co);
		free(path);
		return 1;
	}
	/* Before anything is recorded: a screen without a terminal keeps no place. */
	int no_tty = batch ? 0 : tui_need_terminal();
	if (no_tty) {
		course_free(co);
		free(path);
		return no_tty;
	}
	loop *l = loop_new();
	engine *e = engine_new(co, l);
	engine_set_dask_scheduler(e, dask);
	/* The TUI keeps progress always and resumes; batch (scripts, CI) keeps
	 * it only when asked (--state, PARLAB_STATE) and always starts at the
	 * beginning. */
	const char *env_state = getenv("PARLAB_STATE");
	int want_prog = !batch || state || (env_state && *env_state);
	progress *prog = want_prog ? progress_open(state, stderr) : NULL;
	/* Progress asked for and not kept (said where it happened): the course
	 * goes on; batch still ends with 1, as for a trace not saved. */
	int prog_lost = want_prog && !prog && !progress_off(state);
	char *id = prog ? course_id(path, co) : NULL;
	if (prog) engine_set_progress(e, prog, id);
	if (prog && !batch) resume(e, prog, id);
	if (!batch) tui_set_source(path);
	if (!batch) tui_set_trust(trust_all, state);   /* PARLAB_TRUST=1: trust_check's own */
	if (prog && !batch) progress_set_msg(prog, NULL);   /* stderr would scribble on the screen */
	FILE *in = answers ? fopen(answers, "r") : stdin;
	int rc = 1;
	if (!in) fprintf(stderr, "parlab: --answers %s: %s\n", answers, strerror(errno));
	else rc = batch ? batch_main(e, l, in, stdout) : tui_main(e, l);
	if (in && in != stdin) fclose(in);
	if (batch && !rc && (prog_lost || progress_failed(prog))) rc = 1;
	engine_free(e);   /* and a course a reload gave it */
	tui_set_source(NULL);
	tui_set_trust(0, NULL);
	progress_close(prog);
	free(id);
	course_free(co);
	loop_free(l);
	free(path);
	return rc;
}
