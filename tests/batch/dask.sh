#!/bin/bash
# Dask's task stream for real (issue 12): Module 14's Dask lesson in batch,
# its cluster run a LocalCluster of two worker processes on a 6-partition
# CSV. The transcript's Dask table lists both workers as processes of the
# run, each with tasks (the scheduler spreads the 6 partitions' root tasks
# over the workers' threads when it plans them, before any runs, so even a
# busy machine does not leave one out), every lane's thread a task of the
# task table, the prefixes getitem and series-mean, the transfers counted;
# the note quotes the same record (observe's run.dask); the saved trace
# (version 6) has the same workers and tasks; its Perfetto export is valid
# JSON with a track per lane under its worker's process and a slice per task.
set -u
parlab=$1
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
py=/usr/bin/python3
"$py" -c "import dask.dataframe, distributed" 2>/dev/null || { echo "skip: no dask.distributed for $py"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out.txt
fail=0
bad() { echo "FAIL: $*"; fail=1; }

yes 1 | head -n 20 | timeout 500 "$parlab" --batch --save-trace "$tmp/tr" "$src/lessons/module14/07-dask.lua" >"$out" 2>&1
rc=$?
[ $rc -eq 0 ] || bad "exit $rc, want 0"
# The cluster run's part of the transcript, and the same with wrapped lines joined.
run=$(sed -n '/^--- run: A local Dask cluster/,/^trace saved: /p' "$out")
flat=$(tr '\n' ' ' <<<"$run" | tr -s ' ')
[ -n "$run" ] || bad "no cluster run in the transcript"

# The header and the workers: two, processes of this run, each with >= 1 task.
[[ "$flat" =~ "Dask: 2 workers, "([0-9]+)" tasks, "([0-9]+)" transfer" ]] || bad "no 'Dask: 2 workers, N tasks, M transfers' line"
total=${BASH_REMATCH[1]:-0} xfers=${BASH_REMATCH[2]:-0}
[ "$total" -ge 7 ] || bad "want at least 7 tasks (6 partitions and the mean), got $total"
workers=$(grep -oE 'worker [0-9.]+:[0-9]+( \("[^"]*"\))?, process [0-9]+ of this run: [0-9]+ tasks? on [0-9]+ threads?' <<<"$flat")
[ "$(grep -c . <<<"$workers")" -eq 2 ] || bad "want 2 workers, processes of this run, listed: $workers"
sum=0
while read -r n; do
	[ "$n" -ge 1 ] || bad "a worker with no task: $workers"
	sum=$((sum + n))
done < <(sed -E 's/.*of this run: ([0-9]+) task.*/\1/' <<<"$workers")
[ "$sum" -eq "$total" ] || bad "the workers' tasks ($sum) do not add up to $total"

# Every lane: its thread is in the run's task table, under its worker's pid.
lanes=$(grep -oE 'dask [0-9]+\.[0-9]+, thread [0-9]+ \([^)]*\): [0-9]+ tasks?' <<<"$flat")
[ "$(grep -c . <<<"$lanes")" -ge 2 ] || bad "want at least 2 lanes, got: $lanes"
lsum=0
while read -r pid tid n; do
	grep -qE "^  .* +$pid +$tid +[0-9.]+(us|ms|s) " <<<"$run" || bad "lane thread $tid of $pid not in the task table"
	lsum=$((lsum + n))
done < <(sed -E 's/dask ([0-9]+)\.[0-9]+, thread ([0-9]+) .*: ([0-9]+) tasks?/\1 \2 \3/' <<<"$lanes")
[ "$lsum" -eq "$total" ] || bad "the lanes' tasks ($lsum) do not add up to $total"
# each lane names its OS thread (the capture saw it): Dask-Default-Threads-PID-N
[ "$(grep -cE 'thread [0-9]+ \(Dask-Default-Threads-[0-9]+-[0-9]+\)' <<<"$lanes")" -eq "$(grep -c . <<<"$lanes")" ] ||
	bad "a lane does not name its OS thread: $lanes"
for p in getitem series-mean; do
	grep -qE "[:,] $p [0-9]+ in [0-9.]+(us|ms|s)" <<<"$flat" || bad "prefix $p not in the lanes' lines"
done
# The transfers, listed up to 8 ("and N more" past that).
nl=$(grep -oE '[0-9.]+:[0-9]+ -> [0-9.]+:[0-9]+: [0-9]+ B in ' <<<"$flat" | grep -c .)
want=$xfers; [ "$want" -gt 8 ] && want=8
[ "$nl" -eq "$want" ] || bad "want $want transfers listed, got $nl"
[ "$xfers" -le 8 ] || [[ "$flat" =~ "and $((xfers - 8)) more" ]] || bad "no 'and N more' after 8 transfers"

# The note, from observe's run.dask: the same total, each worker named.
note=$(sed -n '/^Mean value: 42.5 again/,/^===/p' "$out" | tr '\n' ' ' | tr -s ' ')
[[ "$note" =~ "Dask's own record of your run, $total tasks in all: worker" ]] || bad "the note does not quote the run's $total tasks"
[ "$(grep -oE 'worker [^ ]+ \(process [0-9]+ of this run\) ran [0-9]+ tasks?: getitem' <<<"$note" | grep -c .)" -eq 2 ] ||
	bad "the note does not say what each of the two workers ran"
if [ "$xfers" -eq 0 ]; then
	grep -qF "No data moved between the workers" <<<"$note" || bad "the note on no transfers"
else
	grep -qE "Data moved between the workers $xfers times?, [0-9]+ bytes in all" <<<"$note" || bad "the note on $xfers transfers"
fi

# The saved trace and its export.
tr=$(ls "$tmp"/tr/*-a-local-dask-cluster.trace 2>/dev/null | head -1)
[ -f "$tr" ] || { bad "no saved trace of the cluster run"; exit 1; }
head -1 "$tr" | grep -qx "parlab-trace 7" || bad "$tr: not version 7"
[ "$(grep -c '^dworker ' "$tr")" -eq 2 ] || bad "$tr: want 2 dworker records"
[ "$(grep -c '^dtask ' "$tr")" -eq "$total" ] || bad "$tr: want $total dtask records"
[ "$(grep -c '^dxfer ' "$tr")" -eq "$xfers" ] || bad "$tr: want $xfers dxfer records"
o=$("$parlab" export "$tr" --perfetto "$tmp/c.json" 2>&1) || bad "export: $o"
"$py" -m json.tool "$tmp/c.json" >/dev/null || bad "the export is not valid JSON"
"$py" - "$tmp/c.json" "$total" "$xfers" "$lanes" <<'P' || bad "the export's Dask tracks"
import json, re, sys
d = json.load(open(sys.argv[1]))
total, xfers = int(sys.argv[2]), int(sys.argv[3])
ev = d["traceEvents"]
names = {(e["pid"], e["tid"]): e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
ok = True
def bad(m):
    global ok
    print("export:", m); ok = False
lanes = [m.groups() for m in re.finditer(r"dask (\d+)\.(\d+), thread", sys.argv[4])]
for pid, n in lanes:   # a track per lane, under its worker's process, a synthetic tid
    hits = [k for k, v in names.items() if v == "dask %s.%s" % (pid, n)]
    if len(hits) != 1 or hits[0][0] != int(pid) or hits[0][1] <= 8388608:
        bad("no track 'dask %s.%s' under pid %s: %s" % (pid, n, pid, hits))
tasks = [e for e in ev if e["ph"] == "X" and e.get("cat") == "dask"]
if len(tasks) != total: bad("%d task slices, want %d" % (len(tasks), total))
if not {"getitem", "series-mean"} <= {e["name"] for e in tasks}: bad("prefixes missing")
if any(not e["args"].get("key") or names.get((e["pid"], e["tid"]), "")[:5] != "dask " for e in tasks):
    bad("a task slice without its key or off a Dask lane")
xs = [e for e in ev if e["ph"] == "X" and e.get("cat") == "dask-transfer"]
if len(xs) != xfers: bad("%d transfer slices, want %d" % (len(xs), xfers))
s = sorted(e["id"] for e in ev if e["ph"] == "s" and e.get("cat") == "dask-transfer")
f = sorted(e["id"] for e in ev if e["ph"] == "f" and e.get("cat") == "dask-transfer")
if s != f: bad("flow starts %s and ends %s do not pair" % (s, f))
dk = d["otherData"].get("dask", {})
if dk.get("tasks") != total or len(dk.get("workers", [])) != 2: bad("otherData.dask: %s" % dk)
sys.exit(0 if ok else 1)
P
[ $fail -eq 0 ] || { echo "--- transcript (cluster run) ---"; echo "$run"; sed -n '/^Mean value: 42.5 again/,$p' "$out"; }
exit $fail
