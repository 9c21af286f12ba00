#!/bin/bash
# Lesson 7's cluster step on an existing Dask cluster (tests/dask_cluster.sh:
# a dask-scheduler and two dask-worker processes on 127.0.0.1, started here,
# not by parlab): --dask-scheduler ADDR runs it there (the known mean, no
# LocalCluster of the run's own, both workers got parlab's plugin, the note
# says where it ran) and leaves the cluster running; the address's sources
# in order (option, PARLAB_DASK_SCHEDULER, the run's dask_scheduler field),
# none leaking from DASK_SCHEDULER_ADDRESS; bad addresses refused at once;
# a scheduler nobody answers at is a clear error within the run's timeout.
# The cluster is stopped with SIGTERM at the end (on failure too), with
# nothing left.
set -u
parlab=$1
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
helper=$src/tests/dask_cluster.sh
bash "$helper" check || exit $?
work=$(mktemp -d)
cluster=$work/cluster
cleanup() { bash "$helper" stop "$cluster" >/dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
flat() { tr '\n' ' ' <"$1" | tr -s ' '; }
# The transcript from a run's header on.
section() { sed -n "/^--- run: $2/,\$p" "$1"; }
unset DASK_SCHEDULER_ADDRESS PARLAB_DASK_SCHEDULER

# Refused before anything runs: exit 2, the reason said.
for a in foo tcp://127.0.0.1 tcp://127.0.0.1:0 http://127.0.0.1:8786 ""; do
	out=$("$parlab" --batch --dask-scheduler "$a" "$src/lessons/module14" </dev/null 2>&1); rc=$?
	[ $rc -eq 2 ] || bad "--dask-scheduler '$a': exit $rc, want 2"
	grep -qE "not a Dask scheduler's address|needs an address" <<<"$out" || bad "--dask-scheduler '$a': no reason: $out"
done
out=$(PARLAB_DASK_SCHEDULER=tcp://x "$parlab" --batch "$src/lessons/module14" </dev/null 2>&1); rc=$?
[ $rc -eq 2 ] && [[ $out == *"PARLAB_DASK_SCHEDULER: 'tcp://x' is not a Dask scheduler's address"* ]] ||
	bad "a bad PARLAB_DASK_SCHEDULER: exit $rc: $out"
out=$("$parlab" --dask-scheduler tcp://127.0.0.1:8786 list 2>&1); rc=$?
[ $rc -eq 2 ] || bad "--dask-scheduler with list: exit $rc, want 2"

addr=$(bash "$helper" start "$cluster") || { echo "FAIL: the cluster did not start"; tail -n 5 "$cluster"/*.log; exit 1; }
pids=$(bash "$helper" pids "$cluster")
[ "$(wc -w <<<"$pids")" -eq 4 ] || bad "want 2 nannies and 2 workers, got: $pids"
echo "cluster at $addr: $(echo $pids)"

# Lesson 7 as shipped, in a folder of its own.
mkdir "$work/course" "$work/small"
cp "$src"/lessons/module14/{07-dask.lua,example2.py,example2_cluster.py} "$work/course/"
out=$work/out
start=$(date +%s)
timeout 600 "$parlab" --batch --dask-scheduler "$addr" "$work/course/07-dask.lua" </dev/null >"$out" 2>&1
rc=$?
[ $rc -eq 0 ] || bad "lesson 7 on the cluster: exit $rc, want 0"
[ "$(grep -c "| Mean value: 42.5$" "$out")" -eq 2 ] || bad "want the mean 42.5 from example2 and from the cluster"
section "$out" "A local Dask cluster" >"$work/cl"
grep -qE "MainProcess +\| Connecting to the cluster at $addr$" "$work/cl" || bad "the program did not connect to $addr"
grep -qE "MainProcess +\| [0-9]+ partitions, 2 worker processes$" "$work/cl" || bad "the program did not see the cluster's 2 workers"
# No cluster of its own: no worker process, no nanny among the run's tasks.
grep -qE "Dask Worker process|Nanny" "$work/cl" && bad "the run started workers of its own: $(grep -E "Dask Worker|Nanny" "$work/cl" | head -3)"
[[ "$(flat "$work/cl")" == *"Your computation ran on the cluster at $addr, on its 2 worker processes; its workers were not started by this run"* ]] ||
	bad "the note does not say where the computation ran"
# The workers are on this machine: the capture watched their processes
# (rows of the task table named after them, their pids the cluster's).
if grep -q "^capture: none" "$work/cl"; then
	echo "note: no capture here, the workers' processes are not watched"
else
	for n in 1 2; do
		row=$(grep -E "^  worker ext-$n, not this run's +[0-9]+ " "$work/cl" | head -1)
		p=$(sed -E "s/^  worker ext-$n, not this run's +([0-9]+) .*/\1/" <<<"$row")
		[ -n "$row" ] && grep -qw -- "$p" <<<"$pids" || bad "worker ext-$n's process not watched as the cluster's: '$row'"
	done
	[[ "$(flat "$work/cl")" =~ "so parlab watched the ones on this machine ("[0-9]+" and "[0-9]+") only from the moment they joined this run" ]] ||
		bad "the note does not name the watched workers"
fi
# parlab's helper put its plugin on both workers, and took it off at the end.
for n in 1 2; do
	grep -q "Starting Worker plugin parlab-dask" "$cluster/worker$n.log" || bad "worker $n never got parlab's plugin"
	grep -q "Removing Worker plugin parlab-dask" "$cluster/worker$n.log" || bad "worker $n still has parlab's plugin"
done
for p in $pids; do kill -0 "$p" 2>/dev/null || bad "the cluster's process $p is gone after the run"; done

# Where the address comes from: a small lesson with the cluster run only.
cp "$src/lessons/module14/example2_cluster.py" "$work/small/"
small() {   # $1: the run's dask_scheduler field ("" for none)
	cat >"$work/small/cluster.lua" <<EOF
return lesson {
  title = "On a cluster",
  run { title = "cluster", command = { "python3", "example2_cluster.py" }, files = { "example2_cluster.py" },
        python = { "dask.dataframe", "distributed" }, timeout = 120, $1
        csv = { file = "large_dataset.csv", rows = 20000, column = "column_name", mean = 42.5 } },
}
EOF
}
# want: the address the program used ("" for a LocalCluster of its own);
# then the environment's additions, "--", parlab's options.
check_small() {
	local what=$1 want=$2 envs=() opts=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	opts=("$@")
	env "${envs[@]}" timeout 300 "$parlab" --batch "${opts[@]}" "$work/small/cluster.lua" </dev/null >"$out" 2>&1
	local rc=$?
	[ $rc -eq 0 ] || bad "$what: exit $rc"
	grep -q "| Mean value: 42.5$" "$out" || bad "$what: no mean"
	if [ -n "$want" ]; then
		grep -qE "\| Connecting to the cluster at $want$" "$out" || bad "$what: did not use $want"
		grep -q "Dask Worker process" "$out" && bad "$what: started a cluster of its own"
	else
		grep -q "Connecting to the cluster" "$out" && bad "$what: used a cluster: $(grep Connecting "$out")"
		grep -q "Dask Worker process" "$out" || bad "$what: no LocalCluster"
	fi
}
small "dask_scheduler = \"$addr\","
check_small "the run's field" "$addr"
small 'dask_scheduler = "tcp://127.0.0.1:1",'
check_small "PARLAB_DASK_SCHEDULER over the field" "$addr" PARLAB_DASK_SCHEDULER="$addr"
check_small "--dask-scheduler over PARLAB_DASK_SCHEDULER" "$addr" PARLAB_DASK_SCHEDULER=tcp://127.0.0.1:1 -- --dask-scheduler "$addr"
small ""
check_small "no address (DASK_SCHEDULER_ADDRESS of parlab's own does not leak)" "" DASK_SCHEDULER_ADDRESS="$addr"
for p in $pids; do kill -0 "$p" 2>/dev/null || bad "the cluster's process $p is gone after the runs"; done

# A scheduler nobody answers at: Dask's own error, the run failed (not
# timed out: within its 180 s), the note says why, no hang.
t0=$(date +%s)
timeout 600 "$parlab" --batch --dask-scheduler tcp://127.0.0.1:1 "$work/course/07-dask.lua" </dev/null >"$out" 2>&1
rc=$?
t1=$(date +%s)
[ $rc -eq 1 ] || bad "a dead scheduler: exit $rc, want 1"
section "$out" "A local Dask cluster" >"$work/cl"
grep -q "Timed out trying to connect to tcp://127.0.0.1:1" "$work/cl" || bad "a dead scheduler: Dask's error not shown"
grep -qE "^run A local Dask cluster after [0-9.]+s: python3 exit 1" "$work/cl" || bad "a dead scheduler: the run did not fail on its own: $(grep '^run A local' "$work/cl")"
[[ "$(flat "$work/cl")" == *"The program could not use the cluster at tcp://127.0.0.1:1"* ]] || bad "a dead scheduler: the note"
[[ "$(flat "$work/cl")" == *"Mean value: 42.5 again"* ]] && bad "a dead scheduler: the note claims a mean"
echo "a dead scheduler: $((t1 - t0)) s for lesson 7; the first run: $((t0 - start)) s in all"

# Stopped as a cluster's owner would: SIGTERM, nothing left.
bash "$helper" stop "$cluster" || bad "the cluster did not stop cleanly on SIGTERM"
for p in $pids; do kill -0 "$p" 2>/dev/null && bad "process $p left after the stop"; done
[ $fail -eq 0 ] || { echo "--- last transcript ---"; cat "$out"; }
exit $fail
