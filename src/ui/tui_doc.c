/*
 * tui_doc.c: documents, the TUI's wrapped text (doc_* for a document,
 * tline_* for one of its styled lines). A document is a list of styled
 * lines already wrapped to a width; the lesson pane, the help and the
 * course menu are documents, so scrolling is just picking a first line.
 * Prose comes in as paragraphs (doc_paras) or as a text body laid out from
 * the engine's markup blocks and spacing rule (doc_text, engine/markup.h);
 * code as a highlighted listing (doc_code: Python and Lua).
 */
#include "ui/tui_int.h"
#include "engine/markup.h"
#include "util/xmalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- documents -------------------------------------------------------------------- */

void doc_init(tdoc *d, int width)
{
	memset(d, 0, sizeof *d);
	d->width = width > 1 ? width : 1;
	d->focus = -1;
}

void tline_free(tline *l)
{
	free(l->buf);
	free(l->sp);
	memset(l, 0, sizeof *l);
}

void tline_clear(tline *l)
{
	l->len = 0;
	l->nsp = 0;
	if (l->buf) l->buf[0] = '\0';
}

void doc_reset(tdoc *d, int width)
{
	for (size_t i = 0; i < d->n; i++) tline_free(&d->v[i]);
	d->n = 0;
	d->tag = 0;
	d->focus = -1;
	d->width = width > 1 ? width : 1;
}

void doc_free(tdoc *d)
{
	doc_reset(d, 1);
	free(d->v);
	memset(d, 0, sizeof *d);
}

tline *doc_line(tdoc *d)
{
	d->v = xgrow(d->v, &d->cap, d->n + 1, sizeof *d->v);
	tline *l = &d->v[d->n++];
	memset(l, 0, sizeof *l);
	l->tag = d->tag;
	return l;
}

/* Takes over src's storage as the document's next line. */
static void doc_push(tdoc *d, tline *src)
{
	tline *l = doc_line(d);
	int tag = l->tag;
	*l = *src;
	l->tag = tag;
	memset(src, 0, sizeof *src);
}

void doc_blank(tdoc *d) { doc_line(d); }

void tline_add(tline *l, int role, const char *s, size_t n)
{
	if (!n) return;
	size_t an;
	char *as = tui_ascii(s, n, &an);   /* outside UTF-8: measured as drawn */
	if (as) {
		tline_add(l, role, as, an);
		free(as);
		return;
	}
	l->buf = xgrow(l->buf, &l->cap, l->len + n + 1, 1);
	memcpy(l->buf + l->len, s, n);
	if (l->nsp && l->sp[l->nsp - 1].role == role &&
	    (size_t)(l->sp[l->nsp - 1].off + l->sp[l->nsp - 1].len) == l->len) {
		l->sp[l->nsp - 1].len += (int)n;
	} else {
		l->sp = xgrow(l->sp, &l->capsp, l->nsp + 1, sizeof *l->sp);
		l->sp[l->nsp++] = (tspan){ (unsigned char)role, (int)l->len, (int)n };
	}
	l->len += n;
	l->buf[l->len] = '\0';
}

void tline_adds(tline *l, int role, const char *s) { tline_add(l, role, s, strlen(s)); }

void tline_addf(tline *l, int role, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	tline_adds(l, role, s);
	free(s);
}

int tline_width(const tline *l) { return utf8_width(l->buf ? l->buf : "", l->len); }

static void line_copy(tline *dst, const tline *src)
{
	tline_clear(dst);
	if (!src) return;
	for (size_t i = 0; i < src->nsp; i++)
		tline_add(dst, src->sp[i].role, src->buf + src->sp[i].off, (size_t)src->sp[i].len);
}

/* Moves the bytes of l from off on to the end of tail, truncating l. */
static void line_cut(tline *l, size_t off, size_t skip, tline *tail)
{
	for (size_t i = 0; i < l->nsp; i++) {
		size_t a = (size_t)l->sp[i].off, b = a + (size_t)l->sp[i].len;
		size_t from = off + skip > a ? off + skip : a;
		if (from < b) tline_add(tail, l->sp[i].role, l->buf + from, b - from);
	}
	size_t k = 0;
	for (size_t i = 0; i < l->nsp; i++) {
		size_t a = (size_t)l->sp[i].off;
		if (a >= off) break;
		if (a + (size_t)l->sp[i].len > off) l->sp[i].len = (int)(off - a);
		k = i + 1;
	}
	l->nsp = k;
	l->len = off;
	if (l->buf) l->buf[off] = '\0';
}

/* Whether the word that a break at out's byte from would start is closing
 * punctuation only (markup_closing): out's bytes from there on, then src's
 * from span si, byte i (past its spaces when out gives none), up to a
 * space or the end. */
static int closes_alone(const tline *out, size_t from, const tline *src, size_t si, size_t i)
{
	char w[32];
	size_t n = 0;
	for (size_t k = from; k < out->len; k++) {
		if (n == sizeof w) return 0;
		w[n++] = out->buf[k];
	}
	for (; !n && si < src->nsp; si++, i = 0) {   /* the spaces before the word */
		const char *s = src->buf + src->sp[si].off;
		while (i < (size_t)src->sp[si].len && s[i] == ' ') i++;
		if (i < (size_t)src->sp[si].len) break;
	}
	for (; si < src->nsp; si++, i = 0) {
		const char *s = src->buf + src->sp[si].off;
		for (; i < (size_t)src->sp[si].len && s[i] != ' '; i++) {
			if (n == sizeof w) return 0;
			w[n++] = s[i];
		}
		if (i < (size_t)src->sp[si].len) break;   /* at a space */
	}
	return n && markup_closing(w, n);
}

/* The line out ends at byte cut: it goes into d, and the bytes after
 * cut + skip follow pre2 on the next one (from its byte *base on).
 * Returns the new line's width. */
static int flow_break(tdoc *d, tline *out, size_t cut, size_t skip, const tline *pre2, size_t *base)
{
	tline tail = { 0 };
	line_cut(out, cut, skip, &tail);
	doc_push(d, out);
	line_copy(out, pre2);
	*base = out->len;
	for (size_t k = 0; k < tail.nsp; k++)
		tline_add(out, tail.sp[k].role, tail.buf + tail.sp[k].off, (size_t)tail.sp[k].len);
	tline_free(&tail);
	return tline_width(out);
}

/* Where a word too long for a line is best broken, as a person would:
 * after a ".", "/", "_", "-" or "," inside it, or before a "(" (so
 * "concurrent.futures." / "ProcessPoolExecutor" / "(max_workers=2)"), the
 * last such place on the line; out->len (break at the edge) when the word
 * has none, or only in its first two characters. */
static size_t soft_break(const tline *out, int precol)
{
	size_t start = out->len;
	while (start > 0 && out->buf[start - 1] != ' ') start--;
	if (utf8_width(out->buf, start) < precol) {   /* the word starts inside the indentation */
		start = 0;
		while (start < out->len && utf8_width(out->buf, start) < precol) start++;
	}
	for (size_t c = out->len; c > start + 2; c--) {
		char x = out->buf[c - 1];
		if (x == '.' || x == '/' || x == '_' || x == '-' || x == ',') return c;
		if (x == '(') return c - 1;
	}
	return out->len;
}

/* Where a line broken inside a word ends, so that what goes on to the next
 * line is not closing punctuation alone: before the last characters of
 * the word (never into the line's indentation). */
static size_t keep_with_word(const tline *out, int precol, const tline *src, size_t si, size_t i)
{
	size_t cut = out->len;
	while (closes_alone(out, cut, src, si, i)) {
		size_t c = cut;
		while (c > 0 && ((unsigned char)out->buf[c - 1] & 0xC0) == 0x80) c--;   /* back one character */
		if (c == 0 || out->buf[c - 1] == ' ' || utf8_width(out->buf, c - 1) <= precol) return out->len;
		cut = c - 1;
	}
	return cut;
}

void doc_flow(tdoc *d, const tline *src, const tline *pre1, const tline *pre2, int words)
{
	int W = d->width;
	tline out = { 0 };
	line_copy(&out, pre1);
	int precol = tline_width(&out), col = precol;
	int pre2w = pre2 ? tline_width(pre2) : 0;
	long brk = -1, prev = -1;   /* byte offsets in out of its last space after its text began, and of the space before its last word */
	int first = 1, text = 0;   /* text: out has more than its indentation */
	for (size_t si = 0; si < src->nsp; si++) {
		const char *s = src->buf + src->sp[si].off;
		size_t n = (size_t)src->sp[si].len, i = 0, adv;
		int role = src->sp[si].role;
		while (i < n) {
			int cw = utf8_char(s + i, n - i, &adv);
			int space = words && s[i] == ' ';
			if (space) {
				if (col == precol && !first) { i += adv; continue; }   /* no leading blanks */
				long at = out.len && out.buf[out.len - 1] == ' ' ? prev : brk;   /* the space before the last word */
				if (col + 1 > W && at >= 0 && closes_alone(&out, out.len, src, si, i + adv)) {
					/* what follows is ")." alone: the word before goes on with it */
					size_t base;
					col = flow_break(d, &out, (size_t)at, 1, pre2, &base);
					precol = pre2w;
					brk = brk > at ? (long)base + (brk - at - 1) : -1;
					prev = -1;
					first = 0;
					text = col > precol;
				}
				if (col + 1 > W) {   /* the break itself */
					doc_push(d, &out);
					line_copy(&out, pre2);
					precol = col = pre2w;
					brk = prev = -1;
					first = text = 0;
					i += adv;
					continue;
				}
				if (text) {   /* never inside a line's indentation; prev: the space before the last word */
					if (out.len && out.buf[out.len - 1] != ' ') prev = brk;
					brk = (long)out.len;
				}
			} else if (col + cw > W && col > precol) {
				size_t cut = out.len, skip = 0;
				long keep = -1;   /* where brk lands on the new line */
				if (words && brk >= 0) {
					cut = (size_t)brk;
					skip = 1;
					if (prev >= 0 && closes_alone(&out, (size_t)brk + 1, src, si, i)) {   /* ")." alone: its word along */
						cut = (size_t)prev;
						keep = brk - prev - 1;
					}
				} else {
					cut = soft_break(&out, precol);
					if (cut == out.len) cut = keep_with_word(&out, precol, src, si, i);
				}
				size_t base;
				col = flow_break(d, &out, cut, skip, pre2, &base);
				precol = pre2w;
				brk = keep >= 0 ? (long)(base + (size_t)keep) : -1;
				prev = -1;
				first = 0;
				text = col > precol;
			}
			if (!space && s[i] != ' ') text = 1;
			tline_add(&out, role, s + i, adv);
			col += cw;
			i += adv;
		}
	}
	doc_push(d, &out);
}

/* A paragraph from a C string: no caller counts its bytes. */
void doc_lesson_paras(tdoc *d, int role, const char *s, const char *pre1, const char *pre2, int prerole)
{
	char *shown = markup_shown(s, MARKUP_SCREEN);
	doc_paras(d, role, shown, pre1, pre2, prerole);
	free(shown);
}

void doc_paras(tdoc *d, int role, const char *s, const char *pre1, const char *pre2, int prerole)
{
	size_t n = strlen(s);
	tline src = { 0 }, p1 = { 0 }, p2 = { 0 };
	/* Newlines inside a paragraph are spaces; runs of blanks collapse. */
	char *tmp = xmalloc(n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i] == '\n' || s[i] == '\t' ? ' ' : s[i];
		if (c == ' ' && (o == 0 || tmp[o - 1] == ' ')) continue;
		tmp[o++] = c;
	}
	while (o && tmp[o - 1] == ' ') o--;
	tline_add(&src, role, tmp, o);
	free(tmp);
	if (pre1) tline_adds(&p1, prerole, pre1);
	if (pre2) tline_adds(&p2, prerole, pre2);
	doc_flow(d, &src, &p1, &p2, 1);
	tline_free(&src);
	tline_free(&p1);
	tline_free(&p2);
}


void doc_draw(const tdoc *d, WINDOW *w, int y0, int h, int top)
{
	for (int r = 0; r < h; r++) {
		wmove(w, y0 + r, 0);
		wclrtoeol(w);
		size_t i = (size_t)top + (size_t)r;
		if (top < 0 || i >= d->n) continue;
		const tline *l = &d->v[i];
		int x = 0;
		for (size_t k = 0; k < l->nsp && x < d->width; k++)
			x += tui_put(w, y0 + r, x, d->width - x, tui_attr(l->sp[k].role),
				     l->buf + l->sp[k].off, (size_t)l->sp[k].len);
	}
}

/* ---- prose ----------------------------------------------------------------------------- */

/* Verbatim: kept as written (tabs as four spaces), broken only at the edge. */
static void verbatim(tdoc *d, const char *text)
{
	tline src = { 0 }, pre = { 0 };
	for (const char *c = text; *c; c++) {
		if (*c == '\t') tline_adds(&src, R_CODE, "    ");
		else tline_add(&src, R_CODE, c, 1);
	}
	tline_adds(&pre, R_DIM, "  ");
	doc_flow(d, &src, NULL, &pre, 0);
	tline_free(&src);
	tline_free(&pre);
}

/* One block of a text body, without the space around it. */
static void text_block(tdoc *d, const markup_block *b)
{
	char bullet[16];
	switch (b->kind) {
	case MARKUP_VERBATIM: verbatim(d, b->text); break;
	case MARKUP_HEADING: doc_paras(d, R_HEAD, b->text, NULL, NULL, R_HEAD); break;
	case MARKUP_ITEM:
		snprintf(bullet, sizeof bullet, " %s ", tui_glyph.bullet);
		doc_paras(d, R_TEXT, b->text, bullet, "   ", R_BOX);
		break;
	case MARKUP_PARAGRAPH: doc_paras(d, R_TEXT, b->text, NULL, NULL, R_TEXT); break;
	case MARKUP_BLANK: break;   /* gap_before spaces the blocks */
	}
}

/* A text body (a text step, a run's note, an explanation) as the engine's
 * markup blocks lay it out. */
void doc_text(tdoc *d, const char *body)
{
	markup *m = markup_parse_for(body, MARKUP_SCREEN);
	for (int i = 0; i < markup_count(m); i++) {
		const markup_block *b = markup_at(m, i);
		if (b->kind == MARKUP_BLANK) continue;
		if (markup_gap_before(m, i)) doc_blank(d);
		text_block(d, b);
	}
	markup_free(m);
}

/* ---- code ------------------------------------------------------------------------------- */

typedef struct {
	int in;       /* 0 code, 1 Python triple string, 2 Lua long string, 3 Lua long comment */
	char q;       /* Python: the quote of the triple */
	int level;    /* Lua: the number of '=' */
} hl_state;

static const char *py_kw[] = {
	"False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
	"continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
	"if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
	"return", "try", "while", "with", "yield", "match", "case", NULL,
};
static const char *lua_kw[] = {
	"and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
	"in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while", NULL,
};

static int is_kw(const char **kw, const char *s, size_t n)
{
	for (; *kw; kw++)
		if (strlen(*kw) == n && !memcmp(*kw, s, n)) return 1;
	return 0;
}

static int ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       (unsigned char)c >= 0x80;
}

/* Lua long bracket at s: "[[" or "[==[": returns its level, -1 if none. */
static int lua_long_open(const char *s, size_t n)
{
	if (!n || s[0] != '[') return -1;
	size_t i = 1;
	while (i < n && s[i] == '=') i++;
	return (i < n && s[i] == '[') ? (int)(i - 1) : -1;
}

/* Finds the closing "]==]" of the given level in s; returns the index just
 * past it, or n when the line ends first. */
static size_t lua_long_close(const char *s, size_t n, int level, int *closed)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != ']') continue;
		size_t j = i + 1;
		int eq = 0;
		while (j < n && s[j] == '=') { j++; eq++; }
		if (eq == level && j < n && s[j] == ']') { *closed = 1; return j + 1; }
	}
	*closed = 0;
	return n;
}

static void hl_line(tline *out, const char *s, size_t n, int lua, hl_state *st)
{
	const char **kw = lua ? lua_kw : py_kw;
	size_t i = 0;
	while (i < n) {
		if (st->in == 1) {   /* inside a Python triple-quoted string */
			size_t j = i;
			int closed = 0;
			while (j < n) {
				if (s[j] == '\\' && j + 1 < n) { j += 2; continue; }
				if (s[j] == st->q && j + 2 < n && s[j + 1] == st->q && s[j + 2] == st->q) {
					j += 3;
					closed = 1;
					break;
				}
				j++;
			}
			tline_add(out, R_STR, s + i, j - i);
			if (closed) st->in = 0;
			i = j;
			continue;
		}
		if (st->in == 2 || st->in == 3) {   /* inside a Lua long string or comment */
			int closed;
			size_t j = lua_long_close(s + i, n - i, st->level, &closed) + i;
			tline_add(out, st->in == 2 ? R_STR : R_COMMENT, s + i, j - i);
			if (closed) st->in = 0;
			i = j;
			continue;
		}
		char c = s[i];
		/* comments */
		if ((!lua && c == '#') || (lua && c == '-' && i + 1 < n && s[i + 1] == '-')) {
			int lv;
			if (lua && (lv = lua_long_open(s + i + 2, n - i - 2)) >= 0) {
				st->in = 3;
				st->level = lv;
				size_t open = 2 + (size_t)lv + 2;
				tline_add(out, R_COMMENT, s + i, open);
				i += open;
				continue;
			}
			tline_add(out, R_COMMENT, s + i, n - i);
			break;
		}
		/* strings */
		if (lua && c == '[') {
			int lv = lua_long_open(s + i, n - i);
			if (lv >= 0) {
				st->in = 2;
				st->level = lv;
				size_t open = (size_t)lv + 2;
				tline_add(out, R_STR, s + i, open);
				i += open;
				continue;
			}
		}
		if (c == '"' || c == '\'') {
			if (!lua && i + 2 < n && s[i + 1] == c && s[i + 2] == c) {
				st->in = 1;
				st->q = c;
				tline_add(out, R_STR, s + i, 3);
				i += 3;
				continue;
			}
			size_t j = i + 1;
			while (j < n && s[j] != c) j += (s[j] == '\\' && j + 1 < n) ? 2 : 1;
			if (j < n) j++;
			tline_add(out, R_STR, s + i, j - i);
			i = j;
			continue;
		}
		/* numbers */
		if ((c >= '0' && c <= '9') || (c == '.' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9')) {
			size_t j = i + 1;
			while (j < n && (ident_char(s[j]) || s[j] == '.')) j++;
			tline_add(out, R_NUM, s + i, j - i);
			i = j;
			continue;
		}
		/* names */
		if (ident_char(c)) {
			size_t j = i + 1;
			while (j < n && ident_char(s[j])) j++;
			tline_add(out, is_kw(kw, s + i, j - i) ? R_KW : R_CODE, s + i, j - i);
			i = j;
			continue;
		}
		if (!lua && c == '@') {   /* decorators */
			size_t j = i + 1;
			while (j < n && (ident_char(s[j]) || s[j] == '.')) j++;
			tline_add(out, R_KW, s + i, j - i);
			i = j;
			continue;
		}
		tline_add(out, R_CODE, s + i, 1);
		i++;
	}
}

void doc_code(tdoc *d, const char *title, const char *lang, const char *src)
{
	int hl = lang && (!strcmp(lang, "python") || !strcmp(lang, "lua"));
	int lua = hl && !strcmp(lang, "lua");
	src = src ? src : "";
	int nlines = 0;
	for (const char *p = src; *p; p++) if (*p == '\n') nlines++;
	if (*src && src[strlen(src) - 1] != '\n') nlines++;
	int nd = 2;
	for (int v = nlines; v >= 100; v /= 10) nd++;

	/* ── example1.py · python ──────── */
	tline *h = doc_line(d);
	tline_adds(h, R_BOX, tui_glyph.hline);
	tline_adds(h, R_BOX, " ");
	tline_adds(h, R_BOXTITLE, title ? title : "listing");
	if (lang && strcmp(lang, "text")) tline_addf(h, R_DIM, " (%s)", lang);
	tline_adds(h, R_BOX, " ");
	for (int w = tline_width(h); w < d->width; w++) tline_adds(h, R_BOX, tui_glyph.hline);

	hl_state st = { 0, 0, 0 };
	int no = 1;
	tline pre1 = { 0 }, pre2 = { 0 }, body = { 0 };
	for (const char *p = src; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		tline_clear(&pre1);
		tline_clear(&pre2);
		tline_clear(&body);
		tline_addf(&pre1, R_LINENO, "%*d ", nd, no++);
		tline_adds(&pre1, R_SEP, tui_glyph.vline);
		tline_adds(&pre1, R_CODE, " ");
		tline_addf(&pre2, R_LINENO, "%*s ", nd, "");
		tline_adds(&pre2, R_SEP, tui_glyph.vline);
		tline_adds(&pre2, R_LINENO, tui_glyph.cont);
		/* Tabs become four spaces before highlighting. */
		char *exp = xmalloc(len * 4 + 1);
		size_t o = 0;
		for (size_t i = 0; i < len; i++) {
			if (p[i] == '\t') { memcpy(exp + o, "    ", 4); o += 4; }
			else if (p[i] != '\r') exp[o++] = p[i];
		}
		if (hl) hl_line(&body, exp, o, lua, &st);
		else tline_add(&body, R_CODE, exp, o);
		free(exp);
		doc_flow(d, &body, &pre1, &pre2, 1);   /* at a space where one is near the edge, as an editor wraps */
		if (!eol) break;
		p = eol + 1;
	}
	tline_free(&pre1);
	tline_free(&pre2);
	tline_free(&body);
	tline *f = doc_line(d);
	for (int w = 0; w < d->width; w++) tline_adds(f, R_BOX, tui_glyph.hline);
}
