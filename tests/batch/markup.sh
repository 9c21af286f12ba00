#!/bin/bash
# Text markup in batch: the engine's blocks (engine/markup.c) laid out as
# plain text. A line of spaces is a blank line (not verbatim), and a blank
# line between items or after verbatim lines leaves an empty line, as in
# the TUI.
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
