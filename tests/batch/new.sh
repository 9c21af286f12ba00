#!/bin/bash
# parlab new: a lesson file and a course folder that pass check and run to
# the end in batch (the predict question judged by its run, right); never
# over an existing file or a folder with files; usage errors exit 2.
set -u
parlab=$(realpath "$1")
fail=0
bad() { echo "FAIL: $*"; fail=1; }
cwd=$(mktemp -d "${TMPDIR:-/tmp}/new-test.XXXXXX")
trap 'rm -rf "$cwd"' EXIT
cd "$cwd" || exit 1

out=$("$parlab" new my-first_lesson.lua) || bad "new lesson: exit $?"
[[ "$out" == 'my-first_lesson.lua: a new lesson "My first lesson".'* ]] || bad "new lesson said: $out"
grep -q 'title = "My first lesson"' my-first_lesson.lua || bad "the lesson's title"
grep -q 'locks = ' my-first_lesson.lua && grep -q 'predict = ' my-first_lesson.lua || bad "no coordination block or predict question"
cp my-first_lesson.lua before.lua
out=$("$parlab" new my-first_lesson.lua 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$out" == *"my-first_lesson.lua exists already: not overwriting it"* ]] || bad "new over a lesson: exit $rc: $out"
cmp -s before.lua my-first_lesson.lua || bad "new changed an existing lesson"

out=$("$parlab" new course1) || bad "new course: exit $?"
[ -f course1/course.lua ] && [ -f course1/01-first.lua ] || bad "new course made: $(ls -R course1)"
out=$("$parlab" new course1 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$out" == *"course1 exists already and is not empty"* ]] || bad "new over a course: exit $rc: $out"
mkdir empty && { "$parlab" new empty >/dev/null || bad "new in an empty folder: exit $?"; }
out=$("$parlab" new nodir/x.lua 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$out" == *"no folder nodir/"* ]] || bad "new in a missing folder: exit $rc: $out"
[ ! -e nodir ] || bad "new made a folder for a lesson"

out=$("$parlab" check my-first_lesson.lua course1 empty 2>&1) || bad "check of what new made: $out"
[[ "$out" == "ok: 3 paths checked, no errors" ]] || bad "check said: $out"
for p in my-first_lesson.lua course1; do
	out=$(printf '3000\n1\n' | timeout 120 "$parlab" --batch --state off "$p" 2>&1); rc=$?
	[ $rc -eq 0 ] || bad "$p in batch: exit $rc: $(tail -5 <<<"$out")"
	[[ "$out" == *"Observed: 3000 (total 3000)"* && "$out" == *"Right: your machine did what you predicted."* ]] ||
		bad "$p: the prediction was not judged right: $(grep -A3 'your prediction' <<<"$out")"
	[[ "$out" == *"2 of 2 questions answered right"* ]] || bad "$p: the end: $(tail -2 <<<"$out")"
done

for args in "" "a.lua b.lua" "--bogus"; do
	# shellcheck disable=SC2086
	out=$("$parlab" new $args 2>&1); rc=$?
	[ $rc -eq 2 ] && [[ "$out" == *"Usage: parlab new PATH"* ]] || bad "new $args: exit $rc: $out"
done
out=$("$parlab" new --help) && [[ "$out" == "Usage: parlab new PATH"* ]] || bad "new --help: $out"
out=$("$parlab" --help) && [[ "$out" == *"parlab new PATH"* && "$out" == *"check --runs N"* ]] || bad "--help lists new and check --runs"
exit $fail
