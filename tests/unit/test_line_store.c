/* Unit tests of trace/line_store: texts copied whole and kept in place;
 * dropped oldest first, chunks freed as they empty (a flood through a
 * small ring keeps a bounded number of chunks); a long text in a chunk of
 * its own; a text dropped out of order; clearing. And the trace on top:
 * a capped flood keeps its ring's text in a bounded store. */
#include "trace/line_store.h"
#include "trace/trace.h"
#include "check.h"

#include <stdio.h>

static void test_add_drop(void)
{
	line_store s = { 0 };
	char *a = line_store_add(&s, "hello", 5);
	char *b = line_store_add(&s, "", 0);
	char *c = line_store_add(&s, "wor\0ld", 6);   /* bytes as they are, NUL after */
	CHECK_STR(a, "hello");
	CHECK_STR(b, "");
	CHECK(!memcmp(c, "wor\0ld", 7));
	CHECK(s.nchunks == 1);
	line_store_drop(&s, a);
	line_store_drop(&s, b);
	CHECK(s.nchunks == 1);   /* the newest chunk stays, c lives in it */
	CHECK(!memcmp(c, "wor\0ld", 7));
	line_store_drop(&s, c);
	line_store_drop(&s, "not ours");   /* ignored */
	CHECK(s.nchunks == 1);
	line_store_clear(&s);
	CHECK(s.nchunks == 0 && s.bytes == 0 && !s.first && !s.last);
}

/* A ring of 100 texts of 100 bytes, 100 000 through it: never more than
 * a few chunks, every kept text intact. */
static void test_fifo(void)
{
	line_store s = { 0 };
	enum { RING = 100, N = 100000 };
	char *ring[RING], want[128];
	size_t most = 0;
	int intact = 1;
	for (int i = 0; i < N; i++) {
		if (i >= RING) {
			snprintf(want, sizeof want, "%099d", i - RING);
			intact &= !strcmp(ring[i % RING], want);
			line_store_drop(&s, ring[i % RING]);
		}
		snprintf(want, sizeof want, "%099d", i);
		ring[i % RING] = line_store_add(&s, want, 99);
		if (s.nchunks > most) most = s.nchunks;
	}
	CHECK(intact);
	CHECK(most <= 2);   /* 100 x 100 bytes fit in one chunk and a part */
	CHECK(s.bytes <= 2 * (LINE_STORE_CHUNK + 64));
	for (int i = N - RING; i < N; i++) line_store_drop(&s, ring[i % RING]);
	CHECK(s.nchunks == 1);   /* the newest, empty, kept for reuse */
	line_store_clear(&s);
}

/* A text longer than a quarter chunk gets a chunk of its own, freed when
 * it is dropped; a text dropped out of order is found. */
static void test_long_and_out_of_order(void)
{
	line_store s = { 0 };
	static char big[LINE_STORE_CHUNK];
	memset(big, 'x', sizeof big - 1);
	char *a = line_store_add(&s, "a", 1);
	char *l = line_store_add(&s, big, sizeof big - 1);
	char *b = line_store_add(&s, "b", 1);
	CHECK(s.nchunks == 3);
	CHECK(strlen(l) == sizeof big - 1 && l[0] == 'x');
	line_store_drop(&s, l);   /* out of order: its chunk goes */
	CHECK(s.nchunks == 2);
	CHECK_STR(a, "a");
	CHECK_STR(b, "b");
	line_store_drop(&s, a);
	CHECK(s.nchunks == 1);
	CHECK_STR(b, "b");
	line_store_clear(&s);
}

/* The trace: 300 000 lines through a cap of 1 000 + 1 000: the head and
 * the ring are right, and the last line is the last one added. */
static void test_trace_flood(void)
{
	trace *t = trace_new("flood", 0);
	trace_set_line_cap(t, 1000, 1 << 20, 1000, 1 << 20);
	char buf[64];
	for (int i = 0; i < 300000; i++) {
		int n = snprintf(buf, sizeof buf, "line %d\x1b[0m", i);
		trace_line_add(t, 0, i, 1, buf, (size_t)n);
	}
	CHECK(trace_nlines(t) == 2001);
	CHECK(trace_ndropped(t) == 298000);
	CHECK_STR(trace_line_at(t, 999)->text, "line 999");
	CHECK_CONTAINS(trace_line_at(t, 1000)->text, "298000 lines not kept here");
	CHECK_STR(trace_line_at(t, 1001)->text, "line 299000");
	CHECK_STR(trace_line_at(t, 2000)->text, "line 299999");
	trace_free(t);
}

int main(void)
{
	test_add_drop();
	test_fifo();
	test_long_and_out_of_order();
	test_trace_flood();
	return CHECK_DONE();
}
