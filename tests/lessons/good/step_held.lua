-- The same two racy adds and a print, stepped in threads and in
-- processes, then free (tests/batch/step_held.sh): a stepped run's workers
-- have a "held" span for each step point they waited at, a free run none.
local function two_adds(w)
  add_racy("counter")
  add_racy("counter")
  print("w" .. w.id .. " done")
end

return lesson {
  title = "Held at step points",
  run { title = "stepped threads", threads = 2, stepper = true, shared = { counter = 0 }, worker = two_adds },
  run { title = "stepped processes", processes = 2, stepper = true, shared = { counter = 0 }, worker = two_adds },
  run { title = "free threads", threads = 2, shared = { counter = 0 }, worker = two_adds },
}
