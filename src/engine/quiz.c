/*
 * quiz.c: the question types as one table. Each row says, for one type,
 * which fields a lesson gives it, how they are checked and converted when
 * the lesson loads, how an answer is judged, how it is prompted, how the
 * right answer is written and how an observe result becomes one. The
 * rest of parlab reaches a type only through the quiz_* functions at the
 * end of this file, which look the row up by step.qtype.
 */
#include "engine/quiz.h"
#include "engine/lua_api.h"
#include "util/xmalloc.h"

#include <lauxlib.h>

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The fields only some types take; the others (q, type, retries, explain,
 * hints, predict, observe) every question may have. */
static const char *const typed_fields[] = { "choices", "items", "answer", "accept", "patterns", "tolerance", NULL };

/* Max items a choice list holds (and the size of the sets below). */
#define MAX_ITEMS 9

typedef struct {
	quiz_type type;
	const char *name;                 /* type = "..." in a lesson */
	const char *takes[4];             /* of typed_fields, the ones it takes */
	const char *list;                 /* field of its numbered list, or NULL */
	const char *prompt;               /* what to type, under the question */
	const char *why;                  /* what an answer looks like */
	int listed;                       /* its numbered list says what to type:
	                                     no prompt line under it */
	void (*check)(lua_State *L);      /* load: errors on a bad answer */
	void (*to_c)(lua_State *L, int idx, step *s);   /* load: answer fields */
	int (*judge)(lua_State *L, const step *s, const char *input, quiz_result *res);
	void (*key_hint)(const step *s, char *buf, size_t cap);
	char *(*right)(const step *s);
	char *(*accepted)(const step *s);             /* NULL: as right */
	char *(*spell)(const step *s, const char *input);   /* NULL: as typed */
	char *(*praise)(const step *s, const char *input);  /* after "Right: "; NULL: the right answer */
	char *(*refuse)(const step *s, const char *input);  /* input of no answer's shape; NULL: generic */
	int (*is_right)(const step *s, int i);        /* NULL: no choice is */
	int (*observed)(const step *q, const struct lapi_observed *o, step *s, char **acc, int *ans);
} quiz_row;

/* ---- helpers ------------------------------------------------------------------ */

/* Appends to an allocated string. */
static void cat(char **buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cat(char **buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *piece = xvasprintf(fmt, ap);
	va_end(ap);
	char *t = xasprintf("%s%s", *buf ? *buf : "", piece);
	free(piece);
	free(*buf);
	*buf = t;
}

/* Copies s trimmed of surrounding space and trailing punctuation. */
static void trim(char *dst, size_t cap, const char *s)
{
	while (isspace((unsigned char)*s)) s++;
	size_t n = strlen(s);
	while (n && (isspace((unsigned char)s[n - 1]) || strchr(".!?", s[n - 1]))) n--;
	if (n >= cap) n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* Text answers: lower case, no surrounding space or punctuation, inner
 * runs of space as one space. */
static void normalize(char *dst, size_t cap, const char *s)
{
	static const char punct[] = ".,!?;:'\"";
	while (*s && (isspace((unsigned char)*s) || strchr(punct, *s))) s++;
	size_t o = 0;
	int space = 0;
	for (; *s && o + 1 < cap; s++) {
		if (isspace((unsigned char)*s)) { space = 1; continue; }
		if (space && o) dst[o++] = ' ';
		space = 0;
		if (o + 1 < cap) dst[o++] = (char)tolower((unsigned char)*s);
	}
	while (o && strchr(punct, dst[o - 1])) o--;
	while (o && dst[o - 1] == ' ') o--;
	dst[o] = '\0';
}

/* The first number in s ("~2 CPUs" -> 2), locale-independent: digits with
 * an optional '.' fraction and a sign right before them. 0 if none. */
static int first_number(const char *s, double *out)
{
	for (const char *p = s; *p; p++) {
		int neg = 0;
		const char *q = p;
		if (*q == '-' || *q == '+') { neg = *q == '-'; q++; }
		if (!isdigit((unsigned char)*q) && !(*q == '.' && isdigit((unsigned char)q[1]))) continue;
		double v = 0, scale = 1;
		while (isdigit((unsigned char)*q)) v = v * 10 + (*q++ - '0');
		if (*q == '.')
			for (q++; isdigit((unsigned char)*q); q++) { scale /= 10; v += (*q - '0') * scale; }
		if ((*q == 'e' || *q == 'E') && (isdigit((unsigned char)q[1]) ||
		    ((q[1] == '-' || q[1] == '+') && isdigit((unsigned char)q[2])))) {
			int eneg = q[1] == '-', ex = 0;
			q += 1 + (q[1] == '-' || q[1] == '+');
			while (isdigit((unsigned char)*q)) { if (ex < 400) ex = ex * 10 + (*q - '0'); q++; }
			for (int i = 0; i < ex; i++) v = eneg ? v / 10 : v * 10;
		}
		*out = neg ? -v : v;
		return 1;
	}
	return 0;
}

/* Numbers separated by spaces or commas, each 1..max; -1 otherwise. */
static int parse_numbers(const char *s, int max, int *v, int cap)
{
	int n = 0;
	while (*s) {
		if (isspace((unsigned char)*s) || *s == ',' || *s == ';') { s++; continue; }
		char *end;
		long x = strtol(s, &end, 10);
		if (end == s || x < 1 || x > max || n == cap) return -1;
		if (*end && !isspace((unsigned char)*end) && *end != ',' && *end != ';' && *end != '.') return -1;
		v[n++] = (int)x;
		s = *end == '.' ? end + 1 : end;
	}
	return n;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* The list field of a multi or order question: its numbers into s. */
static void answers_to_c(lua_State *L, int idx, step *s)
{
	lua_getfield(L, idx, "answer");
	s->nanswers = (int)luaL_len(L, -1);
	s->answers = xcalloc((size_t)s->nanswers + 1, sizeof *s->answers);
	for (int i = 0; i < s->nanswers; i++) {
		lua_geti(L, -1, i + 1);
		s->answers[i] = (int)lua_tointeger(L, -1);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

/* Errors unless field is a list of 1..max whole numbers from 1 to max; fills v. */
static void int_list(lua_State *L, const char *field, int max, int *v, int *n, const char *what)
{
	lua_getfield(L, 1, field);
	if (!lua_istable(L, -1))
		luaL_error(L, "quiz{}: '%s' must be a list of %s, like {1, 3}", field, what);
	int k = (int)luaL_len(L, -1);
	if (k < 1 || k > max) luaL_error(L, "quiz{}: '%s' needs 1 to %d %s, has %d", field, max, what, k);
	for (int i = 1; i <= k; i++) {
		lua_geti(L, -1, i);
		int isnum;
		lua_Integer x = lua_tointegerx(L, -1, &isnum);
		lua_pop(L, 1);
		if (!isnum || x < 1 || x > max)
			luaL_error(L, "quiz{}: '%s'[%d] must be a whole number from 1 to %d", field, i, max);
		v[i - 1] = (int)x;
	}
	lua_pop(L, 1);
	*n = k;
}

/* Errors unless the (required) answer field is given, naming what it is. */
static void need_answer(lua_State *L, const char *what)
{
	lua_getfield(L, 1, "answer");
	int missing = lua_isnil(L, -1);
	lua_pop(L, 1);
	if (missing) luaL_error(L, "quiz{}: 'answer' (%s) is missing", what);
}

/* The numbered list (choices or items) of a question: its length, or an error. */
static int need_list(lua_State *L, const char *field)
{
	int n = lapi_check_list(L, 1, field, "quiz", 2, MAX_ITEMS);
	if (!n) luaL_error(L, "quiz{}: '%s' is missing", field);
	return n;
}

static void check_tolerance(lua_State *L)
{
	lua_getfield(L, 1, "tolerance");
	int t = lua_type(L, -1);
	double tol = lua_tonumber(L, -1);
	lua_pop(L, 1);
	if (t != LUA_TNIL && (t != LUA_TNUMBER || !(tol >= 0)))
		luaL_error(L, "quiz{}: 'tolerance' must be a number, 0 or more");
}

/* An observed list as a multi or order answer: every number a listed item,
 * none twice; exact: every item (order). */
static int observed_list(const step *q, const struct lapi_observed *o, step *s, int *ans, int exact)
{
	if (o->type != LUA_TTABLE) return -1;
	int ok = o->nlist > 0 && (!exact || o->nlist == q->nchoices);
	for (int i = 0; i < o->nlist; i++) {
		ok = ok && o->list[i] >= 1 && o->list[i] <= q->nchoices;
		for (int j = 0; j < i; j++) ok = ok && o->list[i] != o->list[j];
		ans[i] = o->list[i];
	}
	if (!ok) return -1;
	s->answers = ans;
	s->nanswers = o->nlist;
	if (!exact) qsort(ans, (size_t)o->nlist, sizeof *ans, cmp_int);
	return 0;
}

/* ---- choice: one of a numbered list ------------------------------------------------ */

static void choice_check(lua_State *L)
{
	int n = need_list(L, "choices"), a = 0;
	if (!lapi_opt_int(L, 1, "answer", "quiz", 1, n, &a))
		luaL_error(L, "quiz{}: 'answer' (the number of the right choice) is missing");
}

static void choice_to_c(lua_State *L, int idx, step *s)
{
	s->answer = lapi_field_int(L, idx, "answer", 1);
}

/* A choice number or the text of a choice (case, surrounding space and
 * trailing punctuation aside). */
static int choice_judge(lua_State *L, const step *s, const char *input, quiz_result *res)
{
	(void)L;
	char in[512], ch[512];
	trim(in, sizeof in, input);
	int choice = 0;
	char *end;
	long n = strtol(in, &end, 10);
	if (*in && !*end && n >= 1 && n <= s->nchoices) choice = (int)n;
	for (int i = 0; *in && !choice && i < s->nchoices; i++) {
		trim(ch, sizeof ch, s->choices[i]);
		if (!strcasecmp(in, ch)) choice = i + 1;
	}
	if (!choice) return -1;
	res->choice = choice;
	res->correct = choice == s->answer;
	return 0;
}

static void choice_key_hint(const step *s, char *buf, size_t cap)
{
	snprintf(buf, cap, "1-%d", s->nchoices);
}

static char *choice_right(const step *s)
{
	if (s->answer < 1 || s->answer > s->nchoices) return xstrdup("");
	return xasprintf("%d) %s", s->answer, s->choices[s->answer - 1]);
}

static char *choice_spell(const step *s, const char *input)
{
	quiz_result r = { 0 };
	if (choice_judge(NULL, s, input, &r) < 0) return NULL;
	return xasprintf("%d) %s", r.choice, s->choices[r.choice - 1]);
}

static char *choice_refuse(const step *s, const char *input)
{
	return xasprintf("\"%s\" is not one of the choices (1-%d)", input, s->nchoices);
}

static int choice_is_right(const step *s, int i)
{
	return i == s->answer;
}

/* A choice number, or a string that names a choice. */
static int choice_observed(const step *q, const struct lapi_observed *o, step *s, char **acc, int *ans)
{
	(void)acc; (void)ans;
	quiz_result r = { 0 };
	if (o->type == LUA_TNUMBER && o->number >= 1 && o->number <= q->nchoices && o->number == (int)o->number) {
		s->answer = (int)o->number;
		return 0;
	}
	if (o->type == LUA_TSTRING && !choice_judge(NULL, q, o->string, &r)) {
		s->answer = r.choice;
		return 0;
	}
	return -1;
}

/* ---- multi: every right one of a numbered list --------------------------------------- */

static void multi_check(lua_State *L)
{
	int n = need_list(L, "choices"), v[MAX_ITEMS], nv = 0;
	need_answer(L, "the list of right choice numbers");
	int_list(L, "answer", n, v, &nv, "choice numbers");
	for (int i = 0; i < nv; i++)
		for (int j = 0; j < i; j++)
			if (v[i] == v[j]) luaL_error(L, "quiz{}: 'answer' names choice %d twice", v[i]);
}

static void multi_to_c(lua_State *L, int idx, step *s)
{
	answers_to_c(L, idx, s);
	qsort(s->answers, (size_t)s->nanswers, sizeof *s->answers, cmp_int);
}

/* The numbers of every right choice, in any order, repeats aside. */
static int multi_judge(lua_State *L, const step *s, const char *input, quiz_result *res)
{
	(void)L;
	int v[64];
	int n = parse_numbers(input, s->nchoices, v, 64);
	if (n <= 0) return -1;
	int set[MAX_ITEMS + 1] = { 0 }, want[MAX_ITEMS + 1] = { 0 };
	for (int i = 0; i < n; i++) set[v[i]] = 1;
	for (int i = 0; i < s->nanswers; i++) want[s->answers[i]] = 1;
	res->correct = !memcmp(set, want, sizeof set);
	return 0;
}

static void multi_key_hint(const step *s, char *buf, size_t cap)
{
	(void)s;
	snprintf(buf, cap, "numbers, e.g. 1 3");
}

static char *multi_right(const step *s)
{
	char *out = NULL;
	for (int i = 0; i < s->nanswers; i++)
		cat(&out, "%s%d) %s", i ? ", " : "", s->answers[i], s->choices[s->answers[i] - 1]);
	return out ? out : xstrdup("");
}

static int multi_is_right(const step *s, int i)
{
	for (int k = 0; k < s->nanswers; k++)
		if (s->answers[k] == i) return 1;
	return 0;
}

static int multi_observed(const step *q, const struct lapi_observed *o, step *s, char **acc, int *ans)
{
	(void)acc;
	return observed_list(q, o, s, ans, 0);
}

/* ---- text: words, against accepted forms and patterns ---------------------------------- */

/* Why pattern p is no Lua pattern (the rules of lstrlib.c, checked whole:
 * string.find stops at the first mismatch and never sees the rest), or
 * NULL when it is one. */
static const char *pattern_error(const char *p)
{
	enum { MAXCAP = 32 };
	int open[MAXCAP], level = 0;
	if (*p == '^') p++;
	while (*p) {
		switch (*p) {
		case '(':
			if (level == MAXCAP) return "too many captures";
			if (p[1] == ')') { open[level++] = 0; p += 2; continue; }   /* a position capture, closed */
			open[level++] = 1;
			p++;
			continue;
		case ')': {
			int l = level - 1;
			while (l >= 0 && !open[l]) l--;
			if (l < 0) return "a ')' closes no capture";
			open[l] = 0;
			p++;
			continue;
		}
		case '%':
			p++;
			if (!*p) return "it ends with '%'";
			if (*p == 'b') {
				if (!p[1] || !p[2]) return "'%b' needs two characters after it";
				p += 3;
			} else if (*p == 'f') {
				p++;
				if (*p != '[') return "'%f' needs a set '[...]' after it";
				continue;   /* the set, below */
			} else if (*p >= '0' && *p <= '9') {
				int l = *p - '1';
				if (l < 0 || l >= level || open[l]) return "a back reference '%n' names no finished capture";
				p++;
			} else {
				p++;
			}
			break;
		case '[':
			p++;
			if (*p == '^') p++;
			do {
				if (!*p) return "a '[' set has no ']'";
				if (*p++ == '%') {
					if (!*p) return "a '[' set has no ']'";
					p++;
				}
			} while (*p != ']');
			p++;
			break;
		default:
			p++;
			break;
		}
		if (*p == '*' || *p == '+' || *p == '-' || *p == '?') p++;
	}
	for (int l = 0; l < level; l++)
		if (open[l]) return "a '(' capture is never closed";
	return NULL;
}

static void text_check(lua_State *L)
{
	int na = lapi_check_list(L, 1, "accept", "quiz", 1, 20);
	int np = lapi_check_list(L, 1, "patterns", "quiz", 1, 20);
	if (!na && !np) luaL_error(L, "quiz{}: a 'text' question needs 'accept' or 'patterns'");
	for (int i = 1; i <= np; i++) {
		lua_getfield(L, 1, "patterns");
		lua_geti(L, -1, i);
		const char *pat = lua_tostring(L, -1);
		const char *why = pattern_error(pat);
		if (!why && lapi_find(L, "", pat) < 0) why = "string.find rejects it";
		lua_pop(L, 2);
		if (why) luaL_error(L, "quiz{}: 'patterns'[%d] is not a valid Lua pattern: %s", i, why);
	}
}

static void text_to_c(lua_State *L, int idx, step *s)
{
	s->accept = lapi_field_list(L, idx, "accept", NULL);
	s->patterns = lapi_field_list(L, idx, "patterns", NULL);
}

/* Normalized input equal to a normalized accepted form, or matching a
 * pattern. */
static int text_judge(lua_State *L, const step *s, const char *input, quiz_result *res)
{
	char in[512], ac[512];
	normalize(in, sizeof in, input);
	if (!*in) return -1;
	for (char **a = s->accept; a && *a && !res->correct; a++) {
		normalize(ac, sizeof ac, *a);
		res->correct = !strcmp(in, ac);
	}
	for (char **p = s->patterns; L && p && *p && !res->correct; p++)
		res->correct = lapi_find(L, in, *p) == 1;
	return 0;
}

static void text_key_hint(const step *s, char *buf, size_t cap)
{
	(void)s;
	snprintf(buf, cap, "words");
}

static char *text_right(const step *s)
{
	if (s->accept && s->accept[0]) return xstrdup(s->accept[0]);
	if (s->patterns && s->patterns[0]) return xasprintf("a text matching the pattern %s", s->patterns[0]);
	return xstrdup("");
}

static char *text_accepted(const step *s)
{
	char *out = NULL;
	for (char **a = s->accept; a && *a; a++) cat(&out, "%s%s", out ? " / " : "", *a);
	for (char **p = s->patterns; p && *p; p++) cat(&out, "%sa text matching the pattern %s", out ? " / " : "", *p);
	return out ? out : xstrdup("");
}

/* A right answer by pattern is said back as typed: the pattern is no answer. */
static char *text_praise(const step *s, const char *input)
{
	if (s->accept && s->accept[0]) return xstrdup(s->accept[0]);
	return xasprintf("\"%s\"", input ? input : "");
}

static int text_observed(const step *q, const struct lapi_observed *o, step *s, char **acc, int *ans)
{
	(void)q; (void)ans;
	if (o->type != LUA_TSTRING) return -1;
	acc[0] = o->string;
	acc[1] = NULL;
	s->accept = acc;
	s->patterns = NULL;
	return 0;
}

/* ---- number: within a tolerance ------------------------------------------------------- */

static void number_check(lua_State *L)
{
	lua_getfield(L, 1, "answer");
	int t = lua_type(L, -1);
	lua_pop(L, 1);
	if (t == LUA_TNIL) luaL_error(L, "quiz{}: 'answer' (the right number) is missing");
	if (t != LUA_TNUMBER) luaL_error(L, "quiz{}: 'answer' must be a number, not %s", lua_typename(L, t));
	check_tolerance(L);
}

static void number_to_c(lua_State *L, int idx, step *s)
{
	lua_getfield(L, idx, "answer");
	s->number = lua_tonumber(L, -1);
	lua_pop(L, 1);
}

/* The first number in the input, within the tolerance (and a hair of
 * rounding slack). */
static int number_judge(lua_State *L, const step *s, const char *input, quiz_result *res)
{
	(void)L;
	double x;
	if (!first_number(input, &x)) return -1;
	double slack = 1e-9 * (fabs(s->number) > 1 ? fabs(s->number) : 1);
	res->correct = fabs(x - s->number) <= s->tolerance + slack;
	return 0;
}

static void number_key_hint(const step *s, char *buf, size_t cap)
{
	(void)s;
	snprintf(buf, cap, "a number");
}

static char *number_right(const step *s)
{
	if (s->tolerance > 0) return xasprintf("%g (\xc2\xb1%g)", s->number, s->tolerance);
	return xasprintf("%g", s->number);
}

/* A finite number, or a string with a number in it. */
static int number_observed(const step *q, const struct lapi_observed *o, step *s, char **acc, int *ans)
{
	(void)q; (void)acc; (void)ans;
	if (o->type == LUA_TNUMBER && isfinite(o->number)) { s->number = o->number; return 0; }
	if (o->type == LUA_TSTRING && first_number(o->string, &s->number)) return 0;
	return -1;
}

/* ---- order: every item once, in sequence ------------------------------------------------ */

static void order_check(lua_State *L)
{
	int n = need_list(L, "items"), v[MAX_ITEMS], nv = 0, seen[MAX_ITEMS + 1] = { 0 };
	need_answer(L, "the right sequence of item numbers");
	int_list(L, "answer", n, v, &nv, "item numbers");
	for (int i = 0; i < nv; i++) seen[v[i]]++;
	for (int i = 1; i <= n; i++)
		if (nv != n || seen[i] != 1)
			luaL_error(L, "quiz{}: 'answer' must list each item number 1 to %d exactly once", n);
}

/* Every item's number once; right when in the answer's sequence. */
static int order_judge(lua_State *L, const step *s, const char *input, quiz_result *res)
{
	(void)L;
	int v[64];
	int n = parse_numbers(input, s->nchoices, v, 64);
	if (n != s->nchoices) return -1;
	int seen[MAX_ITEMS + 1] = { 0 };
	for (int i = 0; i < n; i++)
		if (seen[v[i]]++) return -1;
	res->correct = 1;
	for (int i = 0; i < n; i++)
		if (i >= s->nanswers || v[i] != s->answers[i]) res->correct = 0;
	return 0;
}

static void order_key_hint(const step *s, char *buf, size_t cap)
{
	(void)s;
	snprintf(buf, cap, "numbers in order");
}

/* "2, 3, 1: cache, memory, disk" */
static char *order_right(const step *s)
{
	char *out = NULL;
	for (int i = 0; i < s->nanswers; i++) cat(&out, "%s%d", i ? ", " : "", s->answers[i]);
	cat(&out, ":");
	for (int i = 0; i < s->nanswers; i++) cat(&out, "%s %s", i ? "," : "", s->choices[s->answers[i] - 1]);
	return out;
}

static int order_observed(const step *q, const struct lapi_observed *o, step *s, char **acc, int *ans)
{
	(void)acc;
	return observed_list(q, o, s, ans, 1);
}

/* ---- the table ----------------------------------------------------------------------- */

/* The first row is the type of a quiz{} that names none. */
static const quiz_row rows[] = {
	{ .type = QUIZ_CHOICE, .name = "choice", .takes = { "choices", "answer" }, .list = "choices", .listed = 1,
	  .prompt = "(type the number of a choice)",
	  .why = "type the number or the text of a choice",
	  .check = choice_check, .to_c = choice_to_c, .judge = choice_judge, .key_hint = choice_key_hint,
	  .right = choice_right, .spell = choice_spell, .refuse = choice_refuse, .is_right = choice_is_right,
	  .observed = choice_observed },
	{ .type = QUIZ_MULTI, .name = "multi", .takes = { "choices", "answer" }, .list = "choices",
	  .prompt = "(type the numbers of every right choice, e.g. 1 3)",
	  .why = "type the numbers of every right choice, e.g. 1 3",
	  .check = multi_check, .to_c = multi_to_c, .judge = multi_judge, .key_hint = multi_key_hint,
	  .right = multi_right, .is_right = multi_is_right, .observed = multi_observed },
	{ .type = QUIZ_TEXT, .name = "text", .takes = { "accept", "patterns" },
	  .prompt = "(type your answer)",
	  .why = "type your answer in words",
	  .check = text_check, .to_c = text_to_c, .judge = text_judge, .key_hint = text_key_hint,
	  .right = text_right, .accepted = text_accepted, .praise = text_praise, .observed = text_observed },
	{ .type = QUIZ_NUMBER, .name = "number", .takes = { "answer", "tolerance" },
	  .prompt = "(type a number)",
	  .why = "type a number",
	  .check = number_check, .to_c = number_to_c, .judge = number_judge, .key_hint = number_key_hint,
	  .right = number_right, .observed = number_observed },
	{ .type = QUIZ_ORDER, .name = "order", .takes = { "items", "answer" }, .list = "items",
	  .prompt = "(type the items' numbers in order, e.g. 2 3 1)",
	  .why = "type every item's number once, in the right order",
	  .check = order_check, .to_c = answers_to_c, .judge = order_judge, .key_hint = order_key_hint,
	  .right = order_right, .observed = order_observed },
};
#define NROWS ((int)(sizeof rows / sizeof *rows))

/* The row of type t. */
static const quiz_row *row_of(quiz_type t)
{
	for (int i = 0; i < NROWS; i++)
		if (rows[i].type == t) return &rows[i];
	return &rows[0];   /* not reached: every quiz_type has a row */
}

/* ---- the functions everyone else uses ----------------------------------------------- */

int quiz_lookup(const char *name, quiz_type *t)
{
	if (!name) { *t = rows[0].type; return 0; }
	for (int i = 0; name && i < NROWS; i++)
		if (!strcmp(rows[i].name, name)) { *t = rows[i].type; return 0; }
	return -1;
}

const char *quiz_name(quiz_type t) { return row_of(t)->name; }

const char *quiz_names(void)
{
	static char buf[128];
	if (!*buf)
		for (int i = 0; i < NROWS; i++)
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? ", " : "", rows[i].name);
	return buf;
}

/* Does type t take field f? */
static int takes(const quiz_row *r, const char *f)
{
	for (int i = 0; i < (int)(sizeof r->takes / sizeof *r->takes) && r->takes[i]; i++)
		if (!strcmp(r->takes[i], f)) return 1;
	return 0;
}

void quiz_check_fields(lua_State *L, quiz_type t)
{
	const quiz_row *r = row_of(t);
	for (const char *const *f = typed_fields; *f; f++) {
		lua_getfield(L, 1, *f);
		int given = !lua_isnil(L, -1);
		lua_pop(L, 1);
		if (given && !takes(r, *f)) luaL_error(L, "quiz{}: a '%s' question takes no '%s'", r->name, *f);
	}
}

void quiz_check_answer(lua_State *L, quiz_type t)
{
	row_of(t)->check(L);
}

/* A predict question: its list if it has one, and a tolerance if it takes
 * one; the answer fields come from the run. */
void quiz_check_predict(lua_State *L, quiz_type t)
{
	static const char *const answers[] = { "answer", "accept", "patterns", NULL };   /* what a run gives */
	for (const char *const *f = answers; *f; f++) {
		lua_getfield(L, 1, *f);
		int given = !lua_isnil(L, -1);
		lua_pop(L, 1);
		if (given) luaL_error(L, "quiz{}: a 'predict' question takes no '%s': its run gives the answer", *f);
	}
	const quiz_row *r = row_of(t);
	if (takes(r, "tolerance")) check_tolerance(L);
	if (r->list) need_list(L, r->list);
}

const char *const *quiz_fields(void) { return typed_fields; }

void quiz_to_c(lua_State *L, int idx, step *s)
{
	const quiz_row *r = row_of(s->qtype);
	if (r->list) s->choices = lapi_field_list(L, idx, r->list, &s->nchoices);
	if (takes(r, "tolerance")) {   /* predict questions too: the observed number is judged with it */
		lua_getfield(L, idx, "tolerance");
		s->tolerance = lua_tonumber(L, -1);
		lua_pop(L, 1);
	}
	if (!s->predict && !s->from) r->to_c(L, idx, s);   /* a predict question's (or one from a run) comes from the run */
}

int quiz_judge(lua_State *L, const step *s, const char *input, quiz_result *res)
{
	return row_of(s->qtype)->judge(L, s, input, res);
}

const char *quiz_prompt(const step *s) { return row_of(s->qtype)->prompt; }
const char *quiz_why(const step *s) { return row_of(s->qtype)->why; }
int quiz_shows_prompt(const step *s) { return !row_of(s->qtype)->listed; }

void quiz_key_hint(const step *s, char *buf, size_t cap)
{
	row_of(s->qtype)->key_hint(s, buf, cap);
}

int quiz_choice_is_right(const step *s, int i)
{
	const quiz_row *r = row_of(s->qtype);
	return r->is_right ? r->is_right(s, i) : 0;
}

char *quiz_right_answer(const step *s)
{
	return row_of(s->qtype)->right(s);
}

char *quiz_accepted(const step *s)
{
	const quiz_row *r = row_of(s->qtype);
	return (r->accepted ? r->accepted : r->right)(s);
}

char *quiz_spell(const step *s, const char *input)
{
	const quiz_row *r = row_of(s->qtype);
	char *said = r->spell ? r->spell(s, input) : NULL;
	return said ? said : xstrdup(input);
}

char *quiz_praise(const step *s, const char *input)
{
	const quiz_row *r = row_of(s->qtype);
	return r->praise ? r->praise(s, input) : r->right(s);
}

char *quiz_answer_shown(const step *s)
{
	const quiz_row *r = row_of(s->qtype);
	char *a = quiz_accepted(s);
	char *out = xasprintf(r->accepted ? "Accepted answers: %s" : "The answer is %s", a);
	free(a);
	return out;
}

char *quiz_refusal(const step *s, const char *input)
{
	const quiz_row *r = row_of(s->qtype);
	return r->refuse ? r->refuse(s, input) : xasprintf("\"%s\" is no answer here (%s)", input, r->why);
}

int quiz_observed(const step *q, const struct lapi_observed *o, step *s, char **acc, int *ans)
{
	*s = *q;
	s->predict = NULL;
	return row_of(q->qtype)->observed(q, o, s, acc, ans);
}
