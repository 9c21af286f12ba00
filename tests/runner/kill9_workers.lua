-- Process and thread workers busy when parlab is killed (kill9.sh).
return lesson {
  title = "Killed mid-run: workers",
  run { title = "processes", processes = 3, worker = function(w) busy(60000) end, timeout = 60 },
}
