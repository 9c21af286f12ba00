-- The run's blocks as observe sees them (tests/batch/blocks.sh): a racy
-- counter loses updates, counted exactly (lost = every add's d, less the
-- final value); racy adds made under a lock and atomic adds lose none; a
-- lock's acquisitions, a queue's puts, takes and longest length, a
-- barrier's arrivals; final values of shared values and arrays.
local N, ROUNDS = 4, 400

local function worker(w)
  wait("go")
  for _ = 1, ROUNDS do
    add_racy("racy")
    add_atomic("atomic", 1)
    lock("L"); add_racy("locked"); unlock("L")
  end
  add_atomic("each", w.id + 1, 2)   -- (name, index, d)
  if w.id == 0 then for j = 1, 10 do put("q", j) end; for _ = 2, w.n do put("q", 0) end
  else repeat local v = take("q") until v == 0 end
end

-- The queue's length over time: the samples' most is the longest it was
-- (every change lands in a sample's least and most), it ends empty, each
-- sample holds its length between its least and most, in time order; the
-- time full and empty fit in the run, the mean in the capacity.
local function over_time(run)
  local q, most, ok, t = run.blocks.q, 0, true, -1
  for _, s in ipairs(q.lengths) do
    if s.max > most then most = s.max end
    ok = ok and s.min <= s.length and s.length <= s.max and s.ms >= t
    t = s.ms
  end
  local last = q.lengths[#q.lengths]
  ok = ok and q.full_ms + q.empty_ms <= run.wall_ms + 1 and q.mean_length >= 0 and q.mean_length <= 3
  return ("qtime most=%d max_length=%d last=%d ok=%s"):format(most, q.max_length, last and last.length or -1, tostring(ok))
end

local function facts(run)
  local b, v = run.blocks, run.values
  return ("racy final=%d lost=%d | locked final=%d lost=%d | atomic lost=%d | L acq=%d contended=%d | "
          .. "q puts=%d takes=%d max=%d | go arrivals=%d | each=%s | values.racy=%d | deadlock=%s | %s")
    :format(b.racy.final, b.racy.lost, b.locked.final, b.locked.lost, b.atomic.lost,
            b.L.acquisitions, b.L.contended, b.q.puts, b.q.takes, b.q.max_length, b.go.acquisitions,
            table.concat(b.each.final, ","), v.racy, tostring(run.deadlock), over_time(run))
end

local blocks = { shared = { racy = 0, atomic = 0, locked = 0, each = { 0, 0, 0, 0 } }, locks = { "L" },
                 barriers = { "go" }, queues = { q = 3 } }
local function run_of(title, kind)
  local r = { title = title, worker = worker, note = facts, timeout = 60 }
  r[kind] = N
  for k, x in pairs(blocks) do r[k] = x end
  return run(r)
end

return lesson {
  title = "Block figures",
  run_of("Processes", "processes"),
  run_of("Threads", "threads"),
}
