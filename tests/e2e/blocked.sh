#!/usr/bin/env bash
# Waiting made visible (tmux): w0 holds lock A 600 ms while w1 waits for it
# (tests/e2e/blocked.lua). w1's lane shows the blocked glyph, the legend
# explains it, the output pane lists both marks, and `at` in the middle of
# the wait says "w1: waiting for lock A, held by w0" and "w0: holds lock A";
# the lane's status column says "▚ A" (the glyph: 80 columns leave the
# timeline no room for the word). Then the same in an ASCII
# locale (the blocked glyph is "b"). Two CPU hogs run beside it all along.
#
#   tests/e2e/blocked.sh BUILD/parlab
set -euo pipefail
# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"
e2e_init blocked "$@"
hogs=()
cleanup() { for p in "${hogs[@]}"; do kill "$p" 2>/dev/null || true; done; e2e_cleanup; }
trap cleanup EXIT
for _ in 1 2; do (while :; do :; done) & hogs+=($!); done

# start LOCALE: parlab on the lesson at 100x30.
start() {
	launch 100 30 PARLAB_STATE="$WORK/state" TMPDIR="$WORK" LANG="$1" LC_ALL="$1" -- "$HERE/blocked.lua"
	wait_for "parlab>" 15
}

# The lane of task $1 ("w1"), the text after its label.
lane() { cap | grep -E "(│|\|) +$1 [0-9]+ " | head -1; }

check() {   # $1: the blocked glyph
	type_line run
	wait_for "finished" 30
	wait_for "mark: got it" 10
	expect "mark: took the lock"
	lane w1 | grep -qF -- "$1" || fail "w1's lane has no blocked glyph $1: $(lane w1)"
	lane w0 | grep -qF -- "$1" && fail "w0's lane shows $1 but w0 never waited: $(lane w0)"
	expect "blocked"     # the legend
	# w0 held the lock: its lane is underlined (SGR 4) there
	"${T[@]}" capture-pane -p -e -t "$PANE" | grep -E " w0 [0-9]+" | grep -qE $'\e\\[([0-9]+;)*4(;[0-9]+)*m' ||
		fail "w0's lane is not underlined where it holds the lock"
	type_line "at 350ms"
	wait_for "w1: waiting for lock A, held by w0" 5
	expect "w0: holds lock A"
	lane w1 | grep -qF "$1 A" || fail "w1's status at the cursor is not \"$1 A\": $(lane w1)"
}

start C.UTF-8
check "▚"
type_line quit
wait_for "PARLAB-EXITED 0" 10
start C
check "b"
echo "ok - blocked lanes, held lock, marks and at, in UTF-8 and ASCII, beside two CPU hogs"
