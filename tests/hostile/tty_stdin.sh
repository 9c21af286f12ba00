#!/usr/bin/env bash
# Hostile terminal: parlab with stdout a terminal but stdin closed (<&-) or
# /dev/null. It must not spin: it says the screen needs a terminal and exits
# 2 at once, using little CPU; the tty modes and the pane's state as before,
# nothing of it left. As root, again as nobody.
#
#   tests/hostile/tty_stdin.sh BUILD/parlab
set -uo pipefail
. "$(dirname "$0")/tty_lib.bash"
tt_init tty_stdin "${1:?usage: tty_stdin.sh PATH/TO/parlab}"

for redir in '<&-' '</dev/null'; do
	what="stdin $redir"
	tt_start 80 24 "$redir"
	tt_exited 2 "$what"
	expect "the interactive screen needs a terminal (use --batch)"
	# times: the children's user and system CPU, e.g. "0m0.010s 0m0.029s"
	cpu=$(sed -n 2p "$H_WORK/times" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }')
	awk -v c="${cpu:-99}" 'BEGIN { exit !(c < 1.0) }' || bad "$what: parlab used ${cpu:-?} s of CPU"
	hostile_clean "$what"
	echo "ok - $what: says the screen needs a terminal, exit 2, ${cpu} s of CPU, terminal as before"
done

hostile_as_nobody "$0" "$BIN"
hostile_done
