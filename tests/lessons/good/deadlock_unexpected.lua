-- A deadlock that the run does not expect: batch mode fails (exit 1), and
-- a worker that ended holding a lock is part of the others' deadlock
-- (tests/batch/deadlock.sh).
return lesson {
  title = "Unexpected deadlock",
  run {
    title = "Opposite order", processes = 2, timeout = 20,
    locks = { "A", "B" }, barriers = { "both" },
    worker = function(w)
      local first, second = w.id == 0 and "A" or "B", w.id == 0 and "B" or "A"
      lock(first); wait("both"); lock(second)
    end,
  },
  run {
    title = "Ended holding", processes = 2, timeout = 20,
    locks = { "A" }, barriers = { "taken" },
    worker = function(w)
      if w.id == 0 then lock("A"); wait("taken") else wait("taken"); sleep(50); lock("A") end
    end,
  },
}
