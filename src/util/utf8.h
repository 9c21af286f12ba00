/*
 * utf8: the one place that knows UTF-8. Validation (what the trace keeps
 * and what trace files write raw) needs no locale; display width (what the
 * screen measures) asks the C library, so it follows LC_CTYPE: outside a
 * UTF-8 locale every byte of a multibyte character counts as one column.
 */
#ifndef PARLAB_UTF8_H
#define PARLAB_UTF8_H
#include <stddef.h>

/* Length (1..4) of the valid UTF-8 sequence at s (n bytes left), or 0 when
 * it is invalid: a stray continuation byte, an overlong form, a surrogate,
 * beyond U+10FFFF, or cut short by n. ASCII (controls too) is 1. */
size_t utf8_len(const char *s, size_t n);
/* utf8_len, but 0 for the C1 controls (U+0080..U+009F) too: they can drive
 * a terminal like escape sequences do. */
size_t utf8_safe_len(const char *s, size_t n);
/* Bytes at the end of s (n bytes) that start a character not yet complete
 * (1..3: its lead and the continuations so far), else 0. Input read in
 * pieces keeps them for the next read. An invalid lead is not waited for. */
size_t utf8_partial_tail(const char *s, size_t n);

/* Display width of the character at s (n bytes left); *adv gets its length
 * in bytes. Invalid bytes and ASCII controls count as one column (a screen
 * draws them as '?'); combining characters are 0, wide (CJK) ones 2. */
int utf8_char(const char *s, size_t n, size_t *adv);
/* Display width of n bytes of s. */
int utf8_width(const char *s, size_t n);
/* Bytes of s (n at most) that fit in w columns, never cutting a character. */
size_t utf8_fit(const char *s, size_t n, int w);
/* True when the adv bytes at s (one character, as utf8_char measured it)
 * can be drawn as they are: printable ASCII or a character with a width. */
int utf8_printable(const char *s, size_t adv);

#endif
