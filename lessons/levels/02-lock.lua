-- Level 2: a lock prevents it. The same racy add as level 1, but inside
-- lock/unlock. The goal is a claim, "no schedule loses an update": the
-- student tries to lose one, then has the engine search every schedule
-- (6 of them: the lock leaves only the order of the four turns).

return lesson {
  title = "A lock prevents it",

  text [[
# Level 2: the same add, inside a lock

The workers add exactly as before (read, then write), but each addition is now wrapped in a lock. A lock has one holder at a time: a worker that asks for it while the other holds it cannot go until it is given back.
]],

  code {
    title = "each worker runs",
    lang = "lua",
    src = [[
for i = 1, 2 do
  lock("L")
  add_racy("counter")   -- still read, then write
  unlock("L")
end
]],
  },

  quiz {
    q = "w0 holds L and has read the counter, but not yet written it. What can w1 do?",
    choices = {
      "Read the counter too, then write",
      "Nothing: its next action is lock L, and L is held",
      "Take L away from w0",
    },
    answer = 2,
    hints = { "What is w1's next action, and what does it need?" },
    explain = "w1's next action is lock L, which cannot go while w0 holds it. So nobody reads between w0's read and its write.",
  },

  text [[
This level's goal is a claim: no schedule loses an update. Try to break it: look for a schedule that loses one. {screen: When you believe none can, type search: parlab runs the workers again under every schedule there is, one after the other, and says whether any lost an update.}{batch: In this transcript, the schedule "search" has parlab run the workers again under every schedule there is.}
]],

  quiz {
    q = "Before you try: will your run lose an update?",
    choices = {
      "Yes: I will find a schedule that loses one",
      "No: with the lock, no schedule can",
    },
    predict = "Level 2: try to lose an update",
    observe = function(run)
      local c = run.values.counter
      if type(c) ~= "number" then return nil, "the run has no final counter" end
      return c < 4 and 1 or 2, ("your counter ended at %d of 4"):format(c)
    end,
    explain = "Whatever schedule you chose, each read and its write happened while one worker held L, so nothing was lost.",
  },

  run {
    title = "Level 2: try to lose an update",
    processes = 2,
    stepper = true,
    shared = { counter = 0 },
    locks = { "L" },
    worker = function(w)
      for _ = 1, 2 do
        lock("L")
        add_racy("counter")
        unlock("L")
      end
    end,
    goal = {
      text = "Claim: no schedule loses an update. Try to lose one, then search every schedule.",
      never = function(s)
        if not (s.done and s.values.counter < 4) then return false end
        return ("the counter ended at %d"):format(s.values.counter)
      end,
      schedules = 50,
    },
    note = function(run)
      local c, L = run.values.counter, run.blocks.L
      if type(c) ~= "number" then return nil end
      local t = { ("The counter ended at %d of 4%s."):format(c, c == 4 and ": no update lost" or "") }
      if L and L.acquisitions then
        t[#t + 1] = ("The lock was taken %d times: each read and its write happened while one worker held it."):format(L.acquisitions)
      end
      return table.concat(t, " ")
    end,
  },

  quiz {
    type = "number",
    q = "How many different schedules can these two workers be run in? (Each takes L twice; whoever holds L goes on alone until it unlocks.)",
    answer = 6,
    hints = { "Only the order of the four turns with the lock matters: two of them are w0's.", "In how many ways can you place w0's 2 turns among 4?" },
    explain = "While a worker holds L, only it can go, so a schedule is just the order of the four turns with the lock: 4 choose 2 = 6. That is why the search could try them all. Real programs have far too many schedules to try, which is why a lock has to be right for every one of them.",
  },
}
