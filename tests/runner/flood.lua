-- A worker that floods its output: every line arrives in order, none is
-- merged with another, and a runaway flood is capped, counted and killed;
-- the cap keeps the first and the last lines (each worker's end).
return lesson {
  title = "Flood",
  run {
    title = "Counted flood",
    processes = 4,
    worker = function(w)
      for i = 1, 20000 do print(string.format("w%d line %06d %s", w.id, i, string.rep("x", 40))) end
    end,
  },
  run {
    title = "Over the cap",
    processes = 4,
    barriers = { "flooded" },   -- every last line after every flood: the end of the output
    worker = function(w)
      for i = 1, 200000 do print(string.format("w%d line %06d", w.id, i)) end
      wait("flooded")
      print(string.format("w%d last line", w.id))
    end,
    timeout = 120,
  },
  run {
    title = "Endless flood",
    processes = 1,
    worker = function(w) while true do print("flood flood flood flood flood flood") end end,
    timeout = 3,
  },
  run {
    title = "Lua error",
    threads = 2,
    worker = function(w) if w.id == 1 then local t = nil; print(t.field) end print("fine " .. w.id) end,
  },
}
