-- A command that exits at once, leaving a child and a setsid daemon
-- running: the run ends about a second later (not at its timeout), says
-- what it stopped, and leaves nothing behind (runner.sh).
return lesson {
  title = "Daemons",
  run {
    title = "Leaves two behind",
    command = { "sh", "-c", "sleep 7781 & setsid sleep 7782 & echo started" },
    timeout = 30,
  },
}
