/*
 * line_store: where a trace keeps the text of its output lines. Texts are
 * copied into chunks of LINE_STORE_CHUNK bytes, many lines to one
 * allocation (a flood of short lines costs one malloc and one free per
 * chunk, not per line); a text longer than a quarter chunk gets a chunk of
 * its own. Texts are dropped oldest first, as the output cap's ring drops
 * them: a chunk is freed once every text in it is dropped (a text dropped
 * out of that order is found, at the cost of a walk). The texts stay where
 * they are until then.
 */
#ifndef PARLAB_LINE_STORE_H
#define PARLAB_LINE_STORE_H
#include <stddef.h>

#define LINE_STORE_CHUNK (64u << 10)

typedef struct line_chunk line_chunk;

typedef struct {
	line_chunk *first, *last;   /* oldest to newest */
	size_t nchunks;
	size_t bytes;               /* allocated: chunks and their headers */
} line_store;                   /* all zeros: empty */

/* A copy of text[0..n) and a '\0' in the store; stays valid until dropped
 * or line_store_clear. */
char *line_store_add(line_store *s, const char *text, size_t n);
/* Drops a text line_store_add gave (the oldest one kept, usually). */
void line_store_drop(line_store *s, const char *text);
/* Frees every chunk; the store is empty again. */
void line_store_clear(line_store *s);

#endif
