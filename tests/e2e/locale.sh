#!/usr/bin/env bash
# Numbers in a decimal-comma locale (de_DE.UTF-8): parlab reads and writes
# them with a point whatever LC_NUMERIC the student has, as its help, its
# lessons and its files do. `parlab replay FILE --speed 0.5` takes 0.5 (it
# read 0 of "0.5") and refuses "0,5"; `progress --export` CSV keeps one
# field per column (it wrote 0,0632: a column too many); in the TUI (tmux)
# the replay header says 0.5x, `speed 0.25` and `seek 1.5ms` are taken.
# No such locale on this machine and none can be made (localedef into a
# private LOCPATH): exit 77, skipped.
#
#   tests/e2e/locale.sh BUILD/parlab
set -euo pipefail

# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"
e2e_init locale "$@"
SRC=${PARLAB_SRC:-$(cd "$HERE/../.." && pwd)}
mini=$SRC/tests/lessons/good/mini.lua

trap '"${T[@]}" kill-server >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

# ---- a decimal-comma locale: the system's, else one made for this test --------------
LOC=de_DE.UTF-8
comma() { [ "$(LC_ALL=$LOC locale decimal_point 2>/dev/null)" = "," ]; }
if ! comma; then
	mkdir -p "$WORK/loc"
	if localedef -i de_DE -f UTF-8 "$WORK/loc/$LOC" >/dev/null 2>&1; then export LOCPATH=$WORK/loc; fi
fi
if ! comma; then
	echo "SKIP: no decimal-comma locale: $LOC is not installed and localedef could not make it" \
		"(the locales package's /usr/share/i18n data is needed)"
	exit 77
fi
de() { env LANG=$LOC LC_ALL=$LOC "$@"; }

# ---- the command line ----------------------------------------------------------------
de "$BIN" --batch --save-trace "$WORK/tr" "$mini" </dev/null >"$WORK/batch.out" 2>&1 ||
	{ cat "$WORK/batch.out"; echo "FAIL: batch in $LOC"; exit 1; }
trace=$WORK/tr/01-three-processes.trace
[ -s "$trace" ] || { echo "FAIL: no $trace"; exit 1; }

# Without a terminal replay stops after reading its arguments: at the screen.
rc=0
err=$(de "$BIN" replay "$trace" --speed 0.5 </dev/null 2>&1 >/dev/null) || rc=$?
[[ "$err" != *"--speed wants"* ]] || { echo "FAIL: --speed 0.5 refused in $LOC: $err"; exit 1; }
[[ "$err" == *"needs a terminal"* ]] || { echo "FAIL: replay --speed 0.5 (exit $rc): $err"; exit 1; }
err=$(de "$BIN" replay "$trace" --speed 0,5 </dev/null 2>&1 >/dev/null) || true
[[ "$err" == *"--speed wants a number"* ]] || { echo "FAIL: --speed 0,5 should be refused: $err"; exit 1; }

# progress --export: the time spent (a REAL) written with a point.
echo 2 | de PARLAB_STATE="$WORK/state" "$BIN" --batch "$mini" >/dev/null
de PARLAB_STATE="$WORK/state" "$BIN" progress --export "$WORK/p.csv" >/dev/null
python3 - "$WORK/p.csv" <<'EOF' || exit 1
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
head, body = rows[0], rows[1:]
bad = [r for r in body if len(r) != len(head)]
if bad:
    sys.exit("FAIL: CSV rows with %d fields, not %d: %s" % (len(bad[0]), len(head), bad[0]))
spent = [r[head.index("seconds")] for r in body if r[0] == "time_spent"]
if not spent:
    sys.exit("FAIL: no time_spent row in the export")
for s in spent:
    float(s)   # "0,0632" raises
EOF

# ---- the screen: a replay in tmux -------------------------------------------------------
launch 80 24 ${LOCPATH:+LOCPATH="$LOCPATH"} LANG="$LOC" LC_ALL="$LOC" -- replay "$trace" --speed 0.5
wait_for "parlab replay" 15
wait_for "0.5x"
type_line "speed 0.25"
wait_for "0.25x"
expect_not "speed X:"
type_line "seek 1.5ms"
wait_for "Paused at 1.50ms"
type_line "quit"
wait_for "PARLAB-EXITED 0"
echo "ok: numbers with a point in $LOC"
