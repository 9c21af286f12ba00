-- expect: expect_deadlock.lua:4: run{}: expect = "deadlock" needs blocks its workers can wait on (locks, semaphores, barriers, conditions or queues): parlab finds deadlocks on those
return lesson {
  title = "A deadlock without blocks",
  run {
    title = "Sleepers", threads = 2, expect = "deadlock",
    worker = function(w) sleep(10) end,
  },
}
