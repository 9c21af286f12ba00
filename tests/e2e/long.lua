-- For the end-to-end TUI test: a run that lasts until it is stopped.
return lesson {
  title = "A long run",
  text [[
A run that does not end by itself: stop it with stop or Ctrl-C.
]],
  run {
    title = "Two sleepers",
    processes = 2,
    timeout = 120,
    worker = function(w) print("sleeper " .. w.id .. " up"); while true do sleep(200) end end,
  },
}
