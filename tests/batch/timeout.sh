#!/bin/bash
# A run's timeout counts from its workers' start, not from the preparation
# before it (finding a Python that takes 3 s a probe, for a run of 2 s; a
# large generated CSV): such a run finishes; a run whose
# workers outlive the timeout is stopped at it and says so, and batch mode
# fails. A run that declares the timeout it expects (run{ expect =
# "timeout" }, tests/runner/expect.lua) says so, keeps its timeline up to
# the kill (wall time, every worker's end, every lane's last slice) and
# batch mode exits 0.
set -u
parlab=$1
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$("$parlab" --batch --state off "$src/tests/lessons/good/prepare_slow.lua" </dev/null 2>&1); rc=$?
fail=0
bad() { echo "FAIL: $*"; fail=1; }
[[ "$out" == *"the worker ran"* && "$out" =~ "run Big CSV after "[0-9.]+(us|ms|s)": finished: the worker exited 0" ]] ||
	bad "the run prepared with a CSV did not finish"
[[ "$out" =~ "run Endless after "[0-9.]+(ms|s)": timed out after 0.3 s: every task killed and reaped" ]] ||
	bad "the endless worker was not stopped at its timeout"
[ $rc -eq 1 ] || bad "exit $rc, want 1 (a run timed out)"
[ $fail -eq 0 ] || echo "$out"

# Expected timeouts: 2 s limits.
ex=$("$parlab" --batch --state off --save-trace "$tmp/tr" "$src/tests/runner/expect.lua" </dev/null 2>&1); rc=$?
f0=$fail
[ $rc -eq 0 ] || bad "expected timeouts: exit $rc, want 0"
# A long line wraps (its next line indented): read with the breaks as spaces.
flat() { tr '\n' ' ' <<<"$1" | tr -s ' '; }
n=$(flat "$ex" | grep -o "timed out after 2.0 s, as this step expects: every task killed and reaped" | wc -l)
[ "$n" -eq 2 ] || bad "want two 'as this step expects' outcomes, got $n"
[[ "$ex" == *"run Quick after "*": finished: the worker exited 0"* ]] || bad "the quick run did not finish"
# The note's facts (observe's run table): wall time within [limit, limit + 1 s],
# timed_out, every worker ending at the kill.
i=0
while read -r wall to end failed nw lo hi; do
	i=$((i + 1))
	if [ $i -le 2 ]; then
		[ "$wall" -ge 2000 ] && [ "$wall" -le 3000 ] || bad "run $i: wall ${wall} ms, want 2000..3000"
		[ "$to" = true ] && [ "$end" = timed-out ] || bad "run $i: timed_out=$to ended=$end"
		[ "$lo" -ge 1950 ] && [ "$hi" -le "$wall" ] || bad "run $i: workers end at $lo..$hi ms, want all at the kill (~2000)"
	else
		[ "$to" = false ] && [ "$end" = finished ] || bad "quick run: timed_out=$to ended=$end"
	fi
	[ "$failed" = false ] || bad "run $i: run.failed=$failed, want false"
	[ "$nw" -ge 1 ] || bad "run $i: no workers"
done < <(sed -n 's/^wall=\([0-9]*\) to=\([a-z]*\) end=\([a-z-]*\) fail=\([a-z]*\) n=\([0-9]*\) ends=\([0-9]*\)\.\.\([0-9]*\)$/\1 \2 \3 \4 \5 \6 \7/p' <<<"$ex")
[ $i -eq 3 ] || bad "want 3 notes with the run's facts, got $i"
# Every lane of the saved traces reaches the kill: each task's last slice
# ends within 100 ms of the trace's end, which is at least the limit.
for f in "$tmp"/tr/0[12]-*.trace; do
	awk -v f="$(basename "$f")" '
		$1 == "end" { end = $2 }
		$1 == "task" { tasks[$2] = 1 }
		$1 == "slice" { last[$2] = $4 }
		END {
			if (end < 2000000000) { printf "FAIL: %s: trace ends at %d ns, before the 2 s limit\n", f, end; exit 1 }
			for (k in tasks) if (!(k in last) || last[k] < end - 100000000) {
				printf "FAIL: %s: task %s lane stops at %d ns, the run at %d\n", f, k, last[k], end; exit 1 }
		}' "$f" || fail=1
done
[ $fail -eq $f0 ] || echo "$ex"

# The same endless work without expect: a failure, as before.
sed 's/, expect = "timeout"//' "$src/tests/runner/expect.lua" >"$tmp/noexpect.lua"
no=$("$parlab" --batch --state off "$tmp/noexpect.lua" </dev/null 2>&1); rc=$?
[ $rc -eq 1 ] || bad "unexpected timeouts: exit $rc, want 1"
nf=$(flat "$no")
[[ "$nf" == *"timed out after 2.0 s: every task killed and reaped"* && "$nf" != *"as this step expects"* ]] ||
	bad "an unexpected timeout said it was expected"

# Preparing is said once, and only when it takes more than a second: here a
# python3 that takes 3 s per probe (PARLAB_PYTHON; a probe is "python3 -c
# ..."), longer than the run's timeout of 2 s, which the run's own program
# (ran.py) is well inside; the quick runs above not.
[[ "$ex" != *"preparing:"* ]] || bad "a quick preparation was said in the transcript"
if py=$(command -v python3); then
	printf '#!/bin/sh\n[ "$1" = -c ] && sleep 3\nexec %s "$@"\n' "$py" >"$tmp/slowpy"
	chmod +x "$tmp/slowpy"
	echo "print('the run ran')" >"$tmp/ran.py"
	cat >"$tmp/slow.lua" <<'EOS'
return lesson {
  title = "Slow to prepare",
  run { title = "Slow Python", python = { "json" }, timeout = 2, command = { "python3", "ran.py" }, files = { "ran.py" } },
}
EOS
	sp=$(PARLAB_PYTHON="$tmp/slowpy" "$parlab" --batch --state off "$tmp/slow.lua" </dev/null 2>&1); rc=$?
	[ $rc -eq 0 ] || bad "slow preparation: exit $rc, want 0 (its time is not the run's)"
	[ "$(grep -c '^preparing:' <<<"$sp")" -eq 1 ] && grep -qx "preparing: finding a Python with json\.\.\." <<<"$sp" ||
		bad "a slow preparation was not said once"
	[[ "$sp" =~ "run Slow Python after "[0-9.]+(us|ms|s)": finished: exit 0" ]] || bad "the slow-to-prepare run did not finish"
	[ $fail -eq 0 ] || echo "$sp"
fi

[ $fail -eq 0 ] && echo "ok: the timeout counts from the workers' start; expected timeouts keep their timeline and exit 0"
exit $fail
