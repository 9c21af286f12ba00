#!/bin/bash
# A run's timeout counts from its workers' start, not from the preparation
# before it (a large generated CSV here): such a run finishes; a run whose
# workers outlive the timeout is stopped at it and says so.
set -u
parlab=$1
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
out=$("$parlab" --batch --state off "$src/tests/lessons/good/prepare_slow.lua" </dev/null 2>&1); rc=$?
fail=0
bad() { echo "FAIL: $*"; fail=1; }
[[ "$out" == *"the worker ran"* && "$out" =~ "run Big CSV after "[0-9.]+(us|ms|s)": finished: the worker exited 0" ]] ||
	bad "the slow preparation counted against the timeout"
[[ "$out" =~ "run Endless after "[0-9.]+(ms|s)": timed out after 0.3 s: every task killed and reaped" ]] ||
	bad "the endless worker was not stopped at its timeout"
[ $rc -eq 1 ] || bad "exit $rc, want 1 (a run timed out)"
[ $fail -eq 0 ] || echo "$out"
[ $fail -eq 0 ] && echo "ok: the timeout counts from the workers' start"
exit $fail
