-- expect: no_file.lua:4: code{}: cannot read 'missing.py'
return lesson {
  title = "Missing file",
  code { file = "missing.py" },
}
