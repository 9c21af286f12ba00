-- Lesson 5: deadlock. Two workers each take two locks, A and B, in
-- opposite orders, both holding their first lock before taking the
-- second: each waits for the other's lock forever. parlab sees the cycle
-- of waits, stops the run at once and says who waits for what
-- (run.deadlock); the run expects it. Taking the locks in one order fixes it.

-- Opposite orders: worker 0 takes A then B, worker 1 B then A; each
-- holds its first lock until the other holds one too (the barrier
-- "holding" makes sure, however busy the machine), then asks for its
-- second. One order: both take A then B, holding A 50 ms before B (a
-- barrier there would never open: the second worker waits for A).
local function transfer(order)
  return function(w)
    local first, second = "A", "B"
    if w.id == 1 and order == "opposite" then first, second = "B", "A" end
    wait("start")
    lock(first)
    print(("w%d holds %s, wants %s"):format(w.id, first, second))
    if order == "opposite" then wait("holding") else sleep(50) end
    lock(second)
    print(("w%d holds %s and %s: done"):format(w.id, first, second))
    unlock(second)
    unlock(first)
  end
end

local function done(run)
  local n = 0
  for _, o in ipairs(run.output) do if o.text:match(": done$") then n = n + 1 end end
  return n
end

-- Which lock worker id waited for when the deadlock stopped the run (as
-- parlab found it), else which one it said it wanted last.
local function wants(run, id)
  for _, k in ipairs(run.deadlock and run.deadlock.cycle or {}) do
    if k.id == id and k.waits then return k.waits end
  end
  local l
  for _, o in ipairs(run.output) do
    local v = o.text:match("^w" .. id .. " holds %a+, wants (%a+)$")
    if v then l = v end
  end
  return l
end

local WHAT = {
  "Both finish, one after the other",
  "Neither finishes: each holds one lock and waits for the other's",
  "One finishes; the other fails with an error",
}

local function ended(run)
  local n = done(run)
  local how = run.ended == "deadlock" and "was stopped at a deadlock" or run.ended
  local note = ("%d of 2 workers finished; the run %s"):format(n, how)
  if n == 2 then return 1, note elseif n == 0 and (run.deadlock or run.timed_out) then return 2, note end
  return nil, note
end

return lesson {
  title = "Deadlock, and a lock order",

  text [[
# Two locks, two workers

Worker 0 takes lock A, then lock B. Worker 1 takes lock B, then lock A. Each holds its first lock until the other holds one too (they meet at a barrier), then asks for its second.

A worker that asks for a lock someone else holds waits, off the CPU, until that lock is given back. {screen: Watch the lanes.}{batch: Watch what each worker prints.}
]],

  quiz {
    q = "What will happen when the two workers run?",
    choices = WHAT,
    predict = "Opposite order",
    observe = function(run) return ended(run) end,
    hints = { "Worker 0 holds A and wants B. Who holds B, and what does it want?" },
    explain = "Each worker holds the lock the other wants, and neither gives its own back before it gets the other: a deadlock. Nothing could ever move again: parlab saw that every worker waited for a lock another waiting worker held, and stopped the run at once {screen:(both lanes blocked to the end: waiting, off the CPU)}{batch:(neither worker used any CPU after its first line)}.",
  },

  run {
    title = "Opposite order",
    threads = 2,
    locks = { "A", "B" },
    barriers = { "start", "holding" },
    worker = transfer("opposite"),
    timeout = 10,   -- only if parlab did not see the deadlock
    expect = "deadlock",
    note = function(run)
      if done(run) == 0 and run.deadlock then
        return ("Neither worker finished. parlab found the cycle of waits and stopped the run after %.0f ms, saying who waits for what: %s.")
          :format(run.wall_ms, run.deadlock.text)
      elseif done(run) == 0 and run.timed_out then
        return ("Neither worker finished: w0 waited for %s, w1 for %s, each held by the other. parlab stopped the run at its time limit, after %.1f s.")
          :format(wants(run, 0) or "?", wants(run, 1) or "?", run.wall_ms / 1000)
      end
      return ("%d of 2 workers finished this time: the workers did not both hold a lock at once, so no cycle of waits formed. Run it again."):format(done(run))
    end,
  },

  quiz {
    type = "text",
    from = "Opposite order",
    q = "When parlab stopped your run, which lock was worker w1 waiting for? (A or B)",
    answer = function(run)
      local l = wants(run, 1)
      if not l or done(run) > 0 then return nil, "your workers did not deadlock this time" end
      return l, ("w1 held %s and waited for %s"):format(l == "A" and "B" or "A", l)
    end,
    hints = { "Each worker printed what it holds and what it wants." },
    explain = "w1 held B and waited for A, which w0 held while waiting for B: a cycle of waits. Any cycle like it, with two workers or more, is a deadlock.",
  },

  text [[
# The fix: one order for everyone

If every worker takes the locks in the same order (A before B), no cycle can form: whoever gets A first also gets B, and the other waits for A without holding anything the first one needs. In the next run both take A, hold it 50 ms, then take B.
]],

  quiz {
    q = "Now both workers take A, then B. What will happen?",
    choices = WHAT,
    predict = "One order",
    observe = function(run) return ended(run) end,
    hints = { "Can a worker hold B while waiting for A now?" },
    explain = "With one lock order, the worker that waits for A holds nothing, so the other finishes and gives both locks back. {screen: In the lanes, the worker that got A sleeps its 50 ms holding it (· underlined: asleep, holding a lock) while the other, once it asks for A, shows ▚ (blocked); then the first takes B, finishes and gives both back, and the other takes its turn.}",
  },

  run {
    title = "One order",
    threads = 2,
    locks = { "A", "B" },
    barriers = { "start" },
    worker = transfer("same"),
    timeout = 5,
    note = function(run)
      local t = { ("%d of 2 workers finished, in %.0f ms."):format(done(run), run.wall_ms) }
      local A = run.blocks and run.blocks.A
      if A and A.contended and A.contended > 0 then
        t[#t + 1] = ("One waited %.0f ms for A while the other held it, then took its turn."):format(A.wait_ms or 0)
      elseif A and A.contended then
        t[#t + 1] = "Neither had to wait for A this time: one was done with it before the other asked for it."
      end
      return table.concat(t, " ")
    end,
  },
}
