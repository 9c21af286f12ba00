#!/usr/bin/env bash
# Trust in a terminal: a course from elsewhere with a command asks before
# the screen opens; "yes" opens it; a save that changes it is then not
# reloaded (it would run new programs unasked), the status line says why;
# reopened, the changed course asks again and "no" runs nothing.
#
#   tests/e2e/trust.sh BUILD/parlab
set -euo pipefail
# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"
e2e_init trust "$@"

mkdir "$WORK/course"
L="$WORK/course/greet.lua"
write() {
	cat >"$L.tmp" <<LUA
return lesson {
  title = "Greets",
  text "$1",
  run { title = "hello", command = { "echo", "hello-from-echo" } },
}
LUA
	mv "$L.tmp" "$L"
}
write "First version."
open() { launch 80 24 -u PARLAB_TRUST PARLAB_STATE="$WORK/state" TMPDIR="$WORK" LANG=C.UTF-8 LC_ALL=C.UTF-8 -- "$L"; }

open
wait_for "Run them? Type yes" 15
expect "echo hello-from-echo"
type_line "yes"
wait_for "parlab>" 15
expect "First version."
sleep 0.5
write "Second version."
wait_for "Not reloaded: the course changed and it runs programs" 10
expect "First version."
expect_not "Second version."

open
wait_for "Run them? Type yes" 15
type_line "no"
wait_for "PARLAB-EXITED 1" 10
expect "not trusted: nothing was run"
echo "PASS"
