-- Deadlocks that parlab detects and stops at once (tests/batch/deadlock.sh):
-- two and three workers taking locks in a cycle, a run that expects a
-- worker's crash, and a queue whose slow producer keeps its consumers
-- waiting, which is no deadlock. Each run's timeout is far longer than a
-- detection takes; the note prints what observe's run table says.
local function facts(run)
  local parts = { ("wall=%d end=%s failed=%s"):format(math.floor(run.wall_ms), (run.ended:gsub(" ", "-")),
                                                      tostring(run.failed)) }
  if run.deadlock then
    parts[#parts + 1] = "cycle=" .. #run.deadlock.cycle
    for _, c in ipairs(run.deadlock.cycle) do
      parts[#parts + 1] = ("w%d:%s>%s"):format(c.id, c.holds, c.waits)
    end
  end
  return table.concat(parts, " ")
end

-- w takes its own lock, waits until every worker holds one, then the next one's.
local function cycle(w)
  local mine, next = "L" .. w.id, "L" .. ((w.id + 1) % w.n)
  lock(mine)
  wait("all")
  print("w" .. w.id .. " takes " .. next)
  lock(next)
  print("never here")
end

return lesson {
  title = "Deadlocks",
  run {
    title = "Two", processes = 2, timeout = 20, expect = "deadlock",
    locks = { "L0", "L1" }, barriers = { "all" },
    worker = cycle, note = facts,
  },
  run {
    title = "Three", threads = 3, timeout = 20, expect = "deadlock",
    locks = { "L0", "L1", "L2" }, barriers = { "all" },
    worker = cycle, note = facts,
  },
  run {
    title = "Slow producer", processes = 3, timeout = 20,
    queues = { jobs = 1 },
    worker = function(w)
      if w.id == 0 then
        for j = 1, 6 do sleep(80); put("jobs", j) end
        put("jobs", 0); put("jobs", 0)
      else
        repeat local v = take("jobs") until v == 0
      end
      print("w" .. w.id .. " done")
    end,
    note = facts,
  },
  run {
    title = "Crash", processes = 2, timeout = 20, expect = "crash",
    worker = function(w) if w.id == 1 then sleep(50); crash() end; sleep(10000) end,
    note = facts,
  },
}
