-- expect: run_expect.lua:4: run{}: 'expect' must be one of finish, timeout, deadlock, crash, not 'deadlocks'
return lesson {
  title = "An expectation parlab does not know",
  run {
    title = "One", processes = 1, worker = function(w) print("hi") end,
    expect = "deadlocks",
  },
}
