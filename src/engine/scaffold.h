/*
 * scaffold: `parlab new PATH` (scaffold.c).
 */
#ifndef PARLAB_SCAFFOLD_H
#define PARLAB_SCAFFOLD_H
#include <stdio.h>

/* PATH ending in .lua: a lesson file; else a course folder (course.lua and
 * 01-first.lua; the folder may exist if empty). Never overwrites. What was
 * made is said on out, problems on err. The exit code: 0 made, 1 not (it
 * exists, cannot be written), 2 a usage error. */
int scaffold_new(const char *path, FILE *out, FILE *err);

#endif
