-- Lesson 1: CPU-bound and I/O-bound work. Four workers that compute and
-- four that wait (sleep, as a program waits for a disk or the network):
-- the first kind needs a CPU each, the second hardly any, so more workers
-- than CPUs help the second and not the first.

local function compute(w)
  busy(200)
  print(("w%d computed for 200 ms, done at %.0f ms"):format(w.id, now()))
end

local function io_wait(w)
  for _ = 1, 4 do sleep(50) end
  print(("w%d waited 4 x 50 ms, done at %.0f ms"):format(w.id, now()))
end

local function ms(x) return ("%.0f ms"):format(x) end

-- What the workers of a run did, all together: CPU, waiting for a CPU, asleep.
local function spent(run)
  local cpu, wait, sleep_ = 0, 0, 0
  for _, k in ipairs(run.workers) do
    cpu, wait, sleep_ = cpu + (k.cpu_ms or 0), wait + (k.wait_ms or 0), sleep_ + (k.sleep_ms or 0)
  end
  return cpu, wait, sleep_
end

-- Said when other programs took a noticeable share of the CPUs; that the
-- workers shared the CPUs with them only when they needed the CPUs (more
-- than a few ms of CPU time in all).
local function others(run)
  if not run.others_noticeable then return "" end
  local cpu = spent(run)
  return (" Other programs used %.0f %% of the CPUs during this run%s."):format(run.other_share * 100,
    cpu >= 20 and (", so your worker%s shared them"):format(#run.workers == 1 and "" or "s") or "")
end

-- What a computing worker's lane shows, by how long it ran and how long it
-- was ready without a CPU.
local function lane_of(k)
  if not k or not k.cpu_ms then return "" end
  local wait = k.wait_ms or 0
  if wait <= 0.1 * k.cpu_ms then return "{screen: Its lane is mostly █: it ran the whole time.}" end
  return ("It was also ready but without a CPU for %s{screen:: there its lane shows ░, or a low block where it ran only part of that moment and waited the rest}."):format(ms(wait))
end

return lesson {
  title = "CPU-bound and I/O-bound work",

  text [[
# Computing or waiting?

A worker is CPU-bound when it spends its time computing: it needs a CPU the whole time, and this machine has ${ncpu}. A worker is I/O-bound when it spends its time waiting: for a disk, the network, a user. While it waits it needs no CPU at all.

In this lesson four workers compute for 200 ms each (busy), then four workers wait for 4 x 50 ms each (sleep). {screen: Watch the lanes: █ is a worker running on a CPU, ░ ready but waiting for one (or a low block: it ran only part of that moment and waited the rest), and · a worker asleep, off the CPU.}{batch: After each run, the task table says how long each worker ran (cpu time) and how long it was ready but had no CPU (waited).}
]],

  run {
    title = "1 worker computing",
    threads = 1,
    worker = compute,
    note = function(run)
      return ("Your one worker computed for %s of CPU time in %s. %s%s")
        :format(ms(run.cpu_ms), ms(run.wall_ms), lane_of(run.workers[1]), others(run))
    end,
  },

  quiz {
    type = "number",
    q = "Four workers will each compute for 200 ms. At most how many of them will be running on a CPU at the same moment?",
    predict = "4 workers computing",
    observe = function(run)
      if run.others_noticeable then
        return nil, ("not judged: other programs used %.0f %% of the CPUs during the run; run it again when the machine is quieter")
          :format(run.other_share * 100)
      end
      return run.max_running, ("at most %d ran at once, on %d CPUs"):format(run.max_running, run.ncpu)
    end,
    hints = { "How many CPUs does this machine have? A CPU runs one task at a time." },
    explain = "A CPU runs one task at a time: with ${ncpu} CPUs at most ${ncpu} of the four can run at once here (fewer while other programs hold CPUs), the others ready and waiting {screen:(░ in their lanes, or a low block where one ran only part of that moment and waited the rest)}{batch:(their waited time in the table)}.",
  },

  run {
    title = "4 workers computing",
    threads = 4,
    worker = compute,
    baseline = "1 worker computing",
    note = function(run, runs)
      local one = runs["1 worker computing"]
      local cpu, wait = spent(run)
      local t = { ("Your 4 workers did %s of CPU work in %s of wall time, and were ready but without a CPU for %s in all.")
        :format(ms(cpu), ms(run.wall_ms), ms(wait)) }
      if one and one.wall_ms > 0 then
        t[#t + 1] = ("One worker took %s: these four took %.1f times as long, on %d CPUs."):format(ms(one.wall_ms), run.wall_ms / one.wall_ms, run.ncpu)
      end
      t[#t + 1] = others(run)
      return table.concat(t, " ")
    end,
  },

  quiz {
    q = "Now four workers each wait 4 x 50 ms (sleep), computing nothing. Compared with one worker computing for 200 ms, when will the last of the four be done?",
    choices = {
      "About as long as one: waiting needs no CPU, so all four wait at the same time",
      "About four times as long: they wait one after another",
      "It depends on the number of CPUs, as for computing",
    },
    predict = "4 workers waiting",
    observe = function(run)
      local last   -- when the last waiting worker was done, by its own clock
      for _, o in ipairs(run.output) do
        local t = tonumber(o.text:match("done at (%d+) ms$") or "")
        if t and (not last or t > last) then last = t end
      end
      if not last then return nil, "the workers printed no end" end
      local r = last / 200
      local note = ("the last of the four was done at %.0f ms"):format(last)
      if r < 1.6 then return 1, note end
      if run.others_noticeable then return nil, note .. ", while other programs were busy: run it again" end
      if r > 3 then return 2, note end
      return nil, note .. ": run it again to tell"
    end,
    hints = { "A sleeping worker is off the CPU: what does it need the CPU for?" },
    explain = "Sleeping (like waiting for a disk or the network) needs no CPU, so the four wait at the same time {screen:(their lanes show · side by side)}{batch:(their sleep overlaps)}: more workers help waiting work even beyond ${ncpu} CPUs.",
  },

  run {
    title = "4 workers waiting",
    threads = 4,
    worker = io_wait,
    note = function(run)
      local cpu, wait, slept = spent(run)
      local lanes = ""
      if slept > 4 * (cpu + wait) then lanes = "{screen: Their lanes are almost all ·: asleep, off the CPU.}"
      elseif wait >= 1 then lanes = (" After each sleep they were ready but without a CPU for %s in all{screen: (░ in their lanes)}."):format(ms(wait)) end
      return ("Your 4 waiting workers used %s of CPU in all over %s of wall time; together they slept %s.%s%s")
        :format(ms(cpu), ms(run.wall_ms), ms(slept), lanes, others(run))
    end,
  },

  quiz {
    from = "4 workers waiting",
    q = "In your runs, which four workers used more CPU time, all together?",
    choices = { "The 4 computing", "The 4 waiting" },
    answer = function(run, runs)
      local c = runs["4 workers computing"]
      if not c then return nil, "run \"4 workers computing\" too" end
      local cw, ww = spent(c), spent(run)
      return cw >= ww and 1 or 2, ("computing: %s, waiting: %s"):format(ms(cw), ms(ww))
    end,
    hints = { "Compare the cpu time in the two runs' notes." },
    explain = "Computing takes CPU time; waiting takes wall time but almost no CPU. That is why a program that waits can use many more threads than CPUs, and one that computes cannot.",
  },
}
