/* check.h: the few macros the unit tests need. A failed CHECK prints where
 * and what, and the test exits 1 at the end. */
#ifndef PARLAB_CHECK_H
#define PARLAB_CHECK_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures, check_count;

#define CHECK(cond) do { check_count++; if (!(cond)) { check_failures++; \
	fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); check_count++; \
	if (!a_ || !b_ || strcmp(a_, b_)) { check_failures++; \
	fprintf(stderr, "%s:%d: CHECK failed: \"%s\" != \"%s\"\n", __FILE__, __LINE__, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } } while (0)
#define CHECK_CONTAINS(hay, needle) do { const char *h_ = (hay); check_count++; \
	if (!h_ || !strstr(h_, (needle))) { check_failures++; \
	fprintf(stderr, "%s:%d: CHECK failed: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__, h_ ? h_ : "(null)", (needle)); } } while (0)
/* A file under tests/ ($PARLAB_TEST_DIR when ctest runs us). */
static inline const char *fixture(const char *rel)
{
	static char buf[1024];
	const char *dir = getenv("PARLAB_TEST_DIR");
	snprintf(buf, sizeof buf, "%s/%s", dir ? dir : "tests", rel);
	return buf;
}

#define CHECK_DONE() (printf("%d checks, %d failed\n", check_count, check_failures), check_failures ? 1 : 0)

#endif
