#!/bin/bash
# A fast fork bomb (no sleep between forks) against the task limit's
# backstops (tasks = 50): as root, the run's own pids cgroup (root is never
# held to RLIMIT_NPROC); as nobody, RLIMIT_NPROC. Each: stopped with the
# task-limit words, nothing of the run left, no scratch folder. Where a
# writable pids cgroup exists (as root), each case runs inside a test
# cgroup of its own (a safety net of 400 tasks, so that a broken backstop
# cannot take the machine down) and its pids.peak (or pids.current sampled
# every 10 ms) must stay within the limit + 16 (the runner's slack) + 8
# (this shell, timeout, parlab); the run's cgroup must be gone at the end,
# and a stale one (a dead runner's, a process inside) is removed by the
# next run. kill -9 of parlab mid-run: its guard removes the run's cgroup
# too. Without a writable pids cgroup the root part is a SKIP (exit 77),
# after the unprivileged case.
set -u
parlab=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.bash"
hostile_init forkbomb_root
LIMIT=50
MARGIN=$((LIMIT + 16 + 8))
chmod 755 "$H_WORK"
chmod 1777 "$H_TMP" "$H_STATE"
mkdir -m 1777 "$H_WORK/home"
cat >"$H_WORK/bomb.lua" <<L
return lesson { title = "bomb",
  run { title = "fork bomb", tasks = $LIMIT, timeout = 60, command = { "sh", "-c", "f() { f & f & wait; }; f" } },
}
L
cat >"$H_WORK/sleepy.lua" <<'L'
return lesson { title = "sleepy",
  run { title = "sleepy", timeout = 60, command = { "sh", "-c", "sleep 600 & setsid sleep 601 & echo ready; wait" } },
}
L
chmod 644 "$H_WORK"/*.lua
WORDS="run fork bomb after [0-9.]+m?s: the run started [0-9]+ tasks, more than this lesson's limit of $LIMIT: every task killed and reaped"

# ---- a writable pids cgroup (as parlab looks for one: v2 first) ----------
CG=""; CG_V2=0; CG_HOME=""; SKIP_WHY=""
if [ "$(id -u)" != 0 ]; then SKIP_WHY="not root"
else
	m2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
	p2=$(sed -n 's/^0:://p' /proc/self/cgroup)
	m1=$(awk '$3 == "cgroup" && $4 ~ /(^|,)pids(,|$)/ { print $2; exit }' /proc/self/mounts)
	p1=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ { print $3; exit }' /proc/self/cgroup)
	if [ -n "$m2" ] && [ -n "$p2" ]; then
		own=$m2${p2%/}
		par=$own; [ "$p2" = / ] || par=$(dirname "$own")
		if grep -qw pids "$par/cgroup.subtree_control" 2>/dev/null && [ -w "$par" ]; then
			CG=$par; CG_V2=1; CG_HOME=$own
		fi
	fi
	if [ -z "$CG" ] && [ -n "$m1" ] && [ -n "$p1" ]; then
		CG=$m1${p1%/}; CG_HOME=$CG
	fi
	if [ -z "$CG" ]; then SKIP_WHY="no pids cgroup (neither v2 with pids delegated nor v1 mounted)"
	elif ! mkdir "$CG/parlab-test-$$" 2>/dev/null; then SKIP_WHY="the pids cgroup $CG is not writable"; CG=""
	else rmdir "$CG/parlab-test-$$"
	fi
fi

# cg_make NAME: a test cgroup T (pids.max 400) with a leaf T/home.
cg_make() {
	T=$CG/parlab-test-$$-$1
	mkdir "$T" || return 1
	echo 400 >"$T/pids.max"
	[ $CG_V2 = 1 ] && echo +pids >"$T/cgroup.subtree_control"
	mkdir "$T/home"
}
cg_drop() {
	[ -n "${T:-}" ] && [ -d "$T" ] || return 0
	echo $$ >"$CG_HOME/cgroup.procs" 2>/dev/null
	[ -n "${SAMPLER:-}" ] && kill "$SAMPLER" 2>/dev/null && wait "$SAMPLER" 2>/dev/null
	SAMPLER=""
	local d
	for d in $(find "$T" -mindepth 1 -depth -type d); do
		cat "$d/cgroup.procs" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		rmdir "$d" 2>/dev/null
	done
	rmdir "$T" 2>/dev/null
	T=""
}
# Sampled pids.current when the kernel has no pids.peak (started outside T).
cg_sample() {
	[ -e "$T/pids.peak" ] && return 0
	(max=0; while :; do read -r c <"$T/pids.current" || exit; [ "$c" -gt "$max" ] && { max=$c; echo $max >"$H_WORK/peak"; }; sleep 0.01; done) &
	SAMPLER=$!
}
cg_peak() {
	if [ -e "$T/pids.peak" ]; then cat "$T/pids.peak"; else cat "$H_WORK/peak" 2>/dev/null || echo 0; fi
}
trap 'cg_drop; hostile_exit' EXIT

# bomb_case NAME [setpriv args...]: the bomb lesson in batch, as that user.
bomb_case() {
	local name=$1 t0 ms rc
	shift
	t0=$(date +%s%N)
	timeout 100 "$@" env HOME="$H_WORK/home" "$parlab" --batch "$H_WORK/bomb.lua" </dev/null >"$H_WORK/out" 2>"$H_WORK/err"; rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	flat "$H_WORK/out" >"$H_WORK/flat"
	grep -aqE "$WORDS" "$H_WORK/flat" || bad "$name: no '$WORDS' in: $(grep -a -E '^run |error' "$H_WORK/out" | head -c 600) $(head -c 300 "$H_WORK/err")"
	[ $rc -le 1 ] || bad "$name: exit $rc"
	echo "$name: ${ms} ms; $(grep -aoE 'the run started [0-9]+ tasks' "$H_WORK/flat")"
	hostile_clean "$name"
}

# in_cgroup NAME [setpriv args...]: bomb_case inside a test cgroup; its peak.
in_cgroup() {
	local name=$1 peak left
	cg_make "$name" || { bad "$name: cannot make a test cgroup in $CG"; return; }
	rm -f "$H_WORK/peak"
	cg_sample
	echo $$ >"$T/home/cgroup.procs"
	bomb_case "$@"
	echo $$ >"$CG_HOME/cgroup.procs"
	peak=$(cg_peak)
	echo "$name: at most $peak tasks at once in the test cgroup (the limit $LIMIT, at most $MARGIN allowed)"
	[ "$peak" -le $MARGIN ] || bad "$name: $peak tasks at once, more than $MARGIN"
	left=$(find "$T" -mindepth 1 -name 'parlab-run-*')
	[ -z "$left" ] || bad "$name: the run's cgroup is left: $left"
	cg_drop
}

NOBODY=()
if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null && NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi

# ---- as nobody (or this user): RLIMIT_NPROC ------------------------------
if [ "$(id -u)" != 0 ] || [ ${#NOBODY[@]} -gt 0 ]; then
	if [ -n "$CG" ]; then in_cgroup nobody "${NOBODY[@]}"
	else bomb_case "$(id -un)" "${NOBODY[@]}"
	fi
fi

if [ -z "$CG" ]; then
	[ "$H_FAIL" -eq 0 ] || exit 1
	echo "SKIP: the root case: $SKIP_WHY"
	exit 77
fi

# ---- as root: the run's pids cgroup --------------------------------------
in_cgroup root

# ---- a stale cgroup (a dead runner's, a process inside) is removed -------
cg_make stale || bad "stale: cannot make a test cgroup"
stale_at=$T/home; [ $CG_V2 = 1 ] && stale_at=$T
(exit 0) & dead=$!; wait $dead
while [ -e /proc/$dead ]; do (exit 0) & dead=$!; wait $dead; done
mkdir "$stale_at/parlab-run-$dead"
sleep 600 & spid=$!
echo $spid >"$stale_at/parlab-run-$dead/cgroup.procs"
echo $$ >"$T/home/cgroup.procs"
timeout 100 env HOME="$H_WORK/home" "$parlab" --batch "$H_WORK/sleepy.lua" </dev/null >"$H_WORK/out" 2>&1 &
ppid=$!
# kill -9 of parlab mid-run: the run's cgroup goes with it (the guard)
for ((i = 0; i < 200; i++)); do
	[ -n "$(find "$T" -mindepth 1 -name 'parlab-run-*' ! -name "parlab-run-$dead")" ] && grep -q ready "$H_WORK/out" && break
	sleep 0.05
done
[ -d "$stale_at/parlab-run-$dead" ] && bad "stale: parlab-run-$dead (a dead runner's) not removed at the next run"
st=$(awk '{ print $3 }' /proc/$spid/stat 2>/dev/null)
[ -n "$st" ] && [ "$st" != Z ] && bad "stale: the process in the stale cgroup is alive ($st)"
wait $spid 2>/dev/null
run_cg=$(find "$T" -mindepth 1 -name 'parlab-run-*')
[ -n "$run_cg" ] || bad "kill9: no run cgroup seen under $T: $(head -c 300 "$H_WORK/out")"
kill -KILL "$(pgrep -P "$ppid")" 2>/dev/null   # parlab, the child of timeout
wait $ppid 2>/dev/null
echo $$ >"$CG_HOME/cgroup.procs"
for ((i = 0; i < 20; i++)); do [ -z "$(find "$T" -mindepth 1 -name 'parlab-run-*')" ] && break; sleep 0.05; done
left=$(find "$T" -mindepth 1 -name 'parlab-run-*')
[ -z "$left" ] || bad "kill9: the run's cgroup is left a second after kill -9 of parlab: $left ($(cat "$left/cgroup.procs" 2>/dev/null | paste -sd' '))"
# A killed parlab's scratch folder is the next parlab's to remove (runner.kill9).
rm -rf "$H_TMP"/parlab-run-*
hostile_clean "kill9"
cg_drop
hostile_done
