#!/bin/bash
# Module 14's lesson 8, the tip on a real slow link (slowlink.py): 4 MiB
# from one Python process to another over a link limited to 16 Mbit/s, then
# unlimited. Where this machine lets a user build one (unshare -rn, a veth
# pair, tc's tbf), the link is real; with user namespaces refused (run here
# inside a user namespace whose max_user_namespaces is 0, a real refusal)
# the program says why and falls back to a simulated one. Either way: the
# notes' numbers are the run's own (the sender's bytes and time, the run's
# wall time, the receiver's CPU time in the task table), and the limited run
# cannot beat physics: (bytes - burst) / rate is a lower bound on its time.
# No speed comparison between the two runs (the machine may be busy). Once
# more with two CPU hogs. Nothing of the runs is left behind.
set -u
parlab=$1
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
chmod 755 "$tmp"
fail=0
bad() { echo "FAIL: $*"; fail=1; }
hogs=()
cleanup() { for p in "${hogs[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT

# A duration as the transcript writes it (12us, 3.4ms, 2.54s) in seconds.
secs() { awk -v t="$1" 'BEGIN { f = t + 0; if (t ~ /us$/) f /= 1e6; else if (t ~ /ms$/) f /= 1e3; printf "%.6f", f }'; }
# a >= b - slack (all in seconds or numbers)
ge() { awk -v a="$1" -v b="$2" -v s="${3:-0}" 'BEGIN { exit !(a + 0 >= b - s) }'; }
near() { awk -v a="$1" -v b="$2" -v s="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= s) }'; }

# Can this machine build the real link? (the same steps, by hand; ip and tc
# found where slowlink.py looks: an ordinary user's PATH lacks /usr/sbin)
real_ok=0
PATH=$PATH:/usr/sbin:/sbin unshare -rn sh -c 'ip link add pa type veth peer name pb && tc qdisc add dev pa root tbf rate 1mbit burst 32768 latency 100ms && unshare -n true' \
	>/dev/null 2>&1 && real_ok=1

# check LABEL WANT (real|simulated) [prefix command...]
check() {
	local label=$1 want=$2 out flat rc body
	shift 2
	out=$(TMPDIR=$tmp "$@" "$parlab" --batch --state off "$src/lessons/module14/08-bandwidth.lua" 2>&1); rc=$?
	[ $rc -eq 0 ] || bad "$label: exit $rc"
	flat=$(tr '\n' ' ' <<<"$out" | tr -s ' ')
	body=$(sed -E 's/^ +[0-9.]+(us|ms|s) +[^|]*\| //' <<<"$out")   # the output rows' texts

	# The limited run, then the unlimited one: each section of the transcript.
	local slow fast
	slow=$(sed -n '/^--- run: 4 MiB over a 16 Mbit\/s link/,/^--- run: The same 4 MiB/p' <<<"$out")
	fast=$(sed -n '/^--- run: The same 4 MiB, no limit/,$p' <<<"$out")
	local sec name limit
	for sec in slow fast; do
		local s=${!sec} sflat
		sflat=$(tr '\n' ' ' <<<"$s" | tr -s ' ')
		limit="limited to 16 Mbit/s \(2000000 bytes a second\)"; [ $sec = fast ] && limit=unlimited
		grep -qE "\| link: $want, .*$limit" <<<"$s" || { bad "$label/$sec: no '$want' link line ($limit)"; continue; }
		if [ "$want" = simulated ]; then
			grep -qE "MainProcess +\| no real link here: .*\(unshare: [^)]+\)" <<<"$s" || bad "$label/$sec: the fallback does not say why"
			[[ "$sflat" == *"No real link here: this machine does not let this user make a user and network namespace (unshare:"* ]] ||
				bad "$label/$sec: the note does not quote the reason"
		else
			grep -q "no real link here" <<<"$s" && bad "$label/$sec: fell back where the machine allows a real link"
		fi
		# the program's own figures
		local bytes took got wall cpu
		bytes=$(sed -nE 's/.*MainProcess +\| sender: sent ([0-9]+) bytes in ([0-9.]+) s.*/\1/p' <<<"$s")
		took=$(sed -nE 's/.*MainProcess +\| sender: sent ([0-9]+) bytes in ([0-9.]+) s.*/\2/p' <<<"$s")
		got=$(sed -nE 's/.*receiver +\| receiver: got ([0-9]+) bytes, [0-9]+ numbers \(mean 42.5,.*/\1/p' <<<"$s")
		[ "$bytes" = 4194304 ] && [ "$got" = 4194304 ] || { bad "$label/$sec: sent '$bytes', received '$got' bytes with mean 42.5"; continue; }
		wall=$(sed -nE 's/^run .* after ([0-9.]+(us|ms|s)): finished: exit 0$/\1/p' <<<"$s")
		[ -n "$wall" ] || { bad "$label/$sec: the run did not finish"; continue; }
		wall=$(secs "$wall")
		cpu=$(awk '$1 == "receiver" && $2 ~ /^[0-9]+$/ { print $4; exit }' <<<"$s")
		[ -n "$cpu" ] || { bad "$label/$sec: no receiver process in the task table"; continue; }
		cpu=$(secs "$cpu")
		# the note quotes them
		local re nb nt nw nc
		if [ $sec = slow ]; then
			re="Your run moved ([0-9]+) bytes over .* limited to 2000000 bytes a second: whatever the CPUs do, ([0-9]+) bytes \(all but the first 32768, which pass at once\) need at least ([0-9.]+) s at that rate. The sender took ([0-9.]+) s, and the whole run ([0-9.]+) s. The receiver, which parsed every number, was on a CPU for ([0-9]+) ms"
			[[ "$sflat" =~ $re ]] || { bad "$label/$sec: the note does not quote the run"; continue; }
			nb=${BASH_REMATCH[1]} nt=${BASH_REMATCH[4]} nw=${BASH_REMATCH[5]} nc=${BASH_REMATCH[6]}
			[ "${BASH_REMATCH[2]}" = $((bytes - 32768)) ] || bad "$label/$sec: the note's limited bytes ${BASH_REMATCH[2]}"
			# physics: (bytes - burst) / rate is a lower bound on the transfer and the run
			local bound
			bound=$(awk -v b="$bytes" 'BEGIN { printf "%.4f", (b - 32768) / 2000000 }')
			near "${BASH_REMATCH[3]}" "$bound" 0.006 || bad "$label/$sec: the note's bound ${BASH_REMATCH[3]} s, want $bound"
			ge "$took" "$bound" 0.006 || bad "$label/$sec: the sender took $took s, under the link's $bound s"
			ge "$wall" "$bound" || bad "$label/$sec: the run took $wall s, under the link's $bound s"
		else
			re="Without the limit, the same ([0-9]+) bytes over .* took the sender ([0-9.]+) s, and the whole run ([0-9.]+) s. The receiver was on a CPU for ([0-9]+) ms"
			[[ "$sflat" =~ $re ]] || { bad "$label/$sec: the note does not quote the run"; continue; }
			nb=${BASH_REMATCH[1]} nt=${BASH_REMATCH[2]} nw=${BASH_REMATCH[3]} nc=${BASH_REMATCH[4]}
			# and the limited run's figures, from that run
			[[ "$sflat" =~ "Over the 16 Mbit/s link, the same work took "([0-9.]+)" s, its receiver "([0-9]+)" ms of CPU." ]] ||
				bad "$label/$sec: no comparison with the limited run"
			near "${BASH_REMATCH[1]}" "$slow_wall" 0.006 || bad "$label/$sec: the limited run's time ${BASH_REMATCH[1]} s, it took $slow_wall s"
			near "${BASH_REMATCH[2]}" "$(awk -v c="$slow_cpu" 'BEGIN { print c * 1000 }')" 1 || bad "$label/$sec: the limited run's receiver ${BASH_REMATCH[2]} ms, the table says $slow_cpu s"
		fi
		[ "$nb" = "$bytes" ] || bad "$label/$sec: the note's bytes $nb, the sender's $bytes"
		[ "$nt" = "$took" ] || bad "$label/$sec: the note's sender time $nt, the sender's $took"
		near "$nw" "$wall" 0.006 || bad "$label/$sec: the note's run time $nw s, the run's $wall s"
		near "$nc" "$(awk -v c="$cpu" 'BEGIN { print c * 1000 }')" 1 || bad "$label/$sec: the note's receiver CPU $nc ms, the table's $cpu s"
		# where the note says how long the receiver waited for a CPU: the table's
		local waited
		waited=$(secs "$(awk '$1 == "receiver" && $2 ~ /^[0-9]+$/ { print $5; exit }' <<<"$s")")
		if [[ "$sflat" =~ "waited "([0-9.]+)" s" ]]; then
			near "${BASH_REMATCH[1]}" "$waited" 0.006 || bad "$label/$sec: the note's receiver waited ${BASH_REMATCH[1]} s, the table's $waited s"
		fi
		[ $sec = slow ] && { slow_wall=$wall; slow_cpu=$cpu; }
	done
	# The ip and tc processes that build a real link are traced too.
	if [ "$want" = real ]; then
		awk '$1 == "tc" && $2 ~ /^[0-9]+$/' <<<"$slow" | grep -q . || bad "$label: no tc process in the limited run's table"
	fi
	# Nothing of the runs left behind: no process in a scratch folder of theirs.
	sleep 0.3
	local p left=""
	for p in /proc/[0-9]*; do
		[[ "$(readlink "$p/cwd" 2>/dev/null)" == "$tmp"/* ]] && left+=" $(cat "$p/cmdline" 2>/dev/null | tr '\0' ' ')"
	done
	[ -z "$left" ] || bad "$label: left behind:$left"
	[ $fail -eq 0 ] || { echo "--- $label transcript ---"; echo "$out"; }
}

if [ $real_ok -eq 1 ]; then
	check "real link" real
else
	echo "note: this machine refuses the real link; the simulated one is checked twice"
	check "refused here" simulated
fi
# A machine that refuses user namespaces: inside one whose limit is 0.
if unshare -r sh -c 'echo 0 >/proc/sys/user/max_user_namespaces' 2>/dev/null; then
	check "no user namespaces" simulated unshare -r sh -c 'echo 0 >/proc/sys/user/max_user_namespaces && exec "$@"' sh
else
	echo "note: cannot make a user namespace here to refuse them inside it (already checked without one)"
fi
for _ in 1 2; do ( while :; do :; done ) & hogs+=($!); done
if [ $real_ok -eq 1 ]; then check "two CPU hogs" real; else check "two CPU hogs" simulated; fi
exit $fail
