-- expect: tasks_limit.lua:4: run{}: 'tasks' must be a whole number from 1 to 16384
return lesson {
  title = "A task limit of none",
  run { title = "r", command = { "true" }, tasks = 0 },
}
