/*
 * markup.c: a text step's body as blocks (paragraphs, headings, list items,
 * verbatim lines, blank lines between them), once its {screen: ...} and
 * {batch: ...} spans have been read for the medium it is shown in. The
 * rules are in markup.h and docs/lessons.md; the batch transcript and the
 * TUI both read the blocks, so they agree on what a paragraph and a blank
 * line are.
 */
#include "engine/markup.h"
#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>

struct markup {
	markup_block *v;
	size_t n, cap;
	char *err;      /* what is wrong with the spans, or NULL */
	int err_line;
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

/* ---- spans: {screen: ...} and {batch: ...} --------------------------------- */

/* "{word:" at p (n bytes): the word's length, 0 if p holds none. */
static size_t span_word(const char *p, size_t n)
{
	size_t i = 1;
	if (!n || p[0] != '{') return 0;
	while (i < n && ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z'))) i++;
	return i > 1 && i < n && p[i] == ':' ? i - 1 : 0;
}

/* The body as shown in medium: the lines that stay, each with a newline,
 * and in *lines the body's line each came from. NULL on an error
 * (m->err, m->err_line). See markup.h for the rules. */
static char *spans_read(markup *m, const char *body, markup_medium medium, int **lines)
{
	char *out = xmalloc(strlen(body) + 2);
	int *ln = NULL;
	size_t o = 0, nl = 0, capl = 0;
	int in = 0, shown = 1, depth = 0, open_line = 0, line = 1;
	const char *open_word = "";
	for (const char *p = body; *p; line++) {
		size_t len = line_len(p), start = o;
		int hidden_from_start = in && !shown, had = !is_blank(p, len);
		if (!in && had && starts(p, len, "  ")) {   /* verbatim: as written */
			memcpy(out + o, p, len);
			o += len;
		} else {
			for (size_t i = 0; i < len; i++) {
				size_t w = span_word(p + i, len - i);
				if (w) {
					const char *word = p + i + 1;
					if (in) {
						m->err = xasprintf("\"{%.*s:\" inside the {%s: span of line %d: spans do not nest",
								   (int)w, word, open_word, open_line);
						goto bad;
					}
					if (w == 6 && !memcmp(word, "screen", 6)) open_word = "screen", shown = medium == MARKUP_SCREEN;
					else if (w == 5 && !memcmp(word, "batch", 5)) open_word = "batch", shown = medium == MARKUP_BATCH;
					else {
						m->err = xasprintf("unknown markup \"{%.*s:\" (known: {screen: ...} and {batch: ...})",
								   (int)w, word);
						goto bad;
					}
					in = 1;
					depth = 0;
					open_line = line;
					i += w + 1;   /* at the ':'; a span that starts its line drops the spaces after it */
					if (is_blank(out + start, o - start))
						while (i + 1 < len && (p[i + 1] == ' ' || p[i + 1] == '\t')) i++;
					continue;
				}
				if (in && p[i] == '{') depth++;
				if (in && p[i] == '}') {
					if (!depth) { in = 0; shown = 1; continue; }   /* the span's own "}" */
					depth--;
				}
				if (shown) out[o++] = p[i];
			}
		}
		if ((had || (hidden_from_start && in && !shown)) && is_blank(out + start, o - start)) {
			o = start;   /* nothing left of it here: as if it were not there */
		} else {
			out[o++] = '\n';
			ln = xgrow(ln, &capl, nl + 1, sizeof *ln);
			ln[nl++] = line;
		}
		p = next_line(p, len);
		continue;
	bad:
		m->err_line = line;
		free(out);
		free(ln);
		return NULL;
	}
	if (in) {
		m->err = xasprintf("the {%s: span never closes: its \"}\" is missing", open_word);
		m->err_line = open_line;
		free(out);
		free(ln);
		return NULL;
	}
	out[o] = '\0';
	*lines = ln;
	return out;
}

/* ---- blocks ------------------------------------------------------------------- */

/* The blocks of text; its k-th line (from 0) is the body's line lines[k]
 * (lines NULL: k + 1). */
static void blocks_of(markup *m, const char *text, const int *lines)
{
	const char *p = text;
	int k = 0, blank = 0;   /* blank: the first line of a blank run after a block */
#define LINE(k) (lines ? lines[k] : (k) + 1)
	while (*p) {
		size_t len = line_len(p);
		const char *next = next_line(p, len);
		int start = LINE(k);
		k++;
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
				k++;
			}
			add(m, item ? MARKUP_ITEM : MARKUP_PARAGRAPH, join(from, (size_t)(next - from)), start);
		}
		p = next;
	}
#undef LINE
}

markup *markup_parse_for(const char *body, markup_medium medium)
{
	markup *m = xcalloc(1, sizeof *m);
	int *lines = NULL;
	char *text = spans_read(m, body ? body : "", medium, &lines);
	blocks_of(m, text ? text : body ? body : "", text ? lines : NULL);   /* bad markup: as written */
	free(text);
	free(lines);
	return m;
}

markup *markup_parse(const char *body) { return markup_parse_for(body, MARKUP_SCREEN); }

char *markup_shown(const char *body, markup_medium medium)
{
	markup m = { 0 };
	int *lines = NULL;
	char *text = spans_read(&m, body ? body : "", medium, &lines);
	free(lines);
	free(m.err);
	if (!text) return xstrdup(body ? body : "");   /* bad markup: as written */
	size_t n = strlen(text);
	if (n && text[n - 1] == '\n' && (!body || !*body || body[strlen(body) - 1] != '\n')) text[n - 1] = '\0';
	return text;
}

const char *markup_error(const markup *m, int *line)
{
	if (line) *line = m->err ? m->err_line : 0;
	return m->err;
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
	free(m->err);
	free(m);
}

int markup_closing(const char *s, size_t n)
{
	static const char *const multi[] = { "\u2026", "\u201d", "\u2019", "\u00bb", NULL };   /* … ” ’ » */
	if (!n) return 0;
	for (size_t i = 0; i < n;) {
		if (s[i] && strchr(")]}.,;:!?'\"", s[i])) { i++; continue; }
		size_t k = 0;
		for (const char *const *m = multi; *m; m++)
			if (n - i >= strlen(*m) && !memcmp(s + i, *m, strlen(*m))) k = strlen(*m);
		if (!k) return 0;
		i += k;
	}
	return 1;
}
