#!/usr/bin/env bash
# The screen at 80x24 with tests/e2e/wrap.lua: closing help or stats
# leaves the lesson pane scrolled as it was; the output pane scrolls back
# to its first line when lines wrap (Home), PgUp/PgDn move by a page of
# wrapped rows and reach every line.
#
#   tests/e2e/screen.sh BUILD/parlab
set -euo pipefail
# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"
e2e_init screen "$@"
cp "$HERE/wrap.lua" "$WORK/"
export XDG_DATA_HOME="$WORK/data"   # save's folder, made by save
mkdir "$WORK/cwd" && cd "$WORK/cwd"  # parlab's current folder: save leaves it empty

# The row numbers of the output lines on the screen ("row07" -> 7).
rows_seen() { cap | grep -o 'row[0-9][0-9]' | sed 's/row0*//' | sort -n | uniq; }

# ---- the lesson pane keeps its place under help and stats -------------------
start_parlab "$WORK/wrap.lua"
expect "A run of one worker"
key NPage
wait_gone "A run of one worker"
expect "Line O of a long step: the end."
type_line help
wait_for "Esc: back to the lesson"
# The end of Module 14 sends the student here for another course.
# Each page's rows joined (pages overlap, so no phrase of two rows is lost).
flat=""
for _ in 1 2 3 4 5 6 7 8 9 10; do
	flat+=" $(cap | sed 's/|.*//; s/│.*//; s/▼.*//' | tr '\n' ' ' | tr -s ' ')"
	key NPage
	sleep 0.2
done
for want in "Another course" "quit and start parlab with its folder" "parlab PATH" "parlab list names"; do
	[[ "$flat" == *"$want"* ]] || fail "help does not say how to open another course: no \"$want\""
done
key Home
key Escape
wait_for "Line O of a long step: the end."
expect_not "A run of one worker"
echo "ok - closing help: the lesson pane as it was"

# ---- the output pane: Home, PgUp, PgDn over wrapped lines -------------------
type_line next
wait_for "Type run"
type_line run
wait_for "33 lines" 20
cap | grep -qF row33 || fail "the last line is not shown after the run"
key Tab; key Tab   # lesson -> timeline -> output
wait_for "Tab focus: output"
key Home
wait_for "row01"
seen=$(rows_seen)
[ "$(head -1 <<<"$seen")" = 1 ] || fail "Home does not reach the first output line (first seen: $(head -1 <<<"$seen"))"
echo "ok - Home reaches the first output line"

# PgDn from the top, page by page, shows every line, each page new rows,
# and ends at the last line.
all=$seen
prev_last=$(tail -1 <<<"$seen")
for _ in $(seq 1 12); do
	key NPage
	sleep 0.3
	seen=$(rows_seen)
	all=$(printf '%s\n%s\n' "$all" "$seen" | sort -n | uniq)
	last=$(tail -1 <<<"$seen")
	[ "$last" = 33 ] && break
	[ "$last" -gt "$prev_last" ] || fail "PgDn did not move the output (last line $last)"
	prev_last=$last
done
[ "$(wc -l <<<"$all")" = 33 ] || fail "paging down skipped output lines: saw $(tr '\n' ' ' <<<"$all")"
echo "ok - PgDn pages through every wrapped line"

# PgUp from the end moves by a page: the next page up shares at most one
# line with the one before and the lines below the page are gone.
key End
sleep 0.3
key PPage
sleep 0.3
up1=$(rows_seen)
[ "$(tail -1 <<<"$up1")" -lt 33 ] || fail "PgUp did not move the output"
[ "$(tail -1 <<<"$up1")" -ge 25 ] || fail "PgUp moved more than a page (last line $(tail -1 <<<"$up1"))"
for _ in $(seq 1 12); do key PPage; sleep 0.2; done
[ "$(rows_seen | head -1)" = 1 ] || fail "PgUp does not reach the first output line"
echo "ok - PgUp moves by a page and reaches the first line"

type_line "focus lesson"
key Home
wait_for "A run of one worker"
type_line stats
wait_gone "A run of one worker"
key Escape
wait_for "A run of one worker"
echo "ok - closing stats: the lesson pane as it was"

# ---- a long status message wraps: the saved file's whole path -------------
dir="$WORK/a-folder-with-a-long-name-to-push-the-file-name-past-the-edge"
mkdir -p "$dir"
file="$dir/the-end-of-the-name-that-replay-needs.trace"
sleep 0.3
under=$(cap | sed -n 18,22p)   # the rows above the status line
type_line "save $file"
wait_for "Saved:"
# The message's rows, above the prompt, joined: the whole path is there
# (spaces aside: the path breaks at the edge).
msg=$(cap | grep -v '^parlab>' | tail -8 | tr -d ' \n')
want=$(tr -d ' ' <<<"Saved: $file (parlab replay FILE plays it back)")
[[ "$msg" == *"$want"* ]] || fail "the status message is cut: read \"$msg\""
[ -f "$file" ] || fail "save wrote no $file"
key Escape
wait_gone "Saved:"
sleep 0.3
# The rows the message covered show the panes again, as they were.
[ "$(cap | sed -n 18,22p)" = "$under" ] || fail "the panes under the message did not come back as they were"
echo "ok - a long status message wraps and reads whole"

# save with no file: into the data folder ($XDG_DATA_HOME/parlab/traces,
# made as needed), the full path said; nothing in the current folder.
type_line save
wait_for "Saved:"
saved=$(ls "$XDG_DATA_HOME"/parlab/traces/parlab-many-lines-*.trace 2>/dev/null || true)
[ -n "$saved" ] && [ "$(wc -l <<<"$saved")" = 1 ] || fail "save wrote no trace into \$XDG_DATA_HOME/parlab/traces"
head -1 "$saved" | grep -q "^parlab-trace " || fail "the saved file is not a trace"
msg=$(cap | grep -v '^parlab>' | tail -8 | tr -d ' \n')
[[ "$msg" == *"Saved:$saved(parlabreplayFILEplaysitback)"* ]] || fail "the message does not give the whole path $saved: $msg"
[ -z "$(ls -A "$WORK/cwd")" ] || fail "save wrote into the current folder: $(ls -A "$WORK/cwd")"
key Escape
wait_gone "Saved:"
echo "ok - save: into the data folder, the whole path said"

type_line quit
wait_for "PARLAB-EXITED 0"

# ---- LANG=C: every glyph in ASCII, one per meaning; stand-ins in the text ----
launch 80 24 PARLAB_STATE=off TMPDIR="$WORK" LANG=C LC_ALL=C -- "$WORK/wrap.lua"
wait_for "parlab>" 15
wait_for "Glyphs: # run"
flat=$(cap | sed 's/|.*//' | tr '\n' ' ' | tr -s ' ')   # the lesson pane, rows joined
[[ "$flat" == *"Glyphs: # run, : wait, . sleep, + right, x times, -> to, ? idea."* ]] ||
	fail "no ASCII stand-ins in the lesson text: $flat"
cap | grep -q '??' && fail "a character shows as ?? under LANG=C"
type_line next
type_line run
wait_for "33 lines" 20
expect "#run =part :wait .sleep %other"   # the legend at 80x24: run, part, wait, sleep and other kept; I/O and idle left out
expect "+ finished"                            # right: +, not the wait glyph
cap | grep -q '[^ -~]' && fail "a byte beyond ASCII on the screen under LANG=C"
type_line lessons
wait_for "here / "
echo "ok - LANG=C: ASCII glyphs, distinct per meaning, stand-ins in the text"
key Escape
wait_gone "here / "
type_line quit
wait_for "PARLAB-EXITED 0"
