-- A thread worker that crashes (a real SIGSEGV in one thread): it takes the
-- whole process down, and the run says which worker it was, not "the
-- runner failed".
return lesson {
  title = "Thread crash",
  run {
    title = "One thread crashes",
    threads = 3,
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
