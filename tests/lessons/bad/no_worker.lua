-- expect: no_worker.lua:4: run{}: 'worker' function is missing
return lesson {
  title = "No worker",
  run { processes = 2 },
}
