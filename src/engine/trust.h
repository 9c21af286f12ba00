/* trust: a course from elsewhere that runs programs (run{ command = ... })
 * runs them on the student's machine. parlab asks once per course and
 * content: the courses bundled with parlab are trusted; any other that has
 * commands is trusted when its content hash (its lesson files and the
 * files its runs copy) is recorded in the state folder's "trusted" file. */
#ifndef PARLAB_TRUST_H
#define PARLAB_TRUST_H
#include "engine/engine.h"
#include <stdio.h>

typedef struct {
	char hash[65];    /* the course's content, SHA-256 */
	char *dir;        /* the course's folder, absolute */
	char **commands;  /* "lesson 2 (Title): python3 example1.py", NULL-terminated */
	int ncommands;
} trust_need;

/* 0: nothing to ask (bundled, no commands, or trusted as it is now);
 * 1: need filled (trust_need_free it), the student must agree first. */
int trust_check(const course *c, const char *state_opt, trust_need *need);
void trust_need_free(trust_need *need);
/* Records need's course as trusted as it is now (0, or -1 and *err). */
int trust_remember(const char *state_opt, const trust_need *need, char **err);
/* The commands listed, and what to do, for the student. */
void trust_explain(const trust_need *need, FILE *out);

#endif
