-- A run's files: a command run without 'files' gets the lesson's code
-- files; a sub-path listed in 'files' keeps its folder (tests/lessons/check.sh).
return lesson {
  title = "Files next to the command",
  code { file = "hello.sh" },
  run { title = "By default", command = { "sh", "hello.sh" } },
  run { title = "A sub-path", command = { "cat", "data/input.csv" }, files = { "data/input.csv" } },
}
