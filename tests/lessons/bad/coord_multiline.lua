-- expect: coord_multiline.lua:5: run{}: semaphores['slots'] must be its initial count, a whole number from 0 to 1000000
return lesson {
  title = "A semaphore below zero",
  text "A run over several lines.",
  run {
    threads = 2,
    semaphores = { slots = -1 },
    worker = function(w) end,
  },
}
