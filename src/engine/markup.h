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
 * docs/lessons.md). */
#ifndef PARLAB_MARKUP_H
#define PARLAB_MARKUP_H

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

/* The blocks of body (NULL: none). Never NULL; markup_free frees it. */
markup *markup_parse(const char *body);
int markup_count(const markup *m);
/* Block i (0-based), or NULL past the end. */
const markup_block *markup_at(const markup *m, int i);
/* Does an empty line go before block i? Not before the first, nor right
 * after a heading, nor inside a run of items or of verbatim lines that no
 * blank line parts; before every other block, yes. Blank blocks are not
 * drawn: 0. */
int markup_gap_before(const markup *m, int i);
void markup_free(markup *m);

#endif
