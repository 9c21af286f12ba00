-- expect: goal_two.lua:4: run{}: 'goal' takes one function: reached = function(s) (a schedule reaches it) or never = function(s) (a claim the search checks)
return lesson {
  title = "A goal with both functions",
  run {
    title = "t", threads = 2, stepper = true, worker = function() end,
    goal = { text = "x", reached = function() return true end, never = function() return false end },
  },
}
