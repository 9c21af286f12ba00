#!/bin/bash
# A run without its scratch folder does not start: with TMPDIR pointing at
# a folder that does not exist, batch says why (the folder and the
# reason) and nothing is written to the current folder (Module 14's runs
# would copy example1.py and friends and generate a 3.4 MB CSV there).
set -u
parlab=$(realpath "$1")
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
fail=0
bad() { echo "FAIL: $*"; fail=1; }
cwd=$(mktemp -d "${TMPDIR:-/tmp}/scratch-test.XXXXXX")
trap 'rm -rf "$cwd"' EXIT
cd "$cwd" || exit 1

out=$(yes 1 | head -n 50 | TMPDIR=/nonexistent/parlab-test timeout 300 "$parlab" --batch --state off "$src/lessons/module14" 2>&1)
rc=$?
[ $rc -eq 1 ] || bad "exit $rc, want 1 (runs could not start)"
want="parlab: cannot start the run: cannot make a scratch folder for the run in /nonexistent/parlab-test: No such file or directory"
[[ "$out" == *"$want"* ]] || bad "want '$want' in:"$'\n'"$(grep -m3 'parlab:' <<<"$out")"
n=$(grep -c "^--- run: " <<<"$out"); m=$(grep -cF "$want" <<<"$out")
[ "$n" -gt 0 ] && [ "$n" -eq "$m" ] || bad "every run must say why it did not start: $n runs, $m messages"
grep -qE '^ +[0-9.]+(ns|us|ms|s) +[^ ]+ +[|!] ' <<<"$out" && bad "a run printed output lines"
grep -qE '^run .* after ' <<<"$out" && bad "a run ended: it should not have started"
left=$(ls -A "$cwd")
[ -z "$left" ] || bad "the current folder must stay empty, has: $left"
[ $fail -eq 0 ] && echo "ok: $n runs refused, the current folder untouched"
exit $fail
