-- Workers that never finish: the timeout kills and reaps them all.
return lesson {
  title = "Hang",
  run {
    title = "Hanging workers",
    threads = 2,
    worker = function(w) print("hanging " .. w.id); while true do busy(50) end end,
    timeout = 1,
  },
  run {
    title = "Hanging processes",
    processes = 3,
    worker = function(w) print("sleeping " .. w.id); sleep(600000) end,
    timeout = 1,
  },
}
