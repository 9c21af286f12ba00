/* tui: the interactive ncurses + readline front end. */
#ifndef PARLAB_TUI_H
#define PARLAB_TUI_H
#include "engine/engine.h"
#include "util/loop.h"

/* Runs the screen until the student quits; the terminal is restored on
 * every exit path. Returns the process exit code. */
int tui_main(engine *e, loop *l);

/* The course folder or lesson file the engine's course was loaded from:
 * saving one of its lesson files (or the reload command) loads it again. */
void tui_set_source(const char *path);

/* How the course was trusted at start (main.c): all (--trust), else by
 * the state folder state (NULL: the default; trust_check heeds
 * PARLAB_TRUST=1 itself). A
 * reload whose content is not trusted then is refused (engine/trust.h). */
void tui_set_trust(int all, const char *state);
/* 0 when stdin and stdout are a terminal; else says so and gives the exit
 * code (2). */
int tui_need_terminal(void);

/* A line to greet the student with when the screen opens (copied). */
void tui_welcome(const char *msg);

/* Plays a saved trace back on the same screen, on a clock running at speed
 * times real time (0.01: slow motion, up to 1000): the timeline and the
 * output show only what had happened by the clock's time; the student can
 * pause, step, seek, change the speed, zoom and put a cursor. Returns the
 * process exit code once the student quits; t stays the caller's. */
int tui_replay(trace *t, double speed);

#endif
