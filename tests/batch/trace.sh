#!/bin/bash
# Saved traces: --batch --save-trace writes one trace file per run and says
# where; parlab export turns each into Chrome trace JSON holding every task,
# slice and output line of the file; corrupt traces and bad command lines
# are refused with a clear message and the right exit code.
set -u
parlab=$(realpath "$1")
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
fail=0
bad() { echo "FAIL: $*"; fail=1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mini="$src/tests/lessons/good/mini.lua"
dir="$tmp/traces/deeper"   # created, parents too

out=$("$parlab" --batch --save-trace "$dir" "$mini" </dev/null); rc=$?
[ $rc -eq 0 ] || bad "batch with --save-trace: exit $rc"
for f in 01-three-processes 02-two-threads; do
	[ -s "$dir/$f.trace" ] || bad "$f.trace was not saved"
	[[ "$out" == *"trace saved: $dir/$f.trace"* ]] || bad "the transcript does not name $f.trace"
	[ "$(head -n1 "$dir/$f.trace")" = "parlab-trace 7" ] || bad "$f.trace: no header"
done
[ "$(ls "$dir" | wc -l)" -eq 2 ] || bad "expected 2 files in $dir: $(ls "$dir")"

# Compares an export with the trace file it came from.
check_export() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
from collections import Counter
trace_path, json_path = sys.argv[1], sys.argv[2]
tasks, slices, lines, cpus = {}, [], [], Counter()
for rec in open(trace_path, encoding="utf-8"):
    kind = rec.split(" ", 1)[0]
    if kind == "task":
        f = rec.split(" ", 5)
        tasks[int(f[1])] = (int(f[2]), int(f[3]))
    elif kind == "slice":
        f = rec.split()
        slices.append((tasks[int(f[1])], int(f[2]), int(f[3]), f[4], int(f[5])))
    elif kind == "line":
        f = rec.split(" ", 4)
        lines.append((int(f[1]), int(f[2])))
    elif kind == "cpu":
        cpus[int(rec.split()[2])] += 1
doc = json.load(open(json_path, encoding="utf-8"))
ev = doc["traceEvents"]
errors = []
def need(cond, what):
    if not cond:
        errors.append(what)
for e in ev:
    need(isinstance(e.get("pid"), int) and isinstance(e.get("tid"), int) and e.get("ph") in "MXiC",
         "malformed event %r" % e)
    if e["ph"] in "Xi":
        need(isinstance(e.get("ts"), (int, float)), "no ts: %r" % e)
names = {(e["pid"], e["tid"]) for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
for pid_tid in tasks.values():
    need(pid_tid in names, "no thread_name for pid/tid %s" % (pid_tid,))
need(any(e["name"] == "process_name" and e["args"]["name"] == "CPUs" for e in ev), "no CPUs process")
# Every slice as an X event on its thread: state, exact ns the way Perfetto
# reads microseconds back (truncating), CPU in args when running.
def ns(us):
    return int(us * 1000.0)
got = Counter(((e["pid"], e["tid"]), ns(e["ts"]), ns(e["ts"]) + ns(e["dur"]), e["name"], e["args"].get("cpu", -1))
              for e in ev if e["ph"] == "X" and e.get("cat") == "state")
want = Counter(slices)
need(got == want, "state slices differ: missing %s, extra %s" % (list((want - got).items())[:3], list((got - want).items())[:3]))
running = sum(1 for s in slices if s[3] == "running" and s[4] >= 0)
need(sum(1 for e in ev if e["ph"] == "X" and e.get("cat") == "cpu") == running, "CPU tracks do not hold every running slice")
out = [e for e in ev if e["ph"] == "i" and e.get("cat") == "output"]
need(len(out) == len(lines), "%d output lines in the trace, %d instant events" % (len(lines), len(out)))
for (task, t), e in zip(lines, out):
    where = tasks[task] if task >= 0 else None
    need(ns(e["ts"]) == t and (where is None or (e["pid"], e["tid"]) == where) and e["s"] in "tg",
         "line at %d of task %d: %r" % (t, task, e))
# Other programs: a counter per sampled CPU, one value per sample, 0..100.
ctr = Counter(int(e["name"].split()[1].rstrip(":")) for e in ev if e["ph"] == "C")
need(ctr == cpus and len(cpus) > 0, "other-programs counters %s, cpu samples %s" % (dict(ctr), dict(cpus)))
need(all(0 <= e["args"]["value"] <= 100 for e in ev if e["ph"] == "C"), "a share outside 0..100")
need(len(slices) > 0 and len(lines) > 0, "the run recorded nothing")
for m in errors[:10]:
    print(json_path + ": " + m)
sys.exit(1 if errors else 0)
EOF
}

for tr in "$dir"/*.trace; do
	json=${tr%.trace}.json
	o=$("$parlab" export "$tr" --perfetto "$json" 2>&1) || bad "export $tr: $o"
	[[ "$o" == *"$json: "*" events"* ]] || bad "export says: $o"
	check_export "$tr" "$json" || bad "the export of $(basename "$tr") does not match the trace"
done
o=$("$parlab" export --perfetto - "$dir/01-three-processes.trace" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["traceEvents"]))') \
	&& [ "$o" -gt 0 ] || bad "export to stdout: $o"

# Corrupt traces: the load error (file:line: record: reason), exit 1.
good="$dir/02-two-threads.trace"
sed '3i slice 99 0 1 running 0' "$good" >"$tmp/bad.trace"
o=$("$parlab" export "$tmp/bad.trace" --perfetto "$tmp/bad.json" 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$o" == *"$tmp/bad.trace:3: slice: task 99 does not exist"* ]] || bad "missing task: exit $rc: $o"
[ -e "$tmp/bad.json" ] && bad "a failed export left $tmp/bad.json"
head -c -7 "$good" >"$tmp/cut.trace"
o=$("$parlab" export "$tmp/cut.trace" --perfetto "$tmp/cut.json" 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$o" == *"cut.trace:"*"truncated"* ]] || bad "truncated: exit $rc: $o"
o=$("$parlab" export "$mini" --perfetto "$tmp/x.json" 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$o" == *"mini.lua:1: not a parlab trace"* ]] || bad "not a trace: exit $rc: $o"
o=$("$parlab" export "$tmp/none.trace" --perfetto "$tmp/x.json" 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$o" == *"none.trace: No such file or directory"* ]] || bad "missing file: exit $rc: $o"
o=$("$parlab" replay "$tmp/bad.trace" 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$o" == *"bad.trace:3: slice: task 99 does not exist"* ]] || bad "replay of a corrupt trace: exit $rc: $o"

# Command-line mistakes: exit 2 with a message.
usage2() { # expected-text command...
	local want=$1; shift
	o=$("$parlab" "$@" 2>&1 </dev/null); rc=$?
	[ $rc -eq 2 ] && [[ "$o" == *"$want"* ]] || bad "parlab $*: exit $rc: $o"
}
usage2 "export: name a trace file" export
usage2 "export: name a trace file" export --perfetto "$tmp/x.json"
usage2 "say what to write: --perfetto OUT.json" export "$good"
usage2 "--perfetto needs a value" export "$good" --perfetto
usage2 "unknown option '--json'" export "$good" --json x
usage2 "one trace file at a time" export "$good" "$good" --perfetto x
usage2 "replay: name a trace file" replay
usage2 "--speed wants a number from 0.01 to 1000" replay "$good" --speed abc
usage2 "--speed wants a number from 0.01" replay "$good" --speed=0
usage2 "--speed wants a number from 0.01" replay "$good" --speed -1
usage2 "--speed wants a number from 0.01" replay "$good" --speed 1001
usage2 "--speed needs a value" replay "$good" --speed
# Not a terminal here: the replay says so (the TUI tests drive it in tmux).
o=$("$parlab" replay "$good" --speed 2 2>&1 </dev/null); rc=$?
[ $rc -ne 0 ] && [[ "$o" == *"needs a terminal"* ]] || bad "replay without a terminal: exit $rc: $o"
usage2 "--save-trace is for running a course" --save-trace "$tmp/t" check "$mini"
o=$("$parlab" --batch --save-trace "$good" "$mini" 2>&1 </dev/null); rc=$?
[ $rc -eq 1 ] && [[ "$o" == *"cannot save traces in $good: Not a directory"* ]] || bad "--save-trace onto a file: exit $rc: $o"
o=$("$parlab" --help) && [[ "$o" == *"export FILE --perfetto"* && "$o" == *"replay FILE"* && "$o" == *"--save-trace DIR"* ]] \
	|| bad "--help does not tell of export, replay, --save-trace"
o=$("$parlab" export --help) && [[ "$o" == *"Usage: parlab export"* ]] || bad "export --help: $o"
exit $fail
