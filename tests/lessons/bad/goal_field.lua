-- expect: goal_field.lua:4: run{}: 'goal' has no field 'reahced': did you mean 'reached'? (it takes text, reached or never, schedules, solution)
return lesson {
  title = "A misspelt goal field",
  run {
    title = "t", threads = 2, stepper = true, worker = function() end,
    goal = { text = "x", reahced = function() return true end },
  },
}
