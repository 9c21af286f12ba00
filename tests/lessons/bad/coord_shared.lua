-- expect: coord_shared.lua:4: run{}: shared['hits'][2] must be a number, not string
return lesson {
  title = "A shared list of numbers",
  run { threads = 2, shared = { hits = { 1, "x" } }, worker = function(w) end },
}
