-- expect: optional.lua:9: run{}: 'optional' must be true or false, not string
-- expect: optional.lua:10: run{}: 'optional' is for a Python command that names its modules (python = { ... })
-- expect: optional.lua:11: run{}: 'optional' is for a Python command that names its modules (python = { ... })
-- expect: optional.lua:12: run{}: 'optional' is for a Python command that names its modules (python = { ... })
return lesson {
  title = "Bad optional runs",
  text "x",
  run { command = { "python3", "x.py" }, files = {}, python = { "ray" }, optional = true },
  run { command = { "python3", "x.py" }, files = {}, python = { "ray" }, optional = "yes" },
  run { command = { "python3", "x.py" }, files = {}, optional = true },
  run { command = { "sh", "-c", "true" }, python = { "ray" }, optional = true },
  run { processes = 2, worker = function() end, optional = true },
}
