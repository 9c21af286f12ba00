/* test_markup: text step markup as blocks (engine/markup.c): headings,
 * paragraphs and items joined over their lines, verbatim lines as
 * written, what a blank line is (spaces and tabs only) and that a run of
 * them is one blank block, only between blocks. */
#include "engine/markup.h"
#include "check.h"

static const char *const kname[] = { "para", "head", "item", "verb", "blank" };

/* The blocks of body as "kind:text|kind:text|...". */
static void blocks_are(const char *body, const char *want)
{
	markup *m = markup_parse(body);
	char got[2048] = "";
	for (int i = 0; i < markup_count(m); i++) {
		const markup_block *b = markup_at(m, i);
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s:%s", i ? "|" : "", kname[b->kind], b->text);
	}
	CHECK_STR(got, want);
	markup_free(m);
}

static void test_kinds(void)
{
	blocks_are(NULL, "");
	blocks_are("", "");
	blocks_are("\n\n  \n\t\n", "");   /* blank lines alone: no block */
	blocks_are("# A heading\nA paragraph that\nruns on  over\tlines.\n",
		   "head:A heading|para:A paragraph that runs on over lines.");
	blocks_are("- one\n  two\n- three\n", "item:one|verb:  two|item:three");
	blocks_are("- an item that\nruns on\n- next\n", "item:an item that runs on|item:next");
	blocks_are("  x = 1\n\tif y:\n  \ty\n", "verb:  x = 1|para:if y:|verb:  \ty");
	blocks_are("#no space\n-no space\n", "para:#no space -no space");
	blocks_are("Para\n# Head\nPara two\n", "para:Para|head:Head|para:Para two");
	blocks_are("#  Spaced   heading  \n", "head:Spaced heading");
	blocks_are("text without a newline", "para:text without a newline");
}

static void test_blank(void)
{
	/* a run of blank lines (empty, spaces, tabs) is one blank block */
	blocks_are("One.\n\n   \n\t\nTwo.\n", "para:One.|blank:|para:Two.");
	/* spaces-only lines are blank, not verbatim, and end a paragraph */
	blocks_are("One\n    \nTwo\n", "para:One|blank:|para:Two");
	blocks_are("One\n \nTwo\n", "para:One|blank:|para:Two");
	/* none before the first block or after the last */
	blocks_are("\n\n# H\n\n\n", "head:H");
	/* a blank line parts runs of verbatim lines and items */
	blocks_are("  a\n  b\n\n  c\n", "verb:  a|verb:  b|blank:|verb:  c");
	blocks_are("- a\n\n- b\n", "item:a|blank:|item:b");
	blocks_are("- a\n\nAfter.\n", "item:a|blank:|para:After.");
}

static void test_lines(void)
{
	markup *m = markup_parse("# H\n\nPara\nmore\n\n\n  v\n- i\n");
	static const int want[] = { 1, 2, 3, 5, 7, 8 };
	CHECK(markup_count(m) == 6);
	for (int i = 0; i < markup_count(m) && i < 6; i++) CHECK(markup_at(m, i)->line == want[i]);
	CHECK(markup_at(m, 6) == NULL && markup_at(m, -1) == NULL);
	markup_free(m);
}

/* The one spacing rule both front ends draw by. */
static void test_gaps(void)
{
	/* heading, para, item, item, blank, item, verbatim, verbatim, blank, verbatim, para */
	markup *m = markup_parse("# H\nPara\n- a\n- b\n\n- c\n  v1\n  v2\n\n  v3\nEnd\n");
	static const int want[] = { 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 1 };
	CHECK(markup_count(m) == 11);
	for (int i = 0; i < markup_count(m) && i < 11; i++) {
		if (markup_gap_before(m, i) != want[i]) fprintf(stderr, "block %d: gap %d, want %d\n", i, markup_gap_before(m, i), want[i]);
		CHECK(markup_gap_before(m, i) == want[i]);
	}
	CHECK(markup_gap_before(m, 11) == 0 && markup_gap_before(m, -1) == 0);
	markup_free(m);
	m = markup_parse("# H\n\nPara\n");   /* a blank after a heading: still no gap */
	CHECK(markup_count(m) == 3 && markup_gap_before(m, 2) == 0);
	markup_free(m);
}

int main(void)
{
	test_kinds();
	test_blank();
	test_lines();
	test_gaps();
	return CHECK_DONE();
}
