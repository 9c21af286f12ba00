#!/bin/bash
# Waiting made visible, in batch, with two CPU hogs running beside it:
# tests/lessons/good/blocked.lua's w0 holds lock A 200 ms while w1 waits for
# it, in processes and in threads. The saved trace has w1 blocked on lock A
# with holder w0 for about 150 ms, w0's held span and the workers' marks;
# the export has them as slices and instants; the transcript lists the marks
# and the blocked time; observe gets blocked_ms and marks. Then
# tests/lessons/good/marks_command.lua's shell marks through PARLAB_MARK_FD,
# a child's mark credited to that child, and the same script runs outside
# parlab.
set -u
parlab=$(realpath "$1")
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
fail=0
bad() { echo "FAIL: $*"; fail=1; }
dump=""
has() { [[ "${out//$'\n'/ }" == *"${1//$'\n'/ }"* ]] || { bad "$2: want '$1'"; dump=$out; }; }
count() { local n; n=$(grep -cF -- "$1" <<<"$out"); [ "$n" -eq "$2" ] || { bad "$3: '$1' $n times, want $2"; dump=$out; }; }
tmp=$(mktemp -d)
hogs=()
cleanup() { for p in "${hogs[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
for _ in 1 2; do (while :; do :; done) & hogs+=($!); done

out=$(printf '1\n1\n' | timeout 300 "$parlab" --batch --state off --save-trace "$tmp/tr" \
	"$src/tests/lessons/good/blocked.lua" 2>&1); rc=$?
[ $rc -eq 0 ] || { bad "blocked.lua: exit $rc, want 0"; dump=$out; }
count "w0       v mark: took the lock" 2 "w0's mark in each run"
count "w1       v mark: wants the lock" 2 "w1's mark"
count "w1       v mark: got it" 2 "w1's last mark"
count "migrations  blocked" 2 "the task table has a blocked column"
count "Observed: w1 blocked over 100 ms; w0 blocked 0 ms; marks: w0 took the lock, w1" 2 "observe's blocked_ms and marks"
count "  wants the lock, w1 got it" 2 "observe's marks, in time order"
has "2 of 2 questions answered right" "both observations say w1 waited"

for tr in "$tmp"/tr/*.trace; do
	[ -f "$tr" ] || { bad "no trace saved"; continue; }
	w0=$(awk '$1 == "task" && $6 == 0 {print $2}' "$tr")
	w1=$(awk '$1 == "task" && $6 == 1 {print $2}' "$tr")
	# span TASK blocked T0 T1 "lock" "A" HOLDER: w1 on A, held by w0, 100-400 ms
	n=$(awk -v a="$w1" -v h="$w0" '$1 == "span" && $2 == a && $3 == "blocked" && $6 == "\"lock\"" &&
		$7 == "\"A\"" && $8 == h && $5 - $4 > 100000000 && $5 - $4 < 400000000' "$tr" | wc -l)
	[ "$n" -eq 1 ] || bad "$tr: w1 blocked on lock A held by w0 for 100-400 ms: $n spans"
	n=$(awk -v a="$w0" '$1 == "span" && $2 == a && $3 == "held" && $7 == "\"A\"" && $5 - $4 > 150000000' "$tr" | wc -l)
	[ "$n" -eq 1 ] || bad "$tr: w0 holds A over 150 ms: $n spans"
	grep -q "^mark [0-9]* $w0 \"took the lock\"$" "$tr" || bad "$tr: w0's mark on its task"
	head -1 "$tr" | grep -qx "parlab-trace 7" || bad "$tr: version 7"
	json="$tmp/$(basename "$tr" .trace).json"
	o=$("$parlab" export "$tr" --perfetto "$json" 2>&1) || bad "export $tr: $o"
	python3 - "$json" <<'P' || bad "$tr: the export"
import json, sys
evs = json.load(open(sys.argv[1]))["traceEvents"]
b = [e for e in evs if e.get("ph") == "b" and e.get("cat") == "blocked"]
assert any(e["name"] == "waiting for lock A, held by w0" for e in b), b
assert any(e.get("ph") == "b" and e.get("cat") == "held" and e["name"] == "holds lock A" for e in evs)
marks = [e["name"] for e in evs if e.get("cat") == "mark" and e.get("s") == "t"]
assert marks.count("took the lock") == 1 and "got it" in marks, marks
P
done

out=$(timeout 300 "$parlab" --batch --state off --save-trace "$tmp/cmd" \
	"$src/tests/lessons/good/marks_command.lua" 2>&1); rc=$?
[ $rc -eq 0 ] || { bad "marks_command.lua: exit $rc, want 0"; dump=$out; }
count "sh       v mark: took it" 1 "the shell's mark, on its lane"
count "v mark: two" 1 "one write, two marks"
count "v mark: at once" 1 "one write, two marks"
tr=$(echo "$tmp"/cmd/*.trace)
child=$(sed -n 's/^mark [0-9]* [0-9]* "child \([0-9]*\) marks"$/\1/p' "$tr")
task=$(sed -n 's/^mark [0-9]* \([0-9]*\) "child [0-9]* marks"$/\1/p' "$tr")
[ -n "$child" ] && awk -v t="$task" -v p="$child" '$1 == "task" && $2 == t && $3 == p {f=1} END {exit !f}' "$tr" ||
	bad "the child's mark is credited to the child (pid $child, task $task)"
# Outside parlab the same script runs and marks nothing.
script=$(sed -n '/^if \[/,/^echo done/p' "$src/tests/lessons/good/marks_command.lua")
o=$(cd "$tmp" && env -u PARLAB_MARK_FD sh -c "$script" 2>&1); rc=$?
[ $rc -eq 0 ] || bad "outside parlab: exit $rc: $o"

[ -n "$dump" ] && printf '%s\n' "$dump" | head -120
[ $fail -eq 0 ] && echo "ok: blocked spans, held spans, marks from workers and a command, in the trace, the export, the transcript and observe"
exit $fail
