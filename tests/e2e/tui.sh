#!/usr/bin/env bash
# End-to-end test of the interactive screen in a real terminal (tmux, 80x24).
#
#   tests/e2e/tui.sh BUILD/parlab [COURSE]
#
# Drives tests/e2e/mini.lua as a student would: steps with Enter, an unknown
# command, run (waits for "Worker: 2" and the outcome, then the run's
# statistics in the Run box and the stats panel; zoom, pan and the cursor
# change the axis labels and the lanes' status column; save writes the
# trace), help, a hint, the right answer, a resize below 80x24 and back,
# quit. Then: Ctrl-C stops a live run and a second one quits; SIGTERM during
# a run; a fatal signal (SIGSEGV); Ctrl-D; NO_COLOR; the saved trace played
# back by parlab replay.
# After each: the exit status, the alternate screen gone, the tty modes as
# they were (stty -g before = after), and no process of the run left.
# Finally a smoke walk through COURSE (default: lessons/module14 when it
# exists): every step, every run, every question.
set -euo pipefail

BIN=${1:?usage: tui.sh PATH/TO/parlab [COURSE]}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=${PARLAB_SRC:-$(cd "$HERE/../.." && pwd)}
COURSE=${2:-}
if [ -z "$COURSE" ] && [ -f "$SRC/lessons/module14/course.lua" ]; then COURSE=$SRC/lessons/module14; fi

command -v tmux >/dev/null || { echo "FAIL: tmux is needed for this test (apt-get install tmux)"; exit 1; }
[ -x "$BIN" ] || { echo "FAIL: $BIN is not an executable"; exit 1; }

# A marker in the lesson's path (so in the argv of parlab and of every
# worker it forks) and in TMPDIR (so in the cwd of commands a run starts).
MARK=parlab-e2e-mark-$$
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tui-e2e.XXXXXX")
LDIR=$WORK/$MARK
mkdir -p "$LDIR" "$LDIR/tmp"
cp "$HERE/mini.lua" "$HERE/long.lua" "$LDIR/"
SOCK=parlab-test-$$
T=(tmux -L "$SOCK" -f /dev/null)
PANE=e2e
# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"

trap cleanup_marked EXIT

status_line() { cap | sed -n 23p; }

# The timeline pane: right of the lesson pane (at 80x24, after 46 columns;
# counted in characters, so in a UTF-8 locale).
tl_rows() { cap | sed -n 2,12p | LC_ALL=C.UTF-8 sed -E 's/^.{46}//'; }
# The axis: the timeline row just above the legend ("█run ░wait ...").
axis_line() { tl_rows | LC_ALL=C.UTF-8 awk '/run .*wait/ { print prev; exit } { prev = $0 }'; }
# A lane's status column, e.g. "exit 0", "cpu1", "wait".
lane_status() {
	tl_rows | grep -a "^$1 " | grep -aoE " (exit [0-9]+|done|SIG[A-Z0-9]+|cpu[0-9]+|wait|sleep|I/O|-|idle)$" | sed 's/^ //'
}

# Presses PgDn until $1 shows (the lesson pane or an overlay).
page_until() {
	local i
	for ((i = 0; i < 6; i++)); do
		cap | grep -qF -- "$1" && return 0
		key NPage
		sleep 0.2
	done
	fail "paged down 6 times and never saw \"$1\""
}

# Starts parlab in a fresh tmux server at 80x24 (launch: the tty modes
# recorded before and after, then the exit status; the pane stays open).
start() {
	local lesson=$1 env=${2:-} args=${3:-}
	# shellcheck disable=SC2086 # $env and $args are lists of words
	launch 80 24 $env TMPDIR="$LDIR/tmp" LANG=C.UTF-8 LC_ALL=C.UTF-8 -- $args "$lesson"
	wait_for_any "parlab>" "PARLAB-EXITED" 15
}

wait_for_any() {
	local a=$1 b=$2 secs=${3:-10} i
	for ((i = 0; i < secs * 10; i++)); do
		cap | grep -qF -e "$a" -e "$b" && return 0
		sleep 0.1
	done
	fail "waited ${secs}s for \"$a\" or \"$b\""
}

parlab_pid() { pgrep -o -f -- "$BIN .*$MARK" || true; }

# After parlab has exited: status, screen and tty restored, nothing left.
check_exit() {
	local want=$1 what=$2
	wait_for "PARLAB-EXITED" 20
	expect "PARLAB-EXITED $want"
	local alt
	alt=$("${T[@]}" display-message -p -t "$PANE" '#{alternate_on}')
	[ "$alt" = 0 ] || fail "$what: the alternate screen is still on"
	cap | grep -qF "parlab>" && fail "$what: the TUI is still on the screen after exit"
	[ -s "$WORK/stty.after" ] || fail "$what: no tty modes recorded after exit"
	cmp -s "$WORK/stty.before" "$WORK/stty.after" ||
		fail "$what: tty modes not restored: $(cat "$WORK/stty.before") -> $(cat "$WORK/stty.after")"
	local i left=""
	for ((i = 0; i < 50; i++)); do
		left=$(leftovers)
		[ -z "$left" ] && break
		sleep 0.1
	done
	[ -z "$left" ] || fail "$what: processes of the run left behind: $(for p in $left; do tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline"; echo; done)"
	echo "ok - $what"
}

# ---- 1. a student's walk through the mini lesson ------------------------------
start "$LDIR/mini.lua"
wait_for "Many hands"
expect "step 1/4"
expect "Enter: next"
key Enter
wait_for "step 2/4"
wait_for "import multiprocessing"
expect "example.py"
# A long code line wraps at a space near the edge, not inside a word.
cap | grep -qF '│↪number."""' || fail "code lines should wrap at a space (line 4 of example.py)"
type_line "frobnicate"
wait_for 'Unknown command "frobnicate"'
key Enter
wait_for "step 3/4"
wait_for "Type run to start it"
type_line "run"
wait_for "Worker: 2" 30
wait_for "finished: all 3 workers exited 0" 30
for lane in CPU0 w0 w1 w2 "exit 0" "capture:" "Output"; do expect "$lane"; done
cap | grep -qE 'w[0-2] +Worker: [0-2]' || fail "output lines should read \"TIME wN Worker: N\""
expect "Each worker printed once"   # the run's note

# statistics: a summary in the Run box, the whole of them with stats
expect "tasks running on"
expect "type stats for more"
type_line "stats"
wait_for "Run statistics"
for s in "wall time" "at once" "Tasks running at once" "CPU busy with the run"; do expect "$s"; done
page_until "this run / other programs / idle"   # from the CPUs' own counters
page_until "Per task"
expect "switches"
key Enter
wait_gone "Run statistics"

# zoom, pan: the axis labels change; the cursor: the lanes' status column
axis0=$(axis_line)
[ -n "$axis0" ] || fail "no axis under the lanes"
type_line "zoom in"
wait_for "zoom 2.0x"
axis1=$(axis_line)
[ "$axis1" != "$axis0" ] || fail "zoom in did not change the axis labels: \"$axis0\""
type_line "pan left"
sleep 0.3
axis2=$(axis_line)
[ "$axis2" != "$axis1" ] || fail "pan left did not change the axis labels: \"$axis1\""
for ((i = 0; i < 5; i++)); do   # on to the start
	type_line "pan left"
	sleep 0.2
	cap | grep -qF "This is the start of the run." && break
done
expect "This is the start of the run."
type_line "zoom fit"
wait_gone "zoom 2.0x"
[ "$(axis_line)" = "$axis0" ] || fail "zoom fit should give the first axis back: \"$axis0\" / \"$(axis_line)\""
for w in w0 w1 w2; do [ "$(lane_status $w)" = "exit 0" ] || fail "$w's status should be exit 0"; done
type_line "at 1ms"
wait_for "at 1.00ms"
for w in w0 w1 w2; do
	st=$(lane_status $w)
	[[ $st =~ ^(cpu[0-9]+|wait|sleep|I/O|-)$ ]] || fail "at 1ms, $w's status should be its state then, not \"$st\""
done
tl_rows | grep -aE "^CPU0 " | grep -aqE "(idle|others|w[0-2]|parlab…?)$" || fail "at 1ms, CPU0's status should name its task, others or idle"
key S-Right   # the cursor moves a column
wait_gone "at 1.00ms"
type_line "at off"
wait_for "exit 0"
key F10       # zoom in by key
wait_for "zoom 2.0x"
key F9
wait_gone "zoom 2.0x"
type_line "at 10s"
wait_for "is past"
type_line "save $WORK/mini.trace"
wait_for "Saved: $WORK/mini.trace"
grep -q "^parlab-trace " "$WORK/mini.trace" || fail "the saved file is not a trace"

type_line "help"
wait_for "Commands"
expect "stats"
page_until "zoom in/out"
page_until "PgUp PgDn"
page_until "Shift-Left/Right"   # the keys section is longer than a page
key Enter
wait_gone "Commands"
key Enter
wait_for "step 4/4"
wait_for "How many worker processes ran?"
expect "1-3: answer"
type_line "hint"
wait_for "Hint: Count the task lanes."
type_line "2"
wait_for "Right: 2) three"
wait_for "score 1/1"
expect "Three worker processes were forked"   # the explanation
"${T[@]}" resize-window -t "$PANE" -x 60 -y 20
wait_for "terminal too small (need 80x24, have 60x20)"
"${T[@]}" resize-window -t "$PANE" -x 80 -y 24
wait_gone "terminal too small"
wait_for "How many worker processes ran?"
expect "parlab>"
type_line "quit"
check_exit 0 "walk through mini.lua, quit"

# ---- 2. Ctrl-C stops a live run; Ctrl-C again quits ---------------------------
start "$LDIR/long.lua"
key Enter
wait_for "Type run to start it"
type_line "run"
wait_for "sleeper 1 up" 30
wait_for "live"
[ -n "$(leftovers | tr -d '[:space:]')" ] || fail "the run's processes should be alive"
key C-c
wait_for "stopped by you" 15
wait_gone "stop: end the run"
expect "killed"    # the lanes: killed when parlab stopped the run
key C-c
check_exit 130 "Ctrl-C stops the run, then quits"

# ---- 3. SIGTERM during a live run ------------------------------------------------
start "$LDIR/long.lua"
key Enter
type_line "run"
wait_for "sleeper 1 up" 30
pid=$(parlab_pid)
[ -n "$pid" ] || fail "cannot find parlab's pid"
kill -TERM "$pid"
check_exit 143 "SIGTERM during a run"

# ---- 4. a fatal signal: the terminal is still restored ---------------------------
start "$LDIR/mini.lua"
pid=$(parlab_pid)
[ -n "$pid" ] || fail "cannot find parlab's pid"
kill -SEGV "$pid"
wait_for "PARLAB-EXITED" 10
expect "the terminal was restored"
check_exit 139 "SIGSEGV restores the terminal"

# ---- 5. Ctrl-D quits ---------------------------------------------------------------
start "$LDIR/mini.lua"
key C-d
check_exit 0 "Ctrl-D"

# ---- 6. NO_COLOR: attributes only ------------------------------------------------
start "$LDIR/mini.lua" "NO_COLOR=1"
key Enter
key Enter
type_line "run"
wait_for "finished: all 3 workers exited 0" 30
if "${T[@]}" capture-pane -p -e -t "$PANE" | grep -qE $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7]|38;5|48;5)(;[0-9;]*)?m'; then
	fail "NO_COLOR is set but the screen has colours"
fi
type_line "quit"
check_exit 0 "NO_COLOR"

# ---- 7. replay of the trace saved in 1 ---------------------------------------------
start "$WORK/mini.trace" "" "replay --speed 0.02"
wait_for "parlab replay"
wait_for "playing at 0.02x"
expect "Run statistics"
type_line "pause"
wait_for "Paused at"
type_line "seek 0"
wait_for "(no output yet)"
expect "0 lines"
type_line "step 10s"   # to the end
wait_for "the end"
wait_for "finished: all 3 workers exited 0"
expect "3 lines"
cap | grep -qE 'w[0-2] +Worker: [0-2]' || fail "replay: the output lines should be there at the end"
type_line "at 1ms"
wait_for "at 1.00ms"
type_line "speed 50"
type_line "restart"
wait_for "the end" 10
type_line "quit"
check_exit 0 "replay: pause, seek, step, cursor, speed, restart"

# ---- 8. smoke: the whole course, every step --------------------------------------
if [ -n "$COURSE" ]; then
	rm -rf "$LDIR/course"
	cp -r "$COURSE" "$LDIR/course"
	start "$LDIR/course"
	steps=0
	for ((i = 0; i < 400; i++)); do
		st=$(status_line)
		if [[ $st == *"run: start it"* ]]; then
			type_line "run"
			sleep 0.3
			for ((j = 0; j < 1800; j++)); do
				[[ $(status_line) == *"stop: end the run"* ]] || break
				sleep 0.1
			done
			[[ $(status_line) == *"stop: end the run"* ]] && fail "course: a run did not end"
			cap | grep -qE "✓|✗|! not run" || fail "course: a run ended without an outcome"
			continue
		fi
		if [[ $st == *": answer"* ]]; then
			type_line "1"
			sleep 0.3
			[[ $(status_line) == *": answer"* ]] && type_line "1"   # wrong: twice shows the answer
			sleep 0.3
			continue
		fi
		if cap | grep -qF "End of the course" && [[ $st != *"read on"* ]]; then break; fi
		key Enter
		steps=$((steps + 1))
		sleep 0.15
	done
	cap | grep -qF "End of the course" || fail "course: never reached the end"
	type_line "quit"
	check_exit 0 "every step of $(basename "$COURSE") ($steps key presses)"
fi

echo "PASS: tui"
