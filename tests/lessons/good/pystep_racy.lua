-- pystep.lua's first run alone: tests/batch/pystep.sh replays a schedule
-- of it 20 times (the whole lesson each time would take minutes).
return lesson {
  title = "Stepping Python, one run",
  run {
    title = "racy processes", command = { "python3", "pystep.py", "racy" }, files = { "pystep.py" },
    stepper = true, start_method = "fork",
    timeout = 2,   -- a free run's; a stepped one waits for the student (e2e.pystep waits longer)
  },
}
