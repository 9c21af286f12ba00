-- A run prepared with a 3 000 000-row CSV, and one whose worker outlives
-- its timeout (tests/batch/timeout.sh, where a Python that is slow to find
-- takes longer to prepare than its run's timeout).
return lesson {
  title = "Slow to prepare",
  run {
    title = "Big CSV", processes = 1, timeout = 2,
    csv = { file = "big.csv", rows = 3000000, column = "x", mean = 1 },
    worker = function(w) print("the worker ran") end,
  },
  run {
    title = "Endless", processes = 1, timeout = 0.3,
    worker = function(w) print("started"); while true do busy(10) end end,
  },
}
