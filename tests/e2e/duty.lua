-- tests/e2e/partial.sh: workers that run 1 ms in every 11 (busy, then sleep).
return lesson {
  title = "Duty cycle",
  run {
    title = "One in eleven",
    threads = 3,
    worker = function(w) for i = 1, 20 do busy(1); sleep(10) end print("done " .. w.id) end,
  },
}
