-- expect: two_kinds.lua:4: run{}: give exactly one of 'processes', 'threads' or 'command'
return lesson {
  title = "Two kinds",
  run { processes = 2, threads = 2, worker = function(w) end },
}
