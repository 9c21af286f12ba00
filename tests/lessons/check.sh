#!/bin/bash
# Lesson tests: every shipped lesson passes `parlab check`; every hostile
# lesson in tests/lessons/bad fails with the file:line message its first
# line expects, and check exits 1.
set -u
parlab=$1
here=$(cd "$(dirname "$0")" && pwd)
src=${PARLAB_SRC:-$here/../..}
fail=0

if ! out=$("$parlab" check "$src"/lessons/*/ "$here"/good/*.lua 2>&1); then
	echo "FAIL: shipped lessons do not pass check:"; echo "$out"; fail=1
fi

# The second course by its own path, as docs/testing.md says.
out=$("$parlab" check "$src"/lessons/concurrency 2>&1) || { echo "FAIL: lessons/concurrency does not pass check:"; echo "$out"; fail=1; }

for f in "$here"/bad/*.lua; do
	want=$(sed -n '1s/^-- expect: //p' "$f")
	# An empty expectation would match any output: each bad lesson must name its error.
	if [ -z "${want// /}" ]; then echo "FAIL: $f: its first line must be '-- expect: <the error>'"; fail=1; continue; fi
	out=$("$parlab" check "$f" 2>&1); rc=$?
	if [ $rc -ne 1 ]; then echo "FAIL: $f: check exited $rc, want 1"; fail=1; fi
	case "$out" in
		*"$want"*) ;;
		*) echo "FAIL: $f: want '$want' in: $out"; fail=1 ;;
	esac
done

# Several bad files at once: one line per error, exit 1.
out=$("$parlab" check "$here"/bad/syntax.lua "$here"/bad/no_answer.lua 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 2 ] || { echo "FAIL: two bad files: rc=$rc out=$out"; fail=1; }

out=$("$parlab" check /nonexistent/x.lua 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$out" == *"no such course folder or lesson file"* ]] || { echo "FAIL: missing path: $out"; fail=1; }

n=$(ls "$here"/bad/*.lua | wc -l)
[ $fail -eq 0 ] && echo "ok: shipped lessons pass, $n hostile lessons rejected"
exit $fail
