-- Misused blocks: each worker makes one mistake, a Lua error at its own
-- line (tests/batch/coord.sh checks every message and line number).
local function worker(w)
  if w.id == 0 then lock("C") end
  if w.id == 1 then unlock("A") end
  if w.id == 2 then put("jobs", string.rep("x", 300)) end
  if w.id == 3 then get("hits", 9) end
  if w.id == 4 then lock("jobs") end
  if w.id == 5 then put("jobs", {}) end
  if w.id == 6 then wait("A") end
  if w.id == 7 then lock("B"); lock("B") end
  if w.id == 8 then notify("ready") end
  if w.id == 9 then set("counter", "x") end
  if w.id == 10 then get("hits") end
  if w.id == 11 then take("nothing") end
  if w.id == 12 then wait("nope") end
  print("w" .. w.id .. " made no mistake")
end

local function run_of(title, kind)
  local r = { title = title, worker = worker, shared = { counter = 0, hits = { 0, 0, 0, 0 } },
              locks = { "A", "B" }, conditions = { ready = "A" }, queues = { jobs = 2 } }
  r[kind] = 13
  return run(r)
end

return lesson {
  title = "Misused blocks",
  run_of("Processes", "processes"),
  run_of("Threads", "threads"),
}
