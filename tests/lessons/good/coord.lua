-- Workers that coordinate: every block of a run (shared values, locks,
-- semaphores, barriers, conditions, queues), the same worker in processes
-- and in threads. Worker 0 prints what the blocks ended with; the batch
-- test tests/batch/coord.sh checks it.
local N, ROUNDS, JOBS = 4, 500, 40

local function worker(w)
  wait("start")                      -- a barrier: nobody starts before all have arrived
  for _ = 1, ROUNDS do
    add_racy("racy")                 -- a read, then a write: updates get lost
    add_atomic("atomic", 1)
    with_lock("L", function() set("locked", get("locked") + 1) end)
    lock("L"); set("locked2", get("locked2") + 1); unlock("L")
  end
  add_atomic("hits", w.id + 1, w.id + 1)

  -- 2 workers at a time between acquire and release: those inside meet at
  -- a barrier of 2 (so 2 are inside at once, whatever the machine's load),
  -- and a third never gets in
  acquire("slots")
  local inside = add_atomic("inside", 1)
  lock("L"); if inside > get("most_inside") then set("most_inside", inside) end; unlock("L")
  wait("pair")
  add_atomic("inside", -1)
  release("slots")

  -- a condition: the others wait until w0 says go
  lock("L")
  if w.id == 0 then
    set("go", 1)
    notify_all("ready")
  else
    while get("go") == 0 do wait("ready") end
  end
  unlock("L")

  -- a queue of 2: w0 produces, the others consume until "stop"
  if w.id == 0 then
    for j = 1, JOBS do put("jobs", j) end
    for _ = 2, w.n do put("jobs", "stop") end
  else
    while true do
      local v = take("jobs")
      if v == "stop" then break end
      add_atomic("sum", v)
      add_atomic("taken", 1)
    end
  end

  if wait("done") == w.n then set("last", w.id) end
  if w.id == 0 then
    wait("report")
    local total = N * ROUNDS
    print(("atomic %d of %d"):format(get("atomic"), total))
    print(("locked %d and %d of %d"):format(get("locked"), get("locked2"), total))
    print(("racy %d of %d: %s"):format(get("racy"), total, get("racy") <= total and "none extra" or "too many"))
    print(("queue sum %d of %d, %d taken"):format(get("sum"), JOBS * (JOBS + 1) // 2, get("taken")))
    print(("hits %d %d %d %d"):format(get("hits", 1), get("hits", 2), get("hits", 3), get("hits", 4)))
    print(("at most %d inside, go %d, a last arrival %s"):format(get("most_inside"), get("go"),
      get("last") >= 0 and "seen" or "missing"))
  else
    wait("report")
  end
end

local blocks = {
  shared = { racy = 0, atomic = 0, locked = 0, locked2 = 0, sum = 0, taken = 0, inside = 0,
             most_inside = 0, go = 0, last = -1, hits = { 0, 0, 0, 0 } },
  locks = { "L" },
  semaphores = { slots = 2 },
  barriers = { "start", "done", report = N, pair = 2 },
  conditions = { ready = "L" },
  queues = { jobs = 2 },
}

local function run_of(title, kind)
  local r = { title = title, worker = worker, timeout = 60 }
  r[kind] = N
  for k, v in pairs(blocks) do r[k] = v end
  return run(r)
end

return lesson {
  title = "Workers that coordinate",
  text "Every block, in processes and then in threads.",
  run_of("Processes", "processes"),
  run_of("Threads", "threads"),
}
