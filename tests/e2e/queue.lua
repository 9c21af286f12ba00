-- A queue's lane (tests/e2e/queue.sh): a producer puts 60 jobs into a
-- queue of 3 that two slow consumers empty (60 ms a job), so the queue is
-- full most of the run, which lasts about 1.8 s: long enough to look at
-- stats while it goes.
return lesson {
  title = "Queue lane",
  run {
    title = "Slow consumers",
    threads = 3,
    queues = { jobs = 3 },
    worker = function(w)
      if w.id == 0 then
        for j = 1, 60 do put("jobs", j) end
        for _ = 2, w.n do put("jobs", 0) end
      else
        while take("jobs") ~= 0 do sleep(60) end
      end
    end,
  },
}
