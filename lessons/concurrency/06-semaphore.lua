-- Lesson 6: a semaphore as a limit. Six workers each need one of 2 slots
-- (a download limit, a pool of connections) for 60 ms: a semaphore
-- starting at 2 lets two in at a time, the others wait off the CPU. Then
-- a barrier: every worker waits until all have finished their first
-- phase before any starts its second.

-- Each worker takes a slot, stays 60 ms (asleep, as for I/O), gives it
-- back; "inside" counts the workers holding a slot.
local function visitor(w)
  acquire("slots")
  local inside = add_atomic("inside", 1)
  print(("w%d in at %.0f ms, %d inside"):format(w.id, now(), inside))
  sleep(60)
  add_atomic("inside", -1)
  release("slots")
end

-- Phase 1 takes longer for higher ids; phase 2 starts after the barrier.
local function phases(w)
  sleep(20 * (w.id + 1))
  print(("w%d: phase 1 done at %.0f ms"):format(w.id, now()))
  local order = wait("phase 1")
  print(("w%d: phase 2 starts at %.0f ms (arrived %d of %d)"):format(w.id, now(), order, w.n))
end

-- The most workers inside at once, as they printed it.
-- (run.blocks.slots counts the waits, not how many were inside at once.)
local function most_inside(run)
  local m = 0
  for _, o in ipairs(run.output) do
    local v = tonumber(o.text:match("(%d+) inside$") or "")
    if v and v > m then m = v end
  end
  return m
end

-- When the last worker got in, by its own clock.
local function last_in(run)
  local last
  for _, o in ipairs(run.output) do
    local t = tonumber(o.text:match(" in at (%d+) ms,") or "")
    if t and (not last or t > last) then last = t end
  end
  return last
end

local function entered(run)
  local ids = {}
  for _, o in ipairs(run.output) do
    local id = o.text:match("^(w%d+) in at")
    if id then ids[#ids + 1] = id end
  end
  return ids
end

-- Which worker finished phase 1 last, by its own clock.
local function last_phase1(run)
  local who, last
  for _, o in ipairs(run.output) do
    local id, t = o.text:match("^(w%d+): phase 1 done at (%d+) ms")
    t = tonumber(t or "")
    if t and (not last or t > last) then who, last = id, t end
  end
  return who
end

-- When the earliest phase 2 started, and when the last phase 1 ended.
local function phase_times(run)
  local last1, first2
  for _, o in ipairs(run.output) do
    local t1 = tonumber(o.text:match("phase 1 done at (%d+) ms") or "")
    local t2 = tonumber(o.text:match("phase 2 starts at (%d+) ms") or "")
    if t1 and (not last1 or t1 > last1) then last1 = t1 end
    if t2 and (not first2 or t2 < first2) then first2 = t2 end
  end
  return last1, first2
end

return lesson {
  title = "A semaphore and a barrier",

  text [[
# Two at a time

A semaphore is a counter of free slots: acquire waits until the count is above 0 and takes one, release gives one back. Started at 2, it lets at most two workers through at a time, whatever the number of workers or CPUs.

Six workers each hold a slot for 60 ms. {screen: In the lanes, the ones waiting for a slot show ▚ (blocked), off the CPU.}
]],

  quiz {
    type = "number",
    q = "At most how many of the six workers will hold a slot at the same moment?",
    predict = "Two slots",
    observe = function(run)
      local m = most_inside(run)
      return m, ("the workers counted at most %d inside"):format(m)
    end,
    hints = { "The semaphore starts at 2." },
    explain = "The semaphore starts at 2 and each worker inside holds one: a third must wait for a release. Unlike the number of CPUs, this limit holds on any machine.",
  },

  quiz {
    q = "Each of the six holds its slot for 60 ms, asleep. About how long will the run take?",
    choices = {
      "About 60 ms: all six at once",
      "About 180 ms: three rounds of two",
      "About 360 ms: one after another",
    },
    predict = "Two slots",
    observe = function(run)
      local last = last_in(run)
      if not last then return nil, "no worker printed that it got in" end
      local took = last + 60   -- the last one in stays 60 ms
      local note = ("the last worker got in at %.0f ms, so the six took about %.0f ms"):format(last, took)
      if took < 120 then return 1, note elseif took < 270 then return 2, note end
      if run.others_noticeable then return nil, note .. ", while other programs were busy: run it again" end
      return 3, note
    end,
    hints = { "Six workers, two at a time." },
    explain = "Two at a time, six workers make three rounds of 60 ms. Sleeping needs no CPU, so the number of CPUs does not matter here: the semaphore sets the pace.",
  },

  run {
    title = "Two slots",
    threads = 6,
    semaphores = { slots = 2 },
    shared = { inside = 0 },
    worker = visitor,
    note = function(run)
      return ("Your workers got in in the order %s; at most %d held a slot at once, and the run took %.0f ms.")
        :format(table.concat(entered(run), ", "), most_inside(run), run.wall_ms)
    end,
  },

  quiz {
    type = "text",
    from = "Two slots",
    q = "In your run, which worker got a slot last? (for example w3)",
    answer = function(run)
      local ids = entered(run)
      if #ids == 0 then return nil, "no worker printed that it got in" end
      return ids[#ids], "in the order " .. table.concat(ids, ", ")
    end,
    hints = { "The note after the run lists the order they got in." },
    explain = "Who gets a freed slot first is up to the scheduler: the order changes from run to run, the limit never does.",
  },

  text [[
# Everyone waits for the last

A barrier is a meeting point: no worker goes past it until all have arrived. Here each worker's first phase is a sleep: 20 ms for w0, 40 ms for w1, and so on (on a busy machine a worker can take longer to wake, so they need not finish in that order); then each starts its second phase.
]],

  quiz {
    q = "When will worker w0, which sleeps least, start its second phase?",
    choices = {
      "Right after its own first phase (its 20 ms of sleep)",
      "Only when the last worker has finished its first phase",
    },
    predict = "A barrier",
    observe = function(run)
      local last1, first2 = phase_times(run)
      if not last1 or not first2 then return nil, "the workers printed no phase times" end
      local note = ("the last phase 1 ended at %d ms, the first phase 2 began at %d ms"):format(last1, first2)
      return first2 >= last1 and 2 or 1, note
    end,
    hints = { "No worker goes past a barrier before all have arrived." },
    explain = "The barrier opens only when the last worker arrives: everyone waits for the last to arrive {screen:(the early workers' lanes show ▚, blocked, off the CPU, until then)}{batch:(the early workers sleep until then)}. That is the price of a barrier: the phase takes as long as its slowest worker.",
  },

  run {
    title = "A barrier",
    threads = 4,
    barriers = { "phase 1" },
    worker = phases,
    note = function(run)
      local last1, first2 = phase_times(run)
      if not last1 or not first2 then return "The workers printed no phase times: did the run finish?" end
      local who = last_phase1(run)
      return ("Your last worker to finish phase 1 was %s, at %d ms; the first phase 2 started at %d ms. The others waited at the barrier until then."):format(who or "?", last1, first2)
    end,
  },
}
