#!/bin/bash
# Text markup in batch: the engine's blocks (engine/markup.c) laid out as
# plain text, spaced by the one rule the TUI uses too (markup_gap_before):
# a line of spaces is a blank line (not verbatim); none after a heading;
# a run of items stays together unless a blank line parts it; an item and
# a verbatim line are two blocks. tests/lessons/good/spans.lua: batch-only
# text shown, screen-only text not (a fixed text, a note function, an
# explanation), a line left with nothing does not split its paragraph,
# bad markup from a body function is said in its place with its file:line;
# a blank line follows a question's choices; the wrap keeps a word of
# closing punctuation only (" ." where a hidden span was) with the word
# before it.
set -u
parlab=$(realpath "$1")
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
out=$("$parlab" --batch --state off "$src/tests/lessons/good/markup.lua" </dev/null)
want='== Lesson 1/1: Markup ==

Blocks
A paragraph over two lines.

  - an item
  - another item

  - an item after a blank line

  verbatim after an item

  verbatim after a blank line

After verbatim.

=== end of Markup: 0 of 0 questions answered right ==='
if [[ "$out" != *"$want"* ]]; then
	echo "FAIL: want:"; echo "$want"; echo "--- in:"; echo "$out"
	exit 1
fi

line=$(grep -n '{scren:' "$src/tests/lessons/good/spans.lua" | cut -d: -f1)   # the body function's
out=$(echo 1 | "$parlab" --batch --state off "$src/tests/lessons/good/spans.lua" 2>&1)
for want in '== Lesson 1/1: Spans ==

Where it shows
Both see this. Batch readers read on.

After the list.

  - a batch-only item

A batch-only paragraph. The end of the step.

In batch this line is as wide as the whole transcript, so its final words
wait . And on.

--- run: One worker (1 process) ---' \
	'1 worker printed. On to the question.' \
	'How many workers ran?
  1) one
  2) two

answer> 1
Right: 1) one
One. The task table had one worker.'; do
	if [[ "$out" != *"$want"* ]]; then
		echo "FAIL: want:"; echo "$want"; echo "--- in:"; echo "$out"
		exit 1
	fi
done
# where the message wraps depends on the lesson's path: compare it flattened
flat=$(echo "$out" | tr '\n' ' ' | tr -s ' ')
want="spans.lua:$line: the text's body returned a text whose line 1 has bad markup: unknown markup \"{scren:\""
if [[ "$flat" != *"$want"* ]]; then
	echo "FAIL: want:"; echo "$want"; echo "--- in:"; echo "$out"
	exit 1
fi
for screen in "Type next" "right-hand side" "the output pane" "(on screen)" "Its lane" "Type next to go on"; do
	if [[ "$out" == *"$screen"* ]]; then echo "FAIL: screen-only \"$screen\" in:"; echo "$out"; exit 1; fi
done
echo "ok: markup laid out; screen-only text left out, batch text in"
