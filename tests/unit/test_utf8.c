/* Unit tests of util/utf8: validation of valid, invalid, overlong,
 * surrogate, out-of-range and truncated sequences (every code point, every
 * overlong form), C1 controls, and display width: ASCII, wide CJK (2),
 * combining marks (0), invalid bytes (1), and fitting at a boundary; the
 * unfinished character at the end of bytes read so far. */
#include "util/utf8.h"
#include "check.h"

#include <locale.h>
#include <stdint.h>

/* Encodes cp in len bytes (len may be longer than needed: an overlong form). */
static void encode(uint32_t cp, int len, unsigned char *b)
{
	static const unsigned char lead[] = { 0, 0, 0xC0, 0xE0, 0xF0 };
	for (int i = len - 1; i > 0; i--) {
		b[i] = (unsigned char)(0x80 | (cp & 0x3F));
		cp >>= 6;
	}
	b[0] = (unsigned char)(lead[len] | cp);
}

static size_t L(const char *s, size_t n) { return utf8_len(s, n); }

static void test_valid(void)
{
	CHECK(L("a", 1) == 1);
	CHECK(L("\0", 1) == 1);              /* ASCII controls are valid UTF-8 */
	CHECK(L("\x1b", 1) == 1);
	CHECK(L("\xc3\xa9", 2) == 2);        /* é */
	CHECK(L("\xe2\x82\xac", 3) == 3);    /* € */
	CHECK(L("\xf0\x9f\x9a\x80", 4) == 4);/* 🚀 */
	CHECK(L("\xc2\x80", 2) == 2);        /* U+0080, the first 2-byte one */
	CHECK(L("\xe0\xa0\x80", 3) == 3);    /* U+0800, the first 3-byte one */
	CHECK(L("\xf0\x90\x80\x80", 4) == 4);/* U+10000, the first 4-byte one */
	CHECK(L("\xf4\x8f\xbf\xbf", 4) == 4);/* U+10FFFF, the last */
	CHECK(L("\xed\x9f\xbf", 3) == 3);    /* U+D7FF, just below the surrogates */
	CHECK(L("\xee\x80\x80", 3) == 3);    /* U+E000, just above */
	CHECK(L("\xc3\xa9xyz", 5) == 2);     /* only the first character */
	CHECK(L("", 0) == 0);

	/* Every code point in its shortest form: its length, surrogates 0. */
	long wrong = 0;
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		unsigned char b[4];
		int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		encode(cp, len, b);
		size_t want = cp >= 0xD800 && cp <= 0xDFFF ? 0 : (size_t)len;
		if (L((const char *)b, 4) != want || L((const char *)b, (size_t)len) != want) wrong++;
		/* Cut short by one byte: never valid. */
		if (len > 1 && L((const char *)b, (size_t)len - 1) != 0) wrong++;
	}
	CHECK(wrong == 0);
}

static void test_invalid(void)
{
	CHECK(L("\x80", 1) == 0);            /* a stray continuation byte */
	CHECK(L("\xbf", 1) == 0);
	CHECK(L("\xff", 1) == 0);
	CHECK(L("\xfe", 1) == 0);
	CHECK(L("\xc3\x41", 2) == 0);        /* lead byte, then no continuation */
	CHECK(L("\xe2\x82\x41", 3) == 0);
	CHECK(L("\xf0\x9f\x9a\xc0", 4) == 0);
	CHECK(L("\xf4\x90\x80\x80", 4) == 0);/* U+110000: beyond Unicode */
	CHECK(L("\xf5\x80\x80\x80", 4) == 0);
	CHECK(L("\xf8\x88\x80\x80\x80", 5) == 0);   /* 5-byte forms are gone */

	/* Overlong: the smallest ones by hand, then every one by encoding. */
	CHECK(L("\xc0\x80", 2) == 0);        /* NUL in two bytes */
	CHECK(L("\xc1\xbf", 2) == 0);
	CHECK(L("\xe0\x80\x80", 3) == 0);
	CHECK(L("\xe0\x9f\xbf", 3) == 0);    /* U+07FF in three bytes */
	CHECK(L("\xf0\x80\x80\x80", 4) == 0);
	CHECK(L("\xf0\x8f\xbf\xbf", 4) == 0);/* U+FFFF in four bytes */
	long wrong = 0;
	for (uint32_t cp = 0; cp < 0x10000; cp++) {
		unsigned char b[4];
		int shortest = cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
		for (int len = shortest + 1; len <= 4; len++) {
			encode(cp, len, b);
			if (L((const char *)b, 4) != 0) wrong++;
		}
	}
	CHECK(wrong == 0);

	/* Surrogates, the ends of their range. */
	CHECK(L("\xed\xa0\x80", 3) == 0);    /* U+D800 */
	CHECK(L("\xed\xbf\xbf", 3) == 0);    /* U+DFFF */
	CHECK(L("\xed\xa0\xbd\xed\xb8\x80", 6) == 0);   /* a CESU-8 pair */

	/* Truncated: the rest is not there. */
	CHECK(L("\xc3", 1) == 0);
	CHECK(L("\xe2\x82", 2) == 0);
	CHECK(L("\xe2\x82\xac", 2) == 0);    /* there, but beyond n */
	CHECK(L("\xf0\x9f\x9a", 3) == 0);
}

static void test_safe(void)
{
	CHECK(utf8_safe_len("\xc2\x80", 2) == 0);   /* U+0080 */
	CHECK(utf8_safe_len("\xc2\x9b", 2) == 0);   /* CSI as C1 */
	CHECK(utf8_safe_len("\xc2\x9f", 2) == 0);
	CHECK(utf8_safe_len("\xc2\xa0", 2) == 2);   /* NBSP: the first after C1 */
	CHECK(utf8_safe_len("\xc3\xa9", 2) == 2);
	CHECK(utf8_safe_len("a", 1) == 1);
	CHECK(utf8_safe_len("\xed\xa0\x80", 3) == 0);
	CHECK(utf8_safe_len("\xe2\x82\xac", 3) == 3);
}

static int W(const char *s) { return utf8_width(s, strlen(s)); }

static void test_width(void)
{
	CHECK(setlocale(LC_CTYPE, "C.UTF-8") || setlocale(LC_CTYPE, "C.utf8") || setlocale(LC_CTYPE, "en_US.UTF-8"));
	size_t adv;
	CHECK(utf8_char("a", 1, &adv) == 1 && adv == 1);
	CHECK(utf8_char("\t", 1, &adv) == 1 && adv == 1);          /* a control: one '?' */
	CHECK(utf8_char("\xc3\xa9", 2, &adv) == 1 && adv == 2);    /* é */
	CHECK(utf8_char("\xe4\xb8\xad", 3, &adv) == 2 && adv == 3);/* 中: wide */
	CHECK(utf8_char("\xef\xbc\xa1", 3, &adv) == 2 && adv == 3);/* Ａ: fullwidth */
	CHECK(utf8_char("\xcc\x81", 2, &adv) == 0 && adv == 2);    /* U+0301 combining acute */
	CHECK(utf8_char("\xff" "a", 2, &adv) == 1 && adv == 1);    /* invalid: one column, one byte */
	CHECK(utf8_char("\xe4\xb8", 2, &adv) == 1 && adv == 1);    /* cut short */
	CHECK(utf8_char("", 0, &adv) == 0 && adv == 0);
	CHECK(W("hello") == 5);
	CHECK(W("\xe4\xb8\xad\xe6\x96\x87") == 4);                 /* 中文 */
	CHECK(W("e\xcc\x81") == 1);                                /* é, decomposed */
	CHECK(W("caf\xc3\xa9 \xe4\xb8\xad") == 7);
	CHECK(W("bad\xff\xfe") == 5);
	CHECK(W("") == 0);

	/* Fitting: never half a wide character, never a mark without its base. */
	const char *cjk = "\xe4\xb8\xad\xe6\x96\x87";              /* 6 bytes, 4 columns */
	CHECK(utf8_fit(cjk, 6, 0) == 0);
	CHECK(utf8_fit(cjk, 6, 1) == 0);
	CHECK(utf8_fit(cjk, 6, 2) == 3);
	CHECK(utf8_fit(cjk, 6, 3) == 3);
	CHECK(utf8_fit(cjk, 6, 4) == 6);
	CHECK(utf8_fit(cjk, 6, 99) == 6);
	CHECK(utf8_fit("ab\xe4\xb8\xad", 5, 3) == 2);
	CHECK(utf8_fit("ab\xe4\xb8\xad", 5, 4) == 5);
	CHECK(utf8_fit("e\xcc\x81x", 4, 1) == 3);                  /* the mark goes with its e */
	CHECK(utf8_fit("abc", 2, 5) == 2);                         /* n bounds it */
	CHECK(utf8_fit("a\xe4\xb8\xad", 3, 5) == 3);               /* cut by n: its bytes one column each */

	CHECK(utf8_printable("a", 1));
	CHECK(!utf8_printable("\x01", 1));
	CHECK(!utf8_printable("\x7f", 1));
	CHECK(!utf8_printable("\xff", 1));
	CHECK(utf8_printable("\xe4\xb8\xad", 3));
	CHECK(!utf8_printable("\xc2\x85", 2));                     /* NEL, a C1 control */

	/* Outside a UTF-8 locale each byte is one column: nothing is wider. */
	CHECK(setlocale(LC_CTYPE, "C"));
	CHECK(W("\xe4\xb8\xad") == 3);
	CHECK(utf8_fit(cjk, 6, 4) == 4);
	/* Validation does not depend on the locale. */
	CHECK(L("\xe4\xb8\xad", 3) == 3);
}

/* Bytes read so far may end inside a character: what to keep for later. */
static void test_partial_tail(void)
{
	CHECK(utf8_partial_tail("", 0) == 0);
	CHECK(utf8_partial_tail("abc", 3) == 0);                      /* complete ASCII */
	CHECK(utf8_partial_tail("a\xe2\x82\xac", 4) == 0);            /* a complete € */
	CHECK(utf8_partial_tail("a\xe2", 2) == 1);                     /* 1 byte of 3 */
	CHECK(utf8_partial_tail("a\xe2\x82", 3) == 2);                 /* 2 bytes of 3 */
	CHECK(utf8_partial_tail("a\xe2\x82\xac", 3) == 2);            /* n bounds it */
	CHECK(utf8_partial_tail("\xc3", 1) == 1);                      /* 1 byte of é */
	CHECK(utf8_partial_tail("x\xc3\xa9", 3) == 0);
	CHECK(utf8_partial_tail("\xf0", 1) == 1);                      /* a 4-byte char ... */
	CHECK(utf8_partial_tail("\xf0\x9f", 2) == 2);
	CHECK(utf8_partial_tail("ab\xf0\x9f\x98", 5) == 3);           /* ... missing one */
	CHECK(utf8_partial_tail("\xf0\x9f\x98\x80", 4) == 0);         /* complete */
	/* An invalid lead or stray continuations: nothing to wait for. */
	CHECK(utf8_partial_tail("a\xff", 2) == 0);
	CHECK(utf8_partial_tail("\xff\x80", 2) == 0);
	CHECK(utf8_partial_tail("\xf8\x80\x80", 3) == 0);
	CHECK(utf8_partial_tail("a\x80", 2) == 0);
	CHECK(utf8_partial_tail("\x80\x80\x80", 3) == 0);
}

int main(void)
{
	test_valid();
	test_invalid();
	test_safe();
	test_width();
	test_partial_tail();
	return CHECK_DONE();
}
