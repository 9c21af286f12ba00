/* test_markup: text step markup as blocks (engine/markup.c): headings,
 * paragraphs and items joined over their lines, verbatim lines as
 * written, what a blank line is (spaces and tabs only) and that a run of
 * them is one blank block, only between blocks; {screen: ...} and
 * {batch: ...} spans read for each medium, and bad markup as an error with
 * its line. */
#include "engine/markup.h"
#include "check.h"

static const char *const kname[] = { "para", "head", "item", "verb", "blank" };

/* The blocks of body in medium as "kind:text|kind:text|...". */
static void blocks_for(const char *body, markup_medium medium, const char *want)
{
	markup *m = markup_parse_for(body, medium);
	char got[2048] = "";
	for (int i = 0; i < markup_count(m); i++) {
		const markup_block *b = markup_at(m, i);
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s:%s", i ? "|" : "", kname[b->kind], b->text);
	}
	CHECK_STR(got, want);
	CHECK(markup_error(m, NULL) == NULL);
	markup_free(m);
}

static void blocks_are(const char *body, const char *want) { blocks_for(body, MARKUP_SCREEN, want); }

/* Each medium's blocks of body: on the screen, in batch. */
static void shown_as(const char *body, const char *screen, const char *batch)
{
	blocks_for(body, MARKUP_SCREEN, screen);
	blocks_for(body, MARKUP_BATCH, batch);
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

static void test_spans(void)
{
	/* inline: the screen keeps its words exactly, batch drops them */
	shown_as("Read it. {screen: Type next.}\n", "para:Read it. Type next.", "para:Read it.");
	shown_as("Read it{batch:, then go on}.\n", "para:Read it.", "para:Read it, then go on.");
	/* one of each in one line, and a span over lines inside a paragraph */
	shown_as("A {screen: on the right}{batch: below} b.\n", "para:A on the right b.", "para:A below b.");
	shown_as("One {screen: two\nthree} four\nfive.\n", "para:One two three four five.", "para:One four five.");
	/* a whole line hidden leaves no blank line: the paragraph runs on */
	shown_as("One.\n{screen: Type next.}\nTwo.\n", "para:One. Type next. Two.", "para:One. Two.");
	/* block form: marker lines are left out in both media; blank lines
	   inside a hidden span too; the blocks in it keep their kinds */
	const char *block = "Intro.\n\n{screen:\n# Look\n\n- the timeline\n- the output\n}\n\nAfter.\n";
	shown_as(block, "para:Intro.|blank:|head:Look|blank:|item:the timeline|item:the output|blank:|para:After.",
		 "para:Intro.|blank:|para:After.");
	/* a span that starts its line drops the spaces after its ':': an item in it */
	shown_as("{screen: - on screen}\n{batch: - in batch}\n- both\n", "item:on screen|item:both",
		 "item:in batch|item:both");
	shown_as("  {screen: - x}\n", "verb:  {screen: - x}", "verb:  {screen: - x}");   /* verbatim: as written */
	/* elsewhere they are kept: a word before and a word in the span stay apart */
	shown_as("Wait{screen:, shown as x}{batch: (waited)}.\n", "para:Wait, shown as x.", "para:Wait (waited).");
	shown_as("Again {screen: (type run)} and\n", "para:Again (type run) and", "para:Again and");
	shown_as("  {x}\n{screen: a}{batch: b}  c\n", "verb:  {x}|para:a c", "verb:  {x}|para:b c");
	/* braces inside a span pair up; a brace that opens no span is text */
	shown_as("{batch: a {x} b} {y} c}\n", "para:{y} c}", "para:a {x} b {y} c}");
	shown_as("{ screen: not markup} and {1: nor this}\n", "para:{ screen: not markup} and {1: nor this}",
		 "para:{ screen: not markup} and {1: nor this}");
	/* a verbatim line outside a span is as written; inside one, it is read */
	shown_as("  d = {key: v}\n", "verb:  d = {key: v}", "verb:  d = {key: v}");
	shown_as("{screen:\n  x = {1}\n}\n", "verb:  x = {1}", "");
	/* the whole body hidden: no blocks */
	shown_as("{screen: Type next.}\n", "para:Type next.", "");
	/* line numbers are the body's own */
	markup *m = markup_parse_for("{screen: One\n\ntwo}\nThree\n\nFour\n", MARKUP_BATCH);
	CHECK(markup_count(m) == 3);
	CHECK(markup_count(m) == 3 && markup_at(m, 0)->line == 4 && markup_at(m, 2)->line == 6);
	markup_free(m);
}

/* Bad markup: an error with the body's line, and the body shown as written. */
static void bad_is(const char *body, int line, const char *msg)
{
	for (int medium = MARKUP_SCREEN; medium <= MARKUP_BATCH; medium++) {
		markup *m = markup_parse_for(body, (markup_medium)medium);
		int at = -1;
		const char *err = markup_error(m, &at);
		CHECK(err != NULL);
		if (err && !strstr(err, msg)) fprintf(stderr, "error \"%s\", want \"%s\"\n", err, msg);
		CHECK(err && strstr(err, msg));
		if (at != line) fprintf(stderr, "error at line %d, want %d (%s)\n", at, line, body);
		CHECK(at == line);
		int shown = 0;   /* as written: the marker is on the page */
		for (int i = 0; i < markup_count(m); i++) shown |= strstr(markup_at(m, i)->text, "{") != NULL;
		CHECK(shown);
		markup_free(m);
	}
}

static void test_bad(void)
{
	bad_is("One.\n\nTwo {scren: x}.\n", 3, "unknown markup \"{scren:\"");
	bad_is("One.\n{Screen: x}\n", 2, "unknown markup \"{Screen:\"");
	bad_is("One.\n{screen: two\n\nthree.\n", 2, "the {screen: span never closes");
	bad_is("{batch: a {b} c\n", 1, "the {batch: span never closes");
	bad_is("{screen: a\n{batch: b}}\n", 2, "\"{batch:\" inside the {screen: span of line 1");
	markup *m = markup_parse("Fine. {screen: x}");
	int line = 7;
	CHECK(markup_error(m, &line) == NULL && line == 0);
	markup_free(m);
}

/* Words that never start a wrapped line alone (both front ends' wraps). */
static void test_closing(void)
{
	static const char *const yes[] = { ")", ").", "),", "]", "}", ".", ",", ";", ":", "!", "?", "\"", "'", ")\"",
		"\u2026", ").\u2019", "\u00bb", "\u201d.", NULL };
	static const char *const no[] = { "(", "a)", "(b).", ")a", "-", "\u2014", "\u00b7", "x", "1.", NULL };
	for (const char *const *w = yes; *w; w++) {
		if (!markup_closing(*w, strlen(*w))) fprintf(stderr, "\"%s\" should close\n", *w);
		CHECK(markup_closing(*w, strlen(*w)));
	}
	for (const char *const *w = no; *w; w++) {
		if (markup_closing(*w, strlen(*w))) fprintf(stderr, "\"%s\" should not close\n", *w);
		CHECK(!markup_closing(*w, strlen(*w)));
	}
	CHECK(!markup_closing(")", 0));
	CHECK(!markup_closing("\u2026", 2));   /* a character cut short is not one */
}

/* One-paragraph fields (a question, a choice, a hint): the spans read for
 * each medium, the lines kept; bad markup as written. */
static void test_shown(void)
{
	char *a = markup_shown("Count {screen:the lanes}{batch:the CPUs}.", MARKUP_SCREEN);
	char *b = markup_shown("Count {screen:the lanes}{batch:the CPUs}.", MARKUP_BATCH);
	CHECK_STR(a, "Count the lanes.");
	CHECK_STR(b, "Count the CPUs.");
	free(a);
	free(b);
	a = markup_shown("one\n{screen:two}\nthree\n", MARKUP_BATCH);
	CHECK_STR(a, "one\nthree\n");
	free(a);
	a = markup_shown("plain {k: v}", MARKUP_SCREEN);   /* bad: as written */
	CHECK_STR(a, "plain {k: v}");
	free(a);
	a = markup_shown(NULL, MARKUP_SCREEN);
	CHECK_STR(a, "");
	free(a);
}

int main(void)
{
	test_kinds();
	test_blank();
	test_lines();
	test_gaps();
	test_spans();
	test_bad();
	test_closing();
	test_shown();
	return CHECK_DONE();
}
