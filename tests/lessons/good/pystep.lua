-- A Python program under the stepper (run{ command = python3, stepper = true }):
-- its threads and processes are the workers, its locks, Values and queues
-- the step points (python/parlab/_step.py), with any start method.
-- tests/batch/pystep.sh drives it.
local function py(title, mode, extra)
  local r = { title = title, command = { "python3", "pystep.py", mode }, files = { "pystep.py" },
              stepper = true, start_method = "fork" }
  for k, v in pairs(extra or {}) do r[k] = v end
  return run(r)
end

return lesson {
  title = "Stepping Python",
  py("racy processes", "racy"),
  py("racy threads", "tracy"),
  py("locked processes", "locked"),
  py("locked threads", "threads"),
  py("process queue", "queue"),
  py("thread queue", "tqueue"),
  py("lock order", "deadlock", {
    expect = "deadlock",
    goal = { text = "Make the two threads deadlock.", reached = function(s) return s.deadlock end, solution = "0 0 1 2" },
  }),
  py("racy spawn", "racy", { start_method = "spawn" }),
  run { title = "not stepped", command = { "python3", "pystep.py", "locked" }, files = { "pystep.py" } },
  py("a child that dies before its hello", "hidden", { start_method = "spawn" }),
}
