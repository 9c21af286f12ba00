-- expect: start_method.lua:6: run{}: 'start_method' must be "fork", "spawn" or "forkserver", not 'clone'
-- expect: start_method.lua:7: run{}: 'start_method' is for a Python command (command = { "python3", ... })
return lesson {
  title = "Bad start methods",
  text "x",
  run { command = { "python3", "x.py" }, files = {}, start_method = "clone" },
  run { processes = 2, worker = function() end, start_method = "spawn" },
}
