/* tui: the interactive ncurses + readline front end. */
#ifndef PARLAB_TUI_H
#define PARLAB_TUI_H
#include "engine/engine.h"
#include "util/loop.h"

/* Runs the screen until the student quits; the terminal is restored on
 * every exit path. Returns the process exit code. */
int tui_main(engine *e, loop *l);

#endif
