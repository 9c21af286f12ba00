-- Predict-then-observe, each question judged by a real run. Tests rely on
-- the order of the steps (0-based):
-- 0 number: which worker prints first (only worker 2 prints)
-- 1 choice: does every worker exit 0 (worker 3 crashes: no)
-- 2 multi: which workers printed (worker 2 only)
-- 3 number: most workers running at once (depends on the machine)
-- 4 choice: same first worker as the run before (a verdict, true/false)
-- 5 text: what worker 2 prints
-- 6 run "Speakers"
-- 7 number: observe raises an error
-- 8 number: observe returns no answer of a number's shape
-- 9 run "Quiet"
return lesson {
  title = "Predictions",
  must_answer = true,
  quiz {
    type = "number",
    q = "Which worker prints first?",
    predict = "Speakers",
    observe = function(run) return run.first, "lines in the order " .. table.concat(run.order, " ") end,
    hints = { "Look at which workers have a print at all." },
    explain = "Only worker 2 prints.",
  },
  quiz {
    q = "Will every worker exit 0?",
    choices = { "yes", "no" },
    predict = "Speakers",
    observe = function(run)
      for _, w in ipairs(run.workers) do
        if w.signal then return "no", ("worker %d was killed by signal %d"):format(w.id, w.signal) end
        if w.exit ~= 0 then return "no", ("worker %d exited %d"):format(w.id, w.exit) end
      end
      return "yes"
    end,
  },
  quiz {
    type = "multi",
    q = "Which workers print a line?",
    choices = { "worker 0", "worker 1", "worker 2", "worker 3" },
    predict = "Speakers",
    observe = function(run)
      local v = {}
      for _, w in ipairs(run.workers) do
        if w.lines > 0 then v[#v + 1] = w.id + 1 end
      end
      return v
    end,
  },
  quiz {
    type = "number",
    q = "At most how many workers run at the same moment?",
    predict = "Speakers",
    observe = function(run) return run.max_running, ("on %d CPUs"):format(run.ncpu) end,
  },
  quiz {
    q = "Will the same worker print first as in the run before?",
    choices = { "yes", "no" },
    predict = "Speakers",
    observe = function(run, prediction)
      if not run.previous then return nil, "run it twice to compare" end
      local same = run.previous.first == run.first
      return (prediction == "1" or prediction == "yes") == same
    end,
  },
  quiz {
    type = "text",
    q = "What does worker 2 print?",
    predict = "Speakers",
    observe = function(run)
      for _, l in ipairs(run.output) do
        if l.id == 2 and not l.stderr then return l.text end
      end
    end,
  },
  run {
    title = "Speakers",
    processes = 4,
    worker = function(w)
      busy(20)
      if w.id == 2 then print("hello from two") end
      if w.id == 3 then sleep(150) crash() end   -- fails without a word, last
    end,
  },
  quiz {
    type = "number",
    q = "How long will the quiet run take?",
    predict = "Quiet",
    observe = function(run) error("observe failed on purpose") end,
  },
  quiz {
    type = "number",
    q = "How many lines will the quiet run print?",
    predict = "Quiet",
    observe = function(run) return { 1, 2 } end,
  },
  run { title = "Quiet", processes = 1, worker = function(w) busy(1) end },
}
