-- expect: coord_condition.lua:4: run{}: condition 'ready' goes with lock 'B', but the run has no lock 'B'
return lesson {
  title = "A condition without its lock",
  run { threads = 2, locks = { "A" }, conditions = { ready = "B" }, worker = function(w) end },
}
