#!/usr/bin/env bash
# Reload: a lesson saved while the TUI shows it is loaded again (inotify),
# the student kept on the same step; a save that breaks the lesson keeps
# the old one on screen and the status line says the error at file:line;
# the reload command loads it again too. An answer given before an edit
# still counts after it.
#
#   tests/e2e/reload.sh BUILD/parlab
set -euo pipefail
# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"
e2e_init reload "$@"

mkdir "$WORK/course"
L="$WORK/course/mini.lua"
cp "$HERE/mini.lua" "$L"
# save FILE CONTENT-FROM-STDIN: as editors do, a new file renamed over the old
save() { cat >"$L.tmp" && mv "$L.tmp" "$L"; }

start_parlab "$L"
wait_for "step 1/4"
key Enter
wait_for "step 2/4"
key Enter
wait_for "step 3/4"
expect "Three processes"

# A step inserted before the one on screen: the same run step, now 4 of 5.
sed 's/^  code {$/  text [[Inserted while you read.]],\n  code {/' "$HERE/mini.lua" | save
wait_for "Reloaded mini.lua: lesson 1, step 4." 10
wait_for "step 4/5"
expect "Three processes"
echo "ok - a save reloads, the place kept"

# A save that does not load: the old lesson stays, the error at its line.
{ head -n 3 "$HERE/mini.lua"; echo "  quiz { q = 'No answer given' },"; echo "}"; } | save
wait_for "Not reloaded" 10
wait_for "mini.lua:4: quiz" 5
expect "step 4/5"
expect "Three processes"
echo "ok - a broken save keeps the lesson and says file:line"

# Repaired by hand (written in place), then the reload command.
cat "$HERE/mini.lua" >"$L"
sleep 0.5
type_line "reload"
wait_for "Reloaded mini.lua: lesson 1, step 3." 10
wait_for "step 3/4"
echo "ok - the reload command"

# An answer before an edit still counts after it.
key Enter
wait_for "step 4/4"
type_line "2"
wait_for "Right: 2) three"
expect "score 1/1"
sed 's/^  code {$/  text [[One more step.]],\n  code {/' "$HERE/mini.lua" | save
wait_for "step 5/5" 10
wait_for "Right: 2) three"
expect "score 1/1"
type_line "quit"
wait_for "PARLAB-EXITED 0"
out=$(PARLAB_STATE="$WORK/state" "$BIN" progress)
[[ "$out" == *"1/1 right"* ]] || fail "progress after the edit: $out"
echo "ok - the answer survives the edit; the TUI and parlab progress agree"
