#!/usr/bin/env bash
# A queue's length over time in the TUI (tmux, 80x24 and 200x60): the
# queue has a lane of its own under the CPUs, named as the lesson names it,
# with bars as high as it was full and its length at the end (0/3 empty);
# the legend says what the bars are; `at` says how full it was then; stats
# gives the blocks' figures while the run goes ("so far") and at its end,
# with the queue's length over time as digits.
#
#   tests/e2e/queue.sh BUILD/parlab
set -euo pipefail
# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"
e2e_init queue "$@"

# The timeline's lane of the queue: "jobs" then bars, then its status.
lane() { cap | grep -E '│ jobs ' | head -1 || true; }
# The left pane (stats) as one line of words: it wraps sentences.
left() { cap | LC_ALL=C.UTF-8 sed -E 's/^(.{44}).*/\1/' | tr -s ' \n' '  '; }
wait_left() { wait_until left "$@"; }

start_parlab "$HERE/queue.lua"
type_line run
type_line stats                      # while it goes: the figures so far
wait_for "Run statistics"
for i in 1 2 3 4 5 6 7 8; do
	cap | grep -qF "Blocks (so far)" && break
	cap | grep -qF "Blocks (at the run's end)" && break
	key NPage
	sleep 0.3
done
if cap | grep -qF "Blocks (so far)"; then   # a slow machine may have finished already
	seen=$(left)
	key NPage
	sleep 0.3
	seen+=$(left)
	grep -qF "jobs (queue): " <<<"$seen" || fail "stats has no queue figures under its blocks"
	echo "ok - stats gives the queue's figures while the run goes"
fi
# The whole stats pane, top to bottom, as one line of words.
stats_text() {
	local i text=""
	for ((i = 0; i < 8; i++)); do key PPage; done
	sleep 0.3
	for ((i = 0; i < 8; i++)); do text+=" $(left)"; key NPage; sleep 0.2; done
	tr -s ' ' <<<"$text"
}
for ((i = 0; i < 15; i++)); do
	text=$(stats_text)
	[[ "$text" == *"Blocks (at the run's end)"* ]] && break
	sleep 1
done
[[ "$text" == *"Blocks (at the run's end)"* ]] || fail "stats never said the blocks' figures at the run's end"
[[ "$text" == *"jobs (queue): 62 put, 62 taken, at most 3 in it"* ]] || fail "no queue figures at the end: $text"
[[ "$text" =~ "jobs over time, each digit "[^:]+": the most it held "[0-3]*3[0-3]* ]] || fail "no digits of the queue's length: $text"
echo "ok - stats at the end: the queue's figures and its length over time"
key Escape
wait_gone "Run statistics"
sleep 0.5   # Esc then a letter at once would be Meta-letter
l=$(lane)
[[ "$l" == *"█"* ]] || fail "the queue's lane shows no full moment: $l"
echo "ok - the queue's lane at 80x24: full bars"
type_line "at 100ms"
for ((i = 0; i < 50; i++)); do   # the message wraps: read it as one line
	cap | tr -s ' \n' '  ' | grep -qE "queue jobs: [0-3] of 3" && break
	sleep 0.1
done
cap | tr -s ' \n' '  ' | grep -qE "queue jobs: [0-3] of 3" || fail "at does not say how full the queue was"
echo "ok - at says how full the queue was"

"${T[@]}" resize-window -t "$PANE" -x 200 -y 60
sleep 0.5
type_line "at off"
sleep 0.5
l=$(lane)
[[ "$l" == *"█"* && "$l" == *"0/3 empty"* ]] || fail "at 200x60 the queue's lane is not full, then empty at the end: $l"
expect "queued"
echo "ok - the lane at 200x60: its length at the end, the legend"
type_line quit
wait_for "PARLAB-EXITED 0"
echo "PASS"
