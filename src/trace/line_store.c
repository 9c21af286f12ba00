/*
 * line_store.c: the chunks behind a trace's output lines (line_store.h).
 */
#include "trace/line_store.h"
#include "util/xmalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct line_chunk {
	line_chunk *next;
	size_t cap, used;   /* bytes of data, bytes given out */
	size_t live;        /* texts given out and not yet dropped */
	char data[];
};

static line_chunk *chunk_new(line_store *s, size_t cap)
{
	line_chunk *c = xmalloc(sizeof *c + cap);
	c->next = NULL;
	c->cap = cap;
	c->used = c->live = 0;
	if (s->last) s->last->next = c; else s->first = c;
	s->last = c;
	s->nchunks++;
	s->bytes += sizeof *c + cap;
	return c;
}

char *line_store_add(line_store *s, const char *text, size_t n)
{
	size_t need = n + 1;
	line_chunk *c = s->last;
	if (!c || c->cap - c->used < need)
		c = chunk_new(s, need > LINE_STORE_CHUNK / 4 ? need : LINE_STORE_CHUNK);
	char *p = c->data + c->used;
	if (n) memcpy(p, text, n);
	p[n] = '\0';
	c->used += need;
	c->live++;
	return p;
}

static int holds(const line_chunk *c, const char *text)
{
	uintptr_t p = (uintptr_t)text, d = (uintptr_t)c->data;
	return p >= d && p < d + c->used;
}

void line_store_drop(line_store *s, const char *text)
{
	line_chunk *prev = NULL, *c = s->first;
	while (c && !holds(c, text)) { prev = c; c = c->next; }
	if (!c || !c->live) return;   /* not one of ours */
	if (--c->live) return;
	if (c == s->last) {   /* the newest, empty: reused from its start */
		c->used = 0;
		return;
	}
	if (prev) prev->next = c->next; else s->first = c->next;
	s->nchunks--;
	s->bytes -= sizeof *c + c->cap;
	free(c);
}

void line_store_clear(line_store *s)
{
	line_chunk *c = s->first;
	while (c) {
		line_chunk *n = c->next;
		free(c);
		c = n;
	}
	*s = (line_store){ 0 };
}
