-- Questions from runs (tests/batch/from.sh): each answer comes from the
-- run before it, read from what its workers printed; run.tasks describes
-- every task of a command run.
local function said(run, word)
  for _, o in ipairs(run.output) do
    local v = o.text:match("^" .. word .. " (%-?%d+)$")
    if v then return tonumber(v) end
  end
end

return lesson {
  title = "From your runs",
  run {
    title = "Counted", threads = 2, shared = { c = 0 }, barriers = { "done" },
    worker = function(w)
      for _ = 1, 10 + w.id do add_atomic("c") end
      wait("done")
      if w.id == 0 then print("total " .. get("c")) end
    end,
  },
  quiz {
    type = "number", from = "Counted",
    q = "How many did the two workers count together?",
    answer = function(run) local n = said(run, "total") return n, ("your workers printed total %d"):format(n) end,
    explain = "10 by one worker and 11 by the other.",
  },
  quiz {
    type = "choice", from = "Counted", q = "Was the total odd?", choices = { "yes", "no" },
    answer = function(run) return said(run, "total") % 2 == 1 and 1 or 2 end,
  },
  quiz {
    type = "text", from = "Counted", q = "Which worker printed the total (w0 or w1)?",
    answer = function(run) return "w" .. run.output[1].id end,
  },
  quiz {
    type = "number", from = "Counted", q = "An answer function that fails.",
    answer = function(run) error("no total on purpose") end,
  },
  quiz {
    type = "number", from = "Counted", q = "An answer function that cannot tell.",
    answer = function(run) return nil, "it needs two runs" end,
  },
  run {
    title = "A tree", command = { "sh", "-c", "echo first; sleep 0.05 & wait; echo last" },
    note = function(run)
      local names, root = {}, nil
      for _, k in ipairs(run.tasks) do
        names[#names + 1] = k.name
        if k.first_output then root = k end
      end
      return ("tasks: %d (%s); %s printed \"%s\" first and \"%s\" last, pid %d, parent %d, cpu %s ms")
        :format(run.ntasks, table.concat(names, " "), root.name, root.first_output, root.last_output,
                root.pid, root.parent, root.cpu_ms and "known" or "unknown")
    end,
  },
}
