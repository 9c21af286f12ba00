/*
 * markup.c: a text step's body as blocks (paragraphs, headings, list items,
 * verbatim lines, blank lines between them). The rules are in markup.h and
 * docs/lessons.md; the batch transcript and the TUI both read the blocks,
 * so they agree on what a paragraph and a blank line are.
 */
#include "engine/markup.h"
#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>

struct markup {
	markup_block *v;
	size_t n, cap;
};

/* The kinds of a line, as it starts. */
static int is_blank(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r') return 0;
	return 1;
}

static int starts(const char *p, size_t len, const char *pre)
{
	size_t n = strlen(pre);
	return len >= n && !memcmp(p, pre, n);
}

/* Does a line of this shape end a running paragraph or item? */
static int ends_run(const char *p, size_t len)
{
	return is_blank(p, len) || starts(p, len, "  ") || starts(p, len, "# ") || starts(p, len, "- ");
}

/* Words of s[0..n) joined by single spaces (newlines and tabs are spaces). */
static char *join(const char *s, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i] == '\n' || s[i] == '\t' || s[i] == '\r' ? ' ' : s[i];
		if (c == ' ' && (o == 0 || out[o - 1] == ' ')) continue;
		out[o++] = c;
	}
	while (o && out[o - 1] == ' ') o--;
	out[o] = '\0';
	return out;
}

static void add(markup *m, markup_kind kind, char *text, int line)
{
	m->v = xgrow(m->v, &m->cap, m->n + 1, sizeof *m->v);
	m->v[m->n++] = (markup_block){ kind, text, line };
}

/* The length of the line at p (without its newline). */
static size_t line_len(const char *p)
{
	const char *eol = strchr(p, '\n');
	return eol ? (size_t)(eol - p) : strlen(p);
}

/* The line after the one at p (of length len), or the end of the body. */
static const char *next_line(const char *p, size_t len)
{
	return p[len] == '\n' ? p + len + 1 : p + len;
}

markup *markup_parse(const char *body)
{
	markup *m = xcalloc(1, sizeof *m);
	const char *p = body ? body : "";
	int line = 1, blank = 0;   /* blank: the first line of a blank run after a block */
	while (*p) {
		size_t len = line_len(p);
		const char *next = next_line(p, len);
		int start = line++;
		if (is_blank(p, len)) {   /* one blank block for a run, and only between blocks */
			if (m->n > 0 && !blank) blank = start;
			p = next;
			continue;
		}
		if (blank) add(m, MARKUP_BLANK, xstrdup(""), blank);
		blank = 0;
		if (starts(p, len, "  ")) {
			add(m, MARKUP_VERBATIM, xstrndup(p, len), start);
		} else if (starts(p, len, "# ")) {
			add(m, MARKUP_HEADING, join(p + 2, len - 2), start);
		} else {   /* an item or a paragraph runs on */
			int item = starts(p, len, "- ");
			const char *from = p + (item ? 2 : 0);
			while (*next && !ends_run(next, line_len(next))) {
				next = next_line(next, line_len(next));
				line++;
			}
			add(m, item ? MARKUP_ITEM : MARKUP_PARAGRAPH, join(from, (size_t)(next - from)), start);
		}
		p = next;
	}
	return m;
}

int markup_count(const markup *m) { return (int)m->n; }

const markup_block *markup_at(const markup *m, int i)
{
	return i >= 0 && (size_t)i < m->n ? &m->v[i] : NULL;
}

int markup_gap_before(const markup *m, int i)
{
	const markup_block *b = markup_at(m, i), *p = markup_at(m, i - 1);
	if (!b || b->kind == MARKUP_BLANK) return 0;
	int parted = p && p->kind == MARKUP_BLANK;
	if (parted) p = markup_at(m, i - 2);
	if (!p || p->kind == MARKUP_HEADING) return 0;
	return parted || p->kind != b->kind || (b->kind != MARKUP_ITEM && b->kind != MARKUP_VERBATIM);
}

void markup_free(markup *m)
{
	if (!m) return;
	for (size_t i = 0; i < m->n; i++) free(m->v[i].text);
	free(m->v);
	free(m);
}
