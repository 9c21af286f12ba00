/*
 * utf8.c: UTF-8 validation (by the bytes, RFC 3629), the unfinished
 * character at the end of input read so far, and display width (by
 * mbrtowc and wcwidth, so by the locale).
 */
#include "util/utf8.h"

#include <string.h>
#include <wchar.h>

/* ---- validation ---------------------------------------------------------- */

size_t utf8_len(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len;
	if (!n) return 0;
	if (s[0] < 0x80) return 1;
	else if ((s[0] & 0xE0) == 0xC0 && s[0] >= 0xC2) len = 2;   /* C0, C1: overlong */
	else if ((s[0] & 0xF0) == 0xE0) len = 3;
	else if ((s[0] & 0xF8) == 0xF0 && s[0] <= 0xF4) len = 4;   /* F5..: beyond U+10FFFF */
	else return 0;
	if (len > n) return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xC0) != 0x80) return 0;
	if (len == 3 && s[0] == 0xE0 && s[1] < 0xA0) return 0;   /* overlong */
	if (len == 3 && s[0] == 0xED && s[1] >= 0xA0) return 0;  /* surrogate */
	if (len == 4 && s[0] == 0xF0 && s[1] < 0x90) return 0;   /* overlong */
	if (len == 4 && s[0] == 0xF4 && s[1] >= 0x90) return 0;  /* beyond U+10FFFF */
	return len;
}

size_t utf8_safe_len(const char *s, size_t n)
{
	size_t len = utf8_len(s, n);
	const unsigned char *u = (const unsigned char *)s;
	if (len == 2 && u[0] == 0xC2 && u[1] < 0xA0) return 0;   /* U+0080..U+009F */
	return len;
}

size_t utf8_partial_tail(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t k = 1; k <= 3 && k <= n; k++) {
		unsigned char c = s[n - k];
		if ((c & 0xC0) == 0x80) continue;   /* continuation: look further back */
		size_t need = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
		return need > k ? k : 0;
	}
	return 0;
}

/* ---- display width ------------------------------------------------------- */

int utf8_char(const char *s, size_t n, size_t *adv)
{
	if (!n) { *adv = 0; return 0; }
	unsigned char c = (unsigned char)s[0];
	if (c < 0x80) {   /* controls are drawn as '?': one column */
		*adv = 1;
		return 1;
	}
	mbstate_t st;
	memset(&st, 0, sizeof st);
	wchar_t wc;
	size_t r = mbrtowc(&wc, s, n, &st);
	if (r == (size_t)-1 || r == (size_t)-2 || r == 0) { *adv = 1; return 1; }
	*adv = r;
	int w = wcwidth(wc);
	return w < 0 ? 1 : w;
}

int utf8_width(const char *s, size_t n)
{
	int w = 0;
	size_t i = 0, adv;
	while (i < n) {
		w += utf8_char(s + i, n - i, &adv);
		i += adv;
	}
	return w;
}

size_t utf8_fit(const char *s, size_t n, int w)
{
	size_t i = 0, adv;
	int used = 0;
	while (i < n) {
		int cw = utf8_char(s + i, n - i, &adv);
		if (used + cw > w) break;
		used += cw;
		i += adv;
	}
	return i;
}

int utf8_printable(const char *s, size_t adv)
{
	unsigned char c = (unsigned char)s[0];
	if (adv == 1) return c >= 0x20 && c < 0x7f;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	wchar_t wc;
	size_t r = mbrtowc(&wc, s, adv, &st);
	return r == adv && wcwidth(wc) >= 0;
}
