#!/bin/bash
# Text markup in batch: the engine's blocks (engine/markup.c) laid out as
# plain text, spaced by the one rule the TUI uses too (markup_gap_before):
# a line of spaces is a blank line (not verbatim); none after a heading;
# a run of items stays together unless a blank line parts it; an item and
# a verbatim line are two blocks.
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
echo "ok: markup laid out"
