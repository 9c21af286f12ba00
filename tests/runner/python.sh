#!/bin/bash
# Real Python under parlab's helper (python/ on PYTHONPATH): each process's
# output and marks are its own, and lanes carry Python's names. Runs
# tests/runner/python/lesson.lua with Module 14's example1.py and checks
# the saved traces: example1's five lines from five distinct children
# (Process-1..5, not MainProcess), spawn and forkserver children crediting
# their own lines, a thread's name, parlab.mark on the right lane, a
# program that moves its own fds and a run without site (-I -S) still
# running (lines on the shared pipe, the parent's). Outside parlab,
# parlab.mark is a no-op.
set -u
parlab=$(realpath "$1")
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v python3 >/dev/null || { echo "skip: no python3"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

cp "$src"/tests/runner/python/*.py "$src"/tests/runner/python/lesson.lua "$tmp"/
cp "$src"/lessons/module14/example1.py "$tmp"/
out=$(timeout 500 "$parlab" --batch --state off --save-trace "$tmp/tr" "$tmp/lesson.lua" 2>&1); rc=$?
[ $rc -eq 0 ] || bad "exit $rc, want 0"

# name_of TRACE TEXT: the Python name (else "-") of the task of the line
# TEXT; task_of: its task id.
who() {   # trace, text (exact line text), what: name|task|tid
	awk -v want="\"$2\"" -v what="$3" '
	$1 == "task" { tid[$2] = $4; pid[$2] = $3 }
	$1 == "pyname" { n = $0; sub(/^pyname [0-9]+ "/, "", n); sub(/"$/, "", n); name[$2] = n }
	($1 == "line" || $1 == "mark") {
		t = $0; sub(/^(line|mark) [-0-9]+ [-0-9]+ ([-0-9]+ )?/, "", t)
		if ($1 == "mark") { t = $0; sub(/^mark [0-9]+ [-0-9]+ /, "", t) }
		if (t == want) { k = $1 == "line" ? $2 : $3; found = 1 }
	}
	END {
		if (!found) { print "none"; exit }
		if (what == "task") print k
		else if (what == "name") print (k in name) ? name[k] : "-"
		else print tid[k]
	}' "$1"
}
names() { sed -n 's/^pyname [0-9]* "\(.*\)"$/\1/p' "$1" | sort | tr '\n' ' '; }

t1=$(echo "$tmp"/tr/01-*.trace)
[ -f "$t1" ] || bad "no trace for example1"
tasks=""
for i in 0 1 2 3 4; do
	k=$(who "$t1" "Worker: $i" task)
	n=$(who "$t1" "Worker: $i" name)
	[ "$k" != none ] || bad "example1: no 'Worker: $i' line"
	[[ "$n" == Process-[1-5] ]] || bad "example1: 'Worker: $i' credited to '$n', want a child Process-N"
	tasks+="$k "
done
[ "$(tr ' ' '\n' <<<"$tasks" | grep -c .)" -eq 5 ] && [ "$(tr ' ' '\n' <<<"$tasks" | grep . | sort -u | wc -l)" -eq 5 ] ||
	bad "example1: five lines from five distinct tasks (got tasks $tasks)"
[ "$(names "$t1")" = "MainProcess Process-1 Process-2 Process-3 Process-4 Process-5 " ] ||
	bad "example1: lane names '$(names "$t1")'"
grep -q "Process-3 *| Worker: " <<<"$out" || bad "the transcript names a child's lane"
# The Perfetto export names the lanes the same way.
"$parlab" export "$t1" --perfetto "$tmp/ex.json" >/dev/null 2>&1 || bad "export of example1's trace"
for n in MainProcess Process-1 Process-5; do
	grep -q "\"name\": *\"$n\"" "$tmp/ex.json" || bad "export: no lane named $n"
done

for m in spawn forkserver; do
	tr=$(echo "$tmp"/tr/0*-$m.trace)
	[ -f "$tr" ] || { bad "no trace for $m"; continue; }
	for i in 0 1 2; do
		line=$(sed -n "s/^line [0-9]* [0-9]* 1 \"\(Started: $i by Process-[0-9]\)\"$/\1/p" "$tr")
		[ -n "$line" ] || { bad "$m: no 'Started: $i' line"; continue; }
		n=$(who "$tr" "$line" name)
		[ "$n" = "${line##* by }" ] || bad "$m: '$line' credited to '$n'"
	done
	[ "$(who "$tr" "parent done" name)" = MainProcess ] || bad "$m: the parent's line"
done
grep -q '^pyname [0-9]* "forkserver"$' "$tmp"/tr/03-forkserver.trace || bad "forkserver: the server's lane is named"

t4=$(echo "$tmp"/tr/04-*.trace)
ctid=$(awk '$1 == "pyname" && $3 == "\"Counter\"" {print $2}' "$t4")
[ -n "$ctid" ] && awk -v k="$ctid" '$1 == "task" && $2 == k && $3 != $4 {f=1} END {exit !f}' "$t4" ||
	bad "threads: the thread's lane is named Counter"
[ "$(who "$t4" "main marks" name)" = MainProcess ] || bad "threads: parlab.mark in the parent, on its lane"
[ "$(who "$t4" "child marks" name)" = Marker ] || bad "threads: parlab.mark in the child, on the child's lane"
[ "$(who "$t4" "from the child" name)" = Marker ] || bad "threads: the child's line"
[ "$(who "$t4" "from the thread" name)" = MainProcess ] || bad "threads: a thread's line is its process's"

t5=$(echo "$tmp"/tr/05-*.trace)
grep -q '^end [0-9]* finished ' "$t5" || bad "own fds: the run finishes"
[ "$(who "$t5" "file says: into the file / grandchild, into the file too / " name)" = MainProcess ] ||
	bad "own fds: a child's own redirection to a file is left alone"
[ "$(who "$t5" "the closer exited 0" task)" != none ] || bad "own fds: a child with fds 1 and 2 closed runs"

t6=$(echo "$tmp"/tr/06-*.trace)
grep -q '^end [0-9]* finished ' "$t6" || bad "-I -S: the run finishes"
k6=$(for i in 0 1 2 3 4; do who "$t6" "Worker: $i" task; done | sort -u)
[ "$(wc -l <<<"$k6")" -eq 1 ] && [ "$k6" != none ] || bad "-I -S: every line on the shared pipe, the parent's (tasks $k6)"
grep -q '^pyname' "$t6" && bad "-I -S: no helper, no names"

# A slow import the program makes (not one inside another import) is said:
# who, how long, what; a fast one is not.
flat_out=$(tr '\n' ' ' <<<"$out" | tr -s ' ')
[[ "$flat_out" =~ "MainProcess "[0-9]+" took 0."[6-9][0-9]" s to import slowmod" || "$flat_out" =~ "MainProcess "[0-9]+" took "[1-9]"."[0-9]+" s to import slowmod" ]] ||
	bad "imports: the slow import of slowmod is not said"
[[ "$flat_out" == *"to import json"* ]] && bad "imports: a fast import was said"

# Outside parlab: the helper imports, mark is a no-op, the program runs.
o=$(cd "$tmp" && env -u PARLAB_MARK_FD PYTHONPATH="$src/python" python3 -c 'import parlab; parlab.mark("x"); print("ran")' 2>&1)
[ "$o" = ran ] || bad "outside parlab: '$o'"
o=$(cd "$tmp" && PARLAB_MARK_FD=1 PYTHONPATH="$src/python" python3 example1.py 2>&1 | grep -o 'Worker: [0-9]' | sort | tr '\n' ' ')   # lines on one pipe may interleave
[ "$o" = "Worker: 0 Worker: 1 Worker: 2 Worker: 3 Worker: 4 " ] || bad "a PARLAB_MARK_FD that is no socket: '$o'"

[ $fail -ne 0 ] && { printf '%s\n' "$out" | head -150; for f in "$tmp"/tr/*.trace; do echo "== $f"; grep -v '^slice\|^cpu' "$f"; done | head -200; }
[ $fail -eq 0 ] && echo "ok: Python processes' own lines, names and marks (fork, spawn, forkserver, threads, own fds, -I -S)"
exit $fail
