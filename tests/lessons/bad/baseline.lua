-- expect: baseline.lua:5: run{}: baseline 'nothing' is not the title of an earlier run
return lesson {
  title = "Bad baseline",
  text "x",
  run { title = "two", processes = 2, baseline = "nothing", worker = function(w) end },
}
