-- expect: coord_queue.lua:4: run{}: queues['jobs'] must be its capacity, a whole number from 1 to 4096
return lesson {
  title = "A queue too long",
  run { threads = 2, queues = { jobs = 5000 }, worker = function(w) end },
}
