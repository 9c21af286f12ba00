-- Lesson 4: more workers than cores. The same 300 ms of CPU work per
-- worker with 1, 2, 4, 8 and 32 workers: the wall time stays flat up to the
-- number of CPUs, then grows with the number of workers. The student
-- predicts the 4-worker time before running it.

-- Every worker in this lesson: 300 ms of CPU work, then when it finished.
local function work(w)
  busy(300)
  print(string.format("worker %d: 300 ms of work, finished at %.0f ms", w.id, now()))
end

return lesson {
  title = "More workers than cores",

  text [[
# More workers than cores

This machine has ${ncpu} CPUs. In the next five runs every worker does exactly the same thing: busy(300), 300 ms of pure CPU work, then it prints the time at which it finished.

One worker needs about 300 ms, plus a few ms to start. What about 2, 4, 8 or 32 workers? Before each run, predict when the last worker will finish. Type next, then run, and compare.

Look at two things each time:

- the finish times in the output, especially the last one (the wall time of the whole run);
- the lanes: how many are █ (running) at the same moment, and how many show ░ (ready, but waiting for a CPU).

Other programs on this machine share the CPUs too, so your times can come out somewhat higher than the round numbers in the notes after each run.
]],

  run {
    title = "1 busy worker",
    processes = 1,
    worker = work,
    note = [[
One lane, solid for about 300 ms. That is the time of one piece of work on one CPU. Remember this number. Type next.
]],
  },

  run {
    title = "2 busy workers",
    baseline = "1 busy worker",
    processes = 2,
    worker = work,
    note = [[
Twice the work. With 2 or more CPUs (this machine has ${ncpu}), both lanes are solid at the same time and the run still ends after about 300 ms: double the work in the same time. That is the speed-up parallel computing promises. (On a single CPU the two would take turns and need about 600 ms.) Type next.
]],
  },

  quiz {
    q = "One busy worker took about 300 ms. How long will 4 busy workers take on this machine, start to finish?",
    choices = {
      "About as long as one worker: they all run at the same time",
      "About twice as long",
      "About four times as long: one after another",
      "Less time than one worker",
    },
    predict = "4 busy workers",
    observe = function(run, _, runs)
      local one = runs["1 busy worker"]
      if not one or one.wall_ms <= 0 then return nil, "run \"1 busy worker\" too, to compare" end
      local r = run.wall_ms / one.wall_ms
      local note = ("4 workers took %.0f ms, %.1fx the %.0f ms of one, on %d CPUs"):format(
        run.wall_ms, r, one.wall_ms, run.ncpu)
      if r < 0.8 then return 4, note elseif r < 1.5 then return 1, note elseif r < 3 then return 2, note end
      return 3, note
    end,
    explain = [[
Four pieces of 300 ms of work on ${ncpu} CPUs: with 4 or more CPUs, all four run at once and finish in about 300 ms; with 2, two run while two wait, then the other two, about 600 ms; with 1, one after another, about 1.2 s. The time is roughly the work divided by the CPUs, never less than one piece.
]],
    hints = { "How many of the four can be running at the same moment with ${ncpu} CPUs?" },
  },

  run {
    title = "4 busy workers",
    baseline = "1 busy worker",
    processes = 4,
    worker = work,
    note = [[
Four times the work of one worker. With ${ncpu} CPUs, at most ${ncpu} lanes are █ at once; compare the wall time with the one-worker run (the speedup line in the output). Type next.
]],
  },

  run {
    title = "8 busy workers",
    baseline = "1 busy worker",
    processes = 8,
    worker = work,
    note = [[
Eight pieces of work on ${ncpu} CPUs. At any moment at most ${ncpu} lanes can be █. When there are more workers than CPUs, the others show ░, and the run takes about 8 × 300 ms ÷ ${ncpu}. Every worker still used only 300 ms of CPU time; the rest of its wall time was spent waiting for a CPU. (With 8 or more CPUs, all eight ran at once and finished after about 300 ms: the next run crowds such a machine too.) Type next.
]],
  },

  run {
    title = "32 busy workers",
    baseline = "1 busy worker",
    processes = 32,
    worker = work,
    note = [[
32 pieces of work on ${ncpu} CPUs. With more workers than CPUs, the run takes about 32 × 300 ms ÷ ${ncpu}. Look at the finish times: the scheduler gave every worker short turns on the CPUs, so they crept forward together, and most of them finished only near the end. None of them got its answer sooner because there were more of them. Type next.
]],
  },

  text [[
# What the five runs show

Put your five wall times side by side (the last finish time of each run). With ${ncpu} CPUs:

- Up to ${ncpu} workers, adding workers adds work but not time: that is the speed-up.
- Beyond ${ncpu} workers, the CPUs are all busy. Every extra worker waits its turn, and the time grows with the amount of work.

So the speed-up stops at the number of CPUs. More workers is not always faster: past that point each extra process only adds waiting, memory and start-up cost. This is why Python's process pools (multiprocessing.Pool, concurrent.futures.ProcessPoolExecutor) start, by default, as many workers as os.cpu_count() reports, and not one per task.

Waiting workers are not the only limit. Work that must be done in one piece, and the time to start processes and move data to them, limit the speed-up too; a later course measures these.

Type next for concurrent.futures, the second library the module names.
]],
}
