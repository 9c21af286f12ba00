-- expect: goal_solution.lua:4: run{}: 'goal' 'solution': line 1: 'w2' is not a worker of this run (w0 to w1)
return lesson {
  title = "A solution naming a worker the run has not",
  run {
    title = "t", threads = 2, stepper = true, worker = function() end,
    goal = { text = "x", reached = function() return true end, solution = "0 1 w2" },
  },
}
