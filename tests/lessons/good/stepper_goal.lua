-- Stepped runs with goals (unit.test_sched, e2e.stepper_goal): undo over a
-- long schedule, a goal a schedule reaches, a claim the search proves and
-- one it breaks.
local function many_adds(w)
  for i = 1, 13 do add_racy("counter") end   -- 26 steps a worker
end

local function two_adds(w)
  for i = 1, 2 do add_racy("counter") end
end

local function lost(s)
  if s.done and s.values.counter < 4 then
    return ("the counter ended at %d of 4"):format(s.values.counter)
  end
end

return lesson {
  title = "Goals",
  run { title = "long threads", threads = 2, stepper = true, shared = { counter = 0 }, worker = many_adds },
  run { title = "long processes", processes = 2, stepper = true, shared = { counter = 0 }, worker = many_adds },
  run {
    title = "lose one", threads = 2, stepper = true, shared = { counter = 0 }, worker = two_adds,
    goal = { text = "Make the counter end short of 4.", reached = lost, solution = "0 1 0 1 0 1 0 1" },
    note = function(run)   -- what a note reads of a stepped run: its schedule, actions and goal
      local last = run.actions[#run.actions]
      return ("Schedule %s: goal %s at step %s (%s). %d actions, the last w%d %s."):format(table.concat(run.schedule, " "),
        run.goal.reached and "reached" or "not reached", tostring(run.goal.step), tostring(run.goal.said),
        #run.actions, last.worker, last.text)
    end,
  },
  run {
    title = "locked", processes = 2, stepper = true, shared = { counter = 0 }, locks = { "L" },
    worker = function(w)
      for i = 1, 2 do lock("L"); add_racy("counter"); unlock("L") end
    end,
    goal = { text = "No schedule loses an update.", never = function(s) return lost(s) ~= nil end, schedules = 100 },
  },
  run {
    title = "racy claim", threads = 2, stepper = true, shared = { counter = 0 }, worker = two_adds,
    goal = { text = "No schedule loses an update (wrong).", never = lost },
    note = function(run)
      return ("Claim broken: %s, proved: %s."):format(tostring(run.goal.broken), tostring(run.goal.proved))
    end,
  },
  run {   -- runs freely (batch too); step starts it stepped
    title = "allowed", threads = 2, stepper = "allow", shared = { counter = 0 }, worker = two_adds,
    goal = { text = "Lose one, if you step it.", reached = lost, solution = "0 1 0 1 0 1 0 1" },
  },
  run {
    title = "deadlock", threads = 2, stepper = true, locks = { "A", "B" }, expect = "deadlock",
    worker = function(w)
      local first, second = "A", "B"
      if w.id == 1 then first, second = "B", "A" end
      lock(first); lock(second); unlock(second); unlock(first)
    end,
    goal = {
      text = "Deadlock them.",
      reached = function(s)   -- the state a goal reads: locks' holders, what each worker did
        return s.deadlock and s.locks.A == 0 and s.locks.B == 1 and s.workers[0].did.lock == 1
          and s.workers[1].steps == 1 and s.workers[1].next == "lock A (held by w0)" and #s.schedule == 2
      end,
      solution = "0 1",
    },
  },
}
