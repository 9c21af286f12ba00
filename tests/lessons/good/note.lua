-- Notes written from the student's own run (tests/unit/test_note.c).
return lesson {
  title = "Notes from the run",
  run {
    title = "One",
    processes = 1,
    worker = function(w) busy(30); print("one") end,
    note = function(run, runs)
      return ("Your run took %d ms on %d CPUs; %d worker printed %d line."):format(
        math.floor(run.wall_ms + 0.5), run.ncpu, run.nworkers, #run.output)
    end,
  },
  run {
    title = "Two",
    threads = 2,
    worker = function(w) busy(30); print("two " .. w.id) end,
    note = function(run, runs)
      local one = runs["One"]
      if not one then return "Run \"One\" first to compare." end
      return ("Two workers: %d lines, after \"One\" with %d."):format(#run.output, #one.output)
    end,
  },
  run {
    title = "Silent", processes = 1, worker = function(w) print("x") end,
    note = function(run) return nil end,
  },
  run {
    title = "Table", processes = 1, worker = function(w) print("x") end,
    note = function(run) return { "not", "text" } end,
  },
  run {
    title = "Fails", processes = 1, worker = function(w) print("x") end,
    note = function(run) error("the note failed on purpose") end,
  },
  run {
    title = "Endless", processes = 1, worker = function(w) print("x") end,
    note = function(run) while true do end end,
  },
  run {
    title = "Fixed", processes = 1, worker = function(w) print("x") end,
    note = "A fixed note on ${ncpu} CPUs.",
  },
  text {
    body = function(runs)
      local one = runs["One"]
      if not one then return "# So far\n\nNothing run yet on ${ncpu} CPUs." end
      return ("# So far\n\n\"One\" printed %d line; %d runs so far."):format(#one.output,
        (function() local n = 0 for _ in pairs(runs) do n = n + 1 end return n end)())
    end,
  },
  text { body = function(runs) return 7 end },
}
