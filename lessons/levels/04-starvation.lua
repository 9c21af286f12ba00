-- Level 4: starvation. Three workers take turns with one lock, three
-- turns each. The goal: w0 and w1 get all their turns while w2, waiting
-- for the lock from the start, gets none. Nothing breaks: a lock promises
-- one holder at a time, not a fair turn.

-- How many times each worker took the lock, and the step at which w2
-- first did, from the run's steps: each turn's add (run.actions[20] = {
-- worker = 2, text = "add 1 to turns[3] at once (now 0)" }) comes one
-- step after its lock.
local function turns(run)
  local t, first = { [0] = 0, 0, 0 }, nil
  for n, s in ipairs(run.actions or {}) do
    if s.text:match("^add 1 to turns%[") then
      t[s.worker] = t[s.worker] + 1
      if s.worker == 2 and not first then first = n - 1 end
    end
  end
  return t, first
end

return lesson {
  title = "Starvation",

  text [[
# Level 4: three workers, one lock

Each of three workers wants the lock L three times: it takes L, adds 1 to its own slot of a shared list (turns), and gives L back.
]],

  code {
    title = "each worker runs",
    lang = "lua",
    src = [[
for i = 1, 3 do
  lock("L")
  add_atomic("turns", w.id + 1)   -- one more turn for me
  unlock("L")
end
]],
  },

  text [[
Every time L is given back, any worker waiting for it could take it next. Which one does is up to the scheduler: you. Starve w2: let w0 and w1 have all their turns with the lock while w2, which wants it from the start, gets none.
]],

  run {
    title = "Level 4: starve w2",
    threads = 3,
    stepper = true,
    shared = { turns = { 0, 0, 0 } },
    locks = { "L" },
    worker = function(w)
      for _ = 1, 3 do
        lock("L")
        add_atomic("turns", w.id + 1)
        unlock("L")
      end
    end,
    goal = {
      text = "Starve w2: w0 and w1 take the lock 3 times each, w2 not once.",
      -- Read off the schedule, not the moment: once the first 18 steps
      -- (all of w0's and w1's 9 actions each) were none of w2's, that stays
      -- so, however far the run has gone when the goal is judged.
      reached = function(s)
        if #s.schedule < 18 then return false end
        for i = 1, 18 do
          if s.schedule[i] == 2 then return false end
        end
        return "in the first 18 steps w0 and w1 had the lock 3 times each, and w2, waiting at lock L all along, not once"
      end,
      solution = "0 0 0 1 1 1 0 0 0 1 1 1 0 0 0 1 1 1",
    },
    note = function(run)
      local t, first = turns(run)
      local s = ("The lock went to w0 %d times, w1 %d times and w2 %d times."):format(t[0], t[1], t[2])
      if first and first > 18 then
        return s .. (" w2 first got it at step %d, once the other two were done: 6 times before that the lock was free, and each time you gave it to another worker while w2 waited for it.")
          :format(first)
      elseif first then
        return s .. (" w2 got it at step %d. To starve it, give the free lock to w0 or w1 every time."):format(first)
      end
      return s
    end,
  },

  quiz {
    q = "While you starved w2, did the lock break its promise?",
    choices = {
      "Yes: a lock must give every worker a turn",
      "No: it only promises one holder at a time, and that held",
      "Yes: w2 should have got it when it asked first",
    },
    answer = 2,
    hints = { "What does a lock promise? Was L ever held by two workers at once?" },
    explain = "A plain lock promises mutual exclusion: one holder at a time. It does not promise an order: a worker that asked first is not served first. Starvation is a worker kept waiting while others go on, again and again. Real locks are often unfair the same way (a worker that gives the lock back and at once asks again often gets it again); a fair lock hands it over in the order asked (a ticket lock, a queue).",
  },
}
