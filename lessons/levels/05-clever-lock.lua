-- Level 5: a "clever" lock made of shared flags, done wrong. Each worker
-- waits while the other's flag is up, then raises its own: checking and
-- raising are two actions, and the other worker can pass its check in
-- between. The goal: both inside the critical section at once (the shared
-- value inside, which each worker raises on entering and lowers on
-- leaving, reaches 2).

-- The step at which inside reached 2 (the second worker came in), or nil.
-- An add's action says the value before it: "add 1 to inside at once (now 1)".
local function both_in(run)
  for n, s in ipairs(run.actions or {}) do
    local d, now = s.text:match("^add (%-?%d+) to inside at once %(now (%-?%d+)%)$")
    if d and tonumber(now) + tonumber(d) >= 2 then return n end
  end
end

return lesson {
  title = "A clever lock that is not",

  text [[
# Level 5: a lock made of two flags

Someone wrote their own lock, with no lock block at all: two shared flags, one per worker. A worker waits while the other's flag is up, then raises its own, does its work (the critical section), and lowers its flag. To see who is inside, each worker adds 1 to the shared value inside when it enters and takes 1 away when it leaves; add_atomic returns the new value, and a worker that finds 2 inside counts it in crowded.
]],

  code {
    title = "each worker runs",
    lang = "lua",
    src = [[
local me, other = w.id + 1, 2 - w.id       -- flag slots: w0 is 1, w1 is 2
while get("flag", other) == 1 do end        -- wait while the other is inside
set("flag", me, 1)                          -- "I am inside"
if add_atomic("inside", 1) == 2 then        -- the critical section
  add_atomic("crowded", 1)                  -- (the other was inside too)
end
add_atomic("inside", -1)
set("flag", me, 0)                          -- "I have left"
]],
  },

  quiz {
    q = "Can both workers be inside at once?",
    choices = {
      "No: each one waits while the other's flag is up",
      "Yes: both can see the other's flag down before either raises its own",
    },
    answer = 2,
    hints = { "Looking at the other's flag and raising your own are two separate actions. What can happen between them?" },
    explain = "Checking and raising are two actions, and the other worker can run between them. If both check while both flags are down, both go in. Now do it.",
  },

  run {
    title = "Level 5: both inside",
    threads = 2,
    stepper = true,
    shared = { flag = { 0, 0 }, inside = 0, crowded = 0 },
    worker = function(w)
      local me, other = w.id + 1, 2 - w.id
      while get("flag", other) == 1 do end
      set("flag", me, 1)
      if add_atomic("inside", 1) == 2 then add_atomic("crowded", 1) end
      add_atomic("inside", -1)
      set("flag", me, 0)
    end,
    goal = {
      text = "Get both workers inside the critical section at once (inside = 2).",
      -- inside is 2 only for a moment; crowded keeps it (the goal is
      -- judged after each step, and crowded is there even if the moment
      -- itself was not looked at).
      reached = function(s)
        if s.values.inside < 2 and s.values.crowded == 0 then return false end
        return "both workers were inside at once: each passed its check before the other raised its flag"
      end,
      solution = "0 1 0 1 0 1",
    },
    note = function(run)
      local n = both_in(run)
      if n then
        return ("At step %d both workers were inside at once: each had looked at the other's flag while it was still down. A lock built this way does not give one worker at a time.")
          :format(n)
      end
      return "This time the workers were never inside together: one left before the other came in. Run it again: let both look at the other's flag before either raises its own, and both come in before either leaves."
    end,
  },

  quiz {
    q = "What if each worker raised its own flag first, and then waited while the other's is up?",
    choices = {
      "It works: never both inside, and both always get in",
      "Never both inside, but if both raise their flags before either looks, both wait for ever",
      "Both can still be inside at once",
    },
    answer = 2,
    hints = { "Let w0 raise its flag, then w1 raise its flag. Now what does each see?" },
    explain = "Raising first keeps them from being inside together, but if both flags go up before either looks, each waits for the other's to come down, and neither ever does. The classic fix, Peterson's algorithm, adds a shared turn: each worker raises its flag, gives the turn to the other, and waits only while the other's flag is up and it is the other's turn. Even that is only right where every read sees every earlier write; real CPUs reorder memory accesses, which is why real programs use the atomic instructions that lock blocks are built on.",
  },
}
