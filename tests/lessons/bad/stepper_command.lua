-- expect: stepper_command.lua:4: run{}: 'stepper' steps a run's Lua workers (processes or threads), not a 'command'
return lesson {
  title = "A stepped command",
  run {
    title = "sh", stepper = true, command = { "sh", "-c", "true" },
  },
}
