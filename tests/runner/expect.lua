-- Runs that a lesson expects to time out (run{ expect = "timeout" }):
-- tests/batch/timeout.sh checks that each keeps its timeline up to the kill
-- (wall time, every worker's end) and that batch mode exits 0 for them.
local function facts(run)
  local first_end, last_end = math.huge, 0
  for _, w in ipairs(run.workers) do
    first_end = math.min(first_end, w.end_ms or 0)
    last_end = math.max(last_end, w.end_ms or 0)
  end
  return ("wall=%d to=%s end=%s fail=%s n=%d ends=%d..%d")
    :format(math.floor(run.wall_ms), tostring(run.timed_out), (run.ended:gsub(" ", "-")), tostring(run.failed),
            run.nworkers, math.floor(first_end), math.floor(last_end))
end

return lesson {
  title = "Expected timeouts",
  run {
    title = "Spinning threads", threads = 2, timeout = 2, expect = "timeout",
    worker = function(w) print("spinning " .. w.id); while true do busy(20) end end,
    note = facts,
  },
  run {
    title = "Sleeping processes", processes = 3, timeout = 2, expect = "timeout",
    worker = function(w) print("sleeping " .. w.id); sleep(600000) end,
    note = facts,
  },
  run {
    title = "Quick", processes = 1, expect = "finish",
    worker = function(w) print("done") end,
    note = facts,
  },
}
