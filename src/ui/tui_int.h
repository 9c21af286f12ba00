/*
 * tui_int.h: what the files of the TUI share. Nothing here is seen outside
 * src/ui/tui*.c.
 *
 *   tui.c           the screen: lifecycle (terminal up and restored on every
 *                   exit path, signals, quit) and render (layout, header,
 *                   status line, prompt, damage-tracked redraw, runs' timer)
 *   tui_cmd.c       the command table: every command typed at the prompt,
 *                   its help line and Tab completion; answers to questions
 *   tui_input.c     readline's callback interface, the key bindings, Tab
 *                   focus, paging
 *   tui_text.c      theme, glyphs, width-aware drawing
 *   tui_doc.c       documents: styled lines wrapped to a width (doc_*,
 *                   tline_*), prose, text bodies, code listings
 *   tui_lesson.c    the lesson pane
 *   tui_timeline.c  the timeline pane: lanes, axis, legend, lane order; says
 *                   what the view's calls return
 *   tui_output.c    the output pane
 *   tui_stats.c     run statistics
 *   tui_replay.c    a saved trace played back on a clock
 *   tui_menu.c      the help page (from the command table), the course menu
 *   view.c          (no curses, in the core library) the timeline's window,
 *                   cursor, zoom, pan and the live pause: view.h
 */
#ifndef PARLAB_TUI_INT_H
#define PARLAB_TUI_INT_H
#include <stddef.h>
/* curses.h declares a debugging function named trace(), which would clash
 * with parlab's trace type: rename it out of the way. */
#define trace parlab_curses_trace
#include <curses.h>
#undef trace

#include "engine/engine.h"
#include "ui/view.h"
#include "util/loop.h"
#include "util/utf8.h"

/* ---- theme: semantic roles, mapped to colours or (NO_COLOR) attributes ---- */

/* Task colours: 12 in a 256-colour terminal, else the 6 basic ones
 * (tui_ncolours), given by order of appearance (view_task_slot). */
#define TUI_NWCOL 12

enum {
	R_TEXT, R_DIM, R_BOLD, R_HEAD, R_CODE, R_LINENO, R_KW, R_STR, R_COMMENT, R_NUM,
	R_BOX, R_BOXTITLE, R_OK, R_ERR, R_KEY, R_HEADER, R_HEADER_DIM, R_STATUS, R_PROMPT,
	R_PARLAB, R_HINT, R_SEP, R_IDLE, R_RULE, R_RULE_TITLE, R_CUR,
	R_FOCUS,      /* the focused pane's title */
	R_FOCUS_RULE, /* the focused pane's rule or separator */
	R_COORD,      /* a task blocked on one of the run's blocks (a lock, queue, ...) */
	R_STEP,       /* a worker held at a step point of a stepped run */
	R_WORKER, /* R_WORKER + 0 .. TUI_NWCOL-1 */
	R_NROLES = R_WORKER + TUI_NWCOL
};

void tui_theme_init(int colour);
attr_t tui_attr(int role);
int tui_colour(void);   /* colours are in use */
/* How many task colours there are (12 with 256 colours, else 6; 1 without). */
int tui_ncolours(void);
/* The role of task index's colour: the runner's own (R_PARLAB), else its
 * slot among the run's tasks in order of appearance (view_task_slot),
 * cycled over the colours: lanes, CPU bars, output lines and stats agree. */
int tui_task_role(const trace *tr, int index);
/* tui_task_role of every task into out (trace_ntasks of them), in one
 * pass: a frame of 1 024 lanes asks for many. */
void tui_task_roles(const trace *tr, int *out);
/* A task's name in width columns into buf (view_task_name with the
 * screen's ellipsis); returns the columns used. */
int tui_task_name(const trace *tr, int index, int width, int flags, char *buf, size_t cap);

/* Glyphs: UTF-8 where the locale has it, ASCII otherwise. */
typedef struct {
	const char *run, *wait, *sleep, *blocked, *idle, *vline, *hline, *ellipsis,
		*up, *down, *ok, *bad, *bullet, *tl, *tr, *bl, *br, *cont, *play, *nl, *dot, *says,
		*other,   /* a CPU other programs kept busy */
		*coord,   /* a task blocked on one of the run's blocks (lane; ASCII b) */
		*held;    /* a worker held at a stepped run's step point (lane; ASCII h) */
	const char *level[9];   /* how busy a CPU was: nothing .. all the time */
} tui_glyphs;
extern tui_glyphs tui_glyph;
void tui_glyphs_init(int utf8);
/* Outside UTF-8 (tui_glyphs_init(0)): n bytes of s with every non-ASCII
 * character as its ASCII stand-in (tui_stand_in), in a new string of
 * *outn bytes (never more than n); NULL when s can stay as it is. */
char *tui_ascii(const char *s, size_t n, size_t *outn);
/* The ASCII stand-in of a code point: "." for U+00B7, "?" when none. */
const char *tui_stand_in(unsigned cp);

/* ---- width-aware text: measured with utf8_width/utf8_fit (util/utf8.h) -- */

/* Draws up to maxw columns of s at (y, x); returns the columns drawn. */
int tui_put(WINDOW *w, int y, int x, int maxw, attr_t a, const char *s, size_t n);
int tui_puts(WINDOW *w, int y, int x, int maxw, attr_t a, const char *s);
/* Like tui_puts, ending in an ellipsis when s does not fit. */
int tui_puts_ell(WINDOW *w, int y, int x, int maxw, attr_t a, const char *s);
/* Repeats a glyph n times. */
void tui_fill(WINDOW *w, int y, int x, int n, attr_t a, const char *glyph);

/* ---- documents (tui_doc.c): styled lines, wrapped to a width ------------ */

typedef struct {
	unsigned char role;
	int off, len;     /* bytes in the line's buffer */
} tspan;

typedef struct {
	char *buf;
	size_t len, cap;
	tspan *sp;
	size_t nsp, capsp;
	int tag;          /* the step a line belongs to (lesson pane) */
} tline;

typedef struct {
	tline *v;
	size_t n, cap;
	int width;
	int tag;          /* tag of lines added from now on */
	int focus;        /* line the reader should see first (feedback), -1 none */
} tdoc;

void doc_init(tdoc *d, int width);
void doc_free(tdoc *d);
void doc_reset(tdoc *d, int width);
/* A fresh empty line; the pointer holds until the next doc_line. */
tline *doc_line(tdoc *d);
void tline_add(tline *l, int role, const char *s, size_t n);
void tline_adds(tline *l, int role, const char *s);
void tline_addf(tline *l, int role, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int tline_width(const tline *l);
void tline_clear(tline *l);
void tline_free(tline *l);
/* Flows a logical line into the document, breaking at spaces (words) or
 * anywhere (chars) to the document's width. pre1 starts the first line,
 * pre2 every continuation (either may be NULL). */
void doc_flow(tdoc *d, const tline *src, const tline *pre1, const tline *pre2, int words);
/* Prose: the paragraph s, word-wrapped, its blanks and newlines collapsed
 * to single spaces; pre1 (or NULL) starts its first line, pre2 (or NULL)
 * the others, both drawn in prerole. */
void doc_paras(tdoc *d, int role, const char *s, const char *pre1, const char *pre2, int prerole);
/* doc_paras of a lesson's own text (a question, a choice, a hint): its
 * {screen: ...} spans shown, {batch: ...} left out (engine/markup.h). */
void doc_lesson_paras(tdoc *d, int role, const char *s, const char *pre1, const char *pre2, int prerole);
void doc_blank(tdoc *d);
/* Draws lines [top, top+h) of d into w at rows y0.. */
void doc_draw(const tdoc *d, WINDOW *w, int y0, int h, int top);

/* Rich prose of a text step: paragraphs, "# " headings, "- " items,
 * two-space verbatim lines. */
void doc_text(tdoc *d, const char *body);
/* A highlighted code listing with line numbers. */
void doc_code(tdoc *d, const char *title, const char *lang, const char *src);

/* ---- the lesson pane ------------------------------------------------------ */

typedef struct {
	const step *s;
	int state;        /* 0 never run, 1 live, 2 done */
	trace_end_kind kind;  /* how the last run ended */
	int failed;           /* trace_failed */
	char *outcome;        /* trace_outcome's words */
} run_state;

/* ---- the screen ------------------------------------------------------------ */

enum {
	D_HDR = 1, D_LESSON = 2, D_DOC = 4, D_TL = 8, D_OUT = 16, D_STATUS = 32,
	D_PROMPT = 64, D_FRAME = 128, D_ALL = 255
};

enum { OV_NONE, OV_HELP, OV_LESSONS, OV_STATS };

/* The pane PgUp/PgDn and Home/End move (Tab on an empty prompt cycles). */
enum { F_LESSON, F_TIMELINE, F_OUTPUT, F_NPANES };

typedef struct tui {
	engine *e;            /* NULL in a replay */
	loop *l;
	int open;             /* the screen is up */
	int rc;
	int cols, rows, small;
	int dirty;
	WINDOW *hdr, *lesson, *sep, *tl, *rule, *out, *status, *prompt, *full;
	int lw;               /* lesson pane width */
	int tlh;              /* timeline rows */
	int focus;            /* F_LESSON, F_TIMELINE or F_OUTPUT */
	/* lesson pane */
	tdoc doc;
	int overlay;
	tdoc ov;
	int lesson_top, lesson_follow;
	int under_top, under_follow;   /* the lesson's scroll while a page covers it */
	int last_li, last_si;
	int menu_sel;         /* the course menu's selected lesson */
	int menu_show;        /* scroll the menu so the selection shows */
	run_state *runs;
	size_t nruns, capruns;
	/* trace panes */
	trace *tr;            /* what the timeline shows (may be a previous step's) */
	const step *tr_step;
	unsigned long tl_ver, out_ver;
	long anim;            /* redraw timer while a run is live, 0 none */
	int anim_prep;        /* the live run was preparing at the last frame */
	view view;            /* the timeline's window, cursor and the live pause */
	/* replay (tui_replay.c) */
	int replay;
	int64_t clock;        /* the replay's instant; -1 outside a replay */
	double speed;
	long play;            /* the replay clock's timer while playing, 0 paused */
	int64_t play_wall, play_from;   /* the clock was play_from at play_wall */
	int lane_top;
	int lane_page;        /* task lanes on screen (last frame) */
	long out_anchor;      /* last visible output line, -1: follow the tail */
	int out_page;         /* rows of the output pane */
	/* status line */
	char msg[512];
	int msg_role;
	int msg_run;          /* the message lasts only while the run does */
	/* input */
	unsigned char in[4096];
	size_t inlen, inpos;
	int quitting;
} tui;

extern tui tui_screen;

/* tui_reload.c: the lesson loaded again after an edit (asked: by the
 * reload command, which then says when there is nothing to reload); the
 * watch on the lesson files; a reload that waited for the run's end. */
void tui_reload(tui *t, int asked);
void tui_reload_after_run(tui *t);
void tui_watch_start(tui *t);
void tui_watch_stop(tui *t);

/* tui_lesson.c */
void lesson_build(tui *t);                 /* rebuilds t->doc */
void lesson_draw(tui *t);
void lesson_scroll(tui *t, int rows);
int lesson_more_below(tui *t);             /* the pane hides lines below */
run_state *lesson_run(tui *t, const step *s);

/* tui_menu.c */
void menu_help(tui *t);                  /* fills t->ov */
/* The course menu into t->ov: per lesson done, here, steps seen, score.
 * Selects the current lesson when the menu was not open yet. */
void menu_list(tui *t);
void menu_move(tui *t, int delta);         /* moves the selection */
void menu_open(tui *t);                    /* opens the selected lesson */
/* Keeps the selection on screen after a move or a rebuild (lesson_draw). */
void menu_reveal(tui *t, int rows);

/* tui.c */
void tui_msg(tui *t, int role, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void tui_render(tui *t);   /* draws what is dirty, now */
/* The instant the trace panes show: the replay clock, a pause, the live
 * now, or the end. *growing (may be NULL): more is still to come. */
int64_t tui_now(tui *t, const trace *tr, int *growing);
/* The panes stand at a clock (a replay's or a pause), not the live now. */
int tui_clocked(const tui *t);
/* What the panes show, for the view's calls. */
view_shown tui_shown(tui *t);
/* The live pause: the trace panes stay at the instant of the pause while
 * the run goes on underneath (not in a replay). tui_pause returns 0, or -1
 * with a message said when nothing stops; tui_live goes back to live
 * (nothing when not paused). */
int tui_pause(tui *t);
void tui_live(tui *t);
/* Places every pane for the terminal's size; clear repaints it all. */
void tui_layout(tui *t, int clear);
/* After the engine moved: the lesson pane follows, overlays close. */
void tui_moved(tui *t);
/* Starts the current step's run (or says why not). */
void tui_run(tui *t);
/* The same, stepped (a step whose stepper is true or "allow"). */
void tui_run_as(tui *t, int stepped);
/* Leaves the loop; the screen closes with exit code rc. */
void tui_quit(tui *t, int rc);
/* "lesson", "timeline", "output" for F_LESSON .. F_OUTPUT. */
const char *tui_pane_name(int f);
/* Appends "key text" to a status line at x (with a separator); returns
 * the next x. */
int tui_hint(WINDOW *w, int x, int W, const char *key, const char *text);

/* tui_cmd.c: the command table */
enum { CMD_LESSON = 1, CMD_REPLAY = 2, CMD_MENU = 4 };   /* where a command is valid */
enum { CMD_KEEPS_OVERLAY = 1, CMD_KEEPS_STATS = 2 };     /* what it leaves open */
enum { CMD_MAIN, CMD_TIMELINE };                         /* its part of the help page */
#define CMD_MAXALIAS 3
typedef struct {
	const char *name;          /* the word typed; "": the empty line (Enter) */
	const char *aliases[CMD_MAXALIAS];   /* other words for it (NULL ends) */
	int shown;                 /* how many aliases help and Tab name, e.g. 1: "quit, exit" */
	int where;                 /* CMD_LESSON, CMD_REPLAY, CMD_MENU (the course menu is open) */
	int keeps;                 /* CMD_KEEPS_OVERLAY: runs over an open page; CMD_KEEPS_STATS:
	                              the stats panel stays; else a page open closes first */
	int part;                  /* CMD_MAIN or CMD_TIMELINE: its heading on the help page */
	void (*fn)(tui *t, const char *arg);   /* NULL: a line of the help page only */
	const char *args;          /* argument hint: "[FILE]", "TIME" */
	const char *help;          /* one line for the help page; NULL: not listed */
} tui_cmd;
/* The table, in help order, and its length. */
const tui_cmd *cmd_table(size_t *n);
/* Where the screen is: CMD_LESSON or CMD_REPLAY, with CMD_MENU when the
 * course menu is open. */
int cmd_where(const tui *t);
/* Runs a typed line: a command, else an answer to the step's question. */
void cmd_line(tui *t, char *line);
/* Tab: the next command name (or shown alias) valid here that starts with
 * text; *state starts at 0. NULL when there are no more. */
const char *cmd_complete(const tui *t, const char *text, size_t *state);
/* What commands and keys share. */
void cmd_focus(tui *t, int pane);          /* F_LESSON .. F_OUTPUT, cycled */
void cmd_pause(tui *t, int on);            /* the live picture, or the replay clock */
void cmd_close(tui *t);                    /* closes the page over the lesson pane */
void cmd_overlay(tui *t, int ov);          /* opens a page (OV_…) over the lesson pane */
void cmd_help(tui *t);                     /* opens the help page */

/* tui_input.c: readline and the keys */
void input_init(void);                     /* readline, before the screen opens */
void input_start(tui *t);                  /* reads the keyboard from the loop */
void input_stop(tui *t);
void input_done(void);                     /* readline may write to stdout again */

/* tui_timeline.c */
int timeline_rows_wanted(tui *t);
void timeline_draw(tui *t);
void timeline_scroll(tui *t, int rows);    /* the task lanes, by lanes */
/* The view's calls (view.h) on the screen's view: what they return to say
 * goes to the status line. Each returns 0, or -1 when nothing moved. */
int timeline_zoom(tui *t, double factor);
int timeline_zoom_span(tui *t, int64_t span);
int timeline_pan(tui *t, int quarters);
int timeline_cursor(tui *t, int64_t at);   /* -1: off */
int timeline_cursor_step(tui *t, int cols);
/* The time one timeline column stands for (ns), 0 before the first frame. */
double timeline_col_ns(tui *t);

/* tui_output.c */
/* Output lines shown at the instant shown (a prefix of the trace's lines). */
size_t output_count(tui *t, const trace *tr);
void output_draw(tui *t);
void output_scroll(tui *t, int rows);
/* The mark and role of how a run ended: "!" for not run (a missing
 * prerequisite, said in the output: not a failure), ✗ failed, ✓ well. */
const char *output_outcome_mark(trace_end_kind kind, int failed, int *role);

/* tui_stats.c */
/* The statistics of tr up to until, as a document (the stats panel and
 * the replay's info pane). */
void stats_doc(tdoc *d, const trace *tr, int64_t until);
/* One line for the Run box after a run: wall, parallelism, "type stats". */
void stats_summary(tline *l, const trace *tr);
/* A Dask key with its long hex tokens cut, into buf: "('getitem-…', 2)"
 * (the stats and the timeline's cursor say keys so). */
const char *stats_dask_key(const char *key, char *buf, size_t cap);

/* tui_replay.c */
#define REPLAY_MIN_SPEED 0.01
#define REPLAY_MAX_SPEED 1000.0
void replay_build(tui *t);                 /* the info pane into t->doc */
void replay_header(tui *t);
void replay_status(tui *t, int W);        /* hints up to column W */
/* The replay's commands (rows of the command table). */
void replay_play(tui *t, const char *arg);
void replay_toggle(tui *t, const char *arg);   /* Enter: pause or play */
void replay_step(tui *t, const char *arg);
void replay_seek(tui *t, const char *arg);
void replay_speed(tui *t, const char *arg);
void replay_restart(tui *t, const char *arg);
void replay_pause(tui *t);
void replay_stop(tui *t);                  /* timers off, before the screen closes */

#endif
