#!/usr/bin/env bash
# Dask's task lanes in the TUI (tmux, 80x24 and 200x60): Module 14 lesson
# 7's cluster run (example2_cluster.py: a real LocalCluster of two worker
# processes) for real; its task lanes, "dask PID.N", are on the timeline
# under the CPUs at both sizes; zoomed onto the tasks, the cursor (at)
# says a lane's task by its prefix and key ("dask 5857.0 getitem
# ('getitem-…', 2) 15.3ms"); stats' Dask section names both workers as
# processes of this run, the lanes' pids among them, with their tasks per
# prefix. Nothing here depends on how fast the machine is: the times the
# cursor is put at are read off the screen's own axis.
#
#   tests/e2e/dask.sh BUILD/parlab
set -euo pipefail
# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"
e2e_init dask "$@"
SRC=$(cd "$HERE/../.." && pwd)
if ! /usr/bin/python3 -c 'import distributed' 2>/dev/null; then
	echo "SKIP: /usr/bin/python3 cannot import distributed (apt-get install python3-distributed)"
	exit 77
fi

# The screen's timeline read by its geometry (every glyph one column):
#   geom span: "MID SPAN" in ms, the middle and width of the time the Dask
#              lanes' bars cover, from the axis's tick labels;
#   geom cols: the instants (ms) of the Dask lanes' columns with a bar,
#              the fullest first.
cat >"$WORK/geom.py" <<'PY'
import re
import sys

BARS = '▁▂▃▄▅▆▇█'
lines = sys.stdin.read().split('\n')
cpu = next(i for i, l in enumerate(lines) if 'CPU0' in l)
L = lines[cpu].index('CPU0')


def ns(tok):
    m = re.fullmatch(r'(\d+(?:\.\d+)?)(us|ms|s)?', tok)
    return float(m.group(1)) * {'us': 1e3, 'ms': 1e6, 's': 1e9, None: 1}[m.group(2)] if m else None


ticks = None
for l in lines[cpu + 1:]:   # the axis: the first row of only numbers (and ▲▼)
    part = l[L:]
    if re.search(r'[A-Za-z]{3}', part):
        continue
    vals = [(m.start() + L, ns(m.group())) for m in re.finditer(r'\S+', part)]
    vals = [(c, v) for c, v in vals if v is not None]
    if len(vals) >= 2:
        ticks = vals
        break
if not ticks:
    sys.exit('no axis on the screen')
(c0, t0), (c1, t1) = ticks[0], ticks[-1]
scale = (t1 - t0) / (c1 - c0)   # ns per column
cols = []
for l in lines[cpu + 1:]:
    m = re.search(r'dask \d+\.\d+ +', l)
    if m:
        cols += [(BARS.index(ch), m.end() + i) for i, ch in enumerate(l[m.end():]) if ch in BARS]
if not cols:
    sys.exit('no bars on the Dask lanes')
at = lambda c: (t0 + (c + 0.5 - c0) * scale) / 1e6
if sys.argv[1] == 'span':
    a, b = min(c for _, c in cols), max(c for _, c in cols)
    print('%.3f %.3f' % ((at(a) + at(b)) / 2, (b - a + 1) * scale / 1e6))
else:
    for _, c in sorted(set(cols), key=lambda x: -x[0]):
        print('%.3f' % at(c))
PY
geom() { cap | /usr/bin/python3 "$WORK/geom.py" "$1"; }
# The pids on the Dask lanes' labels.
lane_pids() { cap | grep -oE '│ dask [0-9]+\.[0-9]+ ' | sed -E 's/.*dask ([0-9]+)\..*/\1/' | sort -u; }
flat() { cap | tr -s ' \n' '  '; }

start_parlab "$SRC/lessons/module14/07-dask.lua"
for _ in 1 2 3 4 5 6; do type_line next; sleep 0.3; done
wait_for "step 7/7"
expect "A local Dask cluster"
type_line run
wait_for "finished: exit 0" 300

# 80x24: the task lanes are pinned under the CPUs, on screen at once.
for ((i = 0; i < 30; i++)); do [ -n "$(lane_pids)" ] && break; sleep 0.2; done
[ -n "$(lane_pids)" ] || fail "no Dask task lane (dask PID.N) at 80x24"
cap | grep -qE '│ dask [0-9]+\.0 ' || fail "no first lane (dask PID.0) at 80x24"
echo "ok - the Dask task lanes at 80x24: $(lane_pids | tr '\n' ' ')"

# 200x60: every lane, and a task by its prefix at the cursor.
"${T[@]}" resize-window -t "$PANE" -x 200 -y 60
sleep 1
pids=$(lane_pids)
[ -n "$pids" ] || fail "no Dask task lane at 200x60"
read -r mid span <<<"$(geom span)" || fail "could not read the timeline's axis and the Dask lanes"
type_line "at ${mid}ms"
sleep 0.3
zoom=$(awk -v s="$span" 'BEGIN { z = s * 1.5; if (z < 1) z = 1; printf "%.3f", z }')
type_line "zoom ${zoom}ms"
sleep 0.8
if cap | grep -E '│ dask [0-9]+\.[0-9]+ ' | grep -qE 'getitem|series-'; then
	echo "ok - zoomed onto the tasks, a lane writes its task's prefix"
fi
found=""
for t in $(geom cols | head -40); do
	type_line "at ${t}ms"
	for ((i = 0; i < 10; i++)); do
		flat | grep -qE "at [0-9.]+m?s: " && break
		sleep 0.1
	done
	said=$(flat | grep -oE "dask [0-9]+\.[0-9]+ (getitem|series-[a-z-]+) \('[a-z-]+…?[^)]*\) [0-9.]+(us|ms|s)" | head -1 || true)
	if [ -n "$said" ]; then found=$said; break; fi
done
[ -n "$found" ] || fail "the cursor on the Dask lanes' bars never said a task by its prefix and key"
echo "ok - at says the lane's task: $found"
type_line "at off"
type_line "zoom fit"
sleep 0.3

# stats: the Dask section names both workers, the lanes' pids among them.
stats_text() {
	local i text="" cut
	cut=$(cap | grep -m1 -F 'CPU0' | /usr/bin/python3 -c 'import sys; print(sys.stdin.read().index("│ CPU0"))')
	for ((i = 0; i < 12; i++)); do key PPage; done
	sleep 0.3
	for ((i = 0; i < 12; i++)); do
		text+=" $(cap | /usr/bin/python3 -c 'import sys; [print(l[:int(sys.argv[1])]) for l in sys.stdin.read().split("\n")]' "$cut")"
		key NPage
		sleep 0.2
	done
	tr -s ' \n' '  ' <<<"$text"
}
type_line stats
wait_for "Run statistics"
text=$(stats_text)
[[ "$text" == *"Dask workers"* ]] || fail "stats has no Dask workers section: $text"
workers=$(grep -oE "process [0-9]+ of this run" <<<"$text" | sort -u | awk '{ print $2 }')
[ "$(wc -l <<<"$workers")" -eq 2 ] || fail "stats does not name two workers of this run: $workers / $text"
for p in $pids; do
	grep -qx "$p" <<<"$workers" || fail "lane pid $p is not one of stats' workers ($workers)"
done
grep -qE "getitem +[0-9]+ " <<<"$text" || fail "stats has no getitem row for a worker: $text"
[[ "$text" == *"Dask transfers"* ]] || fail "stats has no transfers part: $text"
echo "ok - stats: both workers ($(tr '\n' ' ' <<<"$workers")) of this run, their tasks per prefix, the transfers"
key Escape
wait_gone "Run statistics"
sleep 0.5
type_line quit
wait_for "PARLAB-EXITED 0"
echo "PASS"
