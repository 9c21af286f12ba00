-- A worker that crashes (a real SIGSEGV from a real process) while the
-- others would run for a long time: the whole group must be killed.
return lesson {
  title = "Crash",
  run {
    title = "One worker crashes",
    processes = 3,
    worker = function(w)
      print("start " .. w.id)
      if w.id == 1 then
        sleep(100)
        crash()
      end
      sleep(20000)
    end,
    timeout = 60,
  },
}
