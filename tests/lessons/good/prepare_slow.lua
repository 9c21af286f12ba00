-- A run whose preparation (a 3 000 000-row CSV) takes longer than its
-- timeout: the timeout counts from the workers' start (tests/batch/timeout.sh).
return lesson {
  title = "Slow to prepare",
  run {
    title = "Big CSV", processes = 1, timeout = 0.1,
    csv = { file = "big.csv", rows = 3000000, column = "x", mean = 1 },
    worker = function(w) print("the worker ran") end,
  },
  run {
    title = "Endless", processes = 1, timeout = 0.3,
    worker = function(w) print("started"); while true do busy(10) end end,
  },
}
