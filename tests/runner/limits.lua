-- Runaway runs stopped by their limits (limits.sh): memory in threads, in
-- processes and in a command, and a fork bomb; each says which limit.
return lesson {
  title = "Limits",
  run { title = "threads eat", threads = 2, memory = 200, timeout = 60, worker = function(w)
      local t, i = {}, 0
      while true do i = i + 1; t[i] = string.rep("x", 1000) .. i end
    end },
  run { title = "processes eat", processes = 2, memory = 200, timeout = 60, worker = function(w)
      local t, i = {}, 0
      while true do i = i + 1; t[i] = string.rep("y", 1000) .. i end
    end },
  run { title = "one process eats", processes = 1, memory = 100, timeout = 60, worker = function(w)
      local t, i = {}, 0
      while true do i = i + 1; t[i] = string.rep("z", 100000) .. i end
    end },
  run { title = "command eats", command = { "python3", "-c", "x = []\nwhile True: x.append(bytearray(10**6))" },
        memory = 150, timeout = 60 },
  -- doubling every 0.2 s: a bomb the screen can watch grow (a faster one
  -- can starve it; then only RLIMIT_NPROC, never applied to root, stops it)
  run { title = "fork bomb", command = { "sh", "-c", "f() { sleep 0.2; f & f & wait; }; f" }, tasks = 100, timeout = 60 },
}
