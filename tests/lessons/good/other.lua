-- Other programs: one busy worker, and a question whose observe reads what
-- other programs took of the CPUs meanwhile (tests/unit/test_other.c starts
-- busy programs outside the run). Steps (0-based): 0 number, 1 run.
return lesson {
  title = "Other programs",
  quiz {
    type = "number",
    q = "What percentage of the CPUs will other programs take during the run?",
    predict = "One busy worker",
    observe = function(run)
      if not run.other_share then return nil, "unknown: no CPU counters" end
      local per = {}
      for c = 1, run.ncpu do per[#per + 1] = ("cpu%d=%s"):format(c - 1, run.cpus_other[c] and
        ("%.0f%%"):format(100 * run.cpus_other[c]) or "?") end
      return math.floor(100 * run.other_share + 0.5),
        ("%s; steal %.0f%%; %s"):format(table.concat(per, " "), 100 * run.steal_share,
          run.others_noticeable and "noticeable" or "not noticeable")
    end,
  },
  run {
    title = "One busy worker",
    threads = 1,
    worker = function(w) busy(300) end,
  },
}
