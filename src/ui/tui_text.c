/*
 * tui_text.c: the TUI's drawing vocabulary. It owns
 *   - the theme: semantic roles (R_*) mapped to colours, or under NO_COLOR
 *     to attributes only (tui_theme_init, tui_attr, tui_task_role);
 *   - the glyphs, with ASCII stand-ins outside UTF-8 locales (tui_glyph);
 *   - width-aware drawing (tui_put, tui_puts, tui_puts_ell, tui_fill),
 *     measured by util/utf8.c so that wide and combining characters wrap
 *     and truncate right, and what cannot be drawn shows as '?';
 *   - documents (doc_*, line_*): lists of styled lines already wrapped to a
 *     width. The lesson pane, the help and the lesson list are documents,
 *     so scrolling is just picking a first line. Prose comes in as
 *     paragraphs (doc_paras) or as a text body laid out from the engine's
 *     markup blocks (doc_text, engine/markup.h); code as a highlighted
 *     listing (doc_code: Python and Lua).
 * The doc_* and line_* names predate the module prefixes; they stay for now.
 */
#include "ui/tui_int.h"
#include "engine/markup.h"
#include "util/xmalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- theme ---------------------------------------------------------------- */

static attr_t roles[R_NROLES];
static int use_colour;

int tui_colour(void) { return use_colour; }

/* Pair n is fg on the terminal's own background. */
static attr_t pair(short n, short fg, short bg)
{
	init_pair(n, fg, bg);
	return COLOR_PAIR(n);
}

void tui_theme_init(int colour)
{
	use_colour = colour && has_colors();
	for (int i = 0; i < R_NROLES; i++) roles[i] = A_NORMAL;
	roles[R_DIM] = A_DIM;
	roles[R_BOLD] = A_BOLD;
	roles[R_LINENO] = A_DIM;
	roles[R_COMMENT] = A_DIM;
	roles[R_IDLE] = A_DIM;
	roles[R_SEP] = A_DIM;
	roles[R_RULE] = A_DIM;
	roles[R_RULE_TITLE] = A_BOLD;
	roles[R_PARLAB] = A_DIM;
	if (!use_colour) {
		/* NO_COLOR or a monochrome terminal: attributes carry the meaning. */
		roles[R_HEAD] = A_BOLD | A_UNDERLINE;
		roles[R_KW] = A_BOLD;
		roles[R_BOX] = A_NORMAL;
		roles[R_BOXTITLE] = A_BOLD;
		roles[R_OK] = A_BOLD;
		roles[R_ERR] = A_BOLD | A_REVERSE;
		roles[R_KEY] = A_BOLD;
		roles[R_HEADER] = A_REVERSE | A_BOLD;
		roles[R_HEADER_DIM] = A_REVERSE;
		roles[R_STATUS] = A_NORMAL;
		roles[R_PROMPT] = A_BOLD;
		roles[R_HINT] = A_UNDERLINE;
		roles[R_CUR] = A_BOLD | A_REVERSE;
		roles[R_FOCUS] = A_BOLD | A_REVERSE;
		roles[R_FOCUS_RULE] = A_BOLD;
		for (int i = 0; i < TUI_NWCOL; i++) roles[R_WORKER + i] = A_NORMAL;
		return;
	}
	start_color();
	short bg = -1;
	if (use_default_colors() == ERR) bg = COLOR_BLACK;
	static const short wcol[TUI_NWCOL] = {
		COLOR_CYAN, COLOR_GREEN, COLOR_YELLOW, COLOR_MAGENTA, COLOR_BLUE, COLOR_RED,
	};
	short n = 1;
	for (int i = 0; i < TUI_NWCOL; i++) roles[R_WORKER + i] = pair(n++, wcol[i], bg);
	roles[R_HEAD] = pair(n++, COLOR_CYAN, bg) | A_BOLD;
	roles[R_KW] = pair(n++, COLOR_MAGENTA, bg) | A_BOLD;
	roles[R_STR] = pair(n++, COLOR_GREEN, bg);
	roles[R_NUM] = pair(n++, COLOR_CYAN, bg);
	roles[R_COMMENT] = pair(n++, COLOR_BLUE, bg) | A_BOLD;
	roles[R_BOX] = pair(n++, COLOR_YELLOW, bg);
	roles[R_BOXTITLE] = roles[R_BOX] | A_BOLD;
	roles[R_OK] = pair(n++, COLOR_GREEN, bg) | A_BOLD;
	roles[R_ERR] = pair(n++, COLOR_RED, bg) | A_BOLD;
	roles[R_HINT] = pair(n++, COLOR_YELLOW, bg);
	roles[R_KEY] = A_BOLD;
	roles[R_HEADER] = pair(n++, COLOR_WHITE, COLOR_BLUE) | A_BOLD;
	roles[R_HEADER_DIM] = PAIR_NUMBER(roles[R_HEADER]) ? COLOR_PAIR(PAIR_NUMBER(roles[R_HEADER])) : 0;
	roles[R_STATUS] = A_NORMAL;
	roles[R_PROMPT] = pair(n++, COLOR_GREEN, bg) | A_BOLD;
	roles[R_CUR] = pair(n++, COLOR_BLACK, COLOR_CYAN);
	roles[R_PARLAB] = pair(n++, COLOR_MAGENTA, bg);
	roles[R_SEP] = pair(n++, COLOR_BLUE, bg);
	roles[R_RULE] = roles[R_SEP];
	roles[R_RULE_TITLE] = pair(n++, COLOR_WHITE, bg) | A_BOLD;
	roles[R_FOCUS] = pair(n++, COLOR_BLACK, COLOR_CYAN) | A_BOLD;
	roles[R_FOCUS_RULE] = pair(n++, COLOR_CYAN, bg) | A_BOLD;
}

attr_t tui_attr(int role)
{
	return (role >= 0 && role < R_NROLES) ? roles[role] : A_NORMAL;
}

int tui_task_role(const trace_task *k, int index)
{
	int w = k && k->worker >= 0 ? k->worker : index;
	if (w < 0) w = 0;
	return R_WORKER + w % TUI_NWCOL;
}

/* ---- glyphs ------------------------------------------------------------------ */

tui_glyphs tui_glyph;

void tui_glyphs_init(int utf8)
{
	if (utf8)
		tui_glyph = (tui_glyphs){ "█", "░", "·", "×", "─", "│", "─", "…", "▲", "▼", "✓", "✗", "•",
				  "┌", "┐", "└", "┘", "↪", "▶", "↵", "·", "»",
				  { "─", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" } };
	else
		tui_glyph = (tui_glyphs){ "#", "+", ".", "x", "-", "|", "-", "~", "^", "v", "+", "x", "*",
				  "+", "+", "+", "+", ">", ">", "/", "-", ">",
				  { "-", "_", "_", "=", "=", "#", "#", "#", "#" } };
}

/* ---- width-aware text ---------------------------------------------------------- */

/* Measured by util/utf8; what cannot be drawn as it is (a control, an
 * invalid byte: one column each) is drawn as '?'. */
int tui_put(WINDOW *w, int y, int x, int maxw, attr_t a, const char *s, size_t n)
{
	if (!w || maxw <= 0) return 0;
	if (y >= 0 && wmove(w, y, x) == ERR) return 0;
	wattrset(w, a);
	int used = 0;
	size_t i = 0, adv;
	while (i < n) {
		int cw = utf8_char(s + i, n - i, &adv);
		if (used + cw > maxw) break;
		if (utf8_printable(s + i, adv)) waddnstr(w, s + i, (int)adv);
		else waddch(w, '?');
		used += cw;
		i += adv;
	}
	wattrset(w, A_NORMAL);
	return used;
}

int tui_puts(WINDOW *w, int y, int x, int maxw, attr_t a, const char *s)
{
	return tui_put(w, y, x, maxw, a, s, strlen(s));
}

int tui_puts_ell(WINDOW *w, int y, int x, int maxw, attr_t a, const char *s)
{
	size_t n = strlen(s);
	if (utf8_width(s, n) <= maxw || maxw < 2) return tui_put(w, y, x, maxw, a, s, n);
	int used = tui_put(w, y, x, maxw - 1, a, s, utf8_fit(s, n, maxw - 1));
	return used + tui_puts(w, -1, 0, 1, a, tui_glyph.ellipsis);
}

void tui_fill(WINDOW *w, int y, int x, int n, attr_t a, const char *glyph)
{
	if (n <= 0) return;
	if (y >= 0 && wmove(w, y, x) == ERR) return;
	wattrset(w, a);
	size_t gl = strlen(glyph);
	for (int i = 0; i < n; i++) waddnstr(w, glyph, (int)gl);
	wattrset(w, A_NORMAL);
}

/* ---- documents -------------------------------------------------------------------- */

void doc_init(tdoc *d, int width)
{
	memset(d, 0, sizeof *d);
	d->width = width > 1 ? width : 1;
	d->focus = -1;
}

void line_free(tline *l)
{
	free(l->buf);
	free(l->sp);
	memset(l, 0, sizeof *l);
}

void line_clear(tline *l)
{
	l->len = 0;
	l->nsp = 0;
	if (l->buf) l->buf[0] = '\0';
}

void doc_reset(tdoc *d, int width)
{
	for (size_t i = 0; i < d->n; i++) line_free(&d->v[i]);
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

void line_add(tline *l, int role, const char *s, size_t n)
{
	if (!n) return;
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

void line_adds(tline *l, int role, const char *s) { line_add(l, role, s, strlen(s)); }

void line_addf(tline *l, int role, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	line_adds(l, role, s);
	free(s);
}

int line_width(const tline *l) { return utf8_width(l->buf ? l->buf : "", l->len); }

static void line_copy(tline *dst, const tline *src)
{
	line_clear(dst);
	if (!src) return;
	for (size_t i = 0; i < src->nsp; i++)
		line_add(dst, src->sp[i].role, src->buf + src->sp[i].off, (size_t)src->sp[i].len);
}

/* Moves the bytes of l from off on to the end of tail, truncating l. */
static void line_cut(tline *l, size_t off, size_t skip, tline *tail)
{
	for (size_t i = 0; i < l->nsp; i++) {
		size_t a = (size_t)l->sp[i].off, b = a + (size_t)l->sp[i].len;
		size_t from = off + skip > a ? off + skip : a;
		if (from < b) line_add(tail, l->sp[i].role, l->buf + from, b - from);
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

void doc_flow(tdoc *d, const tline *src, const tline *pre1, const tline *pre2, int words)
{
	int W = d->width;
	tline out = { 0 };
	line_copy(&out, pre1);
	int precol = line_width(&out), col = precol;
	int pre2w = pre2 ? line_width(pre2) : 0;
	long brk = -1;        /* byte offset of the last space in out */
	int first = 1;
	for (size_t si = 0; si < src->nsp; si++) {
		const char *s = src->buf + src->sp[si].off;
		size_t n = (size_t)src->sp[si].len, i = 0, adv;
		int role = src->sp[si].role;
		while (i < n) {
			int cw = utf8_char(s + i, n - i, &adv);
			int space = words && s[i] == ' ';
			if (space) {
				if (col == precol && !first) { i += adv; continue; }   /* no leading blanks */
				if (col + 1 > W) {   /* the break itself */
					doc_push(d, &out);
					line_copy(&out, pre2);
					precol = col = pre2w;
					brk = -1;
					first = 0;
					i += adv;
					continue;
				}
				brk = (long)out.len;
			} else if (col + cw > W && col > precol) {
				tline tail = { 0 };
				if (words && brk >= 0) line_cut(&out, (size_t)brk, 1, &tail);
				doc_push(d, &out);
				line_copy(&out, pre2);
				precol = pre2w;
				for (size_t k = 0; k < tail.nsp; k++)
					line_add(&out, tail.sp[k].role, tail.buf + tail.sp[k].off, (size_t)tail.sp[k].len);
				line_free(&tail);
				col = line_width(&out);
				brk = -1;
				first = 0;
			}
			line_add(&out, role, s + i, adv);
			col += cw;
			i += adv;
		}
	}
	doc_push(d, &out);
}

/* A paragraph from a C string: no caller counts its bytes. */
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
	line_add(&src, role, tmp, o);
	free(tmp);
	if (pre1) line_adds(&p1, prerole, pre1);
	if (pre2) line_adds(&p2, prerole, pre2);
	doc_flow(d, &src, &p1, &p2, 1);
	line_free(&src);
	line_free(&p1);
	line_free(&p2);
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
		if (*c == '\t') line_adds(&src, R_CODE, "    ");
		else line_add(&src, R_CODE, c, 1);
	}
	line_adds(&pre, R_DIM, "  ");
	doc_flow(d, &src, NULL, &pre, 0);
	line_free(&src);
	line_free(&pre);
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
	markup *m = markup_parse(body);
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
			line_add(out, R_STR, s + i, j - i);
			if (closed) st->in = 0;
			i = j;
			continue;
		}
		if (st->in == 2 || st->in == 3) {   /* inside a Lua long string or comment */
			int closed;
			size_t j = lua_long_close(s + i, n - i, st->level, &closed) + i;
			line_add(out, st->in == 2 ? R_STR : R_COMMENT, s + i, j - i);
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
				line_add(out, R_COMMENT, s + i, open);
				i += open;
				continue;
			}
			line_add(out, R_COMMENT, s + i, n - i);
			break;
		}
		/* strings */
		if (lua && c == '[') {
			int lv = lua_long_open(s + i, n - i);
			if (lv >= 0) {
				st->in = 2;
				st->level = lv;
				size_t open = (size_t)lv + 2;
				line_add(out, R_STR, s + i, open);
				i += open;
				continue;
			}
		}
		if (c == '"' || c == '\'') {
			if (!lua && i + 2 < n && s[i + 1] == c && s[i + 2] == c) {
				st->in = 1;
				st->q = c;
				line_add(out, R_STR, s + i, 3);
				i += 3;
				continue;
			}
			size_t j = i + 1;
			while (j < n && s[j] != c) j += (s[j] == '\\' && j + 1 < n) ? 2 : 1;
			if (j < n) j++;
			line_add(out, R_STR, s + i, j - i);
			i = j;
			continue;
		}
		/* numbers */
		if ((c >= '0' && c <= '9') || (c == '.' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9')) {
			size_t j = i + 1;
			while (j < n && (ident_char(s[j]) || s[j] == '.')) j++;
			line_add(out, R_NUM, s + i, j - i);
			i = j;
			continue;
		}
		/* names */
		if (ident_char(c)) {
			size_t j = i + 1;
			while (j < n && ident_char(s[j])) j++;
			line_add(out, is_kw(kw, s + i, j - i) ? R_KW : R_CODE, s + i, j - i);
			i = j;
			continue;
		}
		if (!lua && c == '@') {   /* decorators */
			size_t j = i + 1;
			while (j < n && (ident_char(s[j]) || s[j] == '.')) j++;
			line_add(out, R_KW, s + i, j - i);
			i = j;
			continue;
		}
		line_add(out, R_CODE, s + i, 1);
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
	line_adds(h, R_BOX, tui_glyph.hline);
	line_adds(h, R_BOX, " ");
	line_adds(h, R_BOXTITLE, title ? title : "listing");
	if (lang && strcmp(lang, "text")) line_addf(h, R_DIM, " (%s)", lang);
	line_adds(h, R_BOX, " ");
	for (int w = line_width(h); w < d->width; w++) line_adds(h, R_BOX, tui_glyph.hline);

	hl_state st = { 0, 0, 0 };
	int no = 1;
	tline pre1 = { 0 }, pre2 = { 0 }, body = { 0 };
	for (const char *p = src; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		line_clear(&pre1);
		line_clear(&pre2);
		line_clear(&body);
		line_addf(&pre1, R_LINENO, "%*d ", nd, no++);
		line_adds(&pre1, R_SEP, tui_glyph.vline);
		line_adds(&pre1, R_CODE, " ");
		line_addf(&pre2, R_LINENO, "%*s ", nd, "");
		line_adds(&pre2, R_SEP, tui_glyph.vline);
		line_adds(&pre2, R_LINENO, tui_glyph.cont);
		/* Tabs become four spaces before highlighting. */
		char *exp = xmalloc(len * 4 + 1);
		size_t o = 0;
		for (size_t i = 0; i < len; i++) {
			if (p[i] == '\t') { memcpy(exp + o, "    ", 4); o += 4; }
			else if (p[i] != '\r') exp[o++] = p[i];
		}
		if (hl) hl_line(&body, exp, o, lua, &st);
		else line_add(&body, R_CODE, exp, o);
		free(exp);
		doc_flow(d, &body, &pre1, &pre2, 0);
		if (!eol) break;
		p = eol + 1;
	}
	line_free(&pre1);
	line_free(&pre2);
	line_free(&body);
	tline *f = doc_line(d);
	for (int w = 0; w < d->width; w++) line_adds(f, R_BOX, tui_glyph.hline);
}
