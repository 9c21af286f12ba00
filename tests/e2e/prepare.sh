#!/usr/bin/env bash
# The clock starts when the run starts (tmux, 80x24): while parlab prepares
# a run (here finding a Python: PARLAB_PYTHON is a python3 that takes 1.5 s
# to answer each probe, so preparing takes several seconds), the timeline's
# title says what it is preparing and how long it has taken, counting up;
# then the run's own clock starts from 0 (not from when preparing began),
# and the run's end time is the run's alone.
#
#   tests/e2e/prepare.sh BUILD/parlab
set -euo pipefail
# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"
e2e_init prepare "$@"
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }

PY=$(command -v python3)
printf '#!/bin/sh\nsleep 1.5\nexec %s "$@"\n' "$PY" >"$WORK/slowpy"
chmod +x "$WORK/slowpy"
cat >"$WORK/slow.lua" <<'EOS'
return lesson {
  title = "Slow to prepare",
  run {
    title = "Slow Python", python = { "json" },
    command = { "python3", "-c", "import time; time.sleep(1.5); print('the run ran')" },
  },
}
EOS
export PARLAB_PYTHON="$WORK/slowpy"   # the tmux server, and so parlab, inherits it

# The preparing seconds on the timeline's title, or nothing.
prep_secs() { cap | grep -F "Timeline" | sed -n 's/.* preparing[:…].* \([0-9][0-9.]*\)s *$/\1/p' | head -1; }

start_parlab "$WORK/slow.lua"
type_line run
wait_for "preparing: finding a" 15
cap | sed 's/.*│//' | tr -s ' \n' ' ' | grep -qF "preparing: finding a Python with json…" || fail "the pane does not say what is being prepared"
a=$(prep_secs)
sleep 1.2
b=$(prep_secs)
[ -n "$a" ] && [ -n "$b" ] || fail "no preparing time on the title ('$a', '$b')"
awk -v a="$a" -v b="$b" 'BEGIN { exit !(b >= a + 0.5) }' || fail "the preparing time does not count up: $a s, then $b s"
expect "The run's clock starts when its"
echo "ok - while preparing, the title says what and for how long ($a s, then $b s)"

# The run starts: the live clock starts from 0, not from the preparation's start.
live=""
for ((i = 0; i < 300; i++)); do
	live=$(cap | sed -n 's/.* live \([0-9.]*\)\(us\|ms\|s\) *$/\1 \2/p' | head -1)
	[ -n "$live" ] && break
	sleep 0.05
done
[ -n "$live" ] || fail "no live clock after preparing"
read -r num unit <<<"$live"
ms=$(awk -v n="$num" -v u="$unit" 'BEGIN { printf "%d", u == "s" ? n * 1000 : u == "ms" ? n : n / 1000 }')
pms=$(awk -v b="$b" 'BEGIN { printf "%d", b * 1000 }')
[ "$ms" -lt "$pms" ] || fail "the live clock began at $num$unit, not near 0 (preparing had taken $b s)"
expect_not "preparing:"
wait_for "finished: exit 0" 60
expect "the run ran"
echo "ok - then the live clock starts from 0 ($num$unit when first seen)"
type_line quit
wait_for "PARLAB-EXITED 0"
