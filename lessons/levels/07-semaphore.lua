-- Level 7: a semaphore off by one. A room meant for one worker at a time
-- is a semaphore, but it was made with a count of 2: both workers can be
-- inside at once. Then the count of 1, as a claim the search proves.

-- The step at which inside reached 2, from the run's steps (an action
-- "add 1 to inside at once (now 1)" says the value before the add).
local function both_in(run)
  for n, s in ipairs(run.actions or {}) do
    local d, now = s.text:match("^add (%-?%d+) to inside at once %(now (%-?%d+)%)$")
    if d and tonumber(now) + tonumber(d) >= 2 then return n end
  end
end

local function worker()
  acquire("room")            -- wait for a place in the room
  if add_atomic("inside", 1) == 2 then add_atomic("crowded", 1) end   -- in
  add_atomic("inside", -1)   -- out
  release("room")            -- give the place back
end

-- inside is 2 only for a moment; crowded keeps it.
local function two_inside(s)
  if s.values.inside < 2 and s.values.crowded == 0 then return false end
  return "both workers were in the room at once: the semaphore let both in"
end

return lesson {
  title = "A semaphore off by one",

  text [[
# Level 7: one worker in the room at a time

A semaphore holds a count: acquire waits until the count is above 0 and takes one; release gives one back. Made with a count of 1, it lets one worker in at a time, like a lock. Made with a count of 2, two.

The room below is meant for one worker at a time, but its author made the semaphore with a count of 2 (semaphores = { room = 2 }).
]],

  code {
    title = "each worker runs",
    lang = "lua",
    src = [[
acquire("room")                        -- wait for a place in the room
if add_atomic("inside", 1) == 2 then   -- in; found the other in too:
  add_atomic("crowded", 1)             -- count it
end
add_atomic("inside", -1)               -- out
release("room")                        -- give the place back
]],
  },

  run {
    title = "Level 7: two in the room",
    threads = 2,
    stepper = true,
    shared = { inside = 0, crowded = 0 },
    semaphores = { room = 2 },
    worker = worker,
    goal = {
      text = "Get both workers into the room at once (inside = 2).",
      reached = two_inside,
      solution = "0 1 0 1",
    },
    note = function(run)
      local n = both_in(run)
      if n then
        return ("At step %d both workers were in the room: a count of 2 lets two acquire before anyone releases."):format(n)
      end
      return "This time the workers were never in the room together: one left before the other came in. Run it again: let both acquire, then both come in, before either leaves."
    end,
  },

  quiz {
    type = "number",
    q = "What count should the semaphore start with, for one worker at a time?",
    answer = 1,
    explain = "1: the first acquire takes it to 0, and the next acquire waits until a release gives it back.",
  },

  text [[
# The fix: a count of 1

Claim: with semaphores = { room = 1 }, no schedule gets both workers into the room at once. Try; then {screen: type search}{batch: give the schedule "search"}.
]],

  run {
    title = "Level 7: a count of 1",
    threads = 2,
    stepper = true,
    shared = { inside = 0, crowded = 0 },
    semaphores = { room = 1 },
    worker = worker,
    goal = {
      text = "Claim: with a count of 1, no schedule gets both into the room at once. Try, then search.",
      never = two_inside,
      schedules = 20,
    },
    note = function(run)
      if both_in(run) then return ("At step %d both were in the room."):format(both_in(run)) end
      local room = run.blocks.room
      return ("The workers were in the room one at a time%s."):format(
        room and room.acquisitions and (": the semaphore was acquired %d times, each time by a worker alone"):format(room.acquisitions) or "")
    end,
  },
}
