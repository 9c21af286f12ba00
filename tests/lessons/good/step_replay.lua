-- One racy counter, stepped: 100 runs in threads, then 100 in processes
-- (tests/batch/step_replay.sh gives each the same schedule). Each worker
-- reads now() before, between and after its two racy adds: in a stepped
-- run it is the run's step count, so the schedule decides what it reads,
-- however long busy() takes.
local function two_adds(w)
  local t0 = now()
  busy(1)
  add_racy("counter")
  local t1 = now()
  busy(1)
  add_racy("counter")
  print(string.format("w%d now %s %s %s", w.id, t0, t1, now()))
end

local steps = { title = "Replays" }
for i = 1, 100 do
  steps[#steps + 1] = run { title = "threads " .. i, threads = 2, stepper = true, shared = { counter = 0 }, worker = two_adds }
end
for i = 1, 100 do
  steps[#steps + 1] = run { title = "processes " .. i, processes = 2, stepper = true, shared = { counter = 0 }, worker = two_adds }
end
return lesson(steps)
