-- expect: stepper_command.lua:4: run{}: a command's program is stepped only when it is Python (the helper makes its locks, values and queues step points)
return lesson {
  title = "A stepped command",
  run {
    title = "sh", stepper = true, command = { "sh", "-c", "true" },
  },
}
