-- Steps asked for ahead (unit.test_sched): each worker sleeps before each
-- of its step points, so a step asked for right after another finds a
-- worker still running to its next point, whatever the machine's load.
return lesson {
  title = "Ahead",
  run {
    title = "slow", threads = 2, stepper = true, locks = { "L" },
    worker = function(w)
      for i = 1, 3 do sleep(300); lock("L"); sleep(300); unlock("L") end
    end,
  },
}
