-- Waiting made visible: w0 takes lock A and keeps it 200 ms; w1 comes
-- 50 ms after w0 has it and waits for it. The trace has w1 blocked on lock A held by
-- w0 for about 150 ms, w0's held span, and each worker's marks.
-- tests/batch/blocked.sh and tests/e2e/blocked.sh check it.
local function worker(w)
  if w.id == 0 then
    lock("A")
    mark("took the lock")
    set("held", 1)
    sleep(200)
    unlock("A")
  else
    while get("held") == 0 do sleep(5) end   -- however late w0 starts: it has the lock
    sleep(50)
    mark("wants the lock")
    lock("A")
    mark("got it")
    unlock("A")
  end
end

local function run_of(title, kind)
  local r = { title = title, worker = worker, timeout = 30, locks = { "A" }, shared = { held = 0 } }
  r[kind] = 2
  return run(r)
end

-- What observe sees: w1's blocked_ms and every mark, by worker.
local function observe(run)
  local w1 = run.workers[2]
  local marks = {}
  for _, m in ipairs(run.marks) do marks[#marks + 1] = ("w%s %s"):format(m.id, m.text) end
  return w1.blocked_ms > 100 and w1.blocked_ms < 1000,
    ("w1 blocked %s; w0 blocked %d ms; marks: %s"):format(w1.blocked_ms > 100 and "over 100 ms" or
      ("%.1f ms"):format(w1.blocked_ms), run.workers[1].blocked_ms, table.concat(marks, ", "))
end

local function ask(title)
  return quiz {
    q = "Will w1 wait for the lock?", choices = { "yes", "no" },
    predict = title, observe = observe,
  }
end

return lesson {
  title = "Blocked",
  ask("Blocked processes"),
  run_of("Blocked processes", "processes"),
  ask("Blocked threads"),
  run_of("Blocked threads", "threads"),
}
