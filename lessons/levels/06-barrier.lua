-- Level 6: a barrier for fewer workers than use it. Two workers each
-- write their part of the work, meet at a barrier, then read the other's
-- part. The barrier was declared for 1 worker, so it opens at every
-- arrival and waits for nobody: a worker can read the other's part before
-- it is written. Then the barrier for 2, as a claim the search proves
-- (18 schedules).

-- The reads of the run (run.actions[4] = { worker = 0, text = "read
-- part[2] (now 0)" }): a list of { id, n, slot, value } in step order.
local function reads(run)
  local t = {}
  for n, s in ipairs(run.actions or {}) do
    local slot, v = s.text:match("^read part%[(%d)%] %(now (%-?%d+)%)$")
    if slot then t[#t + 1] = { id = s.worker, n = n, slot = tonumber(slot), value = tonumber(v) } end
  end
  return t
end

local function say_reads(run)
  local t = {}
  for _, r in ipairs(reads(run)) do
    t[#t + 1] = ("at step %d w%d read part[%d] = %d%s"):format(r.n, r.id, r.slot, r.value,
      r.value == 0 and " (not written yet)" or "")
  end
  return #t > 0 and table.concat(t, "; ") or nil
end

local function worker(w)
  set("part", w.id + 1, 10 * (w.id + 1))   -- my part: w0 writes 10, w1 writes 20
  wait("ready")                            -- until both parts are written
  local theirs = get("part", 2 - w.id)     -- the other's part
  return theirs
end

-- The goal: a worker read the other's part before it was written. Read
-- off the schedule, which only grows, so that once true it stays true
-- whenever the goal is judged: a worker's first action is its write, and
-- once it has read (did.get), its read was its last action.
local function early(s)
  local first, last = {}, {}
  for i, id in ipairs(s.schedule) do
    first[id] = first[id] or i
    last[id] = i
  end
  for id = 0, 1 do
    local other = 1 - id
    if s.workers[id].did.get >= 1 and not (first[other] and first[other] < last[id]) then
      return ("w%d read w%d's part at step %d, before w%d wrote it: it got 0"):format(id, other, last[id], other)
    end
  end
  return false
end

return lesson {
  title = "A barrier that waits for nobody",

  text [[
# Level 6: meet, then read

Two workers each write their part of a result into a shared list, part. Then each needs the other's part. So they meet at a barrier: a barrier opens once as many workers as it was made for have arrived, and until then whoever arrived waits.

Its author made the barrier for 1 worker (counting the others each one waits for), but 2 workers use it.
]],

  code {
    title = "each worker runs (barriers = { ready = 1 })",
    lang = "lua",
    src = [[
set("part", w.id + 1, 10 * (w.id + 1))   -- my part: w0 writes 10, w1 writes 20
wait("ready")                            -- until both parts are written?
local theirs = get("part", 2 - w.id)     -- the other's part
]],
  },

  text [[
A barrier's wait is an action for you, arrive; a worker that has to wait there has a second one, pass, once the barrier is open. Make a worker read the other's part before it is written.
]],

  run {
    title = "Level 6: read too early",
    threads = 2,
    stepper = true,
    shared = { part = { 0, 0 } },
    barriers = { ready = 1 },
    worker = worker,
    goal = {
      text = "Make a worker read the other's part before it is written (it reads 0).",
      reached = early,
      solution = "0 0 0",
    },
    note = function(run)
      local said = say_reads(run)
      if not said then return nil end
      return ("In your run %s. A barrier for 1 opens as soon as one worker arrives: it never waited for the other's write."):format(said)
    end,
  },

  quiz {
    q = "How many workers should the barrier have been made for?",
    choices = { "1: the other worker", "2: every worker that waits at it", "3: the workers and parlab" },
    answer = 2,
    explain = "A barrier counts arrivals: made for 2, it opens only once both workers have arrived, and each arrives only after writing its part.",
  },

  text [[
# The fix: a barrier for 2

Now the barrier is made for 2 (barriers = { ready = 2 }). Claim: no schedule lets a worker read a part that is not written yet. Try; then {screen: type search}{batch: give the schedule "search"}.
]],

  run {
    title = "Level 6: a barrier for 2",
    threads = 2,
    stepper = true,
    shared = { part = { 0, 0 } },
    barriers = { ready = 2 },
    worker = worker,
    goal = {
      text = "Claim: with a barrier for 2, no worker reads a part before it is written. Try, then search.",
      never = early,
      schedules = 60,
    },
    note = function(run)
      local said = say_reads(run)
      if not said then return nil end
      return ("In this run %s. Neither could pass the barrier before both had arrived, and each arrived after writing its part."):format(said)
    end,
  },
}
