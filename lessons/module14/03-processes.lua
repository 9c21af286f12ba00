-- Lesson 3: example1.py run twice (parlab's own five worker processes, then
-- the real Python program), the seed's output listing, and why the order of
-- the lines is the scheduler's choice. Three predictions are judged by the
-- runs: who prints first, whether that holds a second time, and how many
-- workers run at once.

local FIRST = "Five worker processes (parlab's own)"

-- "0 1 2 3 4": worker ids in the order their lines arrived.
local function order_of(run)
  return table.concat(run.order, " ")
end

-- The children of a run of example1.py (Process-1 .. Process-5): how long
-- each took from its start to its line, on average, in ms; nil if unseen.
local function child_latency(run)
  local sum, n = 0, 0
  for _, k in ipairs(run and run.tasks or {}) do
    if k.name and k.name:match("^Process%-%d+$") and k.start_ms and k.first_output_ms then
      sum, n = sum + (k.first_output_ms - k.start_ms), n + 1
    end
  end
  if n == 0 then return nil end
  return sum / n, n
end

-- The children of a Python run (Process-N), in the order their first line
-- arrived: { { n = 3, name = "Process-3", pid = ..., ms = ... }, ... }.
local function python_order(run)
  local kids = {}
  for _, k in ipairs(run and run.tasks or {}) do
    local n = k.name and tonumber(k.name:match("^Process%-(%d+)$"))
    if n and k.first_output_ms then kids[#kids + 1] = { n = n, name = k.name, pid = k.pid, ms = k.first_output_ms } end
  end
  table.sort(kids, function(a, b) return a.ms < b.ms end)
  return kids
end

local function names_of(kids)
  local t = {}
  for _, k in ipairs(kids) do t[#t + 1] = k.name end
  return table.concat(t, ", ")
end

return lesson {
  title = "Five worker processes",

  text [[
# Five workers, as parlab's own processes

First, the idea of example1.py without Python: parlab starts five worker processes, numbered 0 to 4, and each one prints "Worker: " and its number. That is all.

Before you run it, commit to a guess: the next question asks you to predict, and the run itself will judge your answer.
]],

  quiz {
    type = "number",
    q = "Five workers, numbered 0 to 4, are started in that order. Which worker will print its line first?",
    predict = FIRST,
    observe = function(run)
      if not run.first then return nil, "no worker printed anything" end
      return run.first, "the lines arrived in the order " .. order_of(run)
    end,
    explain = [[
The first line came from the worker that reached its print first: look at the time stamps in the output. Worker 0 is started first, so it often wins; but starting a process is only a request to the kernel, and a worker started a moment later can be given a CPU sooner, or run sooner once it has one. {screen: In the timeline, compare when each worker's lane first turns to █ with the time stamp of its line.}
]],
    hints = { "Type a worker number, 0 to 4. The run after this question decides." },
  },

  text [[
{screen: Type next, then run, and watch the timeline: five lanes appear, one per process. Each one is born, runs for a moment on one of the ${ncpu} CPUs, prints its line and exits. The output pane shows the lines as they arrive.}
{batch: In the run below, each of the five processes is born, runs for a moment on one of the ${ncpu} CPUs, prints its line and exits. Its row in the task table says how long it ran (cpu time), how long it waited for a CPU (waited) and on which CPU it ran.}
]],

  run {
    title = FIRST,
    processes = 5,
    worker = function(w) print("Worker: " .. w.id) end,
    note = [[
Five real processes were started, ran and exited. Now compare the order of the "Worker: N" lines with your guess. The output is ordered by the time each line arrived (the time stamp in front of it), not by worker number. {screen: Type next.}
]],
  },

  text [[
# The real example1.py

Now the program itself: python3 example1.py. parlab follows its whole process tree, the Python parent and every child it starts.

{screen: Type next, then run. In the timeline, look for the parent's lane, MainProcess, and under it the five children, Process-1 to Process-5: the names Python's multiprocessing gives them.}{batch: In the task table, look for the parent MainProcess (exit 0) and its five children, Process-1 to Process-5: the names Python's multiprocessing gives them.} Each "Worker: N" line is shown with the name of the process that printed it. Look at the time stamps too: starting a Python process costs more than starting one of parlab's small workers.
]],

  quiz {
    type = "number",
    q = "example1.py starts Process-1 to Process-5 in that order. Which one will print its line first? (1 to 5)",
    predict = "python3 example1.py",
    observe = function(run)
      local kids = python_order(run)
      if #kids == 0 then return nil, "no child named Process-N printed a line" end
      return kids[1].n, "the children's lines arrived in the order " .. names_of(kids)
    end,
    explain = "As with parlab's workers: the parent starts Process-1 first, so it often prints first, but each child prints when it gets far enough on a CPU, and the kernel decides when that is.",
    hints = { "Type a number, 1 to 5. The run after this question decides." },
  },

  run {
    title = "python3 example1.py",
    command = { "python3", "example1.py" },
    files = { "example1.py" },
    note = function(run)
      local kids = python_order(run)
      local t = { ("The same picture as before, now from real Python: one parent, five child processes, each scheduled by the kernel on one of the %d CPUs, each printing one line: the name beside each line says which child printed it."):format(run.ncpu) }
      if #kids > 0 then
        t[#t + 1] = (" In your run %s (pid %d) printed first, at %.1f ms; the order was %s."):format(kids[1].name, kids[1].pid, kids[1].ms, names_of(kids))
      end
      t[#t + 1] = " {screen: The parent's lane stays alive to the end}{batch: The parent lives to the end of the run}: that is job.join(), waiting for its children. {screen: Type next.}"
      return table.concat(t)
    end,
  },

  text [[
# The listing in the module

The module shows this output for example1.py:

  Worker: 0
  Worker: 1
  Worker: 2
  Worker: 3
  Worker: 4

That is one possible run, not a promise. p.start() only asks the operating system for a new process. When each process gets a CPU, and so when it prints, is decided by the kernel's scheduler. With ${ncpu} CPUs, at most ${ncpu} tasks can run at the same instant; the rest wait their turn.

Nothing in example1.py says "worker 0 prints first". The parent starts the workers in order, so a tidy 0, 1, 2, 3, 4 is one possible result, and some runs give exactly that. But any worker that gets a CPU sooner prints sooner.

What decides the order of the lines is the moment each worker reaches its print: the time stamp in front of each line in the output. A worker prints only once it has run far enough, so getting a CPU first is not the same as printing first{screen:: in the timeline, compare when each lane first shows a running block (▁ to █) with the time stamp of its line}.

{screen: Type next: before you run it again, predict what changes.}{batch: Before it runs again, predict what changes.}
]],

  quiz {
    q = "parlab's five workers once more, the same program as your first run (\"" .. FIRST .. "\"): will the same worker print first as in that run?",
    choices = { "Yes: the same worker prints first", "No: another worker prints first" },
    predict = "Run it again",
    observe = function(run, _, runs)
      local before = runs[FIRST]
      if not before or not before.first then
        return nil, "run \"" .. FIRST .. "\" too, to compare the two"
      end
      if not run.first then return nil, "no worker printed anything" end
      local note = ("first run: %s; this run: %s"):format(order_of(before), order_of(run))
      return before.first == run.first and 1 or 2, note
    end,
    explain = [[
Either can happen, and your machine has just shown you one of them. Nothing in the program fixes the order: each run, the kernel hands out the CPUs anew, and a few microseconds of difference in when a worker gets one decide who prints first. {screen: Type run a few more times and watch the first line.}
]],
  },

  run {
    title = "Run it again",
    processes = 5,
    worker = function(w) print("Worker: " .. w.id) end,
    note = [[
parlab's five workers a second time. Did the lines come out in the same order as in your first run of them? {screen: Type run a few more times and watch the lanes: the moments at which the workers start running shift a little every time, and now and then two lines swap. Type next.}{batch: Run after run, the time stamps shift a little, and now and then two lines swap.}
]],
  },

  text [[
# Give the workers some work

When each worker has real work to do before it prints, the order gets much less tidy. In the next run, each of the five workers burns 50 ms of CPU time (busy(50)), then prints its line and when it finished.

All five want a CPU at once, and this machine has ${ncpu}. The scheduler hands out the CPUs in short turns. Who finishes first is its decision.

{screen: Type next, then predict}{batch: Predict} how many of them will be running at the same moment.
]],

  quiz {
    type = "number",
    q = "Five workers each need 50 ms of CPU time. At most how many of them will be running at the same moment on this machine?",
    predict = "Five workers, 50 ms of work each",
    observe = function(run)
      local seen = ("at most %d of the %d workers ran at once, on %d CPUs"):format(
        run.max_running, run.nworkers, run.ncpu)
      if run.others_noticeable and run.max_running < math.min(run.ncpu, run.nworkers) then
        -- other programs held CPUs: fewer of yours could run, so this run cannot judge the question
        return nil, ("%s; not judged: other programs used %.0f %% of the CPUs during this run, run it again when the machine is quieter")
          :format(seen, run.other_share * 100)
      end
      return run.max_running, seen
    end,
    explain = [[
A CPU runs one task at a time, so at most ${ncpu} workers (one per CPU) can be running at any instant on this machine; the others are ready but wait{screen:, shown as ░}{batch: (the waited column of the task table)}. If another program was busy too, fewer of yours ran at once. More workers than CPUs means taking turns, not more at once.
]],
    hints = { "{screen:Count the CPU lanes at the top of the timeline.}{batch:How many CPUs does this machine have? The run statistics list one figure per CPU.}" },
  },

  text [[
{screen: Type next, then run, and watch the lanes: where a lane shows ░, that worker was ready to run but had no CPU.}
{batch: In the task table, waited is the time a worker was ready to run but had no CPU.}
]],

  run {
    title = "Five workers, 50 ms of work each",
    processes = 5,
    worker = function(w)
      busy(50)
      print(string.format("Worker: %d (finished at %.0f ms)", w.id, now()))
    end,
    note = [[
The lines come out in the order the workers finished, and the scheduler decided that order. Every worker had the same work, so any worker could have been first. Run it again {screen: (type run)} and the order will likely change. {screen: Type next.}
]],
  },

  text [[
# How a child process starts: fork or spawn

multiprocessing can start a child process in more than one way, its start method:

- fork (Linux's default here): the child is a copy of the parent, made by the kernel in a moment; it goes straight to worker(num).
- spawn (the default on Windows and macOS): the child is a new Python interpreter that starts from scratch and imports the program's module before it can call worker(num).

A program chooses with multiprocessing.set_start_method("spawn"). parlab runs example1.py, unchanged, once with each start method; the children are Process-1 to Process-5 either way.
]],

  quiz {
    q = "With which start method will the five children print their lines sooner after they start?",
    choices = {
      "fork: a copy of the parent is ready at once",
      "spawn: a fresh interpreter is lighter",
      "No difference",
    },
    predict = "example1.py with spawn",
    observe = function(run, _, runs)
      local f = child_latency(runs["example1.py with fork"])
      local s, n = child_latency(run)
      if not f then return nil, "run \"example1.py with fork\" too, to compare" end
      if not s then return nil, "the run shows no children named Process-N" end
      local note = ("from its start to its line, a child took %.1f ms with fork and %.1f ms with spawn, on average over %d"):format(f, s, n)
      if s > 3 * f and s - f > 10 then return 1, note end
      if f > 3 * s and f - s > 10 then return 2, note end
      return nil, "not judged: " .. note .. ", too close to call"
    end,
    hints = { "Which one has to start Python again and import the program?" },
    explain = "A forked child is already a running Python with the program loaded: it calls worker(num) at once. A spawned child starts a new interpreter and imports the program's module first, tens of milliseconds of CPU work before worker(num) runs{screen: (its lane runs before its line appears)}. spawn is safer where threads and fork mix badly, and is the only choice on Windows; fork is fast on Linux.",
  },

  run {
    title = "example1.py with fork",
    command = { "python3", "example1.py" },
    files = { "example1.py" },
    start_method = "fork",
    note = function(run)
      local f = child_latency(run)
      if not f then return "No child lane was named Process-N in this run." end
      return ("With fork, each child printed its line %.1f ms after it started, on average. {screen: Type next, then run.}"):format(f)
    end,
  },

  run {
    title = "example1.py with spawn",
    command = { "python3", "example1.py" },
    files = { "example1.py" },
    start_method = "spawn",
    note = function(run, runs)
      local s = child_latency(run)
      local f = child_latency(runs["example1.py with fork"])
      if not s then return "No child lane was named Process-N in this run." end
      local t = { ("With spawn, each child printed its line %.1f ms after it started, on average"):format(s) }
      if f then t[#t + 1] = (", against %.1f ms with fork"):format(f) end
      t[#t + 1] = ". The difference is the new interpreter starting and importing example1.py."
      if run.others_noticeable then
        t[#t + 1] = (" Other programs used %.0f %% of the CPUs during this run: its times are longer than on a quiet machine."):format(run.other_share * 100)
      end
      return table.concat(t)
    end,
  },
}
