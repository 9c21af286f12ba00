-- expect: coord_locks.lua:4: run{}: 'locks' must be a list of names, like { "A", "B" }
return lesson {
  title = "Locks by name",
  run { threads = 2, locks = { A = true }, worker = function(w) end },
}
