#!/bin/bash
# Progress from many parlabs at once: 16 batch sessions answer the same
# question into one PARLAB_STATE at the same time; every answer is kept
# (16 rows in the export, attempts 1..16), none fails, the database is
# intact.
set -u
parlab=$(realpath "$1")
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
fail=0
bad() { echo "FAIL: $*"; fail=1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/progress-conc.XXXXXX")
trap 'rm -rf "$work"' EXIT
export PARLAB_STATE=$work/state
unset XDG_STATE_HOME
mini="$src/tests/lessons/good/mini.lua"
n=${PARLAB_CONC:-16}
echo 2 | "$parlab" --batch "$mini" >/dev/null || bad "first session failed"   # the database exists
pids=()
for i in $(seq 2 "$n"); do
	(echo 2 | "$parlab" --batch "$mini" >"$work/out.$i" 2>&1; echo $? >"$work/rc.$i") &
	pids+=($!)
done
wait "${pids[@]}"
for i in $(seq 2 "$n"); do
	[ "$(cat "$work/rc.$i")" = 0 ] || bad "session $i: exit $(cat "$work/rc.$i"): $(tail -3 "$work/out.$i")"
	grep -q 'Right: 2) three' "$work/out.$i" || bad "session $i did not judge its answer"
done
"$parlab" progress --export "$work/p.json" >/dev/null || bad "export failed"
/usr/bin/python3 - "$work/p.json" "$n" <<'PY' || bad "answers lost"
import json, sys
j = json.load(open(sys.argv[1])); n = int(sys.argv[2])
ans = j["answers"]
assert len(ans) == n, "%d answers kept, want %d" % (len(ans), n)
assert sorted(a["attempt"] for a in ans) == list(range(1, n + 1)), sorted(a["attempt"] for a in ans)
PY
for f in "$PARLAB_STATE"/*corrupt*; do [ -e "$f" ] && bad "a database was set aside as corrupt: $f"; done
[ $fail -eq 0 ] && echo "ok - $n concurrent sessions: $n answers kept"
exit $fail
