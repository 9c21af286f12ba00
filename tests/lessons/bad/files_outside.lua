-- expect: files_outside.lua:5: run{}: 'files'[2] '../check.sh' is outside the course folder: name a file inside it, like data/input.csv
return lesson {
  title = "A file from outside",
  text "x",
  run { command = { "cat", "check.sh" }, files = { "empty.lua", "../check.sh" } },
}
