#!/bin/bash
# Progress that lasts: batch records answers when PARLAB_STATE is set (and
# starts at the beginning all the same); parlab progress reports them;
# export to JSON and CSV, reset, import (twice: no change), report again;
# a corrupt database is kept aside and a fresh one used.
set -u
parlab=$(realpath "$1")
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
fail=0
bad() { echo "FAIL: $*"; fail=1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/progress-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
export PARLAB_STATE=$work/state
unset XDG_STATE_HOME
mini="$src/tests/lessons/good/mini.lua"

# Without PARLAB_STATE nor --state, batch keeps nothing (HOME points away).
out=$(echo 2 | env -u PARLAB_STATE HOME="$work/home" "$parlab" --batch "$mini")
[ ! -e "$work/home/.local/state/parlab/progress.db" ] || bad "batch without --state must not record"

out=$(echo 2 | "$parlab" --batch "$mini") || bad "batch run failed"
[[ "$out" == *"Right: 2) three"* ]] || bad "batch answer: $out"
[ -f "$PARLAB_STATE/progress.db" ] || bad "no $PARLAB_STATE/progress.db"
[ "$(stat -c %a "$PARLAB_STATE")" = 700 ] || bad "state folder should be 0700"
rep=$("$parlab" progress) || bad "progress failed"
[[ "$rep" == *"Mini lesson"* && "$rep" == *"1/1 right"* ]] || bad "report: $rep"
[[ "$rep" =~ [0-9]+/[0-9]+\ steps ]] || bad "report steps: $rep"

# A second batch run starts at the beginning again and adds an attempt.
out=$(echo 1 | "$parlab" --batch "$mini")
[[ "$out" == *"== Lesson 1/1"* && "$out" == *"A heading"* ]] || bad "batch must start at the beginning"
rep=$("$parlab" progress)
[[ "$rep" == *"1/1 right"* ]] || bad "first attempts count: $rep"

# --state DIR wins over PARLAB_STATE.
echo 2 | "$parlab" --batch --state "$work/other" "$mini" >/dev/null
[ -f "$work/other/progress.db" ] || bad "--state DIR not used"
rep=$("$parlab" --state "$work/other" progress)
[[ "$rep" == *"1/1 right"* ]] || bad "--state report: $rep"

"$parlab" progress --export "$work/p.json" >/dev/null || bad "export json"
"$parlab" progress --export "$work/p.csv" >/dev/null || bad "export csv"
python3 - "$work/p.json" "$work/p.csv" <<'PY' || bad "exports do not validate"
import csv, json, sys
j = json.load(open(sys.argv[1]))
assert j["parlab_progress"] == 2, j
ans = j["answers"]
assert len(ans) == 2 and {a["attempt"] for a in ans} == {1, 2}, ans
assert all(a["key"].startswith("q:") for a in ans), ans   # keyed by the question, not its position
assert any(a["correct"] == 1 and a["attempt"] == 1 for a in ans), ans
assert j["position"][0]["course"] == "Mini lesson", j["position"]
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
assert len([r for r in rows if r["table"] == "answers"]) == 2, rows
assert len(rows) == sum(len(v) for k, v in j.items() if isinstance(v, list)), rows
PY

# An unknown course is an error that lists the known ones; nothing is forgotten.
out=$("$parlab" progress --reset nosuch 2>&1); rc=$?
[ $rc -eq 1 ] || bad "reset of an unknown course: exit $rc, want 1"
[[ "$out" == *"no progress kept for a course named 'nosuch'; the one kept is: Mini lesson"* ]] ||
	bad "reset of an unknown course: $out"
[[ "$out" != *forgotten* ]] || bad "reset of an unknown course said it forgot: $out"
rep=$("$parlab" progress)
[[ "$rep" == *"Mini lesson"* ]] || bad "reset of an unknown course forgot the known one: $rep"
out=$("$parlab" progress --reset "Mini lesson") || bad "reset"
[[ "$out" == "Mini lesson: progress forgotten ("[1-9]*" records)" ]] || bad "reset said: $out"
rep=$("$parlab" progress)
[[ "$rep" != *"Mini lesson"* ]] || bad "after reset: $rep"
"$parlab" progress --import "$work/p.json" >/dev/null || bad "import json"
"$parlab" progress --import "$work/p.json" >/dev/null || bad "import json again"
rep=$("$parlab" progress)
[[ "$rep" == *"Mini lesson"* && "$rep" == *"1/1 right"* ]] || bad "report after import: $rep"
"$parlab" progress --export "$work/q.json" >/dev/null
python3 -c 'import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); assert a==b' "$work/p.json" "$work/q.json" ||
	bad "import twice must give back the same export"
"$parlab" progress --reset >/dev/null
out=$("$parlab" progress --reset "Mini lesson" 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$out" == *"course named 'Mini lesson'; none is kept yet"* ]] || bad "reset with nothing kept: exit $rc: $out"
"$parlab" progress --import "$work/p.csv" >/dev/null || bad "import csv"
"$parlab" progress --import "$work/p.csv" >/dev/null || bad "import csv again"
"$parlab" progress --export "$work/r.json" >/dev/null
python3 -c 'import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); assert a==b' "$work/p.json" "$work/r.json" ||
	bad "CSV import must give back the same data"
# An export from before keys (schema 1: no "key") imports, keyed by position.
"$parlab" progress --reset >/dev/null
cat >"$work/v1.json" <<'J'
{"parlab_progress": 1, "answers": [{"course": "old", "file": "a.lua", "step": 3, "question": "Q", "attempt": 1,
 "answer": "2", "correct": 1, "time": 5}], "predictions": [{"course": "old", "file": "a.lua", "step": 4,
 "prediction": "7", "time": 5}]}
J
"$parlab" progress --import "$work/v1.json" >/dev/null || bad "import of a schema 1 export"
"$parlab" progress --import "$work/v1.json" >/dev/null || bad "import of a schema 1 export, again"
"$parlab" progress --export "$work/v1b.json" >/dev/null
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert [a["key"] for a in j["answers"]]==["#3"] and [p["key"] for p in j["predictions"]]==["#4"], j' "$work/v1b.json" ||
	bad "a schema 1 export's rows are keyed by position"
out=$("$parlab" progress --import "$work/nope.json" 2>&1); [ $? -eq 1 ] && [[ "$out" == *"nope.json"* ]] || bad "missing import file: $out"
out=$("$parlab" progress --export "$work/p.txt" 2>&1); [ $? -eq 1 ] && [[ "$out" == *".json or .csv"* ]] || bad "bad extension: $out"
# An export goes to FILE.PID.tmp, renamed over FILE at the end: onto a
# folder it fails, and leaves neither a changed folder nor a temporary file.
mkdir "$work/folder.json"
out=$("$parlab" progress --export "$work/folder.json" 2>&1); [ $? -eq 1 ] && [[ "$out" == *"folder.json: Is a directory"* ]] || bad "export onto a folder: $out"
[ -z "$(ls -A "$work/folder.json")" ] || bad "export onto a folder changed it"
"$parlab" progress --export "$work/p.json" >/dev/null || bad "export over an earlier export"
left=$(ls "$work" | grep -E '\.[0-9]+\.tmp$'); [ -z "$left" ] || bad "temporary export files left: $left"

# A corrupt database: said, kept aside, and parlab goes on.
head -c 8192 /dev/urandom >"$PARLAB_STATE/progress.db"
rm -f "$PARLAB_STATE/progress.db-wal" "$PARLAB_STATE/progress.db-shm"
out=$(echo 2 | "$parlab" --batch "$mini" 2>&1) || bad "batch with a corrupt db failed"
[[ "$out" == *"progress database $PARLAB_STATE/progress.db is unreadable"* && "$out" == *"starting fresh"* ]] ||
	bad "corrupt db message: $out"
ls "$PARLAB_STATE"/progress.db.broken-* >/dev/null 2>&1 || bad "corrupt db not kept aside"
rep=$("$parlab" progress)
[[ "$rep" == *"1/1 right"* ]] || bad "fresh db after corruption: $rep"
exit $fail
