#!/bin/bash
# Stepped runs whose workers die mid-run, in processes and in threads, each
# case beside the same run free:
#  - crash(): w1 is let go for its racy add (read, write) and runs into a
#    crash while w0 is held at its first step point;
#  - SIGKILL from outside: w1 is held at its step point (lock A, which w0,
#    let go first, holds while it sleeps) when the test kills it: the
#    worker process ("w1 crashed (Killed)"), or in threads the worker's
#    thread, which takes its process, the runner, down with every thread
#    ("the runner failed (status 9)", as in a free run: the kernel does
#    not say which thread the signal was sent to).
# Each run ends at once, not at w0's 60 s sleep, with the words of a free
# run's crash; batch exits as for the free run (1); nothing is left: no
# process, no zombie, no scratch folder; the saved trace's held span of a
# killed process worker ends at its death. As root, again as nobody.
set -u
parlab=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.bash"
hostile_init step_crash

# lesson NAME KIND STEPPER BODY: a one-run lesson in $H_WORK/NAME.lua.
lesson() {
	cat >"$H_WORK/$1.lua" <<L
return lesson { title = "$1",
  run { title = "$1", $2 = 2, stepper = $3, shared = { counter = 0 }, locks = { "A" }, timeout = 100,
    worker = function(w)
      $4
    end },
}
L
}
CRASH='if w.id == 1 then add_racy("counter"); crash() end
      add_racy("counter"); add_racy("counter")'
HELD='if w.id == 0 then lock("A"); sleep(60000); unlock("A") else lock("A"); unlock("A") end'

# run_case NAME SCHEDULE REGEX [KILL]: runs NAME.lua in batch with SCHEDULE
# on stdin; KILL (process or thread): kills w1 once it waits at its gate.
run_case() {
	local name=$1 sched=$2 re=$3 kill=${4:-} rc t0 ms
	t0=$(date +%s%N)
	printf '%s\n' "$sched" | timeout 100 "$parlab" --batch --save-trace "$H_WORK/tr-$name" "$H_WORK/$name.lua" \
		>"$H_WORK/out" 2>"$H_WORK/err" &
	local pid=$!
	[ -n "$kill" ] && kill_w1 "$name" "$kill"
	wait $pid; rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	flat "$H_WORK/out" >"$H_WORK/flat"
	grep -aoE "run $name after [^:]*: [^;]*;?" "$H_WORK/flat" | head -1
	grep -aqE "$re" "$H_WORK/flat" || bad "$name: no '$re' in: $(grep -a -E '^run ' -A2 "$H_WORK/out" | head -c 600) $(head -c 300 "$H_WORK/err")"
	[ $ms -lt 30000 ] || bad "$name: took ${ms} ms: the run did not end at the death"
	hostile_clean "$name"
	echo "$rc" >"$H_WORK/rc-$name"
	echo "$name: exit $rc, ${ms} ms"
}

# w1's task, once it waits on its gate's futex (its step point): nothing
# else a stepped worker waits on with a futex. Then SIGKILL to it.
kill_w1() {
	local name=$1 how=$2 i p t task=
	for ((i = 0; i < 400; i++)); do   # 20 s at most
		for p in $(hostile_procs); do
			for t in /proc/"$p"/task/*; do
				[ "$(cat "$t/comm" 2>/dev/null)" = w1 ] && [[ "$(cat "$t/wchan" 2>/dev/null)" == *futex* ]] &&
					task=${t##*/}
			done
		done
		[ -n "$task" ] && break
		sleep 0.05
	done
	[ -n "$task" ] || { bad "$name: w1 never waited at its step point"; return; }
	kill -KILL "$task" && echo "$name: killed w1 ($how, task $task) at its step point"
}

lesson crash_processes processes true "$CRASH"
run_case crash_processes "1 1" "run crash_processes after [0-9.]+m?s: w1 crashed \(Segmentation fault\): the run was stopped; every task killed and reaped"
lesson crash_threads threads true "$CRASH"
run_case crash_threads "1 1" "run crash_threads after [0-9.]+m?s: w1 crashed \(Segmentation fault\), taking its process"
lesson free_crash processes false "$CRASH"
run_case free_crash "" "run free_crash after [0-9.]+m?s: w1 crashed \(Segmentation fault\): the run was stopped"

lesson killed_processes processes true "$HELD"
run_case killed_processes "0" "run killed_processes after [0-9.]+m?s: w1 crashed \(Killed\): the run was stopped; every task killed and reaped" process
lesson killed_threads threads true "$HELD"
run_case killed_threads "0" "run killed_threads after [0-9.]+m?s: the runner failed \(status 9\)" thread

for c in crash_processes crash_threads killed_processes killed_threads; do
	[ "$(cat "$H_WORK/rc-$c")" = "$(cat "$H_WORK/rc-free_crash")" ] ||
		bad "$c: exit $(cat "$H_WORK/rc-$c"), a free run's crash exits $(cat "$H_WORK/rc-free_crash")"
done

# The killed process worker's held span ends at its death, not at the run's end.
tr=$(echo "$H_WORK"/tr-killed_processes/*.trace)
python3 - "$tr" <<'P' || bad "killed_processes: w1's held span does not end at its death"
import shlex, sys
died, spans = {}, {}
for rec in open(sys.argv[1], encoding="utf-8"):
    f = shlex.split(rec)
    if f[0] == "task" and f[6] == "w1":
        w1, died = int(f[1]), int(f[8])
    elif f[0] == "span" and f[2] == "step":
        spans.setdefault(int(f[1]), []).append((int(f[3]), int(f[4]), f[5]))
sp = spans[w1]
assert len(sp) == 1 and sp[0][2] == "lock" and died > 0 and sp[0][1] == died, (sp, died)
P
hostile_as_nobody "$0" "$parlab"
hostile_done
