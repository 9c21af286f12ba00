# What the terminal cases (tests/hostile/tty_*.sh) share; sourced, not a
# test. parlab runs in a real tmux pane whose start script records the tty
# modes before and after (stty -g), the CPU time of what it ran (times) and
# the exit status; TMPDIR and PARLAB_STATE are written into that script (the
# tmux server itself keeps the caller's TMPDIR, so it is no process of the
# run). As root, the case runs a second time as nobody (tmux included, its
# socket in a folder nobody owns, SHELL set: nobody's login shell is nologin).
TT_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.bash
. "$TT_HERE/lib.bash"
command -v tmux >/dev/null || { echo "FAIL: tmux is needed for this test (apt-get install tmux)"; exit 1; }

# tt_init NAME PARLAB
tt_init() {
	BIN=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
	TT_TMP0=${TMPDIR:-/tmp}
	hostile_init "$1"
	cp "$TT_HERE/tty.lua" "$H_WORK/tty.lua"
	chmod -R a+rX "$H_WORK"
	T=(env TMPDIR="$TT_TMP0" tmux -L "parlab-$1-$$" -f /dev/null)
	PANE=tt
	# shellcheck source=../e2e/lib/tmux.bash
	. "$TT_HERE/../e2e/lib/tmux.bash"
	trap tt_exit EXIT
	echo "# as $(id -un)"
}

tt_exit() { "${T[@]}" kill-server >/dev/null 2>&1; hostile_exit; }

# The pane's terminal state that a program may change and must put back.
tt_flags() {
	"${T[@]}" display-message -p -t "$PANE" \
		'alternate=#{alternate_on} cursor=#{cursor_flag} keypad=#{keypad_cursor_flag}/#{keypad_flag} insert=#{insert_flag} wrap=#{wrap_flag} mouse=#{mouse_any_flag} origin=#{origin_flag}'
}

# tt_start COLS ROWS [REDIRECT]: parlab on tty.lua in a fresh tmux pane.
tt_start() {
	"${T[@]}" kill-server >/dev/null 2>&1 || true
	sleep 0.2
	rm -f "$H_WORK/before" "$H_WORK/after" "$H_WORK/go" "$H_WORK/times"
	cat >"$H_WORK/pane.sh" <<EOS
echo \$\$ >"$H_WORK/pane.pid"
stty -g >"$H_WORK/before"
echo PANE-READY
while [ ! -e "$H_WORK/go" ]; do sleep 0.05; done
env TMPDIR="$H_TMP" PARLAB_STATE="$H_STATE" PARLAB_TRUST=1 LANG=C.UTF-8 LC_ALL=C.UTF-8 "$BIN" "$H_WORK/tty.lua" ${3:-}
rc=\$?
stty -g >"$H_WORK/after"
times >"$H_WORK/times"
# CR LF: after kill -9 the tty is still raw (no onlcr), and a long shell
# message may sit before it; the marker must start a line of its own.
printf '\\r\\nPARLAB-EXITED %s\\r\\n' "\$rc"
exec sleep 3600
EOS
	"${T[@]}" new-session -d -s "$PANE" -x "$1" -y "$2" "bash $H_WORK/pane.sh"
	wait_for PANE-READY 10
	TT_FLAGS=$(tt_flags)
	touch "$H_WORK/go"
	if [ -z "${3:-}" ]; then
		wait_for "parlab>" 15
		TT_PID=$(pgrep -P "$(cat "$H_WORK/pane.pid")" -x parlab || true)
		[ -n "$TT_PID" ] || fail "cannot find parlab's pid"
	fi
}

# tt_exited RC WHAT: parlab exited with RC, the tty modes and the pane's
# state as before it started (alternate screen left, cursor visible).
tt_exited() {
	local want=$1 what=$2
	wait_for "PARLAB-EXITED" 20
	expect "PARLAB-EXITED $want"
	[ -s "$H_WORK/after" ] || bad "$what: no tty modes recorded after exit"
	cmp -s "$H_WORK/before" "$H_WORK/after" ||
		bad "$what: tty modes not restored: $(cat "$H_WORK/before") -> $(cat "$H_WORK/after")"
	local now
	now=$(tt_flags)
	[ "$now" = "$TT_FLAGS" ] || bad "$what: terminal state not restored: $TT_FLAGS -> $now"
	cap | grep -qF "parlab>" && bad "$what: the TUI is still on the screen after exit"
}

# Answers the question (step 1) right and checks that progress has it.
# Call it right after tt_start with a fresh state (tt_fresh).
tt_answer() {
	wait_for "step 1/4"
	type_line 3
	wait_for "Right: 3"
	tt_progress "answering"
}

# A new progress folder: the next parlab starts at the lesson's beginning.
tt_fresh() { rm -rf "$H_STATE"; mkdir -p "$H_STATE"; }

# tt_progress WHAT: the answer given first is still in the progress database.
tt_progress() {
	local out
	out=$(PARLAB_STATE="$H_STATE" "$BIN" progress 2>&1)
	grep -q "Hostile terminal.*1/1 right" <<<"$(tr '\n' ' ' <<<"$out")" ||
		bad "$1: the answer is not in the progress database: $out"
}

# tt_run STEP TEXT: goes to step STEP (2..4) from the answered question,
# runs it and waits for TEXT in its output; the run is live.
tt_run() {
	key Enter
	wait_for "step 2/4"
	local s
	for ((s = 2; s < $1; s++)); do type_line next; wait_for "step $((s + 1))/4"; done
	type_line run
	wait_for "$2" 30
	wait_for "live" 10
}

# The run's processes, parlab not counted.
tt_procs() { hostile_procs | grep -vx "${TT_PID:-0}" || true; }

# No zombie of the run that stays one (three looks 0.3 s apart).
tt_nozombie() {
	local a b c
	a=$(hostile_zombies); sleep 0.3; b=$(hostile_zombies); sleep 0.3; c=$(hostile_zombies)
	local z
	z=$(comm -12 <(sort <<<"$a") <(sort <<<"$b") | comm -12 - <(sort <<<"$c") | grep . || true)
	[ -z "$z" ] || bad "$1: zombies while parlab runs: $z"
}

# tt_gone SECS WHAT: the run's processes (parlab aside) gone within SECS.
tt_gone() {
	local i left
	for ((i = 0; i < $1 * 10; i++)); do
		left=$(tt_procs)
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	bad "$2: still running after $1 s: $(ps -o pid=,stat=,args= -p "$(echo $left | tr ' ' ',')" | tr '\n' ';')"
}

# tt_live STEP TEXT WHAT: a fresh progress folder, parlab at 80x24, the
# question answered, run STEP live (TEXT shown), no zombie, the run's
# processes there: the start of every mid-run case.
tt_live() {
	tt_fresh
	tt_start 80 24
	tt_answer
	tt_run "$1" "$2"
	tt_nozombie "$3, before"
	[ -n "$(tt_procs)" ] || fail "$3: the run has no process"
}
