#!/bin/bash
# A run's limits (issue 13): memory (all of the run's processes together,
# thread workers' process included; a Lua worker's own memory too) and the
# tasks it may start. Each runaway run is stopped long before its 60 s
# timeout with words that name the limit, and nothing of it is left.
set -u
parlab=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'pkill -9 -f "f & f & wait" 2>/dev/null; rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
flat() { tr '\n' ' ' <"$1" | tr -s ' '; }

start=$(date +%s)
timeout 250 "$parlab" --batch --save-trace "$tmp/t" "$here/limits.lua" </dev/null >"$tmp/out" 2>&1; rc=$?
took=$(( $(date +%s) - start ))
[ $rc -eq 1 ] || bad "exit $rc, want 1 (the runs failed)"
f=$(flat "$tmp/out")
# Either the run's total (the screen's watch) or the worker's own Lua memory stops it first: both name the limit.
echo "$f" | grep -qE "run threads eat after [0-9.]+m?s: (the run used [0-9]+ MiB of memory, more than this lesson's limit of 200 MiB \(the most: parlab [0-9]+ with the worker threads|.*w[01] exit 1)" || bad "threads: not stopped by the memory limit"
echo "$f" | grep -qE "run threads eat.*(limit of 200 MiB|w[01] used more memory than this run's limit of 200 MiB)" || bad "threads: the limit is not named"
echo "$f" | grep -qE "run processes eat after [0-9.]+m?s: .*(limit of 200 MiB|exit 1)" || bad "processes: not stopped"
echo "$f" | grep -qE "w0 ! error: w0 used more memory than this run's limit of 100 MiB: stopped|run one process eats after [0-9.]+m?s: the run used [0-9]+ MiB of memory, more than this lesson's limit of 100 MiB \(the most: w0 " || bad "one process: the limit is not said"
echo "$f" | grep -qE "run command eats after [0-9.]+m?s: the run used [0-9]+ MiB of memory, more than this lesson's limit of 150 MiB \(the most: MainProcess [0-9]+, [0-9]+ MiB\): every task killed and reaped" || bad "command: not stopped by the memory limit"
echo "$f" | grep -qE "run fork bomb after [0-9.]+m?s: the run started [0-9]+ tasks, more than this lesson's limit of 100: every task killed and reaped" || bad "fork bomb: not stopped by the task limit"
[ $took -lt 200 ] || bad "took ${took}s: some run waited for its timeout"
kinds=$(for t in "$tmp"/t/*.trace; do awk '$1 == "end" { print $3 }' "$t"; done | paste -sd' ')
case "$kinds" in "stopped "*" stopped stopped") ;; *) bad "trace kinds '$kinds'";; esac
sleep 0.5
pgrep -f "f & f & wait" >/dev/null && bad "fork bomb: processes left: $(pgrep -f 'f & f & wait' | wc -l)"
pgrep -f "bytearray.10..6" >/dev/null && bad "command: python left"
[ $fail -ne 0 ] && grep -E "^run |error" "$tmp/out" | head -30
[ $fail -eq 0 ] && echo PASS
exit $fail
