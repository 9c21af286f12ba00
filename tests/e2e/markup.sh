#!/usr/bin/env bash
# The screen side of the lesson markup (engine/markup.c), in a real
# terminal (tmux, 80x24) on tests/lessons/good/spans.lua:
# - {screen: ...} text is on the screen exactly where the lesson has it
#   ("Type next to go on.", the items about the timeline), {batch: ...}
#   text is not; tests/batch/markup.sh checks the transcript's side; so
#   are Module 14's ("look at the right-hand side of the screen", "Type
#   next"; batch.module14 checks they are not in its transcript);
# - wrapped text never leaves closing punctuation alone on a line: the
#   long words "aaa...(b)" of its last step, one for each width of the
#   lesson pane from 39 to 51 (42 at 80x24), break before their last
#   letter, not before the ")".
#
#   tests/e2e/markup.sh BUILD/parlab
set -euo pipefail

# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"
e2e_init markup "$@"
SRC=${PARLAB_SRC:-$(cd "$HERE/../.." && pwd)}

trap '"${T[@]}" kill-server >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

# The lesson pane: left of its separator (│, column 46 at 80x24).
lesson_rows() { cap | sed -n 2,21p | LC_ALL=C.UTF-8 sed -E 's/│.*//; s/^ //'; }

start_parlab "$SRC/tests/lessons/good/spans.lua"
wait_for "Where it shows"
rows=$(lesson_rows | tr '\n' ' ' | tr -s ' ')
for want in "Both see this. Type next to go on." "the timeline, on the right-hand side of the screen" \
	"the output pane" "After the list." "The end (on screen) of the step." "final words wait (on screen). And on."; do
	[[ "$rows" == *"$want"* ]] || fail "the screen should show \"$want\" (lesson pane: $rows)"
done
for not in "Batch readers" "batch-only" "{screen:" "{batch:"; do
	[[ "$rows" != *"$not"* ]] || fail "the screen should not show \"$not\""
done
echo "ok - {screen: ...} text on the screen, {batch: ...} text not"
type_line "quit"
wait_for "PARLAB-EXITED 0" 10

# Module 14 on the screen keeps its screen-only sentences (batch.module14:
# the transcript does not have them).
start_parlab "$SRC/lessons/module14"
key Enter
wait_for "This machine"
page_rows=""
for _ in 1 2 3; do page_rows+=" $(lesson_rows | tr '\n' ' ')"; key NPage; sleep 0.2; done
page_rows=$(tr -s ' ' <<<"$page_rows")
for want in "look at the right-hand side of the screen:" "Type next to go to the next step" "Type next to begin."; do
	[[ "$page_rows" == *"$want"* ]] || fail "Module 14 on the screen should show \"$want\" ($page_rows)"
done
[[ "$page_rows" != *"batch transcript"* ]] || fail "Module 14 on the screen shows its batch-only text"
type_line "quit"
wait_for "PARLAB-EXITED 0" 10
echo "ok - Module 14's screen-only sentences on the screen"

start_parlab "$SRC/tests/lessons/good/spans.lua"
wait_for "Where it shows"

# The last step: long words at the pane's edge.
for _ in 1 2 3 4; do type_line "next"; sleep 0.3; done
wait_for "Long words"
seen=""
for _ in 1 2 3 4 5 6 7 8; do
	rows=$(lesson_rows)
	lone=$(grep -aE '^ *[])}.,;:!?]+ *$' <<<"$rows" || true)
	[ -z "$lone" ] || fail "closing punctuation alone on a wrapped line: \"$lone\""
	seen+="$rows"$'\n'
	key NPage
	sleep 0.2
done
# A word as long as the pane (42 at 80x24) plus its ")." was broken.
grep -qE '^a+\(b\)\. *$' <<<"$seen" || fail "the long words never reached the pane's edge"
echo "ok - no closing punctuation alone on a wrapped line"
type_line "quit"
wait_for "PARLAB-EXITED 0" 10
echo "PASS: markup"
