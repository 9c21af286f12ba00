#!/bin/bash
# kill -9 of parlab mid-run: within a second no process of the run is left
# (its runner, workers, a command's children, a setsid daemon, an orphaned
# grandchild); the scratch folder it could not remove is removed by the
# next parlab; a scratch folder of a parlab still running is left alone.
set -u
parlab=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
export TMPDIR=$tmp
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; pkill -9 -f 'sleep 777[1-4]' 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# Processes whose command line names these sleeps, or a parlab-runner / w<N> started under this TMPDIR.
ours() { pgrep -f 'sleep 777[1-4]' || true; }
runners() { for p in $(pgrep -x 'parlab-runner|w[0-9]+' || true); do tr '\0' '\n' </proc/$p/environ 2>/dev/null | grep -qx "TMPDIR=$tmp" && echo $p; done; }

wait_for() {   # up to 30 s for $1 processes matching the check $2
	for _ in $(seq 300); do [ "$($2 | wc -l)" -ge "$1" ] && return 0; sleep 0.1; done
	return 1
}

# 1. A command with a child, a daemon and an orphan.
"$parlab" --batch "$here/kill9.lua" </dev/null >"$tmp/out1" 2>&1 &
p=$!; pids+=($p)
wait_for 4 ours || bad "command: its four sleeps never all ran: $(ours | paste -sd' ') $(cat "$tmp/out1")"
ls -d "$tmp"/parlab-run-$p-* >/dev/null 2>&1 || bad "command: no scratch folder named by parlab's pid $p"
kill -9 $p
sleep 1
left=$(ours)
[ -z "$left" ] || bad "command: a second after kill -9 these are left: $(ps -o pid,ppid,args -p "$(echo $left | tr ' ' ',')" | tail -n +2)"
[ -z "$(runners)" ] || bad "command: runner left: $(runners)"

# 2. Busy process workers.
"$parlab" --batch "$here/kill9_workers.lua" </dev/null >"$tmp/out2" 2>&1 &
p=$!; pids+=($p)
wait_for 4 runners || bad "workers: the runner and three workers never all ran"
kill -9 $p
sleep 1
[ -z "$(runners)" ] || bad "workers: a second after kill -9 left: $(runners | paste -sd' ')"

# 3. The next parlab removes what the killed ones left, not what a live one uses.
mkdir "$tmp/parlab-run-999999999-keepme"   # no such pid: a dead parlab's
"$parlab" --batch "$here/kill9_workers.lua" </dev/null >"$tmp/out3" 2>&1 &
live=$!; pids+=($live)
wait_for 4 runners || bad "sweep: the live run never started"
ls -d "$tmp"/parlab-run-* 2>/dev/null | grep -v "parlab-run-$live-" && bad "sweep: folders of dead parlabs left: $(ls -d "$tmp"/parlab-run-* | grep -v "parlab-run-$live-" | paste -sd' ')"
ls -d "$tmp"/parlab-run-$live-* >/dev/null 2>&1 || bad "sweep: the live parlab has no scratch folder"
PARLAB_STATE=off "$parlab" --batch "$here/kill9.lua" </dev/null >"$tmp/out4" 2>&1 &
other=$!; pids+=($other)
wait_for 4 ours || bad "sweep: the second parlab's command never ran"
ls -d "$tmp"/parlab-run-$live-* >/dev/null 2>&1 || bad "sweep: a live parlab's scratch folder was removed by another"
kill -9 $live $other
sleep 1
[ -z "$(runners)$(ours)" ] || bad "sweep: left after kill -9: $(runners) $(ours)"
[ $fail -eq 0 ] && echo "PASS"
exit $fail
