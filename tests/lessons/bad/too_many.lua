-- expect: too_many.lua:4: run{}: 'processes' must be a whole number from 1 to 512
return lesson {
  title = "Too many",
  run { processes = 100000, worker = function(w) end },
}
