-- Level 3: deadlock. Two workers take two locks in opposite orders; the
-- goal is a schedule where neither can go again (s.deadlock). Such a run
-- ends as a deadlock, which this step expects. Then the fix, one lock
-- order for both, as a claim the search proves: no schedule deadlocks.

-- Who held and waited for what when the run deadlocked, in parlab's words.
local function stuck(run)
  return run.deadlock and run.deadlock.text
end

-- How many steps the run took before it ended.
local function nsteps(run)
  return #(run.actions or {})
end

return lesson {
  title = "Deadlock",

  text [[
# Level 3: two locks, opposite orders

Two workers each need both locks, A and B. Worker 0 takes A first, worker 1 takes B first.
]],

  code {
    title = "the workers run",
    lang = "lua",
    src = [[
local first, second = "A", "B"           -- w0: A, then B
if w.id == 1 then first, second = "B", "A" end   -- w1: B, then A
lock(first)
lock(second)
unlock(second)
unlock(first)
]],
  },

  text [[
A deadlock is a state where workers that are not done wait for each other, so none can ever go again. Make one. {screen: When no worker can go, the run ends as a deadlock and parlab says who waits for what.}
]],

  quiz {
    type = "number",
    q = "What is the fewest steps that deadlock these two workers?",
    answer = 2,
    hints = { "Each worker must hold one lock and want the other's." },
    explain = "2: w0 locks A, w1 locks B. Now w0 wants B and w1 wants A, and neither gives its own back first.",
  },

  run {
    title = "Level 3: deadlock",
    threads = 2,
    stepper = true,
    locks = { "A", "B" },
    expect = "deadlock",
    worker = function(w)
      local first, second = "A", "B"
      if w.id == 1 then first, second = "B", "A" end
      lock(first)
      lock(second)
      unlock(second)
      unlock(first)
    end,
    goal = {
      text = "Deadlock the two workers: make them wait for each other for ever.",
      reached = function(s)
        if not s.deadlock then return false end
        return ("after %d steps, w0 waits at %s and w1 at %s"):format(s.steps, s.workers[0].next, s.workers[1].next)
      end,
      solution = "0 1",
    },
    note = function(run)
      if stuck(run) then
        return ("Your schedule deadlocked after %d steps: %s. Nothing could ever go again, so parlab ended the run.")
          :format(nsteps(run), stuck(run))
      end
      return ("Both workers finished, after %d steps: one took both locks before the other took any. Run it again and let each take its first lock before either takes its second.")
        :format(nsteps(run))
    end,
  },

  text [[
# The fix: one order for both

Now both workers take A first, then B. Claim: no schedule deadlocks them. Try to; then {screen: type search}{batch: give the schedule "search"} to have parlab try every schedule.
]],

  code {
    title = "each worker runs",
    lang = "lua",
    src = [[
lock("A")
lock("B")
unlock("B")
unlock("A")
]],
  },

  run {
    title = "Level 3: one lock order",
    threads = 2,
    stepper = true,
    locks = { "A", "B" },
    worker = function()
      lock("A")
      lock("B")
      unlock("B")
      unlock("A")
    end,
    goal = {
      text = "Claim: with one lock order, no schedule deadlocks. Try to deadlock them, then search.",
      never = function(s)
        if not s.deadlock then return false end
        return ("w0 waits at %s and w1 at %s"):format(s.workers[0].next, s.workers[1].next)
      end,
      schedules = 20,
    },
    note = function(run)
      if stuck(run) then return ("This run deadlocked: %s."):format(stuck(run)) end
      return ("Both workers finished, after %d steps. Whoever takes A first also gets B: the other waits for A holding nothing, so no cycle of waits can form.")
        :format(nsteps(run))
    end,
  },

  quiz {
    q = "Why can the one-order version never deadlock?",
    choices = {
      "The workers are too fast to collide",
      "A worker waiting for A holds no lock, so the holder of A can always finish",
      "parlab gives locks out in turn",
    },
    answer = 2,
    explain = "Speed has nothing to do with it: you chose every step. A deadlock needs a cycle: each waits for a lock another holds. With one order, the worker waiting for A holds nothing the other needs.",
  },
}
