-- Lesson 3: a race. Four workers add 1 to a shared counter 1000 times
-- each, racily (read, let another worker run, write), then under a lock,
-- then with an atomic add. The racy total comes out short under
-- contention; the lesson counts the lost updates from the student's run
-- and compares what each fix cost.

local N = 1000   -- additions per worker (enough to lose many racily)

-- A worker that counts N times the way `how` says, between two barriers;
-- worker 0 prints the total and how long the counting took.
local function counter(how)
  return function(w)
    wait("start")
    local t0 = now()
    for _ = 1, N do
      if how == "racy" then
        add_racy("counter")
      elseif how == "lock" then
        with_lock("L", function() set("counter", get("counter") + 1) end)
      else
        add_atomic("counter")
      end
    end
    wait("end")
    if w.id == 0 then
      print(("counter %d of %d, counting took %.0f ms"):format(get("counter"), N * w.n, now() - t0))
    end
  end
end

-- The total and the counting time worker 0 printed.
-- (run.values.counter holds the same final value; the counting time only
-- the workers know, so worker 0 prints both.)
local function total(run)
  if not run then return nil end
  for _, o in ipairs(run.output) do
    local c, of, t = o.text:match("^counter (%d+) of (%d+), counting took (%d+) ms$")
    if c then return tonumber(c), tonumber(of), tonumber(t) end
  end
end

-- A choice number for "exactly / less / more", and the run's words for it.
local function how_it_ended(run)
  local c, of = total(run)
  if not c then return nil, "worker 0 printed no total (did the run finish?)" end
  local note = ("your counter ended at %d of %d"):format(c, of)
  if c == of then return 1, note elseif c < of then return 2, note end
  return 3, note
end

local CHOICES = {
  "Exactly 4000",
  "Less than 4000: some additions are lost",
  "More than 4000",
}

local function run_of(title, how, extra)
  local r = {
    title = title,
    threads = 4,
    shared = { counter = 0 },
    barriers = { "start", "end" },
    worker = counter(how),
  }
  for k, v in pairs(extra or {}) do r[k] = v end
  return run(r)
end

return lesson {
  title = "A race, and two fixes",

  text [[
# Four workers, one counter

Four workers each add 1 to a shared counter 1000 times: 4000 additions. An addition is three steps: read the counter, add 1, write it back. If another worker writes between one worker's read and its write, that worker writes back a stale value, and the other's addition is lost.

add_racy does exactly that, on purpose: it reads, lets another worker run (as if the worker were preempted there), then writes. {screen: Watch the lanes: a ▼ mark shows where a write was stale.}
]],

  quiz {
    q = "Four workers each add_racy 1000 times to a counter that starts at 0. What will the counter show at the end?",
    choices = CHOICES,
    predict = "Racy counter",
    observe = function(run) return how_it_ended(run) end,
    hints = { "Between a worker's read and its write, another worker may write." },
    explain = "When two workers read the same value, both write back that value plus 1: one addition is lost. Nothing stops it but making the read and the write one indivisible step (an atomic add) or letting only one worker at a time do them (a lock).",
  },

  run_of("Racy counter", "racy", {
    note = function(run)
      local c, of, t = total(run)
      if not c then return "Worker 0 printed no total: the run did not finish." end
      if c < of then
        return ("Your counter ended at %d of %d: %d additions were lost, in %d ms of counting. Additions are lost by stale writes: a worker writes back what it had read plus 1, over whatever others added since its read, and one stale write can erase many additions.{screen: Each ▼ on the lanes is one stale write (the first few), saying how many additions it erased; the output lists them too.}{batch: The first few stale writes are listed as marks in the output, each saying how many additions it erased.}"):format(c, of, of - c, t)
      end
      return ("Your counter ended at %d of %d: no addition was lost this time. That happens when the workers hardly overlapped (each got through its additions while the others did not run); run it again and the race shows."):format(c, of)
    end,
  }),

  text {
    title = "Your racy counter",
    body = function(runs)
      local r = runs["Racy counter"]
      local c, of = total(r)
      if not c then return "Run \"Racy counter\" above: the next question is about its total." end
      return ("Your racy counter ended at %d; the four workers made %d additions."):format(c, of)
    end,
  },

  quiz {
    type = "number",
    from = "Racy counter",
    q = "How many additions were lost in your racy run?",
    answer = function(run)
      local c, of = total(run)
      if not c then return nil, "worker 0 printed no total" end
      return of - c, ("your counter ended at %d of %d"):format(c, of)
    end,
    hints = { "Additions made, less what the counter shows." },
    explain = "Every lost addition is one the counter does not show: 4000 made, fewer counted.",
  },

  quiz {
    q = "Now each addition is made holding a lock (with_lock): read, add, write, then unlock. What will the counter show?",
    choices = CHOICES,
    predict = "With a lock",
    observe = function(run) return how_it_ended(run) end,
    hints = { "While one worker holds the lock, can another read the counter?" },
    explain = "Only the worker holding the lock reads and writes the counter, so no read is stale: nothing is lost. A worker that finds the lock taken waits for it, off the CPU{screen: (its lane shows ▚, blocked, while it waits)}; how often yours had to wait, the note after the run says.",
  },

  run_of("With a lock", "lock", {
    locks = { "L" },
    note = function(run)
      local c, of, t = total(run)
      if not c then return "Worker 0 printed no total: the run did not finish." end
      local parts = { ("Your counter ended at %d of %d; counting under the lock took %d ms."):format(c, of, t) }
      local L = run.blocks and run.blocks.L
      if L and L.acquisitions and L.contended then
        if L.contended == 0 then
          parts[#parts + 1] = ("None of the %d lockings had to wait: the lock was always free when asked for."):format(L.acquisitions)
        elseif L.contended * 20 < L.acquisitions then
          parts[#parts + 1] = ("Only %d of the %d lockings had to wait, %.0f ms in all: the lock is held so briefly that the workers seldom found it taken{screen: (▚ on the lanes, where a wait was long enough to show)}."):format(L.contended, L.acquisitions, L.wait_ms or 0)
        else
          parts[#parts + 1] = ("%d of the %d lockings found the lock taken and waited, off the CPU, %.0f ms in all (the longest %.1f ms){screen: (▚ on the lanes, where a wait was long enough to show)}."):format(L.contended, L.acquisitions, L.wait_ms or 0, L.longest_wait_ms or 0)
        end
      end
      return table.concat(parts, " ")
    end,
  }),

  run_of("Atomic adds", "atomic", {
    note = function(run, runs)
      local c, of, t = total(run)
      if not c then return "Worker 0 printed no total: the run did not finish." end
      local parts = { ("Your counter ended at %d of %d; the atomic adds took %d ms."):format(c, of, t) }
      local _, _, lt = total(runs["With a lock"])
      if lt then
        parts[#parts + 1] = ("Under the lock the same counting took %d ms here: %s"):format(lt,
          lt > t and "each lock and unlock costs more than one atomic add, and a waiting worker sleeps and must be woken." or
          "this time the lock was no slower (other programs, or few collisions, can do that).")
      end
      return table.concat(parts, " ")
    end,
  }),

  quiz {
    from = "Atomic adds",
    q = "Of your three runs, which one took longest to count?",
    choices = { "Racy counter", "With a lock", "Atomic adds" },
    answer = function(run, runs)
      local best, which, told = -1, nil, {}
      for i, title in ipairs({ "Racy counter", "With a lock", "Atomic adds" }) do
        local r = runs[title]
        local _, _, t = total(r)
        if not t then return nil, ("run \"%s\" too"):format(title) end
        told[#told + 1] = ("%s %d ms"):format(title, t)
        if t > best then best, which = t, i end
      end
      return which, table.concat(told, ", ")
    end,
    hints = { "The notes after the runs give each run's counting time." },
    explain = "Correctness has a price: the lock makes workers take turns (and sleep while they wait), the atomic add makes the CPUs agree on one memory location each time. Here add_racy is slow on purpose: it gives up the CPU between its read and its write, to show the race, and on a busy machine each of those moments can wait for other programs, so the racy run can take seconds. A plain racy add, without that pause, would be the cheapest of the three (your runs did not measure one), and still wrong.",
  },
}
