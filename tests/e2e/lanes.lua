-- tests/e2e/lanes.sh: lanes say what they are. Eight worker processes
-- that print their pid; then a command that says its pid and execs
-- another program (the kernel renames it: its lane must follow).
return lesson {
  title = "Lanes",
  run {
    title = "Eight workers",
    processes = 8,
    worker = function(w) busy(20); print("pid " .. w.pid) end,
  },
  run {
    title = "A renamed process",
    command = { "sh", "-c", "echo \"pid $$\"; exec sleep 0.4" },
  },
}
