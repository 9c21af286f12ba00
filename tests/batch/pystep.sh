#!/bin/bash
# A lesson's Python program under the stepper (run{ command = python3,
# stepper = true }; tests/lessons/good/pystep.lua and pystep.py): its
# threads and processes are the workers (numbered as they appear, named by
# Python), its Locks, Values, Queues, start and join the step points.
# A schedule that interleaves two processes' v.value += 1 loses an update
# (the program prints "final value 1"; with the spawn start method too:
# what a new process gets carries its step points), and the same schedule 20 times
# gives the same steps and output; in threads too; a Lock held by another
# refuses the step and the program ends at 2; a Queue empty or full
# refuses a take or a put; a spawned child that dies before its hello (its
# target is not there for it) ends its parent's start, not the run; two
# threads taking two Locks in opposite order
# end as a deadlock in a free run's words, a goal that says so reached by
# its solution (check --runs replays it); the same program not stepped
# runs freely. Under two CPU hogs too: the schedule, not the machine,
# decides.
set -u
parlab=$1
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
lesson=$src/tests/lessons/good/pystep.lua
[ -x /usr/bin/python3 ] || { echo "SKIP: no /usr/bin/python3"; exit 77; }
export PARLAB_PYTHON=/usr/bin/python3 PARLAB_TRUST=1
fail=0
bad() { echo "FAIL: $*"; fail=1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/pystep.XXXXXX")
hogs=()
cleanup() { for p in "${hogs[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT

run() {   # $1: the answers (one schedule line per stepped run), $2: the lesson; output in $work/out, flattened in $work/flat
	printf '%b' "$1" | timeout 120 "$parlab" --batch --state off "${2:-$lesson}" >"$work/out" 2>&1
	echo $? >"$work/rc"
	tr '\n' ' ' <"$work/out" | tr -s ' ' >"$work/flat"
}
has() { grep -qF -- "$1" "$work/flat" || bad "$2: no \"$1\""; }

check() {   # $1: quiet or under load
	run '0 0 1 2 1 2\n0 0 1 2 1 2\n0 0 1 2\n0 0 1 2\n0 0\n0 1 1\n0 0 1 2\n0 0 1 2 1 2\n0 0\n'
	[ "$(cat "$work/rc")" = 0 ] || bad "$1: exit $(cat "$work/rc"), want 0"
	has "step 1: w0 MainProcess: start Process-1 step 2: w0 MainProcess: start Process-2 step 3: w1 Process-1: get v.value step 4: w2 Process-2: get v.value step 5: w1 Process-1: set v.value = 1 step 6: w2 Process-2: set v.value = 1" "$1: processes, the lost update step by step"
	[ "$(grep -c 'MainProcess *| final value 1$' "$work/out")" = 3 ] || bad "$1: processes (fork, spawn) and threads do not all lose the update: $(grep 'final value' "$work/out")"
	has "step 6: w2 Thread-2 (racy): set v.value = 1" "$1: threads, the lost update"
	has "step 4: w2 cannot go: lock lock is held by w1: the schedule stops there" "$1: the mp.Lock refuses"
	has "w2: Process-2: lock lock (held by w1) (cannot go now)" "$1: the mp.Lock's holder"
	has "step 4: w2 cannot go: lock lock is held by w1: the schedule stops there after 3 steps, next: w0: MainProcess: join w1 (Thread-1 (locked), not done) (cannot go now)" "$1: the threading.Lock refuses"
	[ "$(grep -c 'final value 2' "$work/out")" = 3 ] || bad "$1: the locked runs (and the free one) do not all end at 2: $(grep 'final value' "$work/out")"
	has "step 2: w0 cannot go: queue q is empty" "$1: an empty mp.Queue"
	has "step 3: w1 cannot go: queue q is full" "$1: a full queue.Queue"
	[ "$(grep -c 'took ab' "$work/out")" = 2 ] || bad "$1: the queues' values"
	has "run: racy spawn (python3 pystep.py racy) --- schedule> stepped run: the workers wait at their first steps w0: MainProcess: start Process-1 step 1: w0 MainProcess: start Process-1 step 2: w0 MainProcess: start Process-2 step 3: w1 Process-1: get v.value step 4: w2 Process-2: get v.value step 5: w1 Process-1: set v.value = 1 step 6: w2 Process-2: set v.value = 1" "$1: spawn, the lost update"
	has "goal: Make the two threads deadlock." "$1: the lock order's goal"
	has "goal reached at step 4" "$1: the goal judged on the Python run"
	has "deadlock, as this step expects: w0 waits for w1 (Thread-1 (opposite)) to end; w1 holds a and waits for b; w2 holds b and waits for a" "$1: the lock order"
	has "step 1: w0 MainProcess: start Process-1 step 2: w0 MainProcess: join Process-1 after 2 steps, next: w0: done" "$1: a child that dies before its hello ends its start"
	has "AttributeError: Can't get attribute 'hidden'" "$1: the dead child's own words"
	has "MainProcess | exit code 1" "$1: the program goes on past the child it lost"
	echo "ok - $1: Python threads and processes stepped: a lost update, locks, queues, a deadlock, a child lost"
}
check quiet

# check --runs: every stepped run goes freely; the goal's solution is replayed and reaches it.
out=$(timeout 300 "$parlab" check --runs 1 "$lesson" 2>&1) || bad "check --runs: $out"
grep -q "stable" <<<"$out" || bad "check --runs: not stable: $out"

for _ in 1 2; do (while :; do :; done) & hogs+=($!); done

# The same schedule, 20 times (under the hogs): the same steps, the same output.
for i in $(seq 20); do
	run '0 0 1 2 1 2\n' "$src/tests/lessons/good/pystep_racy.lua"
	grep -E '^(step|  w[0-9]:)|final value' "$work/out" | sed -E 's/^ *[0-9.]+(ns|us|ms|s) +//' | head -20 >"$work/steps.$i"
	grep -q 'final value 1' "$work/steps.$i" || { bad "replay $i: no lost update: $(cat "$work/steps.$i")"; break; }
	[ "$i" = 1 ] || cmp -s "$work/steps.1" "$work/steps.$i" || { bad "replay $i differs: $(diff "$work/steps.1" "$work/steps.$i" | head -5)"; break; }
done
[ $fail -eq 0 ] && echo "ok - 20 replays of a schedule: the same steps and final value"

# Outside parlab the helper's stepping is not installed, even with PARLAB_STEP=1.
out=$(cd "$src/tests/lessons/good" && PARLAB_STEP=1 PYTHONPATH=$src/python timeout 30 /usr/bin/python3 pystep.py locked 2>&1)
[ "$out" = "final value 2" ] || bad "outside parlab: $out"

# parlab gone mid-run (its socket and the thread's reply socket closed
# after the program's first step point): the program runs on unhooked.
out=$(cd "$src/tests/lessons/good" && PYTHONPATH=$src/python timeout 60 /usr/bin/python3 - "$work/gone.out" <<'PY'
import array, os, socket, subprocess, sys
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
env = dict(os.environ, PARLAB_MARK_FD=str(b.fileno()), PARLAB_STEP="1")
with open(sys.argv[1], "w") as out:   # a file, not a pipe: the helper leaves it alone
    p = subprocess.Popen([sys.executable, "pystep.py", "locked"], pass_fds=[b.fileno()], env=env,
                         stdout=out, stderr=subprocess.STDOUT)
b.close()
steps = 0
while steps == 0:
    msg, anc, _, _ = a.recvmsg(512, socket.CMSG_SPACE(4 * 4))
    for _, _, data in anc:   # the reply sockets: closed, as when parlab dies
        fds = array.array("i")
        fds.frombytes(data[:len(data) - len(data) % 4])
        for fd in fds:
            os.close(fd)
    steps += msg.startswith(b"\x01step at")
a.close()
print(p.wait(timeout=30), open(sys.argv[1]).read().strip())
PY
)
[ "$out" = "0 final value 2" ] || bad "parlab gone: the program did not run on: $out"
[ $fail -eq 0 ] && echo "ok - without parlab (PARLAB_STEP=1 alone, or parlab gone mid-run) the program runs on"

check "two CPU hogs"
[ $fail -eq 0 ] && echo PASS
exit $fail
