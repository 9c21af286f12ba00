-- tests/e2e/blocked.sh: waiting made visible. w0 takes lock A and keeps
-- it 600 ms; w1 comes 100 ms later and waits for it; each marks.
return lesson {
  title = "Blocked",
  run {
    title = "A lock held",
    threads = 2,
    locks = { "A" },
    shared = { held = 0 },
    worker = function(w)
      if w.id == 0 then
        lock("A"); mark("took the lock"); set("held", 1); sleep(600); unlock("A")
      else
        while get("held") == 0 do sleep(5) end   -- however late w0 starts
        sleep(100); lock("A"); mark("got it"); unlock("A")
      end
    end,
  },
}
