-- Real Python under parlab's helper (python/): tests/runner/python.sh runs
-- it with Module 14's example1.py copied next to it and checks who each
-- line, mark and lane name is credited to.
return lesson {
  title = "Python processes, named",
  run { title = "example1 (fork)", command = { "python3", "example1.py" }, files = { "example1.py" }, timeout = 120 },
  run { title = "spawn", command = { "python3", "starts.py", "spawn" }, files = { "starts.py" }, timeout = 120 },
  run { title = "forkserver", command = { "python3", "starts.py", "forkserver" }, files = { "starts.py" }, timeout = 120 },
  run { title = "threads and marks", command = { "python3", "threads.py" }, files = { "threads.py" }, timeout = 120 },
  run { title = "own fds", command = { "python3", "ownfds.py" }, files = { "ownfds.py" }, timeout = 120 },
  run { title = "no site", command = { "python3", "-I", "-S", "example1.py" }, files = { "example1.py" }, timeout = 120 },
  run { title = "imports", command = { "python3", "imports.py" }, files = { "imports.py" }, timeout = 120 },
}
