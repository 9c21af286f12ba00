-- expect: coord_barrier.lua:4: run{}: barrier 'start' waits for 5 workers, but the run has 4: it would never open
return lesson {
  title = "A barrier for too many",
  run { processes = 4, barriers = { start = 5 }, worker = function(w) end },
}
