/* markup: the prose markup of text steps (and notes, explanations), parsed
 * once for every front end. A body is a list of lines; each line is
 *   blank      nothing but spaces and tabs (or nothing at all);
 *   verbatim   two spaces first: kept as written, one block per line;
 *   heading    "# " first: one line;
 *   item       "- " first: runs on over the lines below it;
 *   paragraph  anything else: runs on over the lines below it;
 * an item or paragraph runs to the next blank, verbatim, heading or item
 * line. A run of blank lines between two blocks is one blank block; blank
 * lines before the first block or after the last give none. Front ends
 * draw the blocks their own way, spaced by one rule (markup_gap_before;
 * docs/lessons.md).
 *
 * Before the lines are read, spans say where text is shown: "{screen: ...}"
 * only on the screen (the TUI), "{batch: ...}" only in the batch transcript.
 * A span opens with "{", a word and ":" (no space between), runs over any
 * number of lines to its closing "}" (braces inside it pair up) and holds
 * no other span. When a span starts its line, the spaces right after its
 * ":" are dropped (so that "{screen: - text}" is an item); elsewhere they
 * are kept (a paragraph's runs of spaces are one space anyway).
 * A line left with nothing but spaces once the spans are read, and which
 * held something before (a hidden span, a marker), is left out as if it
 * were not there; so is every line wholly inside a hidden span. A
 * verbatim line outside a span is kept as written: no markup is read in
 * it. An unknown word ("{scren:"), a span inside a span or a span that
 * never closes is an error (markup_error); the body is then shown as
 * written, markers and all. */
#ifndef PARLAB_MARKUP_H
#define PARLAB_MARKUP_H

#include <stddef.h>

typedef enum { MARKUP_PARAGRAPH, MARKUP_HEADING, MARKUP_ITEM, MARKUP_VERBATIM, MARKUP_BLANK } markup_kind;

typedef struct {
	markup_kind kind;
	char *text;           /* paragraph, heading, item: its words joined by one
	                         space (the marker, newlines, tabs and runs of
	                         spaces gone); verbatim: the line as written;
	                         blank: "" */
	int line;             /* where it starts in the body, from 1 */
} markup_block;

typedef struct markup markup;

/* Where the blocks are shown: which spans are kept. */
typedef enum { MARKUP_SCREEN, MARKUP_BATCH } markup_medium;

/* The blocks of body (NULL: none) as shown on the screen. Never NULL;
 * markup_free frees it. */
markup *markup_parse(const char *body);
/* The blocks of body as shown in the given medium. */
markup *markup_parse_for(const char *body, markup_medium medium);
/* The body's text as shown in medium, its spans read but its lines kept
 * (for one-paragraph fields: a question, its choices, hints); as written
 * when the markup is bad. The caller frees it. */
char *markup_shown(const char *body, markup_medium medium);
/* What is wrong with the body's markup, NULL when nothing is; *line (if
 * line is not NULL) is the body's line where it is, from 1. */
const char *markup_error(const markup *m, int *line);
int markup_count(const markup *m);
/* Block i (0-based), or NULL past the end. */
const markup_block *markup_at(const markup *m, int i);
/* Does an empty line go before block i? Not before the first, nor right
 * after a heading, nor inside a run of items or of verbatim lines that no
 * blank line parts; before every other block, yes. Blank blocks are not
 * drawn: 0. */
int markup_gap_before(const markup *m, int i);
void markup_free(markup *m);

/* Whether the n bytes at s (n > 0) are closing punctuation only: ")",
 * ").", "]," "...", a closing quote. Such a word never starts a wrapped
 * line by itself: both front ends' wraps keep it with the word before. */
int markup_closing(const char *s, size_t n);

#endif
