#!/bin/bash
# Held at a step point: tests/lessons/good/step_held.lua runs two racy adds
# and a print stepped in threads, stepped in processes, then free. In each
# stepped run's saved trace every worker has one `step` span per step
# point it waited at, in order (read, write, read, write counter, then
# print), closed, one after the other, and the mark of each step lies
# within a span of its worker for that action, the one it was let go
# from; the export has them as async slices of category "step" named
# "held at a step point, next: read counter"; the transcript's statistics
# have a "held" column and say what it is. Under two CPU hogs too. The
# free run has no step span, no "held" column.
set -u
parlab=$1
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
fail=0
bad() { echo "FAIL: $*"; fail=1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/step_held.XXXXXX")
hogs=()
cleanup() { for p in "${hogs[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT

check_trace() {   # $1: the trace file, $2: 1 when stepped
	head -1 "$1" | grep -qx "parlab-trace 7" || bad "$1: version 7"
	python3 - "$1" "$2" <<'P' || bad "$1: its step spans"
import shlex, sys
path, stepped = sys.argv[1], sys.argv[2] == "1"
workers, spans, marks = {}, {}, {}
for rec in open(path, encoding="utf-8"):
    f = shlex.split(rec)
    if f[0] == "task" and f[6] in ("w0", "w1"):
        workers[int(f[1])] = f[6]
    elif f[0] == "span" and f[2] == "step":
        spans.setdefault(int(f[1]), []).append((int(f[3]), int(f[4]), f[5], f[6], int(f[7])))
    elif f[0] == "mark" and f[3].startswith("#"):
        marks[int(f[3][1:].split()[0])] = (int(f[1]), int(f[2]), f[3].split(" ", 1)[1])
if not stepped:
    assert not spans, spans
    sys.exit(0)
assert sorted(workers.values()) == ["w0", "w1"], workers
assert set(spans) == set(workers), (spans, workers)
for k, sp in spans.items():
    assert [s[2] for s in sp] == ["read", "write", "read", "write", "print"], sp
    assert [s[3] for s in sp] == ["counter"] * 4 + [""], sp
    assert all(0 <= s[0] <= s[1] and s[4] == -1 for s in sp), sp
    assert all(a[1] <= b[0] for a, b in zip(sp, sp[1:])), sp
# Each step's mark (#1..#10) lies within a held span for that action (let
# go while held there: after it began, before it ended), on its worker's
# lane. (A mark made before parlab knew the worker's task is the run's,
# task -1: then any worker's span.)
assert sorted(marks) == list(range(1, 11)), marks
for n, (t, task, desc) in marks.items():
    cands = [k for k, sp in spans.items() if task in (-1, k) and
             any(t0 <= t <= t1 and desc.startswith(what) for t0, t1, what, *_ in sp)]
    assert cands, (n, t, task, desc, spans)
P
	json="$tmp/$(basename "$1" .trace).json"
	o=$("$parlab" export "$1" --perfetto "$json" 2>&1) || bad "export $1: $o"
	python3 - "$json" "$2" <<'P' || bad "$1: the export"
import json, sys
evs = json.load(open(sys.argv[1]))["traceEvents"]
st = [e for e in evs if e.get("cat") == "step"]
if sys.argv[2] != "1":
    assert not st, st
    sys.exit(0)
assert len([e for e in st if e["ph"] == "b"]) == 10 and len([e for e in st if e["ph"] == "e"]) == 10, st
names = [e["name"] for e in st if e["ph"] == "b"]
assert names.count("held at a step point, next: read counter") == 4, names
assert names.count("held at a step point, next: print") == 2, names
assert all(e["args"]["task"] in ("w0", "w1") for e in st if e["ph"] == "b"), st
P
}
check() {   # $1: quiet or under load
	rm -rf "$tmp/tr"
	printf '0 1 0 1\n1 1 0\n' | timeout 120 "$parlab" --batch --state off --save-trace "$tmp/tr" \
		"$src/tests/lessons/good/step_held.lua" >"$tmp/out" 2>&1
	local rc=$? n was=$fail
	[ $rc -eq 0 ] || { bad "$1: exit $rc, want 0"; head -60 "$tmp/out"; }
	check_trace "$tmp/tr/01-stepped-threads.trace" 1
	check_trace "$tmp/tr/02-stepped-processes.trace" 1
	check_trace "$tmp/tr/03-free-threads.trace" 0
	# The transcript: a held column for the stepped runs only.
	n=$(grep -c "migrations     held$" "$tmp/out")
	[ "$n" -eq 2 ] || bad "$1: the transcript: $n tables with a held column, want 2"
	n=$(grep -c "(held: waiting at a step point until the schedule let it go)" "$tmp/out")
	[ "$n" -eq 2 ] || bad "$1: the transcript: $n explanations of held, want 2"
	grep -qE "^  w0 .* [0-9.]+(us|ms|s)$" "$tmp/out" || bad "$1: the transcript: no held time for w0"
	[ $fail = "$was" ] && echo "ok - $1: step spans in the traces, the export and the transcript of stepped runs, none in a free run"
}
check quiet
for _ in 1 2; do (while :; do :; done) & hogs+=($!); done
check "two CPU hogs"
[ $fail -eq 0 ] && echo PASS
exit $fail
