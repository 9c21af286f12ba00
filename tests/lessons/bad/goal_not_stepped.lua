-- expect: goal_not_stepped.lua:4: run{}: 'goal' is for a stepped run (stepper = true): the engine judges it after each step
return lesson {
  title = "A goal without the stepper",
  run {
    title = "t", threads = 2, worker = function() end,
    goal = { text = "x", reached = function() return true end },
  },
}
