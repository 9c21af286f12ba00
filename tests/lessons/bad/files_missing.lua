-- expect: files_missing.lua:6: run{}: 'files'[1]: cannot read 'data/nothere.csv': No such file or directory
-- expect: files_missing.lua:7: code{}: file '/etc/passwd' is outside the course folder: name a file inside it, like data/input.csv
return lesson {
  title = "A file that is not there",
  text "x",
  run { command = { "cat", "data/nothere.csv" }, files = { "data/nothere.csv" } },
  code { file = "/etc/passwd" },
}
