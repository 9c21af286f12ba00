-- Level 1: lose an update. Two workers each add 1 to a shared counter
-- twice, racily: add_racy is two actions (read, then write what it read
-- plus 1), and the student picks the order. The goal: the counter ends
-- short of 4. The note retells the student's own schedule from the run's
-- steps; the question after the run is judged by the run's lost updates.

-- The first write that overwrote another worker's update (run.actions[n]
-- = { worker = 0, text = "write counter = 1 (now 0)" }): a write whose
-- "now" (the value just before it) is not the value it writes less 1.
-- Its step number and worker, the value it wrote and the one before it.
local function first_stale(run)
  for n, s in ipairs(run.actions or {}) do
    local v, now = s.text:match("^write counter = (%d+) %(now (%d+)%)$")
    if v and tonumber(now) ~= tonumber(v) - 1 then return n, s.worker, tonumber(v), tonumber(now) end
  end
end

return lesson {
  title = "Lose an update",

  text [[
# You are the scheduler

In this course you decide which worker runs. Each level shows the code its workers run and gives you a goal. The workers are real: threads or processes of this machine. But before each action on something they share, each one stops and waits until you let it go. Between those stops a worker runs on by itself.

{screen:
- 0, 1, 2...: that worker makes its next action (or type step w0; step alone: the next worker that can).
- Backspace (or undo): take back your last step; restart: start over.
- > (or go): every worker that can goes, in turn, to the end.
- schedule: the order you let the workers go so far; schedule save FILE keeps it.

The run box lists what each worker will do next, and says when you reached the goal.
}
{batch: In this transcript a level reads one line: your schedule, the ids of the workers to let go, in order ("0 1 1 0"). Then every worker that can goes, in turn, to the end.}

The same schedule always does the same thing, on any machine, however busy: you are the scheduler, not the machine.
]],

  text [[
# Level 1: two workers, one counter

Each worker adds 1 to a shared counter, twice. The counter starts at 0.
]],

  code {
    title = "each worker runs",
    lang = "lua",
    src = [[
for i = 1, 2 do
  add_racy("counter")   -- read counter, then write what it read + 1
end
]],
  },

  text [[
add_racy adds the way a plain "counter = counter + 1" does on a real machine: it reads the counter, and only later writes back what it read plus 1. For you, that is two actions: read, and write. In between, the other worker may run.
]],

  quiz {
    type = "number",
    q = "Two workers each add 1 twice. If every addition counts, what does the counter end at?",
    answer = 4,
    explain = "2 workers x 2 additions = 4. Now make it end short of that.",
  },

  run {
    title = "Level 1: lose an update",
    threads = 2,
    stepper = true,
    shared = { counter = 0 },
    worker = function(w)
      for _ = 1, 2 do add_racy("counter") end
    end,
    goal = {
      text = "Make the counter end short of 4: lose an update.",
      reached = function(s)
        if not (s.done and s.values.counter < 4) then return false end
        return ("the counter ended at %d, not 4: %d update%s lost (a worker wrote back what it had read before the other's write)")
          :format(s.values.counter, s.lost.counter, s.lost.counter == 1 and "" or "s")
      end,
      solution = "0 1 0 1 0 1 0 1",
    },
    note = function(run)
      local c = run.values.counter
      if type(c) ~= "number" then return nil end
      if c == 4 then
        return "The counter ended at 4: no update was lost. Each worker wrote before the other read. Try letting both read before either writes."
      end
      local n, w, v, now = first_stale(run)
      local t = { ("Your counter ended at %d of 4."):format(c) }
      if n then
        t[#t + 1] = ("At step %d, w%d wrote %d while the counter held %d: it had read %d before the other worker's write, and wrote over it.")
          :format(n, w, v, now, v - 1)
      end
      return table.concat(t, " ")
    end,
  },

  quiz {
    type = "number",
    from = "Level 1: lose an update",
    q = "How many updates did your schedule lose?",
    answer = function(run)
      local c = run.values.counter
      if type(c) ~= "number" then return nil, "the run has no final counter" end
      return 4 - c, ("your counter ended at %d of 4"):format(c)
    end,
    hints = { "The counter should have ended at 4." },
    explain = "Every write that overwrote a value read before the other worker's write lost that worker's update.",
  },

  quiz {
    type = "number",
    q = "Bonus: what is the lowest value the counter can end at, whatever the schedule?",
    answer = 2,
    hints = { "Can the last write be of 0 + 1? What did its worker read, and after which of its own writes?" },
    explain = "2. A worker's second read comes after its own first write, so it reads at least 1 and writes at least 2; the last write of the run is somebody's second write. The schedule 0 1 0 1 0 1 0 1 (read, read, write, write, twice) ends at 2.",
  },

  text [[
# Bonus level: three adds each

Now each worker adds 3 times: 6 additions. The same reasoning says the counter cannot end below 2. Can it end at 2 even now? One worker must hold on to an old read for a long time.
]],

  run {
    title = "Bonus: three adds each",
    threads = 2,
    stepper = true,
    shared = { counter = 0 },
    worker = function(w)
      for _ = 1, 3 do add_racy("counter") end
    end,
    goal = {
      text = "Each worker adds 1 three times: make the counter end at 2.",
      reached = function(s)
        if not (s.done and s.values.counter == 2) then return false end
        return "the counter ended at 2 of 6: 4 updates lost"
      end,
      solution = "0 1 1 1 1 0 1 0 0 0 0 1",
    },
    note = function(run)
      local c = run.values.counter
      if type(c) ~= "number" then return nil end
      if c == 2 then
        return "Your counter ended at 2 of 6: 4 of the 6 additions were lost, written over by values read long before."
      end
      return ("Your counter ended at %d of 6. A way to 2: let w0 read 0 and wait; let w1 add twice; now w0 writes 1 over them; let w1 read that 1 and wait while w0 adds its last two; then w1 writes 2."):format(c)
    end,
  },
}
