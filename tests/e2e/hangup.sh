#!/usr/bin/env bash
# The terminal goes away (tmux killed) just after an Esc, so that parlab is
# waiting for the rest of a key sequence when its terminal hangs up: it
# must quit within 3 s, not spin on a dead terminal. Five times, as the
# hang-up races the Esc.
#
#   tests/e2e/hangup.sh BUILD/parlab
set -euo pipefail
# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"
e2e_init hangup "$@"
cp "$HERE/mini.lua" "$WORK/mini.lua"
mine() { pgrep -f -- "$WORK/mini.lua" || true; }
cleanup() { "${T[@]}" kill-server >/dev/null 2>&1 || true; for p in $(mine); do kill -KILL "$p" 2>/dev/null || true; done; e2e_cleanup; }
trap cleanup EXIT

for try in 1 2 3 4 5; do
	start_parlab "$WORK/mini.lua"
	pid=$(mine)
	[ -n "$pid" ] || fail "parlab is not running"
	key Escape
	sleep "0.0$try"
	"${T[@]}" kill-server >/dev/null 2>&1 || true
	for ((i = 0; i < 30; i++)); do
		[ -z "$(mine)" ] && break
		sleep 0.1
	done
	left=$(mine)
	if [ -n "$left" ]; then
		ps -o pid,stat,pcpu,args -p "$left" || true
		echo "FAIL: try $try: parlab still runs 3 s after its terminal went away"
		exit 1
	fi
done
echo "ok - parlab quits when its terminal hangs up, an Esc pending or not"
echo "PASS"
