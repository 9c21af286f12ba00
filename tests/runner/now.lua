-- now() counts from the run's time 0, as the trace and its output lines do
-- (tests/runner/runner.sh): a worker's first now() is not before its own
-- start as the trace saw it, and it prints before parlab reads the line.
local function first_now(run)
  for _, o in ipairs(run.output) do
    local v = tonumber(o.text:match("^now ([%d.]+)$") or "")
    if v then return v, o.ms end
  end
end

return lesson {
  title = "The clock",
  run {
    title = "now()",
    processes = 2,
    worker = function() print(("now %.3f"):format(now())) end,
    note = function(run)
      local v, read = first_now(run)
      local start = math.huge
      for _, k in ipairs(run.workers) do start = math.min(start, k.start_ms or math.huge) end
      return ("clock: start %.3f now %.3f read %.3f"):format(start, v or -1, read or -1)
    end,
  },
}
