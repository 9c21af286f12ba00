-- Lesson 4: more workers than cores. The same 300 ms of CPU work per
-- worker with 1, 2, 4, 8 and 32 workers: the wall time stays flat up to the
-- number of CPUs, then grows with the number of workers. The student
-- predicts the 4-worker time before running it.

-- Every worker in this lesson: 300 ms of CPU work, then when it finished.
local function work(w)
  busy(300)
  print(string.format("worker %d: 300 ms of work, finished at %.0f ms", w.id, now()))
end

-- The notes after the runs quote the student's own run: other programs may
-- share the CPUs, so no note asserts a time or a picture.
local function ms(x) return ("%.0f ms"):format(x) end

-- How long the run's workers waited for a CPU (░), in all.
local function waited(run)
  local w = 0
  for _, k in ipairs(run.workers) do w = w + k.wait_ms end
  return w
end

-- "Your N workers did ... ; at most M ran at once", and what slowed them.
local function measured(run, n)
  local t = {}
  t[#t + 1] = ("Your %d worker%s did %s of CPU work in %s of wall time; at most %d ran at the same moment, on %d CPU%s.")
    :format(n, n == 1 and "" or "s", ms(run.cpu_ms), ms(run.wall_ms), run.max_running, run.ncpu,
            run.ncpu == 1 and "" or "s")
  if run.other_share and run.other_share >= 0.1 then
    t[#t + 1] = ("Other programs used %.0f %% of the CPUs during this run, so your workers waited for them too.")
      :format(run.other_share * 100)
  end
  return table.concat(t, " ")
end

-- The run against the one-worker run, when there is one.
local function against_one(run, runs, n)
  local one = runs["1 busy worker"]
  if not one or one.wall_ms <= 0 then return "Run \"1 busy worker\" too, to compare." end
  local t = ("One worker took %s; these %d took %.1f times as long for %d times the work.")
    :format(ms(one.wall_ms), n, run.wall_ms / one.wall_ms, n)
  if one.others_noticeable then
    t = t .. " (Your one-worker run was itself slowed by other programs, so this ratio comes out lower than on a quiet machine.)"
  end
  return t
end

-- How many of the run's workers finished in the last fifth of its wall time.
local function late(run)
  local n = 0
  for _, k in ipairs(run.workers) do
    if k.end_ms and k.end_ms >= 0.8 * run.wall_ms then n = n + 1 end
  end
  return n
end

return lesson {
  title = "More workers than cores",

  text [[
# More workers than cores

This machine has ${ncpu} CPUs. In the next five runs every worker does exactly the same thing: busy(300), 300 ms of pure CPU work, then it prints the time at which it finished.

One worker needs 300 ms of CPU time, so on a quiet machine its run takes a little over 300 ms. What about 2, 4, 8 or 32 workers? Before each run, predict when the last worker will finish. {screen: Type next, then run, and compare.}{batch: Then compare with what the run prints.}

Look at two things each time:

- the finish times in the output, especially the last one (the wall time of the whole run);
{screen: - the lanes: how many are █ (running) at the same moment, and how many show ░ (ready, but waiting for a CPU).}
{batch: - the statistics and the task table: how many tasks ran at the same moment, and how long each worker was ready but waited for a CPU (waited).}

Other programs on this machine share the CPUs too: the note after each run quotes your own times, and says when other programs slowed your workers down.
]],

  run {
    title = "1 busy worker",
    processes = 1,
    worker = work,
    note = function(run)
      local t = { measured(run, 1) }
      local w = waited(run)
      if w >= 0.1 * run.cpu_ms then
        t[#t + 1] = ("{screen: On a quiet machine its lane would be solid █; yours}{batch: On a quiet machine it would hardly wait; yours} waited %s for a CPU{screen:: where its lane shows ░, or a block lower than █, something else was running on its CPU}{batch:, while something else ran on its CPU}.")
          :format(ms(w))
      else
        t[#t + 1] = "{screen: Its lane is almost solid █}{batch: It hardly waited for a CPU}: one piece of work on one CPU."
      end
      t[#t + 1] = ("Remember %s: the time of one piece of work here. {screen: Type next.}"):format(ms(run.wall_ms))
      return table.concat(t, " ")
    end,
  },

  run {
    title = "2 busy workers",
    baseline = "1 busy worker",
    processes = 2,
    worker = work,
    note = function(run, runs)
      local t = { measured(run, 2), against_one(run, runs, 2) }
      if run.ncpu >= 2 and run.max_running >= 2 then
        t[#t + 1] = "{screen: Where both lanes are █ at the same moment}{batch: While both ran at the same moment}, double the work is being done in the same time: that is the speed-up parallel computing promises."
      elseif run.ncpu >= 2 then
        t[#t + 1] = "With 2 CPUs both could have run at once, but in your run they never did: other programs held a CPU, and your two took turns."
      else
        t[#t + 1] = "With one CPU the two take turns, so they need about twice as long as one."
      end
      return table.concat(t, " ") .. " {screen: Type next.}"
    end,
  },

  quiz {
    q = "Each busy worker does 300 ms of CPU work. Compared with your run of one busy worker, how long will 4 busy workers take on this machine, start to finish?",
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
      if run.others_noticeable or one.others_noticeable then
        local share = math.max(run.other_share or 0, one.other_share or 0)
        return nil, ("not judged: other programs used up to %.0f %% of the CPUs during these runs; run both again when the machine is quieter")
          :format(share * 100)
      end
      local r = run.wall_ms / one.wall_ms
      local note = ("4 workers took %.0f ms, %.1fx the %.0f ms of one, on %d CPUs"):format(
        run.wall_ms, r, one.wall_ms, run.ncpu)
      if r < 0.8 then return 4, note elseif r < 1.5 then return 1, note elseif r < 3 then return 2, note end
      return 3, note
    end,
    explain = [[
Four pieces of work on ${ncpu} CPUs. On a machine nothing else is using, with 4 or more CPUs all four run at once and take about as long as one; with 2, two run while two wait, then the other two: about twice as long; with 1, one after another: about four times as long. The time is roughly the work divided by the CPUs you get, never less than one piece. Other programs take CPUs too: then either run can come out longer, so the ratio between them says little, and the observation above does not judge it.
]],
    hints = { "How many of the four can be running at the same moment with ${ncpu} CPUs?" },
  },

  run {
    title = "4 busy workers",
    baseline = "1 busy worker",
    processes = 4,
    worker = work,
    note = function(run, runs)
      return measured(run, 4) .. " " .. against_one(run, runs, 4)
        .. (" With %d CPUs, at most %d {screen: lanes can be █}{batch: workers can run} at once; the others wait {screen: (░ when you zoom in, e.g. zoom 50ms; stats gives each one's wait)}{batch: (waited, in the task table)}. {screen: Type next.}"):format(run.ncpu, run.ncpu)
    end,
  },

  run {
    title = "8 busy workers",
    baseline = "1 busy worker",
    processes = 8,
    timeout = 120,   -- a busy machine: 8 × 300 ms of work can take long
    worker = work,
    note = function(run, runs)
      return measured(run, 8) .. " " .. against_one(run, runs, 8)
        .. (" At any moment at most %d {screen: lanes can be █; with more workers than CPUs the others wait (░ when you zoom in)}{batch: workers can run; with more workers than CPUs the others wait}. Each worker still used only its 300 ms of CPU time: together your workers waited %s for a CPU. {screen: Type next.}")
          :format(run.ncpu, ms(waited(run)))
    end,
  },

  run {
    title = "32 busy workers",
    baseline = "1 busy worker",
    processes = 32,
    timeout = 120,   -- a busy machine: 32 × 300 ms of work can take long
    worker = work,
    note = function(run, runs)
      local n = late(run)
      local t = measured(run, 32) .. " " .. against_one(run, runs, 32)
      if n >= 16 then
        t = t .. (" Look at the finish times: the scheduler gave every worker short turns on the CPUs, so they crept forward together, and %d of the 32 finished only in the last fifth of the run."):format(n)
      else
        t = t .. (" Look at the finish times: %d of the 32 finished in the last fifth of the run; the others got their turns earlier."):format(n)
      end
      return t .. " None of them got its answer sooner because there were more of them. {screen: Type next.}"
    end,
  },

  text [[
# What the five runs show

Put your five wall times side by side (the notes after the runs quote them). With ${ncpu} CPUs, on a machine nothing else is using:

- Up to ${ncpu} workers, adding workers adds work but not time: that is the speed-up.
- Beyond ${ncpu} workers, the CPUs are all busy. Every extra worker waits its turn, and the time grows with the amount of work.

So the speed-up stops at the number of CPUs. More workers is not always faster: past that point each extra process only adds waiting, memory and start-up cost. This is why Python's process pools (multiprocessing.Pool, concurrent.futures.ProcessPoolExecutor) start, by default, as many workers as os.cpu_count() reports, and not one per task.

Waiting workers are not the only limit. Work that must be done in one piece, and the time to start processes and move data to them, limit the speed-up too; a later course measures these.

{screen: Type next for concurrent.futures}{batch: Next: concurrent.futures}, the second library the module names.
]],
}
