-- Lesson 6: the same CPU-bound function under ThreadPoolExecutor and
-- ProcessPoolExecutor. In CPython (3.11 on Debian 12) the GIL lets one
-- thread of a process run Python at a time: the threads take turns, the
-- processes run together where there are CPUs free. The first prediction
-- is judged by whether the run's threads overlapped on CPUs (the GIL holds
-- on a busy machine too); the second by the two runs' times, not judged
-- when other programs made them meaningless.

local function pct(x) return ("%.0f %%"):format(x * 100) end

-- The share of the run's wall time with 2 or more of its tasks on CPUs.
local function overlap(run)
  if not run or not run.wall_ms or run.wall_ms <= 0 then return nil end
  return (run.overlap_ms or 0) / run.wall_ms
end

-- What the program printed: "threads: 4 tasks on 2 workers took 0.91 s".
local function took(run)
  for _, o in ipairs(run and run.output or {}) do
    local s = o.text:match("took ([%d.]+) s$")
    if s then return tonumber(s) end
  end
end

-- The pool's threads: the threads (not the main one) of the python3
-- process that ran longest, their CPU and sleeping time together.
local function pool_threads(run)
  local th = {}
  for _, k in ipairs(run.tasks or {}) do
    if k.thread and (k.cpu_ms or 0) > 0 then th[#th + 1] = k end
  end
  table.sort(th, function(a, b) return a.cpu_ms > b.cpu_ms end)
  local cpu, slept, n = 0, 0, math.min(2, #th)
  for i = 1, n do cpu, slept = cpu + th[i].cpu_ms, slept + (th[i].sleep_ms or 0) end
  return n, cpu, slept
end

local function busy_note(run)
  if run.others_noticeable then
    return (" Other programs used %.0f %% of the CPUs during this run: its times are longer than on a quiet machine."):format(run.other_share * 100)
  end
  return ""
end

-- A run's note: its time and overlap as it printed and the trace saw
-- them, then what (more) to look at.
local function run_note(run, more)
  local o, t = overlap(run), took(run)
  return ("Your run took %s; 2 or more of its tasks were on CPUs at once for %s of it.%s%s")
    :format(t and ("%.2f s"):format(t) or ("%.0f ms"):format(run.wall_ms), o and pct(o) or "none", more, busy_note(run))
end

return lesson {
  title = "Threads or processes: the GIL",

  text [[
# Threads or processes?

concurrent.futures has two pools with the same interface: ThreadPoolExecutor runs the tasks on threads of this one process, ProcessPoolExecutor on separate worker processes. Threads start faster and share memory, so why did lesson 5 use processes?

Because of the GIL, CPython's global interpreter lock: in one Python process, only the thread holding the GIL runs Python code; the others wait for it. Python hands the GIL from thread to thread every few milliseconds (sys.getswitchinterval(), 5 ms), so threads take turns.

The program below runs the same CPU-bound function four times, on a pool of 2 threads or a pool of 2 processes, and prints how long that took.
]],

  code { file = "executors.py" },

  quiz {
    q = "With ThreadPoolExecutor(max_workers=2), two threads do pure Python arithmetic. Will both be on a CPU at the same moment, for much of the run?",
    choices = {
      "Yes: two threads, two CPUs, both running",
      "No: they take turns, one at a time",
    },
    predict = "Threads",
    observe = function(run)
      local o = overlap(run)
      local n, cpu, slept = pool_threads(run)
      if not o or n < 2 then return nil, "the run shows no two pool threads" end
      local note = ("2 or more of its tasks were on CPUs at once for %s of the run; the two pool threads ran %.0f ms and slept %.0f ms, waiting for the GIL")
        :format(pct(o), cpu, slept)
      if o >= 0.3 then return 1, note end
      -- Taking turns for the GIL, a thread sleeps while the other runs; kept
      -- apart only by other programs, it would be ready, not asleep.
      if o < 0.1 and slept >= 0.5 * cpu then return 2, note end
      return nil, "not judged: " .. note .. "; other programs may have kept them apart, run it again when the machine is quieter"
    end,
    hints = { "Only the thread holding the GIL runs Python code." },
    explain = "The GIL lets one thread of a process run Python at a time: the pool's two threads take turns, each running while the other waits for the GIL. {screen: Zoomed in, their lanes alternate: where one is █ the other is not.}{batch: Their cpu times add up to about the wall time: one at a time.} Threads do help where the waiting is not for the GIL: I/O (network, disk, sleep) and C code that releases it (NumPy's big array operations, compression, hashing).",
  },

  run {
    title = "Threads",
    command = { "python3", "executors.py", "threads" },
    files = { "executors.py" },
    note = function(run)
      local n, cpu, slept = pool_threads(run)
      local turns = n == 2 and (" Its two pool threads ran %.0f ms and slept %.0f ms: a thread without the GIL sleeps until it gets it."):format(cpu, slept) or ""
      return run_note(run, turns .. " {screen: The two pool threads are the lanes indented under the python3 process. Each shows a low block where it ran only part of a moment; type zoom 30ms and their lanes alternate: one █ while the other is · (asleep, waiting for the GIL) or ░ (ready, waiting for a CPU). Type zoom fit to see the whole run again.}")
    end,
  },

  quiz {
    q = "Now the same four tasks on ProcessPoolExecutor(max_workers=2): two processes, each with its own interpreter and its own GIL. How long will it take, next to the threads?",
    choices = {
      "About as long as the threads",
      "Clearly less: the two processes run at the same time",
    },
    predict = "Processes",
    observe = function(run, _, runs)
      local th = runs["Threads"]
      if not th then return nil, "run \"Threads\" first, to compare" end
      if run.ncpu < 2 then return nil, "not judged: this machine has 1 CPU, so two processes cannot run at once" end
      if run.others_noticeable or th.others_noticeable then
        return nil, ("not judged: other programs used up to %.0f %% of the CPUs during these runs; run both again when the machine is quieter")
          :format(math.max(run.other_share or 0, th.other_share or 0) * 100)
      end
      local a, b = took(th) or th.wall_ms / 1000, took(run) or run.wall_ms / 1000
      local note = ("threads %.2f s, processes %.2f s"):format(a, b)
      if b < 0.8 * a then return 2, note end
      if b > 0.9 * a then return 1, note end
      return nil, "not judged: " .. note .. ", too close to call"
    end,
    hints = { "Each process has a GIL of its own." },
    explain = "Each worker process has its own interpreter and its own GIL, so on 2 free CPUs both run Python at once and the four tasks take about half as long (plus the processes' start-up). This is why CPU-bound Python uses processes (multiprocessing, ProcessPoolExecutor), and why threads are for waiting.",
  },

  run {
    title = "Processes",
    command = { "python3", "executors.py", "processes" },
    files = { "executors.py" },
    note = function(run)
      if (overlap(run) or 0) >= 0.3 then
        return run_note(run, " {screen: The two pool processes' lanes are █ at the same moments: each has its own GIL.}")
      end
      return run_note(run, " The two pool processes were seldom on CPUs together in this run: something else held the CPUs, or the tasks were too short.")
    end,
  },

  text {
    title = "Side by side",
    body = function(runs)
      local th, pr = runs["Threads"], runs["Processes"]
      if not th or not pr then return "Run both above: this table is written from your runs." end
      local rows = {
        "  pool        took     2+ on CPUs at once",
        ("  threads   %6s     %s"):format(took(th) and ("%.2f s"):format(took(th)) or "?", pct(overlap(th) or 0)),
        ("  processes %6s     %s"):format(took(pr) and ("%.2f s"):format(took(pr)) or "?", pct(overlap(pr) or 0)),
        "",
      }
      if th.others_noticeable or pr.others_noticeable then
        rows[#rows + 1] = "Other programs used the CPUs during these runs: the times are not what a quiet machine gives, but the threads' turns are the GIL's, busy machine or not."
      else
        rows[#rows + 1] = "Same work, same number of workers: the difference is the GIL."
      end
      return table.concat(rows, "\n")
    end,
  },
}
