#!/usr/bin/env bash
# End-to-end test of the screen's keys in a real terminal (tmux, 80x24).
#
#   tests/e2e/keys.sh BUILD/parlab
#
# Drives the course tests/e2e/keys/ (three lessons): F1, ? and Esc, Enter, q
# with the help page; Tab and Shift-Tab move the focus, and PgUp/PgDn, Home
# and End move the focused pane only (lesson, timeline lanes, output);
# focus PANE; pause freezes the trace panes while a run goes on, resume and
# F12 catch up, a pause outlives the run's end; the course menu shows the
# done mark, "here" and the score, Up/Down and Enter open a lesson, a lesson
# with must_answer blocks the way; at 200x60 the menu is a table; Up/Down
# stay the history with nothing open. Then quit: status, tty and processes.
set -euo pipefail

BIN=${1:?usage: keys.sh PATH/TO/parlab}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
HERE=$(cd "$(dirname "$0")" && pwd)

command -v tmux >/dev/null || { echo "FAIL: tmux is needed for this test (apt-get install tmux)"; exit 1; }
[ -x "$BIN" ] || { echo "FAIL: $BIN is not an executable"; exit 1; }

# A marker in the course's path, so in the argv of parlab and of every
# worker it forks: what is left of the run is found by it.
MARK=parlab-keys-mark-$$
WORK=$(mktemp -d "${TMPDIR:-/tmp}/keys-e2e.XXXXXX")
LDIR=$WORK/$MARK
mkdir -p "$LDIR/tmp"
cp -r "$HERE/keys" "$LDIR/course"
SOCK=parlab-keys-$$
T=(tmux -L "$SOCK" -f /dev/null)
PANE=keys
# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"

trap cleanup_marked EXIT

text() { "${T[@]}" send-keys -t "$PANE" -l -- "$1"; }

header() { cap | sed -n 1p; }
status_line() { cap | sed -n 23p; }
prompt_line() { cap | sed -n 24p; }

# The panes at 80x24, in characters (UTF-8): the lesson pane is columns
# 0-43 (the separator, its scroll bar, is 44), the right-hand panes start
# at 46; the Output rule splits them into timeline (above) and output.
u8() { LC_ALL=C.UTF-8 "$@"; }
body() { cap | sed -n 2,22p; }
lesson_pane() { body | u8 sed -E 's/^(.{0,44}).*/\1/'; }
right_col() { body | u8 sed -E 's/^.{0,46}//'; }
rule_row() { right_col | grep -n -m1 -- "─ Output" | cut -d: -f1; }
tl_pane() { local r; r=$(rule_row); right_col | sed -n "1,$((r - 1))p"; }
out_pane() { local r; r=$(rule_row); right_col | sed -n "$((r + 1)),\$p"; }

# Waits until pane $1 (a function above) differs from $2.
wait_change() {
	local pane=$1 was=$2 secs=${3:-5} i
	for ((i = 0; i < secs * 10; i++)); do
		[ "$($pane)" != "$was" ] && return 0
		sleep 0.1
	done
	fail "waited ${secs}s for the $pane to change"
}

# Presses $1 and checks that pane $2 changed and the other two did not.
moves_only() {
	local k=$1 pane=$2 l t o p
	l=$(lesson_pane); t=$(tl_pane); o=$(out_pane)
	key "$k"
	case $pane in lesson_pane) wait_change lesson_pane "$l" ;; tl_pane) wait_change tl_pane "$t" ;; out_pane) wait_change out_pane "$o" ;; esac
	sleep 0.3   # anything else it might (wrongly) have moved is drawn by now
	for p in lesson_pane tl_pane out_pane; do
		[ "$p" = "$pane" ] && continue
		case $p in lesson_pane) was=$l ;; tl_pane) was=$t ;; out_pane) was=$o ;; esac
		[ "$($p)" = "$was" ] || fail "$k with the focus on the $pane moved the $p too"
	done
}

start() {
	launch 80 24 PARLAB_STATE=off TMPDIR="$LDIR/tmp" LANG=C.UTF-8 LC_ALL=C.UTF-8 -- "$1"
	wait_for "parlab>" 15
}

check_exit() {
	local want=$1 what=$2 i left=""
	wait_for "PARLAB-EXITED" 20
	expect "PARLAB-EXITED $want"
	[ "$("${T[@]}" display-message -p -t "$PANE" '#{alternate_on}')" = 0 ] || fail "$what: the alternate screen is still on"
	cmp -s "$WORK/stty.before" "$WORK/stty.after" || fail "$what: tty modes not restored"
	for ((i = 0; i < 50; i++)); do
		left=$(leftovers)
		[ -z "$left" ] && break
		sleep 0.1
	done
	[ -z "$left" ] || fail "$what: processes of the run left behind: $left"
	echo "ok - $what"
}

start "$LDIR/course"
wait_for "Paragraph 1 of a text"
expect "Tab focus: lesson"

# ---- 1. help: F1, ?, Esc, Enter, q ---------------------------------------------------
key F1
wait_for "Commands"
expect "Esc: back"
key Escape
wait_gone "Commands"
text "?"
wait_for "Commands"
[[ $(prompt_line) == "parlab>" ]] || fail "? on an empty prompt should open help, not be typed: \"$(prompt_line)\""
key Enter
wait_gone "Commands"
text "?"
wait_for "Commands"
text "q"
wait_gone "Commands"
[[ $(prompt_line) == "parlab>" ]] || fail "q should have closed help and typed nothing: \"$(prompt_line)\""
text "why?"
wait_for "parlab> why?"
expect_not "Commands"
key C-u
wait_gone "why?"
type_line "help"
wait_for "Commands"
for k in "F1 or ?" "pause" "resume, play" "focus PANE" "Tab" "F12" "Home End" "PgUp PgDn"; do
	key Home   # from the top of the page each time
	sleep 0.2
	for ((i = 0; i < 8; i++)); do cap | grep -qF -- "$k" && break; key NPage; sleep 0.2; done
	expect "$k"
done
key Escape
wait_gone "Esc: back to the lesson"
expect "Paragraph 1 of a text"
echo "ok - help: F1, ?, Esc, Enter, q; ? inside a line is text; every new key and command listed"

# ---- 2. focus: Tab, Shift-Tab, PgUp/PgDn, Home/End move only the focused pane --------
type_line "next"
wait_for "Type run to start it"
type_line "run"
wait_for "finished: all 12 workers exited 0" 30
wait_for "72 lines"
moves_only PPage lesson_pane
key Tab
wait_for "Tab focus: timeline"
moves_only NPage tl_pane
moves_only Home tl_pane
key Tab
wait_for "Tab focus: output"
moves_only PPage out_pane
expect "▲"   # the rule says where in the output the pane is
moves_only End out_pane
expect "72 lines"   # following the end again
key Tab
wait_for "Tab focus: lesson"
moves_only End lesson_pane
key BTab
wait_for "Tab focus: output"
key BTab
wait_for "Tab focus: timeline"
text "sta"
key Tab
wait_for "parlab> stats"
expect "Tab focus: timeline"   # Tab after a word completes; the focus stays
key C-u
type_line "focus output"
wait_for "Tab focus: output"
type_line "focus lesson"
wait_for "Tab focus: lesson"
type_line "focus nowhere"
wait_for "focus lesson, focus timeline or focus output"
echo "ok - focus: Tab, Shift-Tab, focus PANE; PgUp/PgDn, Home/End move only the focused pane"

# ---- 3. pause: the picture stands still while the run goes on --------------------------
type_line "pause"
wait_for "Nothing to pause: the run shown has ended"
type_line "next"
wait_for "Type run to start it"
type_line "run"
wait_for "tick 1 5" 30
type_line "pause"
wait_for "|| paused at"
header | grep -qF "|| paused" || fail "the header should say paused"
status_line | grep -qF "the run goes on" || fail "the status line should say the run goes on"
frozen=$(out_pane)
tl_frozen=$(tl_pane)
last=$(echo "$frozen" | grep -oE "tick [01] [0-9]+" | tail -1 | awk '{ print $3 }')
wait_for " new ─" 10   # lines keep arriving underneath
sleep 1
[ "$(out_pane)" = "$frozen" ] || fail "paused, the output pane changed"
[ "$(tl_pane)" = "$tl_frozen" ] || fail "paused, the timeline changed"
type_line "resume"
wait_gone "|| paused"
wait_change out_pane "$frozen"
now=$(out_pane | grep -oE "tick [01] [0-9]+" | tail -1 | awk '{ print $3 }')
[ "${now:-0}" -gt "$((last + 5))" ] || fail "resume should catch up with the run: tick $last before, $now after"
expect_not " new ─"
key F12
wait_for "|| paused at"
key F12
wait_gone "|| paused"
type_line "resume"
wait_for "Not paused"
type_line "pause"
wait_for "|| paused at"
frozen=$(out_pane)
type_line "stop"
wait_for "stopped by you" 15   # the Run box
wait_for "the run has ended since"
[ "$(out_pane)" = "$frozen" ] || fail "a pause should outlive the end of the run"
header | grep -qF "|| paused" || fail "the header should still say paused after the run ended"
type_line "resume"
wait_gone "|| paused"
wait_for "killed"    # the lanes of the run it stopped
echo "ok - pause freezes timeline and output while the run goes on; resume, F12; a pause outlives the run"

# ---- 4. the course menu: done, here, score; Up/Down and Enter ---------------------------
type_line "next"
wait_for "How many runs did this lesson have?"
type_line "2"
wait_for "score 1/1"
type_line "lessons"
wait_for "Lessons"
expect "1 of 3 lessons done"
expect "score 1/1"
row=$(cap | grep -F "1. Keys and panes") || fail "no menu row for lesson 1"
[[ $row == *"✓"* ]] || fail "lesson 1 is done: its row should have the done mark: \"$row\""
[[ $row == *"▶"* ]] || fail "the menu should select the current lesson: \"$row\""
cap | grep -qF "2. A gate" || fail "no menu row for lesson 2"
cap | grep -F "2. A gate" | grep -qF "✓" && fail "lesson 2 is not done but has the done mark"
expect "here"
key Down
wait_for "▶    2. A gate"
key Up
wait_for "▶ ✓  1. Keys and panes"
key Down
wait_for "▶    2. A gate"
key Enter
wait_for "2/3 A gate"
wait_gone "Lessons"
expect "The question below must be answered"
type_line "lessons"
wait_for "Lessons"
key Down
wait_for "▶    3. Behind the gate"
key Enter
wait_for "Answer the question in lesson 2"
header | grep -qF "2/3 A gate" || fail "a blocked lesson should not open"
"${T[@]}" resize-window -t "$PANE" -x 200 -y 60
wait_for "1. Keys and panes" 
for ((i = 0; i < 30; i++)); do cap | grep -F "1. Keys and panes" | grep -qF "score 1/1" && break; sleep 0.1; done
cap | grep -F "1. Keys and panes" | grep -qF "score 1/1" || fail "at 200x60 each lesson should be one row with its score"
"${T[@]}" resize-window -t "$PANE" -x 80 -y 24
wait_for "Lessons"
key Escape
wait_gone "Lessons"
sleep 0.2   # Esc and the next key a moment apart, as typed (a key's sequence comes at once)
key Up   # nothing open: the history
wait_for "parlab> lessons"
key C-u
echo "ok - the course menu: done mark, here, score; Up/Down and Enter open a lesson; a gate holds"

type_line "quit"
check_exit 0 "quit after the keys"
echo "PASS: keys"
