#!/usr/bin/env bash
# Lanes say what they are (tmux): every pid a run prints is on a lane's
# label, beside the task's name; a command that execs another program is
# named as the kernel renamed it; and in a 256-colour terminal no two task
# lanes on screen share a colour (nor the runner's). Eight worker processes
# at 100x40 and 80x24, a command that execs, then the Python pool of
# module 14 (lesson 5) when python3 is there.
#
#   tests/e2e/lanes.sh BUILD/parlab
set -euo pipefail
# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"
e2e_init lanes "$@"
SRC=$(cd "$HERE/../.." && pwd)
command -v python3 >/dev/null || { echo "FAIL: python3 is needed to read the screen's colours"; exit 1; }

# start LESSON COLS ROWS TERM: parlab in a fresh tmux of that size, whose
# terminal type is TERM (screen-256color: 256 colours).
start() {
	launch "$2" "$3" TERM="$4" PARLAB_STATE="$WORK/state-$2" TMPDIR="$WORK" LANG=C.UTF-8 LC_ALL=C.UTF-8 -- "$1"
	wait_for "parlab>" 15
}

# The pids the output pane shows, from lines "... pid N" or "... process N".
printed_pids() { cap | grep -oE '(pid|process) [0-9]+' | awk '{print $2}' | sort -u; }

# Every printed pid is on a lane label ("w3 20719", "python3 20719",
# "pytho… 20719"): the label column starts after the pane's "│ ".
pids_on_lanes() {
	local pids pid n=0
	pids=$(printed_pids)
	[ -n "$pids" ] || fail "no pid in the output"
	for pid in $pids; do
		cap | grep -qE "│  ?[^ ]+ $pid +[^ ]" || fail "pid $pid (printed by the run) is on no lane label"
		n=$((n + 1))
	done
	[ "$n" -ge "${1:-1}" ] || fail "only $n pids printed, expected $1"
}

# In the screen with its colours (capture-pane -e): each task lane label
# (a name and a pid after "│ ") and its foreground colour; no two the same.
# Prints "N lanes, N colours".
distinct_colours() {
	"${T[@]}" capture-pane -p -e -t "$PANE" >"$WORK/screen.ansi"
	python3 - "$WORK/screen.ansi" <<'PY'
import re, sys
sgr = re.compile(r'\x1b\[([0-9;]*)m')
lanes = {}
for raw in open(sys.argv[1], encoding='utf-8', errors='replace'):
    fg, text, colour = None, [], []
    i = 0
    while i < len(raw):
        m = sgr.match(raw, i)
        if m:
            ps = [int(p) if p else 0 for p in m.group(1).split(';')]
            j = 0
            while j < len(ps):
                p = ps[j]
                if p == 0 or p == 39: fg = None
                elif 30 <= p <= 37 or 90 <= p <= 97: fg = str(p)
                elif p == 38 and j + 2 < len(ps) and ps[j + 1] == 5: fg = '38;5;%d' % ps[j + 2]; j += 2
                elif p == 38 and j + 4 < len(ps) and ps[j + 1] == 2: fg = '38;2;%d;%d;%d' % tuple(ps[j + 2:j + 5]); j += 4
                j += 1
            i = m.end()
            continue
        text.append(raw[i]); colour.append(fg); i += 1
    line = ''.join(text)
    # a label, then the lane's cells: glyphs, never ASCII ("host took 4 %)" in the run box is no lane)
    for m in re.finditer(r'│ ( ?)(\S+) ([0-9]+)(?: \(starts the workers\))? +[^\x00-\x7f]', line):
        name, pid = m.group(2), m.group(3)
        lanes[name + ' ' + pid] = colour[m.start(2)]
if len(lanes) < 2:
    print('fewer than 2 task lanes found: %r' % lanes); sys.exit(1)
uncoloured = [k for k, c in lanes.items() if c is None]
if uncoloured:
    print('lanes without a colour: %r' % uncoloured); sys.exit(1)
seen = {}
for k, c in lanes.items():
    if c in seen:
        print('lanes "%s" and "%s" share the colour %s' % (seen[c], k, c)); sys.exit(1)
    seen[c] = k
if not any(c.startswith('38;5;') for c in seen):
    print('no 256-colour lane: %r' % lanes); sys.exit(1)
print('%d lanes, %d colours' % (len(lanes), len(seen)))
PY
}

# Eight worker processes, 100x40, 256 colours.
start "$HERE/lanes.lua" 100 40 screen-256color
type_line run
wait_for "finished: all 8 workers exited 0" 30
pids_on_lanes 8
cap | grep -qE "│ parlab [0-9]+ " || fail "the runner's lane is not \"parlab PID\""
echo "ok - the pid each of 8 workers printed is on its lane (100x40)"
out=$(distinct_colours) || fail "$out"
case $out in "9 lanes, 9 colours") ;; *) fail "expected 9 lanes in 9 colours, got: $out" ;; esac
echo "ok - 8 workers and the runner: 9 lanes, 9 colours (256-colour terminal)"

# The command that execs: named as the kernel named it after the exec.
type_line next
type_line run
wait_for "finished: exit 0" 30
pid=$(printed_pids | head -1)
[ -n "$pid" ] || fail "the command printed no pid"
cap | grep -qE "│ sleep $pid +[^ ]" || fail "the command that exec'd sleep is not \"sleep $pid\" on its lane"
cap | grep -qE "[0-9](ms|us|s)? +sleep +pid $pid" || fail "the output does not name the line's task as its lane does (sleep)"
echo "ok - a command that execs another program is named by its new name, with its pid"
type_line quit
wait_for "PARLAB-EXITED 0"

# 80x24: the timeline is about 35 columns wide; names are cut, pids stay.
start "$HERE/lanes.lua" 80 24 screen
type_line run
wait_for "finished: all 8 workers exited 0" 30
for ((i = 0; i < 12; i++)); do   # the task lanes scroll: see each of them once
	cap >>"$WORK/seen80"
	key M-Down
	sleep 0.2
done
key PPage
for pid in $(grep -oE '(pid|process) [0-9]+' "$WORK/seen80" | awk '{print $2}' | sort -u); do
	grep -qE "│  ?[^ ]+ $pid +[^ ]" "$WORK/seen80" || fail "pid $pid is on no lane label at 80x24"
done
[ "$(grep -oE '│ w[0-7] [0-9]+ ' "$WORK/seen80" | sort -u | wc -l)" -ge 8 ] || fail "not every worker's lane shows its pid at 80x24"
echo "ok - at 80x24 too, every worker's lane shows its pid"
type_line quit
wait_for "PARLAB-EXITED 0"

# The Python pool (module 14, lesson 5): five python3 lanes that read apart.
if command -v python3 >/dev/null; then
	start "$SRC/lessons/module14/05-pool.lua" 100 40 screen-256color
	for s in next next next; do type_line "$s"; sleep 0.3; done
	wait_for "Type run"
	type_line run
	wait_for "finished: exit 0" 60
	pids_on_lanes 3
	out=$(distinct_colours) || fail "$out"
	echo "ok - the pool's parent and workers: their printed pids on their lanes; $out"
	type_line quit
	wait_for "PARLAB-EXITED 0"
fi
