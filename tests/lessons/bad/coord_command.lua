-- expect: coord_command.lua:4: run{}: a 'command' run has no workers to share 'locks' with
return lesson {
  title = "Blocks for a command",
  run { command = { "true" }, locks = { "A" } },
}
