-- Waiting made visible: w0 takes lock A and keeps it 200 ms; w1 comes
-- 50 ms later and waits for it. The trace has w1 blocked on lock A held by
-- w0 for about 150 ms, w0's held span, and each worker's marks.
-- tests/batch/blocked.sh and tests/e2e/blocked.sh check it.
local function worker(w)
  if w.id == 0 then
    lock("A")
    mark("took the lock")
    sleep(200)
    unlock("A")
  else
    sleep(50)
    mark("wants the lock")
    lock("A")
    mark("got it")
    unlock("A")
  end
end

local function run_of(title, kind)
  local r = { title = title, worker = worker, timeout = 30, locks = { "A" } }
  r[kind] = 2
  return run(r)
end

return lesson {
  title = "Blocked",
  run_of("Blocked processes", "processes"),
  run_of("Blocked threads", "threads"),
}
