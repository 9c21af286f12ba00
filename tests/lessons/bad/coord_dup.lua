-- expect: coord_dup.lua:4: run{}: 'counter' names two blocks (a shared value and a lock): each needs its own name
return lesson {
  title = "One name, two blocks",
  run { threads = 2, shared = { counter = 0 }, locks = { "counter" }, worker = function(w) end },
}
