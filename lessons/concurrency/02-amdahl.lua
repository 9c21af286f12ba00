-- Lesson 2: Amdahl's law, measured. A job with a real serial part (worker
-- 0 computes while the others wait at a barrier, off the CPU) and a
-- parallel part split among the workers, run with 1, 2, 4 and 8 workers.
-- The serial fraction is estimated from the student's own times, and the
-- speedup Amdahl's law predicts is tabulated beside the one measured.

local SERIAL, PARALLEL = 100, 400   -- ms of CPU work

local function job(w)
  local t0 = now()
  if w.id == 0 then
    busy(SERIAL)
    print(("w0: serial part took %.0f ms"):format(now() - t0))
  end
  wait("serial")                      -- the others wait here, off the CPU
  busy(PARALLEL / w.n)
  print(("w%d: its %.0f ms share done at %.0f ms"):format(w.id, PARALLEL / w.n, now()))
end

local TITLES = { [1] = "Job with 1 worker", [2] = "Job with 2 workers", [4] = "Job with 4 workers", [8] = "Job with 8 workers" }

-- The serial part's time as worker 0 printed it.
local function serial_ms(run)
  for _, o in ipairs(run.output) do
    local v = o.text:match("^w0: serial part took (%d+) ms$")
    if v then return tonumber(v) end
  end
end

local function ms(x) return ("%.0f ms"):format(x) end

local function others(run)
  if not run.others_noticeable then return "" end
  return (" Other programs used %.0f %% of the CPUs during this run: your times are longer than on a quiet machine."):format(run.other_share * 100)
end

local function note_for(n)
  return function(run, runs)
    local one = runs[TITLES[1]]
    local t = { ("Your %d worker%s finished the job in %s."):format(n, n == 1 and "" or "s", ms(run.wall_ms)) }
    local s = serial_ms(run)
    if s and n > 1 then
      local waited = 0   -- the longest any other worker was blocked (at the barrier)
      for _, k in ipairs(run.workers) do
        if k.id > 0 and (k.blocked_ms or 0) > waited then waited = k.blocked_ms end
      end
      t[#t + 1] = ("The serial part took %s of it: w0 computed it alone"):format(ms(s))
      if waited >= 1 then
        t[#t + 1] = ("while the others waited at the barrier, off the CPU, up to %s{screen: (their lanes ▚, blocked)}."):format(ms(waited))
      else
        t[#t + 1] = "while the others had not yet reached the barrier."
      end
    elseif s then
      t[#t + 1] = ("The serial part took %s of it."):format(ms(s))
    end
    if n > 1 and one and run.wall_ms > 0 then
      t[#t + 1] = ("Speedup over 1 worker: %.2f."):format(one.wall_ms / run.wall_ms)
    end
    t[#t + 1] = others(run)
    return table.concat(t, " ")
  end
end

local function run_with(n)
  return run {
    title = TITLES[n],
    threads = n,
    barriers = { "serial" },
    worker = job,
    baseline = n > 1 and TITLES[1] or nil,
    note = note_for(n),
  }
end

return lesson {
  title = "Amdahl's law, measured",

  text [[
# A job with a serial part

Most jobs have a part only one worker can do: reading the input, setting things up, combining the results. Here worker 0 first computes a serial part (100 ms) while the others wait at a barrier; then the parallel part (400 ms of work in all) is split evenly among the workers.

Amdahl's law: if a share f of the work is serial, n workers finish at best in f + (1 - f) / n of the time of one, so the speedup is at most 1 / (f + (1 - f) / n), and never more than 1 / f however many workers you add. On this machine, at most ${ncpu} workers can compute at once, too.

You will run the job with 1, 2, 4 and 8 workers, then compare your measured speedups with Amdahl's prediction from your own serial fraction.
]],

  run_with(1),
  run_with(2),
  run_with(4),

  quiz {
    q = "Compared with 1 worker, how much faster will 8 workers finish this job on this machine?",
    choices = {
      "About 8 times faster: 8 workers, 8 times the speed",
      "Between 2 and 6 times faster",
      "Less than 2 times faster",
      "Slower than 1 worker",
    },
    predict = "Job with 8 workers",
    observe = function(run, _, runs)
      local one = runs["Job with 1 worker"]
      if not one then return nil, "run \"Job with 1 worker\" too, to compare" end
      if run.others_noticeable or one.others_noticeable then
        return nil, ("not judged: other programs used up to %.0f %% of the CPUs during these runs; run both again when the machine is quieter")
          :format(math.max(run.other_share or 0, one.other_share or 0) * 100)
      end
      local s = one.wall_ms / run.wall_ms
      local note = ("8 workers: %.0f ms, 1 worker: %.0f ms, a speedup of %.2f on %d CPUs"):format(run.wall_ms, one.wall_ms, s, run.ncpu)
      if s >= 6 then return 1, note elseif s >= 2 then return 2, note elseif s >= 0.95 then return 3, note end
      return 4, note
    end,
    hints = {
      "The 100 ms serial part takes 100 ms however many workers wait for it.",
      "At most ${ncpu} workers compute at once on this machine.",
    },
    explain = "The serial part is the same 100 ms of work whatever the number of workers, and only ${ncpu} CPUs share the parallel part: on a quiet machine f is about 0.2, and even unlimited CPUs give at most 1 / 0.2 = 5 times (your own f, from your times, is in the table below). {screen: In the lanes, the serial part is w0 alone; the parallel part is at most ${ncpu} lanes █ at once.}",
  },

  run_with(8),

  text {
    title = "Your speedups",
    body = function(runs)
      local one = runs["Job with 1 worker"]
      local s = one and serial_ms(one)
      if not one or not s then return "Run the job with 1 worker (and the others) above: this table is written from your times." end
      local f = s / one.wall_ms
      local ncpu = one.ncpu
      local t = {
        ("In your run with 1 worker, the serial part took %.0f ms of %.0f ms: a serial fraction f of about %.2f. With at most %d workers computing at once, Amdahl's law predicts a speedup of 1 / (f + (1 - f) / min(n, %d)):")
          :format(s, one.wall_ms, f, ncpu, ncpu),
        "",
        "  n   wall      on CPUs  speedup  Amdahl",
      }
      local busy_runs = {}   -- the runs other programs noticeably slowed
      for _, n in ipairs({ 1, 2, 4, 8 }) do
        local r = runs[TITLES[n]]
        local pred = 1 / (f + (1 - f) / math.min(n, ncpu))
        if r then
          local busy = r.wall_ms > 0 and (r.cpu_ms or 0) / r.wall_ms or 0
          t[#t + 1] = ("  %d   %4.0f ms   %7.2f  %7.2f  %6.2f"):format(n, r.wall_ms, busy, one.wall_ms / r.wall_ms, pred)
          if r.others_noticeable then busy_runs[#busy_runs + 1] = ("%d (%.0f %%)"):format(n, r.other_share * 100) end
        else
          t[#t + 1] = ("  %d   (not run)                   %6.2f"):format(n, pred)
        end
      end
      t[#t + 1] = ""
      t[#t + 1] = ("on CPUs: how many of your workers were on a CPU on average in that run (their CPU time over the wall time); speedup: the 1-worker wall time over this one's. The same work goes faster only when on CPUs is higher. With a serial part and %d CPUs, Amdahl's figure is the most a run can reach when every run has the CPUs to itself."):format(ncpu)
      t[#t + 1] = "Other programs change that: when they took CPUs during the 1-worker run, it is slower, and every speedup measured against it looks larger (it can pass Amdahl's); when they took CPUs during a run with more workers, that run's own speedup comes out smaller."
      if #busy_runs > 0 then
        t[#t + 1] = ("In yours, other programs took a noticeable share of the CPUs during the runs with n = %s."):format(table.concat(busy_runs, ", "))
      else
        t[#t + 1] = "In yours, no run noticed other programs taking the CPUs."
      end
      t[#t + 1] = "Where your measured speedup differs from Amdahl's otherwise, something else counted: starting the threads, or the workers of the parallel part not sharing the CPUs evenly."
      return table.concat(t, "\n")
    end,
  },

  quiz {
    type = "number",
    from = "Job with 1 worker",
    q = "From the table: what percentage of your 1-worker run was the serial part? (100 x serial time / wall time, within 3)",
    tolerance = 3,
    answer = function(run)
      local s = serial_ms(run)
      if not s then return nil, "worker 0 printed no serial time" end
      local p = 100 * s / run.wall_ms
      return math.floor(p + 0.5), ("%.0f ms of %.0f ms"):format(s, run.wall_ms)
    end,
    hints = { "Divide the serial part's time by the 1-worker wall time, times 100." },
    explain = "That share is f. However many workers you add, the job cannot go faster than 1 / f times one worker: the serial part is the limit.",
  },
}
