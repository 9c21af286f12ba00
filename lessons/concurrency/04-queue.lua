-- Lesson 4: producer and consumers with a bounded queue. Worker 0 puts 12
-- jobs into a queue that holds 2; two consumers take them. With slow
-- consumers the producer waits on a full queue; with a slow producer the
-- consumers wait on an empty one. Both waits are off the CPU.

local JOBS = 12

-- Worker 0 produces (pausing `pause` ms before each job), the others
-- consume (working `work` ms on each, asleep as for I/O). A 0 tells a
-- consumer to stop. "queued" counts jobs put and not yet taken: about the
-- queue's length (it counts a job just taken until its taker counts it off).
local function pc(pause, work)
  return function(w)
    if w.id == 0 then
      for j = 1, JOBS do
        if pause > 0 then sleep(pause) end
        put("jobs", j)
        print(("put job %d at %.0f ms, about %d queued"):format(j, now(), add_atomic("queued", 1)))
      end
      for _ = 2, w.n do put("jobs", 0) end
      print(("producer done putting at %.0f ms"):format(now()))
    else
      local n = 0
      while true do
        local j = take("jobs")
        if j == 0 then break end
        add_atomic("queued", -1)
        n = n + 1
        if work > 0 then sleep(work) end
      end
      print(("w%d took %d jobs, done at %.0f ms"):format(w.id, n, now()))
    end
  end
end

-- A number a worker printed: the first capture of pattern in the output.
local function printed(run, pattern)
  if not run then return nil end
  for _, o in ipairs(run.output) do
    local v = o.text:match(pattern)
    if v then return tonumber(v) end
  end
end

-- When the last consumer was done, by its own clock (now()).
local function consumers_done(run)
  local last
  for _, o in ipairs(run.output) do
    local t = tonumber(o.text:match("^w%d+ took %d+ jobs, done at (%d+) ms$") or "")
    if t and (not last or t > last) then last = t end
  end
  return last
end

local function most_queued(run)
  local m = 0
  for _, o in ipairs(run.output) do
    local v = tonumber(o.text:match("about (%d+) queued$") or "")
    if v and v > m then m = v end
  end
  return m
end

-- The queue's length over the run, as parlab measured it (run.blocks):
-- how long it was full and empty, its longest; else what the producer's
-- own "queued" counts said.
local function held(run)
  local q = run.blocks and run.blocks.jobs
  if q and q.max_length and q.full_ms then
    return ("Of the run's %.0f ms, your queue was full for %.0f ms and empty for %.0f ms (%.1f jobs in it on average, %d at most); %d of %d puts and takes had to wait."):format(
      run.wall_ms, q.full_ms, q.empty_ms, q.mean_length, q.max_length, q.contended or 0, (q.puts or 0) + (q.takes or 0))
  end
  local m = most_queued(run)
  if m > 2 then
    return ("The producer's count reached %d at most: the queue's 2, plus jobs consumers had just taken and not yet counted off."):format(m)
  end
  return ("The producer's count of queued jobs reached %d at most (the queue holds 2)."):format(m)
end

local function ms(x) return ("%.0f ms"):format(x) end

-- The consumers' (workers 1 and up) CPU and sleeping time together.
local function consumers(run)
  local cpu, slept = 0, 0
  for _, k in ipairs(run.workers) do
    if k.id > 0 then cpu, slept = cpu + (k.cpu_ms or 0), slept + (k.sleep_ms or 0) end
  end
  return cpu, slept
end

local function producer(run)
  for _, k in ipairs(run.workers) do if k.id == 0 then return k end end
end

return lesson {
  title = "Producer and consumers",

  text [[
# A bounded queue

A producer makes jobs and puts them into a queue; consumers take them out and do them. The queue here holds at most 2 jobs: put waits while it is full, take waits while it is empty. Both waits are off the CPU, like sleeping.

Worker 0 is the producer and puts 12 jobs; workers 1 and 2 are the consumers. {screen: In the lanes, a worker waiting on the queue shows ▚ (blocked), off the CPU. The queue has a lane of its own under the CPUs, named jobs: a bar as high as the queue was full, on average, in each moment.}{batch: In the task table, a waiting worker uses no cpu time. Under the blocks, a line of digits gives the queue's length over the run.}
]],

  quiz {
    q = "The producer could put all 12 jobs at once, but the queue holds 2 and each consumer needs 25 ms per job. When will your producer be done putting?",
    choices = {
      "Within a few ms of the start",
      "Near the end of the run: it waits for room in the queue",
    },
    predict = "Slow consumers",
    observe = function(run)
      local done = printed(run, "^producer done putting at (%d+) ms$")
      local last = consumers_done(run)
      if not done or not last or last <= 0 then return nil, "the workers printed no end" end
      local note = ("your producer was done putting at %.0f ms, the consumers at %.0f ms"):format(done, last)
      return done > 0.5 * last and 2 or 1, note
    end,
    hints = { "put waits while the queue is full. How fast do jobs leave it?" },
    explain = "The queue fills in an instant; after that the producer can put a job only when a consumer takes one, so it goes at the consumers' pace {screen:(its lane shows ▚ between puts: blocked on a full queue)}{batch:(it sleeps between puts: waiting on a full queue)}.",
  },

  run {
    title = "Slow consumers",
    threads = 3,
    queues = { jobs = 2 },
    shared = { queued = 0 },
    worker = pc(0, 25),
    note = function(run)
      local done = printed(run, "^producer done putting at (%d+) ms$")
      local p = producer(run)
      local t = {}
      local last = consumers_done(run)
      if done and last then t[#t + 1] = ("Your producer was done putting at %.0f ms; the last consumer was done at %.0f ms."):format(done, last) end
      if p and p.blocked_ms then
        t[#t + 1] = ("It used %s of CPU and was blocked %s waiting for room in the queue{screen: (▚ on its lane)}."):format(ms(p.cpu_ms or 0), ms(p.blocked_ms))
      elseif p then
        t[#t + 1] = ("It used %s of CPU and slept %s, waiting for room in the queue."):format(ms(p.cpu_ms or 0), ms(p.sleep_ms or 0))
      end
      t[#t + 1] = held(run)
      return table.concat(t, " ")
    end,
  },

  quiz {
    q = "Now the producer pauses 25 ms before each job and the consumers do nothing with a job. What will the consumers do most of the run?",
    choices = {
      "Run on a CPU, checking the queue again and again",
      "Wait off the CPU until a job arrives",
    },
    predict = "Slow producer",
    observe = function(run)
      local cpu, slept = consumers(run)
      local note = ("your consumers used %s of CPU and slept %s"):format(ms(cpu), ms(slept))
      return slept > cpu and 2 or 1, note
    end,
    hints = { "take waits while the queue is empty. Does waiting use a CPU?" },
    explain = "take on an empty queue waits in the kernel: the consumer sleeps until the producer puts a job, and uses no CPU meanwhile {screen:(its lane shows ▚, blocked, off the CPU)}{batch:(its cpu time stays tiny)}.",
  },

  run {
    title = "Slow producer",
    threads = 3,
    queues = { jobs = 2 },
    shared = { queued = 0 },
    worker = pc(25, 0),
    note = function(run)
      local cpu, slept = consumers(run)
      return ("Your two consumers used %s of CPU together and slept %s waiting for jobs. %s")
        :format(ms(cpu), ms(slept), held(run))
    end,
  },

  quiz {
    type = "number",
    from = "Slow consumers",
    q = "In your run with slow consumers, how many of the 12 jobs did worker w1 take?",
    answer = function(run)
      local n = printed(run, "^w1 took (%d+) jobs")
      if not n then return nil, "w1 printed no count" end
      local m = printed(run, "^w2 took (%d+) jobs")
      return n, m and ("w1 took %d, w2 took %d"):format(n, m) or nil
    end,
    hints = { "Each consumer prints how many jobs it took when it stops." },
    explain = "Whoever is free takes the next job: nothing makes the two consumers take turns, so how the 12 jobs split between them can change from run to run.",
  },
}
