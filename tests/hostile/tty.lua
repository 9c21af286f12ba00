-- tests/hostile/tty_*.sh: the lesson the terminal cases drive. A question
-- first (its answer must survive whatever happens next), then runs that
-- last until they are stopped or told to end: busy worker processes, a
-- command with a child, and a command whose three busy children end when
-- the file "$TMPDIR/stop" appears (the resize storm's run).
return lesson {
  title = "Hostile terminal",
  quiz {
    q = "How many lanes does a run of 3 worker processes draw for them?",
    type = "number",
    answer = 3,
  },
  run {
    title = "Busy workers",
    processes = 2,
    timeout = 120,
    worker = function(w) print("busy " .. w.id .. " up"); while true do busy(50); sleep(10) end end,
  },
  run {
    title = "A command with a child",
    command = { "sh", "-c", "echo \"parent $$ up\"; sleep 300 & echo \"child $! up\"; wait" },
    timeout = 120,
  },
  run {
    title = "Until told",
    command = { "sh", "-c", [[
for i in 1 2 3; do
  (n=0; while [ ! -e "$TMPDIR/stop" ]; do n=$((n+1)); [ $((n % 500)) = 0 ] && echo "w$i at $n"; done; echo "w$i stopped") &
done
wait; echo "all stopped"]] },
    timeout = 120,
  },
}
