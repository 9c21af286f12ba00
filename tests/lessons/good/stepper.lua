-- Stepped runs (run{ stepper = true }): the student schedules the workers.
local function two_adds(w)
  for i = 1, 2 do add_racy("counter") end
end

return lesson {
  title = "Stepper",
  run { title = "racy threads", threads = 2, stepper = true, shared = { counter = 0 }, worker = two_adds },
  run { title = "racy processes", processes = 2, stepper = true, shared = { counter = 0 }, worker = two_adds },
  run {
    title = "lock cycle", threads = 2, stepper = true, locks = { "A", "B" }, expect = "deadlock",
    worker = function(w)
      local first, second = "A", "B"
      if w.id == 1 then first, second = "B", "A" end
      lock(first)
      lock(second)
      unlock(second)
      unlock(first)
    end,
  },
  run {
    title = "barrier and queue", processes = 3, stepper = true, barriers = { "X" }, queues = { q = 1 },
    worker = function(w)
      wait("X")
      if w.id == 0 then
        put("q", "a")
        put("q", "b")
      elseif w.id == 1 then
        print("took " .. take("q") .. take("q"))
      end
    end,
  },
}
