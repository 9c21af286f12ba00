-- expect: stepper_type.lua:4: run{}: 'stepper' must be true, false or "allow" (it runs freely; step runs it stepped), not 'yes'
return lesson {
  title = "A stepper that is a word",
  run {
    title = "t", threads = 2, stepper = "yes", worker = function() end,
  },
}
