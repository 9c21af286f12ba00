/* fuzz_sanitize: the output sanitizer (trace_sanitize, trace_line_add).
 * Whatever a worker writes, what parlab keeps is valid UTF-8 with no
 * control character (no escape sequence can reach the terminal), fits
 * its buffer, and a line keeps its place. */
#include "fuzz.h"
#include "trace/trace.h"
#include "util/utf8.h"

#include <stdlib.h>
#include <string.h>

static void clean(const char *s, size_t len)
{
	FUZZ_ASSERT(strlen(s) == len);
	for (size_t i = 0, k; i < len; i += k) {
		k = utf8_safe_len(s + i, len - i);   /* valid, and no C1 control */
		FUZZ_ASSERT(k > 0);
		FUZZ_ASSERT(k > 1 || ((unsigned char)s[i] >= 0x20 && s[i] != 0x7f));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t caps[] = { 1, 2, 7, 64, 4096 };
	char *dst = malloc(4096);
	for (size_t i = 0; i < sizeof caps / sizeof *caps; i++) {
		size_t n = trace_sanitize(dst, caps[i], (const char *)data, size);
		FUZZ_ASSERT(n < caps[i]);
		clean(dst, n);
	}
	free(dst);
	trace *t = trace_new("fuzz", 0);
	trace_line_add(t, -1, 5, 1, (const char *)data, size);
	char *str = malloc(size + 1);   /* a mark is a C string: up to a NUL */
	memcpy(str, data, size);
	str[size] = '\0';
	trace_mark_add(t, 6, str);
	free(str);
	for (size_t i = 0; i < trace_nlines(t); i++) {
		const trace_line *l = trace_line_at(t, i);
		clean(l->text, strlen(l->text));
	}
	if (trace_nmarks(t)) clean(trace_mark_at(t, 0)->text, strlen(trace_mark_at(t, 0)->text));
	trace_free(t);
	return 0;
}
