# What every hostile case checks (sourced by tests/hostile/*.sh; not a test
# itself: ctest runs only *.sh). A case calls hostile_init, runs parlab with
# TMPDIR=$H_TMP and PARLAB_STATE=$H_STATE (exported here), then
# hostile_clean "what it was", which fails the case when anything the run
# started is still alive or a zombie, a scratch folder is left, or the
# progress database is no longer intact.

hostile_init() {
	H_WORK=$(mktemp -d "${TMPDIR:-/tmp}/hostile-$1.XXXXXX")
	H_TMP=$H_WORK/tmp
	H_STATE=$H_WORK/state
	mkdir -p "$H_TMP" "$H_STATE"
	export TMPDIR=$H_TMP PARLAB_STATE=$H_STATE
	H_FAIL=0
	trap hostile_exit EXIT
}

bad() { echo "FAIL: $*"; H_FAIL=1; }

# This shell's own forks (command substitutions, pipelines) carry its
# TMPDIR too; they are no process of the run. A fork of the shell runs the
# shell's own program and its parents up to $$ are forks too.
hostile_ppid() {   # sets H_PPID
	local st f
	H_PPID=0
	read -r st 2>/dev/null </proc/$1/stat || return 1
	read -r -a f <<<"${st##*) }"   # after the name: state, ppid...
	H_PPID=${f[1]:-0}
}
hostile_fork() {
	local q=$1 i e
	for ((i = 0; i < 6; i++)); do
		e=$(readlink /proc/$q/exe 2>/dev/null) || return 1
		[ "$e" = "$H_SHELL" ] || return 1
		hostile_ppid "$q" || return 1
		q=$H_PPID
		[ "$q" = $$ ] && return 0
	done
	return 1
}
# Pid $1 is a fork of this shell, or a program (tr, grep...) one started.
hostile_mine() {
	: "${H_SHELL:=$(readlink /proc/$$/exe)}"
	hostile_fork "$1" && return 0
	hostile_ppid "$1" || return 1
	[ "$H_PPID" != $$ ] && hostile_fork "$H_PPID"
}

# Pids of processes started under this case: TMPDIR in their environment
# (every run inherits it) or their working folder in it. Not this shell,
# nor its own forks. Two processes a call, however many run on the machine.
hostile_procs() {
	local f p
	local -A seen=()
	for f in $(grep -lsxzF "TMPDIR=$H_TMP" /proc/[0-9]*/environ 2>/dev/null) \
		$(find /proc/[0-9]*/cwd -maxdepth 0 -lname "$H_TMP*" 2>/dev/null); do
		p=${f#/proc/}
		p=${p%%/*}
		[ "$p" = $$ ] || [ -n "${seen[$p]:-}" ] && continue
		seen[$p]=1
		hostile_mine "$p" || echo "$p"
	done
}

# Zombies among them (state Z), as "pid comm".
hostile_zombies() {
	local p
	for p in $(hostile_procs); do
		awk '{ if ($3 == "Z") print $1, $2 }' "/proc/$p/stat" 2>/dev/null
	done
}

# The progress database passes SQLite's integrity check (or does not exist).
hostile_db_ok() {
	local db
	for db in "$H_STATE"/*.db "$H_STATE"/*.sqlite; do
		[ -e "$db" ] || continue
		/usr/bin/python3 - "$db" <<'PY' || return 1
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
r = c.execute("pragma integrity_check").fetchone()[0]
sys.exit(0 if r == "ok" else 1)
PY
	done
	return 0
}

# Waits up to 2 s for the case's processes to be gone, then checks all.
hostile_clean() {
	local what=$1 i left
	for ((i = 0; i < 20; i++)); do
		left=$(hostile_procs)
		[ -z "$left" ] && break
		sleep 0.1
	done
	if [ -n "$left" ]; then
		bad "$what: left running: $(ps -o pid=,stat=,args= -p "$(echo $left | tr ' ' ',')" | tr '\n' ';')"
		kill -KILL $left 2>/dev/null || true
	fi
	[ -z "$(hostile_zombies)" ] || bad "$what: zombies: $(hostile_zombies | paste -sd' ')"
	local scratch
	scratch=$(ls -d "$H_TMP"/parlab-run-* 2>/dev/null || true)
	[ -z "$scratch" ] || { bad "$what: scratch folders left: $scratch"; rm -rf "$H_TMP"/parlab-run-*; }
	hostile_db_ok || bad "$what: the progress database fails its integrity check"
}

hostile_exit() {
	local left
	left=$(hostile_procs)
	[ -n "$left" ] && kill -KILL $left 2>/dev/null
	chmod -R u+w "$H_WORK" 2>/dev/null
	rm -rf "$H_WORK"
}

# Flattened text of a file (batch output wraps).
flat() { tr '\n' ' ' <"$1" | tr -s ' '; }

# hostile_as_nobody SCRIPT PARLAB: as root, the same case again as nobody
# (a student is not root: rlimits, perf_event and file permissions differ),
# in a folder nobody owns; its failure fails this case. Nothing as nobody.
hostile_as_nobody() {
	[ "$(id -u)" = 0 ] && [ -z "${H_AS:-}" ] || return 0
	command -v setpriv >/dev/null || { echo "# no setpriv: not run as nobody"; return 0; }
	local d rc=0
	d=$(mktemp -d /tmp/hostile-nobody.XXXXXX)
	chmod 755 "$d"
	chown nobody:nogroup "$d"
	echo "# again as nobody"
	setpriv --reuid=nobody --regid=nogroup --clear-groups env -i PATH="$PATH" HOME="$d" TMPDIR="$d" SHELL=/bin/sh \
		TMUX_TMPDIR="$d" TERM="${TERM:-xterm}" LANG=C.UTF-8 H_AS=nobody PARLAB_STATE=off PARLAB_TRUST=1 \
		${PARLAB_SRC:+PARLAB_SRC="$PARLAB_SRC"} bash "$1" "$2" || rc=$?
	rm -rf "$d"
	[ "$rc" = 0 ] || bad "as nobody: exit $rc"
}

hostile_done() {
	[ "$H_FAIL" -eq 0 ] && echo PASS
	exit "$H_FAIL"
}
