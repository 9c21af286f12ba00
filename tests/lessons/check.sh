#!/bin/bash
# Lesson tests: every shipped lesson passes `parlab check`; every hostile
# lesson in tests/lessons/bad fails with exactly the file:line messages its
# first lines expect, one line each, and check exits 1.
set -u
parlab=$1
here=$(cd "$(dirname "$0")" && pwd)
src=${PARLAB_SRC:-$here/../..}
fail=0

if ! out=$("$parlab" check "$src"/lessons/*/ "$here"/good/*.lua "$here"/files/ 2>&1); then
	echo "FAIL: shipped lessons do not pass check:"; echo "$out"; fail=1
fi

# The second course by its own path, as docs/testing.md says.
out=$("$parlab" check "$src"/lessons/concurrency 2>&1) || { echo "FAIL: lessons/concurrency does not pass check:"; echo "$out"; fail=1; }
# The third, by its own path too (its goals' solutions and claims are
# replayed and searched by batch.levels: check --runs).
out=$("$parlab" check "$src"/lessons/levels 2>&1) || { echo "FAIL: lessons/levels does not pass check:"; echo "$out"; fail=1; }

for f in "$here"/bad/*.lua; do
	# Its first lines say every error it has, in order: "-- expect: <error>".
	mapfile -t wants < <(sed -n '/^-- expect: /!q; s/^-- expect: //p' "$f")
	# An empty expectation would match any output: each bad lesson must name its error.
	if [ ${#wants[@]} -eq 0 ] || [ -z "${wants[0]// /}" ]; then echo "FAIL: $f: its first line must be '-- expect: <the error>'"; fail=1; continue; fi
	out=$("$parlab" check "$f" 2>&1); rc=$?
	if [ $rc -ne 1 ]; then echo "FAIL: $f: check exited $rc, want 1"; fail=1; fi
	mapfile -t got <<<"$out"
	if [ ${#got[@]} -ne ${#wants[@]} ]; then
		echo "FAIL: $f: want ${#wants[@]} error line(s), got ${#got[@]}: $out"; fail=1; continue
	fi
	for i in "${!wants[@]}"; do
		case "${got[$i]}" in
			*"${wants[$i]}"*) ;;
			*) echo "FAIL: $f: want '${wants[$i]}' in line $((i + 1)) of: $out"; fail=1 ;;
		esac
	done
done

# Several bad files at once: one line per error, exit 1.
out=$("$parlab" check "$here"/bad/syntax.lua "$here"/bad/no_answer.lua 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 2 ] || { echo "FAIL: two bad files: rc=$rc out=$out"; fail=1; }

out=$("$parlab" check /nonexistent/x.lua 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$out" == *"no such course folder or lesson file"* ]] || { echo "FAIL: missing path: $out"; fail=1; }

# A course folder: a lesson course.lua names that is not there is said at
# the line of course.lua naming it; course.lua itself is no lesson.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp "$here"/good/mini.lua "$tmp"/one.lua
printf 'return course {\n  title = "Two lessons",\n  lessons = {\n    "one.lua",\n    "missing.lua",\n  },\n}\n' >"$tmp"/course.lua
out=$("$parlab" check "$tmp" 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$out" = "$tmp/course.lua:5: course{}: lesson 'missing.lua' is not a file of the course folder" ] ||
	{ echo "FAIL: missing lesson: rc=$rc out=$out"; fail=1; }
out=$("$parlab" check "$tmp"/course.lua 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$out" = "$tmp/course.lua:1: this is a course's list of lessons (course { ... }), not a lesson: name its folder instead ($tmp)" ] ||
	{ echo "FAIL: check course.lua: rc=$rc out=$out"; fail=1; }

# files: a command run without 'files' gets the lesson's code files; a
# listed sub-path keeps its folder (cat data/input.csv reads it there).
out=$("$parlab" --batch --state off "$here"/files </dev/null 2>&1); rc=$?
[ $rc -eq 0 ] && [[ "$out" == *"sh       | hello from the lesson folder"* ]] && [[ "$out" == *"cat      | 1,42"* ]] ||
	{ echo "FAIL: files copied next to the command: rc=$rc out=$out"; fail=1; }

# A worker has what docs/lessons.md lists (ncpu, next, xpcall; no os, io,
# load, require) and no step constructors; ${ncpu} works in choices.
ncpu=$(getconf _NPROCESSORS_ONLN)
out=$(echo 1 | "$parlab" --batch --state off "$here"/good/env.lua 2>&1); rc=$?
[ $rc -eq 0 ] && [[ "$out" == *"constructor:"*"false"*"text{}: steps are made while the lesson file loads, not in a worker"* ]] &&
	[[ "$out" == *"types:"*"number"*"function"*"function"*"nil"*"nil"*"nil"*"nil"* ]] &&
	[[ "$out" == *"  1) $ncpu"* ]] && [[ "$out" != *'${ncpu}'* ]] ||
	{ echo "FAIL: the worker's environment, \${ncpu} in choices: rc=$rc out=$out"; fail=1; }

n=$(ls "$here"/bad/*.lua | wc -l)
[ $fail -eq 0 ] && echo "ok: shipped lessons pass, $n hostile lessons rejected"
exit $fail
