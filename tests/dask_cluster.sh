#!/bin/bash
# An existing Dask cluster on 127.0.0.1 for the tests of --dask-scheduler
# (tests/batch/dask_scheduler.sh, tests/unit/test_dask_cluster.c): a
# dask-scheduler and two dask-worker processes (two threads each), every
# port on the loopback, each in a session of its own (setsid: they are no
# child of the test, nor of parlab), their files and logs in DIR.
#
#   dask_cluster.sh check           exit 77 with "SKIP: why" if it cannot run here
#   dask_cluster.sh start DIR       prints the scheduler's address once both
#                                   workers are registered; exit 1 if not
#   dask_cluster.sh pids DIR        the nannies' and their workers' pids
#   dask_cluster.sh stop DIR        SIGTERM to the workers, then the scheduler;
#                                   waits for every process of their sessions
#                                   to end (SIGKILL after 30 s, and exit 1)
# The worker processes fork from their nannies (fork start method: a
# second, not ten, on a busy machine).
set -u
py=/usr/bin/python3
cmd=${1:-}
dir=${2:-}

die() { echo "dask_cluster: $*" >&2; exit 1; }

# Processes of the session led by pid $1 (setsid made each one a leader).
session() { ps -eo pid=,sid= | awk -v s="$1" '$2 == s { print $1 }'; }

case $cmd in
check)
	for c in dask-scheduler dask-worker; do
		[ -x /usr/bin/$c ] || { echo "SKIP: /usr/bin/$c missing (apt-get install python3-distributed)"; exit 77; }
	done
	$py -c 'import distributed, dask.dataframe' 2>/dev/null ||
		{ echo "SKIP: $py cannot import distributed (apt-get install python3-distributed)"; exit 77; }
	command -v setsid >/dev/null || { echo "SKIP: no setsid"; exit 77; }
	exit 0
	;;
start)
	[ -n "$dir" ] || die "start DIR"
	mkdir -p "$dir" || die "cannot make $dir"
	export DASK_DISTRIBUTED__WORKER__MULTIPROCESSING_METHOD=fork DASK_TEMPORARY_DIRECTORY="$dir"
	rm -f "$dir/scheduler.json"
	setsid /usr/bin/dask-scheduler --host 127.0.0.1 --port 0 --dashboard-address 127.0.0.1:0 \
		--scheduler-file "$dir/scheduler.json" </dev/null >"$dir/scheduler.log" 2>&1 &
	echo $! >"$dir/scheduler.pid"
	addr=
	for _ in $(seq 600); do   # a minute at most, on a machine as busy as it may be
		[ -s "$dir/scheduler.json" ] && addr=$(sed -n 's/.*"address": *"\(tcp:[^"]*\)".*/\1/p' "$dir/scheduler.json") && [ -n "$addr" ] && break
		kill -0 "$(cat "$dir/scheduler.pid")" 2>/dev/null || die "dask-scheduler ended: $(tail -5 "$dir/scheduler.log")"
		sleep 0.1
	done
	[ -n "$addr" ] || die "no scheduler file after 60 s: $(tail -5 "$dir/scheduler.log")"
	for n in 1 2; do
		setsid /usr/bin/dask-worker "$addr" --host 127.0.0.1 --dashboard-address 127.0.0.1:0 --nthreads 2 \
			--name "ext-$n" --local-directory "$dir/w$n" </dev/null >"$dir/worker$n.log" 2>&1 &
		echo $! >"$dir/worker$n.pid"
	done
	for _ in $(seq 1200); do   # two minutes at most
		r=0
		for n in 1 2; do grep -q "Registered to:" "$dir/worker$n.log" && r=$((r + 1)); done
		[ $r -eq 2 ] && { echo "$addr"; exit 0; }
		for n in 1 2; do
			kill -0 "$(cat "$dir/worker$n.pid")" 2>/dev/null || die "dask-worker $n ended: $(tail -5 "$dir/worker$n.log")"
		done
		sleep 0.1
	done
	die "the workers did not register in 120 s"
	;;
pids)
	for f in "$dir"/worker1.pid "$dir"/worker2.pid; do [ -s "$f" ] && session "$(cat "$f")"; done
	exit 0
	;;
stop)
	[ -n "$dir" ] || die "stop DIR"
	rc=0
	for who in worker1 worker2 scheduler; do
		[ -s "$dir/$who.pid" ] || continue
		pid=$(cat "$dir/$who.pid")
		kill -TERM "$pid" 2>/dev/null
		for _ in $(seq 300); do [ -z "$(session "$pid")" ] && break; sleep 0.1; done
		left=$(session "$pid")
		if [ -n "$left" ]; then
			echo "dask_cluster: $who ($pid) still had $(echo $left) 30 s after SIGTERM: killed" >&2
			kill -KILL $left 2>/dev/null
			rc=1
		fi
		rm -f "$dir/$who.pid"
	done
	exit $rc
	;;
*)
	die "usage: dask_cluster.sh check | start DIR | pids DIR | stop DIR"
	;;
esac
