/*
 * tui_text.c: the TUI's drawing vocabulary. It owns
 *   - the theme: semantic roles (R_*) mapped to colours, or under NO_COLOR
 *     to attributes only (tui_theme_init, tui_attr), and a task's colour
 *     (tui_task_role: by order of appearance, the runner its own);
 *   - the glyphs, with ASCII forms outside UTF-8 locales (tui_glyph), and
 *     ASCII stand-ins there for other characters of the text (tui_ascii);
 *   - width-aware drawing (tui_put, tui_puts, tui_puts_ell, tui_fill),
 *     measured by util/utf8.c so that wide and combining characters wrap
 *     and truncate right, and what cannot be drawn shows as '?';
 * Documents (wrapped, styled lines) are tui_doc.c's.
 */
#include "ui/tui_int.h"
#include "util/xmalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- theme ---------------------------------------------------------------- */

static attr_t roles[R_NROLES];
static int use_colour, ncolours = 6;

int tui_ncolours(void) { return ncolours; }

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
		roles[R_COORD] = A_BOLD;
		roles[R_STEP] = A_BOLD | A_DIM;
		for (int i = 0; i < TUI_NWCOL; i++) roles[R_WORKER + i] = A_NORMAL;
		ncolours = 1;
		return;
	}
	start_color();
	short bg = -1;
	if (use_default_colors() == ERR) bg = COLOR_BLACK;
	/* Task colours. Eight colours: the six that are neither black nor
	 * white, magenta (the runner's) last and yellow (other programs') next
	 * to last, so that up to four lanes share neither; more lanes repeat
	 * them. 256 colours: twelve of
	 * the xterm palette, mid-bright so they read on dark and light
	 * backgrounds, neither magenta nor yellow, ordered so that the first
	 * few differ most: blue, orange, green, red, teal, violet, lime,
	 * rose, sky, brown, sea green, slate. */
	static const short wcol[6] = {
		COLOR_CYAN, COLOR_GREEN, COLOR_BLUE, COLOR_RED, COLOR_YELLOW, COLOR_MAGENTA,
	};
	static const short wcol256[TUI_NWCOL] = { 33, 166, 34, 160, 37, 99, 70, 168, 74, 130, 29, 61 };
	short n = 1;
	ncolours = COLORS >= 256 ? TUI_NWCOL : 6;
	for (int i = 0; i < TUI_NWCOL; i++)
		roles[R_WORKER + i] = pair(n++, ncolours == TUI_NWCOL ? wcol256[i] : wcol[i % 6], bg);
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
	roles[R_COORD] = pair(n++, COLOR_WHITE, COLOR_RED);
	roles[R_STEP] = pair(n++, COLOR_BLACK, COLOR_YELLOW);
}

attr_t tui_attr(int role)
{
	return (role >= 0 && role < R_NROLES) ? roles[role] : A_NORMAL;
}

int tui_task_role(const trace *tr, int index)
{
	int slot = tr ? view_task_slot(tr, index) : 0;
	if (slot < 0) return R_PARLAB;   /* the runner: not a worker's colour */
	return R_WORKER + slot % ncolours;
}

void tui_task_roles(const trace *tr, int *out)
{
	for (int i = 0, slot = 0; i < trace_ntasks(tr); i++)   /* view_task_slot's order, in one pass */
		out[i] = trace_task_is_runner(trace_task_at(tr, i)) ? R_PARLAB : R_WORKER + slot++ % ncolours;
}

int tui_task_name(const trace *tr, int index, int width, int flags, char *buf, size_t cap)
{
	return view_task_name(trace_task_at(tr, index), width, flags, tui_glyph.ellipsis, buf, cap);
}

/* ---- glyphs ------------------------------------------------------------------ */

tui_glyphs tui_glyph;
static int ascii_only;   /* the locale has no UTF-8: stand-ins for the rest */

/* Outside UTF-8 every glyph has an ASCII form, one per meaning: a lane's
 * states (# run, : wait, . sleep, x I/O, b blocked on a lock, queue...,
 * h held at a step point, - idle, v a mark), + right and X wrong,
 * o a bullet, * the selection and play, > parlab's own output lines, \ a
 * code line's continuation, / between hints, \n a newline. Rules, boxes
 * and lines are drawing only (| - and . . ' ' corners). */
void tui_glyphs_init(int utf8)
{
	ascii_only = !utf8;
	if (utf8)
		tui_glyph = (tui_glyphs){ "█", "░", "·", "×", "─", "│", "─", "…", "▲", "▼", "✓", "✗", "•",
				  "┌", "┐", "└", "┘", "↪", "▶", "↵", "·", "»", "▒", "▚", "‖",
				  { "─", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" } };
	else
		tui_glyph = (tui_glyphs){ "#", ":", ".", "x", "-", "|", "-", "~", "^", "v", "+", "X", "o",
				  ".", ".", "'", "'", "\\", "*", "\\n", "/", ">", "%", "b", "h",
				  { "-", "_", "_", "=", "=", "#", "#", "#", "#" } };
}

/* ASCII stand-ins for characters lessons and the screen use, each no
 * longer than the character's UTF-8 bytes (so a layout measured on the
 * bytes still fits); the same meaning as the glyph table where there is
 * one. Anything else is '?'. */
static const struct {
	unsigned cp;
	const char *ascii;
} stand_ins[] = {
	{ 0x00A0, " " }, { 0x00B0, "o" }, { 0x00B1, "+-" }, { 0x00B5, "u" }, { 0x00B7, "." },
	{ 0x00D7, "x" }, { 0x00F7, "/" }, { 0x2013, "-" }, { 0x2014, "--" }, { 0x2016, "h" }, { 0x2018, "'" },
	{ 0x2019, "'" }, { 0x201C, "\"" }, { 0x201D, "\"" }, { 0x2022, "o" }, { 0x2026, "..." },
	{ 0x2190, "<-" }, { 0x2192, "->" }, { 0x21AA, "\\" }, { 0x21B5, "\\n" }, { 0x21D2, "=>" },
	{ 0x2248, "~" }, { 0x2260, "!=" }, { 0x2264, "<=" }, { 0x2265, ">=" }, { 0x2500, "-" },
	{ 0x2502, "|" }, { 0x250C, "." }, { 0x2510, "." }, { 0x2514, "'" }, { 0x2518, "'" },
	{ 0x2581, "_" }, { 0x2582, "_" }, { 0x2583, "=" }, { 0x2584, "=" }, { 0x2585, "#" },
	{ 0x2586, "#" }, { 0x2587, "#" }, { 0x2588, "#" }, { 0x2591, ":" }, { 0x2592, "%" }, { 0x259A, "b" }, { 0x25B2, "^" },
	{ 0x25B6, "*" }, { 0x25BC, "v" }, { 0x2713, "+" }, { 0x2717, "X" }, { 0x00BB, ">" },
};

const char *tui_stand_in(unsigned cp)
{
	for (size_t i = 0; i < sizeof stand_ins / sizeof *stand_ins; i++)
		if (stand_ins[i].cp == cp) return stand_ins[i].ascii;
	return "?";
}

/* The code point of the valid sequence of len bytes at s. */
static unsigned code_point(const unsigned char *s, size_t len)
{
	unsigned cp = len == 1 ? s[0] : len == 2 ? s[0] & 0x1Fu : len == 3 ? s[0] & 0x0Fu : s[0] & 0x07u;
	for (size_t i = 1; i < len; i++) cp = cp << 6 | (s[i] & 0x3Fu);
	return cp;
}

char *tui_ascii(const char *s, size_t n, size_t *outn)
{
	if (!ascii_only) return NULL;
	size_t i = 0;
	while (i < n && !(s[i] & 0x80)) i++;
	if (i == n) return NULL;   /* ASCII already */
	char *o = xmalloc(n + 1);   /* stand-ins are never longer */
	size_t k = 0;
	for (i = 0; i < n;) {
		size_t len = (unsigned char)s[i] < 0x80 ? 1 : utf8_len(s + i, n - i);
		if (len <= 1) {   /* ASCII, or an invalid byte: drawn as it is ('?') */
			o[k++] = s[i++];
			continue;
		}
		const char *a = tui_stand_in(code_point((const unsigned char *)s + i, len));
		memcpy(o + k, a, strlen(a));
		k += strlen(a);
		i += len;
	}
	o[k] = '\0';
	*outn = k;
	return o;
}

/* ---- width-aware text ---------------------------------------------------------- */

/* Measured by util/utf8; what cannot be drawn as it is (a control, an
 * invalid byte: one column each) is drawn as '?'. */
int tui_put(WINDOW *w, int y, int x, int maxw, attr_t a, const char *s, size_t n)
{
	if (!w || maxw <= 0) return 0;
	size_t an;
	char *as = tui_ascii(s, n, &an);
	if (as) {
		int used = tui_put(w, y, x, maxw, a, as, an);
		free(as);
		return used;
	}
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
