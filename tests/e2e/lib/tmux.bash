# Helpers the tmux tests share (sourced, not a test: ctest runs e2e/*.sh).
# A test calls e2e_init first (or sets T=(tmux -L SOCKET -f /dev/null) and
# PANE itself).

# e2e_init NAME PARLAB: a test's set-up. BIN (PARLAB, made absolute), HERE
# (tests/e2e), WORK (a new folder), a tmux server of its own (T; its pane
# PANE=NAME); tmux is needed. At exit e2e_cleanup kills the server and
# removes WORK (a test with more to clean traps its own, calling it).
e2e_init() {
	local name=$1
	BIN=${2:?usage: $name.sh PATH/TO/parlab}
	BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
	HERE=$(cd "$(dirname "$0")" && pwd)
	command -v tmux >/dev/null || { echo "FAIL: tmux is needed for this test (apt-get install tmux)"; exit 1; }
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/$name-e2e.XXXXXX")
	SOCK=parlab-$name-$$
	T=(tmux -L "$SOCK" -f /dev/null)
	PANE=$name
	trap e2e_cleanup EXIT
}
e2e_cleanup() { "${T[@]}" kill-server >/dev/null 2>&1 || true; rm -rf "$WORK"; }

# The screen as text.
cap() { "${T[@]}" capture-pane -p -t "$PANE" 2>/dev/null || true; }

fail() {
	echo "FAIL: $*"
	echo "---- the screen (tmux capture-pane) ----"
	cap | sed 's/^/| /'
	echo "----------------------------------------"
	exit 1
}

# Polls the screen until it shows $1 (fixed string), for $2 seconds.
wait_for() {
	local text=$1 secs=${2:-10} i
	for ((i = 0; i < secs * 10; i++)); do
		cap | grep -qF -- "$text" && return 0
		sleep 0.1
	done
	fail "waited ${secs}s for \"$text\""
}

# wait_until FN TEXT [SECS]: polls until what function FN prints (a part
# of the screen, e.g. one pane's words as one line) shows TEXT.
wait_until() {
	local fn=$1 text=$2 secs=${3:-10} i
	for ((i = 0; i < secs * 10; i++)); do
		"$fn" | grep -qF -- "$text" && return 0
		sleep 0.1
	done
	fail "waited ${secs}s for \"$text\" ($fn)"
}

wait_gone() {
	local text=$1 secs=${2:-10} i
	for ((i = 0; i < secs * 10; i++)); do
		cap | grep -qF -- "$text" || return 0
		sleep 0.1
	done
	fail "waited ${secs}s for \"$text\" to go away"
}

expect() { cap | grep -qF -- "$1" || fail "expected \"$1\" on the screen"; }
expect_not() { cap | grep -qF -- "$1" && fail "did not expect \"$1\" on the screen"; return 0; }

key() { "${T[@]}" send-keys -t "$PANE" "$@"; }
type_line() { key -l -- "$1"; key Enter; }

# launch COLS ROWS [VAR=VALUE | -u VAR]... -- ARG...: (re)starts the tmux
# server with one COLSxROWS pane running `env VAR=VALUE... $BIN ARG...`.
# The pane's wrapper records the tty modes before and after parlab
# ($WORK/stty.before, $WORK/stty.after), survives Ctrl-C, and stays after
# parlab exits, saying PARLAB-EXITED <rc>. It does not wait for the screen.
launch() {
	local cols=$1 rows=$2 envs=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	"${T[@]}" kill-server >/dev/null 2>&1 || true
	sleep 0.2
	rm -f "$WORK/stty.before" "$WORK/stty.after"
	# shellcheck disable=SC2016 # $? and $rc are the wrapper's own
	{
		echo 'trap : INT'
		echo 'ulimit -c 0'
		printf 'stty -g >%q\n' "$WORK/stty.before"
		printf 'env'; printf ' %q' "${envs[@]}" "$BIN" "$@"; echo
		echo 'rc=$?'
		printf 'stty -g >%q\n' "$WORK/stty.after"
		echo 'echo "PARLAB-EXITED $rc"'
		echo 'exec sleep 3600'
	} >"$WORK/run.sh"
	"${T[@]}" new-session -d -s "$PANE" -x "$cols" -y "$rows" "bash $WORK/run.sh"
}

# Starts (again) parlab on lesson $1 at 80x24, progress kept in
# $WORK/state, and waits for its prompt.
start_parlab() {
	launch 80 24 PARLAB_STATE="$WORK/state" TMPDIR="$WORK" LANG=C.UTF-8 LC_ALL=C.UTF-8 -- "$1"
	wait_for "parlab>" 15
}

# For tests that put a marker ($MARK) in the lesson's path and in TMPDIR:
# pids of anything of theirs still alive (argv or cwd has the marker).
leftovers() {
	local re="${MARK%k-*}[k]-${MARK##*-}"   # a regex that does not match its own argv
	{ grep -lsE -- "$re" /proc/[0-9]*/cmdline; find /proc/[0-9]*/cwd -maxdepth 0 -lname "*$MARK*" 2>/dev/null; } |
		sed -n 's|^/proc/\([0-9]*\)/.*|\1|p' | grep -vx "$$" | sort -u || true
}

# The tmux server, anything marked still alive, and $WORK: gone.
cleanup_marked() {
	"${T[@]}" kill-server >/dev/null 2>&1 || true
	local p
	for p in $(leftovers); do kill -KILL "$p" 2>/dev/null || true; done
	rm -rf "$WORK"
}
