#!/bin/bash
# A course from elsewhere that runs programs is asked about before it runs
# anything (issue 13): without a terminal it is refused, listing its
# commands; answered yes on a terminal it runs and is remembered for its
# content; a changed file asks again; --trust and PARLAB_TRUST=1 run it;
# check --runs asks too; bundled courses never ask.
set -u
parlab=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
unset PARLAB_TRUST
export PARLAB_STATE=$tmp/state
mkdir -p "$tmp/course"
cat >"$tmp/course/lesson.lua" <<'LUA'
return lesson {
  title = "Runs a program",
  run { title = "greets", command = { "sh", "greet.sh" }, files = { "greet.sh" } },
}
LUA
echo 'echo hello-from-the-command' >"$tmp/course/greet.sh"
lesson=$tmp/course/lesson.lua

"$parlab" --batch "$lesson" </dev/null >"$tmp/1.out" 2>"$tmp/1.err"; rc=$?
[ $rc -eq 1 ] || bad "untrusted without a terminal: exit $rc, want 1"
grep -q "is not one of parlab's own courses, and it runs programs on this machine" "$tmp/1.err" || bad "no explanation: $(cat "$tmp/1.err")"
grep -q "lesson 1 (Runs a program), greets: sh greet.sh" "$tmp/1.err" || bad "the command is not listed: $(cat "$tmp/1.err")"
grep -q "pass --trust" "$tmp/1.err" || bad "does not say how to trust it"
grep -q "hello-from-the-command" "$tmp/1.out" && bad "an untrusted command ran"

# On a terminal: "no" runs nothing, "yes" runs it and is remembered.
printf 'no\n' | script -qec "'$parlab' --batch '$lesson'" /dev/null >"$tmp/2.out" 2>&1
grep -q "hello-from-the-command" "$tmp/2.out" && bad "ran after 'no'"
grep -q "not trusted: nothing was run" "$tmp/2.out" || bad "'no' not said: $(cat "$tmp/2.out")"
printf 'yes\n' | script -qec "'$parlab' --batch '$lesson'" /dev/null >"$tmp/3.out" 2>&1
grep -q "Run them? Type yes" "$tmp/3.out" || bad "no question on a terminal"
grep -q "hello-from-the-command" "$tmp/3.out" || bad "did not run after 'yes': $(tail -5 "$tmp/3.out")"
[ -s "$PARLAB_STATE/trusted" ] || bad "not remembered"
"$parlab" --batch "$lesson" </dev/null >"$tmp/4.out" 2>&1 || bad "trusted course refused: $(cat "$tmp/4.out")"
grep -q "hello-from-the-command" "$tmp/4.out" || bad "trusted course did not run"

# A file its run copies changes: asked again.
echo 'echo changed' >>"$tmp/course/greet.sh"
"$parlab" --batch "$lesson" </dev/null >"$tmp/5.out" 2>&1 && bad "changed course ran without asking"
grep -q "pass --trust" "$tmp/5.out" || bad "changed course: not asked"
"$parlab" --trust --batch "$lesson" </dev/null >"$tmp/6.out" 2>&1 || bad "--trust refused"
grep -q "changed" "$tmp/6.out" || bad "--trust: did not run"
PARLAB_TRUST=1 "$parlab" --batch "$lesson" </dev/null >"$tmp/7.out" 2>&1 || bad "PARLAB_TRUST=1 refused"
"$parlab" check --runs 1 "$lesson" </dev/null >"$tmp/8.out" 2>&1 && bad "check --runs ran an untrusted course"
grep -q "pass --trust" "$tmp/8.out" || bad "check --runs: not asked"
"$parlab" check "$lesson" >/dev/null 2>&1 || bad "check (no runs) asked for trust"

# Bundled courses are parlab's own: never asked.
PARLAB_STATE=off "$parlab" --batch "$PARLAB_SRC/lessons/module14/03-processes.lua" </dev/null >"$tmp/9.out" 2>&1
grep -q "is not one of parlab's own" "$tmp/9.out" && bad "a bundled course was asked about"
[ $fail -eq 0 ] && echo PASS
exit $fail
