-- tests/e2e/other.sh: one busy worker while other programs keep the CPUs busy.
return lesson {
  title = "Others",
  run { title = "One busy worker", processes = 1, worker = function(w) busy(300); print("done") end },
}
