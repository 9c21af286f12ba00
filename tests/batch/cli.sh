#!/bin/bash
# The command line: help, version, bad options, list from any directory,
# batch chosen when stdout is not a terminal, answers by number and by text.
set -u
parlab=$(realpath "$1")
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
fail=0
bad() { echo "FAIL: $*"; fail=1; }

out=$("$parlab" --help) && [[ "$out" == *"Usage: parlab"* && "$out" == *"check PATH"* ]] || bad "--help"
# Every help text fits 79 columns (an 80-column terminal, no wrap).
for args in --help "replay --help" "export --help" "progress --help"; do
	# shellcheck disable=SC2086
	out=$("$parlab" $args) || bad "parlab $args: exit $?"
	[ -n "$out" ] || bad "parlab $args printed nothing"
	long=$(LC_ALL=C.UTF-8 awk 'length($0) > 79 { print length($0) ": " $0 }' <<<"$out")
	[ -z "$long" ] || bad "parlab $args has lines over 79 columns:"$'\n'"$long"
done
# The end of the course sends the student to help for another course: it says how.
out=$("$parlab" --help)
[[ "$out" == *"parlab PATH opens another"* && "$out" == *"parlab list names the bundled ones"* ]] ||
	bad "--help does not say how to open another course"
out=$("$parlab" --version) && [[ "$out" =~ ^parlab\ [0-9]+\.[0-9]+ ]] || bad "--version: $out"
out=$("$parlab" --bogus 2>&1); [ $? -eq 2 ] && [[ "$out" == *"Usage"* ]] || bad "unknown option must exit 2 with usage"
out=$("$parlab" a b 2>&1); [ $? -eq 2 ] || bad "two paths must exit 2"
out=$(cd / && "$parlab" list) || bad "list from / failed"
[[ "$out" == *"Module 14"* && "$out" == *"01-introduction.lua"* ]] || bad "list: $out"
out=$(cd / && "$parlab" /no/such/course 2>&1); [ $? -eq 1 ] && [[ "$out" == *"/no/such/course: no such course folder or lesson file"* ]] || bad "missing course: $out"

# check: every error of a file on stderr, one line each, nothing on stdout, exit 1.
err=$(mktemp); trap 'rm -f "$err"' EXIT
out=$("$parlab" check "$src"/tests/lessons/bad/many_errors.lua 2>"$err"); rc=$?
[ $rc -eq 1 ] && [ -z "$out" ] && [ "$(wc -l <"$err")" -eq 3 ] &&
	[ "$(cut -d: -f2 "$err" | tr '\n' ' ')" = "6 7 8 " ] || bad "check, three errors: rc=$rc out=$out err=$(cat "$err")"
out=$("$parlab" check "$src"/lessons/module14 2>&1) && [ "$out" = "ok: 1 path checked, no errors" ] || bad "check module14: $out"

# Not a terminal: batch without --batch; answers by text, case and space aside.
mini="$src/tests/lessons/good/mini.lua"
out=$(echo "  THREE " | "$parlab" "$mini" | cat)
[[ "$out" == *"Right: 2) three"* ]] || bad "answer by text: $out"
out=$(echo "1" | "$parlab" "$mini" | cat)
[[ "$out" == *"Not quite. The answer is 2) three"* && "$out" == *"Three worker processes were forked."* ]] || bad "wrong answer feedback"
out=$("$parlab" --batch "$mini" </dev/null)
[[ "$out" == *"(no answer: skipped)"* ]] || bad "EOF must skip"
out=$(echo "seven" | "$parlab" --batch "$mini")
[[ "$out" == *'"seven" is not one of the choices (1-3). The answer is 2) three'* ]] || bad "bad answer text"
exit $fail
