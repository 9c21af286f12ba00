#!/bin/bash
# observe's run.blocks and run.values (tests/lessons/good/blocks.lua), in
# processes and in threads, quiet and under two CPU hogs: a racy counter's
# lost is exactly the expected total less its final value; racy adds under
# a lock and atomic adds lose none; the lock, queue and barrier counts are
# exact; a lost update is marked on the lane of the write that lost it;
# the queue's length over time misses no change (its samples' most is its
# longest) and ends at 0. The batch transcript lists the blocks and the
# queue's length over time, and a saved trace keeps them.
set -u
parlab=$1
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
fail=0
bad() { echo "FAIL: $*"; fail=1; }
hogs=()
cleanup() { for p in "${hogs[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
N=4 ROUNDS=400
want=$((N * ROUNDS))

check() {
	local out rc n=0
	rm -rf "$tmp/tr"
	out=$("$parlab" --batch --state off --save-trace "$tmp/tr" "$src/tests/lessons/good/blocks.lua" </dev/null 2>&1); rc=$?
	[ $rc -eq 0 ] || bad "$1: exit $rc"
	while read -r rf rl lf ll al acq con puts takes max arr each vr dl; do
		n=$((n + 1))
		[ $((rf + rl)) -eq $want ] || bad "$1: run $n: racy final $rf + lost $rl != $want"
		[ "$rf" -ge 1 ] && [ "$rf" -le $want ] || bad "$1: run $n: racy final $rf"
		[ "$lf" -eq $want ] && [ "$ll" -eq 0 ] || bad "$1: run $n: locked final $lf lost $ll (want $want, 0)"
		[ "$al" -eq 0 ] || bad "$1: run $n: atomic lost $al"
		[ "$acq" -eq $want ] && [ "$con" -ge 0 ] && [ "$con" -le $want ] || bad "$1: run $n: L acquisitions $acq contended $con"
		[ "$puts" -eq $((10 + N - 1)) ] && [ "$takes" -eq "$puts" ] && [ "$max" -ge 1 ] && [ "$max" -le 3 ] ||
			bad "$1: run $n: queue puts $puts takes $takes max $max"
		[ "$arr" -eq $N ] || bad "$1: run $n: barrier arrivals $arr"
		[ "$each" = "2,2,2,2" ] || bad "$1: run $n: each $each"
		[ "$vr" -eq "$rf" ] || bad "$1: run $n: values.racy $vr != blocks.racy.final $rf"
		[ "$dl" = nil ] || bad "$1: run $n: deadlock $dl"
	done < <(tr '\n' ' ' <<<"$out" | tr -s ' ' | grep -o 'racy final=[^|]*| locked [^|]*| atomic [^|]*| L [^|]*| q [^|]*| go [^|]*| each=[^ ]* | values.racy=[0-9]* | deadlock=[a-z]*' |
		sed -E 's/[A-Za-z_.]+ //g; s/[A-Za-z_.]+=//g; s/\| //g')
	[ $n -eq 2 ] || bad "$1: want 2 notes, got $n"
	# Lost updates shown where they happened: marks on the lanes of the
	# racy counter's writers, never for adds that cannot lose (a lock, atomic).
	local flat
	flat=$(tr '\n' ' ' <<<"$out" | tr -s ' ')
	[[ "$flat" == *"that others added to locked"* || "$flat" == *"that others added to atomic"* ]] &&
		bad "$1: a lost-update mark on a counter that cannot lose"
	if [[ "$flat" =~ "racy final="[0-9]+" lost="[1-9] ]]; then
		[[ "$flat" =~ "w"[0-9]+" v mark: lost update: overwrote +"[0-9]+" that others added to racy" ]] ||
			bad "$1: racy updates were lost, but no lane marks where"
	fi
	[[ "$out" == *"    L (lock): $want acquisitions, "* ]] || bad "$1: the transcript does not list the lock"
	[[ "$out" =~ "    racy (shared): ended at "[0-9]+"; "[0-9]+" updates lost" ]] || bad "$1: the transcript does not list the racy counter"
	grep -Eq '^block "q" queue 0 [0-9]+ [0-9]+ [0-9]+ 13 13 [1-3] [0-9]+ [0-9]+ [0-9.e+-]+ - -$' "$tmp"/tr/01-*.trace ||
		bad "$1: the saved trace has no queue block"
	grep -Eq '^qlen 0 [0-9]+ [0-9]+ [0-3] [0-3] [0-3] [0-9.e+-]+$' "$tmp"/tr/01-*.trace || bad "$1: the saved trace has no queue lengths"
	# the queue's length over time: every change seen (the samples' most is
	# its longest), empty at the end
	local qt
	qt=$(grep -oE 'qtime most=[0-9]+ max_length=[0-9]+ last=-?[0-9]+ ok=[a-z]+' <<<"$flat")
	[ "$(wc -l <<<"$qt")" -eq 2 ] || bad "$1: want 2 qtime notes: $qt"
	while read -r _ most max last ok; do
		[ "${most#most=}" = "${max#max_length=}" ] && [ "$last" = last=0 ] && [ "$ok" = ok=true ] || bad "$1: $most $max $last $ok"
	done <<<"$qt"
	[[ "$flat" =~ "q over time, each digit "[^:]+": the most it held "[0-3]*[1-3][0-3]* ]] || bad "$1: the transcript has no queue length over time"
	[ $fail -eq 0 ] || echo "$out"
}

check quiet
for _ in 1 2; do ( while :; do :; done ) & hogs+=($!); done
check "two CPU hogs"
exit $fail
